"""Conflicts of interest: each rule with its explanation, the three-year window's edge, name normalisation,
and the matrix and unit groups handed to the solver."""
from datetime import date, datetime

import numpy as np
import pytest

from scoring.experts.conflicts import (
    affiliation_in_window,
    conflict_matrix,
    find_conflicts,
    normalise_unit_name,
    unit_groups,
    years_before,
)
from scoring.common.models import Affiliation, ConflictRule, ConflictRules, DeclaredConflict
from tests.builders.applications import make_application, make_credit_code, make_expert

TODAY = date(2023, 6, 15)
DEFAULT = ConflictRules()
SHENYANG_CODE = make_credit_code(11, "12210102")


def applicant(serial: int = 11, name: str = "沈阳理工学院", city: str = "沈阳市", code: str | None = None):
    code = code or make_credit_code(serial, "12210102")
    return make_application(serial=serial, basic={"unit_name": name, "credit_code": code},
                            recommendation={"city": city})


def conflicts_of(applications, experts, rules=DEFAULT, declared=(), recusals=(), today=TODAY):
    return find_conflicts(applications, experts, rules, declared, recusals, today)


def post(unit_name="沈阳理工学院", credit_code="", kind="兼职", start=date(2019, 1, 1), end=None) -> Affiliation:
    return Affiliation(unit_name=unit_name, credit_code=credit_code, kind=kind, start=start, end=end)


# --- own unit ------------------------------------------------------------------------------


def test_own_unit_by_credit_code_is_explained_as_the_issue_words_it():
    expert = make_expert(name="张三", unit="沈阳理工学院", unit_credit_code=SHENYANG_CODE)

    [conflict] = conflicts_of([applicant()], [expert])

    assert conflict.rule is ConflictRule.OWN_UNIT
    assert conflict.reason == "专家张三与申报单位沈阳理工学院同属一个单位（统一社会信用代码相同）"
    assert (conflict.expert_id, conflict.credit_code) == (expert.expert_id, SHENYANG_CODE)


def test_own_unit_by_code_holds_even_when_the_names_differ():
    expert = make_expert(unit="沈阳理工学院科技处", unit_credit_code=SHENYANG_CODE)

    [conflict] = conflicts_of([applicant()], [expert])

    assert "统一社会信用代码相同" in conflict.reason


def test_own_unit_by_normalised_name_says_how_the_expert_wrote_it():
    expert = make_expert(unit="沈阳理工学院（南湖校区）", unit_credit_code="")

    [conflict] = conflicts_of([applicant()], [expert])

    assert conflict.rule is ConflictRule.OWN_UNIT
    assert conflict.reason == "专家张三与申报单位沈阳理工学院同属一个单位（单位名称相同：专家填写为“沈阳理工学院（南湖校区）”）"


def test_own_unit_by_the_same_name_without_a_code():
    [conflict] = conflicts_of([applicant()], [make_expert(unit="沈阳理工学院", unit_credit_code="")])

    assert conflict.reason.endswith("（单位名称相同）")


def test_a_department_after_the_unit_name_is_not_matched_by_name():
    expert = make_expert(unit="沈阳理工学院机械工程学院", unit_credit_code="")

    assert conflicts_of([applicant()], [expert]) == []


def test_own_unit_rule_switched_off_finds_nothing():
    expert = make_expert(unit="沈阳理工学院", unit_credit_code=SHENYANG_CODE)

    assert conflicts_of([applicant()], [expert], ConflictRules(own_unit=False)) == []


# --- name normalisation --------------------------------------------------------------------


@pytest.mark.parametrize("written, same_as", [
    ("沈阳理工学院 ", "沈阳理工学院"),
    ("沈阳 理工学院", "沈阳理工学院"),
    ("大连理工大学（盘锦校区）", "大连理工大学"),
    ("大连理工大学(盘锦校区)", "大连理工大学"),
    ("东北大学秦皇岛校区", "东北大学"),
    ("辽宁北方机械研究院有限责任公司", "辽宁北方机械研究院有限公司"),
    ("辽宁ＡＢＣ科技有限公司", "辽宁abc科技有限公司"),
    ("沈阳理工学院。", "沈阳理工学院"),
])
def test_names_that_are_one_unit_normalise_alike(written, same_as):
    assert normalise_unit_name(written) == normalise_unit_name(same_as)


@pytest.mark.parametrize("one, other", [
    ("大连理工大学", "大连理工大学城市学院"),
    ("辽宁北方机械研究院股份有限公司", "辽宁北方机械研究院有限公司"),
    ("华北冶金设计研究总院沈阳分院", "华北冶金设计研究总院"),
    ("辽宁省农业科学院", "农业科学院"),
    ("沈阳理工学院（筹）", "沈阳理工学院"),
])
def test_names_of_distinct_units_stay_distinct(one, other):
    assert normalise_unit_name(one) != normalise_unit_name(other)


