"""公示: the notice of a round's frozen shortlist — its settings, the period counted live in working days (with the
holiday arrangement of a year the calendar does not know), a draft preview, publishing and withdrawing, and the
published notice and list as files. City bureaus read only the published notice: it is public once posted."""
from datetime import date

import pandas as pd
import streamlit as st

from app_pages.widgets import common, texts
from scoring.common import clock
from scoring.publicity import notices
from scoring.rounds import review_rounds
from scoring.common.access import Permission
from scoring.documents.official import NOTICE_COLUMNS, ListColumn
from scoring.documents.official_pdf import notice_web_html
from scoring.common.errors import ReviewError
from scoring.common.normalize import validated
from scoring.publicity.notices import NoticePreview, NoticeSettings, PublishedNotice
from scoring.publicity.files import export_list, export_notice, notice_bytes
from scoring.rounds.review_rounds import ReviewRound
from scoring.publicity.workdays import UncoveredYear, WorkingPeriod, enter_year, entered_years, year_holidays

principal = common.require_page(Permission.VIEW_APPLICATIONS)
store = common.storage()
batch = common.current_batch()
can_prepare = principal.can(Permission.VIEW_ASSIGNMENTS, batch.batch_id)
can_manage = principal.can(Permission.MANAGE_ROUNDS, batch.batch_id)
SETTINGS_ROUND_KEY = "notice_settings_round"  # the round whose saved settings the widgets were filled from
CONTACT_FIELDS = {"person": "联系人", "phone": "联系电话", "fax": "传真", "email": "电子邮箱", "address": "通讯地址",
                  "postcode": "邮政编码"}


def readable_rounds() -> list[ReviewRound]:
    """Staff and observers choose among every round; a city bureau, which does not see the review, only among the
    rounds whose notice is posted."""
    if can_prepare:
        return review_rounds.list_rounds(store, principal, batch.batch_id)
    return notices.publicised_rounds(store, principal, batch.batch_id)


# --- the notice in force -------------------------------------------------------------------------------------------


def status_section(published: list[PublishedNotice]) -> None:
    st.subheader("发布记录")
    if not published:
        st.info("尚未发布公示。", icon=":material/campaign:")
        return
    today = clock.today()
    st.dataframe(pd.DataFrame([{
        "版本": f"第 {n.version} 版", "状态": str(n.status(today)), "公示期": f"{n.start:%Y-%m-%d} 至 {n.end:%Y-%m-%d}",
        "单位数": len(n.units), "发布人": n.published_by, "发布时间": f"{n.published_at:%Y-%m-%d %H:%M}",
        "撤回": f"{n.withdrawn_at:%Y-%m-%d %H:%M} {n.withdrawn_by}：{n.withdraw_reason}" if n.withdrawn_at else "",
        "SHA-256": n.sha256[:16] + "…"} for n in reversed(published)]), hide_index=True, key="notice_versions")


def notice_in_force(notice: PublishedNotice) -> None:
    status = notice.status(clock.today())
    st.success(f"第 {notice.version} 版公示（{status}）：公示期 {notice.start:%Y-%m-%d} 至 {notice.end:%Y-%m-%d}，"
               f"{len(notice.units)} 个单位。", icon=":material/campaign:")
    st.caption(f"{notice.published_at:%Y-%m-%d %H:%M} 由 {notice.published_by} 发布（{notice.reason}）；"
               f"内容 SHA-256：{notice.sha256}")


# --- settings ------------------------------------------------------------------------------------------------------


def fill_widgets(settings: NoticeSettings) -> None:
    """Start the widgets from the round's saved settings when a round is opened (or chosen again)."""
    values = {"notice_title": settings.title, "notice_basis": settings.basis, "notice_procedure": settings.procedure,
              "notice_columns": [str(c) for c in settings.columns], "notice_days": settings.working_days,
              "notice_start": settings.start_date, "notice_issued_on": settings.issued_on,
              "notice_issuer": settings.issuer}
    values |= {f"notice_contact_{field}": getattr(settings.contact, field) for field in CONTACT_FIELDS}
    st.session_state.update(values)
    st.session_state[SETTINGS_ROUND_KEY] = round_id


