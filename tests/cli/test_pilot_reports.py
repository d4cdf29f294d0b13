"""`python -m scoring pilot report-…`: staff open the year's call, a unit saves and submits its report from JSON, its
city bureau returns it, staff list the year; a 整改报告 and its re-check."""
from datetime import datetime

import pytest

from scoring.cli.main import main
from scoring.pilots import reports
from scoring.pilots.registry import PilotStatus, get_pilot, set_status
from scoring.storage.store import Storage
from tests.builders.cli import run_json
from tests.builders.clock import frozen_clock
from tests.builders.databases import copy_to
from tests.builders.pilots import pilots_database, the_pilots, unit_account
from tests.builders.rounds import STAFF
from tests.builders.pilots import city_login, unit_login


@pytest.fixture
def db(tmp_path, monkeypatch):
    frozen_clock(monkeypatch, datetime(2023, 12, 1, 10))
    return str(copy_to(pilots_database(), tmp_path / "review.duckdb"))


@pytest.fixture
def pilot(db):
    with Storage(db) as storage:
        pilot = the_pilots(storage)[0]
        unit_login(storage, pilot)
        city_login(storage, "沈阳市", "shenyang")
    return pilot


def _report_file(db, pilot, tmp_path):
    with Storage(db) as storage:
        report = reports.new_report(storage, unit_account(pilot), "2023", 2023)
    for line in report.funds:
        line.received = line.spent = line.budget
    report.summary = "本年度建成专利运营中心。"
    path = tmp_path / "report.json"
    path.write_text(report.model_dump_json(), encoding="utf-8")
    return path


def test_a_years_report_goes_from_the_call_to_the_citys_return_on_the_command_line(capsys, db, pilot, tmp_path):
    code, unit = pilot.credit_code, ("--db", db, "--actor", pilot.credit_code.lower())
    status, call = run_json(capsys, "pilot", "report-call", "2023", "2023", "--unit-deadline", "2024-01-31T17:00",
                            "--city-deadline", "2024-02-15T17:00", "--reason", "年度验收", "--db", db)
    assert (status, call["year"]) == (0, 2023)

    status, saved = run_json(capsys, "pilot", "report-save", str(_report_file(db, pilot, tmp_path)), *unit)
    assert (status, saved["version"], saved["problems"]) == (0, 0, [])
    status, done = run_json(capsys, "pilot", "report-submit", "2023", code, "2023", *unit)
    assert (status, done["version"], done["status"], done["late"]) == (0, 1, "已提交市局", False)
    status, back = run_json(capsys, "pilot", "report-opinion", "2023", code, "2023", "--disagree", "--opinion",
                            "请补充资金说明", "--db", db, "--actor", "shenyang")
    assert (status, back["status"], back["opinion"]) == (0, "市局退回", "请补充资金说明")

    status, listed = run_json(capsys, "pilot", "reports", "2023", "2023", "--db", db)
    assert status == 0
    assert [p["state"] for p in listed] == ["退回", "未填报", "未填报", "未填报", "未填报"]
    assert listed[0]["credit_code"] == code


def test_another_units_account_cannot_submit_and_the_error_is_chinese(capsys, db, pilot):
    with Storage(db) as storage:
        other = the_pilots(storage)[1]
        unit_login(storage, other)
    run_json(capsys, "pilot", "report-call", "2023", "2023", "--unit-deadline", "2024-01-31T17:00",
             "--city-deadline", "2024-02-15T17:00", "--reason", "年度验收", "--db", db)

    assert main(["pilot", "report-submit", "2023", pilot.credit_code, "2023", "--db", db,
                 "--actor", other.credit_code.lower()]) == 1
    assert "只能填报本单位的年度工作总结" in capsys.readouterr().err


def test_a_pilots_extension_and_a_late_submission(capsys, db, pilot, tmp_path, monkeypatch):
    run_json(capsys, "pilot", "report-call", "2023", "2023", "--unit-deadline", "2024-01-31T17:00",
             "--city-deadline", "2024-02-15T17:00", "--reason", "年度验收", "--db", db)
    status, _ = run_json(capsys, "pilot", "report-extend", "2023", "2023", "--credit-code", pilot.credit_code,
                         "--unit-deadline", "2024-02-10T17:00", "--reason", "负责人病休", "--db", db)
    assert status == 0
    unit = ("--db", db, "--actor", pilot.credit_code.lower())
    run_json(capsys, "pilot", "report-save", str(_report_file(db, pilot, tmp_path)), *unit)
    frozen_clock(monkeypatch, datetime(2024, 2, 5, 9))

    status, done = run_json(capsys, "pilot", "report-submit", "2023", pilot.credit_code, "2023", *unit)

    assert (status, done["late"], done["late_reason"]) == (0, True, "负责人病休")


def test_a_rectification_and_its_recheck(capsys, db, pilot, tmp_path):
    with Storage(db) as storage:
        set_status(storage, STAFF, "2023", pilot.credit_code, 2023, PilotStatus.RECTIFYING, "年度验收基本合格")
    scan = tmp_path / "整改报告.pdf"
    scan.write_bytes(b"%PDF-1.4 rectification")
    unit = ("--db", db, "--actor", pilot.credit_code.lower())

    status, done = run_json(capsys, "pilot", "rectify", "2023", pilot.credit_code, "2023", "--text",
                            "已逐项整改资金使用问题，补充转化台账。", "--file", str(scan), *unit)
    assert (status, done["version"], done["file"]["filename"]) == (0, 1, "整改报告.pdf")
    status, checked = run_json(capsys, "pilot", "recheck", "2023", pilot.credit_code, "2023", "--passed",
                               "--reason", "整改到位", "--db", db)

    assert (status, checked["recheck"]["passed"]) == (0, True)
    with Storage(db) as storage:
        assert get_pilot(storage, STAFF, "2023", pilot.credit_code).status is PilotStatus.BUILDING


def test_every_report_command_has_help(capsys):
    for command in ("report-call", "report-extend", "report-save", "report-submit", "report-opinion", "reports",
                    "rectify", "recheck"):
        with pytest.raises(SystemExit) as exit_:
            main(["pilot", command, "--help"])
        assert exit_.value.code == 0
        assert capsys.readouterr().out.strip()
