"""The cached databases the tests start from: each built once per test process on the one before it (the sample
batch → its round assigned → scored, or shortlisted), in one temporary folder, and copied per test."""
from __future__ import annotations

import atexit
import functools
import shutil
import tempfile
from collections.abc import Callable
from pathlib import Path

from scoring.storage import Storage


@functools.cache
def _folder() -> Path:
    folder = Path(tempfile.mkdtemp(prefix="review-tests-"))
    atexit.register(shutil.rmtree, folder, ignore_errors=True)
    return folder


def built(name: str, build: Callable[[Storage], None], on: Path | None = None) -> Path:
    """A database `name` made by `build`, starting from a copy of `on` (or empty). Callers cache it."""
    path = _folder() / f"{name}.duckdb"
    if on is not None:
        shutil.copy(on, path)
    with Storage(path) as storage:
        build(storage)
    return path


def copy_to(database: Path, path: Path) -> Path:
    """A fresh copy of a cached database at `path`, for one test to change."""
    shutil.copy(database, path)
    return path


def opened_copy(database: Path, folder: Path) -> Storage:
    """A fresh copy of a cached database as folder/review.duckdb, opened."""
    return Storage(copy_to(database, folder / "review.duckdb"))
