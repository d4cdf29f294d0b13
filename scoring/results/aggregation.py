"""Aggregation of a round's submitted score sheets: each application's expert score — the plain mean, or the
trimmed mean that drops one highest and one lowest total once enough sheets exist — and its criterion means.
The sums run in DuckDB over the criterion rows; the divisions are Decimal, kept to two places."""
from __future__ import annotations

from collections.abc import Sequence
from decimal import ROUND_HALF_UP, Decimal
from enum import StrEnum

from pydantic import BaseModel, ConfigDict

from scoring.common.access import Permission, Principal, require
from scoring.rounds.review_rounds import round_rubric, stored_round
from scoring.storage import Storage
from scoring.storage import aggregation_store as store

SCORE_PLACES = Decimal("0.01")


def rounded(value: Decimal) -> Decimal:
    """A score as published: two places, halves up (85.125 → 85.13)."""
    return value.quantize(SCORE_PLACES, rounding=ROUND_HALF_UP)


def trimmed_mean(totals: Sequence[Decimal], drop_from: int) -> tuple[Decimal, bool]:
    """Drop one highest and one lowest total once at least `drop_from` sheets exist, then take the mean; the
    plain mean below that. Returns the score (two places) and whether totals were dropped."""
    if not totals:
        raise ValueError("没有已提交的评分表")
    return _expert_score(sum(totals, Decimal("0")), min(totals), max(totals), len(totals), drop_from)


def _expert_score(total_sum: Decimal, lowest: Decimal, highest: Decimal, sheets: int,
                  drop_from: int) -> tuple[Decimal, bool]:
    if sheets >= drop_from and sheets >= 3:
        return rounded((total_sum - lowest - highest) / (sheets - 2)), True
    return rounded(total_sum / sheets), False


class DroppedTotal(StrEnum):
    """Which end of an application's totals the trimmed mean left out."""

    HIGHEST = "最高分"
    LOWEST = "最低分"


class ApplicationScore(BaseModel):
    """One application's aggregate over its submitted sheets."""

    model_config = ConfigDict(frozen=True)

    credit_code: str
    sheets: int
    mean: Decimal  # the plain mean of the totals
    expert_score: Decimal  # the trimmed mean when `trimmed`, else the plain mean
    trimmed: bool
    lowest: Decimal
    highest: Decimal
    lowest_expert: str  # whose total is the lowest (ties: the first expert id), dropped when trimmed
    highest_expert: str  # ties: the last expert id, so that a trimmed mean never drops one sheet twice
    dropped: dict[str, DroppedTotal]  # expert id → the total the trimmed mean left out; empty when not trimmed
    spread: float  # population standard deviation of the totals
    criterion_means: dict[str, Decimal]

    @property
    def range(self) -> Decimal:
        return self.highest - self.lowest


def aggregate_round(storage: Storage, principal: Principal, round_id: str) -> list[ApplicationScore]:
    """Every application of the round that has a submitted sheet, by credit code; staff and observers only."""
    review_round = stored_round(storage, round_id)
    require(principal, Permission.VIEW_ASSIGNMENTS, review_round.batch_id)
    drop_from = round_rubric(storage, review_round).aggregation.trim_from_sheets
    criterion_means = store.criterion_means(storage, round_id)
    scores = []
    for t in store.application_totals(storage, round_id):
        score, trimmed = _expert_score(t.total_sum, t.lowest, t.highest, t.sheets, drop_from)
        dropped = {t.highest_expert: DroppedTotal.HIGHEST, t.lowest_expert: DroppedTotal.LOWEST} if trimmed else {}
        # model_construct: every value is typed by the query or computed above; a round has thousands of these.
        scores.append(ApplicationScore.model_construct(
            credit_code=t.credit_code, sheets=t.sheets, mean=rounded(t.total_sum / t.sheets), expert_score=score,
            trimmed=trimmed, lowest=t.lowest, highest=t.highest, lowest_expert=t.lowest_expert,
            highest_expert=t.highest_expert, dropped=dropped, spread=float(t.spread or 0.0),
            criterion_means=criterion_means.get(t.credit_code, {})))
    return scores


def sheet_totals(storage: Storage, principal: Principal, round_id: str) -> dict[str, dict[str, Decimal]]:
    """Each submitted sheet's total: {credit code: {expert id: total}}."""
    review_round = stored_round(storage, round_id)
    require(principal, Permission.VIEW_ASSIGNMENTS, review_round.batch_id)
    totals: dict[str, dict[str, Decimal]] = {}
    for sheet in store.sheet_totals(storage, round_id):
        totals.setdefault(sheet.credit_code, {})[sheet.expert_id] = sheet.total
    return totals


def normalised_scores(totals: dict[str, dict[str, Decimal]]) -> dict[str, Decimal]:
    """Per-expert normalisation for distributed rounds, shown beside the raw result and never replacing it: each
    expert's totals become z-scores over their own sheets (0 for an expert with one sheet or one total for all),
    mapped back to the points scale with the mean and spread of all totals; an application's normalised score is
    the mean of its mapped totals. Input: {credit code: {expert id: total}}."""
    by_expert: dict[str, list[float]] = {}
    for sheets in totals.values():
        for expert_id, total in sheets.items():
            by_expert.setdefault(expert_id, []).append(float(total))
    everything = [t for values in by_expert.values() for t in values]
    if not everything:
        return {}
    overall_mean, overall_spread = _mean_and_spread(everything)
    tendencies = {expert_id: _mean_and_spread(values) for expert_id, values in by_expert.items()}
    result = {}
    for code, sheets in totals.items():
        mapped = []
        for expert_id, total in sheets.items():
            mean, spread = tendencies[expert_id]
            z = (float(total) - mean) / spread if spread > 0 else 0.0
            mapped.append(overall_mean + z * overall_spread)
        result[code] = rounded(Decimal(repr(sum(mapped) / len(mapped))))
    return result


def _mean_and_spread(values: list[float]) -> tuple[float, float]:
    mean = sum(values) / len(values)
    return mean, (sum((v - mean) ** 2 for v in values) / len(values)) ** 0.5
