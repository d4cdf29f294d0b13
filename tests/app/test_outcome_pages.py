"""验收与评估结果 page: staff see each pilot's score, report and proposed outcome with its rule, decide all as
proposed, change one with a reason, publish, and download the files; an observer reads without forms; a city bureau
is sent to the pilot's page."""
from __future__ import annotations

import pytest

from app_pages.widgets import common
from scoring.common.access import Grant, Role
from scoring.common.models import City, PilotStatus
from scoring.pilots import registry
from tests.app.conftest import ROOT, page_as, table
from tests.builders.databases import copy_to
from streamlit.testing.v1 import AppTest

from tests.builders.pilot_rounds import SILENT, acceptance_round, accepted_database
from tests.builders.pilots import the_pilots
from tests.builders.rounds import STAFF

PAGE = "outcomes_page.py"


@pytest.fixture
def store(tmp_path, monkeypatch):
    monkeypatch.setenv("SCORING_DB", str(copy_to(accepted_database(), tmp_path / "review.duckdb")))
    monkeypatch.chdir(ROOT)
    return common.storage()


def test_staff_see_the_proposals_with_their_rules(store):
    at = page_as(store, PAGE)

    shown = table(at, "建议结果")
    assert list(shown["建议结果"]) == ["优秀", "合格", "不合格", "合格", "不合格"]
    assert list(shown["年度总结"]).count("未报送") == 1
    assert "最终得分 89 分，不低于 75 分、低于 90 分为“合格”" in list(shown["依据"])
    assert {"按建议结果决定", "记录决定", "保存认定", "公布结果"} <= {b.label for b in at.button}


def test_deciding_all_as_proposed_sets_the_statuses_and_offers_the_files(store):
    at = page_as(store, PAGE)
    at.text_input(key="bulk_rectify").input("补报年度工作总结")
    at.text_input(key="bulk_reason").input("验收会议研究")
    next(b for b in at.button if b.label == "按建议结果决定").click().run()

    assert not at.exception and not at.error, [e.value for e in at.error]
    shown = table(at, "决定结果")
    assert list(shown["决定结果"]) == ["优秀", "合格", "不合格", "合格", "不合格"]
    assert list(shown["整改要求"]).count("补报年度工作总结") == 2
    statuses = [p.status for p in registry.pilots(store, STAFF, "2023")]
    assert statuses.count(PilotStatus.RECTIFYING) == 2
    assert "results_download" in {d.key for d in at.get("download_button")}


def test_a_different_outcome_without_a_reason_is_refused_in_chinese(store):
    at = page_as(store, PAGE)
    at.selectbox(key="single_outcome").set_value("基本合格")
    next(b for b in at.button if b.label == "记录决定").click().run()

    assert any("须单独写明理由" in e.value for e in at.error)
    assert not at.exception


def test_an_observer_reads_the_proposals_without_any_form(store):
    at = page_as(store, PAGE, Grant(role=Role.OBSERVER), login="watch")

    assert list(table(at, "建议结果")["建议结果"])[0] == "优秀"
    assert not [b for b in at.button if b.label in ("按建议结果决定", "记录决定", "公布结果")]


def test_a_city_bureau_is_pointed_to_the_pilot_page(store):
    at = page_as(store, PAGE, Grant(role=Role.CITY, city=City.SHENYANG), login="sy")

    assert not at.dataframe and any("试点详情" in i.value for i in at.info)


def expert_score_page(store, code: str, login: str) -> AppTest:
    """The score page of the acceptance round for an expert assigned to the pilot, signed in as `login`."""
    from scoring.storage import round_store
    round_id = acceptance_round(store).round_id
    expert = next(p.expert_id for p in round_store.current_pairs(store, round_id) if p.credit_code == code)
    return page_as(store, "score.py", Grant(role=Role.EXPERT), login=login, expert_id=expert,
                   prepare=lambda at: common.select_task(at.session_state, round_id, code))


def test_an_expert_of_the_acceptance_round_reads_the_pilots_report_of_the_year(store):
    pilots = the_pilots(store)
    at = expert_score_page(store, pilots[0].credit_code, "first")

    assert [t.label for t in at.tabs][:2] == ["2023年度工作总结", "三年建设方案"]
    assert any("本年度完成运营中心建设" in m.value for m in at.markdown)
    silent = expert_score_page(store, pilots[SILENT].credit_code, "second")
    assert any("未报送 2023 年度工作总结" in w.value for w in silent.warning)


def test_an_expert_of_the_final_evaluation_reads_the_three_years_against_the_goals(store):
    from scoring.rounds.assignment import commit_assignment, preview_assignment
    from scoring.storage import round_store
    from tests.builders.rounds import new_round

    final = new_round(store, STAFF, kind="综合评估", rubric_id="final-evaluation", year=2025,
                      experts_per_application=2, min_load=0, max_load=3)
    commit_assignment(store, STAFF, final.round_id, preview_assignment(store, STAFF, final.round_id), "评估分配")
    code = the_pilots(store)[0].credit_code
    expert = next(p.expert_id for p in round_store.current_pairs(store, final.round_id) if p.credit_code == code)

    at = page_as(store, "score.py", Grant(role=Role.EXPERT), login="final", expert_id=expert,
                 prepare=lambda at: common.select_task(at.session_state, final.round_id, code))

    assert [t.label for t in at.tabs][:3] == ["三年对照目标", "2025年度工作总结", "三年建设方案"]
    years = table(at, "年度")
    assert len(years) == 3 and at.get("vega_lite_chart")
