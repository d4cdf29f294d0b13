"""The charts of 试点详情, year by year from a pilot's PilotProgress: converted patents against the year's goal and
the guideline's aim (每年50—100件), the conversion amount (合同额 and 实际到账额), the enterprises connected; and the
tables beside them."""
from __future__ import annotations

from decimal import Decimal

import altair as alt
import pandas as pd

from scoring.pilots.goals import AIM_CONVERSIONS_PER_YEAR, GoalKey
from scoring.pilots.progress import NOT_REPORTED, PilotProgress

BAR = "#1f77b4"
GOAL = "#e65100"
AIM = "#2e7d32"
RECEIVED = "#9e9e9e"


def number(value: Decimal | int | None) -> float | None:
    return None if value is None else float(value)


def year_label(year: int) -> str:
    return f"{year}年"


def _years(progress: PilotProgress) -> list[str]:
    return [year_label(y.year) for y in progress.years]


def figures(progress: PilotProgress, key: GoalKey) -> pd.DataFrame:
    """One figure per year (long form: 年度, 数值, 年度目标, 情况); a year not reported has no value, never 0."""
    return pd.DataFrame([{"年度": year_label(y.year), "数值": number(y.value(key)),
                          "年度目标": number(y.goals.get(key)), "情况": y.state(key)} for y in progress.years],
                        columns=["年度", "数值", "年度目标", "情况"])


def _x(progress: PilotProgress) -> alt.X:
    return alt.X("年度:N", scale=alt.Scale(domain=_years(progress)), title=None, axis=alt.Axis(labelAngle=0))


def _not_reported(progress: PilotProgress, data: pd.DataFrame) -> alt.Chart:
    """“未报送” written at the foot of each year without a report, so an empty year never reads as 0."""
    missing = data[data["情况"] == NOT_REPORTED].assign(零=0)
    return alt.Chart(missing).mark_text(dy=-10, color="#757575").encode(
        x=_x(progress), y=alt.Y("零:Q"), text=alt.value(NOT_REPORTED))


def _goal_ticks(progress: PilotProgress, data: pd.DataFrame, unit: str) -> alt.Chart:
    goals = data.dropna(subset=["年度目标"])
    return alt.Chart(goals).mark_tick(color=GOAL, thickness=3, size=48).encode(
        x=_x(progress), y=alt.Y("年度目标:Q"),
        tooltip=["年度:N", alt.Tooltip("年度目标:Q", title=f"年度目标（{unit}）")])


def _bars(progress: PilotProgress, data: pd.DataFrame, title: str, unit: str) -> alt.Chart:
    return alt.Chart(data.dropna(subset=["数值"])).mark_bar(color=BAR, size=36).encode(
        x=_x(progress), y=alt.Y("数值:Q", title=f"{title}（{unit}）", axis=alt.Axis(tickMinStep=1)),
        tooltip=["年度:N", alt.Tooltip("数值:Q", title=title), alt.Tooltip("年度目标:Q", title="年度目标"), "情况:N"])


def converted_chart(progress: PilotProgress) -> alt.LayerChart:
    """Converted patents (转让+许可+作价入股) per year as bars, the year's goal as a tick, the guideline's aim
    50—100 as a shaded band."""
    low, high = AIM_CONVERSIONS_PER_YEAR
    data = figures(progress, GoalKey.CONVERTED)
    band = alt.Chart(pd.DataFrame({"指南目标下限": [low], "指南目标上限": [high]})).mark_rect(
        color=AIM, opacity=0.15).encode(y=alt.Y("指南目标下限:Q"), y2="指南目标上限:Q",
                                        tooltip=[alt.Tooltip("指南目标下限:Q", title="指南目标（件/年）下限"),
                                                 alt.Tooltip("指南目标上限:Q", title="上限")])
    return alt.layer(band, _bars(progress, data, "转化专利", "件"), _goal_ticks(progress, data, "件"),
                     _not_reported(progress, data)).properties(
        title=f"年度转化专利（绿色带为指南目标每年{low}—{high}件，橙线为年度目标）", height=300)


