"""The `rubric`, `score` and `progress` commands: rubric files checked and shown, score sheets entered on an expert's
behalf (代录), reopened, recused and read, and a round's progress with the reminders list."""
from __future__ import annotations

import argparse
import json
import unicodedata
from pathlib import Path

from scoring.rounds import review_rounds
from scoring.review import score_sheets as sheets
from scoring.cli.base import CliError, Options, emit, principal
from scoring.common.models import Opinion, ScoreSheet, SheetStatus, compact_code
from scoring.review.rubrics import (
    Rubric,
    RubricError,
    RubricFile,
    find_rubric,
    load_rubric_file,
    points_text,
    rubric_files,
    rubrics_dir,
)
from scoring.review.score_sheets import SheetIncomplete
from scoring.storage import Storage

# Like every other command: 1 for an invalid input (each problem printed) or, from main(), a refused request;
# 2 (argparse) for a command line that cannot be read.
INVALID_EXIT = 1


def add_commands(commands, options: Options) -> None:
    common, printing, _ = options
    _add_rubric(commands, common, printing)
    _add_score(commands, common, printing)
    progress = commands.add_parser("progress", parents=[common, printing], help="评审进度与催办名单",
                                   description="按专家、按评审组统计评分表的未开始、草稿、已提交、已回避份数（只有份数，"
                                               "不含任何分数），并列出尚未完成评审的专家及其电话、邮箱，供催办。")
    progress.add_argument("round_id", help="轮次编号，如 2023-01")
    progress.set_defaults(run=cmd_progress)


# --- rubric ----------------------------------------------------------------------------------


def _add_rubric(commands, common, printing) -> None:
    group = commands.add_parser("rubric", help="评分标准：校验、列出、查看",
                                description="评分标准是 rubrics/ 目录中的 YAML 文件（环境变量 SCORING_RUBRICS 可另指目录），"
                                            "字段说明见 rubrics/README.md。")
    actions = group.add_subparsers(dest="rubric_command", required=True, metavar="子命令")

    check = actions.add_parser("check", parents=[printing], help="校验评分标准文件",
                               description="逐个校验评分标准文件，按“文件，第 N 行，字段 x：问题”打印每个问题；"
                                           "有任何文件无效时退出码为 1，全部有效时为 0。")
    check.add_argument("files", nargs="+", type=Path, help="评分标准文件(.yaml)，如 rubrics/selection.yaml")
    check.set_defaults(run=cmd_rubric_check)

    listing = actions.add_parser("list", parents=[printing], help="列出评分标准目录中的文件",
                                 description="列出评分标准目录中的全部 .yaml 文件，无论有效与否；无效的文件列出其问题。")
    listing.add_argument("--dir", type=Path, help="评分标准目录（默认取 SCORING_RUBRICS 或程序旁的 rubrics/）")
    listing.set_defaults(run=cmd_rubric_list)

    show = actions.add_parser("show", parents=[common, printing], help="查看一份评分标准的指标与加分项",
                              description="列出评分标准的各项指标（编号、名称、满分、计分步长、评语要求、评分档次）、"
                                          "汇总规则与优先申报加分项。--round 时显示该轮次冻结的评分标准（轮次开始后"
                                          "修改文件不影响该轮次）。代录评分表时 --score 所用的指标编号即此处的编号。")
    show.add_argument("rubric_id", nargs="?", help="评分标准编号，如 selection")
    show.add_argument("--dir", type=Path, help="评分标准目录（默认取 SCORING_RUBRICS 或程序旁的 rubrics/）")
    show.add_argument("--round", dest="round_id", help="改为显示某评审轮次冻结的评分标准，如 2023-01")
    show.set_defaults(run=cmd_rubric_show)


def _file_payload(item: RubricFile) -> dict:
    rubric = item.loaded.rubric if item.loaded else None
    return {"file": str(item.path), "valid": item.loaded is not None,
            "id": rubric.id if rubric else None, "version": rubric.version if rubric else None,
            "title": rubric.title if rubric else None, "kind": str(rubric.kind) if rubric else None,
            "sha256": item.loaded.sha256 if item.loaded else None,
            "issues": [issue.model_dump() for issue in item.issues]}


