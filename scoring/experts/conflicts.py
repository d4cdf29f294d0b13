"""Conflicts of interest (回避) as plain functions: which expert may not review which application, and why, in words.

Rules (each a setting of the round, `ConflictRules`): the expert's own unit; the expert's other
affiliations (part-time posts, former employers) of the last N years; pairs declared by staff,
by the expert or imported; the same city (off by default); and the expert's own recusal during
scoring. Every conflict is a hard constraint wherever experts meet applications.

Units are the same unit when their credit codes are equal, or when their names are equal once
normalised (`normalise_unit_name`). A department written after the unit's name (沈阳理工学院机械学院)
is NOT matched by name, because a prefix also joins distinct units (大连理工大学 and its independent
college 大连理工大学城市学院); the credit code is the reliable key and the import template asks for it.
"""
from __future__ import annotations

import re
import unicodedata
from collections import defaultdict
from collections.abc import Iterable, Sequence
from datetime import date

import numpy as np

from scoring.common.models import (
    Affiliation,
    AffiliationKind,
    Application,
    Conflict,
    ConflictRule,
    ConflictRules,
    DeclaredConflict,
    Expert,
)
from scoring.common.wording import chinese_date

RecusalPair = tuple[str, str, str]  # (expert_id, credit_code, reason)

# A campus is the same legal person as its university: 大连理工大学（盘锦校区）, 东北大学秦皇岛校区.
_CAMPUS_IN_BRACKETS = re.compile(r"\([^()]*校区\)$")
_CAMPUS_AFTER_NAME = re.compile(r"(?<=大学|学院)[^()]{1,8}校区$")
_TRAILING_MARKS = ".。,，;；、"


def normalise_unit_name(name: str) -> str:
    """A unit's name as compared for the own-unit and affiliation rules.

    Folded to half width (full-width brackets become ASCII ones), every space removed, 有限责任公司
    written as 有限公司, a campus named at the end (…（盘锦校区）, …秦皇岛校区) dropped, trailing
    punctuation dropped, Latin letters in lower case. Other words are kept: 股份有限公司 is not
    有限公司, 分院 and 分校 are often legal persons of their own, and a leading 辽宁省 may belong to the name.
    """
    text = "".join(unicodedata.normalize("NFKC", name).split())
    text = text.replace("有限责任公司", "有限公司")
    text = text.rstrip(_TRAILING_MARKS)
    text = _CAMPUS_IN_BRACKETS.sub("", text)
    text = _CAMPUS_AFTER_NAME.sub("", text)
    return text.casefold()


def years_before(day: date, years: int) -> date:
    """The same calendar day `years` earlier; 29 February falls back to 28 February."""
    try:
        return day.replace(year=day.year - years)
    except ValueError:
        return day.replace(year=day.year - years, day=28)


def affiliation_in_window(affiliation: Affiliation, years: int, today: date) -> bool:
    """Held at some time in the last `years` years: still held (no end date), or ended on or after the
    same day `years` years ago. Zero years switches the rule off."""
    if years <= 0:
        return False
    return affiliation.end is None or affiliation.end >= years_before(today, years)


# --- the rules -----------------------------------------------------------------------------


class _Applicants:
    """The applications indexed the ways the rules look them up."""

    def __init__(self, applications: Sequence[Application]):
        self.position: dict[str, int] = {}
        self.by_name: dict[str, list[int]] = defaultdict(list)
        self.by_city: dict[str, list[int]] = defaultdict(list)
        for i, application in enumerate(applications):
            self.position.setdefault(application.credit_code, i)
            self.by_name[normalise_unit_name(application.basic.unit_name)].append(i)
            self.by_city[application.recommendation.city].append(i)

    def same_unit(self, credit_code: str, unit_name: str) -> list[tuple[int, bool]]:
        """Applications that are this unit, each with whether the credit code (rather than the name) matched."""
        found: dict[int, bool] = {}
        if credit_code and credit_code in self.position:
            found[self.position[credit_code]] = True
        for i in self.by_name.get(normalise_unit_name(unit_name), ()):
            found.setdefault(i, False)
        return list(found.items())


