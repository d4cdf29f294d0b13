"""履职评价: the figures a round produced per expert, and staff's rating kept on the expert's record."""
from datetime import datetime, timedelta

import pytest

from scoring.common import clock
from scoring.common.access import AccessDenied
from scoring.experts.ratings import Rating, expert_ratings, rate_expert, round_work
from scoring.rounds.review_rounds import RoundError, stored_round, update_round
from scoring.review.score_sheets import declare_recusal, reopen_sheet, submit_sheet
from tests.builders.rounds import OBSERVER, STAFF, expert_principal
from tests.builders.sheets import assigned_storage, full_marks, pairs, rubric, the_round


@pytest.fixture
def storage(tmp_path):
    opened = assigned_storage(tmp_path)
    yield opened
    opened.close()


def busy_expert(storage):
    """An expert with at least three applications, and those applications."""
    by_expert: dict[str, list[str]] = {}
    for pair in pairs(storage):
        by_expert.setdefault(pair.expert_id, []).append(pair.credit_code)
    return next((e, codes) for e, codes in sorted(by_expert.items()) if len(codes) >= 3)


def test_the_round_counts_on_time_late_recused_reopened_and_comments(storage, monkeypatch):
    round_id = the_round(storage).round_id
    expert_id, codes = busy_expert(storage)
    expert = expert_principal(expert_id)
    closes = datetime(2030, 7, 15, 17)
    update_round(storage, STAFF, stored_round(storage, round_id).model_copy(update={"closes_at": closes}), "定时间")
    marks = full_marks(rubric(storage))  # one comment (budget) of 8 criteria
    submit_sheet(storage, expert, round_id, codes[0], marks)
    reopen_sheet(storage, STAFF, round_id, codes[0], expert_id, "补评语")
    submit_sheet(storage, expert, round_id, codes[0], marks)
    declare_recusal(storage, expert, round_id, codes[1], "曾在该单位兼职")
    monkeypatch.setattr(clock, "now", lambda: closes + timedelta(hours=1))
    reopen = reopen_sheet(storage, STAFF, round_id, codes[0], expert_id, "再补")
    submit_sheet(storage, expert, round_id, codes[0], marks, reopen.revision)  # now late

    [work] = [w for w in round_work(storage, OBSERVER, round_id) if w.expert_id == expert_id]

    assert (work.assigned, work.submitted, work.late, work.on_time, work.recused, work.reopened) == (
        len(codes), 1, 1, 0, 1, 2)
    assert (work.scored, work.commented) == (8, 1) and work.comment_share == pytest.approx(1 / 8)


def test_a_rating_is_kept_on_the_experts_record_and_a_new_one_supersedes_it(storage):
    round_id = the_round(storage).round_id
    expert_id, _ = busy_expert(storage)

    rate_expert(storage, STAFF, round_id, expert_id, Rating.SATISFACTORY, "按时完成")
    latest = rate_expert(storage, STAFF, round_id, expert_id, Rating.BASIC, "评语过于简单")

    [record] = expert_ratings(storage, OBSERVER, expert_id)
    assert record == latest and record.rating is Rating.BASIC and record.figures.assigned >= 3
    assert [e.reason for e in storage.audit_log(entity=f"expert/{expert_id}/rating/{round_id}")] == [
        "评语过于简单", "按时完成"]


def test_rating_needs_a_note_staff_and_an_expert_of_the_round(storage):
    round_id = the_round(storage).round_id
    expert_id, _ = busy_expert(storage)

    with pytest.raises(RoundError, match="必须填写理由"):
        rate_expert(storage, STAFF, round_id, expert_id, Rating.EXCELLENT, "")
    with pytest.raises(AccessDenied):
        rate_expert(storage, OBSERVER, round_id, expert_id, Rating.EXCELLENT, "很好")
    with pytest.raises(RoundError, match="未参加评审轮次"):
        rate_expert(storage, STAFF, round_id, "ZJ-9999", Rating.EXCELLENT, "很好")