def _file_lines(item: RubricFile) -> list[str]:
    if item.loaded:
        return [f"{item.path}：有效 — {item.loaded.rubric.label}，SHA-256 {item.loaded.sha256[:16]}…"]
    return [f"{item.path}：无效，{len(item.issues)} 个问题", *[f"  {issue}" for issue in item.issues]]


def cmd_rubric_check(args) -> int:
    checked = []
    for path in args.files:
        try:
            checked.append(RubricFile(path=path, loaded=load_rubric_file(path)))
        except RubricError as exc:
            checked.append(RubricFile(path=path, issues=exc.issues))
    emit(args, [_file_payload(item) for item in checked],
         "\n".join(line for item in checked for line in _file_lines(item)))
    return 0 if all(item.loaded for item in checked) else INVALID_EXIT


def cmd_rubric_list(args) -> int:
    folder = args.dir or rubrics_dir()
    listed = rubric_files(folder)
    emit(args, [_file_payload(item) for item in listed],
         "\n".join(_listing_line(item) for item in listed) or f"评分标准目录 {folder} 中没有 .yaml 文件。")
    return 0


def _listing_line(item: RubricFile) -> str:
    if not item.loaded:
        return f"{item.path.name}  无效（{len(item.issues)} 个问题，用 rubric check 查看）"
    r = item.loaded.rubric
    return f"{item.path.name}  有效  {r.id}  第 {r.version} 版  {r.kind}  总分 {points_text(r.total)}  {r.title}"


def cmd_rubric_show(args) -> int:
    if bool(args.rubric_id) == bool(args.round_id):
        raise CliError("请给出评分标准编号，或用 --round 指定评审轮次（二者选一）。")
    if args.round_id:
        who = principal(args)
        with Storage(args.db) as storage:
            review_round = review_rounds.get_round(storage, who, args.round_id)
            rubric = sheets.rubric_of(storage, who, args.round_id)
        source, sha256 = f"评审轮次 {review_round.round_id} 冻结的版本", review_round.rubric_sha256
    else:
        loaded = find_rubric(args.rubric_id, args.dir)
        rubric, source, sha256 = loaded.rubric, loaded.source, loaded.sha256
    emit(args, {"source": source, "sha256": sha256, "rubric": rubric.model_dump(mode="json")},
         rubric_text(rubric, source, sha256))
    return 0


def rubric_text(rubric: Rubric, source: str, sha256: str) -> str:
    """The rubric as a staff member reads it beside a paper sheet: criteria by group, then the rules and bonuses."""
    lines = [rubric.label,
             f"适用评审类型：{rubric.kind}　总分：{points_text(rubric.total)}　"
             f"须给出总体意见：{'是' if rubric.opinion_required else '否'}",
             f"来源：{source}　SHA-256：{sha256}", "评分指标（编号　名称　满分　计分步长　评语要求）："]
    groups = [g.id for g in rubric.groups] + [None]
    for group_id in groups:
        members = [c for c in rubric.criteria if c.group == group_id]
        if not members:
            continue
        if group_id is not None:
            lines.append(f"【{rubric.group_name(group_id)}】")
        for c in members:
            lines.append(f"  {c.id}　{c.name}　满分 {points_text(c.max_points)}　步长 {points_text(c.step)}　"
                         f"{c.comment_rule_text}")
            if c.bands:
                lines.append("      档次：" + "；".join(f"{b.label} {b.range_text}" for b in c.bands))
            if c.figures:
                lines.append("      参考数据：" + "、".join(str(f) for f in c.figures))
    rules = rubric.aggregation
    lines.append(f"汇总规则：{rules.describe()}")
    if rules.tie_break:
        lines.append("并列规则：" + " → ".join(f"指标“{rubric.criterion(t.criterion).name}”平均分高者"
                                             if t.criterion else f"{t.figure}较大者" for t in rules.tie_break))
    if rubric.bonus.items:
        lines.append(f"优先申报加分（上限 {points_text(rubric.bonus.cap)} 分，须经工作人员核实证明材料）：")
        lines += [f"  {b.id}　{b.name}　{points_text(b.points)} 分" + (f"　证明材料：{b.evidence}" if b.evidence else "")
                  for b in rubric.bonus.items]
    return "\n".join(lines)


