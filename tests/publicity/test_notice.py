"""The publicity of a frozen shortlist: the notice and its period, the objection register, the confirmed list and
the document numbers of the letters."""
from datetime import date, datetime, timedelta
from decimal import Decimal

import pytest

from scoring.common import clock
from scoring.common.access import AccessDenied
from scoring.common.errors import InputError
from scoring.publicity.confirmation import (
    LetterSettings,
    assign_numbers,
    confirm_list,
    current_confirmation,
    document_numbers,
    funding_wan,
    prepare_letters,
    save_letter_settings,
)
from scoring.documents.official import ListColumn
from scoring.publicity.objections import (
    ObjectionDecision,
    ObjectionInput,
    ObjectionStatus,
    ObjectorKind,
    add_note,
    decide_objection,
    evidence_content,
    objections,
    register_objection,
)
from scoring.publicity.notices import (
    NoticeStatus,
    PublicityError,
    current_notice,
    notice_settings,
    preview_notice,
    publish_notice,
    save_notice_settings,
    withdraw_notice,
)
from scoring.results.shortlist import shortlists
from scoring.publicity.workdays import UncoveredYear
from tests.builders.publicity import SETTINGS, SHORTLISTED, shortlisted_storage
from scoring.common.access import Grant, Principal, Role
from scoring.common.models import City
from tests.builders.rounds import OBSERVER, STAFF, expert_principal
from tests.builders.sheets import the_round

ROUND = "2023-01"


@pytest.fixture
def storage(tmp_path):
    opened = shortlisted_storage(tmp_path)
    yield opened
    opened.close()


def on(monkeypatch, day: date) -> None:
    monkeypatch.setattr(clock, "now", lambda: datetime.combine(day, datetime.min.time()) + timedelta(hours=10))


def objection(code: str, **changes) -> ObjectionInput:
    base = dict(received_on=date(2023, 6, 7), objector_kind=ObjectorKind.PERSON, objector_name="李四",
                phone="13800000000", sealed_or_signed=True, credit_code=code, content="该单位申报的专利转化数据不实。")
    return ObjectionInput(**(base | changes))


def published(storage):
    return publish_notice(storage, STAFF, ROUND, SETTINGS, "会议研究同意公示")


# --- the notice ----------------------------------------------------------------------------------------------------


def test_the_preview_lists_the_newest_shortlist_in_order_with_the_period_in_working_days(storage):
    preview = preview_notice(storage, STAFF, ROUND, SETTINGS)

    frozen = shortlists(storage, STAFF, ROUND)[-1]
    assert [u.unit_name for u in preview.document.units] == [e.unit_name for e in frozen.entries]
    assert len(preview.document.units) == SHORTLISTED and preview.document.draft
    assert preview.document.title == "关于2023年度辽宁省高校院所知识产权运营中心建设试点拟入选单位名单的公示"
    assert preview.document.after_list[0] == "公示期为2023年6月5日至2023年6月9日（5个工作日）。"
    assert "拟确定以下6家单位" in preview.document.body[0]
    assert preview.document.columns == [ListColumn.ORDER, ListColumn.NAME, ListColumn.TYPE, ListColumn.CITY]


def test_the_list_columns_always_keep_order_and_name_in_their_canonical_order():
    chosen = SETTINGS.model_copy(update={"columns": [ListColumn.CITY, ListColumn.CREDIT_CODE]})
    assert type(SETTINGS).model_validate(chosen.model_dump()).columns == [
        ListColumn.ORDER, ListColumn.NAME, ListColumn.CITY, ListColumn.CREDIT_CODE]


def test_a_preview_needs_a_start_date_and_a_covered_year(storage):
    with pytest.raises(PublicityError, match="请先填写公示开始日期"):
        preview_notice(storage, STAFF, ROUND, SETTINGS.model_copy(update={"start_date": None}))
    with pytest.raises(UncoveredYear):
        preview_notice(storage, STAFF, ROUND, SETTINGS.model_copy(update={"start_date": date(2099, 6, 1)}))


def test_publishing_freezes_the_notice_and_audits_it_and_a_second_needs_a_withdrawal(storage, monkeypatch):
    notice = published(storage)

    assert (notice.version, notice.start, notice.end) == (1, date(2023, 6, 5), date(2023, 6, 9))
    assert not notice.document.draft and notice.shortlist_version == 1
    assert current_notice(storage, OBSERVER, ROUND) == notice
    assert notice_settings(storage, STAFF, ROUND) == SETTINGS
    [entry] = storage.audit_log(entity=f"round/2023/{ROUND}", limit=1)
    assert entry.action == "publicity.publish" and entry.detail["sha256"] == notice.sha256
    with pytest.raises(PublicityError, match="请先撤回"):
        published(storage)

    withdraw_notice(storage, STAFF, ROUND, "名单有误")
    again = published(storage)

    assert again.version == 2 and current_notice(storage, STAFF, ROUND).version == 2


