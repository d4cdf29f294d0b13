"""The 专家库 and 回避关系 pages wired to the domain: they render on the sample, name import errors, record
deactivations and declared pairs with their reasons, and open only for the roles that may see the pool."""
from __future__ import annotations

from pathlib import Path

import pytest

from scoring.common.access import Grant, Role
from scoring.common.disciplines import Discipline
from scoring.documents.expert_workbook import write_expert_workbook
from scoring.experts.pool import declared_conflicts, get_expert, list_experts
from scoring.common.models import ActionKind, ConflictRule
from tests.app.conftest import ADMIN, button, page_as
from tests.builders.applications import make_expert

ROOT = Path(__file__).resolve().parents[2]
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
STAFF = Grant(role=Role.STAFF)


@pytest.fixture(autouse=True)
def at_root(monkeypatch):
    monkeypatch.chdir(ROOT)


# --- 专家库 ---------------------------------------------------------------------------------


def test_expert_page_lists_the_sample_pool(store):
    at = page_as(store, "experts.py")

    assert at.title[0].value == "专家库"
    assert [t.label for t in at.tabs] == ["专家列表", "导入专家", "修改与停用"]
    assert len(at.dataframe[0].value) == len(list_experts(store, ADMIN)) >= 60


def test_expert_list_filters_by_field(store):
    at = page_as(store, "experts.py")

    at.multiselect(key="filter_discipline").set_value([Discipline.LAW]).run()

    shown = at.dataframe[0].value
    assert len(shown) > 0 and all("法律" in fields for fields in shown["专业领域"])


def test_expert_import_names_every_error_and_imports_nothing(store):
    at = page_as(store, "experts.py")
    before = store.data_version()
    bad = "专家编号,姓名,工作单位,专业领域,所在城市\nZJ-9001,王五,某单位,量子计算,沈阳市\n".encode()

    at.file_uploader(key="expert_files").set_value(("专家信息.csv", bad, "text/csv"))
    at.run()
    button(at, "run_expert_import").click().run()

    assert not at.exception, at.exception
    assert any("未导入任何内容" in e.value for e in at.error)
    issues = at.table[0].value
    assert list(issues.iloc[0][["文件", "工作表", "行", "列"]]) == ["专家信息.csv", "专家信息", 2, "专业领域"]
    assert store.data_version() == before


def test_expert_import_of_a_filled_template_adds_the_expert(store):
    at = page_as(store, "experts.py")
    content = write_expert_workbook([make_expert("ZJ-9002", name="新专家")])

    at.file_uploader(key="expert_files").set_value(("新专家.xlsx", content, XLSX))
    at.run()
    button(at, "run_expert_import").click().run()

    assert not at.exception, at.exception
    assert get_expert(store, ADMIN, "ZJ-9002").name == "新专家"
    assert any("导入成功" in s.value for s in at.success)


def test_expert_page_offers_the_template_and_the_export(store):
    at = page_as(store, "experts.py")

    assert len(at.get("download_button")) == 2


def test_deactivate_on_the_page_records_the_reason(store):
    at = page_as(store, "experts.py")
    expert_id = at.selectbox(key="edit_expert").value

    at.text_area(key=f"deactivate_reason_{expert_id}").input("已调离辽宁，不再参加评审")
    button(at, f"deactivate_expert_{expert_id}").click().run()

    assert not at.exception, at.exception
    assert get_expert(store, ADMIN, expert_id).active is False
    [entry] = store.audit_log(entity=f"expert/{expert_id}", limit=1)
    assert (entry.action, entry.actor, entry.reason) == (ActionKind.EXPERT_DEACTIVATE, "tester", "已调离辽宁，不再参加评审")


def test_deactivate_without_a_reason_is_refused_on_the_page(store):
    at = page_as(store, "experts.py")
    expert_id = at.selectbox(key="edit_expert").value
    before = store.data_version()

    button(at, f"deactivate_expert_{expert_id}").click().run()

    assert any("必须填写理由" in e.value for e in at.error)
    assert get_expert(store, ADMIN, expert_id).active and store.data_version() == before


