"""DuckDB admits one process per database file: what to tell the person whose command finds the file held."""
from __future__ import annotations

import re
from pathlib import Path

_CONFLICT = re.compile(r"Conflicting lock is held in (?P<program>.*?) \(PID (?P<pid>\d+)\)")


def holder(message: str) -> tuple[str, int] | None:
    """The program and process id DuckDB names as holding the file's lock, or None for another failure."""
    found = _CONFLICT.search(message)
    return (found["program"], int(found["pid"])) if found else None


def in_use_message(path: Path, message: str) -> str | None:
    """One Chinese line for a file held by another process (usually the running app), or None when the failure
    is something else. The choice is to refuse, not to queue: the running app is the one writer, and whoever runs
    the command decides whether to use the app's pages or stop it first."""
    found = holder(message)
    if found is None:
        return None
    _, pid = found
    return (f"数据库 {path} 正被另一个程序使用（进程 {pid}，通常是正在运行的评审系统），同一时间只能有一个程序打开它："
            f"请在系统页面中操作，或先停止应用再运行此命令。")
