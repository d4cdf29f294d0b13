"""The publicity store: what is written reads back the same, superseded rows stay out, an empty round reads empty."""
from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date

import duckdb
import pytest

from scoring.common.models import ActionKind
from scoring.storage import Storage, Transaction
from scoring.storage import publicity_store as store
from scoring.storage.publicity_store import ObjectionEvent, SettingsKind

ROUND = "2023-01"


@pytest.fixture
def storage(tmp_path):
    with Storage(tmp_path / "publicity.duckdb") as opened:
        yield opened


@contextmanager
def writing(storage: Storage, actor: str = "staff") -> Iterator[Transaction]:
    with storage.transaction(actor) as tx:
        yield tx
        tx.audit(ActionKind.PUBLICITY_PUBLISH, f"round/2023/{ROUND}")


def publish(tx: Transaction, version: int, reason: str = "会议研究确定") -> store.NoticeRecord:
    store.insert_notice(tx, ROUND, version, shortlist_version=1, shortlist_sha256="a" * 64, settings='{"title": ""}',
                        document='{"units": []}', start=date(2023, 6, 1), end=date(2023, 6, 7), sha256="b" * 64,
                        reason=reason)
    return store.NoticeRecord(ROUND, version, 1, "a" * 64, '{"title": ""}', '{"units": []}', date(2023, 6, 1),
                              date(2023, 6, 7), "b" * 64, reason, tx.actor, tx.now, None, None, None)


def test_an_empty_round_has_no_notice_objection_confirmation_or_number(storage):
    assert store.load_notices(storage, ROUND) == []
    assert store.last_notice_version(storage, ROUND) == 0
    assert store.load_objections(storage, ROUND) == []
    assert store.load_objection_events(storage, ROUND) == []
    assert store.load_objection(storage, 1) is None
    assert store.load_confirmations(storage, ROUND) == []
    assert store.last_confirmation_version(storage, ROUND) == 0
    assert store.notice_confirmed(storage, ROUND, 1) is False
    assert store.load_document_numbers(storage, ROUND) == []
    assert store.last_sequence(storage, "辽知发", 2023) == 0
    assert store.load_holiday_years(storage) == []
    assert store.load_settings(storage, ROUND, SettingsKind.NOTICE) is None


def test_a_year_entered_again_reads_back_as_its_latest_entry(storage):
    with writing(storage) as tx:
        store.replace_holiday_year(tx, 2031, {"holidays": ["2031-01-01"], "workdays": [], "note": "初录"})
        store.replace_holiday_year(tx, 2031, {"holidays": ["2031-01-01", "2031-01-02"], "workdays": [], "note": "更正"})
        store.replace_holiday_year(tx, 2030, {"holidays": [], "workdays": ["2030-02-03"], "note": ""})

    assert store.load_holiday_years(storage) == [
        store.HolidayYearRecord(2030, {"holidays": [], "workdays": ["2030-02-03"], "note": ""}),
        store.HolidayYearRecord(2031, {"holidays": ["2031-01-01", "2031-01-02"], "workdays": [], "note": "更正"})]


def test_settings_read_back_the_latest_of_their_own_kind(storage):
    with writing(storage) as tx:
        store.replace_settings(tx, ROUND, SettingsKind.NOTICE, '{"working_days": 5}')
        store.replace_settings(tx, ROUND, SettingsKind.NOTICE, '{"working_days": 7}')
        store.replace_settings(tx, ROUND, SettingsKind.LETTERS, '{"prefix": "辽知发"}')

    assert store.load_settings(storage, ROUND, SettingsKind.NOTICE) == '{"working_days": 7}'
    assert store.load_settings(storage, ROUND, SettingsKind.LETTERS) == '{"prefix": "辽知发"}'
    assert store.load_settings(storage, "2023-02", SettingsKind.NOTICE) is None


