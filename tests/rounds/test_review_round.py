"""Review rounds: create, edit and list them with every change audited, settings validated in Chinese, panels
checked against the pool and the batch, and applications routed to panels by staff or by field."""
from __future__ import annotations

from datetime import datetime

import pytest

from scoring.common.access import AccessDenied
from scoring.common.disciplines import Discipline
from scoring.common.models import ActionKind
from scoring.rounds.review_rounds import (
    Panel,
    RoundError,
    RoundKind,
    RoundMode,
    create_round,
    get_round,
    list_rounds,
    panel_from,
    round_settings,
    rounds_table,
    route_applications,
    routing_table,
    update_round,
)
from tests.builders.applications import make_credit_code, make_expert
from tests.builders.rounds import ADMIN, OBSERVER, STAFF, applicant, expert_principal, new_round, small_storage

MATERIALS = applicant(1, Discipline.NEW_MATERIALS, Discipline.METALLURGY)
MEDICINE = applicant(2, Discipline.BIOPHARMA)
SOFTWARE = applicant(3, Discipline.AI_AND_SOFTWARE, Discipline.ELECTRONICS)


@pytest.fixture
def storage(tmp_path):
    experts = [make_expert("ZJ-0001"), make_expert("ZJ-0002", name="李四", unit="大连测试研究院",
                                                   unit_credit_code=make_credit_code(901))]
    with small_storage(tmp_path, [MATERIALS, MEDICINE, SOFTWARE], experts) as opened:
        yield opened


# --- create and list --------------------------------------------------------------------------------


def test_create_round_numbers_rounds_within_the_batch_and_audits_the_settings(storage):
    first = new_round(storage, title="2023年度遴选")
    second = new_round(storage, kind=RoundKind.ANNUAL_ACCEPTANCE, rubric_id="annual-acceptance",
                       mode=RoundMode.PANEL, year=2023)

    assert (first.round_id, second.round_id) == ("2023-01", "2023-02")
    assert [r.round_id for r in list_rounds(storage, STAFF, "2023")] == ["2023-01", "2023-02"]
    [entry] = storage.audit_log(entity="round/2023/2023-01")
    assert entry.action == ActionKind.ROUND_CREATE and entry.actor == "staff"
    assert entry.detail["title"] == "2023年度遴选" and entry.detail["experts_per_application"] == 5


def test_create_round_keeps_times_and_conflict_rules(storage):
    created = new_round(storage, opens_at=datetime(2023, 7, 1, 9), closes_at=datetime(2023, 7, 15, 17),
                        rules={"same_city": True, "affiliations_within_years": 5})

    stored = get_round(storage, STAFF, created.round_id)

    assert stored == created
    assert stored.closes_at == datetime(2023, 7, 15, 17)
    assert stored.rules.same_city and stored.rules.affiliations_within_years == 5 and stored.rules.own_unit


def test_a_round_for_a_batch_that_does_not_exist_is_refused(storage):
    with pytest.raises(RoundError, match="没有批次 2030"):
        create_round(storage, STAFF, round_settings({"batch_id": "2030", "kind": "遴选", "rubric_id": "r"}))


@pytest.mark.parametrize(("settings", "message"), [
    ({"min_load": 6, "max_load": 3}, "每位专家评审数下限6大于上限3"),
    ({"rubric_id": "  "}, "评分标准：必须填写"),
    ({"experts_per_application": 0}, "每份申报书的评审专家数：不能小于 1"),
    ({"kind": "初评"}, "评审类型：应为以下之一：遴选、年度验收、综合评估"),
    ({"opens_at": datetime(2023, 7, 2), "closes_at": datetime(2023, 7, 1)}, "评审截止时间必须晚于开始时间"),
])
def test_round_settings_are_refused_in_chinese(settings, message):
    with pytest.raises(RoundError, match=message):
        round_settings({"batch_id": "2023", "kind": "遴选", "rubric_id": "selection", **settings})


def test_only_staff_create_rounds_and_experts_cannot_list_them(storage):
    new_round(storage)

    with pytest.raises(AccessDenied):
        new_round(storage, principal=OBSERVER)
    with pytest.raises(AccessDenied):
        list_rounds(storage, expert_principal("ZJ-0001"), "2023")
    assert [r.round_id for r in list_rounds(storage, OBSERVER, "2023")] == ["2023-01"]


def test_an_expert_may_read_a_round_of_the_batch_they_score_in(storage):
    created = new_round(storage)

    assert get_round(storage, expert_principal("ZJ-0001"), created.round_id).rubric_id == "selection"


def test_rounds_table_names_every_round_in_chinese(storage):
    new_round(storage, mode=RoundMode.PANEL)

    table = rounds_table(list_rounds(storage, STAFF, "2023"))

    assert list(table.iloc[0][["轮次编号", "评审类型", "分配方式", "专家负荷"]]) == ["2023-01", "遴选", "评审组", "—"]


