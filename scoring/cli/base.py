"""What every command of the command line shares: the acting principal, the batch, reading files, printing."""
from __future__ import annotations

import argparse
import getpass
import json
import os
from pathlib import Path
from typing import NamedTuple

from scoring.common.access import Principal
from scoring.common.errors import ReviewError
from scoring.storage import Storage


class Options(NamedTuple):
    """The option groups commands share as argparse parents: the database and actor, printing, the batch."""

    common: argparse.ArgumentParser
    printing: argparse.ArgumentParser
    batch: argparse.ArgumentParser


class CliError(ReviewError):
    """An error to print for the user and exit non-zero."""


def default_actor() -> str:
    return os.environ.get("SCORING_ACTOR") or f"cli:{getpass.getuser()}"


def principal(args) -> Principal:
    """Whoever runs the command line on the server can open the database file anyway: an administrator."""
    return Principal.command_line(args.actor)



def resolve_batch(storage: Storage, batch_id: str | None):
    batch = storage.get_batch(batch_id) if batch_id else storage.latest_batch()
    if batch is None:
        raise CliError(f"没有批次 {batch_id}。" if batch_id else "数据库中没有批次，请先运行 init。")
    return batch


def read_files(paths: list[Path]) -> list[tuple[str, bytes]]:
    """The named files as (name, content) for an import; a missing one is an error naming it."""
    missing = [str(p) for p in paths if not p.is_file()]
    if missing:
        raise CliError(f"找不到文件 {'、'.join(missing)}")
    return [(p.name, p.read_bytes()) for p in paths]


def emit_import(args, report, done: str) -> int:
    """An import's located issues, then what was imported or that nothing was; exit 1 when rejected."""
    lines = [str(issue) for issue in report.issues]
    lines.append(done if report.imported else f"发现 {len(report.errors)} 个错误，未导入任何内容。请修改后重新导入。")
    emit(args, report.model_dump(mode="json"), "\n".join(lines))
    return 0 if report.imported else 1


def code_pairs(items: list[str], option: str, value_name: str) -> dict[str, str]:
    """Options given as 统一社会信用代码=内容 (a full-width ＝ counts too), by the code in upper case."""
    pairs = {}
    for item in items:
        code, sep, value = item.replace("＝", "=", 1).partition("=")
        if not sep or not code.strip() or not value.strip():
            raise CliError(f"{option} {item} 应写成“统一社会信用代码={value_name}”。")
        pairs[code.strip().upper()] = value.strip()
    return pairs


def emit(args, payload, text: str) -> None:
    if getattr(args, "format", "text") == "json":
        print(json.dumps(payload, ensure_ascii=False, indent=2, default=str))
    else:
        print(text)
