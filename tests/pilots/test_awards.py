"""The extra award: the standard's rates, the cap, the minimum, the bars (misuse, outcome, status, no report), the
year's budget scaled in cents that sum right; the standard and the confirmation stored, audited and access-checked.
Every expected figure is computed by hand in the comment beside it."""
from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from scoring.common.access import AccessDenied
from scoring.common.models import ActionKind, AmountBasis
from scoring.pilots import award_files, awards
from scoring.pilots.awards import AwardError, compute_awards, shares_of_budget
from scoring.pilots.registry import PilotError, PilotStatus, pilot_entity
from scoring.pilots.outcomes import OutcomeRequest, decide_outcomes, proposed_outcomes, record_funds_finding
from tests.builders.pilot_rounds import acceptance_round, accepted_storage
from tests.builders.pilots import city_account, pilots_storage, the_pilots, unit_account
from tests.builders.rounds import OBSERVER, STAFF
from tests.builders.awards import YEAR, pilot, report, standard, wan

GOOD = "合格"


def one(rule, the_report=None, outcome: str | None = GOOD, misused: bool = False, of=None):
    of = of or pilot()
    reports = {} if the_report is False else {of.credit_code: the_report or report(of, transfer_count=1)}
    [found] = compute_awards(rule, [of], reports, {of.credit_code: outcome} if outcome else {},
                             {of.credit_code} if misused else set())
    return found


# --- rates -------------------------------------------------------------------------------------------------------


def test_each_converted_patent_earns_its_kind_rate_and_the_money_received_its_share():
    of = pilot()
    # 12 × 1.00 = 12.00; 4 × 0.50 = 2.00; 1 × 2.00 = 2.00; (200 + 30 + 10) × 5% = 12.00; 28.00 in all
    the_report = report(of, transfer_count=12, transfer_contract=wan("300"), transfer_received=wan("200"),
                        licence_count=4, licence_contract=wan("50"), licence_received=wan("30"),
                        equity_count=1, equity_value=wan("10"))

    found = one(standard(), the_report, of=of)

    assert found.eligible and found.reasons == []
    assert [s.formula for s in found.steps] == [
        "转让 12 件 × 1.00 万元/件 = 12.00 万元",
        "许可 4 件 × 0.50 万元/件 = 2.00 万元",
        "作价入股 1 件 × 2.00 万元/件 = 2.00 万元",
        "实际到账额 240.00 万元 × 5% = 12.00 万元",
        "合计 28.00 万元",
    ]
    assert found.amount == Decimal("28.00")
    assert found.converted == 17 and found.conversion_amount == Decimal("240.00")


def test_the_contract_basis_counts_the_contract_amounts():
    of = pilot()
    # (300 + 50 + 10) × 5% = 18.00; with 12.00 + 2.00 + 2.00 = 34.00
    the_report = report(of, transfer_count=12, transfer_contract=wan("300"), transfer_received=wan("200"),
                        licence_count=4, licence_contract=wan("50"), licence_received=wan("30"),
                        equity_count=1, equity_value=wan("10"))

    found = one(standard(amount_basis=AmountBasis.CONTRACT), the_report, of=of)

    assert found.steps[3].formula == "合同额 360.00 万元 × 5% = 18.00 万元"
    assert found.amount == Decimal("34.00")


def test_a_line_with_half_a_cent_is_rounded_half_up():
    of = pilot()
    # 230.10 × 5% = 11.505 → 11.51; plus 1 × 1.00
    found = one(standard(), report(of, transfer_count=1, transfer_received=wan("230.10")), of=of)

    assert found.steps[3].formula == "实际到账额 230.10 万元 × 5% = 11.51 万元"
    assert found.amount == Decimal("12.51")


def test_a_fractional_percentage_is_shown_as_it_is_set():
    assert awards.percent(Decimal("0.025")) == "2.5%"
    assert awards.percent(Decimal("0.1")) == "10%"


