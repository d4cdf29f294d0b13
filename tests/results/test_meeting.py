"""The meeting's decisions: reasons, decisions against the ranking, bulk decisions confirmed line by line."""
from decimal import Decimal

import pytest

from scoring.common.access import AccessDenied
from scoring.results.meeting import (
    Decision,
    DecisionRequest,
    MeetingError,
    against_ranking,
    current_decisions,
    preview_decisions,
    record_decisions,
    top_selected,
)
from scoring.results.ranking import round_ranking
from scoring.review.score_sheets import submit_sheet
from tests.builders.rounds import OBSERVER, STAFF, expert_principal
from tests.builders.sheets import assigned_storage, pairs, rubric, the_round

S, N, P = Decision.SELECTED, Decision.NOT_SELECTED, Decision.PENDING


def test_selecting_below_a_rejected_one_goes_against_the_ranking_both_ways():
    ranks = {"a": 1, "b": 2, "c": 3, "d": None}

    assert against_ranking(ranks, {"a": S, "b": S, "c": N}) == set()
    assert against_ranking(ranks, {"a": N, "b": S, "c": S}) == {"a", "b", "c"}
    assert against_ranking(ranks, {"a": S, "b": N, "c": S}) == {"b", "c"}
    assert against_ranking(ranks, {"a": S, "b": P, "c": S}) == set()
    assert against_ranking(ranks, {"d": S}) == {"d"}


@pytest.fixture
def storage(tmp_path):
    opened = assigned_storage(tmp_path)
    round_id = the_round(opened).round_id
    criteria = rubric(opened).criteria
    codes = sorted({p.credit_code for p in pairs(opened)})[:3]
    for cut, code in zip(("0", "5", "10"), codes):  # ranks 1, 2, 3 by the management score
        expert = next(p.expert_id for p in pairs(opened) if p.credit_code == code)
        scores = {c.id: c.max_points - (Decimal(cut) if c.id == "management" else 0) for c in criteria}
        submit_sheet(opened, expert_principal(expert), round_id, code,
                     {"scores": scores, "comments": {c.id: "评语" for c in criteria}, "opinion": "推荐",
                      "opinion_text": "同意"})
    yield opened
    opened.close()


def ranked_codes(storage):
    return [r.credit_code for r in round_ranking(storage, STAFF, the_round(storage).round_id).rows if r.rank]


def test_bulk_top_n_is_previewed_line_by_line_then_recorded_with_the_bulk_reason(storage):
    round_id = the_round(storage).round_id
    first, second, third = ranked_codes(storage)
    requests = top_selected(round_ranking(storage, STAFF, round_id).rows, 2)

    preview = preview_decisions(storage, STAFF, round_id, requests)
    recorded = record_decisions(storage, STAFF, round_id, requests, "按排名前2名入选", confirmed=preview)

    assert [(c.credit_code, c.rank, c.before, c.after, c.against_ranking) for c in preview] == [
        (first, 1, None, S, False), (second, 2, None, S, False), (third, 3, None, N, False)]
    assert recorded == preview
    decisions = current_decisions(storage, OBSERVER, round_id)
    assert {c: d.decision for c, d in decisions.items()} == {first: S, second: S, third: N}
    assert decisions[third].reason == "按排名前2名入选" and decisions[third].rank_then == 3
    assert len(storage.audit_log(entity=f"decision/{round_id}/{third}")) == 1


def test_a_decision_against_the_ranking_needs_its_own_reason_and_is_marked(storage):
    round_id = the_round(storage).round_id
    first, second, third = ranked_codes(storage)
    record_decisions(storage, STAFF, round_id, top_selected(round_ranking(storage, STAFF, round_id).rows, 2), "前2名")

    swap = [DecisionRequest(credit_code=third, decision=S), DecisionRequest(credit_code=second, decision=N)]
    with pytest.raises(MeetingError, match="与排名不一致，必须单独说明理由"):
        record_decisions(storage, STAFF, round_id, swap, "会议调整")
    swap = [DecisionRequest(credit_code=third, decision=S, reason="服务本地产业成效突出"),
            DecisionRequest(credit_code=second, decision=N, reason="预算存在禁止列支内容")]
    changes = record_decisions(storage, STAFF, round_id, swap)

    assert {c.credit_code: c.against_ranking for c in changes} == {second: True, third: True}
    assert current_decisions(storage, STAFF, round_id)[third].against_ranking


def test_a_changed_situation_since_the_confirmation_records_nothing(storage):
    round_id = the_round(storage).round_id
    first = ranked_codes(storage)[0]
    request = [DecisionRequest(credit_code=first, decision=S)]
    preview = preview_decisions(storage, STAFF, round_id, request)
    record_decisions(storage, STAFF, round_id, [DecisionRequest(credit_code=first, decision=P)], "暂缓")

    with pytest.raises(MeetingError, match="请重新确认"):
        record_decisions(storage, STAFF, round_id, request, "入选", confirmed=preview)

    assert current_decisions(storage, STAFF, round_id)[first].decision is P


def test_decisions_need_a_reason_staff_and_a_known_application(storage):
    round_id = the_round(storage).round_id
    first = ranked_codes(storage)[0]

    with pytest.raises(MeetingError, match="缺少理由"):
        record_decisions(storage, STAFF, round_id, [DecisionRequest(credit_code=first, decision=S)])
    with pytest.raises(MeetingError, match="没有统一社会信用代码为 X 的申报书"):
        preview_decisions(storage, STAFF, round_id, [DecisionRequest(credit_code="x", decision=S)])
    with pytest.raises(AccessDenied):
        record_decisions(storage, OBSERVER, round_id, [DecisionRequest(credit_code=first, decision=S)], "入选")
