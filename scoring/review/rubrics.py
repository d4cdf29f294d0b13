"""Rubrics (评分标准) as YAML files under rubrics/: the schema as pydantic models, and loading with errors that
name the file, the line and the field.

The schema, field by field, is documented in rubrics/README.md; the models below are its one definition."""
from __future__ import annotations

import hashlib
import os
from decimal import Decimal
from enum import StrEnum
from pathlib import Path
from typing import Annotated

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from scoring.common.errors import ReviewError
from scoring.review.figures import FIGURE_KEYS, FigureKey
from scoring.common.models import PilotStatus, PriorityKind, RoundKind
from scoring.common.normalize import explain_validation_error

RUBRICS_DIR = Path(__file__).resolve().parents[2] / "rubrics"

Slug = Annotated[str, Field(pattern=r"^[a-z][a-z0-9_-]{0,39}$")]
Points = Annotated[Decimal, Field(ge=0, le=1000, decimal_places=2)]


def rubrics_dir() -> Path:
    """Where rubric files live: SCORING_RUBRICS, or rubrics/ beside the program."""
    return Path(os.environ.get("SCORING_RUBRICS") or RUBRICS_DIR)


class RubricModel(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True, frozen=True)


class FieldProblem(ValueError):
    """A rule across fields broken at a known place below the model (("criteria", 2, "group")), so that the error
    names the line of that field rather than the start of the model."""

    def __init__(self, path: tuple, message: str):
        super().__init__(message)
        self.path = path


def on_grid(value: Decimal, step: Decimal) -> bool:
    """Whether a score is a whole number of steps (0, 0.5, 1, … for step 0.5)."""
    return value % step == 0


class Band(RubricModel):
    """A scoring band (评分档次) of a criterion: its label, its point range, and what earns it (评分要点)."""

    label: Annotated[str, Field(min_length=1, max_length=10)] = Field(title="档次")
    min: Points = Field(title="最低分")
    max: Points = Field(title="最高分")
    guidance: str = Field("", max_length=1000, title="评分要点")

    @model_validator(mode="after")
    def _ordered(self) -> Band:
        if self.min > self.max:
            raise ValueError(f"档次“{self.label}”的最低分 {self.min} 高于最高分 {self.max}")
        return self

    @property
    def range_text(self) -> str:
        return f"{points_text(self.min)}—{points_text(self.max)}分"


class CommentRule(StrEnum):
    ALWAYS = "always"
    NEVER = "never"


class Criterion(RubricModel):
    """One scored criterion (评分指标)."""

    id: Slug = Field(title="指标编号")
    name: Annotated[str, Field(min_length=1, max_length=60)] = Field(title="指标名称")
    description: str = Field("", max_length=2000, title="指标说明")
    group: Slug | None = Field(None, title="所属分组")
    max_points: Annotated[Decimal, Field(gt=0, le=1000, decimal_places=2)] = Field(title="满分")
    step: Annotated[Decimal, Field(gt=0, le=100, decimal_places=2)] = Field(Decimal("1"), title="计分步长")
    bands: list[Band] = Field([], title="评分档次")
    # always, never, or a share of the maximum below which a comment is required (0.6: below 60 %).
    comment_required: CommentRule | Annotated[Decimal, Field(gt=0, le=1)] = Field(CommentRule.NEVER,
                                                                                  title="必须填写评语")
    figures: list[FigureKey] = Field([], title="申报书数据")

    @field_validator("figures", mode="before")
    @classmethod
    def _figure_keys(cls, value):
        if not isinstance(value, list):
            return value
        unknown = [v for v in value if isinstance(v, str) and v not in FIGURE_KEYS]
        if unknown:
            raise ValueError(f"未知的数据项 {'、'.join(map(str, unknown))}，可用：{'、'.join(FIGURE_KEYS)}")
        return [FIGURE_KEYS[v] if isinstance(v, str) else v for v in value]

    @model_validator(mode="after")
    def _bands_fit(self) -> Criterion:
        if not on_grid(self.max_points, self.step):
            raise FieldProblem(("max_points",), f"满分 {points_text(self.max_points)} 不是计分步长 {points_text(self.step)} 的整数倍")
        where = {id(band): ("bands", index) for index, band in enumerate(self.bands)}
        bands = sorted(self.bands, key=lambda b: b.min)
        for band in bands:
            if band.max > self.max_points:
                raise FieldProblem(where[id(band)], f"档次“{band.label}”的最高分 {points_text(band.max)} "
                                                    f"超过满分 {points_text(self.max_points)}")
            if not (on_grid(band.min, self.step) and on_grid(band.max, self.step)):
                raise FieldProblem(where[id(band)], f"档次“{band.label}”的分数范围不在计分步长 {points_text(self.step)} 上")
        # Bands, where given, cover 0 … max without a gap or an overlap, so every score has its band.
        if bands:
            if bands[0].min != 0 or bands[-1].max != self.max_points:
                raise FieldProblem(("bands",), f"评分档次应覆盖 0—{points_text(self.max_points)} 分")
            for lower, upper in zip(bands, bands[1:]):
                if upper.min != lower.max + self.step:
                    raise FieldProblem(where[id(upper)], f"档次“{lower.label}”与“{upper.label}”之间有空缺或重叠"
                                       f"（{points_text(lower.max)} 之后应为 {points_text(lower.max + self.step)}）")
        return self

    def band_of(self, points: Decimal) -> Band | None:
        return next((b for b in self.bands if b.min <= points <= b.max), None)

    def needs_comment(self, points: Decimal | None) -> bool:
        """Whether this score must carry a comment."""
        if self.comment_required == CommentRule.ALWAYS:
            return True
        if self.comment_required == CommentRule.NEVER or points is None:
            return False
        return points < self.max_points * self.comment_required

    @property
    def comment_rule_text(self) -> str:
        if self.comment_required == CommentRule.ALWAYS:
            return "必须填写评语"
        if self.comment_required == CommentRule.NEVER:
            return "评语选填"
        return f"低于 {points_text(self.max_points * self.comment_required)} 分须填写评语"


