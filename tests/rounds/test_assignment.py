"""Assignment of a round: the preview on the sample batch is complete and conflict-free with loads in bounds and
one expert per unit; panel mode routes and covers; infeasible rounds say why in Chinese and commit nothing; a
stale preview is refused; manual edits keep the rules; a re-run after a recusal moves nothing else; experts see
only their own assignments; the export reads back with formulas neutralised."""
from __future__ import annotations

import hashlib
from collections import Counter, defaultdict

import numpy as np
import pandas as pd
import pytest

from scoring.common.access import AccessDenied
from scoring.rounds.assignment import (
    STALE_PREVIEW,
    PreviewKind,
    add_pair,
    affinity_matrix,
    balance_hint,
    commit_assignment,
    eligible_applications,
    pair_affinity,
    pairs_sha256,
    preview_assignment,
    preview_rerun,
    remove_pair,
    rerun_uncovered,
    swap_pair,
)
from scoring.rounds.assignment_lists import (
    committed_assignment,
    expert_assignments,
    export_assignment,
    my_assignments,
)
from scoring.experts.conflicts import unit_groups
from scoring.common.disciplines import Discipline
from scoring.documents.assignment_workbook import HEADERS, neutralised
from scoring.experts.pool import conflict_report, declare_conflict, list_experts
from scoring.common.models import ActionKind, ConflictRules
from scoring.rounds.review_rounds import RoundError, RoundMode, get_round, update_round
from scoring.storage import round_store
from tests.builders.applications import make_application, make_credit_code, make_expert
from tests.builders.rounds import ADMIN, OBSERVER, STAFF, expert_principal, applicant, new_round, recuse, sample_storage, small_storage

K = 5


@pytest.fixture
def sample(tmp_path):
    with sample_storage(tmp_path) as storage:
        yield storage


def committed_round(storage, **settings):
    review_round = new_round(storage, **{"experts_per_application": K, "min_load": 1, "max_load": 4, **settings})
    preview = preview_assignment(storage, STAFF, review_round.round_id)
    commit_assignment(storage, STAFF, review_round.round_id, preview, "首次分配")
    return review_round, preview


def current(storage, round_id) -> set[tuple[str, str]]:
    return {(p.credit_code, p.expert_id) for p in round_store.current_pairs(storage, round_id)}


# --- affinity -------------------------------------------------------------------------------------


def test_affinity_is_the_share_of_the_applications_fields_the_expert_covers():
    application = make_application(disciplines=[Discipline.NEW_MATERIALS, Discipline.METALLURGY])
    both = make_expert(disciplines=[Discipline.METALLURGY, Discipline.NEW_MATERIALS, Discipline.LAW])
    one = make_expert(disciplines=[Discipline.METALLURGY])
    none = make_expert(disciplines=[Discipline.LAW])

    assert [pair_affinity(application, e) for e in (both, one, none)] == [1.0, 0.5, 0.0]
    assert pair_affinity(make_application(disciplines=[]), both) == 0.0


def test_affinity_matrix_agrees_with_the_pairwise_rule(sample):
    applications = eligible_applications(sample, ADMIN, "2023")
    pool = list_experts(sample, ADMIN)

    matrix = affinity_matrix(applications, pool)

    expected = [[pair_affinity(a, e) for e in pool] for a in applications]
    assert matrix.shape == (len(applications), len(pool))
    np.testing.assert_allclose(matrix, expected, atol=1e-6)


# --- distributed preview on the sample -------------------------------------------------------------


