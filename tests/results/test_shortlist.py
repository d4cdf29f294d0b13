"""The shortlist: rules, ties at the cut, city limits, decisions on top, and frozen versions."""
from decimal import Decimal

import pytest

from scoring.results.meeting import Decision, DecisionRequest, RecordedDecision, record_decisions
from scoring.results.ranking import RankingRow
from scoring.rounds.review_rounds import close_round
from scoring.review.score_sheets import submit_sheet
from scoring.results.shortlist import (
    ShortlistError,
    ShortlistMode,
    ShortlistRule,
    content_sha256,
    freeze_shortlist,
    propose,
    shortlists,
)
from tests.builders.rounds import OBSERVER, STAFF, expert_principal
from tests.builders.sheets import assigned_storage, pairs, rubric, the_round


def row(code: str, final: str, rank: int, city: str = "沈阳市") -> RankingRow:
    return RankingRow(credit_code=code, unit_name=f"单位{code}", city=city, sheets=5, expected=5, mean=Decimal(final),
                      expert_score=Decimal(final), trimmed=True, normalised=None, bonus=Decimal(0),
                      final=Decimal(final), rank=rank)


ROWS = [row("a", "95", 1), row("b", "90", 2, "大连市"), row("c", "90", 2), row("d", "80", 4), row("e", "70", 5)]


def decided(code: str, decision: Decision, against: bool = False) -> RecordedDecision:
    return RecordedDecision(credit_code=code, decision=decision, reason="会议决定", against_ranking=against,
                            rank_then=None, decided_by="staff", decided_at="2023-08-01T10:00:00")


def codes(proposal) -> list[str]:
    return [e.credit_code for e in proposal.entries]


def test_top_n_takes_the_best_and_a_tie_at_the_cut_takes_both_with_a_warning():
    assert codes(propose(ROWS, {}, ShortlistRule(mode=ShortlistMode.TOP_N, top_n=1), {})) == ["a"]

    tied = propose(ROWS, {}, ShortlistRule(mode=ShortlistMode.TOP_N, top_n=2), {})

    assert codes(tied) == ["a", "b", "c"]
    assert tied.warnings == ["第 2 名并列，按规则共 3 个单位入围，超过名额 2 个，请会议决定。"]


def test_a_threshold_includes_a_final_score_exactly_at_it():
    assert codes(propose(ROWS, {}, ShortlistRule(mode=ShortlistMode.THRESHOLD, threshold=Decimal("80")), {})) == [
        "a", "b", "c", "d"]


def test_the_meetings_decisions_apply_on_top_of_the_rule():
    decisions = {"c": decided("c", Decision.NOT_SELECTED), "e": decided("e", Decision.SELECTED, against=True)}

    proposal = propose(ROWS, decisions, ShortlistRule(mode=ShortlistMode.TOP_N, top_n=3), {"e": "科研院所"})

    assert codes(proposal) == ["a", "b", "e"]
    assert proposal.entries[2].basis == "会议决定入选（与排名不一致）" and proposal.entries[2].unit_type == "科研院所"
    assert "单位c按规则入围，会议决定不入选。" in proposal.warnings


def test_a_per_city_limit_drops_the_lower_ranked_of_a_city_and_says_so():
    proposal = propose(ROWS, {}, ShortlistRule(mode=ShortlistMode.TOP_N, top_n=4, per_city_limit=2), {})

    assert codes(proposal) == ["a", "b", "c"]
    assert proposal.warnings == ["单位d（沈阳市，第 4 名）超出每市 2 个的名额。"]


def test_pending_decisions_are_reported_and_by_decision_lists_only_the_selected():
    decisions = {"a": decided("a", Decision.SELECTED), "b": decided("b", Decision.PENDING)}

    proposal = propose(ROWS, decisions, ShortlistRule(mode=ShortlistMode.BY_DECISION), {})

    assert codes(proposal) == ["a"] and proposal.pending == ["单位b"]


