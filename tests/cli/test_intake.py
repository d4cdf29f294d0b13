"""The command line: every command has help, prints JSON on request, and exits non-zero on any error."""
from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from scoring.cli.main import build_parser, main
from tests.builders.cli import run_json
from scoring.documents.application_workbook import read_workbook, write_workbook
from tests.builders.checks import with_check_character, lean_application

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def db(tmp_path) -> str:
    path = str(tmp_path / "cli.duckdb")
    assert main(["init", "--sample", "--db", path, "--actor", "测试员"]) == 0
    return path


def subcommands() -> list[str]:
    parser = build_parser()
    action = next(a for a in parser._actions if a.dest == "command")
    return sorted(action.choices)


@pytest.mark.parametrize("command", subcommands())
def test_every_command_has_help_in_chinese(command, capsys):
    with pytest.raises(SystemExit) as exited:
        main([command, "--help"])

    assert exited.value.code == 0
    text = capsys.readouterr().out
    assert command in text and any("\u4e00" <= ch <= "\u9fff" for ch in text)


def test_module_entry_point_runs(tmp_path):
    done = subprocess.run([sys.executable, "-m", "scoring", "--help"], cwd=ROOT, capture_output=True, text=True)

    assert done.returncode == 0
    assert "import" in done.stdout and "check" in done.stdout


def test_init_with_sample_reports_the_batch_as_json(tmp_path, capsys):
    status, payload = run_json(capsys, "init", "--sample", "--db", str(tmp_path / "new.duckdb"))

    assert status == 0
    assert payload["batch"] == "2023" and payload["applications"] >= 40


def test_check_counts_every_application_once(db, capsys):
    status, payload = run_json(capsys, "check", "--db", db)

    assert status == 0
    assert sum(payload["counts"].values()) >= 40


def test_list_filters_by_result_and_city(db, capsys):
    status, rows = run_json(capsys, "list", "--db", db, "--result", "不通过", "--city", "大连市")

    assert status == 0 and rows
    assert {r["审查结果"] for r in rows} == {"不通过"} and {r["推荐市局"] for r in rows} == {"大连市"}


def test_show_unknown_unit_exits_non_zero_with_a_chinese_message(db, capsys):
    status = main(["show", "12210200MB00000000", "--db", db])

    assert status == 1
    assert "没有统一社会信用代码为" in capsys.readouterr().err


def test_import_of_a_bad_file_exits_non_zero_and_imports_nothing(db, tmp_path, capsys):
    bad = tmp_path / "坏.xlsx"
    bad.write_bytes(b"not a workbook")
    _, before = run_json(capsys, "list", "--db", db)

    status, report = run_json(capsys, "import", str(bad), "--db", db)

    assert status == 1 and report["imported"] is False
    assert report["issues"][0]["file"] == "坏.xlsx"
    _, after = run_json(capsys, "list", "--db", db)
    assert len(after) == len(before)


def test_import_of_a_missing_file_names_it(db, capsys):
    status = main(["import", "不存在.xlsx", "--db", db])

    assert status == 1
    assert "不存在.xlsx" in capsys.readouterr().err


def test_import_of_a_good_workbook_creates_then_updates_the_unit(db, tmp_path, capsys):
    unit = lean_application(basic={"unit_name": "命令行测试大学", "credit_code": with_check_character("12210100MB0007771")})
    book = tmp_path / "申报书.xlsx"
    book.write_bytes(write_workbook([unit]))

    first_status, first = run_json(capsys, "import", str(book), "--db", db)
    book.write_bytes(write_workbook([unit.model_copy(update={"enterprises_connected": 99})]))
    second_status, second = run_json(capsys, "import", str(book), "--db", db)

    assert (first_status, second_status) == (0, 0)
    assert first["created"] == [unit.credit_code] and second["updated"] == [unit.credit_code]


def test_override_is_shown_by_show_and_recorded_in_the_audit_log(db, capsys):
    _, rows = run_json(capsys, "list", "--db", db)
    code = rows[0]["统一社会信用代码"]

    assert main(["override", code, "deadline", "不通过", "--reason", "纸质材料逾期寄达", "--db", db,
                 "--actor", "王科长"]) == 0
    _, shown = run_json(capsys, "show", code, "--db", db)
    _, log = run_json(capsys, "audit", "--db", db, "--entity", f"application/2023/{code}")

    deadline = next(r for r in shown["checks"]["results"] if r["computed"]["check_id"] == "deadline")
    assert deadline["override"]["outcome"] == "不通过" and shown["overall"] == "不通过"
    assert log[0]["actor"] == "王科长" and log[0]["reason"] == "纸质材料逾期寄达"


def test_override_needs_an_outcome_unless_clearing(db, capsys):
    _, rows = run_json(capsys, "list", "--db", db)

    status = main(["override", rows[0]["统一社会信用代码"], "deadline", "--reason", "理由", "--db", db])

    assert status == 1
    assert "判定结果" in capsys.readouterr().err


def test_changing_the_amount_basis_rechecks_the_batch(db, capsys):
    _, before = run_json(capsys, "list", "--db", db)

    assert main(["batch", "--amount-basis", "实际到账额", "--reason", "按实际到账额认定", "--db", db]) == 0
    _, after = run_json(capsys, "list", "--db", db)

    by_name = lambda rows: {r["单位名称"]: r["申报条件（三）专利转化基础"] for r in rows}  # noqa: E731
    assert by_name(before)["大连轻工技术大学"] == "通过"
    assert by_name(after)["大连轻工技术大学"] == "不通过"


def test_changing_batch_settings_without_a_reason_is_refused(db, capsys):
    assert main(["batch", "--amount-basis", "实际到账额", "--db", db]) == 1
    assert "理由" in capsys.readouterr().err


def test_template_command_writes_a_workbook_that_reads_back_clean(tmp_path, capsys):
    out = tmp_path / "模板.xlsx"

    assert main(["template", str(out)]) == 0
    parsed = read_workbook(out.read_bytes(), out.name, "2023")

    assert parsed.applications == [] and not parsed.errors
