"""A pilot's yearly report (年度工作总结): the year's figures in the 申报书's own tables, the start-up and matching
funds received and spent by item, the plan's tasks with what became of each, the summary; and its status. Then its
rules: staff open the year's call (deadlines for units and city bureaus, extended for the batch or one pilot); the
unit's own account saves a draft (version 0) and submits versions 1, 2 …; the pilot's city bureau agrees or returns
it; a unit reads its own reports, a city bureau its city's, staff and observers every pilot's."""
from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from enum import StrEnum
from typing import Annotated

from pydantic import BaseModel, Field, ValidationError, model_validator

from scoring.common import clock
from scoring.common.access import AccessDenied, Permission, Principal, Role, require
from scoring.common.models import (ActionKind, AmountBasis, Count, FormModel, Funding, Wan, YearConversion,
                                   YearPatents, compact_code)
from scoring.common.normalize import explain_validation_error
from scoring.intake.formal_check import forbidden_use_matches
from scoring.pilots.registry import Pilot, PilotError, checked_reason, get_pilot, pilot_entity, pilot_years, pilots
from scoring.storage import Storage
from scoring.storage import report_store


class ReportStatus(StrEnum):
    DRAFT = "草稿"
    SUBMITTED = "已提交市局"
    RETURNED = "市局退回"
    REVIEWED = "市局已审核"  # the city bureau gave its opinion: the report is with the province


class TaskState(StrEnum):
    DONE = "已完成"
    LATE = "延期"
    DROPPED = "取消"


class FundSource(StrEnum):
    START_UP = "省启动资金"
    MATCHING = "单位配套资金"


class PlanTask(FormModel):
    """A task of the plan's 进度安排 for the year, and what became of it."""

    task: Annotated[str, Field(min_length=1, max_length=200)] = Field(title="任务")
    state: TaskState = Field(title="完成情况")
    explanation: str = Field("", max_length=1000, title="说明")


class FundLine(FormModel):
    """One item of the year's spending: budgeted (from the plan), received, spent, from which source."""

    item: Annotated[str, Field(min_length=1, max_length=100)] = Field(title="支出项目")
    source: FundSource = Field(FundSource.START_UP, title="资金来源")
    budget: Wan = Field(Decimal(0), title="年度预算（万元）")
    received: Wan = Field(Decimal(0), title="到位金额（万元）")
    spent: Wan = Field(Decimal(0), title="支出金额（万元）")
    explanation: str = Field("", max_length=500, title="说明")


class AnnualReport(FormModel):
    """What a pilot reports for one year of its period."""

    batch_id: str = Field(title="批次编号")
    credit_code: str = Field(title="统一社会信用代码")
    year: int = Field(title="年度")
    summary: str = Field("", max_length=20_000, title="年度工作总结")
    patents: YearPatents = Field(title="本年度专利授权与有效专利")
    conversion: YearConversion = Field(title="本年度专利转化运用")
    enterprises_connected: Count = Field(0, title="本年度对接企业数")
    funds: list[FundLine] = Field([], title="资金到位与使用情况")
    tasks: list[PlanTask] = Field([], title="年度任务完成情况")

    @model_validator(mode="after")
    def _tables_of_the_year(self) -> AnnualReport:
        for label, row in (("专利授权", self.patents), ("专利转化", self.conversion)):
            if row.year != self.year:
                raise ValueError(f"{label}表的年度 {row.year} 与总结年度 {self.year} 不一致")
        return self

    @property
    def converted(self) -> int:
        return self.conversion.converted

    def amount(self, basis: AmountBasis) -> Decimal:
        return self.conversion.amount(basis)

    def received(self, source: FundSource | None = None) -> Decimal:
        return sum((f.received for f in self.funds if source is None or f.source is source), Decimal(0))

    def spent(self, source: FundSource | None = None) -> Decimal:
        return sum((f.spent for f in self.funds if source is None or f.source is source), Decimal(0))

    def tasks_in(self, state: TaskState) -> list[PlanTask]:
        return [t for t in self.tasks if t.state is state]


# --- the year's report call ----------------------------------------------------------------------------------------


class ReportError(PilotError):
    """A request about a yearly report that cannot be done; the message is for users."""


class PilotExtension(BaseModel):
    """A later unit deadline for one pilot, granted with a reason; reports it submits after the call's deadline are
    marked late and show the reason."""

    unit_deadline: datetime
    city_deadline: datetime | None = None  # None: the call's city deadline
    reason: str
    granted_at: datetime
    granted_by: str


