"""`python -m scoring pilot …` for an acceptance round: outcomes, a funds finding, the decisions, publication, files."""
import io
import zipfile

import python_calamine
import pytest

from scoring.cli.main import main

from tests.builders.cli import run_json
from tests.builders.databases import copy_to
from tests.builders.pilot_rounds import accepted_database


@pytest.fixture
def db(tmp_path):
    return str(copy_to(accepted_database(), tmp_path / "review.duckdb"))


def test_staff_decide_publish_and_write_the_files_of_an_acceptance_round(capsys, db, tmp_path):
    base = ("--db", db, "--actor", "staff")
    status, proposals = run_json(capsys, "pilot", "outcomes", "2023-02", *base)
    # in ranking order: 90, 89, 80 (no report), 75, 59
    assert status == 0 and [p["proposed"] for p in proposals] == ["优秀", "合格", "不合格", "合格", "不合格"]
    first = proposals[0]["credit_code"]

    status, finding = run_json(capsys, "pilot", "funds-finding", "2023", first, "--year", "2023", "--misused",
                               "--reason", "启动资金用于发放人员绩效", *base)
    assert status == 0 and finding["misused"]
    status, decided = run_json(capsys, "pilot", "decide", "2023-02", "--as-proposed", "--rectify", "补齐材料",
                               "--rectify-by", "2024-03-31", "--reason", "验收会议研究", *base)
    assert status == 0 and decided[first]["outcome"] == "不合格"

    status, published = run_json(capsys, "pilot", "publish-outcomes", "2023-02", "--reason", "公布", *base)
    assert status == 0 and len(published["units"]) == 5

    results, letters = tmp_path / "结果.xlsx", tmp_path / "通知.zip"
    assert run_json(capsys, "pilot", "outcome-files", "2023-02", "results", "--out", str(results), *base)[0] == 0
    assert run_json(capsys, "pilot", "outcome-files", "2023-02", "letters", "--out", str(letters),
                    "--date", "2024-01-20", *base)[0] == 0
    grid = python_calamine.CalamineWorkbook.from_path(str(results)).get_sheet_by_index(0).to_python()
    assert grid[2] == ["序号", "单位名称", "所在市", "统一社会信用代码", "评审得分", "结果"]
    assert [row[5] for row in grid[3:8]] == ["不合格", "合格", "不合格", "合格", "不合格"]
    names = zipfile.ZipFile(io.BytesIO(letters.read_bytes())).namelist()
    assert len([n for n in names if n.endswith(".docx")]) == 5 and "结果通知（合并）-2023-02.pdf" in names


def test_a_decision_against_the_proposal_without_a_reason_is_refused(capsys, db):
    base = ("--db", db, "--actor", "staff")
    _, proposals = run_json(capsys, "pilot", "outcomes", "2023-02", *base)
    code = proposals[1]["credit_code"]

    status = main(["pilot", "decide", "2023-02", "--pilot", f"{code}=优秀", "--reason", "会议", *base])

    assert status == 1 and "须单独写明理由" in capsys.readouterr().err


def test_a_yearly_round_is_created_for_its_year_and_the_award_preview_takes_the_years_decisions(capsys, db):
    from scoring.pilots.awards import save_standard
    from scoring.storage import Storage
    from tests.builders.awards import standard
    from tests.builders.rounds import STAFF

    base = ("--db", db, "--actor", "staff")
    status, created = run_json(capsys, "round", "create", "--batch", "2023", "--kind", "annual", "--year", "2024",
                               "--rubric", "annual-acceptance", "--k", "3", "--min", "0", "--max", "3", *base)
    assert status == 0 and created["year"] == 2024 and created["round_id"] == "2023-03"

    _, proposals = run_json(capsys, "pilot", "outcomes", "2023-02", *base)
    assert run_json(capsys, "pilot", "decide", "2023-02", "--as-proposed", "--rectify", "补齐材料",
                    "--rectify-by", "2024-03-31", "--reason", "验收会议研究", *base)[0] == 0
    with Storage(db) as storage:
        save_standard(storage, STAFF, 2023, standard(), "按2023年奖补标准设置")
    status, preview = run_json(capsys, "pilot", "award-preview", "2023", "2023", *base)

    outcomes = {p["credit_code"]: p["proposed"] for p in proposals}
    assert status == 0 and all(c["outcome"] == outcomes[c["pilot"]["credit_code"]] for c in preview)
    assert [c["eligible"] for c in preview].count(True) == 3  # 优秀, 合格, 合格
