"""The ranking-stage commands: closing a round (once, with a reason), the ranked table with its trimmed marks,
tie-breaks and changes after the close, the quality flags by kind, and the bonus list and its checks — text and
JSON, and each refusal with exit status 1."""
from __future__ import annotations

from decimal import Decimal

import pytest

from scoring.cli.main import main
from scoring.review.score_sheets import reopen_sheet, submit_sheet
from scoring.storage import Storage
from tests.builders.cli import run_json
from tests.builders.rounds import STAFF, expert_principal
from tests.builders.sheets import assigned_storage, pairs, rubric, the_round

ROUND = "2023-01"


def sheet(storage, cuts: dict[str, str] | None = None) -> dict:
    criteria = rubric(storage).criteria
    return {"scores": {c.id: c.max_points - Decimal((cuts or {}).get(c.id, "0")) for c in criteria},
            "comments": {c.id: "评语" for c in criteria}, "opinion": "推荐", "opinion_text": "同意"}


def experts_of(storage) -> dict[str, list[str]]:
    """Each assigned application's experts, by credit code."""
    found: dict[str, list[str]] = {}
    for pair in pairs(storage):
        found.setdefault(pair.credit_code, []).append(pair.expert_id)
    return found


def submit(storage, expert_id, code, entries):
    return submit_sheet(storage, expert_principal(expert_id), the_round(storage).round_id, code, entries)


@pytest.fixture
def db(tmp_path) -> str:
    """The sample batch with round 2023-01 assigned and no sheet yet."""
    assigned_storage(tmp_path).close()
    return str(tmp_path / "review.duckdb")


@pytest.fixture
def scored(tmp_path) -> tuple[str, str, str]:
    """(db, first, second): `first` scored 95 by one expert; `second` 93 with a verified 3-point bonus (96), so it
    ranks first."""
    storage = assigned_storage(tmp_path)
    (first, first_experts), (second, second_experts) = sorted(experts_of(storage).items())[:2]
    submit(storage, first_experts[0], first, sheet(storage, {"management": "5"}))
    submit(storage, second_experts[0], second, sheet(storage, {"management": "7"}))
    storage.close()
    assert main(["bonus", "check", ROUND, second, "standard", "--verified", "yes", "--note", "证书核实无误",
                 "--db", str(tmp_path / "review.duckdb")]) == 0
    return str(tmp_path / "review.duckdb"), first, second


def text_of(capsys, *argv) -> tuple[int, str, str]:
    capsys.readouterr()
    status = main(list(argv))
    captured = capsys.readouterr()
    return status, captured.out, captured.err


# --- round close -------------------------------------------------------------------------------


def test_round_close_with_a_reason_closes_the_round_and_audits_it(db, capsys):
    status, closed = run_json(capsys, "round", "close", ROUND, "--reason", "评审时间结束", "--db", db,
                              "--actor", "工作人员甲")

    assert status == 0
    assert closed["round_id"] == ROUND and closed["closed_at"] and closed["closed_by"] == "工作人员甲"
    _, log = run_json(capsys, "audit", "--db", db, "--limit", "1")
    assert log[0]["reason"] == "评审时间结束"


def test_round_close_twice_is_refused_with_exit_one(db, capsys):
    text_of(capsys, "round", "close", ROUND, "--reason", "评审时间结束", "--db", db)

    status, _, err = text_of(capsys, "round", "close", ROUND, "--reason", "再次结束", "--db", db)

    assert status == 1 and f"评审轮次 {ROUND} 已于" in err and "结束" in err


def test_round_close_without_a_reason_is_refused_and_the_round_stays_open(db, capsys):
    status, _, err = text_of(capsys, "round", "close", ROUND, "--db", db)

    assert status == 1 and "结束评审必须填写理由" in err
    _, ranking = run_json(capsys, "rank", ROUND, "--db", db)
    assert ranking["round"]["closed_at"] is None


def test_round_close_of_an_unknown_round_is_refused(db, capsys):
    status, _, err = text_of(capsys, "round", "close", "2023-99", "--reason", "评审时间结束", "--db", db)

    assert status == 1 and "没有编号为 2023-99 的评审轮次" in err


# --- rank ------------------------------------------------------------------------------------


def test_rank_json_has_the_round_rows_and_changes_with_decimals_as_strings(scored, capsys):
    db, first, second = scored

    status, ranking = run_json(capsys, "rank", ROUND, "--db", db)

    assert status == 0 and set(ranking) == {"round", "rows", "changes"}
    assert ranking["round"]["round_id"] == ROUND and ranking["changes"] == []
    top, runner_up = ranking["rows"][:2]
    assert (top["credit_code"], top["rank"], top["expert_score"], top["bonus"], top["final"]) == (
        second, 1, "93.00", "3", "96.00")
    assert (runner_up["credit_code"], runner_up["rank"], runner_up["final"]) == (first, 2, "95.00")
    assert top["sheets"] == 1 and top["expected"] >= 1 and top["changed_after_close"] is False
    unscored = ranking["rows"][-1]
    assert (unscored["rank"], unscored["final"], unscored["sheets"]) == (None, None, 0)


