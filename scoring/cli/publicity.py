"""The publicity stage on the command line: `publicity` (settings, period, holidays, preview, publish, withdraw,
show), `objections` (list, add, note, decide), `confirm`, `letters` and `export`."""
from __future__ import annotations

import argparse
from datetime import date
from decimal import Decimal, InvalidOperation
from pathlib import Path

from scoring.common import clock
from scoring.cli.base import CliError, Options, emit, principal
from scoring.publicity.confirmation import (
    LetterSettings,
    confirm_list,
    confirmation_blockers,
    confirmed_units,
    current_confirmation,
    document_numbers,
    letter_settings,
    save_letter_settings,
)
from scoring.documents.official import NOTICE_COLUMNS, ListColumn
from scoring.common.normalize import validated
from scoring.publicity.objections import (
    Objection,
    ObjectionDecision,
    ObjectionInput,
    ObjectorKind,
    add_note,
    decide_objection,
    objections,
    register_objection,
)
from scoring.publicity.notices import (
    NoticeSettings,
    PublishedNotice,
    notice_settings,
    notices,
    preview_notice,
    publish_notice,
    required_notice,
    save_notice_settings,
    withdraw_notice,
)
from scoring.publicity.files import (
    export_confirmed,
    export_list,
    export_notice,
    generate_letters,
    notice_bytes,
)
from scoring.storage import Storage
from scoring.publicity.workdays import WorkingPeriod, enter_year, entered_years, work_calendar, working_period, \
    year_holidays


def add_commands(commands, options: Options) -> None:
    common, printing, _ = options
    _add_publicity(commands, common, printing)
    _add_objections(commands, common, printing)
    _add_confirm(commands, common, printing)
    _add_letters(commands, common, printing)
    _add_export(commands, common, printing)


def _day(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"“{text}”不是日期，应写成 2023-06-05") from None


# --- publicity -----------------------------------------------------------------------------------------------------


NOTICE_OPTIONS = {"start": "start_date", "days": "working_days", "title": "title", "issuer": "issuer",
                  "issued_on": "issued_on", "basis": "basis", "procedure": "procedure"}
CONTACT_OPTIONS = ("person", "phone", "fax", "email", "address", "postcode")


