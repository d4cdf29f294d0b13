"""The publicity (公示) of a round's frozen shortlist: the notice's settings, a preview, publishing (which freezes the
notice's text, its list and its period in working days), withdrawing, and reading what was published.

Staff prepare and publish; observers read everything; anyone who may read the batch's applications (city bureaus
too) reads a published notice — it is public once posted."""
from __future__ import annotations

import hashlib
import json
from datetime import date, datetime
from enum import StrEnum
from typing import Annotated, TypeVar

from pydantic import BaseModel, ConfigDict, Field, field_validator

from scoring.common.access import AccessDenied, Permission, Principal, require
from scoring.common.errors import ReviewError
from scoring.documents.official import (
    DEFAULT_COLUMNS,
    NOTICE_COLUMNS,
    REQUIRED_COLUMNS,
    Contact,
    ListColumn,
    ListedUnit,
    NoticeDocument,
    chinese_date,
)
from scoring.common.models import PROGRAM_TITLE, ActionKind
from scoring.rounds.review_rounds import ReviewRound, checked_reason, round_entity, stored_round
from scoring.results.shortlist import Shortlist, shortlists
from scoring.storage import Storage
from scoring.storage import publicity_store as store
from scoring.storage import round_store
from scoring.storage.publicity_store import SettingsKind
from scoring.publicity.workdays import MAX_PERIOD, WorkingPeriod, work_calendar, working_period

ISSUER = "辽宁省知识产权局"
BASIS = "根据《辽宁省培育高校院所知识产权运营中心建设试点单位工作指引》"
PROCEDURE = "经各市知识产权局推荐、省知识产权局审核、专家评审和会议研究"
HOW_TO_OBJECT = ("公示期间，任何单位或个人对公示名单有异议的，请在公示期内以书面形式实名向{issuer}提出，并提供必要的"
                 "证明材料。单位提出异议的，须在异议材料上加盖本单位公章；个人提出异议的，须在异议材料上签署真实姓名，"
                 "并注明联系方式。匿名异议、超出公示期提出的异议不予受理。")
NOTICE_KIND = SettingsKind.NOTICE
SETTINGS_ACTIONS = {SettingsKind.NOTICE: ActionKind.NOTICE_SETTINGS, SettingsKind.LETTERS: ActionKind.LETTER_SETTINGS}
Settings = TypeVar("Settings", bound=BaseModel)


class PublicityError(ReviewError):
    """An operation of the publicity that cannot be done now; the message is for users."""


class NoticeSettings(BaseModel):
    """What staff set for a notice; blanks take the defaults worked out from the batch."""

    model_config = ConfigDict(frozen=True)

    title: Annotated[str, Field(max_length=200)] = Field("", title="标题（留空按批次年度生成）")
    basis: Annotated[str, Field(max_length=500)] = Field(BASIS, title="依据")
    procedure: Annotated[str, Field(max_length=500)] = Field(PROCEDURE, title="评审程序")
    columns: list[ListColumn] = Field(list(DEFAULT_COLUMNS), title="名单列")
    working_days: Annotated[int, Field(ge=1, le=MAX_PERIOD)] = Field(5, title="公示期（工作日）")
    start_date: date | None = Field(None, title="公示开始日期")
    issued_on: date | None = Field(None, title="落款日期（留空为公示开始日期）")
    issuer: Annotated[str, Field(min_length=1, max_length=100)] = Field(ISSUER, title="发布机关")
    contact: Contact = Field(default_factory=Contact, title="异议受理联系方式")

    @field_validator("columns")
    @classmethod
    def _with_required_columns(cls, columns: list[ListColumn]) -> list[ListColumn]:
        chosen = [c for c in NOTICE_COLUMNS if c in columns or c in REQUIRED_COLUMNS]  # the canonical order, no repeats
        return chosen


class NoticeStatus(StrEnum):
    UPCOMING = "未开始"
    RUNNING = "公示中"
    ENDED = "公示期满"
    WITHDRAWN = "已撤回"


class PublishedNotice(BaseModel):
    """A published notice, frozen: its document (text, list, period) exactly as posted."""

    round_id: str
    version: int
    shortlist_version: int
    shortlist_sha256: str
    settings: NoticeSettings
    document: NoticeDocument
    start: date
    end: date
    sha256: str
    reason: str
    published_by: str
    published_at: datetime
    withdrawn_at: datetime | None = None
    withdrawn_by: str | None = None
    withdraw_reason: str | None = None

    def status(self, today: date) -> NoticeStatus:
        if self.withdrawn_at is not None:
            return NoticeStatus.WITHDRAWN
        if today < self.start:
            return NoticeStatus.UPCOMING
        return NoticeStatus.RUNNING if today <= self.end else NoticeStatus.ENDED

    @property
    def units(self) -> list[ListedUnit]:
        return self.document.units


