"""The `system` command group: running the system itself — the first start's set-up address."""
from __future__ import annotations

import os

from scoring.cli.base import Options, emit
from scoring.common import setup_link
from scoring.storage import Storage

DEFAULT_APP_URL = "http://localhost:8501"


def add_commands(commands, options: Options) -> None:
    common, printing, _ = options
    system = commands.add_parser("system", help="系统运行：首次设置地址",
                                 description="系统本身的运行：首次启动时的一次性设置地址。")
    actions = system.add_subparsers(dest="system_command", required=True, metavar="子命令")

    setup = actions.add_parser("setup-link", parents=[common, printing], help="尚无管理员时发放一次性设置地址",
                               description="尚无系统管理员时发放新的一次性设置地址（只能使用一次，"
                                           f"{setup_link.VALID_MINUTES} 分钟内有效），原有未使用的地址随即失效。"
                                           "应用启动时会自动打印设置地址；本命令供应用停止时使用。")
    setup.add_argument("--app-url", default=os.environ.get("SCORING_APP_URL", DEFAULT_APP_URL),
                       help=f"设置地址所用的系统网址（默认取 SCORING_APP_URL 或 {DEFAULT_APP_URL}）")
    setup.set_defaults(run=cmd_setup_link)


def cmd_setup_link(args) -> int:
    with Storage(args.db) as storage:
        token = setup_link.issue_if_needed(storage, actor=args.actor)
    if token is None:
        emit(args, {"needed": False}, "系统已有管理员，无需设置地址。")
        return 0
    url = setup_link.address(args.app_url, token)
    emit(args, {"needed": True, "url": url, "valid_minutes": setup_link.VALID_MINUTES}, setup_link.announcement(url))
    return 0