def _add_publicity(commands, common, printing) -> None:
    group = commands.add_parser("publicity", help="公示：设置、工期计算、节假日、预览、发布、撤回、查看",
                                description="拟入选名单的公示。公示期按中国法定节假日和调休上班日计算工作日；"
                                            "系统未收录的年份须先用 publicity holidays 录入该年节假日安排。")
    actions = group.add_subparsers(dest="publicity_command", required=True, metavar="子命令")

    settings = actions.add_parser("settings", parents=[common, printing], help="查看或修改公示设置",
                                  description="不带选项时显示轮次的公示设置；给出选项时修改并保存（记入审计日志）。")
    settings.add_argument("round_id", help="轮次编号，如 2023-01")
    settings.add_argument("--start", type=_day, help="公示开始日期，如 2023-06-05")
    settings.add_argument("--days", type=int, help="公示期（工作日数，默认 5）")
    settings.add_argument("--title", help="公示标题（留空按批次年度生成）")
    settings.add_argument("--issuer", help="发布机关（默认辽宁省知识产权局）")
    settings.add_argument("--issued-on", type=_day, help="落款日期（默认公示开始日期）")
    settings.add_argument("--basis", help="依据（“根据《……》”）")
    settings.add_argument("--procedure", help="评审程序的表述")
    settings.add_argument("--columns", nargs="+", choices=[c.value for c in NOTICE_COLUMNS], metavar="列",
                          help="名单列：" + "、".join(c.value for c in NOTICE_COLUMNS) + "（序号、单位名称总会显示）")
    for option, label in zip(CONTACT_OPTIONS, ("联系人", "联系电话", "传真", "电子邮箱", "通讯地址", "邮政编码")):
        settings.add_argument(f"--{option}", help=f"异议受理的{label}")
    settings.set_defaults(run=cmd_settings)

    period = actions.add_parser("period", parents=[common, printing], help="计算公示期（工作日）",
                                description="从开始日期起数 N 个工作日，列出跳过的周末、节假日和计入的调休上班日。")
    period.add_argument("--start", type=_day, required=True, help="开始日期，如 2023-09-27")
    period.add_argument("--days", type=int, default=5, help="工作日数（默认 5）")
    period.set_defaults(run=cmd_period)

    holidays = actions.add_parser("holidays", parents=[common, printing], help="录入或查看某年节假日安排",
                                  description="chinesecalendar 未收录的年份（或须更正的年份），按国务院办公厅通知录入放假日期"
                                              "和调休上班日期；不带 --year 时列出已录入的年份。")
    holidays.add_argument("--year", type=int, help="年份，如 2027")
    holidays.add_argument("--holidays", default="", help="放假日期，逗号分隔，可写范围：2027-01-01, 2027-02-05~2027-02-11")
    holidays.add_argument("--workdays", default="", help="调休上班日期（周六或周日），逗号分隔")
    holidays.add_argument("--note", default="", help="依据，如国务院办公厅通知文号")
    holidays.add_argument("--batch", default=None, help="以哪个批次的工作人员身份录入（默认最新批次）")
    holidays.add_argument("--reason", default="", help="录入理由（必填）")
    holidays.set_defaults(run=cmd_holidays)

    preview = actions.add_parser("preview", parents=[common, printing], help="预览公示（不发布）",
                                 description="按当前设置和最新确定的拟入选名单生成公示草稿；--out 写出草稿文件"
                                             "（.docx/.pdf/.html，按后缀），不记入导出目录。")
    preview.add_argument("round_id", help="轮次编号，如 2023-01")
    preview.add_argument("--out", type=Path, help="草稿文件路径，如 草稿.pdf")
    preview.set_defaults(run=cmd_preview)

    publish = actions.add_parser("publish", parents=[common, printing], help="发布公示",
                                 description="按当前设置发布公示：公示文本、名单和公示期冻结为新版本，记入审计日志。")
    publish.add_argument("round_id", help="轮次编号，如 2023-01")
    publish.add_argument("--reason", default="", help="发布理由（必填）")
    publish.set_defaults(run=cmd_publish)

    withdraw = actions.add_parser("withdraw", parents=[common, printing], help="撤回公示",
                                  description="撤回发布中的公示（保留记录）；名单确认后不能撤回。")
    withdraw.add_argument("round_id", help="轮次编号，如 2023-01")
    withdraw.add_argument("--reason", default="", help="撤回理由（必填）")
    withdraw.set_defaults(run=cmd_withdraw)

    show = actions.add_parser("show", parents=[common, printing], help="查看已发布的公示",
                              description="列出轮次发布过的公示：版本、公示期、状态、单位数和内容哈希。")
    show.add_argument("round_id", help="轮次编号，如 2023-01")
    show.set_defaults(run=cmd_show)


def changed_settings(args, current: NoticeSettings) -> NoticeSettings | None:
    updates = {field: getattr(args, option) for option, field in NOTICE_OPTIONS.items()
               if getattr(args, option) is not None}
    if args.columns:
        updates["columns"] = [ListColumn(c) for c in args.columns]
    contact = {option: getattr(args, option) for option in CONTACT_OPTIONS if getattr(args, option) is not None}
    if contact:
        updates["contact"] = current.contact.model_copy(update=contact)
    if not updates:
        return None
    return validated(NoticeSettings, current.model_dump() | updates)


def settings_lines(settings: NoticeSettings) -> list[str]:
    contact = "；".join(settings.contact.lines()) or "（未填写）"
    return [f"标题：{settings.title or '（按批次年度生成）'}", f"公示期：{settings.working_days} 个工作日，自 "
            f"{settings.start_date or '（未填写开始日期）'} 起", f"名单列：{'、'.join(settings.columns)}",
            f"发布机关：{settings.issuer}　落款日期：{settings.issued_on or '公示开始日期'}", f"异议受理：{contact}"]


def cmd_settings(args) -> int:
    who = principal(args)
    with Storage(args.db) as storage:
        settings = notice_settings(storage, who, args.round_id)
        changed = changed_settings(args, settings)
        if changed is not None:
            settings = save_notice_settings(storage, who, args.round_id, changed)
    emit(args, settings.model_dump(mode="json"),
         "\n".join((["已保存公示设置："] if changed is not None else []) + settings_lines(settings)))
    return 0