class ReportCall(BaseModel):
    """The year's call for reports of one batch's pilots: the units' and the city bureaus' deadlines."""

    batch_id: str
    year: int
    unit_deadline: datetime = Field(title="单位报送截止时间")
    city_deadline: datetime = Field(title="市局审核截止时间")
    note: str = Field("", title="说明")
    extensions: dict[str, PilotExtension] = Field({}, title="单独延期的试点")

    def unit_deadline_of(self, credit_code: str) -> datetime:
        extension = self.extensions.get(credit_code)
        return max(self.unit_deadline, extension.unit_deadline) if extension else self.unit_deadline

    def city_deadline_of(self, credit_code: str) -> datetime:
        extension = self.extensions.get(credit_code)
        if extension and extension.city_deadline:
            return max(self.city_deadline, extension.city_deadline)
        return self.city_deadline


def shown_time(moment: datetime) -> str:
    """A deadline as users read it: 2024年1月31日 17:00."""
    return f"{moment.year}年{moment.month}月{moment.day}日 {moment:%H:%M}"


def _report_entity(batch_id: str, credit_code: str, year: int) -> str:
    return f"{pilot_entity(batch_id, credit_code)}/report/{year}"


def _checked_deadlines(unit_deadline: datetime, city_deadline: datetime) -> None:
    if city_deadline < unit_deadline:
        raise ReportError(f"市局审核截止时间（{shown_time(city_deadline)}）不能早于单位报送截止时间"
                          f"（{shown_time(unit_deadline)}）。")


def open_report_call(storage: Storage, principal: Principal, batch_id: str, year: int, unit_deadline: datetime,
                     city_deadline: datetime, reason: str, note: str = "") -> ReportCall:
    """Staff open (or set anew) the year's call for reports; the year must be one of the batch's pilot years."""
    require(principal, Permission.MANAGE_PILOTS, batch_id)
    reason = checked_reason(reason)
    batch = storage.get_batch(batch_id)
    if batch is None:
        raise ReportError(f"没有批次 {batch_id}。")
    first_year, last_year = pilot_years(batch.year)
    if not first_year <= year <= last_year:
        raise ReportError(f"{year} 年不在批次 {batch_id} 的试点建设期（{first_year}—{last_year}年）内。")
    _checked_deadlines(unit_deadline, city_deadline)
    before = report_store.call(storage, batch_id, year)
    extensions = ReportCall.model_validate(before).extensions if before else {}
    call = ReportCall(batch_id=batch_id, year=year, unit_deadline=unit_deadline, city_deadline=city_deadline,
                      note=(note or "").strip(), extensions=extensions)
    with storage.transaction(principal.actor) as tx:
        report_store.put_call(tx, batch_id, year, call.model_dump(mode="json"))
        tx.audit(ActionKind.REPORT_CALL, f"batch/{batch_id}/reports/{year}", reason,
                 {"unit_deadline": unit_deadline.isoformat(), "city_deadline": city_deadline.isoformat(),
                  "before": before})
    return call


def find_report_call(storage: Storage, batch_id: str, year: int) -> ReportCall | None:
    found = report_store.call(storage, batch_id, year)
    return ReportCall.model_validate(found) if found else None


def report_call(storage: Storage, principal: Principal, batch_id: str, year: int) -> ReportCall:
    """The year's call, for anyone who works with the batch's pilots; ReportError when none is open."""
    if not (principal.can(Permission.VIEW_PILOTS, batch_id) or principal.can(Permission.REPORT, batch_id)):
        require(principal, Permission.VIEW_PILOTS, batch_id)
    call = find_report_call(storage, batch_id, year)
    if call is None:
        raise ReportError(f"批次 {batch_id} 尚未开放 {year} 年度工作总结的报送。")
    return call


