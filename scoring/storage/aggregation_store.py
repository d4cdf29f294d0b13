"""Reads of a round's submitted score sheets for the results — totals, criterion means, the experts' tendencies,
extreme scores, unfinished pairs and the revisions after a close; the rules live in scoring/results/."""
from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import NamedTuple

import pandas as pd

from scoring.common.models import RevisionEvent, ScoreSheet, SheetStatus
from scoring.storage import aggregation_queries as q
from scoring.storage.source import Source, execute, rows
from scoring.storage.store import Storage

_SUBMITTED = str(SheetStatus.SUBMITTED)


class ApplicationTotals(NamedTuple):
    """One application's submitted totals: how many, their sum, the ends and whose they are, the spread."""

    credit_code: str
    sheets: int
    total_sum: Decimal
    lowest: Decimal
    highest: Decimal
    lowest_expert: str  # on a tie the smallest expert id
    highest_expert: str  # on a tie the largest, so that one sheet is never both ends
    spread: float | None  # population standard deviation


class SheetTotal(NamedTuple):
    credit_code: str
    expert_id: str
    total: Decimal


class ExpertTendency(NamedTuple):
    """How one expert's submitted totals sit against the applications' means."""

    expert_id: str
    sheets: int
    compared: int  # sheets on applications with two or more submitted sheets
    deviation: float | None  # mean of (own total − application mean) over those
    lowest: Decimal
    highest: Decimal


class ExtremeScore(NamedTuple):
    """A submitted criterion score at 0 or at the maximum, without a comment."""

    credit_code: str
    expert_id: str
    criterion_id: str
    points: Decimal


class UnfinishedPair(NamedTuple):
    credit_code: str
    expert_id: str
    status: SheetStatus  # NOT_STARTED when the expert never opened the sheet


class SheetRevision(NamedTuple):
    """A sheet as it was kept at a submission or a reopening."""

    credit_code: str
    expert_id: str
    revision: int
    sheet: ScoreSheet
    recorded_at: datetime
    recorded_by: str


def criterion_means(source: Source, round_id: str) -> dict[str, dict[str, Decimal]]:
    """{credit code: {criterion id: mean}} over the submitted sheets, each mean to the cent, halves up."""
    # fetchnumpy: a round has tens of thousands of criterion means, and tuples of them are slow to build.
    columns = execute(source, q.CRITERION_MEAN_CENTS, {"round_id": round_id, "submitted": _SUBMITTED}).fetchnumpy()
    means: dict[str, dict[str, Decimal]] = {}
    for code, criterion_id, cents in zip(columns["credit_code"].tolist(), columns["criterion_id"].tolist(),
                                         columns["mean_cents"].tolist()):
        means.setdefault(code, {})[criterion_id] = Decimal(cents).scaleb(-2)
    return means


def application_totals(source: Source, round_id: str) -> list[ApplicationTotals]:
    """Every application with a submitted sheet, by credit code."""
    return [ApplicationTotals(*row)
            for row in rows(source, q.APPLICATION_TOTALS, {"round_id": round_id, "submitted": _SUBMITTED})]


def sheet_totals(source: Source, round_id: str) -> list[SheetTotal]:
    """Each submitted sheet's total, by credit code then expert."""
    return [SheetTotal(*row) for row in rows(source, q.SHEET_TOTALS, {"round_id": round_id, "submitted": _SUBMITTED})]


def expert_tendencies(source: Source, round_id: str) -> list[ExpertTendency]:
    """Every expert with a submitted sheet, by expert id."""
    return [ExpertTendency(*row)
            for row in rows(source, q.EXPERT_TENDENCIES, {"round_id": round_id, "submitted": _SUBMITTED})]


def extremes_without_comment(storage: Storage, round_id: str, maxima: dict[str, Decimal]) -> list[ExtremeScore]:
    """Submitted scores at 0 or at their criterion's maximum (`maxima`: criterion id → maximum) with no comment,
    by credit code, expert and criterion."""
    # A cursor of its own: the maxima are registered on it for this one statement.
    cursor = storage.cursor()
    cursor.register("criterion_maxima", pd.DataFrame([{"criterion_id": criterion_id, "max_points": float(points)}
                                                      for criterion_id, points in maxima.items()]))
    try:
        found = cursor.execute(q.EXTREMES_WITHOUT_COMMENT, {"round_id": round_id, "submitted": _SUBMITTED}).fetchall()
    finally:
        cursor.unregister("criterion_maxima")
    return [ExtremeScore(*row) for row in found]


def unfinished_pairs(source: Source, round_id: str) -> list[UnfinishedPair]:
    """Assignments in force whose sheet is neither submitted nor recused, by credit code then expert."""
    params = {"round_id": round_id, "not_started": str(SheetStatus.NOT_STARTED), "draft": str(SheetStatus.DRAFT)}
    return [UnfinishedPair(code, expert_id, SheetStatus(status))
            for code, expert_id, status in rows(source, q.UNFINISHED_PAIRS, params)]


def submissions_and_reopenings(source: Source, round_id: str) -> list[SheetRevision]:
    """The sheets kept at every submission and every reopening of the round, by sheet then revision."""
    params = {"round_id": round_id, "submission": str(RevisionEvent.SUBMITTED),
              "reopening": str(RevisionEvent.REOPENED)}
    return [SheetRevision(code, expert_id, revision, ScoreSheet.model_validate_json(data), at, by)
            for code, expert_id, revision, data, at, by in rows(source, q.SUBMISSIONS_AFTER, params)]
