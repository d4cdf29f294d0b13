"""Confirmation (择优确认) after the publicity: the confirmed list — the published list minus the units of upheld
objections — frozen once the period has ended and every accepted objection is decided; then one confirmation letter
(确认通知) per confirmed unit, each with a document number (文号) given once and never reused."""
from __future__ import annotations

import hashlib
import json
from collections.abc import Sequence
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field

from scoring.common import clock
from scoring.common.access import Permission, Principal, require
from scoring.common.errors import InputError
from scoring.documents.official import (
    LetterDocument,
    ListedUnit,
    Paragraph,
    Section,
    chinese_date,
    document_number,
)
from scoring.common.models import PROGRAM_TITLE, ActionKind
from scoring.pilots import registry
from scoring.publicity.objections import Objection, ObjectionStatus, objections
from scoring.publicity.notices import (
    BASIS,
    ISSUER,
    PublicityError,
    PublishedNotice,
    required_notice,
    require_reader,
    save_settings,
    saved_settings,
)
from scoring.rounds.review_rounds import checked_reason, round_entity, stored_round
from scoring.storage import Storage
from scoring.storage import publicity_store as store
from scoring.storage.publicity_store import SettingsKind

LETTERS_KIND = SettingsKind.LETTERS
CHINESE_NUMERALS = "一二三四五六七八九十"


class LetterSettings(BaseModel):
    """What staff set for the letters; blanks take the defaults."""

    model_config = ConfigDict(frozen=True)

    prefix: Annotated[str, Field(min_length=1, max_length=20, pattern=r"^[^〔〕\[\]()（）\s]+$")] = \
        Field("辽知发", title="发文字号前缀")
    number_year: Annotated[int, Field(ge=2000, le=2100)] | None = Field(None, title="文号年份（留空为落款年份）")
    first_sequence: Annotated[int, Field(ge=1, le=99_999)] = Field(1, title="起始序号")
    title: Annotated[str, Field(max_length=200)] = Field("", title="标题（留空按批次年度生成）")
    funding_wan: Annotated[Decimal, Field(ge=0, le=100, decimal_places=2)] | None = Field(None, title="启动资金（万元）")
    issued_on: date | None = Field(None, title="成文日期（留空为生成当天）")
    issuer: Annotated[str, Field(min_length=1, max_length=100)] = Field(ISSUER, title="发文机关")
    printer: Annotated[str, Field(min_length=1, max_length=100)] = Field("辽宁省知识产权局办公室", title="印发机关")
    copy_to_pattern: Annotated[str, Field(max_length=100)] = Field("{city}知识产权局", title="抄送（{city} 为单位所在市）")
    extra_copy_to: list[str] = Field(default_factory=list, title="其他抄送单位")


class RemovedUnit(BaseModel):
    model_config = ConfigDict(frozen=True)

    credit_code: str
    unit_name: str
    objection_ids: list[int]
    reasons: list[str]


class Confirmation(BaseModel):
    """The confirmed list of a notice, frozen."""

    round_id: str
    version: int
    notice_version: int
    units: list[ListedUnit]
    removed: list[RemovedUnit]
    sha256: str
    reason: str
    confirmed_by: str
    confirmed_at: datetime


def confirmed_units(units: Sequence[ListedUnit], register: Sequence[Objection]) -> tuple[list[ListedUnit],
                                                                                     list[RemovedUnit]]:
    """The published list without the units of upheld objections, numbered again; and the units taken off, why."""
    upheld: dict[str, list[Objection]] = {}
    for item in register:
        if item.status is ObjectionStatus.UPHELD:
            upheld.setdefault(item.received.credit_code, []).append(item)
    kept = [u.model_copy(update={"order": n}) for n, u in
            enumerate((u for u in units if u.credit_code not in upheld), 1)]
    removed = [RemovedUnit(credit_code=u.credit_code, unit_name=u.unit_name,
                           objection_ids=[o.objection_id for o in upheld[u.credit_code]],
                           reasons=[o.decision_reason for o in upheld[u.credit_code]])
               for u in units if u.credit_code in upheld]
    return kept, removed


def _confirmation(record: store.ConfirmationRecord) -> Confirmation:
    content = json.loads(record.data)
    return Confirmation(round_id=record.round_id, version=record.version, notice_version=record.notice_version,
                        units=[ListedUnit(**u) for u in content["units"]],
                        removed=[RemovedUnit(**r) for r in content["removed"]], sha256=record.sha256,
                        reason=record.reason, confirmed_by=record.confirmed_by, confirmed_at=record.confirmed_at)


def confirmations(storage: Storage, principal: Principal, round_id: str) -> list[Confirmation]:
    review_round = stored_round(storage, round_id)
    require_reader(principal, review_round.batch_id)
    return [_confirmation(record) for record in store.load_confirmations(storage, round_id)]


def current_confirmation(storage: Storage, principal: Principal, round_id: str) -> Confirmation | None:
    """The confirmation of the notice in force, if the list is confirmed."""
    notice = required_notice(storage, principal, round_id)
    return next((c for c in confirmations(storage, principal, round_id) if c.notice_version == notice.version), None)


