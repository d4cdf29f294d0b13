"""The `pilot` group's registry commands: list the pilots with their status, show one pilot (goals, status history,
figures against the goals), change a pilot's status (e.g. 撤销) and set its goals, each with a reason."""
from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation

from scoring.cli.base import CliError, Options, emit, principal
from scoring.common.accounts import principal_of
from scoring.pilots import registry
from scoring.pilots.goals import GoalKey, PilotGoal
from scoring.pilots.pilot_detail import PilotDetail, pilot_detail, registry_rows
from scoring.pilots.progress import PilotProgress
from scoring.pilots.registry import PilotStatus
from scoring.storage import Storage

_GOAL = re.compile(r"^\s*(?P<key>[^=]+?)\s*=\s*(?P<value>[0-9.]+)\s*(?:@\s*(?P<year>\d{4}))?\s*$")


def add_actions(actions, options: Options) -> None:
    """Add the registry's subcommands to the `pilot` group."""
    common, printing, _ = options
    listing = actions.add_parser("list", parents=[common, printing], help="列出试点单位及状态",
                                 description="列出一个批次（或全部批次）的试点单位、建设期、确认通知文号、启动资金与当前状态。")
    listing.add_argument("--batch", help="批次编号（不填即全部批次）")
    listing.add_argument("--city", help="只列出该市，如 沈阳市")
    listing.add_argument("--status", choices=[str(s) for s in PilotStatus], help="只列出该状态")
    listing.set_defaults(run=cmd_list)

    def pilot_command(name: str, helptext: str, description: str, run):
        sub = actions.add_parser(name, parents=[common, printing], help=helptext, description=description)
        sub.add_argument("batch", help="批次编号")
        sub.add_argument("credit_code", help="试点单位的统一社会信用代码")
        sub.set_defaults(run=run)
        return sub

    pilot_command("show", "显示一个试点：目标、状态变化、年度数据与目标对照",
                  "显示试点单位的基本情况、目标、状态变化记录，以及各年度总结（现行版本）的数据与目标、指南目标（每年转化50—100件）的对照。",
                  cmd_show)
    status = pilot_command("status", "改变试点状态（如撤销，须说明理由）",
                           "工作人员改变试点某一年度的状态（在建、整改、通过、未通过、撤销），理由记入审计日志；已撤销的试点不能再改变。",
                           cmd_status)
    status.add_argument("--year", type=int, required=True, help="年度，须在建设期内")
    status.add_argument("--to", required=True, choices=[str(s) for s in PilotStatus], help="新状态")
    status.add_argument("--reason", required=True, help="理由（必填）")
    goals = pilot_command("goals", "设定试点目标（须说明理由）",
                          "工作人员设定试点的目标值，取代原有全部目标。--set 指标=数值@年度，不写 @年度 即三年累计；"
                          f"指标：{'、'.join(str(k) for k in GoalKey)}。",
                          cmd_goals)
    goals.add_argument("--set", dest="goals", action="append", default=[], metavar="指标=数值[@年度]",
                       help="一个目标，如 转化专利=60@2024 或 转化金额=500（可重复）")
    goals.add_argument("--reason", required=True, help="理由（必填）")


def _account(storage: Storage, args):
    """The account --actor names (a unit, a city bureau); the server's own command line when it names none."""
    return principal_of(storage, args.actor) or principal(args)


def parse_goal(text: str) -> PilotGoal:
    """“转化专利=60@2024” is 2024's goal, “转化金额=500” the three years' total."""
    found = _GOAL.match(text or "")
    if not found:
        raise CliError(f"目标“{text}”的格式应为 指标=数值 或 指标=数值@年度，如 转化专利=60@2024。")
    try:
        key = GoalKey(found["key"])
    except ValueError:
        raise CliError(f"目标“{text}”的指标应为：{'、'.join(str(k) for k in GoalKey)}。") from None
    try:
        value = Decimal(found["value"])
    except InvalidOperation:
        raise CliError(f"目标“{text}”的数值不是数字。") from None
    return PilotGoal(key=key, value=value, year=int(found["year"]) if found["year"] else None)


