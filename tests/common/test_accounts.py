"""Accounts and roles: no plaintext secrets, lock-out, expiry, logout, one-time links, forced change, and every
role against every domain function it must not reach."""
from __future__ import annotations

import dataclasses
import hashlib
import json
import shutil
import threading
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime, timedelta
from pathlib import Path

import pytest
from argon2 import PasswordHasher, profiles

from scoring.common import accounts, audit, clock
from scoring.intake import applications, batches, overview, overrides
from scoring.common.access import AccessDenied, Grant, Principal, Role
from scoring.common.accounts import AccountError, AccountPolicy, CredentialKind, LoginRefused
from scoring.intake.checks import run_checks
from scoring.intake.importer import import_files
from scoring.common.models import ActionKind, Attachment, AttachmentKind, CheckId, City, Outcome
from scoring.storage import Storage
from tests.builders.applications import make_application, make_batch
from tests.builders.clock import FakeClock, frozen_clock

ROOT = Principal.command_line("cli:root")
PASSWORD = "Liaoning2023ip"
START = datetime(2023, 6, 1, 9, 0, 0)
PLAN = "一、基本情况\n二、建设思路和目标".encode()
PLAN_SHA = hashlib.sha256(PLAN).hexdigest()
DALIAN_APP = make_application(serial=1).model_copy(update={"attachments": [
    Attachment(kind=AttachmentKind.PLAN, filename="plan.txt", sha256=PLAN_SHA, size=len(PLAN), text=PLAN.decode())]})
SHENYANG_APP = make_application(serial=2, recommendation={"city": "沈阳市"})


@pytest.fixture
def time_machine(monkeypatch) -> FakeClock:
    return frozen_clock(monkeypatch, START)


def seed(storage: Storage) -> None:
    """Batch 2023 with one application from 大连市 (with a plan file) and one from 沈阳市, checked."""
    batch = make_batch(2023)
    storage.create_batch(batch, "setup")
    with storage.transaction("setup") as tx:
        storage.save_applications(tx, [DALIAN_APP, SHENYANG_APP], source="test", files={PLAN_SHA: PLAN})
        storage.save_check_results(tx, "2023", {a.credit_code: run_checks(a, batch)
                                                 for a in (DALIAN_APP, SHENYANG_APP)})
        tx.audit(ActionKind.IMPORT, "batch/2023")


