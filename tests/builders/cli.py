"""What the command-line tests share: run a command with --format json and read what it printed."""
from __future__ import annotations

import json

from scoring.cli.main import main


def run_json(capsys, *argv) -> tuple[int, object]:
    """The exit status and the parsed JSON output (None when the command printed nothing)."""
    capsys.readouterr()
    status = main([*argv, "--format", "json"])
    out = capsys.readouterr().out
    return status, json.loads(out) if out.strip() else None
