"""A unit submits its whole 申报书 to the city bureau before the unit deadline; each submission is a numbered
version, kept, and the form is locked until the city bureau returns it."""
from __future__ import annotations

from datetime import datetime
from pydantic import BaseModel, ValidationError

from scoring.applying.calls import ApplyingError, get_call
from scoring.applying.drafts import FormStatus, get_draft
from scoring.common.access import AccessDenied, Principal
from scoring.common.models import ActionKind, Application
from scoring.storage import applying_store as store
from scoring.storage.store import Storage


class Submission(BaseModel):
    batch_id: str
    credit_code: str
    version: int
    application: Application
    status: FormStatus
    submitted_at: datetime
    submitted_by: str


def _shown(at: datetime) -> str:
    return at.strftime("%Y年%m月%d日 %H:%M:%S")


def submit(storage: Storage, principal: Principal, batch_id: str, credit_code: str) -> Submission:
    draft = get_draft(storage, principal, batch_id, credit_code)
    if draft.saved_by != principal.login:
        raise AccessDenied("只能提交本单位的申报书。")
    call = get_call(storage, batch_id)
    try:
        application = Application.model_validate(draft.data)
    except ValidationError as exc:
        fields = "、".join(sorted({".".join(str(p) for p in e["loc"]) for e in exc.errors()}))
        raise ApplyingError(f"申报书尚未填写完整，不能提交：{fields}。") from exc
    with storage.transaction(principal.login) as tx:
        # Re-read under the write lock: two clicks of 提交 make one version, not two.
        versions = store.submissions(tx, batch_id, credit_code)
        if versions and versions[-1].status != FormStatus.RETURNED:
            raise ApplyingError(f"申报书已{versions[-1].status}，不能再次提交；如需修改请等待市局退回。")
        if tx.now > call.unit_deadline:
            raise ApplyingError(f"已过单位提交截止时间（{_shown(call.unit_deadline)}），现在是 {_shown(tx.now)}，"
                                "不能提交。")
        version = len(versions) + 1
        store.add_submission(tx, batch_id, credit_code, version, application.model_dump(mode="json"),
                             FormStatus.SUBMITTED, tx.now)
        tx.audit(ActionKind.APPLY_SUBMIT, f"draft/{batch_id}/{credit_code}", "", {"version": version})
        at = tx.now
    return Submission(batch_id=batch_id, credit_code=credit_code, version=version, application=application,
                      status=FormStatus.SUBMITTED, submitted_at=at, submitted_by=principal.login)


def versions_of(storage: Storage, principal: Principal, batch_id: str, credit_code: str) -> list[Submission]:
    get_draft(storage, principal, batch_id, credit_code)  # the same access rule as the draft
    return [Submission(batch_id=batch_id, credit_code=credit_code, version=r.version,
                       application=Application.model_validate(r.data), status=FormStatus(r.status),
                       submitted_at=r.submitted_at, submitted_by=r.submitted_by)
            for r in store.submissions(storage, batch_id, credit_code)]
