"""`python -m scoring pilot award-…`: set and show the year's standard from a YAML file, preview and confirm the awards
from reports and outcomes given as files, export the confirmed awards."""
from __future__ import annotations

import io
import json
from decimal import Decimal

import pandas as pd
import pytest

from scoring.cli.main import main
from tests.builders.cli import run_json
from tests.builders.databases import copy_to
from tests.builders.pilots import pilots_database
from tests.builders.rounds import STAFF
from tests.builders.awards import pilot, report

STANDARD_YAML = """\
basis: 2023年专利转化专项计划奖补标准
transfer_rate: "1.00"
licence_rate: "0.50"
amount_rate: "0.05"
cap: "20.00"
min_converted: 2
"""


@pytest.fixture
def db(tmp_path) -> str:
    return str(copy_to(pilots_database(), tmp_path / "review.duckdb"))


def _pilot_codes(db) -> list[str]:
    from scoring.pilots.registry import pilots
    from scoring.storage import Storage

    with Storage(db) as storage:
        return [p.credit_code for p in pilots(storage, STAFF, "2023")]


def _set_standard(capsys, db, tmp_path) -> None:
    path = tmp_path / "standard.yaml"
    path.write_text(STANDARD_YAML, encoding="utf-8")
    status, shown = run_json(capsys, "pilot", "award-standard", "2023", "--file", str(path), "--reason", "按年度奖补标准设置",
                             "--db", db, "--actor", "staff")
    assert status == 0 and shown["cap"] == "20.00"


def _inputs(db, tmp_path) -> list[str]:
    """Reports for the first two pilots (12 and 1 transfers), every pilot 合格, the second one's funds misused."""
    codes = _pilot_codes(db)
    first, second = (pilot().model_copy(update={"credit_code": code}) for code in codes[:2])
    reports = [report(first, transfer_count=12, transfer_received=Decimal("230.00")), report(second, transfer_count=3)]
    path = tmp_path / "reports.json"
    path.write_text(json.dumps([r.model_dump(mode="json") for r in reports], ensure_ascii=False), encoding="utf-8")
    outcomes = tmp_path / "outcomes.yaml"
    outcomes.write_text("\n".join(f"{c}: 合格" for c in codes), encoding="utf-8")
    return ["--reports", str(path), "--outcomes", str(outcomes), "--misused", codes[1]]


def test_the_standard_is_set_from_yaml_and_shown(capsys, db, tmp_path):
    _set_standard(capsys, db, tmp_path)

    status, shown = run_json(capsys, "pilot", "award-standard", "2023", "--db", db)

    assert status == 0
    assert shown["amount_rate"] == "0.05" and shown["outcomes"] == ["优秀", "合格"]


def test_a_wrong_standard_is_refused_naming_the_field(capsys, db, tmp_path):
    path = tmp_path / "standard.yaml"
    path.write_text('cap: "0"\n', encoding="utf-8")

    status = main(["pilot", "award-standard", "2023", "--file", str(path), "--reason", "设置", "--db", db])

    assert status != 0
    assert "单个试点奖励上限" in capsys.readouterr().err


def test_the_preview_shows_every_step_and_the_bars(capsys, db, tmp_path):
    _set_standard(capsys, db, tmp_path)

    status, found = run_json(capsys, "pilot", "award-preview", "2023", "2023", *_inputs(db, tmp_path), "--db", db)

    assert status == 0 and len(found) == 5
    # 12 × 1.00 + 230.00 × 5% = 23.50 > cap 20.00
    assert found[0]["amount"] == "20.00"
    assert found[0]["steps"][-1]["formula"] == "超过单个试点上限 20.00 万元，按 20.00 万元计"
    assert found[1]["reasons"] == ["经核查存在启动资金违规使用情形，不予奖励"]
    assert found[2]["reasons"] == ["未报送年度工作总结"]


def test_confirm_then_export_writes_the_workbook(capsys, db, tmp_path):
    _set_standard(capsys, db, tmp_path)
    status, confirmed = run_json(capsys, "pilot", "award-confirm", "2023", "2023", *_inputs(db, tmp_path),
                                 "--reason", "年度验收会议确认", "--db", db, "--actor", "staff")
    assert status == 0 and [c["amount"] for c in confirmed] == ["20.00", "0.00", "0.00", "0.00", "0.00"]
    out = tmp_path / "awards.xlsx"

    status, done = run_json(capsys, "pilot", "award-export", "2023", "2023", "--out", str(out), "--db", db)

    assert status == 0 and done["bytes"] == out.stat().st_size
    table = pd.read_excel(io.BytesIO(out.read_bytes()), engine="calamine", sheet_name="追加奖励", header=2)
    assert table["奖励金额（万元）"].tolist()[:5] == [20.0, 0.0, 0.0, 0.0, 0.0]


def test_the_export_before_a_confirmation_says_so(capsys, db, tmp_path):
    status = main(["pilot", "award-export", "2023", "2023", "--out", str(tmp_path / "x.xlsx"), "--db", db])

    assert status != 0
    assert "尚未确认" in capsys.readouterr().err


def test_every_award_command_has_help(capsys):
    for command in ("award-standard", "award-preview", "award-confirm", "award-export"):
        with pytest.raises(SystemExit) as done:
            main(["pilot", command, "--help"])
        assert done.value.code == 0
        assert "usage" in capsys.readouterr().out
