"""Aggregation: the trimmed mean by hand for 3, 4, 5 and 7 sheets; only submitted sheets count; criterion means."""
from decimal import Decimal

import pytest

from scoring.common.access import AccessDenied
from scoring.results.aggregation import aggregate_round, normalised_scores, rounded, sheet_totals, trimmed_mean
from scoring.review.score_sheets import save_draft, submit_sheet
from tests.builders.rounds import STAFF, expert_principal
from tests.builders.sheets import assigned_storage, pairs, rubric, the_round


def d(*values) -> list[Decimal]:
    return [Decimal(str(v)) for v in values]


@pytest.mark.parametrize("totals, expected, trimmed", [
    (d(80, 90, 70), "80.00", False),  # 3 sheets: plain mean
    (d(80, 90, 70, 61), "75.25", False),  # 4 sheets: (80+90+70+61)/4
    (d(80, 90, 70, 60, 100), "80.00", True),  # 5: drop 100 and 60 → (80+90+70)/3
    (d(85, 86, 85.5, 90, 70, 88, 87), "86.30", True),  # 7: drop 90 and 70 → 431.5/5
    (d(90, 90, 90, 90, 90), "90.00", True),  # equal totals: one of each dropped
    (d(80, 81, 82, 83, 84.5), "82.00", True),  # 82 exactly
    (d(70, 71, 71, 75, 99), "72.33", True),  # 217/3 = 72.333… → 72.33
    (d(70, 71, 72, 72.5, 99), "71.83", True),  # 215.5/3 = 71.8333… → 71.83
    (d(70, 70.5, 70.5, 71, 99), "70.67", True),  # 212/3 = 70.666… → 70.67
])
def test_trimmed_mean_drops_one_highest_and_one_lowest_from_five_sheets(totals, expected, trimmed):
    assert trimmed_mean(totals, 5) == (Decimal(expected), trimmed)


def test_trimmed_mean_threshold_is_a_setting():
    assert trimmed_mean(d(80, 90, 70, 61), 4) == (Decimal("75.00"), True)
    assert trimmed_mean(d(80, 90, 70, 60, 100), 7) == (Decimal("80.00"), False)


def test_a_published_score_rounds_halves_up():
    assert rounded(Decimal("85.125")) == Decimal("85.13")
    assert rounded(Decimal("85.124")) == Decimal("85.12")


@pytest.fixture
def storage(tmp_path):
    opened = assigned_storage(tmp_path)
    yield opened
    opened.close()


def test_a_round_aggregates_only_submitted_sheets_with_criterion_means(storage):
    round_id = the_round(storage).round_id
    criteria = rubric(storage).criteria
    code = pairs(storage)[0].credit_code
    experts = [p.expert_id for p in pairs(storage) if p.credit_code == code]
    assert len(experts) >= 2
    first, second = (expert_principal(e) for e in experts[:2])
    full = {"scores": {c.id: c.max_points for c in criteria}, "comments": {c.id: "评语" for c in criteria},
            "opinion": "推荐", "opinion_text": "同意"}
    lower = {**full, "scores": {**full["scores"], "management": Decimal("10")}}
    submit_sheet(storage, first, round_id, code, full)
    submit_sheet(storage, second, round_id, code, lower)
    for other in experts[2:]:
        save_draft(storage, expert_principal(other), round_id, code, {"scores": {"management": "1"}})

    [score] = aggregate_round(storage, STAFF, round_id)

    assert (score.credit_code, score.sheets, score.trimmed) == (code, 2, False)
    assert (score.mean, score.expert_score, score.range) == (Decimal("95.00"), Decimal("95.00"), Decimal("10"))
    assert (score.highest_expert, score.lowest_expert, score.dropped) == (first.expert_id, second.expert_id, {})
    assert score.criterion_means["management"] == Decimal("15.00")
    assert score.criterion_means["creation"] == Decimal("15.00")
    assert sheet_totals(storage, STAFF, round_id) == {code: {first.expert_id: 100, second.expert_id: 90}}


def test_experts_cannot_aggregate_a_round(storage):
    with pytest.raises(AccessDenied):
        aggregate_round(storage, expert_principal(pairs(storage)[0].expert_id), the_round(storage).round_id)


def test_normalisation_maps_each_experts_z_scores_back_to_the_points_scale():
    # A gives 80 and 90 (mean 85, spread 5), B gives 60 and 80 (mean 70, spread 10): both rank app2 one spread
    # above their mean. All totals: mean 77.5, spread √118.75 = 10.8972…; so app1 77.5 − 10.90, app2 77.5 + 10.90.
    totals = {"app1": {"A": Decimal("80"), "B": Decimal("60")}, "app2": {"A": Decimal("90"), "B": Decimal("80")}}

    assert normalised_scores(totals) == {"app1": Decimal("66.60"), "app2": Decimal("88.40")}


def test_normalisation_leaves_an_expert_with_one_total_for_all_at_the_overall_mean():
    totals = {"app1": {"A": Decimal("70")}, "app2": {"A": Decimal("70")}}

    assert normalised_scores(totals) == {"app1": Decimal("70.00"), "app2": Decimal("70.00")}
    assert normalised_scores({}) == {}
