"""(being written) The `pilot` group's commands of one part; see scoring/cli/pilots.py."""
from __future__ import annotations

from scoring.cli.base import Options


def add_actions(actions, options: Options) -> None:
    """Add this part's subcommands to the `pilot` group."""
