"""Quality flags before the meeting: what staff should look at before anyone decides — incomplete panels,
experts far apart, an expert far more lenient or severe than the panel, an expert who gives every application
the same total, scores at the extremes without a comment. Each flag says what it saw and names the sheets."""
from __future__ import annotations

from decimal import Decimal
from enum import StrEnum

from pydantic import BaseModel, ConfigDict

from scoring.common.access import Permission, Principal, require
from scoring.results.aggregation import ApplicationScore, aggregate_round, rounded
from scoring.rounds.review_rounds import round_rubric, stored_round
from scoring.review.rubrics import points_text
from scoring.storage import Storage
from scoring.storage import aggregation_store as store

# An expert is flagged once they score on average further than this share of the disagreement threshold from the
# applications' means, over at least MIN_SHEETS_FOR_TENDENCY sheets.
TENDENCY_SHARE = Decimal("0.5")
MIN_SHEETS_FOR_TENDENCY = 3


class FlagKind(StrEnum):
    INCOMPLETE = "评分表不全"
    DISAGREEMENT = "专家分歧大"
    LENIENT = "专家明显偏宽"
    SEVERE = "专家明显偏严"
    SAME_TOTAL = "总分全部相同"
    EXTREME_WITHOUT_COMMENT = "极端分无评语"


class Flag(BaseModel):
    """One thing staff should look at: about an application, an expert, or one sheet; `sheets` names the
    (credit code, expert id) pairs it rests on."""

    model_config = ConfigDict(frozen=True)

    kind: FlagKind
    message: str
    credit_code: str = ""
    expert_id: str = ""
    sheets: tuple[tuple[str, str], ...] = ()


def round_flags(storage: Storage, principal: Principal, round_id: str,
                scores: list[ApplicationScore] | None = None) -> list[Flag]:
    """Every flag of the round, by kind; staff and observers only. `scores`: the round's aggregate when the caller
    has it already."""
    review_round = stored_round(storage, round_id)
    require(principal, Permission.VIEW_ASSIGNMENTS, review_round.batch_id)
    rubric = round_rubric(storage, review_round)
    threshold = rubric.aggregation.disagreement_range
    flags = _incomplete(storage, round_id)
    for score in scores if scores is not None else aggregate_round(storage, principal, round_id):
        if score.sheets >= 2 and score.range > threshold:
            flags.append(Flag(
                kind=FlagKind.DISAGREEMENT, credit_code=score.credit_code,
                message=f"各专家总分极差 {points_text(score.range)} 分，超过阈值 {points_text(threshold)} 分"
                        f"（最高 {points_text(score.highest)} 分，最低 {points_text(score.lowest)} 分）",
                sheets=((score.credit_code, score.highest_expert), (score.credit_code, score.lowest_expert))))
    for t in store.expert_tendencies(storage, round_id):
        if t.compared >= MIN_SHEETS_FOR_TENDENCY and abs(t.deviation) > threshold * TENDENCY_SHARE:
            lenient = t.deviation > 0
            flags.append(Flag(
                kind=FlagKind.LENIENT if lenient else FlagKind.SEVERE, expert_id=t.expert_id,
                message=f"在 {t.compared} 份申报书上平均比各申报书均分{'高' if lenient else '低'} "
                        f"{points_text(rounded(abs(Decimal(t.deviation))))} 分"))
        if t.sheets >= MIN_SHEETS_FOR_TENDENCY and t.lowest == t.highest:
            flags.append(Flag(kind=FlagKind.SAME_TOTAL, expert_id=t.expert_id,
                              message=f"已提交的 {t.sheets} 份评分表总分均为 {points_text(t.lowest)} 分"))
    criteria = {c.id: c for c in rubric.criteria}
    for e in store.extremes_without_comment(storage, round_id, {c.id: c.max_points for c in rubric.criteria}):
        criterion = criteria[e.criterion_id]
        which = "满分" if e.points == criterion.max_points else "零分"
        # model_construct: the values come typed from the query, and a careless round can give tens of thousands.
        flags.append(Flag.model_construct(kind=FlagKind.EXTREME_WITHOUT_COMMENT, credit_code=e.credit_code,
                                          expert_id=e.expert_id, sheets=((e.credit_code, e.expert_id),),
                                          message=f"“{criterion.name}”打{which}（{points_text(e.points)} 分）未写评语"))
    order = list(FlagKind)
    return sorted(flags, key=lambda f: (order.index(f.kind), f.credit_code, f.expert_id))


def _incomplete(storage: Storage, round_id: str) -> list[Flag]:
    """Applications with an assigned, unrecused expert whose sheet is not submitted."""
    missing: dict[str, list[tuple[str, str]]] = {}
    for pair in store.unfinished_pairs(storage, round_id):
        missing.setdefault(pair.credit_code, []).append((pair.expert_id, pair.status))
    return [Flag(kind=FlagKind.INCOMPLETE, credit_code=code,
                 message="未提交评分表：" + "、".join(f"{expert}（{status}）" for expert, status in absent),
                 sheets=tuple((code, expert) for expert, _ in absent))
            for code, absent in sorted(missing.items())]
