"""Reads and writes of frozen rubrics and score sheets; the rules live in scoring/review/score_sheets.py."""
from __future__ import annotations

from datetime import datetime

import pandas as pd

from scoring.common.models import RevisionEvent, ScoreSheet, SheetStatus
from scoring.storage import sheet_queries as q
from scoring.storage.source import Source
from scoring.storage.source import execute as _execute
from scoring.storage.store import Transaction


# --- frozen rubrics --------------------------------------------------------------------------


def rubric_text(source: Source, sha256: str) -> str | None:
    rows = _execute(source, q.SELECT_RUBRIC_TEXT, [sha256]).fetchall()
    return rows[0][0] if rows else None


def keep_rubric(tx: Transaction, sha256: str, rubric_id: str, version: str, source: str, text: str) -> None:
    """Store a rubric's text under its hash, once."""
    tx.execute(q.INSERT_RUBRIC, [sha256, rubric_id, version, source, text, tx.now, tx.actor, sha256])


# --- sheets ------------------------------------------------------------------------------------

_FIELDS = ("round_id", "credit_code", "expert_id", "status", "opinion", "opinion_text", "dissent", "revision",
           "rubric_sha256", "started_at", "saved_at", "saved_by", "submitted_at", "reopened_reason")


def _sheets(source: Source, rows: list[tuple], score_rows: list[tuple]) -> list[ScoreSheet]:
    scores: dict[tuple[str, str], dict[str, object]] = {}
    comments: dict[tuple[str, str], dict[str, str]] = {}
    for code, expert_id, criterion_id, points, comment in score_rows:
        scores.setdefault((code, expert_id), {})[criterion_id] = points
        if comment:
            comments.setdefault((code, expert_id), {})[criterion_id] = comment
    sheets = []
    for row in rows:
        values = dict(zip(_FIELDS, row))
        key = (values["credit_code"], values["expert_id"])
        sheets.append(ScoreSheet.model_validate({**values, "scores": scores.get(key, {}),
                                                 "comments": comments.get(key, {})}))
    return sheets


def load_sheet(source: Source, round_id: str, credit_code: str, expert_id: str) -> ScoreSheet | None:
    rows = _execute(source, q.SELECT_SHEET, [round_id, credit_code, expert_id]).fetchall()
    if not rows:
        return None
    which = {"round_id": round_id, "expert_id": expert_id, "credit_code": credit_code}
    return _sheets(source, rows, _execute(source, q.SELECT_SCORES, which).fetchall())[0]


def load_sheets(source: Source, round_id: str, expert_id: str | None = None,
                credit_code: str | None = None) -> list[ScoreSheet]:
    """The round's stored sheets (optionally one expert's or one application's), by expert then application."""
    which = {"round_id": round_id, "expert_id": expert_id, "credit_code": credit_code}
    rows = _execute(source, q.SELECT_SHEETS, which).fetchall()
    return _sheets(source, rows, _execute(source, q.SELECT_SCORES, which).fetchall()) if rows else []


def sheet_states(source: Source, round_id: str) -> dict[tuple[str, str], tuple[SheetStatus, datetime]]:
    """(credit code, expert id) → (status, last saved) of every stored sheet of the round, without its scores."""
    return {(code, expert): (SheetStatus(status), saved_at)
            for expert, code, status, saved_at in _execute(source, q.SELECT_SHEET_STATES, [round_id]).fetchall()}


def write_sheet(tx: Transaction, sheet: ScoreSheet, is_new: bool) -> None:
    """Insert or replace the sheet and its criterion rows."""
    key = [sheet.round_id, sheet.credit_code, sheet.expert_id]
    opinion = str(sheet.opinion) if sheet.opinion else None
    if is_new:
        tx.execute(q.INSERT_SHEET, key + [str(sheet.status), opinion, sheet.opinion_text, sheet.dissent,
                                          sheet.revision, sheet.rubric_sha256, sheet.started_at, sheet.saved_at,
                                          sheet.saved_by, sheet.submitted_at, sheet.reopened_reason])
    else:
        tx.execute(q.UPDATE_SHEET, [str(sheet.status), opinion, sheet.opinion_text, sheet.dissent, sheet.revision,
                                    sheet.saved_at, sheet.saved_by, sheet.submitted_at, sheet.reopened_reason] + key)
    tx.execute(q.DELETE_SCORES, key)
    criteria = sorted(set(sheet.scores) | set(sheet.comments))
    if criteria:
        frame = pd.DataFrame([{"round_id": sheet.round_id, "credit_code": sheet.credit_code,
                               "expert_id": sheet.expert_id, "criterion_id": c,
                               "points": float(sheet.scores[c]) if sheet.scores.get(c) is not None else None,
                               "comment": sheet.comments.get(c, "")} for c in criteria])
        tx.cursor.register("incoming_scores", frame)
        tx.execute(q.INSERT_SCORES)
        tx.cursor.unregister("incoming_scores")


def record_revision(tx: Transaction, sheet: ScoreSheet, event: RevisionEvent, reason: str = "") -> None:
    tx.execute(q.INSERT_REVISION, [sheet.round_id, sheet.credit_code, sheet.expert_id, sheet.revision, str(event),
                                   sheet.model_dump_json(), tx.now, tx.actor, reason])


def load_revisions(source: Source, round_id: str, credit_code: str, expert_id: str) -> list[dict]:
    cur = _execute(source, q.SELECT_REVISIONS, [round_id, credit_code, expert_id])
    names = [d[0] for d in cur.description]
    return [dict(zip(names, row)) for row in cur.fetchall()]
