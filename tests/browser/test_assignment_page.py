"""Staff in a real browser: create a review round, preview its assignment, confirm it with a reason."""
from __future__ import annotations

import pytest

from tests.browser.conftest import click_tab, go_to, shot, sign_in

pytestmark = pytest.mark.browser


def test_staff_create_a_round_preview_and_commit_its_assignment(app_url, people, page):
    sign_in(page, app_url, "tester", people["tester"])
    page.get_by_role("heading", name="审查概览").wait_for()

    go_to(page, "评审轮次")
    click_tab(page, "新建轮次")
    page.get_by_label("轮次名称（可选）").fill("2023年度遴选评审")
    page.get_by_role("button", name="新建评审轮次").click()
    page.get_by_text("已新建评审轮次").wait_for()
    click_tab(page, "轮次列表")
    page.get_by_test_id("stDataFrame").first.wait_for()
    shot(page, "20-round-created")

    go_to(page, "评审分配")
    page.get_by_role("button", name="生成分配预览").click()
    page.get_by_role("heading", name="重新分配预览").wait_for()
    page.get_by_test_id("stVegaLiteChart").nth(1).wait_for()
    page.mouse.move(0, 0)  # no tooltip over the page in the screenshot
    page.wait_for_timeout(800)  # let the charts finish drawing before the screenshot
    assert page.get_by_text("已证明最优").is_visible()
    shot(page, "21-assignment-preview")

    page.get_by_label("确认理由（必填，记入审计日志）").fill("2023年度遴选首次分配")
    page.get_by_role("button", name="确认分配").click()
    page.get_by_role("heading", name="已确认的分配").wait_for()
    page.get_by_text("需回避的分配").wait_for()
    page.get_by_test_id("stDataFrame").first.wait_for()
    page.wait_for_timeout(800)
    assert not page.get_by_role("heading", name="重新分配预览").count()
    shot(page, "22-assignment-committed")
