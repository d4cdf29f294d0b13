"""An expert in a real browser: 我的评审, open an application, score and comment, reload mid-way and find the draft
with every keystroke kept, complete and submit.

The app runs on its own database here (a round with a committed assignment and an expert account made before it
starts), so the other browser tests keep the sample batch without rounds."""
from __future__ import annotations

from pathlib import Path

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import click_tab, running_app, shot, sign_in

pytestmark = pytest.mark.browser

EXPERT_LOGIN = "zhuanjia"
EXPERT_PASSWORD = "Expert2023pass"
ROUND = "2023-01"


@pytest.fixture(scope="module")
def scoring_db(tmp_path_factory):
    """The sample batch with round 2023-01 assigned, an administrator, and an account for one assigned expert."""
    from scoring.common import accounts
    from scoring.common.access import Grant, Role
    from scoring.storage import Storage, round_store
    from tests.builders.rounds import ADMIN
    from tests.builders.sheets import assigned_database
    from tests.builders.databases import copy_to

    db = tmp_path_factory.mktemp("scoring-browser") / "review.duckdb"
    copy_to(assigned_database(), db)
    with Storage(db) as storage:
        accounts.create_first_admin(storage, "chief", "处长", "Provincial2023x")
        counts: dict[str, int] = {}
        for pair in round_store.current_pairs(storage, ROUND):
            counts[pair.expert_id] = counts.get(pair.expert_id, 0) + 1
        expert_id = next(e for e, n in sorted(counts.items()) if n >= 2)
        accounts.create_user(storage, ADMIN, EXPERT_LOGIN, "王评审", [Grant(role=Role.EXPERT)], expert_id=expert_id)
        [(_, initial)] = accounts.issue_initial_credentials(storage, ADMIN, [EXPERT_LOGIN])
        token = accounts.login(storage, EXPERT_LOGIN, initial)
        accounts.change_password(storage, token, initial, EXPERT_PASSWORD)
        accounts.logout(storage, token)
    return db


@pytest.fixture(scope="module")
def scoring_url(scoring_db):
    """`streamlit run review_app.py` on that database (its own port: the database file is the app's once it runs)."""
    with running_app(scoring_db, scoring_db.parent / "exports") as url:
        yield url


def field(page, name: str):
    """The element of a score form field by the end of its widget key (keys carry sheet and generation)."""
    return page.locator(f'[class*="st-key-score_"][class*="_{name}"]').first


def score(page, criterion: str, points: str) -> None:
    box = field(page, f"points_{criterion}").locator("input")
    box.fill(points)
    box.press("Enter")


def comment_box(page, name: str):
    return field(page, name).locator("textarea")


def open_first_application(page) -> None:
    """Press the 评分 button of the first row of the 我的评审 table (a canvas grid: click where the cell is)."""
    page.get_by_role("heading", name="我的评审").wait_for()
    grid = page.get_by_test_id("stDataFrame").first
    grid.wait_for()
    page.wait_for_timeout(500)
    box = grid.bounding_box()
    page.mouse.click(box["x"] + 40, box["y"] + 35 + 17)
    page.get_by_role("heading", name="评分", exact=True).wait_for()
    field(page, "points_management").wait_for()


def saved_revision(page) -> None:
    page.get_by_text("已自动保存").first.wait_for()


