"""试点名录: every pilot of every batch this person may see, one row each with its letter, funding, status now and
its status in each year of its period; staff change a pilot's status (e.g. 撤销) and edit its goals, each with a
reason."""
import pandas as pd
import streamlit as st

from app_pages.widgets import common, texts
from app_pages.widgets.goal_table import TOTAL, edited_goals, goals_frame
from scoring.common.access import Permission
from scoring.pilots import registry
from scoring.pilots.goals import GoalKey
from scoring.pilots.pilot_detail import RegistryRow, registry_rows
from scoring.pilots.registry import Pilot, PilotStatus

principal = common.require_page(Permission.VIEW_PILOTS)
store = common.storage()


def registry_table(rows: list[RegistryRow]) -> pd.DataFrame:
    """One row per pilot; a column per year of any listed period, blank where the year had no change or lies outside
    the pilot's period."""
    years = sorted({year for row in rows for year in row.by_year})
    return pd.DataFrame([{
        "批次": r.pilot.batch_id, "单位": r.pilot.unit_name, "统一社会信用代码": r.pilot.credit_code,
        "所在市": r.pilot.city, "建设期": r.pilot.period, "确认通知文号": r.pilot.letter_number or "",
        "启动资金（万元）": f"{r.pilot.funding_wan:.2f}" if r.pilot.funding_wan is not None else "",
        "当前状态": str(r.pilot.status),
        **{f"{year}年": str(r.by_year.get(year) or "") for year in years}} for r in rows])


def filtered(rows: list[RegistryRow]) -> list[RegistryRow]:
    left, middle, right = st.columns(3)
    batches = left.multiselect("批次", sorted({r.pilot.batch_id for r in rows}, reverse=True), key="registry_batches",
                               placeholder=texts.CHOOSE_MANY)
    cities = middle.multiselect("所在市", sorted({r.pilot.city for r in rows}), key="registry_cities",
                                placeholder=texts.CHOOSE_MANY)
    statuses = right.multiselect("当前状态", [str(s) for s in PilotStatus], key="registry_statuses",
                                 placeholder=texts.CHOOSE_MANY)
    return [r for r in rows if (not batches or r.pilot.batch_id in batches) and (not cities or r.pilot.city in cities)
            and (not statuses or r.pilot.status in statuses)]


def status_metrics(rows: list[RegistryRow]) -> None:
    for column, status in zip(st.columns(len(PilotStatus)), PilotStatus):
        column.metric(str(status), sum(1 for r in rows if r.pilot.status is status))


# --- staff: status and goals ---------------------------------------------------------------------------------------


def pilot_key(pilot: Pilot) -> str:
    return f"{pilot.batch_id}_{pilot.credit_code}"


def status_form(pilot: Pilot) -> None:
    st.markdown(f"**改变状态**（当前：{pilot.status}）")
    if pilot.status is PilotStatus.REVOKED:
        st.caption("已撤销的试点不能再改变状态。")
        return
    key = pilot_key(pilot)
    left, right = st.columns(2)
    year = left.selectbox("年度", pilot.years, format_func=lambda y: f"{y}年", key=f"status_year_{key}")
    status = right.selectbox("新状态", [str(s) for s in PilotStatus], key=f"status_to_{key}")
    reason = st.text_input("理由（必填，记入审计日志）", key=f"status_reason_{key}")
    if st.button("保存状态", key=f"status_save_{key}", type="primary"):
        with common.shown_errors():
            done = registry.set_status(store, principal, pilot.batch_id, pilot.credit_code, year,
                                       PilotStatus(status), reason)
            common.flash(f"“{done.unit_name}”{year}年的状态已改为{done.status}。")
            st.rerun()


def goals_form(pilot: Pilot) -> None:
    st.markdown("**目标**（年度选“三年累计”即三年的总目标；从建设方案读出的目标可在此改正）")
    key = pilot_key(pilot)
    before = registry.pilot_goals(store, principal, pilot.batch_id, pilot.credit_code)
    edited = st.data_editor(goals_frame(before), key=f"goals_editor_{key}", num_rows="dynamic", hide_index=True,
                            width="stretch", column_config={
                                "指标": st.column_config.SelectboxColumn("指标", options=[str(k) for k in GoalKey],
                                                                       required=True),
                                "年度": st.column_config.SelectboxColumn(
                                    "年度", options=[TOTAL, *(f"{y}年" for y in pilot.years)], default=TOTAL),
                                "目标值": st.column_config.TextColumn("目标值（件、家或万元）", required=True),
                                "来源": st.column_config.TextColumn("来源", disabled=True),
                                "方案原文": st.column_config.TextColumn("方案原文", disabled=True)})
    reason = st.text_input("理由（必填，记入审计日志）", key=f"goals_reason_{key}")
    if st.button("保存目标", key=f"goals_save_{key}"):
        with common.shown_errors():
            done = registry.set_goals(store, principal, pilot.batch_id, pilot.credit_code,
                                      edited_goals(edited, before), reason)
            common.flash(f"已保存“{pilot.unit_name}”的 {len(done)} 个目标。")
            st.rerun()


def staff_section(rows: list[RegistryRow]) -> None:
    managed = [r.pilot for r in rows if principal.can(Permission.MANAGE_PILOTS, r.pilot.batch_id)]
    if not managed:
        return
    st.subheader("状态与目标")
    by_key = {pilot_key(p): p for p in managed}
    chosen = by_key[st.selectbox("试点单位", list(by_key), key="registry_pilot",
                                 format_func=lambda k: f"{by_key[k].batch_id} 批次｜{by_key[k].unit_name}")]
    with st.container(border=True):
        status_form(chosen)
    with st.container(border=True):
        goals_form(chosen)


st.title("试点名录")
common.show_flash()
with common.shown_errors(stop=True):
    every = registry_rows(store, principal)
if not every:
    st.info("尚无试点单位：确认通知发出后，确认名单中的单位即成为试点单位。")
    st.stop()
shown = filtered(every)
status_metrics(shown)
st.dataframe(registry_table(shown), hide_index=True, width="stretch")
st.caption("各年度列为该年度最后一次状态变化；空白表示该年度尚无记录。")
staff_section(shown)
