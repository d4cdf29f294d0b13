"""A pilot's goals as figures: what its three-year plan promises (per year or over the three years), read from the
plan's text where it states them, else set by staff; and the guideline's own aim (每年转化50—100件专利)."""
from __future__ import annotations

import re
from collections.abc import Sequence
from decimal import Decimal
from enum import StrEnum
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field

from scoring.common.errors import ReviewError
from scoring.common.models import Application, AttachmentKind

# 指南“工作目标”：面向企业，力争每年转化50—100件专利。
AIM_CONVERSIONS_PER_YEAR = (50, 100)


class GoalKey(StrEnum):
    """What a goal counts; each is a figure of the yearly report (scoring/pilots/reports.py)."""

    CONVERTED = "转化专利"
    AMOUNT = "转化金额"
    ENTERPRISES = "对接企业"
    OPEN_LICENCES = "开放许可实施"
    GRANTED = "专利授权"

    @property
    def unit(self) -> str:
        return {GoalKey.AMOUNT: "万元", GoalKey.ENTERPRISES: "家"}.get(self, "件")


class GoalSource(StrEnum):
    PLAN = "建设方案"
    STAFF = "工作人员"


class PilotGoal(BaseModel):
    """One goal: a figure for one year, or for the whole period when `year` is None."""

    model_config = ConfigDict(frozen=True)

    key: GoalKey = Field(title="指标")
    value: Annotated[Decimal, Field(ge=0, le=1_000_000)] = Field(title="目标值")
    year: int | None = Field(None, title="年度（空为三年累计）")
    source: GoalSource = Field(GoalSource.STAFF, title="来源")
    quote: str = Field("", max_length=300, title="方案原文")

    def describe(self) -> str:
        when = f"{self.year}年" if self.year else "三年累计"
        return f"{when}{self.key}{self.value.normalize():f}{self.key.unit}"


class GoalError(ReviewError):
    """Goals that cannot be saved; the message is for users."""


# The words that name each figure in a sentence of the plan, and the unit its number carries.
_KEY_WORDS: list[tuple[GoalKey, str, str]] = [
    (GoalKey.OPEN_LICENCES, r"开放许可", r"件|项"),
    (GoalKey.CONVERTED, r"转化|转让|许可", r"件|项"),
    (GoalKey.AMOUNT, r"金额|到账|合同额|收益", r"万元"),
    (GoalKey.ENTERPRISES, r"企业", r"家|个"),
    (GoalKey.GRANTED, r"授权", r"件|项"),
]
_NUMBER = r"(\d+(?:\.\d+)?)"
_SENTENCES = re.compile(r"[。；;\n]")
_YEAR = re.compile(r"(20\d\d)\s*年")
_EACH_YEAR = re.compile(r"每年|年均|每年度")
_CLAUSES = re.compile(r"[，,、]")
_HEADING = re.compile(r"^\s*[一二三四五六七八九十]+、\s*(.*)$")
# What the unit has done, not what it promises: “近三年共获得…”“已实现…”.
_PAST = re.compile(r"近[一二两三四五]年|已(?:获得|实现|完成|转化|累计)|共获得|现有")


def _promises(text: str) -> str:
    """The plan without its 基本情况 section: the figures there are the unit's record, not its goals."""
    kept, skipping = [], False
    for line in text.splitlines():
        heading = _HEADING.match(line)
        if heading:
            skipping = "基本情况" in heading.group(1)
        if not skipping:
            kept.append(line)
    return "\n".join(kept)


def _about_the_past(sentence: str, first_year: int) -> bool:
    years = [int(y) for y in _YEAR.findall(sentence)]
    return bool(_PAST.search(sentence)) or (bool(years) and max(years) < first_year)


def _goal_in(clause: str) -> tuple[GoalKey, Decimal] | None:
    for key, words, unit in _KEY_WORDS:
        if re.search(words, clause):
            number = re.search(_NUMBER + r"\s*(?:" + unit + r")", clause)
            if number:
                return key, Decimal(number.group(1))
    return None


def goals_from_text(text: str, first_year: int, last_year: int) -> list[PilotGoal]:
    """The goals a plan states as figures: “2024年转化专利60件” gives that year's; “每年…” every year's; any other
    figure (“累计”“三年”) the whole period's. A figure the plan gives twice keeps its first statement. The 基本情况
    section and sentences about the past (“近三年共获得…”, “截至2022年底…”) state no goal."""
    found: dict[tuple[GoalKey, int | None], PilotGoal] = {}
    for sentence in _SENTENCES.split(_promises(text or "")):
        if _about_the_past(sentence, first_year):
            continue
        years = [int(y) for y in _YEAR.findall(sentence) if first_year <= int(y) <= last_year]
        each_year = bool(_EACH_YEAR.search(sentence))
        for clause in _CLAUSES.split(sentence):
            hit = _goal_in(clause)
            if hit is None:
                continue
            key, value = hit
            own_years = [int(y) for y in _YEAR.findall(clause) if first_year <= int(y) <= last_year] or years
            if each_year:
                targets: list[int | None] = list(range(first_year, last_year + 1))
            elif len(own_years) == 1 and not re.search(r"累计|三年|到\s*20\d\d", clause + sentence[:8]):
                targets = own_years
            else:
                targets = [None]
            for year in targets:
                found.setdefault((key, year), PilotGoal(key=key, value=value, year=year, source=GoalSource.PLAN,
                                                        quote=sentence.strip()[:300]))
    return sorted(found.values(), key=lambda g: (list(GoalKey).index(g.key), g.year or 0))


def goals_from_application(application: Application, first_year: int, last_year: int) -> list[PilotGoal]:
    plan = application.attachment(AttachmentKind.PLAN)
    return goals_from_text(plan.text if plan else "", first_year, last_year)


def checked_goals(goals: Sequence[PilotGoal], first_year: int, last_year: int) -> list[PilotGoal]:
    """Goals staff enter: each year within the period, each (figure, year) once."""
    seen: set[tuple[GoalKey, int | None]] = set()
    for goal in goals:
        if goal.year is not None and not first_year <= goal.year <= last_year:
            raise GoalError(f"目标“{goal.describe()}”的年度不在建设期（{first_year}—{last_year}年）内。")
        if (goal.key, goal.year) in seen:
            raise GoalError(f"目标“{goal.describe()}”重复：同一指标同一年度只能有一个目标值。")
        seen.add((goal.key, goal.year))
    return sorted(goals, key=lambda g: (list(GoalKey).index(g.key), g.year or 0))


def goal_for(goals: Sequence[PilotGoal], key: GoalKey, year: int | None) -> Decimal | None:
    """The goal for a figure in a year (None: the whole period); a yearly goal missing where only a total is set is
    None, never a share of the total."""
    return next((g.value for g in goals if g.key is key and g.year == year), None)


def period_goal(goals: Sequence[PilotGoal], key: GoalKey, years: Sequence[int] | None = None) -> Decimal | None:
    """The three years' goal: the total if the plan states one, else the sum of the yearly goals if every year has
    one (every one of `years` when given: a goal for one year only is no goal for the three), else None."""
    total = goal_for(goals, key, None)
    if total is not None:
        return total
    yearly = {g.year: g.value for g in goals if g.key is key and g.year is not None}
    if not yearly or (years is not None and not set(years) <= set(yearly)):
        return None
    return sum(yearly.values(), Decimal(0))
