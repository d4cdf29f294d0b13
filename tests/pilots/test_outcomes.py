"""Acceptance and final rounds: which pilots a round reviews, the proposed outcome at every band edge and its
overrides (misused funds, no report), the meeting's decision setting the pilot's status, publication, the letters,
and the final evaluation's list."""
from datetime import date, datetime
from decimal import Decimal

import pytest

from scoring.common.access import AccessDenied
from scoring.common.models import PilotStatus
from scoring.pilots import registry
from scoring.pilots.outcomes import (
    FundsFinding,
    OutcomeError,
    OutcomeRequest,
    decide_outcomes,
    final_list,
    outcome_letters,
    pilot_results,
    propose,
    proposed_outcomes,
    publish_outcomes,
    record_funds_finding,
)
from scoring.results.ranking import RankingRow
from scoring.review.rubrics import RubricError, find_rubric, parse_rubric
from scoring.rounds.assignment import round_applications
from scoring.rounds.review_rounds import RoundError, close_round
from tests.builders.pilot_rounds import SILENT, YEAR, acceptance_round, accepted_storage, scores_for, send_report, \
    sample_report
from tests.builders.pilots import city_account, on_day, the_pilots, unit_account
from tests.builders.rounds import OBSERVER, STAFF, expert_principal, new_round

ANNUAL = find_rubric("annual-acceptance").rubric.outcomes
FINAL = find_rubric("final-evaluation").rubric.outcomes


@pytest.fixture
def storage(tmp_path):
    opened = accepted_storage(tmp_path)
    yield opened
    opened.close()


def row(final: str | None) -> RankingRow:
    return RankingRow(credit_code="X", unit_name="X", city="沈阳市", sheets=3, expected=3, mean=None,
                      expert_score=None, trimmed=False, normalised=None, bonus=Decimal(0),
                      final=Decimal(final) if final is not None else None, rank=1)


def finding(misused: bool) -> FundsFinding:
    return FundsFinding(credit_code="X", year=YEAR, misused=misused, reason="启动资金用于发放人员绩效",
                        found_at=datetime(2024, 1, 5), found_by="staff")


@pytest.mark.parametrize(("score", "expected"), [
    ("100", "优秀"), ("90", "优秀"), ("89.99", "合格"), ("75", "合格"), ("74.99", "基本合格"), ("60", "基本合格"),
    ("59.99", "不合格"), ("0", "不合格")])
def test_the_annual_outcome_follows_the_bands_with_each_minimum_included(score, expected):
    assert propose(ANNUAL, row(score), reported=True, finding=None)[0] == expected


def test_misused_funds_make_the_year_fail_whatever_the_score():
    outcome, rule = propose(ANNUAL, row("98"), reported=True, finding=finding(True))

    assert outcome == "不合格" and "启动资金违规使用" in rule and "人员绩效" in rule
    assert propose(ANNUAL, row("98"), reported=True, finding=finding(False))[0] == "优秀"


def test_a_pilot_without_a_report_fails_and_one_without_sheets_has_no_proposal_yet():
    assert propose(ANNUAL, row("95"), reported=False, finding=None)[0] == "不合格"
    assert propose(ANNUAL, row(None), reported=True, finding=None) == (None, "尚无已提交的评分表")


@pytest.mark.parametrize(("score", "expected"), [("60", "通过"), ("59.99", "不通过")])
def test_the_final_evaluation_passes_from_sixty(score, expected):
    assert propose(FINAL, row(score), reported=True, finding=None)[0] == expected


def test_outcome_rules_need_a_band_from_zero_and_overrides_that_name_a_band():
    text = find_rubric("annual-acceptance").text
    with pytest.raises(RubricError, match="最低一档结果的最低分必须为 0"):
        parse_rubric(text.replace("{label: 不合格, min: 0,", "{label: 不合格, min: 10,"))
    with pytest.raises(RubricError, match="“作废”不是结果档次之一"):
        parse_rubric(text.replace("misused_funds: 不合格", "misused_funds: 作废"))
    with pytest.raises(RubricError, match="遴选评分标准不设"):
        parse_rubric(find_rubric("selection").text + "\noutcomes:\n  bands:\n    - {label: 合格, min: 0, status: 在建}\n")


