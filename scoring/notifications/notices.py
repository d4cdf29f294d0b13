"""What each kind of notice says: its Chinese subject and body, from the facts of the change of state it tells of.

A notice's text is stored (站内消息) and sent as it is, so facts never carry a secret: no password, no login-link
token — a notice names what to do and where, and the person signs in as usual."""
from __future__ import annotations

import os
from collections.abc import Callable, Mapping
from datetime import date, datetime
from enum import StrEnum
from typing import NamedTuple

from scoring.common.errors import ReviewError

WEEKDAYS = "一二三四五六日"
SIGNATURE = "辽宁省知识产权局 · 高校院所知识产权运营中心试点评审系统"
AUTOMATIC = "此邮件由系统自动发送，请勿直接回复；同一内容可在系统“消息”页面查看。"


class NoticeKind(StrEnum):
    """What a notice tells; the values are stored, so a value never changes."""

    INVITED = "申报邀请"
    SUBMITTED = "申报书待初审"  # to the city bureau: a unit of its city submitted
    RETURNED = "申报书被退回"
    RECOMMENDED = "已获市局推荐"
    DEADLINE_SOON = "截止提醒"
    ASSIGNED = "评审任务分配"
    REVIEW_CLOSING = "评审即将截止"
    TEST = "测试邮件"


class NoticeError(ReviewError):
    """A notice cannot be written (a fact it needs is missing or unreadable); the message is for users."""


class NoticeText(NamedTuple):
    subject: str
    body: str


class Facts:
    """The facts of one notice, read by name; a missing one is a NoticeError naming the kind and the fact."""

    def __init__(self, kind: NoticeKind, facts: Mapping[str, str], today: date):
        self.kind, self.facts, self.today = kind, facts, today

    def __getitem__(self, name: str) -> str:
        value = str(self.facts.get(name) or "").strip()
        if not value:
            raise NoticeError(f"“{self.kind}”通知缺少“{name}”（facts[{name!r}]）。")
        return value

    def get(self, name: str) -> str:
        return str(self.facts.get(name) or "").strip()

    def moment(self, name: str) -> str:
        return moment_text(self[name])

    def days_left(self, name: str) -> str:
        """“还有 3 天”, “明天”, “今天” before the moment named; counted in calendar days from today."""
        days = (parse_moment(self[name]).date() - self.today).days
        return {0: "今天", 1: "明天"}.get(days, f"还有 {days} 天" if days > 0 else f"已过 {-days} 天")


def parse_moment(value: str) -> datetime:
    """A deadline as facts give it: ISO date (2026-10-15) or date and time (2026-10-15T17:00 or with a space)."""
    try:
        return datetime.fromisoformat(value.strip())
    except ValueError:
        raise NoticeError(f"时间“{value}”无法识别，应为 2026-10-15 或 2026-10-15 17:00。") from None


def moment_text(value: str | date | datetime) -> str:
    """2026年10月15日（星期四）17:00 — the time left out when the deadline is a day."""
    moment = parse_moment(value) if isinstance(value, str) else value
    day = f"{moment.year}年{moment.month}月{moment.day}日（星期{WEEKDAYS[moment.weekday()]}）"
    has_time = isinstance(moment, datetime) and not (isinstance(value, str) and len(value.strip()) <= 10)
    return f"{day}{moment:%H:%M}" if has_time else day


def app_address() -> str | None:
    """The address people open the system at (SCORING_APP_URL), when the server says it."""
    configured = os.environ.get("SCORING_APP_URL", "").strip()
    return configured.rstrip("/") or None


def _invited(f: Facts) -> NoticeText:
    lines = [f"您单位受邀参加{f['batch']}的申报。",
             f"单位申报截止时间：{f.moment('deadline')}。",
             "请登录系统在线填写申报书，下载打印并签字盖章后上传扫描件，在截止时间前提交所在市局。"]
    if f.get("note"):
        lines.append(f.get("note"))
    return NoticeText(f"【申报邀请】{f['batch']}", "\n".join(lines))


def _submitted(f: Facts) -> NoticeText:
    lines = [f"{f['unit']}已提交{f['batch']}的申报书，待贵局初审。"]
    if f.get("deadline"):
        lines.append(f"市局推荐截止时间：{f.moment('deadline')}。")
    lines.append("请登录系统查看申报书，完成初审：推荐，或写明理由退回单位修改。")
    return NoticeText(f"【待初审】{f['unit']}的申报书", "\n".join(lines))


