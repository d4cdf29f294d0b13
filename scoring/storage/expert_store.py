"""Reads and writes of the expert pool, declared pairs and recusals; the rules live in scoring/experts/pool.py."""
from __future__ import annotations

from dataclasses import dataclass, field

import pandas as pd

from scoring.common.models import ConflictSource, DeclaredConflict, Expert, Recusal
from scoring.storage import expert_queries as q
from scoring.storage.source import Source
from scoring.storage.source import execute as _execute
from scoring.storage.source import first as _first
from scoring.storage.store import Transaction


# --- experts -------------------------------------------------------------------------------


@dataclass
class ExpertSaveSummary:
    """What saving a set of experts did, by expert number."""

    created: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    previous: dict[str, Expert] = field(default_factory=dict)  # the stored version of each updated expert


def save_experts(tx: Transaction, experts: list[Expert]) -> ExpertSaveSummary:
    """Insert new experts and replace changed ones inside `tx`; identical ones are left as they are."""
    summary = ExpertSaveSummary()
    stored = {expert_id: (version, data)
              for expert_id, version, data in tx.execute(q.SELECT_EXPERT_VERSIONS).fetchall()}
    rows = []
    for expert in experts:
        version = 1
        if expert.expert_id in stored:
            old_version, old_data = stored[expert.expert_id]
            previous = Expert.model_validate_json(old_data)
            if previous == expert:
                summary.unchanged.append(expert.expert_id)
                continue
            summary.updated.append(expert.expert_id)
            summary.previous[expert.expert_id] = previous
            version = old_version + 1
        else:
            summary.created.append(expert.expert_id)
        rows.append(_row(expert, version, tx))
    if rows:
        tx.cursor.register("incoming_experts", pd.DataFrame(rows))
        tx.execute(q.DELETE_REPLACED_EXPERTS)
        tx.execute(q.INSERT_EXPERTS)
        tx.cursor.unregister("incoming_experts")
    return summary


def _row(expert: Expert, version: int, tx: Transaction) -> dict:
    return {"expert_id": expert.expert_id, "name": expert.name, "unit": expert.unit, "city": str(expert.city),
            "active": expert.active, "available": expert.available, "data": expert.model_dump_json(),
            "version": version, "saved_at": tx.now, "saved_by": tx.actor}


def replace_expert(tx: Transaction, expert: Expert) -> None:
    """Write a changed expert over the stored one (the audit entry keeps the earlier state)."""
    tx.execute(q.UPDATE_EXPERT, [expert.name, expert.unit, str(expert.city), expert.active, expert.available,
                                 expert.model_dump_json(), tx.now, tx.actor, expert.expert_id])


def load_experts(source: Source, include_inactive: bool = False) -> list[Expert]:
    rows = _execute(source, q.SELECT_EXPERTS, {"include_inactive": include_inactive}).fetchall()
    return [Expert.model_validate_json(data) for (data,) in rows]


def load_expert(source: Source, expert_id: str) -> Expert | None:
    row = _first(source, q.SELECT_EXPERT, [expert_id])
    return Expert.model_validate_json(row[0]) if row else None


# --- declared pairs ------------------------------------------------------------------------


def _declared(row: tuple) -> DeclaredConflict:
    expert_id, credit_code, reason, source, declared_by, declared_at = row
    return DeclaredConflict(expert_id=expert_id, credit_code=credit_code, reason=reason,
                            source=ConflictSource(source), declared_by=declared_by, declared_at=declared_at)


def load_declared(source: Source, expert_id: str | None = None) -> list[DeclaredConflict]:
    """The pairs in force (not withdrawn), of one expert or of all."""
    return [_declared(row) for row in _execute(source, q.SELECT_DECLARED, {"expert_id": expert_id}).fetchall()]


def load_declared_pair(source: Source, expert_id: str, credit_code: str) -> DeclaredConflict | None:
    row = _first(source, q.SELECT_DECLARED_PAIR, [expert_id, credit_code])
    return _declared(row) if row else None


def insert_declared(tx: Transaction, pair: DeclaredConflict) -> None:
    tx.execute(q.INSERT_DECLARED, [pair.expert_id, pair.credit_code, pair.reason, str(pair.source),
                                   pair.declared_by, pair.declared_at])


def withdraw_declared(tx: Transaction, expert_id: str, credit_code: str, reason: str) -> None:
    tx.execute(q.WITHDRAW_DECLARED, [tx.now, tx.actor, reason, expert_id, credit_code])


# --- recusals ------------------------------------------------------------------------------


def _recusal(row: tuple) -> Recusal:
    batch_id, expert_id, credit_code, reason, recorded_by, recorded_at = row
    return Recusal(batch_id=batch_id, expert_id=expert_id, credit_code=credit_code, reason=reason,
                   recorded_by=recorded_by, recorded_at=recorded_at)


def load_recusals(source: Source, batch_id: str) -> list[Recusal]:
    return [_recusal(row) for row in _execute(source, q.SELECT_RECUSALS, [batch_id]).fetchall()]


def load_recusal(source: Source, batch_id: str, expert_id: str, credit_code: str) -> Recusal | None:
    row = _first(source, q.SELECT_RECUSAL, [batch_id, expert_id, credit_code])
    return _recusal(row) if row else None


def insert_recusal(tx: Transaction, recusal: Recusal) -> None:
    tx.execute(q.INSERT_RECUSAL, [recusal.batch_id, recusal.expert_id, recusal.credit_code, recusal.reason,
                                  recusal.recorded_by, recusal.recorded_at])