def test_distributed_preview_of_the_sample_is_complete_conflict_free_in_bounds_and_one_per_unit(sample):
    review_round = new_round(sample, experts_per_application=K, min_load=1, max_load=4)

    preview = preview_assignment(sample, STAFF, review_round.round_id)

    assert preview.feasible and preview.kind is PreviewKind.FULL, preview.shortfalls
    passed = {a.credit_code for a in eligible_applications(sample, ADMIN, "2023")}
    per_application = Counter(p.credit_code for p in preview.pairs)
    assert set(per_application) == passed and set(per_application.values()) == {K}
    conflicted = {(c.credit_code, c.expert_id) for c in conflict_report(sample, ADMIN, "2023", ConflictRules())}
    assert not conflicted & {p.key for p in preview.pairs}
    pool = list_experts(sample, ADMIN)
    loads = Counter(p.expert_id for p in preview.pairs)
    assert all(1 <= loads[e.expert_id] <= 4 for e in pool if e.available)
    assert not {p.expert_id for p in preview.pairs} - {e.expert_id for e in pool if e.available}
    unit_of = dict(zip([e.expert_id for e in pool], unit_groups(pool).tolist()))
    units = defaultdict(list)
    for pair in preview.pairs:
        units[pair.credit_code].append(unit_of[pair.expert_id])
    assert all(len(set(u)) == len(u) for u in units.values())
    assert preview.added == preview.pairs and preview.removed == []
    assert "已证明最优" in preview.optimality


def test_the_same_data_gives_the_same_preview(sample):
    review_round = new_round(sample)

    first = preview_assignment(sample, STAFF, review_round.round_id)
    second = preview_assignment(sample, STAFF, review_round.round_id)

    assert first.pairs == second.pairs and first.fingerprint == second.fingerprint


def test_commit_stores_the_pairs_and_audits_counts_and_their_hash(sample):
    review_round, preview = committed_round(sample)

    assert current(sample, review_round.round_id) == {p.key for p in preview.pairs}
    entry = sample.audit_log(entity=f"round/2023/{review_round.round_id}")[0]
    assert entry.action == ActionKind.ASSIGNMENT_COMMIT and entry.reason == "首次分配"
    assert entry.detail["pairs"] == entry.detail["added"] == len(preview.pairs) and entry.detail["removed"] == 0
    assert entry.detail["pairs_sha256"] == pairs_sha256(p.key for p in preview.pairs)
    assert entry.detail["applications"] == len({p.credit_code for p in preview.pairs})


def test_a_preview_after_a_commit_lists_what_would_change(sample):
    review_round, before = committed_round(sample)
    update_round(sample, STAFF, get_round(sample, STAFF, review_round.round_id).model_copy(
        update={"experts_per_application": 4}), "每份改为4名专家")

    after = preview_assignment(sample, STAFF, review_round.round_id)

    assert after.feasible and len(after.pairs) == len(before.pairs) // K * 4
    old, new = {p.key for p in before.pairs}, {p.key for p in after.pairs}
    assert {p.key for p in after.added} == new - old and {p.key for p in after.removed} == old - new
    assert {l.expert_id: l.committed for l in after.loads if l.committed} == Counter(e for _, e in old)


def test_commit_needs_a_reason(sample):
    review_round = new_round(sample)
    preview = preview_assignment(sample, STAFF, review_round.round_id)

    with pytest.raises(RoundError, match="必须填写理由"):
        commit_assignment(sample, STAFF, review_round.round_id, preview, " ")
    assert not current(sample, review_round.round_id)


@pytest.mark.parametrize("change", ["recusal", "declared pair", "round settings", "commit"])
def test_commit_refuses_a_preview_of_data_that_changed_since(sample, change):
    earlier = committed_round(sample)[0] if change == "recusal" else None
    review_round = new_round(sample)
    preview = preview_assignment(sample, STAFF, review_round.round_id)
    code, expert_id = preview.pairs[0].key
    if change == "recusal":  # declared while scoring an earlier round of the batch, it bars the pair here too
        code, expert_id = next(p.key for p in preview.pairs if p.key in current(sample, earlier.round_id))
        recuse(sample, earlier.round_id, expert_id, code, "曾参与该单位项目评审")
    elif change == "declared pair":
        declare_conflict(sample, ADMIN, expert_id, code, "近亲属在该单位任职")
    elif change == "round settings":
        update_round(sample, STAFF, review_round.model_copy(update={"max_load": 9}), "调整上限")
    else:
        commit_assignment(sample, STAFF, review_round.round_id, preview, "首次分配")
    before = current(sample, review_round.round_id)

    with pytest.raises(RoundError, match=STALE_PREVIEW):
        commit_assignment(sample, STAFF, review_round.round_id, preview, "确认")

    assert current(sample, review_round.round_id) == before


