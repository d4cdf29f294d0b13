"""The 推荐函 and the handover: only recommended forms reach the province, with the letter attached and the day
recorded, entering the batch as an import would (versioned, checked, audited); nothing is sent without a letter."""
import json
from datetime import date, timedelta

import pytest

from scoring.applying.calls import ApplyingError
from scoring.applying.city_review import PreReviewItem, recommend, return_form, save_pre_review
from scoring.applying.drafts import FormStatus
from scoring.applying.handover import (city_letter, handovers, letter_document, recommended, send_to_province,
                                       upload_letter)
from scoring.applying.submissions import versions_of
from scoring.common.access import AccessDenied
from scoring.common.models import ActionKind, AttachmentKind, CheckId, City, Outcome
from scoring.documents.official_docx import letter_docx
from scoring.intake.importer import import_files
from scoring.notifications.notices import NoticeKind
from scoring.storage import notification_store
from tests.builders.applying import CITY_DEADLINE, UNIT_DEADLINE, city_bureau, submitted_form
from tests.builders.rounds import STAFF

DALIAN, SHENYANG = city_bureau(City.DALIAN), city_bureau(City.SHENYANG, "shenyang")
LETTER = b"%PDF-1.4 sealed letter"
SENT_DAY = UNIT_DEADLINE + timedelta(days=2)


def _recommended(storage, serial, rank=None, city=City.DALIAN, bureau=DALIAN):
    unit = submitted_form(storage, serial, city)
    save_pre_review(storage, bureau, "2023", unit.unit.credit_code, list(PreReviewItem), "同意推荐。")
    recommend(storage, bureau, "2023", unit.unit.credit_code, rank=rank)
    return unit


def test_the_letter_lists_the_recommended_units_in_the_bureaus_order(storage):
    third, first = _recommended(storage, 1, rank=2), _recommended(storage, 2, rank=1)
    submitted_form(storage, 3)  # submitted, not recommended: not in the letter
    doc = letter_document(storage, DALIAN, "2023", City.DALIAN)
    listed = [p.text for p in doc.sections[0].paragraphs]
    assert listed == [f"1.{first.unit.unit_name}（统一社会信用代码：{first.unit.credit_code}）",
                      f"2.{third.unit.unit_name}（统一社会信用代码：{third.unit.credit_code}）"]
    assert doc.issuer == "大连市知识产权局" and "按推荐顺序排列" in doc.opening[0]
    assert letter_docx(doc)[:2] == b"PK"


def test_no_letter_without_a_recommended_form_and_none_for_another_city(storage):
    submitted_form(storage, 1)
    with pytest.raises(ApplyingError, match="尚无已推荐"):
        letter_document(storage, DALIAN, "2023", City.DALIAN)
    with pytest.raises(AccessDenied):
        letter_document(storage, DALIAN, "2023", City.SHENYANG)


def test_nothing_is_sent_without_the_sealed_letter(storage):
    _recommended(storage, 1)
    with pytest.raises(ApplyingError, match="请先上传盖章的推荐函"):
        send_to_province(storage, DALIAN, "2023", City.DALIAN)
    assert storage.list_applications("2023") == []


def test_only_recommended_forms_enter_the_batch_with_the_letter_and_the_day_sent(storage, clock):
    sent = _recommended(storage, 1)
    returned = submitted_form(storage, 2)
    return_form(storage, DALIAN, "2023", returned.unit.credit_code, "请补充材料")
    submitted_form(storage, 3)
    letter = upload_letter(storage, DALIAN, "2023", City.DALIAN, "推荐函（盖章）.pdf", LETTER)
    clock.now = SENT_DAY
    done = send_to_province(storage, DALIAN, "2023", City.DALIAN)
    assert done.credit_codes == done.created == [sent.unit.credit_code]
    [application] = storage.list_applications("2023")
    assert application.recommendation.city_recommended
    assert application.recommendation.city_recommendation_date == date(2023, 6, 2)
    assert application.attachment(AttachmentKind.RECOMMENDATION).sha256 == letter.sha256
    assert storage.attachment_content(letter.sha256) == LETTER
    assert versions_of(storage, sent, "2023", sent.unit.credit_code)[-1].status is FormStatus.SENT


def test_the_forms_sent_are_checked_and_audited_as_an_import_and_their_units_told(storage, clock):
    unit = _recommended(storage, 1)
    upload_letter(storage, DALIAN, "2023", City.DALIAN, "推荐函.pdf", LETTER)
    send_to_province(storage, DALIAN, "2023", City.DALIAN)
    code = unit.unit.credit_code
    checks = {r.computed.check_id: r.outcome for r in storage.check_report("2023", code).results}
    assert checks[CheckId.RECOMMENDATION] is Outcome.PASS and set(checks) == set(CheckId)
    entry = next(e for e in storage.audit_log("batch/2023") if e.action == ActionKind.IMPORT)
    assert entry.actor == "dalian" and entry.detail["created"] == [code] and entry.detail["source"] == "市局推荐"
    assert any(e.action == ActionKind.APPLY_SEND for e in storage.audit_log("batch/2023"))
    assert NoticeKind.RECOMMENDED in [n.kind for n in notification_store.notices_of(storage, unit.login)]


