"""The `round`, `assign` and `assignment` command groups: review rounds, their assignment preview and commit, export."""
from __future__ import annotations

import argparse
from datetime import datetime
from pathlib import Path

from scoring.rounds import assignment, assignment_lists, review_rounds
from scoring.cli.base import CliError, Options, emit, principal, resolve_batch
from scoring.rounds.review_rounds import RoundKind, RoundMode
from scoring.storage import Storage

KIND_NAMES = {"selection": RoundKind.SELECTION, "annual": RoundKind.ANNUAL_ACCEPTANCE,
              "final": RoundKind.FINAL_EVALUATION, **{k.value: k for k in RoundKind}}
MODE_NAMES = {"panel": RoundMode.PANEL, "distributed": RoundMode.DISTRIBUTED, **{m.value: m for m in RoundMode}}
INFEASIBLE_EXIT = 1


def add_commands(commands, options: Options) -> None:
    common, printing, batch_arg = options
    _add_round(commands, common, printing, batch_arg)
    _add_assign(commands, common, printing)
    _add_assignment(commands, common, printing)


def _moment(text: str) -> datetime:
    try:
        return datetime.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"“{text}”不是可识别的时间，应写成 2023-07-01 或 2023-07-01T09:00") from None


def _add_round(commands, common, printing, batch_arg) -> None:
    group = commands.add_parser("round", help="评审轮次：新建、列出、结束评审",
                                description="管理批次的评审轮次（评审类型、评分标准、时间、分配方式、专家数与负荷）。")
    actions = group.add_subparsers(dest="round_command", required=True, metavar="子命令")

    create = actions.add_parser("create", parents=[common, printing, batch_arg], help="新建评审轮次",
                                description="为批次新建一个评审轮次，轮次编号按批次自动编排（如 2023-01）。"
                                            "评审组方式的评审组请在“评审轮次”页面或用 round panel 设置。")
    create.add_argument("--kind", required=True, choices=list(KIND_NAMES), metavar="类型",
                        help="评审类型：遴选 / 年度验收 / 综合评估（或 selection / annual / final）")
    create.add_argument("--year", type=int, help="验收/评估年度（年度验收、综合评估必填）")
    create.add_argument("--rubric", required=True, help="评分标准编号，如 selection-2023")
    create.add_argument("--mode", default="distributed", choices=list(MODE_NAMES), metavar="方式",
                        help="分配方式：分布式 / 评审组（或 distributed / panel，默认分布式）")
    create.add_argument("--k", type=int, default=5, help="每份申报书的评审专家数（默认5；评审组方式下为每份申报书至少需要的成员数）")
    create.add_argument("--min", dest="min_load", type=int,
                        help="每位专家评审数下限（分布式；默认按平均负荷取均衡值：平均数取整减1）")
    create.add_argument("--max", dest="max_load", type=int,
                        help="每位专家评审数上限（分布式；默认按平均负荷取均衡值：平均数向上取整加1）")
    create.add_argument("--opens", type=_moment, help="评审开始时间，如 2023-07-01T09:00")
    create.add_argument("--closes", type=_moment, help="评审截止时间，如 2023-07-15T17:00")
    create.add_argument("--title", default="", help="轮次名称（可选）")
    create.add_argument("--same-city", action="store_true", help="启用同城回避（默认关闭）")
    create.add_argument("--reason", default="", help="说明，记入审计日志")
    create.set_defaults(run=cmd_round_create)

    listing = actions.add_parser("list", parents=[common, printing], help="列出评审轮次",
                                 description="列出评审轮次；--batch 只列某批次。")
    listing.add_argument("--batch", help="批次编号（默认全部批次）")
    listing.set_defaults(run=cmd_round_list)

    panel = actions.add_parser("panel", parents=[common, printing], help="新增或替换评审组",
                               description="为评审轮次新增评审组，或替换同名评审组的成员与分组；必须给出理由。")
    panel.add_argument("round_id", help="轮次编号，如 2023-01")
    panel.add_argument("name", help="评审组名称，如 第一组")
    panel.add_argument("--members", required=True, help="成员专家编号，以逗号分隔")
    panel.add_argument("--fields", default="", help="按领域分组：专业领域，以逗号分隔")
    panel.add_argument("--applications", default="", help="工作人员指定的申报单位统一社会信用代码，以逗号分隔")
    panel.add_argument("--reason", required=True, help="理由（必填，记入审计日志）")
    panel.set_defaults(run=cmd_round_panel)


