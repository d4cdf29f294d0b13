"""Eligibility conditions (二) patent output and (三) conversion base, over the batch's window of full years."""
from __future__ import annotations

from decimal import Decimal

from pydantic import BaseModel, ConfigDict

from scoring.common.models import AmountBasis, Application, Batch, CheckId, CheckResult, Outcome
from scoring.common.wording import wan, wan_limit, year_list, year_span

# 申报条件（二）: 专利授权量超过100件或者发明专利授权量超过50件，或有效专利拥有量200件以上.
# 超过 is strict (>), 以上 includes the number (≥).
GRANTS_ABOVE = 100
INVENTIONS_ABOVE = 50
VALID_HELD_AT_LEAST = 200

# 申报条件（三）: 累计转化实施专利超过30件、金额超过100万元、对接企业数超过10家 — all strict.
CONVERSIONS_ABOVE = 30
AMOUNT_ABOVE = Decimal("100")
ENTERPRISES_ABOVE = 10


class WindowFigures(BaseModel):
    """The figures conditions (二) and (三) are judged on, summed over the window's rows the form has."""

    model_config = ConfigDict(frozen=True)

    window: list[int]
    missing_patent_years: list[int]
    missing_conversion_years: list[int]
    granted: int
    invention_granted: int
    utility_model_granted: int
    design_granted: int
    valid_held: int | None  # the stock at the end of `valid_held_year`
    valid_held_year: int | None  # the last window year, or the latest year present when that one is missing
    transfers: int
    licences: int
    equity: int
    converted: int
    amount_contract: Decimal
    amount_received: Decimal
    amount_basis: AmountBasis
    amount: Decimal  # the amount `amount_basis` selects
    enterprises_connected: int | None

    @property
    def span(self) -> str:
        return year_span(self.window)


def window_figures(app: Application, batch: Batch) -> WindowFigures:
    """Sum the form's yearly rows over `batch.window`; rows outside the window are ignored."""
    window = batch.window
    patents = [row for year in window if (row := app.patents_in(year)) is not None]
    conversions = [row for year in window if (row := app.conversion_in(year)) is not None]
    latest = patents[-1] if patents else None
    basis = batch.settings.amount_basis
    return WindowFigures(
        window=window,
        missing_patent_years=[y for y in window if app.patents_in(y) is None],
        missing_conversion_years=[y for y in window if app.conversion_in(y) is None],
        granted=sum(r.granted for r in patents),
        invention_granted=sum(r.invention for r in patents),
        utility_model_granted=sum(r.utility_model for r in patents),
        design_granted=sum(r.design for r in patents),
        valid_held=latest.valid_held if latest else None,
        valid_held_year=latest.year if latest else None,
        transfers=sum(r.transfer_count for r in conversions),
        licences=sum(r.licence_count for r in conversions),
        equity=sum(r.equity_count for r in conversions),
        converted=sum(r.converted for r in conversions),
        amount_contract=sum((r.amount(AmountBasis.CONTRACT) for r in conversions), Decimal("0")),
        amount_received=sum((r.amount(AmountBasis.RECEIVED) for r in conversions), Decimal("0")),
        amount_basis=basis,
        amount=sum((r.amount(basis) for r in conversions), Decimal("0")),
        enterprises_connected=app.enterprises_connected,
    )


# --- condition (二) --------------------------------------------------------------------------


def check_patent_output(app: Application, batch: Batch) -> CheckResult:
    """Condition (二): any one of grants > 100, invention grants > 50, valid patents held ≥ 200 (近3年内)."""
    figures = window_figures(app, batch)
    last_year = figures.window[-1]
    grants_met = figures.granted > GRANTS_ABOVE
    inventions_met = figures.invention_granted > INVENTIONS_ABOVE
    valid_met = figures.valid_held is not None and figures.valid_held >= VALID_HELD_AT_LEAST
    valid_is_current = figures.valid_held_year == last_year

    reasons = _missing_note("专利创造产出", figures.missing_patent_years)
    reasons += [_grants_sentence(figures, grants_met), _inventions_sentence(figures, inventions_met),
                _valid_held_sentence(figures, valid_met)]

    # Sums only grow when a missing year is filled in, so a sum that passes stays passed; the
    # stock of valid patents comes from one year, and only the last window year's stock counts.
    if grants_met or inventions_met or (valid_met and valid_is_current):
        if figures.missing_patent_years:
            reasons.append("已填写年度的数据已满足条件，补齐缺少的年度不会改变结论。")
        return CheckResult(check_id=CheckId.PATENT_OUTPUT, outcome=Outcome.PASS, reasons=reasons)
    if valid_met:
        reasons.append(f"有效专利拥有量取自{figures.valid_held_year}年底而非{last_year}年底，"
                       f"需人工核实{last_year}年底的拥有量。")
        return CheckResult(check_id=CheckId.PATENT_OUTPUT, outcome=Outcome.DECIDE, reasons=reasons)
    if figures.missing_patent_years:
        reasons.append(f"缺少{year_list(figures.missing_patent_years)}数据，补齐后可能满足条件，需人工判定。")
        return CheckResult(check_id=CheckId.PATENT_OUTPUT, outcome=Outcome.DECIDE, reasons=reasons)
    reasons.append("三项均未达到，不满足申报条件（二）（三项满足其一即可）。")
    return CheckResult(check_id=CheckId.PATENT_OUTPUT, outcome=Outcome.FAIL, reasons=reasons)


