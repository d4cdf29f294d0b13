"""The first start: while no administrator exists the server issues a one-time set-up address (like a notebook
server's token link), and whoever opens it creates the first administrator in the browser."""
from __future__ import annotations

from datetime import timedelta

from scoring.common import accounts, clock
from scoring.common.accounts import Account, AccountError
from scoring.common.models import ActionKind
from scoring.storage import Storage, Transaction
from scoring.storage import setup_store as store

# Short on purpose: the address is printed in a log that others may read later. An expired address costs only a
# click on the set-up page (a new one is printed) or a restart.
VALID_MINUTES = 30
QUERY_PARAMETER = "setup"
SETUP_PAGE_PATH = "setup"
ENTITY = "setup/first-admin"
REFUSED = "设置地址无效、已使用或已过期。请查看服务器日志中最新打印的设置地址，或在本页生成新的设置地址。"


class SetupRefused(AccountError):
    """The set-up address cannot be used (unknown, used, expired, revoked, or an administrator exists)."""


def needed(storage: Storage) -> bool:
    """A set-up address is offered only while nobody can administer the system."""
    return not accounts.admin_exists(storage)


def has_valid_link(storage: Storage) -> bool:
    return store.count_valid(storage, clock.now()) > 0


def issue(storage: Storage, actor: str = "system") -> str:
    """A new set-up token (returned once, stored only as its SHA-256); every unused older one stops working.
    Refused once an administrator exists."""
    token = accounts.new_token()
    expires_at = clock.now() + timedelta(minutes=VALID_MINUTES)
    with storage.transaction(actor) as tx:
        if accounts.admin_exists(storage):
            raise SetupRefused("系统已有管理员，不再提供设置地址；请用管理员账号登录。")
        store.revoke_unused(tx)
        store.insert_link(tx, accounts.token_sha256(token), expires_at)
        tx.audit(ActionKind.SETUP_ISSUE, ENTITY, "尚无系统管理员：发放一次性设置地址",
                 {"expires_at": expires_at.isoformat(), "token": accounts.token_sha256(token)[:12]})
    return token


def issue_if_needed(storage: Storage, actor: str = "system") -> str | None:
    """At a server start: a new token when no administrator exists, else None. A restart always prints a fresh
    address (the older one stops working), so whoever restarts the server can always get in."""
    return issue(storage, actor) if needed(storage) else None


def issue_if_none_valid(storage: Storage, actor: str) -> str | None:
    """From the set-up page, whoever presses the button: a new token only when no valid one exists, so that an
    anonymous visitor cannot void the address the server's owner is about to open."""
    if not needed(storage) or has_valid_link(storage):
        return None
    return issue(storage, actor)


def link_problem(storage: Storage | Transaction, token: str) -> str | None:
    """Why this token cannot create the first administrator now (None when it can)."""
    link = store.get_link(storage, accounts.token_sha256(token or ""))
    if link is None:
        return "设置地址无效"
    if link.used_at:
        return "设置地址已使用"
    if link.revoked_at:
        return "设置地址已作废（服务器已发放新的设置地址）"
    if clock.now() >= link.expires_at:
        return "设置地址已过期"
    return None


def usable(storage: Storage, token: str) -> bool:
    return needed(storage) and link_problem(storage, token) is None


def create_admin(storage: Storage, token: str, login: str, display_name: str, password: str) -> Account:
    """The first administrator from a set-up address: the address is used up in the same transaction, so it
    creates one administrator at most; refused when it is unknown, used, expired or an administrator exists."""
    digest = accounts.token_sha256(token or "")

    def use_up(tx: Transaction) -> None:
        # Checked under the write lock: of two simultaneous submissions only the first gets through.
        # An existing administrator is refused by create_first_admin itself, after this, in the same transaction.
        if link_problem(tx, token):
            raise SetupRefused(REFUSED)
        store.use_link(tx, digest)
        tx.audit(ActionKind.SETUP_USE, ENTITY, "通过一次性设置地址创建首个系统管理员", {"token": digest[:12]})

    try:
        return accounts.create_first_admin(storage, login, display_name, password, actor="setup-link",
                                           reason="首次设置：通过一次性设置地址创建系统管理员", within=use_up)
    except SetupRefused:
        with storage.transaction(accounts.ANONYMOUS) as tx:
            tx.audit(ActionKind.SETUP_REFUSED, ENTITY, link_problem(storage, token) or "设置地址不可用",
                     {"token": digest[:12]})
        raise


def address(base_url: str, token: str) -> str:
    """The app's 首次设置 page (app_pages/system/setup.py) with the token."""
    return f"{base_url.rstrip('/')}/{SETUP_PAGE_PATH}?{QUERY_PARAMETER}={token}"


def announcement(url: str) -> str:
    """What the server prints: where to go, for how long, and that it works once."""
    return (f"尚无系统管理员账号。请在浏览器中打开以下一次性设置地址，创建首个系统管理员"
            f"（{VALID_MINUTES} 分钟内有效，只能使用一次；过期后在设置页面可生成新的地址，或重新启动应用）：\n"
            f"    {url}")