# --- the round's pilots --------------------------------------------------------------------------------------------


def test_an_acceptance_round_reviews_the_pilots_of_its_year_and_not_a_revoked_one(storage):
    pilots = the_pilots(storage)
    registry.set_status(storage, STAFF, "2023", pilots[4].credit_code, 2024, PilotStatus.REVOKED, "主动申请退出")
    later = new_round(storage, kind="年度验收", rubric_id="annual-acceptance", year=2024)

    assert {a.credit_code for a in round_applications(storage, acceptance_round(storage))} == \
        {p.credit_code for p in pilots}
    assert {a.credit_code for a in round_applications(storage, later)} == {p.credit_code for p in pilots[:4]}


def test_a_pilot_round_needs_a_year_of_the_period_and_a_final_evaluation_its_last_year(storage):
    with pytest.raises(RoundError, match="须指定验收/评估年度"):
        new_round(storage, kind="年度验收", rubric_id="annual-acceptance")
    with pytest.raises(RoundError, match="2023—2025 年，2026 年不在其中"):
        new_round(storage, kind="年度验收", rubric_id="annual-acceptance", year=2026)
    with pytest.raises(RoundError, match="最后一年（2025 年）"):
        new_round(storage, kind="综合评估", rubric_id="final-evaluation", year=2024)


def test_the_proposals_show_the_score_the_report_and_the_rule(storage):
    by_code = {p.credit_code: p for p in proposed_outcomes(storage, STAFF, acceptance_round(storage).round_id)}
    pilots = the_pilots(storage)

    assert [by_code[p.credit_code].proposed for p in pilots] == ["优秀", "合格", "合格", "不合格", "不合格"]
    assert by_code[pilots[SILENT].credit_code].reported is False
    assert by_code[pilots[1].credit_code].rule == "最终得分 89 分，不低于 75 分、低于 90 分为“合格”"
    assert by_code[pilots[0].credit_code].sheets == 3


def test_a_funds_finding_turns_the_proposal_and_is_audited(storage):
    pilot = the_pilots(storage)[0]
    record_funds_finding(storage, STAFF, "2023", pilot.credit_code, YEAR, True, "启动资金用于发放人员绩效")

    [proposal] = [p for p in proposed_outcomes(storage, STAFF, acceptance_round(storage).round_id)
                  if p.credit_code == pilot.credit_code]
    assert proposal.proposed == "不合格" and proposal.misused
    assert storage.audit_log(entity=registry.pilot_entity("2023", pilot.credit_code))[0].action == "pilot.funds_finding"
    with pytest.raises(AccessDenied):
        record_funds_finding(storage, unit_account(pilot), "2023", pilot.credit_code, YEAR, False, "自查无问题")


# --- the meeting ---------------------------------------------------------------------------------------------------


def requests_as_proposed(storage, round_id):
    return [OutcomeRequest(credit_code=p.credit_code, outcome=p.proposed,
                           rectify="补报年度工作总结并说明原因" if p.proposed == "不合格" else "",
                           rectify_by=date(2024, 3, 31) if p.proposed == "不合格" else None)
            for p in proposed_outcomes(storage, STAFF, round_id)]