class Group(RubricModel):
    id: Slug = Field(title="分组编号")
    name: Annotated[str, Field(min_length=1, max_length=60)] = Field(title="分组名称")


class TieBreak(RubricModel):
    """One tie-break rule: the higher mean score on a criterion, or the larger figure of the form."""

    criterion: Slug | None = Field(None, title="按指标得分")
    figure: FigureKey | None = Field(None, title="按申报书数据")

    @field_validator("figure", mode="before")
    @classmethod
    def _figure_key(cls, value):
        if isinstance(value, str) and value not in FIGURE_KEYS:
            raise ValueError(f"未知的数据项 {value}，可用：{'、'.join(FIGURE_KEYS)}")
        return FIGURE_KEYS[value] if isinstance(value, str) else value

    @model_validator(mode="after")
    def _one_rule(self) -> TieBreak:
        if (self.criterion is None) == (self.figure is None):
            raise ValueError("每条并列规则须且只须指定 criterion 或 figure 之一")
        return self


class Aggregation(RubricModel):
    """How the ranking combines the experts' sheets (used by the ranking of a closed round)."""

    # Drop one highest and one lowest total when an application has at least this many submitted sheets.
    trim_from_sheets: Annotated[int, Field(ge=3, le=100)] = Field(5, title="去掉最高最低分的最少评分表数")
    disagreement_range: Annotated[Decimal, Field(gt=0, le=1000)] = Field(Decimal("20"), title="分歧阈值（极差，分）")
    normalisation: bool = Field(False, title="显示按专家标准化的分数（分布式）")
    tie_break: list[TieBreak] = Field([], title="并列规则")

    def expert_score_rule(self) -> str:
        """The trimmed-mean rule in words (domain.md, aggregation): every page, command and document that states
        it shows this text, so that none can drift from results/aggregation.trimmed_mean."""
        return (f"专家评分取已提交评分表总分的平均分，评分表达到 {self.trim_from_sheets} 份时"
                "先去掉一个最高分和一个最低分再取平均")

    def describe(self) -> str:
        """Every setting of the aggregation in words, the statements separated by “；” (as ShortlistRule.describe())."""
        normalisation = "分布式评审时另显示按专家标准化的分数（仅供参考，不参与排名）" if self.normalisation \
            else "不显示按专家标准化的分数"
        return (f"{self.expert_score_rule()}；专家总分极差超过 {points_text(self.disagreement_range)} 分时标记为分歧；"
                f"{normalisation}")