def test_a_published_notice_reads_back_as_written_and_withdrawing_it_keeps_the_first_withdrawal(storage):
    with writing(storage) as tx:
        first = publish(tx, 1)
    with writing(storage, "chief") as tx:
        store.withdraw_notice(tx, ROUND, 1, "名单有误")
        withdrawn_at = tx.now
    with writing(storage, "other") as tx:
        store.withdraw_notice(tx, ROUND, 1, "再次撤回")
        second = publish(tx, 2, "重新公示")

    assert store.load_notices(storage, ROUND) == [
        first._replace(withdrawn_at=withdrawn_at, withdrawn_by="chief", withdraw_reason="名单有误"), second]
    assert store.last_notice_version(storage, ROUND) == 2


def test_an_objection_and_its_events_read_back_in_order(storage):
    with writing(storage) as tx:
        publish(tx, 1)
        objection_id = store.insert_objection(tx, ROUND, 1, data='{"received": {}, "evidence": []}',
                                              credit_code="91210000000000000X", accepted=False,
                                              not_accepted_reason="匿名异议")
        registered_at = tx.now
        store.insert_objection_event(tx, objection_id, ObjectionEvent.NOTE, "已电话核实")
        store.insert_objection_event(tx, objection_id, ObjectionEvent.DECISION, "证据不足", "异议不成立")
    expected = store.ObjectionRecord(ROUND, objection_id, 1, '{"received": {}, "evidence": []}', "91210000000000000X",
                                     False, "匿名异议", "staff", registered_at)

    assert store.load_objections(storage, ROUND) == [expected]
    assert store.load_objection(storage, objection_id) == expected
    assert store.load_objection_events(storage, ROUND) == [
        store.ObjectionEventRecord(objection_id, ObjectionEvent.NOTE, None, "已电话核实", "staff", registered_at),
        store.ObjectionEventRecord(objection_id, ObjectionEvent.DECISION, "异议不成立", "证据不足", "staff",
                                   registered_at)]
    assert store.load_objections(storage, "2023-02") == []


def test_a_confirmation_confirms_its_notice_version_only(storage):
    with writing(storage) as tx:
        store.insert_confirmation(tx, ROUND, 1, notice_version=2, data='{"units": [], "removed": []}',
                                  sha256="c" * 64, reason="公示期满")
        confirmed_at = tx.now

    assert store.load_confirmations(storage, ROUND) == [
        store.ConfirmationRecord(ROUND, 1, 2, '{"units": [], "removed": []}', "c" * 64, "公示期满", "staff",
                                 confirmed_at)]
    assert store.last_confirmation_version(storage, ROUND) == 1
    assert store.notice_confirmed(storage, ROUND, 2) is True
    assert store.notice_confirmed(storage, ROUND, 1) is False
    assert store.notice_confirmed(storage, "2023-02", 2) is False


def test_document_numbers_read_back_by_sequence_and_the_last_counts_every_round(storage):
    with writing(storage) as tx:
        store.insert_document_number(tx, "辽知发", 2023, 8, ROUND, "B")
        store.insert_document_number(tx, "辽知发", 2023, 7, ROUND, "A")
        store.insert_document_number(tx, "辽知发", 2023, 9, "2023-02", "C")
        store.insert_document_number(tx, "辽知函", 2023, 30, "2023-02", "D")

    assert store.load_document_numbers(storage, ROUND) == [
        store.DocumentNumberRecord("A", "辽知发", 2023, 7), store.DocumentNumberRecord("B", "辽知发", 2023, 8)]
    assert store.last_sequence(storage, "辽知发", 2023) == 9
    assert store.last_sequence(storage, "辽知发", 2024) == 0


def test_a_document_number_is_never_given_twice(storage):
    with writing(storage) as tx:
        store.insert_document_number(tx, "辽知发", 2023, 7, ROUND, "A")

    with pytest.raises(duckdb.ConstraintException):
        with writing(storage) as tx:
            store.insert_document_number(tx, "辽知发", 2023, 7, "2023-02", "B")

    assert store.load_document_numbers(storage, "2023-02") == []
