"""The 评审轮次 and 评审分配 pages wired to the domain: create and edit rounds and panels, preview, commit, edit by
hand, re-run after a recusal and export; refusals shown in Chinese; each page opens only for the roles that may."""
from __future__ import annotations

from collections import Counter
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from app_pages.widgets import common
from scoring.common.access import Grant, Role
from scoring.common.models import ActionKind, RoundKind
from scoring.rounds.assignment import commit_assignment, preview_assignment
from scoring.experts.pool import conflict_report, list_experts
from scoring.common.models import ConflictRules
from scoring.rounds.review_rounds import RoundMode, get_round, list_rounds
from scoring.storage import round_store
from tests.app.conftest import ADMIN, button, page_as, table
from tests.builders.rounds import new_round, recuse, sample_database
from tests.builders.databases import copy_to

ROOT = Path(__file__).resolve().parents[2]
STAFF = Grant(role=Role.STAFF)


@pytest.fixture
def store(tmp_path, monkeypatch):
    """The app's own storage of a fresh copy of the sample database; exports go to the test's folder."""
    monkeypatch.chdir(ROOT)
    path = tmp_path / "review.duckdb"
    copy_to(sample_database(), path)
    monkeypatch.setenv("SCORING_DB", str(path))
    monkeypatch.setenv("SCORING_EXPORTS", str(tmp_path / "exports"))
    return common.storage()


def labelled(at: AppTest, label: str):
    return next(b for b in at.button if b.label == label)


def changes_table(at: AppTest):
    return next(d.value for d in at.dataframe if list(d.value.columns)[:2] == ["变化", "申报单位"])


def committed(store, round_id: str) -> set[tuple[str, str]]:
    return {(p.credit_code, p.expert_id) for p in round_store.current_pairs(store, round_id)}


# --- 评审轮次 --------------------------------------------------------------------------------


def test_rounds_page_creates_a_round_from_the_form(store):
    at = page_as(store, "rounds.py")

    at.text_input(key="new_title").input("2023年度遴选评审")
    at.selectbox(key="new_rubric").select("selection")
    at.number_input(key="new_k").set_value(4)
    at.number_input(key="new_max").set_value(6)
    labelled(at, "新建评审轮次").click().run()

    assert not at.exception, at.exception
    [created] = list_rounds(store, ADMIN, "2023")
    assert (created.title, created.rubric_id, created.experts_per_application, created.max_load) == \
        ("2023年度遴选评审", "selection", 4, 6)
    assert table(at, "轮次编号").iloc[0]["轮次名称"] == "2023年度遴选评审"


def test_rounds_page_offers_the_selection_rubric_first_and_refuses_one_of_another_kind(store):
    at = page_as(store, "rounds.py")
    assert at.selectbox(key="new_rubric").value == "selection"

    at.selectbox(key="new_kind").set_value(RoundKind.ANNUAL_ACCEPTANCE)
    labelled(at, "新建评审轮次").click().run()

    assert any("不能用于“年度验收”轮次" in e.value for e in at.error)
    assert list_rounds(store, ADMIN, "2023") == []


def test_rounds_page_saves_an_edit_with_its_reason(store):
    created = new_round(store)
    at = page_as(store, "rounds.py")

    at.number_input(key=f"edit_{created.round_id}_max").set_value(7)
    at.checkbox(key=f"edit_{created.round_id}_same_city").check()
    at.text_input(key="edit_reason").input("专家人数增加")
    labelled(at, "保存修改").click().run()

    assert not at.exception, at.exception
    saved = get_round(store, ADMIN, created.round_id)
    assert saved.max_load == 7 and saved.rules.same_city
    assert store.audit_log(entity=f"round/2023/{created.round_id}")[0].reason == "专家人数增加"


def test_rounds_page_adds_a_panel_and_shows_where_applications_go(store):
    created = new_round(store, mode=RoundMode.PANEL)
    at = page_as(store, "rounds.py")
    prefix = f"panel_{created.round_id}_（新增评审组）"
    members = [e.expert_id for e in list_experts(store, ADMIN)][:5]

    at.text_input(key=f"{prefix}_name").input("材料与装备组")
    at.multiselect(key=f"{prefix}_members").set_value(members)
    at.multiselect(key=f"{prefix}_fields").set_value(["新材料", "高端装备制造"])
    at.text_input(key=f"{prefix}_reason").input("组建评审组")
    button(at, "save_panel").click().run()

    assert not at.exception, at.exception
    [panel] = get_round(store, ADMIN, created.round_id).panels
    assert (panel.name, panel.members) == ("材料与装备组", members)
    assert "材料与装备组" in set(table(at, "分组依据")["评审组"])


def test_observers_see_the_rounds_but_cannot_create_or_edit(store):
    new_round(store)
    at = page_as(store, "rounds.py", Grant(role=Role.OBSERVER), login="watcher")

    assert [t.label for t in at.tabs] == ["轮次列表", "评审组"]
    assert len(table(at, "轮次编号")) == 1
    assert not [b for b in at.button if b.label in ("新建评审轮次", "保存修改", "保存评审组")]