# --- score -----------------------------------------------------------------------------------


def _add_score(commands, common, printing) -> None:
    group = commands.add_parser("score", help="评分表：评审任务、代录、退回、回避、不同意见、查看",
                                description="以工作人员身份处理专家的评分表。命令行视为系统管理员操作；"
                                            "工作人员只能查看已提交（或已回避）的评分表，看不到专家的草稿。")
    actions = group.add_subparsers(dest="score_command", required=True, metavar="子命令")
    sheet_args = argparse.ArgumentParser(add_help=False)
    sheet_args.add_argument("round_id", help="轮次编号，如 2023-01")
    sheet_args.add_argument("credit_code", help="申报单位统一社会信用代码")
    sheet_args.add_argument("--expert", required=True, metavar="专家编号", help="专家编号，如 ZJ-0001")

    tasks = actions.add_parser("tasks", parents=[common, printing], help="查看某位专家的评审任务与进度",
                               description="列出某位专家在评审轮次中分到的申报书、评分表状态与已打分的指标数；"
                                           "合计分只对已提交的评分表显示。")
    tasks.add_argument("round_id", help="轮次编号，如 2023-01")
    tasks.add_argument("--expert", required=True, metavar="专家编号", help="专家编号，如 ZJ-0001")
    tasks.set_defaults(run=cmd_score_tasks)

    save = actions.add_parser("save", parents=[sheet_args, common, printing], help="代录评分表（保存草稿或提交）",
                              description="工作人员代专家录入纸质评分表（代录，记入审计日志）。本次给出的内容即整张评分表："
                                          "未给出的指标为空。--from-json 读入一份评分内容，--score 等参数再覆盖其中对应项。"
                                          "--submit 时须全部指标已打分、按要求填写评语并给出总体意见，否则列出缺项、"
                                          "不保存任何内容并以退出码 1 结束。指标编号见 rubric show --round。")
    save.add_argument("--score", action="append", default=[], type=_entry, metavar="指标=分数",
                      help="一项得分，如 management=17.5；可重复；“指标=”留空表示清除该项得分")
    save.add_argument("--comment", action="append", default=[], type=_entry, metavar="指标=评语",
                      help="一项评语，如 budget=预算依据充分；可重复")
    save.add_argument("--opinion", choices=[o.value for o in Opinion], metavar="推荐|不推荐", help="总体意见：推荐 / 不推荐")
    save.add_argument("--opinion-text", metavar="说明", help="总体意见的说明")
    save.add_argument("--submit", action="store_true", help="保存并提交（提交后评分表锁定，只能由工作人员退回）")
    save.add_argument("--from-json", type=Path, metavar="文件",
                      help='评分内容 JSON 文件：{"scores": {"指标": 分数}, "comments": {"指标": "评语"}, '
                           '"opinion": "推荐", "opinion_text": "说明"}')
    save.set_defaults(run=cmd_score_save)

    reopen = actions.add_parser("reopen", parents=[sheet_args, common, printing], help="退回已提交的评分表",
                                description="把已提交的评分表退回专家修改（截止后仍可修改）；已提交的版本保留在修改记录中。"
                                            "必须填写理由。")
    reopen.add_argument("--reason", default="", help="退回理由（必填，记入审计日志）")
    reopen.set_defaults(run=cmd_score_reopen)

    recuse = actions.add_parser("recuse", parents=[sheet_args, common, printing], help="代专家申请回避",
                                description="登记专家对该申报书的回避：评分表标为已回避，批次内记录回避关系，"
                                            "该申报书随即缺额（可用 assign --rerun-uncovered 补充分配）。必须说明理由。")
    recuse.add_argument("--reason", default="", help="回避理由（必填，记入审计日志）")
    recuse.set_defaults(run=cmd_score_recuse)

    dissent = actions.add_parser("dissent", parents=[sheet_args, common, printing], help="代录专家的不同意见",
                                 description="记录专家对专家组意见的不同意见（保留意见）；每次修改都保留在修改记录中。"
                                             "--text 为空表示撤回。")
    dissent.add_argument("--text", required=True, help="不同意见全文（不超过 2000 字）")
    dissent.set_defaults(run=cmd_score_dissent)

    show = actions.add_parser("show", parents=[sheet_args, common, printing], help="查看一份已提交的评分表",
                              description="显示一份已提交（或已回避）的评分表：各项得分、评语、总体意见、不同意见。"
                                          "专家提交前不能查看。")
    show.set_defaults(run=cmd_score_show)

    history = actions.add_parser("history", parents=[sheet_args, common, printing], help="查看一份评分表的修改记录",
                                 description="按时间列出一份评分表的提交、退回、回避与不同意见记录。")
    history.set_defaults(run=cmd_score_history)


