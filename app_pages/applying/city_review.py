"""市局初审: the city bureau's own city's submitted forms; for each, the form as submitted, the 初审 checklist and
opinion, and returning it with reasons or recommending it (ranked if the bureau wishes); then the 推荐函, generated
or uploaded sealed, and the 报送 of the recommended forms to the province."""
import pandas as pd
import streamlit as st

from app_pages.widgets import application_view, common, uploader
from scoring.applying import city_review, handover, submissions
from scoring.applying.attachments import ALLOWED_SUFFIXES, attachment_content
from scoring.applying.calls import find_call
from scoring.applying.city_review import CityForm, PreReviewItem
from scoring.applying.drafts import FormStatus, unit_problems
from scoring.common.access import Permission
from scoring.documents.official_docx import letter_docx
from scoring.documents.official_pdf import letter_pdf

principal = common.require_page(Permission.RECOMMEND)
store = common.storage()
batch = common.current_batch()
SELECTED_KEY = "city_review_form"

st.title("市局初审与推荐")
call = find_call(store, batch.batch_id)
if call is None:
    st.info("本批次尚未开放网上申报；开放后，本市单位提交的申报书会列在这里。")
    st.stop()
with common.shown_errors(stop=True):
    forms = city_review.city_forms(store, principal, batch.batch_id)
cities = sorted(principal.cities_in(batch.batch_id))
st.caption(f"{'、'.join(cities)}知识产权局｜市局推荐截止时间：{call.city_deadline:%Y-%m-%d %H:%M}"
           f"（单位提交截止 {call.unit_deadline:%Y-%m-%d %H:%M}）。只列出本市单位已提交的申报书。")


def forms_table(listed: list[CityForm]) -> pd.DataFrame:
    return pd.DataFrame([{
        "单位名称": f.unit.unit_name, "统一社会信用代码": f.unit.credit_code, "所在市": str(f.unit.city),
        "版本": f.version, "状态": f.status_text,
        "提交时间": f"{f.submitted_at:%Y-%m-%d %H:%M}" if f.submitted_at else "",
        "初审": ("已完成" if f.review and not f.review.unchecked and f.review.opinion else
                 "进行中" if f.review else "未开始"),
        "推荐排序": str(f.review.rank) if f.review and f.review.rank else "—"} for f in listed])


def show_form(form: CityForm) -> None:
    code = form.unit.credit_code
    version = submissions.versions_of(store, principal, batch.batch_id, code)[-1]
    app = version.application
    st.subheader(f"{form.unit.unit_name}　第 {version.version} 版（{version.status}）")
    st.caption(f"提交于 {version.submitted_at:%Y-%m-%d %H:%M:%S}｜统一社会信用代码 {code}")
    application_view.form_downloads(app, batch, key_prefix=f"city_{code}")
    problems = unit_problems(app, batch)
    for problem in problems:
        (st.error if problem.blocking else st.warning)(problem.message)
    if not problems:
        st.success("形式审查与申报条件未发现问题（推荐函由贵局出具）。", icon=":material/check_circle:")

    def content_of(attachment):
        return attachment_content(store, principal, batch.batch_id, code, attachment.sha256)

    application_view.show_sections(st.tabs(list(application_view.SECTIONS)), app, content_of, key_prefix="city")
    if version.status in (FormStatus.SUBMITTED, FormStatus.RECOMMENDED):
        pre_review_form(form)
    elif version.status is FormStatus.RETURNED and form.review:
        st.info(f"已退回，理由：{form.review.return_reason}。等待单位修改后重新提交。", icon=":material/undo:")
    elif version.status is FormStatus.SENT:
        st.success("已连同推荐函报送省知识产权局，进入省局审查。", icon=":material/send:")


def pre_review_form(form: CityForm) -> None:
    code = form.unit.credit_code
    review = form.review or city_review.PreReview()
    st.subheader("初审")
    with st.form(f"pre_review_{code}_{form.version}"):
        checked = [item for item in PreReviewItem
                   if st.checkbox(item, value=item in review.checked, key=f"check_{code}_{form.version}_{item.name}")]
        opinion = st.text_area("初审意见", value=review.opinion, key=f"opinion_{code}_{form.version}")
        if st.form_submit_button("保存初审", icon=":material/save:"):
            with common.shown_errors():
                city_review.save_pre_review(store, principal, batch.batch_id, code, checked, opinion)
                common.flash("初审已保存。")
                st.rerun()
    recommend_column, return_column = st.columns(2)
    with recommend_column.container(border=True):
        st.markdown("**推荐**")
        rank = st.number_input("推荐排序（可不填）", min_value=1, step=1, value=review.rank,
                               key=f"rank_{code}_{form.version}", placeholder="不排序")
        if st.button("推荐该单位", type="primary", key=f"recommend_{code}", icon=":material/thumb_up:"):
            with common.shown_errors():
                city_review.recommend(store, principal, batch.batch_id, code, int(rank) if rank else None)
                common.flash(f"已推荐{form.unit.unit_name}。")
                st.rerun()
    with return_column.container(border=True):
        st.markdown("**退回修改**")
        reason = st.text_area("退回理由（单位将收到通知）", key=f"return_reason_{code}_{form.version}")
        if st.button("退回单位", key=f"return_{code}", icon=":material/undo:"):
            with common.shown_errors():
                city_review.return_form(store, principal, batch.batch_id, code, reason)
                common.flash(f"已退回{form.unit.unit_name}，单位已收到通知。")
                st.rerun()


