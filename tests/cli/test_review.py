"""The `rubric`, `score` and `progress` commands: located rubric problems, a paper sheet entered on an expert's behalf
(代录), an incomplete submission refused with its missing criteria, reopening only with a reason, recusal, dissent,
history, the progress and reminders list, and the JSON each prints."""
from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from scoring.rounds.assignment import commit_assignment, preview_assignment
from scoring.cli.main import main
from scoring.review.rubrics import RUBRICS_DIR, find_rubric
from scoring.storage import Storage, round_store
from tests.builders.cli import run_json
from tests.builders.rounds import ADMIN, sample_database, new_round
from tests.builders.databases import copy_to

ROUND = "2023-01"
ACTOR = "工作人员甲"
FULL = {"scores": {"management": 20, "creation": 15, "conversion": 20, "mechanism": 15, "goals": 10, "measures": 10,
                   "safeguards": 5, "budget": 4.5},
        "comments": {"budget": "预算依据充分"}, "opinion": "推荐", "opinion_text": "同意推荐"}
BROKEN = """\
id: broken
version: 1
title: 有错的评分标准
kind: 遴选
total: 10
criteria:
  - id: only
    name: 唯一指标
    max_points: 十分
"""


@pytest.fixture(scope="module")
def assigned_template(tmp_path_factory) -> Path:
    """The sample batch with round 2023-01 (selection rubric) and its committed assignment, built once."""
    path = tmp_path_factory.mktemp("scoring-cli") / "assigned.duckdb"
    copy_to(sample_database(), path)
    with Storage(path) as storage:
        round_id = new_round(storage, ADMIN, min_load=1, max_load=4).round_id
        commit_assignment(storage, ADMIN, round_id, preview_assignment(storage, ADMIN, round_id), "测试分配")
    return path


@pytest.fixture
def db(assigned_template, tmp_path) -> str:
    path = tmp_path / "cli.duckdb"
    shutil.copy(assigned_template, path)
    return str(path)


@pytest.fixture
def pair(db) -> tuple[str, str]:
    """(credit code, expert id) of one assigned sheet."""
    with Storage(db) as storage:
        first = sorted(round_store.current_pairs(storage, ROUND), key=lambda p: (p.expert_id, p.credit_code))[0]
    return first.credit_code, first.expert_id


def sheet_args(db, pair) -> list[str]:
    code, expert_id = pair
    return [ROUND, code, "--expert", expert_id, "--db", db, "--actor", ACTOR]


def submit_full(db, pair, capsys, tmp_path) -> dict:
    entries = tmp_path / "sheet.json"
    entries.write_text(json.dumps(FULL, ensure_ascii=False), encoding="utf-8")
    status, sheet = run_json(capsys, "score", "save", *sheet_args(db, pair), "--from-json", str(entries), "--submit")
    assert status == 0, sheet
    return sheet


def text_of(capsys, *argv) -> tuple[int, str, str]:
    capsys.readouterr()
    status = main(list(argv))
    captured = capsys.readouterr()
    return status, captured.out, captured.err


# --- rubric ----------------------------------------------------------------------------------


def test_rubric_check_of_the_shipped_files_exits_zero_with_id_version_and_hash(capsys):
    files = sorted(str(p) for p in RUBRICS_DIR.glob("*.yaml"))

    status, checked = run_json(capsys, "rubric", "check", *files)

    assert status == 0
    assert [c["file"] for c in checked] == files
    assert all(c["valid"] and c["issues"] == [] and len(c["sha256"]) == 64 for c in checked)
    assert {c["id"]: c["version"] for c in checked}["selection"] == "2023.1"


def test_rubric_check_prints_file_line_and_field_of_each_problem_and_exits_one(tmp_path, capsys):
    bad = tmp_path / "bad.yaml"
    bad.write_text(BROKEN, encoding="utf-8")

    status, out, _ = text_of(capsys, "rubric", "check", str(bad))

    assert status == 1
    assert f"{bad}，第 9 行，字段 criteria[0].max_points：" in out


