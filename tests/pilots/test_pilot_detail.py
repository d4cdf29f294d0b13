"""试点详情's gathering: each year's status, and the figures from each year's report in force, on the pilots database."""
from datetime import datetime
from decimal import Decimal

import pytest

from scoring.common.access import AccessDenied
from scoring.pilots import reports as r
from scoring.pilots.goals import GoalKey
from scoring.pilots.pilot_detail import pilot_detail, registry_rows
from scoring.pilots.registry import PilotStatus, set_status
from tests.builders.clock import frozen_clock
from tests.builders.pilots import city_account, pilots_storage, the_pilots, unit_account
from tests.builders.rounds import STAFF


@pytest.fixture
def storage(tmp_path):
    return pilots_storage(tmp_path)


@pytest.fixture
def pilot(storage):
    return the_pilots(storage)[0]


def _report(storage, unit, year: int, transfers: int):
    report = r.new_report(storage, unit, "2023", year)
    for line in report.funds:
        line.received = line.spent = line.budget
    report.conversion.transfer_count = transfers
    report.summary = "本年度建成专利运营中心。"
    r.save_report(storage, unit, "2023", year, report)


def test_each_years_status_is_its_last_change_and_blank_without_one(storage, pilot):
    set_status(storage, STAFF, "2023", pilot.credit_code, 2024, PilotStatus.RECTIFYING, "年度验收须整改")
    set_status(storage, STAFF, "2023", pilot.credit_code, 2024, PilotStatus.BUILDING, "整改完成")

    [row] = [row for row in registry_rows(storage, STAFF, "2023") if row.pilot.credit_code == pilot.credit_code]

    assert row.by_year == {2023: PilotStatus.BUILDING, 2024: PilotStatus.BUILDING, 2025: None}


def test_the_figures_come_from_the_submitted_report_and_a_changed_draft_is_only_the_units_own(storage, pilot,
                                                                                              monkeypatch):
    frozen_clock(monkeypatch, datetime(2023, 12, 1, 10, 0))
    r.open_report_call(storage, STAFF, "2023", 2023, datetime(2024, 1, 31, 17), datetime(2024, 2, 15, 17), "报送总结")
    unit = unit_account(pilot)
    _report(storage, unit, 2023, transfers=40)
    r.submit_report(storage, unit, "2023", pilot.credit_code, 2023)
    _report(storage, unit, 2024, transfers=99)

    staff = pilot_detail(storage, STAFF, "2023", pilot.credit_code)

    assert [(y.year, y.reported, y.converted, y.report_version) for y in staff.progress.years] == [
        (2023, True, 40, 1), (2024, False, None, None), (2025, False, None, None)]
    assert [(v.report.year, v.version) for v in staff.versions] == [(2023, 1)]
    own = pilot_detail(storage, unit, "2023", pilot.credit_code)
    # the 2023 draft is what was submitted: only the 2024 draft is shown beside the submitted version
    assert sorted((v.report.year, v.version) for v in own.versions) == [(2023, 1), (2024, 0)]
    assert own.progress.year(2024).reported is False


def test_a_city_bureau_of_another_city_sees_no_pilot(storage, pilot):
    dalian = city_account("大连市", "dalian")

    assert registry_rows(storage, dalian) == []
    with pytest.raises(AccessDenied):
        pilot_detail(storage, dalian, "2023", pilot.credit_code)
    assert len(registry_rows(storage, city_account("沈阳市", "shenyang"))) == 5


def test_a_confirmed_pilot_carries_the_goals_of_its_plan_not_its_record(storage, pilot):
    detail = pilot_detail(storage, STAFF, "2023", pilot.credit_code)

    assert [g.describe() for g in detail.goals] == ["三年累计转化专利117件", "三年累计转化金额835万元",
                                                    "三年累计对接企业139家"]
    assert detail.progress.figure(GoalKey.CONVERTED).goal == Decimal(117)
