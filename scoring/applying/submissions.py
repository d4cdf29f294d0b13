"""A unit submits its whole 申报书 to the city bureau before the unit deadline; each submission is a numbered
version, kept, and the form is locked until the city bureau returns it."""
from __future__ import annotations

from datetime import datetime
from pydantic import BaseModel, ValidationError

from scoring.applying.calls import ApplicationCall, ApplyingError, get_call, shown_time
from scoring.applying.drafts import FormStatus, as_application, get_draft, missing_attachments
from scoring.applying.units import require_own_unit
from scoring.common.access import Principal, Role
from scoring.common.clock import today
from scoring.common.models import ActionKind, Application, City, compact_code
from scoring.notifications.notices import NoticeKind
from scoring.notifications.outbox import notify
from scoring.storage import account_store
from scoring.storage import applying_store as store
from scoring.storage.store import Transaction
from scoring.storage.store import Storage


class Submission(BaseModel):
    batch_id: str
    credit_code: str
    version: int
    application: Application
    status: FormStatus
    submitted_at: datetime
    submitted_by: str


def submit(storage: Storage, principal: Principal, batch_id: str, credit_code: str) -> Submission:
    credit_code = compact_code(credit_code)
    call = get_call(storage, batch_id)
    require_own_unit(storage, principal, batch_id, credit_code)
    draft = get_draft(storage, principal, batch_id, credit_code)
    try:
        application = as_application(storage, draft, today())
    except ValidationError as exc:
        fields = "、".join(sorted({".".join(str(p) for p in e["loc"]) for e in exc.errors()}))
        raise ApplyingError(f"申报书尚未填写完整，不能提交：{fields}。") from exc
    if missing := missing_attachments(storage, batch_id, credit_code):
        raise ApplyingError(f"尚未上传必须的附件：{'、'.join(missing)}，不能提交。")
    with storage.transaction(principal.login) as tx:
        # Re-read under the write lock: two clicks of 提交 make one version, not two.
        versions = store.submissions(tx, batch_id, credit_code)
        if versions and versions[-1].status != FormStatus.RETURNED:
            raise ApplyingError(f"申报书已{versions[-1].status}，不能再次提交；如需修改请等待市局退回。")
        deadline, what = submission_deadline(call, [FormStatus(v.status) for v in versions])
        if tx.now > deadline:
            raise ApplyingError(f"已过{what}（{shown_time(deadline)}），现在是 {shown_time(tx.now)}，不能提交。")
        version = len(versions) + 1
        # A form corrected after a return keeps the day it was first submitted: that is the day it met the deadline.
        first_on = versions[0].submitted_at.date() if versions else tx.now.date()
        application = application.model_copy(update={"submitted_on": first_on})
        store.add_submission(tx, batch_id, credit_code, version, application.model_dump(mode="json"),
                             FormStatus.SUBMITTED, tx.now)
        tx.audit(ActionKind.APPLY_SUBMIT, f"draft/{batch_id}/{credit_code}", "", {"version": version})
        _tell_city(tx, principal.unit.city, storage.get_batch(batch_id).title, application.basic.unit_name,
                   call.city_deadline, batch_id)
        at = tx.now
    return Submission(batch_id=batch_id, credit_code=credit_code, version=version, application=application,
                      status=FormStatus.SUBMITTED, submitted_at=at, submitted_by=principal.login)


def submission_deadline(call: ApplicationCall, statuses: list[FormStatus]) -> tuple[datetime, str]:
    """A first submission is due by the unit deadline; a form the city returned may come back until the city
    deadline, since the city bureau has to recommend it by then. The deadline and its name."""
    if statuses and statuses[-1] is FormStatus.RETURNED:
        return call.city_deadline, "退回后重新提交的截止时间（市局推荐截止时间）"
    return call.unit_deadline, "单位提交截止时间"


def _tell_city(tx: Transaction, city: City, batch: str, unit_name: str, deadline: datetime, batch_id: str) -> None:
    """A SUBMITTED notice to every active account of the unit's city bureau for this batch."""
    for user in account_store.list_users(tx):
        if user.active and any(g.role is Role.CITY and g.city == city and g.batch_id in (None, batch_id)
                               for g in user.grants):
            notify(tx, user.login, NoticeKind.SUBMITTED, {"batch": batch, "unit": unit_name,
                                                          "deadline": deadline.isoformat(sep=" ", timespec="minutes")})


def versions_of(storage: Storage, principal: Principal, batch_id: str, credit_code: str) -> list[Submission]:
    get_draft(storage, principal, batch_id, credit_code)  # the same access rule as the draft
    return [Submission(batch_id=batch_id, credit_code=credit_code, version=r.version,
                       application=Application.model_validate(r.data), status=FormStatus(r.status),
                       submitted_at=r.submitted_at, submitted_by=r.submitted_by)
            for r in store.submissions(storage, batch_id, credit_code)]
