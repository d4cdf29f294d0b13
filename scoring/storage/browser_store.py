"""Reads and writes of session handoffs; the rules live in scoring/common/browser_sessions.py."""
from __future__ import annotations

from datetime import datetime
from typing import NamedTuple

from scoring.storage.source import Source, first
from scoring.storage.store import Storage, Transaction

INSERT_HANDOFF = """
    INSERT INTO session_handoffs (handoff_sha256, session_sha256, created_at, expires_at) VALUES (?, ?, ?, ?)
"""
SELECT_HANDOFF = "SELECT session_sha256, expires_at, used_at FROM session_handoffs WHERE handoff_sha256 = ?"
USE_HANDOFF = "UPDATE session_handoffs SET used_at = ? WHERE handoff_sha256 = ?"
FORGET_OLD = "DELETE FROM session_handoffs WHERE expires_at < ?"


class HandoffRecord(NamedTuple):
    session_sha256: str
    expires_at: datetime
    used_at: datetime | None


def insert_handoff(storage: Storage, handoff_sha256: str, session_sha256: str, now: datetime,
                   expires_at: datetime) -> None:
    """Not audited: a handoff records no decision; the session it may become is audited when it is made."""
    with storage.bookkeeping() as cursor:
        cursor.execute(FORGET_OLD, [now])
        cursor.execute(INSERT_HANDOFF, [handoff_sha256, session_sha256, now, expires_at])


def get_handoff(source: Source, handoff_sha256: str) -> HandoffRecord | None:
    row = first(source, SELECT_HANDOFF, [handoff_sha256])
    return HandoffRecord(*row) if row else None


def use_handoff(tx: Transaction, handoff_sha256: str) -> None:
    tx.execute(USE_HANDOFF, [tx.now, handoff_sha256])
