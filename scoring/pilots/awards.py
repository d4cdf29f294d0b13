"""The extra award (追加奖励) of the pilots' yearly acceptance (指引 六(四)): the year's award standard (奖补标准) as a
setting, a pure computation that shows every step (per converted patent, per 万元 of conversion money, the cap per
pilot, the year's total budget), and staff's confirmation of it, which units and city bureaus may read."""
from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence
from datetime import datetime
from decimal import ROUND_DOWN, ROUND_HALF_UP, Decimal
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from scoring.common.access import PERMISSIONS, AccessDenied, Permission, Principal, require
from scoring.common.models import ActionKind, AmountBasis, Count, FormModel, RoundKind, Wan
from scoring.common.normalize import explain_validation_error
from scoring.pilots import registry
from scoring.pilots.registry import Pilot, PilotError, PilotStatus, may_see_pilot, pilot_entity
from scoring.pilots.outcomes import current_outcomes, funds_findings
from scoring.pilots.reports import AnnualReport, reports_of_year
from scoring.rounds.review_rounds import list_rounds
from scoring.storage import Storage
from scoring.storage import award_store as store

CENT = Decimal("0.01")
DEFAULT_OUTCOMES = ("优秀", "合格")
BARRED_STATUSES = (PilotStatus.REVOKED, PilotStatus.FAILED)
Positive = Annotated[Decimal, Field(gt=0, max_digits=14, decimal_places=2)]
Rate = Annotated[Decimal, Field(ge=0, le=1, max_digits=6, decimal_places=4)]


class AwardError(PilotError):
    """A request about the extra awards that cannot be done; the message is for users."""


class AwardStandard(FormModel):
    """The year's award standard (奖补标准): what a converted patent and a 万元 of conversion money earn, the cap per
    pilot, the year's total, and who may receive an award at all."""

    year: int = Field(ge=2000, le=2100, title="年度")
    basis: str = Field("", max_length=200, title="依据文件")
    transfer_rate: Wan = Field(Decimal("0"), title="转让每件奖励（万元/件）")
    licence_rate: Wan = Field(Decimal("0"), title="许可每件奖励（万元/件）")
    equity_rate: Wan = Field(Decimal("0"), title="作价入股每件奖励（万元/件）")
    amount_rate: Rate = Field(Decimal("0"), title="按转化金额奖励比例（如 0.05 即 5%）")
    amount_basis: AmountBasis = Field(AmountBasis.RECEIVED, title="转化金额口径")
    cap: Positive = Field(title="单个试点奖励上限（万元）")
    budget: Positive | None = Field(None, title="年度奖励总额（万元，不填则不限）")
    min_converted: Count = Field(1, title="本年度转化专利不少于（件）")
    outcomes: list[str] = Field(list(DEFAULT_OUTCOMES), min_length=1, title="年度验收结果须为")

    @field_validator("outcomes")
    @classmethod
    def _distinct_outcomes(cls, value: list[str]) -> list[str]:
        cleaned = [v.strip() for v in value if v.strip()]
        if not cleaned:
            raise ValueError("至少列出一种可获奖励的年度验收结果")
        return list(dict.fromkeys(cleaned))

    def rate_line(self) -> str:
        """The standard in one line, for the page and the workbook."""
        parts = [f"转让 {self.transfer_rate:.2f}、许可 {self.licence_rate:.2f}、作价入股 {self.equity_rate:.2f} 万元/件",
                 f"{self.amount_basis.value} × {percent(self.amount_rate)}", f"单个试点上限 {self.cap:.2f} 万元",
                 f"年度总额 {self.budget:.2f} 万元" if self.budget is not None else "年度总额不限"]
        return "；".join(parts)


class AwardStep(BaseModel):
    """One line of a computation: what it is, the formula with its figures, and the amount it gives."""

    model_config = ConfigDict(frozen=True)

    label: str
    formula: str
    amount: Decimal


