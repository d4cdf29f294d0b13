"""确认通知: once the period has ended and every accepted objection is decided, the confirmed list is frozen; then
the letters' settings, their document numbers (given once, never reused), the letters of every confirmed unit with
their merged PDF and zip, and the confirmed list as a file."""
import pandas as pd
import streamlit as st

from app_pages.widgets import common
from scoring.common import clock
from scoring.publicity import confirmation, objections
from scoring.rounds import review_rounds
from scoring.common.access import Permission
from scoring.publicity.confirmation import Confirmation, LetterSettings
from scoring.common.normalize import validated
from scoring.publicity.notices import PublishedNotice
from scoring.publicity.files import LetterBatch, StoredFile, export_confirmed, generate_letters, latest_letters

principal = common.require_page(Permission.VIEW_ASSIGNMENTS)
store = common.storage()
batch = common.current_batch()
can_manage = principal.can(Permission.MANAGE_ROUNDS, batch.batch_id)
SETTINGS_ROUND_KEY = "letter_settings_round"


def units_table(units) -> pd.DataFrame:
    return pd.DataFrame([{"序号": u.order, "单位名称": u.unit_name, "单位类型": u.unit_type, "所在市": u.city,
                          "统一社会信用代码": u.credit_code} for u in units])


def removed_warning(done_or_removed) -> None:
    if done_or_removed:
        st.warning("因异议成立不予确认：" + "；".join(
            f"{r.unit_name}（第 {'、'.join(map(str, r.objection_ids))} 号异议：{'；'.join(r.reasons)}）"
            for r in done_or_removed), icon=":material/person_remove:")


# --- confirming ----------------------------------------------------------------------------------------------------


def confirm_section(notice: PublishedNotice) -> None:
    register = [o for o in objections.objections(store, principal, round_id) if o.notice_version == notice.version]
    blockers = confirmation.confirmation_blockers(notice, register, clock.today())
    kept, removed = confirmation.confirmed_units(notice.units, register)
    st.subheader("确认名单")
    for blocker in blockers:
        st.warning(blocker, icon=":material/hourglass_top:")
    st.caption(f"按目前的异议处理决定，确认名单将有 {len(kept)} 个单位：")
    st.dataframe(units_table(kept), hide_index=True, key="prospective_list")
    removed_warning(removed)
    if blockers or not can_manage:
        return
    with st.container(border=True):
        st.markdown("**确认名单**：公示期已满、异议均已处理。确认后名单固定（记录 SHA-256），异议决定不再改变，公示不能撤回。")
        reason = st.text_input("确认理由（必填，记入审计日志）", key="confirm_reason")
        if st.button("确认名单", type="primary", key="confirm_list", icon=":material/verified:"):
            with common.shown_errors():
                done = confirmation.confirm_list(store, principal, round_id, reason)
                common.flash(f"已确认名单（{len(done.units)} 个单位）。")
                st.rerun()


def confirmed_section(done: Confirmation) -> None:
    st.subheader(f"确认名单（{len(done.units)} 个单位）")
    st.success(f"{done.confirmed_at:%Y-%m-%d %H:%M} 由 {done.confirmed_by} 确认（{done.reason}），依据第 "
               f"{done.notice_version} 版公示。", icon=":material/verified:")
    st.caption(f"内容 SHA-256：{done.sha256}")
    st.dataframe(units_table(done.units), hide_index=True, key="confirmed_list")
    removed_warning(done.removed)
    written = None
    with st.container(horizontal=True):
        for fmt, label in (("xlsx", "Excel .xlsx"), ("csv", ".csv")):
            if st.button(f"导出确认名单（{label}）", key=f"export_confirmed_{fmt}", icon=":material/description:"):
                written = export(fmt)
    if written is not None:
        st.download_button(f"下载 {written.filename}", written.content, file_name=written.filename,
                           mime=written.media_type, key="download_confirmed", icon=":material/download:",
                           on_click="ignore", type="primary")
        st.caption(f"SHA-256 {written.sha256}（已存档并记入审计日志）")


def export(fmt: str):
    with common.shown_errors():
        return export_confirmed(store, principal, round_id, fmt)
    return None


# --- the letters' settings -----------------------------------------------------------------------------------------


def fill_widgets(settings: LetterSettings) -> None:
    st.session_state.update({
        "letter_prefix": settings.prefix, "letter_first": settings.first_sequence,
        "letter_year": settings.number_year or 0, "letter_title": settings.title,
        "letter_funding": "" if settings.funding_wan is None else f"{settings.funding_wan:.2f}",
        "letter_issued_on": settings.issued_on, "letter_issuer": settings.issuer, "letter_printer": settings.printer,
        "letter_copy_to": settings.copy_to_pattern, "letter_extra_copy_to": "\n".join(settings.extra_copy_to)})
    st.session_state[SETTINGS_ROUND_KEY] = round_id


