"""试点名录 and 试点详情 as AppTest on a copy of the pilots database: staff see the five pilots and their years, revoke
one with a reason; a unit's account sees only its own pilot; a city bureau of another city sees none."""
from __future__ import annotations

from datetime import datetime
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from app_pages.widgets import common
from scoring.common import accounts
from scoring.common.access import Grant, Role, UnitBinding
from scoring.common.models import ActionKind, City
from scoring.pilots import reports
from scoring.pilots.registry import PilotStatus, status_history
from scoring.storage import applying_store
from tests.app.conftest import PASSWORD, create_person, table
from tests.builders.databases import copy_to
from tests.builders.clock import frozen_clock
from tests.builders.pilots import pilots_database, the_pilots, unit_account
from tests.builders.rounds import STAFF as STAFF_PRINCIPAL

ROOT = Path(__file__).resolve().parents[2]
REGISTRY = "app_pages/pilots/registry_page.py"
DETAIL = "app_pages/pilots/pilot_page.py"
STAFF = Grant(role=Role.STAFF)


@pytest.fixture
def store(tmp_path, monkeypatch):
    monkeypatch.chdir(ROOT)
    monkeypatch.setenv("SCORING_DB", str(copy_to(pilots_database(), tmp_path / "review.duckdb")))
    return common.storage()


def page(store, path: str, login: str, *grants: Grant, unit: UnitBinding | None = None) -> AppTest:
    """The page run as the navigation runs it, for a person signed in with these grants, on the 2023 batch."""
    create_person(store, login, "测试员", *grants)
    if unit is not None:
        with store.transaction("cli:test") as tx:
            applying_store.bind_unit(tx, login, unit)
            tx.audit(ActionKind.APPLY_UNIT_BIND, f"user/{login}", "申报单位账号", {})
    at = AppTest.from_file(str(ROOT / path), default_timeout=60)
    at.session_state[common.SESSION_KEY] = accounts.login(store, login, PASSWORD)
    at.session_state[common.BATCH_KEY] = "2023"
    at.run()
    assert not at.exception, at.exception
    return at


def unit_binding(pilot) -> UnitBinding:
    return UnitBinding(unit_name=pilot.unit_name, credit_code=pilot.credit_code, city=City(pilot.city))


def test_staff_see_the_five_pilots_building_with_a_column_per_year(store):
    at = page(store, REGISTRY, "tester", STAFF)

    listed = table(at, "确认通知文号")
    assert len(listed) == 5
    assert set(listed["当前状态"]) == {"在建"}
    assert set(listed["2023年"]) == {"在建"} and set(listed["2024年"]) == {""} and set(listed["2025年"]) == {""}
    assert all(n.startswith("辽知发〔2023〕") for n in listed["确认通知文号"])
    assert set(listed["启动资金（万元）"]) == {"50.00"}
    assert {m.label: m.value for m in at.metric}["在建"] == "5"


def test_staff_revoke_a_pilot_with_a_reason_and_the_registry_shows_it(store):
    pilot = the_pilots(store)[0]
    at = page(store, REGISTRY, "tester", STAFF)
    key = f"{pilot.batch_id}_{pilot.credit_code}"

    at.selectbox(key="registry_pilot").select(key).run()
    at.selectbox(key=f"status_year_{key}").select(2024).run()
    at.selectbox(key=f"status_to_{key}").select("撤销").run()
    at.text_input(key=f"status_reason_{key}").input("未按要求开展试点工作")
    at.button(key=f"status_save_{key}").click().run()

    assert not at.exception, at.exception
    listed = table(at, "确认通知文号").set_index("统一社会信用代码")
    assert listed.loc[pilot.credit_code, "当前状态"] == "撤销"
    assert listed.loc[pilot.credit_code, "2024年"] == "撤销"
    assert status_history(store, STAFF_PRINCIPAL, "2023", pilot.credit_code)[-1].reason == "未按要求开展试点工作"


def test_a_revocation_without_a_reason_is_refused_in_chinese(store):
    pilot = the_pilots(store)[0]
    at = page(store, REGISTRY, "tester", STAFF)
    key = f"{pilot.batch_id}_{pilot.credit_code}"

    at.selectbox(key=f"status_to_{key}").select("撤销").run()
    at.button(key=f"status_save_{key}").click().run()

    assert any("请写明理由" in e.value for e in at.error)
    assert the_pilots(store)[0].status is PilotStatus.BUILDING