def _grants_sentence(figures: WindowFigures, met: bool) -> str:
    reached = f"超过{GRANTS_ABOVE}件，满足条件" if met else f"未超过{GRANTS_ABOVE}件"
    return f"{figures.span}专利授权量合计{figures.granted}件，{reached}。"


def _inventions_sentence(figures: WindowFigures, met: bool) -> str:
    reached = f"超过{INVENTIONS_ABOVE}件，满足条件" if met else f"未超过{INVENTIONS_ABOVE}件"
    return f"{figures.span}发明专利授权量合计{figures.invention_granted}件，{reached}。"


def _valid_held_sentence(figures: WindowFigures, met: bool) -> str:
    if figures.valid_held is None:
        return f"{figures.span}均未填写有效专利拥有量。"
    reached = f"在{VALID_HELD_AT_LEAST}件以上，满足条件" if met else f"不足{VALID_HELD_AT_LEAST}件"
    stock = f"截至{figures.valid_held_year}年底有效专利拥有量{figures.valid_held}件，{reached}。"
    if figures.valid_held_year != figures.window[-1]:
        return f"{figures.window[-1]}年数据缺失，取最近一年：{stock}"
    return stock


# --- condition (三) --------------------------------------------------------------------------


def check_conversion(app: Application, batch: Batch) -> CheckResult:
    """Condition (三): all of conversions > 30, amount > 100万元 (by the batch's basis), enterprises > 10 (近3年内)."""
    figures = window_figures(app, batch)
    count_met = figures.converted > CONVERSIONS_ABOVE
    amount_met = figures.amount > AMOUNT_ABOVE
    enterprises = figures.enterprises_connected
    enterprises_met = None if enterprises is None else enterprises > ENTERPRISES_ABOVE
    missing = figures.missing_conversion_years

    reasons = _missing_note("专利转化运用", missing)
    reasons += [_conversions_sentence(figures, count_met), _amount_sentence(figures, amount_met),
                _enterprises_sentence(enterprises, enterprises_met)]

    # Count and amount are sums that a missing year can only raise; enterprises is one cumulative figure.
    sums_met = count_met and amount_met
    if enterprises_met is False or (not sums_met and not missing):
        reasons.append("不满足申报条件（三）（三项须同时满足）。")
        return CheckResult(check_id=CheckId.CONVERSION, outcome=Outcome.FAIL, reasons=reasons)
    if not sums_met:
        reasons.append(f"缺少{year_list(missing)}数据，补齐后可能满足条件，需人工判定。")
    if enterprises_met is None:
        reasons.append("对接企业数须人工核实后判定。")
    if not sums_met or enterprises_met is None:
        return CheckResult(check_id=CheckId.CONVERSION, outcome=Outcome.DECIDE, reasons=reasons)
    if missing:
        reasons.append("已填写年度的数据已满足条件，补齐缺少的年度不会改变结论。")
    return CheckResult(check_id=CheckId.CONVERSION, outcome=Outcome.PASS, reasons=reasons)


def _conversions_sentence(figures: WindowFigures, met: bool) -> str:
    reached = f"超过{CONVERSIONS_ABOVE}件，满足条件" if met else f"未超过{CONVERSIONS_ABOVE}件"
    return (f"{figures.span}通过转让、许可、作价入股累计转化专利{figures.converted}件"
            f"（转让{figures.transfers}件、许可{figures.licences}件、作价入股{figures.equity}件），{reached}。")


def _amount_sentence(figures: WindowFigures, met: bool) -> str:
    reached = f"超过{wan_limit(AMOUNT_ABOVE)}，满足条件" if met else f"未超过{wan_limit(AMOUNT_ABOVE)}"
    return (f"{figures.span}转化金额按合同额合计{wan(figures.amount_contract)}，"
            f"按实际到账额合计{wan(figures.amount_received)}（作价入股金额两种口径均计入）；"
            f"本批次按{figures.amount_basis}计{wan(figures.amount)}，{reached}。")


def _enterprises_sentence(enterprises: int | None, met: bool | None) -> str:
    if enterprises is None:
        return f"未填写累计对接企业数（申报书原表无此栏），无法判断是否超过{ENTERPRISES_ABOVE}家。"
    reached = f"超过{ENTERPRISES_ABOVE}家，满足条件" if met else f"未超过{ENTERPRISES_ABOVE}家"
    return f"累计对接企业{enterprises}家，{reached}。"


def _missing_note(table: str, missing: list[int]) -> list[str]:
    if not missing:
        return []
    return [f"{table}情况表缺少{year_list(missing)}数据，以下合计只计已填写的年度。"]
