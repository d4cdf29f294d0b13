"""The shortlist (拟入选名单): proposed by a rule — the top N, a score threshold, or the meeting's decisions — with
optional per-city limits, the meeting's decisions always applied on top; frozen as a versioned snapshot (content
hash, who, when) that the publicity uses. Freezing again makes a new version and keeps the old."""
from __future__ import annotations

import hashlib
import json
from collections.abc import Sequence
from datetime import datetime
from decimal import Decimal
from enum import StrEnum
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field, model_validator

from scoring.common.access import Permission, Principal, require
from scoring.common.errors import ReviewError
from scoring.common.models import ActionKind
from scoring.documents.official import ListedUnit
from scoring.results.meeting import Decision, RecordedDecision, current_decisions
from scoring.results.ranking import RankingRow, round_ranking
from scoring.rounds.review_rounds import checked_reason, stored_round
from scoring.review.rubrics import points_text
from scoring.storage import Storage
from scoring.storage import meeting_store as store


class ShortlistError(ReviewError):
    """A shortlist that cannot be frozen; the message is for users."""


class ShortlistMode(StrEnum):
    TOP_N = "前N名"
    THRESHOLD = "分数线"
    BY_DECISION = "按会议决定"


class ShortlistRule(BaseModel):
    model_config = ConfigDict(frozen=True)

    mode: ShortlistMode = Field(title="入选规则")
    top_n: Annotated[int, Field(ge=1, le=10_000)] | None = Field(None, title="入选名额")
    threshold: Annotated[Decimal, Field(ge=0, le=1000)] | None = Field(None, title="分数线（最终得分不低于）")
    per_city_limit: Annotated[int, Field(ge=1, le=1000)] | None = Field(None, title="每市名额上限")

    @model_validator(mode="after")
    def _complete(self) -> ShortlistRule:
        if self.mode is ShortlistMode.TOP_N and self.top_n is None:
            raise ValueError("“前N名”规则须填写入选名额")
        if self.mode is ShortlistMode.THRESHOLD and self.threshold is None:
            raise ValueError("“分数线”规则须填写分数线")
        return self

    def describe(self) -> str:
        text = {ShortlistMode.TOP_N: f"排名前 {self.top_n} 名",
                ShortlistMode.THRESHOLD: f"最终得分不低于 {points_text(self.threshold or Decimal(0))} 分",
                ShortlistMode.BY_DECISION: "按会议决定"}[self.mode]
        return text + (f"，每市不超过 {self.per_city_limit} 个" if self.per_city_limit else "") + "；会议决定优先"


class ShortlistEntry(ListedUnit):
    """A unit of the shortlist: what the published list prints, and where it stood in the ranking and why."""

    rank: int | None
    basis: str  # why it is on the list: the rule, or the meeting's decision (against the ranking marked)


class Proposal(BaseModel):
    """What a rule gives before freezing: the entries, and what staff must know (ties at the cut, city limits,
    pending decisions — which block freezing)."""

    entries: list[ShortlistEntry]
    warnings: list[str]
    pending: list[str]


class Shortlist(BaseModel):
    """A frozen version."""

    round_id: str
    version: int
    rule: ShortlistRule
    entries: list[ShortlistEntry]
    sha256: str
    reason: str
    created_by: str
    created_at: datetime


def propose(rows: Sequence[RankingRow], decisions: dict[str, RecordedDecision], rule: ShortlistRule,
            unit_types: dict[str, str]) -> Proposal:
    """The shortlist a rule gives over the ranked rows, the meeting's decisions applied on top."""
    ranked = [r for r in rows if r.rank is not None]
    warnings: list[str] = []
    if rule.mode is ShortlistMode.TOP_N:
        chosen = [r for r in ranked if r.rank <= rule.top_n]
        if len(chosen) > rule.top_n:
            warnings.append(f"第 {max(r.rank for r in chosen)} 名并列，按规则共 {len(chosen)} 个单位入围，"
                            f"超过名额 {rule.top_n} 个，请会议决定。")
    elif rule.mode is ShortlistMode.THRESHOLD:
        chosen = [r for r in ranked if r.final is not None and r.final >= rule.threshold]
    else:
        chosen = []
    chosen_codes = {r.credit_code for r in chosen}
    basis = {code: rule.describe().split("；")[0] for code in chosen_codes}
    for code, decision in decisions.items():
        if decision.decision is Decision.SELECTED:
            chosen_codes.add(code)
            basis[code] = "会议决定入选" + ("（与排名不一致）" if decision.against_ranking else "")
        elif decision.decision is Decision.NOT_SELECTED and code in chosen_codes:
            chosen_codes.discard(code)
            warnings.append(f"{_name(rows, code)}按规则入围，会议决定不入选。")
    by_code = {r.credit_code: r for r in rows}
    listed = sorted((by_code[c] for c in chosen_codes), key=lambda r: (r.rank is None, r.rank or 0, r.credit_code))
    if rule.per_city_limit:
        kept, per_city = [], {}
        for row in listed:
            per_city[row.city] = per_city.get(row.city, 0) + 1
            if per_city[row.city] <= rule.per_city_limit or basis[row.credit_code].startswith("会议决定"):
                kept.append(row)
            else:
                warnings.append(f"{row.unit_name}（{row.city}，第 {row.rank} 名）超出每市 {rule.per_city_limit} 个的名额。")
        listed = kept
    pending = [r.unit_name for r in rows if decisions.get(r.credit_code)
               and decisions[r.credit_code].decision is Decision.PENDING]
    entries = [ShortlistEntry(order=n, credit_code=r.credit_code, unit_name=r.unit_name,
                              unit_type=unit_types.get(r.credit_code, ""), city=r.city, final=r.final, rank=r.rank,
                              basis=basis[r.credit_code]) for n, r in enumerate(listed, 1)]
    return Proposal(entries=entries, warnings=warnings, pending=pending)