@pytest.fixture(scope="module")
def seeded_file(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("seeded") / "seeded.duckdb"
    with Storage(path) as store:
        seed(store)
    return path


@pytest.fixture
def storage(seeded_file, tmp_path, time_machine):
    """A copy of the seeded database per test (seeding each time would triple the time of the role matrix)."""
    path = tmp_path / "accounts.duckdb"
    shutil.copyfile(seeded_file, path)
    with Storage(path) as store:
        yield store


def signed_in(storage: Storage, login: str, *grants: Grant, password: str = PASSWORD) -> str:
    """A person with their own password, signed in: the session token."""
    accounts.create_user(storage, ROOT, login, f"用户{login}", list(grants))
    [(_, initial)] = accounts.issue_initial_credentials(storage, ROOT, [login])
    token = accounts.login(storage, login, initial)
    accounts.change_password(storage, token, initial, password)
    return token


def entries(storage: Storage, login: str, action: str) -> list:
    return [e for e in storage.audit_log(entity=f"user/{login}", limit=1000) if e.action == action]


def failed_attempts(storage: Storage, login: str) -> int:
    return accounts.get_account(storage, ROOT, login).failed_attempts


# --- secrets are never stored in plaintext -----------------------------------------------------------


def test_no_password_or_token_is_stored_in_plaintext_anywhere_in_the_database(tmp_path, time_machine):
    path = tmp_path / "secrets.duckdb"
    control = "明文对照Visible1234567"
    with Storage(path) as storage:
        seed(storage)
        accounts.create_first_admin(storage, "admin", "管理员", "ChiefSecret2023x")
        accounts.create_user(storage, ROOT, "zhang", "张三", [Grant(role=Role.STAFF)], reason=control)
        [(_, initial)] = accounts.issue_initial_credentials(storage, ROOT, ["zhang"])
        session = accounts.login(storage, "zhang", initial)
        accounts.change_password(storage, session, initial, "MyOwnPass2023w")
        with pytest.raises(LoginRefused):
            accounts.login(storage, "zhang", "WrongGuess2023")
        with pytest.raises(LoginRefused):
            accounts.login(storage, "TypedPasswordAsLogin99", "whatever1234")
        accounts.create_user(storage, ROOT, "li", "李四", [Grant(role=Role.EXPERT)])
        [(_, link)] = accounts.issue_initial_credentials(storage, ROOT, ["li"], CredentialKind.LINK)
        log = json.dumps([e.model_dump(mode="json") for e in storage.audit_log(limit=10_000)], ensure_ascii=False)
    secrets_used = ["ChiefSecret2023x", initial, "MyOwnPass2023w", "WrongGuess2023", "typedpasswordaslogin99",
                    session, link]
    stored = path.read_bytes() + (Path(f"{path}.wal").read_bytes() if Path(f"{path}.wal").exists() else b"")

    assert control.encode() in stored and control in log  # the scan does find text stored as it was given
    assert [s for s in secrets_used if s.encode() in stored or s in log] == []
    assert b"$argon2id$" in stored


def test_a_user_record_never_shows_its_hash_in_a_repr(storage):
    accounts.create_first_admin(storage, "admin", "管理员", "ChiefSecret2023x")

    from scoring.storage import account_store

    assert "argon2" not in repr(account_store.get_user(storage, "admin"))
    assert "password_hash" not in accounts.Account.model_fields


# --- logging in ----------------------------------------------------------------------------------------


def test_wrong_password_is_refused_counted_and_audited(storage):
    signed_in(storage, "zhang", Grant(role=Role.STAFF))

    with pytest.raises(LoginRefused, match="登录名或密码不正确"):
        accounts.login(storage, "zhang", "NotMyPassword1")

    [entry] = entries(storage, "zhang", "login.failed")
    assert (entry.actor, entry.reason, entry.detail["attempt"]) == ("anonymous", "密码不正确", 1)
    assert failed_attempts(storage, "zhang") == 1


def test_unknown_login_gets_the_same_answer_and_only_a_fingerprint_of_what_was_typed(storage):
    with pytest.raises(LoginRefused, match="登录名或密码不正确"):
        accounts.login(storage, "nobody", PASSWORD)

    [entry] = storage.audit_log(entity="user/?")
    assert entry.action == "login.failed"
    assert entry.detail == {"login_sha256": hashlib.sha256(b"nobody").hexdigest()[:16]}


def test_right_password_opens_a_session_with_the_persons_roles(storage):
    signed_in(storage, "zhang", Grant(role=Role.STAFF), Grant(role=Role.OBSERVER, batch_id="2024"))

    token = accounts.login(storage, " Zhang ", PASSWORD)
    principal = accounts.principal_for_session(storage, token)

    assert principal.login == "zhang" and principal.display_name == "用户zhang"
    assert set(principal.grants) == {Grant(role=Role.STAFF), Grant(role=Role.OBSERVER, batch_id="2024")}
    assert entries(storage, "zhang", "login")


def test_a_deactivated_account_cannot_log_in_and_its_sessions_end(storage):
    token = signed_in(storage, "zhang", Grant(role=Role.STAFF))

    accounts.set_active(storage, ROOT, "zhang", False, "调离岗位")

    assert accounts.principal_for_session(storage, token) is None
    with pytest.raises(LoginRefused, match="已停用"):
        accounts.login(storage, "zhang", PASSWORD)


# --- lock-out ------------------------------------------------------------------------------------------


def fail(storage: Storage, login: str, times: int) -> str:
    message = ""
    for _ in range(times):
        with pytest.raises(LoginRefused) as refused:
            accounts.login(storage, login, "WrongGuess2023")
        message = str(refused.value)
    return message


def test_account_locks_after_five_failures_and_refuses_even_the_right_password(storage):
    signed_in(storage, "zhang", Grant(role=Role.STAFF))

    assert "锁定" not in fail(storage, "zhang", 4)
    assert "锁定至 09:15" in fail(storage, "zhang", 1)

    with pytest.raises(LoginRefused, match="锁定"):
        accounts.login(storage, "zhang", PASSWORD)
    [locked] = entries(storage, "zhang", "account.locked")
    assert locked.reason == "连续5次登录失败"


def test_lock_is_released_after_fifteen_minutes(storage, time_machine):
    signed_in(storage, "zhang", Grant(role=Role.STAFF))
    fail(storage, "zhang", 5)

    time_machine.advance(minutes=14, seconds=59)
    with pytest.raises(LoginRefused, match="锁定"):
        accounts.login(storage, "zhang", PASSWORD)
    time_machine.advance(seconds=1)

    assert accounts.principal_for_session(storage, accounts.login(storage, "zhang", PASSWORD)).login == "zhang"
    assert failed_attempts(storage, "zhang") == 0


def test_a_successful_login_resets_the_failure_count(storage):
    signed_in(storage, "zhang", Grant(role=Role.STAFF))
    fail(storage, "zhang", 4)

    accounts.login(storage, "zhang", PASSWORD)

    assert "锁定" not in fail(storage, "zhang", 4)


def test_an_administrator_can_unlock_at_once(storage):
    signed_in(storage, "zhang", Grant(role=Role.STAFF))
    fail(storage, "zhang", 5)

    accounts.unlock(storage, ROOT, "zhang", "本人电话确认")

    assert accounts.login(storage, "zhang", PASSWORD)
    assert entries(storage, "zhang", "account.unlock")[0].reason == "本人电话确认"


def test_lockout_limits_follow_the_policy(storage, time_machine):
    accounts.set_account_policy(storage, ROOT, AccountPolicy(max_failed_attempts=3, lockout_minutes=60), "等保测评要求")
    signed_in(storage, "zhang", Grant(role=Role.STAFF))

    assert "锁定" in fail(storage, "zhang", 3)
    time_machine.advance(minutes=59)
    with pytest.raises(LoginRefused, match="锁定"):
        accounts.login(storage, "zhang", PASSWORD)


# --- sessions ------------------------------------------------------------------------------------------


def test_session_survives_activity_and_ends_after_thirty_idle_minutes(storage, time_machine):
    token = signed_in(storage, "zhang", Grant(role=Role.STAFF))

    for _ in range(3):
        time_machine.advance(minutes=29, seconds=59)
        assert accounts.current_session(storage, token).expires_at == time_machine.now + timedelta(minutes=30)
    time_machine.advance(minutes=30)

    assert accounts.principal_for_session(storage, token) is None


def test_session_ends_after_twelve_hours_however_active(storage, time_machine):
    token = signed_in(storage, "zhang", Grant(role=Role.STAFF))

    for _ in range(12 * 3 - 1):
        time_machine.advance(minutes=20)
        assert accounts.principal_for_session(storage, token) is not None
    time_machine.advance(minutes=20)

    assert accounts.principal_for_session(storage, token) is None


def test_logout_revokes_the_token_for_good(storage):
    token = signed_in(storage, "zhang", Grant(role=Role.STAFF))

    accounts.logout(storage, token)

    assert accounts.principal_for_session(storage, token) is None
    assert entries(storage, "zhang", "logout")


def test_an_unknown_or_empty_token_has_no_session(storage):
    assert accounts.principal_for_session(storage, None) is None
    assert accounts.principal_for_session(storage, "not-a-token") is None


def test_role_changes_reach_a_live_session_at_its_next_request(storage):
    token = signed_in(storage, "zhang", Grant(role=Role.STAFF))

    accounts.revoke_role(storage, ROOT, "zhang", Grant(role=Role.STAFF), "转岗")

    assert accounts.principal_for_session(storage, token).grants == ()


# --- initial passwords, forced change, one-time links --------------------------------------------------


def test_an_initial_password_allows_nothing_but_changing_it(storage):
    accounts.create_user(storage, ROOT, "zhang", "张三", [Grant(role=Role.STAFF)])
    [(login, initial)] = accounts.issue_initial_credentials(storage, ROOT, ["zhang"])
    token = accounts.login(storage, login, initial)

    session = accounts.current_session(storage, token)
    assert session.must_change_password and session.principal.grants == ()
    with pytest.raises(AccessDenied):
        overview.application_table(storage, session.principal, storage.get_batch("2023"))

    accounts.change_password(storage, token, initial, PASSWORD)

    after = accounts.current_session(storage, token)
    assert not after.must_change_password and after.principal.grants == (Grant(role=Role.STAFF),)
    assert entries(storage, "zhang", "password.change")[0].reason == "修改初始密码"


def test_changing_a_password_needs_the_current_one_and_a_strong_new_one(storage):
    token = signed_in(storage, "zhang", Grant(role=Role.STAFF))

    with pytest.raises(AccountError, match="当前密码不正确"):
        accounts.change_password(storage, token, "WrongGuess2023", "Another2023pw")
    with pytest.raises(AccountError, match="至少10个字符"):
        accounts.change_password(storage, token, PASSWORD, "short1")
    with pytest.raises(AccountError, match="字母和数字"):
        accounts.change_password(storage, token, PASSWORD, "onlylettersherE")
    with pytest.raises(AccountError, match="登录名"):
        accounts.change_password(storage, token, PASSWORD, "zhang20232023")
    with pytest.raises(AccountError, match="相同"):
        accounts.change_password(storage, token, PASSWORD, PASSWORD)


def test_changing_the_password_ends_the_other_sessions_but_not_this_one(storage):
    token = signed_in(storage, "zhang", Grant(role=Role.STAFF))
    other = accounts.login(storage, "zhang", PASSWORD)

    accounts.change_password(storage, token, PASSWORD, "Another2023pw")

    assert accounts.principal_for_session(storage, token) is not None
    assert accounts.principal_for_session(storage, other) is None


def test_a_reset_replaces_the_old_password_and_ends_every_session(storage):
    token = signed_in(storage, "zhang", Grant(role=Role.STAFF))

    [(_, initial)] = accounts.issue_initial_credentials(storage, ROOT, ["zhang"])

    assert accounts.principal_for_session(storage, token) is None
    with pytest.raises(LoginRefused):
        accounts.login(storage, "zhang", PASSWORD)
    assert accounts.current_session(storage, accounts.login(storage, "zhang", initial)).must_change_password


def test_initial_passwords_are_random_readable_and_acceptable(storage):
    for login in ("a1", "a2", "a3"):
        accounts.create_user(storage, ROOT, login, login, [Grant(role=Role.EXPERT)])

    issued = accounts.issue_initial_credentials(storage, ROOT, ["a1", "a2", "a3"])

    secrets_issued = [secret for _, secret in issued]
    assert [login for login, _ in issued] == ["a1", "a2", "a3"]
    assert len(set(secrets_issued)) == 3
    assert all(not accounts.password_problems(s, "") and not set(s) & set("0O1lI") for s in secrets_issued)
    assert all(e.detail == {"kind": "初始密码"} for e in storage.audit_log(limit=100) if e.action == "credentials.issue")


def test_a_one_time_link_logs_in_once_and_then_asks_for_a_password(storage):
    accounts.create_user(storage, ROOT, "li", "李四", [Grant(role=Role.EXPERT)], expert_id="ZJ2023-001")
    [(_, link)] = accounts.issue_initial_credentials(storage, ROOT, ["li"], CredentialKind.LINK)

    token = accounts.login_with_link(storage, link)
    session = accounts.current_session(storage, token)
    with pytest.raises(LoginRefused, match="已使用或已过期"):
        accounts.login_with_link(storage, link)

    assert session.must_change_password and not session.has_password
    assert session.principal.expert_id == "ZJ2023-001"
    assert entries(storage, "li", "login.link") and entries(storage, "li", "login.failed")[0].reason == "链接已使用"
    accounts.change_password(storage, token, None, "Expert2023pw")
    assert accounts.login(storage, "li", "Expert2023pw")


def test_a_one_time_link_expires_after_seventy_two_hours(storage, time_machine):
    accounts.create_user(storage, ROOT, "li", "李四", [Grant(role=Role.EXPERT)])
    [(_, link)] = accounts.issue_initial_credentials(storage, ROOT, ["li"], CredentialKind.LINK)

    time_machine.advance(hours=72)

    with pytest.raises(LoginRefused):
        accounts.login_with_link(storage, link)
    assert entries(storage, "li", "login.failed")[0].reason == "链接已过期"


def test_a_new_link_voids_the_previous_one(storage):
    accounts.create_user(storage, ROOT, "li", "李四", [Grant(role=Role.EXPERT)])
    [(_, first)] = accounts.issue_initial_credentials(storage, ROOT, ["li"], CredentialKind.LINK)
    [(_, second)] = accounts.issue_initial_credentials(storage, ROOT, ["li"], CredentialKind.LINK)

    with pytest.raises(LoginRefused):
        accounts.login_with_link(storage, first)
    assert accounts.login_with_link(storage, second)


def test_two_simultaneous_uses_of_one_link_let_only_one_in(storage):
    accounts.create_user(storage, ROOT, "li", "李四", [Grant(role=Role.EXPERT)])
    [(_, link)] = accounts.issue_initial_credentials(storage, ROOT, ["li"], CredentialKind.LINK)
    start = threading.Barrier(4)

    def use() -> bool:
        start.wait()
        try:
            return bool(accounts.login_with_link(storage, link))
        except LoginRefused:
            return False

    with ThreadPoolExecutor(4) as pool:
        outcomes = list(pool.map(lambda _: use(), range(4)))

    assert outcomes.count(True) == 1


def test_simultaneous_wrong_passwords_are_all_counted(storage):
    signed_in(storage, "zhang", Grant(role=Role.STAFF))
    start = threading.Barrier(5)

    def guess(_):
        start.wait()
        with pytest.raises(LoginRefused):
            accounts.login(storage, "zhang", "WrongGuess2023")

    with ThreadPoolExecutor(5) as pool:
        list(pool.map(guess, range(5)))

    assert accounts.get_account(storage, ROOT, "zhang").is_locked(clock.now())


def test_a_made_up_link_is_refused_and_audited(storage):
    with pytest.raises(LoginRefused):
        accounts.login_with_link(storage, "made-up")

    assert storage.audit_log(entity="user/?")[0].reason == "链接无效"


# --- hashing -------------------------------------------------------------------------------------------


def test_a_hash_made_with_old_parameters_is_replaced_at_the_next_login(storage, monkeypatch):
    signed_in(storage, "zhang", Grant(role=Role.STAFF))
    from scoring.storage import account_store

    old_hash = account_store.get_user(storage, "zhang").password_hash
    stronger = PasswordHasher.from_parameters(dataclasses.replace(profiles.CHEAPEST, time_cost=2))
    monkeypatch.setattr(accounts, "HASHER", stronger)

    accounts.login(storage, "zhang", PASSWORD)

    new_hash = account_store.get_user(storage, "zhang").password_hash
    assert new_hash != old_hash and ",t=2," in new_hash and not stronger.check_needs_rehash(new_hash)
    assert entries(storage, "zhang", "login")[0].detail["rehashed"] is True
    assert accounts.login(storage, "zhang", PASSWORD)


def test_a_damaged_hash_is_a_refusal_not_a_crash(storage):
    signed_in(storage, "zhang", Grant(role=Role.STAFF))
    storage.cursor().execute("UPDATE users SET password_hash = 'not-a-hash' WHERE login = 'zhang'")

    with pytest.raises(LoginRefused, match="登录名或密码不正确"):
        accounts.login(storage, "zhang", PASSWORD)


# --- administration ------------------------------------------------------------------------------------


def test_the_first_admin_can_be_created_only_while_there_is_none(storage):
    assert not accounts.admin_exists(storage)

    admin = accounts.create_first_admin(storage, "Admin", "管理员", "ChiefSecret2023x")

    assert admin.login == "admin" and admin.grants == (Grant(role=Role.ADMIN),) and not admin.must_change_password
    assert accounts.admin_exists(storage)
    with pytest.raises(AccountError, match="已有管理员"):
        accounts.create_first_admin(storage, "second", "又一个", "ChiefSecret2023y")


def test_the_first_admin_needs_a_strong_password(storage):
    with pytest.raises(AccountError, match="至少10个字符"):
        accounts.create_first_admin(storage, "admin", "管理员", "admin1")

    assert not accounts.admin_exists(storage)


def test_the_last_administrator_cannot_be_removed(storage):
    accounts.create_first_admin(storage, "admin", "管理员", "ChiefSecret2023x")

    with pytest.raises(AccountError, match="最后一名系统管理员"):
        accounts.revoke_role(storage, ROOT, "admin", Grant(role=Role.ADMIN), "误操作")
    with pytest.raises(AccountError, match="最后一名系统管理员"):
        accounts.set_active(storage, ROOT, "admin", False, "误操作")


def test_every_change_of_role_is_audited_with_who_and_why(storage):
    accounts.create_user(storage, ROOT, "dl", "大连市局王五", [Grant(role=Role.CITY, city=City.DALIAN)])

    accounts.grant_role(storage, ROOT, "dl", Grant(role=Role.OBSERVER, batch_id="2023"), "参与监督")
    accounts.revoke_role(storage, ROOT, "dl", Grant(role=Role.OBSERVER, batch_id="2023"), "监督结束")

    log = [(e.action, e.actor, e.reason, e.detail.get("grant")) for e in storage.audit_log(entity="user/dl")]
    assert log == [("role.revoke", "cli:root", "监督结束", "观察员（批次 2023）"),
                   ("role.grant", "cli:root", "参与监督", "观察员（批次 2023）"),
                   ("role.grant", "cli:root", "新建账号", "市局（大连市，全部批次）"),
                   ("user.create", "cli:root", "新建账号", None)]


def test_a_role_change_needs_a_reason(storage):
    accounts.create_user(storage, ROOT, "zhang", "张三", [])

    with pytest.raises(AccountError, match="理由"):
        accounts.grant_role(storage, ROOT, "zhang", Grant(role=Role.STAFF), " ")


def test_grants_are_checked_for_their_city_and_scope():
    with pytest.raises(ValueError, match="城市"):
        Grant(role=Role.CITY)
    with pytest.raises(ValueError, match="不指定城市"):
        Grant(role=Role.STAFF, city=City.DALIAN)
    with pytest.raises(ValueError, match="全部批次"):
        Grant(role=Role.ADMIN, batch_id="2023")


def test_logins_are_checked_and_unique_and_an_expert_has_one_account(storage):
    accounts.create_user(storage, ROOT, "li", "李四", [Grant(role=Role.EXPERT)], expert_id="ZJ2023-001")

    with pytest.raises(AccountError, match="已被使用"):
        accounts.create_user(storage, ROOT, "LI", "李四", [])
    with pytest.raises(AccountError, match="已有账号"):
        accounts.create_user(storage, ROOT, "li2", "李四", [Grant(role=Role.EXPERT)], expert_id="ZJ2023-001")
    with pytest.raises(AccountError, match="登录名须为"):
        accounts.create_user(storage, ROOT, "李四", "李四", [])


# --- every role against every domain function it must not reach ----------------------------------------


def principal_of(role: Role) -> Principal:
    """One person per role; the city bureau is 沈阳市's, the application under test is 大连市's."""
    grant = Grant(role=role, city=City.SHENYANG if role is Role.CITY else None)
    return Principal(login=f"p-{role.name.lower()}", display_name=f"{role}甲", grants=(grant,))


def prepare_target(storage: Storage) -> None:
    accounts.create_user(storage, ROOT, "target", "被管理的人", [Grant(role=Role.STAFF)])


BATCH = "2023"
CODE = DALIAN_APP.credit_code
VIEWERS = {Role.ADMIN, Role.STAFF, Role.OBSERVER}
OFFICE = {Role.ADMIN, Role.STAFF}
ADMINS = {Role.ADMIN}
DOMAIN_CALLS = {
    "import_files": (OFFICE, lambda s, p: import_files(s, s.get_batch(BATCH), [("a.json", b"[]")], p)),
    "change_batch": (OFFICE, lambda s, p: batches.change_batch(s, s.get_batch(BATCH), p, "调整设置")),
    "recheck_batch": (OFFICE, lambda s, p: batches.recheck_batch(s, s.get_batch(BATCH), p)),
    "create_batch": (OFFICE, lambda s, p: batches.create_batch(s, p, make_batch(2024))),
    "load_sample": (OFFICE, lambda s, p: batches.load_sample(s, p)),
    "ensure_database": (OFFICE, lambda s, p: batches.ensure_database(s, p, with_sample=False, year=2025)),
    "override_check": (OFFICE, lambda s, p: overrides.override_check(s, p, BATCH, CODE, CheckId.DEADLINE,
                                                                          Outcome.PASS, "系统故障顺延")),
    "clear_override": (OFFICE, lambda s, p: overrides.clear_override(s, p, BATCH, CODE, CheckId.DEADLINE, "撤销")),
    "application_table": (VIEWERS | {Role.CITY}, lambda s, p: overview.application_table(s, p, s.get_batch(BATCH))),
    "visible_applications": (VIEWERS | {Role.CITY}, lambda s, p: applications.visible_applications(s, p, BATCH)),
    "get_application": (VIEWERS, lambda s, p: applications.get_application(s, p, BATCH, CODE)),
    "check_report": (VIEWERS, lambda s, p: applications.check_report(s, p, BATCH, CODE)),
    "attachment_content": (VIEWERS, lambda s, p: applications.attachment_content(s, p, BATCH, CODE, PLAN_SHA)),
    "application_history": (VIEWERS, lambda s, p: applications.application_history(s, p, BATCH, CODE)),
    "application_version": (VIEWERS, lambda s, p: applications.application_version(s, p, BATCH, CODE)),
    "read_audit_log": (VIEWERS, lambda s, p: audit.read_audit_log(s, p)),
    "read_audit_log_of_application": (VIEWERS, lambda s, p: audit.read_audit_log(s, p, f"application/{BATCH}/{CODE}")),
    "create_user": (ADMINS, lambda s, p: accounts.create_user(s, p, "newbie", "新人", [Grant(role=Role.STAFF)])),
    "issue_initial_credentials": (ADMINS, lambda s, p: accounts.issue_initial_credentials(s, p, ["target"])),
    "grant_role": (ADMINS, lambda s, p: accounts.grant_role(s, p, "target", Grant(role=Role.OBSERVER), "监督")),
    "revoke_role": (ADMINS, lambda s, p: accounts.revoke_role(s, p, "target", Grant(role=Role.STAFF), "转岗")),
    "set_active": (ADMINS, lambda s, p: accounts.set_active(s, p, "target", False, "离职")),
    "unlock": (ADMINS, lambda s, p: accounts.unlock(s, p, "target")),
    "list_users": (ADMINS, lambda s, p: accounts.list_users(s, p)),
    "get_account": (ADMINS, lambda s, p: accounts.get_account(s, p, "target")),
    "account_audit": (ADMINS, lambda s, p: accounts.account_audit(s, p)),
    "set_account_policy": (ADMINS, lambda s, p: accounts.set_account_policy(s, p, AccountPolicy(idle_minutes=20),
                                                                             "等保要求")),
}
FORBIDDEN = [(role, name) for name, (allowed, _) in DOMAIN_CALLS.items() for role in Role if role not in allowed]
ALLOWED = [(role, name) for name, (allowed, _) in DOMAIN_CALLS.items() for role in sorted(allowed)]


@pytest.mark.parametrize(("role", "function"), FORBIDDEN, ids=[f"{r.name}-{f}" for r, f in FORBIDDEN])
def test_a_role_is_refused_by_every_domain_function_it_must_not_reach(storage, role, function):
    prepare_target(storage)
    before = storage.data_version()

    with pytest.raises(AccessDenied):
        DOMAIN_CALLS[function][1](storage, principal_of(role))

    assert storage.data_version() == before


@pytest.mark.parametrize(("role", "function"), ALLOWED, ids=[f"{r.name}-{f}" for r, f in ALLOWED])
def test_a_role_reaches_every_domain_function_it_carries(storage, role, function):
    prepare_target(storage)
    if function == "clear_override":
        overrides.override_check(storage, ROOT, BATCH, CODE, CheckId.DEADLINE, Outcome.PASS, "系统故障顺延")

    refused = None
    try:
        DOMAIN_CALLS[function][1](storage, principal_of(role))
    except AccessDenied as exc:
        refused = exc

    assert refused is None, f"{role} 被拒绝执行 {function}：{refused}"


def test_the_matrix_covers_every_role_and_refuses_an_expert_every_reading_route():
    reading = [name for name in DOMAIN_CALLS if name.startswith(("get_", "check_", "attachment", "application",
                                                                  "visible", "read_audit"))]

    assert {role for role, _ in FORBIDDEN} == set(Role) - {Role.ADMIN}
    assert Role.EXPERT not in {role for role, _ in ALLOWED}
    assert {(Role.EXPERT, name) for name in reading} <= set(FORBIDDEN)


def test_a_city_bureau_sees_only_its_own_citys_rows(storage):
    dalian = Principal(login="dl", display_name="大连市局", grants=(Grant(role=Role.CITY, city=City.DALIAN),))

    table = overview.application_table(storage, dalian, storage.get_batch(BATCH))

    assert list(table["统一社会信用代码"]) == [DALIAN_APP.credit_code]
    assert applications.get_application(storage, dalian, BATCH, CODE).credit_code == CODE


def test_a_city_bureau_cannot_tell_another_citys_unit_from_one_that_did_not_apply(storage):
    shenyang = principal_of(Role.CITY)

    with pytest.raises(AccessDenied) as other_city:
        applications.get_application(storage, shenyang, BATCH, CODE)
    with pytest.raises(AccessDenied) as absent:
        applications.get_application(storage, shenyang, BATCH, "12210200MB0000000X")

    assert str(other_city.value).replace(CODE, "") == str(absent.value).replace("12210200MB0000000X", "")


def test_a_role_granted_for_another_batch_reaches_nothing_in_this_one(storage):
    staff_2024 = Principal(login="s", display_name="二〇二四年经办人", grants=(Grant(role=Role.STAFF, batch_id="2024"),))

    with pytest.raises(AccessDenied):
        overview.application_table(storage, staff_2024, storage.get_batch(BATCH))
    with pytest.raises(AccessDenied):
        overrides.override_check(storage, staff_2024, BATCH, CODE, CheckId.DEADLINE, Outcome.PASS, "顺延")


def test_an_attachment_is_served_only_as_part_of_its_own_application(storage):
    with pytest.raises(AccessDenied, match="不是这份申报书的附件"):
        applications.attachment_content(storage, ROOT, BATCH, SHENYANG_APP.credit_code, PLAN_SHA)

    assert applications.attachment_content(storage, ROOT, BATCH, CODE, PLAN_SHA) == PLAN