def test_commit_refuses_a_preview_of_another_round(sample):
    first, second = new_round(sample), new_round(sample)
    preview = preview_assignment(sample, STAFF, first.round_id)

    with pytest.raises(RoundError, match="属于评审轮次 2023-01"):
        commit_assignment(sample, STAFF, second.round_id, preview, "确认")


def test_commit_refuses_a_tampered_pair_that_is_conflicted(sample):
    review_round = new_round(sample)
    preview = preview_assignment(sample, STAFF, review_round.round_id)
    conflict = next(c for c in conflict_report(sample, ADMIN, "2023", ConflictRules())
                    if c.credit_code in {p.credit_code for p in preview.pairs})
    forged = preview.pairs[0].model_copy(update={"credit_code": conflict.credit_code,
                                                 "expert_id": conflict.expert_id})

    with pytest.raises(RoundError, match="含需回避的配对"):
        commit_assignment(sample, STAFF, review_round.round_id,
                          preview.model_copy(update={"pairs": [forged, *preview.pairs[1:]]}), "确认")


# --- infeasible -------------------------------------------------------------------------------------


def test_an_infeasible_round_has_no_pairs_says_what_to_relax_and_commits_nothing(sample):
    review_round = new_round(sample, experts_per_application=K, max_load=1)
    audited = len(sample.audit_log(limit=1000))

    preview = preview_assignment(sample, STAFF, review_round.round_id)

    assert not preview.feasible and preview.pairs == [] and preview.added == []
    assert any("专家总容量" in s and "请提高每位专家的评审上限" in s for s in preview.shortfalls)
    with pytest.raises(RoundError, match="不能确认分配"):
        commit_assignment(sample, STAFF, review_round.round_id, preview, "强行确认")
    assert not current(sample, review_round.round_id)
    assert len(sample.audit_log(limit=1000)) == audited


def test_minimums_that_cannot_be_met_are_named(sample):
    review_round = new_round(sample, experts_per_application=K, min_load=4, max_load=6)

    preview = preview_assignment(sample, STAFF, review_round.round_id)

    assert not preview.feasible
    assert any("下限" in s for s in preview.shortfalls)


def test_too_few_experts_for_an_application_names_it(tmp_path):
    application = applicant(1, Discipline.LAW)
    own_unit = make_expert("ZJ-0001", unit=application.basic.unit_name, unit_credit_code=application.credit_code)
    other = make_expert("ZJ-0002", name="李四")
    with small_storage(tmp_path, [application], [own_unit, other]) as storage:
        review_round = new_round(storage, experts_per_application=2)

        preview = preview_assignment(storage, STAFF, review_round.round_id)

    assert not preview.feasible
    assert any(application.basic.unit_name in s for s in preview.shortfalls)


# --- panel mode ------------------------------------------------------------------------------------


@pytest.fixture
def panel_batch(tmp_path):
    """Three materials applications and one in medicine; a materials panel of four, one of them at an applicant."""
    materials = [applicant(i, Discipline.NEW_MATERIALS) for i in (1, 2, 3)]
    medicine = applicant(4, Discipline.BIOPHARMA)
    members = [make_expert(f"ZJ-000{i}", name=f"专家{i}", unit=f"测试研究院{i}", unit_credit_code=make_credit_code(900 + i))
               for i in (1, 2, 3)]
    insider = make_expert("ZJ-0004", name="专家四", unit=materials[0].basic.unit_name,
                          unit_credit_code=materials[0].credit_code)
    with small_storage(tmp_path, [*materials, medicine], [*members, insider]) as storage:
        yield storage, materials, medicine


