"""The meeting and the shortlist on the command line: `decide` (previewed, recorded with --yes), `shortlist`
(propose, freeze, versions), `ranking-export` (the ranking .xlsx, the panel summary .pdf/.docx) and `rate`
(履职评价)."""
from __future__ import annotations

from decimal import Decimal, InvalidOperation

from scoring.cli.base import CliError, Options, code_pairs, emit, principal
from scoring.experts.ratings import Rating, rate_expert, round_work
from scoring.common.normalize import validated
from scoring.results.meeting import Decision, DecisionChange, DecisionRequest, preview_decisions, record_decisions, \
    top_selected
from scoring.results.ranking_files import export_panel_summary, export_ranking, export_shortlist
from scoring.results.ranking import round_ranking
from scoring.review.rubrics import points_text
from scoring.results.shortlist import Proposal, Shortlist, ShortlistMode, ShortlistRule, freeze_shortlist, proposal, \
    shortlists
from scoring.storage import Storage


def add_commands(commands, options: Options) -> None:
    common, printing, _ = options
    decide = commands.add_parser("decide", parents=[common, printing], help="记录会议决定（入选/不入选/待定）",
                                 description="记录会议研究的决定。先列出将发生的每项变化（名次、原决定、新决定、是否与排名"
                                             "不一致）；加 --yes 才记录。与排名不一致的决定须用 --reason-for 单独说明理由。")
    decide.add_argument("round_id", help="轮次编号，如 2023-01")
    decide.add_argument("--select", nargs="*", default=[], metavar="代码", help="入选的申报单位统一社会信用代码")
    decide.add_argument("--reject", nargs="*", default=[], metavar="代码", help="不入选的申报单位统一社会信用代码")
    decide.add_argument("--pending", nargs="*", default=[], metavar="代码", help="待定的申报单位统一社会信用代码")
    decide.add_argument("--top", type=int, metavar="N", help="批量：排名前 N 名入选，其余已排名的不入选")
    decide.add_argument("--reason", default="", help="决定理由（批量决定共用；必填）")
    decide.add_argument("--reason-for", action="append", default=[], metavar="代码=理由",
                        help="某一单位的单独理由；与排名不一致的决定必须给出，可重复")
    decide.add_argument("--yes", action="store_true", help="确认并记录（不加时只列出将发生的变化）")
    decide.set_defaults(run=cmd_decide)

    short = commands.add_parser("shortlist", parents=[common, printing], help="拟入选名单：按规则生成、确定、查看版本",
                                description="按规则（前N名 / 分数线 / 按会议决定，可加每市名额上限）生成拟入选名单，"
                                            "会议决定优先；加 --freeze 与 --reason 确定为新版本（记录内容哈希、操作人、时间），"
                                            "旧版本保留。--versions 列出已确定的各版本。")
    short.add_argument("round_id", help="轮次编号，如 2023-01")
    short.add_argument("--mode", choices=[m.value for m in ShortlistMode], default=ShortlistMode.TOP_N.value,
                       metavar="规则", help="前N名 / 分数线 / 按会议决定（默认前N名）")
    short.add_argument("--top", type=int, metavar="N", help="前N名规则的名额")
    short.add_argument("--threshold", metavar="分数", help="分数线规则：最终得分不低于此分")
    short.add_argument("--per-city", type=int, metavar="N", help="每市名额上限（可选）")
    short.add_argument("--freeze", action="store_true", help="确定为新版本")
    short.add_argument("--reason", default="", help="确定的理由（--freeze 时必填）")
    short.add_argument("--versions", action="store_true", help="只列出已确定的版本")
    short.set_defaults(run=cmd_shortlist)

    export = commands.add_parser("ranking-export", parents=[common, printing], help="导出排名表与专家组评分汇总表",
                                 description="把评审轮次的排名表、最新确定的拟入选名单导出为 .xlsx，把专家组评分汇总表（各专家总分、去掉的最高最低分、"
                                             "平均分、加分、最终得分、排名、专家组成员签名栏）导出为 PDF 或 .docx；文件写入 "
                                             "exports/<批次>/<轮次>/，其哈希记入审计日志。")
    export.add_argument("round_id", help="轮次编号，如 2023-01")
    export.add_argument("--what", choices=["ranking", "summary", "shortlist"], default="ranking", metavar="内容",
                        help="ranking（排名表 .xlsx，默认）、summary（专家组评分汇总表）或 shortlist（最新确定的拟入选名单 .xlsx）")
    export.add_argument("--as", dest="fmt", choices=["pdf", "docx"], default="pdf", metavar="格式",
                        help="汇总表的格式：pdf（默认）或 docx")
    export.set_defaults(run=cmd_ranking_export)

    rate = commands.add_parser("rate", parents=[common, printing], help="专家履职评价",
                               description="列出评审轮次中每位专家的履职数据（按时提交、逾期、回避、被退回、评语覆盖）；"
                                           "给出 --expert、--rating 与 --note 时记录对该专家的评价，保留在专家记录中。")
    rate.add_argument("round_id", help="轮次编号，如 2023-01")
    rate.add_argument("--expert", help="专家编号")
    rate.add_argument("--rating", choices=[r.value for r in Rating], metavar="评价", help="优秀 / 合格 / 基本合格 / 不合格")
    rate.add_argument("--note", default="", help="评价说明（必填）")
    rate.set_defaults(run=cmd_rate)


# --- decide ------------------------------------------------------------------------------------


