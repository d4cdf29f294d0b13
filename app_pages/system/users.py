"""用户与角色: accounts and their roles per batch, initial passwords and one-time links, unlocking, the identity of the
office's single sign-on each account signs in with, security settings."""
from urllib.parse import urlsplit

import pandas as pd
import streamlit as st

from app_pages.widgets import common, sign_on
from scoring.common import accounts, clock, single_sign_on
from scoring.common.access import Grant, Permission, Role
from scoring.common.accounts import Account, AccountPolicy, CredentialKind
from scoring.common.models import City
from scoring.common.normalize import validated
from scoring.common.single_sign_on import LinkedIdentity, LinkKind

ISSUED_KEY = "issued_credential"
ALL_BATCHES = "（全部批次）"
# The most powerful role last: a form left at its first choice must not create an administrator.
ROLE_CHOICES = [Role.STAFF, Role.EXPERT, Role.CITY, Role.OBSERVER, Role.ADMIN]
NO_CITY = "（不适用）"

principal = common.require_page(Permission.MANAGE_ACCOUNTS)
store = common.storage()
batch_ids = [b.batch_id for b in store.list_batches()]


def attempt(action, success: str) -> None:
    """Run an account action; on success rerun with a notice, otherwise show why on the page."""
    with common.shown_errors():
        action()
        common.flash(success)
        st.rerun()


def grant_from(role: Role, batch: str, city: str) -> Grant | None:
    with common.shown_errors():
        return validated(Grant, {"role": role, "batch_id": None if batch == ALL_BATCHES else batch,
                                 "city": None if city == NO_CITY else city})
    return None


def grant_fields(prefix: str) -> tuple[Role, str, str]:
    role_column, batch_column, city_column = st.columns(3)
    role = role_column.selectbox("角色", ROLE_CHOICES, format_func=str, key=f"{prefix}_role")
    batch = batch_column.selectbox("适用批次", [ALL_BATCHES, *batch_ids], key=f"{prefix}_batch")
    city = city_column.selectbox("城市（仅市局角色）", [NO_CITY, *[str(c) for c in City]], key=f"{prefix}_city")
    return role, batch, city


def login_link(token: str) -> str:
    """The app's own address with the token: the link works from wherever staff opened the app."""
    parts = urlsplit(st.context.url or "http://localhost:8501")
    return f"{parts.scheme}://{parts.netloc}/?token={token}"


def issue(logins: list[str], kind: CredentialKind) -> None:
    issued = accounts.issue_initial_credentials(store, principal, logins, kind)[0]
    secret = login_link(issued.secret) if kind is CredentialKind.LINK else issued.secret
    st.session_state[ISSUED_KEY] = (issued.login, str(kind), secret)


def show_issued() -> None:
    """The new secret exactly once: the next click anywhere removes it from the page and from memory."""
    issued = st.session_state.pop(ISSUED_KEY, None)
    if issued:
        login, kind, secret = issued
        st.success(f"已为 {login} 发放{kind}（只显示这一次；请当面或通过安全渠道交给本人，首次登录须修改密码）：")
        st.code(secret, language=None)


def accounts_table(users: list[Account], linked: dict[str, LinkedIdentity]) -> pd.DataFrame:
    now = clock.now()
    return pd.DataFrame([{"登录名": u.login, "姓名": u.display_name, "角色": "；".join(g.describe() for g in u.grants),
                          "状态": u.status(now), "最近登录": u.last_login_at, "专家编号": u.expert_id or "",
                          "统一身份认证": sign_on_status(linked.get(u.login))}
                         for u in users])


def sign_on_status(linked: LinkedIdentity | None) -> str:
    if linked is None:
        return ""
    return "待首次登录" if linked.subject is None else "已关联"


def new_account_form() -> None:
    with st.form("new_user_form", clear_on_submit=True):
        login = st.text_input("登录名（小写字母、数字和 . _ @ -）", key="new_login")
        display_name = st.text_input("姓名", key="new_display_name")
        role, batch, city = grant_fields("new")
        kind = st.radio("登录凭据", list(CredentialKind), format_func=str, horizontal=True, key="new_kind")
        reason = st.text_input("说明（记入审计日志）", key="new_reason")
        if st.form_submit_button("新建账号", type="primary"):
            grant = grant_from(role, batch, city)
            if grant:
                def create():
                    account = accounts.create_user(store, principal, login, display_name, [grant], reason=reason)
                    issue([account.login], kind)
                attempt(create, f"已新建账号 {login}。")