# --- the cap -----------------------------------------------------------------------------------------------------


def test_an_amount_exactly_at_the_cap_stays_as_computed():
    of = pilot()
    # 20 × 1.00 = 20.00 == cap
    found = one(standard(cap=wan("20.00"), amount_rate=Decimal("0")), report(of, transfer_count=20), of=of)

    assert found.amount == Decimal("20.00")
    assert found.steps[-1].label == "合计"


def test_an_amount_one_cent_above_the_cap_is_capped():
    of = pilot()
    # 20 × 1.00 + 1.00 × 1% = 20.01 > 20.00
    found = one(standard(cap=wan("20.00"), amount_rate=Decimal("0.01")),
                report(of, transfer_count=20, transfer_received=wan("1.00")), of=of)

    assert found.steps[-2].formula == "合计 20.01 万元"
    assert found.steps[-1].formula == "超过单个试点上限 20.00 万元，按 20.00 万元计"
    assert found.amount == Decimal("20.00")


# --- eligibility -------------------------------------------------------------------------------------------------


def test_one_converted_patent_fewer_than_the_minimum_is_not_eligible():
    of = pilot()
    found = one(standard(min_converted=5), report(of, transfer_count=3, licence_count=1), of=of)

    assert not found.eligible
    assert found.reasons == ["本年度转化专利 4 件，少于奖励条件 5 件"]
    assert found.amount == Decimal("0") and found.steps == []


def test_exactly_the_minimum_converted_is_eligible():
    of = pilot()
    # 3 × 1.00 + 1 × 0.50 + 1 × 2.00 = 5.50
    found = one(standard(min_converted=5), report(of, transfer_count=3, licence_count=1, equity_count=1), of=of)

    assert found.eligible
    assert found.amount == Decimal("5.50")


def test_misused_funds_bar_the_award_whatever_the_figures():
    of = pilot()
    found = one(standard(), report(of, transfer_count=500, transfer_received=wan("9000")), misused=True, of=of)

    assert not found.eligible and found.amount == Decimal("0")
    assert found.reasons == ["经核查存在启动资金违规使用情形，不予奖励"]


@pytest.mark.parametrize("outcome", ["基本合格", "不合格"])
def test_an_outcome_outside_the_set_is_not_eligible(outcome):
    found = one(standard(), outcome=outcome)

    assert not found.eligible
    assert found.reasons == [f"年度验收结果为“{outcome}”，不在奖励范围（优秀、合格）内"]


@pytest.mark.parametrize("outcome", ["优秀", "合格"])
def test_an_outcome_in_the_set_is_eligible(outcome):
    assert one(standard(), outcome=outcome).eligible


def test_a_pilot_without_an_outcome_is_not_eligible():
    found = one(standard(), outcome=None)

    assert found.reasons == ["尚无 2023 年度验收结果（须为优秀、合格）"]


@pytest.mark.parametrize("status", [PilotStatus.REVOKED, PilotStatus.FAILED])
def test_a_revoked_or_failed_pilot_is_not_eligible(status):
    found = one(standard(), of=pilot(status=status))

    assert found.reasons == [f"试点状态为“{status.value}”，不予奖励"]


def test_a_pilot_being_rectified_may_still_be_awarded():
    assert one(standard(), of=pilot(status=PilotStatus.RECTIFYING)).eligible


def test_a_pilot_without_a_report_is_not_eligible():
    found = one(standard(), the_report=False)

    assert found.reasons == ["未报送年度工作总结"]
    assert found.converted is None


def test_a_report_of_another_year_counts_as_none():
    of = pilot()
    found = one(standard(), report(of, year=2024, transfer_count=9), of=of)

    assert found.reasons == ["未报送年度工作总结"]


def test_every_failed_rule_is_named():
    of = pilot(status=PilotStatus.REVOKED)
    found = one(standard(min_converted=2), report(of, transfer_count=1), outcome="不合格", misused=True, of=of)

    assert len(found.reasons) == 4