def _requests(args, storage: Storage, who) -> list[DecisionRequest]:
    reasons = code_pairs(args.reason_for, "--reason-for", "理由")
    requests = []
    if args.top:
        requests += top_selected(round_ranking(storage, who, args.round_id).rows, args.top)
    for decision, codes in ((Decision.SELECTED, args.select), (Decision.NOT_SELECTED, args.reject),
                            (Decision.PENDING, args.pending)):
        requests += [DecisionRequest(credit_code=code, decision=decision) for code in codes]
    if not requests:
        raise CliError("请用 --top、--select、--reject 或 --pending 指定要记录的决定。")
    by_code = {r.credit_code.upper(): r for r in requests}  # a named code overrides the bulk decision
    return [r.model_copy(update={"reason": reasons.get(code, "")}) for code, r in by_code.items()]


def change_line(change: DecisionChange) -> str:
    mark = "  ※与排名不一致" if change.against_ranking else ""
    return (f"  第 {change.rank or '—'} 名  {change.unit_name}（{change.credit_code}）  "
            f"{change.before or '（未决定）'} → {change.after}{mark}" + (f"  理由：{change.reason}" if change.reason else ""))


def cmd_decide(args) -> int:
    who = principal(args)
    with Storage(args.db) as storage:
        requests = _requests(args, storage, who)
        if args.yes:
            changes = record_decisions(storage, who, args.round_id, requests, args.reason)
            heading = f"已记录 {len(changes)} 项会议决定："
        else:
            changes = preview_decisions(storage, who, args.round_id, requests)
            heading = f"将记录 {len(changes)} 项会议决定（加 --yes 确认）："
    emit(args, {"recorded": args.yes, "changes": [c.model_dump(mode="json") for c in changes]},
         "\n".join([heading] + [change_line(c) for c in changes]))
    return 0


# --- shortlist ---------------------------------------------------------------------------------


def _rule(args) -> ShortlistRule:
    try:
        threshold = Decimal(args.threshold) if args.threshold else None
    except InvalidOperation:
        raise CliError(f"分数线应为数字：{args.threshold}") from None
    return validated(ShortlistRule, {"mode": ShortlistMode(args.mode), "top_n": args.top, "threshold": threshold,
                                     "per_city_limit": args.per_city})


def entries_text(entries) -> list[str]:
    return [f"  {e.order}. {e.unit_name}  {e.unit_type}  {e.city}  "
            f"{points_text(e.final) if e.final is not None else '—'} 分  第 {e.rank or '—'} 名  {e.basis}"
            for e in entries]


def version_text(version: Shortlist) -> list[str]:
    return [f"第 {version.version} 版  {version.created_at:%Y-%m-%d %H:%M}  {version.created_by}  "
            f"{version.rule.describe()}  {len(version.entries)} 个单位  SHA-256 {version.sha256[:16]}…  "
            f"理由：{version.reason}"]


def cmd_shortlist(args) -> int:
    who = principal(args)
    with Storage(args.db) as storage:
        if args.versions:
            versions = shortlists(storage, who, args.round_id)
            emit(args, [v.model_dump(mode="json") for v in versions],
                 "\n".join(line for v in versions for line in version_text(v)) or "尚未确定拟入选名单。")
            return 0
        rule = _rule(args)
        if args.freeze:
            frozen = freeze_shortlist(storage, who, args.round_id, rule, args.reason)
            emit(args, frozen.model_dump(mode="json"),
                 "\n".join(["已确定拟入选名单：", *version_text(frozen), *entries_text(frozen.entries)]))
            return 0
        proposed: Proposal = proposal(storage, who, args.round_id, rule)
    lines = [f"按规则“{rule.describe()}”的拟入选名单（{len(proposed.entries)} 个单位，尚未确定）：",
             *entries_text(proposed.entries), *(f"提示：{w}" for w in proposed.warnings)]
    if proposed.pending:
        lines.append("待定（须先决定才能确定名单）：" + "、".join(proposed.pending))
    emit(args, proposed.model_dump(mode="json"), "\n".join(lines))
    return 0


# --- exports ------------------------------------------------------------------------------------


def cmd_ranking_export(args) -> int:
    who = principal(args)
    with Storage(args.db) as storage:
        if args.what == "ranking":
            written = export_ranking(storage, who, args.round_id)
        elif args.what == "shortlist":
            written = export_shortlist(storage, who, args.round_id)
        else:
            written = export_panel_summary(storage, who, args.round_id, args.fmt)
    emit(args, {"path": str(written.path), "sha256": written.sha256, "kind": args.what, "format": written.format},
         f"已导出：{written.path}（SHA-256 {written.sha256}，已记入审计日志）")
    return 0


# --- rate --------------------------------------------------------------------------------------


def cmd_rate(args) -> int:
    who = principal(args)
    with Storage(args.db) as storage:
        if args.expert and args.rating:
            rated = rate_expert(storage, who, args.round_id, args.expert, Rating(args.rating), args.note)
            emit(args, rated.model_dump(mode="json"),
                 f"已记录专家 {rated.expert_id} 的履职评价：{rated.rating}（{rated.figures.summary()}）。")
            return 0
        if args.expert or args.rating:
            raise CliError("记录评价须同时给出 --expert、--rating 与 --note。")
        work = round_work(storage, who, args.round_id)
    emit(args, [{**w.model_dump(mode="json"), "on_time": w.on_time, "comment_share": round(w.comment_share, 4)}
                for w in work],
         "\n".join(f"  {w.expert_id}  {w.summary()}" for w in work) or "该轮次没有分配专家。")
    return 0