def test_rubric_check_json_lists_valid_and_invalid_files_with_located_issues(tmp_path, capsys):
    bad = tmp_path / "bad.yaml"
    bad.write_text(BROKEN, encoding="utf-8")
    good = RUBRICS_DIR / "selection.yaml"

    status, checked = run_json(capsys, "rubric", "check", str(good), str(bad), str(tmp_path / "missing.yaml"))

    assert status == 1
    assert [(c["valid"], c["id"]) for c in checked] == [(True, "selection"), (False, None), (False, None)]
    assert checked[1]["issues"] == [{"file": str(bad), "line": 9, "field": "criteria[0].max_points",
                                     "message": checked[1]["issues"][0]["message"]}]
    assert checked[1]["sha256"] is None
    assert checked[2]["issues"][0]["message"] == "文件不存在"


def test_rubric_list_shows_every_file_of_the_folder_valid_or_not(tmp_path, capsys):
    shutil.copy(RUBRICS_DIR / "selection.yaml", tmp_path / "selection.yaml")
    (tmp_path / "broken.yaml").write_text(BROKEN, encoding="utf-8")

    status, listed = run_json(capsys, "rubric", "list", "--dir", str(tmp_path))
    _, out, _ = text_of(capsys, "rubric", "list", "--dir", str(tmp_path))

    assert status == 0
    assert [(Path(f["file"]).name, f["valid"]) for f in listed] == [("broken.yaml", False), ("selection.yaml", True)]
    assert "broken.yaml  无效（1 个问题" in out and "selection.yaml  有效  selection" in out


def test_rubric_list_honours_the_rubrics_folder_of_the_environment(tmp_path, monkeypatch, capsys):
    (tmp_path / "broken.yaml").write_text(BROKEN, encoding="utf-8")
    monkeypatch.setenv("SCORING_RUBRICS", str(tmp_path))

    status, listed = run_json(capsys, "rubric", "list")

    assert status == 0 and [Path(f["file"]).name for f in listed] == ["broken.yaml"]


def test_rubric_show_lists_criteria_with_max_step_comment_rule_and_bands_then_the_bonus_items(capsys):
    status, out, _ = text_of(capsys, "rubric", "show", "selection")
    _, shown = run_json(capsys, "rubric", "show", "selection")

    assert status == 0
    assert "management　知识产权管理体系　满分 20　步长 0.5　低于 12 分须填写评语" in out
    assert "budget　经费预算合理性　满分 5　步长 0.5　必须填写评语" in out
    assert "档次：优 17—20分；良 13—16.5分；中 8—12.5分；差 0—7.5分" in out
    assert "优先申报加分（上限 10 分" in out and "national_pilot　国家知识产权试点示范高校　3 分" in out
    assert f"汇总规则：{find_rubric('selection').rubric.aggregation.describe()}\n" in out
    assert [c["id"] for c in shown["rubric"]["criteria"]][:2] == ["management", "creation"]
    assert len(shown["sha256"]) == 64 and shown["source"].endswith("selection.yaml")


def test_rubric_show_of_an_unknown_id_is_refused_with_exit_two(capsys):
    status, _, err = text_of(capsys, "rubric", "show", "nothing")

    assert status == 1
    assert "没有编号为 nothing 的有效评分标准文件" in err


def test_rubric_show_of_a_round_shows_the_frozen_text_after_the_file_changed(tmp_path, monkeypatch, capsys):
    folder = tmp_path / "rubrics"
    folder.mkdir()
    shutil.copy(RUBRICS_DIR / "selection.yaml", folder / "selection.yaml")
    monkeypatch.setenv("SCORING_RUBRICS", str(folder))
    path = tmp_path / "frozen.duckdb"
    copy_to(sample_database(), path)
    status, created = run_json(capsys, "round", "create", "--db", str(path), "--kind", "遴选", "--rubric", "selection")
    assert status == 0
    edited = (folder / "selection.yaml").read_text(encoding="utf-8").replace("name: 建设举措", "name: 建设举措（修订）")
    (folder / "selection.yaml").write_text(edited, encoding="utf-8")

    _, now = run_json(capsys, "rubric", "show", "selection")
    _, frozen = run_json(capsys, "rubric", "show", "--round", created["round_id"], "--db", str(path))

    names = lambda shown: {c["id"]: c["name"] for c in shown["rubric"]["criteria"]}["measures"]  # noqa: E731
    assert names(now) == "建设举措（修订）" and names(frozen) == "建设举措"
    assert frozen["sha256"] == created["rubric_sha256"] != now["sha256"]


def test_rubric_show_needs_an_id_or_a_round(capsys):
    status, _, err = text_of(capsys, "rubric", "show")

    assert status == 1 and "请给出评分标准编号" in err


