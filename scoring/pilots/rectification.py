"""Rectification (整改): a pilot whose year was found 基本合格 or 不合格 is 整改; its unit submits a 整改报告 (text, and a
file if it likes), as often as it needs, and staff record the re-check — passed puts the pilot back to 在建 (通过 in its
last year), not passed makes it 未通过. The status changes in the same transaction as the re-check."""
from __future__ import annotations

import hashlib
import json
from datetime import datetime

from pydantic import BaseModel

from scoring.applying.attachments import checked_file
from scoring.common.access import AccessDenied, Permission, Principal, require
from scoring.common.errors import ReviewError
from scoring.common.models import ActionKind, compact_code
from scoring.pilots.registry import Pilot, PilotError, PilotStatus, get_pilot, pilot_entity, record_status
from scoring.storage import Storage
from scoring.storage import report_store as store

MAX_TEXT = 20_000


class RectificationError(PilotError):
    """A request about a rectification that cannot be done; the message is for users."""


class RectificationFile(BaseModel):
    filename: str
    sha256: str
    size: int


class Recheck(BaseModel):
    passed: bool
    reason: str
    rechecked_at: datetime
    rechecked_by: str


class Rectification(BaseModel):
    """One 整改报告 of a pilot for a year, and staff's re-check of it once recorded."""

    batch_id: str
    credit_code: str
    year: int
    version: int
    text: str
    file: RectificationFile | None = None
    submitted_at: datetime
    submitted_by: str
    recheck: Recheck | None = None


PASSED, NOT_PASSED = "通过", "未通过"


def _entity(batch_id: str, credit_code: str, year: int) -> str:
    return f"{pilot_entity(batch_id, credit_code)}/rectification/{year}"


def _checked_year(pilot: Pilot, year: int) -> None:
    if not pilot.in_year(year):
        raise RectificationError(f"{year} 年不在试点“{pilot.unit_name}”的建设期（{pilot.period}）内。")


def _require_rectifying(pilot: Pilot) -> None:
    if pilot.status is not PilotStatus.RECTIFYING:
        raise RectificationError(f"试点“{pilot.unit_name}”当前状态为{pilot.status}，不在整改期，不能提交或复核整改报告。")


def submit_rectification(storage: Storage, principal: Principal, batch_id: str, credit_code: str, year: int,
                         text: str, file: tuple[str, bytes] | None = None) -> Rectification:
    """The unit's own account submits its 整改报告 while the pilot is 整改; the file is kept by its hash."""
    require(principal, Permission.REPORT, batch_id)
    if principal.unit is None or principal.unit.credit_code != compact_code(credit_code):
        raise AccessDenied("只能提交本单位的整改报告。")
    pilot = get_pilot(storage, principal, batch_id, credit_code)
    _checked_year(pilot, year)
    _require_rectifying(pilot)
    text = (text or "").strip()
    if len(text) < 10:
        raise RectificationError("请填写整改报告（至少十个字），写明问题逐项整改的情况。")
    if len(text) > MAX_TEXT:
        raise RectificationError(f"整改报告不能超过 {MAX_TEXT} 字，较长的内容请作为附件上传。")
    kept = None
    if file is not None:
        try:
            name = checked_file(*file)
        except ReviewError as exc:
            raise RectificationError(str(exc)) from None
        kept = RectificationFile(filename=name, sha256=hashlib.sha256(file[1]).hexdigest(), size=len(file[1]))
    version = store.last_rectification(storage, batch_id, pilot.credit_code, year) + 1
    data = {"text": text, "file": kept.model_dump() if kept else None}
    with storage.transaction(principal.actor) as tx:
        if kept:
            storage.keep_attachment(tx, kept.sha256, file[1])
        store.insert_rectification(tx, batch_id, pilot.credit_code, year, version, data)
        tx.audit(ActionKind.RECTIFY_SUBMIT, _entity(batch_id, pilot.credit_code, year), "提交整改报告",
                 {"version": version, "file": data["file"]})
    return rectifications(storage, principal, batch_id, pilot.credit_code, year)[-1]


def record_recheck(storage: Storage, principal: Principal, batch_id: str, credit_code: str, year: int, passed: bool,
                   reason: str) -> Rectification:
    """Staff record the re-check of the latest 整改报告: passed → 在建 (通过 when `year` is the pilot's last year),
    not passed → 未通过."""
    require(principal, Permission.MANAGE_PILOTS, batch_id)
    reason = (reason or "").strip()
    if len(reason) < 2:
        raise RectificationError("请写明复核意见（至少两个字），意见记入审计日志。")
    pilot = get_pilot(storage, principal, batch_id, credit_code)
    _checked_year(pilot, year)
    _require_rectifying(pilot)
    found = store.rectifications(storage, batch_id, pilot.credit_code, year)
    if not found:
        raise RectificationError(f"“{pilot.unit_name}”尚未提交 {year} 年的整改报告，不能复核。")
    latest = found[-1]
    if latest.recheck is not None:
        raise RectificationError(f"第 {latest.version} 版整改报告已复核（{latest.recheck}）。")
    status = (PilotStatus.PASSED if year == pilot.last_year else PilotStatus.BUILDING) if passed else PilotStatus.FAILED
    with storage.transaction(principal.actor) as tx:
        store.set_recheck(tx, batch_id, pilot.credit_code, year, latest.version, PASSED if passed else NOT_PASSED,
                          reason)
        tx.audit(ActionKind.RECTIFY_RECHECK, _entity(batch_id, pilot.credit_code, year), reason,
                 {"version": latest.version, "passed": passed, "status": str(status)})
        record_status(tx, pilot, year, status, f"整改复核{'通过' if passed else '未通过'}：{reason}")
    return rectifications(storage, principal, batch_id, pilot.credit_code, year)[-1]


def _rectification(batch_id: str, credit_code: str, record: store.RectificationRecord) -> Rectification:
    data = json.loads(record.data)
    recheck = None
    if record.recheck is not None:
        recheck = Recheck(passed=record.recheck == PASSED, reason=record.recheck_reason or "",
                          rechecked_at=record.rechecked_at, rechecked_by=record.rechecked_by or "")
    return Rectification(batch_id=batch_id, credit_code=credit_code, year=record.year, version=record.version,
                         text=data["text"], file=RectificationFile(**data["file"]) if data.get("file") else None,
                         submitted_at=record.submitted_at, submitted_by=record.submitted_by, recheck=recheck)


def rectifications(storage: Storage, principal: Principal, batch_id: str, credit_code: str,
                   year: int | None = None) -> list[Rectification]:
    """The pilot's 整改报告 (of one year, or every year), oldest first, for whoever may see the pilot."""
    pilot = get_pilot(storage, principal, batch_id, credit_code)
    return [_rectification(batch_id, pilot.credit_code, r)
            for r in store.rectifications(storage, batch_id, pilot.credit_code, year)]


def rectification_file(storage: Storage, principal: Principal, batch_id: str, credit_code: str,
                       sha256: str) -> tuple[str, bytes]:
    """A file of one of the pilot's 整改报告, as (name, bytes)."""
    found = next((r.file for r in rectifications(storage, principal, batch_id, credit_code)
                  if r.file and r.file.sha256 == sha256), None)
    content = storage.attachment_content(sha256) if found else None
    if content is None:
        raise RectificationError("该试点的整改报告没有这个附件。")
    return found.filename, content