def confirmation_blockers(notice: PublishedNotice, register: Sequence[Objection], today: date) -> list[str]:
    """Why the list cannot be confirmed today (empty: it can)."""
    blockers = []
    if today <= notice.end:
        blockers.append(f"公示期至 {chinese_date(notice.end)}，期满后方可确认名单。")
    open_ones = [o for o in register if o.notice_version == notice.version and o.status is ObjectionStatus.OPEN]
    if open_ones:
        blockers.append("尚有未作出处理决定的异议：" + "、".join(f"第 {o.objection_id} 号（{o.unit_name}）"
                                                        for o in open_ones))
    return blockers


def confirm_list(storage: Storage, principal: Principal, round_id: str, reason: str) -> Confirmation:
    """Freeze the confirmed list of the notice in force: after the period, with every accepted objection decided; the
    confirmed units become the batch's pilots in the same transaction."""
    review_round = stored_round(storage, round_id)
    require(principal, Permission.MANAGE_ROUNDS, review_round.batch_id)
    reason = checked_reason(reason, "确认名单")
    notice = required_notice(storage, principal, round_id)
    register = [o for o in objections(storage, principal, round_id) if o.notice_version == notice.version]
    if current_confirmation(storage, principal, round_id) is not None:
        raise PublicityError("本次公示的名单已确认。")
    blockers = confirmation_blockers(notice, register, clock.today())
    if blockers:
        raise PublicityError("".join(blockers))
    units, removed = confirmed_units(notice.units, register)
    data = json.dumps({"units": [u.model_dump(mode="json") for u in units],
                       "removed": [r.model_dump(mode="json") for r in removed]}, ensure_ascii=False, sort_keys=True)
    digest = hashlib.sha256(data.encode("utf-8")).hexdigest()
    with storage.transaction(principal.actor) as tx:
        version = store.last_confirmation_version(tx, round_id) + 1
        store.insert_confirmation(tx, round_id, version, notice_version=notice.version, data=data, sha256=digest,
                                  reason=reason)
        tx.audit(ActionKind.PUBLICITY_CONFIRM, round_entity(review_round.batch_id, round_id), reason,
                 {"version": version, "notice_version": notice.version, "units": len(units),
                  "removed": [r.credit_code for r in removed], "sha256": digest})
        registry.create_pilots(tx, storage, review_round.batch_id, round_id, version, units, reason)
        confirmed_at = tx.now
    return Confirmation(round_id=round_id, version=version, notice_version=notice.version, units=units,
                        removed=removed, sha256=digest, reason=reason, confirmed_by=principal.actor,
                        confirmed_at=confirmed_at)


def required_confirmation(storage: Storage, principal: Principal, round_id: str) -> Confirmation:
    confirmation = current_confirmation(storage, principal, round_id)
    if confirmation is None:
        raise PublicityError("名单尚未确认：公示期满并处理完异议后，请先确认名单。")
    return confirmation


# --- letter settings and document numbers --------------------------------------------------------------------------


def letter_settings(storage: Storage, principal: Principal, round_id: str) -> LetterSettings:
    """The saved settings of the round's letters, or the defaults."""
    return saved_settings(storage, principal, round_id, LETTERS_KIND, LetterSettings)


def funding_wan(text: str) -> Decimal | None:
    """启动资金 as typed into the form, in 万元 to two places; None when left blank, InputError when not a number."""
    if not text.strip():
        return None
    try:
        return Decimal(text.strip()).quantize(Decimal("0.01"))
    except InvalidOperation:
        raise InputError(f"启动资金“{text}”不是数字（单位万元，例如 50 或 50.00）") from None


def save_letter_settings(storage: Storage, principal: Principal, round_id: str,
                         settings: LetterSettings) -> LetterSettings:
    save_settings(storage, principal, stored_round(storage, round_id), LETTERS_KIND, settings)
    return settings


def document_numbers(storage: Storage, principal: Principal, round_id: str) -> dict[str, str]:
    """The numbers given to the round's units: credit code → 文号."""
    review_round = stored_round(storage, round_id)
    require_reader(principal, review_round.batch_id)
    return {n.credit_code: document_number(n.prefix, n.year, n.sequence)
            for n in store.load_document_numbers(storage, round_id)}


def assign_numbers(storage: Storage, principal: Principal, round_id: str, settings: LetterSettings,
                   issued_on: date) -> dict[str, str]:
    """Give every confirmed unit without a number the next one of (prefix, year) in list order — never below the
    first sequence, never a number given before; units numbered earlier keep theirs."""
    confirmation = required_confirmation(storage, principal, round_id)
    return number_letters(storage, principal, round_id, settings, issued_on, [u.credit_code for u in confirmation.units])