# --- score -----------------------------------------------------------------------------------


def test_score_tasks_lists_the_experts_applications_not_started(db, pair, capsys):
    _, expert_id = pair

    status, tasks = run_json(capsys, "score", "tasks", ROUND, "--expert", expert_id.lower(), "--db", db)

    assert status == 0 and tasks
    assert {t["status"] for t in tasks} == {"未开始"} and {t["criteria"] for t in tasks} == {8}
    assert all(t["progress"] == 0 and t["total"] is None for t in tasks)
    assert pair[0] in {t["credit_code"] for t in tasks}


def test_score_tasks_shows_a_drafts_progress_but_not_its_total(db, pair, capsys):
    run_json(capsys, "score", "save", *sheet_args(db, pair), "--score", "management=17.5", "--score", "goals=8")

    _, tasks = run_json(capsys, "score", "tasks", ROUND, "--expert", pair[1], "--db", db)
    _, out, _ = text_of(capsys, "score", "tasks", ROUND, "--expert", pair[1], "--db", db)

    [task] = [t for t in tasks if t["credit_code"] == pair[0]]
    assert (task["status"], task["scored"], task["progress"], task["total"]) == ("草稿", 2, 0.25, None)
    assert "草稿  已打分 2/8 项" in out and "合计" not in out


def test_score_tasks_of_an_expert_without_assignments_says_so(db, capsys):
    status, out, _ = text_of(capsys, "score", "tasks", ROUND, "--expert", "ZJ-9999", "--db", db)

    assert status == 0 and "没有分配给专家 ZJ-9999 的申报书" in out


def test_score_save_enters_a_draft_on_the_experts_behalf_and_lists_what_is_still_missing(db, pair, capsys):
    status, sheet = run_json(capsys, "score", "save", *sheet_args(db, pair), "--score", "management=17.5",
                             "--score", "creation=１２．５", "--comment", "management=制度较完善")

    assert status == 0
    assert (sheet["status"], sheet["revision"], sheet["total"], sheet["submitted"]) == ("草稿", 1, "30", False)
    assert sheet["comments"] == {"management": "制度较完善"}
    assert "“转化实施基础”未打分" in sheet["problems"] and "未选择总体意见（推荐/不推荐）" in sheet["problems"]
    _, log = run_json(capsys, "audit", "--db", db, "--entity", f"sheet/{ROUND}/{pair[0]}/{pair[1]}")
    assert log[0]["action"] == "sheet.save" and log[0]["detail"]["代录"] is True


def test_score_save_submit_of_an_incomplete_sheet_exits_one_listing_the_missing_criteria_and_saves_nothing(
        db, pair, capsys):
    status, out, _ = text_of(capsys, "score", "save", *sheet_args(db, pair), "--score", "management=17.5", "--submit")

    assert status == 1
    assert "评分表尚未完成，不能提交" in out
    for name in ("专利创造质量", "转化实施基础", "运营机制与专业团队", "建设思路和目标", "建设举措", "保障措施与进度安排",
                 "经费预算合理性"):
        assert f"· “{name}”未打分" in out
    assert "知识产权管理体系" not in out
    _, tasks = run_json(capsys, "score", "tasks", ROUND, "--expert", pair[1], "--db", db)
    assert {t["credit_code"]: t["status"] for t in tasks}[pair[0]] == "未开始"


def test_score_save_submit_json_of_an_incomplete_sheet_lists_the_problems(db, pair, capsys):
    scores = [f"--score={key}={value}" for key, value in FULL["scores"].items()]

    status, refused = run_json(capsys, "score", "save", *sheet_args(db, pair), *scores, "--opinion", "推荐",
                               "--opinion-text", "同意", "--submit")

    assert status == 1
    assert refused == {"submitted": False, "problems": ["“经费预算合理性”须填写评语（必须填写评语）"]}


def test_score_save_submit_from_json_with_a_flag_over_it_locks_the_sheet(db, pair, capsys, tmp_path):
    entries = tmp_path / "sheet.json"
    entries.write_text(json.dumps(FULL, ensure_ascii=False), encoding="utf-8")

    status, sheet = run_json(capsys, "score", "save", *sheet_args(db, pair), "--from-json", str(entries),
                             "--score", "budget=5", "--submit")

    assert status == 0
    assert (sheet["status"], sheet["total"], sheet["submitted"], sheet["problems"]) == ("已提交", "100", True, [])
    again, _, err = text_of(capsys, "score", "save", *sheet_args(db, pair), "--score", "budget=4")
    assert again == 1 and "已提交并锁定" in err


