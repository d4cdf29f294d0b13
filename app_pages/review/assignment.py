"""评审分配: preview the assignment of a round (outside the script thread), commit it with a reason, edit pairs by
hand, re-run after a recusal, and export the list."""
from concurrent.futures import Future, ThreadPoolExecutor, wait

import altair as alt
import pandas as pd
import streamlit as st

from app_pages.widgets import common, server
from scoring.rounds import assignment, assignment_lists, review_rounds
from scoring.common.access import Permission, Principal
from scoring.rounds.assignment import AssignmentPreview, ExpertLoad, PreviewKind
from scoring.rounds.assignment_lists import CommittedAssignment
from scoring.rounds.review_rounds import RoundMode

JOB_KEY = "assignment_preview_job"
PREVIEW_KEY = "assignment_preview"
EXPORT_KEY = "assignment_export"
# Small batches finish within this wait and show at once; larger ones are polled while the page stays usable.
FIRST_WAIT_SECONDS = 5.0
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

principal = common.require_page(Permission.VIEW_ASSIGNMENTS)
store = common.storage()
batch = common.current_batch()
can_manage = principal.can(Permission.MANAGE_ROUNDS, batch.batch_id)


@st.cache_resource
def preview_workers() -> ThreadPoolExecutor:
    """Solves run here, not in the script thread: a rerun or another click never waits on OR-Tools."""
    return ThreadPoolExecutor(max_workers=2, thread_name_prefix="assignment-preview")


@st.cache_data(max_entries=16, show_spinner="正在读取已确认的分配……")
def committed_view(db_path: str, round_id: str, data_version: int, principal_json: str) -> CommittedAssignment:
    """Recomputed only when the audit log says something changed; the principal is part of the key."""
    return assignment_lists.committed_assignment(common.storage(), Principal.model_validate_json(principal_json),
                                                 round_id)


st.title("评审分配")
review_round = common.choose_round(review_rounds.list_rounds(store, principal, batch.batch_id), "assignment_round")
st.caption(f"{review_round.kind}｜评分标准 {review_round.rubric_id}｜{review_round.mode}｜"
           f"每份申报书 {review_round.experts_per_application} 名专家"
           + (f"｜每位专家 {review_round.min_load}—{review_round.max_load} 份" if review_round.mode is RoundMode.DISTRIBUTED
              else f"｜评审组 {len(review_round.panels)} 个"))


# --- charts ------------------------------------------------------------------------------------


def loads_chart(loads: list[ExpertLoad]) -> alt.Chart:
    """How many experts carry each load."""
    counts = pd.DataFrame([{"评审数": load, "专家人数": n} for load, n in assignment_lists.load_counts(loads).items()])
    bars = alt.Chart(counts).mark_bar(color="#1f77b4").encode(
        x=alt.X("评审数:O", title="每位专家的评审数（份）"), y=alt.Y("专家人数:Q", title="专家（人）"),
        tooltip=["评审数", "专家人数"])
    return bars.properties(title="专家负荷", height=260)


def fit_chart(fits: pd.DataFrame) -> alt.Chart:
    """Applications by the mean fit of their experts."""
    shown = fits.dropna(subset=["平均匹配度"]).assign(匹配度=lambda t: (t["平均匹配度"] * 100).round())
    return alt.Chart(shown).mark_bar(color="#2e7d32").encode(
        x=alt.X("匹配度:Q", bin=alt.Bin(step=10, extent=[0, 100]), title="平均匹配度（%）"),
        y=alt.Y("count():Q", title="申报书（份）"), tooltip=[alt.Tooltip("count():Q", title="申报书")],
    ).properties(title="专业匹配度", height=260)


def show_charts(loads: list[ExpertLoad], fits: pd.DataFrame, key: str) -> None:
    left, right = st.columns(2)
    left.altair_chart(loads_chart(loads), width="stretch", key=f"{key}_loads_chart")
    right.altair_chart(fit_chart(fits), width="stretch", key=f"{key}_fit_chart")


PERCENT = st.column_config.NumberColumn(format="percent")


# --- the preview -------------------------------------------------------------------------------


