"""会议决定: the bonus checks, then the meeting's decisions — one by one or the top N in bulk — always after a
confirmation that lists exactly what will change; and the decisions as they stand, those against the ranking marked."""
import pandas as pd
import streamlit as st

from app_pages.widgets import common, ranking_charts
from scoring.results import bonuses, meeting
from scoring.rounds import review_rounds
from scoring.common.access import Permission
from scoring.results.meeting import Decision, DecisionChange, DecisionRequest
from scoring.results.ranking import round_ranking

PENDING_KEY = "meeting_pending"  # (round id, requests, bulk reason, the changes shown) awaiting confirmation

principal = common.require_page(Permission.VIEW_ASSIGNMENTS)
store = common.storage()
batch = common.current_batch()
can_manage = principal.can(Permission.MANAGE_ROUNDS, batch.batch_id)

st.title("会议决定")
review_round = common.choose_round(review_rounds.list_rounds(store, principal, batch.batch_id), "meeting_round")
round_id = review_round.round_id
rows = round_ranking(store, principal, round_id).rows
if not rows:
    st.info("本轮尚未确认分配，暂无排名。")
    st.stop()
by_code = {r.credit_code: r for r in rows}
decisions = meeting.current_decisions(store, principal, round_id)
if not review_round.closed_at:
    st.warning("评审尚未结束，排名仍可能变化；建议在“评审排名”页面结束评审后再记录会议决定。", icon=":material/lock_open:")


def label(code: str) -> str:
    row = by_code[code]
    return f"第 {ranking_charts.rank_text(row)} 名　{row.unit_name}" if row.rank else f"未排名　{row.unit_name}"


# --- the confirmation ------------------------------------------------------------------------------


def ask_confirmation(requests: list[DecisionRequest], bulk_reason: str) -> None:
    with common.shown_errors():
        changes = meeting.preview_decisions(store, principal, round_id, requests)
        if not changes:
            st.info("与已记录的决定相同，没有需要记录的变化。")
            st.session_state.pop(PENDING_KEY, None)
            return
        st.session_state[PENDING_KEY] = (round_id, requests, bulk_reason, changes)


def changes_table(changes: list[DecisionChange], bulk_reason: str) -> pd.DataFrame:
    return pd.DataFrame([{"排名": c.rank if c.rank is not None else "—", "申报单位": c.unit_name,
                          "原决定": str(c.before) if c.before else "（无）", "新决定": str(c.after),
                          "理由": c.reason or bulk_reason or "（缺）",
                          "与排名不一致": "是，须单独说明理由" if c.against_ranking else ""} for c in changes])


def confirmation() -> None:
    pending = st.session_state.get(PENDING_KEY)
    if not pending or pending[0] != round_id:
        return
    _, requests, bulk_reason, changes = pending
    with st.container(border=True):
        st.markdown(f"**请确认：将记录以下 {len(changes)} 项决定变化**（只列出有变化的申报书）")
        st.dataframe(changes_table(changes, bulk_reason), hide_index=True, key="decision_changes")
        if any(c.against_ranking for c in changes):
            st.warning("标注“与排名不一致”的决定必须单独说明理由，否则不能记录。", icon=":material/swap_vert:")
        left, right = st.columns(2)
        if left.button("确认记录", type="primary", key="confirm_decisions", icon=":material/gavel:"):
            with common.shown_errors():
                recorded = meeting.record_decisions(store, principal, round_id, requests, bulk_reason,
                                                    confirmed=changes)
                st.session_state.pop(PENDING_KEY, None)
                common.flash(f"已记录 {len(recorded)} 项会议决定。")
                st.rerun()
        if right.button("取消", key="cancel_decisions"):
            st.session_state.pop(PENDING_KEY, None)
            st.rerun()


# --- the parts of the page ------------------------------------------------------------------------


