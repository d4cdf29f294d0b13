"""开放申报 and 填报申报书 as AppTest: staff open a call and invite a unit (its credential shown once); the unit fills
its own form section by section, sees each problem beside its field, and submits to its city bureau."""
from __future__ import annotations

from datetime import datetime

import pytest
from streamlit.testing.v1 import AppTest

from app_pages.widgets import common
from scoring.applying.calls import find_call, open_call
from scoring.applying.drafts import FormStatus, get_draft, save_section
from scoring.applying.invitations import invite_unit
from scoring.applying.submissions import versions_of
from scoring.applying.units import acting_as
from scoring.common import accounts
from scoring.common.access import Grant, Role, UnitBinding
from scoring.common.accounts import CredentialKind
from scoring.common.models import ActionKind, City
from tests.app.conftest import PASSWORD, ROOT, button, page_as, page_file, table
from tests.builders.applications import make_application, make_credit_code
from tests.builders.applying import fill_draft, make_call
from tests.builders.rounds import ADMIN, STAFF

UNIT_DEADLINE = datetime(2099, 5, 31, 17)
CITY_DEADLINE = datetime(2099, 6, 10, 17)
SERIAL = 4401


@pytest.fixture(autouse=True)
def in_project_root(monkeypatch):
    monkeypatch.chdir(ROOT)


@pytest.fixture
def batch_id(store) -> str:
    return store.latest_batch().batch_id


@pytest.fixture
def opened(store, batch_id):
    open_call(store, STAFF, make_call(batch_id, unit_deadline=UNIT_DEADLINE, city_deadline=CITY_DEADLINE))


def invited_unit(store, batch_id: str, serial: int = SERIAL) -> str:
    """A unit invited to the batch, its own password set; its login."""
    name = make_application(serial=serial).basic.unit_name
    invited = invite_unit(store, ADMIN, batch_id, name, make_credit_code(serial), City.DALIAN,
                          f"unit{serial}@example.cn", kind=CredentialKind.PASSWORD)
    login = invited.invitation.login
    token = accounts.login(store, login, invited.credential)
    accounts.change_password(store, token, invited.credential, PASSWORD)
    accounts.logout(store, token)
    return login


def unit_page(store, login: str) -> AppTest:
    at = AppTest.from_file(str(ROOT / page_file("unit_form.py")), default_timeout=60)
    at.session_state[common.SESSION_KEY] = accounts.login(store, login, PASSWORD)
    at.session_state[common.BATCH_KEY] = store.latest_batch().batch_id
    at.run()
    assert not at.exception, at.exception
    return at


def texts_of(at: AppTest) -> str:
    return " ".join(e.value for e in [*at.error, *at.warning, *at.info, *at.success, *at.markdown, *at.caption])


def submit_button(at: AppTest):
    return button(at, "submit_form")


# --- 开放申报 (staff) ---------------------------------------------------------------------------------------


def test_staff_open_a_call_with_its_deadlines_and_required_files(store, batch_id):
    at = page_as(store, "call.py")
    at.text_area(key="call_guideline").input("按申报指南在线填报。")
    at.date_input(key="call_unit_date").set_value(UNIT_DEADLINE.date())
    at.date_input(key="call_city_date").set_value(CITY_DEADLINE.date())
    at.multiselect(key="call_required").set_value(["三年建设方案", "信用承诺书"])
    next(b for b in at.button if b.label == "开放申报").click().run()

    assert not at.exception, at.exception
    call = find_call(store, batch_id)
    assert call.unit_deadline == UNIT_DEADLINE and call.city_deadline == CITY_DEADLINE
    assert call.required_attachments == ["三年建设方案", "信用承诺书"]
    assert any(e.action == ActionKind.APPLY_CALL_OPEN for e in store.audit_log(f"batch/{batch_id}"))


def test_the_attachment_choice_leaves_out_the_city_letter(store, batch_id):
    at = page_as(store, "call.py")

    assert "市局推荐函" not in at.multiselect(key="call_required").options
    assert "三年建设方案" in at.multiselect(key="call_required").options


