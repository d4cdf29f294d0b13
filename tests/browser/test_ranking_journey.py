"""Staff in a real browser through the ranking stage: the ranked list with its charts, closing the round, the quality
flags and one application explained, a bulk top-N decision recorded after its confirmation, and the shortlist
frozen as version 1.

The app runs on its own database: round 2023-01 assigned and mostly scored, an administrator made before it starts."""
from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import click_tab, go_to, running_app, shot, sign_in

pytestmark = pytest.mark.browser

LOGIN, PASSWORD = "chief", "Provincial2023x"


@pytest.fixture(scope="module")
def ranking_db(tmp_path_factory):
    from scoring.common import accounts
    from scoring.storage import Storage
    from tests.builders.sheets import scored_database
    from tests.builders.databases import copy_to

    db = tmp_path_factory.mktemp("ranking-browser") / "review.duckdb"
    copy_to(scored_database(), db)
    with Storage(db) as storage:
        accounts.create_first_admin(storage, LOGIN, "处长", PASSWORD)
    return db


@pytest.fixture(scope="module")
def ranking_url(ranking_db):
    with running_app(ranking_db, ranking_db.parent / "exports") as url:
        yield url


def settle(page, ms: int = 1200) -> None:
    """Charts and canvas grids draw after the script finishes."""
    page.locator('[data-testid="stDataFrame"]:visible').first.wait_for()
    page.wait_for_timeout(ms)


def test_staff_close_decide_in_bulk_and_freeze_the_shortlist(ranking_url, page):
    sign_in(page, ranking_url, LOGIN, PASSWORD)
    page.get_by_role("heading", name="审查概览").wait_for()

    go_to(page, "评审排名")
    page.get_by_test_id("stVegaLiteChart").first.wait_for()
    settle(page, 2000)
    shot(page, "40-ranking")
    page.get_by_test_id("stVegaLiteChart").nth(2).scroll_into_view_if_needed()
    page.wait_for_timeout(800)
    shot(page, "40b-ranking-charts")

    page.get_by_test_id("stExpander").get_by_text("结束评审").first.click()
    page.get_by_label("结束理由（必填，记入审计日志）").fill("评审时间已到")
    page.get_by_role("button", name="结束评审").click()
    page.get_by_text("评审已结束").wait_for()
    settle(page)
    shot(page, "41-ranking-closed")

    go_to(page, "评审质量提示")
    settle(page)
    shot(page, "42-quality-flags")

    go_to(page, "排名说明")
    page.get_by_text("计算过程").wait_for()
    settle(page)
    shot(page, "43-explain")

    go_to(page, "会议决定")
    click_tab(page, "批量决定")
    top_n = page.get_by_label("入选名额（前 N 名入选，其余已排名的不入选）")
    top_n.fill("5")
    top_n.press("Enter")
    page.get_by_label("统一理由（必填，记入审计日志）").fill("会议研究按排名确定")
    page.get_by_label("统一理由（必填，记入审计日志）").press("Enter")
    page.wait_for_timeout(500)
    page.get_by_role("tabpanel", name="批量决定").get_by_role("button", name="预览").click()
    page.get_by_text("请确认：将记录以下").wait_for()
    settle(page)
    shot(page, "44-meeting-confirmation")
    page.get_by_role("button", name="确认记录").click()
    page.get_by_text("已记录").first.wait_for()
    click_tab(page, re.compile(r"当前决定（[1-9]"))  # its label counts the recorded ones
    page.get_by_test_id("stMetric").filter(has_text="入选").first.wait_for()
    settle(page)
    shot(page, "45-meeting-decisions")

    go_to(page, "拟入选名单")
    page.get_by_test_id("stRadio").get_by_text("按会议决定", exact=True).click()
    page.get_by_text("按会议决定；会议决定优先").wait_for()
    page.get_by_label("确定理由（必填，记入审计日志）").fill("会议研究确定")
    page.get_by_label("确定理由（必填，记入审计日志）").press("Enter")
    freeze = page.get_by_role("button", name="确定拟入选名单")
    expect(freeze).to_have_count(1)  # while the rerun draws, the page briefly holds the old button beside the new
    freeze.click()
    page.get_by_text("第 1 版").first.wait_for()
    settle(page)
    shot(page, "46-shortlist-frozen")
    page.get_by_role("heading", name="已确定的版本（1）").scroll_into_view_if_needed()
    page.wait_for_timeout(800)
    assert page.get_by_text("第 1 版完整 SHA-256").count()
    shot(page, "47-shortlist-versions")