class AwardComputation(BaseModel):
    """One pilot's award for the year: whether it may receive one (and why not), each step, the amount."""

    model_config = ConfigDict(frozen=True)

    pilot: Pilot
    year: int
    outcome: str | None = None
    converted: int | None = None  # None: no report
    conversion_amount: Decimal | None = None
    amount_basis: AmountBasis
    eligible: bool
    reasons: list[str] = []
    steps: list[AwardStep] = []
    amount: Decimal = Decimal("0.00")

    @property
    def process(self) -> str:
        """Every step as text, one a line (the reasons when not eligible)."""
        if not self.eligible:
            return "不符合奖励条件：" + "；".join(self.reasons)
        return "\n".join(f"{s.label}：{s.formula}" for s in self.steps)


class ConfirmedAward(BaseModel):
    """An award staff confirmed, with the standard it was computed under."""

    model_config = ConfigDict(frozen=True)

    computation: AwardComputation
    standard: AwardStandard
    confirmed_at: datetime
    confirmed_by: str

    @property
    def amount(self) -> Decimal:
        return self.computation.amount


# --- the computation (pure) ----------------------------------------------------------------------------------------


def percent(rate: Decimal) -> str:
    """0.05 → “5%”, 0.025 → “2.5%”."""
    return f"{format((rate * 100).normalize(), 'f')}%"


def cents(value: Decimal) -> Decimal:
    return value.quantize(CENT, rounding=ROUND_HALF_UP)


def ineligibility(standard: AwardStandard, pilot: Pilot, report: AnnualReport | None, outcome: str | None,
                  misused: bool) -> list[str]:
    """Every rule the pilot fails for the year, each naming the rule and the pilot's figure."""
    reasons = []
    if not pilot.in_year(standard.year):
        reasons.append(f"{standard.year} 年不在试点建设期（{pilot.period}）内")
    if pilot.status in BARRED_STATUSES:
        reasons.append(f"试点状态为“{pilot.status.value}”，不予奖励")
    if misused:
        reasons.append("经核查存在启动资金违规使用情形，不予奖励")
    allowed = "、".join(standard.outcomes)
    if not outcome:
        reasons.append(f"尚无 {standard.year} 年度验收结果（须为{allowed}）")
    elif outcome not in standard.outcomes:
        reasons.append(f"年度验收结果为“{outcome}”，不在奖励范围（{allowed}）内")
    if report is None:
        reasons.append("未报送年度工作总结")
    elif report.converted < standard.min_converted:
        reasons.append(f"本年度转化专利 {report.converted} 件，少于奖励条件 {standard.min_converted} 件")
    return reasons


def base_steps(standard: AwardStandard, report: AnnualReport) -> list[AwardStep]:
    """Per converted patent by kind, per 万元 of conversion money, their sum; each line rounded to 0.01 万元 so that
    the lines shown add up to the sum shown."""
    c = report.conversion
    steps = [AwardStep(label=label, formula=f"{label} {count} 件 × {rate:.2f} 万元/件 = {cents(count * rate):.2f} 万元",
                       amount=cents(count * rate))
             for label, count, rate in (("转让", c.transfer_count, standard.transfer_rate),
                                        ("许可", c.licence_count, standard.licence_rate),
                                        ("作价入股", c.equity_count, standard.equity_rate))]
    money = report.amount(standard.amount_basis)
    by_money = cents(money * standard.amount_rate)
    steps.append(AwardStep(label=f"按{standard.amount_basis.value}",
                           formula=f"{standard.amount_basis.value} {money:.2f} 万元 × {percent(standard.amount_rate)}"
                                   f" = {by_money:.2f} 万元", amount=by_money))
    total = sum((s.amount for s in steps), Decimal("0.00"))
    steps.append(AwardStep(label="合计", formula=f"合计 {total:.2f} 万元", amount=total))
    return steps


