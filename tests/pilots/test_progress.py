"""A pilot's figures year by year against its goals and the guideline's aim, computed by hand."""
from datetime import datetime
from decimal import Decimal

import pytest

from scoring.common.models import AmountBasis, YearConversion, YearPatents
from scoring.pilots.goals import GoalKey, PilotGoal
from scoring.pilots.progress import (BEHIND_GOAL, GOAL_MET, NO_GOAL, NOT_REPORTED, AimVerdict, aim_verdict,
                                     pilot_progress, reports_in_force)
from scoring.pilots.registry import Pilot
from scoring.pilots.reports import AnnualReport, FundLine, FundSource

PILOT = Pilot(batch_id="2023", credit_code="12210000MB0000001X", unit_name="沈阳工学院", unit_type="高等学校",
              city="沈阳市", first_year=2023, last_year=2025, round_id="2023-01", list_order=1,
              created_at=datetime(2023, 6, 20, 10))


def report(year: int, transfers: int = 0, licences: int = 0, equity: int = 0, enterprises: int = 0,
           contract: str = "0", received: str = "0", equity_value: str = "0", funds: list[FundLine] = ()) -> AnnualReport:
    return AnnualReport(
        batch_id="2023", credit_code=PILOT.credit_code, year=year,
        patents=YearPatents(year=year, invention=10, utility_model=5, design=1, valid_held=300),
        conversion=YearConversion(year=year, transfer_count=transfers, transfer_contract=Decimal(contract),
                                  transfer_received=Decimal(received), licence_count=licences, equity_count=equity,
                                  equity_value=Decimal(equity_value), open_licence_implemented=2),
        enterprises_connected=enterprises, funds=list(funds))


def goal(key: GoalKey, value: int, year: int | None = None) -> PilotGoal:
    return PilotGoal(key=key, value=Decimal(value), year=year)


def test_a_year_meeting_its_goal_exactly_is_met_and_one_below_is_behind():
    goals = [goal(GoalKey.CONVERTED, 60, 2023), goal(GoalKey.CONVERTED, 60, 2024)]
    reports = {2023: report(2023, transfers=40, licences=15, equity=5), 2024: report(2024, transfers=59)}

    progress = pilot_progress(PILOT, goals, reports, AmountBasis.CONTRACT)

    assert progress.year(2023).converted == 60
    assert progress.year(2023).state(GoalKey.CONVERTED) == GOAL_MET
    assert progress.year(2023).behind_goal[GoalKey.CONVERTED] is False
    assert progress.year(2024).state(GoalKey.CONVERTED) == BEHIND_GOAL
    assert progress.year(2024).behind_goal[GoalKey.CONVERTED] is True
    assert progress.behind_goal == {2024: [GoalKey.CONVERTED]}


def test_a_year_not_reported_is_not_reported_never_zero_and_never_behind():
    goals = [goal(GoalKey.CONVERTED, 60, 2025)]

    progress = pilot_progress(PILOT, goals, {2023: report(2023, transfers=70)}, AmountBasis.CONTRACT)

    year = progress.year(2025)
    assert (year.reported, year.converted, year.amount, year.enterprises) == (False, None, None, None)
    assert year.state(GoalKey.CONVERTED) == NOT_REPORTED
    assert year.behind_goal[GoalKey.CONVERTED] is False
    assert year.aim is None
    assert year.goals[GoalKey.CONVERTED] == Decimal(60)
    assert progress.figure(GoalKey.CONVERTED).reported_years == 1
    assert progress.figure(GoalKey.CONVERTED).total == Decimal(70)


def test_every_year_of_the_period_has_a_row_and_reports_outside_it_are_left_out():
    progress = pilot_progress(PILOT, [], {2022: report(2022, transfers=9), 2026: report(2026, transfers=9)},
                              AmountBasis.CONTRACT)

    assert [y.year for y in progress.years] == [2023, 2024, 2025]
    assert not any(y.reported for y in progress.years)
    assert progress.figure(GoalKey.CONVERTED).state == NOT_REPORTED
    assert progress.converted_per_year is None and progress.aim is None


def test_a_goal_for_one_year_only_is_no_goal_for_the_period():
    progress = pilot_progress(PILOT, [goal(GoalKey.CONVERTED, 60, 2023)], {2023: report(2023, transfers=70)},
                              AmountBasis.CONTRACT)

    figure = progress.figure(GoalKey.CONVERTED)
    assert (figure.goal, figure.share, figure.state) == (None, None, NO_GOAL)


def test_without_a_goal_there_is_no_share_and_the_state_says_no_goal():
    progress = pilot_progress(PILOT, [], {2023: report(2023, enterprises=12)}, AmountBasis.CONTRACT)

    figure = progress.figure(GoalKey.ENTERPRISES)
    assert (figure.total, figure.goal, figure.share) == (Decimal(12), None, None)
    assert figure.state == NO_GOAL
    assert progress.year(2023).state(GoalKey.ENTERPRISES) == NO_GOAL


