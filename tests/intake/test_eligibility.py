"""Conditions (二) patent output and (三) conversion base: window, thresholds at their edges, missing years."""
from decimal import Decimal

import pytest

from scoring.intake.eligibility import check_conversion, check_patent_output, window_figures
from scoring.common.models import AmountBasis, Outcome
from tests.builders.checks import conversion, lean_application, lean_batch, patents

# --- the window ------------------------------------------------------------------------------


def test_2023_batch_looks_at_2020_to_2022():
    batch = lean_batch(2023)

    figures = window_figures(lean_application(), batch)

    assert figures.window == [2020, 2021, 2022]


def test_2024_batch_looks_at_2021_to_2023_and_ignores_2020_rows():
    app = lean_application(
        batch_id="2024",
        patents=[patents(2020, invention=500, valid_held=900), patents(2021, invention=10, utility_model=5),
                 patents(2022, invention=10, design=5), patents(2023, invention=10, valid_held=120)],
        conversions=[conversion(2020, transfers=100, transfer_contract="900"), conversion(2021, licences=2),
                     conversion(2022, licences=3), conversion(2023, equity=4, equity_value="12")],
    )

    figures = window_figures(app, lean_batch(2024))

    assert figures.window == [2021, 2022, 2023]
    assert figures.granted == 40
    assert figures.invention_granted == 30
    assert (figures.valid_held, figures.valid_held_year) == (120, 2023)
    assert figures.converted == 9
    assert figures.amount_contract == Decimal("12")
    assert figures.missing_patent_years == []
    assert figures.missing_conversion_years == []


def test_rows_of_the_batch_year_itself_are_ignored():
    app = lean_application(patents=[patents(2020, invention=1), patents(2021, invention=1),
                                    patents(2022, invention=1, valid_held=50), patents(2023, invention=99, valid_held=999)])

    figures = window_figures(app, lean_batch(2023))

    assert figures.invention_granted == 3
    assert (figures.valid_held, figures.valid_held_year) == (50, 2022)


def test_window_length_follows_the_batch_setting():
    batch = lean_batch(2023, window_years=2)

    figures = window_figures(lean_application(), batch)

    assert figures.window == [2021, 2022]


def test_figures_sum_every_conversion_kind_and_both_amounts():
    app = lean_application(conversions=[
        conversion(2020, transfers=2, transfer_contract="10", transfer_received="8"),
        conversion(2021, licences=3, licence_contract="20", licence_received="5"),
        conversion(2022, equity=4, equity_value="30"),
    ])

    figures = window_figures(app, lean_batch(2023, amount_basis=AmountBasis.RECEIVED))

    assert (figures.transfers, figures.licences, figures.equity, figures.converted) == (2, 3, 4, 9)
    assert figures.amount_contract == Decimal("60")
    assert figures.amount_received == Decimal("43")
    assert figures.amount_basis is AmountBasis.RECEIVED
    assert figures.amount == Decimal("43")


def test_missing_years_are_listed_per_table():
    app = lean_application(patents=[patents(2021, invention=1)], conversions=[conversion(2020), conversion(2022)])

    figures = window_figures(app, lean_batch(2023))

    assert figures.missing_patent_years == [2020, 2022]
    assert figures.missing_conversion_years == [2021]


# --- condition (二) ----------------------------------------------------------------------------


def patent_rows(grants_per_year: tuple[int, int, int], inventions: int = 0, valid_held: int = 0) -> list:
    """Three window years of grants; inventions sit in 2020, grants beyond them are utility models."""
    g2020, g2021, g2022 = grants_per_year
    return [patents(2020, invention=inventions, utility_model=g2020 - inventions),
            patents(2021, utility_model=g2021), patents(2022, utility_model=g2022, valid_held=valid_held)]


