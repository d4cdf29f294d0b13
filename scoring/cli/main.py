"""The command line: every operation the app offers, for scripting batches and for tests."""
from __future__ import annotations

import argparse
import sys

from scoring.cli import experts, intake, meeting, notifications, publicity, ranking, review, rounds, system, users
from scoring.cli import applying
from scoring.cli import form
from scoring.cli import pilots
from scoring.cli.base import Options, default_actor
from scoring.common.errors import ReviewError
from scoring.common.models import DEFAULT_DB_PATH

STAGES = (intake, applying, form, users, experts, rounds, review, ranking, meeting, publicity, pilots, system, notifications)


def common_options() -> Options:
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument("--db", default=DEFAULT_DB_PATH, help=f"DuckDB 数据库文件（默认 {DEFAULT_DB_PATH}）")
    common.add_argument("--actor", default=default_actor(), help="记入审计日志的操作人（默认取 SCORING_ACTOR 或系统用户名）")
    printing = argparse.ArgumentParser(add_help=False)
    printing.add_argument("--format", choices=["text", "json"], default="text", help="输出格式")
    batch = argparse.ArgumentParser(add_help=False)
    batch.add_argument("--batch", help="批次编号（默认最新批次）")
    return Options(common, printing, batch)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m scoring", description="辽宁省高校院所知识产权运营中心试点评审系统")
    commands = parser.add_subparsers(dest="command", required=True, metavar="命令")
    options = common_options()
    for stage in STAGES:  # in the order of the procedure, which is the order of `--help`
        stage.add_commands(commands, options)
    return parser


def main(argv: list[str] | None = None) -> int:
    """Run one command; a refusal (ReviewError) is printed on stderr with exit status 1, anything else is a bug and
    ends in its traceback."""
    args = build_parser().parse_args(argv)
    try:
        return args.run(args)
    except ReviewError as exc:
        print(f"错误：{exc}", file=sys.stderr)
        return 1