def test_the_period_sums_the_reported_years_against_the_total_goal_with_the_share_in_percent():
    # 三年累计转化150件: 40 + 35 reported = 75, i.e. 50.00 %; amount goal 500万元, contract 120 + 80 + equity 30 = 230.
    goals = [goal(GoalKey.CONVERTED, 150), goal(GoalKey.AMOUNT, 500)]
    reports = {2023: report(2023, transfers=30, licences=10, contract="120", received="100"),
               2024: report(2024, transfers=30, equity=5, contract="80", received="20", equity_value="30")}

    progress = pilot_progress(PILOT, goals, reports, AmountBasis.CONTRACT)

    converted = progress.figure(GoalKey.CONVERTED)
    assert (converted.total, converted.goal, converted.share) == (Decimal(75), Decimal(150), Decimal("50.00"))
    assert converted.state == BEHIND_GOAL
    amount = progress.figure(GoalKey.AMOUNT)
    assert (amount.total, amount.share) == (Decimal(230), Decimal("46.00"))
    assert (progress.amount_contract, progress.amount_received) == (Decimal(230), Decimal(150))
    assert progress.converted_per_year == Decimal("37.50")


def test_the_amount_counts_by_the_basis_and_keeps_both_contract_and_received():
    reports = {2023: report(2023, transfers=3, contract="120", received="45.5")}

    received = pilot_progress(PILOT, [goal(GoalKey.AMOUNT, 50, 2023)], reports, AmountBasis.RECEIVED).year(2023)

    assert received.amount == Decimal("45.5")
    assert (received.amount_contract, received.amount_received) == (Decimal(120), Decimal("45.5"))
    assert received.state(GoalKey.AMOUNT) == BEHIND_GOAL
    contract = pilot_progress(PILOT, [goal(GoalKey.AMOUNT, 50, 2023)], reports, AmountBasis.CONTRACT).year(2023)
    assert contract.state(GoalKey.AMOUNT) == GOAL_MET


def test_the_period_goal_is_the_sum_of_yearly_goals_when_no_total_is_stated():
    goals = [goal(GoalKey.CONVERTED, 50, y) for y in (2023, 2024, 2025)]
    reports = {y: report(y, transfers=50) for y in (2023, 2024, 2025)}

    figure = pilot_progress(PILOT, goals, reports, AmountBasis.CONTRACT).figure(GoalKey.CONVERTED)

    assert (figure.total, figure.goal, figure.share, figure.state) == (Decimal(150), Decimal(150), Decimal("100.00"),
                                                                        GOAL_MET)


def test_the_start_up_funds_count_only_the_provincial_start_up_lines():
    funds = [FundLine(item="运营平台", source=FundSource.START_UP, received=Decimal(30), spent=Decimal(12)),
             FundLine(item="人才培训", source=FundSource.START_UP, received=Decimal(20), spent=Decimal("3.5")),
             FundLine(item="配套", source=FundSource.MATCHING, received=Decimal(40), spent=Decimal(40))]

    year = pilot_progress(PILOT, [], {2023: report(2023, funds=funds)}, AmountBasis.CONTRACT).year(2023)

    assert (year.start_up_received, year.start_up_spent) == (Decimal(50), Decimal("15.5"))
    assert (year.transfers, year.licences, year.equity, year.granted, year.open_licences) == (0, 0, 0, 16, 2)


@pytest.mark.parametrize(("converted", "verdict"), [(49, AimVerdict.BELOW), (50, AimVerdict.WITHIN),
                                                    (100, AimVerdict.WITHIN), (101, AimVerdict.ABOVE)])
def test_the_guidelines_aim_includes_both_edges_fifty_and_one_hundred(converted, verdict):
    assert aim_verdict(converted) is verdict
    year = pilot_progress(PILOT, [], {2023: report(2023, transfers=converted)}, AmountBasis.CONTRACT).year(2023)
    assert year.aim is verdict


def test_the_aim_is_said_in_chinese():
    assert str(AimVerdict.BELOW) == "低于指南目标（每年50—100件）"


def test_the_report_in_force_is_the_latest_submitted_version_of_each_year():
    class Version:
        def __init__(self, year, version, transfers):
            self.report, self.version = report(year, transfers=transfers), version

    found, versions = reports_in_force([Version(2023, 0, 99), Version(2023, 1, 10), Version(2023, 2, 20),
                                        Version(2024, 0, 5)])

    assert {y: r.converted for y, r in found.items()} == {2023: 20}
    assert versions == {2023: 2}


def test_the_progress_dumps_to_json_with_its_flags():
    progress = pilot_progress(PILOT, [goal(GoalKey.CONVERTED, 60, 2023)], {2023: report(2023, transfers=10)},
                              AmountBasis.CONTRACT)

    data = progress.model_dump(mode="json")

    assert data["years"][0]["behind_goal"]["转化专利"] is True
    assert data["years"][0]["aim"] == "低于指南目标（每年50—100件）"
