"""Reads and writes of the extra awards; the rules live in scoring/pilots/awards.py. Standards and computations come
back as the JSON they were stored as: their models belong to the awards module, which imports this one."""
from __future__ import annotations

import json
from datetime import datetime
from decimal import Decimal
from typing import NamedTuple

from scoring.storage import award_queries as q
from scoring.storage.source import Source, execute, first, rows
from scoring.storage.store import Transaction


class StandardRecord(NamedTuple):
    data: dict
    saved_at: datetime
    saved_by: str


class AwardRecord(NamedTuple):
    batch_id: str
    credit_code: str
    year: int
    data: dict  # the confirmed computation and the standard it used
    amount: Decimal
    confirmed_at: datetime
    confirmed_by: str


def standard(source: Source, year: int) -> StandardRecord | None:
    found = first(source, q.SELECT_STANDARD, [year])
    return StandardRecord(json.loads(found[0]), found[1], found[2]) if found else None


def put_standard(tx: Transaction, year: int, data: dict) -> None:
    execute(tx, q.UPSERT_STANDARD, [year, json.dumps(data, ensure_ascii=False), tx.now, tx.actor])


def awards(source: Source, batch_id: str, year: int, credit_code: str | None = None) -> list[AwardRecord]:
    found = rows(source, q.SELECT_AWARDS, {"batch_id": batch_id, "year": year, "credit_code": credit_code})
    return [AwardRecord(b, c, y, json.loads(d), a, at, by) for b, c, y, d, a, at, by in found]


def put_award(tx: Transaction, batch_id: str, credit_code: str, year: int, data: dict, amount: Decimal) -> None:
    execute(tx, q.UPSERT_AWARD, [batch_id, credit_code, year, json.dumps(data, ensure_ascii=False), amount,
                                 tx.now, tx.actor])
