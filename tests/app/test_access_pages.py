"""Login and roles in the app: who sees which pages and controls, and that a page checks the role itself."""
from __future__ import annotations

import pandas as pd
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from app_pages.widgets import common
from scoring.common import accounts
from scoring.common.access import Grant, Role
from scoring.common.accounts import CredentialKind
from scoring.common.models import City
from tests.app.conftest import page_file, ADMIN, PASSWORD, ROOT, create_person, new_app, open_page, signed_in

PAGE_FILES = [Path(spec.path).name for spec in common.PAGES]
EXPERT_POOL_PAGES = {"experts.py", "conflicts.py", "rounds.py", "assignment.py", "review_progress.py",
                     "rubrics_page.py", "ranking.py", "ranking_flags.py", "explain.py", "meeting.py",
                     "shortlist_page.py", "objections_page.py", "confirmation_page.py"}
EXPERT_PAGES = {"my_reviews.py", "score.py", "account.py", "messages.py"}
READ_PAGES = {"overview.py", "applications.py", "application_detail.py", "publicity_page.py", "account.py",
              "messages.py"}
PILOT_READ_PAGES = {"registry_page.py", "pilot_page.py", "report_review.py", "outcomes_page.py", "awards_page.py"}
CITY_PAGES = READ_PAGES | PILOT_READ_PAGES | {"city_review.py"}
OBSERVER_PAGES = READ_PAGES | EXPERT_POOL_PAGES | PILOT_READ_PAGES
STAFF_PAGES = OBSERVER_PAGES | {"import_page.py", "progress_page.py", "call.py"}


@pytest.fixture(autouse=True)
def in_project_root(monkeypatch):
    monkeypatch.chdir(ROOT)


def openable(at: AppTest) -> set[str]:
    """The pages the navigation of the last run registered (switch_page refuses any other)."""
    pages = set()
    for name in PAGE_FILES:
        try:
            at.switch_page(page_file(name))
        except ValueError:
            continue
        pages.add(name)
    return pages


def log_in(at: AppTest, login: str, password: str) -> AppTest:
    at.text_input(key="login_name").input(login)
    at.text_input(key="login_password").input(password)
    next(b for b in at.button if b.label == "登录").click().run()
    assert not at.exception, at.exception
    return at


def new_app_with(token: str) -> AppTest:
    at = new_app()
    at.session_state[common.SESSION_KEY] = token
    return at.run()


def test_every_page_of_the_navigation_exists_and_guards_itself():
    for spec in [*common.PAGES, common.LOGIN_PAGE, common.SETUP_PAGE]:
        source = (ROOT / spec.path).read_text(encoding="utf-8")
        guarded = spec.path in (common.LOGIN_PAGE.path, common.SETUP_PAGE.path) or "common.require_page(" in source \
            or "common.require_session()" in source
        assert guarded, f"{spec.path} does not check the signed-in person"
        if isinstance(spec.permission, tuple):
            named = ", ".join(f"Permission.{p.name}" for p in spec.permission)
            assert f"common.require_page(({named}))" in source, spec.path
        elif spec.permission is not None:
            assert f"common.require_page(Permission.{spec.permission.name})" in source, spec.path


def titles(at: AppTest) -> list[str]:
    return [t.value for t in at.title]


# --- not signed in -------------------------------------------------------------------------------------


def test_without_a_session_only_the_login_page_exists(store):
    at = new_app().run()

    assert titles(at) == ["登录"]
    assert openable(at) == set()
    assert not at.dataframe and not at.metric


def test_first_start_without_an_administrator_points_to_the_printed_set_up_address(store):
    at = new_app().run()

    assert any("一次性设置地址" in w.value for w in at.warning)


def test_the_hint_disappears_once_an_administrator_exists(store):
    accounts.create_first_admin(store, "admin", "管理员", "ChiefSecret2023x")

    at = new_app().run()

    assert not at.warning


