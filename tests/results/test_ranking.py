"""The assembled ranking: bonus apart from the experts' score, tie-breaks in words, ties kept, and changes after
the round closed marked with their before and after totals."""
from decimal import Decimal

import pytest

from scoring.results.bonuses import check_bonus
from scoring.results.ranking import changes_after_close, explain_application, round_ranking
from scoring.rounds.review_rounds import RoundError, close_round, update_round
from scoring.review.score_sheets import ScoringError, declare_recusal, reopen_sheet, save_draft, submit_sheet
from tests.builders.rounds import OBSERVER, STAFF, expert_principal
from tests.builders.sheets import assigned_storage, pairs, rubric, the_round


@pytest.fixture
def storage(tmp_path):
    opened = assigned_storage(tmp_path)
    yield opened
    opened.close()


def sheet(storage, cuts: dict[str, str] | None = None) -> dict:
    criteria = rubric(storage).criteria
    return {"scores": {c.id: c.max_points - Decimal((cuts or {}).get(c.id, "0")) for c in criteria},
            "comments": {c.id: "评语" for c in criteria}, "opinion": "推荐", "opinion_text": "同意"}


def two_applications(storage):
    codes = sorted({p.credit_code for p in pairs(storage)})[:2]
    return [(code, [p.expert_id for p in pairs(storage) if p.credit_code == code]) for code in codes]


def submit(storage, expert_id, code, entries):
    return submit_sheet(storage, expert_principal(expert_id), the_round(storage).round_id, code, entries)


def test_the_bonus_is_added_apart_from_the_experts_score_and_decides_the_order(storage):
    round_id = the_round(storage).round_id
    (first, first_experts), (second, second_experts) = two_applications(storage)
    submit(storage, first_experts[0], first, sheet(storage, {"management": "5"}))  # 95
    submit(storage, second_experts[0], second, sheet(storage, {"management": "7"}))  # 93
    check_bonus(storage, STAFF, round_id, second, "standard", True, "证书核实无误")  # +3 → 96

    rows = {r.credit_code: r for r in round_ranking(storage, OBSERVER, round_id).rows}

    assert (rows[second].expert_score, rows[second].bonus, rows[second].final, rows[second].rank) == (
        Decimal("93.00"), Decimal("3"), Decimal("96.00"), 1)
    assert (rows[first].final, rows[first].rank) == (Decimal("95.00"), 2)
    assert (rows[first].sheets, rows[first].expected) == (1, len(first_experts))


def test_an_equal_final_score_is_decided_by_the_rubrics_tie_break_in_words(storage):
    round_id = the_round(storage).round_id
    (first, first_experts), (second, second_experts) = two_applications(storage)
    submit(storage, first_experts[0], first, sheet(storage, {"conversion": "5"}))  # 95, conversion 15
    submit(storage, second_experts[0], second, sheet(storage, {"management": "5"}))  # 95, conversion 20

    rows = round_ranking(storage, STAFF, round_id).rows

    assert [(r.credit_code, r.rank) for r in rows[:2]] == [(second, 1), (first, 2)]
    assert rows[0].decided_by == "指标“转化实施基础”均分较高" and rows[0].tied_with == ()


def test_a_tie_no_rule_breaks_is_shown_as_a_tie(storage, monkeypatch):
    round_id = the_round(storage).round_id
    (first, first_experts), (second, second_experts) = two_applications(storage)
    submit(storage, first_experts[0], first, sheet(storage))
    submit(storage, second_experts[0], second, sheet(storage))
    monkeypatch.setattr("scoring.results.ranking.numeric_figure", lambda *args: Decimal("40"))  # same figure too

    rows = round_ranking(storage, STAFF, round_id).rows

    assert [r.rank for r in rows[:2]] == [1, 1]
    assert rows[0].tied_with == (rows[1].credit_code,)


def test_a_recusal_lowers_the_sheets_expected(storage):
    round_id = the_round(storage).round_id
    (first, experts), _ = two_applications(storage)
    declare_recusal(storage, expert_principal(experts[0]), round_id, first, "曾在该单位兼职")

    row = next(r for r in round_ranking(storage, STAFF, round_id).rows if r.credit_code == first)

    assert (row.expected, row.rank, row.final) == (len(experts) - 1, None, None)


def test_after_closing_only_a_reopened_sheet_changes_and_the_ranking_shows_before_and_after(storage):
    round_id = the_round(storage).round_id
    (first, experts), _ = two_applications(storage)
    submit(storage, experts[0], first, sheet(storage))  # 100
    close_round(storage, STAFF, round_id, "评审时间结束")

    with pytest.raises(ScoringError, match="评审已于 .* 结束"):
        save_draft(storage, expert_principal(experts[1]), round_id, first, {"scores": {"management": "10"}})
    with pytest.raises(RoundError, match="已于 .* 结束"):
        close_round(storage, STAFF, round_id, "再次结束")
    reopen_sheet(storage, STAFF, round_id, first, experts[0], "会议研究认为评分偏高")
    submit(storage, experts[0], first, sheet(storage, {"management": "8"}))  # 92

    [change] = changes_after_close(storage, STAFF, round_id)
    assert (change.credit_code, change.expert_id, change.before, change.after) == (first, experts[0], 100, 92)
    assert (change.reopened_by, change.reason) == ("staff", "会议研究认为评分偏高")
    row = next(r for r in round_ranking(storage, STAFF, round_id).rows if r.credit_code == first)
    assert row.changed_after_close and row.final == Decimal("92.00")


def test_editing_a_closed_round_keeps_it_closed(storage):
    round_id = the_round(storage).round_id
    closed = close_round(storage, STAFF, round_id, "评审时间结束")

    edited = update_round(storage, STAFF, closed.model_copy(update={"title": "改名", "closed_at": None}), "改名称")

    assert (edited.title, edited.closed_at, edited.closed_by) == ("改名", closed.closed_at, "staff")


def test_one_application_is_explained_by_its_sheets_the_dropped_totals_and_the_bonus(storage):
    round_id = the_round(storage).round_id
    (code, experts), _ = two_applications(storage)
    assert len(experts) == 5
    for expert_id, cut in zip(experts, ("0", "2", "4", "6", "8")):  # 100, 98, 96, 94, 92
        submit(storage, expert_id, code, sheet(storage, {"management": cut}))
    check_bonus(storage, STAFF, round_id, code, "standard", True, "证书核实无误")

    explanation = explain_application(storage, OBSERVER, round_id, code)

    assert len(explanation.sheets) == 5
    assert explanation.dropped == {experts[0]: "最高分", experts[4]: "最低分"}
    assert explanation.expert_score_rule == ("专家评分取已提交评分表总分的平均分，评分表达到 5 份时"
                                             "先去掉一个最高分和一个最低分再取平均")
    assert (explanation.row.mean, explanation.row.expert_score, explanation.row.final) == (
        Decimal("96.00"), Decimal("96.00"), Decimal("99.00"))
    assert explanation.bonus.points == 3
    assert explanation.tie_break_rules == ["指标“转化实施基础”均分较高", "申报书数据“近三年专利转化实施数（件）”较大"]
