"""The `apply` command group: staff open a batch for applications, extend a deadline, invite units; a unit (as its
account, --actor) saves its draft from a JSON file, uploads its files, checks and submits; its city bureau (as its
account) lists its city's forms, does the 初审, returns or recommends, makes and uploads the 推荐函 and sends."""
from __future__ import annotations

import json
from datetime import datetime
from pathlib import Path

from scoring.applying import attachments, calls, city_review, drafts, handover, invitations, submissions, units
from scoring.common.accounts import CredentialKind, principal_of
from scoring.documents.official_docx import letter_docx
from scoring.documents.official_pdf import letter_pdf
from scoring.cli.base import CliError, Options, emit, principal
from scoring.storage import Storage


def add_commands(commands, options: Options) -> None:
    common, printing, _ = options
    group = commands.add_parser("apply", help="自主申报与市局推荐：开放申报、填报、提交、初审、推荐、报送",
                                description="自主申报 → 市局推荐。命令行在服务器上运行；填报、检查、提交以 --actor 所指的申报单位账号进行，初审、退回、推荐、报送以 --actor 所指的市局账号进行。")
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
                                description="邀请单位申报：首次邀请时建立申报单位账号（登录名为小写的统一社会信用代码）并给出一次性登录链接（或 --password 初始密码）。")
    invite.add_argument("batch", help="批次编号")
    invite.add_argument("unit_name", help="单位名称")
    invite.add_argument("credit_code", help="统一社会信用代码")
    invite.add_argument("--city", required=True, help="所在城市，如 大连市")
    invite.add_argument("--email", required=True, help="联系邮箱")
    invite.add_argument("--password", action="store_true", help="发放初始密码而不是一次性登录链接")
    invite.set_defaults(run=cmd_invite)
    def form_command(name: str, helptext: str, run):
        sub = actions.add_parser(name, parents=[common, printing], help=helptext, description=helptext + "。")
        sub.add_argument("batch", help="批次编号")
        sub.add_argument("credit_code", help="统一社会信用代码")
        sub.set_defaults(run=run)
        return sub

    form_command("check", "检查草稿", cmd_check)
    form_command("submit", "提交给市局", cmd_submit)
    form_command("show", "显示草稿（JSON）", cmd_show)
    form_command("versions", "列出已提交的各版本", cmd_versions)
    form_command("attachments", "列出当前附件", cmd_attachments)
    attach = form_command("attach", "上传或更换附件（申报单位账号）", cmd_attach)
    attach.add_argument("kind", help=f"附件类型：{'、'.join(attachments.UNIT_KINDS)}")
    attach.add_argument("file", type=Path, help="文件")
    review = form_command("pre-review", "保存初审核对事项与意见（市局账号）", cmd_pre_review)
    review.add_argument("--check", action="append", default=[], help="已核对的事项（可重复）")
    review.add_argument("--all", action="store_true", help="全部事项均已核对")
    review.add_argument("--opinion", default="", help="初审意见")
    back = form_command("return", "退回申报单位修改（市局账号，须说明理由）", cmd_return)
    back.add_argument("--reason", required=True, help="退回理由（必填）")
    rec = form_command("recommend", "推荐（市局账号；须先完成初审）", cmd_recommend)
    rec.add_argument("--rank", type=int, help="推荐排序（可选，从 1 开始）")
    forms = actions.add_parser("forms", parents=[common, printing], help="列出申报书及状态（市局：本市；工作人员：全部）",
                               description="每个单位的最新版本、状态与初审情况。")
    forms.add_argument("batch", help="批次编号")
    forms.add_argument("--city", help="只列出该市")
    forms.set_defaults(run=cmd_forms)

    def city_command(name: str, helptext: str, run):
        sub = actions.add_parser(name, parents=[common, printing], help=helptext, description=helptext + "。")
        sub.add_argument("batch", help="批次编号")
        sub.add_argument("--city", required=True, help="市，如 大连市")
        sub.set_defaults(run=run)
        return sub

    letter = city_command("letter", "生成推荐函（.docx 或 .pdf，列出已推荐单位）", cmd_letter)
    letter.add_argument("-o", "--output", type=Path, required=True, help="输出文件（.docx 或 .pdf）")
    upload = city_command("upload-letter", "上传盖章的推荐函", cmd_upload_letter)
    upload.add_argument("file", type=Path, help="推荐函扫描件或文件")
    send = city_command("send", "报送省局：已推荐的申报书连同推荐函进入批次", cmd_send)
    send.add_argument("--reason", default="", help="说明（可选）")


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
                                       args.city, args.email,
                                       CredentialKind.PASSWORD if args.password else CredentialKind.LINK)
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


