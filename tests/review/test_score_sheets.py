"""Score sheets: bounds and steps, required comments, draft → submit → reopen, recusal, dissent, independence,
the frozen rubric, and many sessions scoring at once."""
from __future__ import annotations

import shutil
import threading
from datetime import datetime, timedelta
from decimal import Decimal

import pytest

from scoring.common import clock
from scoring.common.access import AccessDenied
from scoring.rounds.assignment_lists import committed_assignment
from scoring.common.models import ConflictRule, ConflictRules, RoundKind, SheetStatus
from scoring.experts.pool import conflict_report
from scoring.rounds.review_rounds import RoundError, round_rubric, stored_round, update_round
from scoring.review.rubrics import RUBRICS_DIR
from scoring.review.score_sheets import (
    ScoringError,
    SheetIncomplete,
    StaleSheet,
    declare_recusal,
    expert_tasks,
    my_tasks,
    open_sheet,
    record_dissent,
    reopen_sheet,
    review_attachment,
    round_progress,
    save_draft,
    sheet_history,
    submit_sheet,
    submitted_sheets,
)
from scoring.storage import expert_store
from tests.builders.rounds import OBSERVER, STAFF, expert_principal, new_round
from tests.builders.sheets import assigned_storage, full_marks, pairs, rubric, the_round


@pytest.fixture
def storage(tmp_path):
    opened = assigned_storage(tmp_path)
    yield opened
    opened.close()


@pytest.fixture
def task(storage):
    """The first assigned pair: (round id, credit code, the expert's principal)."""
    pair = pairs(storage)[0]
    return the_round(storage).round_id, pair.credit_code, expert_principal(pair.expert_id)


def other_experts_pair(storage, expert_id):
    return next(p for p in pairs(storage) if p.expert_id != expert_id)


# --- bounds, steps, comments, opinion ---------------------------------------------------------


@pytest.mark.parametrize("value", ["0", "0.5", "17.5", "20"])
def test_scores_on_the_step_within_the_bounds_are_kept(storage, task, value):
    round_id, code, expert = task

    sheet = save_draft(storage, expert, round_id, code, {"scores": {"management": value}})

    assert sheet.scores["management"] == Decimal(value) and sheet.status is SheetStatus.DRAFT


@pytest.mark.parametrize("value, message", [
    ("20.5", "超出 0—20 分"),
    ("17.3", "不是 0.5 分的整数倍"),
    ("17.25", "不是 0.5 分的整数倍"),
    ("-0.5", "scores.management：不能小于 0"),
])
def test_scores_off_the_step_or_out_of_bounds_are_refused(storage, task, value, message):
    round_id, code, expert = task

    with pytest.raises(ScoringError, match=message):
        save_draft(storage, expert, round_id, code, {"scores": {"management": value}})

    assert open_sheet(storage, expert, round_id, code).status is SheetStatus.NOT_STARTED


def test_a_criterion_the_rubric_lacks_is_refused(storage, task):
    round_id, code, expert = task

    with pytest.raises(ScoringError, match="评分标准中没有指标 charm"):
        save_draft(storage, expert, round_id, code, {"scores": {"charm": "3"}})


def test_submission_lists_every_unscored_criterion_and_the_missing_opinion(storage, task):
    round_id, code, expert = task

    with pytest.raises(SheetIncomplete) as refused:
        submit_sheet(storage, expert, round_id, code, {"scores": {"management": "18"}})

    assert "“专利创造质量”未打分" in refused.value.problems
    assert "未选择总体意见（推荐/不推荐）" in refused.value.problems
    assert len(refused.value.problems) == len(rubric(storage).criteria) - 1 + 1


