"""Sending e-mail: the office's SMTP settings (stored as a setting; the password never in the database) and a mailer
over the standard library's smtplib and email.message, with UTF-8 headers for Chinese names and subjects."""
from __future__ import annotations

import os
import re
import smtplib
import ssl
import tomllib
from email.headerregistry import Address
from email.message import EmailMessage
from email.utils import make_msgid
from enum import StrEnum
from pathlib import Path
from typing import Protocol

from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from scoring.common import clock
from scoring.common.access import Permission, Principal, require
from scoring.common.errors import ReviewError
from scoring.common.models import ActionKind
from scoring.common.normalize import explain_validation_error
from scoring.notifications.notices import NoticeKind, render
from scoring.storage import Storage
from scoring.storage import notification_store as store

PASSWORD_VARIABLE = "SCORING_SMTP_PASSWORD"
SECRETS_FILE = Path(".streamlit") / "secrets.toml"
SETTINGS_ENTITY = "system/mail"
TIMEOUT_SECONDS = 30
EMAIL_PATTERN = re.compile(r"^[^@\s]+@[^@\s]+\.[A-Za-z]{2,}$")


class MailError(ReviewError):
    """Mail cannot be sent or set up; the message is for users and names what to check."""


class RecipientRefused(MailError):
    """The server refused this recipient; other messages may still go."""


class SmtpSecurity(StrEnum):
    NONE = "不加密"
    STARTTLS = "STARTTLS"
    SSL = "SSL/TLS"


class MailSettings(BaseModel):
    """The office's outgoing mail server. Off (enabled false) or without a host, notices stay in the app only."""

    model_config = ConfigDict(frozen=True, str_strip_whitespace=True)

    enabled: bool = Field(False, title="发送邮件")
    host: str = Field("", max_length=200, title="SMTP 服务器")
    port: int = Field(465, ge=1, le=65535, title="端口")
    security: SmtpSecurity = Field(SmtpSecurity.SSL, title="加密方式")
    user: str = Field("", max_length=200, title="SMTP 用户名（不需要登录时留空）")
    sender_address: str = Field("", max_length=200, title="发件人地址")
    sender_name: str = Field("辽宁省知识产权局", max_length=60, title="发件人名称")
    reminder_days: tuple[int, ...] = Field((3, 1), title="截止前几天提醒（天，可填多个）")

    @model_validator(mode="after")
    def _complete_when_enabled(self) -> MailSettings:
        if self.enabled and not self.host:
            raise ValueError("开启发送邮件时须填写 SMTP 服务器")
        if self.enabled and not self.sender_address:
            raise ValueError("开启发送邮件时须填写发件人地址")
        if self.sender_address and "@" not in self.sender_address:
            raise ValueError(f"发件人地址“{self.sender_address}”不是电子邮箱地址")
        if any(not 0 <= d <= 60 for d in self.reminder_days):
            raise ValueError("截止前提醒天数应在 0 至 60 之间")
        return self

    @property
    def sends(self) -> bool:
        return self.enabled and bool(self.host)


def settings_from(data: dict) -> MailSettings:
    """Settings from a form or the command line, or MailError naming every field that is wrong, in Chinese."""
    try:
        return MailSettings.model_validate(data)
    except ValidationError as exc:
        parts = []
        for error in exc.errors():
            field = error["loc"][0] if error["loc"] else ""
            title = MailSettings.model_fields[field].title if field in MailSettings.model_fields else ""
            message = explain_validation_error(error)
            parts.append(f"{title}：{message}" if title else message)
        raise MailError("邮件设置有误：" + "；".join(parts)) from None


def mail_settings(storage: Storage) -> MailSettings:
    saved = store.read_mail_settings(storage)
    return MailSettings.model_validate_json(saved) if saved else MailSettings()


def set_mail_settings(storage: Storage, principal: Principal, settings: MailSettings, reason: str) -> None:
    """Administrators only: the server a mail goes through reaches every person of the system."""
    require(principal, Permission.MANAGE_ACCOUNTS)
    reason = (reason or "").strip()
    if len(reason) < 2:
        raise MailError("修改邮件设置必须填写理由（记入审计日志）。")
    before = mail_settings(storage)
    with storage.transaction(principal.actor) as tx:
        store.save_mail_settings(tx, settings.model_dump_json())
        tx.audit(ActionKind.MAIL_SETTINGS, SETTINGS_ENTITY, reason,
                 {"before": before.model_dump(mode="json"), "after": settings.model_dump(mode="json")})


def smtp_password(secrets_file: Path = SECRETS_FILE) -> str | None:
    """SCORING_SMTP_PASSWORD, else `password` of the [smtp] table in .streamlit/secrets.toml; never the database."""
    from_environment = os.environ.get(PASSWORD_VARIABLE)
    if from_environment:
        return from_environment
    if not secrets_file.is_file():
        return None
    try:
        secrets = tomllib.loads(secrets_file.read_text(encoding="utf-8"))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise MailError(f"{secrets_file} 无法读取（{exc}），请检查其中 [smtp] 一节。") from None
    password = (secrets.get("smtp") or {}).get("password")
    return str(password) if password else None


