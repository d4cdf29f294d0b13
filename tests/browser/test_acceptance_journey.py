"""One year's acceptance in a real browser: a pilot unit fills and submits its 2023 report, its city bureau agrees;
(between two runs of the app the other pilots report and the experts score the acceptance round, as the scoring
journey does in its own test); staff decide the outcomes as proposed, publish them and download the letters; the unit
then reads its result on its pilot page. Screenshots go to test-results/."""
from __future__ import annotations

import io
import zipfile
from datetime import timedelta

import pytest

from tests.browser.conftest import go_to, running_app, shot, sign_in

pytestmark = pytest.mark.browser

PASSWORD = "Acceptance2023x"
SUMMARY = "本年度建成知识产权运营中心，完成专利导航分析三项，对接企业十二家。"


def _account(storage, login: str, name: str, *grants) -> None:
    from scoring.common import accounts
    from tests.builders.rounds import ADMIN

    accounts.create_user(storage, ADMIN, login, name, list(grants))
    [(_, initial)] = accounts.issue_initial_credentials(storage, ADMIN, [login])
    token = accounts.login(storage, login, initial)
    accounts.change_password(storage, token, initial, PASSWORD)
    accounts.logout(storage, token)


@pytest.fixture(scope="module")
def journey_db(tmp_path_factory):
    """The pilots database with staff, the first pilot's unit account and the 沈阳市 bureau, and the 2023 call open
    for a month from today."""
    from scoring.common import accounts, clock
    from scoring.common.access import Grant, Role
    from scoring.common.models import City
    from scoring.pilots.reports import open_report_call
    from scoring.storage import Storage
    from tests.builders.databases import copy_to
    from tests.builders.pilots import bind_to_pilot, pilots_database, the_pilots
    from tests.builders.rounds import STAFF

    db = copy_to(pilots_database(), tmp_path_factory.mktemp("acceptance-browser") / "review.duckdb")
    with Storage(db) as storage:
        accounts.create_first_admin(storage, "chief", "处长", PASSWORD)
        pilot = the_pilots(storage)[0]
        _account(storage, "unit", pilot.unit_name, Grant(role=Role.APPLICANT, batch_id="2023"))
        bind_to_pilot(storage, "unit", pilot)
        _account(storage, "shenyang", "沈阳市知识产权局", Grant(role=Role.CITY, city=City.SHENYANG))
        now = clock.now()
        open_report_call(storage, STAFF, "2023", 2023, now + timedelta(days=30), now + timedelta(days=40),
                         "2023年度验收")
    return db, pilot


def _score_the_round(db) -> None:
    """What happens while the app is stopped: the other pilots but one report; the round is assigned, scored by
    three experts a pilot at the builder's totals, and closed."""
    from scoring.storage import Storage
    from tests.builders.pilot_rounds import SILENT, sample_report, score_acceptance_round, send_report
    from tests.builders.pilots import the_pilots

    with Storage(db) as storage:
        for index, pilot in enumerate(the_pilots(storage)):
            if index not in (0, SILENT):
                send_report(storage, pilot, sample_report(pilot))
        score_acceptance_round(storage)


def _new_page(browser):
    context = browser.new_context(viewport={"width": 1400, "height": 1000}, locale="zh-CN", accept_downloads=True)
    page = context.new_page()
    page.set_default_timeout(30_000)
    return page


def test_a_pilot_reports_its_bureau_agrees_staff_decide_publish_and_the_unit_reads_its_result(journey_db, browser):
    db, _ = journey_db
    with running_app(db) as url:
        unit = _new_page(browser)
        sign_in(unit, url, "unit", PASSWORD)
        go_to(unit, "年度工作总结")
        unit.get_by_role("textbox", name="年度工作总结").fill(SUMMARY)
        unit.get_by_role("button", name="保存草稿").click()
        unit.get_by_text("草稿已保存").first.wait_for()
        unit.get_by_role("button", name="提交市局").click()
        unit.get_by_text("提交后不能修改").wait_for()
        unit.get_by_role("button", name="提交市局").wait_for(state="detached")
        shot(unit, "90-annual-report-submitted")

        city = _new_page(browser)
        sign_in(city, url, "shenyang", PASSWORD)
        go_to(city, "年度工作总结审核")
        city.get_by_text(SUMMARY).first.wait_for()
        city.get_by_role("textbox", name="意见（退回时即退回理由）").fill("同意报送省局。")
        city.get_by_role("button", name="提交意见").click()
        city.get_by_text("市局已审核").first.wait_for()
        city.wait_for_timeout(800)
        shot(city, "91-annual-report-city-opinion")
        unit.context.close()
        city.context.close()

    _score_the_round(db)

    with running_app(db) as url:
        staff = _new_page(browser)
        sign_in(staff, url, "chief", PASSWORD)
        go_to(staff, "验收与评估结果")
        staff.get_by_text("不低于 90 分为“优秀”").first.wait_for()
        staff.get_by_role("textbox", name="整改要求（结果须整改时必填）").first.fill("补报年度工作总结并说明原因")
        staff.get_by_role("textbox", name="会议研究决定的理由（必填）").fill("2023年度验收会议研究")
        staff.get_by_role("button", name="按建议结果决定").click()
        staff.get_by_text("已按建议结果决定 5 个试点").first.wait_for()
        staff.get_by_role("textbox", name="公布理由（必填）").fill("局务会同意公布")
        staff.get_by_role("button", name="公布结果").click()
        staff.get_by_text("本轮结果已于").first.wait_for()
        with staff.expect_download() as results:
            staff.get_by_role("button", name="下载结果名单（Excel）").click()
        assert results.value.path().read_bytes()[:2] == b"PK"  # an .xlsx, made when clicked
        staff.get_by_role("button", name="生成结果通知（Word 与 PDF）").click()
        with staff.expect_download() as download:
            staff.get_by_role("button", name="下载结果通知（zip）").click()
        names = zipfile.ZipFile(io.BytesIO(download.value.path().read_bytes())).namelist()
        assert len([n for n in names if n.endswith(".pdf")]) == 6  # five letters and the merged one
        shot(staff, "92-acceptance-outcomes-published")

        unit = _new_page(browser)
        sign_in(unit, url, "unit", PASSWORD)
        go_to(unit, "试点详情")
        unit.get_by_role("heading", name="年度验收与综合评估").wait_for()
        # the table draws on a canvas; its cells are in the page for screen readers
        unit.locator("[role=gridcell]", has_text="2023-02 2023年度验收（分布式）").first.wait_for(state="attached")
        unit.locator("[role=gridcell]", has_text="优秀").first.wait_for(state="attached")
        unit.get_by_role("heading", name="年度验收与综合评估").scroll_into_view_if_needed()
        unit.wait_for_timeout(800)
        shot(unit, "93-pilot-page-result")
