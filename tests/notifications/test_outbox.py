from datetime import datetime

import pytest

from scoring.common.models import ActionKind
from scoring.notifications import addresses, outbox
from scoring.notifications.notices import NoticeError, NoticeKind
from scoring.notifications.outbox import MAX_ATTEMPTS, NO_ADDRESS, NO_MAIL_SERVER, NoticeState, deliver_pending
from tests.builders.clock import frozen_clock
from tests.builders.notifications import LI, REFUSED_ADDRESS, ROOT, ZHANG, free_port, people_storage, smtp_server, use_mail_server

START = datetime(2026, 10, 12, 9, 0, 0)
ASSIGNED = {"round": "2026-01 遴选", "count": "3"}


def _notify(storage, login="zhang", once_key=None):
    with storage.transaction("staff") as tx:
        notice_id = outbox.notify(tx, login, NoticeKind.ASSIGNED, ASSIGNED, once_key=once_key)
        tx.audit(ActionKind.NOTICE_QUEUE, "test/change", "the caller's own change of state")
    return notice_id


def _state(storage, notice_id):
    return next(n for n in outbox.outbox(storage, ROOT) if n.notice_id == notice_id)


def test_a_notice_is_written_in_the_callers_transaction_and_rolled_back_with_it(tmp_path):
    storage = people_storage(tmp_path)

    with pytest.raises(RuntimeError):
        with storage.transaction("staff") as tx:
            outbox.notify(tx, "zhang", NoticeKind.ASSIGNED, ASSIGNED)
            tx.audit(ActionKind.NOTICE_QUEUE, "test")
            raise RuntimeError("the change of state failed")

    assert outbox.notices_for(storage, ZHANG) == []


def test_a_committed_notice_is_pending_and_readable_by_its_recipient(tmp_path):
    storage = people_storage(tmp_path)

    notice_id = _notify(storage)

    [notice] = outbox.notices_for(storage, ZHANG)
    assert notice.notice_id == notice_id and notice.state is NoticeState.PENDING
    assert notice.subject == "【评审任务】2026-01 遴选" and "张三：" in notice.body


def test_a_once_key_writes_one_notice_per_recipient(tmp_path):
    storage = people_storage(tmp_path)

    first = _notify(storage, once_key="round/1/3")
    second = _notify(storage, once_key="round/1/3")
    other = _notify(storage, "li", once_key="round/1/3")

    assert first is not None and second is None and other is not None
    assert len(outbox.notices_for(storage, ZHANG)) == 1


def test_a_notice_to_an_unknown_account_is_refused(tmp_path):
    storage = people_storage(tmp_path)

    with pytest.raises(NoticeError, match="nobody"):
        _notify(storage, "nobody")


def test_with_no_mail_settings_a_notice_stays_in_the_app_and_is_logged(tmp_path, caplog):
    storage = people_storage(tmp_path)
    addresses.set_address(storage, ZHANG, "zhang", "zhang@example.cn")
    notice_id = _notify(storage)

    with caplog.at_level("INFO", logger="scoring.notifications.outbox"):
        report = deliver_pending(storage)

    assert report.in_app == [notice_id]
    notice = _state(storage, notice_id)
    assert notice.state is NoticeState.IN_APP and notice.last_error == NO_MAIL_SERVER
    assert "仅站内" in caplog.text and notice.subject in caplog.text
    assert any(e.action == str(ActionKind.NOTICE_IN_APP) for e in storage.audit_log(f"notice/{notice_id}"))


def test_without_an_address_a_notice_stays_in_the_app(tmp_path):
    storage = people_storage(tmp_path)
    with smtp_server() as server:
        use_mail_server(storage, server.port)
        notice_id = _notify(storage)

        report = deliver_pending(storage)

    assert report.in_app == [notice_id] and server.messages == []
    assert _state(storage, notice_id).last_error == NO_ADDRESS