def _name(rows: Sequence[RankingRow], code: str) -> str:
    return next((r.unit_name for r in rows if r.credit_code == code), code)


def proposal(storage: Storage, principal: Principal, round_id: str, rule: ShortlistRule) -> Proposal:
    review_round = stored_round(storage, round_id)
    require(principal, Permission.VIEW_ASSIGNMENTS, review_round.batch_id)
    unit_types = {a.credit_code: str(a.basic.unit_type) for a in storage.list_applications(review_round.batch_id)}
    return propose(round_ranking(storage, principal, round_id).rows,
                   current_decisions(storage, principal, round_id), rule, unit_types)


def content_sha256(rule: ShortlistRule, entries: Sequence[ShortlistEntry]) -> str:
    payload = json.dumps({"rule": rule.model_dump(mode="json"), "entries": [e.model_dump(mode="json")
                                                                             for e in entries]},
                         ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(payload.encode("utf-8")).hexdigest()


def freeze_shortlist(storage: Storage, principal: Principal, round_id: str, rule: ShortlistRule,
                     reason: str) -> Shortlist:
    """Freeze the proposal as the next version; the round must be closed and no decision pending."""
    review_round = stored_round(storage, round_id)
    require(principal, Permission.MANAGE_ROUNDS, review_round.batch_id)
    reason = checked_reason(reason, "确定拟入选名单")
    if review_round.closed_at is None:
        raise ShortlistError("评审尚未结束，请先结束评审再确定拟入选名单。")
    proposed = proposal(storage, principal, round_id, rule)
    if proposed.pending:
        raise ShortlistError("尚有待定的会议决定：" + "、".join(proposed.pending))
    if not proposed.entries:
        raise ShortlistError("按此规则没有入选单位。")
    digest = content_sha256(rule, proposed.entries)
    with storage.transaction(principal.actor) as tx:
        version = store.last_shortlist_version(tx, round_id) + 1
        data = json.dumps({"rule": rule.model_dump(mode="json"),
                           "entries": [e.model_dump(mode="json") for e in proposed.entries]}, ensure_ascii=False)
        store.insert_shortlist(tx, round_id, version, data=data, sha256=digest, reason=reason)
        tx.audit(ActionKind.SHORTLIST_FREEZE, f"shortlist/{review_round.batch_id}/{round_id}/{version}", reason,
                 {"sha256": digest, "entries": len(proposed.entries), "rule": rule.describe()})
        return Shortlist(round_id=round_id, version=version, rule=rule, entries=proposed.entries, sha256=digest,
                         reason=reason, created_by=tx.actor, created_at=tx.now)


def shortlists(storage: Storage, principal: Principal, round_id: str) -> list[Shortlist]:
    """Every frozen version, oldest first."""
    review_round = stored_round(storage, round_id)
    require(principal, Permission.VIEW_ASSIGNMENTS, review_round.batch_id)
    result = []
    for frozen in store.load_shortlists(storage, round_id):
        content = json.loads(frozen.data)
        result.append(Shortlist(round_id=frozen.round_id, version=frozen.version, rule=ShortlistRule(**content["rule"]),
                                entries=[ShortlistEntry(**e) for e in content["entries"]], sha256=frozen.sha256,
                                reason=frozen.reason, created_by=frozen.created_by, created_at=frozen.created_at))
    return result