def _add_assign(commands, common, printing) -> None:
    assign = commands.add_parser("assign", parents=[common, printing], help="分配评审专家：预览、确认、回避后补充分配",
                                 description="不带 --commit 时只打印分配预览（变化、负荷、匹配度、缺额）；"
                                             "--commit 按预览确认分配；--rerun-uncovered 为回避后缺额的申报书补充分配，"
                                             "其余分配保持不变。无法满足全部约束时打印原因并以非零状态退出。")
    assign.add_argument("round_id", help="轮次编号，如 2023-01")
    assign.add_argument("--commit", action="store_true", help="确认并保存分配（须 --reason）")
    assign.add_argument("--rerun-uncovered", action="store_true", help="回避后补充分配并保存（须 --reason）")
    assign.add_argument("--reason", default="", help="理由（确认或补充分配时必填，记入审计日志）")
    assign.set_defaults(run=cmd_assign)


def _add_assignment(commands, common, printing) -> None:
    group = commands.add_parser("assignment", help="评审分配名单：导出",
                                description="导出已确认的评审分配名单。")
    actions = group.add_subparsers(dest="assignment_command", required=True, metavar="子命令")
    export = actions.add_parser("export", parents=[common, printing], help="导出评审分配名单(.xlsx)",
                                description="把已确认的分配写成 .xlsx（序号、申报单位、统一社会信用代码、推荐市局、专家、"
                                            "专家单位、匹配度、评审组），存于 exports/<批次>/<轮次>/（或环境变量 SCORING_EXPORTS 所指目录）"
                                            "并记入审计日志；"
                                            "给出 OUT 时另存一份到该路径。")
    export.add_argument("round_id", help="轮次编号，如 2023-01")
    export.add_argument("out", nargs="?", type=Path, help="另存路径（可选）")
    export.set_defaults(run=cmd_assignment_export)


# --- rounds --------------------------------------------------------------------------------


def cmd_round_create(args) -> int:
    with Storage(args.db) as storage:
        batch = resolve_batch(storage, args.batch)
        if args.min_load is None or args.max_load is None:
            low, high = assignment.suggested_load_bounds(storage, principal(args), batch.batch_id, args.k)
            args.min_load = low if args.min_load is None else args.min_load
            args.max_load = max(high, args.min_load) if args.max_load is None else args.max_load
        settings = review_rounds.round_settings({
            "batch_id": batch.batch_id, "title": args.title, "kind": KIND_NAMES[args.kind], "rubric_id": args.rubric,
            "year": args.year, "opens_at": args.opens, "closes_at": args.closes, "mode": MODE_NAMES[args.mode],
            "experts_per_application": args.k, "min_load": args.min_load, "max_load": args.max_load,
            "rules": {"same_city": args.same_city}})
        created = review_rounds.create_round(storage, principal(args), settings, args.reason)
    emit(args, created.model_dump(mode="json"), f"已新建评审轮次 {created.label}，评分标准 {created.rubric_id}。")
    return 0


def cmd_round_list(args) -> int:
    with Storage(args.db) as storage:
        listed = review_rounds.list_rounds(storage, principal(args), args.batch)
    lines = [f"{r.label}  批次 {r.batch_id}  评分标准 {r.rubric_id}  每份 {r.experts_per_application} 名专家"
             + (f"  负荷 {r.min_load}—{r.max_load}" if r.mode is RoundMode.DISTRIBUTED else f"  评审组 {len(r.panels)} 个")
             for r in listed]
    emit(args, [r.model_dump(mode="json") for r in listed], "\n".join(lines) or "（尚无评审轮次）")
    return 0


def _listed(text: str) -> list[str]:
    return [part.strip() for part in text.replace("，", ",").split(",") if part.strip()]


def cmd_round_panel(args) -> int:
    from scoring.common.disciplines import parse_discipline

    try:
        fields = [parse_discipline(f) for f in _listed(args.fields)]
    except ValueError as exc:
        raise CliError(str(exc)) from None
    who = principal(args)
    with Storage(args.db) as storage:
        review_round = review_rounds.get_round(storage, who, args.round_id)
        panel = review_rounds.panel_from({"name": args.name, "members": _listed(args.members), "fields": fields,
                                   "applications": _listed(args.applications)})
        panels = [p for p in review_round.panels if p.name != panel.name] + [panel]
        saved = review_rounds.update_round(storage, who, review_round.model_copy(update={"panels": panels}), args.reason)
    emit(args, saved.model_dump(mode="json"),
         f"评审轮次 {saved.round_id} 的评审组“{panel.name}”已保存：成员 {len(panel.members)} 名。")
    return 0


