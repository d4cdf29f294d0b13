"""Quality flags: each kind raised by a scenario computed by hand, and named with the sheets it rests on."""
from collections import Counter
from decimal import Decimal

import pytest

from scoring.results.quality_flags import FlagKind, round_flags
from scoring.review.score_sheets import submit_sheet
from tests.builders.rounds import STAFF, expert_principal
from tests.builders.sheets import assigned_storage, pairs, rubric, the_round


@pytest.fixture
def storage(tmp_path):
    opened = assigned_storage(tmp_path)
    yield opened
    opened.close()


def sheet(storage, total_cut: dict[str, str] | None = None, comments: bool = True) -> dict:
    """Full marks less the given cuts, with a comment on every criterion unless told otherwise."""
    criteria = rubric(storage).criteria
    scores = {c.id: c.max_points - Decimal((total_cut or {}).get(c.id, "0")) for c in criteria}
    notes = {c.id: "评语" for c in criteria} if comments else {c.id: "评语" for c in criteria if c.id == "budget"}
    return {"scores": scores, "comments": notes, "opinion": "推荐", "opinion_text": "同意"}


def submit(storage, expert_id, code, entries):
    submit_sheet(storage, expert_principal(expert_id), the_round(storage).round_id, code, entries)


def test_experts_far_apart_are_flagged_above_the_threshold_with_the_highest_and_lowest_sheet(storage):
    code = pairs(storage)[0].credit_code
    first, second, third = [p.expert_id for p in pairs(storage) if p.credit_code == code][:3]
    submit(storage, first, code, sheet(storage))  # 100
    submit(storage, second, code, sheet(storage, {"management": "10"}))  # 90: range 10, below 20

    assert not [f for f in round_flags(storage, STAFF, the_round(storage).round_id) if f.kind is FlagKind.DISAGREEMENT]
    submit(storage, third, code, sheet(storage, {"management": "10", "creation": "10", "conversion": "5"}))  # 75

    [flag] = [f for f in round_flags(storage, STAFF, the_round(storage).round_id) if f.kind is FlagKind.DISAGREEMENT]
    assert flag.credit_code == code and flag.sheets == ((code, first), (code, third))
    assert flag.message == "各专家总分极差 25 分，超过阈值 20 分（最高 100 分，最低 75 分）"


def test_a_panel_with_sheets_not_submitted_is_flagged_with_the_missing_experts(storage):
    code = pairs(storage)[0].credit_code
    experts = [p.expert_id for p in pairs(storage) if p.credit_code == code]
    submit(storage, experts[0], code, sheet(storage))

    [flag] = [f for f in round_flags(storage, STAFF, the_round(storage).round_id)
              if f.kind is FlagKind.INCOMPLETE and f.credit_code == code]

    assert [expert for _, expert in flag.sheets] == experts[1:]
    assert flag.message.startswith(f"未提交评分表：{experts[1]}（未开始）")


def test_a_lenient_expert_who_gives_every_application_the_same_total_is_flagged_for_both(storage):
    counts = Counter(p.expert_id for p in pairs(storage))
    lenient = next(e for e, n in sorted(counts.items()) if n >= 3)
    for code in [p.credit_code for p in pairs(storage) if p.expert_id == lenient]:
        other = next(p.expert_id for p in pairs(storage) if p.credit_code == code and p.expert_id != lenient)
        submit(storage, lenient, code, sheet(storage))  # 100
        submit(storage, other, code, sheet(storage, {"management": "10", "creation": "10", "conversion": "10"}))  # 70

    flags = {(f.kind, f.expert_id): f for f in round_flags(storage, STAFF, the_round(storage).round_id)}

    assert flags[(FlagKind.LENIENT, lenient)].message == f"在 {counts[lenient]} 份申报书上平均比各申报书均分高 15 分"
    assert flags[(FlagKind.SAME_TOTAL, lenient)].message == f"已提交的 {counts[lenient]} 份评分表总分均为 100 分"
    assert not any(kind is FlagKind.SEVERE for kind, _ in flags)  # the others have fewer than 3 sheets compared


def test_full_marks_without_a_comment_are_flagged_per_criterion(storage):
    pair = pairs(storage)[0]
    submit(storage, pair.expert_id, pair.credit_code, sheet(storage, comments=False))

    extremes = [f for f in round_flags(storage, STAFF, the_round(storage).round_id)
                if f.kind is FlagKind.EXTREME_WITHOUT_COMMENT]

    assert len(extremes) == len(rubric(storage).criteria) - 1  # budget always carries its comment
    assert extremes[0].sheets == ((pair.credit_code, pair.expert_id),)
    assert any(f.message == "“知识产权管理体系”打满分（20 分）未写评语" for f in extremes)
