"""Reads and writes of the applying stage; the rules live in scoring/applying/."""
from __future__ import annotations

import json
from datetime import datetime
from typing import NamedTuple

from scoring.storage import applying_queries as q
from scoring.storage.source import Source, execute, first, rows
from scoring.storage.store import Transaction


class CallRecord(NamedTuple):
    data: dict
    opened_at: datetime
    opened_by: str


class DraftRecord(NamedTuple):
    data: dict
    saved_at: datetime
    saved_by: str


def get_call(source: Source, batch_id: str) -> CallRecord | None:
    found = first(source, q.SELECT_CALL, [batch_id])
    return CallRecord(json.loads(found[0]), found[1], found[2]) if found else None


def put_call(tx: Transaction, batch_id: str, data: dict, at: datetime) -> None:
    execute(tx, q.UPSERT_CALL, [batch_id, json.dumps(data, ensure_ascii=False), at, tx.actor])


def get_draft(source: Source, batch_id: str, credit_code: str) -> DraftRecord | None:
    found = first(source, q.SELECT_DRAFT, [batch_id, credit_code])
    return DraftRecord(json.loads(found[0]), found[1], found[2]) if found else None


def put_draft(tx: Transaction, batch_id: str, credit_code: str, data: dict, at: datetime) -> None:
    execute(tx, q.UPSERT_DRAFT, [batch_id, credit_code, json.dumps(data, ensure_ascii=False), at, tx.actor])


class SubmissionRecord(NamedTuple):
    version: int
    data: dict
    status: str
    submitted_at: datetime
    submitted_by: str


def submissions(source: Source, batch_id: str, credit_code: str) -> list[SubmissionRecord]:
    return [SubmissionRecord(v, json.loads(d), s, at, by)
            for v, d, s, at, by in rows(source, q.SELECT_SUBMISSIONS, [batch_id, credit_code])]


def add_submission(tx: Transaction, batch_id: str, credit_code: str, version: int, data: dict, status: str,
                   at: datetime) -> None:
    execute(tx, q.INSERT_SUBMISSION, [batch_id, credit_code, version, json.dumps(data, ensure_ascii=False), status,
                                      at, tx.actor])
