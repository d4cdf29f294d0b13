"""Reads and writes of the experts' work figures and staff's ratings; the rules live in scoring/experts/ratings.py."""
from __future__ import annotations

from datetime import datetime
from typing import NamedTuple

from scoring.common.models import RevisionEvent, SheetStatus
from scoring.storage import rating_queries as q
from scoring.storage.source import Source, rows
from scoring.storage.store import Transaction


class WorkFigures(NamedTuple):
    """One assigned expert's figures in a round."""

    expert_id: str
    assigned: int
    submitted: int
    late: int
    recused: int
    reopened: int
    scored: int
    commented: int


class RatingRecord(NamedTuple):
    """A rating in force."""

    round_id: str
    expert_id: str
    rating: str
    note: str
    figures: str  # JSON of the figures the rating rested on
    rated_by: str
    rated_at: datetime


def work_figures(source: Source, round_id: str, deadline: datetime | None) -> list[WorkFigures]:
    """Every assigned expert's figures, by expert id; a sheet submitted after `deadline` counts as late."""
    params = {"round_id": round_id, "deadline": deadline, "submitted": str(SheetStatus.SUBMITTED),
              "recused": str(SheetStatus.RECUSED), "reopened": str(RevisionEvent.REOPENED)}
    return [WorkFigures(*row) for row in rows(source, q.EXPERT_WORK, params)]


def replace_rating(tx: Transaction, round_id: str, expert_id: str, rating: str, note: str, figures: str) -> None:
    """Record a rating; it supersedes the expert's rating in force for the round, which stays on record."""
    tx.execute(q.SUPERSEDE_RATING, [tx.now, round_id, expert_id])
    tx.execute(q.INSERT_RATING, [round_id, expert_id, rating, note, figures, tx.actor, tx.now])


def load_ratings(source: Source, expert_id: str | None = None, round_id: str | None = None) -> list[RatingRecord]:
    """The ratings in force, newest first: of one expert, of one round, or all."""
    return [RatingRecord(*row)
            for row in rows(source, q.SELECT_RATINGS, {"expert_id": expert_id, "round_id": round_id})]
