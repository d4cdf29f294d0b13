"""What the server process itself says and serves apart from the pages: its own address and the set-up address it
prints while no administrator exists."""
from __future__ import annotations

import os
import sys

import streamlit as st

from scoring.common import clock, setup_link


def own_address() -> str:
    """The address people use: SCORING_APP_URL behind a proxy (https://…), else this server's local port."""
    configured = os.environ.get("SCORING_APP_URL")
    if configured:
        return configured.rstrip("/")
    base_path = (st.get_option("server.baseUrlPath") or "").strip("/")
    return f"http://localhost:{st.get_option('server.port')}" + (f"/{base_path}" if base_path else "")


def print_setup_address(token: str) -> None:
    """On the server's own output (the terminal, journalctl or docker logs): never on a page, where anyone
    who reaches the server could read it."""
    print(f"{clock.now():%Y-%m-%d %H:%M:%S} {setup_link.announcement(setup_link.address(own_address(), token))}",
          file=sys.stderr, flush=True)