def test_panel_mode_gives_every_non_conflicted_member_every_routed_application(panel_batch):
    storage, materials, medicine = panel_batch
    review_round = new_round(storage, mode=RoundMode.PANEL, experts_per_application=3, panels=[
        {"name": "材料组", "members": ["ZJ-0001", "ZJ-0002", "ZJ-0003", "ZJ-0004"], "fields": ["新材料"]},
        {"name": "医药组", "members": ["ZJ-0001", "ZJ-0002", "ZJ-0003"], "applications": [medicine.credit_code]}])

    preview = preview_assignment(storage, STAFF, review_round.round_id)

    assert preview.feasible, preview.shortfalls
    experts_of = defaultdict(set)
    for pair in preview.pairs:
        experts_of[pair.credit_code].add(pair.expert_id)
    assert experts_of[materials[0].credit_code] == {"ZJ-0001", "ZJ-0002", "ZJ-0003"}  # ZJ-0004 works there
    assert experts_of[materials[1].credit_code] == {"ZJ-0001", "ZJ-0002", "ZJ-0003", "ZJ-0004"}
    assert experts_of[medicine.credit_code] == {"ZJ-0001", "ZJ-0002", "ZJ-0003"}
    assert {p.panel for p in preview.pairs if p.credit_code == medicine.credit_code} == {"医药组"}
    assert all(l.maximum is None for l in preview.loads)


def test_panel_mode_flags_a_panel_left_with_fewer_than_k_members(panel_batch):
    storage, materials, _ = panel_batch
    review_round = new_round(storage, mode=RoundMode.PANEL, experts_per_application=4, panels=[
        {"name": "材料组", "members": ["ZJ-0001", "ZJ-0002", "ZJ-0003", "ZJ-0004"], "fields": ["新材料", "生物医药"]}])

    preview = preview_assignment(storage, STAFF, review_round.round_id)

    assert not preview.feasible and preview.pairs == []
    [short] = preview.shortfalls
    assert materials[0].basic.unit_name in short and "评审组“材料组”只有3名成员可以评审" in short
    assert "同属一个单位" in short and "降为3" in short


def test_panel_mode_names_applications_no_panel_takes(panel_batch):
    storage, _, medicine = panel_batch
    review_round = new_round(storage, mode=RoundMode.PANEL, experts_per_application=2, panels=[
        {"name": "材料组", "members": ["ZJ-0001", "ZJ-0002", "ZJ-0003"], "fields": ["新材料"]}])

    preview = preview_assignment(storage, STAFF, review_round.round_id)

    assert preview.shortfalls == [f"以下申报书未分到任何评审组：{medicine.basic.unit_name}。"
                                  "请在评审组中指定这些申报单位，或为评审组增加相应的专业领域。"]


def test_panel_mode_without_panels_is_refused_in_words(panel_batch):
    storage, _, _ = panel_batch
    review_round = new_round(storage, mode=RoundMode.PANEL)

    preview = preview_assignment(storage, STAFF, review_round.round_id)

    assert preview.shortfalls == ["分配方式为评审组，但本轮尚未设置评审组：请在“评审轮次”页面设置评审组及其成员。"]


# --- manual edits ----------------------------------------------------------------------------------


def conflicted_pair(storage, preview):
    """An own-unit conflict of an application that takes part."""
    passed = {p.credit_code for p in preview.pairs}
    return next(c for c in conflict_report(storage, ADMIN, "2023", ConflictRules())
                if c.credit_code in passed and c.rule == "本单位")


def test_adding_a_conflicted_pair_is_refused_with_the_reason(sample):
    review_round, preview = committed_round(sample)
    conflict = conflicted_pair(sample, preview)

    with pytest.raises(RoundError, match="不能分配：.*同属一个单位"):
        add_pair(sample, STAFF, review_round.round_id, conflict.credit_code, conflict.expert_id, "补充专家")

    assert current(sample, review_round.round_id) == {p.key for p in preview.pairs}