def test_condition_two_rejects_exactly_one_hundred_grants():
    app = lean_application(patents=patent_rows((40, 30, 30), inventions=10, valid_held=150))

    result = check_patent_output(app, lean_batch(2023))

    assert result.outcome is Outcome.FAIL
    assert "2020—2022年专利授权量合计100件，未超过100件。" in result.reasons


def test_condition_two_accepts_one_hundred_and_one_grants():
    app = lean_application(patents=patent_rows((41, 30, 30), inventions=10, valid_held=150))

    result = check_patent_output(app, lean_batch(2023))

    assert result.outcome is Outcome.PASS
    assert "2020—2022年专利授权量合计101件，超过100件，满足条件。" in result.reasons


def test_condition_two_rejects_exactly_fifty_invention_grants():
    app = lean_application(patents=patent_rows((50, 0, 0), inventions=50))

    result = check_patent_output(app, lean_batch(2023))

    assert result.outcome is Outcome.FAIL
    assert "2020—2022年发明专利授权量合计50件，未超过50件。" in result.reasons


def test_condition_two_accepts_fifty_one_invention_grants():
    app = lean_application(patents=patent_rows((51, 0, 0), inventions=51))

    result = check_patent_output(app, lean_batch(2023))

    assert result.outcome is Outcome.PASS
    assert "2020—2022年发明专利授权量合计51件，超过50件，满足条件。" in result.reasons


def test_condition_two_rejects_one_hundred_ninety_nine_valid_patents():
    app = lean_application(patents=patent_rows((1, 1, 1), valid_held=199))

    result = check_patent_output(app, lean_batch(2023))

    assert result.outcome is Outcome.FAIL
    assert "截至2022年底有效专利拥有量199件，不足200件。" in result.reasons


def test_valid_patents_pass_at_exactly_two_hundred():
    app = lean_application(patents=patent_rows((1, 1, 1), valid_held=200))

    result = check_patent_output(app, lean_batch(2023))

    assert result.outcome is Outcome.PASS
    assert "截至2022年底有效专利拥有量200件，在200件以上，满足条件。" in result.reasons


def test_condition_two_failure_says_what_each_alternative_reached():
    app = lean_application(patents=patent_rows((50, 25, 25), inventions=50, valid_held=199))

    result = check_patent_output(app, lean_batch(2023))

    assert result.outcome is Outcome.FAIL
    assert result.reasons == [
        "2020—2022年专利授权量合计100件，未超过100件。",
        "2020—2022年发明专利授权量合计50件，未超过50件。",
        "截至2022年底有效专利拥有量199件，不足200件。",
        "三项均未达到，不满足申报条件（二）（三项满足其一即可）。",
    ]


def test_valid_patents_are_the_stock_at_the_end_of_the_last_window_year_not_a_sum():
    app = lean_application(patents=[patents(2020, valid_held=150), patents(2021, valid_held=190),
                                    patents(2022, valid_held=180)])

    result = check_patent_output(app, lean_batch(2023))

    assert result.outcome is Outcome.FAIL
    assert "截至2022年底有效专利拥有量180件，不足200件。" in result.reasons


def test_condition_two_short_with_a_missing_year_needs_a_decision():
    app = lean_application(patents=[patents(2021, utility_model=50), patents(2022, utility_model=50, valid_held=150)])

    result = check_patent_output(app, lean_batch(2023))

    assert result.outcome is Outcome.DECIDE
    assert result.reasons[0] == "专利创造产出情况表缺少2020年数据，以下合计只计已填写的年度。"
    assert "2020—2022年专利授权量合计100件，未超过100件。" in result.reasons
    assert result.reasons[-1] == "缺少2020年数据，补齐后可能满足条件，需人工判定。"


def test_condition_two_already_met_with_a_missing_year_passes_with_a_note():
    app = lean_application(patents=[patents(2021, utility_model=51), patents(2022, utility_model=50)])

    result = check_patent_output(app, lean_batch(2023))

    assert result.outcome is Outcome.PASS
    assert result.reasons[0] == "专利创造产出情况表缺少2020年数据，以下合计只计已填写的年度。"
    assert result.reasons[-1] == "已填写年度的数据已满足条件，补齐缺少的年度不会改变结论。"