def test_a_form_sent_is_what_an_import_of_the_same_application_would_store(storage):
    _recommended(storage, 1)
    upload_letter(storage, DALIAN, "2023", City.DALIAN, "推荐函.pdf", LETTER)
    send_to_province(storage, DALIAN, "2023", City.DALIAN)
    [stored] = storage.list_applications("2023")
    again = import_files(storage, storage.get_batch("2023"),
                         [("same.json", json.dumps([stored.model_dump(mode="json")], ensure_ascii=False).encode())],
                         STAFF)
    assert again.imported and again.unchanged == [stored.credit_code], again.issues


def test_sending_again_has_nothing_to_send_and_the_form_is_locked_against_return(storage):
    unit = _recommended(storage, 1)
    upload_letter(storage, DALIAN, "2023", City.DALIAN, "推荐函.pdf", LETTER)
    send_to_province(storage, DALIAN, "2023", City.DALIAN)
    with pytest.raises(ApplyingError, match="没有待报送"):
        send_to_province(storage, DALIAN, "2023", City.DALIAN)
    with pytest.raises(ApplyingError, match="已报送省局"):
        return_form(storage, DALIAN, "2023", unit.unit.credit_code, "再改改")
    assert len(storage.list_applications("2023")) == 1 and len(handovers(storage, STAFF, "2023")) == 1


def test_a_later_recommendation_is_sent_in_a_second_handover(storage):
    _recommended(storage, 1)
    upload_letter(storage, DALIAN, "2023", City.DALIAN, "推荐函.pdf", LETTER)
    send_to_province(storage, DALIAN, "2023", City.DALIAN)
    later = _recommended(storage, 2)
    assert [f.unit.credit_code for f in recommended(storage, DALIAN, "2023", City.DALIAN)] == [later.unit.credit_code]
    upload_letter(storage, DALIAN, "2023", City.DALIAN, "补充推荐函.pdf", b"%PDF second letter")
    assert send_to_province(storage, DALIAN, "2023", City.DALIAN).created == [later.unit.credit_code]
    assert len(storage.list_applications("2023")) == 2


def test_the_letter_and_the_handover_are_refused_after_the_city_deadline(storage, clock):
    _recommended(storage, 1)
    upload_letter(storage, DALIAN, "2023", City.DALIAN, "推荐函.pdf", LETTER)
    clock.now = CITY_DEADLINE + timedelta(seconds=1)
    with pytest.raises(ApplyingError, match="已过市局推荐截止时间"):
        send_to_province(storage, DALIAN, "2023", City.DALIAN)
    with pytest.raises(ApplyingError, match="已过市局推荐截止时间"):
        upload_letter(storage, DALIAN, "2023", City.DALIAN, "推荐函.pdf", LETTER)
    assert storage.list_applications("2023") == []


def test_a_bureau_cannot_upload_or_send_for_another_city_nor_read_its_letter(storage):
    _recommended(storage, 1)
    upload_letter(storage, DALIAN, "2023", City.DALIAN, "推荐函.pdf", LETTER)
    with pytest.raises(AccessDenied):
        upload_letter(storage, SHENYANG, "2023", City.DALIAN, "推荐函.pdf", LETTER)
    with pytest.raises(AccessDenied):
        send_to_province(storage, SHENYANG, "2023", City.DALIAN)
    with pytest.raises(AccessDenied):
        city_letter(storage, SHENYANG, "2023", City.DALIAN)
    assert city_letter(storage, STAFF, "2023", City.DALIAN).filename == "推荐函.pdf"


@pytest.mark.parametrize(("name", "content", "message"), [
    ("letter.exe", b"MZ", "类型不能上传"), ("letter.pdf", b"", "空文件")])
def test_a_letter_of_the_wrong_type_or_empty_is_refused(storage, name, content, message):
    with pytest.raises(ApplyingError, match=message):
        upload_letter(storage, DALIAN, "2023", City.DALIAN, name, content)


def test_each_bureau_sees_its_own_handovers_staff_all_others_none(storage):
    from tests.builders.rounds import OBSERVER

    _recommended(storage, 1)
    _recommended(storage, 2, city=City.SHENYANG, bureau=SHENYANG)
    for city, bureau in ((City.DALIAN, DALIAN), (City.SHENYANG, SHENYANG)):
        upload_letter(storage, bureau, "2023", city, "推荐函.pdf", LETTER)
        send_to_province(storage, bureau, "2023", city)
    assert [s.city for s in handovers(storage, DALIAN, "2023")] == ["大连市"]
    assert {s.city for s in handovers(storage, STAFF, "2023")} == {"大连市", "沈阳市"}
    with pytest.raises(AccessDenied):
        handovers(storage, DALIAN, "2023", City.SHENYANG)
    with pytest.raises(AccessDenied):
        handovers(storage, OBSERVER, "2023")