def test_adding_an_expert_of_a_unit_already_on_the_application_is_refused(tmp_path):
    application = applicant(1, Discipline.NEW_MATERIALS)
    colleagues = [make_expert(f"ZJ-000{i}", name=f"专家{i}") for i in (1, 2)]  # one unit
    with small_storage(tmp_path, [application], colleagues) as storage:
        review_round = new_round(storage, experts_per_application=1)
        add_pair(storage, STAFF, review_round.round_id, application.credit_code, "ZJ-0001", "指定专家")

        with pytest.raises(RoundError, match="同属沈阳测试研究院"):
            add_pair(storage, STAFF, review_round.round_id, application.credit_code, "ZJ-0002", "再加一位")


def test_adding_beyond_an_experts_maximum_is_refused(tmp_path):
    applications = [applicant(i, Discipline.NEW_MATERIALS) for i in (1, 2)]
    with small_storage(tmp_path, applications, [make_expert("ZJ-0001")]) as storage:
        review_round = new_round(storage, experts_per_application=1, max_load=1)
        add_pair(storage, STAFF, review_round.round_id, applications[0].credit_code, "ZJ-0001", "指定专家")

        with pytest.raises(RoundError, match="达到每位专家评审数上限1份"):
            add_pair(storage, STAFF, review_round.round_id, applications[1].credit_code, "ZJ-0001", "再加一份")


def test_an_application_that_failed_the_formal_check_cannot_be_assigned(sample):
    review_round = new_round(sample)
    passed = {a.credit_code for a in eligible_applications(sample, ADMIN, "2023")}
    failed = next(a for a in sample.list_applications("2023") if a.credit_code not in passed)

    with pytest.raises(RoundError, match="未通过形式审查"):
        add_pair(sample, STAFF, review_round.round_id, failed.credit_code, "ZJ-0001", "补充")


def test_add_and_remove_are_audited_with_their_reasons(sample):
    review_round, preview = committed_round(sample)
    code, expert_id = preview.pairs[0].key

    remove_pair(sample, STAFF, review_round.round_id, code, expert_id, "专家临时出差")
    add_pair(sample, STAFF, review_round.round_id, code, expert_id, "专家行程取消")

    entries = sample.audit_log(entity=f"round/2023/{review_round.round_id}/{code}/{expert_id}")
    assert [(e.action, e.reason) for e in entries] == [(ActionKind.ASSIGNMENT_ADD, "专家行程取消"),
                                                       (ActionKind.ASSIGNMENT_REMOVE, "专家临时出差")]
    assert current(sample, review_round.round_id) == {p.key for p in preview.pairs}
    [pair] = [p for p in round_store.current_pairs(sample, review_round.round_id) if (p.credit_code, p.expert_id) == (code, expert_id)]
    assert pair.source == "人工添加"


def test_removing_a_pair_that_is_not_assigned_is_refused(sample):
    review_round = new_round(sample)

    with pytest.raises(RoundError, match="并未分配"):
        remove_pair(sample, STAFF, review_round.round_id, make_credit_code(1), "ZJ-0001", "移除")


