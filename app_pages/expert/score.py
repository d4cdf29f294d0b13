"""评分: an expert scores one assigned application — the application on the left, the round's frozen rubric on the
right — and every change is saved as a draft at once; then submission, recusal and a dissent.

Autosave: each score, comment, opinion and explanation has an on-change callback that saves the whole form as a
draft, based on the revision this page last showed. When another tab or device saved in between, the domain
refuses (StaleSheet) and the page reloads the sheet from the database and says so: every widget key carries a
generation number, so a reload starts fresh widgets filled from the stored sheet.

Streamlit may start a new run of the page while the previous one is still in its callbacks (fast reruns), so two
callbacks of one browser session can save at the same moment; a lock per session orders them, and each reads the
form's latest values and revision under it."""
import threading
from decimal import Decimal

import streamlit as st

from app_pages.widgets import application_view, common, pilot_charts, report_view, sheet_view
from app_pages.widgets.live_text import live_text, text_of
from scoring.review import score_sheets
from scoring.common.access import Permission
from scoring.common.errors import ReviewError
from scoring.common.models import Opinion, SheetEntries, SheetStatus
from scoring.review.rubrics import Criterion, points_text
from scoring.review.score_sheets import ReviewContext, SheetIncomplete, StaleSheet

FORMS_KEY = "score_forms"  # {"round|code": {"generation": n, "revision": shown}}
NOTICE_KEY = "score_notice"  # what a callback has to tell the next run: (kind, text)
LOCK_KEY = "score_lock"
PANE_HEIGHT = 700  # both halves scroll on their own, so the application stays beside the form

principal = common.require_page(Permission.SCORE)
store = common.storage()
batch = common.current_batch()

st.title("评分")
if not principal.expert_id:
    st.info("只有关联了专家库专家的评审专家账号可以评分。")
    st.stop()

tasks = {f"{t.round_id}|{t.credit_code}": t for t in score_sheets.my_tasks(store, principal)
         if t.batch_id == batch.batch_id}
if not tasks:
    st.info("目前没有分配给您的评审任务。")
    st.stop()
if st.session_state.get(common.SELECTED_TASK_KEY) not in tasks:
    unfinished = [k for k, t in tasks.items() if t.status in (SheetStatus.NOT_STARTED, SheetStatus.DRAFT)]
    common.select_task(st.session_state, *(unfinished or list(tasks))[0].split("|"))
choice = st.selectbox("申报书", list(tasks), key=common.SELECTED_TASK_KEY,
                      format_func=lambda k: f"{tasks[k].unit_name}｜{tasks[k].round_label}")
round_id, code = choice.split("|")


# --- the page's copy of the sheet: which revision it shows, which generation of widgets ----------------------


def notice(kind: str, text: str) -> None:
    st.session_state[NOTICE_KEY] = (kind, text)


lock: threading.RLock = st.session_state.get(LOCK_KEY) or st.session_state.setdefault(LOCK_KEY, threading.RLock())
with lock:
    with common.shown_errors(stop=True):
        ctx: ReviewContext = score_sheets.review_context(store, principal, round_id, code)
    sheet, rubric, review_round = ctx.sheet, ctx.rubric, ctx.review_round
    forms = st.session_state.setdefault(FORMS_KEY, {})
    form = forms.setdefault(choice, {"generation": 0, "revision": sheet.revision})
    if form["revision"] != sheet.revision:
        # Saved elsewhere since this page last showed the sheet (or a save was refused as stale): start fresh
        # widgets from the stored sheet rather than keep showing values the database no longer holds.
        form["generation"] += 1
        form["revision"] = sheet.revision
        if NOTICE_KEY not in st.session_state:
            notice("warning", "该评分表已在其他窗口或设备上保存过，已载入最新内容，请核对后再修改。")
editable = sheet.status in (SheetStatus.NOT_STARTED, SheetStatus.DRAFT)


def key(name: str) -> str:
    return f"score_{round_id}_{code}_{form['generation']}_{name}"


def score_value(criterion: Criterion) -> Decimal | None:
    value = st.session_state.get(key(f"points_{criterion.id}"), sheet.scores.get(criterion.id))
    return None if value is None else Decimal(str(value))


def form_entries() -> SheetEntries:
    """What the form holds now: every widget's value, the stored value where a widget is not drawn yet."""
    opinion = st.session_state.get(key("opinion"), sheet.opinion)
    return SheetEntries(
        scores={c.id: score_value(c) for c in rubric.criteria},
        comments={c.id: text for c in rubric.criteria
                  if (text := text_of(key(f"comment_{c.id}"), sheet.comments.get(c.id, "")))},
        opinion=opinion, opinion_text=text_of(key("opinion_text"), sheet.opinion_text), dissent=sheet.dissent)


def autosave() -> None:
    """Save the form as a draft (on-change callback of every field of the form)."""
    with lock:
        if form["revision"] is None:
            return  # a save was just refused as stale: this run reloads the sheet before anything more is saved
        try:
            saved = score_sheets.save_draft(store, principal, round_id, code, form_entries(),
                                            expected_revision=form["revision"])
        except StaleSheet as exc:
            form["revision"] = None  # reloaded from the database on this rerun
            notice("warning", str(exc))
        except ReviewError as exc:  # a callback: the next run shows it
            notice("error", f"未能保存：{exc}")
        else:
            form["revision"] = saved.revision