def extend_report_deadline(storage: Storage, principal: Principal, batch_id: str, year: int, reason: str, *,
                           unit_deadline: datetime | None = None, city_deadline: datetime | None = None,
                           credit_code: str | None = None) -> ReportCall:
    """Staff move the year's deadlines for the whole batch, or give one pilot (`credit_code`) a later unit deadline
    (and, if needed, city deadline) of its own; the reason is required and audited."""
    require(principal, Permission.MANAGE_PILOTS, batch_id)
    reason = checked_reason(reason)
    call = report_call(storage, principal, batch_id, year)
    if unit_deadline is None and city_deadline is None:
        raise ReportError("请给出新的单位报送截止时间或市局审核截止时间。")
    if credit_code:
        pilot = get_pilot(storage, principal, batch_id, credit_code)
        if unit_deadline is None or unit_deadline <= call.unit_deadline:
            raise ReportError(f"给“{pilot.unit_name}”的截止时间须晚于本年度的单位报送截止时间"
                              f"（{shown_time(call.unit_deadline)}）。")
        _checked_deadlines(unit_deadline, max(call.city_deadline, city_deadline or call.city_deadline))
        extension = PilotExtension(unit_deadline=unit_deadline, city_deadline=city_deadline, reason=reason,
                                   granted_at=clock.now(), granted_by=principal.actor)
        changed = call.model_copy(update={"extensions": {**call.extensions, pilot.credit_code: extension}})
        entity = _report_entity(batch_id, pilot.credit_code, year)
    else:
        changed = call.model_copy(update={k: v for k, v in (("unit_deadline", unit_deadline),
                                                             ("city_deadline", city_deadline)) if v is not None})
        _checked_deadlines(changed.unit_deadline, changed.city_deadline)
        entity = f"batch/{batch_id}/reports/{year}"
    with storage.transaction(principal.actor) as tx:
        report_store.put_call(tx, batch_id, year, changed.model_dump(mode="json"))
        tx.audit(ActionKind.REPORT_EXTEND, entity, reason,
                 {"credit_code": credit_code, "unit_deadline": unit_deadline.isoformat() if unit_deadline else None,
                  "city_deadline": city_deadline.isoformat() if city_deadline else None})
    return changed


# --- problems beside the fields ------------------------------------------------------------------------------------


class ReportProblem(BaseModel):
    """A problem of a report, shown beside its field (a dotted path: funds.0.spent); a blocking one stops the
    submission, the others are warnings for staff."""

    field: str
    message: str
    blocking: bool = True

    def __str__(self) -> str:
        return self.message


def report_problems(report: AnnualReport) -> list[ReportProblem]:
    """What must be corrected before the report is submitted, and what staff should look at (a start-up fund line
    that names a forbidden use: 申报书“三、经费预算”注2)."""
    problems = []
    if not report.summary.strip():
        problems.append(ReportProblem(field="summary", message="请填写年度工作总结。"))
    for source in FundSource:
        received, spent = report.received(source), report.spent(source)
        if spent > received:
            problems.append(ReportProblem(field="funds", message=f"{source}支出 {spent:.2f} 万元超过到位金额 "
                                                                  f"{received:.2f} 万元。"))
    for i, task in enumerate(report.tasks):
        if task.state is not TaskState.DONE and not task.explanation.strip():
            problems.append(ReportProblem(field=f"tasks.{i}.explanation",
                                          message=f"任务第 {i + 1} 行“{task.task}”{task.state}，请说明原因。"))
    for i, line in enumerate(report.funds):
        if line.source is not FundSource.START_UP:
            continue
        for use, word in forbidden_use_matches(line):
            problems.append(ReportProblem(
                field=f"funds.{i}.item", blocking=False,
                message=f"资金第 {i + 1} 行“{line.item}”含“{word}”：省启动资金不得用于{use}，请省局核实。"))
    return problems


# --- the unit's draft and submissions ------------------------------------------------------------------------------


class ReportVersion(BaseModel):
    """One stored version of a pilot's report of a year: the draft (version 0) or a submission (1, 2 …)."""

    report: AnnualReport
    version: int
    status: ReportStatus
    late: bool = False
    late_reason: str | None = None  # the extension's reason, for a late submission
    saved_at: datetime
    saved_by: str
    opinion: str | None = None  # the city bureau's opinion on this version
    agrees: bool | None = None
    opinion_at: datetime | None = None


def _version(record: report_store.ReportRecord, call: ReportCall | None) -> ReportVersion:
    extension = call.extensions.get(record.credit_code) if call else None
    return ReportVersion(report=AnnualReport.model_validate_json(record.data), version=record.version,
                         status=ReportStatus(record.status), late=record.late,
                         late_reason=extension.reason if record.late and extension else None,
                         saved_at=record.saved_at, saved_by=record.saved_by, opinion=record.opinion,
                         agrees=record.agrees, opinion_at=record.opinion_at)