def test_swap_replaces_one_expert_in_one_step(sample):
    review_round, preview = committed_round(sample, max_load=5)
    code, old = preview.pairs[0].key
    on_application = {e for c, e in current(sample, review_round.round_id) if c == code}
    pool = list_experts(sample, ADMIN)
    unit_of = dict(zip([e.expert_id for e in pool], unit_groups(pool).tolist()))
    conflicted = {c.expert_id for c in conflict_report(sample, ADMIN, "2023", ConflictRules()) if c.credit_code == code}
    loads = Counter(e for _, e in current(sample, review_round.round_id))
    new = next(e.expert_id for e in pool if e.available and e.expert_id not in on_application | conflicted
               and unit_of[e.expert_id] not in {unit_of[x] for x in on_application - {old}} and loads[e.expert_id] < 4)

    swap_pair(sample, STAFF, review_round.round_id, code, old, new, "原专家身体原因")

    assert current(sample, review_round.round_id) == {p.key for p in preview.pairs} - {(code, old)} | {(code, new)}
    entry = sample.audit_log(entity=f"round/2023/{review_round.round_id}/{code}/{new}")[0]
    assert entry.action == ActionKind.ASSIGNMENT_SWAP and entry.detail["removed"] == old


def test_swap_to_a_conflicted_expert_changes_nothing(sample):
    review_round, preview = committed_round(sample)
    conflict = conflicted_pair(sample, preview)
    old = next(p.expert_id for p in preview.pairs if p.credit_code == conflict.credit_code)

    with pytest.raises(RoundError, match="同属一个单位"):
        swap_pair(sample, STAFF, review_round.round_id, conflict.credit_code, old, conflict.expert_id, "更换")

    assert current(sample, review_round.round_id) == {p.key for p in preview.pairs}


def test_manual_edits_need_the_right_to_manage_rounds(sample):
    review_round, preview = committed_round(sample)
    code, expert_id = preview.pairs[0].key

    with pytest.raises(AccessDenied):
        remove_pair(sample, OBSERVER, review_round.round_id, code, expert_id, "移除")
    with pytest.raises(AccessDenied):
        preview_assignment(sample, OBSERVER, review_round.round_id)


# --- re-run after a recusal -------------------------------------------------------------------------


def test_rerun_after_a_recusal_fills_only_that_application_and_moves_nothing_else(sample):
    review_round, preview = committed_round(sample)
    before = current(sample, review_round.round_id)
    code, recused = preview.pairs[7].key
    recuse(sample, review_round.round_id, recused, code, "曾指导该单位专利布局")
    view = committed_assignment(sample, STAFF, review_round.round_id)
    assert [(r.credit_code, r.expert_id) for r in view.barred] == [(code, recused)]
    assert [f.credit_code for f in view.uncovered] == [code]

    rerun = preview_rerun(sample, STAFF, review_round.round_id)

    assert rerun.feasible and rerun.kind is PreviewKind.RERUN, rerun.shortfalls
    assert [p.key for p in rerun.removed] == [(code, recused)]
    [added] = rerun.added
    assert added.credit_code == code and added.expert_id != recused
    assert {p.key for p in rerun.pairs} == before - {(code, recused)} | {added.key}
    summary = commit_assignment(sample, STAFF, review_round.round_id, rerun, "专家回避后补充")
    assert (summary.added, summary.removed) == (1, 1)
    after = current(sample, review_round.round_id)
    assert after - {added.key} == before - {(code, recused)}
    on_application = [e for c, e in after if c == code]
    assert len(on_application) == K
    pool = {e.expert_id: e for e in list_experts(sample, ADMIN)}
    assert len(set(unit_groups([pool[e] for e in on_application]).tolist())) == K
    assert committed_assignment(sample, STAFF, review_round.round_id).barred == []


def test_rerun_keeps_every_other_pair_even_where_a_fresh_solve_would_move_them(sample):
    review_round, preview = committed_round(sample)
    code, recused = preview.pairs[0].key
    # A manual swap gives a pair the solver would not choose; the re-run must still keep it.
    kept_manual = next(p for p in preview.pairs if p.credit_code != code)
    remove_pair(sample, STAFF, review_round.round_id, *kept_manual.key, "调整")
    add_pair(sample, STAFF, review_round.round_id, *kept_manual.key, "恢复")
    before = current(sample, review_round.round_id)
    recuse(sample, review_round.round_id, recused, code, "专家本人申请回避")

    summary = rerun_uncovered(sample, STAFF, review_round.round_id, "回避后补充")

    after = current(sample, review_round.round_id)
    assert (summary.kind, summary.added, summary.removed) == (PreviewKind.RERUN, 1, 1)
    assert before - after == {(code, recused)}
    assert [c for c, _ in after - before] == [code]
    added_source = {p.source for p in round_store.current_pairs(sample, review_round.round_id)
                    if (p.credit_code, p.expert_id) in after - before}
    assert added_source == {"回避后补充分配"}


