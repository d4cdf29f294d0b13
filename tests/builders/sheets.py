"""A database with a committed selection round on the sample batch, for the score sheet tests: built once per
test process, copied per test."""
from __future__ import annotations

import atexit
import functools
import shutil
import tempfile
from decimal import Decimal
from pathlib import Path

from scoring.rounds.assignment import commit_assignment, preview_assignment
from scoring.rounds.review_rounds import ReviewRound, list_rounds, round_rubric
from scoring.review.rubrics import Rubric
from scoring.storage import Storage
from scoring.storage import round_store
from scoring.storage.round_store import StoredPair
from tests.builders.rounds import STAFF, new_round, sample_storage


@functools.cache
def _assigned_template() -> Path:
    folder = Path(tempfile.mkdtemp(prefix="scoring-sample-"))
    atexit.register(shutil.rmtree, folder, ignore_errors=True)
    storage = sample_storage(folder)
    review_round = new_round(storage, title="2023年度遴选评审", min_load=1, max_load=4)
    commit_assignment(storage, STAFF, review_round.round_id, preview_assignment(storage, STAFF, review_round.round_id),
                      "测试分配")
    storage.close()
    return folder / "review.duckdb"


def assigned_storage(tmp_path: Path) -> Storage:
    """A fresh copy of the sample batch with round 2023-01 (selection rubric) assigned: 130 pairs, 60 experts."""
    path = tmp_path / "review.duckdb"
    shutil.copy(_assigned_template(), path)
    return Storage(path)


def the_round(storage: Storage) -> ReviewRound:
    return list_rounds(storage, STAFF, "2023")[0]


def rubric(storage: Storage) -> Rubric:
    return round_rubric(storage, the_round(storage))


def pairs(storage: Storage) -> list[StoredPair]:
    return round_store.current_pairs(storage, the_round(storage).round_id)


def full_marks(rubric: Rubric, **overrides) -> dict:
    """A complete sheet: every criterion at its maximum, the comments the rubric always requires, an opinion."""
    return {"scores": {c.id: c.max_points for c in rubric.criteria},
            "comments": {c.id: "评语" for c in rubric.criteria if c.needs_comment(c.max_points)},
            "opinion": "推荐", "opinion_text": "同意推荐", **overrides}


def points(value: str) -> Decimal:
    return Decimal(value)
