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


def _city_account(capsys, db) -> tuple[str, ...]:
    status, _ = run_json(capsys, "user", "add", "dalian", "--role", "city", "--city", "大连市",
                         "--display-name", "大连市知识产权局", "--db", db)
    assert status == 0
    return "--db", db, "--actor", "dalian"


def test_a_form_goes_from_the_unit_through_return_and_recommendation_into_the_batch(capsys, db, tmp_path):
    _open(capsys, db)
    app = make_application()
    code = app.credit_code
    form, plan, letter = tmp_path / "form.json", tmp_path / "三年建设方案.pdf", tmp_path / "推荐函.pdf"
    form.write_text(app.model_dump_json(), encoding="utf-8")
    plan.write_bytes(b"%PDF-1.4 plan")
    letter.write_bytes(b"%PDF-1.4 sealed letter")
    unit = _invite(capsys, db, app.model_dump(mode="json"))
    city = _city_account(capsys, db)
    run_json(capsys, "apply", "save-draft", "2023", str(form), *unit)
    assert run_json(capsys, "apply", "attach", "2023", code, "三年建设方案", str(plan), *unit)[0] == 0
    assert run_json(capsys, "apply", "submit", "2023", code, *unit)[0] == 0
    status, forms = run_json(capsys, "apply", "forms", "2023", *city)
    assert status == 0 and [(f["unit"]["credit_code"], f["status_text"]) for f in forms] == [(code, "已提交")]
    assert run_json(capsys, "apply", "return", "2023", code, "--reason", "请补充盖章页", *city)[0] == 0
    assert run_json(capsys, "apply", "submit", "2023", code, *unit)[1]["version"] == 2
    assert run_json(capsys, "apply", "pre-review", "2023", code, "--all", "--opinion", "同意推荐", *city)[0] == 0
    assert run_json(capsys, "apply", "recommend", "2023", code, "--rank", "1", *city)[1]["rank"] == 1
    assert run_json(capsys, "apply", "letter", "2023", "--city", "大连市", "-o", str(tmp_path / "函.docx"), *city)[0] == 0
    assert (tmp_path / "函.docx").read_bytes()[:2] == b"PK"
    assert run_json(capsys, "apply", "upload-letter", "2023", "--city", "大连市", str(letter), *city)[0] == 0
    status, sent = run_json(capsys, "apply", "send", "2023", "--city", "大连市", *city)
    assert status == 0 and sent["created"] == [code]
    status, versions = run_json(capsys, "apply", "versions", "2023", code, *unit)
    assert [v["status"] for v in versions] == ["已退回", "已报送省局"]
    with Storage(db) as storage:
        stored = storage.get_application("2023", code)
    assert stored.recommendation.city_recommended and stored.attachment("市局推荐函").filename == "推荐函.pdf"


def test_a_unit_cannot_recommend_its_own_form_from_the_command_line(capsys, db, tmp_path):
    _open(capsys, db)
    app = make_application()
    form = tmp_path / "form.json"
    form.write_text(app.model_dump_json(), encoding="utf-8")
    unit = _invite(capsys, db, app.model_dump(mode="json"))
    run_json(capsys, "apply", "save-draft", "2023", str(form), *unit)
    assert main(["apply", "recommend", "2023", app.credit_code, *unit]) == 1
    assert "市局推荐" in capsys.readouterr().err


def test_an_invitation_can_hand_out_an_initial_password_instead_of_a_link(capsys, db):
    from scoring.common import accounts

    _open(capsys, db)
    basic = make_application().model_dump(mode="json")["basic"]
    status, done = run_json(capsys, "apply", "invite", "2023", basic["unit_name"], basic["credit_code"],
                            "--city", "大连市", "--email", "ip@unit.example.cn", "--password", "--db", db)
    assert status == 0
    with Storage(db) as storage:
        assert accounts.login(storage, done["invitation"]["login"], done["credential"])
