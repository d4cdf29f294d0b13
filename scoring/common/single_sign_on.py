"""Single sign-on through the office's OpenID Connect provider (Streamlit's st.login), mapped onto local accounts.

A person who signed in at the provider gets a session of the local account an administrator linked to that identity:
the account's roles, the same idle and absolute expiry, the same audit, ended by the same logout. An identity never
makes an account or a role, and local accounts stay the default: with no provider configured nothing here is used.

Which account an identity is: the link an administrator records, by the provider's issuer and the person's subject
there (the one claim a provider promises never to reassign), or by an e-mail address whose first login — verified by
the provider — binds that login's subject to the account; from then on only the subject counts, so a mailbox handed
to someone else later opens nothing.

The page reads the provider's login from Streamlit's identity cookie (st.user), which lives 30 days whatever this
office's limits are and survives our logout in other tabs. So a login at the provider is an assertion used once: only
a fresh one (issued within ten minutes) is decided, exactly once, and an old or used one opens nothing — the person
simply signs in at the provider again."""
from __future__ import annotations

import json
import re
from collections.abc import Mapping
from datetime import datetime, timedelta
from enum import StrEnum
from typing import NamedTuple

from pydantic import BaseModel, ConfigDict

from scoring.common import accounts, clock
from scoring.common.access import Permission, Principal, require
from scoring.common.accounts import ANONYMOUS, UNKNOWN_LOGIN_ENTITY, AccountError, LoginRefused
from scoring.common.models import ActionKind
from scoring.storage import Storage
from scoring.storage import account_store
from scoring.storage import sso_store as store

ASSERTION_MAX_AGE = timedelta(minutes=10)
CLOCK_SKEW = timedelta(minutes=2)  # the provider's clock and ours may differ a little
METADATA_SUFFIX = "/.well-known/openid-configuration"
ISSUER_PATTERN = re.compile(r"^https?://[^\s/?#]+(/[^\s?#]*)?$")
EMAIL_PATTERN = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
MAX_SUBJECT_LENGTH = 255
DEACTIVATED = "账号已停用，请联系系统管理员。"
INCOMPLETE = ("统一身份认证返回的登录信息不完整（缺少身份提供方、用户标识或签发时间），不能登录。"
              "请联系系统管理员检查统一身份认证的配置，或用登录名和密码登录。")


class SignOnRefused(LoginRefused):
    """A login at the provider opens no session here; the message says what to ask the administrator."""


class LinkKind(StrEnum):
    SUBJECT = "用户标识"
    EMAIL = "已验证邮箱"


class Identity(NamedTuple):
    """What a login at the provider says of the person (the ID token's claims, checked by Authlib when it arrived)."""

    issuer: str
    subject: str
    email: str | None
    email_verified: bool
    issued_at: datetime
    assertion_sha256: str  # what makes this one login unique: issuer, subject, issue time and nonce

    def describe(self) -> str:
        return f"身份提供方 {self.issuer}；用户标识 {self.subject}"


class RefusedIdentity(NamedTuple):
    at: datetime
    issuer: str
    subject: str
    email: str | None


class LinkedIdentity(BaseModel):
    """The identity an account signs in with, as an administrator recorded it."""

    model_config = ConfigDict(frozen=True)

    login: str
    issuer: str
    subject: str | None
    email: str | None
    linked_at: datetime
    linked_by: str
    reason: str
    bound_at: datetime | None

    def describe(self) -> str:
        if self.subject is None:
            return f"身份提供方 {self.issuer}；待以已验证邮箱 {self.email} 首次登录后关联用户标识"
        text = f"身份提供方 {self.issuer}；用户标识 {self.subject}"
        if self.bound_at:
            text += f"（已验证邮箱 {self.email} 于 {self.bound_at:%Y-%m-%d %H:%M} 首次登录时关联）"
        return text


# --- reading a login at the provider -------------------------------------------------------------------


def identity_from_claims(claims: Mapping) -> Identity | None:
    """The identity in st.user's claims; None when the provider left out the issuer, the subject or the issue time."""
    issuer, subject, issued = (claims.get(name) for name in ("iss", "sub", "iat"))
    if not issuer or not subject or not isinstance(issued, int | float) or isinstance(issued, bool):
        return None
    email = claims.get("email")
    unique = json.dumps([str(issuer), str(subject), issued, claims.get("nonce")], ensure_ascii=False)
    return Identity(issuer=str(issuer), subject=str(subject),
                    email=normalized_email(email) if isinstance(email, str) and email else None,
                    # Some providers send the flag as the string "true".
                    email_verified=claims.get("email_verified") in (True, "true"),
                    issued_at=datetime.fromtimestamp(issued, clock.OFFICE_ZONE).replace(tzinfo=None),
                    assertion_sha256=accounts.token_sha256(unique))


def is_fresh(identity: Identity, at: datetime) -> bool:
    return identity.issued_at - CLOCK_SKEW <= at <= identity.issued_at + ASSERTION_MAX_AGE