def test_a_deadline_is_extended_only_with_a_reason(store, batch_id, opened):
    at = page_as(store, "call.py")
    at.date_input(key="extend_unit_date").set_value(datetime(2099, 6, 5).date())
    at.date_input(key="extend_city_date").set_value(datetime(2099, 6, 15).date())
    next(b for b in at.button if b.label == "延长截止时间").click().run()

    assert any("理由" in e.value for e in at.error)
    assert find_call(store, batch_id).unit_deadline == UNIT_DEADLINE

    at.date_input(key="extend_unit_date").set_value(datetime(2099, 6, 5).date())
    at.date_input(key="extend_city_date").set_value(datetime(2099, 6, 15).date())
    at.text_input(key="extend_reason").input("端午假期顺延")
    next(b for b in at.button if b.label == "延长截止时间").click().run()

    assert find_call(store, batch_id).unit_deadline == datetime(2099, 6, 5, 17)


def test_staff_invite_a_unit_and_its_credential_is_shown_once(store, batch_id, opened):
    code = make_credit_code(SERIAL)
    at = page_as(store, "call.py", Grant(role=Role.ADMIN))  # a new unit's account is made: staff who manage accounts
    at.text_input(key="invite_name").input("大连邀请测试大学")
    at.text_input(key="invite_code").input(code)
    at.selectbox(key="invite_city").select(City.DALIAN)
    at.text_input(key="invite_email").input("ip@invited.example.cn")
    at.radio(key="invite_kind").set_value(CredentialKind.PASSWORD)
    next(b for b in at.button if b.label == "邀请").click().run()

    assert not at.exception, at.exception
    assert not at.error, [e.value for e in at.error]
    assert [c.value for c in at.code] and any(code.lower() in s.value for s in at.success)
    listed = table(at, "统一社会信用代码")
    assert list(listed["统一社会信用代码"]) == [code]
    assert any(e.action == ActionKind.APPLY_INVITE for e in store.audit_log(f"batch/{batch_id}"))

    at.run()

    assert not at.code


# --- 填报申报书 (the unit) ----------------------------------------------------------------------------------


def test_a_unit_without_an_open_call_is_told_so_in_chinese(store, batch_id):
    from scoring.storage import applying_store
    from tests.app.conftest import create_person

    create_person(store, "unit9", "申报单位9", Grant(role=Role.APPLICANT))
    with store.transaction("cli:test") as tx:  # an account bound to its unit, as an earlier batch's invitation left it
        applying_store.bind_unit(tx, "unit9", UnitBinding(unit_name="大连测试大学9", credit_code=make_credit_code(9),
                                                          city=City.DALIAN))
        tx.audit(ActionKind.APPLY_UNIT_BIND, "user/unit9", "申报单位账号", {})

    at = unit_page(store, "unit9")

    assert any("目前没有开放网上申报的批次" in i.value for i in at.info)
    assert not at.text_input


def test_a_unit_sees_only_its_own_form(store, batch_id, opened):
    login = invited_unit(store, batch_id)
    other = invited_unit(store, batch_id, serial=SERIAL + 1)
    fill_draft(store, acting_as(store, other), batch_id, recommendation={"city": "大连市"})

    at = unit_page(store, login)

    assert f"统一社会信用代码 {make_credit_code(SERIAL)}" in " ".join(c.value for c in at.caption)
    assert make_application(serial=SERIAL + 1).basic.unit_name not in texts_of(at)
    assert at.text_input(key=f"uf_{batch_id}_code_shown").value == make_credit_code(SERIAL)


def test_typing_a_field_saves_its_section(store, batch_id, opened):
    login = invited_unit(store, batch_id)
    at = unit_page(store, login)

    at.text_input(key=f"uf_{batch_id}_basic.address").input("辽宁省大连市甘井子区凌工路2号").run()

    assert not at.exception, at.exception
    unit = acting_as(store, login)
    draft = get_draft(store, unit, batch_id, make_credit_code(SERIAL))
    assert draft.data["basic"]["address"] == "辽宁省大连市甘井子区凌工路2号"
    assert "已保存" in " ".join(c.value for c in at.caption)


