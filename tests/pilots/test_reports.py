"""The yearly report (年度工作总结): the call and its deadlines, the unit's draft and submissions, the city bureau's
opinion, the problems beside the fields, and who may read or change whose report."""
from datetime import datetime
from decimal import Decimal

import pytest

from scoring.common.access import AccessDenied
from scoring.pilots import reports as r
from scoring.pilots.registry import PilotError, PilotStatus, set_status
from scoring.pilots.reports import (AnnualReport, FundLine, FundSource, PlanTask, ProgressState, ReportError,
                                    ReportStatus, TaskState)
from scoring.common.models import YearConversion, YearPatents
from tests.builders.clock import frozen_clock
from tests.builders.pilots import city_account, pilots_storage, the_pilots, unit_account
from tests.builders.rounds import OBSERVER, STAFF

UNIT_DEADLINE = datetime(2024, 1, 31, 17, 0)
CITY_DEADLINE = datetime(2024, 2, 15, 17, 0)
SHENYANG = city_account("沈阳市", "shenyang")
DALIAN = city_account("大连市", "dalian")


@pytest.fixture
def storage(tmp_path):
    return pilots_storage(tmp_path)


@pytest.fixture
def clock(monkeypatch):
    return frozen_clock(monkeypatch, datetime(2023, 12, 1, 10, 0))


@pytest.fixture
def call(storage, clock):
    return r.open_report_call(storage, STAFF, "2023", 2023, UNIT_DEADLINE, CITY_DEADLINE, "年度验收前报送总结")


@pytest.fixture
def pilot(storage):
    return the_pilots(storage)[0]


@pytest.fixture
def unit(pilot):
    return unit_account(pilot)


def filled(storage, unit, year: int = 2023) -> AnnualReport:
    """The pre-filled draft with every fund line received and spent in full, a task done and a summary."""
    report = r.new_report(storage, unit, "2023", year)
    for line in report.funds:
        line.received = line.spent = line.budget
    report.tasks = [PlanTask(task="完成专利导航分析", state=TaskState.DONE)]
    report.summary = "本年度建成专利运营中心，完成专利导航分析。"
    return report


def submitted(storage, unit, pilot, year: int = 2023) -> r.ReportVersion:
    r.save_report(storage, unit, "2023", year, filled(storage, unit, year))
    return r.submit_report(storage, unit, "2023", pilot.credit_code, year)


# --- the call ------------------------------------------------------------------------------------------------------


def test_a_call_outside_the_pilot_period_is_refused(storage, clock):
    with pytest.raises(ReportError, match="2026 年不在批次 2023 的试点建设期（2023—2025年）内"):
        r.open_report_call(storage, STAFF, "2023", 2026, UNIT_DEADLINE, CITY_DEADLINE, "年度总结")
    assert r.open_report_call(storage, STAFF, "2023", 2025, UNIT_DEADLINE, CITY_DEADLINE, "年度总结").year == 2025


def test_only_staff_open_a_call(storage, clock, unit):
    with pytest.raises(AccessDenied):
        r.open_report_call(storage, unit, "2023", 2023, UNIT_DEADLINE, CITY_DEADLINE, "年度总结")
    with pytest.raises(AccessDenied):
        r.open_report_call(storage, OBSERVER, "2023", 2023, UNIT_DEADLINE, CITY_DEADLINE, "年度总结")


def test_a_city_deadline_before_the_unit_deadline_is_refused(storage, clock):
    with pytest.raises(ReportError, match="不能早于单位报送截止时间"):
        r.open_report_call(storage, STAFF, "2023", 2023, CITY_DEADLINE, UNIT_DEADLINE, "年度总结")


def test_the_call_and_a_pilots_extension_are_audited_with_their_reasons(storage, call, pilot):
    r.extend_report_deadline(storage, STAFF, "2023", 2023, "疫情影响", credit_code=pilot.credit_code,
                             unit_deadline=datetime(2024, 2, 10, 17))

    entries = {e.action: e for e in storage.audit_log(limit=5)}

    assert entries["report.call"].reason == "年度验收前报送总结"
    assert entries["report.extend"].reason == "疫情影响"
    assert entries["report.extend"].entity == f"pilot/2023/{pilot.credit_code}/report/2023"
    assert r.report_call(storage, STAFF, "2023", 2023).extensions[pilot.credit_code].reason == "疫情影响"


# --- the pre-filled draft ------------------------------------------------------------------------------------------