def settings_inputs() -> NoticeSettings | None:
    """The settings as the widgets hold them now; the preview and the period follow every change."""
    # Streamlit forgets a widget's state once a run leaves it out (another page was opened): fill them again then.
    if st.session_state.get(SETTINGS_ROUND_KEY) != round_id or "notice_title" not in st.session_state:
        fill_widgets(notices.notice_settings(store, principal, round_id))
    locked = not can_manage
    st.subheader("设置")
    left, middle, right = st.columns(3)
    left.date_input("公示开始日期", key="notice_start", format="YYYY-MM-DD", disabled=locked,
                    min_value=date(2000, 1, 1), max_value=date(2100, 12, 31))
    middle.number_input("公示期（工作日）", min_value=1, max_value=60, step=1, key="notice_days", disabled=locked)
    right.date_input("落款日期（留空为公示开始日期）", key="notice_issued_on", format="YYYY-MM-DD", disabled=locked,
                     min_value=date(2000, 1, 1), max_value=date(2100, 12, 31))
    st.text_input("标题（留空按批次年度生成）", key="notice_title", disabled=locked)
    with st.expander("依据、评审程序、名单列和联系方式"):
        st.text_area("依据", key="notice_basis", height=68, disabled=locked)
        st.text_area("评审程序", key="notice_procedure", height=68, disabled=locked)
        st.multiselect("名单列（序号和单位名称总会列出）", [str(c) for c in NOTICE_COLUMNS], key="notice_columns",
                       disabled=locked, placeholder=texts.CHOOSE_MANY)
        st.text_input("发布机关", key="notice_issuer", disabled=locked)
        st.markdown("**异议受理联系方式**")
        cells = st.columns(3)
        for n, (field, label) in enumerate(CONTACT_FIELDS.items()):
            cells[n % 3].text_input(label, key=f"notice_contact_{field}", disabled=locked)
    state = st.session_state
    with common.shown_errors():
        return validated(NoticeSettings, {
            "title": state.notice_title, "basis": state.notice_basis, "procedure": state.notice_procedure,
            "columns": [ListColumn(c) for c in state.notice_columns], "working_days": int(state.notice_days),
            "start_date": state.notice_start, "issued_on": state.notice_issued_on, "issuer": state.notice_issuer,
            "contact": {field: state[f"notice_contact_{field}"] for field in CONTACT_FIELDS}}, "公示设置有误：")
    return None


def save_button(settings: NoticeSettings | None) -> None:
    if st.button("保存设置", key="save_notice_settings", icon=":material/save:", disabled=settings is None):
        with common.shown_errors():
            notices.save_notice_settings(store, principal, round_id, settings)
            st.toast("已保存公示设置。")


# --- the period and the holiday arrangement ------------------------------------------------------------------------


def period_section(period: WorkingPeriod) -> None:
    st.markdown(f"**公示期**：{period.describe()}")
    lines = []
    if period.start != period.requested_start:
        lines.append(f"{period.requested_start:%Y-%m-%d} 不是工作日，从 {period.start:%Y-%m-%d} 起算。")
    lines += [f"跳过　{day.describe()}" for day in period.skipped]
    lines += [f"计入　{day.describe()}" for day in period.adjusted]
    lines.append("节假日依据：" + "；".join(f"{year} 年 {source}" for year, source in sorted(period.sources.items())))
    st.caption("  \n".join(lines))


def holidays_expander(uncovered: int | None) -> None:
    """Enter (or correct) a year's holiday arrangement; opened by itself when the period needs a year."""
    with st.expander("录入节假日安排", expanded=uncovered is not None, icon=":material/calendar_month:"):
        entered = entered_years(store)
        if entered:
            st.dataframe(pd.DataFrame([{"年份": y.year, "放假天数": len(y.holidays), "调休上班天数": len(y.workdays),
                                        "依据": y.note} for y in sorted(entered.values(), key=lambda y: y.year)]),
                         hide_index=True, key="holiday_years")
        else:
            st.caption("尚未录入任何年份；chinesecalendar 已收录的年份无需录入。")
        if not can_manage:
            return
        st.caption("日期用逗号或换行分隔，连续的日期可写成范围，例如 2027-02-05~2027-02-11。")
        default_year = uncovered or (st.session_state.get("notice_start") or clock.today()).year
        year = st.number_input("年份", min_value=2000, max_value=2100, value=default_year, step=1, key="holiday_year")
        holidays = st.text_area("放假日期（含调休放假的工作日）", key="holiday_days")
        workdays = st.text_area("调休上班日期（周六、周日上班）", key="holiday_workdays")
        note = st.text_input("依据（如国务院办公厅通知文号）", key="holiday_note")
        reason = st.text_input("录入理由（必填，记入审计日志）", key="holiday_reason")
        if st.button("保存节假日安排", key="enter_holidays", icon=":material/event_available:"):
            with common.shown_errors():
                arrangement = year_holidays(int(year), holidays, workdays, note)
                enter_year(store, principal, batch.batch_id, arrangement, reason)
                common.flash(f"已录入 {arrangement.year} 年节假日安排。")
                st.rerun()


def compute_preview(settings: NoticeSettings | None) -> tuple[NoticePreview | None, int | None]:
    """The draft and its period, or (None, the uncovered year) after saying what is missing."""
    if settings is None:
        return None, None
    try:
        return notices.preview_notice(store, principal, round_id, settings), None
    except UncoveredYear as exc:
        st.error(str(exc), icon=":material/event_busy:")
        return None, exc.year
    except ReviewError as exc:  # what is still missing (a shortlist, a start date): information, not a failure
        st.info(str(exc))
        return None, None


# --- preview and publishing ----------------------------------------------------------------------------------------


