"""Reading a three-year plan's goals as figures: a year's, every year's, the period's."""
from decimal import Decimal

from scoring.pilots.goals import GoalKey, GoalSource, PilotGoal, goal_for, goals_from_text, period_goal


def read(text: str) -> list[tuple[GoalKey, Decimal, int | None]]:
    return [(g.key, g.value, g.year) for g in goals_from_text(text, 2023, 2025)]


def test_a_figure_with_its_year_is_that_years_goal():
    assert read("2024年转化专利60件。") == [(GoalKey.CONVERTED, Decimal(60), 2024)]


def test_every_year_gives_the_goal_to_each_year_of_the_period():
    assert read("每年对接企业不少于15家") == [(GoalKey.ENTERPRISES, Decimal(15), y) for y in (2023, 2024, 2025)]


def test_a_three_year_total_amount_is_the_periods_goal():
    assert read("三年累计转化金额500万元") == [(GoalKey.AMOUNT, Decimal(500), None)]


def test_by_2025_cumulatively_is_a_total_not_2025s_goal():
    assert read("到2025年累计转化专利150件") == [(GoalKey.CONVERTED, Decimal(150), None)]


def test_a_sentence_with_two_figures_gives_two_goals():
    assert read("2024年转化专利60件，对接企业20家") == [(GoalKey.CONVERTED, Decimal(60), 2024),
                                                      (GoalKey.ENTERPRISES, Decimal(20), 2024)]


def test_text_without_figures_gives_no_goals():
    assert read("建设期内完善知识产权管理制度，加强转化人才培养。") == []
    assert read("") == []


def test_a_read_goal_keeps_its_source_and_the_sentence_it_came_from():
    [found] = goals_from_text("一、建设目标。2024年转化专利60件；", 2023, 2025)

    assert (found.source, found.quote) == (GoalSource.PLAN, "2024年转化专利60件")


def test_the_period_goal_sums_yearly_goals_only_without_a_stated_total():
    yearly = [PilotGoal(key=GoalKey.CONVERTED, value=Decimal(50), year=y) for y in (2023, 2024)]

    assert period_goal(yearly, GoalKey.CONVERTED) == Decimal(100)
    assert period_goal([*yearly, PilotGoal(key=GoalKey.CONVERTED, value=Decimal(150))], GoalKey.CONVERTED) == 150
    assert goal_for(yearly, GoalKey.CONVERTED, 2025) is None
    assert period_goal(yearly, GoalKey.AMOUNT) is None


def test_yearly_goals_for_only_some_years_of_the_period_give_no_period_goal():
    yearly = [PilotGoal(key=GoalKey.CONVERTED, value=Decimal(50), year=y) for y in (2023, 2024)]

    assert period_goal(yearly, GoalKey.CONVERTED, [2023, 2024, 2025]) is None
    assert period_goal(yearly, GoalKey.CONVERTED, [2023, 2024]) == Decimal(100)


PLAN = """国家北方智能装备研究所知识产权运营中心三年建设方案（2023-2025）

一、基本情况
（二）专利转化运用情况
近三年共获得专利授权487件，其中发明专利345件，截至2022年底有效专利拥有量1140件；累计转化专利76件，合同金额627.80万元，实际到账514.79万元，对接服务企业118家。

二、建设思路和目标
（二）建设目标
到建设期末，建成运营中心：专职运营人员达到12人以上；三年累计转化专利117件以上，转化金额835万元以上；对接企业139家以上。

四、保障措施
（三）资金保障。三年计划投入建设经费405.00万元，其中申请省专利转化专项资金85.00万元。
"""


def test_the_record_in_the_basic_situation_is_no_goal_and_the_goals_section_is_read():
    assert read(PLAN) == [(GoalKey.CONVERTED, Decimal(117), None), (GoalKey.AMOUNT, Decimal(835), None),
                          (GoalKey.ENTERPRISES, Decimal(139), None)]


def test_a_sentence_about_the_past_is_no_goal_even_outside_the_basic_situation():
    assert read("近三年共获得专利授权487件") == []
    assert read("截至2022年底累计转化专利76件") == []
    assert read("截至2025年底累计转化专利150件") == [(GoalKey.CONVERTED, Decimal(150), None)]
