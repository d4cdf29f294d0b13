"""Reads and writes of the meeting's decisions and the frozen shortlists; the rules live in scoring/results/meeting.py
and shortlist.py, whose models import this module, so rows come back as named tuples."""
from __future__ import annotations

from datetime import datetime
from typing import NamedTuple

import pandas as pd

from scoring.storage import meeting_queries as q
from scoring.storage.source import Source, first, rows
from scoring.storage.store import Transaction


class DecisionRecord(NamedTuple):
    """A decision in force for one application of the round."""

    credit_code: str
    decision: str
    reason: str
    against_ranking: bool
    rank_then: int | None
    decided_by: str
    decided_at: datetime


class NewDecision(NamedTuple):
    """A decision to record; who and when are the transaction's."""

    credit_code: str
    decision: str
    reason: str
    against_ranking: bool
    rank_then: int | None


class ShortlistRecord(NamedTuple):
    round_id: str
    version: int
    data: str  # JSON: the rule and the entries, as frozen
    sha256: str
    reason: str
    created_by: str
    created_at: datetime


# --- decisions -----------------------------------------------------------------------------------------------------


def load_decisions(source: Source, round_id: str) -> list[DecisionRecord]:
    """The round's decisions in force, by credit code."""
    return [DecisionRecord(*row) for row in rows(source, q.SELECT_DECISIONS, [round_id])]


def replace_decisions(tx: Transaction, round_id: str, decisions: list[NewDecision]) -> None:
    """Record the decisions; each supersedes the application's decision in force, which stays on record."""
    if not decisions:
        return
    frame = pd.DataFrame([{**d._asdict(), "round_id": round_id, "decided_by": tx.actor, "decided_at": tx.now}
                          for d in decisions])
    frame["rank_then"] = frame["rank_then"].astype("Int64")  # a column of ints with gaps, not of floats
    tx.cursor.register("incoming_decisions", frame)
    tx.execute(q.SUPERSEDE_DECISIONS, {"now": tx.now, "round_id": round_id})
    tx.execute(q.INSERT_DECISIONS)
    tx.cursor.unregister("incoming_decisions")


# --- shortlists ----------------------------------------------------------------------------------------------------


def load_shortlists(source: Source, round_id: str) -> list[ShortlistRecord]:
    """Every frozen version of the round's shortlist, oldest first."""
    return [ShortlistRecord(*row) for row in rows(source, q.SELECT_SHORTLISTS, [round_id])]


def last_shortlist_version(source: Source, round_id: str) -> int:
    """The newest frozen version, 0 before the first."""
    return first(source, q.LAST_SHORTLIST_VERSION, [round_id])[0]


def insert_shortlist(tx: Transaction, round_id: str, version: int, *, data: str, sha256: str, reason: str) -> None:
    tx.execute(q.INSERT_SHORTLIST, [round_id, version, data, sha256, reason, tx.actor, tx.now])
