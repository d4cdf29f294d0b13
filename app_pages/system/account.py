"""账号: who is signed in with which roles, changing one's own password (forced after an initial one), logout."""
import streamlit as st

from app_pages.widgets import common
from scoring.common import accounts
from scoring.common.access import Role
from scoring.common.accounts import MIN_PASSWORD_LENGTH
from scoring.notifications import addresses

session = common.require_session()
principal = session.principal

st.title("账号")
if session.must_change_password:
    st.warning("这是初始密码或一次性登录链接：请先设置您自己的密码，之后才能使用系统。")

st.markdown(f"**姓名**：{principal.display_name}　**登录名**：{principal.login}")
if principal.grants:
    st.markdown("**角色**：" + "；".join(g.describe() for g in principal.grants))
elif not session.must_change_password:
    st.info("您的账号尚未被授予任何角色，请联系系统管理员。")
if any(g.role is Role.EXPERT for g in principal.grants):
    st.info("您是评审专家。目前尚未向您分配评审任务；分配后，您的评审任务将在此系统中列出。")
st.caption(f"本次登录有效至 {session.expires_at:%H:%M}（无操作 {accounts.account_policy(common.storage()).idle_minutes} 分钟自动退出）。")

st.subheader("修改密码")
with st.form("change_password", clear_on_submit=True):
    current = st.text_input("当前密码", type="password", key="current_password",
                            autocomplete="current-password") if session.has_password else None
    new = st.text_input(f"新密码（至少{MIN_PASSWORD_LENGTH}个字符，须同时包含字母和数字）", type="password",
                        key="new_password", autocomplete="new-password")
    repeated = st.text_input("再次输入新密码", type="password", key="repeat_password", autocomplete="new-password")
    if st.form_submit_button("保存新密码", type="primary"):
        if new != repeated:
            st.error("两次输入的新密码不一致。")
        else:
            with common.shown_errors():
                accounts.change_password(common.storage(), st.session_state[common.SESSION_KEY], current, new)
                common.remember_browser(st.session_state[common.SESSION_KEY])  # the change ended the browser's session
                common.flash("密码已修改。")
                st.rerun()

if not session.must_change_password:
    st.subheader("通知邮箱")
    entry = addresses.address_of(common.storage(), principal)
    with st.form("notification_email"):
        email = st.text_input("通知邮箱（留空则只在“消息”中通知）", value=entry.email or "", key="notification_email")
        if entry.pool_email and not entry.email:
            st.caption(f"未填写时使用专家库中的邮箱 {entry.pool_email}。")
        if st.form_submit_button("保存通知邮箱"):
            with common.shown_errors():
                used = addresses.set_address(common.storage(), principal, principal.login, email)
                st.success(f"通知将发送至 {used}。" if used else "已清除通知邮箱：通知只在“消息”中显示。")

st.button("退出登录", key="logout_account_page", icon=":material/logout:", on_click=common.sign_out)
