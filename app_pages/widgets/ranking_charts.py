"""The charts of the ranking stage and the small pure helpers behind them: the score distribution, each expert's
leniency, the criteria profile of the top N against all, and the shortlisted per city."""
from __future__ import annotations

from collections.abc import Mapping, Sequence
from decimal import Decimal

import altair as alt
import pandas as pd

from scoring.results.aggregation import ApplicationScore
from scoring.results.ranking import RankingRow
from scoring.review.rubrics import Rubric
from scoring.results.shortlist import ShortlistEntry


def rank_text(row: RankingRow) -> str:
    """“3”, or “3（并列）” for a tie no rule broke; “—” before any sheet is submitted."""
    if row.rank is None:
        return "—"
    return f"{row.rank}（并列）" if row.tied_with else str(row.rank)


def number(value: Decimal | None) -> float | None:
    return None if value is None else float(value)


def expert_leniency(totals: Mapping[str, Mapping[str, Decimal]]) -> pd.DataFrame:
    """Each expert's mean deviation from the mean total of the applications they scored (positive: more lenient
    than the other experts of those applications). Applications with a single sheet compare nothing and are left
    out. Input: {credit code: {expert id: total}}, as aggregation.sheet_totals gives it."""
    deviations: dict[str, list[Decimal]] = {}
    for sheets in totals.values():
        if len(sheets) < 2:
            continue
        mean = sum(sheets.values(), Decimal("0")) / len(sheets)
        for expert_id, total in sheets.items():
            deviations.setdefault(expert_id, []).append(total - mean)
    rows = [{"专家编号": expert_id, "评分表": len(values),
             "平均偏差": round(float(sum(values, Decimal("0")) / len(values)), 2)}
            for expert_id, values in deviations.items()]
    return pd.DataFrame(rows, columns=["专家编号", "评分表", "平均偏差"]).sort_values(
        "平均偏差", ascending=False, ignore_index=True)


def criteria_profile(scores: Sequence[ApplicationScore], rows: Sequence[RankingRow], rubric: Rubric,
                     top_n: int) -> pd.DataFrame:
    """The mean of each criterion's application means, as a share of the criterion's maximum, for the applications
    ranked 1…top_n and for all ranked applications (long form: 指标, 范围, 得分率)."""
    top = {r.credit_code for r in rows if r.rank is not None and r.rank <= top_n}
    records = []
    for label, chosen in ((f"前 {top_n} 名", [s for s in scores if s.credit_code in top]), ("全部", list(scores))):
        for criterion in rubric.criteria:
            values = [s.criterion_means[criterion.id] for s in chosen if criterion.id in s.criterion_means]
            if values:
                share = float(sum(values, Decimal("0")) / len(values) / criterion.max_points)
                records.append({"指标": criterion.name, "范围": label, "得分率": round(share, 4)})
    return pd.DataFrame(records, columns=["指标", "范围", "得分率"])


def per_city(entries: Sequence[ShortlistEntry]) -> pd.DataFrame:
    counts: dict[str, int] = {}
    for entry in entries:
        counts[entry.city or "（未填）"] = counts.get(entry.city or "（未填）", 0) + 1
    return pd.DataFrame([{"城市": city, "入选数": n} for city, n in counts.items()], columns=["城市", "入选数"])


# --- the charts ---------------------------------------------------------------------------------


def distribution_chart(rows: Sequence[RankingRow]) -> alt.Chart:
    finals = pd.DataFrame({"最终得分": [float(r.final) for r in rows if r.final is not None]})
    return alt.Chart(finals).mark_bar(color="#1f77b4").encode(
        x=alt.X("最终得分:Q", bin=alt.Bin(maxbins=20), title="最终得分（分）"),
        y=alt.Y("count():Q", title="申报书（份）"), tooltip=[alt.Tooltip("count():Q", title="申报书")],
    ).properties(title="最终得分分布", height=280)


def leniency_chart(leniency: pd.DataFrame, names: Mapping[str, str]) -> alt.Chart:
    shown = leniency.assign(专家=[names.get(e, e) for e in leniency["专家编号"]],
                            倾向=["偏宽" if d > 0 else "偏严" for d in leniency["平均偏差"]])
    return alt.Chart(shown).mark_bar().encode(
        x=alt.X("平均偏差:Q", title="与同一申报书其他专家均分的平均偏差（分）"),
        y=alt.Y("专家:N", sort="-x", title=None),
        color=alt.Color("倾向:N", scale=alt.Scale(domain=["偏宽", "偏严"], range=["#e65100", "#1565c0"]),
                        legend=alt.Legend(title=None, orient="bottom")),
        tooltip=["专家", "专家编号", "评分表", "平均偏差"],
    ).properties(title="专家宽严", height=max(220, 14 * len(shown)))


def profile_chart(profile: pd.DataFrame) -> alt.Chart:
    scopes = list(dict.fromkeys(profile["范围"]))  # the top N first, then all
    return alt.Chart(profile).mark_bar().encode(
        y=alt.Y("指标:N", sort=None, title=None, axis=alt.Axis(labelLimit=200, labelOverlap=False)),
        yOffset=alt.YOffset("范围:N", sort=scopes),
        x=alt.X("得分率:Q", axis=alt.Axis(format="%"), scale=alt.Scale(domain=[0, 1]), title="指标平均得分率"),
        color=alt.Color("范围:N", scale=alt.Scale(domain=scopes, range=["#2e7d32", "#9e9e9e"]),
                        legend=alt.Legend(title=None, orient="bottom")),
        tooltip=["指标", "范围", alt.Tooltip("得分率:Q", format=".1%")],
    ).properties(title="指标得分情况", height=max(240, 40 * profile["指标"].nunique()))


def city_chart(counts: pd.DataFrame, title: str) -> alt.Chart:
    return alt.Chart(counts).mark_bar(color="#6a1b9a").encode(
        x=alt.X("城市:N", sort="-y", title=None, axis=alt.Axis(labelAngle=0)),
        y=alt.Y("入选数:Q", title="单位（个）", axis=alt.Axis(tickMinStep=1)), tooltip=["城市", "入选数"],
    ).properties(title=title, height=280)
