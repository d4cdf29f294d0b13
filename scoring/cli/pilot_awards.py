"""The `pilot` group's commands of the extra award (追加奖励): set or show the year's standard, preview the awards
with every step, confirm them, export the confirmed awards as .xlsx."""
from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path

import yaml

from scoring.cli.base import CliError, Options, code_pairs, emit, principal
from scoring.pilots import award_files, awards
from scoring.pilots.reports import AnnualReport
from scoring.storage import Storage


def add_actions(actions, options: Options) -> None:
    """Add this part's subcommands to the `pilot` group."""
    common, printing, _ = options
    standard = actions.add_parser("award-standard", parents=[common, printing], help="设置或显示年度追加奖励标准（奖补标准）",
                                  description="给出 --file 时从 JSON/YAML 文件设置该年度的奖补标准（须 --reason），否则显示当前标准。")
    standard.add_argument("year", type=int, help="年度，如 2023")
    standard.add_argument("--file", type=Path, help="奖补标准 JSON 或 YAML 文件（字段见 AwardStandard）")
    standard.add_argument("--reason", default="", help="设置理由（设置时必填）")
    standard.set_defaults(run=cmd_standard)

    def computing(name: str, helptext: str, run):
        sub = actions.add_parser(name, parents=[common, printing], help=helptext, description=helptext + "。")
        sub.add_argument("batch", help="批次编号")
        sub.add_argument("year", type=int, help="年度")
        sub.add_argument("--outcomes", type=Path, help="年度验收结果文件（JSON/YAML：统一社会信用代码 → 结果）；"
                                                       "不给出结果和违规试点时，取该年度“年度验收”轮次的会议决定与资金认定")
        sub.add_argument("--outcome", action="append", default=[], metavar="代码=结果",
                         help="一个试点的年度验收结果，如 12210000XXXXXXXXXX=合格（可重复）")
        sub.add_argument("--misused", action="append", default=[], metavar="代码",
                         help="经核查存在启动资金违规使用的试点（可重复）")
        sub.add_argument("--reports", type=Path, help="年度工作总结 JSON 文件（列表）；不给出时读取已报送的总结")
        sub.set_defaults(run=run)
        return sub

    computing("award-preview", "按年度奖补标准试算追加奖励（显示每一步计算）", cmd_preview)
    confirm = computing("award-confirm", "试算并确认追加奖励（须说明理由；再次确认替换原结果）", cmd_confirm)
    confirm.add_argument("--reason", required=True, help="确认理由（必填）")
    export = actions.add_parser("award-export", parents=[common, printing], help="导出已确认的追加奖励（.xlsx）",
                                description="导出已确认的追加奖励：工作表“追加奖励”与“奖补标准”。")
    export.add_argument("batch", help="批次编号")
    export.add_argument("year", type=int, help="年度")
    export.add_argument("--out", type=Path, required=True, help="输出文件（.xlsx）")
    export.set_defaults(run=cmd_export)


def _data_file(path: Path):
    if not path.is_file():
        raise CliError(f"找不到文件 {path}")
    text = path.read_text(encoding="utf-8")
    try:
        return json.loads(text) if path.suffix.lower() == ".json" else yaml.safe_load(text)
    except (ValueError, yaml.YAMLError) as exc:
        raise CliError(f"{path} 不是有效的 JSON/YAML 文件：{exc}") from exc


def _outcomes(args) -> dict[str, str]:
    found: dict[str, str] = {}
    if args.outcomes:
        data = _data_file(args.outcomes)
        if not isinstance(data, dict):
            raise CliError(f"{args.outcomes} 应为“统一社会信用代码: 验收结果”的对照表。")
        found.update({str(k).strip().upper(): str(v).strip() for k, v in data.items()})
    return found | code_pairs(args.outcome, "--outcome", "验收结果")


def _reports(args) -> dict[str, AnnualReport] | None:
    if not args.reports:
        return None
    data = _data_file(args.reports)
    if not isinstance(data, list):
        raise CliError(f"{args.reports} 应为年度工作总结的列表。")
    try:
        reports = [AnnualReport.model_validate(item) for item in data]
    except ValueError as exc:
        raise CliError(f"{args.reports} 中的年度工作总结有误：{exc}") from exc
    return {r.credit_code: r for r in reports}


def _computations(storage: Storage, args) -> list[awards.AwardComputation]:
    who = principal(args)
    if args.outcomes or args.outcome or args.misused:
        outcomes, misused = _outcomes(args), {code.strip().upper() for code in args.misused}
    else:
        outcomes, misused = awards.acceptance_inputs(storage, who, args.batch, args.year)
    return awards.preview_awards(storage, who, args.batch, args.year, outcomes, misused, reports=_reports(args))


def _lines(computations: list[awards.AwardComputation]) -> str:
    lines = []
    for c in computations:
        lines.append(f"{c.pilot.unit_name}（{c.pilot.credit_code}）：{c.amount:.2f} 万元")
        lines.extend(f"    {line}" for line in c.process.splitlines())
    total = sum((c.amount for c in computations), Decimal(0))
    lines.append(f"合计 {total:.2f} 万元")
    return "\n".join(lines)


def cmd_standard(args) -> int:
    with Storage(args.db) as storage:
        if args.file:
            data = _data_file(args.file)
            if not isinstance(data, dict):
                raise CliError(f"{args.file} 应为奖补标准的各项设置。")
            found = awards.save_standard(storage, principal(args), args.year,
                                         awards.parsed_standard({"year": args.year, **data}), args.reason)
        else:
            found = awards.required_standard(storage, principal(args), args.year)
    emit(args, found.model_dump(mode="json"), f"{found.year} 年度奖补标准：{found.rate_line()}；"
         f"转化专利不少于 {found.min_converted} 件；验收结果须为{'、'.join(found.outcomes)}。")
    return 0


def cmd_preview(args) -> int:
    with Storage(args.db) as storage:
        found = _computations(storage, args)
    emit(args, [c.model_dump(mode="json") for c in found], _lines(found))
    return 0


def cmd_confirm(args) -> int:
    with Storage(args.db) as storage:
        confirmed = awards.confirm_awards(storage, principal(args), args.batch, args.year,
                                          _computations(storage, args), args.reason)
    found = [a.computation for a in confirmed]
    emit(args, [c.model_dump(mode="json") for c in found], f"已确认 {len(found)} 个试点的追加奖励。\n{_lines(found)}")
    return 0


def cmd_export(args) -> int:
    with Storage(args.db) as storage:
        content = award_files.export_awards(storage, principal(args), args.batch, args.year)
    args.out.write_bytes(content)
    emit(args, {"file": str(args.out), "bytes": len(content)}, f"已导出 {args.out}（{len(content)} 字节）。")
    return 0
