"""Formal check: credit code and region, unit type, commitment, recommendation, deadline, budget."""
from datetime import date

import pytest

from scoring.intake.formal_check import (
    check_budget,
    check_commitment,
    check_credit_code,
    check_deadline,
    check_recommendation,
    check_unit_type,
)
from scoring.common.models import AttachmentKind, CheckId, Funding, Outcome
from tests.builders.checks import (
    attachment,
    budget_row,
    with_check_character,
    lean_application,
    lean_batch,
)

CENTRAL_PUBLIC_UNIT = with_check_character("12100000400008419")

# --- credit code and region -------------------------------------------------------------------


def test_valid_liaoning_code_passes():
    app = lean_application(basic={"credit_code": with_check_character("12210200MB0000001")})

    result = check_credit_code(app)

    assert result.check_id is CheckId.CREDIT_CODE
    assert result.outcome is Outcome.PASS
    assert result.reasons == [
        "登记管理机关行政区划码为210200（辽宁省大连市），在辽宁省注册。",
        "登记类别为机构编制部门登记的事业单位（12），与单位类型“高等学校”相符。",
    ]


def test_centrally_registered_unit_with_liaoning_address_passes_with_a_note():
    app = lean_application(basic={"credit_code": CENTRAL_PUBLIC_UNIT, "address": "大连市中山路457号"})

    result = check_credit_code(app)

    assert result.outcome is Outcome.PASS
    assert result.reasons[0] == ("登记管理机关行政区划码为100000（国家级登记管理机关），属中央登记，不是辽宁省的区划码；"
                                 "单位地址“大连市中山路457号”位于辽宁省（大连），视为在辽宁省注册的单位。")


def test_centrally_registered_unit_with_an_address_elsewhere_needs_a_decision():
    app = lean_application(basic={"credit_code": CENTRAL_PUBLIC_UNIT, "address": "北京市海淀区中关村"})

    result = check_credit_code(app)

    assert result.outcome is Outcome.DECIDE
    assert result.reasons[0] == ("登记管理机关行政区划码为100000（国家级登记管理机关），属中央登记；"
                                 "单位地址“北京市海淀区中关村”未表明位于辽宁省，需人工核实是否在辽宁省注册。")


def test_centrally_registered_unit_without_an_address_needs_a_decision():
    app = lean_application(basic={"credit_code": CENTRAL_PUBLIC_UNIT, "address": ""})

    result = check_credit_code(app)

    assert result.outcome is Outcome.DECIDE
    assert "单位地址未填写" in result.reasons[0]


def test_unit_registered_in_another_province_needs_a_decision_not_a_fail():
    app = lean_application(basic={"credit_code": with_check_character("12110108MB0000001")})

    result = check_credit_code(app)

    assert result.outcome is Outcome.DECIDE
    assert result.reasons[0] == ("登记管理机关行政区划码为110108（北京市），不在辽宁省，"
                                 "需人工核实是否为在辽宁省注册的独立法人。")


def test_unit_registered_by_the_provincial_authority_passes():
    app = lean_application(basic={"credit_code": with_check_character("12210000MB0000001")})

    result = check_credit_code(app)

    assert result.outcome is Outcome.PASS
    assert result.reasons[0] == "登记管理机关行政区划码为210000（辽宁省本级），在辽宁省注册。"


def test_unrecognised_region_code_needs_a_decision():
    app = lean_application(basic={"credit_code": with_check_character("12990000MB0000001")})

    result = check_credit_code(app)

    assert result.outcome is Outcome.DECIDE
    assert result.reasons[0] == "登记管理机关行政区划码为990000（无法识别），需人工核实注册地。"


def test_code_with_a_bad_checksum_fails():
    good = with_check_character("12210200MB0000001")
    bad = good[:17] + ("0" if good[-1] != "0" else "1")
    app = lean_application(basic={"credit_code": bad})

    result = check_credit_code(app)

    assert result.outcome is Outcome.FAIL
    assert result.reasons[0].startswith(f"统一社会信用代码“{bad}”无效：校验码错误")


def test_code_of_the_wrong_length_fails():
    app = lean_application(basic={"credit_code": "12210200MB000000"})

    result = check_credit_code(app)

    assert result.outcome is Outcome.FAIL
    assert result.reasons == ["统一社会信用代码“12210200MB000000”无效：统一社会信用代码应为18位，所填代码为16位。"]