# --- edit -----------------------------------------------------------------------------------------


def test_update_round_audits_each_change_with_the_reason(storage):
    created = new_round(storage)

    update_round(storage, STAFF, created.model_copy(update={"max_load": 4, "title": "复评"}), "专家人数减少")

    assert get_round(storage, STAFF, created.round_id).max_load == 4
    entry = storage.audit_log(entity="round/2023/2023-01")[0]
    assert entry.action == ActionKind.ROUND_UPDATE and entry.reason == "专家人数减少"
    assert entry.detail["changes"] == {"title": ["", "复评"], "max_load": [10, 4]}


def test_update_round_needs_a_reason_and_a_change(storage):
    created = new_round(storage)

    with pytest.raises(RoundError, match="必须填写理由"):
        update_round(storage, STAFF, created.model_copy(update={"max_load": 4}), "")
    with pytest.raises(RoundError, match="内容没有变化"):
        update_round(storage, STAFF, created, "再保存一次")


def test_update_round_revalidates_the_settings(storage):
    created = new_round(storage)

    with pytest.raises(RoundError, match="下限8大于上限4"):
        update_round(storage, STAFF, created.model_copy(update={"min_load": 8, "max_load": 4}), "调整负荷")


def test_a_round_cannot_move_to_another_batch(storage):
    created = new_round(storage)

    with pytest.raises(RoundError, match="不能改换批次"):
        update_round(storage, STAFF, created.model_copy(update={"batch_id": "2024"}), "改批次")


def test_panels_must_name_experts_of_the_pool_and_applications_of_the_batch(storage):
    created = new_round(storage, mode=RoundMode.PANEL)
    stranger = Panel(name="第一组", members=["ZJ-9999"])
    elsewhere = Panel(name="第一组", members=["ZJ-0001"], applications=[make_credit_code(77)])

    with pytest.raises(RoundError, match="ZJ-9999 不在专家库中"):
        update_round(storage, STAFF, created.model_copy(update={"panels": [stranger]}), "设置评审组")
    with pytest.raises(RoundError, match="不在批次 2023 中"):
        update_round(storage, STAFF, created.model_copy(update={"panels": [elsewhere]}), "设置评审组")


def test_an_application_listed_under_two_panels_is_refused():
    both = [{"name": "第一组", "applications": [MATERIALS.credit_code]},
            {"name": "第二组", "applications": [MATERIALS.credit_code]}]

    with pytest.raises(RoundError, match="同时指定给了评审组“第一组”和“第二组”"):
        round_settings({"batch_id": "2023", "kind": "遴选", "rubric_id": "r", "panels": both})


def test_panel_errors_are_in_chinese():
    with pytest.raises(RoundError, match="评审组名称：必须填写"):
        panel_from({"name": "", "members": []})
    with pytest.raises(RoundError, match="同一位专家出现了两次"):
        panel_from({"name": "第一组", "members": ["zj-0001", "ZJ-0001"]})


# --- routing --------------------------------------------------------------------------------------


def test_staff_listing_wins_over_fields():
    panels = [Panel(name="材料组", fields=[Discipline.NEW_MATERIALS]),
              Panel(name="综合组", applications=[MATERIALS.credit_code])]

    assert route_applications(panels, [MATERIALS]) == {MATERIALS.credit_code: "综合组"}


def test_an_application_goes_to_the_panel_sharing_most_fields_and_the_first_on_a_tie():
    panels = [Panel(name="甲组", fields=[Discipline.ELECTRONICS]),
              Panel(name="乙组", fields=[Discipline.ELECTRONICS, Discipline.AI_AND_SOFTWARE]),
              Panel(name="丙组", fields=[Discipline.METALLURGY]),
              Panel(name="丁组", fields=[Discipline.NEW_MATERIALS])]

    routed = route_applications(panels, [SOFTWARE, MATERIALS])

    assert routed == {SOFTWARE.credit_code: "乙组", MATERIALS.credit_code: "丙组"}


def test_an_application_sharing_no_field_goes_nowhere_and_the_table_says_so():
    review_round = round_settings({"batch_id": "2023", "kind": "遴选", "rubric_id": "r", "mode": "评审组",
                                   "panels": [{"name": "材料组", "fields": ["新材料"]}]})

    assert route_applications(review_round.panels, [MEDICINE]) == {}
    table = routing_table(review_round, [MATERIALS, MEDICINE])
    assert list(table["评审组"]) == ["材料组", "（未分组）"]
    assert list(table["分组依据"]) == ["按领域", "—"]


def test_command_line_principal_may_do_everything(storage):
    assert new_round(storage, principal=ADMIN).round_id == "2023-01"