def test_a_wrong_password_keeps_the_login_page_and_says_so(store):
    create_person(store, "zhang", "张三", Grant(role=Role.STAFF))

    at = log_in(new_app().run(), "zhang", "WrongGuess2023")

    assert titles(at) == ["登录"]
    assert [e.value for e in at.error] == ["登录名或密码不正确。"]
    assert common.SESSION_KEY not in at.session_state


def test_logging_in_as_staff_opens_the_staff_pages(store):
    create_person(store, "zhang", "张三", Grant(role=Role.STAFF))

    at = log_in(new_app().run(), "zhang", PASSWORD)

    assert titles(at) == ["审查概览"]
    assert openable(at) == STAFF_PAGES
    assert "张三" in " ".join(m.value for m in at.sidebar.markdown)


def test_an_administrator_also_gets_users_and_roles_and_backups(store):
    at = signed_in(store, "chief", "处长", Grant(role=Role.ADMIN)).run()

    assert openable(at) == STAFF_PAGES | {"users.py", "backups.py", "mail_settings.py"}


def test_logout_revokes_the_session_and_returns_to_the_login_page(app, store):
    app.run()
    token = app.session_state[common.SESSION_KEY]

    app.button(key="logout").click().run()

    assert titles(app) == ["登录"]
    assert accounts.principal_for_session(store, token) is None
    assert common.SESSION_KEY not in app.session_state


def test_a_second_tab_or_a_reload_starts_without_the_first_persons_session(app, store):
    app.run()

    other_tab = new_app().run()

    assert titles(other_tab) == ["登录"] and not other_tab.dataframe


def test_an_expired_session_returns_to_the_login_page(app, store):
    app.run()
    accounts.logout(store, app.session_state[common.SESSION_KEY])

    app.run()

    assert titles(app) == ["登录"]


# --- initial passwords and links -----------------------------------------------------------------------


def test_an_initial_password_opens_only_the_password_change_until_it_is_changed(store):
    accounts.create_user(store, ADMIN, "zhang", "张三", [Grant(role=Role.STAFF)])
    [(_, initial)] = accounts.issue_initial_credentials(store, ADMIN, ["zhang"])

    at = log_in(new_app().run(), "zhang", initial)
    assert titles(at) == ["账号"] and openable(at) == {"account.py"}
    at = new_app_with(at.session_state[common.SESSION_KEY])
    at.text_input(key="current_password").input(initial)
    at.text_input(key="new_password").input("MyOwnPass2023w")
    at.text_input(key="repeat_password").input("MyOwnPass2023w")
    next(b for b in at.button if b.label == "保存新密码").click().run()

    assert not at.exception, at.exception
    assert not at.warning and not at.error
    assert openable(at) == STAFF_PAGES


def test_a_one_time_link_in_the_address_signs_in_once_and_asks_for_a_password(store):
    accounts.create_user(store, ADMIN, "li", "李四", [Grant(role=Role.EXPERT)])
    [(_, link)] = accounts.issue_initial_credentials(store, ADMIN, ["li"], CredentialKind.LINK)

    at = new_app()
    at.query_params["token"] = link
    at.run()

    assert not at.exception, at.exception
    assert titles(at) == ["账号"]
    assert "current_password" not in [w.key for w in at.text_input]
    again = new_app()
    again.query_params["token"] = link
    again.run()
    assert titles(again) == ["登录"] and "已使用或已过期" in again.error[0].value


# --- roles ---------------------------------------------------------------------------------------------


def test_an_observer_reads_but_finds_no_import_settings_or_override_controls(store):
    at = signed_in(store, "jiandu", "监督员", Grant(role=Role.OBSERVER)).run()

    assert openable(at) == OBSERVER_PAGES
    assert not at.expander
    open_page(at, "application_detail.py")
    assert "历史与日志" in [t.label for t in at.tabs]
    assert not [b for b in at.button if b.label == "保存判定"]
    assert not [s for s in at.selectbox if s.key == "override_check"]


