"""main() is where a refusal ends: a ReviewError from any command is printed as 错误：… on stderr with exit status 1,
and anything else — a bug — is not swallowed but ends in its traceback."""
from __future__ import annotations

import pytest

from scoring.cli import experts, meeting, publicity, ranking, review, rounds
from scoring.cli.main import main
from scoring.common.errors import ReviewError
from scoring.rounds.review_rounds import RoundError

# A command of each stage module that once had its own guard, with a command line that reaches it.
COMMANDS = [
    (experts, "cmd_template", ["experts", "template", "模板.xlsx"]),
    (rounds, "cmd_round_list", ["round", "list"]),
    (ranking, "cmd_rank", ["rank", "2023-01"]),
    (meeting, "cmd_rate", ["rate", "2023-01"]),
    (publicity, "cmd_period", ["publicity", "period", "--start", "2023-06-05"]),
    (review, "cmd_rubric_list", ["rubric", "list"]),
]
IDS = [" ".join(argv[:2]) for _, _, argv in COMMANDS]


def raising(error: BaseException):
    def command(args) -> int:
        raise error
    return command


@pytest.mark.parametrize(("module", "command", "argv"), COMMANDS, ids=IDS)
@pytest.mark.parametrize("error", [ReviewError("该操作不能办理。"), RoundError("该操作不能办理。")],
                         ids=["ReviewError", "RoundError"])
def test_a_refusal_is_printed_on_stderr_with_exit_status_1(module, command, argv, error, monkeypatch, capsys):
    monkeypatch.setattr(module, command, raising(error))

    status = main(argv)

    captured = capsys.readouterr()
    assert (status, captured.err, captured.out) == (1, "错误：该操作不能办理。\n", "")


@pytest.mark.parametrize(("module", "command", "argv"), COMMANDS, ids=IDS)
@pytest.mark.parametrize("bug", [KeyError("score"), ValueError("invalid literal"), OSError("disk")],
                         ids=["KeyError", "ValueError", "OSError"])
def test_a_bug_is_not_swallowed(module, command, argv, bug, monkeypatch, capsys):
    monkeypatch.setattr(module, command, raising(bug))

    with pytest.raises(type(bug)):
        main(argv)
    assert capsys.readouterr().err == ""