def number_letters(storage: Storage, principal: Principal, round_id: str, settings: LetterSettings, issued_on: date,
                   codes: Sequence[str]) -> dict[str, str]:
    """Give each unit of `codes` (in order) without a number of this round the next one of (prefix, year); any round's
    letters — confirmation, acceptance, evaluation — draw on the same numbers, so none is given twice."""
    review_round = stored_round(storage, round_id)
    require(principal, Permission.MANAGE_ROUNDS, review_round.batch_id)
    year = settings.number_year or issued_on.year
    numbered = document_numbers(storage, principal, round_id)
    missing = [code for code in codes if code not in numbered]
    if not missing:
        return numbered
    with storage.transaction(principal.actor) as tx:
        sequence = max(store.last_sequence(tx, settings.prefix, year), settings.first_sequence - 1)
        given = []
        for code in missing:
            sequence += 1
            store.insert_document_number(tx, settings.prefix, year, sequence, round_id, code)
            given.append({"credit_code": code, "number": document_number(settings.prefix, year, sequence)})
        tx.audit(ActionKind.LETTERS_NUMBER, round_entity(review_round.batch_id, round_id), "", {"assigned": given})
    return document_numbers(storage, principal, round_id)


# --- the letters ---------------------------------------------------------------------------------------------------


def default_letter_title(year: int) -> str:
    return f"关于确认{year}年度{PROGRAM_TITLE}单位的通知"


def compose_letter(settings: LetterSettings, year: int, notice: PublishedNotice, unit: ListedUnit, number: str,
                   issued_on: date) -> LetterDocument:
    """One unit's letter: the confirmation with the procedure and the publicity period, the pilot period (three
    years from the batch year), the start-up funding if set, the duties (yearly acceptance, final evaluation)."""
    last_year = registry.pilot_years(year)[1]
    opening = [f"{BASIS}，经各市知识产权局推荐、省知识产权局审核、专家评审、会议研究和公示（{chinese_date(notice.start)}"
               f"至{chinese_date(notice.end)}），确认你单位为{year}年度{PROGRAM_TITLE}单位，试点建设期为三年"
               f"（{year}—{last_year}年）。现将有关事项通知如下："]
    parts: list[tuple[str, list[Paragraph]]] = []
    if settings.funding_wan is not None:
        parts.append(("启动资金", [Paragraph(text=f"省知识产权局在专利转化专项计划奖补政策中给予你单位启动资金"
                                                f"{settings.funding_wan.normalize():f}万元，专款用于高校院所知识产权"
                                                "运营中心建设，不得用于征地拆迁、人员经费和专利管理等经常性开支。")]))
    parts.append(("建设任务", [Paragraph(text="请按照三年建设方案和年度工作计划，围绕地方产业和企业创新发展需求，对照"
                                              "试点任务开展专项工作，促进专利技术向中小微企业转化实施，并配备满足"
                                              "知识产权运营需要的专职人员。")]))
    parts.append(("验收与评估", [
        Paragraph(lead="（一）年度验收。", text="省知识产权局每年对试点任务实施情况进行跟踪验收。请于每年12月31日前"
                                               "报送年度工作总结、试点成效及启动资金执行情况。"),
        Paragraph(lead="（二）综合评估。", text=f"试点期满，省知识产权局将于{last_year}年组织综合评估，"
                                               "评估结果作为后续支持的重要依据。")]))
    sections = [Section(heading=f"{CHINESE_NUMERALS[n]}、{heading}", paragraphs=paragraphs)
                for n, (heading, paragraphs) in enumerate(parts)]
    copy_to = [settings.copy_to_pattern.format(city=unit.city)] if settings.copy_to_pattern.strip() else []
    copy_to += [c for c in settings.extra_copy_to if c.strip() and c not in copy_to]
    return LetterDocument(credit_code=unit.credit_code, unit_name=unit.unit_name, number=number,
                          title=settings.title.strip() or default_letter_title(year), addressee=unit.unit_name,
                          opening=opening, sections=sections, closing=["特此通知。"], issuer=settings.issuer,
                          issued_on=issued_on, copy_to=copy_to, printer=settings.printer, printed_on=issued_on)


def prepare_letters(storage: Storage, principal: Principal, round_id: str) -> list[LetterDocument]:
    """Every confirmed unit's letter, in list order, numbers given where missing. The date is the settings' (today's
    when blank, then kept in the settings, so that printing again gives the same letters)."""
    review_round = stored_round(storage, round_id)
    require(principal, Permission.MANAGE_ROUNDS, review_round.batch_id)
    notice = required_notice(storage, principal, round_id)
    confirmation = required_confirmation(storage, principal, round_id)
    settings = letter_settings(storage, principal, round_id)
    if settings.issued_on is None:
        settings = save_letter_settings(storage, principal, round_id,
                                        settings.model_copy(update={"issued_on": clock.today()}))
    numbers = assign_numbers(storage, principal, round_id, settings, settings.issued_on)
    year = storage.get_batch(review_round.batch_id).year
    registry.record_letters(storage, principal.actor, review_round.batch_id, numbers, settings.funding_wan)
    return [compose_letter(settings, year, notice, unit, numbers[unit.credit_code], settings.issued_on)
            for unit in confirmation.units]