def test_code_with_a_letter_in_the_first_eight_places_needs_a_decision():
    app = lean_application(basic={"credit_code": with_check_character("A1210200MB0000001")})

    result = check_credit_code(app)

    assert result.outcome is Outcome.DECIDE
    assert "第1位为“A”" in result.reasons[0]
    assert "登记类别为中央军委改革和编制办公室登记的军队事业单位（A1）" in result.reasons[2]


@pytest.mark.parametrize(("unit_type", "first17"), [
    ("高等学校", "12210200MB0000001"),
    ("高等学校", "52210200MB0000001"),
    ("科研院所", "12210200MB0000001"),
    ("科研院所", "91210200MB0000001"),
])
def test_entity_kind_that_fits_the_unit_type_passes(unit_type, first17):
    app = lean_application(basic={"unit_type": unit_type, "credit_code": with_check_character(first17)})

    result = check_credit_code(app)

    assert result.outcome is Outcome.PASS


@pytest.mark.parametrize(("unit_type", "first17", "usual"), [
    ("高等学校", "91210200MB0000001", "12 事业单位、52 民办非企业单位"),
    ("高等学校", "51210200MB0000001", "12 事业单位、52 民办非企业单位"),
    ("科研院所", "52210200MB0000001", "12 事业单位、91 企业"),
    ("科研院所", "11210200MB0000001", "12 事业单位、91 企业"),
])
def test_implausible_entity_kind_needs_a_decision(unit_type, first17, usual):
    app = lean_application(basic={"unit_type": unit_type, "credit_code": with_check_character(first17)})

    result = check_credit_code(app)

    assert result.outcome is Outcome.DECIDE
    assert f"与单位类型“{unit_type}”通常的登记类别（{usual}）不符，需人工核实。" in result.reasons[-1]


def test_entity_kind_of_an_other_type_unit_is_left_to_the_unit_type_check():
    app = lean_application(basic={"unit_type": "其他", "unit_type_other": "新型研发机构",
                                  "credit_code": with_check_character("52210200MB0000001")})

    result = check_credit_code(app)

    assert result.outcome is Outcome.PASS
    assert "由申报主体类型一项人工判定" in result.reasons[-1]


# --- unit type ------------------------------------------------------------------------------


@pytest.mark.parametrize("unit_type", ["高等学校", "科研院所"])
def test_universities_and_institutes_are_eligible_applicants(unit_type):
    app = lean_application(basic={"unit_type": unit_type})

    result = check_unit_type(app)

    assert result.outcome is Outcome.PASS
    assert result.reasons == [f"单位类型为{unit_type}，属于申报主体范围。"]


def test_other_unit_type_needs_a_decision_quoting_what_they_wrote():
    app = lean_application(basic={"unit_type": "其他", "unit_type_other": "新型研发机构"})

    result = check_unit_type(app)

    assert result.outcome is Outcome.DECIDE
    assert result.reasons == ["单位类型填写为“其他：新型研发机构”，不是高等学校或科研院所，需人工判定是否属于申报主体。"]


def test_other_unit_type_without_an_explanation_says_so():
    app = lean_application(basic={"unit_type": "其他"})

    result = check_unit_type(app)

    assert result.outcome is Outcome.DECIDE
    assert "“其他”（未说明具体类型）" in result.reasons[0]


# --- commitment -------------------------------------------------------------------------------


def test_signed_commitment_passes():
    app = lean_application(commitment={"signed": True, "signed_on": date(2023, 5, 20)})

    result = check_commitment(app, lean_batch(2023))

    assert result.outcome is Outcome.PASS
    assert result.reasons == ["信用承诺书已签署，落款日期为2023年5月20日。"]


def test_commitment_signed_on_the_deadline_passes():
    app = lean_application(commitment={"signed": True, "signed_on": date(2023, 5, 31)})

    result = check_commitment(app, lean_batch(2023))

    assert result.outcome is Outcome.PASS


def test_signed_commitment_without_a_date_passes_with_a_note():
    app = lean_application(commitment={"signed": True, "signed_on": None})

    result = check_commitment(app, lean_batch(2023))

    assert result.outcome is Outcome.PASS
    assert result.reasons == ["信用承诺书已签署，未填写落款日期。"]


def test_unsigned_commitment_fails():
    app = lean_application(commitment={"signed": False})

    result = check_commitment(app, lean_batch(2023))

    assert result.outcome is Outcome.FAIL
    assert result.reasons == ["信用承诺书未签署。"]


