"""The publicity stage on the command line, end to end: settings, the period, holidays for an uncovered year, preview,
publish, objections, confirmation, letters and exports; refusals exit with status 1 and say why."""
from __future__ import annotations

from pathlib import Path

import pytest

from scoring.cli.main import main
from tests.builders.cli import run_json
from tests.builders.publicity import shortlisted_storage

ROUND = "2023-01"


@pytest.fixture
def db(tmp_path, monkeypatch) -> str:
    shortlisted_storage(tmp_path).close()
    monkeypatch.setenv("SCORING_EXPORTS", str(tmp_path / "exports"))
    return str(tmp_path / "review.duckdb")


def test_the_period_command_counts_national_day_and_its_adjusted_days(db, capsys):
    status, period = run_json(capsys, "publicity", "period", "--start", "2023-09-27", "--days", "5", "--db", db)

    assert status == 0 and period["end"] == "2023-10-09"
    assert [d["day"] for d in period["adjusted"]] == ["2023-10-07", "2023-10-08"]


def test_an_uncovered_year_fails_until_staff_enter_its_holidays(db, capsys):
    capsys.readouterr()
    assert main(["publicity", "period", "--start", "2099-01-04", "--db", db]) == 1
    assert "尚未收录 2099 年" in capsys.readouterr().err

    status, _ = run_json(capsys, "publicity", "holidays", "--year", "2099", "--holidays", "2099-01-01~2099-01-05",
                         "--workdays", "2099-01-10", "--reason", "国务院办公厅通知", "--db", db)
    _, period = run_json(capsys, "publicity", "period", "--start", "2099-01-02", "--days", "5", "--db", db)

    assert status == 0
    # 1 Jan 2099 is a Thursday: Tuesday 6 to Friday 9, then the adjusted Saturday 10
    assert period["start"] == "2099-01-06" and period["end"] == "2099-01-10"


def test_the_whole_publicity_from_settings_to_letters(db, capsys, tmp_path):
    run_json(capsys, "publicity", "settings", ROUND, "--start", "2023-06-05", "--person", "王明", "--phone",
             "024-12345678", "--columns", "统一社会信用代码", "--db", db)
    _, preview = run_json(capsys, "publicity", "preview", ROUND, "--out", str(tmp_path / "草稿.pdf"), "--db", db)
    assert preview["document"]["draft"] and (tmp_path / "草稿.pdf").read_bytes().startswith(b"%PDF")
    assert preview["document"]["columns"] == ["序号", "单位名称", "统一社会信用代码"]

    assert main(["publicity", "publish", ROUND, "--db", db]) == 1  # no reason
    _, notice = run_json(capsys, "publicity", "publish", ROUND, "--reason", "局务会同意", "--db", db)
    code = notice["document"]["units"][0]["credit_code"]
    _, late = run_json(capsys, "objections", "add", ROUND, "--received", "2023-06-12", "--kind", "个人", "--name",
                       "李四", "--phone", "139", "--sealed-or-signed", "--unit", code, "--content", "数据不实",
                       "--db", db)
    _, accepted = run_json(capsys, "objections", "add", ROUND, "--received", "2023-06-08", "--kind", "个人",
                           "--name", "李四", "--phone", "139", "--sealed-or-signed", "--unit", code, "--content",
                           "数据不实", "--db", db)
    _, preview_confirm = run_json(capsys, "confirm", ROUND, "--db", db)
    run_json(capsys, "objections", "decide", str(accepted["objection_id"]), "--decision", "异议成立", "--reason",
             "核实属实", "--db", db)
    _, confirmed = run_json(capsys, "confirm", ROUND, "--yes", "--reason", "公示期满", "--db", db)
    _, letters = run_json(capsys, "letters", ROUND, "--prefix", "辽知发", "--first", "3", "--issued-on", "2023-06-20",
                          "--funding", "50", "--db", db)
    _, exported = run_json(capsys, "export", ROUND, "--what", "confirmed", "--as", "csv", "--db", db)

    assert not late["accepted"] and "超出公示期" in late["not_accepted_reason"]
    assert any("第 2 号" in b for b in preview_confirm["blockers"])
    assert [u["credit_code"] for u in confirmed["units"]] == [u["credit_code"] for u in notice["document"]["units"][1:]]
    assert letters["letters"] == len(confirmed["units"]) and letters["files"][0]["number"] == "辽知发〔2023〕3号"
    assert Path(letters["zip"]).exists() and Path(exported["path"]).read_bytes().startswith(b"\xef\xbb\xbf")


def test_export_refuses_a_format_the_document_does_not_have(db, capsys):
    capsys.readouterr()
    assert main(["export", ROUND, "--what", "list", "--as", "pdf", "--db", db]) == 1
    assert "xlsx、csv" in capsys.readouterr().err