def test_score_save_off_the_step_grid_is_refused_with_exit_two(db, pair, capsys):
    status, _, err = text_of(capsys, "score", "save", *sheet_args(db, pair), "--score", "management=17.3")

    assert status == 1
    assert "“知识产权管理体系”的得分 17.3 不是 0.5 分的整数倍" in err


def test_score_save_of_an_unassigned_application_is_refused(db, pair, capsys):
    code, _ = pair
    with Storage(db) as storage:
        other = next(p.expert_id for p in round_store.current_pairs(storage, ROUND)
                     if p.credit_code != code and p.expert_id != pair[1]
                     and code not in {q.credit_code for q in round_store.pairs_of_expert(storage, p.expert_id, ROUND)})

    status, _, err = text_of(capsys, "score", "save", ROUND, code, "--expert", other, "--db", db, "--score",
                             "management=10")

    assert status == 1 and "没有把该申报书分配给专家" in err


def test_score_save_with_an_entry_not_written_key_equals_value_is_a_usage_error(db, pair, capsys):
    with pytest.raises(SystemExit) as exited:
        main(["score", "save", *sheet_args(db, pair), "--score", "management"])

    assert exited.value.code == 2
    assert "应写成 指标编号=内容" in capsys.readouterr().err


def test_score_save_from_a_file_that_is_not_json_is_refused(db, pair, capsys, tmp_path):
    entries = tmp_path / "sheet.json"
    entries.write_text("{scores: 1", encoding="utf-8")

    status, _, err = text_of(capsys, "score", "save", *sheet_args(db, pair), "--from-json", str(entries))

    assert status == 1 and "不是有效的 UTF-8 JSON" in err


def test_score_show_refuses_a_draft_and_shows_a_submitted_sheet(db, pair, capsys, tmp_path):
    run_json(capsys, "score", "save", *sheet_args(db, pair), "--score", "management=17.5")
    refused, _, err = text_of(capsys, "score", "show", *sheet_args(db, pair))
    submit_full(db, pair, capsys, tmp_path)

    status, sheet = run_json(capsys, "score", "show", *sheet_args(db, pair))
    _, out, _ = text_of(capsys, "score", "show", *sheet_args(db, pair))

    assert refused == 1 and "专家提交前，工作人员不能查看其内容" in err
    assert status == 0 and sheet["status"] == "已提交" and sheet["scores"]["budget"] == "4.50"
    assert "经费预算合理性（budget）：4.5 / 5 分" in out and "评语：预算依据充分" in out
    assert "合计：99.5 / 100 分" in out and "总体意见：推荐。同意推荐" in out


def test_score_reopen_without_a_reason_is_refused_and_the_sheet_stays_submitted(db, pair, capsys, tmp_path):
    submit_full(db, pair, capsys, tmp_path)

    status, _, err = text_of(capsys, "score", "reopen", *sheet_args(db, pair))
    short, _, _ = text_of(capsys, "score", "reopen", *sheet_args(db, pair), "--reason", "错")

    assert status == short == 1
    assert "退回评分表必须填写理由" in err
    _, sheet = run_json(capsys, "score", "show", *sheet_args(db, pair))
    assert sheet["status"] == "已提交"


def test_score_reopen_with_a_reason_returns_the_sheet_to_the_expert(db, pair, capsys, tmp_path):
    submit_full(db, pair, capsys, tmp_path)

    status, sheet = run_json(capsys, "score", "reopen", *sheet_args(db, pair), "--reason", "分数有误")

    assert status == 0
    assert (sheet["status"], sheet["reopened_reason"], sheet["submitted_at"]) == ("草稿", "分数有误", None)


def test_score_reopen_of_a_sheet_never_submitted_is_refused(db, pair, capsys):
    status, _, err = text_of(capsys, "score", "reopen", *sheet_args(db, pair), "--reason", "分数有误")

    assert status == 1 and "只有已提交的评分表才能退回" in err