def test_a_score_below_the_comment_share_needs_a_comment_and_one_at_the_share_does_not(storage, task):
    round_id, code, expert = task
    marks = full_marks(rubric(storage))

    below = {**marks, "scores": {**marks["scores"], "management": "11.5"}}  # 60 % of 20 is 12
    with pytest.raises(SheetIncomplete, match="“知识产权管理体系”须填写评语（低于 12 分须填写评语）"):
        submit_sheet(storage, expert, round_id, code, below)
    at_share = {**marks, "scores": {**marks["scores"], "management": "12"}}
    sheet = submit_sheet(storage, expert, round_id, code, at_share)

    assert sheet.status is SheetStatus.SUBMITTED and sheet.scores["management"] == 12


def test_a_criterion_that_always_needs_a_comment_refuses_full_marks_without_one(storage, task):
    round_id, code, expert = task
    marks = full_marks(rubric(storage))
    marks["comments"].pop("budget")

    with pytest.raises(SheetIncomplete, match="“经费预算合理性”须填写评语（必须填写评语）"):
        submit_sheet(storage, expert, round_id, code, marks)


def test_an_opinion_needs_its_explanation(storage, task):
    round_id, code, expert = task

    with pytest.raises(SheetIncomplete, match="总体意见须填写说明"):
        submit_sheet(storage, expert, round_id, code, full_marks(rubric(storage), opinion_text=" "))


# --- draft, submit, reopen ----------------------------------------------------------------------


def test_a_draft_comes_back_as_saved_and_submission_locks_it(storage, task):
    round_id, code, expert = task
    draft = save_draft(storage, expert, round_id, code, {"scores": {"management": "18"}, "comments": {"management": "好"}})

    again = open_sheet(storage, expert, round_id, code)
    submitted = submit_sheet(storage, expert, round_id, code, full_marks(rubric(storage)), again.revision)

    assert again.scores == {"management": 18} and again.comments == {"management": "好"}
    assert (draft.revision, submitted.revision) == (1, 2) and submitted.total == 100
    with pytest.raises(ScoringError, match="已提交并锁定"):
        save_draft(storage, expert, round_id, code, {"scores": {"management": "1"}})
    assert open_sheet(storage, expert, round_id, code).scores["management"] == 20


def test_saving_an_unchanged_draft_writes_nothing(storage, task):
    round_id, code, expert = task
    first = save_draft(storage, expert, round_id, code, {"scores": {"management": "18"}})
    version = storage.data_version()

    again = save_draft(storage, expert, round_id, code, {"scores": {"management": "18.0"}}, first.revision)

    assert again.revision == first.revision and storage.data_version() == version


def test_a_save_from_an_older_copy_is_refused_and_loses_nothing(storage, task):
    round_id, code, expert = task
    first = save_draft(storage, expert, round_id, code, {"scores": {"management": "18"}})
    save_draft(storage, expert, round_id, code, {"scores": {"management": "19"}}, first.revision)

    with pytest.raises(StaleSheet, match="已在其他窗口或设备上保存过"):
        save_draft(storage, expert, round_id, code, {"scores": {"management": "10"}}, first.revision)

    assert open_sheet(storage, expert, round_id, code).scores["management"] == 19


def test_each_draft_save_is_audited_with_what_changed(storage, task):
    round_id, code, expert = task
    save_draft(storage, expert, round_id, code, {"scores": {"management": "18"}})
    save_draft(storage, expert, round_id, code, {"scores": {"management": "19", "creation": "10"}})

    entries = storage.audit_log(entity=f"sheet/{round_id}/{code}/{expert.expert_id}")

    assert [e.action for e in entries] == ["sheet.save", "sheet.save"]
    assert entries[0].detail["changes"] == {"creation": [None, "10"], "management": ["18.00", "19"]}
    assert {e.actor for e in entries} == {expert.actor}