class NoticePreview(BaseModel):
    """What publishing would post now: the document (marked draft), its period and the shortlist it lists."""

    document: NoticeDocument
    period: WorkingPeriod
    shortlist: Shortlist


def default_title(year: int) -> str:
    return f"关于{year}年度{PROGRAM_TITLE}拟入选单位名单的公示"


def listed_units(shortlist: Shortlist) -> list[ListedUnit]:
    return [ListedUnit(**e.model_dump(include=set(ListedUnit.model_fields))) for e in shortlist.entries]


def compose_notice(settings: NoticeSettings, year: int, units: list[ListedUnit], period: WorkingPeriod,
                   draft: bool) -> NoticeDocument:
    """The notice's wording: basis and procedure, the list, the period with its dates, how to object."""
    body = [f"{settings.basis}，{settings.procedure}，拟确定以下{len(units)}家单位为{year}年度{PROGRAM_TITLE}单位，"
            "现予以公示。"]
    after = [f"公示期为{chinese_date(period.start)}至{chinese_date(period.end)}（{period.working_days}个工作日）。",
             HOW_TO_OBJECT.format(issuer=settings.issuer)]
    return NoticeDocument(title=settings.title.strip() or default_title(year), body=body, columns=settings.columns,
                          units=units, after_list=after, contact=settings.contact, issuer=settings.issuer,
                          issued_on=settings.issued_on or period.start, draft=draft)


# --- reading -------------------------------------------------------------------------------------------------------


def require_reader(principal: Principal, batch_id: str) -> None:
    """Published notices are public: anyone who may read the batch's applications or its review reads them."""
    if not (principal.can(Permission.VIEW_ASSIGNMENTS, batch_id)
            or principal.can(Permission.VIEW_APPLICATIONS, batch_id)):
        raise AccessDenied(f"{principal.display_name}没有查看批次 {batch_id} 公示的权限。")


def _notice(record: store.NoticeRecord) -> PublishedNotice:
    return PublishedNotice(**{**record._asdict(), "settings": NoticeSettings.model_validate_json(record.settings),
                              "document": NoticeDocument.model_validate_json(record.document)})


def notices(storage: Storage, principal: Principal, round_id: str) -> list[PublishedNotice]:
    """Every notice published for the round, withdrawn ones too, oldest first."""
    review_round = stored_round(storage, round_id)
    require_reader(principal, review_round.batch_id)
    return [_notice(record) for record in store.load_notices(storage, round_id)]


def current_notice(storage: Storage, principal: Principal, round_id: str) -> PublishedNotice | None:
    """The notice in force: the newest one not withdrawn."""
    standing = [n for n in notices(storage, principal, round_id) if n.withdrawn_at is None]
    return standing[-1] if standing else None


def publicised_rounds(storage: Storage, principal: Principal, batch_id: str) -> list[ReviewRound]:
    """The batch's rounds with a notice in force, for readers who do not see the review itself (city bureaus)."""
    require_reader(principal, batch_id)
    every = [ReviewRound.model_validate_json(data) for data in round_store.load_rounds_json(storage, batch_id)]
    return [r for r in every if current_notice(storage, principal, r.round_id) is not None]


def required_notice(storage: Storage, principal: Principal, round_id: str) -> PublishedNotice:
    notice = current_notice(storage, principal, round_id)
    if notice is None:
        raise PublicityError("本轮次尚未发布公示。")
    return notice


# --- settings and preview ------------------------------------------------------------------------------------------


def saved_settings(storage: Storage, principal: Principal, round_id: str, kind: SettingsKind,
                   model: type[Settings]) -> Settings:
    """A round's saved settings of the notice or the letters (`kind`), or the model's defaults."""
    review_round = stored_round(storage, round_id)
    require(principal, Permission.VIEW_ASSIGNMENTS, review_round.batch_id)
    data = store.load_settings(storage, round_id, kind)
    return model.model_validate_json(data) if data is not None else model()


def notice_settings(storage: Storage, principal: Principal, round_id: str) -> NoticeSettings:
    """The saved settings of the round's notice, or the defaults."""
    return saved_settings(storage, principal, round_id, NOTICE_KIND, NoticeSettings)


def save_settings(storage: Storage, principal: Principal, review_round: ReviewRound, kind: SettingsKind,
                  settings: BaseModel) -> None:
    """Keep a round's settings of the notice or the letters (the earlier ones superseded, the change audited)."""
    require(principal, Permission.MANAGE_ROUNDS, review_round.batch_id)
    data = settings.model_dump_json()
    with storage.transaction(principal.actor) as tx:
        store.replace_settings(tx, review_round.round_id, kind, data)
        tx.audit(SETTINGS_ACTIONS[kind], round_entity(review_round.batch_id, review_round.round_id), "",
                 json.loads(data))