def _returned(f: Facts) -> NoticeText:
    lines = [f"您单位提交的{f['batch']}申报书已被退回修改。", f"退回理由：{f['reason']}"]
    if f.get("deadline"):
        lines.append(f"请在 {f.moment('deadline')} 前修改并重新提交。")
    lines.append("请登录系统按退回理由修改申报书后重新提交；原提交版本已保留。")
    return NoticeText(f"【退回修改】{f['batch']}申报书", "\n".join(lines))


def _recommended(f: Facts) -> NoticeText:
    body = (f"您单位的{f['batch']}申报书已获{f['city']}知识产权管理部门推荐，报送省知识产权局评审。\n"
            "无需再做操作；评审结果将另行公示。")
    return NoticeText(f"【已获推荐】{f['batch']}申报书", body)


def _deadline_soon(f: Facts) -> NoticeText:
    body = (f"{f['batch']}：{f['action']}的截止时间是 {f.moment('deadline')}，{f.days_left('deadline')}截止。\n"
            f"请登录系统在截止前完成；逾期系统将不再接受。")
    return NoticeText(f"【截止提醒】{f['action']}：{f.days_left('deadline')}截止", body)


def _assigned(f: Facts) -> NoticeText:
    lines = [f"评审轮次“{f['round']}”已为您分配 {f['count']} 份申报书。"]
    if f.get("closes_at"):
        lines.append(f"评审截止时间：{f.moment('closes_at')}。")
    lines.append("请登录系统，在“我的评审”中查看任务并评分；如与申报单位有利害关系，请在评分页申请回避。")
    return NoticeText(f"【评审任务】{f['round']}", "\n".join(lines))


def _review_closing(f: Facts) -> NoticeText:
    body = (f"评审轮次“{f['round']}”将于 {f.moment('closes_at')}截止（{f.days_left('closes_at')}）。\n"
            f"您还有 {f['unfinished']} 份评分表未提交，请登录系统在“我的评审”中完成并提交。")
    return NoticeText(f"【评审即将截止】{f['round']}：{f.days_left('closes_at')}截止", body)


def _test(f: Facts) -> NoticeText:
    return NoticeText("【测试邮件】评审系统邮件设置", "这是一封测试邮件：收到它，说明评审系统的邮件设置可以正常发信。")


TEXTS: dict[NoticeKind, Callable[[Facts], NoticeText]] = {
    NoticeKind.INVITED: _invited,
    NoticeKind.SUBMITTED: _submitted,
    NoticeKind.RETURNED: _returned,
    NoticeKind.RECOMMENDED: _recommended,
    NoticeKind.DEADLINE_SOON: _deadline_soon,
    NoticeKind.ASSIGNED: _assigned,
    NoticeKind.REVIEW_CLOSING: _review_closing,
    NoticeKind.TEST: _test,
}

# The facts each kind needs (the others it reads are optional), for callers and tests to see in one place.
REQUIRED_FACTS: dict[NoticeKind, tuple[str, ...]] = {
    NoticeKind.INVITED: ("batch", "deadline"),
    NoticeKind.SUBMITTED: ("batch", "unit"),
    NoticeKind.RETURNED: ("batch", "reason"),
    NoticeKind.RECOMMENDED: ("batch", "city"),
    NoticeKind.DEADLINE_SOON: ("batch", "action", "deadline"),
    NoticeKind.ASSIGNED: ("round", "count"),
    NoticeKind.REVIEW_CLOSING: ("round", "closes_at", "unfinished"),
    NoticeKind.TEST: (),
}


def render(kind: NoticeKind, facts: Mapping[str, str], today: date, recipient_name: str = "") -> NoticeText:
    """The subject and the whole body: greeting, what happened and what to do, the system's address, signature."""
    text = TEXTS[NoticeKind(kind)](Facts(NoticeKind(kind), facts, today))
    parts = [f"{recipient_name}：" if recipient_name else "您好：", text.body]
    address = app_address()
    parts.append(f"系统地址：{address}" if address else "请登录评审系统办理。")
    parts += ["", SIGNATURE, AUTOMATIC]
    return NoticeText(text.subject, "\n".join(parts))