# --- the year's budget -------------------------------------------------------------------------------------------


def _three(rule, counts):
    pilots = [pilot(n) for n in range(1, len(counts) + 1)]
    reports = {p.credit_code: report(p, transfer_count=c) for p, c in zip(pilots, counts)}
    return compute_awards(rule, pilots, reports, {p.credit_code: GOOD for p in pilots}, set())


def test_a_budget_short_of_the_sum_scales_every_award_by_the_same_ratio():
    rule = standard(amount_rate=Decimal("0"), budget=wan("20.00"))
    # 30.00 + 10.00 = 40.00 > 20.00: ratio 0.5
    found = _three(rule, [30, 10])

    assert [c.amount for c in found] == [Decimal("15.00"), Decimal("5.00")]
    assert found[0].steps[-1].formula == ("年度奖励总额 20.00 万元不足（符合条件试点合计 40.00 万元），按 20.00 ÷ 40.00 ≈ "
                                          "0.5000 比例核减：30.00 × 20.00 ÷ 40.00 = 15.0000 → 15.00 万元")


def test_the_scaled_awards_sum_to_exactly_the_budget_the_earlier_pilot_taking_a_tied_last_cent():
    rule = standard(amount_rate=Decimal("0"), budget=wan("20.00"))
    # 20.00 ÷ 3 = 6.6666…: half up would give 6.67 × 3 = 20.01, over the budget; cut to 6.66 × 3 = 19.98, the two
    # cents left go to the largest remainders, all equal, so to the first two pilots
    found = _three(rule, [10, 10, 10])

    assert [c.amount for c in found] == [Decimal("6.67"), Decimal("6.67"), Decimal("6.66")]
    assert sum(c.amount for c in found) == Decimal("20.00")
    assert "尾差" not in found[0].steps[-1].formula
    assert found[2].steps[-1].formula.endswith("→ 6.66 万元（含分配尾差 -0.01 万元，使各试点合计恰为年度奖励总额）")


def test_the_last_cent_goes_to_the_largest_remainder():
    # 1.00, 2.00, 3.00 scaled to a budget of 1.00: 0.1666…, 0.3333…, 0.5 → cut 0.16, 0.33, 0.50 (0.99);
    # the cent left goes to the largest remainder, 0.0066… of the first
    assert shares_of_budget([wan("1.00"), wan("2.00"), wan("3.00")], wan("1.00")) == [
        Decimal("0.17"), Decimal("0.33"), Decimal("0.50")]


def test_a_budget_exactly_the_sum_changes_nothing():
    found = _three(standard(amount_rate=Decimal("0"), budget=wan("40.00")), [30, 10])

    assert [c.amount for c in found] == [Decimal("30.00"), Decimal("10.00")]
    assert all(c.steps[-1].label == "合计" for c in found)


def test_capped_awards_are_scaled_from_the_cap_and_ineligible_pilots_take_no_share():
    rule = standard(amount_rate=Decimal("0"), cap=wan("25.00"), budget=wan("30.00"), min_converted=5)
    # 40.00 capped at 25.00, 15.00, the third (4 件) not eligible; 25 + 15 = 40 > 30: ratio 0.75 → 18.75, 11.25
    found = _three(rule, [40, 15, 4])

    assert [c.amount for c in found] == [Decimal("18.75"), Decimal("11.25"), Decimal("0")]
    assert [s.label for s in found[0].steps][-2:] == ["单个试点上限", "年度总额核减"]


# --- the standard as a setting -----------------------------------------------------------------------------------


def test_a_standard_with_a_zero_cap_or_a_negative_rate_is_refused_naming_the_field():
    with pytest.raises(AwardError, match="单个试点奖励上限") as refused:
        awards.parsed_standard({"year": 2023, "cap": "0", "transfer_rate": "-1"})

    assert "转让每件奖励" in str(refused.value)