def amount_chart(progress: PilotProgress) -> alt.LayerChart:
    """The year's conversion amount, 合同额 and 实际到账额 side by side."""
    rows = [{"年度": year_label(y.year), "口径": label, "金额": number(value)}
            for y in progress.years if y.reported
            for label, value in (("合同额", y.amount_contract), ("实际到账额", y.amount_received))]
    data = pd.DataFrame(rows, columns=["年度", "口径", "金额"])
    bars = alt.Chart(data).mark_bar().encode(
        x=_x(progress), xOffset=alt.XOffset("口径:N", sort=["合同额", "实际到账额"]),
        y=alt.Y("金额:Q", title="转化金额（万元）"),
        color=alt.Color("口径:N", scale=alt.Scale(domain=["合同额", "实际到账额"], range=[BAR, RECEIVED]),
                        legend=alt.Legend(title=None, orient="bottom")),
        tooltip=["年度:N", "口径:N", alt.Tooltip("金额:Q", title="金额（万元）", format=".2f")])
    return alt.layer(bars, _not_reported(progress, figures(progress, GoalKey.AMOUNT))).properties(
        title=f"年度转化金额（目标按{progress.basis}计）", height=300)


def enterprises_chart(progress: PilotProgress) -> alt.LayerChart:
    data = figures(progress, GoalKey.ENTERPRISES)
    return alt.layer(_bars(progress, data, "对接企业", "家"), _goal_ticks(progress, data, "家"),
                     _not_reported(progress, data)).properties(title="年度对接企业（橙线为年度目标）", height=300)


def _shown(value: Decimal | int | None) -> str:
    if value is None:
        return NOT_REPORTED
    return f"{value:.2f}" if isinstance(value, Decimal) else str(value)


def year_table(progress: PilotProgress) -> pd.DataFrame:
    """Every year's figures as text (未报送 where the year has no report), with the aim's verdict."""
    rows = []
    for y in progress.years:
        goal = y.goals.get(GoalKey.CONVERTED)
        rows.append({"年度": year_label(y.year), "总结版本": f"第 {y.report_version} 版" if y.report_version else "",
                     "转化专利（件）": _shown(y.converted), "年度目标（件）": "" if goal is None else f"{goal:f}",
                     "目标情况": y.state(GoalKey.CONVERTED), "转让": _shown(y.transfers), "许可": _shown(y.licences),
                     "作价入股": _shown(y.equity), "合同额（万元）": _shown(y.amount_contract),
                     "实际到账额（万元）": _shown(y.amount_received), "对接企业（家）": _shown(y.enterprises),
                     "开放许可实施（件）": _shown(y.open_licences), "专利授权（件）": _shown(y.granted),
                     "启动资金到位（万元）": _shown(y.start_up_received), "启动资金支出（万元）": _shown(y.start_up_spent),
                     "对照指南目标": str(y.aim) if y.aim else NOT_REPORTED})
    return pd.DataFrame(rows)


def figure_text(key: GoalKey, value: Decimal) -> str:
    """“96件”, “29家”, or 万元 with two places: “360.00万元”."""
    return f"{value:.2f}{key.unit}" if key is GoalKey.AMOUNT else f"{value.normalize():f}{key.unit}"


def period_table(progress: PilotProgress) -> pd.DataFrame:
    """The period's cumulative figures against the three years' goals, with the share reached."""
    return pd.DataFrame([{"指标": str(f.key), "累计": figure_text(f.key, f.total),
                          "三年目标": figure_text(f.key, f.goal) if f.goal is not None else "无目标",
                          "完成比例": f"{f.share}%" if f.share is not None else "—",
                          "已报送年度": f.reported_years, "情况": f.state} for f in progress.period])
