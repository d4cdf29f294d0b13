"""The first start in a real browser: the server prints a one-time set-up address, opening it creates the first
administrator, and the same address is refused afterwards."""
from __future__ import annotations

import re
import time

import pytest

from tests.browser.conftest import running_app, shot, sign_in

pytestmark = pytest.mark.browser
PASSWORD = "Firststart2026"


def printed_address(log, seconds: float = 30) -> str:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        found = re.search(r"http://\S+/setup\?setup=[\w-]+", log.read_text())
        if found:
            return found.group(0)
        time.sleep(0.2)
    raise AssertionError(f"no set-up address in the server's output:\n{log.read_text()}")


def test_the_printed_set_up_address_creates_the_first_administrator_once(tmp_path, page):
    log = tmp_path / "server.log"
    with running_app(tmp_path / "review.duckdb", log=log, env={"SCORING_APP_URL": ""}) as url:
        page.goto(url)
        page.get_by_text("系统尚未创建管理员账号").wait_for()
        page.get_by_role("link", name="首次设置").first.click()
        page.get_by_role("heading", name="首次设置").wait_for()
        page.get_by_text("服务日志").wait_for()
        assert not page.get_by_label("登录名").count()  # no form without the address
        address = printed_address(log)
        assert "尚无系统管理员账号" in log.read_text()

        page.goto(address.replace("http://localhost", "http://127.0.0.1"))
        page.get_by_text("设置地址有效").wait_for()
        assert "setup=" not in page.url
        page.get_by_label("密码（至少10个字符，须同时包含字母和数字）").fill(PASSWORD)
        page.get_by_label("再次输入密码").fill(PASSWORD)
        shot(page, "60-first-start-set-up")
        page.get_by_role("button", name="创建管理员并登录").click()
        page.get_by_role("link", name="用户与角色").wait_for()
        assert page.get_by_test_id("stSidebar").get_by_text("系统管理员").first.is_visible()

        page.context.clear_cookies()
        page.goto(address.replace("http://localhost", "http://127.0.0.1"))
        page.get_by_role("heading", name="登录").wait_for()  # an administrator exists: the address leads nowhere
        assert not page.get_by_text("设置地址有效").count()
        sign_in(page, url, "admin", PASSWORD)
        page.get_by_role("link", name="用户与角色").wait_for()
