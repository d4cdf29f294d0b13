"""AppTest fixtures: the real entry script on a fresh database per test, with a person signed in through the
real session machinery (their session token injected into session state)."""
from __future__ import annotations

from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from app_pages.widgets import common
from scoring.common import accounts
from scoring.common.access import Grant, Principal, Role
from scoring.storage import Storage

ROOT = Path(__file__).resolve().parents[2]
ADMIN = Principal.command_line("cli:test")
PASSWORD = "Liaoning2023ip"


@pytest.fixture
def db_path(tmp_path, monkeypatch) -> Path:
    path = tmp_path / "review.duckdb"
    monkeypatch.setenv("SCORING_DB", str(path))
    return path


@pytest.fixture
def store(db_path) -> Storage:
    """The app's own storage of this database (the sample batch loads when it is first opened)."""
    return common.storage()


def new_app() -> AppTest:
    return AppTest.from_file(str(ROOT / "review_app.py"), default_timeout=60)


def create_person(store: Storage, login: str, display_name: str, *grants: Grant, expert_id: str | None = None) -> str:
    """An account with its own password already set; returns that password."""
    accounts.create_user(store, ADMIN, login, display_name, list(grants), expert_id=expert_id)
    [(_, initial)] = accounts.issue_initial_credentials(store, ADMIN, [login])
    token = accounts.login(store, login, initial)
    accounts.change_password(store, token, initial, PASSWORD)
    accounts.logout(store, token)
    return PASSWORD


def signed_in(store: Storage, login: str, display_name: str, *grants: Grant) -> AppTest:
    """The app with this person signed in: a real session, its token in session state."""
    create_person(store, login, display_name, *grants)
    at = new_app()
    at.session_state[common.SESSION_KEY] = accounts.login(store, login, PASSWORD)
    return at


@pytest.fixture
def app(store, monkeypatch) -> AppTest:
    """The app as provincial staff see it, signed in as 测试员 (login tester)."""
    monkeypatch.chdir(ROOT)
    return signed_in(store, "tester", "测试员", Grant(role=Role.STAFF))


def page_file(name: str) -> str:
    """A page's path as the navigation names it (app_pages/intake/overview.py), from its file name."""
    return next(spec.path for spec in [*common.PAGES, common.LOGIN_PAGE] if Path(spec.path).name == name)


def open_page(at: AppTest, page: str) -> AppTest:
    at.switch_page(page_file(page))
    at.run()
    assert not at.exception, at.exception
    return at


def page_as(store: Storage, page: str, *grants: Grant, login: str = "tester", prepare=None,
            expert_id: str | None = None) -> AppTest:
    """A page run on its own (as the navigation runs it) for a person signed in with these grants (staff if none),
    on the newest batch; `prepare(at)` may set session state before the run."""
    create_person(store, login, "测试员", *(grants or (Grant(role=Role.STAFF),)), expert_id=expert_id)
    at = AppTest.from_file(str(ROOT / page_file(page)), default_timeout=60)
    at.session_state[common.SESSION_KEY] = accounts.login(store, login, PASSWORD)
    at.session_state[common.BATCH_KEY] = store.latest_batch().batch_id
    if prepare:
        prepare(at)
    at.run()
    assert not at.exception, at.exception
    return at


def button(at: AppTest, key: str):
    return next(b for b in at.button if b.key == key)


def keys(at: AppTest) -> set[str]:
    return {b.key for b in at.button}


def table(at: AppTest, column: str):
    """The first table showing this column (AppTest does not see the keys of st.dataframe)."""
    return next(d.value for d in at.dataframe if column in d.value.columns)
