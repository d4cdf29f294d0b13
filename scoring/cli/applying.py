"""The `apply` command group: open a batch for applications, extend a deadline, save a unit's draft from a JSON file,
check it, submit it."""
from __future__ import annotations

import json
from datetime import datetime
from pathlib import Path

from scoring.applying import calls, drafts, invitations, submissions, units
from scoring.cli.base import CliError, Options, emit, principal
from scoring.storage import Storage


def add_commands(commands, options: Options) -> None:
    common, printing, _ = options
    group = commands.add_parser("apply", help="自主申报：开放申报、保存草稿、检查、提交",
                                description="自主申报 → 市局推荐。命令行在服务器上运行；填报、检查、提交以 --actor 所指的申报单位账号进行。")
    actions = group.add_subparsers(dest="apply_command", required=True, metavar="子命令")
    opening = actions.add_parser("open-call", parents=[common, printing], help="为批次开放申报",
                                 description="为已有批次开放申报，给出申报指南与两个截止时间。")
    opening.add_argument("batch", help="批次编号")
    opening.add_argument("--unit-deadline", required=True, type=datetime.fromisoformat, help="单位提交截止时间，如 2023-05-31T17:00")
    opening.add_argument("--city-deadline", required=True, type=datetime.fromisoformat, help="市局推荐截止时间")
    opening.add_argument("--guideline", default="", help="申报指南文字")
    opening.add_argument("--guideline-link", default="", help="申报指南链接")
    opening.add_argument("--require", action="append", default=[], help="必须上传的附件类型（可重复）")
    opening.add_argument("--invited-only", action="store_true", help="仅受邀单位可申报")
    opening.set_defaults(run=cmd_open_call)
    extend = actions.add_parser("extend", parents=[common, printing], help="延长截止时间（须说明理由）",
                                description="延长单位提交或市局推荐截止时间，理由记入审计日志。")
    extend.add_argument("batch", help="批次编号")
    extend.add_argument("--unit-deadline", type=datetime.fromisoformat, help="新的单位提交截止时间")
    extend.add_argument("--city-deadline", type=datetime.fromisoformat, help="新的市局推荐截止时间")
    extend.add_argument("--reason", required=True, help="理由（必填）")
    extend.set_defaults(run=cmd_extend)
    save = actions.add_parser("save-draft", parents=[common, printing], help="从 JSON 文件保存草稿（可不完整）",
                              description="把 JSON 文件中给出的各部分保存为草稿；未给出的部分保持不变。")
    save.add_argument("batch", help="批次编号")
    save.add_argument("file", type=Path, help="申报书 JSON（与导入格式相同，可只含部分内容）")
    save.set_defaults(run=cmd_save_draft)
    invite = actions.add_parser("invite", parents=[common, printing], help="邀请申报单位（建账号并发送邀请）",
                                description="邀请单位申报：首次邀请时建立申报单位账号（登录名为小写的统一社会信用代码）并给出一次性登录链接。")
    invite.add_argument("batch", help="批次编号")
    invite.add_argument("unit_name", help="单位名称")
    invite.add_argument("credit_code", help="统一社会信用代码")
    invite.add_argument("--city", required=True, help="所在城市，如 大连市")
    invite.add_argument("--email", required=True, help="联系邮箱")
    invite.set_defaults(run=cmd_invite)
    for name, helptext, run in (("check", "检查草稿", cmd_check), ("submit", "提交给市局", cmd_submit)):
        sub = actions.add_parser(name, parents=[common, printing], help=helptext, description=helptext + "。")
        sub.add_argument("batch", help="批次编号")
        sub.add_argument("credit_code", help="统一社会信用代码")
        sub.set_defaults(run=run)


def cmd_open_call(args) -> int:
    call = calls.ApplicationCall(batch_id=args.batch, guideline=args.guideline, guideline_link=args.guideline_link,
                                 unit_deadline=args.unit_deadline, city_deadline=args.city_deadline,
                                 required_attachments=args.require,
                                 eligible=calls.Eligible.INVITED if args.invited_only else calls.Eligible.ANY_UNIT)
    with Storage(args.db) as storage:
        done = calls.open_call(storage, principal(args), call)
    emit(args, done.model_dump(mode="json"), f"批次 {done.batch_id} 已开放申报，单位截止 {done.unit_deadline}。")
    return 0


def cmd_extend(args) -> int:
    with Storage(args.db) as storage:
        done = calls.extend_deadline(storage, principal(args), args.batch, unit_deadline=args.unit_deadline,
                                     city_deadline=args.city_deadline, reason=args.reason)
    emit(args, done.model_dump(mode="json"), f"单位截止 {done.unit_deadline}，市局截止 {done.city_deadline}。")
    return 0


def cmd_invite(args) -> int:
    with Storage(args.db) as storage:
        done = invitations.invite_unit(storage, principal(args), args.batch, args.unit_name, args.credit_code,
                                       args.city, args.email)
    emit(args, done.model_dump(mode="json"),
         f"已邀请 {done.invitation.unit.unit_name}（账号 {done.invitation.login}）。"
         + (f"一次性登录凭据：{done.credential}" if done.credential else ""))
    return 0


def cmd_save_draft(args) -> int:
    if not args.file.is_file():
        raise CliError(f"找不到文件 {args.file}")
    try:
        data = json.loads(args.file.read_text(encoding="utf-8"))
        code = data["basic"]["credit_code"]
    except (ValueError, KeyError, TypeError) as exc:
        raise CliError(f"{args.file} 不是含 basic.credit_code 的申报书 JSON。") from exc
    with Storage(args.db) as storage:
        who = units.acting_as(storage, args.actor)
        draft = None
        for section, value in data.items():
            if section in drafts.SECTIONS:
                draft = drafts.save_section(storage, who, args.batch, code, section, value)
    emit(args, draft.model_dump(mode="json"), f"已保存 {code} 的草稿。")
    return 0


def cmd_check(args) -> int:
    with Storage(args.db) as storage:
        problems = drafts.check_draft(storage, units.acting_as(storage, args.actor), args.batch, args.credit_code)
    lines = [f"{p.field}：{p.message}" + ("" if p.blocking else "（需人工判定）") for p in problems]
    emit(args, [p.model_dump() for p in problems], "\n".join(lines) or "未发现问题。")
    return 1 if any(p.blocking for p in problems) else 0


def cmd_submit(args) -> int:
    with Storage(args.db) as storage:
        done = submissions.submit(storage, units.acting_as(storage, args.actor), args.batch, args.credit_code)
    emit(args, {"version": done.version, "status": done.status, "submitted_at": str(done.submitted_at)},
         f"已提交第 {done.version} 版，状态：{done.status}。")
    return 0