def capped(standard: AwardStandard, amount: Decimal) -> AwardStep | None:
    """The cap step when the amount is above the cap (an amount equal to it stays)."""
    if amount <= standard.cap:
        return None
    return AwardStep(label="单个试点上限", formula=f"超过单个试点上限 {standard.cap:.2f} 万元，按 {standard.cap:.2f} 万元计",
                     amount=standard.cap)


def shares_of_budget(amounts: Sequence[Decimal], budget: Decimal) -> list[Decimal]:
    """Each amount scaled by budget ÷ total, in cents that sum to exactly the budget (largest remainder): every share
    is first cut to the cent below, then the cents left go one each to the largest remainders, the earlier pilot first
    on a tie. Whenever rounding each share half up already sums to the budget, this gives the same shares."""
    total = sum(amounts, Decimal("0"))
    exact = [a * budget / total for a in amounts]
    shares = [e.quantize(CENT, rounding=ROUND_DOWN) for e in exact]
    left = int((budget - sum(shares, Decimal("0"))) / CENT)
    by_remainder = sorted(range(len(amounts)), key=lambda i: (-(exact[i] - shares[i]), i))
    for i in by_remainder[:left]:
        shares[i] += CENT
    return shares


def _scaling_steps(standard: AwardStandard, amounts: list[Decimal]) -> list[AwardStep]:
    budget = standard.budget
    total = sum(amounts, Decimal("0"))
    shares = shares_of_budget(amounts, budget)
    factor = (budget / total).quantize(Decimal("0.0001"), rounding=ROUND_HALF_UP)
    steps = []
    for amount, share in zip(amounts, shares):
        exact = amount * budget / total
        tail = share - exact.quantize(CENT, rounding=ROUND_HALF_UP)
        note = f"（含分配尾差 {tail:+.2f} 万元，使各试点合计恰为年度奖励总额）" if tail else ""
        steps.append(AwardStep(
            label="年度总额核减",
            formula=(f"年度奖励总额 {budget:.2f} 万元不足（符合条件试点合计 {total:.2f} 万元），按 {budget:.2f} ÷ "
                     f"{total:.2f} ≈ {factor} 比例核减：{amount:.2f} × {budget:.2f} ÷ {total:.2f} = {exact:.4f}"
                     f" → {share:.2f} 万元{note}"),
            amount=share))
    return steps


def compute_awards(standard: AwardStandard, pilots: Sequence[Pilot], reports: Mapping[str, AnnualReport],
                   outcomes: Mapping[str, str], misused: Collection[str]) -> list[AwardComputation]:
    """Every pilot's award for the standard's year, in the given order. `reports` are the in-force yearly reports by
    credit code, `outcomes` the year's acceptance outcome by credit code, `misused` the credit codes with a finding
    of misused start-up funds. A pilot that fails a rule gets 0 with every reason; the others get the sum of their
    lines, capped per pilot, then scaled down together when their sum exceeds the year's total budget."""
    found: list[tuple[Pilot, AnnualReport | None, list[str], list[AwardStep]]] = []
    for pilot in pilots:
        report = reports.get(pilot.credit_code)
        if report is not None and report.year != standard.year:
            report = None
        reasons = ineligibility(standard, pilot, report, outcomes.get(pilot.credit_code),
                                pilot.credit_code in misused)
        steps = [] if reasons else base_steps(standard, report)
        if steps and (cap := capped(standard, steps[-1].amount)):
            steps.append(cap)
        found.append((pilot, report, reasons, steps))
    eligible = [steps for _, _, reasons, steps in found if not reasons]
    amounts = [steps[-1].amount for steps in eligible]
    if standard.budget is not None and sum(amounts, Decimal("0")) > standard.budget:
        for steps, scaled in zip(eligible, _scaling_steps(standard, amounts)):
            steps.append(scaled)
    return [AwardComputation(
        pilot=pilot, year=standard.year, outcome=outcomes.get(pilot.credit_code),
        converted=None if report is None else report.converted,
        conversion_amount=None if report is None else report.amount(standard.amount_basis),
        amount_basis=standard.amount_basis, eligible=not reasons, reasons=reasons, steps=steps,
        amount=steps[-1].amount if steps else Decimal("0.00"))
        for pilot, report, reasons, steps in found]


