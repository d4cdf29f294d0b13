"""The `form` command group: the 申报书 as Word or PDF (an imported application, or the blank template), and reading a
filled Word form back to check it before an import."""
from __future__ import annotations

from pathlib import Path

from scoring.cli.base import CliError, Options, emit, principal, resolve_batch
from scoring.documents.application_form_docx import form_docx, read_form_docx
from scoring.documents.application_form_pdf import form_pdf
from scoring.intake.applications import get_application
from scoring.storage import Storage


def add_commands(commands, options: Options) -> None:
    common, printing, batch = options
    group = commands.add_parser("form", help="申报书（Word/PDF）：导出已导入的申报书、空白模板，读取填好的 Word 申报书",
                                description="按申报指南的申报书格式生成 Word 或 PDF（供打印、签字、盖章），"
                                            "或读取按本系统模板填好的 Word 申报书。")
    actions = group.add_subparsers(dest="form_command", required=True, metavar="子命令")
    for name, helptext, run in (("docx", "导出已导入的申报书（Word）", cmd_docx),
                                ("pdf", "导出已导入的申报书（PDF）", cmd_pdf)):
        sub = actions.add_parser(name, parents=[common, printing], help=helptext, description=helptext + "。")
        sub.add_argument("batch", help="批次编号")
        sub.add_argument("credit_code", help="统一社会信用代码")
        sub.add_argument("-o", "--out", required=True, type=Path, help="输出文件路径")
        sub.set_defaults(run=run)
    blank = actions.add_parser("blank", parents=[common, printing, batch], help="生成空白申报书模板（Word，或 --pdf）",
                               description="生成空白申报书：各年度表按批次的近三年各留一行。默认 Word，--pdf 生成 PDF。")
    blank.add_argument("-o", "--out", required=True, type=Path, help="输出文件路径")
    blank.add_argument("--pdf", action="store_true", help="生成 PDF 而不是 Word")
    blank.set_defaults(run=cmd_blank)
    read = actions.add_parser("read", parents=[common, printing], help="读取填好的 Word 申报书并检查",
                              description="读取按本系统模板填好的 Word 申报书：无错误时打印申报书（JSON），"
                                          "有错误时逐条列出位置与原因并以状态 1 退出。不写入数据库。")
    read.add_argument("file", type=Path, help="填好的申报书 .docx")
    read.add_argument("--batch", required=True, help="批次编号")
    read.set_defaults(run=cmd_read)


def _export(args, render) -> int:
    with Storage(args.db) as storage:
        batch = resolve_batch(storage, args.batch)
        application = get_application(storage, principal(args), batch.batch_id, args.credit_code.strip().upper())
    content = render(application, batch.title, batch.window)
    args.out.write_bytes(content)
    emit(args, {"file": str(args.out), "bytes": len(content)},
         f"已生成 {application.basic.unit_name} 的申报书：{args.out}")
    return 0


def cmd_docx(args) -> int:
    return _export(args, form_docx)


def cmd_pdf(args) -> int:
    return _export(args, form_pdf)


def cmd_blank(args) -> int:
    with Storage(args.db) as storage:
        batch = resolve_batch(storage, args.batch)
    content = (form_pdf if args.pdf else form_docx)(None, batch.title, batch.window)
    args.out.write_bytes(content)
    emit(args, {"file": str(args.out), "bytes": len(content)}, f"已生成空白申报书：{args.out}")
    return 0


def cmd_read(args) -> int:
    if not args.file.is_file():
        raise CliError(f"找不到文件 {args.file}")
    parsed = read_form_docx(args.file.read_bytes(), args.file.name, args.batch)
    if parsed.errors:
        emit(args, {"issues": [i.model_dump(mode="json") for i in parsed.issues]},
             "\n".join(str(i) for i in parsed.issues) + f"\n发现 {len(parsed.errors)} 个错误。")
        return 1
    application = parsed.applications[0]
    files = [{"kind": r.kind.value, "filename": r.filename} for r in parsed.references]
    payload = {"application": application.model_dump(mode="json"), "attachments": files,
               "warnings": [str(i) for i in parsed.warnings]}
    emit(args, payload, "\n".join([*(str(i) for i in parsed.warnings), application.model_dump_json(indent=2)]))
    return 0
