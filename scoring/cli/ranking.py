"""The ranking stage on the command line: `round close`, `rank`, `flags` and `bonus` (list, check)."""
from __future__ import annotations

import argparse
from decimal import Decimal

from scoring.rounds import review_rounds
from scoring.results.bonuses import ApplicationBonus, BonusLine, check_bonus, round_bonuses
from scoring.cli.base import CliError, Options, emit, principal
from scoring.common.models import compact_code
from scoring.results.quality_flags import Flag, FlagKind, round_flags
from scoring.results.ranking import RankingRow, RoundRanking, ScoreChange, round_ranking
from scoring.review.rubrics import points_text
from scoring.storage import Storage

VERIFIED = {"yes": True, "no": False, "是": True, "否": False}


def add_commands(commands, options: Options) -> None:
    common, printing, _ = options
    """Register after the `round` group: `close` joins its subcommands."""
    _add_close(commands.choices["round"], common, printing)

    rank = commands.add_parser("rank", parents=[common, printing], help="评审轮次的排名表",
                               description="按最终得分列出排名：单位、推荐市局、已交/应交评分表、专家评分（按评分标准"
                                           "的汇总规则去掉了最高最低分时注明“去高低”，规则见 rubric show）、优先申报加分（只计已核实的）、最终得分、"
                                           "并列或决定名次的依据，以及评审结束后评分有改动的标记；随后列出结束后的每项改动"
                                           "（改动前后的总分、退回人与理由）。")
    rank.add_argument("round_id", help="轮次编号，如 2023-01")
    rank.set_defaults(run=cmd_rank)

    flags = commands.add_parser("flags", parents=[common, printing], help="会前质量提示",
                                description="列出会议研究前需要工作人员关注的情况，按类别分组：评分表不全、专家分歧大、"
                                            "专家明显偏宽或偏严、总分全部相同、极端分无评语。每项注明所依据的评分表。")
    flags.add_argument("round_id", help="轮次编号，如 2023-01")
    flags.add_argument("--kind", action="append", choices=[k.value for k in FlagKind], metavar="类别",
                       help="只看某类提示，可重复：" + " / ".join(k.value for k in FlagKind))
    flags.set_defaults(run=cmd_flags)

    group = commands.add_parser("bonus", help="优先申报加分：查看、核实",
                                description="优先申报加分按评分标准的加分项，由申报书所填内容预填，"
                                            "经工作人员核实证明材料后才计分，合计不超过加分上限。")
    actions = group.add_subparsers(dest="bonus_command", required=True, metavar="子命令")
    listing = actions.add_parser("list", parents=[common, printing], help="列出各申报书的加分项及核实情况",
                                 description="列出评审轮次所在批次各申报书的加分项：是否申报、所附证明材料、核实情况，"
                                             "以及计入的加分（已封顶）。")
    listing.add_argument("round_id", help="轮次编号，如 2023-01")
    listing.add_argument("--code", help="只看一份申报书：统一社会信用代码")
    listing.set_defaults(run=cmd_bonus_list)

    check = actions.add_parser("check", parents=[common, printing], help="记录一项加分的核实结果",
                               description="记录工作人员对一项加分证明材料的核实结果；无论是否通过都必须写明核实情况。"
                                           "再次核实取代前一次，两次都保留在记录与审计日志中。")
    check.add_argument("round_id", help="轮次编号，如 2023-01")
    check.add_argument("credit_code", help="申报单位统一社会信用代码")
    check.add_argument("bonus_id", help="加分项编号，如 standard（见 rubric show --round）")
    check.add_argument("--verified", required=True, choices=list(VERIFIED), metavar="yes|no",
                       help="核实是否通过：yes / no（或 是 / 否）")
    check.add_argument("--note", default="", help="核实情况（必填，记入审计日志）")
    check.set_defaults(run=cmd_bonus_check)


