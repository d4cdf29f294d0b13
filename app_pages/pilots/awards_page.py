"""追加奖励: the year's award standard (奖补标准) as a form, the awards it gives the batch's pilots with every step of
each computation, staff's confirmation with a reason, and the confirmed awards as an .xlsx."""
from decimal import Decimal

import pandas as pd
import streamlit as st

from app_pages.widgets import common
from scoring.common.access import Permission
from scoring.common.models import AmountBasis
from scoring.pilots import award_files, awards, registry
from scoring.pilots.awards import AwardComputation, AwardStandard
from scoring.review.rubrics import find_rubric

# The outcomes the default acceptance rubric names, offered for the standard's "年度验收结果须为".
OUTCOME_CHOICES = [b.label for b in find_rubric("annual-acceptance").rubric.outcomes.bands]

principal = common.require_page(Permission.VIEW_PILOTS)
store = common.storage()
batch = common.current_batch()
can_manage = principal.can(Permission.MANAGE_PILOTS, batch.batch_id)


def money(value: float) -> Decimal:
    return Decimal(f"{value:.2f}")


def standard_form(year: int, current: AwardStandard | None) -> None:
    shown = current or AwardStandard(year=year, cap=Decimal("20.00"))
    with st.form("award_standard_form"):
        st.markdown(f"**{year} 年度奖补标准**" + ("" if current else "（尚未设置，以下为建议值）"))
        basis = st.text_input("依据文件", shown.basis, key="award_basis")
        left, middle, right = st.columns(3)
        transfer = left.number_input("转让每件奖励（万元/件）", 0.0, value=float(shown.transfer_rate), step=0.1,
                                     format="%.2f", key="award_transfer_rate")
        licence = middle.number_input("许可每件奖励（万元/件）", 0.0, value=float(shown.licence_rate), step=0.1,
                                      format="%.2f", key="award_licence_rate")
        equity = right.number_input("作价入股每件奖励（万元/件）", 0.0, value=float(shown.equity_rate), step=0.1,
                                    format="%.2f", key="award_equity_rate")
        rate = left.number_input("按转化金额奖励比例（0.05 即 5%）", 0.0, 1.0, value=float(shown.amount_rate),
                                 step=0.005, format="%.4f", key="award_amount_rate")
        bases = [b.value for b in AmountBasis]
        basis_of_amount = middle.selectbox("转化金额口径", bases, index=bases.index(shown.amount_basis.value),
                                           key="award_amount_basis")
        minimum = right.number_input("本年度转化专利不少于（件）", 0, value=shown.min_converted, step=1,
                                     key="award_min_converted")
        cap = left.number_input("单个试点奖励上限（万元）", 0.0, value=float(shown.cap), step=1.0, format="%.2f",
                                key="award_cap")
        budget = middle.number_input("年度奖励总额（万元，0 表示不限）", 0.0,
                                     value=float(shown.budget or 0), step=10.0, format="%.2f", key="award_budget")
        outcomes = right.multiselect("年度验收结果须为", list(dict.fromkeys([*OUTCOME_CHOICES, *shown.outcomes])),
                                     default=shown.outcomes,
                                     key="award_outcomes")
        reason = st.text_input("设置理由（必填，记入审计日志）", key="award_standard_reason")
        if st.form_submit_button("保存奖补标准", type="primary", icon=":material/save:"):
            with common.shown_errors():
                standard = awards.parsed_standard({
                    "year": year, "basis": basis, "transfer_rate": money(transfer), "licence_rate": money(licence),
                    "equity_rate": money(equity), "amount_rate": Decimal(f"{rate:.4f}"),
                    "amount_basis": basis_of_amount, "min_converted": int(minimum), "cap": money(cap),
                    "budget": money(budget) if budget > 0 else None, "outcomes": outcomes})
                awards.save_standard(store, principal, year, standard, reason)
                common.flash(f"已保存 {year} 年度奖补标准。")
                st.rerun()