def period_lines(period: WorkingPeriod) -> list[str]:
    lines = [f"公示期：{period.describe()}"]
    if period.start != period.requested_start:
        lines.append(f"  {period.requested_start} 不是工作日，从 {period.start} 起算。")
    lines += [f"  跳过 {day.describe()}" for day in period.skipped]
    lines += [f"  计入 {day.describe()}" for day in period.adjusted]
    lines.append("  节假日依据：" + "；".join(f"{year} 年 {source}" for year, source in sorted(period.sources.items())))
    return lines


def cmd_period(args) -> int:
    with Storage(args.db) as storage:
        period = working_period(work_calendar(storage), args.start, args.days)
    emit(args, period.model_dump(mode="json"), "\n".join(period_lines(period)))
    return 0


def cmd_holidays(args) -> int:
    who = principal(args)
    with Storage(args.db) as storage:
        if args.year is not None:
            batch = storage.get_batch(args.batch) if args.batch else storage.latest_batch()
            if batch is None:
                raise CliError("没有批次，无法确定录入人的权限。")
            year = year_holidays(args.year, args.holidays, args.workdays, args.note)
            enter_year(storage, who, batch.batch_id, year, args.reason)
        entered = entered_years(storage)
    emit(args, [y.model_dump(mode="json") for y in entered.values()],
         "\n".join(f"{y.year} 年：放假 {len(y.holidays)} 天，调休上班 {len(y.workdays)} 天"
                   + (f"（{y.note}）" if y.note else "") for y in entered.values()) or "尚未录入任何年份。")
    return 0


def notice_lines(document) -> list[str]:
    lines = [document.title, *document.body]
    lines += [f"  {'　'.join(unit.cell(c) for c in document.columns)}" for unit in document.units]
    lines += [*document.after_list, *document.contact.lines(), f"{document.issuer}　{document.issued_on}"]
    return lines


def cmd_preview(args) -> int:
    who = principal(args)
    with Storage(args.db) as storage:
        preview = preview_notice(storage, who, args.round_id)
    lines = ["公示草稿（尚未发布）：", *notice_lines(preview.document), "", *period_lines(preview.period)]
    if args.out:
        fmt = args.out.suffix.lstrip(".").lower()
        args.out.write_bytes(notice_bytes(preview.document, fmt))
        lines.append(f"草稿已写出：{args.out}")
    emit(args, preview.model_dump(mode="json"), "\n".join(lines))
    return 0


def notice_line(notice: PublishedNotice) -> str:
    status = notice.status(clock.today())
    extra = f"，撤回理由：{notice.withdraw_reason}" if notice.withdraw_reason else ""
    return (f"第 {notice.version} 版  {status}  公示期 {notice.start} 至 {notice.end}  {len(notice.units)} 个单位  "
            f"{notice.published_at:%Y-%m-%d %H:%M} 由 {notice.published_by} 发布{extra}  SHA-256 {notice.sha256[:16]}…")


def cmd_publish(args) -> int:
    who = principal(args)
    with Storage(args.db) as storage:
        notice = publish_notice(storage, who, args.round_id, notice_settings(storage, who, args.round_id),
                                args.reason)
    emit(args, notice.model_dump(mode="json"), "已发布公示：" + notice_line(notice))
    return 0


def cmd_withdraw(args) -> int:
    who = principal(args)
    with Storage(args.db) as storage:
        notice = withdraw_notice(storage, who, args.round_id, args.reason)
    emit(args, notice.model_dump(mode="json"), "已撤回公示：" + notice_line(notice))
    return 0


def cmd_show(args) -> int:
    who = principal(args)
    with Storage(args.db) as storage:
        published = notices(storage, who, args.round_id)
    emit(args, [n.model_dump(mode="json") for n in published],
         "\n".join(notice_line(n) for n in published) or "本轮次尚未发布公示。")
    return 0


# --- objections ----------------------------------------------------------------------------------------------------