def issuer_from_metadata_url(url: str) -> str:
    """The issuer a provider's metadata address usually names (`…/.well-known/openid-configuration` without the
    suffix): a suggestion for the administrator, who checks it against the provider's `issuer`."""
    return (url or "").strip().removesuffix(METADATA_SUFFIX)


def normalized_email(email: str) -> str:
    return (email or "").strip().lower()


# --- signing in ----------------------------------------------------------------------------------------


def login_with_identity(storage: Storage, claims: Mapping) -> str | None:
    """A session token of the account linked to this login at the provider; None for a login already decided or
    older than ASSERTION_MAX_AGE (nothing to tell: the person signs in at the provider again). Raises SignOnRefused,
    audited with the identity (never a token), for an identity linked to no account or to a deactivated one."""
    identity = identity_from_claims(claims)
    if identity is None:
        _audit_refusal(storage, None, UNKNOWN_LOGIN_ENTITY, "统一身份认证登录信息不完整",
                       {"claims": sorted(str(name) for name in claims)})
        raise SignOnRefused(INCOMPLETE)
    if not is_fresh(identity, clock.now()) or store.assertion_decided(storage, identity.assertion_sha256):
        return None
    login, by_email = _linked_login(storage, identity)
    if login is None:
        _audit_refusal(storage, identity, UNKNOWN_LOGIN_ENTITY, "统一身份认证账号未关联本系统账号", _detail(identity))
        raise SignOnRefused(_unlinked_message(identity))
    user = account_store.get_user(storage, login)
    if user is None or not user.active:
        _audit_refusal(storage, identity, f"user/{login}", "账号已停用（统一身份认证登录）", _detail(identity))
        raise SignOnRefused(DEACTIVATED)
    return _open_session(storage, user, identity, by_email)


def _linked_login(storage: Storage, identity: Identity) -> tuple[str | None, bool]:
    """The account of this identity, and whether it is found by its verified e-mail (its subject then gets bound)."""
    login = store.login_of_subject(storage, identity.issuer, identity.subject)
    if login or not (identity.email and identity.email_verified):
        return login, False
    login = store.login_awaiting_email(storage, identity.issuer, identity.email)
    return login, login is not None


def _open_session(storage: Storage, user: account_store.UserRecord, identity: Identity, by_email: bool) -> str | None:
    token = accounts.new_token()
    digest = accounts.token_sha256(token)
    policy = accounts.account_policy(storage)
    with storage.transaction(user.login) as tx:
        if store.assertion_decided(tx, identity.assertion_sha256):  # another tab took it first, under the write lock
            tx.audit(ActionKind.LOGIN_FAILED, f"user/{user.login}", "统一身份认证登录已使用")
            return None
        store.record_assertion(tx, identity.assertion_sha256, user.login)
        detail = {"session": digest[:12], **_detail(identity)}
        if by_email:
            store.bind_subject(tx, user.login, identity.subject)
            tx.audit(ActionKind.SSO_BIND, f"user/{user.login}", "首次统一身份认证登录：按已验证邮箱关联用户标识",
                     _detail(identity))
        if user.must_change_password:
            # The initial password or link staff handed out is no longer needed, and nobody should hold a way in
            # that the person did not choose: it stops working (an administrator's reset issues a new one).
            account_store.set_password(tx, user.login, None, must_change_password=False)
            account_store.revoke_links_of(tx, user.login)
            detail["initial_credentials_withdrawn"] = True
        account_store.insert_session(tx, digest, user.login, tx.now + timedelta(hours=policy.absolute_hours))
        account_store.record_login(tx, user.login, None)
        tx.audit(ActionKind.SSO_LOGIN, f"user/{user.login}", "通过统一身份认证登录", detail)
    return token


def _audit_refusal(storage: Storage, identity: Identity | None, entity: str, reason: str, detail: dict) -> None:
    """The refusal in the audit log; the login at the provider is used up with it, so it is decided only once."""
    with storage.transaction(ANONYMOUS) as tx:
        if identity is not None and not store.assertion_decided(tx, identity.assertion_sha256):
            store.record_assertion(tx, identity.assertion_sha256, None)
        tx.audit(ActionKind.LOGIN_FAILED, entity, reason, detail)


def _detail(identity: Identity) -> dict:
    return {"issuer": identity.issuer, "subject": identity.subject, "email": identity.email,
            "email_verified": identity.email_verified}


def _unlinked_message(identity: Identity) -> str:
    return ("您的统一身份认证账号尚未关联本系统的账号，不能登录。请将以下信息告知系统管理员，"
            f"由其在“用户与角色 → 管理账号 → 统一身份认证”中为您的账号关联：{identity.describe()}。"
            "您也可以用省局发放的登录名和密码登录。")


# --- administration ------------------------------------------------------------------------------------