def test_the_status_follows_the_office_calendar(storage):
    notice = published(storage)

    assert [notice.status(d) for d in (date(2023, 6, 4), date(2023, 6, 5), date(2023, 6, 9), date(2023, 6, 10))] == [
        NoticeStatus.UPCOMING, NoticeStatus.RUNNING, NoticeStatus.RUNNING, NoticeStatus.ENDED]


def test_settings_are_saved_per_round_and_only_staff_may_publish(storage):
    save_notice_settings(storage, STAFF, ROUND, SETTINGS.model_copy(update={"working_days": 7}))

    assert notice_settings(storage, OBSERVER, ROUND).working_days == 7
    with pytest.raises(AccessDenied):
        publish_notice(storage, OBSERVER, ROUND, SETTINGS, "发布")
    with pytest.raises(AccessDenied):
        preview_notice(storage, expert_principal("E001"), ROUND, SETTINGS)


def test_a_published_notice_is_public_to_city_bureaus_but_the_register_is_not(storage):
    published(storage)
    city = Principal(login="sy", display_name="沈阳市局", grants=(Grant(role=Role.CITY, city=City("沈阳市")),))

    assert current_notice(storage, city, ROUND).version == 1
    with pytest.raises(AccessDenied):
        objections(storage, city, ROUND)


# --- objections ----------------------------------------------------------------------------------------------------


def test_anonymous_late_and_unsigned_objections_are_recorded_as_not_accepted_with_their_reasons(storage):
    notice = published(storage)
    code = notice.units[0].credit_code

    anonymous = register_objection(storage, STAFF, ROUND, objection(code, objector_name="", phone=""))
    late = register_objection(storage, STAFF, ROUND, objection(code, received_on=date(2023, 6, 10)))
    unsealed = register_objection(storage, STAFF, ROUND, objection(code, objector_kind=ObjectorKind.UNIT,
                                                                   objector_name="某公司", sealed_or_signed=False))
    on_the_last_day = register_objection(storage, STAFF, ROUND, objection(code, received_on=date(2023, 6, 9)))

    assert anonymous.not_accepted_reason == "匿名异议（未署真实姓名或单位名称）；未留联系方式"
    assert late.not_accepted_reason.startswith("超出公示期（公示期至 2023-06-09，2023-06-10 收到）")
    assert unsealed.not_accepted_reason == "单位异议未加盖公章"
    assert on_the_last_day.accepted
    register = objections(storage, OBSERVER, ROUND)
    assert [o.status for o in register] == [ObjectionStatus.NOT_ACCEPTED] * 3 + [ObjectionStatus.OPEN]
    with pytest.raises(PublicityError, match="不予受理"):
        decide_objection(storage, STAFF, anonymous.objection_id, ObjectionDecision.UPHELD, "成立")


def test_an_objection_must_concern_a_listed_unit(storage):
    published(storage)
    with pytest.raises(PublicityError, match="不在第 1 版公示名单中"):
        register_objection(storage, STAFF, ROUND, objection("91210000000000000X"))


def test_evidence_is_kept_and_notes_and_decisions_are_recorded_with_who_and_why(storage):
    notice = published(storage)
    code = notice.units[1].credit_code

    filed = register_objection(storage, STAFF, ROUND, objection(code), [("合同.pdf", b"%PDF-evidence")])
    add_note(storage, STAFF, filed.objection_id, "已函询该单位并核对合同")
    decide_objection(storage, STAFF, filed.objection_id, ObjectionDecision.REJECTED, "初步认为不成立")
    final = decide_objection(storage, STAFF, filed.objection_id, ObjectionDecision.UPHELD, "核实转化金额不实")

    assert final.status is ObjectionStatus.UPHELD and final.decision_reason == "核实转化金额不实"
    assert [n.text for n in final.notes] == ["已函询该单位并核对合同"] and final.decided_by == STAFF.login
    assert final.unit_name == notice.units[1].unit_name
    assert evidence_content(storage, OBSERVER, filed.objection_id, filed.evidence[0].sha256) == b"%PDF-evidence"
    actions = [e.action for e in storage.audit_log(entity=f"objection/2023/{ROUND}/{filed.objection_id}")]
    assert actions == ["objection.decide", "objection.decide", "objection.note", "objection.register"]


# --- confirmation and document numbers ----------------------------------------------------------------------------


