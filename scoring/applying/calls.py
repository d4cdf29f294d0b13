"""An application call: a batch opened for units to apply, with its guideline, deadlines and required files."""
from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from pydantic import Field, model_validator

from scoring.common.access import Permission, Principal, require
from scoring.common.errors import ReviewError
from scoring.common.models import ActionKind, AttachmentKind, FormModel, Reason
from scoring.storage import applying_store as store
from scoring.storage.store import Storage


class ApplyingError(ReviewError):
    """A step of applying that the rules refuse; the message says why in Chinese."""


class Eligible(StrEnum):
    ANY_UNIT = "任一申报单位账号"
    INVITED = "仅受邀单位"


class ApplicationCall(FormModel):
    batch_id: str = Field(title="批次编号")
    guideline: str = Field("", title="申报指南")
    guideline_link: str = Field("", title="申报指南链接")
    unit_deadline: datetime = Field(title="单位提交截止时间")
    city_deadline: datetime = Field(title="市局推荐截止时间")
    required_attachments: list[AttachmentKind] = Field([], title="必须上传的附件")
    eligible: Eligible = Field(Eligible.ANY_UNIT, title="可申报单位")

    @model_validator(mode="after")
    def _city_after_unit(self) -> ApplicationCall:
        if self.city_deadline < self.unit_deadline:
            raise ValueError("市局推荐截止时间不能早于单位提交截止时间")
        return self


def shown_time(at: datetime) -> str:
    """A deadline or the time now, as a refusal names it."""
    return at.strftime("%Y年%m月%d日 %H:%M:%S")


def open_call(storage: Storage, principal: Principal, call: ApplicationCall, reason: str = "") -> ApplicationCall:
    require(principal, Permission.MANAGE_BATCHES, call.batch_id)
    if storage.get_batch(call.batch_id) is None:
        raise ApplyingError(f"批次“{call.batch_id}”不存在，不能开放申报。")
    with storage.transaction(principal.login) as tx:
        store.put_call(tx, call.batch_id, call.model_dump(mode="json"), tx.now)
        tx.audit(ActionKind.APPLY_CALL_OPEN, f"batch/{call.batch_id}", reason, call.model_dump(mode="json"))
    return call


def find_call(storage: Storage, batch_id: str) -> ApplicationCall | None:
    found = store.get_call(storage, batch_id)
    return ApplicationCall.model_validate(found.data) if found else None


def get_call(storage: Storage, batch_id: str) -> ApplicationCall:
    call = find_call(storage, batch_id)
    if call is None:
        raise ApplyingError(f"批次“{batch_id}”尚未开放申报。")
    return call


def extend_deadline(storage: Storage, principal: Principal, batch_id: str, *, unit_deadline: datetime | None = None,
                    city_deadline: datetime | None = None, reason: Reason) -> ApplicationCall:
    """Staff move a deadline; the reason is required and the old and new times are audited."""
    require(principal, Permission.MANAGE_BATCHES, batch_id)
    if len((reason or "").strip()) < 2:
        raise ApplyingError("延长截止时间须说明理由。")
    call = get_call(storage, batch_id)
    changed = call.model_copy(update={k: v for k, v in (("unit_deadline", unit_deadline),
                                                         ("city_deadline", city_deadline)) if v is not None})
    changed = ApplicationCall.model_validate(changed.model_dump())
    with storage.transaction(principal.login) as tx:
        store.put_call(tx, batch_id, changed.model_dump(mode="json"), tx.now)
        tx.audit(ActionKind.APPLY_DEADLINE_EXTEND, f"batch/{batch_id}", reason, {
            "before": {"unit_deadline": call.unit_deadline, "city_deadline": call.city_deadline},
            "after": {"unit_deadline": changed.unit_deadline, "city_deadline": changed.city_deadline}})
    return changed
