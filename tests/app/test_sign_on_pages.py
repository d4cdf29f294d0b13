"""Single sign-on in the app: 登录 offers it only where `[auth]` is configured, a person back from the (fake) provider
is signed in as the linked account or told what to ask the administrator, logout ends the session and Streamlit's
identity cookie, and 用户与角色 links and unlinks an account's identity."""
from __future__ import annotations

import pytest
import streamlit as st

from app_pages.widgets import common, sign_on
from scoring.common import accounts, single_sign_on
from scoring.common.access import Grant, Role
from tests.app.conftest import ADMIN, ROOT, create_person, new_app, page_as
from tests.builders.identity_provider import AUTH_SECRETS, ISSUER, FakeProvider

LOGIN_LABEL = "使用单位统一身份认证登录"


@pytest.fixture(autouse=True)
def in_project_root(monkeypatch):
    monkeypatch.chdir(ROOT)


def labels(at) -> list[str]:
    return [b.label for b in at.button]


def back_from_provider(claims: dict):
    """The app as the browser opens it after st.login: a new session, the provider's login in st.user."""
    at = new_app()
    at.secrets = AUTH_SECRETS
    at.user = claims
    return at.run()


def linked_person(store, login: str = "zhang", subject: str = "f3a9-zhang") -> None:
    create_person(store, login, "张三", Grant(role=Role.STAFF))
    single_sign_on.link_identity(store, ADMIN, login, ISSUER, subject=subject, reason="统一身份认证上线")


def test_without_auth_settings_the_login_page_offers_only_local_accounts(store):
    at = new_app().run()

    assert not at.exception
    assert LOGIN_LABEL not in labels(at) and "登录" in labels(at)


def test_with_auth_settings_the_login_page_offers_single_sign_on_beside_the_local_form(store):
    at = new_app()
    at.secrets = AUTH_SECRETS
    at.run()

    assert not at.exception
    assert LOGIN_LABEL in labels(at) and "登录" in labels(at)


def test_incomplete_auth_settings_offer_no_single_sign_on(store):
    at = new_app()
    at.secrets = {"auth": {"client_id": "review-system"}}
    at.run()

    assert LOGIN_LABEL not in labels(at)


def test_each_named_provider_gets_its_own_button(store):
    shared = {key: AUTH_SECRETS["auth"][key] for key in sign_on.SHARED_KEYS}
    provider = {key: AUTH_SECRETS["auth"][key] for key in sign_on.PROVIDER_KEYS}
    at = new_app()
    at.secrets = {"auth": {**shared, "office": provider, "university": provider}}
    at.run()

    assert {f"{LOGIN_LABEL}（office）", f"{LOGIN_LABEL}（university）"} <= set(labels(at))


def test_the_button_starts_streamlits_login_with_the_provider(store, monkeypatch):
    started = []
    monkeypatch.setattr(st, "login", started.append)
    at = new_app()
    at.secrets = AUTH_SECRETS
    at.run()

    next(b for b in at.button if b.label == LOGIN_LABEL).click().run()

    assert started == ["default"]


def test_a_linked_person_back_from_the_provider_is_signed_in_with_the_accounts_roles(store):
    linked_person(store)

    at = back_from_provider(FakeProvider().login("f3a9-zhang"))

    assert not at.exception, at.exception
    session = accounts.current_session(store, at.session_state[common.SESSION_KEY])
    assert session.principal.login == "zhang" and session.principal.grants == (Grant(role=Role.STAFF),)
    assert [t.value for t in at.title] == ["审查概览"]
    assert "张三" in " ".join(m.value for m in at.sidebar.markdown)


def test_an_unlinked_person_back_from_the_provider_is_told_what_to_ask_the_administrator(store):
    create_person(store, "zhang", "张三", Grant(role=Role.STAFF))

    at = back_from_provider(FakeProvider().login("f3a9-stranger"))

    assert [t.value for t in at.title] == ["登录"]
    [error] = [e.value for e in at.error]
    assert "尚未关联" in error and "系统管理员" in error and "f3a9-stranger" in error
    assert common.SESSION_KEY not in at.session_state
    at.run()  # the refusal stays on the page, decided once
    assert [e.value for e in at.error] == [error]


def test_a_deactivated_account_is_refused_on_the_login_page(store):
    linked_person(store)
    accounts.set_active(store, ADMIN, "zhang", False, "调离")

    at = back_from_provider(FakeProvider().login("f3a9-zhang"))

    assert [e.value for e in at.error] == ["账号已停用，请联系系统管理员。"]


def test_logout_ends_the_session_and_streamlits_identity_cookie(store):
    linked_person(store)
    at = back_from_provider(FakeProvider().login("f3a9-zhang"))
    token = at.session_state[common.SESSION_KEY]

    at.button(key="logout").click().run()

    assert accounts.current_session(store, token) is None
    assert at.user["is_logged_in"] is False


def test_an_administrator_links_an_identity_on_the_accounts_page(store):
    create_person(store, "zhang", "张三", Grant(role=Role.STAFF))

    def choose_zhang(at):
        at.session_state["manage_login"] = "zhang"

    at = page_as(store, "users.py", Grant(role=Role.ADMIN), login="chief", prepare=choose_zhang)
    at.text_input(key="link_sso_issuer").input(ISSUER)
    at.text_input(key="link_sso_value").input("f3a9-zhang")
    at.text_input(key="link_sso_reason").input("统一身份认证上线")
    next(b for b in at.button if b.label == "关联").click().run()

    assert not at.exception and not at.error
    linked = single_sign_on.linked_identity(store, ADMIN, "zhang")
    assert (linked.issuer, linked.subject, linked.linked_by) == (ISSUER, "f3a9-zhang", "chief")


def test_an_administrator_unlinks_an_identity_on_the_accounts_page(store):
    linked_person(store)

    def choose_zhang(at):
        at.session_state["manage_login"] = "zhang"

    at = page_as(store, "users.py", Grant(role=Role.ADMIN), login="chief", prepare=choose_zhang)
    assert any("f3a9-zhang" in m.value for m in at.markdown)
    at.text_input(key="unlink_sso_reason").input("人员调离")
    next(b for b in at.button if b.label.startswith("解除关联")).click().run()

    assert not at.error
    assert single_sign_on.linked_identity(store, ADMIN, "zhang") is None