def test_edit_on_the_page_saves_the_change_with_the_reason(store):
    at = page_as(store, "experts.py")
    expert_id = at.selectbox(key="edit_expert").value

    at.text_input(key=f"edit_title_{expert_id}").input("二级教授")
    at.text_input(key=f"edit_reason_{expert_id}").input("职称晋升")
    next(b for b in at.button if b.label == "保存修改").click().run()

    assert not at.exception, at.exception
    assert get_expert(store, ADMIN, expert_id).title == "二级教授"
    [entry] = store.audit_log(entity=f"expert/{expert_id}", limit=1)
    assert entry.reason == "职称晋升" and entry.detail["changes"]["title"][1] == "二级教授"


def test_observers_see_the_list_without_import_or_edit(store):
    at = page_as(store, "experts.py", Grant(role=Role.OBSERVER), login="watcher")

    assert len(at.tabs) == 0 and not at.get("file_uploader")
    assert len(at.dataframe[0].value) >= 60


@pytest.mark.parametrize("page", ["experts.py", "conflicts.py"])
def test_city_bureaus_and_experts_cannot_open_the_pool_pages(store, page):
    for n, grant in enumerate((Grant(role=Role.CITY, city="大连市"), Grant(role=Role.EXPERT))):
        at = page_as(store, page, grant, login=f"person{n}")

        assert any("没有“查看专家库”的权限" in e.value for e in at.error)
        assert not at.dataframe


# --- 回避关系 -------------------------------------------------------------------------------


def test_conflict_page_lists_every_pair_with_its_explanation(store):
    at = page_as(store, "conflicts.py")

    table = at.dataframe[0].value
    assert at.title[0].value == "回避关系"
    assert {str(ConflictRule.OWN_UNIT), str(ConflictRule.AFFILIATION), str(ConflictRule.DECLARED)} <= set(table["回避规则"])
    assert any("同属一个单位" in reason for reason in table["回避说明"])


def test_conflict_page_filters_by_rule_and_same_city_adds_pairs(store):
    at = page_as(store, "conflicts.py")
    everything = len(at.dataframe[0].value)

    at.multiselect(key="conflict_rule_filter").set_value([ConflictRule.OWN_UNIT]).run()
    assert set(at.dataframe[0].value["回避规则"]) == {str(ConflictRule.OWN_UNIT)}

    at.multiselect(key="conflict_rule_filter").set_value([]).run()
    at.checkbox(key="rule_same_city").check().run()
    assert len(at.dataframe[0].value) > everything


def test_declaring_a_pair_on_the_page_stores_it_with_the_reason(store):
    at = page_as(store, "conflicts.py")
    before = len(declared_conflicts(store, ADMIN))
    expert_id = at.selectbox(key="declare_expert").value
    code = at.selectbox(key="declare_unit").value

    at.text_input(key="declare_reason").input("近亲属在该单位任职")
    button(at, "declare_pair").click().run()

    assert not at.exception, at.exception
    pairs = declared_conflicts(store, ADMIN, expert_id)
    assert len(declared_conflicts(store, ADMIN)) == before + 1
    assert any(p.credit_code == code and p.reason == "近亲属在该单位任职" and p.declared_by == "tester" for p in pairs)


def test_observers_see_the_report_but_cannot_declare(store):
    at = page_as(store, "conflicts.py", Grant(role=Role.OBSERVER), login="watcher")

    assert len(at.dataframe[0].value) > 0
    assert not [b for b in at.button if b.key == "declare_pair"]


def test_the_pool_shows_the_ratings_of_earlier_rounds(store):
    from scoring.rounds.assignment import commit_assignment, preview_assignment
    from scoring.experts.ratings import Rating, rate_expert
    from scoring.storage import round_store
    from tests.builders.rounds import new_round

    review_round = new_round(store, ADMIN, min_load=1, max_load=4)
    commit_assignment(store, ADMIN, review_round.round_id, preview_assignment(store, ADMIN, review_round.round_id),
                      "测试")
    expert_id = round_store.current_pairs(store, review_round.round_id)[0].expert_id
    rate_expert(store, ADMIN, review_round.round_id, expert_id, Rating.EXCELLENT, "按时认真")

    at = page_as(store, "experts.py")

    ratings = next(d.value for d in at.dataframe if "评价" in d.value.columns)
    assert ratings.iloc[0]["专家编号"] == expert_id and ratings.iloc[0]["评价"] == "优秀"
