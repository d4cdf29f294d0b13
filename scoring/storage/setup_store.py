"""Reads and writes of the one-time set-up addresses; the rules live in scoring/common/setup_link.py."""
from __future__ import annotations

from datetime import datetime
from typing import NamedTuple

from scoring.storage.store import Storage, Transaction

INSERT_LINK = "INSERT INTO setup_links (token_sha256, created_at, created_by, expires_at) VALUES (?, ?, ?, ?)"
SELECT_LINK = "SELECT expires_at, used_at, revoked_at FROM setup_links WHERE token_sha256 = ?"
COUNT_VALID = "SELECT count(*) FROM setup_links WHERE used_at IS NULL AND revoked_at IS NULL AND expires_at > ?"
USE_LINK = "UPDATE setup_links SET used_at = ? WHERE token_sha256 = ?"
REVOKE_UNUSED = "UPDATE setup_links SET revoked_at = ? WHERE used_at IS NULL AND revoked_at IS NULL"


class SetupLinkRecord(NamedTuple):
    expires_at: datetime
    used_at: datetime | None
    revoked_at: datetime | None


def _execute(source: Storage | Transaction, sql: str, params: list):
    if hasattr(source, "execute"):  # a Transaction: reads inside it see its own writes
        return source.execute(sql, params)
    return source.cursor().execute(sql, params)


def insert_link(tx: Transaction, token_sha256: str, expires_at: datetime) -> None:
    tx.execute(INSERT_LINK, [token_sha256, tx.now, tx.actor, expires_at])


def get_link(source: Storage | Transaction, token_sha256: str) -> SetupLinkRecord | None:
    row = _execute(source, SELECT_LINK, [token_sha256]).fetchone()
    return SetupLinkRecord(*row) if row else None


def count_valid(source: Storage | Transaction, at: datetime) -> int:
    return _execute(source, COUNT_VALID, [at]).fetchone()[0]


def use_link(tx: Transaction, token_sha256: str) -> None:
    tx.execute(USE_LINK, [tx.now, token_sha256])


def revoke_unused(tx: Transaction) -> None:
    tx.execute(REVOKE_UNUSED, [tx.now])
