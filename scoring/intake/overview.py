"""The batch at a glance: one row per application with its three-year figures and check results."""
from __future__ import annotations

import pandas as pd

from scoring.common.access import Principal
from scoring.intake.applications import visible_applications
from scoring.intake.eligibility import window_figures
from scoring.common.models import CHECK_TITLES, AmountBasis, Application, Batch, City, Outcome
from scoring.storage import Storage

CITY_ORDER = [str(c) for c in City]
MONEY_COLUMNS = ["转化金额（合同额，万元）", "转化金额（到账额，万元）", "申请经费（万元）"]
RESULT_COLUMN = "审查结果"


BASE_COLUMNS = ["统一社会信用代码", "单位名称", "推荐市局", "单位类型", "提交日期", "专利授权量", "发明专利授权量",
                "有效专利拥有量", "转化件数", *MONEY_COLUMNS[:2], "对接企业数", MONEY_COLUMNS[2]]
# What staff scan first (who, result) leads; the figures and the single checks follow.
TABLE_COLUMNS = [*BASE_COLUMNS[:4], RESULT_COLUMN, "人工判定", *BASE_COLUMNS[4:], *CHECK_TITLES.values()]


def application_row(app: Application, batch: Batch) -> dict:
    """The application's identity and derived three-year figures (money as float for display only)."""
    figures = window_figures(app, batch)
    values = [app.credit_code, app.basic.unit_name, str(app.recommendation.city), str(app.basic.unit_type),
              app.submitted_on, figures.granted, figures.invention_granted, figures.valid_held, figures.converted,
              float(figures.amount_contract), float(figures.amount_received), figures.enterprises_connected,
              float(app.budget.requested)]
    return dict(zip(BASE_COLUMNS, values))


def application_table(storage: Storage, principal: Principal, batch: Batch) -> pd.DataFrame:
    """Every application of the batch this person may see, with figures, each check's outcome (overrides
    applied) and the overall."""
    applications = visible_applications(storage, principal, batch.batch_id)
    reports = storage.check_reports(batch.batch_id)
    rows = []
    for app in applications:
        row = application_row(app, batch)
        report = reports.get(app.credit_code)
        for check_id, title in CHECK_TITLES.items():
            item = next((r for r in report.results if r.computed.check_id is check_id), None) if report else None
            row[title] = str(item.outcome) if item else "未审查"
        row["人工判定"] = sum(1 for r in report.results if r.override) if report else 0
        row[RESULT_COLUMN] = str(report.overall) if report else "未审查"
        rows.append(row)
    return pd.DataFrame(rows, columns=TABLE_COLUMNS)


def filter_table(table: pd.DataFrame, city=None, unit_type=None, result=None) -> pd.DataFrame:
    """Rows matching every given filter; each filter is one value or a list of accepted values."""
    for column, wanted in (("推荐市局", city), ("单位类型", unit_type), (RESULT_COLUMN, result)):
        if wanted:
            accepted = [wanted] if isinstance(wanted, str) else list(wanted)
            table = table[table[column].isin(accepted)]
    return table.reset_index(drop=True)


def outcome_counts(table: pd.DataFrame) -> dict[str, int]:
    if table.empty:
        return {}
    counts = table[RESULT_COLUMN].value_counts()
    return {str(o): int(counts.get(str(o), 0)) for o in Outcome if counts.get(str(o), 0)}


def counts_by_city(table: pd.DataFrame) -> pd.DataFrame:
    """Applications per city and overall result, for the chart."""
    return (table.groupby(["推荐市局", RESULT_COLUMN]).size().rename("份数").reset_index()
            .rename(columns={RESULT_COLUMN: "审查结果"}))


def counts_by_check(table: pd.DataFrame) -> pd.DataFrame:
    """How many applications each check passed, failed or left to a decision."""
    records = []
    for title in CHECK_TITLES.values():
        counts = table[title].value_counts() if not table.empty else {}
        records.append({"审查项": title, **{str(o): int(counts.get(str(o), 0)) for o in Outcome}})
    return pd.DataFrame(records)


def figures_table(app: Application, batch: Batch) -> pd.DataFrame:
    """The window's figures beside the guideline's thresholds, for the application page."""
    f = window_figures(app, batch)
    counted = {f.amount_basis: "（本批次按此口径判断）"}
    held = f"{f.valid_held}（{f.valid_held_year}年末）" if f.valid_held is not None else "未填报"
    rows = [
        ("专利授权量（发明+实用新型+外观设计）", f"{f.granted}件", "条件（二）之一：超过100件"),
        ("发明专利授权量", f"{f.invention_granted}件", "条件（二）之一：超过50件"),
        ("有效专利拥有量", held, "条件（二）之一：200件以上"),
        ("累计转化专利（转让+许可+作价入股）", f"{f.converted}件（{f.transfers}+{f.licences}+{f.equity}）", "条件（三）：超过30件"),
        ("转化金额（合同额）", f"{f.amount_contract:.2f}万元", "条件（三）：超过100万元" + counted.get(AmountBasis.CONTRACT, "")),
        ("转化金额（实际到账额）", f"{f.amount_received:.2f}万元", "条件（三）：超过100万元" + counted.get(AmountBasis.RECEIVED, "")),
        ("对接企业数", "未填报" if f.enterprises_connected is None else f"{f.enterprises_connected}家", "条件（三）：超过10家"),
    ]
    return pd.DataFrame(rows, columns=["指标", f"{f.span}", "申报条件"])
