"""评审进度: how far a round's experts are — counts per panel and per expert (never a draft's scores), the reminder
list to download, recusals as soon as they are declared, submitted sheets read-only, reopening one with a reason,
and any expert's printable sheet."""
import pandas as pd
import streamlit as st

from app_pages.widgets import common, sheet_view
from scoring.experts import ratings
from scoring.rounds import review_rounds
from scoring.review import score_sheets
from scoring.common.access import Permission, Principal
from scoring.review.score_sheets import ExpertProgress, RoundProgress

principal = common.require_page(Permission.VIEW_ASSIGNMENTS)
store = common.storage()
batch = common.current_batch()
can_manage = principal.can(Permission.MANAGE_ROUNDS, batch.batch_id)

DONE = st.column_config.ProgressColumn("完成", min_value=0, max_value=1, format="percent")


def moment(value) -> str:
    return f"{value:%Y-%m-%d %H:%M}" if value else "—"



@st.cache_data(max_entries=16, show_spinner="正在统计评审进度……")
def progress_of(db_path: str, round_id: str, data_version: int, principal_json: str) -> RoundProgress:
    """Recomputed only when the audit log says something changed; the principal is part of the key."""
    return score_sheets.round_progress(common.storage(), Principal.model_validate_json(principal_json), round_id)


st.title("评审进度")
review_round = common.choose_round(review_rounds.list_rounds(store, principal, batch.batch_id), "progress_round")
progress = progress_of(common.db_path(), review_round.round_id, store.data_version(), principal.model_dump_json())
if not progress.experts:
    st.info("本轮尚未确认分配，暂无评审进度。")
    st.stop()

experts = {e.expert_id: e for e in progress.experts}
applications = common.application_table(principal, batch)
units = dict(zip(applications["统一社会信用代码"], applications["单位名称"]))
submitted = sum(e.submitted for e in progress.experts)
recused = sum(e.recused for e in progress.experts)
columns = st.columns(5)
columns[0].metric("评分表", progress.sheets)
columns[1].metric("已提交", submitted)
columns[2].metric("已回避", recused)
columns[3].metric("草稿", sum(e.draft for e in progress.experts))
columns[4].metric("完成率", f"{progress.done / progress.sheets:.0%}" if progress.sheets else "—")
closing = f"截止时间 {review_round.closes_at:%Y-%m-%d %H:%M}；" if review_round.closes_at else ""
st.caption(f"{closing}只统计份数，不显示任何分数；专家提交前，工作人员看不到草稿的内容。")
if progress.recusals:
    st.warning(f"本轮有 {len(progress.recusals)} 项专家回避，相应申报书的评审专家可能不足。请到“评审分配”页面用"
               "“回避后补充分配预览”补足缺额（见“回避”标签页）。", icon=":material/block:")


def expert_row(e: ExpertProgress) -> dict:
    return {"专家编号": e.expert_id, "专家": e.name, "单位": e.unit, "评审组": e.panels or "—", "分配": e.assigned,
            "未开始": e.not_started, "草稿": e.draft, "已提交": e.submitted, "已回避": e.recused,
            "完成": e.share_done, "最后保存": moment(e.last_saved)}


def reminders_table() -> pd.DataFrame:
    return pd.DataFrame([{"专家编号": e.expert_id, "专家": e.name, "单位": e.unit, "电话": e.phone, "邮箱": e.email,
                          "未完成": e.unfinished, "未开始": e.not_started, "草稿": e.draft,
                          "最后保存": moment(e.last_saved)}
                         for e in progress.reminders],
                        columns=["专家编号", "专家", "单位", "电话", "邮箱", "未完成", "未开始", "草稿", "最后保存"])


def show_overall() -> None:
    st.markdown("**按评审组**")
    st.dataframe(pd.DataFrame([{"评审组": p.panel, "专家": p.experts, "评分表": p.sheets, "已提交": p.submitted,
                                "已回避": p.recused, "完成": p.share_done} for p in progress.panels]),
                 hide_index=True, column_config={"完成": DONE}, key="panel_progress")
    st.markdown("**按专家**")
    st.dataframe(pd.DataFrame([expert_row(e) for e in progress.experts]), hide_index=True,
                 column_config={"完成": DONE}, key="expert_progress")


def show_reminders() -> None:
    table = reminders_table()
    if table.empty:
        st.success("全部专家均已完成评审。", icon=":material/task_alt:")
        return
    st.caption(f"{len(table)} 位专家尚未完成（未开始或草稿），未完成份数多的在前。")
    st.dataframe(table, hide_index=True, key="reminders")
    st.download_button("下载催办名单（.csv）", table.to_csv(index=False).encode("utf-8-sig"),
                       file_name=f"催办名单_{review_round.round_id}.csv", mime="text/csv", key="download_reminders",
                       icon=":material/download:")


