"""Staff in a real browser publish the publicity notice of a frozen shortlist and download the published list; the
file they get is the list, in order, as an Excel workbook.

The app runs on its own database: round 2023-01 closed with a frozen shortlist of six units, the notice's settings
(start 2023-06-05, five working days, a contact) saved, an administrator made before it starts."""
from __future__ import annotations


import pandas as pd
import pytest

from tests.browser.conftest import go_to, running_app, shot, sign_in

pytestmark = pytest.mark.browser

LOGIN, PASSWORD = "chief", "Provincial2023x"
ROUND = "2023-01"


@pytest.fixture(scope="module")
def publicity_db(tmp_path_factory):
    from scoring.common import accounts
    from scoring.publicity.notices import save_notice_settings
    from scoring.results.shortlist import shortlists
    from scoring.storage import Storage
    from tests.builders.publicity import SETTINGS, shortlisted_database
    from tests.builders.databases import copy_to
    from tests.builders.rounds import STAFF

    db = tmp_path_factory.mktemp("publicity-browser") / "review.duckdb"
    copy_to(shortlisted_database(), db)
    with Storage(db) as storage:
        accounts.create_first_admin(storage, LOGIN, "处长", PASSWORD)
        save_notice_settings(storage, STAFF, ROUND, SETTINGS)
        listed = [e.unit_name for e in shortlists(storage, STAFF, ROUND)[-1].entries]
    return db, listed


@pytest.fixture(scope="module")
def publicity_url(publicity_db):
    db, _listed = publicity_db
    with running_app(db, db.parent / "exports") as url:
        yield url


def test_staff_publish_the_notice_and_download_the_list(publicity_url, publicity_db, page):
    _db, listed = publicity_db
    sign_in(page, publicity_url, LOGIN, PASSWORD)
    page.get_by_role("heading", name="审查概览").wait_for()
    go_to(page, "公示")
    page.get_by_text("公示期：2023年6月5日至2023年6月9日（5个工作日）").wait_for()
    page.frame_locator("iframe").first.get_by_text("草稿（预览）").first.wait_for()
    shot(page, "53-publicity-draft")

    page.get_by_label("发布理由（必填，记入审计日志）").fill("局务会研究同意公示")
    page.get_by_text("我已核对公示内容和公示期").click()
    page.get_by_role("button", name="发布公示").click()
    page.get_by_text("第 1 版公示").first.wait_for()
    page.get_by_text("局务会研究同意公示").first.wait_for()  # the reason, as the page shows it under the status

    page.get_by_role("button", name="导出名单（Excel .xlsx）").click()
    with page.expect_download() as downloading:
        page.get_by_role("button", name="下载 公示名单").click()
    download = downloading.value
    shot(page, "54-publicity-published")

    assert download.suggested_filename.startswith(f"公示名单-{ROUND}-") and download.suggested_filename.endswith(".xlsx")
    sheet = pd.read_excel(download.path(), engine="calamine", header=None, dtype=str)
    assert "第 1 版公示" in sheet.iloc[1, 0]
    assert list(sheet.iloc[3:, 1]) == listed