# --- the standard (a setting) --------------------------------------------------------------------------------------


def _reads_pilots(principal: Principal) -> bool:
    """Anyone who sees some pilot or speaks for one: the standard is the province's published rule."""
    return any(p in PERMISSIONS[g.role] for g in principal.grants for p in (Permission.VIEW_PILOTS, Permission.REPORT))


def parsed_standard(data: dict) -> AwardStandard:
    """The standard from a form or a file, or AwardError naming each wrong field in Chinese."""
    try:
        return AwardStandard.model_validate(data)
    except ValidationError as exc:
        titles = AwardStandard.model_fields
        lines = []
        for error in exc.errors():
            field = str(error["loc"][0]) if error["loc"] else ""
            title = titles[field].title if field in titles else field
            lines.append(f"{title}：{explain_validation_error(error)}" if title else explain_validation_error(error))
        raise AwardError("奖补标准有误：" + "；".join(lines)) from exc


def award_standard(storage: Storage, principal: Principal, year: int) -> AwardStandard | None:
    """The year's standard, or None when staff have not set it."""
    if not _reads_pilots(principal):
        raise AccessDenied(f"{principal.display_name}无权查看追加奖励标准。")
    found = store.standard(storage, year)
    return AwardStandard.model_validate(found.data) if found else None


def save_standard(storage: Storage, principal: Principal, year: int, standard: AwardStandard,
                  reason: str) -> AwardStandard:
    """Staff set the year's standard; the one before is kept in the audit entry."""
    require(principal, Permission.MANAGE_PILOTS)
    reason = registry.checked_reason(reason)
    if standard.year != year:
        raise AwardError(f"奖补标准的年度 {standard.year} 与所设年度 {year} 不一致。")
    before = store.standard(storage, year)
    data = standard.model_dump(mode="json")
    with storage.transaction(principal.actor) as tx:
        store.put_standard(tx, year, data)
        tx.audit(ActionKind.AWARD_STANDARD, f"award-standard/{year}", reason,
                 {"before": before.data if before else None, "after": data})
    return standard


def required_standard(storage: Storage, principal: Principal, year: int) -> AwardStandard:
    found = award_standard(storage, principal, year)
    if found is None:
        raise AwardError(f"尚未设置 {year} 年度的追加奖励标准（奖补标准），请先设置。")
    return found


# --- preview, confirmation, reading --------------------------------------------------------------------------------


def reports_in_force(storage: Storage, principal: Principal, batch_id: str, year: int) -> dict[str, AnnualReport]:
    """The year's in-force reports (the latest submission of each) by credit code."""
    return {code: version.report for code, version in reports_of_year(storage, principal, batch_id, year).items()}


def acceptance_inputs(storage: Storage, principal: Principal, batch_id: str,
                      year: int) -> tuple[dict[str, str], set[str]]:
    """What the award's rules ask of the year's acceptance: the outcomes decided in the batch's newest 年度验收 round
    of that year, by credit code, and the credit codes with a finding of misused start-up funds."""
    rounds = [r for r in list_rounds(storage, principal, batch_id)
              if r.kind is RoundKind.ANNUAL_ACCEPTANCE and r.year == year]
    decided = current_outcomes(storage, principal, rounds[-1].round_id) if rounds else {}
    misused = {code for code, found in funds_findings(storage, principal, batch_id, year).items() if found.misused}
    return {code: d.outcome for code, d in decided.items()}, misused