def test_rank_text_shows_the_table_with_submitted_over_expected_and_the_bonus(scored, capsys):
    db, first, second = scored

    status, out, _ = text_of(capsys, "rank", ROUND, "--db", db)

    assert status == 0
    assert "排名  单位  市  已交/应交  专家评分  加分  最终得分  并列/决定依据  结束后改动" in out
    [line] = [line for line in out.splitlines() if f"（{second}）" in line]
    assert line.startswith("1  ") and "  1/" in line
    assert "  93（标准化 " in line and "）  3  96  " in line  # distributed round: the normalised score beside it


def test_rank_marks_a_trimmed_mean_and_the_tie_break_that_decided(tmp_path, capsys):
    storage = assigned_storage(tmp_path)
    codes = experts_of(storage)
    many = next(code for code, experts in sorted(codes.items()) if len(experts) >= 5)
    for cut, expert_id in zip(["0", "2", "4", "6", "8"], codes[many]):
        submit(storage, expert_id, many, sheet(storage, {"management": cut}))  # 100 … 92: trimmed mean 96
    (first, first_experts), (second, second_experts) = [(c, e) for c, e in sorted(codes.items()) if c != many][:2]
    submit(storage, first_experts[0], first, sheet(storage, {"conversion": "5"}))  # 95, conversion 15
    submit(storage, second_experts[0], second, sheet(storage, {"management": "5"}))  # 95, conversion 20
    storage.close()
    db = str(tmp_path / "review.duckdb")

    _, ranking = run_json(capsys, "rank", ROUND, "--db", db)
    _, out, _ = text_of(capsys, "rank", ROUND, "--db", db)

    rows = {row["credit_code"]: row for row in ranking["rows"]}
    assert (rows[many]["trimmed"], rows[many]["expert_score"], rows[many]["rank"]) == (True, "96.00", 1)
    assert (rows[second]["rank"], rows[second]["decided_by"], rows[first]["rank"]) == (
        2, "指标“转化实施基础”均分较高", 3)
    assert "96（去高低）" in out and "指标“转化实施基础”均分较高" in out


def test_rank_after_a_close_marks_the_changed_row_and_lists_before_after_who_and_why(scored, capsys):
    db, first, _ = scored
    text_of(capsys, "round", "close", ROUND, "--reason", "评审时间结束", "--db", db)
    with Storage(db) as storage:
        expert_id = experts_of(storage)[first][0]
        reopen_sheet(storage, STAFF, ROUND, first, expert_id, "会议研究认为评分偏高")
        submit(storage, expert_id, first, sheet(storage, {"management": "8"}))  # 95 → 92

    _, ranking = run_json(capsys, "rank", ROUND, "--db", db)
    status, out, _ = text_of(capsys, "rank", ROUND, "--db", db)

    [change] = ranking["changes"]
    assert (change["credit_code"], change["expert_id"]) == (first, expert_id)
    assert (Decimal(change["before"]), Decimal(change["after"])) == (95, 92)  # strings, exact decimals
    assert (change["reopened_by"], change["reason"]) == ("staff", "会议研究认为评分偏高")
    assert {row["credit_code"]: row["changed_after_close"] for row in ranking["rows"]}[first] is True
    assert status == 0 and "※有改动" in out and "评审结束后的改动（1 项）" in out
    assert f"专家 {expert_id}：95 → 92 分；staff 退回，理由：会议研究认为评分偏高" in out


def test_rank_of_an_unknown_round_is_refused(db, capsys):
    status, _, err = text_of(capsys, "rank", "2023-99", "--db", db)

    assert status == 1 and "没有编号为 2023-99 的评审轮次" in err


# --- flags -----------------------------------------------------------------------------------


def test_flags_group_by_kind_and_filter_by_kind(tmp_path, capsys):
    storage = assigned_storage(tmp_path)
    code, experts = next((c, e) for c, e in sorted(experts_of(storage).items()) if len(e) >= 2)
    submit(storage, experts[0], code, sheet(storage))  # 100
    submit(storage, experts[1], code, sheet(storage, {"management": "20", "conversion": "20"}))  # 60
    storage.close()
    db = str(tmp_path / "review.duckdb")

    status, every = run_json(capsys, "flags", ROUND, "--db", db)
    _, only = run_json(capsys, "flags", ROUND, "--kind", "专家分歧大", "--db", db)
    _, out, _ = text_of(capsys, "flags", ROUND, "--kind", "专家分歧大", "--db", db)

    assert status == 0 and every["round"] == ROUND
    assert {"评分表不全", "专家分歧大"} <= set(every["flags"])
    assert list(only["flags"]) == ["专家分歧大"]
    [flag] = only["flags"]["专家分歧大"]
    assert flag["credit_code"] == code and sorted(flag["sheets"]) == sorted([[code, experts[0]], [code, experts[1]]])
    assert "专家分歧大（1 项）：" in out and f"（{code}）：各专家总分极差 40 分" in out


