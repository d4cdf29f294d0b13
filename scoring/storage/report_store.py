"""Reads and writes of the pilots' yearly reports, opinions and rectifications; the rules live in
scoring/pilots/reports.py and scoring/pilots/rectification.py."""
from __future__ import annotations

import json
from datetime import datetime
from typing import NamedTuple

from scoring.storage import report_queries as q
from scoring.storage.source import Source, execute, first, rows
from scoring.storage.store import Transaction


class ReportRecord(NamedTuple):
    credit_code: str
    year: int
    version: int
    data: str
    status: str
    late: bool
    saved_at: datetime
    saved_by: str
    agrees: bool | None
    opinion: str | None
    opinion_at: datetime | None
    opinion_by: str | None


class ProgressRecord(NamedTuple):
    credit_code: str
    has_draft: bool
    last_version: int
    last_status: str | None
    last_late: bool | None
    submitted_at: datetime | None


class RectificationRecord(NamedTuple):
    year: int
    version: int
    data: str
    submitted_at: datetime
    submitted_by: str
    recheck: str | None
    recheck_reason: str | None
    rechecked_at: datetime | None
    rechecked_by: str | None


# --- calls ---------------------------------------------------------------------------------------------------------


def call(source: Source, batch_id: str, year: int) -> dict | None:
    found = first(source, q.SELECT_CALL, [batch_id, year])
    return json.loads(found[0]) if found else None


def put_call(tx: Transaction, batch_id: str, year: int, data: dict) -> None:
    execute(tx, q.UPSERT_CALL, [batch_id, year, json.dumps(data, ensure_ascii=False), tx.now, tx.actor])


# --- reports -------------------------------------------------------------------------------------------------------


def put_draft(tx: Transaction, batch_id: str, credit_code: str, year: int, data: str, status: str) -> None:
    execute(tx, q.UPSERT_DRAFT, [batch_id, credit_code, year, data, status, tx.now, tx.actor])


def last_version(source: Source, batch_id: str, credit_code: str, year: int) -> int:
    return first(source, q.SELECT_LAST_VERSION, [batch_id, credit_code, year])[0]


def insert_version(tx: Transaction, batch_id: str, credit_code: str, year: int, version: int, data: str,
                   status: str, late: bool) -> None:
    execute(tx, q.INSERT_VERSION, [batch_id, credit_code, year, version, data, status, late, tx.now, tx.actor])


def set_status(tx: Transaction, batch_id: str, credit_code: str, year: int, version: int, status: str) -> None:
    execute(tx, q.UPDATE_STATUS, [status, batch_id, credit_code, year, version])


def insert_opinion(tx: Transaction, batch_id: str, credit_code: str, year: int, version: int, agrees: bool,
                   opinion: str) -> None:
    execute(tx, q.INSERT_OPINION, [batch_id, credit_code, year, version, agrees, opinion, tx.now, tx.actor])


def versions(source: Source, batch_id: str, credit_code: str, year: int | None = None) -> list[ReportRecord]:
    return [ReportRecord(*r) for r in rows(source, q.SELECT_VERSIONS,
                                           {"batch_id": batch_id, "credit_code": credit_code, "year": year})]


def in_force_of_year(source: Source, batch_id: str, year: int, credit_code: str | None = None) -> list[ReportRecord]:
    return [ReportRecord(*r) for r in rows(source, q.SELECT_IN_FORCE_OF_YEAR,
                                           {"batch_id": batch_id, "year": year, "credit_code": credit_code})]


def progress_of_year(source: Source, batch_id: str, year: int) -> list[ProgressRecord]:
    return [ProgressRecord(*r) for r in rows(source, q.SELECT_PROGRESS_OF_YEAR, [batch_id, year])]


# --- rectifications ------------------------------------------------------------------------------------------------


def last_rectification(source: Source, batch_id: str, credit_code: str, year: int) -> int:
    return first(source, q.SELECT_LAST_RECTIFICATION, [batch_id, credit_code, year])[0]


def insert_rectification(tx: Transaction, batch_id: str, credit_code: str, year: int, version: int,
                         data: dict) -> None:
    execute(tx, q.INSERT_RECTIFICATION, [batch_id, credit_code, year, version, json.dumps(data, ensure_ascii=False),
                                         tx.now, tx.actor])


def rectifications(source: Source, batch_id: str, credit_code: str,
                   year: int | None = None) -> list[RectificationRecord]:
    return [RectificationRecord(*r) for r in rows(source, q.SELECT_RECTIFICATIONS,
                                                  {"batch_id": batch_id, "credit_code": credit_code, "year": year})]


def set_recheck(tx: Transaction, batch_id: str, credit_code: str, year: int, version: int, recheck: str,
                reason: str) -> None:
    execute(tx, q.UPDATE_RECHECK, [recheck, reason, tx.now, tx.actor, batch_id, credit_code, year, version])
