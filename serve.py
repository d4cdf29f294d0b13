"""The server: Streamlit's own ASGI app (st.App) around review_app.py, with what a page cannot do itself — print the
first start's set-up address when the server starts and run the scheduled backups. `./dev run` runs
`streamlit run serve.py`."""
from __future__ import annotations

import logging
import os
import sys
import threading
from contextlib import asynccontextmanager

import streamlit as st

from app_pages.widgets import common, server
from scoring.common import setup_link
from scoring.storage import StorageError


@asynccontextmanager
async def lifespan(_app):
    # The storage opened here is the pages' own (st.cache_resource), outside any script run: Streamlit warns about
    # the missing run context, which is expected here and would only puzzle whoever reads the log.
    context_logger = logging.getLogger("streamlit.runtime.scriptrunner_utils.script_run_context")
    level = context_logger.level
    context_logger.setLevel(logging.ERROR)
    try:
        store = common.storage()
    except StorageError as exc:  # e.g. the file held by another app or a command: one line, not a traceback
        print(f"错误：{exc}", file=sys.stderr, flush=True)
        os._exit(1)  # any exception here would end in Starlette's traceback under the line that says it all
    finally:
        context_logger.setLevel(level)
    token = setup_link.issue_if_needed(store)
    if token:
        server.print_setup_address(token)
    stop = threading.Event()
    timer = threading.Thread(target=server.run_backup_schedule, args=(store, stop), name="backup-schedule", daemon=True)
    timer.start()
    try:
        yield
    finally:
        stop.set()
        timer.join(timeout=5)


app = st.App("review_app.py", lifespan=lifespan)
