"""Review rounds: a batch's round of expert review with its kind, rubric, times, mode, loads, conflict rules and panels."""
from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from enum import StrEnum
from typing import Annotated

import pandas as pd
from pydantic import Field, ValidationError, field_validator, model_validator

from scoring.common.access import Permission, Principal, require
from scoring.common.errors import ReviewError
from scoring.experts.pool import changes
from scoring.common.normalize import explain_validation_error
from scoring.pilots.registry import pilot_years
from scoring.review.rubrics import Rubric, RubricError, find_rubric, parse_rubric
from scoring.common.models import (
    ActionKind,
    Application,
    ConflictRules,
    DisciplineList,
    ExpertId,
    FormModel,
    RoundKind,
    compact_code,
)
from scoring.storage import Storage, Transaction
from scoring.storage import expert_store
from scoring.storage import round_store as store
from scoring.storage import sheet_store


class RoundError(ReviewError):
    """A request about a round or its assignment that cannot be done; the message is for users."""


class RoundMode(StrEnum):
    PANEL = "评审组"  # every non-conflicted member of a panel scores every application routed to it
    DISTRIBUTED = "分布式"  # each application gets k experts, loads balanced, fit maximised


class Panel(FormModel):
    """A review panel (评审组): its members, and the applications routed to it by field or by staff.

    An application goes to the panel staff listed it under; otherwise to the panel whose fields share the most
    of the application's disciplines (the first such panel on a tie); see `route_applications`."""

    name: Annotated[str, Field(min_length=1, max_length=40)] = Field(title="评审组名称")
    members: list[ExpertId] = Field([], title="成员（专家编号）")
    fields: DisciplineList = Field([], title="按领域分组")
    applications: list[str] = Field([], title="工作人员指定的申报单位（统一社会信用代码）")

    @field_validator("members", mode="before")
    @classmethod
    def _compact_members(cls, value):
        return [compact_code(v) if isinstance(v, str) else v for v in value]

    @field_validator("applications")
    @classmethod
    def _compact_codes(cls, value: list[str]) -> list[str]:
        return [compact_code(v) for v in value]

    @model_validator(mode="after")
    def _each_once(self) -> Panel:
        if len(set(self.members)) != len(self.members):
            raise ValueError(f"评审组“{self.name}”中同一位专家出现了两次")
        if len(set(self.applications)) != len(self.applications):
            raise ValueError(f"评审组“{self.name}”中同一申报单位指定了两次")
        return self


def _datetime_or_none(value):
    return None if value == "" else value


class RoundSettings(FormModel):
    """Everything staff set for a round: all of a ReviewRound but its number, which the batch gives."""

    batch_id: Annotated[str, Field(min_length=1, max_length=40)] = Field(title="批次编号")
    title: str = Field("", max_length=100, title="轮次名称")
    kind: RoundKind = Field(title="评审类型")
    # 年度验收 and 综合评估 review the batch's pilots in one year of their period; a selection has no year.
    year: Annotated[int, Field(ge=2000, le=2100)] | None = Field(None, title="验收/评估年度")
    rubric_id: Annotated[str, Field(min_length=1, max_length=100)] = Field(title="评分标准")
    opens_at: datetime | None = Field(None, title="评审开始时间")
    closes_at: datetime | None = Field(None, title="评审截止时间")
    mode: RoundMode = Field(RoundMode.DISTRIBUTED, title="分配方式")
    # In panel mode the minimum of non-conflicted members each application needs.
    experts_per_application: Annotated[int, Field(ge=1, le=50)] = Field(5, title="每份申报书的评审专家数")
    min_load: Annotated[int, Field(ge=0, le=10_000)] = Field(0, title="每位专家评审数下限（分布式）")
    max_load: Annotated[int, Field(ge=1, le=10_000)] = Field(10, title="每位专家评审数上限（分布式）")
    rules: ConflictRules = Field(default_factory=ConflictRules, title="回避规则")
    panels: list[Panel] = Field([], title="评审组")

    _times = field_validator("opens_at", "closes_at", mode="before")(_datetime_or_none)

    @model_validator(mode="after")
    def _consistent(self) -> RoundSettings:
        if self.kind is RoundKind.SELECTION:
            self.year = None
        elif self.year is None:
            raise ValueError(f"“{self.kind}”轮次须指定验收/评估年度")
        if self.min_load > self.max_load:
            raise ValueError(f"每位专家评审数下限{self.min_load}大于上限{self.max_load}")
        if self.opens_at and self.closes_at and self.closes_at <= self.opens_at:
            raise ValueError("评审截止时间必须晚于开始时间")
        names = [p.name for p in self.panels]
        if len(set(names)) != len(names):
            raise ValueError("评审组名称重复")
        listed: dict[str, str] = {}
        for panel in self.panels:
            for code in panel.applications:
                if code in listed:
                    raise ValueError(f"统一社会信用代码为 {code} 的申报单位同时指定给了评审组“{listed[code]}”"
                                     f"和“{panel.name}”")
                listed[code] = panel.name
        return self