def start_preview(kind: PreviewKind) -> None:
    run = assignment.preview_assignment if kind is PreviewKind.FULL else assignment.preview_rerun
    st.session_state[JOB_KEY] = preview_workers().submit(run, store, principal, review_round.round_id)
    st.session_state.pop(PREVIEW_KEY, None)


def collect_preview(first_wait: float) -> None:
    """Move a finished job's preview into the session; while it runs, poll without blocking the page."""
    future: Future | None = st.session_state.get(JOB_KEY)
    if future is None:
        return
    if first_wait:
        with st.spinner("正在计算分配……"):
            wait([future], timeout=first_wait)
    if not future.done():
        waiting_for(future)
        return
    del st.session_state[JOB_KEY]
    with common.shown_errors():
        st.session_state[PREVIEW_KEY] = future.result()


@st.fragment(run_every="1s")
def waiting_for(future: Future) -> None:
    if future.done():
        st.rerun()
    st.info("正在计算分配，完成后自动显示。您可以先查看下方已确认的分配。")


def show_preview(preview: AssignmentPreview) -> None:
    st.subheader(f"{preview.kind}预览")
    st.caption(f"生成于 {preview.computed_at:%Y-%m-%d %H:%M:%S}")
    for note in preview.notes:
        st.info(note)
    if not preview.feasible:
        st.error("无法满足全部约束，未生成任何分配。请按以下提示调整后重新预览：")
        for shortfall in preview.shortfalls:
            st.error(shortfall)
        return
    names, units = assignment_lists.preview_names(preview)
    loads = [l.load for l in preview.loads]
    fits = assignment_lists.fits_table(preview.fits)
    columns = st.columns(5)
    columns[0].metric("分配项数", len(preview.pairs))
    columns[1].metric("新增", len(preview.added))
    columns[2].metric("移除", len(preview.removed))
    columns[3].metric("专家负荷", f"{min(loads, default=0)}—{max(loads, default=0)}")
    columns[4].metric("平均匹配度", f"{fits['平均匹配度'].mean():.0%}" if fits["平均匹配度"].notna().any() else "—")
    if preview.optimality:
        st.caption(preview.optimality)
    show_charts(preview.loads, fits, "preview")
    pairs, changes, experts, applications = st.tabs(["分配表", "变化", "专家负荷", "申报书匹配度"])
    pairs.dataframe(assignment_lists.preview_table(preview, names, units), hide_index=True,
                    column_config={"匹配度": PERCENT}, key="preview_pairs")
    changes.dataframe(assignment_lists.changes_table(preview, names, units), hide_index=True, key="preview_changes")
    experts.dataframe(assignment_lists.loads_table(preview.loads), hide_index=True, key="preview_loads")
    applications.dataframe(fits, hide_index=True, column_config={"平均匹配度": PERCENT}, key="preview_fits")
    commit_form(preview)


def commit_form(preview: AssignmentPreview) -> None:
    if not preview.has_changes:
        st.success("预览与已确认的分配相同，无需确认。")
        return
    reason = st.text_input("确认理由（必填，记入审计日志）", key="commit_reason")
    if st.button("确认分配", type="primary", key="commit_assignment"):
        with common.shown_errors():
            summary = assignment.commit_assignment(store, principal, review_round.round_id, preview, reason)
            server.deliver_soon(store)
            st.session_state.pop(PREVIEW_KEY, None)
            common.flash(f"已确认分配：共 {summary.pairs} 项，新增 {summary.added} 项，移除 {summary.removed} 项。")
            st.rerun()


def preview_section() -> None:
    left, right = st.columns(2)
    started = None
    if left.button("生成分配预览", type="primary", key="run_preview",
                   help="按本轮设置从头计算分配，并与已确认的分配比较；确认前不保存任何内容。"):
        started = PreviewKind.FULL
    if right.button("回避后补充分配预览", key="run_rerun",
                    help="撤下因回避不能保留的分配，只为缺额的申报书补充专家，其余分配不动。"):
        started = PreviewKind.RERUN
    if started:
        start_preview(started)
    collect_preview(FIRST_WAIT_SECONDS if started else 0)
    preview: AssignmentPreview | None = st.session_state.get(PREVIEW_KEY)
    if preview is not None and preview.round_id == review_round.round_id:
        show_preview(preview)


