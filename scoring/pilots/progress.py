"""A pilot's figures year by year against its goals and the guideline's aim (每年转化50—100件专利): what each in-force
yearly report says, what the plan promised for that year and for the three years, and how far the pilot has come.
Pure: the caller reads the pilot, its goals and its reports."""
from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from decimal import ROUND_HALF_UP, Decimal
from enum import StrEnum
from typing import Protocol

from pydantic import BaseModel, ConfigDict, Field, computed_field

from scoring.common.models import AmountBasis
from scoring.pilots import goals as goal_rules
from scoring.pilots.goals import GoalKey, PilotGoal
from scoring.pilots.registry import Pilot
from scoring.pilots.reports import AnnualReport, FundSource

NOT_REPORTED = "未报送"
NO_GOAL = "无目标"
GOAL_MET = "达到目标"
BEHIND_GOAL = "未达目标"

_AIM_LOW, _AIM_HIGH = goal_rules.AIM_CONVERSIONS_PER_YEAR
_AIM_TEXT = f"每年{_AIM_LOW}—{_AIM_HIGH}件"


class AimVerdict(StrEnum):
    """Where a year's conversions stand against the guideline's aim; both edges (50, 100) are within."""

    BELOW = f"低于指南目标（{_AIM_TEXT}）"
    WITHIN = f"达到指南目标（{_AIM_TEXT}）"
    ABOVE = f"超过指南目标（{_AIM_TEXT}）"


def aim_verdict(converted: Decimal | int) -> AimVerdict:
    """力争每年转化50—100件专利: fewer than 50 is below, 50 to 100 (both included) within, more than 100 above."""
    if converted < _AIM_LOW:
        return AimVerdict.BELOW
    if converted > _AIM_HIGH:
        return AimVerdict.ABOVE
    return AimVerdict.WITHIN


def goal_state(value: Decimal | int | None, goal: Decimal | None) -> str:
    """未报送 when the year has no report (never counted as 0); 无目标 without a goal; met when value ≥ goal."""
    if value is None:
        return NOT_REPORTED
    if goal is None:
        return NO_GOAL
    return GOAL_MET if value >= goal else BEHIND_GOAL


def share_reached(value: Decimal | int, goal: Decimal | None) -> Decimal | None:
    """The share of the goal reached, in percent with two places; None without a goal (or a goal of 0)."""
    if goal is None or goal == 0:
        return None
    return (Decimal(value) * 100 / goal).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


class YearFigures(BaseModel):
    """One year of the period: the in-force report's figures (all None when the year is not reported) and the year's
    goals."""

    model_config = ConfigDict(frozen=True)

    year: int = Field(title="年度")
    reported: bool = Field(title="已报送")
    report_version: int | None = Field(None, title="总结版本")
    converted: int | None = Field(None, title="转化专利（件）")
    transfers: int | None = Field(None, title="转让（件）")
    licences: int | None = Field(None, title="许可（件）")
    equity: int | None = Field(None, title="作价入股（件）")
    amount: Decimal | None = Field(None, title="转化金额（万元）")
    amount_contract: Decimal | None = Field(None, title="合同额（万元）")
    amount_received: Decimal | None = Field(None, title="实际到账额（万元）")
    enterprises: int | None = Field(None, title="对接企业（家）")
    open_licences: int | None = Field(None, title="开放许可实施（件）")
    granted: int | None = Field(None, title="专利授权（件）")
    start_up_received: Decimal | None = Field(None, title="启动资金到位（万元）")
    start_up_spent: Decimal | None = Field(None, title="启动资金支出（万元）")
    goals: dict[GoalKey, Decimal | None] = Field(default_factory=dict, title="年度目标")

    def value(self, key: GoalKey) -> Decimal | int | None:
        """The year's figure a goal counts (the amount by the batch's basis)."""
        return {GoalKey.CONVERTED: self.converted, GoalKey.AMOUNT: self.amount, GoalKey.ENTERPRISES: self.enterprises,
                GoalKey.OPEN_LICENCES: self.open_licences, GoalKey.GRANTED: self.granted}[key]

    def state(self, key: GoalKey) -> str:
        return goal_state(self.value(key), self.goals.get(key))

    @computed_field(title="低于年度目标")
    @property
    def behind_goal(self) -> dict[GoalKey, bool]:
        """Per figure: reported and below the year's goal (a year not reported is not behind: it is 未报送)."""
        return {key: self.state(key) == BEHIND_GOAL for key in GoalKey}

    @computed_field(title="对照指南目标")
    @property
    def aim(self) -> AimVerdict | None:
        return None if self.converted is None else aim_verdict(self.converted)