def test_the_new_report_carries_the_applications_budget_rows_of_that_year(storage, call, unit):
    report = r.new_report(storage, unit, "2023", 2023)

    # The 申报书's budget of this unit: 专利导航分析 29万元 拟定申请 (2023), 运营团队人员经费 92万元 拟定配套 (2023);
    # the 2024 and 2025 rows are not the 2023 report's.
    assert [(f.item, f.source, f.budget, f.received, f.spent) for f in report.funds] == [
        ("专利导航分析", FundSource.START_UP, Decimal("29.00"), Decimal(0), Decimal(0)),
        ("运营团队人员经费", FundSource.MATCHING, Decimal("92.00"), Decimal(0), Decimal(0))]
    assert report.patents == YearPatents(year=2023) and report.conversion == YearConversion(year=2023)
    assert [f.item for f in r.new_report(storage, unit, "2023", 2024).funds] == ["运营平台建设", "运营中心场地及设备"]


def test_a_year_outside_the_pilots_period_has_no_report(storage, call, unit):
    with pytest.raises(ReportError, match="建设期"):
        r.new_report(storage, unit, "2023", 2022)


# --- problems ------------------------------------------------------------------------------------------------------


def report_with(funds=(), tasks=(), summary="本年度工作总结。") -> AnnualReport:
    return AnnualReport(batch_id="2023", credit_code="X", year=2023, summary=summary,
                        patents=YearPatents(year=2023), conversion=YearConversion(year=2023),
                        funds=list(funds), tasks=list(tasks))


def test_spending_more_than_received_of_a_source_blocks_and_equal_does_not():
    equal = report_with([FundLine(item="专利导航", received=Decimal("20.00"), spent=Decimal("15.00")),
                         FundLine(item="平台建设", received=Decimal("10.00"), spent=Decimal("15.00"))])
    over = report_with([FundLine(item="专利导航", received=Decimal("20.00"), spent=Decimal("20.01")),
                        FundLine(item="配套", source=FundSource.MATCHING, received=Decimal("50.00"),
                                 spent=Decimal("10.00"))])

    assert r.report_problems(equal) == []
    [problem] = r.report_problems(over)
    assert problem.blocking and problem.field == "funds"
    assert problem.message == "省启动资金支出 20.01 万元超过到位金额 20.00 万元。"


def test_a_late_or_dropped_task_needs_an_explanation():
    report = report_with(tasks=[PlanTask(task="建设运营平台", state=TaskState.LATE),
                                PlanTask(task="举办对接会", state=TaskState.DROPPED, explanation="场地原因改为线上"),
                                PlanTask(task="专利导航", state=TaskState.DONE)])

    [problem] = r.report_problems(report)

    assert (problem.field, problem.blocking) == ("tasks.0.explanation", True)
    assert problem.message == "任务第 1 行“建设运营平台”延期，请说明原因。"


def test_an_empty_summary_blocks():
    [problem] = r.report_problems(report_with(summary=""))
    assert (problem.field, problem.message) == ("summary", "请填写年度工作总结。")


def test_a_start_up_line_naming_a_forbidden_use_is_a_warning_and_a_matching_line_is_not():
    report = report_with([FundLine(item="运营团队人员经费", received=Decimal(5), spent=Decimal(5)),
                          FundLine(item="专利维护", explanation="缴纳年费", received=Decimal(5), spent=Decimal(5)),
                          FundLine(item="人员经费", source=FundSource.MATCHING, received=Decimal(5), spent=Decimal(5))])

    problems = r.report_problems(report)

    assert [(p.field, p.blocking) for p in problems] == [("funds.0.item", False), ("funds.1.item", False)]
    assert "不得用于人员经费" in problems[0].message and "不得用于专利管理等经常性开支" in problems[1].message


# --- saving and submitting -----------------------------------------------------------------------------------------


def test_a_unit_saves_its_draft_as_version_0_and_submits_version_1(storage, call, unit, pilot):
    draft = r.save_report(storage, unit, "2023", 2023, filled(storage, unit))
    assert (draft.version, draft.status) == (0, ReportStatus.DRAFT)
    assert r.report_in_force(storage, unit, "2023", pilot.credit_code, 2023) is None

    done = r.submit_report(storage, unit, "2023", pilot.credit_code, 2023)

    assert (done.version, done.status, done.late) == (1, ReportStatus.SUBMITTED, False)
    assert r.report_in_force(storage, unit, "2023", pilot.credit_code, 2023).version == 1
    assert [v.version for v in r.year_reports(storage, unit, "2023", pilot.credit_code)] == [0, 1]


