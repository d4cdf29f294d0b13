"""登录: login with password, or with a one-time link (`?token=…`), or — where the office configured one — through its
single sign-on (st.login), mapped onto the local account linked to the identity; the first start points to 首次设置."""
import streamlit as st

from app_pages.widgets import common, sign_on
from scoring.common import accounts, single_sign_on
from scoring.common.models import PROGRAM_TITLE
from scoring.common.single_sign_on import SignOnRefused

SIGN_ON_TRIED_KEY = "sign_on_tried"
SIGN_ON_REFUSAL_KEY = "sign_on_refusal"

store = common.storage()


def open_link(token: str) -> None:
    with common.shown_errors():  # a refused login (LoginRefused) says only what the person may know
        session_token = accounts.login_with_link(store, token)
        common.sign_in(session_token)
        common.flash("已通过登录链接登录，请设置您自己的密码。")
        st.rerun()


def take_up_sign_on() -> None:
    """After st.login the browser comes back here in a new session with the provider's login in st.user: it becomes
    a session of the linked account (decided once; a refusal stays on the page until the person leaves it)."""
    claims = sign_on.provider_claims()
    if claims and not st.session_state.get(SIGN_ON_TRIED_KEY):
        st.session_state[SIGN_ON_TRIED_KEY] = True
        try:
            token = single_sign_on.login_with_identity(store, claims)
        except SignOnRefused as refused:
            st.session_state[SIGN_ON_REFUSAL_KEY] = str(refused)
        else:
            if token:
                common.sign_in(token)
                common.flash("已通过单位统一身份认证登录。")
                st.rerun()
    refusal = st.session_state.get(SIGN_ON_REFUSAL_KEY)
    if refusal:
        st.error(refusal)
        st.button("退出统一身份认证（换用其他账号）", key="leave_sign_on", on_click=sign_on.leave_provider)


def offer_sign_on(providers: list[str]) -> None:
    st.markdown("或")
    for provider in providers:
        if st.button(sign_on.login_label(provider, providers), key=f"sign_on_{provider}", icon=":material/badge:"):
            st.login(provider)


def show_first_run_help() -> None:
    st.warning("系统尚未创建管理员账号：请打开服务器启动时打印的一次性设置地址，在浏览器中创建首个管理员。")
    st.page_link(common.SETUP_PAGE.path, label="首次设置：如何找到设置地址", icon=":material/key:")


st.title("登录")
st.caption(f"{PROGRAM_TITLE}评审系统")

link_token = st.query_params.get("token")
if link_token:
    st.query_params.clear()  # the link is single use: keep it out of the address bar and the browser history
    open_link(link_token)

providers = sign_on.providers()
if providers:
    take_up_sign_on()

if not accounts.admin_exists(store):
    show_first_run_help()

with st.form("login_form"):
    login_name = st.text_input("登录名", key="login_name", autocomplete="username")
    password = st.text_input("密码", type="password", key="login_password", autocomplete="current-password")
    if st.form_submit_button("登录", type="primary", icon=":material/login:"):
        with common.shown_errors():
            token = accounts.login(store, login_name, password)
            common.sign_in(token)
            st.rerun()

if providers:
    offer_sign_on(providers)

st.caption("专家账号的初始密码或一次性登录链接由省局工作人员发放；忘记密码请联系系统管理员重置。"
           "登录后，在本浏览器中刷新页面或新开标签页无须重新登录（仍按无操作时限和最长有效期自动退出）；"
           "退出登录即结束您在所有标签页和设备上的登录。在公用电脑上用完请退出登录。")