def _add_close(round_group: argparse.ArgumentParser, common, printing) -> None:
    # The `round` group is built in cli/rounds.py; its subcommand list is reached here so that closing a round sits
    # beside creating one without that module knowing about the ranking stage.
    actions = next(a for a in round_group._actions if isinstance(a, argparse._SubParsersAction))
    close = actions.add_parser("close", parents=[common, printing], help="结束评审",
                               description="结束评审轮次的评分：此后专家不能再修改评分表，除非工作人员退回；"
                                           "退回后重新提交的改动在排名表中标出。必须填写理由；已结束的轮次不能再次结束。")
    close.add_argument("round_id", help="轮次编号，如 2023-01")
    close.add_argument("--reason", default="", help="理由（必填，记入审计日志）")
    close.set_defaults(run=cmd_round_close)


def _points(value: Decimal | None) -> str:
    return "—" if value is None else points_text(value)


# --- round close -----------------------------------------------------------------------------


def cmd_round_close(args) -> int:
    with Storage(args.db) as storage:
        closed = review_rounds.close_round(storage, principal(args), args.round_id, args.reason)
    emit(args, closed.model_dump(mode="json"),
         f"评审轮次 {closed.label} 已于 {closed.closed_at:%Y-%m-%d %H:%M} 结束（{closed.closed_by}）。"
         "此后专家不能再修改评分表；经退回后重新提交的改动将在排名表中标出。")
    return 0


# --- rank ------------------------------------------------------------------------------------


def cmd_rank(args) -> int:
    with Storage(args.db) as storage:
        ranking = round_ranking(storage, principal(args), args.round_id)
    payload = {"round": ranking.review_round.model_dump(mode="json"),
               "rows": [row.model_dump(mode="json") for row in ranking.rows],
               "changes": [change.model_dump(mode="json") for change in ranking.changes]}
    emit(args, payload, ranking_text(ranking))
    return 0


def _expert_score(row: RankingRow) -> str:
    text = _points(row.expert_score)
    if row.trimmed:
        text += "（去高低）"
    if row.normalised is not None:
        text += f"（标准化 {points_text(row.normalised)}）"
    return text


def _basis(row: RankingRow, names: dict[str, str]) -> str:
    if row.tied_with:
        return "并列：" + "、".join(names.get(code, code) for code in row.tied_with)
    return row.decided_by


def ranking_text(ranking: RoundRanking) -> str:
    review_round = ranking.review_round
    state = (f"已于 {review_round.closed_at:%Y-%m-%d %H:%M} 结束" if review_round.closed_at else "评审中")
    lines = [f"评审轮次 {review_round.label} 排名（{state}；评分标准 {ranking.rubric.id}）："]
    if not ranking.rows:
        return "\n".join([*lines, "（尚无分配的申报书）"])
    names = {row.credit_code: row.unit_name for row in ranking.rows}
    lines.append("排名  单位  市  已交/应交  专家评分  加分  最终得分  并列/决定依据  结束后改动")
    for row in ranking.rows:
        cells = [str(row.rank) if row.rank is not None else "—", f"{row.unit_name}（{row.credit_code}）",
                 row.city or "—", f"{row.sheets}/{row.expected}", _expert_score(row), points_text(row.bonus),
                 _points(row.final), _basis(row, names) or "—", "※有改动" if row.changed_after_close else ""]
        lines.append("  ".join(cells).rstrip())
    if ranking.changes:
        lines.append(f"评审结束后的改动（{len(ranking.changes)} 项）：")
        lines += [change_text(change, names) for change in ranking.changes]
    elif review_round.closed_at:
        lines.append("评审结束后没有改动。")
    return "\n".join(lines)


def change_text(change: ScoreChange, names: dict[str, str]) -> str:
    return (f"  {names.get(change.credit_code, change.credit_code)}（{change.credit_code}） 专家 {change.expert_id}："
            f"{_points(change.before)} → {points_text(change.after)} 分；{change.reopened_by} 退回，理由：{change.reason}；"
            f"{change.changed_by} 于 {change.changed_at:%Y-%m-%d %H:%M} 重新提交")


# --- flags -----------------------------------------------------------------------------------


