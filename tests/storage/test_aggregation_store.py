"""The aggregation store over hand-built sheets: only submitted sheets count, the ends of a tie go to different
experts, unfinished pairs name their state, and the revisions of a sheet read back as kept."""
from __future__ import annotations

import statistics
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime
from decimal import Decimal

import pytest

from scoring.common.models import ActionKind, RevisionEvent, ScoreSheet, SheetStatus
from scoring.storage import Storage, Transaction
from scoring.storage import aggregation_store as store
from scoring.storage import round_store, sheet_store
from scoring.storage.round_store import NewPair

ROUND = "2023-01"
MAXIMA = {"c1": Decimal(10), "c2": Decimal(8)}


@pytest.fixture
def storage(tmp_path):
    with Storage(tmp_path / "aggregation.duckdb") as opened:
        yield opened


@contextmanager
def writing(storage: Storage) -> Iterator[Transaction]:
    with storage.transaction("staff") as tx:
        yield tx
        tx.audit(ActionKind.SHEET_SUBMIT, f"round/2023/{ROUND}")


def sheet(code: str, expert_id: str, c1: int, c2: int, status: SheetStatus = SheetStatus.SUBMITTED,
          comments: dict[str, str] | None = None) -> ScoreSheet:
    return ScoreSheet(round_id=ROUND, credit_code=code, expert_id=expert_id, status=status,
                      scores={"c1": Decimal(c1), "c2": Decimal(c2)}, comments=comments or {}, revision=1,
                      started_at=datetime(2023, 5, 20), saved_at=datetime(2023, 5, 21), saved_by=expert_id,
                      submitted_at=datetime(2023, 5, 21) if status is SheetStatus.SUBMITTED else None)


def save(storage: Storage, *sheets: ScoreSheet, pairs: tuple[tuple[str, str], ...] = ()) -> None:
    with writing(storage) as tx:
        round_store.insert_pairs(tx, ROUND, [NewPair(credit_code=c, expert_id=e) for c, e in pairs], "测试", "分配")
        for written in sheets:
            sheet_store.write_sheet(tx, written, is_new=True)


def test_an_empty_round_reads_empty(storage):
    assert store.application_totals(storage, ROUND) == []
    assert store.sheet_totals(storage, ROUND) == []
    assert store.criterion_means(storage, ROUND) == {}
    assert store.expert_tendencies(storage, ROUND) == []
    assert store.extremes_without_comment(storage, ROUND, MAXIMA) == []
    assert store.unfinished_pairs(storage, ROUND) == []
    assert store.submissions_and_reopenings(storage, ROUND) == []


def test_the_totals_count_submitted_sheets_only(storage):
    save(storage, sheet("A", "E1", 8, 5), sheet("A", "E2", 10, 7), sheet("A", "E3", 6, 4),
         sheet("A", "E4", 0, 0, SheetStatus.DRAFT), sheet("B", "E1", 9, 0))

    a, b = store.application_totals(storage, ROUND)

    assert a._replace(spread=None) == store.ApplicationTotals("A", 3, Decimal(40), Decimal(10), Decimal(17), "E3", "E2",
                                                              None)
    assert a.spread == pytest.approx(statistics.pstdev([13, 17, 10]))
    assert b == store.ApplicationTotals("B", 1, Decimal(9), Decimal(9), Decimal(9), "E1", "E1", 0.0)
    assert store.sheet_totals(storage, ROUND) == [
        store.SheetTotal("A", "E1", Decimal(13)), store.SheetTotal("A", "E2", Decimal(17)),
        store.SheetTotal("A", "E3", Decimal(10)), store.SheetTotal("B", "E1", Decimal(9))]


def test_on_a_tie_the_lowest_and_the_highest_total_go_to_different_experts(storage):
    save(storage, sheet("A", "E2", 8, 5), sheet("A", "E1", 8, 5), sheet("A", "E3", 9, 4))

    [totals] = store.application_totals(storage, ROUND)

    assert (totals.lowest_expert, totals.highest_expert) == ("E1", "E3")


def test_criterion_means_are_to_the_cent_halves_up(storage):
    save(storage, sheet("A", "E1", 8, 5), sheet("A", "E2", 10, 7), sheet("A", "E3", 6, 4),
         sheet("B", "E1", 9, 1), sheet("B", "E2", 10, 2))

    assert store.criterion_means(storage, ROUND) == {
        "A": {"c1": Decimal("8.00"), "c2": Decimal("5.33")}, "B": {"c1": Decimal("9.50"), "c2": Decimal("1.50")}}


def test_a_tendency_compares_only_applications_with_two_or_more_sheets(storage):
    save(storage, sheet("A", "E1", 8, 5), sheet("A", "E2", 10, 7), sheet("B", "E1", 9, 0))

    e1, e2 = store.expert_tendencies(storage, ROUND)

    assert (e1.expert_id, e1.sheets, e1.compared, e1.lowest, e1.highest) == ("E1", 2, 1, Decimal(9), Decimal(13))
    assert e1.deviation == pytest.approx(-2)
    assert (e2.expert_id, e2.sheets, e2.compared) == ("E2", 1, 1)
    assert e2.deviation == pytest.approx(2)


def test_extremes_are_submitted_scores_at_zero_or_the_maximum_without_a_comment(storage):
    save(storage, sheet("A", "E1", 10, 3), sheet("A", "E2", 10, 3, comments={"c1": "材料翔实"}),
         sheet("B", "E1", 5, 0), sheet("B", "E2", 0, 8, SheetStatus.DRAFT))

    assert store.extremes_without_comment(storage, ROUND, MAXIMA) == [
        store.ExtremeScore("A", "E1", "c1", Decimal(10)), store.ExtremeScore("B", "E1", "c2", Decimal(0))]


def test_unfinished_pairs_name_the_sheet_state_or_not_started(storage):
    save(storage, sheet("A", "E1", 8, 5), sheet("A", "E2", 1, 1, SheetStatus.DRAFT),
         sheet("A", "E3", 0, 0, SheetStatus.RECUSED),
         pairs=(("A", "E1"), ("A", "E2"), ("A", "E3"), ("B", "E4")))

    assert store.unfinished_pairs(storage, ROUND) == [
        store.UnfinishedPair("A", "E2", SheetStatus.DRAFT), store.UnfinishedPair("B", "E4", SheetStatus.NOT_STARTED)]


def test_the_revisions_kept_at_submissions_and_reopenings_read_back_in_order(storage):
    submitted = sheet("A", "E1", 8, 5)
    reopened = submitted.model_copy(update={"status": SheetStatus.DRAFT, "revision": 2, "reopened_reason": "漏评"})
    again = sheet("A", "E1", 9, 5).model_copy(update={"revision": 3})
    with writing(storage) as tx:
        sheet_store.record_revision(tx, submitted, RevisionEvent.SUBMITTED)
        sheet_store.record_revision(tx, reopened, RevisionEvent.REOPENED, "漏评")
        sheet_store.record_revision(tx, again, RevisionEvent.SUBMITTED)
        sheet_store.record_revision(tx, sheet("B", "E1", 0, 0, SheetStatus.RECUSED), RevisionEvent.RECUSED)
        at = tx.now

    assert store.submissions_and_reopenings(storage, ROUND) == [
        store.SheetRevision("A", "E1", 1, submitted, at, "staff"),
        store.SheetRevision("A", "E1", 2, reopened, at, "staff"),
        store.SheetRevision("A", "E1", 3, again, at, "staff")]
