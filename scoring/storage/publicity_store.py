"""Reads and writes of the publicity stage — holiday years, settings, notices, objections, confirmations and document
numbers; the rules live in scoring/publicity/. Frozen documents come back as the JSON they were stored as: their
models belong to the publicity modules, which import this one."""
from __future__ import annotations

import json
from datetime import date, datetime
from enum import StrEnum
from typing import NamedTuple

from scoring.storage import publicity_queries as q
from scoring.storage.source import Source, first, rows
from scoring.storage.store import Transaction


class SettingsKind(StrEnum):
    """Whose settings a publicity_settings row holds."""

    NOTICE = "notice"
    LETTERS = "letters"


class ObjectionEvent(StrEnum):
    """What an objection_events row records: a handling note, or a decision (the newest one stands)."""

    NOTE = "note"
    DECISION = "decision"


class HolidayYearRecord(NamedTuple):
    year: int
    data: dict  # the year's arrangement without its year, as YearHolidays dumps it


class NoticeRecord(NamedTuple):
    round_id: str
    version: int
    shortlist_version: int
    shortlist_sha256: str
    settings: str  # JSON of the notice's settings
    document: str  # JSON of the notice's document, exactly as published
    start: date
    end: date
    sha256: str
    reason: str
    published_by: str
    published_at: datetime
    withdrawn_at: datetime | None
    withdrawn_by: str | None
    withdraw_reason: str | None


class ObjectionRecord(NamedTuple):
    round_id: str
    objection_id: int
    notice_version: int
    data: str  # JSON: what was received and the evidence files
    credit_code: str
    accepted: bool
    not_accepted_reason: str
    registered_by: str
    registered_at: datetime


class ObjectionEventRecord(NamedTuple):
    objection_id: int
    kind: ObjectionEvent
    decision: str | None
    text: str
    actor: str
    acted_at: datetime


class ConfirmationRecord(NamedTuple):
    round_id: str
    version: int
    notice_version: int
    data: str  # JSON: the confirmed units and the removed ones
    sha256: str
    reason: str
    confirmed_by: str
    confirmed_at: datetime


class DocumentNumberRecord(NamedTuple):
    credit_code: str
    prefix: str
    year: int
    sequence: int


# --- holiday years -------------------------------------------------------------------------------------------------


def load_holiday_years(source: Source) -> list[HolidayYearRecord]:
    """The latest entry of every year staff entered, by year."""
    return [HolidayYearRecord(year, json.loads(data)) for year, data in rows(source, q.SELECT_HOLIDAY_YEARS)]


def replace_holiday_year(tx: Transaction, year: int, data: dict) -> None:
    """Enter a year's arrangement; an earlier entry of the year is superseded, not overwritten."""
    tx.execute(q.SUPERSEDE_HOLIDAY_YEAR, [tx.now, year])
    tx.execute(q.INSERT_HOLIDAY_YEAR, [year, json.dumps(data, ensure_ascii=False), tx.actor, tx.now])


# --- settings ------------------------------------------------------------------------------------------------------


def load_settings(source: Source, round_id: str, kind: SettingsKind) -> str | None:
    """The JSON of a round's saved settings of this kind, or None when none were saved."""
    row = first(source, q.SELECT_SETTINGS, [round_id, str(kind)])
    return row[0] if row else None


def replace_settings(tx: Transaction, round_id: str, kind: SettingsKind, data: str) -> None:
    tx.execute(q.SUPERSEDE_SETTINGS, [tx.now, round_id, str(kind)])
    tx.execute(q.INSERT_SETTINGS, [round_id, str(kind), data, tx.actor, tx.now])


# --- notices -------------------------------------------------------------------------------------------------------


def load_notices(source: Source, round_id: str) -> list[NoticeRecord]:
    """Every notice published for the round, withdrawn ones too, oldest first."""
    return [NoticeRecord(*row) for row in rows(source, q.SELECT_NOTICES, [round_id])]


def last_notice_version(source: Source, round_id: str) -> int:
    """The newest notice's version, 0 before the first."""
    return first(source, q.LAST_NOTICE_VERSION, [round_id])[0]


