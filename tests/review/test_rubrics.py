"""Rubric files: the shipped ones validate; a bad file is refused with its file, line and field."""
from decimal import Decimal
from pathlib import Path

import pytest

from scoring.review.figures import FigureKey
from scoring.common.models import PriorityKind, RoundKind
from scoring.review.rubrics import (
    CommentRule,
    RubricError,
    find_rubric,
    load_rubric_file,
    parse_rubric,
    rubric_files,
    rubrics_dir,
)

GOOD = """\
id: tiny
version: 1
title: 小型评分标准
kind: 遴选
total: 30
groups:
  - {id: base, name: 基础}
criteria:
  - id: first
    group: base
    name: 第一项
    max_points: 20
    step: 0.5
    comment_required: 0.6
    figures: [granted, converted]
    bands:
      - {label: 优, min: 15, max: 20, guidance: 好}
      - {label: 差, min: 0, max: 14.5, guidance: 不好}
  - id: second
    name: 第二项
    max_points: 10
    comment_required: always
aggregation:
  trim_from_sheets: 5
  disagreement_range: 15
  tie_break:
    - criterion: first
    - figure: converted
bonus:
  cap: 4
  items:
    - {id: std, name: 贯标, claim: 贯彻实施知识产权管理规范, points: 3, evidence: 证书}
    - {id: pilot, name: 试点示范高校, claim: 国家知识产权试点示范高校, points: 3}
"""


def problems(text: str) -> list:
    with pytest.raises(RubricError) as caught:
        parse_rubric(text, "bad.yaml")
    return caught.value.issues


def test_every_shipped_rubric_validates():
    files = rubric_files()

    assert {f.path.name for f in files} >= {"selection.yaml", "annual-acceptance.yaml"}
    assert all(f.loaded for f in files), [str(i) for f in files for i in f.issues]


def test_selection_rubric_totals_100_from_the_guideline_criteria_with_the_priority_bonuses():
    rubric = find_rubric("selection").rubric

    assert rubric.kind is RoundKind.SELECTION and rubric.total == 100
    assert sum(c.max_points for c in rubric.criteria) == 100
    assert {c.id for c in rubric.criteria} >= {"management", "creation", "conversion", "goals", "measures",
                                               "safeguards", "budget"}
    assert {b.claim for b in rubric.bonus.items} == set(PriorityKind)
    assert rubric.bonus.cap < sum(b.points for b in rubric.bonus.items)
    assert FigureKey.CONVERTED in rubric.criterion("conversion").figures


def test_annual_acceptance_rubric_serves_the_yearly_check():
    assert find_rubric("annual-acceptance").rubric.kind is RoundKind.ANNUAL_ACCEPTANCE


def test_a_good_file_parses_with_its_hash_and_figure_keys():
    loaded = parse_rubric(GOOD, "tiny.yaml")

    rubric = loaded.rubric
    assert rubric.version == "1" and len(loaded.sha256) == 64
    assert rubric.criterion("first").figures == [FigureKey.GRANTED, FigureKey.CONVERTED]
    assert rubric.criterion("second").comment_required == CommentRule.ALWAYS
    assert rubric.aggregation.tie_break[1].figure is FigureKey.CONVERTED


def test_the_aggregation_describes_its_settings_with_the_one_wording_of_the_trimmed_mean():
    aggregation = parse_rubric(GOOD).rubric.aggregation

    described = aggregation.describe()

    assert aggregation.expert_score_rule() == ("专家评分取已提交评分表总分的平均分，评分表达到 5 份时"
                                               "先去掉一个最高分和一个最低分再取平均")
    assert described.split("；") == [aggregation.expert_score_rule(), "专家总分极差超过 15 分时标记为分歧",
                                     "不显示按专家标准化的分数"]
    assert aggregation.model_copy(update={"normalisation": True}).describe().endswith(
        "分布式评审时另显示按专家标准化的分数（仅供参考，不参与排名）")