def test_commitment_dated_after_the_deadline_needs_a_decision():
    app = lean_application(commitment={"signed": True, "signed_on": date(2023, 6, 2)})

    result = check_commitment(app, lean_batch(2023))

    assert result.outcome is Outcome.DECIDE
    assert result.reasons == ["信用承诺书落款日期为2023年6月2日，晚于申报截止日期2023年5月31日2天，需人工核实。"]


# --- recommendation ---------------------------------------------------------------------------


def test_recommendation_flagged_with_its_letter_passes():
    app = lean_application()

    result = check_recommendation(app)

    assert result.outcome is Outcome.PASS
    assert result.reasons == ["大连市知识产权局已出具推荐函，附件“大连市知识产权局推荐函.pdf”已上传，推荐函日期为2023年5月28日。"]


def test_recommendation_flagged_without_a_letter_needs_a_decision():
    app = lean_application(attachments=[])

    result = check_recommendation(app)

    assert result.outcome is Outcome.DECIDE
    assert result.reasons == ["申报书标明大连市知识产权局已出具推荐函，但未上传推荐函附件，需人工核实。"]


def test_recommendation_letter_without_the_flag_needs_a_decision():
    app = lean_application(recommendation={"city": "大连市", "city_recommended": False})

    result = check_recommendation(app)

    assert result.outcome is Outcome.DECIDE
    assert "已上传推荐函附件“大连市知识产权局推荐函.pdf”，但申报书未标明大连市知识产权局已推荐" in result.reasons[0]


def test_no_recommendation_at_all_fails():
    app = lean_application(recommendation={"city": "沈阳市", "city_recommended": False},
                           attachments=[attachment(AttachmentKind.PLAN, "三年建设方案.pdf")])

    result = check_recommendation(app)

    assert result.outcome is Outcome.FAIL
    assert result.reasons == ["未见沈阳市知识产权局的推荐函；申报材料须经所在市知识产权局推荐（另附推荐函）。"]


def test_only_an_attachment_of_the_recommendation_kind_counts_as_the_letter():
    app = lean_application(attachments=[attachment(AttachmentKind.OTHER, "推荐函.pdf")])

    result = check_recommendation(app)

    assert result.outcome is Outcome.DECIDE
    assert "未上传推荐函附件" in result.reasons[0]


# --- deadline ---------------------------------------------------------------------------------


def test_submission_on_the_deadline_passes():
    app = lean_application(submitted_on=date(2023, 5, 31))

    result = check_deadline(app, lean_batch(2023))

    assert result.outcome is Outcome.PASS
    assert result.reasons == ["申报材料于2023年5月31日提交，未超过申报截止日期2023年5月31日。"]


def test_submission_one_day_late_fails_and_says_how_late():
    app = lean_application(submitted_on=date(2023, 6, 1))

    result = check_deadline(app, lean_batch(2023))

    assert result.outcome is Outcome.FAIL
    assert result.reasons == ["申报材料于2023年6月1日提交，超过申报截止日期2023年5月31日，逾期1天。"]


def test_deadline_comes_from_the_batch():
    app = lean_application(submitted_on=date(2023, 6, 10))

    result = check_deadline(app, lean_batch(2023, deadline=date(2023, 6, 15)))

    assert result.outcome is Outcome.PASS


# --- budget -----------------------------------------------------------------------------------


def budget(*rows, declared_total=None) -> dict:
    return {"rows": list(rows), "declared_total": declared_total}


def test_requested_budget_of_exactly_one_hundred_wan_passes():
    app = lean_application(budget=budget(budget_row(1, "专利导航分析", "60.00"), budget_row(2, "转化对接活动", "40.00"),
                                         budget_row(3, "场地改造", "80", Funding.MATCHING)))

    result = check_budget(app, lean_batch(2023))

    assert result.outcome is Outcome.PASS
    assert result.reasons == ["拟定申请经费合计100.00万元（拟定配套80.00万元，预算合计180.00万元），未超过申请上限100万元。"]


def test_requested_budget_of_one_hundred_point_zero_one_wan_fails():
    app = lean_application(budget=budget(budget_row(1, "专利导航分析", "60.01"), budget_row(2, "转化对接活动", "40.00")))

    result = check_budget(app, lean_batch(2023))

    assert result.outcome is Outcome.FAIL
    assert result.reasons[0] == "拟定申请经费合计100.01万元（拟定配套0.00万元，预算合计100.01万元），超过申请上限100万元。"


def test_matching_money_does_not_count_against_the_cap():
    app = lean_application(budget=budget(budget_row(1, "专利导航分析", "90"),
                                         budget_row(2, "运营中心建设", "500", Funding.MATCHING)))

    result = check_budget(app, lean_batch(2023))

    assert result.outcome is Outcome.PASS


