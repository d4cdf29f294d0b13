"""邮件设置 (administrators): the SMTP server notices go through, a test mail, and the outbox with states and errors."""
import pandas as pd
import streamlit as st

from app_pages.widgets import common
from scoring.common.access import Permission
from scoring.notifications import outbox
from scoring.notifications.mailer import PASSWORD_VARIABLE, SmtpSecurity, mail_settings, send_test, set_mail_settings, settings_from

principal = common.require_page(Permission.MANAGE_ACCOUNTS)
store = common.storage()

common.show_flash()
st.title("邮件设置")
saved = mail_settings(store)
st.caption(f"SMTP 密码不存入数据库：在服务器上设置环境变量 {PASSWORD_VARIABLE}，或在 .streamlit/secrets.toml 的 [smtp] 一节写 "
           "password。未开启发送邮件时，通知只在“消息”中显示并记入日志。")
with st.form("mail_settings"):
    enabled = st.checkbox("发送邮件", value=saved.enabled, key="mail_enabled")
    host = st.text_input("SMTP 服务器", value=saved.host, key="mail_host")
    port = st.number_input("端口", min_value=1, max_value=65535, value=saved.port, key="mail_port")
    security = st.selectbox("加密方式", list(SmtpSecurity), index=list(SmtpSecurity).index(saved.security),
                            key="mail_security")
    user = st.text_input("SMTP 用户名（不需要登录时留空）", value=saved.user, key="mail_user")
    sender_address = st.text_input("发件人地址", value=saved.sender_address, key="mail_sender_address")
    sender_name = st.text_input("发件人名称", value=saved.sender_name, key="mail_sender_name")
    days = st.text_input("截止前几天提醒（逗号分隔）", value=",".join(map(str, saved.reminder_days)), key="mail_days")
    reason = st.text_input("修改理由（必填，记入审计日志）", key="mail_reason")
    if st.form_submit_button("保存邮件设置"):
        with common.shown_errors():
            settings = settings_from({"enabled": enabled, "host": host, "port": int(port), "security": security,
                                      "user": user, "sender_address": sender_address, "sender_name": sender_name,
                                      "reminder_days": [d.strip() for d in days.replace("，", ",").split(",") if d.strip()]})
            set_mail_settings(store, principal, settings, reason)
            common.flash("已保存邮件设置。")
            st.rerun()

st.subheader("发送测试邮件")
to = st.text_input("收件邮箱", key="mail_test_to")
if st.button("发送测试邮件", key="mail_test"):
    with common.shown_errors():
        send_test(store, principal, to)
        st.success(f"测试邮件已发送至 {to}。")

st.subheader("发件箱")
if st.button("立即发送待发通知", key="deliver_now"):
    with common.shown_errors():
        report = outbox.deliver_pending(store)
        st.success(f"已发送 {len(report.sent)} 条，仅站内 {len(report.in_app)} 条，发送失败待重试 {len(report.failed)} 条。")
notices = outbox.outbox(store, principal)
if notices:
    st.dataframe(pd.DataFrame([{"编号": n.notice_id, "时间": n.created_at, "收件人": n.recipient, "类别": str(n.kind),
                                "主题": n.subject, "状态": str(n.state), "电子邮箱": n.address, "发送次数": n.attempts,
                                "未发送原因": n.last_error, "下次重试": n.next_attempt_at} for n in notices]),
                 hide_index=True)
else:
    st.info("尚无通知。")