def find_conflicts(applications: Sequence[Application], experts: Sequence[Expert], rules: ConflictRules,
                   declared: Iterable[DeclaredConflict], recusals: Iterable[RecusalPair],
                   today: date) -> list[Conflict]:
    """Every (expert, application) pair a rule forbids, one entry per rule that forbids it, each explained;
    ordered by application, then expert (in the order given), then rule. `today` anchors the affiliation window."""
    applicants = _Applicants(applications)
    expert_position = {e.expert_id: j for j, e in enumerate(experts)}
    found: list[tuple[int, int, int, Conflict]] = []

    def add(i: int, j: int, rule: ConflictRule, reason: str) -> None:
        # model_construct: every value is already valid, and same-city on a large batch yields millions.
        conflict = Conflict.model_construct(expert_id=experts[j].expert_id, credit_code=applications[i].credit_code,
                                            rule=rule, reason=reason)
        found.append((i, j, RULE_ORDER[rule], conflict))

    for j, expert in enumerate(experts):
        if rules.own_unit:
            for i, by_code in applicants.same_unit(expert.unit_credit_code, expert.unit):
                add(i, j, ConflictRule.OWN_UNIT, own_unit_reason(expert, applications[i], by_code))
        for affiliation in expert.affiliations:
            if affiliation_in_window(affiliation, rules.affiliations_within_years, today):
                for i, _ in applicants.same_unit(affiliation.credit_code, affiliation.unit_name):
                    add(i, j, ConflictRule.AFFILIATION,
                        affiliation_reason(expert, applications[i], affiliation, rules.affiliations_within_years))
        if rules.same_city:
            for i in applicants.by_city.get(expert.city, ()):
                add(i, j, ConflictRule.SAME_CITY, same_city_reason(expert, applications[i]))
    if rules.declared_pairs:
        for pair in declared:
            i, j = applicants.position.get(pair.credit_code), expert_position.get(pair.expert_id)
            if i is not None and j is not None:
                add(i, j, ConflictRule.DECLARED, declared_reason(experts[j], applications[i], pair))
    if rules.recusals:
        for expert_id, credit_code, reason in recusals:
            i, j = applicants.position.get(credit_code), expert_position.get(expert_id)
            if i is not None and j is not None:
                add(i, j, ConflictRule.RECUSAL, recusal_reason(experts[j], applications[i], reason))
    found.sort(key=lambda entry: entry[:3])
    return [conflict for *_, conflict in found]


RULE_ORDER = {rule: n for n, rule in enumerate(ConflictRule)}


# --- the reasons in words ------------------------------------------------------------------


def own_unit_reason(expert: Expert, application: Application, by_code: bool) -> str:
    unit = application.basic.unit_name
    if by_code:
        how = "统一社会信用代码相同"
    elif expert.unit == unit:
        how = "单位名称相同"
    else:
        how = f"单位名称相同：专家填写为“{expert.unit}”"
    return f"专家{expert.name}与申报单位{unit}同属一个单位（{how}）"


AFFILIATION_VERBS = {
    AffiliationKind.PART_TIME: "兼职",
    AffiliationKind.FORMER_EMPLOYER: "工作（原工作单位）",
    AffiliationKind.OTHER: "任职（其他关系）",
}


def affiliation_reason(expert: Expert, application: Application, affiliation: Affiliation, years: int) -> str:
    unit = application.basic.unit_name
    verb = AFFILIATION_VERBS[affiliation.kind]
    since = f"{chinese_date(affiliation.start)}起" if affiliation.start else ""
    if affiliation.end is None:
        return f"专家{expert.name}{since}至今在申报单位{unit}{verb}（近{years}年内的兼职与工作经历）"
    return (f"专家{expert.name}{since}曾在申报单位{unit}{verb}，{chinese_date(affiliation.end)}终止，"
            f"在{years}年回避期内（近{years}年内的兼职与工作经历）")


def declared_reason(expert: Expert, application: Application, pair: DeclaredConflict) -> str:
    return (f"专家{expert.name}与申报单位{application.basic.unit_name}存在登记的回避关系：{pair.reason}"
            f"（{pair.source}，{pair.declared_by}于{chinese_date(pair.declared_at.date())}登记）")


def same_city_reason(expert: Expert, application: Application) -> str:
    return f"专家{expert.name}与申报单位{application.basic.unit_name}同在{expert.city}（同城回避）"


def recusal_reason(expert: Expert, application: Application, reason: str) -> str:
    return f"专家{expert.name}在评审中申请回避申报单位{application.basic.unit_name}：{reason}"


# --- for the assignment solver -------------------------------------------------------------


def conflict_matrix(applications: Sequence[Application], experts: Sequence[Expert],
                    conflicts: Iterable[Conflict]) -> np.ndarray:
    """A × E booleans, True where the expert may not review the application; rows follow `applications`,
    columns follow `experts`. Conflicts naming an application or expert not given are left out."""
    rows = {a.credit_code: i for i, a in enumerate(applications)}
    columns = {e.expert_id: j for j, e in enumerate(experts)}
    matrix = np.zeros((len(applications), len(experts)), dtype=bool)
    for conflict in conflicts:
        i, j = rows.get(conflict.credit_code), columns.get(conflict.expert_id)
        if i is not None and j is not None:
            matrix[i, j] = True
    return matrix


def unit_groups(experts: Sequence[Expert]) -> np.ndarray:
    """One group number per expert (in order): experts of one unit share it, numbered 0, 1, … by first
    appearance. Experts are of one unit when their credit codes or normalised unit names are equal,
    and transitively so (A and B share a code, B and C a name: all three are one unit)."""
    parent = list(range(len(experts)))

    def root(j: int) -> int:
        while parent[j] != j:
            parent[j] = parent[parent[j]]
            j = parent[j]
        return j

    first_with: dict[tuple[str, str], int] = {}
    for j, expert in enumerate(experts):
        keys = [("name", normalise_unit_name(expert.unit))]
        if expert.unit_credit_code:
            keys.append(("code", expert.unit_credit_code))
        for key in keys:
            if key in first_with:
                parent[root(j)] = root(first_with[key])
            else:
                first_with[key] = j
    numbers: dict[int, int] = {}
    return np.array([numbers.setdefault(root(j), len(numbers)) for j in range(len(experts))], dtype=np.int64)