def test_comment_rule_below_a_share_is_strict_at_the_share():
    first = parse_rubric(GOOD).rubric.criterion("first")  # required below 60 % of 20 = 12

    assert first.needs_comment(Decimal("11.5"))
    assert not first.needs_comment(Decimal("12"))
    assert not first.needs_comment(None)


def test_bands_tell_the_band_of_a_score():
    first = parse_rubric(GOOD).rubric.criterion("first")

    assert first.band_of(Decimal("15")).label == "优"
    assert first.band_of(Decimal("14.5")).label == "差"


@pytest.mark.parametrize("change, line, field, message", [
    (("total: 30", "total: 40"), 5, "total", "各指标满分之和为 30，与总分 40 不符"),
    (("max_points: 20", "max_points: 20.3"), 12, "criteria[0].max_points", "不是计分步长 0.5 的整数倍"),
    (("step: 0.5", "step: 3"), 12, "criteria[0].max_points", "不是计分步长 3 的整数倍"),
    (("min: 15, max: 20", "min: 16, max: 20"), 17, "criteria[0].bands[0]", "之间有空缺或重叠（14.5 之后应为 15）"),
    (("max: 14.5", "max: 14.7"), 18, "criteria[0].bands[1]", "不在计分步长 0.5 上"),
    (("min: 0, max: 14.5", "min: 0.5, max: 14.5"), 16, "criteria[0].bands", "应覆盖 0—20 分"),
    (("[granted, converted]", "[granted, conversions]"), 15, "criteria[0].figures", "未知的数据项 conversions"),
    (("comment_required: always", "comment_required: sometimes"), 22, "criteria[1].comment_required",
     "always、never，或应为数字"),
    (("kind: 遴选", "kind: 初评"), 4, "kind", "遴选、年度验收、综合评估"),
    (("id: second", "id: first"), 19, "criteria[1].id", "指标编号重复：first"),
    (("group: base", "group: plan"), 10, "criteria[0].group", "分组 plan 未在 groups 中定义"),
    (("    - criterion: first", "    - criterion: third"), 27, "aggregation.tie_break[0].criterion",
     "并列规则中的指标 third 不存在"),
    (("claim: 国家知识产权试点示范高校", "claim: 国家队"), 33, "bonus.items[1].claim", "应为以下之一"),
    (("title: 小型评分标准\n", ""), 1, "title", "必须填写"),
    (("step: 0.5\n", "step: 0.5\n    weight: 2\n"), 14, "criteria[0].weight", "不是本系统认识的字段"),
])
def test_a_bad_file_names_the_line_and_the_field(change, line, field, message):
    old, new = change
    assert old in GOOD

    [issue] = problems(GOOD.replace(old, new, 1))

    assert (issue.file, issue.line, issue.field) == ("bad.yaml", line, field)
    assert message in issue.message
    assert str(issue).startswith(f"bad.yaml，第 {line} 行")


def test_a_yaml_syntax_error_names_its_line():
    [issue] = problems(GOOD.replace("  - id: second\n", "  - id: second\n   x: [\n"))

    assert issue.line == 20 and "YAML 格式错误" in issue.message


def test_a_missing_file_and_an_unknown_id_are_refused_in_chinese(tmp_path):
    with pytest.raises(RubricError, match="文件不存在"):
        load_rubric_file(tmp_path / "none.yaml")
    with pytest.raises(RubricError, match="没有编号为 nothing 的有效评分标准文件"):
        find_rubric("nothing")


def test_two_files_with_one_id_are_refused(tmp_path):
    (tmp_path / "a.yaml").write_text(GOOD, encoding="utf-8")
    (tmp_path / "b.yaml").write_text(GOOD, encoding="utf-8")

    with pytest.raises(RubricError, match="有多个文件使用评分标准编号 tiny"):
        find_rubric("tiny", tmp_path)


def test_the_rubrics_folder_can_be_moved_by_environment(monkeypatch, tmp_path):
    monkeypatch.setenv("SCORING_RUBRICS", str(tmp_path))

    assert rubrics_dir() == Path(tmp_path) and rubric_files() == []