# --- the committed assignment ------------------------------------------------------------------


def committed_section(view: CommittedAssignment) -> None:
    st.subheader("已确认的分配")
    if not view.rows:
        st.info("本轮尚未确认分配。")
        return
    columns = st.columns(3)
    columns[0].metric("分配项数", len(view.rows))
    columns[1].metric("缺额的申报书", len(view.uncovered))
    columns[2].metric("需回避的分配", len(view.barred))
    if view.barred:
        st.warning("以下分配因回避不能保留：" + "；".join(r.conflict for r in view.barred)
                   + "。请用“回避后补充分配预览”补足，或手动更换专家。")
    fits = assignment_lists.fits_table(view.fits)
    show_charts(view.loads, fits, "committed")
    st.dataframe(assignment_lists.committed_table(view), hide_index=True, column_config={"匹配度": PERCENT},
                 key="committed_table")
    export_section()


def export_section() -> None:
    if st.button("导出分配名单（.xlsx）", key="export_assignment"):
        with common.shown_errors():
            st.session_state[EXPORT_KEY] = assignment_lists.export_assignment(store, principal, review_round.round_id)
    exported = st.session_state.get(EXPORT_KEY)
    if exported is not None and exported.path.parent.name == review_round.round_id:
        st.download_button(f"下载 {exported.filename}", exported.content, file_name=exported.filename, mime=XLSX,
                           key="download_assignment")
        st.caption(f"已存档于 {exported.path}，SHA-256 {exported.sha256}（已记入审计日志）。")


def manual_section(view: CommittedAssignment) -> None:
    applications = {f.credit_code: f.unit_name for f in view.fits if f.required}
    experts = {l.expert_id: f"{l.name}（{l.unit}，已分配{l.committed}份）" for l in view.loads}
    pairs = {f"{r.credit_code}|{r.expert_id}": f"{r.unit_name} — {r.expert_name}" for r in view.rows}
    with st.expander("手动调整分配（回避规则与同单位限制仍然适用）"):
        add, remove, swap = st.tabs(["添加", "移除", "更换专家"])
        with add:
            code = st.selectbox("申报书", list(applications), format_func=applications.get, key="add_application")
            expert_id = st.selectbox("专家", list(experts), format_func=experts.get, key="add_expert")
            reason = st.text_input("理由（必填）", key="add_reason")
            if st.button("添加分配", key="add_pair", disabled=not (code and expert_id)):
                edit(lambda: assignment.add_pair(store, principal, review_round.round_id, code, expert_id, reason),
                     "已添加分配。")
        with remove:
            chosen = st.selectbox("分配", list(pairs), format_func=pairs.get, key="remove_choice")
            reason = st.text_input("理由（必填）", key="remove_reason")
            if st.button("移除分配", key="remove_pair", disabled=not chosen):
                code, expert_id = chosen.split("|")
                edit(lambda: assignment.remove_pair(store, principal, review_round.round_id, code, expert_id, reason),
                     "已移除分配。")
        with swap:
            chosen = st.selectbox("被更换的分配", list(pairs), format_func=pairs.get, key="swap_choice")
            new_expert = st.selectbox("更换为", list(experts), format_func=experts.get, key="swap_expert")
            reason = st.text_input("理由（必填）", key="swap_reason")
            if st.button("更换专家", key="swap_pair", disabled=not (chosen and new_expert)):
                code, old_expert = chosen.split("|")
                edit(lambda: assignment.swap_pair(store, principal, review_round.round_id, code, old_expert,
                                                 new_expert, reason), "已更换专家。")


def edit(action, done: str) -> None:
    with common.shown_errors():
        action()
        server.deliver_soon(store)
        st.session_state.pop(PREVIEW_KEY, None)
        common.flash(done)
        st.rerun()


if can_manage:
    preview_section()
    st.divider()
view = committed_view(common.db_path(), review_round.round_id, store.data_version(), principal.model_dump_json())
committed_section(view)
if can_manage and view.fits:
    manual_section(view)
