"""`python -m scoring pilot list|show|status|goals`: the registry on the command line, on the pilots database."""
import pytest

from scoring.cli.main import main
from scoring.common import accounts
from scoring.common.access import Grant, Role
from scoring.common.models import City
from scoring.pilots.registry import pilot_goals, status_history
from scoring.storage import Storage
from tests.builders.cli import run_json
from tests.builders.databases import copy_to
from tests.builders.pilots import pilots_database, the_pilots
from tests.builders.rounds import ADMIN, STAFF


@pytest.fixture
def db(tmp_path) -> str:
    return str(copy_to(pilots_database(), tmp_path / "review.duckdb"))


def _pilots(db: str):
    with Storage(db) as storage:
        return the_pilots(storage)


def test_the_list_shows_the_five_pilots_of_the_batch_with_their_status(capsys, db):
    status, listed = run_json(capsys, "pilot", "list", "--batch", "2023", "--db", db)

    assert status == 0
    assert len(listed) == 5
    assert {row["pilot"]["status"] for row in listed} == {"在建"}
    assert listed[0]["by_year"] == {"2023": "在建", "2024": None, "2025": None}


def test_the_list_filters_by_city_and_status(capsys, db):
    assert len(run_json(capsys, "pilot", "list", "--city", "沈阳市", "--db", db)[1]) == 5
    assert run_json(capsys, "pilot", "list", "--city", "大连市", "--db", db)[1] == []
    assert run_json(capsys, "pilot", "list", "--status", "撤销", "--db", db)[1] == []


def test_staff_revoke_a_pilot_with_a_reason_and_the_list_shows_it(capsys, db):
    code = _pilots(db)[0].credit_code

    status, done = run_json(capsys, "pilot", "status", "2023", code, "--year", "2024", "--to", "撤销",
                            "--reason", "未按要求开展试点工作", "--db", db, "--actor", "staff")

    assert (status, done["status"]) == (0, "撤销")
    [revoked] = run_json(capsys, "pilot", "list", "--status", "撤销", "--db", db)[1]
    assert revoked["pilot"]["credit_code"] == code and revoked["by_year"]["2024"] == "撤销"
    with Storage(db) as storage:
        assert status_history(storage, STAFF, "2023", code)[-1].reason == "未按要求开展试点工作"


def test_a_status_year_outside_the_period_is_refused_in_chinese(capsys, db):
    code = _pilots(db)[0].credit_code

    assert main(["pilot", "status", "2023", code, "--year", "2026", "--to", "撤销", "--reason", "理由充分",
                 "--db", db]) == 1
    assert "不在试点" in capsys.readouterr().err


def test_goals_are_set_per_year_or_as_the_three_years_total(capsys, db):
    code = _pilots(db)[0].credit_code

    status, done = run_json(capsys, "pilot", "goals", "2023", code, "--set", "转化专利=60@2024",
                            "--set", "转化金额=500", "--reason", "按建设方案核定", "--db", db)

    assert status == 0
    assert [(g["key"], g["value"], g["year"]) for g in done] == [("转化专利", "60", 2024), ("转化金额", "500", None)]
    with Storage(db) as storage:
        assert [g.describe() for g in pilot_goals(storage, STAFF, "2023", code)] == ["2024年转化专利60件",
                                                                                     "三年累计转化金额500万元"]


def test_a_goal_in_a_wrong_form_is_refused_naming_it(capsys, db):
    code = _pilots(db)[0].credit_code

    assert main(["pilot", "goals", "2023", code, "--set", "转化=60", "--reason", "核定目标", "--db", db]) == 1
    assert "转化=60" in capsys.readouterr().err


def test_show_gives_the_goals_history_and_every_year_not_reported(capsys, db):
    code = _pilots(db)[0].credit_code
    run_json(capsys, "pilot", "goals", "2023", code, "--set", "转化专利=150", "--reason", "核定目标", "--db", db)

    status, shown = run_json(capsys, "pilot", "show", "2023", code, "--db", db)

    assert status == 0
    assert shown["pilot"]["letter_number"].startswith("辽知发〔2023〕")
    assert [h["status"] for h in shown["history"]] == ["在建"]
    assert [y["reported"] for y in shown["progress"]["years"]] == [False, False, False]
    converted = next(f for f in shown["progress"]["period"] if f["key"] == "转化专利")
    assert (converted["goal"], converted["share"]) == ("150", None)
    assert main(["pilot", "show", "2023", code, "--db", db]) == 0
    assert "2023年  未报送" in capsys.readouterr().out


def test_a_city_bureau_of_another_city_may_not_see_the_pilot(capsys, db):
    code = _pilots(db)[0].credit_code
    with Storage(db) as storage:
        accounts.create_user(storage, ADMIN, "dalian", "大连市知识产权局",
                             [Grant(role=Role.CITY, city=City.DALIAN)])

    assert run_json(capsys, "pilot", "list", "--db", db, "--actor", "dalian")[1] == []
    assert main(["pilot", "show", "2023", code, "--db", db, "--actor", "dalian"]) == 1
