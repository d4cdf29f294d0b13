"""The sample batch and the synthetic batches: complete, valid, deterministic, and every edge case where it says it is."""
import hashlib
import json
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest
from stdnum.cn import uscc

from scoring.intake.checks import run_checks
from scoring.common.models import AmountBasis, Application, AttachmentKind, BatchSettings, CheckId, City, Funding, Outcome
from scoring.intake.sample import (
    EDGE_CASES,
    PLAN_SECTIONS,
    SAMPLE_JSON,
    SAMPLE_SIZE,
    sample_applications,
    sample_batch,
    synthetic_applications,
    write_sample_files,
)

REPO = Path(__file__).resolve().parents[2]
BATCH = sample_batch()
PAIRS = sample_applications(BATCH)
APPLICATIONS = [app for app, _ in PAIRS]
BY_NAME = {app.basic.unit_name: app for app in APPLICATIONS}
EDGE_NAMES = {case.unit_name for case in EDGE_CASES}


def window_rows(rows, batch):
    return [row for row in rows if row.year in batch.window]


def measure(app: Application, figure: str, batch=BATCH):
    """The figure an edge case claims, computed here from the form itself (never by the generator's code)."""
    patents = window_rows(app.patents, batch)
    conversions = window_rows(app.conversions, batch)
    requested_rows = [r for r in app.budget.rows if r.funding is Funding.REQUESTED]
    figures = {
        "granted": lambda: sum(r.invention + r.utility_model + r.design for r in patents),
        "invention": lambda: sum(r.invention for r in patents),
        "valid_held": lambda: next(r.valid_held for r in patents if r.year == batch.window[-1]),
        "converted": lambda: sum(r.transfer_count + r.licence_count + r.equity_count for r in conversions),
        "amount_contract": lambda: sum((r.transfer_contract + r.licence_contract + r.equity_value for r in conversions), Decimal(0)),
        "amount_received": lambda: sum((r.transfer_received + r.licence_received + r.equity_value for r in conversions), Decimal(0)),
        "enterprises": lambda: app.enterprises_connected,
        "requested": lambda: sum((r.amount for r in requested_rows), Decimal(0)),
        "budget_total": lambda: sum((r.amount for r in app.budget.rows), Decimal(0)),
        "declared_total": lambda: app.budget.declared_total,
        "requested_personnel_rows": lambda: sum("人员经费" in r.item for r in requested_rows),
        "submitted_on": lambda: app.submitted_on,
        "commitment_signed": lambda: app.commitment.signed,
        "city_recommended": lambda: app.recommendation.city_recommended,
        "has_recommendation_letter": lambda: any(a.kind is AttachmentKind.RECOMMENDATION for a in app.attachments),
        "window_years_reported": lambda: sorted(r.year for r in patents),
        "credit_code_head": lambda: app.credit_code[:2],
        "credit_code_region": lambda: app.credit_code[2:8],
        "unit_type": lambda: app.basic.unit_type,
        "address_in_liaoning": lambda: app.basic.address.startswith("辽宁省"),
    }
    return figures[figure]()


def test_sample_has_the_promised_size_and_at_least_forty_applications():
    assert len(APPLICATIONS) == SAMPLE_SIZE >= 40


def test_sample_credit_codes_are_unique_and_pass_the_check_character():
    codes = [app.credit_code for app in APPLICATIONS]

    assert len(set(codes)) == len(codes)
    assert all(uscc.is_valid(code) for code in codes)


def test_liaoning_registered_codes_name_the_region_of_their_city():
    city_prefix = {City.SHENYANG: "2101", City.DALIAN: "2102", City.ANSHAN: "2103", City.FUSHUN: "2104", City.BENXI: "2105",
                   City.DANDONG: "2106", City.JINZHOU: "2107", City.YINGKOU: "2108", City.FUXIN: "2109", City.LIAOYANG: "2110",
                   City.PANJIN: "2111", City.TIELING: "2112", City.CHAOYANG: "2113", City.HULUDAO: "2114", City.SHENFU: "2104"}
    liaoning = [app for app in APPLICATIONS if app.credit_code[2:4] == "21"]

    assert len(liaoning) >= 40
    assert all(app.credit_code[2:6] == city_prefix[app.recommendation.city] for app in liaoning)


def test_sample_covers_every_city_and_the_shenfu_zone():
    assert {app.recommendation.city for app in APPLICATIONS} == set(City)


def test_sample_is_the_same_on_every_call():
    again = sample_applications(sample_batch())

    assert [(a.model_dump(), files) for a, files in again] == [(a.model_dump(), files) for a, files in PAIRS]