# --- composing and sending -----------------------------------------------------------------------------


def compose(settings: MailSettings, to_address: str, to_name: str, subject: str, body: str) -> EmailMessage:
    """A plain-text UTF-8 message; Chinese display names and subject are encoded in the headers (RFC 2047)."""
    message = EmailMessage()
    message["From"] = Address(settings.sender_name, addr_spec=settings.sender_address)
    message["To"] = Address(to_name, addr_spec=to_address)
    message["Subject"] = subject
    message["Date"] = clock.now().replace(tzinfo=clock.OFFICE_ZONE)
    message["Message-ID"] = make_msgid(domain=settings.sender_address.rsplit("@", 1)[-1])
    message.set_content(body, charset="utf-8")
    return message


class Mailer(Protocol):
    def send(self, message: EmailMessage) -> None:
        """Hand the message to the mail server, or raise MailError saying why not."""


class SmtpMailer:
    """One connection per message: notices are few, and a fresh connection outlives a server that restarted."""

    def __init__(self, settings: MailSettings, password: str | None):
        self.settings, self.password = settings, password

    def send(self, message: EmailMessage) -> None:
        settings = self.settings
        try:
            with self._connect() as server:
                if settings.security is SmtpSecurity.STARTTLS:
                    server.starttls(context=ssl.create_default_context())
                if settings.user:
                    server.login(settings.user, self.password or "")
                server.send_message(message)
        except smtplib.SMTPAuthenticationError as exc:
            raise MailError(f"邮件服务器拒绝了用户名或密码（{_said(exc)}）：请检查 SMTP 用户名与 "
                            f"{PASSWORD_VARIABLE}。") from None
        except smtplib.SMTPRecipientsRefused as exc:
            raise RecipientRefused(f"邮件服务器拒收收件人 {'、'.join(exc.recipients)}：请核对其电子邮箱。") from None
        except smtplib.SMTPException as exc:
            raise MailError(f"邮件服务器 {settings.host}:{settings.port} 未能发送：{_said(exc)}") from None
        except (OSError, ssl.SSLError) as exc:
            raise MailError(f"无法连接邮件服务器 {settings.host}:{settings.port}（{exc.strerror or exc}）：请检查服务器、"
                            f"端口与加密方式。") from None

    def _connect(self) -> smtplib.SMTP:
        settings = self.settings
        if settings.security is SmtpSecurity.SSL:
            return smtplib.SMTP_SSL(settings.host, settings.port, timeout=TIMEOUT_SECONDS,
                                    context=ssl.create_default_context())
        return smtplib.SMTP(settings.host, settings.port, timeout=TIMEOUT_SECONDS)


def _said(exc: smtplib.SMTPException) -> str:
    if isinstance(exc, smtplib.SMTPResponseException):
        said = exc.smtp_error.decode(errors="replace") if isinstance(exc.smtp_error, bytes) else str(exc.smtp_error)
        return f"{exc.smtp_code} {said}"
    return str(exc) or type(exc).__name__


def configured_mailer(storage: Storage) -> SmtpMailer | None:
    """The mailer of the saved settings, or None while mail is off: then notices stay in the app."""
    settings = mail_settings(storage)
    return SmtpMailer(settings, smtp_password()) if settings.sends else None


def send_test(storage: Storage, principal: Principal, to_address: str, mailer: Mailer | None = None) -> None:
    """A test message to an address, sent at once with the saved settings; the outcome is audited either way."""
    require(principal, Permission.MANAGE_ACCOUNTS)
    to_address = checked_address(to_address)
    settings = mail_settings(storage)
    mailer = mailer or configured_mailer(storage)
    if mailer is None:
        raise MailError("尚未开启发送邮件：请先在邮件设置中填写 SMTP 服务器与发件人地址并开启。")
    text = render(NoticeKind.TEST, {}, clock.today(), principal.display_name)
    problem = None
    try:
        mailer.send(compose(settings, to_address, principal.display_name, text.subject, text.body))
    except MailError as exc:
        problem = str(exc)
    with storage.transaction(principal.actor) as tx:
        tx.audit(ActionKind.MAIL_TEST, SETTINGS_ENTITY, "发送测试邮件",
                 {"to": to_address, "host": settings.host, "sent": problem is None, "error": problem})
    if problem:
        raise MailError(problem)


def checked_address(value: str) -> str:
    address = (value or "").strip()
    if not EMAIL_PATTERN.match(address):
        raise MailError(f"“{address}”不是有效的电子邮箱地址（应为 name@example.cn）。")
    return address
