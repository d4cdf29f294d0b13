"""The meeting store: decisions read back as recorded, a newer one supersedes; frozen shortlists keep every version."""
from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

import pytest

from scoring.common.models import ActionKind
from scoring.storage import Storage, Transaction
from scoring.storage import meeting_store as store

ROUND = "2023-01"


@pytest.fixture
def storage(tmp_path):
    with Storage(tmp_path / "meeting.duckdb") as opened:
        yield opened


@contextmanager
def writing(storage: Storage, actor: str = "staff") -> Iterator[Transaction]:
    with storage.transaction(actor) as tx:
        yield tx
        tx.audit(ActionKind.MEETING_DECIDE, f"decision/{ROUND}")


def test_an_empty_round_has_no_decision_and_no_shortlist(storage):
    assert store.load_decisions(storage, ROUND) == []
    assert store.load_shortlists(storage, ROUND) == []
    assert store.last_shortlist_version(storage, ROUND) == 0


def test_recorded_decisions_read_back_by_credit_code_with_who_and_when(storage):
    with writing(storage) as tx:
        store.replace_decisions(tx, ROUND, [
            store.NewDecision("B", "不入选", "排名靠后", False, 12),
            store.NewDecision("A", "入选", "会议研究", True, None)])
        decided_at = tx.now

    assert store.load_decisions(storage, ROUND) == [
        store.DecisionRecord("A", "入选", "会议研究", True, None, "staff", decided_at),
        store.DecisionRecord("B", "不入选", "排名靠后", False, 12, "staff", decided_at)]
    assert store.load_decisions(storage, "2023-02") == []


def test_a_newer_decision_supersedes_only_its_own_application(storage):
    with writing(storage) as tx:
        store.replace_decisions(tx, ROUND, [store.NewDecision("A", "待定", "再议", False, 1),
                                            store.NewDecision("B", "入选", "会议研究", False, 2)])
        first_at = tx.now
    with writing(storage, "chief") as tx:
        store.replace_decisions(tx, ROUND, [store.NewDecision("A", "入选", "复议通过", False, 1)])
        second_at = tx.now

    assert store.load_decisions(storage, ROUND) == [
        store.DecisionRecord("A", "入选", "复议通过", False, 1, "chief", second_at),
        store.DecisionRecord("B", "入选", "会议研究", False, 2, "staff", first_at)]


def test_recording_no_decisions_changes_nothing(storage):
    with writing(storage) as tx:
        store.replace_decisions(tx, ROUND, [])

    assert store.load_decisions(storage, ROUND) == []


def test_every_frozen_shortlist_reads_back_oldest_first(storage):
    with writing(storage) as tx:
        store.insert_shortlist(tx, ROUND, 1, data='{"entries": []}', sha256="a" * 64, reason="首次确定")
        store.insert_shortlist(tx, ROUND, 2, data='{"entries": [1]}', sha256="b" * 64, reason="按会议决定调整")
        frozen_at = tx.now

    assert store.load_shortlists(storage, ROUND) == [
        store.ShortlistRecord(ROUND, 1, '{"entries": []}', "a" * 64, "首次确定", "staff", frozen_at),
        store.ShortlistRecord(ROUND, 2, '{"entries": [1]}', "b" * 64, "按会议决定调整", "staff", frozen_at)]
    assert store.last_shortlist_version(storage, ROUND) == 2
    assert store.last_shortlist_version(storage, "2023-02") == 0
