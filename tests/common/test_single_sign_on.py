"""Single sign-on mapped onto local accounts, with a fake OpenID Connect provider: a linked identity gets a normal
session of its account with the account's roles; anything else is refused, audited, without tokens; a login at the
provider is used once and only while fresh; linking is an administrator's, audited with who, when and why."""
from __future__ import annotations

import json
from datetime import datetime

import pytest

from scoring.common import accounts, clock, single_sign_on
from scoring.common.access import AccessDenied, Grant, Principal, Role
from scoring.common.accounts import AccountError
from scoring.common.models import ActionKind
from scoring.common.single_sign_on import SignOnRefused
from scoring.storage import Storage, account_store
from tests.builders.identity_provider import ISSUER, OTHER_ISSUER, FakeProvider
from tests.builders.clock import FakeClock, frozen_clock

ADMIN = Principal.command_line("cli:chief")
PASSWORD = "Liaoning2023ip"


@pytest.fixture
def time_machine(monkeypatch) -> FakeClock:
    return frozen_clock(monkeypatch, datetime(2026, 12, 7, 9, 0))


@pytest.fixture
def storage(tmp_path, time_machine):
    with Storage(tmp_path / "sso.duckdb") as store:
        yield store


@pytest.fixture
def provider() -> FakeProvider:
    return FakeProvider()


def person(storage: Storage, login: str = "wangli", *grants: Grant, own_password: bool = True) -> str:
    """An account with an initial password (and, with own_password, a password of their own set since)."""
    accounts.create_user(storage, ADMIN, login, "王丽", list(grants or (Grant(role=Role.STAFF, batch_id="2023"),)))
    [(_, initial)] = accounts.issue_initial_credentials(storage, ADMIN, [login])
    if not own_password:
        return initial
    token = accounts.login(storage, login, initial)
    accounts.change_password(storage, token, initial, PASSWORD)
    accounts.logout(storage, token)
    return PASSWORD


def linked(storage: Storage, login: str = "wangli", subject: str = "f3a9-wangli", **grants) -> None:
    person(storage, login, **grants)
    single_sign_on.link_identity(storage, ADMIN, login, ISSUER, subject=subject, reason="统一身份认证上线")


def failures(storage: Storage, entity: str) -> list:
    return [e for e in storage.audit_log(entity=entity) if e.action == ActionKind.LOGIN_FAILED]


# --- signing in -----------------------------------------------------------------------------------------


def test_a_linked_identity_gets_a_session_of_its_account_with_the_accounts_roles(storage, provider):
    linked(storage)

    token = single_sign_on.login_with_identity(storage, provider.login("f3a9-wangli"))

    session = accounts.current_session(storage, token)
    assert session.principal.login == "wangli"
    assert session.principal.grants == (Grant(role=Role.STAFF, batch_id="2023"),)
    assert not session.must_change_password


def test_the_session_keeps_the_accounts_idle_and_absolute_limits(storage, provider, time_machine):
    linked(storage)
    token = single_sign_on.login_with_identity(storage, provider.login("f3a9-wangli"))

    time_machine.advance(minutes=31)

    assert accounts.current_session(storage, token) is None
    stored = account_store.get_session(storage, accounts.token_sha256(token))
    assert stored.expires_at == datetime(2026, 12, 7, 21, 0)


def test_an_unlinked_identity_is_refused_with_what_to_tell_the_administrator(storage, provider):
    person(storage)

    with pytest.raises(SignOnRefused) as refused:
        single_sign_on.login_with_identity(storage, provider.login("f3a9-nobody", email="nobody@unit.example.cn"))

    message = str(refused.value)
    assert "尚未关联" in message and "系统管理员" in message and ISSUER in message and "f3a9-nobody" in message
    [entry] = failures(storage, accounts.UNKNOWN_LOGIN_ENTITY)
    assert entry.detail == {"issuer": ISSUER, "subject": "f3a9-nobody", "email": "nobody@unit.example.cn",
                            "email_verified": True}


def test_an_identity_from_another_issuer_is_refused_even_with_a_linked_subject(storage):
    linked(storage)

    with pytest.raises(SignOnRefused, match="尚未关联"):
        single_sign_on.login_with_identity(storage, FakeProvider(OTHER_ISSUER).login("f3a9-wangli"))

    assert [e.detail["issuer"] for e in failures(storage, accounts.UNKNOWN_LOGIN_ENTITY)] == [OTHER_ISSUER]


