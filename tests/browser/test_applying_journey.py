"""Applying online in a real browser: a unit completes and submits its 申报书, its city bureau returns it with a
reason, the unit corrects and resubmits, the bureau does its 初审, recommends, uploads the sealed 推荐函 and sends;
staff then find the form in the batch, checked. The unit's form is also looked at at a phone's width.

The app runs on its own database: the sample batch and a 2027 batch open for applications until 2027-05-20 (city
bureaus until 2027-05-31), the unit invited and most of its form saved as a draft (it types the rest here). The newest batch is the one
everyone's sidebar opens on."""
from __future__ import annotations

from datetime import datetime

import pytest

from tests.browser.conftest import click_tab, go_to, running_app, set_own_password, shot, sign_in

pytestmark = pytest.mark.browser

PASSWORD = "Applying2027pw"
YEAR = 2027
UNIT_NAME = "大连申报测试大学"


@pytest.fixture(scope="module")
def applying_db(tmp_path_factory):
    from scoring.applying.calls import ApplicationCall, open_call
    from scoring.applying.drafts import SECTIONS, save_section
    from scoring.applying.invitations import invite_unit
    from scoring.applying.units import acting_as
    from scoring.common import accounts
    from scoring.common.access import Grant, Role
    from scoring.common.accounts import CredentialKind
    from scoring.common.models import Batch, City
    from scoring.intake import batches
    from scoring.storage import Storage
    from tests.builders.applications import make_application
    from tests.builders.rounds import ADMIN

    db = tmp_path_factory.mktemp("applying-browser") / "review.duckdb"
    app = make_application(serial=7701, batch_year=YEAR, basic={"unit_name": UNIT_NAME})
    with Storage(db) as storage:
        batches.ensure_database(storage, ADMIN, with_sample=True)
        storage.create_batch(Batch.for_year(YEAR), "setup")
        open_call(storage, ADMIN, ApplicationCall(batch_id=str(YEAR), guideline="按申报指南在线填报。",
                                                  unit_deadline=datetime(YEAR, 5, 20, 17),
                                                  city_deadline=datetime(YEAR, 5, 31, 17),
                                                  required_attachments=["三年建设方案"]))
        accounts.create_first_admin(storage, "chief", "处长", PASSWORD)
        invited = invite_unit(storage, ADMIN, str(YEAR), UNIT_NAME, app.credit_code, City.DALIAN,
                              "ip@unit.example.cn", kind=CredentialKind.PASSWORD)
        accounts.create_user(storage, ADMIN, "dalian", "大连市知识产权局", [Grant(role=Role.CITY, city=City.DALIAN)])
        [(_, city_initial)] = accounts.issue_initial_credentials(storage, ADMIN, ["dalian"])
        unit = acting_as(storage, invited.invitation.login)
        for section, value in app.model_dump(mode="json").items():
            if section in SECTIONS and section != "operation_institution":
                save_section(storage, unit, str(YEAR), app.credit_code, section, value)
    set_own_password(db, invited.invitation.login, invited.credential, PASSWORD)
    set_own_password(db, "dalian", city_initial, PASSWORD)
    return db, invited.invitation.login, app.credit_code


@pytest.fixture(scope="module")
def applying_url(applying_db):
    db, _, _ = applying_db
    with running_app(db, db.parent / "exports") as url:
        yield url


def send_tab(page) -> None:
    click_tab(page, "推荐函与报送")


def sign_out(page) -> None:
    page.get_by_role("button", name="退出登录").click()
    page.get_by_role("heading", name="登录").wait_for()


def submit_to_the_city(page) -> None:
    page.get_by_text("本单位确认申报书内容真实、准确").click()
    page.get_by_role("button", name="提交给市局").click()


def unit_completes_and_submits(page, plan) -> None:
    page.get_by_role("heading", name="填报申报书").wait_for()  # where a unit lands
    page.get_by_label("知识产权运营机构建设情况").fill("已设立知识产权运营中心，配备专职人员5名。")
    page.keyboard.press("Tab")
    page.get_by_text("已保存").first.wait_for()
    files = page.get_by_test_id("stExpander").filter(has_text="盖章扫描件")
    if not files.locator("details").get_attribute("open"):
        files.get_by_text("附件", exact=True).click()
    files.locator("input[type=file]").first.set_input_files(str(plan))
    page.get_by_text("已上传三年建设方案：三年建设方案.pdf").wait_for()
    submit_to_the_city(page)


