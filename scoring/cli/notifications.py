"""The `notices` and `mail` command groups and `user set-email`: the outbox, delivery and reminders, the mail settings
and a test mail, each account's notification address."""
from __future__ import annotations

import argparse

from scoring.cli.base import Options, emit, principal
from scoring.common import clock
from scoring.notifications import addresses, outbox, reminders
from scoring.notifications.mailer import MailSettings, mail_settings, send_test, set_mail_settings, settings_from
from scoring.storage import Storage


def add_commands(commands, options: Options) -> None:
    common, printing, _ = options
    notices = commands.add_parser("notices", help="通知：查看消息、发送待发邮件、评审截止提醒",
                                  description="站内消息与邮件通知。命令行在服务器上运行，视为系统管理员操作。")
    actions = notices.add_subparsers(dest="notices_command", required=True, metavar="子命令")
    listing = actions.add_parser("list", parents=[common, printing], help="列出某人的消息，或 --all 列出全部（发件箱）",
                                 description="列出一个账号的消息（默认操作人本人，未读在前），或 --all 列出全部通知及其发送状态与错误。")
    listing.add_argument("--login", help="账号登录名（默认操作人本人）")
    listing.add_argument("--all", action="store_true", help="全部通知（发件箱，管理员）")
    listing.set_defaults(run=cmd_list)
    deliver = actions.add_parser("deliver", parents=[common, printing], help="立即发送到期的待发通知",
                                 description="按邮件设置发送到期的待发通知；未开启邮件或收件人无邮箱时仅站内保存。")
    deliver.set_defaults(run=cmd_deliver)
    remind = actions.add_parser("remind", parents=[common, printing], help="写入到期的评审截止提醒并发送",
                                description="按邮件设置中的提醒天数，给尚有评分表未提交的专家写入截止提醒（每轮每天一次），然后发送。")
    remind.set_defaults(run=cmd_remind)

    mail = commands.add_parser("mail", help="邮件设置：查看、修改、发送测试邮件",
                               description="发信服务器（SMTP）设置。密码不存入数据库：设置环境变量 SCORING_SMTP_PASSWORD，"
                                           "或 .streamlit/secrets.toml 的 [smtp] password。")
    mail_actions = mail.add_subparsers(dest="mail_command", required=True, metavar="子命令")
    show = mail_actions.add_parser("show", parents=[common, printing], help="显示邮件设置", description="显示当前邮件设置（不含密码）。")
    show.set_defaults(run=cmd_mail_show)
    change = mail_actions.add_parser("set", parents=[common, printing], help="修改邮件设置（未给出的项保持不变）",
                                     description="修改邮件设置；未给出的项保持不变。")
    change.add_argument("--enabled", choices=["yes", "no"], help="是否发送邮件")
    change.add_argument("--host", help="SMTP 服务器")
    change.add_argument("--port", type=int, help="端口")
    change.add_argument("--security", choices=["不加密", "STARTTLS", "SSL/TLS"], help="加密方式")
    change.add_argument("--user", help="SMTP 用户名（不需要登录时给空字符串）")
    change.add_argument("--sender-address", help="发件人地址")
    change.add_argument("--sender-name", help="发件人名称")
    change.add_argument("--reminder-days", help="截止前几天提醒，逗号分隔，如 3,1")
    change.add_argument("--reason", required=True, help="理由（必填，记入审计日志）")
    change.set_defaults(run=cmd_mail_set)
    test = mail_actions.add_parser("test", parents=[common, printing], help="按当前设置发送一封测试邮件",
                                   description="按当前设置立即发送一封测试邮件，结果记入审计日志。")
    test.add_argument("--to", required=True, help="收件邮箱")
    test.set_defaults(run=cmd_mail_test)

    # `user set-email` belongs to the `user` group (scoring/cli/users.py, registered before this stage).
    user_actions = next(a for a in commands.choices["user"]._actions if isinstance(a, argparse._SubParsersAction))
    email = user_actions.add_parser("set-email", parents=[common, printing], help="设置账号的通知邮箱（空字符串清除）",
                                    description="设置或清除账号自己的通知邮箱；专家账号未设置时使用专家库中的邮箱。")
    email.add_argument("login", help="登录名")
    email.add_argument("email", help="电子邮箱，空字符串表示清除")
    email.add_argument("--reason", default="", help="说明，记入审计日志")
    email.set_defaults(run=cmd_set_email)