def _account(storage: Storage, args):
    """The account --actor names (a city bureau, a unit); the server's own command line when it names none."""
    return principal_of(storage, args.actor) or principal(args)


def _file(path: Path) -> bytes:
    if not path.is_file():
        raise CliError(f"找不到文件 {path}")
    return path.read_bytes()


def cmd_show(args) -> int:
    with Storage(args.db) as storage:
        draft = drafts.get_draft(storage, _account(storage, args), args.batch, args.credit_code)
    emit(args, draft.model_dump(mode="json"), json.dumps(draft.data, ensure_ascii=False, indent=2))
    return 0


def cmd_versions(args) -> int:
    with Storage(args.db) as storage:
        found = submissions.versions_of(storage, _account(storage, args), args.batch, args.credit_code)
    emit(args, [{"version": v.version, "status": v.status, "submitted_at": str(v.submitted_at)} for v in found],
         "\n".join(f"第 {v.version} 版  {v.submitted_at}  {v.status}" for v in found) or "尚未提交。")
    return 0


def cmd_attachments(args) -> int:
    with Storage(args.db) as storage:
        found = attachments.attachments_of(storage, _account(storage, args), args.batch, args.credit_code)
    emit(args, [a.model_dump(mode="json") for a in found],
         "\n".join(f"{a.kind}：{a.filename}（{a.size} 字节）" for a in found) or "尚未上传附件。")
    return 0


def cmd_attach(args) -> int:
    content = _file(args.file)
    with Storage(args.db) as storage:
        done = attachments.upload_attachment(storage, units.acting_as(storage, args.actor), args.batch,
                                             args.credit_code, args.kind, args.file.name, content)
    emit(args, done.model_dump(mode="json"), f"已上传{done.kind}：{done.filename}。")
    return 0


def cmd_forms(args) -> int:
    with Storage(args.db) as storage:
        found = city_review.city_forms(storage, _account(storage, args), args.batch, args.city)
    emit(args, [f.model_dump(mode="json") | {"status_text": f.status_text} for f in found],
         "\n".join(f"{f.unit.city}  {f.unit.unit_name}（{f.unit.credit_code}）  {f.status_text}"
                   + (f"  第 {f.version} 版" if f.version else "") for f in found) or "没有申报书。")
    return 0


def cmd_pre_review(args) -> int:
    checked = list(city_review.PreReviewItem) if args.all else args.check
    with Storage(args.db) as storage:
        done = city_review.save_pre_review(storage, _account(storage, args), args.batch, args.credit_code, checked,
                                           args.opinion)
    emit(args, done.model_dump(mode="json"),
         "已保存初审。" + (f"尚未核对：{'、'.join(done.unchecked)}" if done.unchecked else "全部事项已核对。"))
    return 0


def cmd_return(args) -> int:
    with Storage(args.db) as storage:
        done = city_review.return_form(storage, _account(storage, args), args.batch, args.credit_code, args.reason)
    emit(args, done.model_dump(mode="json"), f"已退回，理由：{done.return_reason}")
    return 0


def cmd_recommend(args) -> int:
    with Storage(args.db) as storage:
        done = city_review.recommend(storage, _account(storage, args), args.batch, args.credit_code, args.rank)
    emit(args, done.model_dump(mode="json"), "已推荐" + (f"，排序第 {done.rank} 位。" if done.rank else "。"))
    return 0


def cmd_letter(args) -> int:
    suffix = args.output.suffix.lower()
    if suffix not in (".docx", ".pdf"):
        raise CliError(f"{args.output}：推荐函只能生成 .docx 或 .pdf 文件。")
    with Storage(args.db) as storage:
        doc = handover.letter_document(storage, _account(storage, args), args.batch, args.city)
    args.output.write_bytes(letter_docx(doc) if suffix == ".docx" else letter_pdf(doc))
    emit(args, {"output": str(args.output)}, f"已生成推荐函 {args.output}，请打印盖章后上传扫描件。")
    return 0


def cmd_upload_letter(args) -> int:
    content = _file(args.file)
    with Storage(args.db) as storage:
        done = handover.upload_letter(storage, _account(storage, args), args.batch, args.city, args.file.name, content)
    emit(args, done.model_dump(mode="json"), f"已上传推荐函：{done.filename}。")
    return 0


def cmd_send(args) -> int:
    with Storage(args.db) as storage:
        done = handover.send_to_province(storage, _account(storage, args), args.batch, args.city, args.reason)
    emit(args, done.model_dump(mode="json"),
         f"已报送 {len(done.credit_codes)} 份申报书：新增 {len(done.created)}，更新 {len(done.updated)}，"
         f"未变 {len(done.unchanged)}。")
    return 0
