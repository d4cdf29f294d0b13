"""The meeting's decisions (会议研究): 入选 / 不入选 / 待定 per application, each with a reason, taken one by one or
in bulk after a confirmation that lists exactly what changes. A decision against the ranking — selecting an
application while a better-ranked one is not selected, or the reverse — needs its own reason and is marked."""
from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from enum import StrEnum

from pydantic import BaseModel, ConfigDict

from scoring.common.access import Permission, Principal, require
from scoring.common.errors import ReviewError
from scoring.common.models import ActionKind, compact_code
from scoring.results.ranking import RankingRow, round_ranking
from scoring.rounds.review_rounds import stored_round
from scoring.storage import Storage
from scoring.storage import meeting_store as store


class MeetingError(ReviewError):
    """A decision that cannot be recorded; the message is for users."""


class Decision(StrEnum):
    SELECTED = "入选"
    NOT_SELECTED = "不入选"
    PENDING = "待定"


class DecisionRequest(BaseModel):
    """What staff ask to record for one application; `reason` may be left to a bulk reason unless the decision goes
    against the ranking."""

    model_config = ConfigDict(frozen=True)

    credit_code: str
    decision: Decision
    reason: str = ""


class RecordedDecision(BaseModel):
    model_config = ConfigDict(frozen=True)

    credit_code: str
    decision: Decision
    reason: str
    against_ranking: bool
    rank_then: int | None
    decided_by: str
    decided_at: datetime


class DecisionChange(BaseModel):
    """One line of the confirmation: the application, its rank, the decision before and after, and whether the new
    decision goes against the ranking (then it needs its own reason)."""

    model_config = ConfigDict(frozen=True)

    credit_code: str
    unit_name: str
    rank: int | None
    before: Decision | None
    after: Decision
    reason: str
    against_ranking: bool


def current_decisions(storage: Storage, principal: Principal, round_id: str) -> dict[str, RecordedDecision]:
    review_round = stored_round(storage, round_id)
    require(principal, Permission.VIEW_ASSIGNMENTS, review_round.batch_id)
    return {d.credit_code: RecordedDecision(**{**d._asdict(), "decision": Decision(d.decision)})
            for d in store.load_decisions(storage, round_id)}


def against_ranking(ranks: dict[str, int | None], decisions: dict[str, Decision]) -> set[str]:
    """The applications whose decision inverts the ranking: selected while a better-ranked one is not selected, or
    not selected while a worse-ranked one is selected. Pending decisions invert nothing; an unranked application
    (no submitted sheet) that is selected always goes against the ranking."""
    selected = [ranks.get(c) for c, d in decisions.items() if d is Decision.SELECTED]
    rejected = [ranks.get(c) for c, d in decisions.items() if d is Decision.NOT_SELECTED]
    inverted = set()
    for code, decision in decisions.items():
        rank = ranks.get(code)
        if decision is Decision.SELECTED and (rank is None or any(r is not None and r < rank for r in rejected)):
            inverted.add(code)
        if decision is Decision.NOT_SELECTED and rank is not None and any(r is not None and r > rank
                                                                          for r in selected):
            inverted.add(code)
    return inverted


def preview_decisions(storage: Storage, principal: Principal, round_id: str,
                      requests: Sequence[DecisionRequest]) -> list[DecisionChange]:
    """Exactly what recording these decisions would change, in rank order; unchanged ones are left out."""
    review_round = stored_round(storage, round_id)
    require(principal, Permission.MANAGE_ROUNDS, review_round.batch_id)
    rows = {r.credit_code: r for r in round_ranking(storage, principal, round_id).rows}
    return _changes(rows, current_decisions(storage, principal, round_id), requests)


def _changes(rows: dict[str, RankingRow], current: dict[str, RecordedDecision],
             requests: Sequence[DecisionRequest]) -> list[DecisionChange]:
    requested = {}
    for request in requests:
        code = compact_code(request.credit_code)
        if code not in rows:
            raise MeetingError(f"评审轮次中没有统一社会信用代码为 {code} 的申报书。")
        requested[code] = request
    after = {code: d.decision for code, d in current.items()} | {c: r.decision for c, r in requested.items()}
    inverted = against_ranking({c: r.rank for c, r in rows.items()}, after)
    changes = []
    for code, request in requested.items():
        before = current.get(code)
        if before and before.decision is request.decision and before.reason == (request.reason or before.reason):
            continue
        changes.append(DecisionChange(credit_code=code, unit_name=rows[code].unit_name, rank=rows[code].rank,
                                      before=before.decision if before else None, after=request.decision,
                                      reason=request.reason.strip(), against_ranking=code in inverted))
    return sorted(changes, key=lambda c: (c.rank is None, c.rank or 0, c.credit_code))


def record_decisions(storage: Storage, principal: Principal, round_id: str, requests: Sequence[DecisionRequest],
                     bulk_reason: str = "", confirmed: Sequence[DecisionChange] | None = None) -> list[DecisionChange]:
    """Record the decisions in one transaction. Each needs a reason (its own, or the bulk reason); one against the
    ranking needs its own. With `confirmed` (the preview staff saw), nothing is recorded if the changes differ."""
    review_round = stored_round(storage, round_id)
    require(principal, Permission.MANAGE_ROUNDS, review_round.batch_id)
    rows = {r.credit_code: r for r in round_ranking(storage, principal, round_id).rows}
    bulk_reason = (bulk_reason or "").strip()
    with storage.transaction(principal.actor) as tx:
        current = current_decisions(storage, principal, round_id)
        changes = _changes(rows, current, requests)
        if confirmed is not None and list(confirmed) != changes:
            raise MeetingError("会议决定的内容已变化（可能有其他人刚刚记录了决定），请重新确认。")
        if not changes:
            raise MeetingError("没有需要记录的变化。")
        for change in changes:
            if change.against_ranking and len(change.reason) < 2:
                raise MeetingError(f"{change.unit_name}（第 {change.rank or '—'} 名）的决定与排名不一致，"
                                   "必须单独说明理由。")
            if len(change.reason or bulk_reason) < 2:
                raise MeetingError(f"{change.unit_name}的决定缺少理由。")
        store.replace_decisions(tx, round_id, [
            store.NewDecision(credit_code=c.credit_code, decision=str(c.after), reason=c.reason or bulk_reason,
                              against_ranking=c.against_ranking, rank_then=c.rank) for c in changes])
        tx.audit_many([(ActionKind.MEETING_DECIDE, f"decision/{round_id}/{c.credit_code}", c.reason or bulk_reason,
                        {"before": c.before, "after": str(c.after), "rank": c.rank,
                         "against_ranking": c.against_ranking}) for c in changes])
    return changes


def top_selected(rows: Sequence[RankingRow], n: int) -> list[DecisionRequest]:
    """入选 for every application ranked 1…n (all of a tie at the cut), 不入选 for the ranked rest."""
    return [DecisionRequest(credit_code=r.credit_code,
                            decision=Decision.SELECTED if r.rank <= n else Decision.NOT_SELECTED)
            for r in rows if r.rank is not None]
