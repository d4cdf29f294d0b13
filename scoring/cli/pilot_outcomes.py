"""The `pilot` group's commands of the acceptance and final rounds: staff record a funds finding, read the proposed
outcomes, record the meeting's decisions, publish them, and write the letters, the results list and the final list."""
from __future__ import annotations

from datetime import date
from pathlib import Path

from scoring.cli.base import CliError, Options, code_pairs, emit, principal
from scoring.common import clock
from scoring.pilots import outcome_files, outcomes
from scoring.storage import Storage


def add_actions(actions, options: Options) -> None:
    common, printing, _ = options
    finding = actions.add_parser("funds-finding", parents=[common, printing], help="认定某年度启动资金使用情况",
                                 description="记录工作人员对试点某年度启动资金使用的认定；违规使用的，验收结果按评分标准定为不合格。")
    finding.add_argument("batch", help="批次编号")
    finding.add_argument("credit_code", help="试点单位统一社会信用代码")
    finding.add_argument("--year", type=int, required=True, help="年度")
    finding.add_argument("--misused", action="store_true", help="认定为违规使用（不写则为使用合规）")
    finding.add_argument("--reason", required=True, help="认定理由（必填）")
    finding.set_defaults(run=cmd_funds_finding)

    listing = actions.add_parser("outcomes", parents=[common, printing], help="列出验收/评估轮次的建议结果与决定",
                                 description="每个试点的最终得分、按评分标准给出的建议结果及依据、会议决定。")
    listing.add_argument("round_id", help="评审轮次编号")
    listing.set_defaults(run=cmd_outcomes)

    decide = actions.add_parser("decide", parents=[common, printing], help="记录会议研究决定的结果",
                                description="记录验收/评估结果：--as-proposed 按建议结果决定全部试点，或用 --pilot 逐个指定；"
                                            "与建议不同的须 --why 写明理由；须整改的结果须给出整改要求与期限。")
    decide.add_argument("round_id", help="评审轮次编号")
    decide.add_argument("--as-proposed", action="store_true", help="尚未决定的试点全部按建议结果决定")
    decide.add_argument("--pilot", action="append", default=[], metavar="信用代码=结果",
                        help="逐个指定，如 12210000MB0000001=合格（可重复）")
    decide.add_argument("--why", action="append", default=[], metavar="信用代码=理由", help="与建议不同时的理由")
    decide.add_argument("--rectify", default="", help="须整改时的整改要求（适用于本次决定中须整改的每个试点）")
    decide.add_argument("--rectify-by", type=date.fromisoformat, help="整改期限，如 2024-03-31")
    decide.add_argument("--reason", required=True, help="会议研究决定的理由（必填，记入审计日志）")
    decide.set_defaults(run=cmd_decide)

    publish = actions.add_parser("publish-outcomes", parents=[common, printing], help="公布验收/评估结果",
                                 description="全部试点决定后公布本轮结果；公布后试点单位可查看本单位结果，结果不能再改。")
    publish.add_argument("round_id", help="评审轮次编号")
    publish.add_argument("--reason", required=True, help="理由（必填）")
    publish.set_defaults(run=cmd_publish)

    files = actions.add_parser("outcome-files", parents=[common, printing], help="导出结果名单、通过名单或结果通知",
                               description="results：结果名单（.xlsx/.csv）；final-list：综合评估通过名单；letters：每个试点的结果通知（.docx、.pdf 与合并 PDF 的 zip）。")
    files.add_argument("round_id", help="评审轮次编号")
    files.add_argument("what", choices=["results", "final-list", "letters"], help="导出内容")
    files.add_argument("--out", type=Path, required=True, help="写入的文件")
    files.add_argument("--list-format", choices=["xlsx", "csv"], default="xlsx", help="名单格式")
    files.add_argument("--date", type=date.fromisoformat, default=None, help="结果通知的成文日期（默认今天）")
    files.set_defaults(run=cmd_files)


def cmd_funds_finding(args) -> int:
    with Storage(args.db) as storage:
        done = outcomes.record_funds_finding(storage, principal(args), args.batch, args.credit_code, args.year,
                                             args.misused, args.reason)
    emit(args, done.model_dump(mode="json"),
         f"{done.year} 年度启动资金认定为{'违规使用' if done.misused else '使用合规'}：{done.reason}")
    return 0


def cmd_outcomes(args) -> int:
    with Storage(args.db) as storage:
        proposals = outcomes.proposed_outcomes(storage, principal(args), args.round_id)
    lines = [f"{p.unit_name}（{p.credit_code}）得分 {p.score if p.score is not None else '—'}，建议“{p.proposed or '—'}”"
             f"：{p.rule}" + (f"；已决定“{p.decided.outcome}”" if p.decided else "") for p in proposals]
    emit(args, [p.model_dump(mode="json") for p in proposals], "\n".join(lines) or "本轮没有试点。")
    return 0


def cmd_decide(args) -> int:
    chosen, whys = code_pairs(args.pilot, "--pilot", "结果"), code_pairs(args.why, "--why", "理由")
    with Storage(args.db) as storage:
        who = principal(args)
        if args.as_proposed:
            for proposal in outcomes.proposed_outcomes(storage, who, args.round_id):
                if proposal.decided is None and proposal.proposed and proposal.credit_code not in chosen:
                    chosen[proposal.credit_code] = proposal.proposed
        if not chosen:
            raise CliError("没有要决定的试点：请用 --pilot 指定，或用 --as-proposed 按建议结果决定。")
        requests = [outcomes.OutcomeRequest(credit_code=code, outcome=outcome, reason=whys.get(code, ""),
                                            rectify=args.rectify, rectify_by=args.rectify_by)
                    for code, outcome in chosen.items()]
        decided = outcomes.decide_outcomes(storage, who, args.round_id, requests, args.reason)
    emit(args, {code: d.model_dump(mode="json") for code, d in decided.items()},
         f"已记录 {len(requests)} 个试点的结果；本轮已决定 {len(decided)} 个。")
    return 0


def cmd_publish(args) -> int:
    with Storage(args.db) as storage:
        done = outcomes.publish_outcomes(storage, principal(args), args.round_id, args.reason)
    emit(args, done.model_dump(mode="json"), f"已公布 {len(done.units)} 个试点的结果。")
    return 0


def cmd_files(args) -> int:
    with Storage(args.db) as storage:
        who = principal(args)
        if args.what == "results":
            content = outcome_files.results_list(storage, who, args.round_id, args.list_format)
        elif args.what == "final-list":
            content = outcome_files.final_list_file(storage, who, args.round_id, args.list_format)
        else:
            content = outcome_files.letters_zip(storage, who, args.round_id, args.date or clock.today())
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_bytes(content)
    emit(args, {"path": str(args.out), "bytes": len(content)}, f"已写入 {args.out}（{len(content)} 字节）。")
    return 0
