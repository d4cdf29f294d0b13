"""Reads and writes of the acceptance and evaluation outcomes; the rules live in scoring/pilots/outcomes.py."""
from __future__ import annotations

from datetime import date, datetime
from typing import NamedTuple

from scoring.storage import outcome_queries as q
from scoring.storage.source import Source, execute, first, rows
from scoring.storage.store import Transaction


class FindingRecord(NamedTuple):
    credit_code: str
    year: int
    misused: bool
    reason: str
    found_at: datetime
    found_by: str


class OutcomeRecord(NamedTuple):
    round_id: str
    credit_code: str
    outcome: str
    proposed: str
    reason: str
    rectify: str
    rectify_by: date | None
    decided_at: datetime
    decided_by: str


class PublicationRecord(NamedTuple):
    data: str
    published_at: datetime
    published_by: str


def put_finding(tx: Transaction, batch_id: str, credit_code: str, year: int, misused: bool, reason: str) -> None:
    execute(tx, q.UPSERT_FINDING, [batch_id, credit_code, year, misused, reason, tx.now, tx.actor])


def findings(source: Source, batch_id: str, year: int | None = None,
             credit_code: str | None = None) -> list[FindingRecord]:
    return [FindingRecord(*row) for row in rows(source, q.SELECT_FINDINGS,
                                                {"batch_id": batch_id, "year": year, "credit_code": credit_code})]


def add_outcome(tx: Transaction, round_id: str, credit_code: str, outcome: str, proposed: str, reason: str,
                rectify: str, rectify_by: date | None) -> None:
    execute(tx, q.INSERT_OUTCOME, [round_id, credit_code, outcome, proposed, reason, rectify, rectify_by, tx.now,
                                   tx.actor])


def outcomes(source: Source, round_id: str | None = None, credit_code: str | None = None) -> list[OutcomeRecord]:
    return [OutcomeRecord(*row) for row in rows(source, q.SELECT_OUTCOMES,
                                                {"round_id": round_id, "credit_code": credit_code})]


def add_publication(tx: Transaction, round_id: str, data: str) -> None:
    execute(tx, q.INSERT_PUBLICATION, [round_id, data, tx.now, tx.actor])


def publication(source: Source, round_id: str) -> PublicationRecord | None:
    found = first(source, q.SELECT_PUBLICATION, [round_id])
    return PublicationRecord(*found) if found else None