def test_the_units_form_reads_at_a_phones_width(applying_url, applying_db, browser):
    # First, while the form is still a draft to fill in.
    _db, unit_login, _code = applying_db
    context = browser.new_context(viewport={"width": 375, "height": 800}, locale="zh-CN", is_mobile=True)
    page = context.new_page()
    page.set_default_timeout(30_000)
    try:
        sign_in(page, applying_url, unit_login, PASSWORD)
        page.get_by_role("heading", name="填报申报书").wait_for()
        page.wait_for_timeout(500)
        shot(page, "86-unit-form-phone")
        overflow = page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")
        assert overflow <= 1, f"the form is {overflow} px wider than the phone"
    finally:
        context.close()


def test_a_form_goes_from_the_unit_through_the_city_bureau_into_the_batch(applying_url, applying_db, page,
                                                                           browser, tmp_path):
    _db, unit_login, code = applying_db
    plan = tmp_path / "三年建设方案.pdf"
    plan.write_bytes(b"%PDF-1.4\n% plan\n")
    letter = tmp_path / "推荐函（盖章）.pdf"
    letter.write_bytes(b"%PDF-1.4\n% sealed letter\n")

    # The unit: completes the form, uploads the plan, submits.
    sign_in(page, applying_url, unit_login, PASSWORD)
    unit_completes_and_submits(page, plan)
    page.get_by_text("已提交").first.wait_for()
    shot(page, "80-unit-submitted")
    sign_out(page)

    # The city bureau: returns it with a reason.
    sign_in(page, applying_url, "dalian", PASSWORD)
    page.get_by_role("heading", name="市局初审与推荐").wait_for()  # where a city bureau lands
    page.get_by_role("heading", name=f"{UNIT_NAME}　第 1 版（已提交）").wait_for()
    shot(page, "81-city-review")
    page.get_by_label("退回理由（单位将收到通知）").fill("请补充盖章扫描件后重新提交")
    page.get_by_role("button", name="退回单位").click()
    page.get_by_text("已退回，理由：请补充盖章扫描件后重新提交").wait_for()
    sign_out(page)

    # The unit: sees the reason, corrects, resubmits.
    sign_in(page, applying_url, unit_login, PASSWORD)
    page.get_by_text("请补充盖章扫描件后重新提交").first.wait_for()
    shot(page, "82-unit-returned")
    submit_to_the_city(page)
    page.get_by_text("已提交").first.wait_for()
    sign_out(page)

    # The city bureau: 初审, recommend, upload the sealed letter, send.
    sign_in(page, applying_url, "dalian", PASSWORD)
    page.get_by_role("heading", name="市局初审与推荐").wait_for()  # where a city bureau lands
    page.get_by_role("heading", name=f"{UNIT_NAME}　第 2 版（已提交）").wait_for()
    for item in ("申报材料齐全，必须的附件均已上传", "盖章扫描件与在线填报内容一致", "信用承诺书已签署并加盖公章",
                 "符合申报指南规定的申报条件", "填报数据真实、准确"):
        page.get_by_text(item).click()
    page.get_by_label("初审意见").fill("材料齐全，同意推荐。")
    page.get_by_role("button", name="保存初审").click()
    page.get_by_text("初审已保存").first.wait_for()
    page.get_by_role("button", name="推荐该单位").click()
    page.get_by_text("已推荐：**1**".replace("**", "")).wait_for()
    send_tab(page)
    page.get_by_text("待报送的已推荐单位").wait_for()
    with page.expect_download() as letter_download:
        page.get_by_role("button", name="下载推荐函（Word）").click()
    assert letter_download.value.suggested_filename == "大连市推荐函.docx"
    page.locator("input[type=file]").set_input_files(str(letter))
    page.get_by_role("button", name="保存推荐函").click()
    send_tab(page)
    page.get_by_text("已上传推荐函：").wait_for()
    page.get_by_text("确认将以上 1 份申报书连同推荐函报送省知识产权局").click()
    page.get_by_role("button", name="报送省局").click()
    page.get_by_text("已报送省局：1").wait_for()
    send_tab(page)
    page.get_by_text("报送记录").wait_for()
    shot(page, "83-city-sent")
    sign_out(page)

    # Staff: the form is in the batch, checked, with the letter; the progress says it was sent.
    sign_in(page, applying_url, "chief", PASSWORD)
    go_to(page, "申报进度")
    page.get_by_text("已报送省局").first.wait_for()
    shot(page, "84-staff-progress")
    go_to(page, "申报详情")
    page.get_by_role("heading", name=UNIT_NAME).wait_for()
    page.get_by_text("大连市知识产权局已出具推荐函").first.wait_for()
    shot(page, "85-staff-detail")