class ReviewRound(RoundSettings):
    """One round of expert review of a batch (评审轮次)."""

    round_id: Annotated[str, Field(min_length=1, max_length=60)] = Field(title="轮次编号")
    # The rubric text the round was opened with, frozen by its hash: editing the file later changes nothing here.
    rubric_sha256: str = Field("", title="评分标准版本（SHA-256）")
    # Set when staff close the scoring: from then on only sheets they reopen change, and the ranking marks them.
    closed_at: datetime | None = Field(None, title="评审结束时间")
    closed_by: str = Field("", title="结束评审操作人")

    @property
    def label(self) -> str:
        """How people name the round: 2023-01 遴选（评审组）, 2023-02 2024年度验收（分布式）."""
        name = self.title or self.year_and_kind
        return f"{self.round_id} {name}（{self.mode}）"

    @property
    def year_and_kind(self) -> str:
        """2023年度验收, 2025年综合评估, 遴选."""
        if self.year is None:
            return str(self.kind)
        return f"{self.year}{self.kind}" if self.kind.startswith("年度") else f"{self.year}年{self.kind}"

    @property
    def reviews_pilots(self) -> bool:
        """A yearly acceptance or final evaluation: it reviews the batch's pilots, not its applications."""
        return self.kind is not RoundKind.SELECTION

    def panel(self, name: str) -> Panel | None:
        return next((p for p in self.panels if p.name == name), None)


def round_entity(batch_id: str, round_id: str) -> str:
    return f"round/{batch_id}/{round_id}"


def checked_reason(reason: str, what: str) -> str:
    reason = (reason or "").strip()
    if len(reason) < 2:
        raise RoundError(f"{what}必须填写理由（至少两个字，记入审计日志）。")
    return reason


# --- routing in panel mode -------------------------------------------------------------------


def route_applications(panels: Sequence[Panel], applications: Sequence[Application]) -> dict[str, str]:
    """The panel of each application, by credit code; applications no panel takes are left out.

    Staff routing wins: an application listed under a panel goes there. Otherwise it goes to the panel whose
    fields share the most of the application's disciplines, the first such panel in the round's order on a tie;
    an application sharing no field with any panel is routed nowhere (the preview names it)."""
    listed = {code: panel.name for panel in panels for code in panel.applications}
    routed: dict[str, str] = {}
    for application in applications:
        code = application.credit_code
        if code in listed:
            routed[code] = listed[code]
            continue
        best = max(panels, key=lambda p: len(set(p.fields) & set(application.disciplines)), default=None)
        if best is not None and set(best.fields) & set(application.disciplines):
            routed[code] = best.name
    return routed


# --- create, edit, list ----------------------------------------------------------------------


def next_round_id(existing: set[str], batch_id: str) -> str:
    """The first free number of the batch: 2023-01, 2023-02, …"""
    n = 1
    while f"{batch_id}-{n:02d}" in existing:
        n += 1
    return f"{batch_id}-{n:02d}"


def round_settings(data: dict) -> RoundSettings:
    """Settings from a form or the command line, or RoundError naming every field that is wrong, in Chinese."""
    try:
        return RoundSettings.model_validate(data)
    except ValidationError as exc:
        raise RoundError(_validation_message(exc)) from None


def create_round(storage: Storage, principal: Principal, settings: RoundSettings, reason: str = "") -> ReviewRound:
    """A new round of the settings' batch, numbered in the batch (2023-01, 2023-02, …)."""
    batch_id = settings.batch_id
    require(principal, Permission.MANAGE_ROUNDS, batch_id)
    if storage.get_batch(batch_id) is None:
        raise RoundError(f"没有批次 {batch_id}。")
    _check_pilot_year(storage, settings)
    with storage.transaction(principal.actor) as tx:
        round_id = next_round_id(store.round_ids(tx, batch_id), batch_id)
        frozen = _freeze_rubric(tx, settings)
        review_round = ReviewRound(round_id=round_id, rubric_sha256=frozen, **settings.model_dump())
        _check_panels_against_data(tx, storage, review_round)
        store.insert_round(tx, round_id, batch_id, review_round.model_dump_json())
        tx.audit(ActionKind.ROUND_CREATE, round_entity(batch_id, round_id), reason.strip(),
                 review_round.model_dump(mode="json"))
    return review_round


