"""Accounts and roles: argon2 passwords, sessions with idle and absolute expiry, lock-out, one-time login links."""
from __future__ import annotations

import hashlib
import re
import secrets
from collections.abc import Callable
from datetime import datetime, timedelta
from enum import StrEnum
from typing import NamedTuple

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from pydantic import BaseModel, ConfigDict, Field

from scoring.common import clock
from scoring.common.access import Grant, Permission, Principal, Role, require
from scoring.common.errors import ReviewError
from scoring.common.models import ActionKind, AuditEntry
from scoring.storage import Storage, Transaction
from scoring.storage import account_store as store
from scoring.storage import applying_store

# argon2id with the library's defaults (RFC 9106 low-memory profile). Tests swap in a cheap hasher through a
# fixture; production never reads a setting that could weaken it.
HASHER = PasswordHasher()

LOGIN_PATTERN = re.compile(r"^[a-z0-9][a-z0-9._@-]{1,63}$")
MIN_PASSWORD_LENGTH = 10
MAX_PASSWORD_LENGTH = 128
# No 0/O, 1/l/I: initial passwords are read off paper or a screen and typed by hand.
INITIAL_PASSWORD_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnpqrstuvwxyz23456789"
INITIAL_PASSWORD_LENGTH = 12
ANONYMOUS = "anonymous"
UNKNOWN_LOGIN_ENTITY = "user/?"
POLICY_ENTITY = "accounts/policy"
WRONG_CREDENTIALS = "登录名或密码不正确。"
LINK_REFUSED = "登录链接无效、已使用或已过期，请联系省局工作人员重新发放。"


ACTION_TITLES = {
    ActionKind.LOGIN: "登录", ActionKind.LINK_LOGIN: "通过登录链接登录", ActionKind.LOGIN_FAILED: "登录失败",
    ActionKind.ACCOUNT_LOCKED: "账号锁定", ActionKind.ACCOUNT_UNLOCKED: "解除锁定", ActionKind.LOGOUT: "退出登录",
    ActionKind.PASSWORD_CHANGE: "修改密码", ActionKind.CREDENTIALS_ISSUE: "发放登录凭据",
    ActionKind.USER_CREATE: "新建账号", ActionKind.USER_DEACTIVATE: "停用账号", ActionKind.USER_ACTIVATE: "启用账号",
    ActionKind.ROLE_GRANT: "授予角色", ActionKind.ROLE_REVOKE: "撤销角色", ActionKind.POLICY_CHANGE: "修改安全设置",
    ActionKind.SSO_LOGIN: "统一身份认证登录", ActionKind.SSO_LINK: "关联统一身份认证",
    ActionKind.SSO_BIND: "首次统一身份认证登录时关联用户标识", ActionKind.SSO_UNLINK: "解除统一身份认证关联",
}


class AccountError(ReviewError):
    """An account rule was broken; the message is for users."""


class LoginRefused(AccountError):
    """Login did not succeed; the message says only what the person may know."""


class CredentialKind(StrEnum):
    PASSWORD = "初始密码"
    LINK = "一次性登录链接"


class AccountPolicy(BaseModel):
    """The office's settings for sessions, lock-out and login links."""

    model_config = ConfigDict(frozen=True)

    idle_minutes: int = Field(30, ge=1, le=24 * 60, title="无操作自动退出（分钟）")
    absolute_hours: int = Field(12, ge=1, le=7 * 24, title="登录最长有效（小时）")
    max_failed_attempts: int = Field(5, ge=1, le=100, title="连续失败几次后锁定")
    lockout_minutes: int = Field(15, ge=1, le=7 * 24 * 60, title="锁定时长（分钟）")
    link_hours: int = Field(72, ge=1, le=30 * 24, title="一次性登录链接有效期（小时）")

    @classmethod
    def bounds(cls, name: str) -> tuple[int, int]:
        """The smallest and largest value a setting accepts."""
        metadata = cls.model_fields[name].metadata
        return next(m.ge for m in metadata if hasattr(m, "ge")), next(m.le for m in metadata if hasattr(m, "le"))