def _own_active_pilot(storage: Storage, principal: Principal, batch_id: str, credit_code: str) -> Pilot:
    """Changing a report: only the unit's own account, for a pilot still under construction."""
    require(principal, Permission.REPORT, batch_id)
    if principal.unit is None or principal.unit.credit_code != compact_code(credit_code):
        raise AccessDenied("只能填报本单位的年度工作总结。")
    pilot = get_pilot(storage, principal, batch_id, credit_code)
    if not pilot.active:
        raise ReportError(f"试点“{pilot.unit_name}”状态为{pilot.status}，不再报送年度工作总结。")
    return pilot


def _checked_year(pilot: Pilot, year: int) -> None:
    if not pilot.in_year(year):
        raise ReportError(f"{year} 年不在试点“{pilot.unit_name}”的建设期（{pilot.period}）内。")


def new_report(storage: Storage, principal: Principal, batch_id: str, year: int) -> AnnualReport:
    """A pre-filled draft for the unit's own pilot: the year's empty tables and, as fund lines, the 申报书's budget
    rows of that year (拟定申请 → 省启动资金, 拟定配套 → 单位配套资金), so that the unit fills received and spent."""
    code = principal.unit.credit_code if principal.unit else ""
    pilot = _own_active_pilot(storage, principal, batch_id, code)
    _checked_year(pilot, year)
    application = storage.get_application(batch_id, pilot.credit_code)
    rows = [r for r in application.budget.rows if r.year == year] if application else []
    funds = [FundLine(item=r.item, source=FundSource.START_UP if r.funding is Funding.REQUESTED else FundSource.MATCHING,
                      budget=r.amount, explanation=r.explanation) for r in rows]
    return AnnualReport(batch_id=batch_id, credit_code=pilot.credit_code, year=year, patents=YearPatents(year=year),
                        conversion=YearConversion(year=year), funds=funds)


def _versions(storage: Storage, batch_id: str, credit_code: str, year: int) -> list[report_store.ReportRecord]:
    return report_store.versions(storage, batch_id, credit_code, year)


def _latest_submission(records: list[report_store.ReportRecord]) -> report_store.ReportRecord | None:
    return next((r for r in reversed(records) if r.version >= 1), None)


def _require_unlocked(records: list[report_store.ReportRecord]) -> None:
    latest = _latest_submission(records)
    if latest is not None and ReportStatus(latest.status) is not ReportStatus.RETURNED:
        raise ReportError(f"第 {latest.version} 版{latest.status}，不能再修改；市局退回后方可修改。")


def save_report(storage: Storage, principal: Principal, batch_id: str, year: int,
                report: AnnualReport) -> ReportVersion:
    """The unit saves its report of the year as the draft (version 0), as often as it likes until it submits."""
    pilot = _own_active_pilot(storage, principal, batch_id, report.credit_code)
    if report.batch_id != batch_id or report.year != year:
        raise ReportError(f"总结的批次、年度（{report.batch_id}，{report.year} 年）与所选的（{batch_id}，{year} 年）不一致。")
    _checked_year(pilot, year)
    report = report.model_copy(update={"credit_code": pilot.credit_code})
    _require_unlocked(_versions(storage, batch_id, pilot.credit_code, year))
    with storage.transaction(principal.actor) as tx:
        report_store.put_draft(tx, batch_id, pilot.credit_code, year, report.model_dump_json(), str(ReportStatus.DRAFT))
        tx.audit(ActionKind.REPORT_SAVE, _report_entity(batch_id, pilot.credit_code, year), "保存草稿",
                 {"converted": report.converted, "funds": len(report.funds), "tasks": len(report.tasks)})
    return current_draft(storage, principal, batch_id, pilot.credit_code, year)


def current_draft(storage: Storage, principal: Principal, batch_id: str, credit_code: str,
                  year: int) -> ReportVersion | None:
    """The unit's stored draft of the year (version 0), or None before its first save."""
    pilot = _readable_pilot(storage, principal, batch_id, credit_code)
    records = [r for r in _versions(storage, batch_id, pilot.credit_code, year) if r.version == 0]
    return _version(records[0], None) if records else None


