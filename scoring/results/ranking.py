"""A round's ranked list, every number traceable: the experts' score (mean or trimmed mean of the submitted
sheets), the verified bonus apart from it, the final score, the rank with the tie-break that decided it, and a mark
where a sheet changed after the round was closed."""
from __future__ import annotations

from datetime import datetime
from decimal import Decimal

from pydantic import BaseModel, ConfigDict

from scoring.common.access import Permission, Principal, require
from scoring.results.aggregation import DroppedTotal, aggregate_round, normalised_scores, sheet_totals
from scoring.results.bonuses import ApplicationBonus, round_bonuses
from scoring.review.figures import numeric_figure
from scoring.common.models import ScoreSheet, SheetStatus
from scoring.results.ordering import RankInput, rank
from scoring.rounds.review_rounds import ReviewRound, RoundError, RoundMode, round_rubric, stored_round
from scoring.review.rubrics import Rubric, TieBreak
from scoring.review.score_sheets import submitted_sheets
from scoring.storage import Storage
from scoring.storage import aggregation_store, round_store, sheet_store


class ScoreChange(BaseModel):
    """A submitted sheet that changed after the round closed: its total before and after, who reopened it and why,
    who submitted the change and when."""

    model_config = ConfigDict(frozen=True)

    credit_code: str
    expert_id: str
    before: Decimal | None
    after: Decimal
    reopened_by: str
    reason: str
    changed_by: str
    changed_at: datetime


def changes_after_close(storage: Storage, principal: Principal, round_id: str) -> list[ScoreChange]:
    review_round = stored_round(storage, round_id)
    require(principal, Permission.VIEW_ASSIGNMENTS, review_round.batch_id)
    closed = review_round.closed_at
    if closed is None:
        return []
    # Once closed, a sheet changes only through a reopening: a submission that follows a reopening made at or after
    # the close is a change, measured against the sheet's submission before that reopening.
    changes = []
    last_submitted: dict[tuple[str, str], Decimal] = {}
    reopened: dict[tuple[str, str], tuple[str, str]] = {}
    for kept in aggregation_store.submissions_and_reopenings(storage, round_id):
        key = (kept.credit_code, kept.expert_id)
        sheet = kept.sheet
        if sheet.status is SheetStatus.DRAFT:
            if kept.recorded_at >= closed:
                reopened[key] = (kept.recorded_by, sheet.reopened_reason)
            continue
        if key in reopened:
            who, why = reopened.pop(key)
            changes.append(ScoreChange(credit_code=kept.credit_code, expert_id=kept.expert_id,
                                       before=last_submitted.get(key), after=sheet.total, reopened_by=who, reason=why,
                                       changed_by=kept.recorded_by, changed_at=kept.recorded_at))
        last_submitted[key] = sheet.total
    return changes


class RankingRow(BaseModel):
    """One application's line of the ranked list."""

    model_config = ConfigDict(frozen=True)

    credit_code: str
    unit_name: str
    city: str
    sheets: int  # submitted
    expected: int  # assigned and not recused
    mean: Decimal | None
    expert_score: Decimal | None
    trimmed: bool
    normalised: Decimal | None  # beside the raw result in distributed rounds with normalisation on; never instead
    bonus: Decimal
    final: Decimal | None
    rank: int | None  # None: no submitted sheet yet
    tied_with: tuple[str, ...] = ()
    decided_by: str = ""  # the tie-break rule that set it apart from an equal final score, in words
    changed_after_close: bool = False


class RoundRanking(BaseModel):
    review_round: ReviewRound
    rubric: Rubric
    rows: list[RankingRow]
    changes: list[ScoreChange]


def tie_break_text(rule: TieBreak, rubric: Rubric) -> str:
    if rule.criterion:
        return f"指标“{rubric.criterion(rule.criterion).name}”均分较高"
    return f"申报书数据“{rule.figure}”较大"


