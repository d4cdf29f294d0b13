"""The `system` command group: running the system itself — the first start's set-up address, backups and restore."""
from __future__ import annotations

import argparse
import os
from pathlib import Path

from pydantic import ValidationError

from scoring.cli.base import CliError, Options, emit, principal
from scoring.common import setup_link
from scoring.storage import Storage, backup
from scoring.storage.backup import BackupFile, BackupSettings

DEFAULT_APP_URL = "http://localhost:8501"


def add_commands(commands, options: Options) -> None:
    common, printing, _ = options
    system = commands.add_parser("system", help="系统运行：首次设置地址、备份与恢复",
                                 description="系统本身的运行：首次启动时的一次性设置地址、备份与恢复。")
    actions = system.add_subparsers(dest="system_command", required=True, metavar="子命令")

    setup = actions.add_parser("setup-link", parents=[common, printing], help="尚无管理员时发放一次性设置地址",
                               description="尚无系统管理员时发放新的一次性设置地址（只能使用一次，"
                                           f"{setup_link.VALID_MINUTES} 分钟内有效），原有未使用的地址随即失效。"
                                           "应用启动时会自动打印设置地址；本命令供应用停止时使用。")
    setup.add_argument("--app-url", default=os.environ.get("SCORING_APP_URL", DEFAULT_APP_URL),
                       help=f"设置地址所用的系统网址（默认取 SCORING_APP_URL 或 {DEFAULT_APP_URL}）")
    setup.set_defaults(run=cmd_setup_link)

    where = _backup_location()
    make = actions.add_parser("backup", parents=[common, printing, where], help="备份数据库与导出文件",
                              description="把数据库与 exports 目录打包为一份备份（zip，旁附 SHA-256 校验文件），"
                                          "超出保留份数的旧备份随即删除。应用运行时请在“备份与恢复”页面备份。")
    make.add_argument("--reason", required=True, help="理由（必填，记入审计日志）")
    make.set_defaults(run=cmd_backup)

    listing = actions.add_parser("backups", parents=[common, printing, where], help="列出备份及其 SHA-256",
                                 description="列出备份目录中的全部备份（新的在前），并逐一核对 SHA-256。")
    listing.set_defaults(run=cmd_backups)

    restore = actions.add_parser("restore", parents=[common, printing, where], help="从备份恢复数据库与导出文件（须先停止应用）",
                                 description="核对备份的 SHA-256 与清单后，用备份替换数据库与 exports 目录；"
                                             "原数据库保留为 <文件名>.before-restore-<时间>。须先停止应用。")
    restore.add_argument("archive", type=Path, help="备份文件（review-backup-….zip）")
    restore.add_argument("--reason", required=True, help="理由（必填，记入审计日志）")
    restore.add_argument("--yes", action="store_true", help="确认替换当前数据（不加时只核对备份）")
    restore.set_defaults(run=cmd_restore)

    configure = actions.add_parser("backup-settings", parents=[common, printing], help="查看或修改备份设置（保留份数、自动备份间隔）",
                                   description="不带参数时显示当前设置；给出任一参数时修改（须 --reason）。"
                                               "自动备份由运行中的应用按间隔执行。")
    configure.add_argument("--keep", type=int, help=BackupSettings.model_fields["keep"].title)
    configure.add_argument("--every-hours", type=int, dest="interval_hours",
                           help=BackupSettings.model_fields["interval_hours"].title)
    configure.add_argument("--reason", default="", help="修改理由（修改时必填）")
    configure.set_defaults(run=cmd_backup_settings)


def _backup_location() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(add_help=False)
    parser.add_argument("--dir", type=Path, default=None, help="备份目录（默认取 SCORING_BACKUPS 或 backups/）")
    parser.add_argument("--exports", type=Path, default=None, help="导出文件目录（默认取 SCORING_EXPORTS 或 exports/）")
    return parser


def cmd_setup_link(args) -> int:
    with Storage(args.db) as storage:
        token = setup_link.issue_if_needed(storage, actor=args.actor)
    if token is None:
        emit(args, {"needed": False}, "系统已有管理员，无需设置地址。")
        return 0
    url = setup_link.address(args.app_url, token)
    emit(args, {"needed": True, "url": url, "valid_minutes": setup_link.VALID_MINUTES}, setup_link.announcement(url))
    return 0


def _described(found: BackupFile) -> dict:
    return {"name": found.name, "path": str(found.path), "size": found.size,
            "created_at": found.created_at.isoformat(), "sha256": found.sha256}


def cmd_backup(args) -> int:
    with Storage(args.db) as storage:
        made = backup.create_backup(storage, principal(args), args.reason, args.dir, args.exports)
    emit(args, _described(made), f"已备份：{made.path}（{made.size:,} 字节）\nSHA-256：{made.sha256}")
    return 0


def cmd_backups(args) -> int:
    found = backup.list_backups(args.dir)
    checked = [{**_described(b), "problems": backup.verify(b.path)} for b in found]
    lines = [f"{b['name']}  {b['size']:,} 字节  {b['sha256'] or '（缺少校验文件）'}  "
             f"{'校验通过' if not b['problems'] else '；'.join(b['problems'])}" for b in checked]
    emit(args, checked, "\n".join(lines) or "（尚无备份）")
    return 0


def cmd_restore(args) -> int:
    problems = backup.verify(args.archive)
    if problems:
        raise CliError("不能恢复：" + "；".join(problems) + "。")
    if not args.yes:
        emit(args, {"archive": str(args.archive), "verified": True, "restored": False},
             f"备份 {args.archive} 校验通过。加上 --yes 才会用它替换当前数据库与导出文件（须先停止应用）。")
        return 0
    kept = backup.restore(Path(args.db), args.archive, args.actor, args.reason, args.exports)
    emit(args, {"archive": str(args.archive), "restored": True, "previous_database": str(kept)},
         f"已从 {args.archive} 恢复数据库与导出文件；原数据库保留为 {kept}。")
    return 0


def cmd_backup_settings(args) -> int:
    changes = {name: getattr(args, name) for name in ("keep", "interval_hours") if getattr(args, name) is not None}
    with Storage(args.db) as storage:
        current = backup.settings(storage)
        if changes:
            try:
                current = BackupSettings.model_validate({**current.model_dump(), **changes})
            except ValidationError as exc:
                raise CliError("；".join(f"{BackupSettings.model_fields[e['loc'][0]].title}超出允许范围"
                                        for e in exc.errors())) from exc
            backup.set_settings(storage, principal(args), current, args.reason)
    emit(args, current.model_dump(), "\n".join(f"{BackupSettings.model_fields[name].title}：{value}"
                                              for name, value in current.model_dump().items()))
    return 0