def test_staff_reopen_a_submitted_sheet_only_with_a_reason_and_the_submitted_version_is_kept(storage, task):
    round_id, code, expert = task
    submit_sheet(storage, expert, round_id, code, full_marks(rubric(storage)))

    with pytest.raises(ScoringError, match="必须填写理由"):
        reopen_sheet(storage, STAFF, round_id, code, expert.expert_id, " ")
    with pytest.raises(AccessDenied):
        reopen_sheet(storage, expert, round_id, code, expert.expert_id, "我想改分")
    reopened = reopen_sheet(storage, STAFF, round_id, code, expert.expert_id, "分数与评语不符")
    changed = save_draft(storage, expert, round_id, code, full_marks(rubric(storage), scores={
        **full_marks(rubric(storage))["scores"], "management": "16"}), reopened.revision)

    assert reopened.status is SheetStatus.DRAFT and reopened.reopened_reason == "分数与评语不符"
    assert changed.scores["management"] == 16
    events = [(h["event"], h["recorded_by"]) for h in sheet_history(storage, STAFF, round_id, code, expert.expert_id)]
    assert events == [("提交", expert.actor), ("退回", "staff")]


def test_only_a_submitted_sheet_can_be_reopened(storage, task):
    round_id, code, expert = task
    save_draft(storage, expert, round_id, code, {"scores": {"management": "18"}})

    with pytest.raises(ScoringError, match="只有已提交的评分表才能退回"):
        reopen_sheet(storage, STAFF, round_id, code, expert.expert_id, "理由")


# --- the round's times ------------------------------------------------------------------------------


def test_scoring_waits_for_the_round_to_open_and_stops_when_it_closes(storage, task, monkeypatch):
    round_id, code, expert = task
    review_round = stored_round(storage, round_id)
    opens, closes = datetime(2023, 7, 1, 9), datetime(2023, 7, 15, 17)
    update_round(storage, STAFF, review_round.model_copy(update={"opens_at": opens, "closes_at": closes}), "定时间")

    monkeypatch.setattr(clock, "now", lambda: opens - timedelta(seconds=1))
    with pytest.raises(ScoringError, match="评审将于 2023-07-01 09:00 开始"):
        save_draft(storage, expert, round_id, code, {"scores": {"management": "18"}})
    monkeypatch.setattr(clock, "now", lambda: closes)
    sheet = submit_sheet(storage, expert, round_id, code, full_marks(rubric(storage)))
    monkeypatch.setattr(clock, "now", lambda: closes + timedelta(seconds=1))
    reopen_sheet(storage, STAFF, round_id, code, expert.expert_id, "补充评语")
    after_close = save_draft(storage, expert, round_id, code, full_marks(rubric(storage), opinion_text="补充"))
    second = other_experts_pair(storage, expert.expert_id)
    with pytest.raises(ScoringError, match="评审已于 2023-07-15 17:00 截止"):
        save_draft(storage, expert_principal(second.expert_id), round_id, second.credit_code,
                   {"scores": {"management": "18"}})

    assert sheet.status is SheetStatus.SUBMITTED and after_close.opinion_text == "补充"


# --- recusal and dissent -----------------------------------------------------------------------------


def test_a_recusal_releases_the_assignment_and_staff_see_it_at_once(storage, task):
    round_id, code, expert = task
    save_draft(storage, expert, round_id, code, {"scores": {"management": "18"}})

    with pytest.raises(ScoringError, match="必须说明理由"):
        declare_recusal(storage, expert, round_id, code, "")
    sheet = declare_recusal(storage, expert, round_id, code, "近三年曾在该单位兼职")

    assert sheet.status is SheetStatus.RECUSED
    [recusal] = [r for r in expert_store.load_recusals(storage, "2023") if r.expert_id == expert.expert_id]
    assert (recusal.credit_code, recusal.reason) == (code, "近三年曾在该单位兼职")
    view = committed_assignment(storage, STAFF, round_id)
    assert code in {f.credit_code for f in view.uncovered}
    assert any(r.credit_code == code and r.expert_id == expert.expert_id for r in view.barred)
    progress = round_progress(storage, STAFF, round_id)
    assert [(r.expert_id, r.credit_code) for r in progress.recusals] == [(expert.expert_id, code)]
    reported = [c for c in conflict_report(storage, STAFF, "2023", ConflictRules()) if c.rule is ConflictRule.RECUSAL]
    assert [(c.expert_id, c.credit_code) for c in reported] == [(expert.expert_id, code)]
    assert "近三年曾在该单位兼职" in reported[0].reason
    with pytest.raises(ScoringError, match="已对该申报书申请回避"):
        save_draft(storage, expert, round_id, code, {"scores": {"management": "19"}})