def computations_table(computations: list[AwardComputation]) -> pd.DataFrame:
    return pd.DataFrame([{
        "单位名称": c.pilot.unit_name, "所在市": c.pilot.city,
        "转化件数": "" if c.converted is None else c.converted,
        f"金额（万元，{c.amount_basis.value}）": "" if c.conversion_amount is None else f"{c.conversion_amount:.2f}",
        "验收结果": c.outcome or "", "是否符合条件": "是" if c.eligible else "否",
        "奖励金额（万元）": f"{c.amount:.2f}"} for c in computations])


def steps_of(computations: list[AwardComputation]) -> None:
    for c in computations:
        with st.expander(f"{c.pilot.unit_name}：{c.amount:.2f} 万元", icon=":material/calculate:"):
            if not c.eligible:
                for reason in c.reasons:
                    st.markdown(f"- 不符合奖励条件：{reason}")
            for step in c.steps:
                st.markdown(f"- **{step.label}**：{step.formula}")


def preview_section(year: int) -> None:
    st.subheader("试算")
    pilots = [p for p in registry.pilots(store, principal, batch.batch_id) if p.in_year(year)]
    if not pilots:
        st.info(f"本批次没有 {year} 年在建设期内的试点。")
        return
    outcomes, misused = awards.acceptance_inputs(store, principal, batch.batch_id, year)
    st.caption("验收结果取自本年度“年度验收”轮次的会议决定，资金使用取自“验收与评估结果”页面的认定；"
               "尚未决定结果的试点不符合奖励条件。")
    with common.shown_errors(stop=True):
        computations = [c for c in awards.preview_awards(store, principal, batch.batch_id, year, outcomes, misused)
                        if c.pilot.in_year(year)]
    total = sum((c.amount for c in computations), Decimal(0))
    st.dataframe(computations_table(computations), hide_index=True, key="award_preview")
    st.markdown(f"符合条件 {sum(c.eligible for c in computations)} 个试点，奖励合计 **{total:.2f} 万元**。")
    steps_of(computations)
    with st.container(border=True):
        st.markdown("**确认追加奖励**：按以上试算结果确认，已确认的结果将被替换，前后金额记入审计日志。")
        reason = st.text_input("确认理由（必填，记入审计日志）", key="award_confirm_reason")
        if st.button("确认追加奖励", type="primary", key="confirm_awards", icon=":material/verified:"):
            with common.shown_errors():
                done = awards.confirm_awards(store, principal, batch.batch_id, year, computations, reason)
                common.flash(f"已确认 {len(done)} 个试点的追加奖励。")
                st.rerun()


def confirmed_section(year: int) -> None:
    st.subheader("已确认的追加奖励")
    confirmed = awards.confirmed_awards(store, principal, batch.batch_id, year)
    if not confirmed:
        st.info(f"{year} 年度的追加奖励尚未确认。")
        return
    last = max(confirmed, key=lambda a: a.confirmed_at)
    st.caption(f"最近一次确认：{last.confirmed_at:%Y-%m-%d %H:%M}，{last.confirmed_by}。")
    st.dataframe(computations_table([a.computation for a in confirmed]), hide_index=True, key="award_confirmed")
    if st.button("导出追加奖励（.xlsx）", key="export_awards", icon=":material/description:"):
        with common.shown_errors():
            content = award_files.export_awards(store, principal, batch.batch_id, year)
            st.download_button("下载追加奖励.xlsx", content, file_name=f"追加奖励-{batch.batch_id}-{year}.xlsx",
                               mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                               key="download_awards", icon=":material/download:", on_click="ignore", type="primary")


st.title("追加奖励")
common.show_flash()
st.caption("年度验收时，根据当年专利转化专项计划奖补标准，视试点单位专利转化工作质量给予追加奖励（指引六（四））。")
first, last = registry.pilot_years(batch.year)
year = st.selectbox("年度", list(range(first, last + 1)), key="award_year")
with common.shown_errors(stop=True):
    current = awards.award_standard(store, principal, year)
if current:
    st.markdown(f"**{year} 年度奖补标准**：{current.rate_line()}；本年度转化专利不少于 {current.min_converted} 件；"
                f"年度验收结果须为{'、'.join(current.outcomes)}；{current.basis}")
if can_manage:
    standard_form(year, current)
    if current:
        preview_section(year)
elif not current:
    st.info(f"{year} 年度奖补标准尚未设置。")
confirmed_section(year)
