"""The intake commands: the database and its batches, importing applications, the checks and their overrides."""
from __future__ import annotations

from datetime import date
from pathlib import Path

from scoring.cli.base import CliError, Options, emit, emit_import, principal, read_files, resolve_batch
from scoring.intake import applications, batches, overview, overrides
from scoring.common import audit
from scoring.common.models import AmountBasis, Batch, CheckId, Outcome
from scoring.storage import Storage


def add_commands(commands, options: Options) -> None:
    init = commands.add_parser("init", parents=[options.common, options.printing], help="建立数据库（可载入示例批次）",
                               description="建立数据库与批次；--sample 载入2023年示例批次。")
    init.add_argument("--sample", action="store_true", help="载入示例批次（48份申报书）")
    init.add_argument("--year", type=int, default=2023, help="不载入示例时建立的批次年度（默认2023）")
    init.set_defaults(run=cmd_init)

    batch_cmd = commands.add_parser("batch", parents=[options.common, options.printing, options.batch], help="查看、新建批次或修改批次设置",
                                    description="不带参数时列出全部批次；--create 新建批次；"
                                                "--amount-basis / --deadline 修改批次设置（须 --reason）并重新审查。")
    batch_cmd.add_argument("--create", type=int, metavar="年度", help="新建某年度批次（截止日期默认该年5月31日）")
    batch_cmd.add_argument("--amount-basis", choices=[b.value for b in AmountBasis], help="条件（三）转化金额口径")
    batch_cmd.add_argument("--deadline", type=date.fromisoformat, help="申报截止日期，如 2023-05-31")
    batch_cmd.add_argument("--reason", default="", help="修改理由（修改设置时必填）")
    batch_cmd.set_defaults(run=cmd_batch)

    imp = commands.add_parser("import", parents=[options.common, options.printing, options.batch], help="导入申报书（xlsx/json及附件）",
                              description="校验并导入申报书；有任何错误则不导入任何内容。")
    imp.add_argument("files", nargs="+", type=Path, help="导入模板工作簿(.xlsx)、JSON文件及其引用的附件")
    imp.add_argument("--reason", default="", help="导入说明，记入审计日志")
    imp.set_defaults(run=cmd_import)

    check = commands.add_parser("check", parents=[options.common, options.printing, options.batch], help="重新运行形式审查与申报条件审查",
                                description="对批次内全部申报书重新运行审查，并打印结果汇总。")
    check.set_defaults(run=cmd_check)

    lst = commands.add_parser("list", parents=[options.common, options.printing, options.batch], help="列出申报书及审查结果",
                              description="列出批次内的申报书、近三年数据与审查结果。")
    lst.add_argument("--city", help="按推荐市局筛选，如 大连市")
    lst.add_argument("--type", dest="unit_type", help="按单位类型筛选：高等学校 / 科研院所 / 其他")
    lst.add_argument("--result", choices=[o.value for o in Outcome], help="按审查结果筛选")
    lst.set_defaults(run=cmd_list)

    show = commands.add_parser("show", parents=[options.common, options.printing, options.batch], help="显示一份申报书及其审查结果",
                               description="显示一份申报书的全部内容、审查结果与人工判定。")
    show.add_argument("credit_code", help="统一社会信用代码")
    show.set_defaults(run=cmd_show)

    override = commands.add_parser("override", parents=[options.common, options.printing, options.batch], help="人工判定某项审查结果",
                                   description="以人工判定取代某项审查的计算结果；必须给出理由。--clear 撤销。")
    override.add_argument("credit_code", help="统一社会信用代码")
    override.add_argument("check", choices=[c.value for c in CheckId], help="审查项")
    override.add_argument("outcome", nargs="?", choices=[o.value for o in Outcome], help="判定结果")
    override.add_argument("--reason", required=True, help="理由（必填）")
    override.add_argument("--clear", action="store_true", help="撤销该项的人工判定")
    override.set_defaults(run=cmd_override)

    template = commands.add_parser("template", parents=[options.printing], help="生成导入模板(.xlsx)",
                                   description="生成申报书导入模板（含填表说明、数据验证与示例行）。")
    template.add_argument("out", type=Path, help="输出文件路径，如 申报书导入模板.xlsx")
    template.set_defaults(run=cmd_template)

    audit = commands.add_parser("audit", parents=[options.common, options.printing], help="查看审计日志",
                                description="按时间倒序列出审计日志。")
    audit.add_argument("--entity", help="只看某对象，如 batch/2023 或 application/2023/<信用代码>")
    audit.add_argument("--limit", type=int, default=50, help="条数（默认50）")
    audit.set_defaults(run=cmd_audit)


def cmd_init(args) -> int:
    with Storage(args.db) as storage:
        batch = batches.ensure_database(storage, principal(args), with_sample=args.sample, year=args.year)
        count = storage.count_applications(batch.batch_id)
    emit(args, {"db": str(args.db), "batch": batch.batch_id, "applications": count},
         f"数据库 {args.db} 已就绪：批次 {batch.batch_id}（{batch.title}），申报书 {count} 份。")
    return 0


