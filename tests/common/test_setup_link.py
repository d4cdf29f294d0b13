"""The first start's set-up address: it creates one administrator once, expires, is refused once an administrator
exists, is stored only as its hash, and every use or refusal is audited."""
from __future__ import annotations

from datetime import datetime

import pytest

from scoring.common import accounts, setup_link
from scoring.common.accounts import AccountError
from scoring.common.models import ActionKind
from scoring.common.setup_link import SetupRefused
from scoring.storage import Storage
from tests.builders.clock import FakeClock, frozen_clock

PASSWORD = "Provincial2023x"
START = datetime(2026, 12, 5, 9, 0, 0)


@pytest.fixture
def time_machine(monkeypatch) -> FakeClock:
    return frozen_clock(monkeypatch, START)


@pytest.fixture
def storage(tmp_path, time_machine):
    with Storage(tmp_path / "setup.duckdb") as store:
        yield store


def setup_entries(storage: Storage, action: str) -> list:
    return [e for e in storage.audit_log(entity=setup_link.ENTITY, limit=100) if e.action == action]


def test_a_set_up_address_creates_the_first_administrator_who_can_then_log_in(storage):
    token = setup_link.issue_if_needed(storage)

    admin = setup_link.create_admin(storage, token, "admin", "系统管理员", PASSWORD)

    assert admin.login == "admin" and accounts.admin_exists(storage)
    assert accounts.current_session(storage, accounts.login(storage, "admin", PASSWORD)).principal.roles_in(None) == {accounts.Role.ADMIN}
    assert len(setup_entries(storage, ActionKind.SETUP_ISSUE)) == 1
    assert len(setup_entries(storage, ActionKind.SETUP_USE)) == 1
    created = [e for e in storage.audit_log(entity="user/admin") if e.action == ActionKind.USER_CREATE]
    assert created[0].actor == "setup-link" and "一次性设置地址" in created[0].reason


def test_a_set_up_address_works_once(storage):
    token = setup_link.issue_if_needed(storage)
    setup_link.create_admin(storage, token, "admin", "系统管理员", PASSWORD)

    with pytest.raises(AccountError):
        setup_link.create_admin(storage, token, "second", "第二管理员", PASSWORD)

    assert accounts.get_account(storage, accounts.Principal.command_line("cli:t"), "admin")
    assert not any(u.login == "second" for u in accounts.list_users(storage, accounts.Principal.command_line("cli:t")))


def test_a_set_up_address_expires_after_thirty_minutes(storage, time_machine):
    token = setup_link.issue_if_needed(storage)
    time_machine.advance(minutes=setup_link.VALID_MINUTES)

    with pytest.raises(SetupRefused):
        setup_link.create_admin(storage, token, "admin", "系统管理员", PASSWORD)

    assert not accounts.admin_exists(storage)
    assert setup_entries(storage, ActionKind.SETUP_REFUSED)[0].reason == "设置地址已过期"


def test_no_set_up_address_is_issued_or_accepted_once_an_administrator_exists(storage):
    token = setup_link.issue_if_needed(storage)
    accounts.create_first_admin(storage, "chief", "处长", PASSWORD)

    assert setup_link.issue_if_needed(storage) is None
    assert not setup_link.usable(storage, token)
    with pytest.raises(AccountError, match="已有管理员"):
        setup_link.create_admin(storage, token, "admin", "系统管理员", PASSWORD)
    with pytest.raises(SetupRefused):
        setup_link.issue(storage)


def test_a_new_address_voids_the_unused_one_but_a_visitor_cannot_replace_a_valid_one(storage, time_machine):
    first = setup_link.issue_if_needed(storage)
    second = setup_link.issue_if_needed(storage)  # the server restarted

    assert not setup_link.usable(storage, first) and setup_link.usable(storage, second)
    assert setup_link.issue_if_none_valid(storage, accounts.ANONYMOUS) is None
    time_machine.advance(minutes=setup_link.VALID_MINUTES + 1)
    third = setup_link.issue_if_none_valid(storage, accounts.ANONYMOUS)
    assert third and setup_link.usable(storage, third)


def test_a_refused_password_leaves_the_address_usable(storage):
    token = setup_link.issue_if_needed(storage)

    with pytest.raises(AccountError, match="至少10个字符"):
        setup_link.create_admin(storage, token, "admin", "系统管理员", "short1")

    assert setup_link.usable(storage, token)


def test_a_made_up_address_is_refused_and_the_token_is_stored_only_as_its_hash(storage):
    token = setup_link.issue_if_needed(storage)

    with pytest.raises(SetupRefused):
        setup_link.create_admin(storage, "made-up", "admin", "系统管理员", PASSWORD)

    stored = storage.cursor().execute("SELECT token_sha256 FROM setup_links").fetchall()
    assert stored == [(accounts.token_sha256(token),)]
    everything = str(storage.cursor().execute("SELECT * FROM audit_log").fetchall())
    assert token not in everything
