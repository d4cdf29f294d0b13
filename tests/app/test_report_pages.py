"""年度工作总结 and 年度工作总结审核 as AppTest: a pilot unit fills and submits its yearly report; its city bureau returns it
with its opinion or agrees; staff see the status table and open the call; a unit cannot open the review page."""
from __future__ import annotations

from datetime import datetime

import pytest
from streamlit.testing.v1 import AppTest

from app_pages.widgets import common
from scoring.common import accounts
from scoring.common.access import Grant, Role
from scoring.common.models import City
from scoring.pilots import rectification, reports
from scoring.pilots.registry import PilotStatus, set_status
from scoring.pilots.reports import ReportStatus
from tests.app.conftest import PASSWORD, ROOT, create_person
from tests.builders.clock import frozen_clock
from tests.builders.databases import copy_to
from tests.builders.pilots import city_account, pilots_database, the_pilots, unit_account
from tests.builders.rounds import STAFF
from tests.builders.pilots import bind_to_pilot

UNIT_PAGE = "app_pages/pilots/annual_report.py"
REVIEW_PAGE = "app_pages/pilots/report_review.py"
SHENYANG = Grant(role=Role.CITY, city=City.SHENYANG)


@pytest.fixture
def store(tmp_path, monkeypatch):
    monkeypatch.chdir(ROOT)
    frozen_clock(monkeypatch, datetime(2023, 12, 1, 10))
    monkeypatch.setenv("SCORING_DB", str(copy_to(pilots_database(), tmp_path / "review.duckdb")))
    return common.storage()


@pytest.fixture
def pilot(store):
    return the_pilots(store)[0]


@pytest.fixture
def call(store):
    return reports.open_report_call(store, STAFF, "2023", 2023, datetime(2024, 1, 31, 17), datetime(2024, 2, 15, 17),
                                    "年度验收")


def run_page(store, page: str, login: str, *grants: Grant, pilot=None) -> AppTest:
    """The page run on its own for this person, signed in through a real session."""
    create_person(store, login, "测试员", *grants)
    if pilot is not None:
        bind_to_pilot(store, login, pilot)
    at = AppTest.from_file(str(ROOT / page), default_timeout=60)
    at.session_state[common.SESSION_KEY] = accounts.login(store, login, PASSWORD)
    at.session_state[common.BATCH_KEY] = "2023"
    at.run()
    assert not at.exception, at.exception
    return at


def unit_page(store, pilot) -> AppTest:
    return run_page(store, UNIT_PAGE, pilot.credit_code.lower(), Grant(role=Role.APPLICANT, batch_id="2023"),
                    pilot=pilot)


def click(at: AppTest, label: str) -> AppTest:
    next(b for b in at.button if b.label == label).click().run()
    assert not at.exception, at.exception
    return at


def submitted(store, pilot) -> None:
    unit = unit_account(pilot)
    report = reports.new_report(store, unit, "2023", 2023)
    report.summary = "本年度建成专利运营中心。"
    reports.save_report(store, unit, "2023", 2023, report)
    reports.submit_report(store, unit, "2023", pilot.credit_code, 2023)


def test_the_unit_fills_saves_and_submits_its_report(store, pilot, call):
    at = unit_page(store, pilot)
    key = "ar_2023_2023_"
    assert any("请先填写并保存草稿" in i.value for i in at.info)

    at.number_input(key=key + "patents_invention").set_value(12)
    at.number_input(key=key + "conversion_transfer_contract").set_value(35.5)
    at.text_area(key=key + "summary").input("本年度建成专利运营中心，完成专利导航分析。")
    click(at, "保存草稿")

    draft = reports.current_draft(store, STAFF, "2023", pilot.credit_code, 2023)
    assert draft.report.patents.invention == 12 and str(draft.report.conversion.transfer_contract) == "35.50"
    assert [f.item for f in draft.report.funds] == ["专利导航分析", "运营团队人员经费"]  # the plan's 2023 budget

    at.button(key=key + "submit").click().run()
    assert not at.exception, at.exception
    assert reports.report_in_force(store, STAFF, "2023", pilot.credit_code, 2023).status is ReportStatus.SUBMITTED
    assert any("已提交第 1 版" in s.value for s in at.success)


