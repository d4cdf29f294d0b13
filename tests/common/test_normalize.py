"""Cell parsers: what they accept, what they refuse, and the Chinese reason for each refusal."""
from datetime import date, datetime
from decimal import Decimal

import pytest
from pydantic import ValidationError

from scoring.common.models import City, Funding, ManagementStandard, UnitType, YearPatents
from scoring.common.normalize import (
    clean_long_text,
    clean_text,
    explain_validation_error,
    is_blank,
    parse_bool,
    parse_city,
    parse_count,
    parse_credit_code,
    parse_date,
    parse_email,
    parse_file_names,
    parse_funding,
    parse_phone,
    parse_standards,
    parse_unit_type,
    parse_wan,
    parse_year,
)


# --- text ----------------------------------------------------------------------------------


@pytest.mark.parametrize("value", [None, "", "   ", "\u00a0", "\u3000 \n", "\u200b"])
def test_empty_looking_cells_are_blank(value):
    assert is_blank(value)


def test_one_line_text_collapses_stray_spaces_newlines_and_non_breaking_spaces():
    assert clean_text("  大连\u00a0理工\n大学\u3000 ") == "大连 理工 大学"


def test_one_line_text_from_a_number_cell_has_no_trailing_point_zero():
    assert clean_text(116024.0) == "116024"


def test_long_text_keeps_line_breaks_and_drops_trailing_spaces():
    assert clean_long_text("第一段。  \r\n第二段。\r第三段。\u200b ") == "第一段。\n第二段。\n第三段。"


# --- counts --------------------------------------------------------------------------------


@pytest.mark.parametrize("value, expected", [
    (120, 120), (120.0, 120), ("120", 120), (" 12 ", 12), ("12.0", 12), ("120件", 120), ("１２０", 120),
    ("１２０件", 120), ("1,200", 1200), ("1 200", 1200), ("1，200", 1200), ("15家", 15), ("0", 0),
])
def test_counts_written_in_many_ways_parse_as_the_same_whole_number(value, expected):
    assert parse_count(value) == expected


def test_full_width_digits_with_unit_parse_as_count():
    assert parse_count("３５件") == 35


def test_blank_count_is_none():
    assert parse_count("  ") is None


@pytest.mark.parametrize("value", [12.5, "12.5", "12.5件"])
def test_non_integer_count_is_refused_with_reason(value):
    with pytest.raises(ValueError, match="应为整数"):
        parse_count(value)


@pytest.mark.parametrize("value", [-1, "-3", "－3件"])
def test_negative_count_is_refused(value):
    with pytest.raises(ValueError, match="不能为负数"):
        parse_count(value)


@pytest.mark.parametrize("value", ["十二", "约120", "1,2", "1.2.3", True, datetime(2023, 1, 2)])
def test_count_that_is_not_a_number_is_refused(value):
    with pytest.raises(ValueError):
        parse_count(value)


def test_count_from_a_date_cell_names_the_likely_excel_autoformat():
    with pytest.raises(ValueError, match="自动转成了日期"):
        parse_count(date(2023, 1, 2))


# --- money ---------------------------------------------------------------------------------


@pytest.mark.parametrize("value, expected", [
    ("35.5万元", "35.50"), ("35.5万", "35.50"), (35.5, "35.50"), (35, "35.00"), ("３５．５", "35.50"),
    ("1,200.25", "1200.25"), ("￥12.3", "12.30"), (" 0 ", "0.00"), (0.1, "0.10"), (9999.99, "9999.99"),
])
def test_amount_in_wan_becomes_a_two_place_decimal(value, expected):
    warnings = []

    parsed = parse_wan(value, warnings)

    assert parsed == Decimal(expected) and parsed.as_tuple().exponent == -2
    assert warnings == []


def test_float_amount_is_converted_through_its_decimal_text_not_its_binary_value():
    assert str(parse_wan(0.1 + 0.2)) == "0.30"
    assert str(parse_wan(35.12)) == "35.12"


