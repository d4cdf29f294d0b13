"""The objection register (异议登记) of a publicity: every objection received is recorded — an anonymous or late one,
or one without its seal or signature, as not accepted with the reason, never dropped — handled with notes, and an
accepted one decided (成立 / 不成立) with a reason. An upheld objection takes its unit off the confirmed list.

Objectors are private persons: staff and observers read the register; city bureaus and experts do not."""
from __future__ import annotations

import hashlib
import json
from collections.abc import Sequence
from datetime import date, datetime
from enum import StrEnum
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field

from scoring.common.access import Permission, Principal, require
from scoring.common.models import ActionKind
from scoring.publicity.notices import PublicityError, PublishedNotice, required_notice
from scoring.rounds.review_rounds import checked_reason, stored_round
from scoring.storage import Storage
from scoring.storage import publicity_store as store
from scoring.storage.publicity_store import ObjectionEvent

MAX_EVIDENCE_BYTES = 50 * 1024 * 1024


class ObjectorKind(StrEnum):
    UNIT = "单位"
    PERSON = "个人"


class ObjectionDecision(StrEnum):
    UPHELD = "异议成立"
    REJECTED = "异议不成立"


class ObjectionStatus(StrEnum):
    NOT_ACCEPTED = "不予受理"
    OPEN = "待处理"
    UPHELD = "异议成立"
    REJECTED = "异议不成立"


class ObjectionInput(BaseModel):
    """An objection as received: who (real name and a way to reach them), whether it carries the unit's seal or the
    person's signature, the unit it concerns and what it says."""

    model_config = ConfigDict(frozen=True, str_strip_whitespace=True)

    received_on: date = Field(title="收到日期")
    objector_kind: ObjectorKind = Field(title="异议人类型")
    objector_name: Annotated[str, Field(max_length=200)] = Field("", title="异议人（单位名称或真实姓名）")
    phone: Annotated[str, Field(max_length=50)] = Field("", title="联系电话")
    email: Annotated[str, Field(max_length=200)] = Field("", title="电子邮箱")
    address: Annotated[str, Field(max_length=300)] = Field("", title="通讯地址")
    sealed_or_signed: bool = Field(False, title="已加盖公章（单位）或签名（个人）")
    credit_code: Annotated[str, Field(min_length=1)] = Field(title="异议涉及单位")
    content: Annotated[str, Field(min_length=1, max_length=20_000)] = Field(title="异议内容")


class EvidenceFile(BaseModel):
    model_config = ConfigDict(frozen=True)

    name: str
    sha256: str
    size: int


class ObjectionNote(BaseModel):
    model_config = ConfigDict(frozen=True)

    text: str
    actor: str
    at: datetime


class Objection(BaseModel):
    """A registered objection with its handling notes and its decision (the newest stands)."""

    objection_id: int
    round_id: str
    notice_version: int
    received: ObjectionInput
    unit_name: str
    evidence: list[EvidenceFile]
    accepted: bool
    not_accepted_reason: str
    registered_by: str
    registered_at: datetime
    notes: list[ObjectionNote] = []
    decision: ObjectionDecision | None = None
    decision_reason: str = ""
    decided_by: str = ""
    decided_at: datetime | None = None

    @property
    def status(self) -> ObjectionStatus:
        if not self.accepted:
            return ObjectionStatus.NOT_ACCEPTED
        if self.decision is None:
            return ObjectionStatus.OPEN
        return ObjectionStatus(self.decision.value)


def acceptance_problems(received: ObjectionInput, notice: PublishedNotice) -> list[str]:
    """Why an objection is not accepted (empty: accepted): no real name or no contact (anonymous), outside the
    period, no seal or signature."""
    problems = []
    if not received.objector_name:
        problems.append("匿名异议（未署真实姓名或单位名称）")
    if not (received.phone or received.email or received.address):
        problems.append("未留联系方式")
    if received.received_on > notice.end:
        problems.append(f"超出公示期（公示期至 {notice.end:%Y-%m-%d}，{received.received_on:%Y-%m-%d} 收到）")
    elif received.received_on < notice.start:
        problems.append(f"公示开始前收到（公示期自 {notice.start:%Y-%m-%d} 起）")
    if not received.sealed_or_signed:
        problems.append("单位异议未加盖公章" if received.objector_kind is ObjectorKind.UNIT else "个人异议未签名")
    return problems