def test_a_deactivated_account_is_refused_through_single_sign_on(storage, provider):
    linked(storage)
    accounts.set_active(storage, ADMIN, "wangli", False, "调离")

    with pytest.raises(SignOnRefused, match="账号已停用"):
        single_sign_on.login_with_identity(storage, provider.login("f3a9-wangli"))

    assert [e.reason for e in failures(storage, "user/wangli")] == ["账号已停用（统一身份认证登录）"]


def test_logout_ends_a_single_sign_on_session_and_every_other_of_the_account(storage, provider):
    linked(storage)
    token = single_sign_on.login_with_identity(storage, provider.login("f3a9-wangli"))
    by_password = accounts.login(storage, "wangli", PASSWORD)

    accounts.logout(storage, token)

    assert accounts.current_session(storage, token) is None
    assert accounts.current_session(storage, by_password) is None
    assert storage.audit_log(entity="user/wangli", limit=1)[0].action == ActionKind.LOGOUT


def test_a_login_and_a_refusal_are_audited_without_any_token(storage, provider):
    linked(storage)
    claims = provider.login("f3a9-wangli")
    token = single_sign_on.login_with_identity(storage, claims)
    with pytest.raises(SignOnRefused):
        single_sign_on.login_with_identity(storage, provider.login("f3a9-nobody"))

    [entry] = [e for e in storage.audit_log(entity="user/wangli") if e.action == ActionKind.SSO_LOGIN]
    assert entry.actor == "wangli" and entry.detail["issuer"] == ISSUER and entry.detail["subject"] == "f3a9-wangli"
    everything = json.dumps([e.model_dump(mode="json") for e in storage.audit_log(limit=500)], ensure_ascii=False)
    assert token not in everything and accounts.token_sha256(token) not in everything
    assert claims["nonce"] not in everything


# --- a login at the provider is used once, while fresh ------------------------------------------------


def test_a_login_at_the_provider_opens_one_session_only(storage, provider):
    linked(storage)
    claims = provider.login("f3a9-wangli")

    assert single_sign_on.login_with_identity(storage, claims)
    assert single_sign_on.login_with_identity(storage, claims) is None
    assert single_sign_on.login_with_identity(storage, provider.login("f3a9-wangli"))


def test_an_old_login_at_the_provider_opens_nothing_and_is_not_a_failure(storage, provider, time_machine):
    linked(storage)
    claims = provider.login("f3a9-wangli")

    time_machine.advance(minutes=11)

    assert single_sign_on.login_with_identity(storage, claims) is None
    assert failures(storage, "user") == []


def test_a_refused_login_is_decided_once(storage, provider):
    claims = provider.login("f3a9-nobody")
    with pytest.raises(SignOnRefused):
        single_sign_on.login_with_identity(storage, claims)

    assert single_sign_on.login_with_identity(storage, claims) is None
    assert len(failures(storage, accounts.UNKNOWN_LOGIN_ENTITY)) == 1


def test_claims_without_a_subject_are_refused(storage, provider):
    claims = provider.login("f3a9-wangli")
    del claims["sub"]

    with pytest.raises(SignOnRefused, match="不完整"):
        single_sign_on.login_with_identity(storage, claims)


# --- linking by a verified e-mail address ----------------------------------------------------------------


def test_a_verified_email_binds_the_subject_at_the_first_login_and_then_only_the_subject_counts(storage, provider):
    person(storage)
    single_sign_on.link_identity(storage, ADMIN, "wangli", ISSUER, email="WangLi@Unit.example.cn", reason="按邮箱关联")

    token = single_sign_on.login_with_identity(storage, provider.login("f3a9-wangli", email="wangli@unit.example.cn"))

    assert accounts.current_session(storage, token).principal.login == "wangli"
    bound = single_sign_on.linked_identity(storage, ADMIN, "wangli")
    assert bound.subject == "f3a9-wangli" and bound.bound_at == clock.now()
    assert single_sign_on.login_with_identity(storage, provider.login("f3a9-wangli", email="changed@unit.example.cn"))
    with pytest.raises(SignOnRefused):  # the mailbox given to someone else later opens nothing
        single_sign_on.login_with_identity(storage, provider.login("f3a9-successor", email="wangli@unit.example.cn"))


def test_an_unverified_email_binds_nothing(storage, provider):
    person(storage)
    single_sign_on.link_identity(storage, ADMIN, "wangli", ISSUER, email="wangli@unit.example.cn", reason="按邮箱关联")

    with pytest.raises(SignOnRefused):
        single_sign_on.login_with_identity(storage, provider.login("f3a9-wangli", email="wangli@unit.example.cn",
                                                                   email_verified=False))

    assert single_sign_on.linked_identity(storage, ADMIN, "wangli").subject is None


