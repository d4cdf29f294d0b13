"""Ranking: the final score (the experts' score plus the verified, capped bonus) and the order with the rubric's
tie-break rules; a tie the rules do not break stays a tie (the same rank), never hidden by list order."""
from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal

from pydantic import BaseModel, ConfigDict


def capped_bonus(points: Sequence[Decimal], cap: Decimal) -> Decimal:
    """The bonus that counts: the sum of the verified items' points, at most `cap`."""
    return min(sum(points, Decimal("0")), cap)


class RankInput(BaseModel):
    """What the order of one application rests on: its final score, then one value per tie-break rule (None where
    the application has no value, e.g. a figure the form lacks: it then comes after those that have one)."""

    model_config = ConfigDict(frozen=True)

    credit_code: str
    final: Decimal
    tie_values: tuple[Decimal | None, ...] = ()


class Ranked(BaseModel):
    """One application's place: its rank (1, 2, 2, 4 … — equal places share a rank), the codes it is tied with,
    and which tie-break rule (by number, 1-based) set it apart from an application of the same final score."""

    model_config = ConfigDict(frozen=True)

    credit_code: str
    final: Decimal
    rank: int
    tied_with: tuple[str, ...] = ()
    decided_by_rule: int | None = None


def _order_key(entry: RankInput) -> tuple:
    # Higher is better for the score and for every tie-break value; a missing value sorts last.
    return (-entry.final, *((0, -v) if v is not None else (1, 0) for v in entry.tie_values), entry.credit_code)


def _first_difference(a: RankInput, b: RankInput) -> int | None:
    for index, (x, y) in enumerate(zip(a.tie_values, b.tie_values), 1):
        if x != y:
            return index
    return None


def rank(entries: Sequence[RankInput]) -> list[Ranked]:
    """Best first. Equal final scores are ordered by the tie-break values in turn; entries equal on all of them share
    a rank (listed by credit code only so the list is stable) and name each other as tied."""
    ordered = sorted(entries, key=_order_key)
    places: list[list[RankInput]] = []
    for entry in ordered:
        if places and places[-1][0].final == entry.final and places[-1][0].tie_values == entry.tie_values:
            places[-1].append(entry)
        else:
            places.append([entry])
    ranked: list[Ranked] = []
    position = 1
    for index, group in enumerate(places):
        same_score = [places[j][0] for j in (index - 1, index + 1)
                      if 0 <= j < len(places) and places[j][0].final == group[0].final]
        rules = [r for r in (_first_difference(group[0], other) for other in same_score) if r is not None]
        for entry in group:
            ranked.append(Ranked.model_construct(credit_code=entry.credit_code, final=entry.final, rank=position,
                                                 tied_with=tuple(e.credit_code for e in group if e is not entry),
                                                 decided_by_rule=max(rules) if rules else None))
        position += len(group)
    return ranked