def _entry(text: str) -> tuple[str, str]:
    """指标=值 from the command line; a full-width ＝ (typed with a Chinese IME) counts too."""
    key, sep, value = text.replace("＝", "=", 1).partition("=")
    if not sep or not key.strip():
        raise argparse.ArgumentTypeError(f"“{text}”应写成 指标编号=内容，如 management=17.5")
    return key.strip(), value.strip()


def _entries(args) -> dict:
    """The sheet's entries: the JSON file's, then each flag over it."""
    data: dict = {}
    if args.from_json:
        try:
            data = json.loads(args.from_json.read_text(encoding="utf-8"))
        except FileNotFoundError:
            raise CliError(f"找不到文件 {args.from_json}") from None
        except (UnicodeDecodeError, json.JSONDecodeError) as exc:
            where = f"第 {exc.lineno} 行：" if isinstance(exc, json.JSONDecodeError) else ""
            raise CliError(f"文件 {args.from_json} 不是有效的 UTF-8 JSON（{where}{exc}）") from None
        if not isinstance(data, dict):
            raise CliError(f"文件 {args.from_json} 应为一个 JSON 对象，含 scores、comments、opinion、opinion_text。")
    # Full-width digits (１７．５) are what a Chinese IME types; NFKC makes them 17.5.
    scores = {**(data.get("scores") or {}), **{k: unicodedata.normalize("NFKC", v) or None for k, v in args.score}}
    comments = {**(data.get("comments") or {}), **dict(args.comment)}
    data = {**data, "scores": scores, "comments": comments}
    if args.opinion is not None:
        data["opinion"] = args.opinion
    if args.opinion_text is not None:
        data["opinion_text"] = args.opinion_text
    return data


def _sheet_payload(sheet: ScoreSheet, **extra) -> dict:
    return {**sheet.model_dump(mode="json"), "total": points_text(sheet.total), **extra}


def cmd_score_tasks(args) -> int:
    who = principal(args)
    expert_id = compact_code(args.expert)
    with Storage(args.db) as storage:
        review_round = review_rounds.stored_round(storage, args.round_id)
        tasks = sheets.expert_tasks(storage, who, expert_id, review_round.round_id)
    payload = [{**t.model_dump(mode="json"), "progress": round(t.progress, 4),
                "total": points_text(t.total) if t.total is not None else None} for t in tasks]
    lines = [f"专家 {expert_id} 在评审轮次 {review_round.label} 中的评审任务（{len(tasks)} 份）："]
    lines += [f"  {t.unit_name}（{t.credit_code}）  {t.status}  已打分 {t.scored}/{t.criteria} 项"
              + (f"  合计 {points_text(t.total)} 分" if t.total is not None else "")
              + (f"  评审组 {t.panel}" if t.panel else "")
              for t in tasks]
    emit(args, payload, "\n".join(lines) if tasks else f"评审轮次 {review_round.round_id} 没有分配给专家 {expert_id} 的申报书。")
    return 0


