"""Reads and writes of single sign-on: the identity linked to each account and the provider logins already decided;
the rules live in scoring/common/single_sign_on.py."""
from __future__ import annotations

from datetime import datetime, timedelta
from typing import NamedTuple

from scoring.storage.source import Source, first, rows
from scoring.storage.store import Transaction

IDENTITY_COLUMNS = "login, issuer, subject, email, linked_at, linked_by, reason, bound_at"
SELECT_IDENTITY = f"SELECT {IDENTITY_COLUMNS} FROM sso_identities WHERE login = ?"
SELECT_IDENTITIES = f"SELECT {IDENTITY_COLUMNS} FROM sso_identities ORDER BY login"
SELECT_LOGIN_OF_SUBJECT = "SELECT login FROM sso_identities WHERE issuer = ? AND subject = ?"
SELECT_LOGIN_AWAITING_EMAIL = "SELECT login FROM sso_identities WHERE issuer = ? AND subject IS NULL AND email = ?"
SELECT_LOGIN_OF_EMAIL = "SELECT login FROM sso_identities WHERE issuer = ? AND email = ?"
INSERT_IDENTITY = f"INSERT INTO sso_identities ({IDENTITY_COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?, NULL)"
BIND_SUBJECT = "UPDATE sso_identities SET subject = ?, bound_at = ? WHERE login = ? AND subject IS NULL"
DELETE_IDENTITY = "DELETE FROM sso_identities WHERE login = ?"
SELECT_ASSERTION = "SELECT decided_at FROM sso_assertions WHERE assertion_sha256 = ?"
INSERT_ASSERTION = "INSERT INTO sso_assertions (assertion_sha256, decided_at, login) VALUES (?, ?, ?)"
FORGET_OLD_ASSERTIONS = "DELETE FROM sso_assertions WHERE decided_at < ?"

# Far longer than an assertion is accepted for, so forgetting one can never make it usable again.
ASSERTIONS_KEPT = timedelta(days=1)


class IdentityRecord(NamedTuple):
    login: str
    issuer: str
    subject: str | None  # None until the first login by the verified e-mail binds it
    email: str | None
    linked_at: datetime
    linked_by: str
    reason: str
    bound_at: datetime | None


def get_identity(source: Source, login: str) -> IdentityRecord | None:
    row = first(source, SELECT_IDENTITY, [login])
    return IdentityRecord(*row) if row else None


def list_identities(source: Source) -> list[IdentityRecord]:
    return [IdentityRecord(*row) for row in rows(source, SELECT_IDENTITIES)]


def login_of_subject(source: Source, issuer: str, subject: str) -> str | None:
    row = first(source, SELECT_LOGIN_OF_SUBJECT, [issuer, subject])
    return row[0] if row else None


def login_awaiting_email(source: Source, issuer: str, email: str) -> str | None:
    """The account whose link waits for a first login presenting this (verified) e-mail address."""
    row = first(source, SELECT_LOGIN_AWAITING_EMAIL, [issuer, email])
    return row[0] if row else None


def login_of_email(source: Source, issuer: str, email: str) -> str | None:
    row = first(source, SELECT_LOGIN_OF_EMAIL, [issuer, email])
    return row[0] if row else None


def insert_identity(tx: Transaction, login: str, issuer: str, subject: str | None, email: str | None,
                    reason: str) -> None:
    tx.execute(INSERT_IDENTITY, [login, issuer, subject, email, tx.now, tx.actor, reason])


def bind_subject(tx: Transaction, login: str, subject: str) -> None:
    tx.execute(BIND_SUBJECT, [subject, tx.now, login])


def delete_identity(tx: Transaction, login: str) -> None:
    tx.execute(DELETE_IDENTITY, [login])


def assertion_decided(source: Source, assertion_sha256: str) -> bool:
    return first(source, SELECT_ASSERTION, [assertion_sha256]) is not None


def record_assertion(tx: Transaction, assertion_sha256: str, login: str | None) -> None:
    """This provider login is decided (a session of `login`, or refused when None) and can never be used again."""
    tx.execute(FORGET_OLD_ASSERTIONS, [tx.now - ASSERTIONS_KEPT])
    tx.execute(INSERT_ASSERTION, [assertion_sha256, tx.now, login])