def _row(notice: outbox.Notice) -> dict:
    return notice.model_dump(mode="json", exclude={"body", "facts"})


def _line(notice: outbox.Notice) -> str:
    read = "未读" if notice.unread else "已读"
    error = f"  {notice.last_error}" if notice.last_error else ""
    return f"#{notice.notice_id}  {notice.created_at:%Y-%m-%d %H:%M}  {notice.recipient}  {read}  {notice.state}  " \
           f"{notice.subject}{error}"


def cmd_list(args) -> int:
    who = principal(args)
    with Storage(args.db) as storage:
        if args.all:
            found = outbox.outbox(storage, who, args.login)
        else:
            reader = who.model_copy(update={"login": (args.login or who.login).strip().lower()})
            found = outbox.notices_for(storage, reader)
    emit(args, [_row(n) for n in found], "\n".join(_line(n) for n in found) or "（没有消息）")
    return 0


def _report_text(report: outbox.DeliveryReport) -> str:
    lines = [f"已发送 {len(report.sent)} 条，仅站内 {len(report.in_app)} 条，发送失败待重试 {len(report.failed)} 条。"]
    return "\n".join(lines + report.errors)


def cmd_deliver(args) -> int:
    with Storage(args.db) as storage:
        report = outbox.deliver_pending(storage)
    emit(args, report.model_dump(mode="json"), _report_text(report))
    return 0


def cmd_remind(args) -> int:
    with Storage(args.db) as storage:
        written = reminders.send_due_reminders(storage, clock.now())
        report = outbox.deliver_pending(storage)
    emit(args, {"written": written, **report.model_dump(mode="json")},
         f"写入截止提醒 {len(written)} 条。\n" + _report_text(report))
    return 0


def _settings_text(settings: MailSettings) -> str:
    return "\n".join(f"{field.title}：{getattr(settings, name)}" for name, field in MailSettings.model_fields.items())


def cmd_mail_show(args) -> int:
    with Storage(args.db) as storage:
        settings = mail_settings(storage)
    emit(args, settings.model_dump(mode="json"), _settings_text(settings))
    return 0


def cmd_mail_set(args) -> int:
    with Storage(args.db) as storage:
        data = mail_settings(storage).model_dump(mode="json")
        given = {"host": args.host, "port": args.port, "security": args.security, "user": args.user,
                 "sender_address": args.sender_address, "sender_name": args.sender_name}
        data.update({k: v for k, v in given.items() if v is not None})
        if args.enabled is not None:
            data["enabled"] = args.enabled == "yes"
        if args.reminder_days is not None:
            data["reminder_days"] = [d.strip() for d in args.reminder_days.split(",") if d.strip()]
        settings = settings_from(data)
        set_mail_settings(storage, principal(args), settings, args.reason)
    emit(args, settings.model_dump(mode="json"), "已保存邮件设置：\n" + _settings_text(settings))
    return 0


def cmd_mail_test(args) -> int:
    with Storage(args.db) as storage:
        send_test(storage, principal(args), args.to)
    emit(args, {"sent": True, "to": args.to}, f"测试邮件已发送至 {args.to}。")
    return 0


def cmd_set_email(args) -> int:
    with Storage(args.db) as storage:
        used = addresses.set_address(storage, principal(args), args.login, args.email, args.reason)
    emit(args, {"login": args.login, "email": used}, f"{args.login} 的通知邮箱：{used or '（未设置，仅站内）'}")
    return 0
