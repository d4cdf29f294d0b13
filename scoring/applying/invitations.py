"""Staff invite a unit to apply in a batch: the unit's applicant account is made (or found) and bound to the unit,
the invitation recorded and the unit told (INVITED); and the DEADLINE_SOON reminder to units with a form not yet
submitted, on the reminder days before the unit deadline."""
from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel

from scoring.applying.calls import ApplicationCall, ApplyingError, get_call
from scoring.applying.drafts import FormStatus
from scoring.applying.units import checked_unit, login_for
from scoring.common.access import Grant, Permission, Principal, Role, UnitBinding, require
from scoring.common.accounts import CredentialKind, create_user, issue_initial_credentials
from scoring.common.models import ActionKind, City
from scoring.notifications.mailer import checked_address, mail_settings
from scoring.notifications.notices import NoticeKind
from scoring.notifications.outbox import notify
from scoring.storage import account_store
from scoring.storage import applying_store as store
from scoring.storage import notification_store
from scoring.storage.store import Storage

REMINDER_ACTOR = "system:reminders"


class Invitation(BaseModel):
    batch_id: str
    unit: UnitBinding
    login: str
    email: str
    invited_at: datetime
    invited_by: str


class Invited(BaseModel):
    """What staff hand out: the account, and for a new account its one-time credential (never in the notice)."""

    invitation: Invitation
    new_account: bool
    credential: str | None = None


def invite_unit(storage: Storage, principal: Principal, batch_id: str, unit_name: str, credit_code: str,
                city: City | str, email: str, kind: CredentialKind = CredentialKind.LINK) -> Invited:
    """Invite a unit; a unit that already has an account keeps it (no second account, no new credential)."""
    require(principal, Permission.MANAGE_BATCHES, batch_id)
    call = get_call(storage, batch_id)
    unit = checked_unit(unit_name, credit_code, city)
    email = checked_address((email or "").strip())
    login = store.login_of_unit(storage, unit.credit_code)
    secret, new_account = None, login is None
    if login is None:
        login = login_for(unit.credit_code)
        user = account_store.get_user(storage, login)
        if user is None:
            create_user(storage, principal, login, unit.unit_name, [Grant(role=Role.APPLICANT)],
                        reason=f"受邀申报（批次 {batch_id}）")
        elif Grant(role=Role.APPLICANT) not in user.grants:
            raise ApplyingError(f"登录名“{login}”已被其他账号使用，不能作为该单位的申报账号。")
        secret = issue_initial_credentials(storage, principal, [login], kind)[0].secret
    else:
        unit = store.unit_by_code(storage, unit.credit_code)  # the unit as first bound: name and city stay
    batch = storage.get_batch(batch_id)
    with storage.transaction(principal.actor) as tx:
        if new_account:
            store.bind_unit(tx, login, unit)
            tx.audit(ActionKind.APPLY_UNIT_BIND, f"user/{login}", "申报单位账号", unit.model_dump(mode="json"))
        store.put_invitation(tx, batch_id, unit.credit_code, login, email)
        before = notification_store.own_address(tx, login)
        if before != email:
            notification_store.save_address(tx, login, email)
            tx.audit(ActionKind.NOTICE_ADDRESS, f"user/{login}", "受邀单位联系邮箱", {"before": before, "after": email})
        notify(tx, login, NoticeKind.INVITED, {"batch": batch.title, "deadline": _moment(call.unit_deadline)})
        tx.audit(ActionKind.APPLY_INVITE, f"batch/{batch_id}", "", {**unit.model_dump(mode="json"), "login": login,
                                                                   "email": email, "new_account": new_account})
        at = tx.now
    invitation = Invitation(batch_id=batch_id, unit=unit, login=login, email=email, invited_at=at,
                            invited_by=principal.actor)
    return Invited(invitation=invitation, new_account=new_account, credential=secret)


def invitations(storage: Storage, principal: Principal, batch_id: str) -> list[Invitation]:
    require(principal, Permission.IMPORT_APPLICATIONS, batch_id)
    return [Invitation(batch_id=batch_id, unit=UnitBinding(unit_name=r.unit_name, credit_code=r.credit_code,
                                                           city=r.city),
                       login=r.login, email=r.email, invited_at=r.invited_at, invited_by=r.invited_by)
            for r in store.invitations(storage, batch_id)]


def _moment(at: datetime) -> str:
    return at.isoformat(sep=" ", timespec="minutes")


def reminder_key(call: ApplicationCall, days: int) -> str:
    # The deadline is part of the key: a deadline extended is reminded of again.
    return f"unit-deadline/{call.batch_id}/{call.unit_deadline:%Y%m%d%H%M}/{days}"


def days_before_unit_deadline(call: ApplicationCall, now: datetime) -> int | None:
    if now >= call.unit_deadline:
        return None
    return (call.unit_deadline.date() - now.date()).days


def send_unit_deadline_reminders(storage: Storage, now: datetime) -> list[int]:
    """DEADLINE_SOON to each unit whose draft is not submitted (or was returned), on each reminder day before the
    unit deadline — once per call, deadline and day however often the timer runs."""
    reminder_days = set(mail_settings(storage).reminder_days)
    written: list[int] = []
    for _batch_id, data in store.all_calls(storage):
        call = ApplicationCall.model_validate(data)
        days = days_before_unit_deadline(call, now)
        if days is None or days not in reminder_days:
            continue
        key = reminder_key(call, days)
        due = []
        for code in store.draft_codes(storage, call.batch_id):
            versions = store.submissions(storage, call.batch_id, code)
            if versions and versions[-1].status != FormStatus.RETURNED:
                continue
            login = store.login_of_unit(storage, code)
            if login and not notification_store.once_key_used(storage, login, key):
                due.append(login)
        if not due:
            continue
        batch = storage.get_batch(call.batch_id)
        with storage.transaction(REMINDER_ACTOR) as tx:
            for login in due:
                notice_id = notify(tx, login, NoticeKind.DEADLINE_SOON,
                                   {"batch": batch.title, "action": "提交申报书", "deadline": _moment(call.unit_deadline)},
                                   once_key=key)
                if notice_id is not None:
                    written.append(notice_id)
            tx.audit(ActionKind.NOTICE_QUEUE, f"batch/{call.batch_id}", f"单位提交截止前 {days} 天提醒",
                     {"units": due, "days": days})
    return written