def saved_line() -> str:
    if sheet.saved_at is None:
        return ":gray[:material/cloud_off: 尚未保存：填写任一项后自动保存为草稿]"
    return f":green[:material/cloud_done: 已自动保存 {sheet.saved_at:%H:%M:%S}（第 {sheet.revision} 版）]"


# --- header ---------------------------------------------------------------------------------------------------

st.subheader(ctx.application.basic.unit_name)
closing = f"｜截止 {review_round.closes_at:%Y-%m-%d %H:%M}" if review_round.closes_at else ""
st.markdown(f"{sheet_view.STATUS_BADGES[sheet.status]}　{review_round.label}{closing}｜{rubric.label}")
status_slot = st.empty()  # saved state and running total, above both panes so that it stays in sight
if sheet.reopened_reason and sheet.status is SheetStatus.DRAFT:
    st.warning(f"省局工作人员已退回该评分表，理由：{sheet.reopened_reason}。请修改后重新提交。",
               icon=":material/undo:")
pending = st.session_state.pop(NOTICE_KEY, None)
if pending:
    getattr(st, pending[0])(pending[1])


# --- left: the application ----------------------------------------------------------------------------------


def attachment_content(attachment):
    """The file of an attachment of the application this expert was assigned."""
    return score_sheets.review_attachment(store, principal, round_id, code, attachment.sha256)


def application_pane() -> None:
    app = ctx.application
    if review_round.reviews_pilots:
        report_pane()
        return
    tabs = st.tabs(["近三年数据", "三年建设方案", *application_view.SECTIONS])
    with tabs[0]:
        st.caption(f"{app.basic.unit_type}｜{app.recommendation.city}｜统一社会信用代码 {app.credit_code}")
        application_view.show_figures(app, batch, wrap=True)
    with tabs[1]:
        application_view.show_plan(app, attachment_content, key_prefix="plan", height=PANE_HEIGHT - 160)
    application_view.show_sections(tabs[2:], app, attachment_content, key_prefix="attachment")


def three_years_pane(progress) -> None:
    """A final evaluation: the three years' figures against the year's goals and the plan's goals."""
    st.altair_chart(pilot_charts.converted_chart(progress), width="stretch", key="review_chart_converted")
    st.dataframe(pilot_charts.year_table(progress), hide_index=True)
    st.markdown("**三年累计对照目标**")
    st.dataframe(pilot_charts.period_table(progress), hide_index=True)


def report_pane() -> None:
    """A yearly acceptance or final evaluation: the pilot's report of the year first, then its plan and form."""
    app = ctx.application
    three_years = ["三年对照目标"] if ctx.progress is not None else []
    tabs = st.tabs([*three_years, f"{review_round.year}年度工作总结", "三年建设方案", *application_view.SECTIONS])
    if three_years:
        with tabs[0]:
            three_years_pane(ctx.progress)
        tabs = tabs[1:]
    with tabs[0]:
        st.caption(f"{app.basic.unit_type}｜{app.recommendation.city}｜统一社会信用代码 {app.credit_code}")
        if ctx.report is None:
            st.warning(f"该试点未报送 {review_round.year} 年度工作总结。", icon=":material/warning:")
        else:
            report_view.show_report(ctx.report, with_problems=False)
    with tabs[1]:
        application_view.show_plan(app, attachment_content, key_prefix="plan", height=PANE_HEIGHT - 160)
    application_view.show_sections(tabs[2:], app, attachment_content, key_prefix="attachment")


# --- right: the score form ------------------------------------------------------------------------------------


def criterion_block(number: int, criterion: Criterion) -> Decimal | None:
    with st.container(border=True):
        st.markdown(f"**{number}. {criterion.name}**　:gray-badge[满分 {points_text(criterion.max_points)} 分]"
                    f" :gray-badge[步长 {points_text(criterion.step)} 分]")
        if criterion.description:
            st.caption(criterion.description)
        figures = sheet_view.figures_text(ctx.application, batch, criterion)
        if figures:
            st.markdown(f":material/analytics: {figures}")
        if criterion.bands:
            with st.expander("评分档次与评分要点"):
                st.table(sheet_view.bands_table(criterion), hide_index=True)
        left, right = st.columns([2, 3], vertical_alignment="bottom")
        decimals = max(0, -criterion.step.normalize().as_tuple().exponent)
        stored = sheet.scores.get(criterion.id)
        left.number_input(
            f"得分（0—{points_text(criterion.max_points)}）", min_value=0.0, max_value=float(criterion.max_points),
            step=float(criterion.step), format=f"%.{decimals}f", value=None if stored is None else float(stored),
            key=key(f"points_{criterion.id}"), on_change=autosave, placeholder="未打分")
        given = score_value(criterion)
        band = criterion.band_of(given) if given is not None else None
        right.markdown(f"档次：**{band.label}**（{band.range_text}）" if band else ":gray[档次：—]")
        comment = live_text(f"评语（{criterion.comment_rule_text}）", key=key(f"comment_{criterion.id}"),
                            value=sheet.comments.get(criterion.id, ""), height=72, on_change=autosave,
                            placeholder="请简要说明打分理由", store_key=f"{principal.expert_id}/{choice}/{criterion.id}")
        if criterion.needs_comment(given) and not comment.strip():
            st.warning(f"须填写评语：{criterion.comment_rule_text}。", icon=":material/edit_note:")
        return given