def test_the_email_must_come_from_the_linked_issuer(storage):
    person(storage)
    single_sign_on.link_identity(storage, ADMIN, "wangli", ISSUER, email="wangli@unit.example.cn", reason="按邮箱关联")

    elsewhere = FakeProvider(OTHER_ISSUER).login("x", email="wangli@unit.example.cn")

    with pytest.raises(SignOnRefused):
        single_sign_on.login_with_identity(storage, elsewhere)


def test_an_initial_password_stops_working_after_a_single_sign_on_login(storage, provider):
    initial = person(storage, own_password=False)
    single_sign_on.link_identity(storage, ADMIN, "wangli", ISSUER, subject="f3a9-wangli", reason="统一身份认证上线")

    token = single_sign_on.login_with_identity(storage, provider.login("f3a9-wangli"))

    session = accounts.current_session(storage, token)
    assert not session.must_change_password and session.principal.grants  # the roles, not a password change first
    with pytest.raises(accounts.LoginRefused):
        accounts.login(storage, "wangli", initial)


# --- administration ------------------------------------------------------------------------------------


def test_linking_is_audited_with_who_when_and_why(storage, time_machine):
    linked(storage)

    [entry] = [e for e in storage.audit_log(entity="user/wangli") if e.action == ActionKind.SSO_LINK]
    assert (entry.actor, entry.at, entry.reason) == ("cli:chief", time_machine.now, "统一身份认证上线")
    assert entry.detail["issuer"] == ISSUER and entry.detail["subject"] == "f3a9-wangli"


def test_only_an_administrator_links_an_identity(storage):
    person(storage)
    staff = Principal(login="zhang", display_name="张三", grants=(Grant(role=Role.STAFF),))

    with pytest.raises(AccessDenied):
        single_sign_on.link_identity(storage, staff, "wangli", ISSUER, subject="f3a9-wangli", reason="自行关联")


def test_one_identity_signs_in_as_one_account_and_an_account_has_one_identity(storage):
    linked(storage)
    person(storage, "zhaoqiang")

    with pytest.raises(AccountError, match="已关联到账号“wangli”"):
        single_sign_on.link_identity(storage, ADMIN, "zhaoqiang", ISSUER, subject="f3a9-wangli", reason="误操作")
    with pytest.raises(AccountError, match="请先解除关联"):
        single_sign_on.link_identity(storage, ADMIN, "wangli", ISSUER, subject="other", reason="再关联")


@pytest.mark.parametrize(("issuer", "subject", "email", "problem"), [
    ("sso.example.cn", "s", None, "issuer"), (ISSUER, None, None, "只填一项"), (ISSUER, "s", "a@b.cn", "只填一项"),
    (ISSUER, None, "not-an-address", "格式不正确")])
def test_a_link_needs_an_issuer_address_and_exactly_one_of_subject_or_email(storage, issuer, subject, email, problem):
    person(storage)

    with pytest.raises(AccountError, match=problem):
        single_sign_on.link_identity(storage, ADMIN, "wangli", issuer, subject=subject, email=email, reason="关联")


def test_unlinking_ends_the_accounts_sessions_and_the_identity_opens_nothing_more(storage, provider):
    linked(storage)
    token = single_sign_on.login_with_identity(storage, provider.login("f3a9-wangli"))

    single_sign_on.unlink_identity(storage, ADMIN, "wangli", "人员调离")

    assert accounts.current_session(storage, token) is None
    with pytest.raises(SignOnRefused):
        single_sign_on.login_with_identity(storage, provider.login("f3a9-wangli"))
    assert storage.audit_log(entity="user/wangli", limit=1)[0].action == ActionKind.SSO_UNLINK


def test_refused_identities_list_what_an_administrator_may_link(storage, provider):
    person(storage)
    for subject in ("f3a9-a", "f3a9-b", "f3a9-a"):
        with pytest.raises(SignOnRefused):
            single_sign_on.login_with_identity(storage, provider.login(subject))
    single_sign_on.link_identity(storage, ADMIN, "wangli", ISSUER, subject="f3a9-b", reason="关联")

    assert [r.subject for r in single_sign_on.refused_identities(storage, ADMIN)] == ["f3a9-a"]


def test_the_issuer_suggested_by_a_metadata_address_drops_the_well_known_suffix():
    assert single_sign_on.issuer_from_metadata_url(f"{ISSUER}/.well-known/openid-configuration") == ISSUER
