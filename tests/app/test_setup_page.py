"""首次设置 as AppTest: without the printed address no form, with it the first administrator, signed in at once; an
address the server did not issue is refused."""
from __future__ import annotations

from scoring.common import accounts, setup_link
from streamlit.testing.v1 import AppTest

from app_pages.widgets import common
from tests.app.conftest import ROOT

PASSWORD = "Firststart2026"


def setup_page(token: str) -> AppTest:
    """首次设置 opened by the printed address (…/setup?setup=<token>)."""
    at = AppTest.from_file(str(ROOT / common.SETUP_PAGE.path), default_timeout=60)
    at.query_params[setup_link.QUERY_PARAMETER] = token
    return at.run()


def test_the_set_up_address_creates_the_first_administrator_and_signs_them_in(store):
    token = setup_link.issue_if_needed(store)
    at = setup_page(token)

    at.text_input(key="setup_password").input(PASSWORD)
    at.text_input(key="setup_repeat").input(PASSWORD)
    at.button[0].click().run()

    assert not at.exception, at.exception
    assert accounts.admin_exists(store)
    assert accounts.current_session(store, at.session_state["session_token"]).principal.login == "admin"


def test_an_address_the_server_did_not_issue_is_refused(store):
    setup_link.issue_if_needed(store)
    at = setup_page("made-up")

    assert any("设置地址无效" in e.value for e in at.error)
    assert not at.text_input and not accounts.admin_exists(store)
