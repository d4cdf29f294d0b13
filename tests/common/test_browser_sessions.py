"""The browser's own session: a handoff becomes a session once, within two minutes, only from a live login, and ends
when that login would have; logout ends every session of the account."""
from __future__ import annotations

from datetime import datetime

import pytest

from scoring.common import accounts, browser_sessions
from scoring.common.models import ActionKind
from scoring.common.access import Grant, Principal, Role
from scoring.storage import Storage, account_store
from tests.builders.clock import FakeClock, frozen_clock

ADMIN = Principal.command_line("cli:test")
PASSWORD = "Liaoning2023ip"


@pytest.fixture
def time_machine(monkeypatch) -> FakeClock:
    return frozen_clock(monkeypatch, datetime(2026, 12, 5, 9, 0))


@pytest.fixture
def storage(tmp_path, time_machine):
    with Storage(tmp_path / "browser.duckdb") as store:
        accounts.create_user(store, ADMIN, "wangli", "王丽", [Grant(role=Role.STAFF)])
        [(_, initial)] = accounts.issue_initial_credentials(store, ADMIN, ["wangli"])
        token = accounts.login(store, "wangli", initial)
        accounts.change_password(store, token, initial, PASSWORD)
        yield store


def test_a_handoff_becomes_the_browsers_session_once(storage):
    login = accounts.login(storage, "wangli", PASSWORD)
    handoff = browser_sessions.new_handoff(storage, login)

    kept = browser_sessions.redeem(storage, handoff)

    assert accounts.current_session(storage, kept.token).principal.login == "wangli"
    assert browser_sessions.redeem(storage, handoff) is None
    assert [e.action for e in storage.audit_log(entity="user/wangli", limit=1)] == [ActionKind.BROWSER_REMEMBERED]


def test_the_browsers_session_ends_when_the_login_would_have_and_idles_out_the_same(storage, time_machine):
    login = accounts.login(storage, "wangli", PASSWORD)
    time_machine.advance(minutes=1)
    kept = browser_sessions.redeem(storage, browser_sessions.new_handoff(storage, login))

    assert kept.expires_at == account_store.get_session(storage, accounts.token_sha256(login)).expires_at
    time_machine.advance(minutes=31)
    assert accounts.current_session(storage, kept.token) is None  # 30 idle minutes, as any session


def test_a_handoff_is_worthless_after_two_minutes_or_once_the_login_ended(storage, time_machine):
    login = accounts.login(storage, "wangli", PASSWORD)
    late = browser_sessions.new_handoff(storage, login)
    time_machine.advance(seconds=browser_sessions.HANDOFF_SECONDS)
    assert browser_sessions.redeem(storage, late) is None

    orphan = browser_sessions.new_handoff(storage, login)
    accounts.logout(storage, login)
    assert browser_sessions.redeem(storage, orphan) is None
    assert browser_sessions.new_handoff(storage, login) is None
    assert browser_sessions.redeem(storage, "made-up") is None


def test_logout_in_one_tab_ends_the_browsers_session_and_every_other(storage):
    first = accounts.login(storage, "wangli", PASSWORD)
    kept = browser_sessions.redeem(storage, browser_sessions.new_handoff(storage, first))
    elsewhere = accounts.login(storage, "wangli", PASSWORD)

    accounts.logout(storage, kept.token)

    assert all(accounts.current_session(storage, t) is None for t in (first, kept.token, elsewhere))


def test_handoffs_and_sessions_are_stored_only_as_hashes(storage):
    login = accounts.login(storage, "wangli", PASSWORD)
    handoff = browser_sessions.new_handoff(storage, login)
    kept = browser_sessions.redeem(storage, handoff)

    everything = str(storage.cursor().execute("SELECT * FROM session_handoffs").fetchall()) + \
        str(storage.cursor().execute("SELECT * FROM sessions").fetchall()) + \
        str(storage.cursor().execute("SELECT * FROM audit_log").fetchall())
    assert handoff not in everything and kept.token not in everything and login not in everything
