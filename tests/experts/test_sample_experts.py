"""The sample expert pool: deterministic, valid, from Liaoning's cities, and with a conflict of every kind it promises."""
import json
from datetime import date
from pathlib import Path

from stdnum.cn import uscc

from scoring.experts.conflicts import find_conflicts
from scoring.common.models import ConflictDeclaration, ConflictRule, ConflictRules, DeclaredConflict, Expert
from scoring.intake.sample import EXPERTS_JSON, sample_applications, sample_batch, sample_declarations, sample_experts

REPO = Path(__file__).resolve().parents[2]
EXPERTS = sample_experts()
APPLICATIONS = [app for app, _ in sample_applications(sample_batch())]
REVIEW_DAY = date(2023, 6, 15)  # when the 2023 batch was reviewed


def declared() -> list[DeclaredConflict]:
    return [DeclaredConflict(**d.model_dump(), source="导入", declared_by="示例", declared_at=REVIEW_DAY.isoformat())
            for d in sample_declarations()]


def conflicts(rules=ConflictRules()):
    return find_conflicts(APPLICATIONS, EXPERTS, rules, declared(), [], REVIEW_DAY)


def test_pool_has_about_sixty_experts_with_unique_numbers_and_names():
    assert 55 <= len(EXPERTS) <= 70
    assert len({e.expert_id for e in EXPERTS}) == len(EXPERTS) == len({e.name for e in EXPERTS})


def test_pool_is_the_same_on_every_call_and_changes_with_the_seed():
    assert sample_experts() == EXPERTS
    assert [e.name for e in sample_experts(seed=7)] != [e.name for e in EXPERTS]


def test_experts_come_from_many_of_liaonings_cities_and_cover_every_applicant_field():
    assert len({e.city for e in EXPERTS}) >= 10
    known = {field for e in EXPERTS for field in e.disciplines}
    assert {field for app in APPLICATIONS for field in app.disciplines} <= known


def test_every_written_unit_code_is_valid():
    assert all(uscc.is_valid(e.unit_credit_code) for e in EXPERTS if e.unit_credit_code)


def test_every_applicant_has_one_or_two_leading_fields():
    assert all(1 <= len(app.disciplines) <= 2 for app in APPLICATIONS)


def test_the_pool_yields_own_unit_by_code_and_by_name_affiliations_and_declared_pairs():
    found = conflicts()
    rules = {c.rule for c in found}

    assert rules == {ConflictRule.OWN_UNIT, ConflictRule.AFFILIATION, ConflictRule.DECLARED}
    own = [c.reason for c in found if c.rule is ConflictRule.OWN_UNIT]
    assert any("统一社会信用代码相同" in r for r in own) and any("单位名称相同：专家填写为" in r for r in own)
    assert len([c for c in found if c.rule is ConflictRule.DECLARED]) == len(sample_declarations()) >= 3


def test_a_post_that_ended_long_before_the_review_is_in_the_pool_but_no_conflict():
    ended = [(e.expert_id, a) for e in EXPERTS for a in e.affiliations if a.end and a.end < date(2020, 6, 15)]
    found = {(c.expert_id, c.rule) for c in conflicts()}

    assert ended
    assert all((expert_id, ConflictRule.AFFILIATION) not in found for expert_id, _ in ended)


def test_same_city_would_add_many_pairs():
    assert len(conflicts(ConflictRules(same_city=True))) > 5 * len(conflicts())


def test_one_expert_cannot_take_part_this_season():
    assert [e.expert_id for e in EXPERTS if not e.available] == ["ZJ-0007"]


def test_committed_experts_json_is_what_the_generator_writes():
    payload = json.loads((REPO / "data" / "sample" / EXPERTS_JSON).read_text(encoding="utf-8"))

    assert [Expert.model_validate(e) for e in payload["experts"]] == EXPERTS
    assert [ConflictDeclaration.model_validate(d) for d in payload["declarations"]] == sample_declarations()
