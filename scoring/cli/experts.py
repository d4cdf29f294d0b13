"""The `experts` and `conflicts` command groups: the expert pool, its import template, and the conflict report."""
from __future__ import annotations

from collections import Counter
from pathlib import Path

from pydantic import ValidationError

from scoring.experts import pool
from scoring.cli.base import CliError, Options, emit, emit_import, principal, read_files, resolve_batch
from scoring.documents.expert_workbook import expert_template_bytes
from scoring.common.models import ConflictRules, ConflictSource
from scoring.storage import Storage


def add_commands(commands, options: Options) -> None:
    common, printing, batch_arg = options
    _add_experts(commands, common, printing)
    _add_conflicts(commands, common, printing, batch_arg)


def _add_experts(commands, common, printing) -> None:
    group = commands.add_parser("experts", help="专家库：导入模板、导入、列出、导出、停用",
                                description="管理评审专家库。命令行在服务器上运行，视为系统管理员操作。")
    actions = group.add_subparsers(dest="experts_command", required=True, metavar="子命令")

    template = actions.add_parser("template", parents=[printing], help="生成专家导入模板(.xlsx)",
                                  description="生成专家导入模板（填表说明、专业领域目录、数据验证与示例行）。")
    template.add_argument("out", type=Path, help="输出文件路径，如 专家导入模板.xlsx")
    template.set_defaults(run=cmd_template)

    imp = actions.add_parser("import", parents=[common, printing], help="导入专家（xlsx/csv）",
                             description="校验并导入专家、兼职与工作经历、回避关系；有任何错误则不导入任何内容。"
                                         "CSV 每张表一个文件，第一行为列名。")
    imp.add_argument("files", nargs="+", type=Path, help="专家导入模板工作簿(.xlsx)或 CSV 文件")
    imp.add_argument("--reason", default="", help="导入说明，记入审计日志")
    imp.set_defaults(run=cmd_import)

    listing = actions.add_parser("list", parents=[common, printing], help="列出专家",
                                 description="按专家编号列出专家库；--all 时包括已停用的专家。")
    listing.add_argument("--all", action="store_true", help="包括已停用的专家")
    listing.set_defaults(run=cmd_list)

    export = actions.add_parser("export", parents=[common, printing], help="导出专家库为导入模板格式(.xlsx)",
                                description="把专家库（含兼职与工作经历、回避关系）写成导入模板格式，可修改后再次导入。")
    export.add_argument("out", type=Path, help="输出文件路径")
    export.add_argument("--all", action="store_true", help="包括已停用的专家")
    export.set_defaults(run=cmd_export)

    deactivate = actions.add_parser("deactivate", parents=[common, printing], help="停用专家",
                                    description="停用一位专家：保留其信息与历史，不再参加分配；必须给出理由。")
    deactivate.add_argument("expert_id", help="专家编号")
    deactivate.add_argument("--reason", required=True, help="理由（必填，记入审计日志）")
    deactivate.set_defaults(run=cmd_deactivate)

    accounts = actions.add_parser("accounts", parents=[common, printing], help="为专家开通登录账号",
                                  description="为尚无账号的专家开通账号（登录名为专家编号的小写），打印一次性的初始密码"
                                              "或登录链接令牌，供工作人员分发；已有账号的专家不受影响。")
    accounts.add_argument("expert_ids", nargs="*", help="专家编号（不填则为全部在库且可参评的专家）")
    accounts.add_argument("--link", action="store_true", help="发放一次性登录链接令牌，而不是初始密码")
    accounts.set_defaults(run=cmd_accounts)


def _add_conflicts(commands, common, printing, batch_arg) -> None:
    group = commands.add_parser("conflicts", help="回避关系：回避报告、登记与撤销回避关系",
                                description="按回避规则列出批次内每一对需回避的专家与申报单位，或登记、撤销回避关系。")
    actions = group.add_subparsers(dest="conflicts_command", required=True, metavar="子命令")

    report = actions.add_parser("report", parents=[common, printing, batch_arg], help="回避报告",
                                description="列出批次内每一对需回避的专家与申报单位及其原因（在分配之前即可运行）。"
                                            "默认规则：本单位、近3年兼职与工作经历、登记的回避关系、评审中主动回避；同城回避默认关闭。")
    report.add_argument("--same-city", action="store_true", help="启用同城回避")
    report.add_argument("--affiliation-years", type=int, default=3, metavar="年数",
                        help="兼职与工作经历的回避年限（默认3，0为不按此回避）")
    report.add_argument("--no-own-unit", action="store_true", help="不按本单位回避")
    report.add_argument("--no-declared", action="store_true", help="不按登记的回避关系回避")
    report.add_argument("--no-recusals", action="store_true", help="不按评审中主动回避")
    report.set_defaults(run=cmd_report)

    declare = actions.add_parser("declare", parents=[common, printing], help="登记回避关系",
                                 description="登记一位专家不得评审某申报单位（如近亲属在该单位任职）；必须给出原因。")
    declare.add_argument("expert_id", help="专家编号")
    declare.add_argument("credit_code", help="申报单位统一社会信用代码")
    declare.add_argument("--reason", required=True, help="回避原因（必填）")
    declare.add_argument("--by-expert", action="store_true", help="由专家本人申报（来源记为“专家申报”）")
    declare.set_defaults(run=cmd_declare)

    withdraw = actions.add_parser("withdraw", parents=[common, printing], help="撤销回避关系",
                                  description="撤销一项登记的回避关系（如登记有误）；保留记录，必须给出理由。")
    withdraw.add_argument("expert_id", help="专家编号")
    withdraw.add_argument("credit_code", help="申报单位统一社会信用代码")
    withdraw.add_argument("--reason", required=True, help="理由（必填）")
    withdraw.set_defaults(run=cmd_withdraw)


