"""Staying signed in over a reload or a second tab: a login becomes this browser's own session, carried by an
HttpOnly cookie that the server sets (never the address, never page script, never a log line), under the same idle
and absolute expiry; logging out ends every session of the account.

The page cannot set a cookie, so after a login it hands the browser a one-time handoff (two minutes, used once,
stored as its SHA-256); the browser posts it to the server's own route, which answers with the cookie of a new
session that ends when the login would have ended."""
from __future__ import annotations

from datetime import datetime, timedelta
from typing import NamedTuple

from scoring.common import accounts, clock
from scoring.common.models import ActionKind
from scoring.storage import Storage
from scoring.storage import account_store
from scoring.storage import browser_store as store

COOKIE_NAME = "review_session"
HANDOFF_SECONDS = 120


class BrowserSession(NamedTuple):
    """The cookie's value and when it must stop being sent."""

    token: str
    expires_at: datetime


def new_handoff(storage: Storage, token: str) -> str | None:
    """A one-time handoff for this live session (None when the session is not valid any more)."""
    if accounts.current_session(storage, token) is None:
        return None
    handoff = accounts.new_token()
    now = clock.now()
    store.insert_handoff(storage, accounts.token_sha256(handoff), accounts.token_sha256(token), now,
                         now + timedelta(seconds=HANDOFF_SECONDS))
    return handoff


def redeem(storage: Storage, handoff: str) -> BrowserSession | None:
    """The browser's session for a handoff: once, within two minutes, while the login it came from is valid; the
    new session expires when that login does. None for anything else (the caller says nothing more)."""
    digest = accounts.token_sha256(handoff or "")
    found = store.get_handoff(storage, digest)
    if found is None or found.used_at or clock.now() >= found.expires_at:
        return None
    origin = account_store.get_session(storage, found.session_sha256)
    if origin is None or origin.revoked_at or clock.now() >= origin.expires_at:
        return None
    token = accounts.new_token()
    with storage.transaction(origin.login) as tx:
        again = store.get_handoff(tx, digest)  # under the write lock: of two posts of one handoff only one wins
        if again is None or again.used_at:
            return None
        store.use_handoff(tx, digest)
        account_store.insert_session(tx, accounts.token_sha256(token), origin.login, origin.expires_at)
        tx.audit(ActionKind.BROWSER_REMEMBERED, f"user/{origin.login}", "在此浏览器保持登录（刷新页面、新开标签页无须重新登录）",
                 {"session": accounts.token_sha256(token)[:12], "from_session": found.session_sha256[:12]})
    return BrowserSession(token, origin.expires_at)