def test_valid_patents_taken_from_an_earlier_year_need_a_decision():
    app = lean_application(patents=[patents(2020, valid_held=180), patents(2021, valid_held=230)])

    result = check_patent_output(app, lean_batch(2023))

    assert result.outcome is Outcome.DECIDE
    assert "2022年数据缺失，取最近一年：截至2021年底有效专利拥有量230件，在200件以上，满足条件。" in result.reasons
    assert result.reasons[-1] == "有效专利拥有量取自2021年底而非2022年底，需人工核实2022年底的拥有量。"


def test_condition_two_with_no_patent_rows_needs_a_decision():
    app = lean_application(patents=[])

    result = check_patent_output(app, lean_batch(2023))

    assert result.outcome is Outcome.DECIDE
    assert "2020—2022年均未填写有效专利拥有量。" in result.reasons
    assert result.reasons[-1] == "缺少2020、2021、2022年数据，补齐后可能满足条件，需人工判定。"


# --- condition (三) ----------------------------------------------------------------------------


def conversion_rows(count: int = 31, contract: str = "120", received: str = "120") -> list:
    """Three window years: all conversions and money as transfers in 2020, nothing in 2021 and 2022."""
    return [conversion(2020, transfers=count, transfer_contract=contract, transfer_received=received),
            conversion(2021), conversion(2022)]


def test_condition_three_rejects_exactly_thirty_conversions():
    app = lean_application(conversions=conversion_rows(count=30))

    result = check_conversion(app, lean_batch(2023))

    assert result.outcome is Outcome.FAIL
    assert ("2020—2022年通过转让、许可、作价入股累计转化专利30件（转让30件、许可0件、作价入股0件），未超过30件。"
            in result.reasons)


def test_condition_three_accepts_thirty_one_conversions():
    app = lean_application(conversions=conversion_rows(count=31))

    result = check_conversion(app, lean_batch(2023))

    assert result.outcome is Outcome.PASS
    assert ("2020—2022年通过转让、许可、作价入股累计转化专利31件（转让31件、许可0件、作价入股0件），超过30件，满足条件。"
            in result.reasons)


@pytest.mark.parametrize(("basis", "contract", "received"), [
    (AmountBasis.CONTRACT, "100.00", "500.00"),
    (AmountBasis.RECEIVED, "500.00", "100.00"),
])
def test_condition_three_rejects_exactly_one_hundred_wan_under_either_basis(basis, contract, received):
    app = lean_application(conversions=conversion_rows(contract=contract, received=received))

    result = check_conversion(app, lean_batch(2023, amount_basis=basis))

    assert result.outcome is Outcome.FAIL
    assert f"本批次按{basis}计100.00万元，未超过100万元。" in result.reasons[1]


@pytest.mark.parametrize(("basis", "contract", "received"), [
    (AmountBasis.CONTRACT, "100.01", "0.00"),
    (AmountBasis.RECEIVED, "0.00", "100.01"),
])
def test_condition_three_accepts_one_hundred_point_zero_one_wan_under_either_basis(basis, contract, received):
    app = lean_application(conversions=conversion_rows(contract=contract, received=received))

    result = check_conversion(app, lean_batch(2023, amount_basis=basis))

    assert result.outcome is Outcome.PASS
    assert f"本批次按{basis}计100.01万元，超过100万元，满足条件。" in result.reasons[1]


def test_condition_three_shows_both_amounts_whatever_the_basis():
    app = lean_application(conversions=conversion_rows(contract="150.5", received="80"))

    result = check_conversion(app, lean_batch(2023, amount_basis=AmountBasis.CONTRACT))

    assert result.reasons[1] == ("2020—2022年转化金额按合同额合计150.50万元，按实际到账额合计80.00万元"
                                 "（作价入股金额两种口径均计入）；本批次按合同额计150.50万元，超过100万元，满足条件。")


