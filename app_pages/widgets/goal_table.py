"""The goals of a pilot as the rows of 试点名录's editor, and the edited rows back as goals."""
from __future__ import annotations

import math
from decimal import Decimal, InvalidOperation

import pandas as pd

from scoring.pilots.goals import GoalError, GoalKey, GoalSource, PilotGoal

TOTAL = "三年累计"
MAX_VALUE = 1_000_000  # PilotGoal's own bound
COLUMNS = ["指标", "年度", "目标值", "来源", "方案原文"]


def goals_frame(goals: list[PilotGoal]) -> pd.DataFrame:
    return pd.DataFrame([{"指标": str(g.key), "年度": f"{g.year}年" if g.year else TOTAL,
                          "目标值": f"{g.value.normalize():f}", "来源": str(g.source), "方案原文": g.quote}
                         for g in goals], columns=COLUMNS)


def _cell(row: dict, column: str) -> str:
    """A cell as text; the editor leaves None or NaN in a cell not filled."""
    value = row.get(column)
    return "" if value is None or (isinstance(value, float) and math.isnan(value)) else str(value).strip()


def _value(number: int, text: str) -> Decimal:
    try:
        value = Decimal(text)
    except InvalidOperation:
        value = None
    if value is None or not value.is_finite() or not 0 <= value <= MAX_VALUE:
        raise GoalError(f"第 {number} 行的目标值“{text}”应为 0 至 {MAX_VALUE} 之间的数字。")
    return value


def edited_goals(frame: pd.DataFrame, before: list[PilotGoal]) -> list[PilotGoal]:
    """The editor's rows as goals; a row left as it was keeps its source and the plan's sentence, a new or changed one
    is the staff's. An empty row is left out; a row without a figure or a value is an error naming the row."""
    kept = {(g.key, g.year, g.value): g for g in before}
    goals = []
    for number, row in enumerate(frame.to_dict("records"), start=1):
        key_text, value_text = _cell(row, "指标"), _cell(row, "目标值")
        if not key_text and not value_text:
            continue
        if key_text not in {str(k) for k in GoalKey}:
            raise GoalError(f"第 {number} 行未选择指标。")
        value = _value(number, value_text)
        when = _cell(row, "年度") or TOTAL
        year = None if when == TOTAL else int(when.removesuffix("年"))
        key = GoalKey(key_text)
        goals.append(kept.get((key, year, value))
                     or PilotGoal(key=key, value=value, year=year, source=GoalSource.STAFF, quote=""))
    return goals