def settings_section() -> None:
    # Streamlit forgets a widget's state once a run leaves it out (another page was opened): fill them again then.
    if st.session_state.get(SETTINGS_ROUND_KEY) != round_id or "letter_prefix" not in st.session_state:
        fill_widgets(confirmation.letter_settings(store, principal, round_id))
    locked = not can_manage
    with st.expander("确认通知设置（文号、成文日期、启动资金、抄送）", icon=":material/tune:"):
        left, middle, right = st.columns(3)
        left.text_input("发文字号前缀", key="letter_prefix", disabled=locked)
        middle.number_input("起始序号", min_value=1, max_value=99_999, step=1, key="letter_first", disabled=locked)
        right.number_input("文号年份（0 为成文日期的年份）", min_value=0, max_value=2100, step=1, key="letter_year",
                           disabled=locked)
        left.date_input("成文日期（留空为生成当天）", key="letter_issued_on", format="YYYY-MM-DD", disabled=locked)
        middle.text_input("启动资金（万元，留空不写）", key="letter_funding", disabled=locked)
        right.text_input("发文机关", key="letter_issuer", disabled=locked)
        st.text_input("标题（留空按批次年度生成）", key="letter_title", disabled=locked)
        left, right = st.columns(2)
        left.text_input("印发机关", key="letter_printer", disabled=locked)
        right.text_input("抄送（{city} 为单位所在市）", key="letter_copy_to", disabled=locked)
        st.text_area("其他抄送单位（每行一个）", key="letter_extra_copy_to", height=68, disabled=locked)
        if can_manage and st.button("保存通知设置", key="save_letter_settings", icon=":material/save:"):
            save_settings()


def save_settings() -> None:
    state = st.session_state
    with common.shown_errors():
        settings = validated(LetterSettings, {
            "prefix": state.letter_prefix.strip(), "first_sequence": int(state.letter_first),
            "number_year": int(state.letter_year) or None, "title": state.letter_title,
            "funding_wan": confirmation.funding_wan(state.letter_funding), "issued_on": state.letter_issued_on,
            "issuer": state.letter_issuer, "printer": state.letter_printer, "copy_to_pattern": state.letter_copy_to,
            "extra_copy_to": [line.strip() for line in state.letter_extra_copy_to.splitlines() if line.strip()]},
            "通知设置有误：")
        confirmation.save_letter_settings(store, principal, round_id, settings)
        st.toast("已保存确认通知设置。")


# --- numbers and letters -------------------------------------------------------------------------------------------


def numbers_section(done: Confirmation) -> None:
    numbers = confirmation.document_numbers(store, principal, round_id)
    st.subheader("发文字号")
    if not numbers:
        st.caption("尚未编号：生成确认通知时按名单顺序编号，编号一经给出不再改变、不再重复使用。")
        return
    names = {u.credit_code: u.unit_name for u in done.units}
    st.dataframe(pd.DataFrame([{"文号": number, "单位名称": names.get(code, code), "统一社会信用代码": code}
                               for code, number in numbers.items()]), hide_index=True, key="document_numbers")


def generate_button() -> None:
    if not can_manage:
        return
    if st.button("生成全部确认通知", type="primary", key="generate_letters", icon=":material/mark_email_read:"):
        bar = st.progress(0.0, text="正在生成确认通知……")

        def advance(done: int, total: int) -> None:
            bar.progress(done / total if total else 1.0, text=f"正在生成确认通知……（{done}/{total}）")

        with common.shown_errors():
            made = generate_letters(store, principal, round_id, progress=advance)
            common.flash(f"已生成 {made.letters} 份确认通知。")
            st.rerun()
        bar.empty()  # reached only when the letters were refused: the banner says why


def letters_section() -> None:
    """The newest letters of the round (from this session or an earlier one), with their downloads."""
    made = latest_letters(store, principal, round_id)
    if made is None:
        return
    with st.container(border=True):
        st.markdown(f"**已生成 {made.letters} 份确认通知**（每个单位一份 Word 和一份 PDF；"
                    f"{made.generated_at:%Y-%m-%d %H:%M} 由 {made.generated_by} 生成）")
        st.caption(f"存档目录：{made.folder}")
        left, right = st.columns(2)
        download(left, f"下载全部（{made.archive.filename}）", made.archive, "download_letters_zip",
                 ":material/folder_zip:", primary=True)
        left.caption(f"SHA-256 {made.archive.sha256}")
        download(right, "下载合并 PDF（打印用）", made.merged, "download_letters_merged", ":material/picture_as_pdf:")
        right.caption(f"SHA-256 {made.merged.sha256}")
        one_unit(made)


def download(place, label: str, file: StoredFile, key: str, icon: str, primary: bool = False) -> None:
    """A download of a stored file, read only when clicked."""
    place.download_button(label, lambda: file.path.read_bytes(), file_name=file.filename, mime=file.media_type,
                          key=key, icon=icon, on_click="ignore", type="primary" if primary else "secondary")


def one_unit(made: LetterBatch) -> None:
    by_number = {}
    for file in made.files:
        by_number.setdefault(file.number, []).append(file)
    number = st.selectbox("单个单位的确认通知", list(by_number), key="letter_unit",
                          format_func=lambda n: f"{n}　{by_number[n][0].unit_name}")
    with st.container(horizontal=True):
        for file in by_number[number]:
            kind = file.path.suffix.lstrip(".")
            download(st, f"下载 .{kind}", file, f"download_letter_{kind}", ":material/download:")


# --- the page ------------------------------------------------------------------------------------------------------


st.title("确认通知")
review_round = common.choose_round(review_rounds.list_rounds(store, principal, batch.batch_id), "confirmation_round")
round_id = review_round.round_id
notice = common.notice_in_force(store, principal, round_id, "本轮次没有发布中的公示；公示期满并处理完异议后，才能确认名单。")
confirmed = confirmation.current_confirmation(store, principal, round_id)
if confirmed is None:
    confirm_section(notice)
    st.stop()
confirmed_section(confirmed)
st.divider()
settings_section()
numbers_section(confirmed)
generate_button()
letters_section()