def submit_report(storage: Storage, principal: Principal, batch_id: str, credit_code: str,
                  year: int) -> ReportVersion:
    """The unit submits its saved draft to its city bureau: a new version (1, 2 …) with status 已提交市局. Due by the
    call's unit deadline; a pilot with an extension of its own may submit until that, and the version is late."""
    pilot = _own_active_pilot(storage, principal, batch_id, credit_code)
    call = report_call(storage, principal, batch_id, year)
    records = _versions(storage, batch_id, pilot.credit_code, year)
    draft = next((r for r in records if r.version == 0), None)
    if draft is None:
        raise ReportError(f"尚未保存 {year} 年度工作总结，请先填写并保存。")
    _require_unlocked(records)
    blocking = [p for p in report_problems(AnnualReport.model_validate_json(draft.data)) if p.blocking]
    if blocking:
        raise ReportError("年度工作总结尚有问题须改正：" + "；".join(p.message for p in blocking))
    now = clock.now()
    deadline = call.unit_deadline_of(pilot.credit_code)
    if now > deadline:
        raise ReportError(f"{year} 年度工作总结的报送截止时间为 {shown_time(deadline)}，已过截止时间，不能提交。")
    late = now > call.unit_deadline
    version = report_store.last_version(storage, batch_id, pilot.credit_code, year) + 1
    with storage.transaction(principal.actor) as tx:
        report_store.insert_version(tx, batch_id, pilot.credit_code, year, version, draft.data,
                                    str(ReportStatus.SUBMITTED), late)
        detail = {"version": version, "late": late}
        if late:
            detail["extension"] = call.extensions[pilot.credit_code].reason
        tx.audit(ActionKind.REPORT_SUBMIT, _report_entity(batch_id, pilot.credit_code, year),
                 "逾期提交（已单独延期）" if late else "提交市局", detail)
    return _version(_versions(storage, batch_id, pilot.credit_code, year)[-1], call)


# --- the city bureau's opinion -------------------------------------------------------------------------------------


def give_opinion(storage: Storage, principal: Principal, batch_id: str, credit_code: str, year: int, agrees: bool,
                 opinion: str) -> ReportVersion:
    """The pilot's own city bureau gives its opinion on the submitted report before the city deadline: agreeing
    sends it on to the province (市局已审核); not agreeing returns it to the unit with the opinion as the reason."""
    pilot = get_pilot(storage, principal, batch_id, credit_code)
    if Role.CITY not in principal.roles_in(batch_id) or pilot.city not in principal.cities_in(batch_id):
        raise AccessDenied(f"只有{pilot.city}知识产权局可以审核“{pilot.unit_name}”的年度工作总结。")
    opinion = (opinion or "").strip()
    if len(opinion) < 2:
        raise ReportError("请填写市局意见（至少两个字）" + ("。" if agrees else "，退回时意见即退回理由。"))
    call = report_call(storage, principal, batch_id, year)
    latest = _latest_submission(_versions(storage, batch_id, pilot.credit_code, year))
    if latest is None or ReportStatus(latest.status) is not ReportStatus.SUBMITTED:
        state = f"第 {latest.version} 版{latest.status}" if latest else "尚未提交"
        raise ReportError(f"“{pilot.unit_name}”的 {year} 年度工作总结{state}，没有待审核的版本。")
    deadline = call.city_deadline_of(pilot.credit_code)
    if clock.now() > deadline:
        raise ReportError(f"{year} 年度工作总结的市局审核截止时间为 {shown_time(deadline)}，已过截止时间。")
    status = ReportStatus.REVIEWED if agrees else ReportStatus.RETURNED
    with storage.transaction(principal.actor) as tx:
        report_store.insert_opinion(tx, batch_id, pilot.credit_code, year, latest.version, agrees, opinion)
        report_store.set_status(tx, batch_id, pilot.credit_code, year, latest.version, str(status))
        tx.audit(ActionKind.REPORT_OPINION, _report_entity(batch_id, pilot.credit_code, year), opinion,
                 {"version": latest.version, "agrees": agrees, "status": str(status)})
    return _version(_versions(storage, batch_id, pilot.credit_code, year)[-1], call)


# --- reading -------------------------------------------------------------------------------------------------------


def _readable_pilot(storage: Storage, principal: Principal, batch_id: str, credit_code: str) -> Pilot:
    """A unit reads its own pilot's reports, a city bureau its city's, staff and observers every pilot's."""
    if not (principal.can(Permission.VIEW_PILOTS, batch_id) or principal.can(Permission.REPORT, batch_id)):
        require(principal, Permission.VIEW_PILOTS, batch_id)
    return get_pilot(storage, principal, batch_id, credit_code)


def year_reports(storage: Storage, principal: Principal, batch_id: str, credit_code: str) -> list[ReportVersion]:
    """Every version of the pilot's reports, every year, oldest first (the draft of a year before its submissions)."""
    pilot = _readable_pilot(storage, principal, batch_id, credit_code)
    calls: dict[int, ReportCall | None] = {}
    found = []
    for record in report_store.versions(storage, batch_id, pilot.credit_code):
        if record.year not in calls:
            calls[record.year] = find_report_call(storage, batch_id, record.year)
        found.append(_version(record, calls[record.year]))
    return found