def test_amount_in_yuan_is_converted_to_wan_with_a_warning():
    warnings = []

    assert parse_wan("355000元", warnings) == Decimal("35.50")
    assert len(warnings) == 1 and "元" in warnings[0] and "35.50" in warnings[0]


def test_amount_with_more_than_two_decimals_rounds_half_up_with_a_warning():
    warnings = []

    assert parse_wan("12.345", warnings) == Decimal("12.35")
    assert parse_wan(0.125, warnings) == Decimal("0.13")
    assert len(warnings) == 2 and "四舍五入" in warnings[0]


def test_amount_above_one_hundred_million_yuan_is_kept_with_a_warning():
    warnings = []

    assert parse_wan(355000, warnings) == Decimal("355000.00")
    assert "万元" in warnings[0]


def test_negative_amount_is_refused():
    with pytest.raises(ValueError, match="金额不能为负数"):
        parse_wan("-5万元")


def test_amount_too_large_for_the_model_is_refused():
    with pytest.raises(ValueError, match="过大"):
        parse_wan("10000000000000")


@pytest.mark.parametrize("value", ["三十万", "35.5美元", "N/A"])
def test_amount_that_is_not_a_number_is_refused(value):
    with pytest.raises(ValueError, match="不是数字"):
        parse_wan(value)


# --- years, yes/no, dates ------------------------------------------------------------------


@pytest.mark.parametrize("value", [2022, 2022.0, "2022", "2022年", "２０２２年度"])
def test_year_written_in_many_ways_parses(value):
    assert parse_year(value) == 2022


@pytest.mark.parametrize("value", [22, "2022.5", 3000])
def test_year_that_is_not_a_plausible_four_digit_year_is_refused(value):
    with pytest.raises(ValueError, match="四位年份"):
        parse_year(value)


@pytest.mark.parametrize("value", ["是", "√", "✓", "Y", "y", "yes", "TRUE", "true", "已签署", "已出具", "有", 1, 1.0, True])
def test_yes_words_parse_as_true(value):
    assert parse_bool(value) is True


@pytest.mark.parametrize("value", ["否", "×", "N", "no", "False", "未签署", "未出具", "无", 0, False])
def test_no_words_parse_as_false(value):
    assert parse_bool(value) is False


@pytest.mark.parametrize("value", ["也许", "X", 2])
def test_unclear_yes_no_is_refused(value):
    with pytest.raises(ValueError, match="“是”或“否”"):
        parse_bool(value)


@pytest.mark.parametrize("value", [
    "2023-05-20", "2023/5/20", "2023.5.20", "2023年5月20日", "2023 年 5 月 20 日", "20230520", "２０２３－０５－２０",
    "2023-05-20 00:00:00", 45066, 45066.0, 45066.75, 20230520, datetime(2023, 5, 20, 9, 30), date(2023, 5, 20),
])
def test_dates_as_text_serials_and_objects_parse_to_the_same_day(value):
    assert parse_date(value) == date(2023, 5, 20)


@pytest.mark.parametrize("value, reason", [
    ("2023-02-30", "不存在"), ("2023年5月", "不是可识别的日期"), ("五月二十日", "不是可识别的日期"),
    (12, "不在合理范围"), (-3, "不是可识别的日期"), (True, "不能填是/否"),
])
def test_impossible_or_unreadable_dates_are_refused_with_reason(value, reason):
    with pytest.raises(ValueError, match=reason):
        parse_date(value)


def test_date_after_today_is_kept_with_a_warning():
    warnings = []

    assert parse_date("2024-01-02", warnings, today=date(2024, 1, 1)) == date(2024, 1, 2)
    assert "晚于今天" in warnings[0]


# --- codes, contact details, file names ----------------------------------------------------


def test_credit_code_is_folded_to_half_width_upper_case_without_spaces():
    assert parse_credit_code(" １２２１０２００ mb0000000r ") == "12210200MB0000000R"


def test_credit_code_stored_as_a_number_is_refused_because_digits_were_lost():
    with pytest.raises(ValueError, match="存成了数字"):
        parse_credit_code(1.22102e17)


def test_mobile_number_from_a_number_cell_is_text_without_warning():
    warnings = []

    assert parse_phone(13800000000.0, warnings) == "13800000000"
    assert warnings == []