class BonusItem(RubricModel):
    """A priority bonus (优先申报加分): counts once staff have checked its evidence."""

    id: Slug = Field(title="加分项编号")
    name: Annotated[str, Field(min_length=1, max_length=60)] = Field(title="加分项名称")
    claim: PriorityKind | None = Field(None, title="对应申报书中的优先申报条件")
    points: Annotated[Decimal, Field(gt=0, le=100, decimal_places=2)] = Field(title="分值")
    evidence: str = Field("", max_length=500, title="所需证明材料")


class Bonus(RubricModel):
    cap: Annotated[Decimal, Field(ge=0, le=100, decimal_places=2)] = Field(Decimal("0"), title="加分上限")
    items: list[BonusItem] = Field([], title="加分项")


class OutcomeBand(RubricModel):
    """An outcome of a yearly acceptance or final evaluation (验收/评估结果) by the pilot's final score: from `min`
    (included) up to the next higher band's `min` (excluded)."""

    label: Annotated[str, Field(min_length=1, max_length=10)] = Field(title="结果")
    min: Points = Field(title="最低分（含）")
    status: PilotStatus = Field(title="试点状态")
    rectify: bool = Field(False, title="须整改")


class Outcomes(RubricModel):
    """How a pilot's outcome follows from its score, and what overrides the score."""

    bands: Annotated[list[OutcomeBand], Field(min_length=1)] = Field(title="结果档次")
    misused_funds: str | None = Field(None, title="资金违规使用时的结果")
    no_report: str | None = Field(None, title="未报送年度工作总结时的结果")

    def band(self, label: str) -> OutcomeBand:
        return next(b for b in self.bands if b.label == label)

    def by_score(self, score: Decimal) -> OutcomeBand:
        """The band whose range holds the score (a score of exactly `min` is in the band)."""
        return max((b for b in self.bands if score >= b.min), key=lambda b: b.min)

    def rule_text(self, band: OutcomeBand) -> str:
        """The band's range in words: “不低于 75 分、低于 90 分为“合格””, “低于 60 分为“不合格””."""
        higher = [b.min for b in self.bands if b.min > band.min]
        parts = ([f"不低于 {points_text(band.min)} 分"] if band.min > 0 else []) + \
            ([f"低于 {points_text(min(higher))} 分"] if higher else [])
        return f"{'、'.join(parts) or '任何得分'}为“{band.label}”"