# --- affiliations of the last N years ------------------------------------------------------


def test_an_open_part_time_post_at_the_applicant_is_a_conflict_explained():
    expert = make_expert(affiliations=[post(start=date(2021, 9, 1))])

    [conflict] = conflicts_of([applicant()], [expert])

    assert conflict.rule is ConflictRule.AFFILIATION
    assert conflict.reason == "专家张三2021年9月1日起至今在申报单位沈阳理工学院兼职（近3年内的兼职与工作经历）"


def test_a_former_employer_left_within_the_window_is_a_conflict_with_its_end_date():
    expert = make_expert(affiliations=[post(kind="原工作单位", start=date(2001, 9, 1), end=date(2022, 8, 31))])

    [conflict] = conflicts_of([applicant()], [expert])

    assert conflict.reason == ("专家张三2001年9月1日起曾在申报单位沈阳理工学院工作（原工作单位），2022年8月31日终止，"
                               "在3年回避期内（近3年内的兼职与工作经历）")


def test_a_post_that_ended_exactly_three_years_ago_still_counts():
    expert = make_expert(affiliations=[post(end=date(2020, 6, 15))])

    assert [c.rule for c in conflicts_of([applicant()], [expert])] == [ConflictRule.AFFILIATION]


def test_a_post_that_ended_three_years_and_a_day_ago_does_not():
    expert = make_expert(affiliations=[post(end=date(2020, 6, 14))])

    assert conflicts_of([applicant()], [expert]) == []


def test_the_window_follows_the_rule_setting():
    expert = make_expert(affiliations=[post(end=date(2019, 1, 1))])

    assert conflicts_of([applicant()], [expert], ConflictRules(affiliations_within_years=5)) != []
    assert conflicts_of([applicant()], [expert], ConflictRules(affiliations_within_years=0)) == []


def test_zero_years_switches_even_an_open_post_off():
    assert not affiliation_in_window(post(), 0, TODAY)


def test_the_window_from_29_february_falls_back_to_28_february():
    assert years_before(date(2024, 2, 29), 3) == date(2021, 2, 28)
    assert affiliation_in_window(post(end=date(2021, 2, 28)), 3, date(2024, 2, 29))
    assert not affiliation_in_window(post(end=date(2021, 2, 27)), 3, date(2024, 2, 29))


def test_an_affiliation_matches_by_credit_code_whatever_its_name():
    expert = make_expert(affiliations=[post(unit_name="沈阳理工", credit_code=SHENYANG_CODE)])

    assert [c.rule for c in conflicts_of([applicant()], [expert])] == [ConflictRule.AFFILIATION]


def test_other_kinds_of_post_are_named_in_the_reason():
    expert = make_expert(affiliations=[post(kind="其他")])

    [conflict] = conflicts_of([applicant()], [expert])

    assert "任职（其他关系）" in conflict.reason


# --- declared pairs and recusals ------------------------------------------------------------


def declared(expert_id="ZJ-0001", code=SHENYANG_CODE, reason="配偶在该单位任职") -> DeclaredConflict:
    return DeclaredConflict(expert_id=expert_id, credit_code=code, reason=reason, source="工作人员登记",
                            declared_by="王五", declared_at=datetime(2023, 5, 2, 9, 30))


def test_a_declared_pair_is_a_conflict_with_its_reason_source_and_who_declared_it():
    [conflict] = conflicts_of([applicant()], [make_expert()], declared=[declared()])

    assert conflict.rule is ConflictRule.DECLARED
    assert conflict.reason == ("专家张三与申报单位沈阳理工学院存在登记的回避关系：配偶在该单位任职"
                               "（工作人员登记，王五于2023年5月2日登记）")


def test_declared_pairs_of_other_experts_or_units_are_ignored():
    pairs = [declared(expert_id="ZJ-9999"), declared(code=make_credit_code(99, "12210102"))]

    assert conflicts_of([applicant()], [make_expert()], declared=pairs) == []


def test_declared_pairs_switched_off_are_ignored():
    assert conflicts_of([applicant()], [make_expert()], ConflictRules(declared_pairs=False), declared=[declared()]) == []


def test_a_recusal_is_a_conflict_in_the_experts_words():
    [conflict] = conflicts_of([applicant()], [make_expert()], recusals=[("ZJ-0001", SHENYANG_CODE, "曾指导该单位的方案编写")])

    assert conflict.rule is ConflictRule.RECUSAL
    assert conflict.reason == "专家张三在评审中申请回避申报单位沈阳理工学院：曾指导该单位的方案编写"


