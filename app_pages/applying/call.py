"""开放申报: staff open the chosen batch for units to apply online (guideline, deadlines, required files, who may
apply), extend a deadline with a reason, invite units (their account's one-time credential shown once) and list
the invitations."""
from datetime import date, datetime, time, timedelta
from urllib.parse import urlsplit

import pandas as pd
import streamlit as st

from app_pages.widgets import common, texts
from scoring.applying.calls import ApplicationCall, Eligible, extend_deadline, find_call, open_call
from scoring.applying.invitations import invitations, invite_unit
from scoring.common.access import Permission
from scoring.common.accounts import CredentialKind
from scoring.common.models import AttachmentKind, BasicInfo, City
from scoring.common.normalize import validated

ISSUED_KEY = "invited_credential"
FIELDS = ApplicationCall.model_fields
UNIT = BasicInfo.model_fields
# The city bureau uploads its own letter: a unit is never asked for it.
UNIT_FILE_KINDS = [k for k in AttachmentKind if k is not AttachmentKind.RECOMMENDATION]

principal = common.require_page(Permission.MANAGE_BATCHES)
store = common.storage()
batch = common.current_batch()


def moment(at: datetime) -> str:
    return f"{at:%Y-%m-%d %H:%M}"


def moment_inputs(prefix: str, label: str, value: datetime) -> datetime | None:
    left, right = st.columns(2)
    day = left.date_input(f"{label}（日期）", value=value.date(), min_value=date(2000, 1, 1), max_value=date(2100, 12, 31),
                          format="YYYY-MM-DD", key=f"{prefix}_date")
    clock_time = right.time_input(f"{label}（时间）", value=value.time(), key=f"{prefix}_time", step=timedelta(minutes=30))
    return datetime.combine(day, clock_time) if day else None


def open_form() -> None:
    unit_default = datetime.combine(batch.deadline, time(17, 0))
    with st.form("open_call_form"):
        guideline = st.text_area(FIELDS["guideline"].title, key="call_guideline", height=120,
                                 placeholder="申报条件、材料要求、联系方式等，申报单位在填报页面可见")
        link = st.text_input(FIELDS["guideline_link"].title, key="call_link", placeholder="https://")
        unit_deadline = moment_inputs("call_unit", FIELDS["unit_deadline"].title, unit_default)
        city_deadline = moment_inputs("call_city", FIELDS["city_deadline"].title, unit_default + timedelta(days=10))
        required = st.multiselect(FIELDS["required_attachments"].title, UNIT_FILE_KINDS, default=[AttachmentKind.PLAN],
                                  format_func=str, key="call_required", placeholder=texts.CHOOSE_MANY)
        eligible = st.radio(FIELDS["eligible"].title, list(Eligible), format_func=str, horizontal=True,
                            key="call_eligible")
        if st.form_submit_button("开放申报", type="primary", icon=":material/campaign:"):
            with common.shown_errors():
                call = validated(ApplicationCall, {
                    "batch_id": batch.batch_id, "guideline": guideline, "guideline_link": link,
                    "unit_deadline": unit_deadline, "city_deadline": city_deadline,
                    "required_attachments": required, "eligible": eligible}, "申报设置有误：")
                open_call(store, principal, call)
                common.flash(f"已开放申报：{batch.title}。")
                st.rerun()


def show_call(call) -> None:
    with st.container(border=True):
        st.markdown(f"**{FIELDS['unit_deadline'].title}**：{moment(call.unit_deadline)}  \n"
                    f"**{FIELDS['city_deadline'].title}**：{moment(call.city_deadline)}  \n"
                    f"**{FIELDS['required_attachments'].title}**：{'、'.join(call.required_attachments) or '无'}  \n"
                    f"**{FIELDS['eligible'].title}**：{call.eligible}")
        if call.guideline_link:
            st.markdown(f"**{FIELDS['guideline_link'].title}**：{call.guideline_link}")
        if call.guideline:
            st.markdown(f"**{FIELDS['guideline'].title}**")
            st.text(call.guideline)