class Rubric(RubricModel):
    """A rubric file: what experts score, how the scores combine, and which bonuses apply."""

    id: Slug = Field(title="评分标准编号")
    version: Annotated[str, Field(min_length=1, max_length=20)] = Field(title="版本")
    title: Annotated[str, Field(min_length=1, max_length=100)] = Field(title="名称")
    kind: RoundKind = Field(title="适用评审类型")
    description: str = Field("", max_length=2000, title="说明")
    total: Annotated[Decimal, Field(gt=0, le=1000)] = Field(title="总分")
    groups: list[Group] = Field([], title="指标分组")
    criteria: Annotated[list[Criterion], Field(min_length=1)] = Field(title="评分指标")
    opinion_required: bool = Field(True, title="须给出总体意见（推荐/不推荐）")
    aggregation: Aggregation = Field(default_factory=Aggregation, title="汇总规则")
    bonus: Bonus = Field(default_factory=Bonus, title="优先申报加分")
    outcomes: Outcomes | None = Field(None, title="验收/评估结果规则")

    @field_validator("version", mode="before")
    @classmethod
    def _version_text(cls, value):
        return str(value) if isinstance(value, (int, float)) else value

    @model_validator(mode="after")
    def _consistent(self) -> Rubric:
        ids = [c.id for c in self.criteria]
        for index, criterion_id in enumerate(ids):
            if criterion_id in ids[:index]:
                raise FieldProblem(("criteria", index, "id"), f"指标编号重复：{criterion_id}")
        group_ids = [g.id for g in self.groups]
        for index, group_id in enumerate(group_ids):
            if group_id in group_ids[:index]:
                raise FieldProblem(("groups", index, "id"), f"分组编号重复：{group_id}")
        for index, criterion in enumerate(self.criteria):
            if criterion.group is not None and criterion.group not in group_ids:
                raise FieldProblem(("criteria", index, "group"),
                                   f"指标 {criterion.id} 的分组 {criterion.group} 未在 groups 中定义")
        total = sum((c.max_points for c in self.criteria), Decimal("0"))
        if total != self.total:
            raise FieldProblem(("total",), f"各指标满分之和为 {points_text(total)}，与总分 {points_text(self.total)} 不符")
        for index, rule in enumerate(self.aggregation.tie_break):
            if rule.criterion is not None and rule.criterion not in ids:
                raise FieldProblem(("aggregation", "tie_break", index, "criterion"),
                                   f"并列规则中的指标 {rule.criterion} 不存在")
        bonus_ids = [b.id for b in self.bonus.items]
        for index, bonus_id in enumerate(bonus_ids):
            if bonus_id in bonus_ids[:index]:
                raise FieldProblem(("bonus", "items", index, "id"), f"加分项编号重复：{bonus_id}")
        if self.outcomes is not None:
            self._check_outcomes(self.outcomes)
        return self

    def _check_outcomes(self, outcomes: Outcomes) -> None:
        if self.kind is RoundKind.SELECTION:
            raise FieldProblem(("outcomes",), "遴选评分标准不设验收/评估结果规则")
        labels = [b.label for b in outcomes.bands]
        mins = [b.min for b in outcomes.bands]
        for index, band in enumerate(outcomes.bands):
            if band.label in labels[:index]:
                raise FieldProblem(("outcomes", "bands", index, "label"), f"结果档次重复：{band.label}")
            if band.min in mins[:index]:
                raise FieldProblem(("outcomes", "bands", index, "min"), f"两个结果档次的最低分同为 {points_text(band.min)}")
            if band.min > self.total:
                raise FieldProblem(("outcomes", "bands", index, "min"),
                                   f"结果“{band.label}”的最低分 {points_text(band.min)} 高于总分 {points_text(self.total)}")
        if min(mins) != 0:
            raise FieldProblem(("outcomes", "bands"), "最低一档结果的最低分必须为 0，使任何得分都有结果")
        for key in ("misused_funds", "no_report"):
            label = getattr(outcomes, key)
            if label is not None and label not in labels:
                raise FieldProblem(("outcomes", key), f"结果“{label}”不是结果档次之一（{'、'.join(labels)}）")

    def criterion(self, criterion_id: str) -> Criterion:
        return next(c for c in self.criteria if c.id == criterion_id)

    def group_name(self, group_id: str | None) -> str:
        return next((g.name for g in self.groups if g.id == group_id), "")

    @property
    def label(self) -> str:
        return f"{self.title}（{self.id} 第 {self.version} 版）"


def points_text(value: Decimal) -> str:
    """12, 12.5 — a number of points without trailing zeros."""
    return format(value.normalize(), "f")


# --- loading, with located errors ----------------------------------------------------------


class RubricIssue(BaseModel):
    """One thing wrong with a rubric file: where (file, line, field) and what, in Chinese."""

    model_config = ConfigDict(frozen=True)

    file: str
    line: int | None
    field: str
    message: str

    def __str__(self) -> str:
        where = [self.file]
        if self.line is not None:
            where.append(f"第 {self.line} 行")
        if self.field:
            where.append(f"字段 {self.field}")
        return f"{'，'.join(where)}：{self.message}"


class RubricError(ReviewError):
    """A rubric file that cannot be used; `issues` locates each problem."""

    def __init__(self, issues: list[RubricIssue]):
        self.issues = issues
        super().__init__("\n".join(str(i) for i in issues))


class LoadedRubric(BaseModel):
    """A valid rubric with the text it came from and that text's SHA-256 (what a round freezes)."""

    model_config = ConfigDict(frozen=True)

    rubric: Rubric
    source: str
    text: str
    sha256: str


