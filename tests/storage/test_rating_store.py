"""The rating store: an expert's figures counted from assignments, sheets and revisions; ratings read back as
recorded, a newer rating of the same expert and round supersedes the older."""
from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime
from decimal import Decimal

import pytest

from scoring.common.models import ActionKind, RevisionEvent, ScoreSheet, SheetStatus
from scoring.storage import Storage, Transaction
from scoring.storage import rating_store as store
from scoring.storage import round_store, sheet_store
from scoring.storage.round_store import NewPair

ROUND = "2023-01"
DEADLINE = datetime(2023, 5, 31, 17, 0)


@pytest.fixture
def storage(tmp_path):
    with Storage(tmp_path / "rating.duckdb") as opened:
        yield opened


@contextmanager
def writing(storage: Storage, actor: str = "staff") -> Iterator[Transaction]:
    with storage.transaction(actor) as tx:
        yield tx
        tx.audit(ActionKind.EXPERT_RATE, f"round/2023/{ROUND}")


def sheet(code: str, expert_id: str, status: SheetStatus, submitted_at: datetime | None = None,
          comments: dict[str, str] | None = None) -> ScoreSheet:
    saved_at = submitted_at or datetime(2023, 5, 21)
    return ScoreSheet(round_id=ROUND, credit_code=code, expert_id=expert_id, status=status,
                      scores={"c1": Decimal(8), "c2": Decimal(5)} if status is SheetStatus.SUBMITTED else {},
                      comments=comments or {}, revision=1, started_at=datetime(2023, 5, 20), saved_at=saved_at,
                      saved_by=expert_id, submitted_at=submitted_at)


def test_a_round_without_assignments_has_no_figures_and_no_ratings(storage):
    assert store.work_figures(storage, ROUND, DEADLINE) == []
    assert store.load_ratings(storage) == []


def test_the_figures_count_submitted_late_recused_reopened_and_commented(storage):
    with writing(storage) as tx:
        round_store.insert_pairs(tx, ROUND, [NewPair(credit_code="A", expert_id="E1"),
                                             NewPair(credit_code="B", expert_id="E1"),
                                             NewPair(credit_code="A", expert_id="E2")], "测试", "测试分配")
        on_time = sheet("A", "E1", SheetStatus.SUBMITTED, datetime(2023, 5, 30), {"c1": "依据充分"})
        late = sheet("B", "E1", SheetStatus.SUBMITTED, datetime(2023, 6, 2))
        for written in (on_time, late, sheet("A", "E2", SheetStatus.RECUSED)):
            sheet_store.write_sheet(tx, written, is_new=True)
        sheet_store.record_revision(tx, late, RevisionEvent.REOPENED, "分数有误")
        sheet_store.record_revision(tx, late, RevisionEvent.SUBMITTED)

    assert store.work_figures(storage, ROUND, DEADLINE) == [
        store.WorkFigures("E1", assigned=2, submitted=2, late=1, recused=0, reopened=1, scored=4, commented=1),
        store.WorkFigures("E2", assigned=1, submitted=0, late=0, recused=1, reopened=0, scored=0, commented=0)]
    assert store.work_figures(storage, ROUND, None)[0].late == 0


def test_a_rating_reads_back_as_recorded_and_a_newer_one_supersedes_it(storage):
    with writing(storage) as tx:
        store.replace_rating(tx, ROUND, "E1", "合格", "按时提交", '{"assigned": 2}')
        store.replace_rating(tx, "2023-02", "E1", "优秀", "评语详实", '{"assigned": 3}')
    with writing(storage, "chief") as tx:
        store.replace_rating(tx, ROUND, "E1", "优秀", "复核后调整", '{"assigned": 2}')
        rated_at = tx.now

    assert store.load_ratings(storage, round_id=ROUND) == [
        store.RatingRecord(ROUND, "E1", "优秀", "复核后调整", '{"assigned": 2}', "chief", rated_at)]
    assert [(r.round_id, r.rating) for r in store.load_ratings(storage, expert_id="E1")] == [(ROUND, "优秀"),
                                                                                           ("2023-02", "优秀")]
    assert store.load_ratings(storage, expert_id="E2") == []
