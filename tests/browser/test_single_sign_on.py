"""Single sign-on in a real browser, against a fake OpenID Connect provider on a local port (real signed ID tokens,
Streamlit's own st.login routes): a linked person is signed in as their account and stays so over a reload, logout
ends it and the identity cookie; an unlinked person is told what to ask the administrator."""
from __future__ import annotations

import pytest

from tests.browser.conftest import cli, running_app, shot
from tests.builders.identity_provider import CLIENT_ID, CLIENT_SECRET, METADATA_PATH, provider_server

pytestmark = pytest.mark.browser
LOGIN_LABEL = "使用单位统一身份认证登录"


@pytest.fixture(scope="module")
def provider():
    with provider_server() as server:
        yield server


@pytest.fixture(scope="module")
def sso_app_url(provider, tmp_path_factory):
    folder = tmp_path_factory.mktemp("sso")
    db = folder / "review.duckdb"
    cli(db, "user", "create-admin", "chief", "--display-name", "处长", "--password-stdin", stdin="Provincial2023x\n")
    cli(db, "user", "add", "wangli", "--display-name", "王丽", "--role", "staff")
    cli(db, "user", "link-sso", "wangli", "--issuer", provider.issuer, "--subject", "f3a9-wangli",
        "--reason", "统一身份认证上线")
    secrets = folder / "secrets.toml"
    secrets.write_text(f'''[auth]
redirect_uri = "http://127.0.0.1:{{port}}/oauth2callback"
cookie_secret = "a-long-random-cookie-secret-only-for-this-test"
client_id = "{CLIENT_ID}"
client_secret = "{CLIENT_SECRET}"
server_metadata_url = "{provider.issuer}{METADATA_PATH}"
''', encoding="utf-8")
    with running_app(db, env={"STREAMLIT_SECRETS_FILES": str(secrets), "SCORING_NO_SAMPLE": "1"}) as url:
        yield url


def test_a_linked_person_signs_in_through_the_provider_and_logout_ends_it(sso_app_url, provider, page):
    provider.next_subject = "f3a9-wangli"
    page.goto(sso_app_url)
    page.get_by_role("button", name=LOGIN_LABEL).click()

    page.get_by_role("heading", name="审查概览").wait_for()
    assert page.get_by_test_id("stSidebar").get_by_text("王丽").is_visible()
    shot(page, "70-signed-in-through-single-sign-on")
    page.reload()
    page.get_by_role("heading", name="审查概览").wait_for()

    page.get_by_test_id("stSidebar").get_by_role("button", name="退出登录").click()
    page.get_by_role("button", name=LOGIN_LABEL).wait_for()
    page.goto(sso_app_url)
    page.get_by_role("heading", name="登录").wait_for()
    assert not page.get_by_role("heading", name="审查概览").count()
    assert "_streamlit_user" not in {c["name"] for c in page.context.cookies()}


def test_an_unlinked_person_is_told_what_to_ask_the_administrator(sso_app_url, provider, page):
    provider.next_subject = "f3a9-stranger"
    page.goto(sso_app_url)
    page.get_by_role("button", name=LOGIN_LABEL).click()

    page.get_by_text("尚未关联本系统的账号").wait_for()
    assert page.get_by_text("f3a9-stranger").count()
    shot(page, "71-single-sign-on-refused")
