"""Reads and writes of notifications: the outbox of notices, each account's e-mail address, the mail settings; the
rules live in scoring/notifications/."""
from __future__ import annotations

import json
from datetime import datetime
from typing import NamedTuple

from scoring.storage import notification_queries as q
from scoring.storage.source import Source, first, rows
from scoring.storage.store import Transaction


class NoticeRecord(NamedTuple):
    notice_id: int
    recipient: str
    kind: str
    subject: str
    body: str
    facts: dict
    once_key: str | None
    state: str
    created_at: datetime
    created_by: str
    address: str | None
    attempts: int
    last_error: str | None
    next_attempt_at: datetime | None
    delivered_at: datetime | None
    read_at: datetime | None


class Recipient(NamedTuple):
    """Who a notice goes to: the account's name and the address mail goes to (None: only in the app)."""

    display_name: str
    email: str | None


class AddressRecord(NamedTuple):
    login: str
    display_name: str
    email: str | None  # set for the account itself
    pool_email: str | None  # an expert's address in the expert pool, used when the account has none
    changed_at: datetime | None
    changed_by: str | None


def _notice(row: tuple) -> NoticeRecord:
    values = list(row)
    values[5] = json.loads(values[5])
    return NoticeRecord(*values)


# --- the outbox ------------------------------------------------------------------------------------


def insert_notice(tx: Transaction, recipient: str, kind: str, subject: str, body: str, facts: dict,
                  once_key: str | None, state: str) -> int:
    found = first(tx, q.INSERT_NOTICE, [recipient, kind, subject, body, json.dumps(facts, ensure_ascii=False),
                                        once_key, state, tx.now, tx.actor])
    return found[0]


def once_key_used(source: Source, recipient: str, once_key: str) -> bool:
    return first(source, q.ONCE_KEY_EXISTS, [recipient, once_key])[0] > 0


def get_notice(source: Source, notice_id: int) -> NoticeRecord | None:
    row = first(source, q.SELECT_NOTICE, [notice_id])
    return _notice(row) if row else None


def notices_of(source: Source, recipient: str, unread_only: bool = False, limit: int = 200) -> list[NoticeRecord]:
    found = rows(source, q.SELECT_NOTICES_OF, {"recipient": recipient, "unread_only": unread_only, "limit": limit})
    return [_notice(row) for row in found]


def outbox(source: Source, recipient: str | None = None, state: str | None = None,
           limit: int = 200) -> list[NoticeRecord]:
    found = rows(source, q.SELECT_OUTBOX, {"recipient": recipient, "state": state, "limit": limit})
    return [_notice(row) for row in found]


def count_unread(source: Source, recipient: str) -> int:
    return first(source, q.COUNT_UNREAD, [recipient])[0]


def due_notices(source: Source, pending_state: str, now: datetime, limit: int) -> list[NoticeRecord]:
    found = rows(source, q.SELECT_DUE, {"pending": pending_state, "now": now, "limit": limit})
    return [_notice(row) for row in found]


def record_delivered(tx: Transaction, notice_id: int, state: str, address: str) -> None:
    tx.execute(q.RECORD_DELIVERED, [state, address, tx.now, notice_id])


def record_in_app(tx: Transaction, notice_id: int, state: str, address: str | None, attempts: int, why: str) -> None:
    tx.execute(q.RECORD_IN_APP, [state, address, attempts, why, tx.now, notice_id])


def record_failure(tx: Transaction, notice_id: int, address: str, error: str, next_attempt_at: datetime) -> None:
    tx.execute(q.RECORD_FAILURE, [address, error, next_attempt_at, notice_id])


def mark_read(tx: Transaction, notice_id: int, recipient: str) -> None:
    tx.execute(q.MARK_READ, [tx.now, notice_id, recipient])


def unread_ids(source: Source, recipient: str) -> list[int]:
    return [notice_id for (notice_id,) in rows(source, q.SELECT_UNREAD_IDS, [recipient])]


# --- addresses -------------------------------------------------------------------------------------


def own_address(source: Source, login: str) -> str | None:
    row = first(source, q.SELECT_OWN_ADDRESS, [login])
    return row[0] if row else None


def recipient(source: Source, login: str) -> Recipient | None:
    """None when there is no such account."""
    row = first(source, q.SELECT_RECIPIENT, [login])
    return Recipient(*row) if row else None


def addresses(source: Source) -> list[AddressRecord]:
    return [AddressRecord(*row) for row in rows(source, q.SELECT_ADDRESSES)]


def save_address(tx: Transaction, login: str, email: str) -> None:
    tx.execute(q.UPSERT_ADDRESS, [login, email, tx.now, tx.actor])


def delete_address(tx: Transaction, login: str) -> None:
    tx.execute(q.DELETE_ADDRESS, [login])


# --- mail settings ---------------------------------------------------------------------------------


def read_mail_settings(source: Source) -> str | None:
    """The mail settings as saved (JSON), or None while none were saved."""
    row = first(source, q.SELECT_MAIL_SETTINGS)
    return row[0] if row else None


def save_mail_settings(tx: Transaction, data: str) -> None:
    tx.execute(q.UPSERT_MAIL_SETTINGS, [data, tx.now, tx.actor])