def test_a_rule_needs_its_number():
    with pytest.raises(ValueError, match="须填写入选名额"):
        ShortlistRule(mode=ShortlistMode.TOP_N)


@pytest.fixture
def storage(tmp_path):
    opened = assigned_storage(tmp_path)
    round_id = the_round(opened).round_id
    criteria = rubric(opened).criteria
    for cut, code in zip(("0", "5", "10"), sorted({p.credit_code for p in pairs(opened)})[:3]):
        expert = next(p.expert_id for p in pairs(opened) if p.credit_code == code)
        scores = {c.id: c.max_points - (Decimal(cut) if c.id == "management" else 0) for c in criteria}
        submit_sheet(opened, expert_principal(expert), round_id, code,
                     {"scores": scores, "comments": {c.id: "评语" for c in criteria}, "opinion": "推荐",
                      "opinion_text": "同意"})
    yield opened
    opened.close()


def test_freezing_needs_a_closed_round_then_each_freeze_is_a_new_version_with_its_hash(storage):
    round_id = the_round(storage).round_id
    top_two = ShortlistRule(mode=ShortlistMode.TOP_N, top_n=2)
    with pytest.raises(ShortlistError, match="请先结束评审"):
        freeze_shortlist(storage, STAFF, round_id, top_two, "会议研究确定")
    close_round(storage, STAFF, round_id, "评审结束")

    first = freeze_shortlist(storage, STAFF, round_id, top_two, "会议研究确定")
    second = freeze_shortlist(storage, STAFF, round_id, ShortlistRule(mode=ShortlistMode.TOP_N, top_n=3), "增补")

    assert (first.version, second.version) == (1, 2)
    assert [len(s.entries) for s in shortlists(storage, OBSERVER, round_id)] == [2, 3]
    assert shortlists(storage, OBSERVER, round_id)[0] == first
    assert first.sha256 == content_sha256(top_two, first.entries) != second.sha256
    [entry] = storage.audit_log(entity=f"shortlist/2023/{round_id}/1")
    assert entry.detail["sha256"] == first.sha256 and entry.reason == "会议研究确定"


def test_a_pending_decision_blocks_freezing(storage):
    round_id = the_round(storage).round_id
    close_round(storage, STAFF, round_id, "评审结束")
    code = sorted({p.credit_code for p in pairs(storage)})[0]
    record_decisions(storage, STAFF, round_id, [DecisionRequest(credit_code=code, decision=Decision.PENDING)], "暂缓")

    with pytest.raises(ShortlistError, match="尚有待定的会议决定"):
        freeze_shortlist(storage, STAFF, round_id, ShortlistRule(mode=ShortlistMode.TOP_N, top_n=2), "确定")


def test_a_frozen_shortlist_exports_to_xlsx_with_its_version_and_hash(storage, tmp_path):
    import io

    import pandas as pd

    from scoring.results.ranking_files import export_shortlist

    round_id = the_round(storage).round_id
    close_round(storage, STAFF, round_id, "评审结束")
    with pytest.raises(Exception, match="尚未确定拟入选名单"):
        export_shortlist(storage, STAFF, round_id, root=tmp_path)
    frozen = freeze_shortlist(storage, STAFF, round_id, ShortlistRule(mode=ShortlistMode.TOP_N, top_n=2), "会议确定")

    written = export_shortlist(storage, OBSERVER, round_id, root=tmp_path)

    sheet = pd.read_excel(io.BytesIO(written.content), engine="calamine", header=None, dtype=str)
    assert frozen.sha256 in sheet.iloc[1, 0] and "第 1 版" in sheet.iloc[1, 0]
    assert list(sheet.iloc[2, :4]) == ["序号", "单位名称", "单位类型", "所在市"]
    assert list(sheet.iloc[3:, 1]) == [e.unit_name for e in frozen.entries]
    assert written.path.exists() and written.path.suffix == ".xlsx"
