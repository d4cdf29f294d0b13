"""Staff in a real browser open 试点详情 on the pilots database with two years reported, and the charts draw; the
screenshot goes to /tmp/shots/pilot-detail.png (and test-results/) to look at."""
from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from pathlib import Path

import pytest

from app_pages.widgets import common
from tests.browser.conftest import go_to, running_app, shot, sign_in

pytestmark = pytest.mark.browser

LOGIN, PASSWORD = "chief", "Provincial2023x"
DETAIL = "app_pages/pilots/pilot_page.py"


def _report_two_years(storage) -> None:
    from scoring.pilots import reports
    from tests.builders.pilots import on_day, the_pilots, unit_account
    from tests.builders.rounds import STAFF

    pilot = the_pilots(storage)[0]
    unit = unit_account(pilot)
    for year, converted, contract, received in ((2023, 45, "150", "90"), (2024, 51, "210", "160")):
        with on_day(date(year, 12, 1)):
            reports.open_report_call(storage, STAFF, "2023", year, datetime(year + 1, 1, 31, 17),
                                     datetime(year + 1, 2, 15, 17), "报送年度工作总结")
            report = reports.new_report(storage, unit, "2023", year)
            for line in report.funds:
                line.received = line.spent = line.budget
            report.conversion.transfer_count = converted
            report.conversion.transfer_contract = Decimal(contract)
            report.conversion.transfer_received = Decimal(received)
            report.enterprises_connected = 15
            report.summary = "本年度建成专利运营中心，完成专利导航分析。"
            reports.save_report(storage, unit, "2023", year, report)
            reports.submit_report(storage, unit, "2023", pilot.credit_code, year)


@pytest.fixture(scope="module")
def pilots_url(tmp_path_factory):
    if not any(p.path == DETAIL for p in common.PAGES):
        pytest.skip("试点详情 is not in the navigation yet (app_pages/widgets/common.py PAGES)")
    from scoring.common import accounts
    from scoring.storage import Storage
    from tests.builders.databases import copy_to
    from tests.builders.pilots import pilots_database

    db = copy_to(pilots_database(), tmp_path_factory.mktemp("pilots-browser") / "review.duckdb")
    with Storage(db) as storage:
        accounts.create_first_admin(storage, LOGIN, "处长", PASSWORD)
        _report_two_years(storage)
    with running_app(db) as url:
        yield url


def test_staff_open_the_pilot_detail_page_and_see_the_charts(pilots_url, page):
    sign_in(page, pilots_url, LOGIN, PASSWORD)
    page.get_by_role("link", name="试点名录").wait_for()
    go_to(page, "试点详情")
    page.get_by_text("年度转化专利（绿色带为指南目标每年50—100件，橙线为年度目标）").wait_for()
    page.locator("canvas, svg").first.wait_for()
    page.get_by_role("heading", name="年度工作总结").wait_for()
    page.wait_for_timeout(1500)  # the charts' drawing

    assert page.locator(".vega-embed").count() == 3  # conversions, amounts, enterprises
    assert page.get_by_text("未报送").first.is_visible()  # 2025 has no report: labelled, never drawn as 0

    shot(page, "70-pilot-detail")
    Path("/tmp/shots").mkdir(exist_ok=True)
    page.screenshot(path="/tmp/shots/pilot-detail.png", full_page=True)