def _add_objections(commands, common, printing) -> None:
    group = commands.add_parser("objections", help="异议登记与处理",
                                description="公示期间收到的异议：登记（匿名、逾期、无盖章或签名的记为不予受理并注明原因）、"
                                            "处理记录、作出成立或不成立的决定。")
    actions = group.add_subparsers(dest="objections_command", required=True, metavar="子命令")

    listing = actions.add_parser("list", parents=[common, printing], help="列出异议",
                                 description="列出轮次的全部异议及其受理情况、处理记录和决定。")
    listing.add_argument("round_id", help="轮次编号，如 2023-01")
    listing.set_defaults(run=cmd_objections_list)

    add = actions.add_parser("add", parents=[common, printing], help="登记一份异议",
                             description="登记收到的异议；是否受理按姓名、联系方式、收到日期和盖章或签名自动判定并说明原因。")
    add.add_argument("round_id", help="轮次编号，如 2023-01")
    add.add_argument("--received", type=_day, required=True, help="收到日期，如 2023-06-07")
    add.add_argument("--kind", choices=[k.value for k in ObjectorKind], required=True, metavar="类型",
                     help="异议人类型：单位 或 个人")
    add.add_argument("--name", default="", help="异议人（单位名称或真实姓名；匿名则不填）")
    add.add_argument("--phone", default="", help="联系电话")
    add.add_argument("--email", default="", help="电子邮箱")
    add.add_argument("--address", default="", help="通讯地址")
    add.add_argument("--sealed-or-signed", action="store_true", help="单位异议已加盖公章，或个人异议已签名")
    add.add_argument("--unit", required=True, metavar="代码", help="异议涉及单位的统一社会信用代码")
    add.add_argument("--content", required=True, help="异议内容")
    add.add_argument("--evidence", nargs="*", type=Path, default=[], metavar="文件", help="证明材料文件")
    add.set_defaults(run=cmd_objections_add)

    note = actions.add_parser("note", parents=[common, printing], help="添加处理记录",
                              description="为异议添加一条处理记录（调查核实情况）。")
    note.add_argument("objection_id", type=int, help="异议编号")
    note.add_argument("--text", required=True, help="处理记录")
    note.set_defaults(run=cmd_objections_note)

    decide = actions.add_parser("decide", parents=[common, printing], help="作出异议处理决定",
                                description="对受理的异议作出“异议成立”或“异议不成立”的决定并说明理由；异议成立的单位"
                                            "不进入确认名单。名单确认后不能再改变。")
    decide.add_argument("objection_id", type=int, help="异议编号")
    decide.add_argument("--decision", choices=[d.value for d in ObjectionDecision], required=True, metavar="决定",
                        help="异议成立 或 异议不成立")
    decide.add_argument("--reason", default="", help="决定理由（必填）")
    decide.set_defaults(run=cmd_objections_decide)


def objection_line(item: Objection) -> str:
    who = item.received.objector_name or "（匿名）"
    line = (f"第 {item.objection_id} 号  {item.status}  {item.received.received_on}  {item.received.objector_kind}"
            f" {who}  涉及：{item.unit_name}")
    if not item.accepted:
        line += f"  不予受理原因：{item.not_accepted_reason}"
    if item.decision:
        line += f"  理由：{item.decision_reason}（{item.decided_by}）"
    return line


def cmd_objections_list(args) -> int:
    who = principal(args)
    with Storage(args.db) as storage:
        register = objections(storage, who, args.round_id)
    emit(args, [o.model_dump(mode="json") for o in register],
         "\n".join(objection_line(o) for o in register) or "尚未收到异议。")
    return 0


def cmd_objections_add(args) -> int:
    who = principal(args)
    received = validated(ObjectionInput, {
        "received_on": args.received, "objector_kind": ObjectorKind(args.kind), "objector_name": args.name,
        "phone": args.phone, "email": args.email, "address": args.address, "sealed_or_signed": args.sealed_or_signed,
        "credit_code": args.unit.strip().upper(), "content": args.content})
    evidence = []
    for path in args.evidence:
        if not path.is_file():
            raise CliError(f"找不到证明材料文件：{path}")
        evidence.append((path.name, path.read_bytes()))
    with Storage(args.db) as storage:
        registered = register_objection(storage, who, args.round_id, received, evidence)
    emit(args, registered.model_dump(mode="json"), "已登记：" + objection_line(registered))
    return 0


