"""市局初审 and 申报进度 as AppTest: a city bureau sees its own city's submitted forms, saves its 初审, returns with a
reason or recommends, uploads its letter and sends; staff see per city where things stand."""
from __future__ import annotations

from datetime import datetime

import pytest

from scoring.applying import city_review, handover
from scoring.applying.calls import open_call
from scoring.applying.drafts import FormStatus
from scoring.applying.submissions import versions_of
from scoring.common.access import Grant, Role
from scoring.common.models import City
from tests.app.conftest import page_as, table
from tests.builders.applying import city_bureau, make_call, submitted_form
from tests.builders.rounds import STAFF

DALIAN = Grant(role=Role.CITY, city=City.DALIAN)


@pytest.fixture
def units(store):
    open_call(store, STAFF, make_call(store.latest_batch().batch_id, unit_deadline=datetime(2099, 5, 31, 17),
                                      city_deadline=datetime(2099, 6, 10, 17)))
    return submitted_form(store, 901), submitted_form(store, 902), submitted_form(store, 903, City.SHENYANG)


def _city_page(store):
    return page_as(store, "city_review.py", DALIAN, login="dalian")


def test_the_city_bureau_lists_only_its_own_citys_forms(store, units):
    at = _city_page(store)
    listed = table(at, "统一社会信用代码")
    assert set(listed["统一社会信用代码"]) == {units[0].unit.credit_code, units[1].unit.credit_code}
    assert set(listed["状态"]) == {"已提交"}


def test_the_bureau_saves_its_pre_review_and_recommends_with_a_rank(store, units):
    code = units[0].unit.credit_code
    at = _city_page(store)
    at.selectbox(key="city_review_form").select(code).run()
    for item in city_review.PreReviewItem:
        at.checkbox(key=f"check_{code}_1_{item.name}").check()
    at.text_area(key=f"opinion_{code}_1").input("材料齐全，同意推荐。")
    next(b for b in at.button if b.label == "保存初审").click().run()
    assert not at.exception, at.exception
    at.number_input(key=f"rank_{code}_1").set_value(1)
    at.button(key=f"recommend_{code}").click().run()
    assert not at.exception, at.exception
    assert versions_of(store, units[0], "2023", code)[-1].status is FormStatus.RECOMMENDED
    assert city_review.pre_review(store, city_bureau(), "2023", code).rank == 1


def test_recommending_before_the_pre_review_is_complete_is_refused_in_chinese(store, units):
    code = units[0].unit.credit_code
    at = _city_page(store)
    at.selectbox(key="city_review_form").select(code).run()
    at.button(key=f"recommend_{code}").click().run()
    assert any("请先完成初审" in e.value for e in at.error)
    assert versions_of(store, units[0], "2023", code)[-1].status is FormStatus.SUBMITTED


def test_the_bureau_returns_a_form_with_its_reason(store, units):
    code = units[1].unit.credit_code
    at = _city_page(store)
    at.selectbox(key="city_review_form").select(code).run()
    at.text_area(key=f"return_reason_{code}_1").input("请补充盖章扫描件")
    at.button(key=f"return_{code}").click().run()
    assert not at.exception, at.exception
    assert versions_of(store, units[1], "2023", code)[-1].status is FormStatus.RETURNED
    assert city_review.return_reason(store, units[1], "2023", code) == "请补充盖章扫描件"


def test_sending_waits_for_the_letter_and_a_confirmation(store, units):
    code = units[0].unit.credit_code
    bureau = city_bureau()
    city_review.save_pre_review(store, bureau, "2023", code, list(city_review.PreReviewItem), "同意")
    city_review.recommend(store, bureau, "2023", code)
    at = _city_page(store)
    assert at.button(key="send_大连市").disabled
    handover.upload_letter(store, bureau, "2023", City.DALIAN, "推荐函.pdf", b"%PDF-1.4 sealed")
    at.run()
    at.checkbox(key="confirm_send_大连市").check().run()
    at.button(key="send_大连市").click().run()
    assert not at.exception, at.exception
    assert store.get_application("2023", code).recommendation.city_recommended
    assert versions_of(store, units[0], "2023", code)[-1].status is FormStatus.SENT


@pytest.mark.parametrize("grant", [Grant(role=Role.STAFF), Grant(role=Role.APPLICANT)])
def test_staff_and_units_cannot_open_the_city_page(store, units, grant):
    at = page_as(store, "city_review.py", grant)
    assert any("没有“市局推荐”的权限" in e.value for e in at.error)


def test_staff_see_per_city_where_applying_stands(store, units):
    city_review.return_form(store, city_bureau(), "2023", units[1].unit.credit_code, "请补充材料")
    at = page_as(store, "progress_page.py")
    per_city = table(at, "待初审").set_index("市")
    assert per_city.loc["大连市", "待初审"] == 1 and per_city.loc["大连市", "已退回"] == 1
    assert per_city.loc["沈阳市", "待初审"] == 1
    forms = table(at, "退回理由")
    assert "请补充材料" in set(forms["退回理由"])


def test_a_city_bureau_cannot_open_the_staff_overview(store, units):
    at = page_as(store, "progress_page.py", DALIAN, login="dalian")
    assert any("没有“导入申报书”的权限" in e.value for e in at.error)


def test_a_city_bureau_lands_on_its_pre_review_list_staff_on_the_overview(store, units):
    from tests.app.conftest import signed_in

    city = signed_in(store, "dalian", "大连市知识产权局", DALIAN)
    city.run()
    assert city.title[0].value == "市局初审与推荐"
    staff = signed_in(store, "tester", "测试员", Grant(role=Role.STAFF))
    staff.run()
    assert staff.title[0].value == "审查概览"


def test_before_a_call_is_open_the_city_page_says_so(store):
    at = page_as(store, "city_review.py", DALIAN, login="dalian")
    assert any("尚未开放网上申报" in i.value for i in at.info)
    assert not at.error


def test_the_city_bureau_and_staff_can_download_a_form_as_word_and_pdf(store, units):
    code = units[0].unit.credit_code
    at = _city_page(store)
    at.selectbox(key="city_review_form").select(code).run()
    assert {f"city_{code}_form_docx", f"city_{code}_form_pdf"} <= {b.key for b in at.get("download_button")}
    detail = page_as(store, "application_detail.py", login="staff2")
    assert {"detail_form_docx", "detail_form_pdf"} <= {b.key for b in detail.get("download_button")}
