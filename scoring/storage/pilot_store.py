"""Reads and writes of the pilot registry; the rules live in scoring/pilots/registry.py."""
from __future__ import annotations

import json
from datetime import datetime
from decimal import Decimal
from typing import NamedTuple

from scoring.storage import pilot_queries as q
from scoring.storage.source import Source, execute, first, rows
from scoring.storage.store import Transaction


class PilotRecord(NamedTuple):
    batch_id: str
    credit_code: str
    unit_name: str
    unit_type: str
    city: str
    first_year: int
    last_year: int
    round_id: str
    list_order: int
    letter_number: str | None
    funding_wan: Decimal | None
    created_at: datetime
    status: str | None
    status_year: int | None
    status_reason: str | None
    status_at: datetime | None


class StatusRecord(NamedTuple):
    year: int
    status: str
    reason: str
    changed_at: datetime
    changed_by: str


def insert_pilot(tx: Transaction, record: PilotRecord, confirmation_version: int) -> None:
    execute(tx, q.INSERT_PILOT, [record.batch_id, record.credit_code, record.unit_name, record.unit_type, record.city,
                                 record.first_year, record.last_year, record.round_id, confirmation_version,
                                 record.list_order, tx.now, tx.actor])


def set_letter(tx: Transaction, batch_id: str, credit_code: str, number: str | None, funding: Decimal | None) -> None:
    execute(tx, q.UPDATE_LETTER, [number, funding, batch_id, credit_code])


def pilots(source: Source, batch_id: str | None = None, city: str | None = None,
           credit_code: str | None = None) -> list[PilotRecord]:
    return [PilotRecord(*row) for row in rows(source, q.SELECT_PILOTS,
                                              {"batch_id": batch_id, "city": city, "credit_code": credit_code})]


def add_status(tx: Transaction, batch_id: str, credit_code: str, year: int, status: str, reason: str) -> None:
    execute(tx, q.INSERT_STATUS, [batch_id, credit_code, year, status, reason, tx.now, tx.actor])


def status_history(source: Source, batch_id: str, credit_code: str) -> list[StatusRecord]:
    return [StatusRecord(*row) for row in rows(source, q.SELECT_STATUS_HISTORY, [batch_id, credit_code])]


def batch_histories(source: Source, batch_id: str | None = None) -> dict[tuple[str, str], list[StatusRecord]]:
    """Every status change of the batch's pilots (or of all), oldest first, by (batch, credit code)."""
    found: dict[tuple[str, str], list[StatusRecord]] = {}
    for code, batch, *rest in rows(source, q.SELECT_BATCH_HISTORY, {"batch_id": batch_id}):
        found.setdefault((batch, code), []).append(StatusRecord(*rest))
    return found


def goals(source: Source, batch_id: str, credit_code: str) -> list[dict] | None:
    found = first(source, q.SELECT_GOALS, [batch_id, credit_code])
    return json.loads(found[0]) if found else None


def put_goals(tx: Transaction, batch_id: str, credit_code: str, data: list[dict]) -> None:
    execute(tx, q.UPSERT_GOALS, [batch_id, credit_code, json.dumps(data, ensure_ascii=False), tx.now, tx.actor])
