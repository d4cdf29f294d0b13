"""Where a person's notices are e-mailed: an address of the account's own (set by the person on 账号 or by an
administrator), else, for an expert's account, the address in the expert pool; none means in the app only."""
from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field

from scoring.common.access import AccessDenied, Permission, Principal, require
from scoring.common.models import ActionKind
from scoring.notifications.mailer import checked_address
from scoring.notifications.notices import NoticeError
from scoring.storage import Storage
from scoring.storage import notification_store as store


class AddressEntry(BaseModel):
    """An account and the address its notices go to."""

    model_config = ConfigDict(frozen=True)

    login: str = Field(title="登录名")
    display_name: str = Field(title="姓名")
    email: str | None = Field(None, title="通知邮箱")
    pool_email: str | None = Field(None, title="专家库中的邮箱")

    @property
    def used(self) -> str | None:
        """The address mail goes to: the account's own, else the expert pool's."""
        return self.email or self.pool_email


def _may_change(principal: Principal, login: str) -> None:
    if principal.login != login and not principal.can(Permission.MANAGE_ACCOUNTS):
        raise AccessDenied(f"{principal.display_name}只能修改自己的通知邮箱。")


def set_address(storage: Storage, principal: Principal, login: str, email: str, reason: str = "") -> str | None:
    """The person themself or an administrator sets (or with an empty `email` clears) the account's address;
    returns the address now used."""
    login = (login or "").strip().lower()
    _may_change(principal, login)
    email = (email or "").strip()
    if email:
        email = checked_address(email)
    with storage.transaction(principal.actor) as tx:
        if store.recipient(tx, login) is None:
            raise NoticeError(f"没有登录名为“{login}”的账号。")
        before = store.own_address(tx, login)
        if email:
            store.save_address(tx, login, email)
        else:
            store.delete_address(tx, login)
        tx.audit(ActionKind.NOTICE_ADDRESS, f"user/{login}", (reason or "").strip() or "设置通知邮箱",
                 {"before": before, "after": email or None})
        return store.recipient(tx, login).email


def address_of(storage: Storage, principal: Principal, login: str | None = None) -> AddressEntry:
    """One's own entry (or, for an administrator, anyone's)."""
    login = (login or principal.login).strip().lower()
    _may_change(principal, login)
    entry = next((a for a in store.addresses(storage) if a.login == login), None)
    if entry is None:
        raise NoticeError(f"没有登录名为“{login}”的账号。")
    return AddressEntry(login=entry.login, display_name=entry.display_name, email=entry.email,
                        pool_email=entry.pool_email)


def address_book(storage: Storage, principal: Principal) -> list[AddressEntry]:
    """Administrators: every account with the address its notices go to."""
    require(principal, Permission.MANAGE_ACCOUNTS)
    return [AddressEntry(login=a.login, display_name=a.display_name, email=a.email, pool_email=a.pool_email)
            for a in store.addresses(storage)]