def opinion_block() -> None:
    st.markdown("**总体意见**" + ("（必填）" if rubric.opinion_required else ""))
    options = list(Opinion)
    st.radio("总体意见", options, index=options.index(sheet.opinion) if sheet.opinion else None, horizontal=True,
             key=key("opinion"), on_change=autosave, format_func=str, label_visibility="collapsed")
    live_text("意见说明" + ("（必填）" if rubric.opinion_required else ""), key=key("opinion_text"),
              value=sheet.opinion_text, height=96, on_change=autosave, placeholder="推荐或不推荐的主要理由",
              store_key=f"{principal.expert_id}/{choice}/opinion_text")


def submit_block() -> None:
    if st.button("提交评分表", type="primary", key="submit_sheet", icon=":material/send:",
                 help="提交后评分表锁定，不能再修改；如需修改须由省局工作人员退回。"):
        try:
            with lock:
                submitted = score_sheets.submit_sheet(store, principal, round_id, code, form_entries(),
                                                      expected_revision=form["revision"])
                form["revision"] = submitted.revision
        except SheetIncomplete as exc:
            st.error("评分表尚未完成，不能提交：\n\n" + "\n".join(f"- {p}" for p in exc.problems),
                     icon=":material/error:")
        except StaleSheet as exc:
            form["revision"] = None
            notice("warning", str(exc))
            st.rerun()
        except ReviewError as exc:
            st.error(str(exc))
        else:
            common.flash(f"已提交评分表：{ctx.application.basic.unit_name}，合计 {points_text(submitted.total)} 分。")
            st.rerun()


def recusal_block() -> None:
    with st.expander("申请回避", icon=":material/block:"):
        st.caption("与该申报单位存在利害关系（如任职、兼职、合作、亲属关系）时，应申请回避。回避后不能再对该申报书评分，"
                   "省局工作人员将另行安排专家。")
        reason = st.text_area("回避理由（必填）", key=key("recusal_reason"), height=80)
        confirmed = st.checkbox("我确认申请回避，不再评审该申报书", key=key("recusal_confirm"))
        if st.button("申请回避", key="declare_recusal", disabled=not confirmed):
            with common.shown_errors():
                recused = score_sheets.declare_recusal(store, principal, round_id, code, reason)
                form["revision"] = recused.revision
                common.flash("已申请回避，省局工作人员会看到并另行安排专家。")
                st.rerun()


def dissent_block() -> None:
    with st.expander("不同意见（保留意见）", icon=":material/record_voice_over:", expanded=bool(sheet.dissent)):
        st.caption("对专家组意见有不同看法时在此写明；每次保存的文字都会保留，并打印在评分表上。")
        text = st.text_area("不同意见", value=sheet.dissent, key=key("dissent"), height=100, max_chars=2000)
        if st.button("保存不同意见", key="save_dissent"):
            with common.shown_errors():
                kept = score_sheets.record_dissent(store, principal, round_id, code, text)
                form["revision"] = kept.revision
                common.flash("已保存不同意见。")
                st.rerun()


def recusal_reason() -> str:
    history = score_sheets.sheet_history(store, principal, round_id, code, principal.expert_id)
    return next((h["reason"] for h in reversed(history) if h["event"] == "回避"), "")


def form_pane() -> None:
    if sheet.status is SheetStatus.RECUSED:
        st.info(f"您已对该申报书申请回避{('，理由：' + reason) if (reason := recusal_reason()) else ''}。"
                "已回避的申报书不能评分。", icon=":material/block:")
        return
    if not editable:
        st.success("已提交，评分表已锁定。如需修改，请联系省局工作人员退回。", icon=":material/lock:")
        sheet_view.show_sheet(rubric, sheet)
        dissent_block()
        return
    number = 0
    given = []
    for group, criteria in sheet_view.groups(rubric):
        st.markdown(f"#### {group}")
        for criterion in criteria:
            number += 1
            given.append(criterion_block(number, criterion))
    scored = [g for g in given if g is not None]
    status_slot.markdown(f"{saved_line()}　**当前合计：{points_text(sum(scored, Decimal('0')))} / "
                         f"{points_text(rubric.total)} 分**（已评 {len(scored)} / {len(given)} 项）")
    st.divider()
    opinion_block()
    st.caption(saved_line())
    submit_block()
    recusal_block()
    dissent_block()


left, right = st.columns(2, gap="medium")
with left:
    with st.container(height=PANE_HEIGHT, border=False, key="application_pane"):
        application_pane()
with right:
    with st.container(height=PANE_HEIGHT, border=False, key="form_pane"):
        form_pane()