def test_the_basis_setting_can_turn_a_pass_into_a_fail():
    app = lean_application(conversions=conversion_rows(contract="150", received="80"))

    by_contract = check_conversion(app, lean_batch(2023, amount_basis=AmountBasis.CONTRACT))
    by_received = check_conversion(app, lean_batch(2023, amount_basis=AmountBasis.RECEIVED))

    assert by_contract.outcome is Outcome.PASS
    assert by_received.outcome is Outcome.FAIL


def test_equity_value_counts_under_both_bases():
    app = lean_application(conversions=[conversion(2020, equity=31, equity_value="100.01"), conversion(2021),
                                        conversion(2022)])

    by_contract = check_conversion(app, lean_batch(2023, amount_basis=AmountBasis.CONTRACT))
    by_received = check_conversion(app, lean_batch(2023, amount_basis=AmountBasis.RECEIVED))

    assert by_contract.outcome is Outcome.PASS
    assert by_received.outcome is Outcome.PASS


def test_condition_three_rejects_exactly_ten_enterprises():
    app = lean_application(conversions=conversion_rows(), enterprises_connected=10)

    result = check_conversion(app, lean_batch(2023))

    assert result.outcome is Outcome.FAIL
    assert "累计对接企业10家，未超过10家。" in result.reasons


def test_condition_three_accepts_eleven_enterprises():
    app = lean_application(conversions=conversion_rows(), enterprises_connected=11)

    result = check_conversion(app, lean_batch(2023))

    assert result.outcome is Outcome.PASS
    assert "累计对接企业11家，超过10家，满足条件。" in result.reasons


def test_enterprises_not_given_need_a_decision_not_a_fail():
    app = lean_application(conversions=conversion_rows(), enterprises_connected=None)

    result = check_conversion(app, lean_batch(2023))

    assert result.outcome is Outcome.DECIDE
    assert "未填写累计对接企业数（申报书原表无此栏），无法判断是否超过10家。" in result.reasons
    assert result.reasons[-1] == "对接企业数须人工核实后判定。"


def test_enterprises_not_given_still_fail_when_another_part_fails():
    app = lean_application(conversions=conversion_rows(count=30), enterprises_connected=None)

    result = check_conversion(app, lean_batch(2023))

    assert result.outcome is Outcome.FAIL
    assert result.reasons[-1] == "不满足申报条件（三）（三项须同时满足）。"


def test_condition_three_short_with_a_missing_year_needs_a_decision():
    app = lean_application(conversions=[conversion(2021, transfers=20, transfer_contract="150"), conversion(2022)])

    result = check_conversion(app, lean_batch(2023))

    assert result.outcome is Outcome.DECIDE
    assert result.reasons[0] == "专利转化运用情况表缺少2020年数据，以下合计只计已填写的年度。"
    assert result.reasons[-1] == "缺少2020年数据，补齐后可能满足条件，需人工判定。"


def test_condition_three_already_met_with_a_missing_year_passes_with_a_note():
    app = lean_application(conversions=[conversion(2021, transfers=31, transfer_contract="150"), conversion(2022)])

    result = check_conversion(app, lean_batch(2023))

    assert result.outcome is Outcome.PASS
    assert result.reasons[-1] == "已填写年度的数据已满足条件，补齐缺少的年度不会改变结论。"


def test_too_few_enterprises_fail_even_with_a_missing_year():
    app = lean_application(conversions=[conversion(2022, transfers=5)], enterprises_connected=3)

    result = check_conversion(app, lean_batch(2023))

    assert result.outcome is Outcome.FAIL
    assert result.reasons[0] == "专利转化运用情况表缺少2020、2021年数据，以下合计只计已填写的年度。"