def test_staff_save_the_standard_and_the_audit_keeps_the_one_before(tmp_path):
    storage = pilots_storage(tmp_path)

    awards.save_standard(storage, STAFF, YEAR, standard(), "按2023年奖补标准设置")
    awards.save_standard(storage, STAFF, YEAR, standard(cap=wan("30.00")), "上限调整为30万元")

    assert awards.award_standard(storage, OBSERVER, YEAR).cap == Decimal("30.00")
    entry = storage.audit_log(entity=f"award-standard/{YEAR}")[0]
    assert entry.action == str(ActionKind.AWARD_STANDARD)
    assert entry.detail["before"]["cap"] == "100.00" and entry.detail["after"]["cap"] == "30.00"


def test_a_unit_cannot_set_the_standard(tmp_path):
    storage = pilots_storage(tmp_path)
    unit = unit_account(the_pilots(storage)[0])

    with pytest.raises(AccessDenied):
        awards.save_standard(storage, unit, YEAR, standard(), "自行设置")


def test_a_preview_needs_the_year_standard(tmp_path):
    storage = pilots_storage(tmp_path)

    with pytest.raises(AwardError, match="尚未设置 2023 年度的追加奖励标准"):
        awards.preview_awards(storage, STAFF, "2023", YEAR, {}, set(), reports={})


# --- confirmation and who reads it -------------------------------------------------------------------------------


def _previewed(storage, rule=None):
    awards.save_standard(storage, STAFF, YEAR, rule or standard(), "按2023年奖补标准设置")
    pilots = the_pilots(storage)
    reports = {p.credit_code: report(p, transfer_count=n + 1) for n, p in enumerate(pilots)}
    return pilots, awards.preview_awards(storage, STAFF, "2023", YEAR, {p.credit_code: GOOD for p in pilots}, set(),
                                         reports=reports)


def test_staff_confirm_the_preview_and_each_pilot_keeps_its_computation(tmp_path):
    storage = pilots_storage(tmp_path)
    pilots, preview = _previewed(storage)

    confirmed = awards.confirm_awards(storage, STAFF, "2023", YEAR, preview, "2023年度验收会议确认")

    # n + 1 transfers × 1.00
    assert [a.amount for a in confirmed] == [Decimal(f"{n + 1}.00") for n in range(len(pilots))]
    assert confirmed[0].computation.steps[0].formula == "转让 1 件 × 1.00 万元/件 = 1.00 万元"
    assert confirmed[0].standard.cap == Decimal("100.00") and confirmed[0].confirmed_by == "staff"


def test_confirming_again_replaces_the_award_and_the_audit_shows_before_and_after(tmp_path):
    storage = pilots_storage(tmp_path)
    pilots, preview = _previewed(storage)
    awards.confirm_awards(storage, STAFF, "2023", YEAR, preview, "2023年度验收会议确认")
    _, again = _previewed(storage, standard(transfer_rate=wan("2.00")))

    confirmed = awards.confirm_awards(storage, STAFF, "2023", YEAR, again, "标准调整后重新确认")

    assert confirmed[0].amount == Decimal("2.00") and len(confirmed) == len(pilots)
    entry = storage.audit_log(entity=pilot_entity("2023", pilots[0].credit_code))[0]
    assert entry.action == str(ActionKind.AWARD_CONFIRM)
    assert (entry.detail["before"], entry.detail["after"]) == ("1.00", "2.00")


def test_a_unit_cannot_confirm_awards(tmp_path):
    storage = pilots_storage(tmp_path)
    pilots, preview = _previewed(storage)

    with pytest.raises(AccessDenied):
        awards.confirm_awards(storage, unit_account(pilots[0]), "2023", YEAR, preview, "自行确认")