def register_objection(storage: Storage, principal: Principal, round_id: str, received: ObjectionInput,
                       evidence: Sequence[tuple[str, bytes]] = ()) -> Objection:
    """Record an objection against the notice in force, with its evidence files; whether it is accepted follows
    from what was received (acceptance_problems)."""
    review_round = stored_round(storage, round_id)
    require(principal, Permission.MANAGE_ROUNDS, review_round.batch_id)
    notice = required_notice(storage, principal, round_id)
    listed = {u.credit_code: u.unit_name for u in notice.units}
    if received.credit_code not in listed:
        raise PublicityError(f"异议涉及单位（{received.credit_code}）不在第 {notice.version} 版公示名单中。")
    for name, content in evidence:
        if len(content) > MAX_EVIDENCE_BYTES:
            raise PublicityError(f"证明材料“{name}”超过 {MAX_EVIDENCE_BYTES // 1024 // 1024} MB。")
    files = [EvidenceFile(name=name, sha256=hashlib.sha256(content).hexdigest(), size=len(content))
             for name, content in evidence]
    problems = acceptance_problems(received, notice)
    data = {"received": received.model_dump(mode="json"), "evidence": [f.model_dump() for f in files]}
    with storage.transaction(principal.actor) as tx:
        for file, (_name, content) in zip(files, evidence, strict=True):
            storage.keep_attachment(tx, file.sha256, content)
        objection_id = store.insert_objection(tx, round_id, notice.version, data=json.dumps(data, ensure_ascii=False),
                                              credit_code=received.credit_code, accepted=not problems,
                                              not_accepted_reason="；".join(problems))
        tx.audit(ActionKind.OBJECTION_REGISTER, objection_entity(review_round.batch_id, round_id, objection_id), "",
                 {"credit_code": received.credit_code, "accepted": not problems, "not_accepted": problems,
                  "evidence": [f.model_dump() for f in files]})
        registered_at = tx.now
    return Objection(objection_id=objection_id, round_id=round_id, notice_version=notice.version, received=received,
                     unit_name=listed[received.credit_code], evidence=files, accepted=not problems,
                     not_accepted_reason="；".join(problems), registered_by=principal.actor,
                     registered_at=registered_at)


def objection_entity(batch_id: str, round_id: str, objection_id: int) -> str:
    return f"objection/{batch_id}/{round_id}/{objection_id}"


def objections(storage: Storage, principal: Principal, round_id: str) -> list[Objection]:
    """The round's register, oldest first, with notes and the standing decision of each."""
    review_round = stored_round(storage, round_id)
    require(principal, Permission.VIEW_ASSIGNMENTS, review_round.batch_id)
    names = {}
    for notice in store.load_notices(storage, round_id):
        names.update({u["credit_code"]: u["unit_name"] for u in json.loads(notice.document)["units"]})
    register = {}
    for record in store.load_objections(storage, round_id):
        content = json.loads(record.data)
        register[record.objection_id] = Objection(
            objection_id=record.objection_id, round_id=round_id, notice_version=record.notice_version,
            received=ObjectionInput(**content["received"]), unit_name=names.get(record.credit_code, record.credit_code),
            evidence=[EvidenceFile(**f) for f in content["evidence"]], accepted=record.accepted,
            not_accepted_reason=record.not_accepted_reason, registered_by=record.registered_by,
            registered_at=record.registered_at)
    for event in store.load_objection_events(storage, round_id):
        objection = register[event.objection_id]
        if event.kind is ObjectionEvent.NOTE:
            objection.notes.append(ObjectionNote(text=event.text, actor=event.actor, at=event.acted_at))
        else:
            objection.decision, objection.decision_reason = ObjectionDecision(event.decision), event.text
            objection.decided_by, objection.decided_at = event.actor, event.acted_at
    return list(register.values())


def objection(storage: Storage, principal: Principal, objection_id: int) -> Objection:
    record = store.load_objection(storage, objection_id)
    if record is None:
        raise PublicityError(f"没有编号为 {objection_id} 的异议。")
    return next(o for o in objections(storage, principal, record.round_id) if o.objection_id == objection_id)


def add_note(storage: Storage, principal: Principal, objection_id: int, text: str) -> Objection:
    """A handling note (调查核实情况); any objection, accepted or not, may get one."""
    found = objection(storage, principal, objection_id)
    review_round = stored_round(storage, found.round_id)
    require(principal, Permission.MANAGE_ROUNDS, review_round.batch_id)
    text = checked_reason(text, "处理记录")
    with storage.transaction(principal.actor) as tx:
        store.insert_objection_event(tx, objection_id, ObjectionEvent.NOTE, text)
        tx.audit(ActionKind.OBJECTION_NOTE, objection_entity(review_round.batch_id, found.round_id, objection_id), text)
    return objection(storage, principal, objection_id)


def decide_objection(storage: Storage, principal: Principal, objection_id: int, decision: ObjectionDecision,
                     reason: str) -> Objection:
    """Decide an accepted objection with a reason; a later decision supersedes an earlier one until the list is
    confirmed, after which decisions are final."""
    found = objection(storage, principal, objection_id)
    review_round = stored_round(storage, found.round_id)
    require(principal, Permission.MANAGE_ROUNDS, review_round.batch_id)
    reason = checked_reason(reason, "异议处理决定")
    if not found.accepted:
        raise PublicityError(f"第 {objection_id} 号异议不予受理（{found.not_accepted_reason}），无需作出决定。")
    if store.notice_confirmed(storage, found.round_id, found.notice_version):
        raise PublicityError("名单已确认，异议处理决定不能再改变。")
    with storage.transaction(principal.actor) as tx:
        store.insert_objection_event(tx, objection_id, ObjectionEvent.DECISION, reason, decision.value)
        tx.audit(ActionKind.OBJECTION_DECIDE, objection_entity(review_round.batch_id, found.round_id, objection_id),
                 reason, {"decision": decision.value, "credit_code": found.received.credit_code})
    return objection(storage, principal, objection_id)


def evidence_content(storage: Storage, principal: Principal, objection_id: int, sha256: str) -> bytes:
    """An evidence file of an objection, for those who may read the register."""
    found = objection(storage, principal, objection_id)
    if sha256 not in {f.sha256 for f in found.evidence}:
        raise PublicityError(f"第 {objection_id} 号异议没有这个证明材料。")
    return storage.attachment_content(sha256)
