"""The `experts` and `conflicts` commands: help for each, JSON on request, non-zero exits on any error."""
from __future__ import annotations


import pytest

from scoring.cli.main import build_parser, main
from tests.builders.cli import run_json
from scoring.documents.expert_workbook import read_expert_files, write_expert_workbook
from scoring.common.models import ConflictRule
from scoring.intake.sample import sample_experts
from tests.builders.applications import make_credit_code, make_expert


@pytest.fixture
def db(tmp_path) -> str:
    path = str(tmp_path / "cli.duckdb")
    assert main(["init", "--sample", "--db", path, "--actor", "测试员"]) == 0
    return path


def subcommands(group: str) -> list[str]:
    parser = build_parser()
    commands = next(a for a in parser._actions if a.dest == "command").choices[group]
    return sorted(next(a for a in commands._actions if a.dest == f"{group}_command").choices)


@pytest.mark.parametrize("group, command", [(g, c) for g in ("experts", "conflicts") for c in subcommands(g)])
def test_every_subcommand_has_help_in_chinese(group, command, capsys):
    with pytest.raises(SystemExit) as exited:
        main([group, command, "--help"])

    assert exited.value.code == 0
    assert any("\u4e00" <= ch <= "\u9fff" for ch in capsys.readouterr().out)


def test_init_with_the_sample_loads_the_pool_listed_as_json(db, capsys):
    status, listed = run_json(capsys, "experts", "list", "--db", db)

    assert status == 0
    assert [e["expert_id"] for e in listed] == [e.expert_id for e in sample_experts()]


def test_template_command_writes_a_template_that_reads_back_empty(tmp_path, capsys):
    out = tmp_path / "专家导入模板.xlsx"

    assert main(["experts", "template", str(out)]) == 0

    parsed = read_expert_files([(out.name, out.read_bytes())])
    assert parsed.experts == [] and "没有任何专家" in parsed.issues[0].message


def test_import_creates_then_updates_and_a_bad_file_imports_nothing(db, tmp_path, capsys):
    good = tmp_path / "新专家.xlsx"
    good.write_bytes(write_expert_workbook([make_expert("ZJ-9001")]))
    bad = tmp_path / "坏.csv"
    bad.write_text("专家编号,姓名,工作单位,专业领域,所在城市\nZJ-9002,王五,某单位,新材料,火星\n", encoding="utf-8")

    status, created = run_json(capsys, "experts", "import", str(good), "--db", db, "--actor", "测试员")
    refused_status, refused = run_json(capsys, "experts", "import", str(good), str(bad), "--db", db)

    assert (status, created["created"]) == (0, ["ZJ-9001"])
    assert refused_status == 1 and not refused["imported"]
    assert [(i["file"], i["row"], i["column"]) for i in refused["issues"] if i["severity"] == "错误"] == [
        ("坏.csv", 2, "所在城市")]


def test_import_of_a_missing_file_names_it(db, capsys):
    assert main(["experts", "import", "没有这个文件.xlsx", "--db", db]) == 1
    assert "没有这个文件.xlsx" in capsys.readouterr().err


def test_deactivate_needs_a_reason_and_takes_the_expert_off_the_list(db, capsys):
    with pytest.raises(SystemExit):
        main(["experts", "deactivate", "ZJ-0001", "--db", db])

    assert main(["experts", "deactivate", "ZJ-0001", "--reason", "已退休", "--db", db]) == 0
    _, listed = run_json(capsys, "experts", "list", "--db", db)
    _, everyone = run_json(capsys, "experts", "list", "--all", "--db", db)
    assert "ZJ-0001" not in {e["expert_id"] for e in listed}
    assert {e["expert_id"]: e["active"] for e in everyone}["ZJ-0001"] is False


def test_deactivating_an_unknown_expert_exits_non_zero_in_chinese(db, capsys):
    assert main(["experts", "deactivate", "ZJ-4040", "--reason", "已退休", "--db", db]) == 1
    assert "没有编号为 ZJ-4040 的专家" in capsys.readouterr().err


def test_export_writes_the_pool_as_an_importable_workbook(db, tmp_path):
    out = tmp_path / "专家库.xlsx"

    assert main(["experts", "export", str(out), "--db", db]) == 0

    parsed = read_expert_files([(out.name, out.read_bytes())])
    assert parsed.errors == [] and len(parsed.experts) == len(sample_experts()) and parsed.pairs


def test_conflict_report_as_json_names_both_sides_and_the_rule(db, capsys):
    status, report = run_json(capsys, "conflicts", "report", "--db", db)

    assert status == 0 and report["rules"]["same_city"] is False
    assert {c["rule"] for c in report["conflicts"]} >= {str(ConflictRule.OWN_UNIT), str(ConflictRule.DECLARED)}
    assert all(c["expert_name"] and c["unit_name"] and c["reason"] for c in report["conflicts"])


def test_conflict_report_rules_follow_the_options(db, capsys):
    _, default = run_json(capsys, "conflicts", "report", "--db", db)
    _, wider = run_json(capsys, "conflicts", "report", "--same-city", "--db", db)
    _, narrower = run_json(capsys, "conflicts", "report", "--no-own-unit", "--no-declared", "--affiliation-years", "0",
                           "--db", db)

    assert len(wider["conflicts"]) > len(default["conflicts"])
    assert {c["rule"] for c in narrower["conflicts"]} <= {str(ConflictRule.RECUSAL)}


def test_declare_then_the_report_lists_the_pair_and_withdraw_removes_it(db, capsys):
    _, report = run_json(capsys, "conflicts", "report", "--db", db)
    code = next(c["credit_code"] for c in report["conflicts"])
    expert_id = "ZJ-0002"

    assert main(["conflicts", "declare", expert_id, code, "--reason", "近亲属在该单位任职", "--db", db]) == 0
    _, after = run_json(capsys, "conflicts", "report", "--db", db)
    assert any(c["expert_id"] == expert_id and c["rule"] == str(ConflictRule.DECLARED) for c in after["conflicts"])

    assert main(["conflicts", "withdraw", expert_id, code, "--reason", "登记有误", "--db", db]) == 0
    _, withdrawn = run_json(capsys, "conflicts", "report", "--db", db)
    assert not any(c["expert_id"] == expert_id and c["rule"] == str(ConflictRule.DECLARED) for c in withdrawn["conflicts"])


def test_declaring_with_a_mistyped_code_exits_non_zero(db, capsys):
    code = make_credit_code(3)
    wrong = code[:-1] + ("0" if code[-1] != "0" else "1")

    assert main(["conflicts", "declare", "ZJ-0001", wrong, "--reason", "亲属任职", "--db", db]) == 1
    assert "校验码错误" in capsys.readouterr().err


def test_a_window_out_of_range_exits_non_zero(db, capsys):
    assert main(["conflicts", "report", "--affiliation-years", "11", "--db", db]) == 1
    assert "0至10" in capsys.readouterr().err
