"""试点名录's goal editor: the goals as rows, and the edited rows back as goals with the row named in an error."""
from decimal import Decimal

import pandas as pd
import pytest

from app_pages.widgets.goal_table import COLUMNS, edited_goals, goals_frame
from scoring.pilots.goals import GoalError, GoalKey, GoalSource, PilotGoal

READ = PilotGoal(key=GoalKey.CONVERTED, value=Decimal(60), year=2024, source=GoalSource.PLAN,
                 quote="2024年转化专利60件")


def rows(*values) -> pd.DataFrame:
    return pd.DataFrame([dict(zip(COLUMNS, v)) for v in values], columns=COLUMNS)


def test_an_unchanged_row_keeps_the_plans_source_and_a_new_row_is_the_staffs():
    frame = pd.concat([goals_frame([READ]), rows(("转化金额", "三年累计", "500", None, None))], ignore_index=True)

    kept, added = edited_goals(frame, [READ])

    assert kept == READ
    assert (added.key, added.value, added.year, added.source) == (GoalKey.AMOUNT, Decimal(500), None, GoalSource.STAFF)


def test_a_changed_value_becomes_the_staffs_goal():
    frame = goals_frame([READ]).assign(目标值="70")

    [changed] = edited_goals(frame, [READ])

    assert (changed.value, changed.year, changed.source, changed.quote) == (Decimal(70), 2024, GoalSource.STAFF, "")


def test_an_empty_row_the_editor_added_is_left_out():
    assert edited_goals(rows((None, None, float("nan"), None, None)), []) == []


@pytest.mark.parametrize("value", ["六十", "-1", "1000001", "nan"])
def test_a_value_that_is_no_goal_is_refused_naming_the_row(value):
    with pytest.raises(GoalError, match="第 2 行的目标值"):
        edited_goals(rows(("转化专利", "三年累计", "1", None, None), ("对接企业", "2024年", value, None, None)), [])


def test_a_row_without_a_figure_is_refused_naming_the_row():
    with pytest.raises(GoalError, match="第 1 行未选择指标"):
        edited_goals(rows((None, "2024年", "60", None, None)), [])