def test_a_report_with_blocking_problems_is_not_submitted(storage, call, unit, pilot):
    report = filled(storage, unit)
    report.summary = ""
    r.save_report(storage, unit, "2023", 2023, report)

    with pytest.raises(ReportError, match="请填写年度工作总结"):
        r.submit_report(storage, unit, "2023", pilot.credit_code, 2023)


def test_a_submission_exactly_at_the_deadline_is_accepted(storage, call, unit, pilot, clock):
    clock.now = UNIT_DEADLINE
    assert submitted(storage, unit, pilot).late is False


def test_a_late_report_is_refused_with_the_deadline_shown(storage, call, unit, pilot, clock):
    r.save_report(storage, unit, "2023", 2023, filled(storage, unit))
    clock.now = datetime(2024, 1, 31, 17, 0, 1)

    with pytest.raises(ReportError, match="报送截止时间为 2024年1月31日 17:00，已过截止时间"):
        r.submit_report(storage, unit, "2023", pilot.credit_code, 2023)


def test_a_pilots_own_extension_lets_it_submit_late_with_the_reason(storage, call, unit, pilot, clock):
    other = unit_account(the_pilots(storage)[1])
    r.save_report(storage, unit, "2023", 2023, filled(storage, unit))
    r.save_report(storage, other, "2023", 2023, filled(storage, other))
    r.extend_report_deadline(storage, STAFF, "2023", 2023, "负责人病休，经批准延期", credit_code=pilot.credit_code,
                             unit_deadline=datetime(2024, 2, 10, 17))
    clock.now = datetime(2024, 2, 10, 17, 0)

    done = r.submit_report(storage, unit, "2023", pilot.credit_code, 2023)

    assert (done.late, done.late_reason) == (True, "负责人病休，经批准延期")
    with pytest.raises(ReportError, match="2024年1月31日 17:00"):
        r.submit_report(storage, other, "2023", other.unit.credit_code, 2023)
    [progress] = [p for p in r.report_progress(storage, STAFF, "2023", 2023) if p.credit_code == pilot.credit_code]
    assert progress.late and progress.unit_deadline == datetime(2024, 2, 10, 17)


def test_an_extension_for_the_batch_moves_every_pilots_deadline(storage, call, unit, pilot, clock):
    r.extend_report_deadline(storage, STAFF, "2023", 2023, "春节假期顺延", unit_deadline=datetime(2024, 2, 5, 17))
    clock.now = datetime(2024, 2, 5, 17)
    assert submitted(storage, unit, pilot).late is False


def test_an_extension_needs_a_reason_and_a_later_time(storage, call, pilot):
    with pytest.raises(PilotError, match="理由"):
        r.extend_report_deadline(storage, STAFF, "2023", 2023, "", credit_code=pilot.credit_code,
                                 unit_deadline=datetime(2024, 2, 10, 17))
    with pytest.raises(ReportError, match="须晚于"):
        r.extend_report_deadline(storage, STAFF, "2023", 2023, "延期", credit_code=pilot.credit_code,
                                 unit_deadline=UNIT_DEADLINE)


def test_a_submitted_report_is_locked_until_the_city_returns_it(storage, call, unit, pilot):
    submitted(storage, unit, pilot)

    with pytest.raises(ReportError, match="第 1 版已提交市局，不能再修改"):
        r.save_report(storage, unit, "2023", 2023, filled(storage, unit))
    with pytest.raises(ReportError, match="不能再修改"):
        r.submit_report(storage, unit, "2023", pilot.credit_code, 2023)


def test_a_report_of_an_inactive_pilot_cannot_be_saved(storage, call, unit, pilot):
    set_status(storage, STAFF, "2023", pilot.credit_code, 2023, PilotStatus.REVOKED, "主动退出试点")

    with pytest.raises(ReportError, match="撤销"):
        r.save_report(storage, unit, "2023", 2023, report_with().model_copy(update={"credit_code": pilot.credit_code}))


def test_a_rectifying_pilot_still_reports(storage, call, unit, pilot):
    set_status(storage, STAFF, "2023", pilot.credit_code, 2023, PilotStatus.RECTIFYING, "年度验收基本合格")
    assert submitted(storage, unit, pilot).version == 1


# --- the city bureau's opinion -------------------------------------------------------------------------------------


