"""Reads and writes of accounts, role grants, sessions and login links; the rules live in scoring/common/accounts.py."""
from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel, ConfigDict, Field

from scoring.common.access import Grant, Role
from scoring.storage import account_queries as q
from scoring.storage.store import Storage, Transaction

Source = Storage | Transaction  # reads inside a transaction must see its own writes


class UserRecord(BaseModel):
    """One row of `users` with the person's grants; the hash never appears in a repr or a log line."""

    model_config = ConfigDict(frozen=True)

    login: str
    display_name: str
    password_hash: str | None = Field(default=None, repr=False)
    must_change_password: bool
    failed_attempts: int
    locked_until: datetime | None
    active: bool
    expert_id: str | None
    created_at: datetime
    created_by: str
    password_changed_at: datetime | None
    last_login_at: datetime | None
    grants: tuple[Grant, ...] = ()


class SessionRecord(BaseModel):
    model_config = ConfigDict(frozen=True)

    login: str
    created_at: datetime
    last_seen_at: datetime
    expires_at: datetime
    revoked_at: datetime | None


class LinkRecord(BaseModel):
    model_config = ConfigDict(frozen=True)

    login: str
    expires_at: datetime
    used_at: datetime | None
    revoked_at: datetime | None


def _execute(source: Source, sql: str, params: list | None = None):
    # Told apart by shape, not class: Streamlit re-imports edited modules while a cached Storage lives on.
    if hasattr(source, "execute"):
        return source.execute(sql, params or [])
    return source.cursor().execute(sql, params or [])


def _grant(role: str, batch_id: str | None, city: str | None) -> Grant:
    return Grant(role=Role(role), batch_id=batch_id, city=city)


def _user(row: tuple, grants: tuple[Grant, ...]) -> UserRecord:
    names = [n.strip() for n in q.USER_COLUMNS.split(",")]
    return UserRecord(**dict(zip(names, row)), grants=grants)


# --- users ---------------------------------------------------------------------------------------


def get_user(source: Source, login: str) -> UserRecord | None:
    row = _execute(source, q.SELECT_USER, [login]).fetchone()
    return _user(row, grants_of(source, login)) if row else None


def list_users(source: Source) -> list[UserRecord]:
    grants: dict[str, list[Grant]] = {}
    for login, role, batch_id, city in _execute(source, q.SELECT_ALL_GRANTS).fetchall():
        grants.setdefault(login, []).append(_grant(role, batch_id, city))
    return [_user(row, tuple(grants.get(row[0], ()))) for row in _execute(source, q.SELECT_USERS).fetchall()]


def login_of_expert(source: Source, expert_id: str) -> str | None:
    row = _execute(source, q.SELECT_LOGIN_OF_EXPERT, [expert_id]).fetchone()
    return row[0] if row else None


def insert_user(tx: Transaction, login: str, display_name: str, password_hash: str | None,
                must_change_password: bool, expert_id: str | None) -> None:
    tx.execute(q.INSERT_USER, [login, display_name, password_hash, must_change_password, expert_id, tx.now, tx.actor])


def set_password(tx: Transaction, login: str, password_hash: str | None, must_change_password: bool) -> None:
    tx.execute(q.SET_PASSWORD, [password_hash, must_change_password, tx.now, login])


def record_login(tx: Transaction, login: str, rehashed: str | None) -> None:
    """A successful login clears failures and lock; `rehashed` replaces a hash made with old parameters."""
    tx.execute(q.RECORD_LOGIN, [rehashed, tx.now, login])


def record_failure(tx: Transaction, login: str, failed_attempts: int, locked_until: datetime | None) -> None:
    tx.execute(q.RECORD_FAILURE, [failed_attempts, locked_until, login])


def unlock_user(tx: Transaction, login: str) -> None:
    tx.execute(q.UNLOCK_USER, [login])


def set_active(tx: Transaction, login: str, active: bool) -> None:
    tx.execute(q.SET_ACTIVE, [active, login])


def count_active_global(source: Source, role: Role) -> int:
    """Active people holding `role` for every batch (e.g. how many administrators remain)."""
    return _execute(source, q.COUNT_ACTIVE_GLOBAL_HOLDERS, [str(role)]).fetchone()[0]


# --- grants --------------------------------------------------------------------------------------


def grants_of(source: Source, login: str) -> tuple[Grant, ...]:
    return tuple(_grant(*row) for row in _execute(source, q.SELECT_GRANTS, [login]).fetchall())


def add_grant(tx: Transaction, login: str, grant: Grant) -> None:
    tx.execute(q.INSERT_GRANT, [login, str(grant.role), grant.batch_id, _city(grant), tx.now, tx.actor])


def remove_grant(tx: Transaction, login: str, grant: Grant) -> None:
    tx.execute(q.DELETE_GRANT, [login, str(grant.role), grant.batch_id, _city(grant)])


def _city(grant: Grant) -> str | None:
    return str(grant.city) if grant.city else None


# --- sessions ------------------------------------------------------------------------------------


def insert_session(tx: Transaction, token_sha256: str, login: str, expires_at: datetime) -> None:
    tx.execute(q.INSERT_SESSION, [token_sha256, login, tx.now, tx.now, expires_at])


def get_session(source: Source, token_sha256: str) -> SessionRecord | None:
    row = _execute(source, q.SELECT_SESSION, [token_sha256]).fetchone()
    if row is None:
        return None
    login, created_at, last_seen_at, expires_at, revoked_at = row
    return SessionRecord(login=login, created_at=created_at, last_seen_at=last_seen_at, expires_at=expires_at,
                         revoked_at=revoked_at)


def touch_session(storage: Storage, token_sha256: str, now: datetime) -> None:
    """Every request moves the idle clock; not audited (it records no decision) — see Storage.bookkeeping."""
    with storage.bookkeeping() as cursor:
        cursor.execute(q.TOUCH_SESSION, [now, token_sha256])


def revoke_session(tx: Transaction, token_sha256: str, reason: str) -> None:
    tx.execute(q.REVOKE_SESSION, [tx.now, reason, token_sha256])


def revoke_sessions_of(tx: Transaction, login: str, reason: str, keep_sha256: str | None = None) -> None:
    tx.execute(q.REVOKE_SESSIONS_OF_USER, [tx.now, reason, login, keep_sha256])


# --- one-time login links ------------------------------------------------------------------------


def insert_link(tx: Transaction, token_sha256: str, login: str, expires_at: datetime) -> None:
    tx.execute(q.INSERT_LINK, [token_sha256, login, tx.now, tx.actor, expires_at])


def get_link(source: Source, token_sha256: str) -> LinkRecord | None:
    row = _execute(source, q.SELECT_LINK, [token_sha256]).fetchone()
    if row is None:
        return None
    login, expires_at, used_at, revoked_at = row
    return LinkRecord(login=login, expires_at=expires_at, used_at=used_at, revoked_at=revoked_at)


def use_link(tx: Transaction, token_sha256: str) -> None:
    tx.execute(q.USE_LINK, [tx.now, token_sha256])


def revoke_links_of(tx: Transaction, login: str) -> None:
    tx.execute(q.REVOKE_LINKS_OF_USER, [tx.now, login])


# --- policy --------------------------------------------------------------------------------------


def read_policy(source: Source) -> str | None:
    """The account policy as saved (JSON), or None while the defaults apply."""
    row = _execute(source, q.SELECT_POLICY).fetchone()
    return row[0] if row else None


def save_policy(tx: Transaction, data: str) -> None:
    tx.execute(q.SAVE_POLICY, [data, tx.now, tx.actor])
