"""A unit's 申报书 as a draft: the JSON of a partial Application, saved section by section, checked live with the
import's own rules (scoring/intake/checks.py), each problem named by the field it belongs to."""
from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum

from pydantic import BaseModel, ValidationError

from scoring.applying.calls import ApplyingError, get_call
from scoring.applying.units import require_own_unit, require_reader
from scoring.common.access import Principal
from scoring.common.clock import today
from scoring.common.normalize import explain_validation_error
from scoring.common.models import (ActionKind, Application, Attachment, AttachmentKind, Batch, CheckId, Outcome,
                                   compact_code)
from scoring.intake.checks import run_checks
from scoring.storage import applying_store as store
from scoring.storage.store import Storage

# Attachments are uploaded as files (scoring/applying/attachments.py), never typed into the draft; the date of
# submission is the day the unit submits.
SECTIONS = frozenset(Application.model_fields) - {"batch_id", "attachments", "submitted_on"}
# The checks a unit answers for: the city's letter comes after submission (scoring/applying/city_review.py) and the
# unit deadline is the call's, enforced at submission.
LATER_CHECKS = frozenset({CheckId.RECOMMENDATION, CheckId.DEADLINE})

# Where on the form a failed check is shown.
CHECK_FIELDS: dict[CheckId, str] = {
    CheckId.CREDIT_CODE: "basic.credit_code",
    CheckId.UNIT_TYPE: "basic.unit_type",
    CheckId.COMMITMENT: "commitment",
    CheckId.BUDGET: "budget",
    CheckId.PATENT_OUTPUT: "patents",
    CheckId.CONVERSION: "conversions",
}


class FormStatus(StrEnum):
    """A submitted version's state; the latest version's is the form's. The values are stored."""

    SUBMITTED = "已提交"
    RETURNED = "已退回"
    RECOMMENDED = "已推荐"
    SENT = "已报送省局"  # handed over with the city's letter: the form is in the province's batch


def is_locked(storage: Storage, batch_id: str, credit_code: str) -> bool:
    """Submitted (or recommended) and not returned: the unit may not change the form."""
    versions = store.submissions(storage, batch_id, credit_code)
    return bool(versions) and versions[-1].status != FormStatus.RETURNED


class Draft(BaseModel):
    batch_id: str
    credit_code: str
    data: dict
    saved_at: datetime
    saved_by: str


class DraftProblem(BaseModel):
    """One problem beside the field it belongs to (a dotted path: basic.credit_code, patents.0.year)."""

    field: str
    message: str
    blocking: bool = True  # False: the rule asks staff to decide, not the unit to correct


def _readable(storage: Storage, principal: Principal, batch_id: str, credit_code: str) -> store.DraftRecord | None:
    require_reader(storage, principal, batch_id, credit_code)
    return store.get_draft(storage, batch_id, credit_code)


def _keyed_basic(value, credit_code: str):
    """The basic section keeps the credit code the draft is filed under: a different one is refused."""
    if not isinstance(value, dict):
        return value
    given = compact_code(str(value.get("credit_code") or credit_code))
    if given != credit_code:
        raise ApplyingError(f"统一社会信用代码不能改动：本申报书属于 {credit_code}，所填为 {given}。")
    return {**value, "credit_code": credit_code}


def _unit_part(value, principal: Principal):
    """四、推荐意见 as the unit fills it: its own confirmation; the city is the unit's, the city's part stays blank."""
    if not isinstance(value, dict):
        return value
    return {**value, "city": str(principal.unit.city), "city_recommended": False, "city_recommendation_date": None}


def save_section(storage: Storage, principal: Principal, batch_id: str, credit_code: str, section: str,
                 value) -> Draft:
    """Store one section as given; the draft may stay incomplete until submission."""
    if section not in SECTIONS:
        raise ApplyingError(f"申报书没有“{section}”这一部分。")
    credit_code = compact_code(credit_code)
    get_call(storage, batch_id)
    require_own_unit(storage, principal, batch_id, credit_code)
    if section == "basic":
        value = _keyed_basic(value, credit_code)
    if section == "recommendation":
        value = _unit_part(value, principal)
    found = store.get_draft(storage, batch_id, credit_code)
    if is_locked(storage, batch_id, credit_code):
        raise ApplyingError("申报书已提交，已锁定，不能修改；如需修改请等待市局退回。")
    data = dict(found.data) if found else {"batch_id": batch_id, "basic": {"credit_code": credit_code}}
    data[section] = value
    with storage.transaction(principal.login) as tx:
        store.put_draft(tx, batch_id, credit_code, data, tx.now)
        tx.audit(ActionKind.APPLY_DRAFT_SAVE, f"draft/{batch_id}/{credit_code}", "", {"section": section})
        at = tx.now
    return Draft(batch_id=batch_id, credit_code=credit_code, data=data, saved_at=at, saved_by=principal.login)


def get_draft(storage: Storage, principal: Principal, batch_id: str, credit_code: str) -> Draft:
    found = _readable(storage, principal, batch_id, credit_code)
    if found is None:
        raise ApplyingError(f"没有统一社会信用代码为 {credit_code} 的申报书草稿。")
    return Draft(batch_id=batch_id, credit_code=credit_code, data=found.data, saved_at=found.saved_at,
                 saved_by=found.saved_by)


def check_draft(storage: Storage, principal: Principal, batch_id: str, credit_code: str) -> list[DraftProblem]:
    """The form's own validation, then (once the form is whole) the formal and eligibility checks the unit answers
    for, as if it submitted today."""
    draft = get_draft(storage, principal, batch_id, credit_code)
    missing = missing_attachments(storage, batch_id, credit_code)
    files = [DraftProblem(field="attachments", message=f"尚未上传必须的附件：{'、'.join(missing)}")] if missing else []
    try:
        application = as_application(storage, draft, today())
    except ValidationError as exc:
        return [DraftProblem(field=".".join(str(p) for p in e["loc"]) or "申报书", message=explain_validation_error(e))
                for e in exc.errors()] + files
    return unit_problems(application, storage.get_batch(batch_id)) + files


def unit_problems(application: Application, batch: Batch) -> list[DraftProblem]:
    """The formal and eligibility checks a unit answers for, each beside the field it names."""
    return [DraftProblem(field=CHECK_FIELDS[r.check_id], message="；".join(r.reasons) or r.title,
                         blocking=r.outcome is Outcome.FAIL)
            for r in run_checks(application, batch)
            if r.outcome is not Outcome.PASS and r.check_id not in LATER_CHECKS]


def as_application(storage: Storage, draft: Draft, submitted_on: date) -> Application:
    """The draft as a whole Application submitted on the day given, with the unit's current files;
    a ValidationError names what is still missing."""
    uploaded_now = [a.model_dump(mode="json") for a in uploaded(storage, draft.batch_id, draft.credit_code)]
    return Application.model_validate(draft.data | {"submitted_on": submitted_on.isoformat(),
                                                    "attachments": uploaded_now})


def uploaded(storage: Storage, batch_id: str, credit_code: str) -> list[Attachment]:
    """The unit's current file of each kind, as the Application carries them (the bytes are stored by hash)."""
    return [Attachment(kind=r.kind, filename=r.filename, sha256=r.sha256, size=r.size)
            for r in store.attachments(storage, batch_id, credit_code)]


def missing_attachments(storage: Storage, batch_id: str, credit_code: str) -> list[AttachmentKind]:
    """The call's required kinds the unit has not uploaded yet, in the call's order."""
    have = {r.kind for r in store.attachments(storage, batch_id, credit_code)}
    return [k for k in get_call(storage, batch_id).required_attachments if k not in have]
