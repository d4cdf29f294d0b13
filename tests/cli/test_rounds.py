"""The `round`, `assign` and `assignment` commands: help in Chinese, JSON output, a preview that stores nothing, commit
with a reason, a non-zero exit with the diagnosis when infeasible, the re-run after a recusal, and the export."""
from __future__ import annotations


import pandas as pd
import pytest

from scoring.cli.main import build_parser, main
from tests.builders.cli import run_json
from scoring.storage import Storage, round_store
from tests.builders.rounds import recuse, sample_database
from tests.builders.databases import copy_to


@pytest.fixture
def db(tmp_path, monkeypatch) -> str:
    monkeypatch.setenv("SCORING_EXPORTS", str(tmp_path / "exports"))
    path = tmp_path / "cli.duckdb"
    copy_to(sample_database(), path)
    return str(path)


def create(db, capsys, *extra) -> str:
    status, payload = run_json(capsys, "round", "create", "--db", db, "--kind", "遴选", "--rubric", "selection",
                               *extra)
    assert status == 0
    return payload["round_id"]


def pairs_of(db, round_id) -> set[tuple[str, str]]:
    with Storage(db) as storage:
        return {(p.credit_code, p.expert_id) for p in round_store.current_pairs(storage, round_id)}


def group_commands() -> list[tuple[str, str]]:
    parser = build_parser()
    top = next(a for a in parser._actions if a.dest == "command")
    found = []
    for group in ("round", "assignment"):
        sub = next(a for a in top.choices[group]._actions if a.dest == f"{group}_command")
        found += [(group, name) for name in sub.choices]
    return found


@pytest.mark.parametrize(("group", "command"), group_commands())
def test_every_round_subcommand_has_help_in_chinese(group, command, capsys):
    with pytest.raises(SystemExit) as exited:
        main([group, command, "--help"])

    assert exited.value.code == 0
    assert any("\u4e00" <= ch <= "\u9fff" for ch in capsys.readouterr().out)


def test_round_create_numbers_the_round_and_list_shows_it(db, capsys):
    round_id = create(db, capsys, "--k", "4", "--min", "1", "--max", "6", "--opens", "2023-07-01T09:00",
                      "--closes", "2023-07-15")

    status, listed = run_json(capsys, "round", "list", "--db", db)

    assert round_id == "2023-01" and status == 0
    [shown] = listed
    assert (shown["experts_per_application"], shown["min_load"], shown["max_load"]) == (4, 1, 6)
    assert shown["opens_at"] == "2023-07-01T09:00:00" and shown["mode"] == "分布式"


def test_round_create_with_bad_settings_exits_non_zero_in_chinese(db, capsys):
    status = main(["round", "create", "--db", db, "--kind", "selection", "--rubric", "r", "--min", "5", "--max", "2"])

    assert status == 1
    assert "每位专家评审数下限5大于上限2" in capsys.readouterr().err


def test_assign_without_commit_prints_the_preview_and_stores_nothing(db, capsys):
    round_id = create(db, capsys, "--max", "4")

    status, preview = run_json(capsys, "assign", round_id, "--db", db)

    assert status == 0 and preview["shortfalls"] == []
    assert len(preview["pairs"]) == len(preview["added"]) == 130
    assert pairs_of(db, round_id) == set()
    capsys.readouterr()
    assert main(["assign", round_id, "--db", db]) == 0
    assert "确认分配请加 --commit --reason" in capsys.readouterr().out


def test_assign_commit_needs_a_reason_and_then_stores_the_assignment(db, capsys):
    round_id = create(db, capsys)

    assert main(["assign", round_id, "--commit", "--db", db]) == 1
    assert "必须填写理由" in capsys.readouterr().err
    status, summary = run_json(capsys, "assign", round_id, "--commit", "--reason", "首次分配", "--db", db)

    assert status == 0 and (summary["added"], summary["removed"]) == (130, 0)
    assert len(pairs_of(db, round_id)) == 130


def test_an_infeasible_round_exits_non_zero_with_the_chinese_diagnosis(db, capsys):
    round_id = create(db, capsys, "--max", "1")

    capsys.readouterr()
    status = main(["assign", round_id, "--commit", "--reason", "确认", "--db", db])

    out = capsys.readouterr().out
    assert status == 1
    assert "无法满足全部约束" in out and "请提高每位专家的评审上限" in out
    assert pairs_of(db, round_id) == set()


def test_rerun_uncovered_replaces_only_the_recused_pair(db, capsys):
    round_id = create(db, capsys)
    run_json(capsys, "assign", round_id, "--commit", "--reason", "首次分配", "--db", db)
    before = pairs_of(db, round_id)
    code, expert_id = sorted(before)[0]
    with Storage(db) as storage:
        recuse(storage, round_id, expert_id, code)

    status, summary = run_json(capsys, "assign", round_id, "--rerun-uncovered", "--reason", "回避后补充", "--db", db)

    after = pairs_of(db, round_id)
    assert status == 0 and (summary["added"], summary["removed"]) == (1, 1)
    assert before - after == {(code, expert_id)} and {c for c, _ in after - before} == {code}


def test_round_panel_sets_a_panel_for_panel_mode(db, capsys):
    round_id = create(db, capsys, "--mode", "panel", "--k", "3")

    status, saved = run_json(capsys, "round", "panel", round_id, "综合组", "--members", "ZJ-0001,ZJ-0002",
                             "--fields", "新材料，法律", "--reason", "组建评审组", "--db", db)

    assert status == 0
    assert saved["panels"] == [{"name": "综合组", "members": ["ZJ-0001", "ZJ-0002"], "fields": ["新材料", "法律"],
                                "applications": []}]
    capsys.readouterr()
    assert main(["assign", round_id, "--db", db]) == 1
    assert "未分到任何评审组" in capsys.readouterr().out


def test_assignment_export_writes_the_archive_and_the_copy(db, capsys, tmp_path):
    round_id = create(db, capsys)
    run_json(capsys, "assign", round_id, "--commit", "--reason", "首次分配", "--db", db)

    status, payload = run_json(capsys, "assignment", "export", round_id, str(tmp_path / "名单.xlsx"), "--db", db)

    assert status == 0 and payload["rows"] == 130
    assert payload["path"].startswith(str(tmp_path / "exports" / "2023" / round_id))
    copy = pd.read_excel(tmp_path / "名单.xlsx", engine="calamine", header=1)
    assert len(copy) == 130 and list(copy.columns)[:3] == ["序号", "申报单位", "统一社会信用代码"]


def test_export_of_a_round_without_a_commit_exits_non_zero(db, capsys):
    round_id = create(db, capsys)

    assert main(["assignment", "export", round_id, "--db", db]) == 1
    assert "尚未确认分配" in capsys.readouterr().err
