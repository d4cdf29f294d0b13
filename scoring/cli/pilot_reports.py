"""The `pilot` group's yearly report commands: staff open the year's call and extend it; a unit (as its account,
--actor) saves its 年度工作总结 from a JSON file and submits it; its city bureau (as its account) gives its opinion; a
list of the year's reports; the 整改报告 and staff's re-check."""
from __future__ import annotations

import json
from datetime import datetime
from pathlib import Path

from scoring.cli.base import CliError, Options, emit, principal
from scoring.common.accounts import principal_of
from scoring.pilots import rectification, reports
from scoring.pilots.reports import AnnualReport
from scoring.storage import Storage


def _account(storage: Storage, args):
    """The account --actor names (a unit, a city bureau); the server's own command line when it names none."""
    return principal_of(storage, args.actor) or principal(args)


def _pilot_year(sub) -> None:
    sub.add_argument("batch", help="批次编号")
    sub.add_argument("credit_code", help="试点单位的统一社会信用代码")
    sub.add_argument("year", type=int, help="年度，如 2023")


def add_actions(actions, options: Options) -> None:
    """Add the yearly report and rectification subcommands to the `pilot` group."""
    common, printing, _ = options
    call = actions.add_parser("report-call", parents=[common, printing], help="开放年度工作总结报送（须说明理由）",
                              description="为批次的试点开放某年度工作总结的报送，给出单位报送与市局审核的截止时间。")
    call.add_argument("batch", help="批次编号")
    call.add_argument("year", type=int, help="年度（须在试点建设期内）")
    call.add_argument("--unit-deadline", required=True, type=datetime.fromisoformat, help="单位报送截止时间，如 2024-01-31T17:00")
    call.add_argument("--city-deadline", required=True, type=datetime.fromisoformat, help="市局审核截止时间")
    call.add_argument("--note", default="", help="说明（可选）")
    call.add_argument("--reason", required=True, help="理由（必填，记入审计日志）")
    call.set_defaults(run=cmd_call)

    extend = actions.add_parser("report-extend", parents=[common, printing], help="延长年度总结截止时间（全批次或单个试点）",
                                description="延长全批次的截止时间，或给一个试点单独延期（--credit-code）；理由必填。")
    extend.add_argument("batch", help="批次编号")
    extend.add_argument("year", type=int, help="年度")
    extend.add_argument("--credit-code", help="只给这个试点延期")
    extend.add_argument("--unit-deadline", type=datetime.fromisoformat, help="新的单位报送截止时间")
    extend.add_argument("--city-deadline", type=datetime.fromisoformat, help="新的市局审核截止时间")
    extend.add_argument("--reason", required=True, help="理由（必填）")
    extend.set_defaults(run=cmd_extend)

    save = actions.add_parser("report-save", parents=[common, printing], help="从 JSON 文件保存年度总结草稿（申报单位账号）",
                              description="把 JSON 文件中的年度工作总结（含 batch_id、credit_code、year）保存为草稿，以 --actor 所指的申报单位账号进行。")
    save.add_argument("file", type=Path, help="年度工作总结 JSON")
    save.set_defaults(run=cmd_save)

    submit = actions.add_parser("report-submit", parents=[common, printing], help="提交年度总结给市局（申报单位账号）",
                                description="提交已保存的年度工作总结草稿，生成新的版本。")
    _pilot_year(submit)
    submit.set_defaults(run=cmd_submit)

    opinion = actions.add_parser("report-opinion", parents=[common, printing], help="市局审核年度总结（市局账号）",
                                 description="市局对已提交的年度工作总结给出意见：同意（--agree）报送省局，或不同意（--disagree）退回单位。")
    _pilot_year(opinion)
    verdict = opinion.add_mutually_exclusive_group(required=True)
    verdict.add_argument("--agree", dest="agrees", action="store_true", help="同意")
    verdict.add_argument("--disagree", dest="agrees", action="store_false", help="不同意，退回单位修改")
    opinion.add_argument("--opinion", required=True, help="市局意见（退回时即退回理由）")
    opinion.set_defaults(run=cmd_opinion)

    listing = actions.add_parser("reports", parents=[common, printing], help="列出某年度各试点的总结报送情况",
                                 description="每个试点某年度工作总结的状态：未填报、草稿、已提交、退回、已审核，及是否逾期。")
    listing.add_argument("batch", help="批次编号")
    listing.add_argument("year", type=int, help="年度")
    listing.set_defaults(run=cmd_reports)

    rectify = actions.add_parser("rectify", parents=[common, printing], help="提交整改报告（申报单位账号，试点须为整改状态）",
                                 description="整改状态的试点提交整改报告：文字（--text 或 --text-file），可附一个文件（--file）。")
    _pilot_year(rectify)
    rectify.add_argument("--text", help="整改报告文字")
    rectify.add_argument("--text-file", type=Path, help="整改报告文字所在的文本文件（UTF-8）")
    rectify.add_argument("--file", type=Path, help="附件（PDF、Word、图片等）")
    rectify.set_defaults(run=cmd_rectify)

    recheck = actions.add_parser("recheck", parents=[common, printing], help="记录整改复核结果（须说明理由）",
                                 description="复核最新的整改报告：通过（--passed）则恢复在建（最后一年为通过），未通过（--failed）则为未通过。")
    _pilot_year(recheck)
    result = recheck.add_mutually_exclusive_group(required=True)
    result.add_argument("--passed", dest="passed", action="store_true", help="复核通过")
    result.add_argument("--failed", dest="passed", action="store_false", help="复核未通过")
    recheck.add_argument("--reason", required=True, help="复核意见（必填）")
    recheck.set_defaults(run=cmd_recheck)