def test_the_cap_comes_from_the_batch_settings():
    app = lean_application(budget=budget(budget_row(1, "专利导航分析", "80.01")))

    result = check_budget(app, lean_batch(2023, cap="80"))

    assert result.outcome is Outcome.FAIL
    assert "超过申请上限80万元" in result.reasons[0]


@pytest.mark.parametrize(("item", "explanation", "word", "use"), [
    ("征地补偿", "", "征地", "征地拆迁"),
    ("办公楼拆迁", "", "拆迁", "征地拆迁"),
    ("购置土地", "", "土地", "征地拆迁"),
    ("人员经费", "", "人员经费", "人员经费"),
    ("运营团队", "专职人员工资", "工资", "人员经费"),
    ("专家咨询", "劳务费", "劳务", "人员经费"),
    ("团队激励", "技术经理人薪酬", "薪酬", "人员经费"),
    ("绩效奖励", "", "绩效", "人员经费"),
    ("人才引进", "生活补贴", "补贴", "人员经费"),
    ("专利申请费", "", "专利申请费", "专利管理等经常性开支"),
    ("专利维护", "缴纳年费", "年费", "专利管理等经常性开支"),
    ("专利维持费", "", "维持费", "专利管理等经常性开支"),
    ("代理服务", "专利代理费", "代理费", "专利管理等经常性开支"),
    ("日常管理", "专利管理经常性开支", "专利管理经常性开支", "专利管理等经常性开支"),
])
def test_requested_row_that_may_pay_for_a_forbidden_use_needs_a_decision(item, explanation, word, use):
    app = lean_application(budget=budget(budget_row(1, "专利导航分析", "30"),
                                         budget_row(2, item, "20", explanation=explanation)))

    result = check_budget(app, lean_batch(2023))

    assert result.outcome is Outcome.DECIDE
    assert result.reasons[1] == (f"第2行“{item}”为拟定申请经费（20.00万元），含“{word}”（{use}）；"
                                 f"申请经费不得用于征地拆迁、人员经费及专利管理等经常性开支，需人工核实。")


def test_row_matching_several_forbidden_uses_names_each():
    app = lean_application(budget=budget(budget_row(3, "人员工资及专利年费", "20")))

    result = check_budget(app, lean_batch(2023))

    assert result.outcome is Outcome.DECIDE
    assert "含“工资”（人员经费）、“年费”（专利管理等经常性开支）" in result.reasons[1]


def test_matching_rows_may_pay_for_staff():
    app = lean_application(budget=budget(budget_row(1, "专利导航分析", "30"),
                                         budget_row(2, "专职人员工资", "50", Funding.MATCHING)))

    result = check_budget(app, lean_batch(2023))

    assert result.outcome is Outcome.PASS


def test_the_years_costs_are_not_an_annual_patent_fee():
    app = lean_application(budget=budget(budget_row(1, "转化对接活动", "30", explanation="2023年费用预算")))

    result = check_budget(app, lean_batch(2023))

    assert result.outcome is Outcome.PASS


def test_declared_total_that_differs_from_the_rows_needs_a_decision_with_both_numbers():
    app = lean_application(budget=budget(budget_row(1, "专利导航分析", "60"), budget_row(2, "转化对接活动", "30"),
                                         declared_total="100"))

    result = check_budget(app, lean_batch(2023))

    assert result.outcome is Outcome.DECIDE
    assert result.reasons[1] == "申报书所填合计100.00万元，与各行预算金额之和90.00万元不一致，需人工核实。"


def test_declared_total_equal_to_the_rows_passes_whatever_its_decimal_places():
    app = lean_application(budget=budget(budget_row(1, "专利导航分析", "60.00"), budget_row(2, "转化对接活动", "30"),
                                         declared_total="90"))

    result = check_budget(app, lean_batch(2023))

    assert result.outcome is Outcome.PASS
    assert len(result.reasons) == 1


def test_over_the_cap_stays_a_fail_when_other_rows_need_a_decision():
    app = lean_application(budget=budget(budget_row(1, "专利导航分析", "90"), budget_row(2, "人员经费", "20")))

    result = check_budget(app, lean_batch(2023))

    assert result.outcome is Outcome.FAIL
    assert len(result.reasons) == 2


def test_no_budget_rows_fails():
    app = lean_application(budget=budget())

    result = check_budget(app, lean_batch(2023))

    assert result.outcome is Outcome.FAIL
    assert result.reasons == ["未填写经费预算。"]
