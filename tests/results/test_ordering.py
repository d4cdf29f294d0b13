"""Ranking: the bonus cap, the order, tie-break rules in turn, and ties that stay ties."""
from decimal import Decimal

from scoring.results.ordering import RankInput, capped_bonus, rank


def entry(code: str, final: str, *ties: str | None) -> RankInput:
    return RankInput(credit_code=code, final=Decimal(final),
                     tie_values=tuple(None if t is None else Decimal(t) for t in ties))


def places(ranked) -> list[tuple[str, int]]:
    return [(r.credit_code, r.rank) for r in ranked]


def test_bonus_counts_verified_points_up_to_the_cap():
    assert capped_bonus([Decimal("3"), Decimal("3"), Decimal("2")], Decimal("10")) == Decimal("8")
    assert capped_bonus([Decimal("3"), Decimal("3"), Decimal("2"), Decimal("2"), Decimal("2")], Decimal("10")) == 10
    assert capped_bonus([], Decimal("10")) == 0


def test_higher_final_scores_rank_first():
    assert places(rank([entry("B", "80"), entry("A", "90.5"), entry("C", "85")])) == [("A", 1), ("C", 2), ("B", 3)]


def test_an_equal_final_score_is_decided_by_the_first_tie_break_then_the_second():
    ranked = rank([entry("A", "88", "18", "40"), entry("B", "88", "19", "10"), entry("C", "88", "18", "45")])

    assert places(ranked) == [("B", 1), ("C", 2), ("A", 3)]
    by_code = {r.credit_code: r for r in ranked}
    assert by_code["B"].decided_by_rule == 1
    assert by_code["C"].decided_by_rule == 2 and by_code["A"].decided_by_rule == 2
    assert all(r.tied_with == () for r in ranked)


def test_a_tie_the_rules_do_not_break_shares_a_rank_and_the_next_place_is_skipped():
    ranked = rank([entry("B", "88", "18"), entry("A", "88", "18"), entry("C", "90", "1"), entry("D", "70", "20")])

    assert places(ranked) == [("C", 1), ("A", 2), ("B", 2), ("D", 4)]
    tied = {r.credit_code: r.tied_with for r in ranked}
    assert tied["A"] == ("B",) and tied["B"] == ("A",) and tied["C"] == ()


def test_a_missing_tie_break_value_comes_after_one_that_is_present():
    assert places(rank([entry("A", "88", None), entry("B", "88", "0")])) == [("B", 1), ("A", 2)]


def test_a_different_final_score_needs_no_tie_break():
    ranked = rank([entry("A", "88.01", "1"), entry("B", "88", "20")])

    assert places(ranked) == [("A", 1), ("B", 2)]
    assert all(r.decided_by_rule is None for r in ranked)