def test_a_submitted_sheet_must_be_reopened_before_a_recusal(storage, task):
    round_id, code, expert = task
    submit_sheet(storage, expert, round_id, code, full_marks(rubric(storage)))

    with pytest.raises(ScoringError, match="请联系省局工作人员退回后再申请"):
        declare_recusal(storage, expert, round_id, code, "发现关联")


def test_a_dissent_is_kept_after_submission_with_its_earlier_wording(storage, task):
    round_id, code, expert = task
    submit_sheet(storage, expert, round_id, code, full_marks(rubric(storage)))

    record_dissent(storage, expert, round_id, code, "不同意专家组对预算的意见")
    sheet = record_dissent(storage, expert, round_id, code, "不同意专家组对预算的意见，应核减")

    assert sheet.status is SheetStatus.SUBMITTED and sheet.dissent.endswith("应核减")
    history = sheet_history(storage, STAFF, round_id, code, expert.expert_id)
    assert [h["event"] for h in history] == ["提交", "不同意见", "不同意见"]
    assert "不同意专家组对预算的意见\"" in history[1]["data"]


# --- independence --------------------------------------------------------------------------------------


def test_an_expert_cannot_read_or_write_another_experts_sheet(storage, task):
    round_id, code, expert = task
    other = other_experts_pair(storage, expert.expert_id)
    submit_sheet(storage, expert_principal(other.expert_id), round_id, other.credit_code, full_marks(rubric(storage)))

    with pytest.raises(AccessDenied):
        open_sheet(storage, expert, round_id, other.credit_code, other.expert_id)
    with pytest.raises(AccessDenied):
        save_draft(storage, expert, round_id, other.credit_code, {"scores": {"management": "1"}},
                   expert_id=other.expert_id)
    with pytest.raises(AccessDenied):
        submitted_sheets(storage, expert, round_id)
    with pytest.raises(AccessDenied):
        round_progress(storage, expert, round_id)
    with pytest.raises(AccessDenied):
        sheet_history(storage, expert, round_id, other.credit_code, other.expert_id)


def test_an_expert_cannot_score_an_application_not_assigned_to_them(storage, task):
    round_id, _, expert = task
    mine = {p.credit_code for p in pairs(storage) if p.expert_id == expert.expert_id}
    foreign = next(p.credit_code for p in pairs(storage) if p.credit_code not in mine)

    with pytest.raises(AccessDenied, match="没有把该申报书分配给专家"):
        open_sheet(storage, expert, round_id, foreign)
    with pytest.raises(AccessDenied, match="没有把该申报书分配给专家"):
        save_draft(storage, expert, round_id, foreign, {"scores": {"management": "1"}})


def test_an_experts_list_holds_only_their_own_applications_with_progress(storage, task):
    round_id, code, expert = task
    save_draft(storage, expert, round_id, code, {"scores": {"management": "18", "creation": "12"}})

    tasks = my_tasks(storage, expert)

    assert {t.credit_code for t in tasks} == {p.credit_code for p in pairs(storage) if p.expert_id == expert.expert_id}
    started = next(t for t in tasks if t.credit_code == code)
    assert (started.status, started.scored, started.criteria, started.total) == (SheetStatus.DRAFT, 2, 8, 30)
    assert started.progress == pytest.approx(2 / 8)
    with pytest.raises(AccessDenied):
        my_tasks(storage, STAFF)


def test_staff_and_observers_read_submitted_sheets_but_never_drafts(storage, task):
    round_id, code, expert = task
    save_draft(storage, expert, round_id, code, {"scores": {"management": "18"}})

    with pytest.raises(AccessDenied, match="专家提交前，工作人员不能查看其内容"):
        open_sheet(storage, OBSERVER, round_id, code, expert.expert_id)
    assert submitted_sheets(storage, STAFF, round_id) == []
    submit_sheet(storage, expert, round_id, code, full_marks(rubric(storage)))

    assert open_sheet(storage, OBSERVER, round_id, code, expert.expert_id).total == 100
    assert [s.credit_code for s in submitted_sheets(storage, OBSERVER, round_id)] == [code]


