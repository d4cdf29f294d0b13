"""The charts of 试点详情, from a hand-made PilotProgress: what each encodes and which data it carries."""
from decimal import Decimal

from app_pages.widgets import pilot_charts
from scoring.common.models import AmountBasis
from scoring.pilots.goals import GoalKey
from scoring.pilots.progress import pilot_progress
from tests.pilots.test_progress import PILOT, goal, report


def progress():
    """2023: 40 converted against a goal of 60, 100 contract / 50 received; 2024: 70, no goal; 2025 not reported."""
    return pilot_progress(PILOT, [goal(GoalKey.CONVERTED, 60, 2023), goal(GoalKey.ENTERPRISES, 15, 2024)],
                          {2023: report(2023, transfers=40, contract="100", received="50", enterprises=12),
                           2024: report(2024, transfers=70, enterprises=15)}, AmountBasis.CONTRACT)


def layer_data(spec: dict, mark: str) -> list[dict]:
    layer = next(lay for lay in spec["layer"] if lay["mark"]["type"] == mark)
    return spec["datasets"][layer["data"]["name"]]


def test_converted_patents_are_bars_with_the_years_goal_as_a_tick_and_the_aim_as_a_band():
    spec = pilot_charts.converted_chart(progress()).to_dict()

    assert [(r["年度"], r["数值"]) for r in layer_data(spec, "bar")] == [("2023年", 40.0), ("2024年", 70.0)]
    assert [(r["年度"], r["年度目标"]) for r in layer_data(spec, "tick")] == [("2023年", 60.0)]
    assert layer_data(spec, "rect") == [{"指南目标下限": 50, "指南目标上限": 100}]
    bar = next(lay for lay in spec["layer"] if lay["mark"]["type"] == "bar")
    assert bar["encoding"]["y"]["title"] == "转化专利（件）"
    assert bar["encoding"]["x"]["scale"]["domain"] == ["2023年", "2024年", "2025年"]


def test_a_year_not_reported_has_no_bar_but_says_not_reported():
    spec = pilot_charts.converted_chart(progress()).to_dict()

    assert [r["年度"] for r in layer_data(spec, "text")] == ["2025年"]
    text = next(lay for lay in spec["layer"] if lay["mark"]["type"] == "text")
    assert text["encoding"]["text"] == {"value": "未报送"}


def test_the_amount_chart_keeps_contract_and_received_side_by_side():
    spec = pilot_charts.amount_chart(progress()).to_dict()

    assert [(r["年度"], r["口径"], r["金额"]) for r in layer_data(spec, "bar")] == [
        ("2023年", "合同额", 100.0), ("2023年", "实际到账额", 50.0), ("2024年", "合同额", 0.0),
        ("2024年", "实际到账额", 0.0)]
    bar = next(lay for lay in spec["layer"] if lay["mark"]["type"] == "bar")
    assert bar["encoding"]["xOffset"]["field"] == "口径"
    assert bar["encoding"]["y"]["title"] == "转化金额（万元）"
    assert [r["年度"] for r in layer_data(spec, "text")] == ["2025年"]


def test_the_enterprises_chart_shows_the_years_goal():
    spec = pilot_charts.enterprises_chart(progress()).to_dict()

    assert [(r["年度"], r["数值"]) for r in layer_data(spec, "bar")] == [("2023年", 12.0), ("2024年", 15.0)]
    assert [(r["年度"], r["年度目标"], r["情况"]) for r in layer_data(spec, "tick")] == [("2024年", 15.0, "达到目标")]


def test_the_tables_say_not_reported_and_the_share_reached():
    years = pilot_charts.year_table(progress())
    period = pilot_charts.period_table(progress()).set_index("指标")

    assert list(years["转化专利（件）"]) == ["40", "70", "未报送"]
    assert list(years["目标情况"]) == ["未达目标", "无目标", "未报送"]
    assert years["对照指南目标"][1] == "达到指南目标（每年50—100件）"
    assert period.loc["转化专利", "三年目标"] == "无目标"  # a goal for 2023 only is none for the three years
    assert period.loc["对接企业", "累计"] == "27家"
    assert period.loc["转化金额", "累计"] == "100.00万元"
    assert Decimal(27) == progress().figure(GoalKey.ENTERPRISES).total