@pytest.mark.parametrize("page", ["rounds.py", "assignment.py"])
def test_experts_and_city_bureaus_cannot_open_the_round_pages(store, page):
    for n, grant in enumerate((Grant(role=Role.EXPERT), Grant(role=Role.CITY, city="大连市"))):
        at = page_as(store, page, grant, login=f"person{n}")

        assert any("没有“查看评审分配”的权限" in e.value for e in at.error)
        assert not at.dataframe


# --- 评审分配 ------------------------------------------------------------------------------------


def test_assignment_page_without_rounds_points_to_the_rounds_page(store):
    at = page_as(store, "assignment.py")

    assert any("请先在“评审轮次”页面新建" in i.value for i in at.info)


def test_assignment_page_previews_then_commits_with_a_reason(store):
    created = new_round(store, min_load=1, max_load=4)
    at = page_as(store, "assignment.py")

    button(at, "run_preview").click().run()

    assert not at.exception, at.exception
    pairs = table(at, "变化")
    assert len(pairs) == 26 * 5 and set(pairs["变化"]) == {"新增"}
    assert at.metric[0].value == "130" and at.metric[3].value == "1—4"
    assert len(at.get("vega_lite_chart")) == 2
    assert committed(store, created.round_id) == set()

    at.text_input(key="commit_reason").input("2023年度遴选首次分配")
    button(at, "commit_assignment").click().run()

    assert not at.exception, at.exception
    assert len(committed(store, created.round_id)) == 130
    assert store.audit_log(entity=f"round/2023/{created.round_id}")[0].action == ActionKind.ASSIGNMENT_COMMIT
    assert len(table(at, "来源")) == 130


def test_assignment_page_refuses_a_commit_without_a_reason(store):
    created = new_round(store)
    at = page_as(store, "assignment.py")
    button(at, "run_preview").click().run()

    button(at, "commit_assignment").click().run()

    assert any("必须填写理由" in e.value for e in at.error)
    assert committed(store, created.round_id) == set()


def test_an_infeasible_round_shows_what_to_relax_and_offers_no_commit(store):
    new_round(store, max_load=1)
    at = page_as(store, "assignment.py")

    button(at, "run_preview").click().run()

    assert any("无法满足全部约束" in e.value for e in at.error)
    assert any("请提高每位专家的评审上限" in e.value for e in at.error)
    assert not [b for b in at.button if b.key == "commit_assignment"]


def test_adding_a_conflicted_pair_by_hand_shows_the_reason(store):
    created = new_round(store)
    preview = preview_assignment(store, ADMIN, created.round_id)
    commit_assignment(store, ADMIN, created.round_id, preview, "首次分配")
    passed = {p.credit_code for p in preview.pairs}
    conflict = next(c for c in conflict_report(store, ADMIN, "2023", ConflictRules())
                    if c.credit_code in passed and c.rule == "本单位")
    at = page_as(store, "assignment.py")

    at.selectbox(key="add_application").set_value(conflict.credit_code)
    at.selectbox(key="add_expert").set_value(conflict.expert_id)
    at.text_input(key="add_reason").input("补充专家")
    button(at, "add_pair").click().run()

    assert any("不能分配" in e.value and "同属一个单位" in e.value for e in at.error)
    assert committed(store, created.round_id) == {p.key for p in preview.pairs}


def test_rerun_after_a_recusal_on_the_page_changes_one_pair(store):
    created = new_round(store, max_load=5)
    preview = preview_assignment(store, ADMIN, created.round_id)
    commit_assignment(store, ADMIN, created.round_id, preview, "首次分配")
    code, expert_id = preview.pairs[3].key
    recuse(store, created.round_id, expert_id, code)
    at = page_as(store, "assignment.py")
    assert any("因回避不能保留" in w.value for w in at.warning)

    button(at, "run_rerun").click().run()

    changes = changes_table(at)
    assert Counter(changes["变化"]) == {"新增": 1, "移除": 1}
    at.text_input(key="commit_reason").input("回避后补充")
    button(at, "commit_assignment").click().run()
    after = committed(store, created.round_id)
    assert len(after) == 130 and (code, expert_id) not in after
    assert len(after & {p.key for p in preview.pairs}) == 129


def test_export_on_the_page_archives_the_list_and_offers_it_for_download(store, tmp_path):
    created = new_round(store)
    commit_assignment(store, ADMIN, created.round_id, preview_assignment(store, ADMIN, created.round_id), "首次分配")
    at = page_as(store, "assignment.py")

    button(at, "export_assignment").click().run()

    assert not at.exception, at.exception
    [archived] = (tmp_path / "exports" / "2023" / created.round_id).glob("*.xlsx")
    assert len(at.get("download_button")) == 1
    assert store.audit_log(entity=f"round/2023/{created.round_id}")[0].detail["path"] == str(archived)


def test_observers_see_the_committed_assignment_without_preview_or_edits(store):
    created = new_round(store)
    commit_assignment(store, ADMIN, created.round_id, preview_assignment(store, ADMIN, created.round_id), "首次分配")
    at = page_as(store, "assignment.py", Grant(role=Role.OBSERVER), login="watcher")

    assert len(table(at, "来源")) == 130
    assert not [b for b in at.button if b.key in ("run_preview", "run_rerun", "add_pair", "swap_pair")]