def extend_form(call) -> None:
    with st.expander("延长截止时间", icon=":material/more_time:"):
        with st.form("extend_form", clear_on_submit=True):
            unit_deadline = moment_inputs("extend_unit", FIELDS["unit_deadline"].title, call.unit_deadline)
            city_deadline = moment_inputs("extend_city", FIELDS["city_deadline"].title, call.city_deadline)
            reason = st.text_input("延长理由（必填，记入审计日志）", key="extend_reason")
            if st.form_submit_button("延长截止时间"):
                with common.shown_errors():
                    extend_deadline(store, principal, batch.batch_id, unit_deadline=unit_deadline,
                                    city_deadline=city_deadline, reason=reason)
                    common.flash("已更新截止时间。")
                    st.rerun()


def login_link(token: str) -> str:
    """The app's own address with the token, as 用户与角色 hands it out."""
    parts = urlsplit(st.context.url or "http://localhost:8501")
    return f"{parts.scheme}://{parts.netloc}/?token={token}"


def invite_form() -> None:
    with st.form("invite_form", clear_on_submit=True):
        name = st.text_input(UNIT["unit_name"].title, key="invite_name")
        code = st.text_input(UNIT["credit_code"].title, key="invite_code", max_chars=18)
        city = st.selectbox("所在市", list(City), format_func=str, index=None, key="invite_city", placeholder="请选择")
        email = st.text_input("联系邮箱（接收邀请通知）", key="invite_email")
        kind = st.radio("登录凭据", list(CredentialKind), format_func=str, horizontal=True, key="invite_kind")
        if st.form_submit_button("邀请", type="primary", icon=":material/person_add:"):
            with common.shown_errors():
                invited = invite_unit(store, principal, batch.batch_id, name, code, city or "", email, kind)
                login = invited.invitation.login
                if invited.credential:
                    secret = login_link(invited.credential) if kind is CredentialKind.LINK else invited.credential
                    st.session_state[ISSUED_KEY] = (invited.invitation.unit.unit_name, login, str(kind), secret)
                    common.flash(f"已邀请{invited.invitation.unit.unit_name}，已新建申报账号 {login}。")
                else:
                    common.flash(f"已邀请{invited.invitation.unit.unit_name}（沿用已有账号 {login}，登录凭据不变）。")
                st.rerun()


def show_issued() -> None:
    """The new credential exactly once: the next click anywhere removes it from the page and from memory."""
    issued = st.session_state.pop(ISSUED_KEY, None)
    if issued:
        unit_name, login, kind, secret = issued
        st.success(f"{unit_name}的申报账号 {login} 的{kind}（只显示这一次；请通过安全渠道交给该单位，"
                   "首次登录须修改密码）：", icon=":material/key:")
        st.code(secret, language=None, wrap_lines=True)


st.title("开放申报")
st.caption(f"{batch.title}（在左侧切换批次）")
common.show_flash()
call = find_call(store, batch.batch_id)
if call is None:
    st.info("本批次尚未开放网上申报。开放后，申报单位可在线填报并提交给所在市知识产权局。")
    open_form()
    st.stop()

show_call(call)
extend_form(call)

st.subheader("邀请申报单位")
st.caption("为单位建立申报账号（登录名为统一社会信用代码的小写）并发送邀请通知；已有账号的单位沿用原账号。")
show_issued()
invite_form()
listed = invitations(store, principal, batch.batch_id)
if listed:
    st.dataframe(pd.DataFrame([{UNIT["unit_name"].title: i.unit.unit_name,
                                UNIT["credit_code"].title: i.unit.credit_code,
                                "所在市": str(i.unit.city), "登录名": i.login, "联系邮箱": i.email,
                                "邀请时间": moment(i.invited_at), "邀请人": i.invited_by} for i in listed]),
                 hide_index=True)
else:
    st.info("尚未邀请申报单位。")
