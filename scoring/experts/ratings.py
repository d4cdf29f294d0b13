"""How each expert worked in a round (履职评价): the figures the round produced — sheets submitted and on time,
comments written, recusals declared, sheets sent back — and staff's rating from them, kept on the expert's record
for the next round's choice of experts."""
from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from pydantic import BaseModel, ConfigDict

from scoring.common.access import Permission, Principal, require
from scoring.common.models import ActionKind, compact_code
from scoring.rounds.review_rounds import RoundError, checked_reason, stored_round
from scoring.storage import Storage
from scoring.storage import rating_store as store


class Rating(StrEnum):
    EXCELLENT = "优秀"
    SATISFACTORY = "合格"
    BASIC = "基本合格"
    UNSATISFACTORY = "不合格"


class ExpertWork(BaseModel):
    """One expert's figures in a round."""

    model_config = ConfigDict(frozen=True)

    expert_id: str
    assigned: int
    submitted: int
    late: int  # submitted after the round's closing time
    recused: int
    reopened: int  # sheets staff sent back
    scored: int  # criterion scores on submitted sheets
    commented: int  # … of which carry a comment

    @property
    def on_time(self) -> int:
        return self.submitted - self.late

    @property
    def comment_share(self) -> float:
        return self.commented / self.scored if self.scored else 0.0

    def summary(self) -> str:
        return (f"分配 {self.assigned} 份，按时提交 {self.on_time} 份，逾期 {self.late} 份，回避 {self.recused} 份，"
                f"被退回 {self.reopened} 次，评语覆盖 {self.comment_share:.0%}")


class ExpertRating(BaseModel):
    model_config = ConfigDict(frozen=True)

    round_id: str
    expert_id: str
    rating: Rating
    note: str
    figures: ExpertWork
    rated_by: str
    rated_at: datetime


def round_work(storage: Storage, principal: Principal, round_id: str) -> list[ExpertWork]:
    """Every assigned expert's figures in the round, by expert id."""
    review_round = stored_round(storage, round_id)
    require(principal, Permission.VIEW_ASSIGNMENTS, review_round.batch_id)
    deadline = review_round.closes_at or review_round.closed_at
    return [ExpertWork(**figures._asdict()) for figures in store.work_figures(storage, round_id, deadline)]


def rate_expert(storage: Storage, principal: Principal, round_id: str, expert_id: str, rating: Rating,
                note: str) -> ExpertRating:
    """Staff's rating of one expert's work in the round, with the figures it rests on; a new rating supersedes the
    old, which stays on record."""
    review_round = stored_round(storage, round_id)
    require(principal, Permission.MANAGE_EXPERTS, review_round.batch_id)
    note = checked_reason(note, "履职评价")
    expert_id = compact_code(expert_id)
    work = next((w for w in round_work(storage, principal, round_id) if w.expert_id == expert_id), None)
    if work is None:
        raise RoundError(f"专家 {expert_id} 未参加评审轮次 {round_id}。")
    with storage.transaction(principal.actor) as tx:
        store.replace_rating(tx, round_id, expert_id, str(rating), note, work.model_dump_json())
        tx.audit(ActionKind.EXPERT_RATE, f"expert/{expert_id}/rating/{round_id}", note,
                 {"rating": str(rating), "figures": work.summary()})
        return ExpertRating(round_id=round_id, expert_id=expert_id, rating=rating, note=note, figures=work,
                            rated_by=tx.actor, rated_at=tx.now)


def expert_ratings(storage: Storage, principal: Principal, expert_id: str | None = None,
                   round_id: str | None = None) -> list[ExpertRating]:
    """The ratings in force, newest first: one expert's record, or one round's."""
    require(principal, Permission.VIEW_EXPERTS)
    records = store.load_ratings(storage, compact_code(expert_id) if expert_id else None, round_id)
    return [ExpertRating(**{**r._asdict(), "rating": Rating(r.rating),
                            "figures": ExpertWork.model_validate_json(r.figures)}) for r in records]
