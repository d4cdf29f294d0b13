"""`python -m scoring apply …`: open a call, save a draft from JSON, check it, submit it, extend a deadline."""
import json

import pytest

from scoring.cli.main import main
from scoring.storage.store import Storage
from tests.builders.applications import make_application, make_batch
from tests.builders.cli import run_json


@pytest.fixture
def db(tmp_path):
    path = tmp_path / "review.duckdb"
    with Storage(path) as storage:
        storage.create_batch(make_batch(), "admin")
    return str(path)


def _open(capsys, db) -> None:
    status, _ = run_json(capsys, "apply", "open-call", "2023", "--unit-deadline", "2099-05-31T17:00",
                         "--city-deadline", "2099-06-10T17:00", "--db", db, "--actor", "staff")
    assert status == 0


def _invite(capsys, db, app: dict) -> tuple[str, ...]:
    """Staff invite the unit; the command line then acts as its account (login: the credit code in lower case)."""
    basic = app["basic"]
    status, done = run_json(capsys, "apply", "invite", "2023", basic["unit_name"], basic["credit_code"],
                            "--city", app["recommendation"]["city"], "--email", "ip@unit.example.cn",
                            "--db", db, "--actor", "staff")
    assert status == 0 and done["new_account"]
    return "--db", db, "--actor", done["invitation"]["login"]


def test_a_unit_saves_checks_and_submits_through_the_command_line(capsys, db, tmp_path):
    _open(capsys, db)
    app = make_application()
    form = tmp_path / "form.json"
    form.write_text(app.model_dump_json(), encoding="utf-8")
    unit = _invite(capsys, db, app.model_dump(mode="json"))
    assert run_json(capsys, "apply", "save-draft", "2023", str(form), *unit)[0] == 0
    status, problems = run_json(capsys, "apply", "check", "2023", app.credit_code, *unit)
    assert status == 0 and problems == []
    status, done = run_json(capsys, "apply", "submit", "2023", app.credit_code, *unit)
    assert (status, done["version"], done["status"]) == (0, 1, "已提交")


def test_a_partial_draft_checks_with_exit_1_and_cannot_be_submitted(capsys, db, tmp_path):
    _open(capsys, db)
    app = make_application().model_dump(mode="json")
    form = tmp_path / "form.json"
    form.write_text(json.dumps({"basic": app["basic"]}, ensure_ascii=False), encoding="utf-8")
    unit = _invite(capsys, db, app)
    run_json(capsys, "apply", "save-draft", "2023", str(form), *unit)
    assert run_json(capsys, "apply", "check", "2023", app["basic"]["credit_code"], *unit)[0] == 1
    assert main(["apply", "submit", "2023", app["basic"]["credit_code"], *unit]) == 1
    assert "尚未填写完整" in capsys.readouterr().err


def test_the_command_line_refuses_to_fill_a_form_as_an_account_that_is_no_unit(capsys, db, tmp_path):
    _open(capsys, db)
    form = tmp_path / "form.json"
    form.write_text(make_application().model_dump_json(), encoding="utf-8")
    assert main(["apply", "save-draft", "2023", str(form), "--db", db, "--actor", "staff"]) == 1
    assert "不是在用的申报单位账号" in capsys.readouterr().err


def test_extending_a_deadline_without_a_reason_is_refused(capsys, db):
    _open(capsys, db)
    assert main(["apply", "extend", "2023", "--unit-deadline", "2099-06-01T17:00", "--reason", "x",
                 "--db", db, "--actor", "staff"]) == 1
    status, done = run_json(capsys, "apply", "extend", "2023", "--unit-deadline", "2099-06-01T17:00",
                            "--reason", "系统维护", "--db", db, "--actor", "staff")
    assert status == 0 and done["unit_deadline"].startswith("2099-06-01")
