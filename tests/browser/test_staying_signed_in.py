"""Staying signed in in a real browser: after a login a reload and a second tab keep the session, carried by an
HttpOnly cookie that page script cannot read and the address never shows; logout ends it in every tab."""
from __future__ import annotations

import pytest

from tests.browser.conftest import shot, sign_in

pytestmark = pytest.mark.browser


def session_cookie(context) -> dict | None:
    return next((c for c in context.cookies() if c["name"] == "review_session"), None)


def test_a_reload_and_a_second_tab_keep_the_session_until_logout(app_url, people, page):
    sign_in(page, app_url, "tester", people["tester"])
    page.get_by_role("heading", name="审查概览").wait_for()
    for _ in range(50):
        if session_cookie(page.context):
            break
        page.wait_for_timeout(100)
    cookie = session_cookie(page.context)
    assert cookie and cookie["httpOnly"] and cookie["sameSite"] == "Strict"
    assert cookie["value"] not in page.evaluate("document.cookie") and cookie["value"] not in page.url

    page.reload()
    page.get_by_role("heading", name="审查概览").wait_for()
    assert not page.get_by_role("heading", name="登录").count()
    second = page.context.new_page()
    second.goto(app_url)
    second.get_by_role("heading", name="审查概览").wait_for()
    assert second.get_by_test_id("stSidebar").get_by_text("浏览器测试员").is_visible()
    shot(second, "62-second-tab-signed-in")

    second.get_by_test_id("stSidebar").get_by_role("button", name="退出登录").click()
    second.get_by_role("heading", name="登录").wait_for()
    page.reload()
    page.get_by_role("heading", name="登录").wait_for()
    assert not page.get_by_role("heading", name="审查概览").count()
    second.reload()
    second.get_by_role("heading", name="登录").wait_for()