def test_rerun_with_nothing_short_changes_nothing(sample):
    review_round, _ = committed_round(sample)
    audited = len(sample.audit_log(limit=1000))

    summary = rerun_uncovered(sample, STAFF, review_round.round_id, "检查缺额")

    assert (summary.added, summary.removed) == (0, 0)
    assert len(sample.audit_log(limit=1000)) == audited


def test_rerun_in_panel_mode_drops_the_recused_member_and_names_the_shortfall(panel_batch):
    storage, materials, _ = panel_batch
    review_round = new_round(storage, mode=RoundMode.PANEL, experts_per_application=3, panels=[
        {"name": "材料组", "members": ["ZJ-0001", "ZJ-0002", "ZJ-0003", "ZJ-0004"], "fields": ["新材料", "生物医药"]}])
    preview = preview_assignment(storage, STAFF, review_round.round_id)
    commit_assignment(storage, STAFF, review_round.round_id, preview, "首次分配")
    recuse(storage, review_round.round_id, "ZJ-0004", materials[1].credit_code)

    rerun = preview_rerun(storage, STAFF, review_round.round_id)

    assert rerun.feasible and [p.key for p in rerun.removed] == [(materials[1].credit_code, "ZJ-0004")]
    assert rerun.added == []
    recuse(storage, review_round.round_id, "ZJ-0001", materials[0].credit_code)
    short = preview_rerun(storage, STAFF, review_round.round_id)
    assert not short.feasible and "只有2名成员可以评审" in short.shortfalls[0]


# --- who sees which assignment -------------------------------------------------------------------


def test_an_expert_sees_only_their_own_assignments(sample):
    _, preview = committed_round(sample, closes_at="2023-07-15T17:00")
    mine = preview.pairs[0].expert_id
    expert = expert_principal(mine)

    tasks = my_assignments(sample, expert)

    assert {t.credit_code for t in tasks} == {p.credit_code for p in preview.pairs if p.expert_id == mine}
    assert {t.rubric_id for t in tasks} == {"selection"} and tasks[0].closes_at.hour == 17
    assert expert_assignments(sample, expert, mine.lower()) == tasks


def test_an_expert_asking_for_another_experts_assignments_is_refused_by_every_route(sample, tmp_path):
    review_round, preview = committed_round(sample)
    mine = preview.pairs[0].expert_id
    other = next(p.expert_id for p in preview.pairs if p.expert_id != mine)
    expert = expert_principal(mine)

    with pytest.raises(AccessDenied):
        expert_assignments(sample, expert, other)
    with pytest.raises(AccessDenied):
        expert_assignments(sample, expert, other, review_round.round_id)
    with pytest.raises(AccessDenied):
        committed_assignment(sample, expert, review_round.round_id)
    with pytest.raises(AccessDenied):
        export_assignment(sample, expert, review_round.round_id, root=tmp_path)
    with pytest.raises(AccessDenied):
        preview_assignment(sample, expert, review_round.round_id)


def test_a_person_without_an_expert_account_has_no_tasks_of_their_own(sample):
    with pytest.raises(AccessDenied, match="不是评审专家账号"):
        my_assignments(sample, STAFF)


def test_staff_and_observers_may_read_any_experts_assignments(sample):
    review_round, preview = committed_round(sample)
    expert_id = preview.pairs[0].expert_id

    tasks = expert_assignments(sample, OBSERVER, expert_id, review_round.round_id)

    assert {t.credit_code for t in tasks} == {p.credit_code for p in preview.pairs if p.expert_id == expert_id}