def test_an_expert_gets_no_application_page_even_by_switch_page(store):
    staff = signed_in(store, "zhang", "张三", Grant(role=Role.STAFF)).run()
    create_person(store, "li", "李四", Grant(role=Role.EXPERT), expert_id="ZJ2023-001")

    expert = new_app()
    expert.session_state[common.SESSION_KEY] = accounts.login(store, "li", PASSWORD)
    expert.run()
    assert titles(expert) == ["我的评审"] and openable(expert) == EXPERT_PAGES
    with pytest.raises(ValueError):
        expert.switch_page("app_pages/intake/overview.py")

    # The same browser session, its pages registered while staff were signed in, then the expert's token:
    staff.session_state[common.SESSION_KEY] = accounts.login(store, "li", PASSWORD)
    staff.switch_page("app_pages/intake/application_detail.py").run()
    assert titles(staff) == ["我的评审"]
    assert not staff.dataframe and not staff.tabs


@pytest.mark.parametrize("page", sorted(set(PAGE_FILES) - EXPERT_PAGES))
def test_a_page_opened_directly_without_the_role_shows_an_error_and_stops(store, page):
    create_person(store, "li", "李四", Grant(role=Role.EXPERT))
    at = AppTest.from_file(str(ROOT / page_file(page)), default_timeout=60)
    at.session_state[common.SESSION_KEY] = accounts.login(store, "li", PASSWORD)
    at.session_state[common.BATCH_KEY] = store.latest_batch().batch_id

    at.run()

    assert not at.exception, at.exception
    assert len(at.error) == 1 and "权限" in at.error[0].value
    assert not at.dataframe and not at.title


def test_a_page_opened_directly_without_a_session_asks_for_login(store):
    at = AppTest.from_file(str(ROOT / page_file("overview.py")), default_timeout=60).run()

    assert [e.value for e in at.error] == ["请先登录。"] and not at.metric


def test_a_city_bureau_sees_only_its_citys_rows_and_no_history(store):
    at = signed_in(store, "dl", "大连市局", Grant(role=Role.CITY, city=City.DALIAN)).run()

    assert openable(at) == CITY_PAGES
    open_page(at, "applications.py")
    shown: pd.DataFrame = at.dataframe[0].value
    assert len(shown) > 0 and set(shown["推荐市局"]) == {"大连市"}
    assert at.multiselect(key="filter_city").options == ["大连市"]
    open_page(at, "application_detail.py")
    assert "历史与日志" not in [t.label for t in at.tabs]
    assert not [b for b in at.button if b.label == "保存判定"]


def test_a_role_for_one_batch_shows_only_that_batch(store):
    from scoring.common.models import Batch

    store.create_batch(Batch.for_year(2024), "setup")
    at = signed_in(store, "s23", "二〇二三年经办人", Grant(role=Role.STAFF, batch_id="2023")).run()

    batch_choice = at.sidebar.selectbox(key=common.BATCH_KEY)
    assert batch_choice.value == "2023" and len(batch_choice.options) == 1


# --- users and roles page ------------------------------------------------------------------------------


def test_an_administrator_creates_an_account_and_sees_its_initial_password_once(store):
    at = signed_in(store, "chief", "处长", Grant(role=Role.ADMIN)).run()
    open_page(at, "users.py")

    at.text_input(key="new_login").input("wang")
    at.text_input(key="new_display_name").input("王五")
    at.selectbox(key="new_role").set_value(Role.OBSERVER)
    next(b for b in at.button if b.label == "新建账号").click().run()

    assert not at.exception, at.exception
    secret = at.code[0].value
    assert accounts.login(store, "wang", secret)
    assert "王五" in list(at.dataframe[0].value["姓名"])
    at.run()
    assert not at.code


def test_a_users_page_refusal_is_shown_not_raised(store):
    at = signed_in(store, "chief", "处长", Grant(role=Role.ADMIN)).run()
    open_page(at, "users.py")

    at.selectbox(key="grant_role").set_value(Role.CITY)
    next(b for b in at.button if b.label == "授予").click().run()

    assert not at.exception, at.exception
    assert any("城市" in e.value for e in at.error)