def test_confirmation_waits_for_the_end_of_the_period_and_for_every_decision(storage, monkeypatch):
    notice = published(storage)
    filed = register_objection(storage, STAFF, ROUND, objection(notice.units[2].credit_code))
    on(monkeypatch, date(2023, 6, 9))
    with pytest.raises(PublicityError, match="期满后方可确认"):
        confirm_list(storage, STAFF, ROUND, "公示期满")
    on(monkeypatch, date(2023, 6, 12))
    with pytest.raises(PublicityError, match=f"第 {filed.objection_id} 号"):
        confirm_list(storage, STAFF, ROUND, "公示期满")

    decide_objection(storage, STAFF, filed.objection_id, ObjectionDecision.UPHELD, "数据不实")
    confirmed = confirm_list(storage, STAFF, ROUND, "公示期满无其他异议")

    assert [u.unit_name for u in confirmed.units] == [u.unit_name for u in notice.units if u != notice.units[2]]
    assert [u.order for u in confirmed.units] == list(range(1, SHORTLISTED))
    assert [r.credit_code for r in confirmed.removed] == [notice.units[2].credit_code]
    assert current_confirmation(storage, OBSERVER, ROUND) == confirmed
    with pytest.raises(PublicityError, match="已确认"):
        decide_objection(storage, STAFF, filed.objection_id, ObjectionDecision.REJECTED, "改变决定")
    with pytest.raises(PublicityError, match="不能撤回"):
        withdraw_notice(storage, STAFF, ROUND, "撤回")


def confirmed(storage, monkeypatch):
    published(storage)
    on(monkeypatch, date(2023, 6, 20))
    return confirm_list(storage, STAFF, ROUND, "公示期满无异议")


def test_numbers_follow_the_list_from_the_first_sequence_and_are_never_given_twice(storage, monkeypatch):
    done = confirmed(storage, monkeypatch)
    settings = LetterSettings(prefix="辽知发", first_sequence=12, issued_on=date(2023, 6, 20))

    numbers = assign_numbers(storage, STAFF, ROUND, settings, settings.issued_on)
    again = assign_numbers(storage, STAFF, ROUND, settings.model_copy(update={"first_sequence": 1}), date(2023, 6, 21))

    assert [numbers[u.credit_code] for u in done.units] == [f"辽知发〔2023〕{n}号" for n in range(12, 18)]
    assert again == numbers == document_numbers(storage, OBSERVER, ROUND)
    with pytest.raises(Exception, match="(?i)constraint|duplicate"):
        with storage.transaction("x") as tx:
            tx.execute("INSERT INTO document_numbers VALUES ('辽知发', 2023, 12, 'other', 'x', 'x', now())")
            tx.audit("test", "x")


def test_letters_are_composed_for_the_confirmed_units_with_period_funding_and_duties(storage, monkeypatch):
    done = confirmed(storage, monkeypatch)
    save_letter_settings(storage, STAFF, ROUND, LetterSettings(funding_wan=Decimal("50"), issued_on=date(2023, 6, 25)))

    letters = prepare_letters(storage, STAFF, ROUND)

    assert [x.unit_name for x in letters] == [u.unit_name for u in done.units]
    first = letters[0]
    assert first.number == "辽知发〔2023〕1号" and first.addressee == done.units[0].unit_name
    assert "试点建设期为三年（2023—2025年）" in first.opening[0] and "2023年6月5日至2023年6月9日" in first.opening[0]
    assert [s.heading for s in first.sections] == ["一、启动资金", "二、建设任务", "三、验收与评估"]
    assert "启动资金50万元" in first.sections[0].paragraphs[0].text
    assert [p.lead for p in first.sections[2].paragraphs] == ["（一）年度验收。", "（二）综合评估。"]
    assert first.copy_to == [f"{done.units[0].city}知识产权局"] and first.issued_on == date(2023, 6, 25)


def test_without_funding_the_sections_renumber_and_a_blank_date_is_kept_for_reprints(storage, monkeypatch):
    confirmed(storage, monkeypatch)

    letters = prepare_letters(storage, STAFF, ROUND)
    on(monkeypatch, date(2023, 7, 1))
    reprinted = prepare_letters(storage, STAFF, ROUND)

    assert [s.heading for s in letters[0].sections] == ["一、建设任务", "二、验收与评估"]
    assert letters == reprinted and letters[0].issued_on == date(2023, 6, 20)


def test_funding_as_typed_is_kept_to_two_places_and_text_is_refused_as_input():
    assert (funding_wan(" 50 "), funding_wan(""), funding_wan("12.345")) == (Decimal("50.00"), None, Decimal("12.34"))
    with pytest.raises(InputError, match="^启动资金“五十”不是数字"):
        funding_wan("五十")


def test_letters_need_a_confirmed_list(storage):
    published(storage)
    with pytest.raises(PublicityError, match="名单尚未确认"):
        prepare_letters(storage, STAFF, ROUND)
    assert the_round(storage).round_id == ROUND
