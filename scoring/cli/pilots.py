"""The `pilot` command group: the pilots' three years — the registry, the yearly reports and rectification, the
acceptance and final rounds' outcomes, the extra awards."""
from __future__ import annotations

from scoring.cli import pilot_awards, pilot_outcomes, pilot_registry, pilot_reports
from scoring.cli.base import Options

PARTS = (pilot_registry, pilot_reports, pilot_outcomes, pilot_awards)


def add_commands(commands, options: Options) -> None:
    group = commands.add_parser("pilot", help="试点建设：试点名录、年度总结、验收与评估结果、追加奖励",
                                description="试点建设实施三年：试点名录与状态、年度工作总结与整改、年度验收与综合评估结果、追加奖励。")
    actions = group.add_subparsers(dest="pilot_command", required=True, metavar="子命令")
    for part in PARTS:
        part.add_actions(actions, options)
