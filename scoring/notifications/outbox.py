"""The outbox: a notice is written inside the transaction of the change of state it tells of, delivered by e-mail
after the commit, and always readable in the app (消息) — with no mail server or no address it stays there, logged,
never lost; a failed sending stays pending with its error and is retried later. Every delivery is audited."""
from __future__ import annotations

import logging
import threading
from collections.abc import Mapping
from datetime import datetime, timedelta
from enum import StrEnum

from pydantic import BaseModel, ConfigDict, Field

from scoring.common import clock
from scoring.common.access import Permission, Principal, require
from scoring.common.models import ActionKind
from scoring.notifications.mailer import Mailer, MailError, RecipientRefused, compose, configured_mailer, mail_settings
from scoring.notifications.notices import NoticeError, NoticeKind, render
from scoring.storage import Storage, Transaction
from scoring.storage import notification_store as store

log = logging.getLogger(__name__)

DELIVERY_ACTOR = "system:mail"
# After the n-th failed attempt the next waits RETRY_MINUTES[n - 1] (the last one from then on); after
# MAX_ATTEMPTS the notice stays in the app only, its last error kept — a mailbox that refuses for six hours will not
# take it on the ninth try either.
RETRY_MINUTES = (1, 5, 15, 60)
MAX_ATTEMPTS = 8
DELIVERY_BATCH = 200
NO_MAIL_SERVER = "未开启发送邮件（邮件设置）"
NO_ADDRESS = "收件人没有电子邮箱地址"

# One delivery at a time in this process (the page after a commit and the server's timer): a notice is never sent
# twice because two runs read it as pending at once. DuckDB lets no other process write the file meanwhile.
_delivering = threading.Lock()


class NoticeState(StrEnum):
    PENDING = "待发送"
    SENT = "已发送"
    IN_APP = "仅站内"


class Notice(BaseModel):
    """One notice to one person: shown in the app, and e-mailed when it can be."""

    model_config = ConfigDict(frozen=True)

    notice_id: int = Field(title="编号")
    recipient: str = Field(title="收件人（登录名）")
    kind: NoticeKind = Field(title="类别")
    subject: str = Field(title="主题")
    body: str = Field(title="内容")
    facts: dict = Field(title="事实")
    once_key: str | None = Field(None, title="提醒标识")
    state: NoticeState = Field(title="状态")
    created_at: datetime = Field(title="时间")
    created_by: str = Field(title="操作人")
    address: str | None = Field(None, title="电子邮箱")
    attempts: int = Field(0, title="发送次数")
    last_error: str | None = Field(None, title="未发送原因")
    next_attempt_at: datetime | None = Field(None, title="下次重试")
    delivered_at: datetime | None = Field(None, title="投递时间")
    read_at: datetime | None = Field(None, title="阅读时间")

    @property
    def unread(self) -> bool:
        return self.read_at is None


class DeliveryReport(BaseModel):
    """What one delivery run did."""

    model_config = ConfigDict(frozen=True)

    sent: list[int] = Field([], title="已发送")
    in_app: list[int] = Field([], title="仅站内")
    failed: list[int] = Field([], title="发送失败，稍后重试")
    errors: list[str] = Field([], title="错误")


def _notice(record: store.NoticeRecord) -> Notice:
    return Notice.model_validate(record._asdict())


def notice_entity(notice_id: int) -> str:
    return f"notice/{notice_id}"


# --- writing, inside the caller's transaction ------------------------------------------------------------


def notify(tx: Transaction, recipient_login: str, kind: NoticeKind, facts: Mapping[str, str],
           once_key: str | None = None) -> int | None:
    """Write a notice to the account `recipient_login` inside `tx`, so that it exists exactly when the caller's
    change of state commits; deliver it with `deliver_pending` after the commit. With `once_key` a second notice of
    the same key to the same person is not written (None is returned): reminders run again and again."""
    recipient = store.recipient(tx, recipient_login)
    if recipient is None:
        raise NoticeError(f"没有登录名为“{recipient_login}”的账号，不能给其发送通知。")
    if once_key and store.once_key_used(tx, recipient_login, once_key):
        return None
    kind = NoticeKind(kind)
    text = render(kind, facts, tx.now.date(), recipient.display_name)
    facts = {str(k): str(v) for k, v in facts.items()}
    notice_id = store.insert_notice(tx, recipient_login, str(kind), text.subject, text.body, facts, once_key,
                                    str(NoticeState.PENDING))
    tx.audit(ActionKind.NOTICE_QUEUE, notice_entity(notice_id), str(kind),
             {"recipient": recipient_login, "kind": str(kind), "subject": text.subject, "once_key": once_key})
    return notice_id


# --- delivering, after the commit ------------------------------------------------------------------------