def cmd_flags(args) -> int:
    who = principal(args)
    with Storage(args.db) as storage:
        review_round = review_rounds.stored_round(storage, args.round_id)
        found = round_flags(storage, who, args.round_id)
        names = {a.credit_code: a.basic.unit_name for a in storage.list_applications(review_round.batch_id)}
    wanted = set(args.kind or [k.value for k in FlagKind])
    grouped: dict[str, list[Flag]] = {}
    for flag in found:
        if flag.kind.value in wanted:
            grouped.setdefault(flag.kind.value, []).append(flag)
    payload = {"round": review_round.round_id,
               "flags": {kind: [f.model_dump(mode="json") for f in flags] for kind, flags in grouped.items()}}
    lines = [f"评审轮次 {review_round.label} 的质量提示（{sum(len(f) for f in grouped.values())} 项）："]
    for kind, flags in grouped.items():
        lines.append(f"{kind}（{len(flags)} 项）：")
        lines += [f"  {_flag_subject(flag, names)}：{flag.message}" for flag in flags]
    emit(args, payload, "\n".join(lines) if grouped else f"评审轮次 {review_round.label} 没有需要关注的质量提示。")
    return 0


def _flag_subject(flag: Flag, names: dict[str, str]) -> str:
    parts = []
    if flag.credit_code:
        parts.append(f"{names.get(flag.credit_code, flag.credit_code)}（{flag.credit_code}）")
    if flag.expert_id:
        parts.append(f"专家 {flag.expert_id}")
    return " ".join(parts)


# --- bonus -----------------------------------------------------------------------------------


def _line_payload(line: BonusLine) -> dict:
    return {**line.model_dump(mode="json"), "state": line.state, "counts": line.counts}


def _bonus_payload(bonus: ApplicationBonus, unit_name: str) -> dict:
    return {"credit_code": bonus.credit_code, "unit_name": unit_name, "points": str(bonus.points),
            "uncapped": str(bonus.uncapped), "cap": str(bonus.cap),
            "lines": [_line_payload(line) for line in bonus.lines]}


def bonus_text(bonus: ApplicationBonus, unit_name: str) -> list[str]:
    total = f"计入加分 {points_text(bonus.points)} 分"
    if bonus.uncapped > bonus.points:
        total += f"（已核实合计 {points_text(bonus.uncapped)} 分，上限 {points_text(bonus.cap)} 分）"
    lines = [f"{unit_name}（{bonus.credit_code}）：{total}"]
    shown = [line for line in bonus.lines if line.claimed or line.check]
    for line in shown:
        text = f"  [{line.state}] {line.item.name}（{line.item.id}）{points_text(line.item.points)} 分"
        if line.evidence:
            text += f"  证明材料：{line.evidence}"
        if line.check:
            text += f"  核实：{line.check.note}（{line.check.checked_by}，{line.check.checked_at:%Y-%m-%d %H:%M}）"
        lines.append(text)
    if not shown:
        lines.append("  未申报加分项")
    return lines


def cmd_bonus_list(args) -> int:
    who = principal(args)
    code = compact_code(args.code) if args.code else None
    with Storage(args.db) as storage:
        review_round = review_rounds.stored_round(storage, args.round_id)
        bonuses = round_bonuses(storage, who, args.round_id, [code] if code else None)
        names = {a.credit_code: a.basic.unit_name for a in storage.list_applications(review_round.batch_id)}
    if code and code not in bonuses:
        raise CliError(f"批次 {review_round.batch_id} 中没有统一社会信用代码为 {code} 的申报书。")
    listed = [bonuses[c] for c in sorted(bonuses)]
    lines = [f"评审轮次 {review_round.label} 的优先申报加分（{len(listed)} 份申报书）："]
    for bonus in listed:
        lines += bonus_text(bonus, names.get(bonus.credit_code, bonus.credit_code))
    emit(args, [_bonus_payload(b, names.get(b.credit_code, b.credit_code)) for b in listed], "\n".join(lines))
    return 0


def cmd_bonus_check(args) -> int:
    who = principal(args)
    with Storage(args.db) as storage:
        review_round = review_rounds.stored_round(storage, args.round_id)
        bonus = check_bonus(storage, who, args.round_id, args.credit_code, args.bonus_id, VERIFIED[args.verified],
                            args.note)
        application = storage.get_application(review_round.batch_id, bonus.credit_code)
    unit_name = application.basic.unit_name if application else bonus.credit_code
    [line] = [line for line in bonus.lines if line.item.id == args.bonus_id]
    emit(args, _bonus_payload(bonus, unit_name),
         "\n".join([f"已记录核实结果：{line.item.name} — {line.state}。", *bonus_text(bonus, unit_name)]))
    return 0