# --- export --------------------------------------------------------------------------------------


def test_neutralised_prefixes_every_formula_start():
    assert [neutralised(t) for t in ("=1+1", "+86", "-3", "@SUM(A1)", "大连理工大学")] == \
        ["'=1+1", "'+86", "'-3", "'@SUM(A1)", "大连理工大学"]


def test_export_reads_back_and_is_recorded_with_its_hash(sample, tmp_path):
    review_round, preview = committed_round(sample)

    exported = export_assignment(sample, STAFF, review_round.round_id, root=tmp_path / "exports")

    assert exported.path.parent == tmp_path / "exports" / "2023" / review_round.round_id
    assert exported.path.read_bytes() == exported.content
    assert exported.sha256 == hashlib.sha256(exported.content).hexdigest()
    table = pd.read_excel(exported.path, engine="calamine", header=1, dtype=str)
    assert tuple(table.columns) == HEADERS and len(table) == len(preview.pairs)
    names = {e.expert_id: e.name for e in list_experts(sample, ADMIN)}
    units = {a.credit_code: a.basic.unit_name for a in sample.list_applications("2023")}
    first = preview.pairs[0]
    assert list(table.iloc[0][["序号", "申报单位", "统一社会信用代码", "专家"]]) == \
        ["1", units[first.credit_code], first.credit_code, names[first.expert_id]]
    entry = sample.audit_log(entity=f"round/2023/{review_round.round_id}")[0]
    assert entry.action == ActionKind.ASSIGNMENT_EXPORT
    assert entry.detail == {"path": str(exported.path), "sha256": exported.sha256, "rows": len(preview.pairs)}


def test_export_neutralises_hostile_names(tmp_path):
    hostile = applicant(1, Discipline.LAW, basic={"unit_name": '=HYPERLINK("http://evil.example","点击")'})
    expert = make_expert("ZJ-0001", name="王五", unit="@SUM(1+1)*cmd", disciplines=[Discipline.LAW])
    with small_storage(tmp_path, [hostile], [expert]) as storage:
        review_round = new_round(storage, experts_per_application=1, title="-2+3")
        rerun_uncovered(storage, STAFF, review_round.round_id, "首次分配")

        exported = export_assignment(storage, STAFF, review_round.round_id, root=tmp_path / "exports")

    title = pd.read_excel(exported.path, engine="calamine", header=None, nrows=1).iloc[0, 0]
    table = pd.read_excel(exported.path, engine="calamine", header=1)
    assert title.startswith("'-2+3")
    assert table.loc[0, "申报单位"] == "'" + hostile.basic.unit_name
    assert table.loc[0, "专家单位"] == "'@SUM(1+1)*cmd"
    assert table.loc[0, "匹配度"] == 1.0


def test_export_before_any_commit_is_refused(sample, tmp_path):
    review_round = new_round(sample)

    with pytest.raises(RoundError, match="尚未确认分配"):
        export_assignment(sample, STAFF, review_round.round_id, root=tmp_path)


def test_loose_load_bounds_get_a_hint_towards_balance():
    assert balance_hint(130, 60, 0, 10) == [
        "每位专家平均约2.2份；当前负荷范围为0—10份，分配只在此范围内追求专业匹配度最高。"
        "如希望负荷更均衡，可把上限降到4份、下限提高到1份左右（匹配度可能略有下降）。"]
    assert balance_hint(130, 60, 2, 4) == []


def test_balanced_load_bounds_sit_one_either_side_of_the_mean():
    from scoring.rounds.assignment import balanced_load_bounds

    assert balanced_load_bounds(130, 60) == (1, 4)
    assert balanced_load_bounds(50_000, 2_000) == (24, 26)
    assert balanced_load_bounds(3, 10) == (0, 2)
    assert balanced_load_bounds(10, 0) == (0, 10)
