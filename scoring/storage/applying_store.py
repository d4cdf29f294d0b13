"""Reads and writes of the applying stage; the rules live in scoring/applying/."""
from __future__ import annotations

import json
from datetime import datetime
from typing import NamedTuple

from scoring.common.access import UnitBinding
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


# --- units bound to accounts, invitations, attachments ------------------------------------------------------------


def unit_of_login(source: Source, login: str) -> UnitBinding | None:
    found = first(source, q.SELECT_UNIT_OF_LOGIN, [login])
    return UnitBinding(unit_name=found[0], credit_code=found[1], city=found[2]) if found else None


def login_of_unit(source: Source, credit_code: str) -> str | None:
    found = first(source, q.SELECT_LOGIN_OF_UNIT, [credit_code])
    return found[0] if found else None


def bind_unit(tx: Transaction, login: str, unit: UnitBinding) -> None:
    execute(tx, q.INSERT_UNIT, [login, unit.credit_code, unit.unit_name, str(unit.city), tx.now, tx.actor])


def is_invited(source: Source, batch_id: str, credit_code: str) -> bool:
    return first(source, q.SELECT_INVITATION, [batch_id, credit_code]) is not None


def put_invitation(tx: Transaction, batch_id: str, credit_code: str, login: str, email: str) -> None:
    execute(tx, q.UPSERT_INVITATION, [batch_id, credit_code, login, email, tx.now, tx.actor])


class InvitationRecord(NamedTuple):
    credit_code: str
    unit_name: str
    city: str
    login: str
    email: str
    invited_at: datetime
    invited_by: str


def invitations(source: Source, batch_id: str) -> list[InvitationRecord]:
    return [InvitationRecord(*row) for row in rows(source, q.SELECT_INVITATIONS, [batch_id])]


def draft_codes(source: Source, batch_id: str) -> list[str]:
    return [row[0] for row in rows(source, q.SELECT_DRAFT_CODES, [batch_id])]


class AttachmentRecord(NamedTuple):
    kind: str
    filename: str
    sha256: str
    size: int
    uploaded_at: datetime
    uploaded_by: str


def attachments(source: Source, batch_id: str, credit_code: str) -> list[AttachmentRecord]:
    return [AttachmentRecord(*row) for row in rows(source, q.SELECT_ATTACHMENTS, [batch_id, credit_code])]


def put_attachment(tx: Transaction, batch_id: str, credit_code: str, kind: str, filename: str, sha256: str,
                   size: int) -> None:
    execute(tx, q.UPSERT_ATTACHMENT, [batch_id, credit_code, kind, filename, sha256, size, tx.now, tx.actor])


def unit_by_code(source: Source, credit_code: str) -> UnitBinding | None:
    found = first(source, q.SELECT_UNIT_BY_CODE, [credit_code])
    return UnitBinding(unit_name=found[0], credit_code=found[1], city=found[2]) if found else None


def all_calls(source: Source) -> list[tuple[str, dict]]:
    return [(batch_id, json.loads(data)) for batch_id, data in rows(source, q.SELECT_CALLS)]


# --- the city bureau's part ---------------------------------------------------------------------------------------


def set_status(tx: Transaction, batch_id: str, credit_code: str, version: int, status: str) -> None:
    execute(tx, q.UPDATE_SUBMISSION_STATUS, [status, batch_id, credit_code, version])


class CityReviewRecord(NamedTuple):
    checked: list[str]
    opinion: str
    rank: int | None
    return_reason: str | None
    saved_at: datetime
    saved_by: str


def city_review(source: Source, batch_id: str, credit_code: str, version: int) -> CityReviewRecord | None:
    found = first(source, q.SELECT_CITY_REVIEW, [batch_id, credit_code, version])
    return CityReviewRecord(json.loads(found[0]), *found[1:]) if found else None


def put_city_review(tx: Transaction, batch_id: str, credit_code: str, version: int, review: CityReviewRecord) -> None:
    execute(tx, q.UPSERT_CITY_REVIEW, [batch_id, credit_code, version, json.dumps(review.checked, ensure_ascii=False),
                                       review.opinion, review.rank, review.return_reason, tx.now, tx.actor])


class FormRow(NamedTuple):
    """A unit's form in a batch as the city bureau and staff list it: the latest version and its 初审."""

    credit_code: str
    unit_name: str
    city: str
    version: int | None
    status: str | None
    submitted_at: datetime | None
    draft_saved_at: datetime | None
    review: CityReviewRecord | None
    first_submitted_at: datetime | None


def forms_of_batch(source: Source, batch_id: str, city: str | None = None) -> list[FormRow]:
    found = rows(source, q.SELECT_FORMS_OF_BATCH, {"batch": batch_id, "city": city})
    return [FormRow(code, name, city_, version, status, submitted_at, draft_at,
                    CityReviewRecord(json.loads(checked), opinion, rank, reason, at, by) if checked is not None else None,
                    first_at)
            for code, name, city_, version, status, submitted_at, draft_at, checked, opinion, rank, reason, at, by,
            first_at in found]


class LetterRecord(NamedTuple):
    filename: str
    sha256: str
    size: int
    uploaded_at: datetime
    uploaded_by: str


def city_letter(source: Source, batch_id: str, city: str) -> LetterRecord | None:
    found = first(source, q.SELECT_CITY_LETTER, [batch_id, city])
    return LetterRecord(*found) if found else None


def put_city_letter(tx: Transaction, batch_id: str, city: str, filename: str, sha256: str, size: int) -> None:
    execute(tx, q.UPSERT_CITY_LETTER, [batch_id, city, filename, sha256, size, tx.now, tx.actor])


class SendRecord(NamedTuple):
    city: str
    sent_at: datetime
    sent_by: str
    letter_sha256: str
    codes: list[str]


def add_city_send(tx: Transaction, batch_id: str, city: str, letter_sha256: str, codes: list[str]) -> None:
    execute(tx, q.INSERT_CITY_SEND, [batch_id, city, tx.now, tx.actor, letter_sha256, json.dumps(codes)])


def city_sends(source: Source, batch_id: str) -> list[SendRecord]:
    return [SendRecord(c, at, by, sha, json.loads(codes))
            for c, at, by, sha, codes in rows(source, q.SELECT_CITY_SENDS, [batch_id])]