def bonus_section() -> None:
    all_bonuses = bonuses.round_bonuses(store, principal, round_id, list(by_code))
    lines = [(code, line) for code in by_code for line in (all_bonuses[code].lines if code in all_bonuses else [])
             if line.claimed or line.check]
    if not lines:
        st.info("没有申报书申报优先加分项。")
    else:
        st.dataframe(pd.DataFrame([{
            "申报单位": by_code[code].unit_name, "加分项": line.item.name, "分值": float(line.item.points),
            "申报书所列证明": line.evidence or "—", "所需证明材料": line.item.evidence or "—", "状态": line.state,
            "核实情况": line.check.note if line.check else "—",
            "核实人": line.check.checked_by if line.check else "—"} for code, line in lines]),
            hide_index=True, key="bonus_table",
            column_config={"状态": st.column_config.MultiselectColumn(
                "状态", options=["待核实", "已核实", "核实未通过", "未申报"],
                color=["#ff9800", "#2e7d32", "#c62828", "#9e9e9e"])})
        st.caption("只有核实通过的加分项计入最终得分；每份申报书的加分不超过评分标准规定的上限。")
    if not can_manage:
        return
    with st.expander("核实加分项", icon=":material/fact_check:"):
        code = st.selectbox("申报单位", list(by_code), key="bonus_application", format_func=label)
        items = {line.item.id: line for line in all_bonuses[code].lines} if code in all_bonuses else {}
        if not items:
            st.info("本轮评分标准没有加分项。")
            return
        bonus_id = st.selectbox("加分项", list(items), key="bonus_item",
                                format_func=lambda i: f"{items[i].item.name}（{items[i].state}）")
        if items[bonus_id].evidence:
            st.caption(f"申报书所列证明：{items[bonus_id].evidence}")
        verified = st.radio("核实结果", ["通过", "不通过"], horizontal=True, key="bonus_verified") == "通过"
        note = st.text_input("核实情况（必填，记入审计日志）", key="bonus_note")
        if st.button("记录核实结果", key="bonus_check", icon=":material/fact_check:"):
            with common.shown_errors():
                bonuses.check_bonus(store, principal, round_id, code, bonus_id, verified, note)
                common.flash("已记录加分项核实结果。")
                st.rerun()


def single_section() -> None:
    code = st.selectbox("申报单位", list(by_code), key="decide_application", format_func=label)
    if code in decisions:
        st.caption(f"当前决定：{decisions[code].decision}（{decisions[code].reason}）")
    decision = st.radio("决定", [str(d) for d in Decision], horizontal=True, key="decide_decision")
    reason = st.text_input("理由（必填；与排名不一致时须写明）", key="decide_reason")
    if st.button("预览", key="decide_preview", icon=":material/preview:"):
        ask_confirmation([DecisionRequest(credit_code=code, decision=Decision(decision), reason=reason)], "")


def bulk_section() -> None:
    ranked = [r for r in rows if r.rank is not None]
    if not ranked:
        st.info("尚无已排名的申报书。")
        return
    top_n = st.number_input("入选名额（前 N 名入选，其余已排名的不入选）", min_value=1, max_value=len(ranked),
                            value=min(10, len(ranked)), step=1, key="bulk_top_n")
    reason = st.text_input("统一理由（必填，记入审计日志）", key="bulk_reason")
    st.caption("第 N 名有并列时，并列的单位全部入选。尚未排名的申报书不在其中。")
    if st.button("预览", key="bulk_preview", icon=":material/preview:"):
        ask_confirmation(meeting.top_selected(rows, int(top_n)), reason)


def decisions_section() -> None:
    if not decisions:
        st.info("尚未记录会议决定。")
        return
    counts = {d: sum(1 for r in decisions.values() if r.decision is d) for d in Decision}
    columns = st.columns(4)
    for column, decision in zip(columns, Decision):
        column.metric(str(decision), counts[decision])
    columns[3].metric("与排名不一致", sum(1 for r in decisions.values() if r.against_ranking))
    ordered = sorted(decisions.values(), key=lambda d: (by_code[d.credit_code].rank is None if d.credit_code in by_code
                                                        else True, by_code[d.credit_code].rank or 0
                                                        if d.credit_code in by_code else 0, d.credit_code))
    st.dataframe(pd.DataFrame([{
        "排名": ranking_charts.rank_text(by_code[d.credit_code]) if d.credit_code in by_code else "—",
        "申报单位": by_code[d.credit_code].unit_name if d.credit_code in by_code else d.credit_code,
        "决定": str(d.decision), "与排名不一致": "与排名不一致" if d.against_ranking else "", "理由": d.reason,
        "决定时排名": d.rank_then if d.rank_then is not None else "—", "记录人": d.decided_by,
        "时间": f"{d.decided_at:%Y-%m-%d %H:%M}"} for d in ordered]), hide_index=True, key="current_decisions",
        column_config={"决定": st.column_config.MultiselectColumn(
            "决定", options=[str(d) for d in Decision], color=["#2e7d32", "#9e9e9e", "#ff9800"])})


tab_names = ["加分核实", f"当前决定（{len(decisions)}）"]
if can_manage:
    tab_names[1:1] = ["逐项决定", "批量决定"]
tabs = dict(zip(tab_names, st.tabs(tab_names)))
with tabs["加分核实"]:
    bonus_section()
if can_manage:
    with tabs["逐项决定"]:
        single_section()
    with tabs["批量决定"]:
        bulk_section()
with tabs[tab_names[-1]]:
    decisions_section()
if can_manage:
    confirmation()
