"""消息, 邮件设置 and the notification e-mail on 账号 as AppTest."""
from __future__ import annotations

from scoring.common.access import Grant, Principal, Role
from scoring.common.models import ActionKind
from scoring.notifications import addresses, outbox
from scoring.notifications.mailer import mail_settings
from scoring.notifications.notices import NoticeKind
from tests.app.conftest import page_as, table


def _notify(store, login="tester"):
    with store.transaction("staff") as tx:
        notice_id = outbox.notify(tx, login, NoticeKind.ASSIGNED, {"round": "2023-01 遴选", "count": "2"})
        tx.audit(ActionKind.NOTICE_QUEUE, "test/change", "the caller's own change of state")
    return notice_id


def _tester(store):
    return Principal(login="tester", display_name="测试员", grants=(Grant(role=Role.STAFF),))


def test_messages_show_ones_own_unread_first_and_mark_read(store):
    at = page_as(store, "messages.py", prepare=lambda at: _notify(store))

    assert at.title[0].value == "消息（1 条未读）"
    next(b for b in at.button if b.label == "标为已读").click().run()

    assert not at.exception, at.exception
    assert at.title[0].value == "消息"
    assert outbox.unread_count(store, _tester(store)) == 0


def test_messages_without_notices_say_so(store):
    at = page_as(store, "messages.py")

    assert any("暂无消息" in i.value for i in at.info)


def test_mark_all_read(store):
    def prepare(at):
        _notify(store)
        _notify(store)
    at = page_as(store, "messages.py", prepare=prepare)

    at.button(key="mark_all_read").click().run()

    assert not at.exception, at.exception
    assert outbox.unread_count(store, _tester(store)) == 0


def test_an_administrator_saves_mail_settings_and_sees_the_outbox(store):
    at = page_as(store, "mail_settings.py", Grant(role=Role.ADMIN), prepare=lambda at: _notify(store))

    at.checkbox(key="mail_enabled").check()
    at.text_input(key="mail_host").input("smtp.example.cn")
    at.text_input(key="mail_sender_address").input("review@example.cn")
    at.text_input(key="mail_reason").input("启用邮件")
    next(b for b in at.button if b.label == "保存邮件设置").click().run()

    assert not at.exception, at.exception
    assert mail_settings(store).host == "smtp.example.cn" and mail_settings(store).enabled
    assert table(at, "状态")["状态"].tolist() == ["待发送"]


def test_staff_cannot_open_mail_settings(store):
    at = page_as(store, "mail_settings.py", Grant(role=Role.STAFF))

    assert any("没有" in e.value for e in at.error)


def test_the_account_page_sets_ones_own_notification_email(store):
    at = page_as(store, "account.py")

    at.text_input(key="notification_email").input("tester@example.cn")
    next(b for b in at.button if b.label == "保存通知邮箱").click().run()

    assert not at.exception, at.exception
    assert addresses.address_of(store, _tester(store)).email == "tester@example.cn"