def round_ranking(storage: Storage, principal: Principal, round_id: str) -> RoundRanking:
    """The ranked list of the round's applications; staff and observers only."""
    review_round = stored_round(storage, round_id)
    require(principal, Permission.VIEW_ASSIGNMENTS, review_round.batch_id)
    rubric = round_rubric(storage, review_round)
    batch = storage.get_batch(review_round.batch_id)
    scores = {s.credit_code: s for s in aggregate_round(storage, principal, round_id)}
    states = sheet_store.sheet_states(storage, round_id)
    expected: dict[str, int] = {}
    for pair in round_store.current_pairs(storage, round_id):
        if states.get((pair.credit_code, pair.expert_id), (None,))[0] is not SheetStatus.RECUSED:
            expected[pair.credit_code] = expected.get(pair.credit_code, 0) + 1
    codes = sorted(set(expected) | set(scores))
    applications = {a.credit_code: a for a in storage.list_applications(review_round.batch_id)
                    if a.credit_code in set(codes)}
    bonuses = round_bonuses(storage, principal, round_id, codes)
    normalised = {}
    if rubric.aggregation.normalisation and review_round.mode is RoundMode.DISTRIBUTED:
        normalised = normalised_scores(sheet_totals(storage, principal, round_id))
    changes = changes_after_close(storage, principal, round_id)
    changed = {c.credit_code for c in changes}

    def tie_values(code: str) -> tuple[Decimal | None, ...]:
        values = []
        for rule in rubric.aggregation.tie_break:
            if rule.criterion:
                values.append(scores[code].criterion_means.get(rule.criterion))
            else:
                values.append(numeric_figure(applications[code], batch, rule.figure) if code in applications else None)
        return tuple(values)

    finals = {code: score.expert_score + bonuses[code].points if code in bonuses else score.expert_score
              for code, score in scores.items()}
    ranked = {r.credit_code: r for r in rank([RankInput(credit_code=code, final=final, tie_values=tie_values(code))
                                               for code, final in finals.items()])}
    rules = rubric.aggregation.tie_break
    rows = []
    for code in codes:
        application, score, place = applications.get(code), scores.get(code), ranked.get(code)
        rows.append(RankingRow(
            credit_code=code, unit_name=application.basic.unit_name if application else code,
            city=str(application.recommendation.city) if application else "",
            sheets=score.sheets if score else 0, expected=expected.get(code, 0),
            mean=score.mean if score else None, expert_score=score.expert_score if score else None,
            trimmed=score.trimmed if score else False, normalised=normalised.get(code),
            bonus=bonuses[code].points if code in bonuses else Decimal("0"), final=finals.get(code),
            rank=place.rank if place else None, tied_with=place.tied_with if place else (),
            decided_by=tie_break_text(rules[place.decided_by_rule - 1], rubric)
            if place and place.decided_by_rule else "",
            changed_after_close=code in changed))
    rows.sort(key=lambda r: (r.rank is None, r.rank or 0, r.credit_code))
    return RoundRanking(review_round=review_round, rubric=rubric, rows=rows, changes=changes)


class Explanation(BaseModel):
    """One application's place, traced to its sheets: every submitted sheet with its total, which totals the trimmed
    mean dropped, the bonus lines with their evidence and checks, and the ranking row with its tie-break."""

    row: RankingRow
    sheets: list[ScoreSheet]
    dropped: dict[str, DroppedTotal]  # expert id → the total the trimmed mean left out
    bonus: ApplicationBonus | None
    changes: list[ScoreChange]
    expert_score_rule: str
    tie_break_rules: list[str]


def explain_application(storage: Storage, principal: Principal, round_id: str, credit_code: str) -> Explanation:
    """Why an application stands where it does; staff and observers only (submitted sheets only)."""
    ranking = round_ranking(storage, principal, round_id)
    row = next((r for r in ranking.rows if r.credit_code == credit_code), None)
    if row is None:
        raise RoundError(f"评审轮次 {round_id} 中没有统一社会信用代码为 {credit_code} 的申报书。")
    score = next((s for s in aggregate_round(storage, principal, round_id) if s.credit_code == credit_code), None)
    return Explanation(
        row=row, sheets=submitted_sheets(storage, principal, round_id, credit_code=credit_code),
        dropped=score.dropped if score else {},
        bonus=round_bonuses(storage, principal, round_id, [credit_code]).get(credit_code),
        changes=[c for c in ranking.changes if c.credit_code == credit_code],
        expert_score_rule=ranking.rubric.aggregation.expert_score_rule(),
        tie_break_rules=[tie_break_text(rule, ranking.rubric) for rule in ranking.rubric.aggregation.tie_break])