def save_notice_settings(storage: Storage, principal: Principal, round_id: str,
                         settings: NoticeSettings) -> NoticeSettings:
    save_settings(storage, principal, stored_round(storage, round_id), NOTICE_KIND, settings)
    return settings


def latest_shortlist(storage: Storage, principal: Principal, round_id: str) -> Shortlist:
    frozen = shortlists(storage, principal, round_id)
    if not frozen:
        raise PublicityError("尚未确定拟入选名单，请先在“拟入选名单”页面确定名单。")
    return frozen[-1]


def preview_notice(storage: Storage, principal: Principal, round_id: str,
                   settings: NoticeSettings | None = None) -> NoticePreview:
    """The notice publishing would post: the newest frozen shortlist, the period counted in working days
    (UncoveredYear when a year has no holiday arrangement)."""
    review_round = stored_round(storage, round_id)
    require(principal, Permission.VIEW_ASSIGNMENTS, review_round.batch_id)
    settings = settings or notice_settings(storage, principal, round_id)
    if settings.start_date is None:
        raise PublicityError("请先填写公示开始日期。")
    shortlist = latest_shortlist(storage, principal, round_id)
    period = working_period(work_calendar(storage), settings.start_date, settings.working_days)
    year = storage.get_batch(review_round.batch_id).year
    document = compose_notice(settings, year, listed_units(shortlist), period, draft=True)
    return NoticePreview(document=document, period=period, shortlist=shortlist)


# --- publishing ----------------------------------------------------------------------------------------------------


def document_sha256(document: NoticeDocument) -> str:
    return hashlib.sha256(document.model_dump_json().encode("utf-8")).hexdigest()


def publish_notice(storage: Storage, principal: Principal, round_id: str, settings: NoticeSettings,
                   reason: str) -> PublishedNotice:
    """Publish the notice of the newest frozen shortlist with these settings (saved too): its text, list and period
    are frozen as a new version. A notice in force must be withdrawn first."""
    review_round = stored_round(storage, round_id)
    require(principal, Permission.MANAGE_ROUNDS, review_round.batch_id)
    reason = checked_reason(reason, "发布公示")
    if current_notice(storage, principal, round_id) is not None:
        raise PublicityError("本轮次已有公示在发布中；如需重新公示，请先撤回现有公示并说明理由。")
    preview = preview_notice(storage, principal, round_id, settings)
    document = preview.document.model_copy(update={"draft": False})
    digest = document_sha256(document)
    entity = round_entity(review_round.batch_id, round_id)
    with storage.transaction(principal.actor) as tx:
        version = store.last_notice_version(tx, round_id) + 1
        store.replace_settings(tx, round_id, NOTICE_KIND, settings.model_dump_json())
        store.insert_notice(tx, round_id, version, shortlist_version=preview.shortlist.version,
                            shortlist_sha256=preview.shortlist.sha256, settings=settings.model_dump_json(),
                            document=document.model_dump_json(), start=preview.period.start, end=preview.period.end,
                            sha256=digest, reason=reason)
        tx.audit(ActionKind.PUBLICITY_PUBLISH, entity, reason,
                 {"version": version, "shortlist_version": preview.shortlist.version, "units": len(document.units),
                  "start": preview.period.start.isoformat(), "end": preview.period.end.isoformat(),
                  "working_days": settings.working_days, "sha256": digest})
        published_at = tx.now
    return PublishedNotice(round_id=round_id, version=version, shortlist_version=preview.shortlist.version,
                           shortlist_sha256=preview.shortlist.sha256, settings=settings, document=document,
                           start=preview.period.start, end=preview.period.end, sha256=digest, reason=reason,
                           published_by=principal.actor, published_at=published_at)


def withdraw_notice(storage: Storage, principal: Principal, round_id: str, reason: str) -> PublishedNotice:
    """Withdraw the notice in force (it stays on record, marked withdrawn); refused once the list is confirmed."""
    review_round = stored_round(storage, round_id)
    require(principal, Permission.MANAGE_ROUNDS, review_round.batch_id)
    reason = checked_reason(reason, "撤回公示")
    notice = required_notice(storage, principal, round_id)
    if store.notice_confirmed(storage, round_id, notice.version):
        raise PublicityError("本次公示的名单已确认，不能撤回。")
    with storage.transaction(principal.actor) as tx:
        store.withdraw_notice(tx, round_id, notice.version, reason)
        tx.audit(ActionKind.PUBLICITY_WITHDRAW, round_entity(review_round.batch_id, round_id), reason,
                 {"version": notice.version})
        return notice.model_copy(update={"withdrawn_at": tx.now, "withdrawn_by": tx.actor,
                                         "withdraw_reason": reason})
