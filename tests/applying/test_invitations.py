"""Inviting a unit: its applicant account (one per unit, however often invited), bound to the unit and carried into
the session's principal; INVITED to the unit, SUBMITTED to its city bureau, DEADLINE_SOON before the unit deadline."""
from datetime import datetime, timedelta

import pytest

from scoring.applying.calls import ApplyingError, extend_deadline, open_call
from scoring.applying.invitations import invitations, invite_unit, send_unit_deadline_reminders
from scoring.applying.submissions import submit
from scoring.common import accounts
from scoring.common.access import AccessDenied, Grant, Role
from scoring.common.models import ActionKind, City
from scoring.notifications.notices import NoticeKind
from scoring.notifications.outbox import notices_for
from scoring.storage.store import Storage
from tests.builders.applications import make_batch, make_credit_code
from tests.builders.applying import UNIT_DEADLINE, city_bureau, fill_draft, make_call, unit_login
from tests.builders.clock import frozen_clock
from tests.builders.rounds import ADMIN, OBSERVER, STAFF

CODE = make_credit_code(1)


@pytest.fixture
def storage(tmp_path):
    with Storage(tmp_path / "review.duckdb") as opened:
        opened.create_batch(make_batch(), "admin")
        open_call(opened, STAFF, make_call())
        yield opened


def _invite(storage, principal=ADMIN, email="unit@example.cn"):
    return invite_unit(storage, principal, "2023", "大连某大学", CODE, City.DALIAN, email)


def _kinds(storage, login):
    return [n.kind for n in notices_for(storage, unit_login(1).model_copy(update={"login": login}))]


def test_an_invitation_opens_an_applicant_account_bound_to_the_unit_and_tells_it(storage):
    invited = _invite(storage)
    account = accounts.get_account(storage, ADMIN, invited.invitation.login)
    assert invited.new_account and invited.credential and Grant(role=Role.APPLICANT) in account.grants
    assert _kinds(storage, invited.invitation.login) == [NoticeKind.INVITED]
    assert invited.credential not in notices_for(storage, unit_login(1))[0].body
    assert [i.unit.credit_code for i in invitations(storage, STAFF, "2023")] == [CODE]
    assert any(e.action == ActionKind.APPLY_INVITE for e in storage.audit_log("batch/2023"))


def test_re_inviting_a_unit_makes_no_second_account_and_no_new_credential(storage):
    first = _invite(storage)
    again = _invite(storage, STAFF, email="new@example.cn")
    assert (again.new_account, again.credential, again.invitation.login) == (False, None, first.invitation.login)
    assert len([a for a in accounts.list_users(storage, ADMIN) if a.login == first.invitation.login]) == 1
    assert invitations(storage, STAFF, "2023")[0].email == "new@example.cn"


def test_staff_who_run_the_batch_open_a_units_account_but_no_other_kind(storage):
    invited = _invite(storage, STAFF)
    assert invited.new_account and invited.credential
    with pytest.raises(AccessDenied):
        accounts.create_user(storage, STAFF, "newstaff", "新同事", [Grant(role=Role.STAFF)])
    accounts.create_user(storage, ADMIN, "colleague", "同事", [Grant(role=Role.STAFF)])
    with pytest.raises(AccessDenied):
        accounts.issue_initial_credentials(storage, STAFF, ["colleague"])
    with pytest.raises(AccessDenied):
        _invite(storage, OBSERVER)


def test_an_invitation_refuses_a_bad_address_or_a_batch_not_open(storage):
    with pytest.raises(Exception, match="邮箱|地址"):
        _invite(storage, email="not-an-address")
    storage.create_batch(make_batch(2024), "admin")
    with pytest.raises(ApplyingError, match="尚未开放"):
        invite_unit(storage, ADMIN, "2024", "大连某大学", CODE, City.DALIAN, "unit@example.cn")


def test_the_signed_in_unit_carries_its_unit_on_the_principal(storage):
    invited = invite_unit(storage, ADMIN, "2023", "大连某大学", CODE, City.DALIAN, "unit@example.cn",
                          kind=accounts.CredentialKind.LINK)
    token = accounts.login_with_link(storage, invited.credential)
    accounts.change_password(storage, token, None, "Unit-Password-2023!")
    principal = accounts.principal_for_session(storage, token)
    assert principal.unit.credit_code == CODE and principal.unit.city is City.DALIAN
    assert fill_draft(storage, principal) == CODE


def test_a_submission_tells_the_city_bureau_of_the_units_city_only(storage, monkeypatch):
    for bureau in (city_bureau(City.DALIAN), city_bureau(City.SHENYANG, "shenyang")):
        accounts.create_user(storage, ADMIN, bureau.login, bureau.display_name, list(bureau.grants))
    _invite(storage)
    fill_draft(storage, unit_login(1))
    frozen_clock(monkeypatch, UNIT_DEADLINE)
    submit(storage, unit_login(1), "2023", CODE)
    told = notices_for(storage, city_bureau(City.DALIAN))
    assert [n.kind for n in told] == [NoticeKind.SUBMITTED] and "大连测试大学1" in told[0].body
    assert notices_for(storage, city_bureau(City.SHENYANG, "shenyang")) == []


def test_the_deadline_reminder_goes_on_the_reminder_day_once_and_not_after_submission(storage, monkeypatch):
    login = _invite(storage).invitation.login
    fill_draft(storage, unit_login(1))
    three_days = datetime(2023, 5, 28, 9, 0)
    assert send_unit_deadline_reminders(storage, three_days - timedelta(days=1)) == []  # 4 days: not a reminder day
    assert len(send_unit_deadline_reminders(storage, three_days)) == 1
    assert send_unit_deadline_reminders(storage, three_days + timedelta(hours=1)) == []
    assert _kinds(storage, login).count(NoticeKind.DEADLINE_SOON) == 1
    frozen_clock(monkeypatch, UNIT_DEADLINE - timedelta(days=1))
    submit(storage, unit_login(1), "2023", CODE)
    assert send_unit_deadline_reminders(storage, datetime(2023, 5, 30, 9, 0)) == []


def test_the_reminder_day_is_counted_in_calendar_days_a_second_either_side_of_midnight(storage):
    _invite(storage)
    fill_draft(storage, unit_login(1))
    assert send_unit_deadline_reminders(storage, datetime(2023, 5, 31, 0, 0, 0)) == []  # day 0: not a reminder day
    assert len(send_unit_deadline_reminders(storage, datetime(2023, 5, 30, 23, 59, 59))) == 1  # day 1


def test_no_reminder_at_the_deadline_and_again_for_an_extended_deadline(storage):
    _invite(storage)
    fill_draft(storage, unit_login(1))
    assert len(send_unit_deadline_reminders(storage, datetime(2023, 5, 30, 17))) == 1
    extend_deadline(storage, STAFF, "2023", unit_deadline=datetime(2023, 6, 1, 17), reason="系统维护")
    assert send_unit_deadline_reminders(storage, datetime(2023, 6, 1, 17)) == []
    assert len(send_unit_deadline_reminders(storage, datetime(2023, 5, 31, 18))) == 1