def test_a_missing_field_is_shown_beside_it_and_blocks_submission(store, batch_id, opened):
    login = invited_unit(store, batch_id)
    at = unit_page(store, login)
    at.text_input(key=f"uf_{batch_id}_basic.address").input("大连市").run()

    assert any(e.value.startswith("单位类型：") for e in at.error)
    assert submit_button(at).disabled


def test_the_units_own_name_is_filled_in_and_saved_with_its_section(store, batch_id, opened):
    login = invited_unit(store, batch_id)
    at = unit_page(store, login)
    assert at.text_input(key=f"uf_{batch_id}_basic.unit_name").value == make_application(serial=SERIAL).basic.unit_name

    at.text_input(key=f"uf_{batch_id}_basic.address").input("大连市").run()

    draft = get_draft(store, acting_as(store, login), batch_id, make_credit_code(SERIAL))
    assert draft.data["basic"]["unit_name"] == make_application(serial=SERIAL).basic.unit_name
    assert not any(e.value.startswith("单位名称：") for e in at.error)


def test_a_budget_over_the_cap_is_shown_in_the_budget_section_and_blocks_submission(store, batch_id, opened):
    login = invited_unit(store, batch_id)
    code = make_credit_code(SERIAL)
    rows = [{"seq": 1, "item": "专利导航", "amount": "120.00", "year": 2099, "funding": "拟定申请"}]
    fill_draft(store, acting_as(store, login), batch_id, recommendation={"city": "大连市"},
               budget={"rows": rows, "declared_total": "120.00"})

    at = unit_page(store, login)

    budget_errors = [e.value for e in at.error if e.value.startswith("经费预算：")]
    assert budget_errors and "100" in budget_errors[0]
    assert any("合计 120.00 万元" in m.value for m in at.markdown)
    assert at.checkbox(key=f"uf_{batch_id}_submit_confirm").disabled and submit_button(at).disabled
    assert not versions_of(store, acting_as(store, login), batch_id, code)


def test_a_whole_form_is_submitted_after_confirmation_and_then_read_only(store, batch_id, opened):
    login = invited_unit(store, batch_id)
    code = make_credit_code(SERIAL)
    fill_draft(store, acting_as(store, login), batch_id, recommendation={"city": "大连市"})
    at = unit_page(store, login)
    assert submit_button(at).disabled  # not yet confirmed

    at.checkbox(key=f"uf_{batch_id}_submit_confirm").check().run()
    submit_button(at).click().run()

    assert not at.exception, at.exception
    [version] = versions_of(store, acting_as(store, login), batch_id, code)
    assert version.status is FormStatus.SUBMITTED
    assert any("第 1 版已提交" in s.value for s in at.success)
    assert not [w for w in at.text_input if w.key and w.key.startswith(f"uf_{batch_id}_basic.")]
    assert "submit_form" not in {b.key for b in at.button}
    assert list(table(at, "版本")["状态"]) == ["已提交"]


def test_a_returned_form_shows_the_citys_reason_and_opens_again(store, batch_id, opened):
    from scoring.applying.city_review import return_form
    from tests.builders.applying import city_bureau
    from scoring.applying.submissions import submit

    login = invited_unit(store, batch_id)
    unit = acting_as(store, login)
    code = fill_draft(store, unit, batch_id, recommendation={"city": "大连市"})
    submit(store, unit, batch_id, code)
    return_form(store, city_bureau(), batch_id, code, "请补充盖章扫描件")

    at = unit_page(store, login)

    assert any("请补充盖章扫描件" in w.value for w in at.warning)
    assert at.text_input(key=f"uf_{batch_id}_basic.address").value  # editable again

    at.checkbox(key=f"uf_{batch_id}_submit_confirm").check().run()
    submit_button(at).click().run()

    assert [v.status for v in versions_of(store, unit, batch_id, code)] == [FormStatus.RETURNED, FormStatus.SUBMITTED]


@pytest.mark.parametrize("grant", [Grant(role=Role.CITY, city=City.DALIAN), Grant(role=Role.EXPERT),
                                   Grant(role=Role.STAFF)], ids=["city", "expert", "staff"])