def report_in_force(storage: Storage, principal: Principal, batch_id: str, credit_code: str,
                    year: int) -> ReportVersion | None:
    """The latest submitted version of the pilot's report of the year (version ≥ 1), or None."""
    pilot = _readable_pilot(storage, principal, batch_id, credit_code)
    found = report_store.in_force_of_year(storage, batch_id, year, pilot.credit_code)
    return _version(found[0], find_report_call(storage, batch_id, year)) if found else None


def report_under_review(storage: Storage, batch_id: str, credit_code: str, year: int) -> ReportVersion | None:
    """The report in force a yearly acceptance or final round reviews, read for the expert it is assigned to (the
    scoring stage checked the assignment)."""
    found = report_store.in_force_of_year(storage, batch_id, year, credit_code)
    return _version(found[0], find_report_call(storage, batch_id, year)) if found else None


def reports_of_year(storage: Storage, principal: Principal, batch_id: str, year: int) -> dict[str, ReportVersion]:
    """The report in force of every pilot of the batch the principal may see, by credit code (one query)."""
    visible = {p.credit_code for p in pilots(storage, principal, batch_id)}
    call = find_report_call(storage, batch_id, year)
    return {r.credit_code: _version(r, call) for r in report_store.in_force_of_year(storage, batch_id, year)
            if r.credit_code in visible}


class ProgressState(StrEnum):
    NOT_STARTED = "未填报"
    DRAFT = "草稿"
    SUBMITTED = "已提交"
    RETURNED = "退回"
    REVIEWED = "已审核"


_PROGRESS = {ReportStatus.SUBMITTED: ProgressState.SUBMITTED, ReportStatus.RETURNED: ProgressState.RETURNED,
             ReportStatus.REVIEWED: ProgressState.REVIEWED}


class ReportProgress(BaseModel):
    """Where one pilot's report of the year stands."""

    credit_code: str
    unit_name: str
    city: str
    state: ProgressState
    version: int | None = None  # the latest submission's
    late: bool = False
    submitted_at: datetime | None = None
    unit_deadline: datetime | None = None


def report_progress(storage: Storage, principal: Principal, batch_id: str, year: int) -> list[ReportProgress]:
    """Per pilot the principal may see (in list order): 未填报 / 草稿 / 已提交 / 退回 / 已审核, and whether late."""
    call = find_report_call(storage, batch_id, year)
    found = {r.credit_code: r for r in report_store.progress_of_year(storage, batch_id, year)}
    listed = []
    for pilot in pilots(storage, principal, batch_id):
        record = found.get(pilot.credit_code)
        if record is None:
            state = ProgressState.NOT_STARTED
        elif record.last_status is None:
            state = ProgressState.DRAFT
        else:
            state = _PROGRESS[ReportStatus(record.last_status)]
        listed.append(ReportProgress(
            credit_code=pilot.credit_code, unit_name=pilot.unit_name, city=pilot.city, state=state,
            version=record.last_version if record and record.last_status else None,
            late=bool(record and record.last_late), submitted_at=record.submitted_at if record else None,
            unit_deadline=call.unit_deadline_of(pilot.credit_code) if call else None))
    return listed


def report_from_data(data: dict) -> AnnualReport:
    """A report from what a page or a file gave, or ReportError naming each field in the report's own words
    (资金到位与使用情况 · 第 2 行 · 支出项目：必须填写)."""
    try:
        return AnnualReport.model_validate(data)
    except ValidationError as exc:
        problems = [f"{_field_words(e['loc'])}：{explain_validation_error(e)}" for e in exc.errors()]
        raise ReportError("年度工作总结有误：" + "；".join(problems)) from None


def _field_words(loc: tuple) -> str:
    model: type[BaseModel] | None = AnnualReport
    words = []
    for part in loc:
        if isinstance(part, int):
            words.append(f"第 {part + 1} 行")
            continue
        info = model.model_fields.get(part) if model else None
        words.append(info.title if info and info.title else str(part))
        annotation = info.annotation if info else None
        if getattr(annotation, "__origin__", None) is list:
            (annotation,) = annotation.__args__
        model = annotation if isinstance(annotation, type) and issubclass(annotation, BaseModel) else None
    return " · ".join(words) or "年度工作总结"