def update_round(storage: Storage, principal: Principal, review_round: ReviewRound, reason: str) -> ReviewRound:
    """Save an edited round (settings, rules, panels); the audit entry holds every change. The batch stays."""
    require(principal, Permission.MANAGE_ROUNDS, review_round.batch_id)
    reason = checked_reason(reason, "修改评审轮次")
    try:
        review_round = ReviewRound.model_validate(review_round.model_dump())
    except ValidationError as exc:
        raise RoundError(_validation_message(exc)) from None
    with storage.transaction(principal.actor) as tx:
        before = stored_round(tx, review_round.round_id)
        if before.batch_id != review_round.batch_id:
            raise RoundError("评审轮次不能改换批次，请在新批次中新建轮次。")
        review_round = review_round.model_copy(update={"closed_at": before.closed_at, "closed_by": before.closed_by})
        if review_round.rubric_id != before.rubric_id:
            review_round = review_round.model_copy(update={"rubric_sha256": _freeze_rubric(tx, review_round)})
        else:
            review_round = review_round.model_copy(update={"rubric_sha256": before.rubric_sha256})
        difference = changes(before, review_round)
        if not difference:
            raise RoundError("内容没有变化，未保存。")
        _check_panels_against_data(tx, storage, review_round)
        _check_pilot_year(storage, review_round)
        store.replace_round(tx, review_round.round_id, review_round.model_dump_json())
        tx.audit(ActionKind.ROUND_UPDATE, round_entity(review_round.batch_id, review_round.round_id), reason,
                 {"changes": difference})
    return review_round


def close_round(storage: Storage, principal: Principal, round_id: str, reason: str) -> ReviewRound:
    """End the scoring of a round (评审结束): experts can no longer change a sheet unless staff reopen it, and every
    change after this moment is shown in the ranking."""
    reason = checked_reason(reason, "结束评审")
    with storage.transaction(principal.actor) as tx:
        review_round = stored_round(tx, round_id)
        require(principal, Permission.MANAGE_ROUNDS, review_round.batch_id)
        if review_round.closed_at:
            raise RoundError(f"评审轮次 {round_id} 已于 {review_round.closed_at:%Y-%m-%d %H:%M} 结束。")
        closed = review_round.model_copy(update={"closed_at": tx.now, "closed_by": tx.actor})
        store.replace_round(tx, round_id, closed.model_dump_json())
        tx.audit(ActionKind.ROUND_CLOSE, round_entity(review_round.batch_id, round_id), reason)
    return closed


def _check_pilot_year(storage: Storage, settings: RoundSettings) -> None:
    """A pilot round's year lies in the batch's pilot period; a final evaluation is in the period's last year."""
    if settings.year is None:
        return
    first_year, last_year = pilot_years(storage.get_batch(settings.batch_id).year)
    if not first_year <= settings.year <= last_year:
        raise RoundError(f"批次 {settings.batch_id} 的试点建设期为 {first_year}—{last_year} 年，"
                         f"{settings.year} 年不在其中。")
    if settings.kind is RoundKind.FINAL_EVALUATION and settings.year != last_year:
        raise RoundError(f"综合评估在建设期最后一年（{last_year} 年）进行。")


def _freeze_rubric(tx: Transaction, settings: RoundSettings) -> str:
    """Keep the text of the round's rubric file as it is now, and return its hash; the rubric must be valid and
    made for the round's kind. A rubric cannot change once the round has score sheets."""
    try:
        loaded = find_rubric(settings.rubric_id)
    except RubricError as exc:
        raise RoundError(f"评分标准 {settings.rubric_id} 不可用：{exc}") from None
    if loaded.rubric.kind != settings.kind:
        raise RoundError(f"评分标准 {settings.rubric_id} 适用于“{loaded.rubric.kind}”，不能用于“{settings.kind}”轮次。")
    if isinstance(settings, ReviewRound) and sheet_store.load_sheets(tx, settings.round_id):
        raise RoundError("该轮次已有专家评分表，不能更换评分标准。")
    sheet_store.keep_rubric(tx, loaded.sha256, loaded.rubric.id, loaded.rubric.version, loaded.source, loaded.text)
    return loaded.sha256


def round_rubric(source: Storage | Transaction, review_round: ReviewRound) -> Rubric:
    """The rubric frozen when the round was opened, whatever the file says today."""
    text = sheet_store.rubric_text(source, review_round.rubric_sha256) if review_round.rubric_sha256 else None
    if text is None:
        raise RoundError(f"评审轮次 {review_round.round_id} 没有冻结的评分标准，请在轮次设置中重新选择评分标准。")
    return parse_rubric(text, f"轮次 {review_round.round_id} 的评分标准").rubric