def show_recusals() -> None:
    if not progress.recusals:
        st.info("本轮尚无专家回避。")
        return
    st.dataframe(pd.DataFrame([{
        "专家": experts[r.expert_id].name if r.expert_id in experts else r.expert_id, "专家编号": r.expert_id,
        "申报单位": units.get(r.credit_code, r.credit_code), "回避理由": r.reason, "登记时间": moment(r.recorded_at),
        "登记人": r.recorded_by} for r in progress.recusals]), hide_index=True, key="recusals")
    st.info("回避的专家不再评审该申报书。请到“评审分配”页面点击“回避后补充分配预览”，为缺额的申报书补充专家并确认。",
            icon=":material/assignment_ind:")


def show_sheets() -> None:
    chosen = st.selectbox("专家", list(experts), key="sheet_expert",
                          format_func=lambda i: f"{experts[i].name}（{i}，已提交 {experts[i].submitted} / "
                                                f"{experts[i].assigned}）")
    sheets = {s.credit_code: s for s in score_sheets.submitted_sheets(store, principal, review_round.round_id,
                                                                         expert_id=chosen)}
    if not sheets:
        st.info("该专家尚无已提交的评分表（草稿不对工作人员显示）。")
    else:
        code = st.selectbox("申报单位", list(sheets), key="sheet_application",
                            format_func=lambda c: f"{units.get(c, c)}（{c}）")
        sheet = sheets[code]
        if sheet.reopened_reason:
            st.caption(f"该评分表曾被退回，理由：{sheet.reopened_reason}")
        sheet_view.show_sheet(score_sheets.rubric_of(store, principal, review_round.round_id), sheet)
        if can_manage:
            reopen_form(code, chosen)
    st.markdown("**打印该专家的评分表**")
    sheet_view.export_section(store, principal, review_round.round_id, key=f"staff_export_{chosen}",
                              expert_id=chosen, formats=("pdf",))


def reopen_form(code: str, expert_id: str) -> None:
    with st.expander("退回评分表", icon=":material/undo:"):
        st.caption("退回后评分表回到草稿状态，专家可修改后重新提交；已提交的版本仍保留在历史中。")
        reason = st.text_input("退回理由（必填，专家可见，记入审计日志）", key="reopen_reason")
        if st.button("退回评分表", key="reopen_sheet"):
            with common.shown_errors():
                score_sheets.reopen_sheet(store, principal, review_round.round_id, code, expert_id, reason)
                common.flash("已退回评分表，专家将看到退回理由。")
                st.rerun()


def show_ratings() -> None:
    """履职评价: each expert's figures in the round, and staff's rating kept on the expert's record."""
    work = ratings.round_work(store, principal, review_round.round_id)
    rated = {r.expert_id: r for r in ratings.expert_ratings(store, principal, round_id=review_round.round_id)}
    names = {e.expert_id: e.name for e in progress.experts}
    st.dataframe(pd.DataFrame([{
        "专家编号": w.expert_id, "专家": names.get(w.expert_id, w.expert_id), "分配": w.assigned,
        "按时提交": w.on_time, "逾期提交": w.late, "回避": w.recused, "被退回": w.reopened,
        "评语覆盖": w.comment_share, "评价": str(rated[w.expert_id].rating) if w.expert_id in rated else "—"}
        for w in work]), hide_index=True, key="work_table",
        column_config={"评语覆盖": st.column_config.ProgressColumn("评语覆盖", min_value=0, max_value=1,
                                                                  format="percent")})
    if not work or not principal.can(Permission.MANAGE_EXPERTS, batch.batch_id):
        return
    with st.form("rate_expert"):
        left, right = st.columns(2)
        expert_id = left.selectbox("专家", [w.expert_id for w in work],
                                   format_func=lambda e: f"{e} {names.get(e, '')}", key="rate_expert_id")
        rating = right.radio("评价", list(ratings.Rating), horizontal=True, key="rate_value")
        note = st.text_input("评价说明（必填，保留在专家记录中）", key="rate_note")
        if st.form_submit_button("记录履职评价"):
            with common.shown_errors():
                ratings.rate_expert(store, principal, review_round.round_id, expert_id, rating, note)
                common.flash(f"已记录专家 {expert_id} 的履职评价：{rating}。")
                st.rerun()


overall, reminders, recusals, sheets, ratings_tab = st.tabs(["总体进度", f"催办名单（{len(progress.reminders)}）",
                                                         f"回避（{len(progress.recusals)}）", "查看评分表", "履职评价"])
with overall:
    show_overall()
with reminders:
    show_reminders()
with recusals:
    show_recusals()
with sheets:
    show_sheets()
with ratings_tab:
    show_ratings()