def cmd_call(args) -> int:
    with Storage(args.db) as storage:
        done = reports.open_report_call(storage, principal(args), args.batch, args.year, args.unit_deadline,
                                        args.city_deadline, args.reason, args.note)
    emit(args, done.model_dump(mode="json"),
         f"已开放 {done.year} 年度工作总结报送：单位截止 {reports.shown_time(done.unit_deadline)}，"
         f"市局截止 {reports.shown_time(done.city_deadline)}。")
    return 0


def cmd_extend(args) -> int:
    with Storage(args.db) as storage:
        done = reports.extend_report_deadline(storage, principal(args), args.batch, args.year, args.reason,
                                              unit_deadline=args.unit_deadline, city_deadline=args.city_deadline,
                                              credit_code=args.credit_code)
    deadline = done.unit_deadline_of(args.credit_code) if args.credit_code else done.unit_deadline
    emit(args, done.model_dump(mode="json"), f"单位报送截止 {reports.shown_time(deadline)}。")
    return 0


def _read_report(path: Path) -> AnnualReport:
    if not path.is_file():
        raise CliError(f"找不到文件 {path}")
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except ValueError as exc:
        raise CliError(f"{path} 不是 JSON 文件：{exc}") from exc
    if not isinstance(data, dict):
        raise CliError(f"{path} 不是年度工作总结 JSON（应为一个对象）。")
    return reports.report_from_data(data)


def cmd_save(args) -> int:
    report = _read_report(args.file)
    with Storage(args.db) as storage:
        done = reports.save_report(storage, _account(storage, args), report.batch_id, report.year, report)
    problems = reports.report_problems(done.report)
    emit(args, {"version": done.version, "status": done.status, "problems": [p.model_dump() for p in problems]},
         "\n".join([f"已保存 {report.year} 年度工作总结草稿。", *(("须改正：" if p.blocking else "提示：") + p.message
                                                            for p in problems)]))
    return 0


def cmd_submit(args) -> int:
    with Storage(args.db) as storage:
        done = reports.submit_report(storage, _account(storage, args), args.batch, args.credit_code, args.year)
    emit(args, {"version": done.version, "status": done.status, "late": done.late, "late_reason": done.late_reason},
         f"已提交第 {done.version} 版，状态：{done.status}" + ("（逾期，已单独延期）。" if done.late else "。"))
    return 0


def cmd_opinion(args) -> int:
    with Storage(args.db) as storage:
        done = reports.give_opinion(storage, _account(storage, args), args.batch, args.credit_code, args.year,
                                    args.agrees, args.opinion)
    emit(args, {"version": done.version, "status": done.status, "opinion": done.opinion},
         f"第 {done.version} 版：{done.status}。")
    return 0


def cmd_reports(args) -> int:
    with Storage(args.db) as storage:
        listed = reports.report_progress(storage, _account(storage, args), args.batch, args.year)
    lines = [f"{p.credit_code}  {p.unit_name}（{p.city}）  {p.state}" + (f"  第 {p.version} 版" if p.version else "")
             + ("  逾期" if p.late else "") for p in listed]
    emit(args, [p.model_dump(mode="json") for p in listed], "\n".join(lines) or "没有可查看的试点。")
    return 0


def cmd_rectify(args) -> int:
    text = args.text
    if args.text_file is not None:
        if not args.text_file.is_file():
            raise CliError(f"找不到文件 {args.text_file}")
        text = args.text_file.read_text(encoding="utf-8")
    if not text:
        raise CliError("请用 --text 或 --text-file 给出整改报告文字。")
    file = None
    if args.file is not None:
        if not args.file.is_file():
            raise CliError(f"找不到文件 {args.file}")
        file = (args.file.name, args.file.read_bytes())
    with Storage(args.db) as storage:
        done = rectification.submit_rectification(storage, _account(storage, args), args.batch, args.credit_code,
                                                  args.year, text, file)
    emit(args, done.model_dump(mode="json"), f"已提交第 {done.version} 版整改报告。")
    return 0


def cmd_recheck(args) -> int:
    with Storage(args.db) as storage:
        done = rectification.record_recheck(storage, principal(args), args.batch, args.credit_code, args.year,
                                            args.passed, args.reason)
    emit(args, done.model_dump(mode="json"), f"已记录整改复核：{'通过' if done.recheck.passed else '未通过'}。")
    return 0
