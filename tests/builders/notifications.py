"""Notification test data: a database with a few accounts, and a real local SMTP server (aiosmtpd) whose messages
the test reads back."""
from __future__ import annotations

import email
import email.policy
import socket
from collections.abc import Iterator
from contextlib import contextmanager
from email.message import EmailMessage
from pathlib import Path

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import Envelope

from scoring.common import accounts
from scoring.common.access import Grant, Principal, Role
from scoring.notifications.mailer import MailSettings, SmtpSecurity, set_mail_settings
from scoring.storage import Storage

ROOT = Principal.command_line("cli:test")
ZHANG = Principal(login="zhang", display_name="张三", grants=(Grant(role=Role.STAFF),))
LI = Principal(login="li", display_name="李四", grants=(Grant(role=Role.STAFF),))
REFUSED_ADDRESS = "refuse@example.cn"


def people_storage(tmp_path: Path) -> Storage:
    """An empty database with the accounts zhang (张三) and li (李四), neither with an address yet."""
    storage = Storage(tmp_path / "review.duckdb")
    for person in (ZHANG, LI):
        accounts.create_user(storage, ROOT, person.login, person.display_name, list(person.grants))
    return storage


class _Inbox:
    """aiosmtpd handler keeping every message; one recipient address is refused, as a real server may."""

    def __init__(self):
        self.messages: list[EmailMessage] = []

    async def handle_RCPT(self, server, session, envelope: Envelope, address: str, rcpt_options):
        if address == REFUSED_ADDRESS:
            return "550 5.1.1 mailbox unavailable"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope: Envelope):
        self.messages.append(email.message_from_bytes(envelope.content, policy=email.policy.default))
        return "250 Message accepted"


class SmtpServer(_Inbox):
    port: int


@contextmanager
def smtp_server() -> Iterator[SmtpServer]:
    """A plain SMTP server on a free local port for the test's duration; `.messages` are the parsed messages."""
    inbox = SmtpServer()
    controller = Controller(inbox, hostname="127.0.0.1", port=free_port())
    controller.start()
    inbox.port = controller.port
    try:
        yield inbox
    finally:
        controller.stop()


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def local_settings(port: int, **overrides) -> MailSettings:
    return MailSettings(enabled=True, host="127.0.0.1", port=port, security=SmtpSecurity.NONE,
                        sender_address="review@lnipa.example.cn", sender_name="辽宁省知识产权局", **overrides)


def use_mail_server(storage: Storage, port: int, **overrides) -> MailSettings:
    settings = local_settings(port, **overrides)
    set_mail_settings(storage, ROOT, settings, "测试邮件服务器")
    return settings