def test_only_an_applicant_opens_the_unit_form(store, opened, grant):
    at = page_as(store, "unit_form.py", grant, login="other")

    assert any("没有“填报申报书”的权限" in e.value for e in at.error)
    assert not at.text_input


def test_a_unit_cannot_open_the_call_page(store, batch_id, opened):
    login = invited_unit(store, batch_id)
    at = AppTest.from_file(str(ROOT / page_file("call.py")), default_timeout=60)
    at.session_state[common.SESSION_KEY] = accounts.login(store, login, PASSWORD)
    at.session_state[common.BATCH_KEY] = batch_id
    at.run()

    assert any("没有“管理批次”的权限" in e.value for e in at.error)
    assert not at.button


def test_opening_the_form_writes_nothing(store, batch_id, opened):
    login = invited_unit(store, batch_id)
    unit = acting_as(store, login)
    fill_draft(store, unit, batch_id, recommendation={"city": "大连市"})
    before = get_draft(store, unit, batch_id, make_credit_code(SERIAL)).saved_at

    at = unit_page(store, login)
    at.run()

    assert get_draft(store, unit, batch_id, make_credit_code(SERIAL)).saved_at == before
    assert "已保存" not in " ".join(c.value for c in at.caption)


def test_an_applicant_lands_on_its_form_and_sees_no_staff_page(store, batch_id, opened):
    from tests.app.conftest import new_app

    login = invited_unit(store, batch_id)
    at = new_app()
    at.session_state[common.SESSION_KEY] = accounts.login(store, login, PASSWORD)
    at.run()

    assert not at.exception, at.exception
    assert [t.value for t in at.title] == ["填报申报书"]
    with pytest.raises(ValueError):
        at.switch_page(page_file("call.py"))


def test_uploading_a_required_file_stores_it_and_names_it_on_the_form(store, batch_id, opened):
    from scoring.applying.attachments import attachments_of

    login = invited_unit(store, batch_id)
    at = unit_page(store, login)
    at.text_input(key=f"uf_{batch_id}_basic.address").input("大连市").run()
    assert any("尚未上传必须的附件：三年建设方案" in e.value for e in at.error)

    at.file_uploader(key=f"uf_{batch_id}_file_PLAN_0").set_value(("三年建设方案.pdf", b"%PDF-1.4\n% plan\n",
                                                                   "application/pdf"))
    at.run()

    assert not at.exception, at.exception
    [stored] = attachments_of(store, acting_as(store, login), batch_id, make_credit_code(SERIAL))
    assert (stored.kind, stored.filename) == ("三年建设方案", "三年建设方案.pdf")
    assert any("三年建设方案.pdf" in m.value for m in at.markdown)
    assert not any("尚未上传必须的附件" in e.value for e in at.error)


def test_with_two_open_batches_the_unit_chooses_which_form_to_fill(store, batch_id, opened):
    from scoring.common.models import Batch

    store.create_batch(Batch.for_year(2098), "setup")
    open_call(store, STAFF, make_call("2098", unit_deadline=UNIT_DEADLINE, city_deadline=CITY_DEADLINE))
    login = invited_unit(store, batch_id)

    at = unit_page(store, login)
    at.selectbox(key="unit_form_batch").select("2098").run()
    at.text_input(key="uf_2098_basic.address").input("大连市").run()

    assert not at.exception, at.exception
    assert get_draft(store, acting_as(store, login), "2098", make_credit_code(SERIAL)).data["basic"]["address"] == "大连市"


def test_the_form_is_offered_as_word_and_pdf_once_it_is_whole(store, batch_id, opened):
    login = invited_unit(store, batch_id)
    unit = acting_as(store, login)
    save_section(store, unit, batch_id, make_credit_code(SERIAL), "basic", make_application(serial=SERIAL).model_dump(
        mode="json")["basic"])
    assert "unit_form_docx" not in {b.key for b in unit_page(store, login).get("download_button")}

    fill_draft(store, unit, batch_id, recommendation={"city": "大连市"})
    at = unit_page(store, login)

    assert {"unit_form_docx", "unit_form_pdf"} <= {b.key for b in at.get("download_button")}