class Account(BaseModel):
    """What staff see of a user: never the hash."""

    model_config = ConfigDict(frozen=True)

    login: str
    display_name: str
    grants: tuple[Grant, ...]
    active: bool
    must_change_password: bool
    has_password: bool
    failed_attempts: int
    locked_until: datetime | None
    expert_id: str | None
    created_at: datetime
    last_login_at: datetime | None

    def is_locked(self, at: datetime) -> bool:
        return self.locked_until is not None and at < self.locked_until

    def status(self, at: datetime) -> str:
        if not self.active:
            return "已停用"
        if self.is_locked(at):
            return f"已锁定至 {self.locked_until:%Y-%m-%d %H:%M}"
        if not self.has_password:
            return "尚无密码（待发放初始密码或使用一次性登录链接）"
        if self.must_change_password:
            return "待修改初始密码"
        return "正常"


class ActiveSession(BaseModel):
    """A validated session: the principal acting (without grants until an initial password is changed)."""

    model_config = ConfigDict(frozen=True)

    principal: Principal
    must_change_password: bool
    has_password: bool  # False after a one-time link: the new password is set without a current one
    expires_at: datetime


class IssuedCredential(NamedTuple):
    """An initial password or a one-time link token, shown once to whoever hands it out."""

    login: str
    secret: str


# --- secrets ---------------------------------------------------------------------------------------