def test_another_seed_changes_the_details_but_keeps_codes_and_edge_cases():
    other = {app.basic.unit_name: app for app, _ in sample_applications(BATCH, seed=7)}

    assert [other[app.basic.unit_name].credit_code for app in APPLICATIONS] == [app.credit_code for app in APPLICATIONS]
    assert any(other[app.basic.unit_name].basic.contact.mobile != app.basic.contact.mobile for app in APPLICATIONS)
    for case in EDGE_CASES:
        for figure, claimed in case.figures.items():
            assert measure(other[case.unit_name], figure) == claimed, (case.key, figure)


def test_edge_case_keys_and_units_are_unique_and_name_sample_units():
    assert len({case.key for case in EDGE_CASES}) == len(EDGE_CASES)
    assert len(EDGE_NAMES) == len(EDGE_CASES)
    assert EDGE_NAMES <= set(BY_NAME)


@pytest.mark.parametrize("case", EDGE_CASES, ids=lambda case: case.key)
def test_edge_case_unit_has_the_figures_it_claims(case):
    app = BY_NAME[case.unit_name]

    measured = {figure: measure(app, figure) for figure in case.figures}

    assert measured == case.figures


def test_each_threshold_has_a_unit_exactly_on_it_and_one_just_across():
    claims = {case.key: case.figures for case in EDGE_CASES}

    assert (claims["grants_100"]["granted"], claims["grants_101"]["granted"]) == (100, 101)
    assert (claims["inventions_50"]["invention"], claims["inventions_51"]["invention"]) == (50, 51)
    assert (claims["valid_199"]["valid_held"], claims["valid_200"]["valid_held"]) == (199, 200)
    assert (claims["conversions_30"]["converted"], claims["conversions_31"]["converted"]) == (30, 31)
    assert (claims["amount_100_00"]["amount_contract"], claims["amount_100_01"]["amount_contract"]) == (Decimal("100.00"), Decimal("100.01"))
    assert (claims["enterprises_10"]["enterprises"], claims["enterprises_11"]["enterprises"]) == (10, 11)
    assert (claims["requested_100_00"]["requested"], claims["requested_100_01"]["requested"]) == (Decimal("100.00"), Decimal("100.01"))
    assert claims["deadline_on"]["submitted_on"] == BATCH.deadline
    assert (claims["deadline_late"]["submitted_on"] - BATCH.deadline).days == 1


def test_patent_edge_units_fail_the_other_two_prongs_so_the_edge_decides():
    for key in ("grants_100", "grants_101", "inventions_50", "inventions_51", "valid_199", "valid_200"):
        app = BY_NAME[next(case.unit_name for case in EDGE_CASES if case.key == key)]

        prongs = {"grants": measure(app, "granted") > 100, "inventions": measure(app, "invention") > 50,
                  "valid": measure(app, "valid_held") >= 200}

        assert sum(prongs.values()) <= 1, key


def test_amount_basis_unit_passes_by_contract_and_fails_by_money_received():
    app = BY_NAME["大连轻工技术大学"]

    assert sum(r.amount(AmountBasis.CONTRACT) for r in app.conversions) > 100
    assert sum(r.amount(AmountBasis.RECEIVED) for r in app.conversions) == Decimal("100.00")


@pytest.mark.parametrize("case", [case for case in EDGE_CASES if case.expected], ids=lambda case: case.key)
def test_checks_give_the_edge_case_the_outcome_it_expects(case):
    results = {result.check_id: result.outcome for result in run_checks(BY_NAME[case.unit_name], BATCH)}

    assert {check: results[check] for check in case.expected} == case.expected


def test_amount_basis_unit_fails_condition_three_when_the_batch_counts_money_received():
    received_basis = BATCH.model_copy(update={"settings": BatchSettings(amount_basis=AmountBasis.RECEIVED)})

    results = {result.check_id: result.outcome for result in run_checks(BY_NAME["大连轻工技术大学"], received_basis)}

    assert results[CheckId.CONVERSION] is Outcome.FAIL


def test_units_outside_the_edge_table_meet_every_formal_requirement():
    for app in APPLICATIONS:
        if app.basic.unit_name in EDGE_NAMES:
            continue

        assert app.submitted_on <= BATCH.deadline
        assert app.commitment.signed and app.commitment.signed_on <= app.submitted_on
        assert app.recommendation.city_recommended and app.attachment(AttachmentKind.RECOMMENDATION)
        assert [r.year for r in app.patents] == [r.year for r in app.conversions] == BATCH.window
        assert app.budget.requested <= 100 and app.budget.declared_total == app.budget.total
        assert not any("人员经费" in r.item for r in app.budget.rows if r.funding is Funding.REQUESTED)
        assert app.credit_code[:4] == "1221" and app.basic.unit_type.value != "其他"