def test_a_notice_is_mailed_with_chinese_subject_sender_and_utf8_body(tmp_path):
    storage = people_storage(tmp_path)
    addresses.set_address(storage, ZHANG, "zhang", "zhang@example.cn")
    with smtp_server() as server:
        use_mail_server(storage, server.port)
        notice_id = _notify(storage)

        report = deliver_pending(storage)

    assert report.sent == [notice_id]
    [message] = server.messages
    assert message["Subject"] == "【评审任务】2026-01 遴选"
    assert message["From"].addresses[0].display_name == "辽宁省知识产权局"
    assert message["To"].addresses[0].display_name == "张三"
    assert message["To"].addresses[0].addr_spec == "zhang@example.cn"
    assert message.get_content_charset() == "utf-8"
    assert "已为您分配 3 份申报书" in message.get_content()
    notice = _state(storage, notice_id)
    assert notice.state is NoticeState.SENT and notice.address == "zhang@example.cn" and notice.attempts == 1


def test_a_sent_notice_is_not_sent_again(tmp_path):
    storage = people_storage(tmp_path)
    addresses.set_address(storage, ZHANG, "zhang", "zhang@example.cn")
    with smtp_server() as server:
        use_mail_server(storage, server.port)
        _notify(storage)

        deliver_pending(storage)
        again = deliver_pending(storage)

    assert len(server.messages) == 1 and again.sent == []


def test_a_refused_recipient_waits_for_a_retry_and_the_others_still_go(tmp_path, monkeypatch):
    fake = frozen_clock(monkeypatch, START)
    storage = people_storage(tmp_path)
    addresses.set_address(storage, ZHANG, "zhang", REFUSED_ADDRESS)
    addresses.set_address(storage, LI, "li", "li@example.cn")
    with smtp_server() as server:
        use_mail_server(storage, server.port)
        refused = _notify(storage)
        other = _notify(storage, "li")

        report = deliver_pending(storage)
        fake.advance(seconds=59)
        too_early = deliver_pending(storage)
        fake.advance(seconds=1)
        on_time = deliver_pending(storage)

    assert report.failed == [refused] and report.sent == [other]
    assert "拒收" in report.errors[0]
    assert too_early.failed == [] and on_time.failed == [refused]
    notice = _state(storage, refused)
    assert notice.state is NoticeState.PENDING and notice.attempts == 2
    assert notice.next_attempt_at == datetime(2026, 10, 12, 9, 6, 0)


def test_an_unreachable_server_is_retried_until_max_attempts_then_kept_in_the_app(tmp_path, monkeypatch):
    fake = frozen_clock(monkeypatch, START)
    storage = people_storage(tmp_path)
    addresses.set_address(storage, ZHANG, "zhang", "zhang@example.cn")
    use_mail_server(storage, free_port())
    notice_id = _notify(storage)

    for _ in range(MAX_ATTEMPTS - 1):
        report = deliver_pending(storage)
        assert report.failed == [notice_id] and "无法连接" in report.errors[0]
        fake.advance(hours=2)
    assert _state(storage, notice_id).state is NoticeState.PENDING
    last = deliver_pending(storage)

    notice = _state(storage, notice_id)
    assert last.failed == [notice_id]
    assert notice.state is NoticeState.IN_APP and notice.attempts == MAX_ATTEMPTS
    assert f"{MAX_ATTEMPTS} 次发送失败" in notice.last_error


def test_one_reads_only_ones_own_notices(tmp_path):
    storage = people_storage(tmp_path)
    mine = _notify(storage)
    _notify(storage, "li")

    assert [n.notice_id for n in outbox.notices_for(storage, ZHANG)] == [mine]
    with pytest.raises(NoticeError):
        outbox.mark_read(storage, LI, mine)


def test_marking_read_puts_the_notice_after_the_unread(tmp_path):
    storage = people_storage(tmp_path)
    older = _notify(storage)
    newer = _notify(storage)

    outbox.mark_read(storage, ZHANG, newer)

    assert [n.notice_id for n in outbox.notices_for(storage, ZHANG)] == [older, newer]
    assert outbox.unread_count(storage, ZHANG) == 1
    assert outbox.mark_all_read(storage, ZHANG) == 1
    assert outbox.unread_count(storage, ZHANG) == 0


def test_the_outbox_is_for_administrators(tmp_path):
    storage = people_storage(tmp_path)

    with pytest.raises(Exception, match="权限|无权|不能"):
        outbox.outbox(storage, ZHANG)