def test_score_recuse_marks_the_sheet_and_progress_lists_the_recusal(db, pair, capsys):
    refused, _, err = text_of(capsys, "score", "recuse", *sheet_args(db, pair))

    status, sheet = run_json(capsys, "score", "recuse", *sheet_args(db, pair), "--reason", "曾在该单位兼职")

    assert refused == 1 and "申请回避必须说明理由" in err
    assert status == 0 and sheet["status"] == "已回避"
    _, progress = run_json(capsys, "progress", ROUND, "--db", db)
    assert [(r["expert_id"], r["credit_code"], r["reason"]) for r in progress["recusals"]] == \
        [(pair[1], pair[0], "曾在该单位兼职")]


def test_score_dissent_is_recorded_and_appears_in_the_history(db, pair, capsys, tmp_path):
    submit_full(db, pair, capsys, tmp_path)

    status, sheet = run_json(capsys, "score", "dissent", *sheet_args(db, pair), "--text", "对转化金额的认定保留意见")
    same, _, err = text_of(capsys, "score", "dissent", *sheet_args(db, pair), "--text", "对转化金额的认定保留意见")

    assert status == 0 and sheet["dissent"] == "对转化金额的认定保留意见"
    assert same == 1 and "内容没有变化" in err
    _, history = run_json(capsys, "score", "history", *sheet_args(db, pair))
    assert [h["event"] for h in history] == ["提交", "不同意见"]
    assert history[-1]["data"]["dissent"] == "对转化金额的认定保留意见"


def test_score_history_lists_submission_and_reopening_with_the_sheet_as_it_stood(db, pair, capsys, tmp_path):
    submit_full(db, pair, capsys, tmp_path)
    run_json(capsys, "score", "reopen", *sheet_args(db, pair), "--reason", "分数有误")

    status, history = run_json(capsys, "score", "history", *sheet_args(db, pair))
    _, out, _ = text_of(capsys, "score", "history", *sheet_args(db, pair))

    assert status == 0
    assert [(h["revision"], h["event"], h["reason"]) for h in history] == [(1, "提交", ""), (2, "退回", "分数有误")]
    assert history[0]["data"]["status"] == "已提交" and history[0]["recorded_by"] == ACTOR
    assert "第 2 版  退回" in out and "理由：分数有误" in out


def test_score_history_of_an_untouched_sheet_says_there_is_none(db, pair, capsys):
    status, out, _ = text_of(capsys, "score", "history", *sheet_args(db, pair))

    assert status == 0 and "尚无" in out


def test_score_commands_on_an_unknown_round_exit_two_in_chinese(db, pair, capsys):
    status, _, err = text_of(capsys, "score", "tasks", "2023-99", "--expert", pair[1], "--db", db)

    assert status == 1 and "没有编号为 2023-99 的评审轮次" in err


# --- progress --------------------------------------------------------------------------------


def test_progress_json_counts_per_expert_and_panel_with_the_reminders(db, pair, capsys, tmp_path):
    submit_full(db, pair, capsys, tmp_path)

    status, progress = run_json(capsys, "progress", ROUND, "--db", db)

    assert status == 0
    assert set(progress) == {"round", "sheets", "done", "experts", "panels", "reminders", "recusals"}
    assert (progress["sheets"], progress["done"]) == (130, 1)
    [mine] = [e for e in progress["experts"] if e["expert_id"] == pair[1]]
    assert mine["submitted"] == 1 and mine["unfinished"] == mine["assigned"] - 1
    assert sum(e["assigned"] for e in progress["experts"]) == 130
    [panel] = progress["panels"]
    assert (panel["panel"], panel["sheets"], panel["submitted"]) == ("（全体）", 130, 1)
    assert all(r["unfinished"] > 0 and "phone" in r and "email" in r for r in progress["reminders"])
    unfinished = [r["unfinished"] for r in progress["reminders"]]
    assert unfinished == sorted(unfinished, reverse=True)


def test_progress_text_lists_who_to_remind_with_phone_and_email(db, capsys):
    status, out, _ = text_of(capsys, "progress", ROUND, "--db", db)

    assert status == 0
    assert "评分表 130 份，已完成 0 份（0%）" in out
    reminders = out.split("待催办（", 1)[1]
    assert "电话 " in reminders and "邮箱 " in reminders and "@" in reminders


def test_progress_of_a_round_without_an_assignment_says_so(db, capsys):
    with Storage(db) as storage:
        fresh = new_round(storage, ADMIN)

    status, out, _ = text_of(capsys, "progress", fresh.round_id, "--db", db)

    assert status == 0 and "尚未确认分配" in out