def text_sha256(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def parse_rubric(text: str, source: str = "<评分标准>") -> LoadedRubric:
    """A rubric from YAML text, or RubricError naming the line and field of each problem."""
    try:
        root = yaml.compose(text)
    except yaml.MarkedYAMLError as exc:
        line = exc.problem_mark.line + 1 if exc.problem_mark else None
        raise RubricError([RubricIssue(file=source, line=line, field="",
                                       message=f"YAML 格式错误：{exc.problem or exc}")]) from None
    if not isinstance(root, yaml.MappingNode):
        raise RubricError([RubricIssue(file=source, line=1, field="", message="评分标准文件应为键值结构（mapping）")])
    lines = _node_lines(root)
    data = yaml.safe_load(text)
    try:
        rubric = Rubric.model_validate(data)
    except ValidationError as exc:
        raise RubricError(_merged([_located(source, error, lines) for error in exc.errors()])) from None
    return LoadedRubric(rubric=rubric, source=source, text=text, sha256=text_sha256(text))


def load_rubric_file(path: Path) -> LoadedRubric:
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise RubricError([RubricIssue(file=str(path), line=None, field="", message="文件不存在")]) from None
    except UnicodeDecodeError:
        raise RubricError([RubricIssue(file=str(path), line=None, field="", message="文件不是 UTF-8 编码")]) from None
    return parse_rubric(text, str(path))


class RubricFile(BaseModel):
    """A file of the rubrics folder: valid (with its rubric) or not (with its issues)."""

    path: Path
    loaded: LoadedRubric | None = None
    issues: list[RubricIssue] = []


def rubric_files(directory: Path | None = None) -> list[RubricFile]:
    """Every *.yaml file of the rubrics folder, valid or not, by file name."""
    folder = directory or rubrics_dir()
    files = []
    for path in sorted(folder.glob("*.yaml")) if folder.is_dir() else []:
        try:
            files.append(RubricFile(path=path, loaded=load_rubric_file(path)))
        except RubricError as exc:
            files.append(RubricFile(path=path, issues=exc.issues))
    return files


def find_rubric(rubric_id: str, directory: Path | None = None) -> LoadedRubric:
    """The valid rubric file with this id, or RubricError saying why there is none."""
    folder = directory or rubrics_dir()
    matching = [f for f in rubric_files(folder) if f.loaded and f.loaded.rubric.id == rubric_id]
    if len(matching) > 1:
        raise RubricError([RubricIssue(file=str(folder), line=None, field="id",
                                       message=f"有多个文件使用评分标准编号 {rubric_id}："
                                               + "、".join(f.path.name for f in matching))])
    if not matching:
        broken = [f for f in rubric_files(folder) if f.issues and f.path.stem == rubric_id]
        if broken:
            raise RubricError(broken[0].issues)
        raise RubricError([RubricIssue(file=str(folder), line=None, field="id",
                                       message=f"没有编号为 {rubric_id} 的有效评分标准文件")])
    return matching[0].loaded


def _node_lines(root: yaml.Node) -> dict[tuple, int]:
    """The 1-based line of every key and item of a YAML document, by its path (('criteria', 2, 'max_points'))."""
    lines: dict[tuple, int] = {(): root.start_mark.line + 1}

    def walk(node: yaml.Node, path: tuple) -> None:
        if isinstance(node, yaml.MappingNode):
            for key, value in node.value:
                child = path + (key.value,)
                lines[child] = key.start_mark.line + 1
                walk(value, child)
        elif isinstance(node, yaml.SequenceNode):
            for index, item in enumerate(node.value):
                lines[path + (index,)] = item.start_mark.line + 1
                walk(item, path + (index,))

    walk(root, ())
    return lines


def _merged(issues: list[RubricIssue]) -> list[RubricIssue]:
    """One issue per field: a value that fits none of a union's forms gives one error per form."""
    merged: dict[tuple, RubricIssue] = {}
    for issue in issues:
        key = (issue.line, issue.field)
        if key in merged:
            merged[key] = merged[key].model_copy(update={"message": f"{merged[key].message}，或{issue.message}"})
        else:
            merged[key] = issue
    return list(merged.values())


def _located(source: str, error: dict, lines: dict[tuple, int]) -> RubricIssue:
    # pydantic adds union and validator names to a location ('decimal', 'function-after[…]'); keep the data's path.
    path = tuple(part for part in error["loc"] if isinstance(part, int) or not _is_validator_label(part))
    cause = (error.get("ctx") or {}).get("error")
    if isinstance(cause, FieldProblem):
        path += cause.path
    probe = path
    while probe not in lines:
        probe = probe[:-1]
    field = "".join(f"[{p}]" if isinstance(p, int) else (f".{p}" if i else p) for i, p in enumerate(path))
    return RubricIssue(file=source, line=lines[probe], field=field, message=explain_validation_error(error))


def _is_validator_label(part: str) -> bool:
    return "[" in part or part in {"decimal", "float", "int", "str", "constrained-decimal", "literal", "enum"} \
        or part.startswith(("function-", "lax-", "json-"))