def cmd_score_save(args) -> int:
    entries = _entries(args)
    who = principal(args)
    with Storage(args.db) as storage:
        act = sheets.submit_sheet if args.submit else sheets.save_draft
        try:
            sheet = act(storage, who, args.round_id, args.credit_code, entries, expert_id=args.expert)
        except SheetIncomplete as exc:  # not a refusal on stderr: the problems are the command's output
            emit(args, {"submitted": False, "problems": exc.problems},
                 "\n".join(["评分表尚未完成，不能提交，未保存任何内容：", *[f"  · {p}" for p in exc.problems]]))
            return INVALID_EXIT
        missing = [] if args.submit else sheets.completeness_problems(sheets.rubric_of(storage, who, args.round_id),
                                                                      sheet.entries())
    done = "已提交" if sheet.status is SheetStatus.SUBMITTED else "已保存草稿"
    text = (f"{done}：代专家 {sheet.expert_id} 录入 {sheet.credit_code} 的评分表（第 {sheet.revision} 版），"
            f"合计 {points_text(sheet.total)} 分。")
    if missing:
        text += "\n提交前尚需：\n" + "\n".join(f"  · {p}" for p in missing)
    emit(args, _sheet_payload(sheet, submitted=sheet.status is SheetStatus.SUBMITTED, problems=missing), text)
    return 0


def cmd_score_reopen(args) -> int:
    with Storage(args.db) as storage:
        sheet = sheets.reopen_sheet(storage, principal(args), args.round_id, args.credit_code, args.expert, args.reason)
    emit(args, _sheet_payload(sheet),
         f"已退回专家 {sheet.expert_id} 对 {sheet.credit_code} 的评分表（理由：{sheet.reopened_reason}），专家可修改后重新提交。")
    return 0


def cmd_score_recuse(args) -> int:
    with Storage(args.db) as storage:
        sheet = sheets.declare_recusal(storage, principal(args), args.round_id, args.credit_code, args.reason,
                                       expert_id=args.expert)
    emit(args, _sheet_payload(sheet),
         f"已登记专家 {sheet.expert_id} 对 {sheet.credit_code} 回避；该申报书需补充分配专家"
         f"（assign {sheet.round_id} --rerun-uncovered --reason 理由）。")
    return 0


def cmd_score_dissent(args) -> int:
    with Storage(args.db) as storage:
        sheet = sheets.record_dissent(storage, principal(args), args.round_id, args.credit_code, args.text,
                                      expert_id=args.expert)
    emit(args, _sheet_payload(sheet),
         f"已记录专家 {sheet.expert_id} 对 {sheet.credit_code} 的不同意见。" if sheet.dissent
         else f"已撤回专家 {sheet.expert_id} 对 {sheet.credit_code} 的不同意见。")
    return 0


def cmd_score_show(args) -> int:
    who = principal(args)
    with Storage(args.db) as storage:
        sheet = sheets.open_sheet(storage, who, args.round_id, args.credit_code, args.expert)
        rubric = sheets.rubric_of(storage, who, args.round_id)
    emit(args, _sheet_payload(sheet), sheet_text(sheet, rubric))
    return 0


