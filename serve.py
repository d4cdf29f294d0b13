"""The server: Streamlit's own ASGI app (st.App) around review_app.py, with what a page cannot do itself — print the
first start's set-up address when the server starts, run the scheduled backups, and set the HttpOnly session
cookie that keeps a browser signed in over a reload (/api/session). `./dev run` runs `streamlit run serve.py`."""
from __future__ import annotations

import logging
import os
import sys
import threading
from contextlib import asynccontextmanager
from urllib.parse import urlsplit

import streamlit as st
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from app_pages.widgets import common, server
from scoring.common import browser_sessions, clock, setup_link
from scoring.storage import Storage, StorageError


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
    global _store
    _store = store
    token = setup_link.issue_if_needed(store)
    if token:
        server.print_setup_address(token)
    stop = threading.Event()
    timer = threading.Thread(target=server.run_backup_schedule, args=(store, stop), name="backup-schedule", daemon=True)
    timer.start()
    mail_timer = threading.Thread(target=server.run_notification_schedule, args=(store, stop),
                                  name="notification-schedule", daemon=True)
    mail_timer.start()
    try:
        yield
    finally:
        stop.set()
        timer.join(timeout=5)
        mail_timer.join(timeout=5)


_store: Storage | None = None  # the pages' own storage, set as the server starts


def _same_origin(request: Request) -> bool:
    """Only the app's own pages may ask for the cookie: a post from another site (login CSRF) is refused."""
    if request.headers.get("sec-fetch-site", "same-origin") != "same-origin":
        return False
    origin = request.headers.get("origin")
    return origin is None or urlsplit(origin).netloc == request.headers.get("host")


def _secure(request: Request) -> bool:
    return request.url.scheme == "https" or request.headers.get("x-forwarded-proto") == "https"


async def session_cookie(request: Request) -> Response:
    """POST: a one-time handoff from a page just signed in becomes this browser's session cookie (HttpOnly,
    SameSite=Strict, Secure behind HTTPS, ending with the login). DELETE: the cookie goes (after a logout)."""
    if not _same_origin(request) or _store is None:
        return Response(status_code=403)
    path = common.browser_sessions_path().removesuffix("api/session") or "/"
    if request.method == "DELETE":
        gone = Response(status_code=204)
        gone.delete_cookie(browser_sessions.COOKIE_NAME, path=path, secure=_secure(request), httponly=True,
                           samesite="strict")
        return gone
    handoff = (await request.body()).decode(errors="replace")[:100]
    kept = await run_in_threadpool(browser_sessions.redeem, _store, handoff)
    if kept is None:
        return Response(status_code=403)
    done = Response(status_code=204)
    done.set_cookie(browser_sessions.COOKIE_NAME, kept.token,
                    max_age=max(0, int((kept.expires_at - clock.now()).total_seconds())), path=path,
                    secure=_secure(request), httponly=True, samesite="strict")
    return done


app = st.App("review_app.py", lifespan=lifespan,
             routes=[Route(common.browser_sessions_path(), session_cookie, methods=["POST", "DELETE"])])
