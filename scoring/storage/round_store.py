"""Reads and writes of review rounds and their assignments; the rules live in scoring/rounds/."""
from __future__ import annotations

from datetime import datetime

import pandas as pd
from pydantic import BaseModel, ConfigDict

from scoring.storage import round_queries as q
from scoring.storage.source import Source
from scoring.storage.source import execute as _execute
from scoring.storage.source import first as _first
from scoring.storage.store import Transaction


class StoredPair(BaseModel):
    """One assignment in force: the expert reviews the application in this round."""

    model_config = ConfigDict(frozen=True)

    assignment_id: int
    round_id: str
    credit_code: str
    expert_id: str
    panel: str
    source: str
    assigned_at: datetime
    assigned_by: str


class NewPair(BaseModel):
    """A pair to record: which application, which expert, in which panel."""

    model_config = ConfigDict(frozen=True)

    credit_code: str
    expert_id: str
    panel: str = ""


# --- rounds --------------------------------------------------------------------------------


def load_round_json(source: Source, round_id: str) -> str | None:
    row = _first(source, q.SELECT_ROUND, [round_id])
    return row[0] if row else None


def load_rounds_json(source: Source, batch_id: str | None = None) -> list[str]:
    return [data for (data,) in _execute(source, q.SELECT_ROUNDS, {"batch_id": batch_id}).fetchall()]


def round_ids(source: Source, batch_id: str) -> set[str]:
    return {round_id for (round_id,) in _execute(source, q.SELECT_ROUND_IDS, [batch_id]).fetchall()}


def insert_round(tx: Transaction, round_id: str, batch_id: str, data: str) -> None:
    tx.execute(q.INSERT_ROUND, [round_id, batch_id, data, tx.now, tx.actor, tx.now, tx.actor])


def replace_round(tx: Transaction, round_id: str, data: str) -> None:
    tx.execute(q.UPDATE_ROUND, [data, tx.now, tx.actor, round_id])


# --- assignments ---------------------------------------------------------------------------


_PAIR_FIELDS = ("assignment_id", "round_id", "credit_code", "expert_id", "panel", "source", "assigned_at", "assigned_by")


def _pair(row: tuple) -> StoredPair:
    # model_construct: the row's types are the table's, and a large round has tens of thousands of pairs.
    return StoredPair.model_construct(**dict(zip(_PAIR_FIELDS, row)))


def current_pairs(source: Source, round_id: str) -> list[StoredPair]:
    """The round's assignment in force, by application then expert."""
    return [_pair(row) for row in _execute(source, q.SELECT_CURRENT_ASSIGNMENTS, [round_id]).fetchall()]


def pairs_of_expert(source: Source, expert_id: str, round_id: str | None = None) -> list[StoredPair]:
    rows = _execute(source, q.SELECT_EXPERT_ASSIGNMENTS, {"expert_id": expert_id, "round_id": round_id}).fetchall()
    return [_pair(row) for row in rows]


def insert_pairs(tx: Transaction, round_id: str, pairs: list[NewPair], source: str, reason: str) -> None:
    if not pairs:
        return
    frame = pd.DataFrame([{"round_id": round_id, "credit_code": p.credit_code, "expert_id": p.expert_id,
                           "panel": p.panel, "source": source, "assigned_at": tx.now, "assigned_by": tx.actor,
                           "assigned_reason": reason} for p in pairs])
    tx.cursor.register("incoming_assignments", frame)
    tx.execute(q.INSERT_ASSIGNMENTS)
    tx.cursor.unregister("incoming_assignments")


def remove_pairs(tx: Transaction, round_id: str, pairs: list[tuple[str, str]], reason: str) -> None:
    """Mark (credit code, expert id) pairs removed; their rows stay with who removed them and why."""
    if not pairs:
        return
    frame = pd.DataFrame(pairs, columns=["credit_code", "expert_id"])
    tx.cursor.register("outgoing_assignments", frame)
    tx.execute(q.REMOVE_ASSIGNMENTS, {"now": tx.now, "actor": tx.actor, "reason": reason, "round_id": round_id})
    tx.cursor.unregister("outgoing_assignments")