def test_the_city_agrees_and_the_report_is_reviewed(storage, call, unit, pilot):
    submitted(storage, unit, pilot)

    done = r.give_opinion(storage, SHENYANG, "2023", pilot.credit_code, 2023, True, "情况属实，同意报送。")

    assert (done.status, done.opinion, done.agrees) == (ReportStatus.REVIEWED, "情况属实，同意报送。", True)
    assert r.report_in_force(storage, STAFF, "2023", pilot.credit_code, 2023).status is ReportStatus.REVIEWED


def test_a_returned_report_is_corrected_and_submitted_again_as_version_2(storage, call, unit, pilot):
    submitted(storage, unit, pilot)
    returned = r.give_opinion(storage, SHENYANG, "2023", pilot.credit_code, 2023, False, "资金支出说明不全")
    assert (returned.status, returned.opinion) == (ReportStatus.RETURNED, "资金支出说明不全")

    again = submitted(storage, unit, pilot)

    assert (again.version, again.status, again.opinion) == (2, ReportStatus.SUBMITTED, None)
    versions = r.year_reports(storage, STAFF, "2023", pilot.credit_code)
    assert [(v.version, v.status) for v in versions] == [
        (0, ReportStatus.DRAFT), (1, ReportStatus.RETURNED), (2, ReportStatus.SUBMITTED)]


def test_an_opinion_after_the_city_deadline_is_refused(storage, call, unit, pilot, clock):
    submitted(storage, unit, pilot)
    clock.now = datetime(2024, 2, 15, 17, 1)

    with pytest.raises(ReportError, match="市局审核截止时间为 2024年2月15日 17:00"):
        r.give_opinion(storage, SHENYANG, "2023", pilot.credit_code, 2023, True, "同意")


def test_only_the_pilots_own_city_gives_an_opinion(storage, call, unit, pilot):
    submitted(storage, unit, pilot)
    with pytest.raises(AccessDenied):
        r.give_opinion(storage, DALIAN, "2023", pilot.credit_code, 2023, True, "同意")
    with pytest.raises(AccessDenied):
        r.give_opinion(storage, STAFF, "2023", pilot.credit_code, 2023, True, "同意")


def test_an_opinion_on_a_report_not_submitted_is_refused(storage, call, pilot):
    with pytest.raises(ReportError, match="尚未提交"):
        r.give_opinion(storage, SHENYANG, "2023", pilot.credit_code, 2023, True, "同意")


# --- reading and access --------------------------------------------------------------------------------------------


def test_a_unit_cannot_read_or_change_another_pilots_report(storage, call, unit, pilot):
    submitted(storage, unit, pilot)
    other_pilot = the_pilots(storage)[1]
    other = unit_account(other_pilot)

    with pytest.raises(AccessDenied):
        r.year_reports(storage, other, "2023", pilot.credit_code)
    with pytest.raises(AccessDenied):
        r.report_in_force(storage, other, "2023", pilot.credit_code, 2023)
    with pytest.raises(AccessDenied):
        r.save_report(storage, other, "2023", 2023, filled(storage, unit))
    with pytest.raises(AccessDenied):
        r.submit_report(storage, other, "2023", pilot.credit_code, 2023)
    assert r.reports_of_year(storage, other, "2023", 2023) == {}


def test_a_city_bureau_of_dalian_cannot_read_a_shenyang_pilots_report(storage, call, unit, pilot):
    submitted(storage, unit, pilot)

    with pytest.raises(AccessDenied):
        r.year_reports(storage, DALIAN, "2023", pilot.credit_code)
    assert r.reports_of_year(storage, DALIAN, "2023", 2023) == {}
    assert r.report_progress(storage, DALIAN, "2023", 2023) == []
    assert list(r.reports_of_year(storage, SHENYANG, "2023", 2023)) == [pilot.credit_code]


def test_staff_and_observers_read_every_pilots_report(storage, call, unit, pilot):
    submitted(storage, unit, pilot)
    assert list(r.reports_of_year(storage, OBSERVER, "2023", 2023)) == [pilot.credit_code]
    assert r.report_in_force(storage, STAFF, "2023", pilot.credit_code, 2023).version == 1


