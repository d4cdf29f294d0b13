"""Reads and writes of staff's checks of the priority bonuses; the rules live in scoring/results/bonuses.py."""
from __future__ import annotations

from datetime import datetime
from typing import NamedTuple

from scoring.storage import bonus_queries as q
from scoring.storage.source import Source, rows
from scoring.storage.store import Transaction


class BonusCheckRecord(NamedTuple):
    """The check in force of one bonus item of one application."""

    credit_code: str
    bonus_id: str
    verified: bool
    note: str
    checked_by: str
    checked_at: datetime


def load_checks(source: Source, round_id: str, credit_code: str | None = None) -> list[BonusCheckRecord]:
    """The round's checks in force, of every application or of one."""
    return [BonusCheckRecord(*row)
            for row in rows(source, q.SELECT_BONUS_CHECKS, {"round_id": round_id, "credit_code": credit_code})]


def replace_check(tx: Transaction, round_id: str, credit_code: str, bonus_id: str, verified: bool, note: str) -> None:
    """Record a check; it supersedes the item's check in force, which stays on record."""
    tx.execute(q.SUPERSEDE_BONUS_CHECK, [tx.now, round_id, credit_code, bonus_id])
    tx.execute(q.INSERT_BONUS_CHECK, [round_id, credit_code, bonus_id, verified, note, tx.actor, tx.now])