def test_recusals_switched_off_are_ignored():
    rules = ConflictRules(recusals=False)

    assert conflicts_of([applicant()], [make_expert()], rules, recusals=[("ZJ-0001", SHENYANG_CODE, "理由")]) == []


# --- same city -----------------------------------------------------------------------------


def test_same_city_is_off_by_default():
    assert DEFAULT.same_city is False
    assert conflicts_of([applicant(city="沈阳市")], [make_expert(city="沈阳市")]) == []


def test_same_city_when_switched_on_names_the_city():
    rules = ConflictRules(same_city=True)

    [conflict] = conflicts_of([applicant(city="沈阳市"), applicant(12, "大连某大学", "大连市")], [make_expert()], rules)

    assert conflict.rule is ConflictRule.SAME_CITY
    assert conflict.reason == "专家张三与申报单位沈阳理工学院同在沈阳市（同城回避）"


# --- several rules, order ------------------------------------------------------------------


def test_every_rule_that_applies_to_a_pair_is_listed_in_rule_order():
    expert = make_expert(unit="沈阳理工学院", unit_credit_code=SHENYANG_CODE, affiliations=[post()])

    found = conflicts_of([applicant()], [expert], ConflictRules(same_city=True), declared=[declared()],
                         recusals=[("ZJ-0001", SHENYANG_CODE, "本人申请")])

    assert [c.rule for c in found] == list(ConflictRule)


def test_conflicts_are_ordered_by_application_then_expert():
    apps = [applicant(21, "甲大学"), applicant(22, "乙大学")]
    experts = [make_expert("ZJ-0002", unit="乙大学", unit_credit_code=""), make_expert("ZJ-0001", unit="甲大学", unit_credit_code=""),
               make_expert("ZJ-0003", unit="乙大学", unit_credit_code="")]

    found = conflicts_of(apps, experts)

    assert [(c.credit_code, c.expert_id) for c in found] == [
        (apps[0].credit_code, "ZJ-0001"), (apps[1].credit_code, "ZJ-0002"), (apps[1].credit_code, "ZJ-0003")]


# --- for the solver ------------------------------------------------------------------------


def test_matrix_rows_follow_applications_and_columns_follow_experts():
    apps = [applicant(31, "甲大学"), applicant(32, "乙大学"), applicant(33, "丙大学")]
    experts = [make_expert("ZJ-0001", unit="丙大学", unit_credit_code=""), make_expert("ZJ-0002", unit="甲大学", unit_credit_code="")]

    matrix = conflict_matrix(apps, experts, conflicts_of(apps, experts))

    assert matrix.shape == (3, 2) and matrix.dtype == bool
    assert matrix.tolist() == [[False, True], [False, False], [True, False]]


def test_matrix_marks_a_pair_once_whatever_the_number_of_rules():
    expert = make_expert(unit="沈阳理工学院", unit_credit_code=SHENYANG_CODE, affiliations=[post()])
    apps = [applicant()]

    matrix = conflict_matrix(apps, [expert], conflicts_of(apps, [expert], declared=[declared()]))

    assert matrix.sum() == 1


def test_matrix_leaves_out_conflicts_of_applications_or_experts_not_given():
    apps = [applicant()]
    found = conflicts_of(apps, [make_expert(unit="沈阳理工学院", unit_credit_code=SHENYANG_CODE)])

    assert not conflict_matrix(apps, [make_expert("ZJ-0009")], found).any()
    assert conflict_matrix([], [], found).shape == (0, 0)


def test_unit_groups_join_experts_of_one_unit_by_code_or_name_transitively():
    experts = [
        make_expert("ZJ-0001", unit="甲大学", unit_credit_code="A1"),
        make_expert("ZJ-0002", unit="乙研究院", unit_credit_code=""),
        make_expert("ZJ-0003", unit="甲大学（南校区）", unit_credit_code=""),  # same name as 1
        make_expert("ZJ-0004", unit="甲大学科技处", unit_credit_code="A1"),  # same code as 1
        make_expert("ZJ-0005", unit="丙公司", unit_credit_code="C3"),
        make_expert("ZJ-0006", unit="乙研究院", unit_credit_code="B2"),  # same name as 2
    ]

    groups = unit_groups(experts)

    assert groups.dtype == np.int64
    assert groups.tolist() == [0, 1, 0, 0, 2, 1]


def test_unit_groups_of_no_experts_is_empty():
    assert unit_groups([]).shape == (0,)