def cmd_batch(args) -> int:
    with Storage(args.db) as storage:
        if args.create:
            created = Batch.for_year(args.create)
            if args.deadline:
                created = created.model_copy(update={"deadline": args.deadline})
            batches.create_batch(storage, principal(args), created, args.reason)
        elif args.amount_basis or args.deadline:
            batch = resolve_batch(storage, args.batch)
            basis = AmountBasis(args.amount_basis) if args.amount_basis else batch.settings.amount_basis
            changed = batch.model_copy(update={
                "settings": batch.settings.model_copy(update={"amount_basis": basis}),
                "deadline": args.deadline or batch.deadline,
            })
            batches.change_batch(storage, changed, principal(args), args.reason)
        listed = storage.list_batches()
    emit(args, [b.model_dump(mode="json") for b in listed],
         "\n".join(f"{b.batch_id}  {b.title}  截止 {b.deadline}  转化金额口径：{b.settings.amount_basis}" for b in listed))
    return 0


def cmd_import(args) -> int:
    from scoring.intake.importer import import_files

    files = read_files(args.files)
    with Storage(args.db) as storage:
        batch = resolve_batch(storage, args.batch)
        report = import_files(storage, batch, files, principal(args), args.reason)
    return emit_import(args, report, f"已导入批次 {batch.batch_id}：新增 {len(report.created)} 份，"
                                     f"更新 {len(report.updated)} 份，未变 {len(report.unchanged)} 份。")


def cmd_check(args) -> int:
    with Storage(args.db) as storage:
        batch = resolve_batch(storage, args.batch)
        batches.recheck_batch(storage, batch, principal(args))
        table = overview.application_table(storage, principal(args), batch)
    counts = overview.outcome_counts(table)
    emit(args, {"batch": batch.batch_id, "counts": counts},
         "\n".join([f"批次 {batch.batch_id} 审查完成，共 {len(table)} 份："]
                   + [f"  {outcome}：{n} 份" for outcome, n in counts.items()]))
    return 0


def cmd_list(args) -> int:
    with Storage(args.db) as storage:
        batch = resolve_batch(storage, args.batch)
        table = overview.application_table(storage, principal(args), batch)
    table = overview.filter_table(table, city=args.city, unit_type=args.unit_type, result=args.result)
    if args.format == "json":
        print(table.to_json(orient="records", force_ascii=False, date_format="iso"))
    else:
        columns = ["统一社会信用代码", "单位名称", "推荐市局", "单位类型", "审查结果"]
        print(table[columns].to_string(index=False) if len(table) else "（无符合条件的申报书）")
    return 0


def cmd_show(args) -> int:
    with Storage(args.db) as storage:
        batch = resolve_batch(storage, args.batch)
        app = applications.get_application(storage, principal(args), batch.batch_id, args.credit_code)
        report = applications.check_report(storage, principal(args), batch.batch_id, args.credit_code)
    payload = {"application": app.model_dump(mode="json"),
               "checks": report.model_dump(mode="json") if report else None,
               "overall": str(report.overall) if report else None}
    lines = [f"{app.basic.unit_name}（{app.credit_code}，{app.basic.unit_type}，{app.recommendation.city}）"]
    if report:
        lines.append(f"审查结果：{report.overall}")
        for item in report.results:
            lines.append(f"  [{item.outcome}] {item.computed.title}：" + " ".join(item.computed.reasons))
            if item.override:
                lines.append(f"      人工判定（{item.override.decided_by}，{item.override.decided_at:%Y-%m-%d %H:%M}）："
                             f"{item.override.reason}")
    emit(args, payload, "\n".join(lines))
    return 0


def cmd_override(args) -> int:
    with Storage(args.db) as storage:
        batch = resolve_batch(storage, args.batch)
        check = CheckId(args.check)
        if args.clear:
            overrides.clear_override(storage, principal(args), batch.batch_id, args.credit_code, check, args.reason)
            emit(args, {"cleared": True}, "已撤销人工判定。")
            return 0
        if not args.outcome:
            raise CliError("请给出判定结果（通过 / 不通过 / 需人工判定），或用 --clear 撤销。")
        result = overrides.override_check(storage, principal(args), batch.batch_id, args.credit_code, check,
                                              Outcome(args.outcome), args.reason)
    emit(args, result.model_dump(mode="json"), f"已记录人工判定：{result.outcome}（理由：{result.reason}）")
    return 0


def cmd_template(args) -> int:
    from scoring.documents.application_workbook import template_bytes

    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_bytes(template_bytes())
    emit(args, {"path": str(args.out)}, f"导入模板已写入 {args.out}")
    return 0


def cmd_audit(args) -> int:
    with Storage(args.db) as storage:
        entries = audit.read_audit_log(storage, principal(args), entity=args.entity, limit=args.limit)
    emit(args, [e.model_dump(mode="json") for e in entries],
         "\n".join(f"{e.at:%Y-%m-%d %H:%M:%S}  {e.actor}  {e.action}  {e.entity}  {e.reason}" for e in entries))
    return 0


