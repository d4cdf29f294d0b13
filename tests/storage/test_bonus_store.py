"""The bonus store: a check reads back as recorded, a later check of the same item supersedes it."""
from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

import pytest

from scoring.common.models import ActionKind
from scoring.storage import Storage, Transaction
from scoring.storage import bonus_store as store

ROUND = "2023-01"


@pytest.fixture
def storage(tmp_path):
    with Storage(tmp_path / "bonus.duckdb") as opened:
        yield opened


@contextmanager
def writing(storage: Storage, actor: str = "staff") -> Iterator[Transaction]:
    with storage.transaction(actor) as tx:
        yield tx
        tx.audit(ActionKind.BONUS_CHECK, f"bonus/{ROUND}")


def test_a_round_without_checks_reads_empty(storage):
    assert store.load_checks(storage, ROUND) == []
    assert store.load_checks(storage, ROUND, "A") == []


def test_a_check_reads_back_as_recorded_and_a_later_one_supersedes_it(storage):
    with writing(storage) as tx:
        store.replace_check(tx, ROUND, "A", "standard", False, "证书未附")
        store.replace_check(tx, ROUND, "B", "standard", True, "证书齐全")
    with writing(storage, "chief") as tx:
        store.replace_check(tx, ROUND, "A", "standard", True, "补交证书")
        checked_at = tx.now

    assert store.load_checks(storage, ROUND, "A") == [
        store.BonusCheckRecord("A", "standard", True, "补交证书", "chief", checked_at)]
    assert sorted(c.credit_code for c in store.load_checks(storage, ROUND)) == ["A", "B"]
    assert store.load_checks(storage, "2023-02") == []