def test_deciding_as_proposed_sets_each_pilots_status_for_the_year(storage):
    round_id = acceptance_round(storage).round_id
    decided = decide_outcomes(storage, STAFF, round_id, requests_as_proposed(storage, round_id), "验收会议研究")
    pilots = {p.credit_code: p for p in registry.pilots(storage, STAFF, "2023")}

    assert {pilots[c].unit_name: (d.outcome, pilots[c].status) for c, d in decided.items()} == {
        p.unit_name: (o, s) for p, o, s in zip(the_pilots(storage), ["优秀", "合格", "合格", "不合格", "不合格"],
                                               [PilotStatus.BUILDING] * 3 + [PilotStatus.RECTIFYING] * 2)}
    failing = the_pilots(storage)[4]
    [change] = [c for c in registry.status_history(storage, STAFF, "2023", failing.credit_code)
                if c.status is PilotStatus.RECTIFYING]
    assert change.year == YEAR and change.reason == "2023年度验收结果：不合格"


def test_a_decision_other_than_the_proposal_needs_its_own_reason(storage):
    round_id = acceptance_round(storage).round_id
    first = the_pilots(storage)[1]
    with pytest.raises(OutcomeError, match="与建议结果“合格”不同，须单独写明理由"):
        decide_outcomes(storage, STAFF, round_id, [OutcomeRequest(credit_code=first.credit_code, outcome="优秀")],
                        "会议研究")

    decided = decide_outcomes(storage, STAFF, round_id, [OutcomeRequest(
        credit_code=first.credit_code, outcome="优秀", reason="转化成效突出，会议一致同意调整")], "会议研究")
    assert decided[first.credit_code].against_proposal and decided[first.credit_code].proposed == "合格"


def test_a_result_that_asks_for_rectification_needs_what_and_by_when(storage):
    round_id = acceptance_round(storage).round_id
    failing = the_pilots(storage)[4]
    with pytest.raises(OutcomeError, match="须整改：请写明整改要求和整改期限"):
        decide_outcomes(storage, STAFF, round_id, [OutcomeRequest(credit_code=failing.credit_code,
                                                                  outcome="不合格")], "会议研究")
    with pytest.raises(OutcomeError, match="不是评分标准规定的结果之一"):
        decide_outcomes(storage, STAFF, round_id, [OutcomeRequest(credit_code=failing.credit_code, outcome="良好",
                                                                  reason="会议认为")], "会议研究")


def test_outcomes_wait_for_the_scoring_to_close(storage):
    open_round = new_round(storage, kind="年度验收", rubric_id="annual-acceptance", year=2024)
    with pytest.raises(OutcomeError, match="评审尚未结束"):
        decide_outcomes(storage, STAFF, open_round.round_id, [], "会议研究")


def test_publication_needs_every_decision_then_freezes_and_shows_units_their_own(storage):
    round_id = acceptance_round(storage).round_id
    requests = requests_as_proposed(storage, round_id)
    decide_outcomes(storage, STAFF, round_id, requests[:2], "会议研究")
    with pytest.raises(OutcomeError, match="尚有试点未作出结果决定"):
        publish_outcomes(storage, STAFF, round_id, "公布验收结果")
    pilot = the_pilots(storage)[0]
    assert pilot_results(storage, unit_account(pilot), "2023", pilot.credit_code) == []
    [before] = pilot_results(storage, OBSERVER, "2023", pilot.credit_code)
    assert (before.score, before.outcome.outcome, before.published) == (Decimal(90), "优秀", False)

    decide_outcomes(storage, STAFF, round_id, requests[2:], "会议研究")
    published = publish_outcomes(storage, STAFF, round_id, "公布验收结果")

    assert [u.order for u in published.units] == [1, 2, 3, 4, 5] and published.outcomes[pilot.credit_code] == "优秀"
    [seen] = pilot_results(storage, unit_account(pilot), "2023", pilot.credit_code)
    assert (seen.round_label, seen.score, seen.outcome.outcome, seen.published) == \
        ("2023-02 2023年度验收（分布式）", Decimal(90), "优秀", True)
    with pytest.raises(OutcomeError, match="已公布"):
        decide_outcomes(storage, STAFF, round_id, requests[:1], "会议改变决定")
    with pytest.raises(AccessDenied):
        pilot_results(storage, city_account("大连市"), "2023", pilot.credit_code)