def preview_section(preview: NoticePreview) -> None:
    st.subheader("预览（草稿）")
    st.caption(f"按拟入选名单第 {preview.shortlist.version} 版生成，{len(preview.document.units)} 个单位；"
               "草稿只供核对，下载不存档。")
    st.iframe(notice_web_html(preview.document), height=640)
    document = preview.document
    with st.container(horizontal=True):
        for fmt, label in (("docx", "Word"), ("pdf", "PDF"), ("html", "网页")):
            st.download_button(f"下载草稿（{label} .{fmt}）", lambda fmt=fmt: notice_bytes(document, fmt),
                               file_name=f"公示草稿-{round_id}.{fmt}", key=f"draft_{fmt}", icon=":material/draft:",
                               on_click="ignore")


def publish_form(settings: NoticeSettings | None, preview: NoticePreview | None,
                 notice: PublishedNotice | None) -> None:
    with st.container(border=True):
        st.markdown("**发布公示**：公示内容、名单和公示期一经发布即固定（记录 SHA-256、发布人和时间），同时保存以上设置。")
        if notice is not None:
            st.caption(f"第 {notice.version} 版公示正在发布中；如需重新公示，请先撤回。")
        reason = st.text_input("发布理由（必填，记入审计日志）", key="publish_reason")
        checked = st.checkbox("我已核对公示内容和公示期", key="publish_checked")
        if st.button("发布公示", type="primary", key="publish_notice", icon=":material/campaign:",
                     disabled=notice is not None or preview is None or not checked):
            with common.shown_errors():
                done = notices.publish_notice(store, principal, round_id, settings, reason)
                common.flash(f"已发布第 {done.version} 版公示（{done.start:%Y-%m-%d} 至 {done.end:%Y-%m-%d}）。")
                st.session_state.pop("publish_checked", None)
                st.rerun()


def withdraw_form(notice: PublishedNotice) -> None:
    with st.expander(f"撤回第 {notice.version} 版公示", icon=":material/undo:"):
        st.caption("撤回后公示仍留档，标记为已撤回；名单确认后不能撤回。")
        reason = st.text_input("撤回理由（必填，记入审计日志）", key="withdraw_reason")
        if st.button("撤回公示", key="withdraw_notice", icon=":material/undo:"):
            with common.shown_errors():
                notices.withdraw_notice(store, principal, round_id, reason)
                common.flash(f"已撤回第 {notice.version} 版公示。")
                st.rerun()


# --- the published files -------------------------------------------------------------------------------------------


EXPORTS = {"notice": [("docx", "Word .docx"), ("pdf", "PDF"), ("html", "网页 .html")],
           "list": [("xlsx", "Excel .xlsx"), ("csv", ".csv")]}
EXPORT_NAMES = {"notice": "公示", "list": "名单"}


def downloads_section(notice: PublishedNotice) -> None:
    st.markdown(f"**下载第 {notice.version} 版公示和名单**（文件写入导出目录存档，SHA-256 记入审计日志）")
    written = None
    for what, formats in EXPORTS.items():
        with st.container(horizontal=True, vertical_alignment="center"):
            for fmt, label in formats:
                if st.button(f"导出{EXPORT_NAMES[what]}（{label}）", key=f"export_{what}_{fmt}",
                             icon=":material/description:"):
                    written = export(what, fmt)
    if written is not None:
        st.download_button(f"下载 {written.filename}", written.content, file_name=written.filename,
                           mime=written.media_type, key="download_published", icon=":material/download:",
                           on_click="ignore", type="primary")
        st.caption(f"SHA-256 {written.sha256}（已存档并记入审计日志）")


def export(what: str, fmt: str):
    exporter = export_notice if what == "notice" else export_list
    with common.shown_errors():
        return exporter(store, principal, round_id, fmt)
    return None


def published_section(notice: PublishedNotice) -> None:
    """The notice as posted (not the draft), its files, and for staff the withdrawal."""
    st.iframe(notice_web_html(notice.document), height=560)
    downloads_section(notice)
    if can_manage:
        withdraw_form(notice)


def preparation(notice: PublishedNotice | None) -> None:
    """Settings, the live period, the draft and publishing: the work before a notice (or before a new version)."""
    chosen = settings_inputs()
    if can_manage:
        save_button(chosen)
    draft, uncovered = compute_preview(chosen)
    if draft is not None:
        period_section(draft.period)
    holidays_expander(uncovered)
    if draft is not None:
        preview_section(draft)
    if can_manage:
        publish_form(chosen, draft, notice)


# --- the page ------------------------------------------------------------------------------------------------------


st.title("公示")
review_round = common.choose_round(readable_rounds(), "publicity_round",
                                   common.NO_ROUNDS if can_prepare else "本批次尚无已发布的公示。")
round_id = review_round.round_id
published = notices.notices(store, principal, round_id)
current = next((n for n in reversed(published) if n.withdrawn_at is None), None)

if current is not None:
    notice_in_force(current)
if not can_prepare:
    published_section(current)
    st.stop()

status_section(published)
if current is None:
    preparation(None)
else:
    posted, again = st.tabs([f"发布中的第 {current.version} 版", "设置与预览（重新公示时用）"])
    with posted:
        published_section(current)
    with again:
        preparation(current)