def cmd_objections_note(args) -> int:
    who = principal(args)
    with Storage(args.db) as storage:
        noted = add_note(storage, who, args.objection_id, args.text)
    emit(args, noted.model_dump(mode="json"), f"已记录第 {noted.objection_id} 号异议的处理情况。")
    return 0


def cmd_objections_decide(args) -> int:
    who = principal(args)
    with Storage(args.db) as storage:
        decided = decide_objection(storage, who, args.objection_id, ObjectionDecision(args.decision), args.reason)
    emit(args, decided.model_dump(mode="json"), "已决定：" + objection_line(decided))
    return 0


# --- confirm -------------------------------------------------------------------------------------------------------


def _add_confirm(commands, common, printing) -> None:
    confirm = commands.add_parser("confirm", parents=[common, printing], help="公示期满后确认名单",
                                  description="列出将确认的名单（公示名单减去异议成立的单位）和尚不能确认的原因；"
                                              "加 --yes 与 --reason 确认（公示期满且异议均已处理后）。")
    confirm.add_argument("round_id", help="轮次编号，如 2023-01")
    confirm.add_argument("--yes", action="store_true", help="确认名单（不加时只预览）")
    confirm.add_argument("--reason", default="", help="确认理由（--yes 时必填）")
    confirm.set_defaults(run=cmd_confirm)


def cmd_confirm(args) -> int:
    who = principal(args)
    with Storage(args.db) as storage:
        if args.yes:
            done = confirm_list(storage, who, args.round_id, args.reason)
            units, removed, blockers, heading = done.units, done.removed, [], "已确认名单："
        else:
            notice = required_notice(storage, who, args.round_id)
            register = [o for o in objections(storage, who, args.round_id) if o.notice_version == notice.version]
            done = current_confirmation(storage, who, args.round_id)
            units, removed = (done.units, done.removed) if done else confirmed_units(notice.units, register)
            blockers = [] if done else confirmation_blockers(notice, register, clock.today())
            heading = "名单已确认：" if done else "将确认的名单（加 --yes 与 --reason 确认）："
    lines = [heading, *(f"  {u.order}. {u.unit_name}（{u.city}）" for u in units)]
    lines += [f"  不予确认：{r.unit_name}（异议成立：{'；'.join(r.reasons)}）" for r in removed]
    lines += [f"尚不能确认：{b}" for b in blockers]
    emit(args, {"units": [u.model_dump(mode="json") for u in units],
                "removed": [r.model_dump(mode="json") for r in removed], "blockers": blockers,
                "confirmed": bool(done)}, "\n".join(lines))
    return 0


# --- letters -------------------------------------------------------------------------------------------------------


LETTER_OPTIONS = {"prefix": "prefix", "first": "first_sequence", "number_year": "number_year", "title": "title",
                  "issued_on": "issued_on", "issuer": "issuer", "printer": "printer",
                  "copy_to_pattern": "copy_to_pattern"}


def _add_letters(commands, common, printing) -> None:
    letters = commands.add_parser("letters", parents=[common, printing], help="生成全部确认通知（.docx 与 .pdf）",
                                  description="为确认名单中的每个单位生成确认通知：文号按前缀与序号分配（一经分配不再改变、"
                                              "不重复使用），每个单位一份 .docx 和 .pdf，另有合并 PDF 和 zip 压缩包，写入 "
                                              "exports/<批次>/<轮次>/；给出选项时先保存通知设置。--show 只显示设置和已分配的文号。")
    letters.add_argument("round_id", help="轮次编号，如 2023-01")
    letters.add_argument("--prefix", help="发文字号前缀，如 辽知发")
    letters.add_argument("--first", type=int, help="起始序号（默认 1；已用过的序号不会再用）")
    letters.add_argument("--number-year", type=int, help="文号年份（默认成文日期的年份）")
    letters.add_argument("--title", help="通知标题（留空按批次年度生成）")
    letters.add_argument("--funding", help="启动资金（万元，可不填）")
    letters.add_argument("--issued-on", type=_day, help="成文日期（默认生成当天，之后保持不变）")
    letters.add_argument("--issuer", help="发文机关")
    letters.add_argument("--printer", help="印发机关")
    letters.add_argument("--copy-to-pattern", help="抄送，{city} 代表单位所在市，如 {city}知识产权局")
    letters.add_argument("--extra-copy-to", nargs="*", metavar="单位", help="其他抄送单位")
    letters.add_argument("--show", action="store_true", help="只显示设置和文号，不生成")
    letters.set_defaults(run=cmd_letters)


