"""Reading a 统一社会信用代码: validity through python-stdnum, department, category and region in words."""
import pytest

from scoring.intake.credit_code import CodeStatus, RegionKind, liaoning_place_in, read_credit_code
from tests.builders.checks import with_check_character


def test_valid_liaoning_code_names_department_category_and_city():
    code = with_check_character("12210200MB0000001")

    reading = read_credit_code(code)

    assert reading.status is CodeStatus.VALID
    assert reading.valid
    assert reading.problem == ""
    assert reading.department == "机构编制部门"
    assert reading.category == "事业单位"
    assert reading.region_code == "210200"
    assert reading.region_kind is RegionKind.LIAONING
    assert reading.region_name == "辽宁省大连市"
    assert reading.kind_words == "机构编制部门登记的事业单位（12）"


@pytest.mark.parametrize(("prefix", "city"), [
    ("2101", "沈阳市"), ("2102", "大连市"), ("2103", "鞍山市"), ("2104", "抚顺市"), ("2105", "本溪市"),
    ("2106", "丹东市"), ("2107", "锦州市"), ("2108", "营口市"), ("2109", "阜新市"), ("2110", "辽阳市"),
    ("2111", "盘锦市"), ("2112", "铁岭市"), ("2113", "朝阳市"), ("2114", "葫芦岛市"),
])
def test_each_liaoning_city_prefix_is_named(prefix, city):
    code = with_check_character(f"12{prefix}00MB0000001")

    reading = read_credit_code(code)

    assert reading.region_kind is RegionKind.LIAONING
    assert reading.region_name == f"辽宁省{city}"


def test_provincial_authority_is_named_as_liaoning_province():
    code = with_check_character("12210000MB0000001")

    reading = read_credit_code(code)

    assert reading.region_kind is RegionKind.LIAONING
    assert reading.region_name == "辽宁省本级"


def test_central_registration_is_recognised():
    code = with_check_character("12100000400008419")

    reading = read_credit_code(code)

    assert reading.valid
    assert reading.region_kind is RegionKind.CENTRAL
    assert reading.region_name == "国家级登记管理机关"


@pytest.mark.parametrize(("region", "province"), [
    ("110108", "北京市"), ("120000", "天津市"), ("220100", "吉林省"), ("440300", "广东省"), ("650000", "新疆维吾尔自治区"),
])
def test_other_province_is_named_from_its_first_two_digits(region, province):
    code = with_check_character(f"12{region}MB0000001")

    reading = read_credit_code(code)

    assert reading.region_kind is RegionKind.OTHER_PROVINCE
    assert reading.region_name == province


def test_unknown_region_digits_are_reported_as_unknown():
    code = with_check_character("12990000MB0000001")

    reading = read_credit_code(code)

    assert reading.region_kind is RegionKind.UNKNOWN
    assert reading.region_name == "无法识别"


def test_bad_checksum_is_invalid_and_names_the_expected_character():
    good = with_check_character("12210200MB0000001")
    wrong_last = "0" if good[-1] != "0" else "1"
    code = good[:17] + wrong_last

    reading = read_credit_code(code)

    assert reading.status is CodeStatus.INVALID
    assert reading.problem == f"校验码错误：第18位为“{wrong_last}”，按前17位计算应为“{good[-1]}”。"
    assert reading.region_name == "辽宁省大连市"


@pytest.mark.parametrize("code", ["12210200MB000000", "12210200MB00000011X"])
def test_wrong_length_is_invalid_and_says_how_long(code):
    reading = read_credit_code(code)

    assert reading.status is CodeStatus.INVALID
    assert reading.problem == f"统一社会信用代码应为18位，所填代码为{len(code)}位。"
    assert reading.region_kind is RegionKind.UNKNOWN


def test_letter_in_first_eight_places_needs_a_person_not_a_silent_fail():
    code = with_check_character("N2210200MB0000001")

    reading = read_credit_code(code)

    assert reading.status is CodeStatus.UNCHECKED
    assert not reading.valid
    assert "第1位为“N”" in reading.problem
    assert "校验码与前17位相符" in reading.problem
    assert "需人工核对" in reading.problem
    assert reading.department == "农业部门"
    assert reading.category == "村级集体经济组织"


def test_letter_in_first_eight_places_reports_a_wrong_check_character():
    good = with_check_character("1221A200MB0000001")
    wrong_last = "0" if good[-1] != "0" else "1"

    reading = read_credit_code(good[:17] + wrong_last)

    assert reading.status is CodeStatus.UNCHECKED
    assert "第5位为“A”" in reading.problem
    assert f"按前17位计算应为“{good[-1]}”" in reading.problem
    assert reading.region_kind is RegionKind.UNKNOWN


@pytest.mark.parametrize("code", ["12210200MB000000O1", "A2210200MB000000I1", "1221020号MB00000011"])
def test_characters_no_credit_code_uses_are_invalid(code):
    reading = read_credit_code(code)

    assert reading.status is CodeStatus.INVALID
    assert reading.problem.startswith("含有统一社会信用代码不使用的字符")


@pytest.mark.parametrize(("first17", "department", "category"), [
    ("91210200MB0000001", "工商（市场监管）部门", "企业"),
    ("52210200MB0000001", "民政部门", "民办非企业单位"),
    ("51210200MB0000001", "民政部门", "社会团体"),
    ("11210200MB0000001", "机构编制部门", "机关"),
])
def test_department_and_category_are_read_in_words(first17, department, category):
    reading = read_credit_code(with_check_character(first17))

    assert reading.department == department
    assert reading.category == category


def test_full_width_digits_read_as_ordinary_digits():
    code = with_check_character("12210200MB0000001")
    typed = code[:7] + "０" + code[8:]  # the eighth character, 0, typed full-width

    reading = read_credit_code(typed)

    assert reading.code == code
    assert reading.valid


def test_spaces_dashes_and_lower_case_are_tolerated():
    code = with_check_character("12210200MB0000001")
    typed = f" {code[:2]} {code[2:8]}-{code[8:].lower()} "

    reading = read_credit_code(typed)

    assert reading.code == code
    assert reading.valid


@pytest.mark.parametrize(("address", "place"), [
    ("辽宁省大连市甘井子区凌工路2号", "辽宁"),
    ("大连市中山区天津街1号", "大连"),
    ("沈阳市和平区北京街7号", "沈阳"),
    ("朝阳市双塔区", "朝阳市"),
    ("沈抚示范区金枫街", "沈抚"),
    ("北京市朝阳区北四环", None),
    ("吉林省长春市朝阳区", None),
    ("上海市杨浦区大连路", None),
    ("", None),
])
def test_address_is_in_liaoning_when_the_first_place_it_names_is(address, place):
    assert liaoning_place_in(address) == place