def test_staff_enter_a_paper_sheet_for_an_expert_and_the_audit_says_so(storage, task):
    round_id, code, expert = task

    sheet = submit_sheet(storage, STAFF, round_id, code, full_marks(rubric(storage)), expert_id=expert.expert_id)

    assert sheet.expert_id == expert.expert_id and sheet.saved_by == "staff"
    [entry] = storage.audit_log(entity=f"sheet/{round_id}/{code}/{expert.expert_id}")
    assert entry.detail["代录"] is True and entry.actor == "staff"
    with pytest.raises(AccessDenied):
        save_draft(storage, OBSERVER, round_id, code, {"scores": {}}, expert_id=expert.expert_id)


# --- the round's progress -----------------------------------------------------------------------


def test_progress_counts_each_state_and_reminds_those_who_have_not_finished(storage, task):
    round_id, code, expert = task
    mine = [p.credit_code for p in pairs(storage) if p.expert_id == expert.expert_id]
    submit_sheet(storage, expert, round_id, mine[0], full_marks(rubric(storage)))
    if len(mine) > 1:
        save_draft(storage, expert, round_id, mine[1], {"scores": {"management": "1"}})

    progress = round_progress(storage, STAFF, round_id)

    row = next(e for e in progress.experts if e.expert_id == expert.expert_id)
    assert (row.assigned, row.submitted, row.draft) == (len(mine), 1, 1 if len(mine) > 1 else 0)
    assert row.not_started == len(mine) - 1 - row.draft
    assert progress.sheets == len(pairs(storage)) and progress.done == 1
    assert sum(p.sheets for p in progress.panels) == progress.sheets
    assert all(e.unfinished for e in progress.reminders)
    assert len(progress.reminders) == len(progress.experts) - (0 if len(mine) > 1 else 1)


# --- the frozen rubric -----------------------------------------------------------------------------


def test_editing_the_rubric_file_later_changes_nothing_in_a_running_round(storage, tmp_path, monkeypatch):
    folder = tmp_path / "rubrics"
    shutil.copytree(RUBRICS_DIR, folder)
    monkeypatch.setenv("SCORING_RUBRICS", str(folder))
    review_round = new_round(storage, title="冻结测试")
    frozen = round_rubric(storage, review_round)

    edited = (folder / "selection.yaml").read_text(encoding="utf-8").replace("name: 专利创造质量", "name: 改过的名称")
    (folder / "selection.yaml").write_text(edited, encoding="utf-8")

    assert round_rubric(storage, stored_round(storage, review_round.round_id)) == frozen
    assert frozen.criterion("creation").name == "专利创造质量"
    assert new_round(storage, title="新轮次").rubric_sha256 != review_round.rubric_sha256


def test_a_round_with_sheets_cannot_change_its_rubric(storage, task):
    round_id, code, expert = task
    save_draft(storage, expert, round_id, code, {"scores": {"management": "18"}})
    review_round = stored_round(storage, round_id)

    with pytest.raises(RoundError, match="已有专家评分表，不能更换评分标准"):
        update_round(storage, STAFF, review_round.model_copy(update={"rubric_id": "annual-acceptance",
                                                                      "kind": RoundKind.ANNUAL_ACCEPTANCE,
                                                                      "year": 2023}), "换标准")


# --- many sessions at once ------------------------------------------------------------------------


