"""Logging in and out in a real browser: a wrong password, the overview after login, logout, a first login that
must change its password, and a one-time link."""
from __future__ import annotations

import pytest

from tests.browser.conftest import shot, sign_in

pytestmark = pytest.mark.browser


def test_staff_log_in_see_the_overview_and_log_out(app_url, people, page):
    sign_in(page, app_url, "tester", "WrongGuess2023")
    page.get_by_text("登录名或密码不正确").wait_for()
    assert not page.get_by_text("系统尚未创建管理员账号").count()
    shot(page, "10-login-refused")

    page.get_by_label("密码").fill(people["tester"])
    page.get_by_role("button", name="登录").click()
    page.get_by_role("heading", name="审查概览").wait_for()
    page.get_by_test_id("stVegaLiteChart").first.wait_for()
    page.wait_for_timeout(500)  # let the chart finish drawing before the screenshot
    sidebar = page.get_by_test_id("stSidebar")
    assert sidebar.get_by_text("浏览器测试员").is_visible()
    assert not page.get_by_role("link", name="用户与角色").count()  # staff, not an administrator
    shot(page, "11-logged-in")

    sidebar.get_by_role("button", name="退出登录").click()
    page.get_by_role("heading", name="登录").wait_for()
    shot(page, "12-logged-out")
    page.reload()
    page.get_by_role("heading", name="登录").wait_for()
    assert not page.get_by_role("heading", name="审查概览").count()


def test_a_newcomer_must_change_the_initial_password_first(app_url, people, page):
    sign_in(page, app_url, "newcomer", people["newcomer"])
    page.get_by_role("heading", name="账号").wait_for()
    page.get_by_text("请先设置您自己的密码").wait_for()
    assert not page.get_by_role("link", name="审查概览").count()
    shot(page, "13-must-change-password")

    page.get_by_label("当前密码").fill(people["newcomer"])
    page.get_by_label("新密码（至少10个字符，须同时包含字母和数字）").fill("Spring2024pass")
    page.get_by_label("再次输入新密码").fill("Spring2024pass")
    page.get_by_role("button", name="保存新密码").click()

    page.get_by_role("link", name="审查概览").wait_for()
    page.get_by_role("link", name="审查概览").click()
    page.get_by_role("heading", name="审查概览").wait_for()
    page.get_by_test_id("stVegaLiteChart").first.wait_for()
    page.wait_for_timeout(500)
    shot(page, "14-password-changed")


def test_a_one_time_link_signs_in_and_leaves_no_token_in_the_address(app_url, people, page):
    page.goto(f"{app_url}/?token={people['linked']}")

    page.get_by_role("heading", name="账号").wait_for()
    page.wait_for_timeout(300)

    assert "token" not in page.url
    assert not page.get_by_label("当前密码").count()
    shot(page, "15-link-login")


def test_the_administrator_finds_every_account_on_users_and_roles(app_url, people, page):
    sign_in(page, app_url, "chief", people["chief"])
    page.get_by_role("link", name="用户与角色").click()
    page.get_by_role("heading", name="用户与角色").wait_for()
    page.get_by_test_id("stDataFrame").first.wait_for()
    page.wait_for_timeout(500)

    shot(page, "16-users-and-roles")
    assert page.get_by_role("tab", name="新建账号").is_visible()