def test_an_empty_summary_is_shown_beside_its_field_and_blocks_the_submission(store, pilot, call):
    at = unit_page(store, pilot)
    click(at, "保存草稿")

    assert any(e.value == "请填写年度工作总结。" for e in at.error)
    assert at.button(key="ar_2023_2023_submit").disabled


def test_the_unit_reads_the_citys_return_and_may_correct(store, pilot, call):
    submitted(store, pilot)
    reports.give_opinion(store, city_account("沈阳市"), "2023", pilot.credit_code, 2023, False, "请补充资金使用说明")

    at = unit_page(store, pilot)

    assert any("请补充资金使用说明" in w.value for w in at.warning)
    assert not at.button(key="ar_2023_2023_submit").disabled


def test_the_city_bureau_returns_a_report_with_its_opinion(store, pilot, call):
    submitted(store, pilot)
    at = run_page(store, REVIEW_PAGE, "shenyang", SHENYANG)

    at.radio(key=f"rr_2023_2023_verdict_{pilot.credit_code}_1").set_value("退回单位修改")
    at.text_area(key=f"rr_2023_2023_opinion_text_{pilot.credit_code}_1").input("任务完成情况说明不全")
    click(at, "提交意见")

    version = reports.report_in_force(store, STAFF, "2023", pilot.credit_code, 2023)
    assert (version.status, version.opinion) == (ReportStatus.RETURNED, "任务完成情况说明不全")


def test_the_city_bureau_of_another_city_sees_no_report(store, pilot, call):
    submitted(store, pilot)
    at = run_page(store, REVIEW_PAGE, "dalian", Grant(role=Role.CITY, city=City.DALIAN))

    assert any("没有可查看的试点" in i.value for i in at.info)
    assert not at.radio


def test_staff_see_the_status_table_and_no_opinion_form(store, pilot, call):
    submitted(store, pilot)
    at = run_page(store, REVIEW_PAGE, "tester", Grant(role=Role.STAFF))

    table = next(d.value for d in at.dataframe if "状态" in d.value.columns)
    assert list(table["状态"]) == ["已提交", "未填报", "未填报", "未填报", "未填报"]
    assert not any(b.label == "提交意见" for b in at.button)


def test_staff_open_the_years_call_on_the_page(store):
    at = run_page(store, REVIEW_PAGE, "tester", Grant(role=Role.STAFF))
    at.text_input(key="rr_2023_2023_call_reason").input("年度验收前报送")
    click(at, "开放报送")

    call = reports.find_report_call(store, "2023", 2023)
    assert (call.unit_deadline, call.city_deadline) == (datetime(2024, 1, 31, 17), datetime(2024, 2, 15, 17))


def test_a_unit_cannot_open_the_review_page(store, pilot, call):
    at = run_page(store, REVIEW_PAGE, pilot.credit_code.lower(), Grant(role=Role.APPLICANT, batch_id="2023"),
                  pilot=pilot)

    assert any("没有“查看试点”的权限" in e.value for e in at.error)
    assert not at.dataframe


def test_a_rectifying_unit_submits_its_rectification_report(store, pilot, call):
    set_status(store, STAFF, "2023", pilot.credit_code, 2023, PilotStatus.RECTIFYING, "年度验收基本合格")
    at = unit_page(store, pilot)

    at.text_area(key="ar_2023_2023_rectify_text").input("已逐项整改资金使用问题，补充转化台账。")
    click(at, "提交整改报告")

    [done] = rectification.rectifications(store, STAFF, "2023", pilot.credit_code, 2023)
    assert done.text == "已逐项整改资金使用问题，补充转化台账。"