def token_sha256(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def new_token() -> str:
    return secrets.token_urlsafe(32)


def hash_password(password: str) -> str:
    return HASHER.hash(password)


def password_matches(stored_hash: str | None, password: str) -> bool:
    """argon2's verify raises on a mismatch and on a damaged hash: both are simply “no”."""
    if not stored_hash:
        HASHER.hash(password)  # as slow as a real check, so the answer's timing tells nothing
        return False
    try:
        return HASHER.verify(stored_hash, password)
    except (VerificationError, InvalidHashError):
        return False


def rehashed_if_outdated(stored_hash: str, password: str) -> str | None:
    """A new hash when the stored one was made with other parameters than the hasher's now."""
    try:
        outdated = HASHER.check_needs_rehash(stored_hash)
    except InvalidHashError:
        outdated = True
    return HASHER.hash(password) if outdated else None


def generate_initial_password() -> str:
    while True:
        candidate = "".join(secrets.choice(INITIAL_PASSWORD_ALPHABET) for _ in range(INITIAL_PASSWORD_LENGTH))
        if not password_problems(candidate, ""):
            return candidate


def password_problems(password: str, login: str) -> list[str]:
    """Why a new password is not acceptable (empty when it is)."""
    problems = []
    if len(password) < MIN_PASSWORD_LENGTH:
        problems.append(f"密码至少{MIN_PASSWORD_LENGTH}个字符")
    if len(password) > MAX_PASSWORD_LENGTH:
        problems.append(f"密码最多{MAX_PASSWORD_LENGTH}个字符")
    if not re.search(r"[A-Za-z]", password) or not re.search(r"[0-9]", password):
        problems.append("密码须同时包含字母和数字")
    if len(login) >= 4 and login.lower() in password.lower():  # a two-letter login inside a word is chance
        problems.append("密码不能包含登录名")
    return problems


def _check_new_password(password: str, login: str) -> None:
    problems = password_problems(password, login)
    if problems:
        raise AccountError("；".join(problems) + "。")


# --- names ---------------------------------------------------------------------------------------------


def normalized_login(login: str) -> str:
    return (login or "").strip().lower()


def _check_login(login: str) -> str:
    login = normalized_login(login)
    if not LOGIN_PATTERN.match(login):
        raise AccountError("登录名须为2至64个字符，只能包含小写字母、数字和 . _ @ -，并以字母或数字开头。")
    return login


def _check_display_name(display_name: str) -> str:
    name = (display_name or "").strip()
    if not 1 <= len(name) <= 50:
        raise AccountError("请填写姓名（最多50个字）。")
    return name


def _check_reason(reason: str, what: str) -> str:
    reason = (reason or "").strip()
    if len(reason) < 2:
        raise AccountError(f"{what}必须填写理由（记入审计日志）。")
    return reason


# --- policy --------------------------------------------------------------------------------------------


def account_policy(storage: Storage) -> AccountPolicy:
    saved = store.read_policy(storage)
    return AccountPolicy.model_validate_json(saved) if saved else AccountPolicy()


def set_account_policy(storage: Storage, principal: Principal, policy: AccountPolicy, reason: str) -> None:
    require(principal, Permission.MANAGE_ACCOUNTS)
    reason = _check_reason(reason, "修改账号安全设置")
    before = account_policy(storage)
    with storage.transaction(principal.actor) as tx:
        store.save_policy(tx, policy.model_dump_json())
        tx.audit(ActionKind.POLICY_CHANGE, POLICY_ENTITY, reason,
                 {"before": before.model_dump(), "after": policy.model_dump()})


# --- first run -----------------------------------------------------------------------------------------


def admin_exists(storage: Storage) -> bool:
    return store.count_active_global(storage, Role.ADMIN) > 0


def create_first_admin(storage: Storage, login: str, display_name: str, password: str,
                       actor: str = "system", reason: str = "首次运行：创建系统管理员",
                       within: Callable[[Transaction], None] | None = None) -> Account:
    """The first administrator, from the server's command line or a one-time set-up address; refused once any
    administrator exists. `within` runs first in the same transaction (the set-up address is used up there, so a
    refusal leaves it unused and a success cannot leave it usable)."""
    login, display_name = _check_login(login), _check_display_name(display_name)
    _check_new_password(password, login)
    password_hash = hash_password(password)
    admin = Grant(role=Role.ADMIN)
    with storage.transaction(actor) as tx:
        if within:
            within(tx)
        if store.count_active_global(tx, Role.ADMIN):
            raise AccountError("系统已有管理员：首个管理员只能在没有管理员时创建；其他账号请由管理员创建。")
        if store.get_user(tx, login):
            raise AccountError(f"登录名“{login}”已被使用。")
        store.insert_user(tx, login, display_name, password_hash, must_change_password=False, expert_id=None)
        store.add_grant(tx, login, admin)
        tx.audit(ActionKind.USER_CREATE, f"user/{login}", reason,
                 {"display_name": display_name, "grants": [admin.describe()]})
        tx.audit(ActionKind.ROLE_GRANT, f"user/{login}", reason, _grant_detail(admin))
    return _account(store.get_user(storage, login))


# --- administration ------------------------------------------------------------------------------------


def require_may_manage(principal: Principal, grants: list[Grant]) -> None:
    """Administrators manage every account. Staff who run a batch may also open an applicant unit's account and
    hand out its credential: its one role (申报单位) reaches only its own unit's forms."""
    if grants and all(g.role is Role.APPLICANT for g in grants) and principal.can(Permission.MANAGE_BATCHES):
        return
    require(principal, Permission.MANAGE_ACCOUNTS)


def create_user(storage: Storage, principal: Principal, login: str, display_name: str, grants: list[Grant],
                expert_id: str | None = None, reason: str = "") -> Account:
    """A new account without credentials: hand out an initial password or a link with issue_initial_credentials."""
    require_may_manage(principal, grants)
    login, display_name = _check_login(login), _check_display_name(display_name)
    grants = list(dict.fromkeys(grants))
    reason = (reason or "").strip() or "新建账号"
    with storage.transaction(principal.actor) as tx:
        if store.get_user(tx, login):
            raise AccountError(f"登录名“{login}”已被使用。")
        if expert_id and (holder := store.login_of_expert(tx, expert_id)):
            raise AccountError(f"该专家已有账号“{holder}”。")
        store.insert_user(tx, login, display_name, None, must_change_password=True, expert_id=expert_id)
        tx.audit(ActionKind.USER_CREATE, f"user/{login}", reason,
                 {"display_name": display_name, "expert_id": expert_id, "grants": [g.describe() for g in grants]})
        for grant in grants:
            store.add_grant(tx, login, grant)
            tx.audit(ActionKind.ROLE_GRANT, f"user/{login}", reason, _grant_detail(grant))
    return _account(store.get_user(storage, login))


def issue_initial_credentials(storage: Storage, principal: Principal, logins: list[str],
                              kind: CredentialKind = CredentialKind.PASSWORD) -> list[IssuedCredential]:
    """A new initial password (or one-time login link token) for each login, replacing any password, session
    or link the person had; the next login must set a password of their own."""
    logins = list(dict.fromkeys(normalized_login(login) for login in logins))
    held = [g for login in logins if (user := store.get_user(storage, login)) for g in user.grants]
    require_may_manage(principal, held)
    secrets_by_login = {login: generate_initial_password() if kind is CredentialKind.PASSWORD else new_token()
                        for login in logins}
    # Hash outside the write lock: argon2 is slow on purpose and other writers should not wait for it.
    hashes = ({login: hash_password(secret) for login, secret in secrets_by_login.items()}
              if kind is CredentialKind.PASSWORD else {})
    expires_at = clock.now() + timedelta(hours=account_policy(storage).link_hours)
    with storage.transaction(principal.actor) as tx:
        for login, secret in secrets_by_login.items():
            _require_user(tx, login)
            store.set_password(tx, login, hashes.get(login), must_change_password=True)
            store.revoke_sessions_of(tx, login, "重新发放登录凭据")
            store.revoke_links_of(tx, login)
            detail = {"kind": str(kind)}
            if kind is CredentialKind.LINK:
                store.insert_link(tx, token_sha256(secret), login, expires_at)
                detail["expires_at"] = expires_at.isoformat()
            tx.audit(ActionKind.CREDENTIALS_ISSUE, f"user/{login}", f"发放{kind}", detail)
    return [IssuedCredential(login, secret) for login, secret in secrets_by_login.items()]


def grant_role(storage: Storage, principal: Principal, login: str, grant: Grant, reason: str) -> None:
    require(principal, Permission.MANAGE_ACCOUNTS)
    reason = _check_reason(reason, "授予角色")
    login = normalized_login(login)
    with storage.transaction(principal.actor) as tx:
        user = _require_user(tx, login)
        if grant in user.grants:
            raise AccountError(f"{user.display_name}已有角色：{grant.describe()}。")
        store.add_grant(tx, login, grant)
        tx.audit(ActionKind.ROLE_GRANT, f"user/{login}", reason, _grant_detail(grant))


def revoke_role(storage: Storage, principal: Principal, login: str, grant: Grant, reason: str) -> None:
    require(principal, Permission.MANAGE_ACCOUNTS)
    reason = _check_reason(reason, "撤销角色")
    login = normalized_login(login)
    with storage.transaction(principal.actor) as tx:
        user = _require_user(tx, login)
        if grant not in user.grants:
            raise AccountError(f"{user.display_name}没有角色：{grant.describe()}。")
        if grant == Grant(role=Role.ADMIN) and user.active:
            _keep_one_admin(tx)
        store.remove_grant(tx, login, grant)
        tx.audit(ActionKind.ROLE_REVOKE, f"user/{login}", reason, _grant_detail(grant))


def set_active(storage: Storage, principal: Principal, login: str, active: bool, reason: str) -> None:
    """Deactivate (ends every session and link at once) or reactivate an account."""
    require(principal, Permission.MANAGE_ACCOUNTS)
    reason = _check_reason(reason, "停用账号" if not active else "启用账号")
    login = normalized_login(login)
    with storage.transaction(principal.actor) as tx:
        user = _require_user(tx, login)
        if user.active == active:
            raise AccountError(f"账号“{login}”已经是{'启用' if active else '停用'}状态。")
        if not active:
            if Grant(role=Role.ADMIN) in user.grants:
                _keep_one_admin(tx)
            store.revoke_sessions_of(tx, login, "账号停用")
            store.revoke_links_of(tx, login)
        store.set_active(tx, login, active)
        tx.audit(ActionKind.USER_ACTIVATE if active else ActionKind.USER_DEACTIVATE, f"user/{login}", reason)


def unlock(storage: Storage, principal: Principal, login: str, reason: str = "") -> None:
    require(principal, Permission.MANAGE_ACCOUNTS)
    login = normalized_login(login)
    with storage.transaction(principal.actor) as tx:
        _require_user(tx, login)
        store.unlock_user(tx, login)
        tx.audit(ActionKind.ACCOUNT_UNLOCKED, f"user/{login}", (reason or "").strip() or "管理员解锁")


def list_users(storage: Storage, principal: Principal) -> list[Account]:
    require(principal, Permission.MANAGE_ACCOUNTS)
    return [_account(user) for user in store.list_users(storage)]


def get_account(storage: Storage, principal: Principal, login: str) -> Account:
    require(principal, Permission.MANAGE_ACCOUNTS)
    return _account(_require_user(storage, normalized_login(login)))


def account_audit(storage: Storage, principal: Principal, limit: int = 200) -> list[AuditEntry]:
    """Logins, failures, lock-outs and every change of account or role, newest first."""
    require(principal, Permission.MANAGE_ACCOUNTS)
    require(principal, Permission.VIEW_AUDIT)
    entries = storage.audit_log(entity="user", limit=limit) + storage.audit_log(entity="accounts", limit=limit)
    return sorted(entries, key=lambda e: e.seq, reverse=True)[:limit]


def _require_user(source, login: str) -> store.UserRecord:
    user = store.get_user(source, login)
    if user is None:
        raise AccountError(f"没有登录名为“{login}”的账号。")
    return user


def _keep_one_admin(tx) -> None:
    if store.count_active_global(tx, Role.ADMIN) <= 1:
        raise AccountError("这是最后一名系统管理员，不能撤销其管理员角色或停用其账号。")


def _grant_detail(grant: Grant) -> dict:
    return {"role": str(grant.role), "batch": grant.batch_id, "city": str(grant.city) if grant.city else None,
            "grant": grant.describe()}


def _account(user: store.UserRecord) -> Account:
    return Account(login=user.login, display_name=user.display_name, grants=user.grants, active=user.active,
                   must_change_password=user.must_change_password, has_password=bool(user.password_hash),
                   failed_attempts=user.failed_attempts, locked_until=user.locked_until, expert_id=user.expert_id,
                   created_at=user.created_at, last_login_at=user.last_login_at)


# --- logging in and out --------------------------------------------------------------------------------


def login(storage: Storage, login_name: str, password: str) -> str:
    """A new session's token for the right password; raises LoginRefused (audited) otherwise.

    After `max_failed_attempts` failures in a row the account is locked for `lockout_minutes`; while locked
    even the right password is refused, so guessing gets nowhere.
    """
    name = normalized_login(login_name)
    user = store.get_user(storage, name) if LOGIN_PATTERN.match(name) else None
    if user is None:
        password_matches(None, password)
        _audit_unknown_login(storage, name)
        raise LoginRefused(WRONG_CREDENTIALS)
    policy, now = account_policy(storage), clock.now()
    if user.locked_until and now < user.locked_until:
        _audit_failure(storage, user, "账号锁定期间尝试登录")
        raise LoginRefused(_locked_message(user.locked_until))
    if not password_matches(user.password_hash, password):
        locked_until = _record_failure(storage, user, policy)
        raise LoginRefused(_locked_message(locked_until) if locked_until else WRONG_CREDENTIALS)
    if not user.active:
        _audit_failure(storage, user, "账号已停用")
        raise LoginRefused("账号已停用，请联系系统管理员。")
    return _open_session(storage, user, ActionKind.LOGIN, rehashed_if_outdated(user.password_hash, password))


def login_with_link(storage: Storage, token: str) -> str:
    """A session from a one-time login link: usable once, before it expires; a password must be set next."""
    digest = token_sha256(token or "")
    link = store.get_link(storage, digest)
    user = store.get_user(storage, link.login) if link else None
    problem = _link_problem(link, user, clock.now())
    if problem:
        if user is None:
            _audit_unknown_login(storage, "", problem)
        else:
            _audit_failure(storage, user, problem)
        raise LoginRefused(LINK_REFUSED)
    return _open_session(storage, user, ActionKind.LINK_LOGIN, None, link_sha256=digest)


def _link_problem(link: store.LinkRecord | None, user: store.UserRecord | None, now: datetime) -> str | None:
    if link is None or user is None:
        return "链接无效"
    if link.used_at:
        return "链接已使用"
    if link.revoked_at:
        return "链接已作废（已重新发放凭据或已修改密码）"
    if now >= link.expires_at:
        return "链接已过期"
    if not user.active:
        return "账号已停用"
    return None


def current_session(storage: Storage, token: str | None) -> ActiveSession | None:
    """The session of this token if it is still valid (and touch it: the idle clock restarts), else None."""
    if not token:
        return None
    digest = token_sha256(token)
    session = store.get_session(storage, digest)
    if session is None or session.revoked_at is not None:
        return None
    now, policy = clock.now(), account_policy(storage)
    idle = timedelta(minutes=policy.idle_minutes)
    if now >= session.expires_at or now >= session.last_seen_at + idle:
        return None
    user = store.get_user(storage, session.login)
    # A lock-out stops password guessing, not the owner's live session: others' failures must not log them out.
    if user is None or not user.active:
        return None
    store.touch_session(storage, digest, now)
    # Until an initial password is replaced the person may do nothing else: no grants reach the domain.
    principal = _principal(storage, user, () if user.must_change_password else user.grants)
    return ActiveSession(principal=principal, must_change_password=user.must_change_password,
                         has_password=bool(user.password_hash), expires_at=min(session.expires_at, now + idle))


def _principal(storage: Storage, user, grants) -> Principal:
    return Principal(login=user.login, display_name=user.display_name, grants=grants, expert_id=user.expert_id,
                     unit=applying_store.unit_of_login(storage, user.login))


def principal_of(storage: Storage, login: str) -> Principal | None:
    """An active account as a principal, for the command line acting on its behalf (a unit, a city bureau)."""
    user = store.get_user(storage, (login or "").strip().lower())
    return _principal(storage, user, user.grants) if user is not None and user.active else None


def principal_for_session(storage: Storage, token: str | None) -> Principal | None:
    session = current_session(storage, token)
    return session.principal if session else None


def change_password(storage: Storage, token: str, current_password: str | None, new_password: str) -> None:
    """The person of a live session sets a password of their own; their other sessions end.

    The current password is asked for unless there is none (an account opened with a one-time link).
    """
    session = current_session(storage, token)
    if session is None:
        raise AccountError("登录已失效，请重新登录。")
    user = _require_user(storage, session.principal.login)
    if user.password_hash and not password_matches(user.password_hash, current_password or ""):
        _audit_failure(storage, user, "修改密码时当前密码不正确", actor=user.login)
        raise AccountError("当前密码不正确。")
    _check_new_password(new_password, user.login)
    if user.password_hash and password_matches(user.password_hash, new_password):
        raise AccountError("新密码不能与当前密码相同。")
    new_hash = hash_password(new_password)
    digest = token_sha256(token)
    with storage.transaction(user.login) as tx:
        store.set_password(tx, user.login, new_hash, must_change_password=False)
        store.revoke_sessions_of(tx, user.login, "密码已修改", keep_sha256=digest)
        store.revoke_links_of(tx, user.login)
        tx.audit(ActionKind.PASSWORD_CHANGE, f"user/{user.login}",
                 "修改初始密码" if user.must_change_password else "修改密码")


def logout(storage: Storage, token: str | None) -> None:
    """End the account's sessions at once, everywhere: this tab's, the browser's kept session (its cookie) and any
    other tab or device — a person who logs out expects to be out; the tokens are worthless from now on."""
    if not token:
        return
    digest = token_sha256(token)
    session = store.get_session(storage, digest)
    if session is None or session.revoked_at is not None:
        return
    with storage.transaction(session.login) as tx:
        store.revoke_sessions_of(tx, session.login, "退出登录")
        tx.audit(ActionKind.LOGOUT, f"user/{session.login}", "退出登录", {"session": digest[:12]})


def _open_session(storage: Storage, user: store.UserRecord, action: ActionKind, rehashed: str | None,
                  link_sha256: str | None = None) -> str:
    token = new_token()
    digest = token_sha256(token)
    policy = account_policy(storage)
    with storage.transaction(user.login) as tx:
        if link_sha256:
            # Checked again under the write lock: of two simultaneous uses of one link only the first gets in.
            if _link_problem(store.get_link(tx, link_sha256), user, tx.now):
                raise LoginRefused(LINK_REFUSED)
            store.use_link(tx, link_sha256)
        store.insert_session(tx, digest, user.login, tx.now + timedelta(hours=policy.absolute_hours))
        store.record_login(tx, user.login, rehashed)
        detail = {"session": digest[:12]}
        if rehashed:
            detail["rehashed"] = True
        tx.audit(action, f"user/{user.login}", "", detail)
    return token


def _record_failure(storage: Storage, user: store.UserRecord, policy: AccountPolicy) -> datetime | None:
    """Count a wrong password; lock the account when the count reaches the limit. Returns the lock's end."""
    with storage.transaction(ANONYMOUS) as tx:
        attempts = store.get_user(tx, user.login).failed_attempts + 1  # read under the lock: no failure is lost
        detail = {"attempt": attempts, "limit": policy.max_failed_attempts}
        tx.audit(ActionKind.LOGIN_FAILED, f"user/{user.login}", "密码不正确", detail)
        if attempts < policy.max_failed_attempts:
            store.record_failure(tx, user.login, attempts, None)
            return None
        locked_until = tx.now + timedelta(minutes=policy.lockout_minutes)
        store.record_failure(tx, user.login, 0, locked_until)
        tx.audit(ActionKind.ACCOUNT_LOCKED, f"user/{user.login}", f"连续{attempts}次登录失败",
                 {"locked_until": locked_until.isoformat()})
        return locked_until


def _audit_failure(storage: Storage, user: store.UserRecord, reason: str, actor: str = ANONYMOUS) -> None:
    with storage.transaction(actor) as tx:
        tx.audit(ActionKind.LOGIN_FAILED, f"user/{user.login}", reason)


def _audit_unknown_login(storage: Storage, name: str, reason: str = "没有该账号") -> None:
    # A person sometimes types the password into the login field: keep only a fingerprint of what was typed.
    detail = {"login_sha256": token_sha256(name)[:16]} if name else {}
    with storage.transaction(ANONYMOUS) as tx:
        tx.audit(ActionKind.LOGIN_FAILED, UNKNOWN_LOGIN_ENTITY, reason, detail)


def _locked_message(locked_until: datetime) -> str:
    return f"连续登录失败次数过多，账号已锁定至 {locked_until:%H:%M}。请稍后再试，或联系系统管理员解锁。"

