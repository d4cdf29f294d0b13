"""Opening a batch for applications, extending its deadlines, and units' drafts saved and checked live."""
from datetime import datetime

import pytest

from scoring.applying.calls import ApplyingError, extend_deadline, get_call, open_call
from scoring.applying.drafts import check_draft, get_draft, save_section
from scoring.common.access import AccessDenied
from scoring.common.models import ActionKind
from scoring.storage.store import Storage
from tests.builders.applications import make_application, make_batch
from tests.builders.applying import fill_draft, make_call, unit_login
from tests.builders.rounds import OBSERVER, STAFF


@pytest.fixture
def storage(tmp_path):
    with Storage(tmp_path / "review.duckdb") as opened:
        opened.create_batch(make_batch(), "admin")
        open_call(opened, STAFF, make_call())
        yield opened


def test_staff_open_a_call_on_an_existing_batch_and_it_is_audited(storage):
    assert get_call(storage, "2023").required_attachments == ["三年建设方案"]
    assert any(e.action == ActionKind.APPLY_CALL_OPEN for e in storage.audit_log("batch/2023"))


def test_a_call_on_a_missing_batch_or_by_an_observer_is_refused(storage):
    with pytest.raises(ApplyingError):
        open_call(storage, STAFF, make_call("1999"))
    with pytest.raises(AccessDenied):
        open_call(storage, OBSERVER, make_call())


def test_a_city_deadline_before_the_unit_deadline_is_no_call():
    with pytest.raises(ValueError):
        make_call(city_deadline=datetime(2023, 5, 31, 16, 59, 59))


def test_extending_a_deadline_needs_a_reason_and_audits_before_and_after(storage):
    with pytest.raises(ApplyingError):
        extend_deadline(storage, STAFF, "2023", unit_deadline=datetime(2023, 6, 2, 17), reason="")
    changed = extend_deadline(storage, STAFF, "2023", unit_deadline=datetime(2023, 6, 2, 17), reason="系统维护")
    assert changed.unit_deadline == datetime(2023, 6, 2, 17)
    entry = next(e for e in storage.audit_log("batch/2023") if e.action == ActionKind.APPLY_DEADLINE_EXTEND)
    assert entry.reason == "系统维护" and "before" in entry.detail


def test_a_unit_saves_a_partial_draft_and_sees_each_missing_field(storage):
    app = make_application().model_dump(mode="json")
    unit = unit_login(1)
    save_section(storage, unit, "2023", app["basic"]["credit_code"], "basic", app["basic"])
    problems = check_draft(storage, unit, "2023", app["basic"]["credit_code"])
    fields = {p.field for p in problems}
    assert "recommendation" in fields and "basic" not in fields
    assert next(p.message for p in problems if p.field == "recommendation") == "必须填写"
    assert "submitted_on" not in fields  # the day of submission, never typed


def test_a_whole_draft_runs_the_import_checks_and_names_the_field_of_each_failure(storage):
    unit = unit_login(1)
    code = fill_draft(storage, unit, commitment={"signed": False, "signed_on": None})
    problems = check_draft(storage, unit, "2023", code)
    assert [p.field for p in problems if p.blocking] == ["commitment"]


def test_a_complete_draft_has_no_problem_the_city_letter_and_the_deadline_come_later(storage):
    unit = unit_login(1)
    code = fill_draft(storage, unit)
    assert check_draft(storage, unit, "2023", code) == []


def test_the_unit_fills_only_its_own_part_of_the_recommendation(storage):
    unit = unit_login(1)
    code = fill_draft(storage, unit, recommendation={"city": "沈阳市", "unit_confirmation_signed": True,
                                                     "city_recommended": True, "city_recommendation_date": "2023-05-25"})
    saved = get_draft(storage, unit, "2023", code).data["recommendation"]
    assert saved["city"] == "大连市" and saved["unit_confirmation_signed"]
    assert not saved["city_recommended"] and saved["city_recommendation_date"] is None


def test_another_unit_can_neither_read_nor_change_a_draft(storage):
    app = make_application().model_dump(mode="json")
    code = app["basic"]["credit_code"]
    save_section(storage, unit_login(1), "2023", code, "basic", app["basic"])
    with pytest.raises(AccessDenied):
        get_draft(storage, unit_login(2), "2023", code)
    with pytest.raises(AccessDenied):
        save_section(storage, unit_login(2), "2023", code, "basic", app["basic"])


def test_saving_into_a_batch_not_open_for_applications_is_refused(tmp_path):
    with Storage(tmp_path / "review.duckdb") as storage:
        storage.create_batch(make_batch(), "admin")
        with pytest.raises(ApplyingError):
            save_section(storage, unit_login(1), "2023", "x", "basic", {})


def test_an_unknown_section_is_refused(storage):
    with pytest.raises(ApplyingError):
        save_section(storage, unit_login(1), "2023", "x", "no_such_part", {})