def changed_letter_settings(args, current: LetterSettings) -> LetterSettings | None:
    updates = {field: getattr(args, option) for option, field in LETTER_OPTIONS.items()
               if getattr(args, option) is not None}
    if args.funding is not None:
        try:
            updates["funding_wan"] = Decimal(args.funding) if args.funding.strip() else None
        except InvalidOperation:
            raise CliError(f"启动资金应为数字（万元）：{args.funding}") from None
    if args.extra_copy_to is not None:
        updates["extra_copy_to"] = args.extra_copy_to
    if not updates:
        return None
    return validated(LetterSettings, current.model_dump() | updates)


def cmd_letters(args) -> int:
    who = principal(args)
    with Storage(args.db) as storage:
        settings = letter_settings(storage, who, args.round_id)
        changed = changed_letter_settings(args, settings)
        if changed is not None:
            settings = save_letter_settings(storage, who, args.round_id, changed)
        if args.show:
            numbers = document_numbers(storage, who, args.round_id)
            emit(args, {"settings": settings.model_dump(mode="json"), "numbers": numbers},
                 "\n".join([f"前缀 {settings.prefix}，起始序号 {settings.first_sequence}，成文日期 "
                            f"{settings.issued_on or '（生成当天）'}，启动资金 {settings.funding_wan or '（未设）'} 万元",
                            *(f"  {code}  {number}" for code, number in numbers.items())]))
            return 0
        batch = generate_letters(storage, who, args.round_id)
    emit(args, {"folder": str(batch.folder), "letters": batch.letters, "zip": str(batch.archive.path),
                "merged": str(batch.merged.path), "files": [f.model_dump(mode="json") for f in batch.files]},
         "\n".join([f"已生成 {batch.letters} 份确认通知：{batch.folder}",
                    f"  合并 PDF：{batch.merged.path}", f"  压缩包：{batch.archive.path}（SHA-256 {batch.archive.sha256}）",
                    *(f"  {f.number}  {f.unit_name}" for f in batch.files[::2])]))
    return 0


# --- export --------------------------------------------------------------------------------------------------------


FORMATS = {"notice": ("docx", "pdf", "html"), "list": ("xlsx", "csv"), "confirmed": ("xlsx", "csv")}


def _add_export(commands, common, printing) -> None:
    export = commands.add_parser("export", parents=[common, printing], help="导出公示文件和名单",
                                 description="导出发布中的公示（.docx / .pdf / 网站用 .html）、公示名单或确认名单"
                                             "（.xlsx / .csv），写入 exports/<批次>/<轮次>/，文件哈希记入审计日志。")
    export.add_argument("round_id", help="轮次编号，如 2023-01")
    export.add_argument("--what", choices=list(FORMATS), default="notice", metavar="内容",
                        help="notice（公示，默认）、list（公示名单）或 confirmed（确认名单）")
    export.add_argument("--as", dest="fmt", choices=sorted({f for fs in FORMATS.values() for f in fs}), metavar="格式",
                        help="公示：docx（默认）、pdf、html；名单：xlsx（默认）、csv")
    export.set_defaults(run=cmd_export)


def cmd_export(args) -> int:
    who = principal(args)
    fmt = args.fmt or FORMATS[args.what][0]
    if fmt not in FORMATS[args.what]:
        raise CliError(f"{args.what} 可导出的格式为：{'、'.join(FORMATS[args.what])}")
    exporters = {"notice": export_notice, "list": export_list, "confirmed": export_confirmed}
    with Storage(args.db) as storage:
        written = exporters[args.what](storage, who, args.round_id, fmt)
    emit(args, {"path": str(written.path), "sha256": written.sha256, "kind": written.kind, "format": written.format},
         f"已导出：{written.path}（SHA-256 {written.sha256}，已记入审计日志）")
    return 0