def sheet_text(sheet: ScoreSheet, rubric: Rubric) -> str:
    lines = [f"评审轮次 {sheet.round_id}  申报单位 {sheet.credit_code}  专家 {sheet.expert_id}：{sheet.status}"
             f"（第 {sheet.revision} 版" + (f"，提交于 {sheet.submitted_at:%Y-%m-%d %H:%M}" if sheet.submitted_at else "")
             + "）"]
    if sheet.status is SheetStatus.RECUSED:
        return "\n".join(lines)
    for c in rubric.criteria:
        points = sheet.scores.get(c.id)
        lines.append(f"  {c.name}（{c.id}）：" + ("未打分" if points is None else
                                                f"{points_text(points)} / {points_text(c.max_points)} 分"))
        if sheet.comments.get(c.id):
            lines.append(f"      评语：{sheet.comments[c.id]}")
    lines.append(f"合计：{points_text(sheet.total)} / {points_text(rubric.total)} 分")
    if sheet.opinion:
        lines.append(f"总体意见：{sheet.opinion}" + (f"。{sheet.opinion_text}" if sheet.opinion_text else ""))
    if sheet.dissent:
        lines.append(f"不同意见：{sheet.dissent}")
    return "\n".join(lines)


def cmd_score_history(args) -> int:
    with Storage(args.db) as storage:
        revisions = sheets.sheet_history(storage, principal(args), args.round_id, args.credit_code, args.expert)
    payload = [{**r, "data": json.loads(r["data"]) if isinstance(r["data"], str) else r["data"]} for r in revisions]
    lines = [f"第 {r['revision']} 版  {r['event']}  {r['recorded_at']:%Y-%m-%d %H:%M:%S}  {r['recorded_by']}"
             + (f"  理由：{r['reason']}" if r["reason"] else "") for r in revisions]
    emit(args, payload, "\n".join(lines) or "该评分表尚无提交、退回、回避或不同意见的记录。")
    return 0


# --- progress --------------------------------------------------------------------------------


def cmd_progress(args) -> int:
    with Storage(args.db) as storage:
        progress = sheets.round_progress(storage, principal(args), args.round_id)
    experts = [{**e.model_dump(mode="json"), "unfinished": e.unfinished, "share_done": round(e.share_done, 4)}
               for e in progress.experts]
    reminders = [{**e.model_dump(mode="json"), "unfinished": e.unfinished} for e in progress.reminders]
    payload = {"round": progress.review_round.model_dump(mode="json"), "sheets": progress.sheets,
               "done": progress.done, "experts": experts,
               "panels": [{**p.model_dump(mode="json"), "share_done": round(p.share_done, 4)} for p in progress.panels],
               "reminders": reminders, "recusals": [r.model_dump(mode="json") for r in progress.recusals]}
    emit(args, payload, progress_text(progress))
    return 0


def progress_text(progress: sheets.RoundProgress) -> str:
    share = progress.done / progress.sheets if progress.sheets else 1.0
    lines = [f"评审轮次 {progress.review_round.label}：评分表 {progress.sheets} 份，已完成 {progress.done} 份（{share:.0%}）。"]
    if not progress.experts:
        return "\n".join([*lines, "该轮次尚未确认分配。"])
    lines.append("按专家（分配 / 未开始 / 草稿 / 已提交 / 已回避）：")
    lines += [f"  {e.expert_id} {e.name}（{e.unit}）  {e.assigned} / {e.not_started} / {e.draft} / {e.submitted} / "
              f"{e.recused}" + (f"  最近保存 {e.last_saved:%Y-%m-%d %H:%M}" if e.last_saved else "")
              for e in progress.experts]
    lines.append("按评审组（专家 / 评分表 / 已提交 / 已回避 / 完成）：")
    lines += [f"  {p.panel}  {p.experts} / {p.sheets} / {p.submitted} / {p.recused} / {p.share_done:.0%}"
              for p in progress.panels]
    reminders = progress.reminders
    lines.append(f"待催办（{len(reminders)} 名）：" if reminders else "全部专家已完成评审。")
    lines += [f"  {e.expert_id} {e.name}  未完成 {e.unfinished} 份  电话 {e.phone or '—'}  邮箱 {e.email or '—'}"
              for e in reminders]
    if progress.recusals:
        lines.append(f"评审中回避（{len(progress.recusals)} 项）：")
        lines += [f"  {r.expert_id} — {r.credit_code}：{r.reason}" for r in progress.recusals]
    return "\n".join(lines)