def get_round(storage: Storage, principal: Principal, round_id: str) -> ReviewRound:
    """One round; staff and observers see every round, an expert the rounds of batches they score in."""
    review_round = stored_round(storage, round_id)
    if not principal.can(Permission.SCORE, review_round.batch_id):
        require(principal, Permission.VIEW_ASSIGNMENTS, review_round.batch_id)
    return review_round


def list_rounds(storage: Storage, principal: Principal, batch_id: str | None = None) -> list[ReviewRound]:
    """The rounds of one batch (or of all), newest batch first, each batch's rounds in the order created."""
    require(principal, Permission.VIEW_ASSIGNMENTS, batch_id)
    return stored_rounds(storage, batch_id)


def stored_rounds(source: Storage | Transaction, batch_id: str | None = None) -> list[ReviewRound]:
    """The rounds as stored, without a permission check: for domain functions that make their own."""
    return [ReviewRound.model_validate_json(data) for data in store.load_rounds_json(source, batch_id)]


def panel_from(data: dict) -> Panel:
    """A panel from a form or the command line, or RoundError in Chinese."""
    try:
        return Panel.model_validate(data)
    except ValidationError as exc:
        raise RoundError(_validation_message(exc, Panel, "评审组设置有误")) from None


def _validation_message(exc: ValidationError, model: type[FormModel] = ReviewRound,
                        heading: str = "评审轮次设置有误") -> str:
    parts = []
    for error in exc.errors():
        field = error["loc"][0] if error["loc"] else ""
        title = model.model_fields[field].title if field in model.model_fields else ""
        message = explain_validation_error(error)
        parts.append(f"{title}：{message}" if title else message)
    return f"{heading}：" + "；".join(parts)


def stored_round(source: Storage | Transaction, round_id: str) -> ReviewRound:
    """The round as stored, without a permission check: for domain functions that make their own."""
    data = store.load_round_json(source, round_id)
    if data is None:
        raise RoundError(f"没有编号为 {round_id} 的评审轮次。")
    return ReviewRound.model_validate_json(data)


def _check_panels_against_data(tx: Transaction, storage: Storage, review_round: ReviewRound) -> None:
    """Panel members must be experts of the pool and listed applications of the round's batch."""
    known_experts = {e.expert_id for e in expert_store.load_experts(tx, include_inactive=True)}
    known_codes = {a.credit_code for a in storage.list_applications(review_round.batch_id)}
    for panel in review_round.panels:
        unknown = [m for m in panel.members if m not in known_experts]
        if unknown:
            raise RoundError(f"评审组“{panel.name}”的成员 {'、'.join(unknown)} 不在专家库中。")
        missing = [c for c in panel.applications if c not in known_codes]
        if missing:
            raise RoundError(f"评审组“{panel.name}”指定的申报单位 {'、'.join(missing)} 不在批次 "
                             f"{review_round.batch_id} 中。")



# --- tables for people -------------------------------------------------------------------------


def _moment_text(moment: datetime | None) -> str:
    return f"{moment:%Y-%m-%d %H:%M}" if moment else "—"


def rounds_table(listed: Sequence[ReviewRound]) -> pd.DataFrame:
    rows = [{"轮次编号": r.round_id, "轮次名称": r.title or str(r.kind), "评审类型": str(r.kind), "评分标准": r.rubric_id,
             "分配方式": str(r.mode), "每份专家数": r.experts_per_application,
             "专家负荷": f"{r.min_load}—{r.max_load}" if r.mode is RoundMode.DISTRIBUTED else "—",
             "评审组": len(r.panels), "开始": _moment_text(r.opens_at), "截止": _moment_text(r.closes_at)}
            for r in listed]
    return pd.DataFrame(rows, columns=["轮次编号", "轮次名称", "评审类型", "评分标准", "分配方式", "每份专家数", "专家负荷",
                                       "评审组", "开始", "截止"])


def routing_table(review_round: ReviewRound, applications: Sequence[Application]) -> pd.DataFrame:
    """Where each application goes in panel mode and why: listed by staff, or by field."""
    routed = route_applications(review_round.panels, applications)
    listed = {code for panel in review_round.panels for code in panel.applications}
    rows = [{"申报单位": a.basic.unit_name, "统一社会信用代码": a.credit_code, "优势学科/产业领域": "、".join(a.disciplines),
             "评审组": routed.get(a.credit_code, "（未分组）"),
             "分组依据": "工作人员指定" if a.credit_code in listed else ("按领域" if a.credit_code in routed else "—")}
            for a in applications]
    return pd.DataFrame(rows, columns=["申报单位", "统一社会信用代码", "优势学科/产业领域", "评审组", "分组依据"])
