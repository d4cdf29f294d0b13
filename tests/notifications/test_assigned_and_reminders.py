import functools
from datetime import datetime
from pathlib import Path

from scoring.experts.pool import create_expert_accounts
from scoring.notifications.mailer import MailSettings, set_mail_settings
from scoring.notifications.notices import NoticeKind
from scoring.notifications.outbox import notices_for, outbox
from scoring.notifications.outbox import NoticeState
from scoring.notifications.reminders import scheduled_run, send_due_reminders
from scoring.rounds.assignment import commit_assignment, preview_assignment
from scoring.rounds.review_rounds import ReviewRound
from scoring.storage import Storage, round_store
from tests.builders.databases import built, opened_copy
from tests.builders.rounds import ADMIN, STAFF, expert_principal, new_round, recuse, sample_database

CLOSES_AT = datetime(2026, 10, 15, 17, 0)
TOLD = ("ZJ-0001", "ZJ-0002", "ZJ-0003")


def _assign_with_accounts(storage: Storage) -> None:
    create_expert_accounts(storage, ADMIN, list(TOLD))
    review_round = new_round(storage, title="遴选评审", min_load=1, max_load=4, closes_at=CLOSES_AT)
    commit_assignment(storage, STAFF, review_round.round_id, preview_assignment(storage, STAFF, review_round.round_id),
                      "测试分配")


@functools.cache
def _database() -> Path:
    return built("assigned-with-accounts", _assign_with_accounts, on=sample_database())


def _storage(tmp_path) -> Storage:
    return opened_copy(_database(), tmp_path)


def _round_id(storage):
    [data] = round_store.load_rounds_json(storage)
    return ReviewRound.model_validate_json(data).round_id


def _load(storage, round_id, expert_id):
    return [p for p in round_store.current_pairs(storage, round_id) if p.expert_id == expert_id]


def test_committing_an_assignment_tells_each_expert_with_an_account_their_load(tmp_path):
    storage = _storage(tmp_path)
    round_id = _round_id(storage)

    for expert_id in TOLD:
        [notice] = notices_for(storage, expert_principal(expert_id))
        assert notice.kind is NoticeKind.ASSIGNED
        assert f"已为您分配 {len(_load(storage, round_id, expert_id))} 份申报书" in notice.body
        assert "2026年10月15日（星期四）17:00" in notice.body
    assert {n.recipient for n in outbox(storage, ADMIN)} == {e.lower() for e in TOLD}


def test_reminders_go_on_the_configured_day_not_a_second_before(tmp_path):
    storage = _storage(tmp_path)

    early = send_due_reminders(storage, datetime(2026, 10, 11, 23, 59, 59))
    on_the_day = send_due_reminders(storage, datetime(2026, 10, 12, 0, 0, 0))

    assert early == []
    assert len(on_the_day) == len(TOLD)


def test_a_reminder_is_written_once_per_round_and_day(tmp_path):
    storage = _storage(tmp_path)

    first = send_due_reminders(storage, datetime(2026, 10, 12, 9, 0))
    again = send_due_reminders(storage, datetime(2026, 10, 12, 9, 1))
    one_day_left = send_due_reminders(storage, datetime(2026, 10, 14, 9, 0))

    assert len(first) == len(TOLD) and again == [] and len(one_day_left) == len(TOLD)


def test_no_reminder_after_the_close_or_on_a_day_not_configured(tmp_path):
    storage = _storage(tmp_path)

    assert send_due_reminders(storage, datetime(2026, 10, 13, 9, 0)) == []
    assert send_due_reminders(storage, CLOSES_AT) == []
    set_mail_settings(storage, ADMIN, MailSettings(reminder_days=(0,)), "当天提醒")
    assert len(send_due_reminders(storage, datetime(2026, 10, 15, 16, 59, 59))) == len(TOLD)


def test_a_reminder_counts_only_unfinished_sheets_and_skips_experts_with_none(tmp_path):
    storage = _storage(tmp_path)
    round_id = _round_id(storage)
    partly, done = TOLD[0], TOLD[1]
    for pair in _load(storage, round_id, done):
        recuse(storage, round_id, done, pair.credit_code)
    [_, *others] = _load(storage, round_id, partly)
    for pair in others:
        recuse(storage, round_id, partly, pair.credit_code)

    send_due_reminders(storage, datetime(2026, 10, 12, 9, 0))

    closing = [n for n in outbox(storage, ADMIN) if n.kind is NoticeKind.REVIEW_CLOSING]
    assert {n.recipient for n in closing} == {partly.lower(), TOLD[2].lower()}
    [notice] = [n for n in closing if n.recipient == partly.lower()]
    assert "您还有 1 份评分表未提交" in notice.body


def test_the_scheduled_run_writes_due_reminders_and_delivers_everything_pending(tmp_path):
    storage = _storage(tmp_path)

    report = scheduled_run(storage, datetime(2026, 10, 12, 9, 0))

    assert len(report.in_app) == 2 * len(TOLD)
    assert {n.state for n in outbox(storage, ADMIN)} == {NoticeState.IN_APP}
