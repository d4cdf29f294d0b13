"""消息 in a real browser: a staff member signs in and reads the notice waiting for them."""
from __future__ import annotations

from playwright.sync_api import expect

from scoring.common.models import ActionKind
from scoring.notifications import outbox
from scoring.notifications.notices import NoticeKind
from scoring.storage import Storage
from scoring.storage import notification_store
from tests.browser.conftest import cli, running_app, set_own_password, shot, sign_in

PASSWORD = "Browser2023pass"


def test_a_person_reads_their_notice_on_the_messages_page(page, tmp_path):
    db = tmp_path / "review.duckdb"
    cli(db, "user", "create-admin", "chief", "--display-name", "处长", "--password-stdin", stdin="Provincial2023x\n")
    initial = cli(db, "user", "add", "reader", "--display-name", "王五", "--role", "staff")["secret"]
    set_own_password(db, "reader", initial, PASSWORD)
    with Storage(db) as storage, storage.transaction("staff") as tx:
        outbox.notify(tx, "reader", NoticeKind.ASSIGNED, {"round": "2023-01 遴选", "count": "3"})
        tx.audit(ActionKind.NOTICE_QUEUE, "test/change", "浏览器测试")

    with running_app(db) as url:
        sign_in(page, url, "reader", PASSWORD)
        menu = page.get_by_test_id("stSidebarNav")
        expect(menu.get_by_role("link", name="消息（1 条未读）")).to_be_visible()  # seen from every page
        menu.get_by_role("link", name="消息").click()
        expect(page.get_by_role("heading", name="消息（1 条未读）")).to_be_visible()
        expect(page.get_by_text("已为您分配 3 份申报书")).to_be_visible()
        shot(page, "messages")
        page.get_by_role("button", name="标为已读", exact=True).click()
        expect(page.get_by_role("heading", name="消息", exact=True)).to_be_visible()
        expect(menu.get_by_role("link", name="消息", exact=True)).to_be_visible()

    with Storage(db) as storage:
        assert notification_store.count_unread(storage, "reader") == 0