def test_an_expert_scores_reloads_finds_the_draft_and_submits(scoring_url, page):
    sign_in(page, scoring_url, EXPERT_LOGIN, EXPERT_PASSWORD)
    page.get_by_role("heading", name="我的评审").wait_for()
    page.get_by_test_id("stDataFrame").first.wait_for()
    page.wait_for_timeout(800)
    shot(page, "30-my-reviews")

    open_first_application(page)
    score(page, "management", "17.5")
    page.get_by_text("当前合计：17.5 / 100 分").wait_for()
    score(page, "creation", "13")
    page.get_by_text("当前合计：30.5 / 100 分").wait_for()
    comment_box(page, "comment_budget").press_sequentially("预算测算依据充分，单位配套到位", delay=40)
    page.wait_for_timeout(1200)  # past the half-second pause after the last keystroke: the text is sent and saved
    saved_revision(page)
    click_tab(page, "三年建设方案")
    page.get_by_role("tabpanel", name="三年建设方案").get_by_text("一、基本情况").wait_for()
    shot(page, "31-score-mid-way")

    page.evaluate("sessionStorage.clear()")  # nothing kept in the browser: what comes back is what the server saved
    page.reload()  # still signed in (the session cookie): the app opens again on 我的评审
    page.goto(scoring_url)
    open_first_application(page)
    expect(field(page, "points_management").locator("input")).to_have_value("17.5")
    expect(field(page, "points_creation").locator("input")).to_have_value("13.0")
    expect(comment_box(page, "comment_budget")).to_have_value("预算测算依据充分，单位配套到位")
    page.wait_for_timeout(500)
    shot(page, "32-after-reload")

    # A reload within the half second after the last keystroke: the text comes back all the same (sent when the
    # page is left, or kept in the tab and sent again when the sheet reopens).
    comment_box(page, "opinion_text").press_sequentially("基础扎实", delay=20)
    page.reload()  # still signed in (the session cookie): the app opens again on 我的评审
    page.goto(scoring_url)
    open_first_application(page)
    expect(comment_box(page, "opinion_text")).to_have_value("基础扎实")

    for criterion, points in (("conversion", "18"), ("mechanism", "13"), ("goals", "9"), ("measures", "9"),
                              ("safeguards", "4.5"), ("budget", "4.5")):
        score(page, criterion, points)
    page.get_by_text("当前合计：88.5 / 100 分").wait_for()
    page.get_by_test_id("stRadio").get_by_text("推荐", exact=True).click()
    comment_box(page, "opinion_text").press_sequentially("，建设方案可行，同意推荐", delay=40)
    page.wait_for_timeout(1200)
    page.get_by_role("button", name="提交评分表").click()
    page.get_by_text("评分表已锁定").wait_for()
    page.wait_for_timeout(500)
    assert page.get_by_text("88.5 / 100 分").count()
    assert page.get_by_text("基础扎实，建设方案可行，同意推荐").count()  # the text typed just before the reload too
    assert not field(page, "points_management").count()
    shot(page, "33-submitted")

    page.get_by_role("link", name="我的评审").click()
    page.get_by_role("heading", name="我的评审").wait_for()
    page.get_by_test_id("stDataFrame").first.wait_for()
    page.wait_for_timeout(800)
    assert page.get_by_test_id("stMetric").filter(has_text="已提交").get_by_text("1", exact=True).count()
    page.get_by_text("打印本人评分表（签字用）").click()
    page.get_by_role("button", name="生成评分表（PDF）").click()
    with page.expect_download() as download:
        page.get_by_role("button", name="下载 评分表-").click()
    assert download.value.suggested_filename.endswith(".pdf")
    assert Path(download.value.path()).read_bytes().startswith(b"%PDF")
    page.wait_for_timeout(300)
    shot(page, "34-my-reviews-after-submit")


def test_staff_follow_the_progress_and_check_a_rubric(scoring_url, page):
    sign_in(page, scoring_url, "chief", "Provincial2023x")
    page.get_by_role("heading", name="审查概览").wait_for()

    page.get_by_role("link", name="评审进度").click()
    page.get_by_role("heading", name="评审进度").wait_for()
    page.get_by_test_id("stDataFrame").first.wait_for()
    page.wait_for_timeout(800)
    shot(page, "35-review-progress")
    click_tab(page, "查看评分表")
    page.get_by_text("打印该专家的评分表").wait_for()
    page.wait_for_timeout(300)
    shot(page, "36-review-progress-sheet")

    page.get_by_role("link", name="评分标准").click()
    page.get_by_role("heading", name="评分标准").wait_for()
    click_tab(page, "编辑与校验")
    page.get_by_label("评分标准（YAML）").fill("id: broken\nversion: 1\ntitle: 试用\nkind: 遴选\ntotal: 10\n"
                                          "criteria:\n  - id: a\n    name: 甲\n    max_points: 15\n")
    page.get_by_role("button", name="校验").click()
    page.get_by_text("无效：共").wait_for()
    page.get_by_role("tabpanel", name="编辑与校验").get_by_test_id("stTable").scroll_into_view_if_needed()
    page.wait_for_timeout(300)
    shot(page, "37-rubric-check")