def deliver_pending(storage: Storage, mailer: Mailer | None = None, limit: int = DELIVERY_BATCH) -> DeliveryReport:
    """Send every pending notice that is due (the caller after its commit, and the server's timer once a minute).

    `mailer` None means the saved mail settings; with mail off, or for a recipient without an address, the notice
    stays in the app (仅站内) and is logged. A server that cannot be reached ends the run: the notice keeps its error
    and is retried later, the rest simply wait."""
    with _delivering:
        mailer = mailer or configured_mailer(storage)
        settings = mail_settings(storage)
        sent, in_app, failed, errors = [], [], [], []
        for notice in (_notice(r) for r in store.due_notices(storage, str(NoticeState.PENDING), clock.now(), limit)):
            recipient = store.recipient(storage, notice.recipient)
            address = recipient.email if recipient else None
            if mailer is None or not address:
                _keep_in_app(storage, notice, address, NO_MAIL_SERVER if mailer is None else NO_ADDRESS)
                in_app.append(notice.notice_id)
                continue
            try:
                mailer.send(compose(settings, address, recipient.display_name, notice.subject, notice.body))
            except MailError as exc:
                _record_failure(storage, notice, address, str(exc))
                failed.append(notice.notice_id)
                errors.append(str(exc))
                if not isinstance(exc, RecipientRefused):
                    break
            else:
                _record_sent(storage, notice, address)
                sent.append(notice.notice_id)
        return DeliveryReport(sent=sent, in_app=in_app, failed=failed, errors=errors)


def _keep_in_app(storage: Storage, notice: Notice, address: str | None, why: str, attempts: int | None = None) -> None:
    log.info("通知 #%s 仅站内（%s）：致 %s，%s", notice.notice_id, why, notice.recipient, notice.subject)
    log.debug("通知 #%s 内容：\n%s", notice.notice_id, notice.body)
    with storage.transaction(DELIVERY_ACTOR) as tx:
        store.record_in_app(tx, notice.notice_id, str(NoticeState.IN_APP), address,
                            notice.attempts if attempts is None else attempts, why)
        tx.audit(ActionKind.NOTICE_IN_APP, notice_entity(notice.notice_id), why,
                 {"recipient": notice.recipient, "kind": str(notice.kind)})


def _record_sent(storage: Storage, notice: Notice, address: str) -> None:
    with storage.transaction(DELIVERY_ACTOR) as tx:
        store.record_delivered(tx, notice.notice_id, str(NoticeState.SENT), address)
        tx.audit(ActionKind.NOTICE_SENT, notice_entity(notice.notice_id), "邮件已发送",
                 {"recipient": notice.recipient, "kind": str(notice.kind), "address": address})


def _record_failure(storage: Storage, notice: Notice, address: str, error: str) -> None:
    attempts = notice.attempts + 1
    log.warning("通知 #%s 第 %s 次发送失败：致 %s <%s>：%s", notice.notice_id, attempts, notice.recipient, address, error)
    if attempts >= MAX_ATTEMPTS:
        _keep_in_app(storage, notice, address, f"{attempts} 次发送失败，不再重试：{error}", attempts)
        return
    retry_at = clock.now() + timedelta(minutes=RETRY_MINUTES[min(attempts, len(RETRY_MINUTES)) - 1])
    with storage.transaction(DELIVERY_ACTOR) as tx:
        store.record_failure(tx, notice.notice_id, address, error, retry_at)
        tx.audit(ActionKind.NOTICE_FAILED, notice_entity(notice.notice_id), error,
                 {"recipient": notice.recipient, "address": address, "attempt": attempts,
                  "retry_at": retry_at.isoformat()})


# --- reading one's own -----------------------------------------------------------------------------------


def notices_for(storage: Storage, principal: Principal, unread_only: bool = False, limit: int = 200) -> list[Notice]:
    """The signed-in person's own notices, unread first, newest first: nobody reads another's."""
    return [_notice(r) for r in store.notices_of(storage, principal.login, unread_only, limit)]


def unread_count(storage: Storage, principal: Principal) -> int:
    return store.count_unread(storage, principal.login)


def mark_read(storage: Storage, principal: Principal, notice_id: int) -> None:
    """Mark one of one's own notices read; another person's is refused as if it did not exist."""
    found = store.get_notice(storage, notice_id)
    if found is None or found.recipient != principal.login:
        raise NoticeError(f"没有发给您的编号为 {notice_id} 的消息。")
    if found.read_at is not None:
        return
    with storage.transaction(principal.actor) as tx:
        store.mark_read(tx, notice_id, principal.login)
        tx.audit(ActionKind.NOTICE_READ, notice_entity(notice_id), "已读")


def mark_all_read(storage: Storage, principal: Principal) -> int:
    """Mark every unread notice of one's own read; returns how many."""
    unread = store.unread_ids(storage, principal.login)
    if not unread:
        return 0
    with storage.transaction(principal.actor) as tx:
        for notice_id in unread:
            store.mark_read(tx, notice_id, principal.login)
        tx.audit_many([(ActionKind.NOTICE_READ, notice_entity(n), "全部标为已读", None) for n in unread])
    return len(unread)


def outbox(storage: Storage, principal: Principal, login: str | None = None, state: NoticeState | None = None,
           limit: int = 200) -> list[Notice]:
    """Administrators: every notice (or one person's, or of one state), newest first — to see what was not sent."""
    require(principal, Permission.MANAGE_ACCOUNTS)
    return [_notice(r) for r in store.outbox(storage, login, str(state) if state else None, limit)]