def test_each_decided_pilot_gets_a_numbered_letter_with_its_result_and_rectification(storage):
    round_id = acceptance_round(storage).round_id
    decide_outcomes(storage, STAFF, round_id, requests_as_proposed(storage, round_id), "验收会议研究")

    letters = outcome_letters(storage, STAFF, round_id, date(2024, 1, 20))
    failing = the_pilots(storage)[4]
    [letter] = [item for item in letters if item.credit_code == failing.credit_code]

    assert len(letters) == 5 and len({item.number for item in letters}) == 5
    assert letter.title == "关于2023年度辽宁省高校院所知识产权运营中心建设试点年度验收结果的通知"
    assert letter.sections[0].paragraphs[0].text == "你单位2023年度验收结果为“不合格”，得分 59 分。"
    assert letter.sections[1].heading == "二、整改要求"
    assert letter.sections[1].paragraphs[1].text.startswith("请于2024年3月31日前完成整改")
    assert letter.copy_to == ["沈阳市知识产权局"]
    [silent] = [item for item in letters if item.credit_code == the_pilots(storage)[SILENT].credit_code]
    assert silent.sections[0].paragraphs[0].text.endswith("依据：未报送年度工作总结，无论得分均为“不合格”。")
    assert outcome_letters(storage, STAFF, round_id, date(2024, 1, 21))[0].number == letters[0].number


# --- the final evaluation ------------------------------------------------------------------------------------------


def test_the_final_evaluation_passes_or_fails_pilots_and_lists_those_passed(storage):
    pilots = the_pilots(storage)
    with on_day(date(2025, 12, 1)):
        from scoring.pilots.reports import open_report_call
        open_report_call(storage, STAFF, "2023", 2025, datetime(2025, 12, 31, 17), datetime(2026, 1, 10, 17),
                         "2025年度总结")
        for pilot in pilots[:3]:
            send_report(storage, pilot, sample_report(pilot, year=2025))
    final = new_round(storage, kind="综合评估", rubric_id="final-evaluation", year=2025, experts_per_application=2,
                      min_load=0, max_load=3)
    from scoring.rounds.assignment import commit_assignment, preview_assignment
    from scoring.rounds.review_rounds import round_rubric
    from scoring.storage import round_store
    from scoring.review.score_sheets import submit_sheet
    commit_assignment(storage, STAFF, final.round_id, preview_assignment(storage, STAFF, final.round_id), "评估分配")
    rubric = round_rubric(storage, final)
    totals = {pilots[0].credit_code: Decimal(60), pilots[1].credit_code: Decimal("59")}
    for pair in round_store.current_pairs(storage, final.round_id):
        submit_sheet(storage, expert_principal(pair.expert_id), final.round_id, pair.credit_code,
                     scores_for(rubric, totals.get(pair.credit_code, Decimal(85))))
    close_round(storage, STAFF, final.round_id, "评估结束")

    proposals = {p.credit_code: p.proposed for p in proposed_outcomes(storage, STAFF, final.round_id)}
    assert [proposals[p.credit_code] for p in pilots] == ["通过", "不通过", "通过", "不通过", "不通过"]
    decide_outcomes(storage, STAFF, final.round_id,
                    [OutcomeRequest(credit_code=c, outcome=o) for c, o in proposals.items()], "综合评估会议研究")

    # in ranking order: 85 before 60
    assert [u.unit_name for u in final_list(storage, STAFF, final.round_id)] == [pilots[2].unit_name,
                                                                                   pilots[0].unit_name]
    statuses = {p.credit_code: p.status for p in registry.pilots(storage, STAFF, "2023")}
    assert statuses[pilots[0].credit_code] is PilotStatus.PASSED
    assert statuses[pilots[1].credit_code] is PilotStatus.FAILED
