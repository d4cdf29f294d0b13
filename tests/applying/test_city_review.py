"""The city bureau's 初审: its own city's submitted forms only; a checklist and an opinion; returning with reasons
(the unit told, the form unlocked, resubmitted as a new version until the city deadline); recommending only a
form whose 初审 is complete, ranks each given once; nothing after the city deadline."""
from datetime import timedelta

import pytest

from scoring.applying.calls import ApplyingError, extend_deadline
from scoring.applying.city_review import (PreReviewItem, city_forms, pre_review, recommend, return_form,
                                          return_reason, save_pre_review)
from scoring.applying.drafts import FormStatus, save_section
from scoring.applying.submissions import submit, versions_of
from scoring.common.access import AccessDenied
from scoring.common.models import ActionKind, City
from scoring.notifications.notices import NoticeKind
from scoring.storage import notification_store
from tests.builders.applying import CITY_DEADLINE, UNIT_DEADLINE, city_bureau, submitted_form
from tests.builders.rounds import OBSERVER, STAFF

DALIAN, SHENYANG = city_bureau(City.DALIAN), city_bureau(City.SHENYANG, "shenyang")
ALL_ITEMS = list(PreReviewItem)


def _reviewed(storage, unit, bureau=DALIAN):
    save_pre_review(storage, bureau, "2023", unit.unit.credit_code, ALL_ITEMS, "材料齐全，同意推荐。")


def _notices(storage, login):
    return [n.kind for n in notification_store.notices_of(storage, login)]


def test_a_city_bureau_lists_only_its_own_citys_submitted_forms(storage):
    dalian_unit = submitted_form(storage, 1)
    submitted_form(storage, 2, City.SHENYANG)
    assert [f.unit.credit_code for f in city_forms(storage, DALIAN, "2023")] == [dalian_unit.unit.credit_code]
    with pytest.raises(AccessDenied):
        city_forms(storage, DALIAN, "2023", City.SHENYANG)
    assert {f.unit.city for f in city_forms(storage, STAFF, "2023")} == {City.DALIAN, City.SHENYANG}
    with pytest.raises(AccessDenied):
        city_forms(storage, OBSERVER, "2023")


def test_another_citys_bureau_can_neither_review_return_nor_recommend(storage):
    unit = submitted_form(storage, 1)
    code = unit.unit.credit_code
    for step in (lambda: save_pre_review(storage, SHENYANG, "2023", code, ALL_ITEMS, "同意"),
                 lambda: return_form(storage, SHENYANG, "2023", code, "请补充材料"),
                 lambda: recommend(storage, SHENYANG, "2023", code),
                 lambda: pre_review(storage, SHENYANG, "2023", code)):
        with pytest.raises(AccessDenied, match="只能初审本市单位"):
            step()


def test_staff_and_units_cannot_act_as_the_city_bureau(storage):
    unit = submitted_form(storage, 1)
    for who in (STAFF, unit):
        with pytest.raises(AccessDenied):
            return_form(storage, who, "2023", unit.unit.credit_code, "请补充材料")


def test_the_checklist_and_opinion_are_saved_and_audited_without_deciding(storage):
    unit = submitted_form(storage, 1)
    code = unit.unit.credit_code
    saved = save_pre_review(storage, DALIAN, "2023", code, [PreReviewItem.ELIGIBLE, PreReviewItem.COMPLETE], "待核实")
    assert saved.checked == [PreReviewItem.COMPLETE, PreReviewItem.ELIGIBLE] and saved.opinion == "待核实"
    assert pre_review(storage, DALIAN, "2023", code).unchecked == [PreReviewItem.SEALED, PreReviewItem.COMMITMENT,
                                                                  PreReviewItem.TRUTHFUL]
    assert versions_of(storage, unit, "2023", code)[-1].status is FormStatus.SUBMITTED
    assert any(e.action == ActionKind.APPLY_PRE_REVIEW for e in storage.audit_log(f"draft/2023/{code}"))


def test_recommending_needs_every_item_checked_and_an_opinion(storage):
    unit = submitted_form(storage, 1)
    code = unit.unit.credit_code
    save_pre_review(storage, DALIAN, "2023", code, ALL_ITEMS[:-1], "")
    with pytest.raises(ApplyingError, match="未核对“填报数据真实、准确”；未填写初审意见"):
        recommend(storage, DALIAN, "2023", code)
    _reviewed(storage, unit)
    assert recommend(storage, DALIAN, "2023", code, rank=1).rank == 1
    assert versions_of(storage, unit, "2023", code)[-1].status is FormStatus.RECOMMENDED


