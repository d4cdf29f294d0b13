"""One family of errors for what users are told: every exception class of scoring/ that a user may see is a
ReviewError, and what a form or the command line gives that cannot be read is one too."""
from __future__ import annotations

import importlib
import pkgutil
import types

import pytest

import scoring
from scoring.common.errors import InputError, ReviewError
from scoring.common.normalize import validated
from scoring.results.shortlist import ShortlistRule

# The exception classes a user never sees, each with why; every other one must derive from ReviewError.
NOT_FOR_USERS = {
    # Raised inside a rubric's validator so that pydantic places it; RubricError reports the ValidationError.
    "scoring.review.rubrics.FieldProblem",
    # rounds/assignment.py catches it and the preview lists its shortfalls; the solver knows nothing of the app.
    "scoring.rounds.solver.AssignmentInfeasible",
    # Whatever went wrong in a worker process, a bug as much as a killed process: a traceback, not a banner.
    "scoring.documents.official_pdf.WorkerFailed",
}
NOT_IMPORTED = {"scoring.__main__"}  # importing it runs the command line


def scoring_modules() -> list[types.ModuleType]:
    names = [m.name for m in pkgutil.walk_packages(scoring.__path__, "scoring.") if m.name not in NOT_IMPORTED]
    return [importlib.import_module(name) for name in names]


def exception_classes(modules: list[types.ModuleType]) -> dict[str, type[BaseException]]:
    """Every exception class defined (not merely imported) at the top of these modules, by its dotted name."""
    return {f"{module.__name__}.{name}": value for module in modules for name, value in vars(module).items()
            if isinstance(value, type) and issubclass(value, BaseException) and value.__module__ == module.__name__}


def not_review_errors(modules: list[types.ModuleType]) -> list[str]:
    return sorted(name for name, cls in exception_classes(modules).items()
                  if name not in NOT_FOR_USERS and not issubclass(cls, ReviewError))


FOUND = exception_classes(scoring_modules())


def test_every_exception_a_user_may_see_is_a_review_error():
    assert not_review_errors(scoring_modules()) == []


def test_the_walk_reaches_every_stage_and_the_command_line():
    expected = {"scoring.common.access.AccessDenied", "scoring.rounds.review_rounds.RoundError",
                "scoring.publicity.workdays.UncoveredYear", "scoring.storage.store.StorageError",
                "scoring.cli.base.CliError", "scoring.documents.fonts.FontMissing",
                "scoring.review.score_sheets.SheetIncomplete"}

    assert expected <= set(FOUND)


def test_a_module_with_a_plain_exception_is_reported():
    module = types.ModuleType("scoring.fake")
    exec("class Refused(Exception):\n    pass\nclass Fine(ReviewError):\n    pass\n",
         {"__name__": "scoring.fake", "ReviewError": ReviewError}, vars(module))

    assert not_review_errors([module]) == ["scoring.fake.Refused"]


@pytest.mark.parametrize("name", sorted(NOT_FOR_USERS))
def test_each_exception_kept_from_users_exists_and_is_not_a_review_error(name):
    assert name in FOUND and not issubclass(FOUND[name], ReviewError)


def test_a_form_value_that_makes_no_valid_record_is_an_input_error_naming_the_problem():
    with pytest.raises(InputError, match="^拟入选规则有误：“前N名”规则须填写入选名额$"):
        validated(ShortlistRule, {"mode": "前N名"}, "拟入选规则有误：")
