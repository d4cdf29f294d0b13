"""`decide`, `shortlist` and `rate` on the command line: a preview first, recording with --yes, freezing versions,
and each refusal with exit status 1."""
from __future__ import annotations

from decimal import Decimal

import pytest

from scoring.cli.main import main
from scoring.review.score_sheets import submit_sheet
from tests.builders.cli import run_json
from tests.builders.rounds import expert_principal
from tests.builders.sheets import assigned_storage, pairs, rubric, the_round

ROUND = "2023-01"


@pytest.fixture
def scored(tmp_path) -> tuple[str, list[str]]:
    """(db, codes): three applications scored 100, 95, 90 by one expert each, so they rank 1, 2, 3."""
    storage = assigned_storage(tmp_path)
    criteria = rubric(storage).criteria
    codes = sorted({p.credit_code for p in pairs(storage)})[:3]
    for cut, code in zip(("0", "5", "10"), codes):
        expert = next(p.expert_id for p in pairs(storage) if p.credit_code == code)
        scores = {c.id: c.max_points - (Decimal(cut) if c.id == "management" else 0) for c in criteria}
        submit_sheet(storage, expert_principal(expert), the_round(storage).round_id, code,
                     {"scores": scores, "comments": {c.id: "评语" for c in criteria}, "opinion": "推荐",
                      "opinion_text": "同意"})
    storage.close()
    return str(tmp_path / "review.duckdb"), codes


def test_decide_previews_without_yes_and_records_with_it(scored, capsys):
    db, codes = scored

    status, preview = run_json(capsys, "decide", ROUND, "--top", "2", "--reason", "前2名入选", "--db", db)
    again, still = run_json(capsys, "decide", ROUND, "--top", "2", "--reason", "前2名入选", "--db", db)
    done, recorded = run_json(capsys, "decide", ROUND, "--top", "2", "--reason", "前2名入选", "--yes", "--db", db)

    assert status == again == done == 0
    assert not preview["recorded"] and still == preview
    assert [(c["credit_code"], c["after"]) for c in recorded["changes"]] == [
        (codes[0], "入选"), (codes[1], "入选"), (codes[2], "不入选")]


def test_a_decision_against_the_ranking_needs_its_own_reason(scored, capsys):
    db, codes = scored
    assert main(["decide", ROUND, "--top", "2", "--reason", "前2名", "--yes", "--db", db]) == 0

    refused = main(["decide", ROUND, "--select", codes[2], "--reject", codes[1], "--reason", "调整", "--yes",
                    "--db", db])
    assert refused == 1 and "必须单独说明理由" in capsys.readouterr().err
    status, recorded = run_json(capsys, "decide", ROUND, "--select", codes[2], "--reject", codes[1], "--yes",
                                "--reason-for", f"{codes[2]}=服务本地产业成效突出",
                                "--reason-for", f"{codes[1]}=预算含禁止列支内容", "--db", db)

    assert status == 0 and all(c["against_ranking"] for c in recorded["changes"])


def test_shortlist_proposes_then_freezes_versions_after_the_round_is_closed(scored, capsys, tmp_path, monkeypatch):
    monkeypatch.setenv("SCORING_EXPORTS", str(tmp_path / "exports"))
    db, codes = scored

    status, proposed = run_json(capsys, "shortlist", ROUND, "--top", "2", "--db", db)
    assert status == 0 and [e["credit_code"] for e in proposed["entries"]] == codes[:2]
    assert main(["shortlist", ROUND, "--top", "2", "--freeze", "--reason", "会议确定", "--db", db]) == 1
    assert "请先结束评审" in capsys.readouterr().err
    assert main(["round", "close", ROUND, "--reason", "评审结束", "--db", db]) == 0
    status, frozen = run_json(capsys, "shortlist", ROUND, "--top", "2", "--freeze", "--reason", "会议确定",
                              "--db", db)
    _, versions = run_json(capsys, "shortlist", ROUND, "--versions", "--db", db)

    exported, written = run_json(capsys, "ranking-export", ROUND, "--what", "shortlist", "--db", db)

    assert status == 0 and frozen["version"] == 1 and len(frozen["sha256"]) == 64
    assert [v["version"] for v in versions] == [1]
    assert exported == 0 and written["path"].endswith(".xlsx")


def test_shortlist_refuses_a_rule_without_its_number(scored, capsys):
    db, _ = scored

    assert main(["shortlist", ROUND, "--mode", "分数线", "--db", db]) == 1
    assert "须填写分数线" in capsys.readouterr().err


def test_rate_lists_the_figures_and_records_a_rating(scored, capsys):
    db, codes = scored
    status, work = run_json(capsys, "rate", ROUND, "--db", db)
    expert = next(w for w in work if w["submitted"])["expert_id"]

    rated_status, rated = run_json(capsys, "rate", ROUND, "--expert", expert, "--rating", "优秀", "--note", "按时认真",
                                   "--db", db)

    assert status == rated_status == 0 and rated["rating"] == "优秀" and rated["figures"]["submitted"] >= 1
    assert main(["rate", ROUND, "--expert", expert, "--db", db]) == 1


@pytest.mark.parametrize("argv, suffix", [((), ".xlsx"), (("--what", "summary"), ".pdf"),
                                          (("--what", "summary", "--as", "docx"), ".docx")])
def test_ranking_export_writes_the_file_and_prints_its_hash(scored, capsys, tmp_path, monkeypatch, argv, suffix):
    db, _ = scored
    monkeypatch.setenv("SCORING_EXPORTS", str(tmp_path / "exports"))

    status, written = run_json(capsys, "ranking-export", ROUND, *argv, "--db", db)

    assert status == 0 and written["path"].endswith(suffix) and len(written["sha256"]) == 64
    assert (tmp_path / "exports").exists()
