"""A database with the 2023 batch's pilots through their first year: four of the five send their 2023 report (the
city bureau agrees to each), and the 2023 acceptance round is assigned, scored by three experts a pilot at the
totals of TOTALS, and closed. Built once per test process, copied per test."""
from __future__ import annotations

import functools
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path

from scoring.common.models import YearConversion, YearPatents
from scoring.pilots.registry import Pilot
from scoring.pilots.reports import AnnualReport, FundLine, FundSource, give_opinion, open_report_call, save_report, \
    submit_report
from scoring.review.rubrics import Rubric
from scoring.review.score_sheets import submit_sheet
from scoring.rounds.assignment import commit_assignment, preview_assignment
from scoring.rounds.review_rounds import ReviewRound, close_round, list_rounds, round_rubric
from scoring.storage import Storage
from scoring.storage import round_store
from tests.builders.databases import built, opened_copy
from tests.builders.pilots import city_account, on_day, pilots_database, the_pilots, unit_account
from tests.builders.rounds import STAFF, expert_principal, new_round

YEAR = 2023
# The experts' total for each pilot in list order; the fourth pilot sends no report.
TOTALS = (Decimal(90), Decimal(89), Decimal(75), Decimal(80), Decimal(59))
SILENT = 3  # index of the pilot without a report


def sample_report(pilot: Pilot, year: int = YEAR, transfers: int = 20, received: str = "120") -> AnnualReport:
    return AnnualReport(
        batch_id=pilot.batch_id, credit_code=pilot.credit_code, year=year, summary="本年度完成运营中心建设。",
        patents=YearPatents(year=year, invention=40, utility_model=20, valid_held=400),
        conversion=YearConversion(year=year, transfer_count=transfers, transfer_contract=Decimal(received),
                                  transfer_received=Decimal(received), licence_count=5),
        enterprises_connected=12,
        funds=[FundLine(item="运营平台建设", source=FundSource.START_UP, budget=Decimal(30), received=Decimal(30),
                        spent=Decimal(25))])


def send_report(storage: Storage, pilot: Pilot, report: AnnualReport) -> None:
    unit = unit_account(pilot)
    save_report(storage, unit, pilot.batch_id, report.year, report)
    submit_report(storage, unit, pilot.batch_id, pilot.credit_code, report.year)
    give_opinion(storage, city_account(pilot.city), pilot.batch_id, pilot.credit_code, report.year, True,
                 "同意报送")


def scores_for(rubric: Rubric, total: Decimal) -> dict:
    """A complete sheet whose criteria add up to `total`: full marks, the shortfall taken from the first criteria."""
    short = rubric.total - total
    scores = {}
    for criterion in rubric.criteria:
        cut = min(short, criterion.max_points)
        scores[criterion.id] = criterion.max_points - cut
        short -= cut
    return {"scores": scores, "comments": {c.id: "评语" for c in rubric.criteria}, "opinion": "推荐",
            "opinion_text": "同意"}


def _first_year(storage: Storage) -> None:
    with on_day(date(2023, 12, 1)):
        open_report_call(storage, STAFF, "2023", YEAR, datetime(2023, 12, 31, 17), datetime(2024, 1, 10, 17),
                         "2023年度验收")
        for index, pilot in enumerate(the_pilots(storage)):
            if index != SILENT:
                send_report(storage, pilot, sample_report(pilot))
    score_acceptance_round(storage)


def score_acceptance_round(storage: Storage) -> ReviewRound:
    """The 2023 acceptance round created, assigned (three experts a pilot), scored at TOTALS and closed."""
    pilots = the_pilots(storage)
    review_round = new_round(storage, kind="年度验收", rubric_id="annual-acceptance", year=YEAR,
                             experts_per_application=3, min_load=0, max_load=3)
    commit_assignment(storage, STAFF, review_round.round_id,
                      preview_assignment(storage, STAFF, review_round.round_id), "验收分配")
    rubric = round_rubric(storage, review_round)
    totals = {p.credit_code: TOTALS[i] for i, p in enumerate(pilots)}
    for pair in round_store.current_pairs(storage, review_round.round_id):
        submit_sheet(storage, expert_principal(pair.expert_id), review_round.round_id, pair.credit_code,
                     scores_for(rubric, totals[pair.credit_code]))
    return close_round(storage, STAFF, review_round.round_id, "验收评审结束")


@functools.cache
def accepted_database() -> Path:
    return built("pilot-round", _first_year, on=pilots_database())


def accepted_storage(tmp_path: Path) -> Storage:
    return opened_copy(accepted_database(), tmp_path)


def acceptance_round(storage: Storage) -> ReviewRound:
    return next(r for r in list_rounds(storage, STAFF, "2023") if r.year == YEAR)