def test_landline_from_a_number_cell_warns_that_the_leading_zero_may_be_lost():
    warnings = []

    assert parse_phone(41184708320, warnings) == "41184708320"
    assert "开头的 0" in warnings[0]


def test_email_that_looks_wrong_is_kept_with_a_warning():
    warnings = []

    assert parse_email("ip＠test", warnings) == "ip@test"
    assert "格式可疑" in warnings[0]


def test_email_that_looks_right_has_no_warning():
    warnings = []

    assert parse_email(" ip@test.edu.cn ", warnings) == "ip@test.edu.cn"
    assert warnings == []


def test_several_file_names_in_one_cell_are_split_and_folders_dropped():
    assert parse_file_names("方案.pdf；附件/推荐函.pdf\nC:\\docs\\说明.txt") == ["方案.pdf", "推荐函.pdf", "说明.txt"]


# --- enumerations --------------------------------------------------------------------------


@pytest.mark.parametrize("value, expected", [
    ("高等学校", (UnitType.UNIVERSITY, "")), ("高校", (UnitType.UNIVERSITY, "")), ("☑高等学校", (UnitType.UNIVERSITY, "")),
    ("科研院所", (UnitType.INSTITUTE, "")), ("科研机构", (UnitType.INSTITUTE, "")), ("科研组织", (UnitType.INSTITUTE, "")),
    ("其他", (UnitType.OTHER, "")), ("其他：企业研发中心", (UnitType.OTHER, "企业研发中心")),
])
def test_unit_type_accepts_the_form_words_and_keeps_what_follows_other(value, expected):
    assert parse_unit_type(value) == expected


def test_unknown_unit_type_is_refused_naming_the_choices():
    with pytest.raises(ValueError, match="高等学校、科研院所"):
        parse_unit_type("企业")


@pytest.mark.parametrize("value", ["大连", "大连市", " 大连市 ", "大连市知识产权局", "辽宁省大连市", "大连市局"])
def test_city_short_and_long_forms_mean_the_same_city(value):
    assert parse_city(value) is City.DALIAN


def test_shenfu_zone_is_recognised_by_its_short_name():
    assert parse_city("沈抚") is City.SHENFU


def test_unknown_city_is_refused():
    with pytest.raises(ValueError, match="14个市"):
        parse_city("长春市")


@pytest.mark.parametrize("value, expected", [
    ("拟定申请", Funding.REQUESTED), ("申请", Funding.REQUESTED), ("拟申请", Funding.REQUESTED),
    ("拟定配套", Funding.MATCHING), ("配套", Funding.MATCHING), ("自筹", Funding.MATCHING),
])
def test_funding_accepts_short_forms(value, expected):
    assert parse_funding(value) is expected


@pytest.mark.parametrize("value", ["拟定申请/拟定配套", "省财政"])
def test_funding_that_names_both_or_neither_is_refused(value):
    with pytest.raises(ValueError, match="拟定申请"):
        parse_funding(value)


def test_standards_are_recognised_by_number_or_title_and_other_text_is_kept():
    parsed = parse_standards("《高等学校知识产权管理规范》；GB/T 33250-2016、ISO 56005")

    assert parsed == ([ManagementStandard.UNIVERSITY, ManagementStandard.RESEARCH], "ISO 56005")


def test_standards_cell_saying_none_gives_no_standard():
    assert parse_standards("无") == ([], "")


# --- pydantic errors -----------------------------------------------------------------------


def test_pydantic_errors_are_explained_in_chinese():
    with pytest.raises(ValidationError) as caught:
        YearPatents.model_validate({"year": "abc", "invention": -1})

    messages = {e["loc"][0]: explain_validation_error(e) for e in caught.value.errors()}

    assert messages == {"year": "应为整数", "invention": "不能小于 0"}


def test_enum_errors_list_the_choices_in_chinese():
    error = {"type": "enum", "ctx": {"expected": "'高等学校', '科研院所' or '其他'"}}

    assert explain_validation_error(error) == "应为以下之一：高等学校、科研院所、其他"