def letter_and_send(city) -> None:
    st.subheader(f"推荐函与报送（{city}）")
    waiting = handover.recommended(store, principal, batch.batch_id, city)
    if waiting:
        st.markdown("待报送的已推荐单位（按推荐顺序）：")
        st.table(pd.DataFrame([{"序号": n, "单位名称": f.unit.unit_name, "统一社会信用代码": f.unit.credit_code,
                                "推荐排序": f.review.rank or "—"} for n, f in enumerate(waiting, start=1)]),
                 hide_index=True)
        doc = handover.letter_document(store, principal, batch.batch_id, city)
        left, right = st.columns(2)
        # Made when clicked (a callable): the PDF takes a second to lay out, not worth it on every rerun.
        left.download_button("下载推荐函（Word）", lambda: letter_docx(doc), file_name=f"{city}推荐函.docx",
                             key=f"letter_docx_{city}", icon=":material/description:")
        right.download_button("下载推荐函（PDF）", lambda: letter_pdf(doc), file_name=f"{city}推荐函.pdf",
                              key=f"letter_pdf_{city}", icon=":material/picture_as_pdf:")
        st.caption("打印推荐函、加盖公章后上传扫描件，再报送省局。")
    else:
        st.info("暂无待报送的已推荐申报书。")
    letter = handover.city_letter(store, principal, batch.batch_id, city)
    if letter:
        st.markdown(f"已上传推荐函：**{letter.filename}**（{letter.size:,} 字节，{letter.uploaded_at:%Y-%m-%d %H:%M}）")
    # A new uploader after each save: the saved file does not linger in it.
    uploads = st.session_state.setdefault(f"letter_uploads_{city}", 0)
    upload = uploader.file_uploader("上传盖章的推荐函", [s.lstrip(".") for s in ALLOWED_SUFFIXES],
                                    key=f"letter_upload_{city}_{uploads}")
    if upload is not None and st.button("保存推荐函", key=f"save_letter_{city}", icon=":material/upload:"):
        with common.shown_errors():
            handover.upload_letter(store, principal, batch.batch_id, city, upload.name, upload.getvalue())
            st.session_state[f"letter_uploads_{city}"] = uploads + 1
            common.flash("推荐函已上传。")
            st.rerun()
    if waiting:
        confirm = st.checkbox(f"确认将以上 {len(waiting)} 份申报书连同推荐函报送省知识产权局（报送后不能退回或修改）",
                              key=f"confirm_send_{city}")
        if st.button("报送省局", type="primary", disabled=not (confirm and letter), key=f"send_{city}",
                     icon=":material/send:"):
            with common.shown_errors():
                done = handover.send_to_province(store, principal, batch.batch_id, city)
                common.flash(f"已报送 {len(done.credit_codes)} 份申报书，省局已收到。")
                st.rerun()
    sent = handover.handovers(store, principal, batch.batch_id, city)
    if sent:
        st.markdown("**报送记录**")
        st.table(pd.DataFrame([{"报送时间": f"{s.sent_at:%Y-%m-%d %H:%M}", "报送人": s.sent_by, "份数": len(s.codes)}
                               for s in sent]), hide_index=True)


common.show_flash()
if not forms:
    st.info("本市单位尚未提交申报书。")
else:
    counts = pd.Series([f.status_text for f in forms]).value_counts()
    st.markdown("　".join(f"{status}：**{counts.get(str(status), 0)}**" for status in FormStatus))
    st.dataframe(forms_table(forms), hide_index=True)
review_tab, send_tab = st.tabs(["逐份初审", "推荐函与报送"])
with review_tab:
    if forms:
        by_code = {f.unit.credit_code: f for f in forms}
        if st.session_state.get(SELECTED_KEY) not in by_code:
            st.session_state[SELECTED_KEY] = next(iter(by_code))
        chosen = st.selectbox("查看申报书", list(by_code), key=SELECTED_KEY,
                              format_func=lambda c: f"{by_code[c].unit.unit_name}（{by_code[c].status_text}）")
        with common.shown_errors():
            show_form(by_code[chosen])
with send_tab:
    for city in cities:
        with common.shown_errors():
            letter_and_send(city)
