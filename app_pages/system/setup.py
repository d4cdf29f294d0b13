"""首次设置: while no administrator exists, the one-time set-up address (printed by the server) lets this browser
create the first administrator; without the address the page says where to find it."""
import streamlit as st

from app_pages.widgets import common, server
from scoring.common import accounts, setup_link
from scoring.common.accounts import MIN_PASSWORD_LENGTH, AccountError
from scoring.common.models import PROGRAM_TITLE

SETUP_TOKEN_KEY = "setup_token"

store = common.storage()

st.title("首次设置")
st.caption(f"{PROGRAM_TITLE}评审系统")

from_address = st.query_params.get(setup_link.QUERY_PARAMETER)
if from_address:
    # Kept in this session's server-side state only: out of the address bar, the browser history and any screenshot.
    st.session_state[SETUP_TOKEN_KEY] = from_address
    st.query_params.clear()

token = st.session_state.get(SETUP_TOKEN_KEY)
if not setup_link.needed(store):
    st.session_state.pop(SETUP_TOKEN_KEY, None)
    st.success("系统已有管理员，无需设置。请用管理员账号登录。")
    st.stop()

if not token or not setup_link.usable(store, token):
    if token:
        st.error(setup_link.REFUSED)
    st.info(
        "系统尚无管理员账号。启动应用时，服务器已在其输出中打印一次性设置地址"
        f"（{setup_link.VALID_MINUTES} 分钟内有效，只能使用一次）：在运行 `./dev run` 的终端，"
        "或服务日志（`journalctl -u review`、`docker logs <容器>`）中查找“一次性设置地址”，在浏览器中打开即可创建首个管理员。"
    )
    if st.button("生成新的设置地址（打印在服务器日志中）", key="new_setup_address", icon=":material/key:"):
        try:
            issued = setup_link.issue_if_none_valid(store, accounts.ANONYMOUS)
        except AccountError as exc:  # an administrator was created meanwhile
            st.error(str(exc))
        else:
            if issued:
                server.print_setup_address(issued)
                st.success("新的设置地址已打印在服务器日志中，原有未使用的地址随即失效。")
            else:
                st.warning("服务器日志中已有仍然有效的设置地址，请使用该地址（过期后才能生成新的地址）。")
    st.stop()

st.success("设置地址有效。请创建首个系统管理员账号，之后由该账号在“用户与角色”中为其他人开通账号。")
with st.form("setup_admin"):
    login_name = st.text_input("登录名", value="admin", key="setup_login", autocomplete="username")
    display_name = st.text_input("姓名", value="系统管理员", key="setup_display_name")
    password = st.text_input(f"密码（至少{MIN_PASSWORD_LENGTH}个字符，须同时包含字母和数字）", type="password",
                             key="setup_password", autocomplete="new-password")
    repeated = st.text_input("再次输入密码", type="password", key="setup_repeat", autocomplete="new-password")
    if st.form_submit_button("创建管理员并登录", type="primary", icon=":material/admin_panel_settings:"):
        if password != repeated:
            st.error("两次输入的密码不一致。")
        else:
            try:
                account = setup_link.create_admin(store, token, login_name, display_name, password)
            except AccountError as exc:
                st.error(str(exc))
            else:
                common.sign_in(accounts.login(store, account.login, password))
                common.flash(f"已创建系统管理员“{account.display_name}”并登录。")
                st.rerun()