def link_identity(storage: Storage, principal: Principal, login: str, issuer: str, *, subject: str | None = None,
                  email: str | None = None, reason: str = "") -> LinkedIdentity:
    """Record which identity of the provider signs in as this account: its subject there, or the verified e-mail
    address whose first login binds its subject. One identity per account, one account per identity."""
    require(principal, Permission.MANAGE_ACCOUNTS)
    login = accounts.normalized_login(login)
    issuer, reason = _checked_issuer(issuer), _checked_reason(reason, "关联统一身份认证")
    subject, email = _checked_subject_or_email(subject, email)
    with storage.transaction(principal.actor) as tx:
        if account_store.get_user(tx, login) is None:
            raise AccountError(f"没有登录名为“{login}”的账号。")
        if linked := store.get_identity(tx, login):
            raise AccountError(f"账号“{login}”已关联统一身份认证（{_linked(linked).describe()}），请先解除关联。")
        holder = store.login_of_subject(tx, issuer, subject) if subject else store.login_of_email(tx, issuer, email)
        if holder:
            raise AccountError(f"该统一身份认证账号已关联到账号“{holder}”。")
        store.insert_identity(tx, login, issuer, subject, email, reason)
        tx.audit(ActionKind.SSO_LINK, f"user/{login}", reason,
                 {"issuer": issuer, "subject": subject, "email": email,
                  "kind": str(LinkKind.SUBJECT if subject else LinkKind.EMAIL)})
    return _linked(store.get_identity(storage, login))


def unlink_identity(storage: Storage, principal: Principal, login: str, reason: str) -> None:
    """The identity no longer signs in as this account; the account's sessions end at once (a session does not
    record how it was opened, and one opened through the identity must not outlive the link)."""
    require(principal, Permission.MANAGE_ACCOUNTS)
    login = accounts.normalized_login(login)
    reason = _checked_reason(reason, "解除统一身份认证关联")
    with storage.transaction(principal.actor) as tx:
        linked = store.get_identity(tx, login)
        if linked is None:
            raise AccountError(f"账号“{login}”没有关联统一身份认证。")
        store.delete_identity(tx, login)
        account_store.revoke_sessions_of(tx, login, "解除统一身份认证关联")
        tx.audit(ActionKind.SSO_UNLINK, f"user/{login}", reason,
                 {"issuer": linked.issuer, "subject": linked.subject, "email": linked.email})


def linked_identity(storage: Storage, principal: Principal, login: str) -> LinkedIdentity | None:
    require(principal, Permission.MANAGE_ACCOUNTS)
    found = store.get_identity(storage, accounts.normalized_login(login))
    return _linked(found) if found else None


def linked_identities(storage: Storage, principal: Principal) -> list[LinkedIdentity]:
    require(principal, Permission.MANAGE_ACCOUNTS)
    return [_linked(found) for found in store.list_identities(storage)]


def refused_identities(storage: Storage, principal: Principal, limit: int = 10) -> list[RefusedIdentity]:
    """The identities the provider vouched for that no account is linked to, newest first, once each: what an
    administrator links when a person reports being refused."""
    require(principal, Permission.MANAGE_ACCOUNTS)
    found: dict[tuple[str, str], RefusedIdentity] = {}
    for entry in storage.audit_log(entity=UNKNOWN_LOGIN_ENTITY, limit=500):
        issuer, subject = entry.detail.get("issuer"), entry.detail.get("subject")
        if entry.action == ActionKind.LOGIN_FAILED and issuer and subject and (issuer, subject) not in found:
            found[issuer, subject] = RefusedIdentity(entry.at, issuer, subject, entry.detail.get("email"))
    linked = {(i.issuer, i.subject) for i in store.list_identities(storage)}
    return [r for key, r in found.items() if key not in linked][:limit]


def _linked(record: store.IdentityRecord) -> LinkedIdentity:
    return LinkedIdentity(**record._asdict())


def _checked_issuer(issuer: str) -> str:
    issuer = (issuer or "").strip()
    if not ISSUER_PATTERN.match(issuer):
        raise AccountError("请填写身份提供方（issuer）的网址，以 https:// 开头，与身份提供方 "
                           f"{METADATA_SUFFIX} 中的 issuer 完全一致，如 https://sso.example.cn/realms/office。")
    return issuer


def _checked_subject_or_email(subject: str | None, email: str | None) -> tuple[str | None, str | None]:
    subject, email = (subject or "").strip(), normalized_email(email or "")
    if bool(subject) == bool(email):
        raise AccountError("请填写用户标识或已验证邮箱中的一项（只填一项）。")
    if len(subject) > MAX_SUBJECT_LENGTH:
        raise AccountError(f"用户标识最多{MAX_SUBJECT_LENGTH}个字符。")
    if email and not EMAIL_PATTERN.match(email):
        raise AccountError(f"邮箱“{email}”格式不正确。")
    return subject or None, email or None


def _checked_reason(reason: str, what: str) -> str:
    reason = (reason or "").strip()
    if len(reason) < 2:
        raise AccountError(f"{what}必须填写理由（记入审计日志）。")
    return reason
