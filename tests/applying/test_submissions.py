"""Submitting a whole form before the unit deadline: refused one second after it, locked, versions numbered."""
from datetime import timedelta

import pytest

from scoring.applying.calls import ApplyingError, open_call
from scoring.applying.drafts import save_section
from scoring.applying.submissions import FormStatus, submit, versions_of
from scoring.common.access import AccessDenied
from scoring.common.models import ActionKind
from scoring.storage.store import Storage
from tests.builders.applications import make_application, make_batch
from tests.builders.applying import UNIT_DEADLINE, fill_draft, make_call, unit_login
from tests.builders.clock import frozen_clock
from tests.builders.rounds import STAFF

UNIT = unit_login(1)


@pytest.fixture
def storage(tmp_path):
    with Storage(tmp_path / "review.duckdb") as opened:
        opened.create_batch(make_batch(), "admin")
        open_call(opened, STAFF, make_call())
        yield opened


def _filled(storage, unit=UNIT) -> str:
    return fill_draft(storage, unit)


def test_a_submission_at_the_deadline_itself_is_taken(storage, monkeypatch):
    code = _filled(storage)
    frozen_clock(monkeypatch, UNIT_DEADLINE)
    done = submit(storage, UNIT, "2023", code)
    assert (done.version, done.status) == (1, FormStatus.SUBMITTED)
    assert any(e.action == ActionKind.APPLY_SUBMIT for e in storage.audit_log(f"draft/2023/{code}"))


def test_a_submission_one_second_after_the_deadline_is_refused_showing_both_times(storage, monkeypatch):
    code = _filled(storage)
    frozen_clock(monkeypatch, UNIT_DEADLINE + timedelta(seconds=1))
    with pytest.raises(ApplyingError, match="2023年05月31日 17:00:00.*2023年05月31日 17:00:01"):
        submit(storage, UNIT, "2023", code)


def test_a_submitted_form_is_locked_and_not_submitted_twice(storage, monkeypatch):
    code = _filled(storage)
    frozen_clock(monkeypatch, UNIT_DEADLINE - timedelta(days=1))
    submit(storage, UNIT, "2023", code)
    with pytest.raises(ApplyingError, match="锁定"):
        save_section(storage, UNIT, "2023", code, "operation_institution", "改")
    with pytest.raises(ApplyingError):
        submit(storage, UNIT, "2023", code)
    assert [v.version for v in versions_of(storage, UNIT, "2023", code)] == [1]


def test_an_incomplete_form_cannot_be_submitted(storage, monkeypatch):
    app = make_application().model_dump(mode="json")
    save_section(storage, UNIT, "2023", app["basic"]["credit_code"], "basic", app["basic"])
    frozen_clock(monkeypatch, UNIT_DEADLINE - timedelta(days=1))
    with pytest.raises(ApplyingError, match="尚未填写完整"):
        submit(storage, UNIT, "2023", app["basic"]["credit_code"])


def test_another_unit_cannot_submit_or_read_the_versions(storage, monkeypatch):
    code = _filled(storage)
    frozen_clock(monkeypatch, UNIT_DEADLINE - timedelta(days=1))
    with pytest.raises(AccessDenied):
        submit(storage, unit_login(2), "2023", code)
    submit(storage, UNIT, "2023", code)
    with pytest.raises(AccessDenied):
        versions_of(storage, unit_login(2), "2023", code)