def test_a_confirmation_without_a_reason_is_refused(tmp_path):
    storage = pilots_storage(tmp_path)
    _, preview = _previewed(storage)

    with pytest.raises(PilotError, match="请写明理由"):
        awards.confirm_awards(storage, STAFF, "2023", YEAR, preview, " ")


def test_a_computation_of_another_year_is_refused(tmp_path):
    storage = pilots_storage(tmp_path)
    _, preview = _previewed(storage)
    other = [c.model_copy(update={"year": 2024}) for c in preview]

    with pytest.raises(AwardError, match="不是批次 2023 的 2023 年度"):
        awards.confirm_awards(storage, STAFF, "2023", YEAR, other, "确认")


def test_a_unit_sees_only_its_own_confirmed_award(tmp_path):
    storage = pilots_storage(tmp_path)
    pilots, preview = _previewed(storage)
    awards.confirm_awards(storage, STAFF, "2023", YEAR, preview, "2023年度验收会议确认")

    seen = awards.confirmed_awards(storage, unit_account(pilots[1]), "2023", YEAR)

    assert [a.computation.pilot.credit_code for a in seen] == [pilots[1].credit_code]
    assert seen[0].amount == Decimal("2.00")


def test_a_city_bureau_sees_its_city_pilots_awards_only(tmp_path):
    storage = pilots_storage(tmp_path)
    pilots, preview = _previewed(storage)
    awards.confirm_awards(storage, STAFF, "2023", YEAR, preview, "2023年度验收会议确认")

    assert len(awards.confirmed_awards(storage, city_account("沈阳市"), "2023", YEAR)) == len(pilots)
    assert awards.confirmed_awards(storage, city_account("大连市", login="dalian"), "2023", YEAR) == []


def test_the_export_is_audited_and_refused_before_any_confirmation(tmp_path):
    storage = pilots_storage(tmp_path)
    _, preview = _previewed(storage)
    with pytest.raises(AwardError, match="尚未确认"):
        award_files.export_awards(storage, STAFF, "2023", YEAR)
    awards.confirm_awards(storage, STAFF, "2023", YEAR, preview, "2023年度验收会议确认")

    content = award_files.export_awards(storage, STAFF, "2023", YEAR)

    assert content.startswith(b"PK")
    entry = storage.audit_log(entity=f"awards/2023/{YEAR}")[0]
    assert entry.action == str(ActionKind.AWARD_EXPORT) and entry.detail["pilots"] == 5


# --- from the year's acceptance ------------------------------------------------------------------------------------


def test_the_award_takes_the_meetings_outcomes_and_the_funds_findings_of_the_year(tmp_path):
    storage = accepted_storage(tmp_path)
    round_id = acceptance_round(storage).round_id
    first, second = the_pilots(storage)[:2]
    decide_outcomes(storage, STAFF, round_id, [
        OutcomeRequest(credit_code=p.credit_code, outcome=p.proposed, rectify="补齐材料",
                       rectify_by=date(2024, 3, 31))
        for p in proposed_outcomes(storage, STAFF, round_id)], "验收会议研究")
    record_funds_finding(storage, STAFF, "2023", second.credit_code, YEAR, True, "启动资金用于人员经费")
    awards.save_standard(storage, STAFF, YEAR, standard(), "按2023年奖补标准设置")

    outcomes, misused = awards.acceptance_inputs(storage, STAFF, "2023", YEAR)
    found = {c.pilot.credit_code: c for c in awards.preview_awards(storage, STAFF, "2023", YEAR, outcomes, misused)}

    assert outcomes[first.credit_code] == "优秀" and misused == {second.credit_code}
    # 20 transfers × 1.00 + 5 licences × 0.50 + 120.00 received × 5% = 20.00 + 2.50 + 6.00 = 28.50
    assert found[first.credit_code].amount == Decimal("28.50")
    assert not found[second.credit_code].eligible
    assert "启动资金违规使用" in found[second.credit_code].reasons[0]
    storage.close()
