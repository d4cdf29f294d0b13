"""排名说明: why one application stands where it does — every submitted sheet with its total, the totals the trimmed
mean dropped, the bonus lines with their evidence and checks, the tie-break rules and any change after the close."""
import pandas as pd
import streamlit as st

from app_pages.widgets import common, ranking_charts, sheet_view
from scoring.rounds import review_rounds
from scoring.review import score_sheets
from scoring.common.access import Permission
from scoring.results.ranking import Explanation, explain_application, round_ranking
from scoring.review.rubrics import points_text

principal = common.require_page(Permission.VIEW_ASSIGNMENTS)
store = common.storage()
batch = common.current_batch()


def points(value) -> str:
    return "—" if value is None else points_text(value)


st.title("排名说明")
review_round = common.choose_round(review_rounds.list_rounds(store, principal, batch.batch_id), "explain_round")
rows = {r.credit_code: r for r in round_ranking(store, principal, review_round.round_id).rows}
if not rows:
    st.info("本轮尚未确认分配，暂无排名。")
    st.stop()
code = st.selectbox("申报单位", list(rows), key="explain_application",
                    format_func=lambda c: f"第 {ranking_charts.rank_text(rows[c])} 名　{rows[c].unit_name}"
                    if rows[c].rank else f"未排名　{rows[c].unit_name}")
explanation: Explanation = explain_application(store, principal, review_round.round_id, code)
row = explanation.row
experts = {e.expert_id: e.name for e in score_sheets.round_progress(store, principal, review_round.round_id).experts}

columns = st.columns(5)
columns[0].metric("排名", ranking_charts.rank_text(row))
columns[1].metric("最终得分", points(row.final))
columns[2].metric("专家评分", points(row.expert_score))
columns[3].metric("加分", points(row.bonus))
columns[4].metric("评分表（已交/应交）", f"{row.sheets} / {row.expected}")
st.caption(f"{row.unit_name}｜{row.city}｜统一社会信用代码 {row.credit_code}")

if row.rank is None:
    st.info("该申报书尚无已提交的评分表，不参加排名。")
else:
    left_out = "、".join(f"{experts.get(e, e)}的{which}" for e, which in explanation.dropped.items())
    how = (f"{row.sheets} 份评分表去掉{left_out}后取平均，得专家评分 {points(row.expert_score)} 分"
           f"（全部 {row.sheets} 份的平均分为 {points(row.mean)} 分）") if row.trimmed else \
        f"{row.sheets} 份评分表的平均分为专家评分 {points(row.expert_score)} 分"
    st.markdown(f"**计算过程**：{how}；加上经核实的加分 {points(row.bonus)} 分，最终得分 **{points(row.final)}** 分，"
                f"排第 **{ranking_charts.rank_text(row)}** 名。")
    st.caption(f"汇总规则：{explanation.expert_score_rule}。")
    if row.tied_with:
        st.warning("与以下单位最终得分相同，且按全部同分规则仍无法区分，列为并列："
                   + "、".join(rows[c].unit_name if c in rows else c for c in row.tied_with),
                   icon=":material/drag_handle:")
    if row.decided_by:
        st.info(f"与其他单位最终得分相同，按同分规则“{row.decided_by}”排定名次。", icon=":material/rule:")
    if row.normalised is not None:
        st.caption(f"标准化得分（仅供参考，不参与排名）：{points(row.normalised)} 分")
st.caption("同分规则（依次比较）：" + ("；".join(f"{n}. {t}" for n, t in enumerate(explanation.tie_break_rules, 1))
                                  or "无"))

st.subheader("专家评分表")
if not explanation.sheets:
    st.info("尚无已提交的评分表（草稿不对工作人员显示）。")
else:
    st.dataframe(pd.DataFrame([{
        "专家": experts.get(s.expert_id, s.expert_id), "专家编号": s.expert_id, "总分": float(s.total),
        "计入": f"去掉（{explanation.dropped[s.expert_id]}）" if s.expert_id in explanation.dropped else "计入",
        "总体意见": str(s.opinion) if s.opinion else "—",
        "提交时间": f"{s.submitted_at:%Y-%m-%d %H:%M}" if s.submitted_at else "—"} for s in explanation.sheets]),
        hide_index=True, key="explain_sheets", column_config={"总分": st.column_config.NumberColumn(format="%.2f")})
    rubric = score_sheets.rubric_of(store, principal, review_round.round_id)
    for sheet in explanation.sheets:
        dropped = f"（{explanation.dropped[sheet.expert_id]}，未计入）" if sheet.expert_id in explanation.dropped else ""
        with st.expander(f"{experts.get(sheet.expert_id, sheet.expert_id)}：{points(sheet.total)} 分{dropped}"):
            sheet_view.show_sheet(rubric, sheet)

st.subheader("优先申报加分")
bonus = explanation.bonus
if bonus is None or not bonus.lines:
    st.info("本轮评分标准没有加分项。")
else:
    st.dataframe(pd.DataFrame([{
        "加分项": line.item.name, "分值": float(line.item.points), "申报": "已申报" if line.claimed else "未申报",
        "申报书所列证明": line.evidence or "—", "状态": line.state,
        "核实情况": line.check.note if line.check else "—",
        "核实人": line.check.checked_by if line.check else "—"} for line in bonus.lines]),
        hide_index=True, key="explain_bonus")
    capped = f"（核实通过合计 {points(bonus.uncapped)} 分，超过上限 {points(bonus.cap)} 分）" \
        if bonus.uncapped > bonus.points else f"（上限 {points(bonus.cap)} 分）"
    st.caption(f"计入加分 {points(bonus.points)} 分{capped}；只有核实通过的加分项计分。")

if explanation.changes:
    st.subheader("评审结束后的变动")
    st.dataframe(pd.DataFrame([{
        "专家": experts.get(c.expert_id, c.expert_id), "原总分": ranking_charts.number(c.before),
        "新总分": float(c.after), "退回人": c.reopened_by, "退回理由": c.reason,
        "时间": f"{c.changed_at:%Y-%m-%d %H:%M}"} for c in explanation.changes]), hide_index=True,
        key="explain_changes")