def test_a_filter_by_status_leaves_only_that_status(store):
    at = page(store, REGISTRY, "tester", STAFF)

    at.multiselect(key="registry_statuses").select("撤销").run()

    assert not any("确认通知文号" in d.value.columns and len(d.value) for d in at.dataframe)


def test_an_observer_reads_the_registry_without_a_control_that_writes(store):
    at = page(store, REGISTRY, "watch", Grant(role=Role.OBSERVER))

    assert len(table(at, "确认通知文号")) == 5
    assert not [b for b in at.button if b.key and b.key.startswith(("status_save", "goals_save"))]


def test_a_city_bureau_of_another_city_sees_no_pilot(store):
    dalian = Grant(role=Role.CITY, city=City.DALIAN)

    registry = page(store, REGISTRY, "dalian", dalian)
    assert any("尚无试点单位" in i.value for i in registry.info)
    detail = AppTest.from_file(str(ROOT / DETAIL), default_timeout=60)
    detail.session_state[common.SESSION_KEY] = accounts.login(store, "dalian", PASSWORD)
    detail.session_state[common.BATCH_KEY] = "2023"
    detail.run()
    assert not detail.exception, detail.exception
    assert any("没有可查看的试点单位" in i.value for i in detail.info)


def test_a_units_account_sees_only_its_own_pilot_on_the_detail_page(store):
    pilot = the_pilots(store)[1]

    at = page(store, DETAIL, pilot.credit_code.lower(), Grant(role=Role.APPLICANT), unit=unit_binding(pilot))

    chooser = at.selectbox(key="pilot_detail_pilot")
    assert chooser.options == [f"2023 批次｜{pilot.unit_name}（{pilot.city}）"]
    assert any(pilot.letter_number in c.value for c in at.caption)


def test_the_detail_page_shows_the_facts_the_charts_and_every_year_not_reported(store):
    pilot = the_pilots(store)[0]
    at = page(store, DETAIL, "tester", STAFF)

    metrics = {m.label: m.value for m in at.metric}
    assert (metrics["当前状态"], metrics["建设期"], metrics["启动资金"]) == ("在建", "2023—2025年", "50.00 万元")
    assert metrics["已报送年度总结"] == "0 / 3 年"
    assert at.selectbox(key="pilot_detail_pilot").value == f"2023|{pilot.credit_code}"
    assert len(at.get("vega_lite_chart")) == 3
    years = table(at, "对照指南目标")
    assert list(years["转化专利（件）"]) == ["未报送"] * 3
    assert list(table(at, "三年目标")["指标"])[0] == "转化专利"
    assert list(table(at, "操作人")["状态"]) == ["在建"]


def test_the_detail_page_shows_the_submitted_reports_figures_and_its_version(store, monkeypatch):
    pilot = the_pilots(store)[0]
    frozen_clock(monkeypatch, datetime(2023, 12, 1, 10, 0))
    reports.open_report_call(store, STAFF_PRINCIPAL, "2023", 2023, datetime(2024, 1, 31, 17),
                             datetime(2024, 2, 15, 17), "报送总结")
    unit = unit_account(pilot)
    report = reports.new_report(store, unit, "2023", 2023)
    for line in report.funds:
        line.received = line.spent = line.budget
    report.conversion.transfer_count, report.conversion.licence_count = 40, 15
    report.summary = "本年度建成专利运营中心。"
    reports.save_report(store, unit, "2023", 2023, report)
    reports.submit_report(store, unit, "2023", pilot.credit_code, 2023)

    at = page(store, DETAIL, "tester", STAFF)

    years = table(at, "对照指南目标")
    assert list(years["转化专利（件）"]) == ["55", "未报送", "未报送"]
    assert years["对照指南目标"][0] == "达到指南目标（每年50—100件）"
    versions = table(at, "现行")
    assert (versions["版本"][0], versions["状态"][0], versions["现行"][0]) == ("第 1 版", "已提交市局", "是")
    assert len(at.get("vega_lite_chart")) == 3
