"""Every command of the command line, at every level, has help in Chinese: its line in its group's list, its own
description, a help text for each argument, and `--help` that exits cleanly."""
from __future__ import annotations

import argparse

import pytest

from scoring.cli.main import build_parser, main


def has_chinese(text: str | None) -> bool:
    return any("\u4e00" <= ch <= "\u9fff" for ch in text or "")


def commands(parser: argparse.ArgumentParser, path: tuple[str, ...] = ()) -> list[tuple]:
    """(path, parser, its line in the parent's list) for every command and subcommand."""
    found = []
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            listed = {choice.dest: choice.help for choice in action._choices_actions}
            for name, sub in action.choices.items():
                found.append(((*path, name), sub, listed.get(name)))
                found += commands(sub, (*path, name))
    return found


ALL = commands(build_parser())


def test_the_walk_reaches_nested_commands():
    paths = {path for path, _, _ in ALL}

    assert {("init",), ("round", "create"), ("score", "save"), ("rubric", "check"), ("progress",)} <= paths


@pytest.mark.parametrize("path, parser, listed", ALL, ids=[" ".join(path) for path, _, _ in ALL])
def test_every_command_has_chinese_help_for_itself_and_each_argument(path, parser, listed, capsys):
    arguments = [a for a in parser._actions if not isinstance(a, (argparse._HelpAction, argparse._SubParsersAction))]
    undocumented = [a.dest for a in arguments if not has_chinese(a.help)]

    with pytest.raises(SystemExit) as exited:
        main([*path, "--help"])

    assert has_chinese(listed) and has_chinese(parser.description)
    assert undocumented == []
    assert exited.value.code == 0 and has_chinese(capsys.readouterr().out)