# --- assignment ----------------------------------------------------------------------------


def cmd_assign(args) -> int:
    if args.commit and args.rerun_uncovered:
        raise CliError("--commit 与 --rerun-uncovered 只能选一个。")
    if args.commit or args.rerun_uncovered:
        review_rounds.checked_reason(args.reason, "确认分配" if args.commit else "补充分配")
    who = principal(args)
    with Storage(args.db) as storage:
        if args.rerun_uncovered:
            return _rerun(args, storage, who)
        preview = assignment.preview_assignment(storage, who, args.round_id)
        if not preview.feasible:
            emit(args, preview.model_dump(mode="json"), preview_text(preview))
            return INFEASIBLE_EXIT
        if not args.commit:
            emit(args, preview.model_dump(mode="json"), preview_text(preview))
            return 0
        summary = assignment.commit_assignment(storage, who, args.round_id, preview, args.reason)
    emit(args, summary.model_dump(mode="json"), summary_text(summary))
    return 0


def _rerun(args, storage: Storage, who) -> int:
    preview = assignment.preview_rerun(storage, who, args.round_id)
    if not preview.feasible:
        emit(args, preview.model_dump(mode="json"), preview_text(preview))
        return INFEASIBLE_EXIT
    summary = assignment.rerun_uncovered(storage, who, args.round_id, args.reason)
    emit(args, summary.model_dump(mode="json"),
         summary_text(summary) if summary.added or summary.removed else "没有因回避而缺额的申报书，无需补充分配。")
    return 0


def preview_text(preview: assignment.AssignmentPreview) -> str:
    title = f"评审轮次 {preview.round_id}（{preview.mode}）{preview.kind}预览"
    if not preview.feasible:
        return "\n".join([f"{title}：无法满足全部约束，未生成分配。", *[f"  · {s}" for s in preview.shortfalls]])
    names, units = assignment_lists.preview_names(preview)
    loads = [load.load for load in preview.loads]
    fits = [f.mean_affinity for f in preview.fits if f.mean_affinity is not None]
    lines = [f"{title}：{len(preview.pairs)} 项分配，新增 {len(preview.added)} 项，移除 {len(preview.removed)} 项；"
             f"专家负荷 {min(loads, default=0)}—{max(loads, default=0)} 份，"
             f"平均匹配度 {sum(fits) / len(fits) if fits else 0:.0%}。", *preview.notes]
    if preview.optimality:
        lines.append(preview.optimality)
    by_app: dict[str, list[str]] = {}
    for pair in preview.pairs:
        by_app.setdefault(pair.credit_code, []).append(f"{names.get(pair.expert_id, pair.expert_id)}"
                                                       f"（{pair.affinity:.0%}）")
    lines += [f"  {units.get(code, code)}（{code}）：{'、'.join(experts)}" for code, experts in by_app.items()]
    lines += [f"  移除：{units.get(p.credit_code, p.credit_code)} — {names.get(p.expert_id, p.expert_id)}"
              for p in preview.removed]
    if preview.has_changes:
        lines.append("确认分配请加 --commit --reason 理由。")
    return "\n".join(lines)


def summary_text(summary: assignment.CommitSummary) -> str:
    return (f"评审轮次 {summary.round_id} 已确认{summary.kind}：共 {summary.pairs} 项分配，新增 {summary.added} 项，"
            f"移除 {summary.removed} 项（SHA-256 {summary.pairs_sha256[:16]}…）。")


def cmd_assignment_export(args) -> int:
    with Storage(args.db) as storage:
        exported = assignment_lists.export_assignment(storage, principal(args), args.round_id)
    if args.out:
        args.out.parent.mkdir(parents=True, exist_ok=True)
        args.out.write_bytes(exported.content)
    payload = {"path": str(exported.path), "copy": str(args.out) if args.out else None, "sha256": exported.sha256,
               "rows": exported.rows}
    emit(args, payload, f"评审分配名单（{exported.rows} 行）已写入 {exported.path}"
                        + (f"，并另存到 {args.out}" if args.out else "") + f"；SHA-256 {exported.sha256}")
    return 0
