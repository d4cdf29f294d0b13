"""The applying stage's tests share one database per test: the 2023 batch open for applications (make_call), the
domain clock frozen a day before the unit deadline (the `clock` fixture moves it)."""
from datetime import timedelta

import pytest

from scoring.applying.calls import open_call
from scoring.storage.store import Storage
from tests.builders.applications import make_batch
from tests.builders.applying import UNIT_DEADLINE, make_call
from tests.builders.clock import frozen_clock
from tests.builders.rounds import STAFF


@pytest.fixture
def clock(monkeypatch):
    return frozen_clock(monkeypatch, UNIT_DEADLINE - timedelta(days=1))


@pytest.fixture
def storage(tmp_path, clock):
    with Storage(tmp_path / "review.duckdb") as opened:
        opened.create_batch(make_batch(), "admin")
        open_call(opened, STAFF, make_call())
        yield opened