def test_a_form_failing_an_eligibility_rule_cannot_be_recommended(storage):
    unit = submitted_form(storage, 1, commitment={"signed": False, "signed_on": None})
    _reviewed(storage, unit)
    with pytest.raises(ApplyingError, match="不符合申报条件"):
        recommend(storage, DALIAN, "2023", unit.unit.credit_code)


def test_each_rank_is_given_once_within_the_city(storage):
    first, second = submitted_form(storage, 1), submitted_form(storage, 2)
    for unit in (first, second):
        _reviewed(storage, unit)
    recommend(storage, DALIAN, "2023", first.unit.credit_code, rank=1)
    with pytest.raises(ApplyingError, match="第 1 位已给了"):
        recommend(storage, DALIAN, "2023", second.unit.credit_code, rank=1)
    with pytest.raises(ApplyingError, match="从 1 开始"):
        recommend(storage, DALIAN, "2023", second.unit.credit_code, rank=0)
    recommend(storage, DALIAN, "2023", second.unit.credit_code, rank=2)


def test_returning_needs_a_reason_tells_the_unit_and_unlocks_the_form(storage):
    unit = submitted_form(storage, 1)
    code = unit.unit.credit_code
    with pytest.raises(ApplyingError, match="写明理由"):
        return_form(storage, DALIAN, "2023", code, " ")
    return_form(storage, DALIAN, "2023", code, "经费预算说明不完整")
    assert versions_of(storage, unit, "2023", code)[-1].status is FormStatus.RETURNED
    assert return_reason(storage, unit, "2023", code) == "经费预算说明不完整"
    assert NoticeKind.RETURNED in _notices(storage, unit.login)
    entry = next(e for e in storage.audit_log(f"draft/2023/{code}") if e.action == ActionKind.APPLY_RETURN)
    assert entry.reason == "经费预算说明不完整" and entry.actor == "dalian"
    save_section(storage, unit, "2023", code, "operation_institution", "已补充运营机构说明。")


def test_a_returned_form_is_resubmitted_as_a_new_version_until_the_city_deadline(storage, clock):
    unit = submitted_form(storage, 1)
    code = unit.unit.credit_code
    return_form(storage, DALIAN, "2023", code, "请补充盖章页")
    clock.now = CITY_DEADLINE  # past the unit deadline: a returned form may still come back
    again = submit(storage, unit, "2023", code)
    assert (again.version, again.status) == (2, FormStatus.SUBMITTED)
    assert [v.status for v in versions_of(storage, unit, "2023", code)] == [FormStatus.RETURNED, FormStatus.SUBMITTED]
    assert again.application.submitted_on == (UNIT_DEADLINE - timedelta(days=1)).date()  # the day it first met it
    assert return_reason(storage, unit, "2023", code) is None


def test_a_returned_form_resubmitted_one_second_after_the_city_deadline_is_refused(storage, clock):
    unit = submitted_form(storage, 1)
    return_form(storage, DALIAN, "2023", unit.unit.credit_code, "请补充盖章页")
    clock.now = CITY_DEADLINE + timedelta(seconds=1)
    with pytest.raises(ApplyingError, match="退回后重新提交的截止时间"):
        submit(storage, unit, "2023", unit.unit.credit_code)


def test_the_city_acts_at_its_deadline_itself_but_not_one_second_later_unless_staff_extend(storage, clock):
    first, second = submitted_form(storage, 1), submitted_form(storage, 2)
    _reviewed(storage, first)
    clock.now = CITY_DEADLINE
    recommend(storage, DALIAN, "2023", first.unit.credit_code)
    clock.now = CITY_DEADLINE + timedelta(seconds=1)
    with pytest.raises(ApplyingError, match="已过市局推荐截止时间"):
        return_form(storage, DALIAN, "2023", second.unit.credit_code, "请补充材料")
    extend_deadline(storage, STAFF, "2023", city_deadline=CITY_DEADLINE + timedelta(days=2), reason="市局申请延期")
    return_form(storage, DALIAN, "2023", second.unit.credit_code, "请补充材料")


def test_a_draft_never_submitted_cannot_be_returned_or_recommended(storage):
    from scoring.applying.invitations import invite_unit
    from tests.builders.applications import make_credit_code
    from tests.builders.rounds import ADMIN

    invite_unit(storage, ADMIN, "2023", "大连某学院", make_credit_code(3), City.DALIAN, "u3@example.cn")
    with pytest.raises(ApplyingError, match="尚未提交"):
        return_form(storage, DALIAN, "2023", make_credit_code(3), "请补充")
