"""Own-form enforcement: an applicant account reaches only the unit it is bound to; staff who import read; the
unit's city bureau reads; an invited-only call admits only invited units."""
import pytest

from scoring.applying.attachments import attachment_content, attachments_of, upload_attachment
from scoring.applying.calls import ApplyingError, Eligible, open_call
from scoring.applying.drafts import check_draft, get_draft, save_section
from scoring.applying.invitations import invite_unit
from scoring.applying.submissions import submit, versions_of
from scoring.applying.units import checked_unit
from scoring.common.access import AccessDenied, Grant, Principal, Role
from scoring.common.models import City
from scoring.storage.store import Storage
from tests.builders.applications import make_application, make_batch, make_credit_code
from tests.builders.applying import PLAN_PDF, UNIT_DEADLINE, city_bureau, fill_draft, make_call, unit_login
from tests.builders.clock import frozen_clock
from tests.builders.rounds import ADMIN, OBSERVER, STAFF

UNIT, OTHER = unit_login(1), unit_login(2)


@pytest.fixture
def storage(tmp_path):
    with Storage(tmp_path / "review.duckdb") as opened:
        opened.create_batch(make_batch(), "admin")
        open_call(opened, STAFF, make_call())
        yield opened


def test_another_unit_cannot_read_the_attachments_or_upload_into_the_form(storage):
    code = fill_draft(storage, UNIT)
    sha = attachments_of(storage, UNIT, "2023", code)[0].sha256
    with pytest.raises(AccessDenied):
        attachments_of(storage, OTHER, "2023", code)
    with pytest.raises(AccessDenied):
        attachment_content(storage, OTHER, "2023", code, sha)
    with pytest.raises(AccessDenied):
        upload_attachment(storage, OTHER, "2023", code, "三年建设方案", "x.pdf", PLAN_PDF)


def test_another_unit_cannot_check_submit_or_read_versions(storage, monkeypatch):
    code = fill_draft(storage, UNIT)
    frozen_clock(monkeypatch, UNIT_DEADLINE)
    for step in (check_draft, submit, versions_of):
        with pytest.raises(AccessDenied):
            step(storage, OTHER, "2023", code)


def test_staff_who_import_read_the_form_but_cannot_write_it(storage):
    code = fill_draft(storage, UNIT)
    assert get_draft(storage, STAFF, "2023", code).credit_code == code
    with pytest.raises(AccessDenied):
        save_section(storage, STAFF, "2023", code, "operation_institution", "改")
    with pytest.raises(AccessDenied):
        get_draft(storage, OBSERVER, "2023", code)


def test_only_the_city_bureau_of_the_units_city_reads_its_form(storage):
    invite_unit(storage, ADMIN, "2023", "大连某大学", make_credit_code(1), City.DALIAN, "unit@example.cn")
    code = fill_draft(storage, unit_login(1))
    assert get_draft(storage, city_bureau(City.DALIAN), "2023", code).credit_code == code
    with pytest.raises(AccessDenied):
        get_draft(storage, city_bureau(City.SHENYANG, "shenyang"), "2023", code)


def test_an_applicant_account_without_a_bound_unit_or_without_the_role_is_refused(storage):
    code = make_credit_code(1)
    unbound = Principal(login="x1", display_name="无单位", grants=(Grant(role=Role.APPLICANT),))
    no_role = UNIT.model_copy(update={"grants": (Grant(role=Role.OBSERVER),)})
    for who in (unbound, no_role):
        with pytest.raises(AccessDenied):
            save_section(storage, who, "2023", code, "operation_institution", "写")


def test_the_basic_section_cannot_change_the_credit_code_it_is_filed_under(storage):
    basic = make_application(serial=2).model_dump(mode="json")["basic"]
    with pytest.raises(ApplyingError, match="不能改动"):
        save_section(storage, UNIT, "2023", make_credit_code(1), "basic", basic)
    basic.pop("credit_code")
    saved = save_section(storage, UNIT, "2023", make_credit_code(1), "basic", basic)
    assert saved.data["basic"]["credit_code"] == make_credit_code(1)


def test_attachments_are_never_typed_into_the_draft(storage):
    with pytest.raises(ApplyingError):
        save_section(storage, UNIT, "2023", make_credit_code(1), "attachments", [])


def test_an_invited_only_call_refuses_a_unit_not_invited_and_admits_an_invited_one(storage):
    open_call(storage, STAFF, make_call(eligible=Eligible.INVITED))
    with pytest.raises(AccessDenied, match="仅受邀单位"):
        save_section(storage, OTHER, "2023", make_credit_code(2), "operation_institution", "写")
    invite_unit(storage, ADMIN, "2023", "大连某学院", make_credit_code(2), City.DALIAN, "two@example.cn")
    assert save_section(storage, OTHER, "2023", make_credit_code(2), "operation_institution", "写").data


def test_an_any_unit_call_admits_any_applicant_account(storage):
    assert save_section(storage, OTHER, "2023", make_credit_code(2), "operation_institution", "写").data


def test_a_unit_is_bound_only_with_a_credit_code_the_existing_check_does_not_call_invalid():
    code = make_credit_code(1)
    assert checked_unit(" 大连某大学 ", code.lower(), "大连市").credit_code == code
    with pytest.raises(ApplyingError, match="校验码"):
        checked_unit("大连某大学", code[:17] + ("0" if code[17] != "0" else "1"), City.DALIAN)
    with pytest.raises(ApplyingError):
        checked_unit("大连某大学", code, "北京市")