# --- experts -------------------------------------------------------------------------------


def cmd_template(args) -> int:
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_bytes(expert_template_bytes())
    emit(args, {"path": str(args.out)}, f"专家导入模板已写入 {args.out}")
    return 0


def cmd_import(args) -> int:
    files = read_files(args.files)
    with Storage(args.db) as storage:
        report = pool.import_experts(storage, principal(args), files, args.reason)
    return emit_import(args, report, f"已导入专家：新增 {len(report.created)} 位，更新 {len(report.updated)} 位，"
                                     f"未变 {len(report.unchanged)} 位；新登记回避关系 {report.pairs_added} 项"
                                     f"（已登记过的 {report.pairs_known} 项未重复登记）。")


def cmd_list(args) -> int:
    with Storage(args.db) as storage:
        experts = pool.list_experts(storage, principal(args), include_inactive=args.all)
    lines = [f"{e.expert_id}  {e.name}  {e.unit}  {e.title}  {'、'.join(e.disciplines)}  {e.city}"
             f"{'' if e.available else '  （本轮不可参评）'}{'' if e.active else '  （已停用）'}" for e in experts]
    emit(args, [e.model_dump(mode="json") for e in experts], "\n".join(lines) or "（专家库为空）")
    return 0


def cmd_export(args) -> int:
    with Storage(args.db) as storage:
        content = pool.expert_workbook(storage, principal(args), include_inactive=args.all)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_bytes(content)
    emit(args, {"path": str(args.out)}, f"专家库已导出到 {args.out}")
    return 0


def cmd_deactivate(args) -> int:
    with Storage(args.db) as storage:
        expert = pool.deactivate_expert(storage, principal(args), args.expert_id, args.reason)
    emit(args, expert.model_dump(mode="json"), f"已停用专家{expert.name}（{expert.expert_id}），理由：{args.reason}")
    return 0


def cmd_accounts(args) -> int:
    with Storage(args.db) as storage:
        acting = principal(args)
        ids = args.expert_ids or [e.expert_id for e in pool.list_experts(storage, acting) if e.available]
        issued = pool.open_expert_accounts(storage, acting, ids, "一次性登录链接" if args.link else "初始密码")
    emit(args, [{"name": n, "login": login, "secret": secret} for n, login, secret in issued],
         "\n".join([f"{n}\t{login}\t{secret}" for n, login, secret in issued]
                   + [f"已开通 {len(issued)} 个专家账号（凭据只显示这一次，请妥善分发）。"]))
    return 0


# --- conflicts -----------------------------------------------------------------------------


def rules_from(args) -> ConflictRules:
    return ConflictRules(own_unit=not args.no_own_unit, affiliations_within_years=args.affiliation_years,
                         declared_pairs=not args.no_declared, same_city=args.same_city, recusals=not args.no_recusals)


def cmd_report(args) -> int:
    try:
        rules = rules_from(args)
    except ValidationError:
        raise CliError("兼职与工作经历的回避年限应为0至10之间的整数。") from None
    who = principal(args)
    with Storage(args.db) as storage:
        batch = resolve_batch(storage, args.batch)
        conflicts = pool.conflict_report(storage, who, batch.batch_id, rules)
        names = {e.expert_id: e.name for e in pool.list_experts(storage, who)}
        units = {a.credit_code: a.basic.unit_name for a in storage.list_applications(batch.batch_id)}
    payload = {"batch": batch.batch_id, "rules": rules.model_dump(),
               "conflicts": [{**c.model_dump(mode="json"), "expert_name": names.get(c.expert_id, ""),
                              "unit_name": units.get(c.credit_code, "")} for c in conflicts]}
    counts = Counter(c.rule for c in conflicts)
    pairs = len({(c.expert_id, c.credit_code) for c in conflicts})
    lines = [f"[{c.rule}] {c.expert_id} × {c.credit_code}：{c.reason}" for c in conflicts]
    lines.append(f"批次 {batch.batch_id}：需回避 {pairs} 对（" +
                 ("，".join(f"{rule} {n}" for rule, n in counts.items()) or "无") + "）。")
    emit(args, payload, "\n".join(lines))
    return 0


def cmd_declare(args) -> int:
    source = ConflictSource.EXPERT if args.by_expert else ConflictSource.STAFF
    with Storage(args.db) as storage:
        pair = pool.declare_conflict(storage, principal(args), args.expert_id, args.credit_code, args.reason, source)
    emit(args, pair.model_dump(mode="json"),
         f"已登记回避关系：专家 {pair.expert_id} 不评审统一社会信用代码为 {pair.credit_code} 的单位（{pair.reason}）")
    return 0


def cmd_withdraw(args) -> int:
    with Storage(args.db) as storage:
        pool.withdraw_conflict(storage, principal(args), args.expert_id, args.credit_code, args.reason)
    emit(args, {"withdrawn": True}, "已撤销该回避关系。")
    return 0