def manage_account(account: Account) -> None:
    st.markdown(f"**{account.display_name}**（{account.login}）：{account.status(clock.now())}；"
                f"连续登录失败 {account.failed_attempts} 次")
    st.markdown("角色：" + ("；".join(g.describe() for g in account.grants) or "（无）"))
    with st.form("grant_role_form", clear_on_submit=True):
        st.markdown("**授予角色**")
        role, batch, city = grant_fields("grant")
        reason = st.text_input("理由（必填）", key="grant_reason")
        if st.form_submit_button("授予"):
            grant = grant_from(role, batch, city)
            if grant:
                attempt(lambda: accounts.grant_role(store, principal, account.login, grant, reason),
                        f"已授予 {account.login}：{grant.describe()}。")
    if account.grants:
        with st.form("revoke_role_form", clear_on_submit=True):
            st.markdown("**撤销角色**")
            index = st.selectbox("角色", range(len(account.grants)), format_func=lambda i: account.grants[i].describe(),
                                 key="revoke_grant")
            grant = account.grants[index]
            reason = st.text_input("理由（必填）", key="revoke_reason")
            if st.form_submit_button("撤销"):
                attempt(lambda: accounts.revoke_role(store, principal, account.login, grant, reason),
                        f"已撤销 {account.login}：{grant.describe()}。")
    with st.form("reset_credentials_form"):
        st.markdown("**重置密码**（原密码、登录状态与未用链接随即失效）")
        kind = st.radio("发放", list(CredentialKind), format_func=str, horizontal=True, key="reset_kind")
        if st.form_submit_button("重置并发放"):
            attempt(lambda: issue([account.login], kind), f"已重置 {account.login} 的登录凭据。")
    if account.is_locked(clock.now()) or account.failed_attempts:
        if st.button("解除锁定", key="unlock"):
            attempt(lambda: accounts.unlock(store, principal, account.login), f"已解除 {account.login} 的锁定。")
    with st.form("set_active_form", clear_on_submit=True):
        verb = "停用账号" if account.active else "重新启用账号"
        st.markdown(f"**{verb}**" + ("（立即结束其全部登录）" if account.active else ""))
        reason = st.text_input("理由（必填）", key="active_reason")
        if st.form_submit_button(verb):
            attempt(lambda: accounts.set_active(store, principal, account.login, not account.active, reason),
                    f"已{verb.removesuffix('账号')} {account.login}。")
    sign_on_form(account)


def sign_on_form(account: Account) -> None:
    """Which identity of the office's single sign-on signs in as this account (by its subject, or by a verified
    e-mail address that the first login binds to its subject)."""
    st.markdown("**统一身份认证**" + ("" if sign_on.providers() else
                                   "（本系统尚未配置统一身份认证：关联可先记录，配置 .streamlit/secrets.toml 的 [auth] 后生效）"))
    linked = single_sign_on.linked_identity(store, principal, account.login)
    if linked:
        st.markdown(f"已关联：{linked.describe()}；{linked.linked_by} 于 {linked.linked_at:%Y-%m-%d %H:%M} 关联"
                    f"（{linked.reason}）")
        with st.form("unlink_sso_form", clear_on_submit=True):
            reason = st.text_input("理由（必填）", key="unlink_sso_reason")
            if st.form_submit_button("解除关联（立即结束其全部登录）"):
                attempt(lambda: single_sign_on.unlink_identity(store, principal, account.login, reason),
                        f"已解除 {account.login} 的统一身份认证关联。")
        return
    refused = single_sign_on.refused_identities(store, principal)
    if refused:
        st.caption("最近被拒绝的统一身份认证登录（尚未关联任何账号）：")
        st.dataframe(pd.DataFrame([{"时间": r.at, "身份提供方": r.issuer, "用户标识": r.subject, "邮箱": r.email or ""}
                                   for r in refused]), hide_index=True)
    with st.form("link_sso_form", clear_on_submit=True):
        issuer = st.text_input("身份提供方（issuer）", value=sign_on.issuer_hint(), key="link_sso_issuer")
        kind = st.radio("按", list(LinkKind), format_func=str, horizontal=True, key="link_sso_kind")
        value = st.text_input("用户标识（sub）或已验证邮箱", key="link_sso_value",
                              help="用户标识见本人登录被拒时页面显示的信息或上表；按已验证邮箱关联时，"
                                   "本人首次登录后即改为只按其用户标识识别。")
        reason = st.text_input("理由（必填）", key="link_sso_reason")
        if st.form_submit_button("关联"):
            identity = {"subject": value} if kind == LinkKind.SUBJECT else {"email": value}
            attempt(lambda: single_sign_on.link_identity(store, principal, account.login, issuer, reason=reason,
                                                         **identity),
                    f"已为 {account.login} 关联统一身份认证。")


def policy_form() -> None:
    policy = accounts.account_policy(store)
    with st.form("account_policy_form"):
        values = {name: st.number_input(field.title, *AccountPolicy.bounds(name), value=getattr(policy, name), step=1,
                                        key=f"policy_{name}")
                  for name, field in AccountPolicy.model_fields.items()}
        reason = st.text_input("修改理由（必填）", key="policy_reason")
        if st.form_submit_button("保存设置"):
            changed = AccountPolicy(**{name: int(value) for name, value in values.items()})
            attempt(lambda: accounts.set_account_policy(store, principal, changed, reason), "账号安全设置已保存。")


st.title("用户与角色")
show_issued()
users = accounts.list_users(store, principal)
linked_by_login = {i.login: i for i in single_sign_on.linked_identities(store, principal)}
st.dataframe(accounts_table(users, linked_by_login), hide_index=True)

new_tab, manage_tab, policy_tab, log_tab = st.tabs(["新建账号", "管理账号", "安全设置", "账号日志"])
with new_tab:
    new_account_form()
with manage_tab:
    names = {u.login: f"{u.display_name}（{u.login}）" for u in users}
    chosen = st.selectbox("账号", list(names), format_func=names.get, key="manage_login")
    manage_account(next(u for u in users if u.login == chosen))
with policy_tab:
    policy_form()
with log_tab:
    st.dataframe([{"时间": e.at, "操作人": e.actor, "操作": accounts.ACTION_TITLES.get(e.action, e.action),
                   "对象": e.entity, "理由": e.reason}
                  for e in accounts.account_audit(store, principal)], hide_index=True)