class PeriodFigure(BaseModel):
    """One figure over the period: the reported years' sum against the three years' goal."""

    model_config = ConfigDict(frozen=True)

    key: GoalKey = Field(title="指标")
    total: Decimal = Field(title="累计（已报送年度）")
    goal: Decimal | None = Field(None, title="三年目标")
    share: Decimal | None = Field(None, title="完成比例（%）")
    reported_years: int = Field(title="已报送年度数")

    @property
    def state(self) -> str:
        if self.reported_years == 0:
            return NOT_REPORTED
        return goal_state(self.total, self.goal)


class PilotProgress(BaseModel):
    """A pilot's period year by year, then as a whole."""

    model_config = ConfigDict(frozen=True)

    batch_id: str
    credit_code: str
    unit_name: str
    basis: AmountBasis = Field(title="转化金额口径")
    years: list[YearFigures]
    period: list[PeriodFigure]
    amount_contract: Decimal = Field(title="累计合同额（万元）")
    amount_received: Decimal = Field(title="累计实际到账额（万元）")
    converted_per_year: Decimal | None = Field(None, title="年均转化专利（件，按已报送年度）")

    @computed_field(title="年均转化对照指南目标")
    @property
    def aim(self) -> AimVerdict | None:
        return None if self.converted_per_year is None else aim_verdict(self.converted_per_year)

    def figure(self, key: GoalKey) -> PeriodFigure:
        return next(f for f in self.period if f.key is key)

    def year(self, year: int) -> YearFigures:
        return next(y for y in self.years if y.year == year)

    @property
    def behind_goal(self) -> dict[int, list[GoalKey]]:
        """Per year, the figures reported below the year's goal (years with none left out)."""
        return {y.year: behind for y in self.years if (behind := [k for k, v in y.behind_goal.items() if v])}


def _year_figures(year: int, report: AnnualReport | None, goals: Sequence[PilotGoal], basis: AmountBasis,
                  version: int | None) -> YearFigures:
    yearly_goals = {key: goal_rules.goal_for(goals, key, year) for key in GoalKey}
    if report is None:
        return YearFigures(year=year, reported=False, goals=yearly_goals)
    conversion = report.conversion
    return YearFigures(
        year=year, reported=True, report_version=version, converted=conversion.converted,
        transfers=conversion.transfer_count, licences=conversion.licence_count, equity=conversion.equity_count,
        amount=conversion.amount(basis), amount_contract=conversion.amount(AmountBasis.CONTRACT),
        amount_received=conversion.amount(AmountBasis.RECEIVED), enterprises=report.enterprises_connected,
        open_licences=conversion.open_licence_implemented, granted=report.patents.granted,
        start_up_received=report.received(FundSource.START_UP), start_up_spent=report.spent(FundSource.START_UP),
        goals=yearly_goals)


def _period_figure(key: GoalKey, years: Sequence[YearFigures], goals: Sequence[PilotGoal]) -> PeriodFigure:
    values = [v for y in years if (v := y.value(key)) is not None]
    total = sum((Decimal(v) for v in values), Decimal(0))
    goal = goal_rules.period_goal(goals, key, [y.year for y in years])
    return PeriodFigure(key=key, total=total, goal=goal, share=share_reached(total, goal) if values else None,
                        reported_years=len(values))


def pilot_progress(pilot: Pilot, goals: list[PilotGoal], reports: Mapping[int, AnnualReport], basis: AmountBasis,
                   versions: Mapping[int, int] | None = None) -> PilotProgress:
    """Every year of the pilot's period with its in-force report's figures (or 未报送) and its goals, then the period:
    the reported years' totals against the three years' goals with the share reached, and the mean conversions per
    reported year against the guideline's aim. Reports of years outside the period are left out."""
    versions = versions or {}
    years = [_year_figures(y, reports.get(y), goals, basis, versions.get(y)) for y in pilot.years]
    reported = [y for y in years if y.reported]
    converted = sum((y.converted or 0 for y in reported), 0)
    return PilotProgress(
        batch_id=pilot.batch_id, credit_code=pilot.credit_code, unit_name=pilot.unit_name, basis=basis, years=years,
        period=[_period_figure(key, years, goals) for key in GoalKey],
        amount_contract=sum((y.amount_contract or Decimal(0) for y in reported), Decimal(0)),
        amount_received=sum((y.amount_received or Decimal(0) for y in reported), Decimal(0)),
        converted_per_year=(Decimal(converted) / len(reported)).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
        if reported else None)


class _Version(Protocol):
    report: AnnualReport
    version: int


def reports_in_force(versions: Iterable[_Version]) -> tuple[dict[int, AnnualReport], dict[int, int]]:
    """Of every yearly report version, each year's in force: the latest submitted one (version ≥ 1; version 0 is the
    draft). Returns the reports by year and their version numbers by year."""
    latest: dict[int, _Version] = {}
    for v in versions:
        if v.version >= 1 and (v.report.year not in latest or v.version > latest[v.report.year].version):
            latest[v.report.year] = v
    return {y: v.report for y, v in latest.items()}, {y: v.version for y, v in latest.items()}