def insert_notice(tx: Transaction, round_id: str, version: int, *, shortlist_version: int, shortlist_sha256: str,
                  settings: str, document: str, start: date, end: date, sha256: str, reason: str) -> None:
    """Freeze a published notice, by the transaction's actor at its time."""
    tx.execute(q.INSERT_NOTICE, [round_id, version, shortlist_version, shortlist_sha256, settings, document, start, end,
                                 sha256, reason, tx.actor, tx.now])


def withdraw_notice(tx: Transaction, round_id: str, version: int, reason: str) -> None:
    """Mark a notice withdrawn (it stays on record); one withdrawn already keeps its first withdrawal."""
    tx.execute(q.WITHDRAW_NOTICE, [tx.now, tx.actor, reason, round_id, version])


# --- objections ----------------------------------------------------------------------------------------------------


def load_objections(source: Source, round_id: str) -> list[ObjectionRecord]:
    """The round's register, oldest first."""
    return [ObjectionRecord(*row) for row in rows(source, q.SELECT_OBJECTIONS, [round_id])]


def load_objection(source: Source, objection_id: int) -> ObjectionRecord | None:
    row = first(source, q.SELECT_OBJECTION, [objection_id])
    return ObjectionRecord(*row) if row else None


def insert_objection(tx: Transaction, round_id: str, notice_version: int, *, data: str, credit_code: str,
                     accepted: bool, not_accepted_reason: str) -> int:
    """Register an objection, by the transaction's actor at its time; returns its number."""
    (objection_id,) = first(tx, q.INSERT_OBJECTION, [round_id, notice_version, data, credit_code, accepted,
                                                     not_accepted_reason, tx.actor, tx.now])
    return objection_id


def load_objection_events(source: Source, round_id: str) -> list[ObjectionEventRecord]:
    """The notes and decisions on the round's objections, in the order they were made."""
    return [ObjectionEventRecord(objection_id, ObjectionEvent(kind), decision, text, actor, at)
            for objection_id, kind, decision, text, actor, at in rows(source, q.SELECT_OBJECTION_EVENTS, [round_id])]


def insert_objection_event(tx: Transaction, objection_id: int, kind: ObjectionEvent, text: str,
                           decision: str | None = None) -> None:
    tx.execute(q.INSERT_OBJECTION_EVENT, [objection_id, str(kind), decision, text, tx.actor, tx.now])


# --- confirmations -------------------------------------------------------------------------------------------------


def load_confirmations(source: Source, round_id: str) -> list[ConfirmationRecord]:
    """Every confirmed list of the round, oldest first."""
    return [ConfirmationRecord(*row) for row in rows(source, q.SELECT_CONFIRMATIONS, [round_id])]


def last_confirmation_version(source: Source, round_id: str) -> int:
    """The newest confirmation's version, 0 before the first."""
    return first(source, q.LAST_CONFIRMATION_VERSION, [round_id])[0]


def notice_confirmed(source: Source, round_id: str, notice_version: int) -> bool:
    """Whether the list of this version of the round's notice is confirmed (then the notice and its objections'
    decisions are final)."""
    return first(source, q.NOTICE_CONFIRMED, [round_id, notice_version])[0]


def insert_confirmation(tx: Transaction, round_id: str, version: int, *, notice_version: int, data: str, sha256: str,
                        reason: str) -> None:
    tx.execute(q.INSERT_CONFIRMATION, [round_id, version, notice_version, data, sha256, reason, tx.actor, tx.now])


# --- document numbers ----------------------------------------------------------------------------------------------


def load_document_numbers(source: Source, round_id: str) -> list[DocumentNumberRecord]:
    """The numbers given to the round's units, by sequence."""
    return [DocumentNumberRecord(*row) for row in rows(source, q.SELECT_ROUND_NUMBERS, [round_id])]


def last_sequence(source: Source, prefix: str, year: int) -> int:
    """The highest sequence given under (prefix, year) in any round, 0 before the first."""
    return first(source, q.SELECT_LAST_SEQUENCE, [prefix, year])[0]


def insert_document_number(tx: Transaction, prefix: str, year: int, sequence: int, round_id: str,
                           credit_code: str) -> None:
    """Give a number once: the table's key refuses a second use of (prefix, year, sequence)."""
    tx.execute(q.INSERT_NUMBER, [prefix, year, sequence, round_id, credit_code, tx.actor, tx.now])