def test_flags_with_an_unknown_kind_is_a_usage_error(db, capsys):
    with pytest.raises(SystemExit) as exited:
        main(["flags", ROUND, "--kind", "别的", "--db", db])

    assert exited.value.code == 2


def test_flags_of_an_unknown_round_is_refused(db, capsys):
    status, _, err = text_of(capsys, "flags", "2023-99", "--db", db)

    assert status == 1 and "没有编号为 2023-99 的评审轮次" in err


# --- bonus -----------------------------------------------------------------------------------


def test_bonus_list_of_one_application_shows_each_item_with_its_state_and_the_counted_points(scored, capsys):
    db, _, second = scored

    status, listed = run_json(capsys, "bonus", "list", ROUND, "--code", second, "--db", db)
    _, out, _ = text_of(capsys, "bonus", "list", ROUND, "--code", second, "--db", db)

    [bonus] = listed
    assert status == 0 and (bonus["credit_code"], bonus["points"], bonus["cap"]) == (second, "3", "10")
    standard = next(line for line in bonus["lines"] if line["item"]["id"] == "standard")
    assert (standard["state"], standard["counts"], standard["check"]["note"]) == ("已核实", True, "证书核实无误")
    assert {line["state"] for line in bonus["lines"]} <= {"已核实", "核实未通过", "待核实", "未申报"}
    assert "计入加分 3 分" in out and "[已核实] 贯彻实施知识产权管理规范（standard）3 分" in out


def test_bonus_list_covers_every_application_of_the_batch(db, capsys):
    status, listed = run_json(capsys, "bonus", "list", ROUND, "--db", db)

    assert status == 0 and len(listed) == 48
    assert all(b["points"] == "0" for b in listed)


def test_bonus_list_of_an_unknown_code_is_refused(db, capsys):
    status, _, err = text_of(capsys, "bonus", "list", ROUND, "--code", "91210000XXXXXXXXXX", "--db", db)

    assert status == 1 and "没有统一社会信用代码为" in err


def test_bonus_check_not_verified_records_the_note_and_counts_nothing(scored, capsys):
    db, first, _ = scored

    status, bonus = run_json(capsys, "bonus", "check", ROUND, first, "national_pilot", "--verified", "否",
                             "--note", "名单中未见该单位", "--db", db)

    line = next(line for line in bonus["lines"] if line["item"]["id"] == "national_pilot")
    assert status == 0 and (line["state"], line["counts"], bonus["points"]) == ("核实未通过", False, "0")
    _, log = run_json(capsys, "audit", "--db", db, "--entity", f"bonus/{ROUND}/{first}/national_pilot")
    assert log[0]["reason"] == "名单中未见该单位" and log[0]["detail"] == {"verified": False}


def test_bonus_check_without_a_note_is_refused_with_exit_one_and_records_nothing(db, capsys):
    _, listed = run_json(capsys, "bonus", "list", ROUND, "--db", db)
    code = listed[0]["credit_code"]

    status, _, err = text_of(capsys, "bonus", "check", ROUND, code, "standard", "--verified", "yes", "--db", db)

    assert status == 1 and "核实加分项必须写明核实情况" in err
    _, after = run_json(capsys, "bonus", "list", ROUND, "--code", code, "--db", db)
    assert all(line["check"] is None for line in after[0]["lines"])


def test_bonus_check_of_an_item_the_rubric_lacks_is_refused(db, capsys):
    _, listed = run_json(capsys, "bonus", "list", ROUND, "--db", db)

    status, _, err = text_of(capsys, "bonus", "check", ROUND, listed[0]["credit_code"], "nothing", "--verified",
                             "yes", "--note", "已核实", "--db", db)

    assert status == 1 and "评分标准中没有加分项 nothing" in err


def test_bonus_commands_on_an_unknown_round_are_refused(db, capsys):
    listed, _, list_err = text_of(capsys, "bonus", "list", "2023-99", "--db", db)
    checked, _, check_err = text_of(capsys, "bonus", "check", "2023-99", "X", "standard", "--verified", "yes",
                                    "--note", "已核实", "--db", db)

    assert listed == checked == 1
    assert "没有编号为 2023-99 的评审轮次" in list_err and "没有编号为 2023-99 的评审轮次" in check_err