def cmd_list(args) -> int:
    with Storage(args.db) as storage:
        rows = registry_rows(storage, _account(storage, args), args.batch)
    rows = [r for r in rows if (not args.city or r.pilot.city == args.city)
            and (not args.status or r.pilot.status == args.status)]
    emit(args, [r.model_dump(mode="json") for r in rows],
         "\n".join(f"{r.pilot.batch_id}  {r.pilot.unit_name}（{r.pilot.credit_code}）  {r.pilot.city}  "
                   f"{r.pilot.period}  {r.pilot.letter_number or '（未编号）'}  {r.pilot.status}" for r in rows)
         or "没有试点单位。")
    return 0


def _figure(value) -> str:
    """万元 with two places, a count as it is; 未报送 for a year without a report."""
    return "未报送" if value is None else (f"{value:.2f}" if isinstance(value, Decimal) else str(value))


def _of(key: GoalKey, value: Decimal) -> str:
    return f"{value:.2f}{key.unit}" if key is GoalKey.AMOUNT else f"{value.normalize():f}{key.unit}"


def progress_text(progress: PilotProgress) -> list[str]:
    lines = [f"年度数据（转化金额按{progress.basis}计）："]
    for year in progress.years:
        if not year.reported:
            lines.append(f"  {year.year}年  未报送")
            continue
        goal = year.goals.get(GoalKey.CONVERTED)
        lines.append(f"  {year.year}年  转化专利 {year.converted} 件（转让 {year.transfers}、许可 {year.licences}、"
                     f"作价入股 {year.equity}）" + (f"，年度目标 {_of(GoalKey.CONVERTED, goal)}" if goal is not None else "")
                     + f"；合同额 {_figure(year.amount_contract)} 万元，到账 {_figure(year.amount_received)} 万元；"
                     f"对接企业 {year.enterprises} 家；{year.aim}")
    lines.append("三年累计对照目标：")
    for figure in progress.period:
        goal = _of(figure.key, figure.goal) if figure.goal is not None else "无目标"
        share = f"，完成 {figure.share}%" if figure.share is not None else ""
        lines.append(f"  {figure.key}  累计 {_of(figure.key, figure.total)}，目标 {goal}{share}（{figure.state}）")
    return lines


def detail_text(detail: PilotDetail) -> str:
    pilot = detail.pilot
    lines = [f"{pilot.unit_name}（{pilot.credit_code}）  {pilot.city}  批次 {pilot.batch_id}  建设期 {pilot.period}",
             f"确认通知文号：{pilot.letter_number or '（未编号）'}  启动资金："
             + (f"{pilot.funding_wan} 万元" if pilot.funding_wan is not None else "（未定）")
             + f"  当前状态：{pilot.status}",
             "目标：" + ("；".join(g.describe() for g in detail.goals) or "（尚无）"),
             "状态变化："]
    lines += [f"  {c.changed_at:%Y-%m-%d %H:%M}  {c.year}年  {c.status}  {c.reason}（{c.changed_by}）"
              for c in detail.history]
    return "\n".join(lines + progress_text(detail.progress))


def cmd_show(args) -> int:
    with Storage(args.db) as storage:
        detail = pilot_detail(storage, _account(storage, args), args.batch, args.credit_code)
    emit(args, detail.model_dump(mode="json"), detail_text(detail))
    return 0


def cmd_status(args) -> int:
    with Storage(args.db) as storage:
        done = registry.set_status(storage, _account(storage, args), args.batch, args.credit_code, args.year,
                                   PilotStatus(args.to), args.reason)
    emit(args, done.model_dump(mode="json"), f"试点“{done.unit_name}”{args.year}年的状态已改为{done.status}。")
    return 0


def cmd_goals(args) -> int:
    goals = [parse_goal(text) for text in args.goals]
    with Storage(args.db) as storage:
        done = registry.set_goals(storage, _account(storage, args), args.batch, args.credit_code, goals, args.reason)
    emit(args, [g.model_dump(mode="json") for g in done],
         "目标已保存：" + ("；".join(g.describe() for g in done) or "（已清空）"))
    return 0