def preview_awards(storage: Storage, principal: Principal, batch_id: str, year: int, outcomes: Mapping[str, str],
                   misused: Collection[str],
                   reports: Mapping[str, AnnualReport] | None = None) -> list[AwardComputation]:
    """The awards the year's standard gives the batch's pilots the principal may see, nothing stored. Without
    `reports` the in-force reports are read."""
    require(principal, Permission.VIEW_PILOTS, batch_id)
    standard = required_standard(storage, principal, year)
    pilots = registry.pilots(storage, principal, batch_id)
    if reports is None:
        reports = reports_in_force(storage, principal, batch_id, year)
    return compute_awards(standard, pilots, reports, outcomes, misused)


def _stored(record: store.AwardRecord) -> ConfirmedAward:
    return ConfirmedAward(computation=AwardComputation.model_validate(record.data["computation"]),
                          standard=AwardStandard.model_validate(record.data["standard"]),
                          confirmed_at=record.confirmed_at, confirmed_by=record.confirmed_by)


def confirm_awards(storage: Storage, principal: Principal, batch_id: str, year: int,
                   computations: Sequence[AwardComputation], reason: str) -> list[ConfirmedAward]:
    """Staff confirm the computed awards of a batch's year, one row per pilot with the computation and the standard;
    confirming again replaces a pilot's row, and the audit entry keeps the amount before and after."""
    require(principal, Permission.MANAGE_PILOTS, batch_id)
    reason = registry.checked_reason(reason)
    if not computations:
        raise AwardError("没有可确认的追加奖励计算结果。")
    standard = required_standard(storage, principal, year)
    known = {p.credit_code for p in registry.pilots(storage, principal, batch_id)}
    for c in computations:
        if c.pilot.batch_id != batch_id or c.year != year:
            raise AwardError(f"“{c.pilot.unit_name}”的计算结果属于批次 {c.pilot.batch_id} 的 {c.year} 年度，"
                             f"不是批次 {batch_id} 的 {year} 年度。")
        if c.pilot.credit_code not in known:
            raise AwardError(f"批次 {batch_id} 没有试点单位“{c.pilot.unit_name}”（{c.pilot.credit_code}）。")
    if standard.budget is not None and (given := sum((c.amount for c in computations), Decimal(0))) > standard.budget:
        raise AwardError(f"奖励合计 {given:.2f} 万元超过年度奖励总额 {standard.budget:.2f} 万元，请按当前标准重新计算。")
    before = {r.credit_code: r.amount for r in store.awards(storage, batch_id, year)}
    with storage.transaction(principal.actor) as tx:
        for c in computations:
            code = c.pilot.credit_code
            store.put_award(tx, batch_id, code, year, {"computation": c.model_dump(mode="json"),
                                                        "standard": standard.model_dump(mode="json")}, c.amount)
            tx.audit(ActionKind.AWARD_CONFIRM, pilot_entity(batch_id, code), reason,
                     {"year": year, "before": None if code not in before else f"{before[code]:.2f}",
                      "after": f"{c.amount:.2f}", "eligible": c.eligible})
    return confirmed_awards(storage, principal, batch_id, year)


def confirmed_awards(storage: Storage, principal: Principal, batch_id: str, year: int) -> list[ConfirmedAward]:
    """The confirmed awards of a batch's year the principal may see: staff and observers all, a city bureau its
    city's pilots, a unit its own; in the registry's list order."""
    if not (principal.can(Permission.VIEW_PILOTS, batch_id) or principal.can(Permission.REPORT, batch_id)):
        raise AccessDenied(f"{principal.display_name}无权查看批次 {batch_id} 的追加奖励。")
    found = [_stored(r) for r in store.awards(storage, batch_id, year)]
    visible = [a for a in found
               if may_see_pilot(principal, batch_id, a.computation.pilot.city, a.computation.pilot.credit_code)]
    return sorted(visible, key=lambda a: a.computation.pilot.list_order)