def test_fifty_sessions_scoring_at_once_lose_nothing(storage):
    round_id = the_round(storage).round_id
    chosen = pairs(storage)[:50]
    marks = full_marks(rubric(storage))
    failures: list[BaseException] = []
    start = threading.Barrier(len(chosen))

    def score(pair):
        try:
            expert = expert_principal(pair.expert_id)
            start.wait()
            draft = save_draft(storage, expert, round_id, pair.credit_code, {"scores": {"management": "15"}})
            submit_sheet(storage, expert, round_id, pair.credit_code, marks, draft.revision)
        except BaseException as exc:  # noqa: BLE001 - collected and reported below
            failures.append(exc)

    threads = [threading.Thread(target=score, args=(pair,)) for pair in chosen]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert failures == []
    sheets = submitted_sheets(storage, STAFF, round_id)
    assert len(sheets) == 50 and all(s.total == 100 and s.revision == 2 for s in sheets)
    rows = storage.cursor().execute("SELECT count(*) FROM sheet_scores WHERE round_id = ?", [round_id]).fetchall()
    assert rows[0][0] == 50 * len(rubric(storage).criteria)
    saves = [e for e in storage.audit_log(limit=1000) if e.action in ("sheet.save", "sheet.submit")]
    assert len(saves) == 100


def test_two_tabs_saving_one_sheet_at_once_keep_exactly_one_save(storage, task):
    round_id, code, expert = task
    base = save_draft(storage, expert, round_id, code, {"scores": {"management": "10"}})
    outcomes: list[str] = []
    start = threading.Barrier(10)

    def save(value: int):
        start.wait()
        try:
            save_draft(storage, expert, round_id, code, {"scores": {"management": str(value)}}, base.revision)
            outcomes.append(f"saved {value}")
        except StaleSheet:
            outcomes.append("stale")

    threads = [threading.Thread(target=save, args=(value,)) for value in range(11, 21)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    [saved] = [o for o in outcomes if o.startswith("saved")]
    assert outcomes.count("stale") == 9
    sheet = open_sheet(storage, expert, round_id, code)
    assert sheet.revision == 2 and f"saved {sheet.scores['management']:.0f}" == saved


def test_saving_scores_keeps_the_dissent(storage, task):
    round_id, code, expert = task
    record_dissent(storage, expert, round_id, code, "保留意见")

    sheet = save_draft(storage, expert, round_id, code, {"scores": {"management": "18"}, "dissent": ""})

    assert sheet.dissent == "保留意见"


def test_staff_read_a_sheets_history_without_the_scores_it_had_as_a_draft(storage, task):
    round_id, code, expert = task
    save_draft(storage, expert, round_id, code, {"scores": {"management": "18"}})
    record_dissent(storage, expert, round_id, code, "保留意见")

    [as_staff] = sheet_history(storage, STAFF, round_id, code, expert.expert_id)
    [as_owner] = sheet_history(storage, expert, round_id, code, expert.expert_id)

    assert '"scores":{}' in as_staff["data"] and "保留意见" in as_staff["data"]
    assert '"management":"18' in as_owner["data"]


def test_staff_see_an_experts_list_without_a_drafts_total(storage, task):
    round_id, code, expert = task
    save_draft(storage, expert, round_id, code, {"scores": {"management": "18"}})

    [listed] = [t for t in expert_tasks(storage, STAFF, expert.expert_id, round_id) if t.credit_code == code]

    assert (listed.status, listed.scored, listed.total) == (SheetStatus.DRAFT, 1, None)
    with pytest.raises(AccessDenied):
        expert_tasks(storage, expert_principal("ZJ-9999"), expert.expert_id, round_id)


def test_only_the_assigned_expert_reads_the_applications_files(storage, task):
    round_id, code, expert = task
    plan = next(a for a in storage.get_application("2023", code).attachments)
    other = next(p for p in pairs(storage) if p.expert_id not in {q.expert_id for q in pairs(storage)
                                                                 if q.credit_code == code})

    assert review_attachment(storage, expert, round_id, code, plan.sha256) == storage.attachment_content(plan.sha256)
    with pytest.raises(AccessDenied):
        review_attachment(storage, expert_principal(other.expert_id), round_id, code, plan.sha256)
    with pytest.raises(AccessDenied, match="该文件不属于这份申报书"):
        review_attachment(storage, expert, round_id, code, "0" * 64)