def test_sample_mixes_clear_passes_and_clear_fails():
    def clearly_passes(app):
        return (measure(app, "granted") > 120 and measure(app, "converted") > 35
                and measure(app, "amount_contract") > 120 and measure(app, "enterprises") > 12)

    def clearly_fails(app):
        return measure(app, "granted") <= 100 and measure(app, "converted") <= 20 and measure(app, "valid_held") < 200

    others = [app for app in APPLICATIONS if app.basic.unit_name not in EDGE_NAMES]

    assert sum(map(clearly_passes, others)) >= 10
    assert sum(map(clearly_fails, others)) >= 6


def test_most_submissions_are_in_may():
    in_may = [app for app in APPLICATIONS if (app.submitted_on.year, app.submitted_on.month) == (2023, 5)]

    assert len(in_may) >= 0.8 * len(APPLICATIONS)


def test_every_attachment_comes_with_its_file_and_the_hash_of_its_bytes():
    for app, files in PAIRS:
        assert {a.filename for a in app.attachments} == set(files)
        for attached in app.attachments:
            data = files[attached.filename]

            assert attached.sha256 == hashlib.sha256(data).hexdigest()
            assert attached.size == len(data)
            assert attached.text == data.decode("utf-8")
            assert attached.filename.startswith(app.credit_code)


def test_every_plan_follows_the_template_sections_in_order_and_names_its_unit():
    for app in APPLICATIONS:
        plan = app.attachment(AttachmentKind.PLAN)

        positions = [plan.text.index(section) for section in PLAN_SECTIONS]

        assert positions == sorted(positions)
        assert app.basic.unit_name in plan.text
        assert plan.filename == f"{app.credit_code}_三年建设方案.txt"


def test_amounts_have_two_places_and_received_never_exceeds_contract():
    for app in APPLICATIONS:
        for row in app.conversions:
            assert row.transfer_received <= row.transfer_contract
            assert row.licence_received <= row.licence_contract
            assert row.open_licence_implemented <= row.licence_count
        for row in app.budget.rows:
            assert row.amount.as_tuple().exponent == -2


def test_sample_validates_as_the_models_after_a_json_round_trip():
    for app in APPLICATIONS:
        assert Application.model_validate_json(app.model_dump_json()) == app


def test_count_keeps_every_edge_case_and_grows_with_synthetic_units():
    small = [app for app, _ in sample_applications(BATCH, count=len(EDGE_CASES))]
    large = [app for app, _ in sample_applications(BATCH, count=60)]

    assert {app.basic.unit_name for app in small} == EDGE_NAMES
    assert len(large) == 60 and len({app.credit_code for app in large}) == 60
    assert all(app.attachment(AttachmentKind.PLAN) for app in large)


def test_count_below_the_edge_cases_is_refused():
    with pytest.raises(ValueError, match="边界情形"):
        sample_applications(BATCH, count=len(EDGE_CASES) - 1)


def test_write_sample_files_writes_the_json_and_every_attachment(tmp_path):
    stale = tmp_path / "12210000000000000X_三年建设方案.txt"
    stale.write_text("旧文件", encoding="utf-8")

    write_sample_files(tmp_path)

    payload = json.loads((tmp_path / SAMPLE_JSON).read_text(encoding="utf-8"))
    assert [Application.model_validate(item) for item in payload["applications"]] == APPLICATIONS
    for app, files in PAIRS:
        for name, data in files.items():
            assert (tmp_path / name).read_bytes() == data
    assert not stale.exists()


def test_committed_sample_files_are_what_the_generator_writes(tmp_path):
    committed = REPO / "data" / "sample"
    write_sample_files(tmp_path)

    for path in tmp_path.iterdir():
        assert (committed / path.name).read_bytes() == path.read_bytes(), f"运行 python -m scoring.intake.sample 重新生成 {path.name}"


def test_synthetic_applications_have_unique_valid_codes():
    applications = synthetic_applications(BATCH, 2000)

    codes = [app.credit_code for app in applications]
    assert len(codes) == 2000 and len(set(codes)) == 2000
    assert all(uscc.is_valid(code) for code in codes)


def test_synthetic_applications_are_deterministic_and_valid():
    first = synthetic_applications(BATCH, 300, seed=11)
    second = synthetic_applications(BATCH, 300, seed=11)

    assert [a.model_dump() for a in first] == [a.model_dump() for a in second]
    assert all(Application.model_validate(app.model_dump()) == app for app in first)
    assert {app.recommendation.city for app in first} == set(City)


def test_synthetic_applications_follow_the_batch_years():
    later = sample_batch().model_copy(update={"batch_id": "2024", "year": 2024, "deadline": date(2024, 5, 31)})

    applications = synthetic_applications(later, 50)

    assert all([r.year for r in app.patents] == [2021, 2022, 2023] for app in applications)
    assert all({r.year for r in app.budget.rows} <= {2024, 2025, 2026} for app in applications)
    assert all(app.batch_id == "2024" for app in applications)
