"""rubrics/README.md documents the rubric schema: every field of every rubric model in its model's section, with the
model's default; every figure key with its label; its example validates; and every shipped rubric file validates."""
from __future__ import annotations

import re
from decimal import Decimal
from enum import Enum

import pytest
from pydantic import BaseModel
from pydantic_core import PydanticUndefined

from scoring.cli.main import main
from scoring.review.figures import FIGURE_KEYS
from scoring.common.models import PriorityKind, RoundKind
from scoring.review.rubrics import (
    RUBRICS_DIR,
    Aggregation,
    Band,
    Bonus,
    BonusItem,
    CommentRule,
    Criterion,
    Group,
    Rubric,
    TieBreak,
    parse_rubric,
)

README = (RUBRICS_DIR / "README.md").read_text(encoding="utf-8")
MODELS = [Rubric, Group, Criterion, Band, Aggregation, TieBreak, Bonus, BonusItem]


def section(model: type[BaseModel]) -> str:
    """The README's text from the heading naming the model to the next heading naming a model."""
    headings = list(re.finditer(r"^#+ .*`(\w+)`）$", README, flags=re.MULTILINE))
    for this, following in zip(headings, [*headings[1:], None]):
        if this.group(1) == model.__name__:
            return README[this.end():following.start() if following else len(README)]
    raise AssertionError(f"rubrics/README.md has no section for {model.__name__}")


def row(model: type[BaseModel], field: str) -> str:
    found = [line for line in section(model).splitlines() if line.startswith(f"| `{field}` |")]
    assert len(found) == 1, f"{model.__name__}.{field}: expected one table row in its section, found {len(found)}"
    return found[0]


def default_text(value) -> str | None:
    """How the README writes a scalar default (`true`, `5`, `never`); None for defaults it need not state."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, Enum):
        return str(value.value)
    if isinstance(value, (int, Decimal)):
        return str(value)
    return None


@pytest.mark.parametrize("model, field", [(m, f) for m in MODELS for f in m.model_fields])
def test_every_rubric_field_has_a_row_in_its_models_section_stating_required_or_its_default(model, field):
    info = model.model_fields[field]

    line = row(model, field)

    if info.default is PydanticUndefined and info.default_factory is None:
        assert "必填" in line, f"{model.__name__}.{field} is required"
    elif (text := default_text(info.default)) is not None:
        assert f"`{text}`" in line, f"{model.__name__}.{field} defaults to {text}"


def test_every_figure_key_is_documented_with_its_chinese_label():
    for key, figure in FIGURE_KEYS.items():
        assert f"| `{key}` | {figure.value} |" in README


def test_the_allowed_values_of_kind_comment_rule_and_claim_are_documented():
    words = [*(k.value for k in RoundKind), *(c.value for c in CommentRule), *(p.value for p in PriorityKind)]

    assert [w for w in words if f"`{w}`" not in README] == []


def test_the_readme_example_is_a_valid_rubric():
    [example] = [block for block in re.findall(r"```yaml\n(.*?)```", README, flags=re.DOTALL) if "criteria:" in block]

    loaded = parse_rubric(example, "README 示例")

    assert loaded.rubric.total == sum(c.max_points for c in loaded.rubric.criteria)


def test_every_file_in_the_rubrics_folder_validates_with_the_documented_command(capsys):
    files = sorted(str(p) for p in RUBRICS_DIR.glob("*.yaml"))

    status = main(["rubric", "check", *files])

    assert files and status == 0, capsys.readouterr().out