def test_the_progress_shows_each_pilots_state(storage, call, pilot):
    pilots = the_pilots(storage)
    units = [unit_account(p) for p in pilots]
    r.save_report(storage, units[1], "2023", 2023, filled(storage, units[1]))
    submitted(storage, units[2], pilots[2])
    submitted(storage, units[3], pilots[3])
    submitted(storage, units[4], pilots[4])
    r.give_opinion(storage, SHENYANG, "2023", pilots[3].credit_code, 2023, False, "请补充任务说明")
    r.give_opinion(storage, SHENYANG, "2023", pilots[4].credit_code, 2023, True, "同意")

    progress = r.report_progress(storage, STAFF, "2023", 2023)

    assert [p.state for p in progress] == [ProgressState.NOT_STARTED, ProgressState.DRAFT, ProgressState.SUBMITTED,
                                           ProgressState.RETURNED, ProgressState.REVIEWED]
    assert [p.version for p in progress] == [None, None, 1, 1, 1]


def test_the_years_reports_of_200_pilots_are_read_at_once(storage, call):
    """reports_of_year and report_progress read every pilot's report in one query, not one per pilot."""
    import time

    from scoring.common.models import ActionKind
    from scoring.storage import pilot_store, report_store

    report = report_with().model_copy(update={"credit_code": "X"}).model_dump_json()
    with storage.transaction("bench") as tx:
        for i in range(200):
            code = f"91210000BENCH{i:05d}"
            known = {"batch_id": "2023", "credit_code": code, "unit_name": f"试点单位{i}", "unit_type": "企业",
                     "city": "大连市", "first_year": 2023, "last_year": 2025, "round_id": "2023-01",
                     "list_order": 100 + i, "created_at": tx.now}
            record = pilot_store.PilotRecord(**{f: known.get(f) for f in pilot_store.PilotRecord._fields})
            pilot_store.insert_pilot(tx, record, 1)
            pilot_store.add_status(tx, "2023", code, 2023, "在建", "测试")
            report_store.insert_version(tx, "2023", code, 2023, 1, report, str(ReportStatus.SUBMITTED), False)
        tx.audit(ActionKind.PILOT_CREATE, "pilot/2023/bench", "测试", {})

    started = time.perf_counter()
    found = r.reports_of_year(storage, STAFF, "2023", 2023)
    progress = r.report_progress(storage, STAFF, "2023", 2023)
    elapsed = time.perf_counter() - started

    assert len(found) == 200 and len(progress) == 205
    assert sum(p.state is ProgressState.SUBMITTED for p in progress) == 200
    assert elapsed < 2, f"{elapsed:.2f} s"


def test_a_pilots_own_city_deadline_lets_its_city_give_the_opinion_later(storage, call, unit, pilot, clock):
    r.extend_report_deadline(storage, STAFF, "2023", 2023, "负责人病休", credit_code=pilot.credit_code,
                             unit_deadline=datetime(2024, 2, 14, 17), city_deadline=datetime(2024, 2, 20, 17))
    clock.now = datetime(2024, 2, 14, 17)
    submitted(storage, unit, pilot)
    clock.now = datetime(2024, 2, 20, 17)

    assert r.give_opinion(storage, SHENYANG, "2023", pilot.credit_code, 2023, True, "同意").status is \
        ReportStatus.REVIEWED


def test_a_pilots_unit_deadline_after_the_city_deadline_needs_a_city_deadline_too(storage, call, pilot):
    with pytest.raises(ReportError, match="不能早于单位报送截止时间"):
        r.extend_report_deadline(storage, STAFF, "2023", 2023, "负责人病休", credit_code=pilot.credit_code,
                                 unit_deadline=datetime(2024, 2, 16, 17))


def test_a_reviewed_report_is_locked_for_good(storage, call, unit, pilot):
    submitted(storage, unit, pilot)
    r.give_opinion(storage, SHENYANG, "2023", pilot.credit_code, 2023, True, "同意报送")

    with pytest.raises(ReportError, match="第 1 版市局已审核，不能再修改"):
        r.save_report(storage, unit, "2023", 2023, filled(storage, unit))


def test_a_report_from_a_form_names_each_wrong_field_in_chinese():
    data = {"batch_id": "2023", "credit_code": "X", "year": 2023, "patents": {"year": 2023},
            "conversion": {"year": 2023, "licence_count": -1}, "funds": [{"item": "平台"}, {"item": ""}]}

    with pytest.raises(ReportError) as refused:
        r.report_from_data(data)

    assert str(refused.value) == ("年度工作总结有误：本年度专利转化运用 · 专利许可件数：不能小于 0；"
                                  "资金到位与使用情况 · 第 2 行 · 支出项目：必须填写")
