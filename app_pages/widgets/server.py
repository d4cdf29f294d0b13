"""What the server process itself says and does apart from the pages: its own address, the set-up address it prints
while no administrator exists, and the timers of the scheduled backups and of the notifications."""
from __future__ import annotations

import os
import sys
import threading

import streamlit as st

from scoring.common import clock, setup_link
from scoring.common.errors import ReviewError
from scoring.notifications import outbox, reminders
from scoring.storage import Storage, StorageError, backup

SCHEDULE_CHECK_SECONDS = 60


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


def run_backup_schedule(store: Storage, stop: threading.Event) -> None:
    """Once a minute: a backup when the setting asks for one (备份与恢复 → 自动备份间隔). A failure is printed and
    tried again at the next check: the timer must outlive a full disk that an administrator then clears."""
    while not stop.wait(SCHEDULE_CHECK_SECONDS):
        try:
            made = backup.scheduled_backup(store)
        except StorageError as exc:  # a full disk too (BackupError): printed, and tried again at the next check
            print(f"{clock.now():%Y-%m-%d %H:%M:%S} 自动备份失败：{exc}", file=sys.stderr, flush=True)
        else:
            if made:
                print(f"{clock.now():%Y-%m-%d %H:%M:%S} 已自动备份：{made.path}（SHA-256 {made.sha256}）",
                      file=sys.stderr, flush=True)


def run_notification_schedule(store: Storage, stop: threading.Event) -> None:
    """Once a minute: the reminders due before a review round closes, then every pending notice e-mailed (or kept in
    the app). A failure is printed and tried again at the next check, like the backups."""
    while not stop.wait(SCHEDULE_CHECK_SECONDS):
        try:
            report = reminders.scheduled_run(store)
        except ReviewError as exc:
            print(f"{clock.now():%Y-%m-%d %H:%M:%S} 通知发送失败：{exc}", file=sys.stderr, flush=True)
        else:
            if report.failed:
                print(f"{clock.now():%Y-%m-%d %H:%M:%S} {len(report.failed)} 条通知未能发送，稍后重试："
                      f"{report.errors[0]}", file=sys.stderr, flush=True)


def deliver_soon(store: Storage) -> None:
    """After an operation that wrote notices: deliver them now, beside the page, so that a slow mail server never
    holds up the person who acted; what fails stays pending for the timer."""
    def deliver() -> None:
        try:
            outbox.deliver_pending(store)
        except ReviewError as exc:
            print(f"{clock.now():%Y-%m-%d %H:%M:%S} 通知发送失败：{exc}", file=sys.stderr, flush=True)

    threading.Thread(target=deliver, name="deliver-notices", daemon=True).start()
