"""Score sheets (评分表): an expert scores an assigned application against the round's frozen rubric — drafts,
submission, staff reopening, recusal, dissent — and staff follow the round's progress.

Independence: an expert reads and writes only their own sheets; staff read submitted sheets, never drafts."""
from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from decimal import Decimal

from pydantic import BaseModel, ConfigDict, ValidationError

from scoring.common.access import AccessDenied, Permission, Principal, require
from scoring.common.errors import ReviewError
from scoring.common.models import (
    ActionKind,
    Application,
    Expert,
    Recusal,
    RevisionEvent,
    RoundKind,
    ScoreSheet,
    SheetEntries,
    SheetStatus,
    compact_code,
)
from scoring.common.normalize import explain_validation_error
from scoring.pilots.progress import PilotProgress
from scoring.pilots.reports import ReportVersion, report_under_review
from scoring.pilots.review_figures import progress_under_review
from scoring.rounds.review_rounds import ReviewRound, RoundError, round_rubric, stored_round
from scoring.review.rubrics import Rubric, on_grid, points_text
from scoring.storage import Storage, Transaction
from scoring.storage import expert_store, sheet_store
from scoring.storage import round_store


class ScoringError(ReviewError):
    """A score sheet request that cannot be done; the message is for users."""


class SheetIncomplete(ScoringError):
    """Submission refused: each problem names the criterion and what is missing."""

    def __init__(self, problems: list[str]):
        self.problems = problems
        super().__init__("评分表尚未完成，不能提交：" + "；".join(problems))


class StaleSheet(ScoringError):
    """The sheet changed since this copy was read (another tab, another device)."""


def sheet_entity(round_id: str, credit_code: str, expert_id: str) -> str:
    return f"sheet/{round_id}/{credit_code}/{expert_id}"


# --- the rules of one sheet ---------------------------------------------------------------------


def entry_problems(rubric: Rubric, entries: SheetEntries) -> list[str]:
    """Scores outside a criterion's bounds or off its step, and criteria the rubric does not have."""
    problems = []
    known = {c.id for c in rubric.criteria}
    for criterion_id in sorted((set(entries.scores) | set(entries.comments)) - known):
        problems.append(f"评分标准中没有指标 {criterion_id}")
    for criterion in rubric.criteria:
        points = entries.scores.get(criterion.id)
        if points is None:
            continue
        if points < 0 or points > criterion.max_points:
            problems.append(f"“{criterion.name}”的得分 {points_text(points)} 超出 0—{points_text(criterion.max_points)} 分")
        elif not on_grid(points, criterion.step):
            problems.append(f"“{criterion.name}”的得分 {points_text(points)} 不是 {points_text(criterion.step)} 分的整数倍")
    return problems


def completeness_problems(rubric: Rubric, entries: SheetEntries) -> list[str]:
    """What stops a sheet from being submitted: unscored criteria, missing required comments, the opinion."""
    problems = []
    for criterion in rubric.criteria:
        points = entries.scores.get(criterion.id)
        if points is None:
            problems.append(f"“{criterion.name}”未打分")
        elif criterion.needs_comment(points) and not entries.comments.get(criterion.id, "").strip():
            problems.append(f"“{criterion.name}”须填写评语（{criterion.comment_rule_text}）")
    if rubric.opinion_required:
        if entries.opinion is None:
            problems.append("未选择总体意见（推荐/不推荐）")
        elif not entries.opinion_text.strip():
            problems.append("总体意见须填写说明")
    return problems


def checked_entries(data: dict | SheetEntries) -> SheetEntries:
    """Entries from a form or the command line, or ScoringError in Chinese."""
    if isinstance(data, SheetEntries):
        return data
    try:
        return SheetEntries.model_validate(data)
    except ValidationError as exc:
        raise ScoringError("评分内容有误：" + "；".join(f"{'.'.join(map(str, e['loc']))}：{explain_validation_error(e)}"
                                                  for e in exc.errors())) from None


# --- who acts on whose sheet ----------------------------------------------------------------


def _sheet_owner(principal: Principal, review_round: ReviewRound, expert_id: str | None) -> str:
    """The expert whose sheet this is: the principal's own, or — for staff entering a paper sheet (代录) — the
    named expert's."""
    if principal.expert_id and (expert_id is None or compact_code(expert_id) == principal.expert_id):
        require(principal, Permission.SCORE, review_round.batch_id)
        return principal.expert_id
    if expert_id is None:
        raise AccessDenied(f"{principal.display_name}不是评审专家账号，没有自己的评分表。")
    if principal.expert_id:
        raise AccessDenied("评审专家只能查看和填写本人的评分表。")
    require(principal, Permission.MANAGE_ROUNDS, review_round.batch_id)
    return compact_code(expert_id)


def _require_assigned(source: Storage | Transaction, review_round: ReviewRound, credit_code: str,
                      expert_id: str) -> None:
    codes = {p.credit_code for p in round_store.pairs_of_expert(source, expert_id, review_round.round_id)}
    if credit_code not in codes:
        raise AccessDenied(f"评审轮次 {review_round.round_id} 没有把该申报书分配给专家 {expert_id}。")


def _blank(review_round: ReviewRound, credit_code: str, expert_id: str) -> ScoreSheet:
    return ScoreSheet(round_id=review_round.round_id, credit_code=credit_code, expert_id=expert_id,
                      rubric_sha256=review_round.rubric_sha256)


def _require_editable(review_round: ReviewRound, sheet: ScoreSheet, now: datetime) -> None:
    if sheet.status is SheetStatus.SUBMITTED:
        raise ScoringError("该评分表已提交并锁定；如需修改，请联系省局工作人员退回。")
    if sheet.status is SheetStatus.RECUSED:
        raise ScoringError("已对该申报书申请回避，不能评分。")
    if sheet.reopened_reason:
        return  # staff sent it back: it stays editable after the round's closing time
    if review_round.closed_at:
        raise ScoringError(f"评审已于 {review_round.closed_at:%Y-%m-%d %H:%M} 结束，不能再修改评分。")
    if review_round.opens_at and now < review_round.opens_at:
        raise ScoringError(f"评审将于 {review_round.opens_at:%Y-%m-%d %H:%M} 开始，尚不能评分。")
    if review_round.closes_at and now > review_round.closes_at:
        raise ScoringError(f"评审已于 {review_round.closes_at:%Y-%m-%d %H:%M} 截止，不能再修改评分。")


def _require_revision(sheet: ScoreSheet, expected_revision: int | None) -> None:
    if expected_revision is not None and expected_revision != sheet.revision:
        raise StaleSheet(f"该评分表已在其他窗口或设备上保存过（第 {sheet.revision} 版，本页为第 {expected_revision} 版）；"
                         "已载入最新内容，请核对后再修改。")


def _stored_or_blank(tx: Transaction, review_round: ReviewRound, credit_code: str, expert_id: str) -> ScoreSheet:
    return sheet_store.load_sheet(tx, review_round.round_id, credit_code, expert_id) \
        or _blank(review_round, credit_code, expert_id)


def _changes(before: SheetEntries, after: SheetEntries) -> dict:
    """What a save changed, for the audit log: {criterion: [old, new]}, comments and opinion by name."""
    changed = {}
    for key in sorted(set(before.scores) | set(after.scores)):
        old, new = before.scores.get(key), after.scores.get(key)
        if old != new:
            changed[key] = [None if old is None else str(old), None if new is None else str(new)]
    for key in sorted(set(before.comments) | set(after.comments)):
        if before.comments.get(key, "") != after.comments.get(key, ""):
            changed[f"{key}.评语"] = "已修改"
    for name in ("opinion", "opinion_text"):
        if getattr(before, name) != getattr(after, name):
            changed[name] = "已修改" if name != "opinion" else [before.opinion, after.opinion]
    return changed


def _write(tx: Transaction, sheet: ScoreSheet, is_new: bool, action: ActionKind, reason: str, detail: dict,
           revision_event: RevisionEvent | None = None) -> ScoreSheet:
    sheet = sheet.model_copy(update={"revision": sheet.revision + 1, "saved_at": tx.now, "saved_by": tx.actor,
                                     "started_at": sheet.started_at or tx.now})
    sheet_store.write_sheet(tx, sheet, is_new)
    if revision_event:
        sheet_store.record_revision(tx, sheet, revision_event, reason)
    tx.audit(action, sheet_entity(sheet.round_id, sheet.credit_code, sheet.expert_id), reason,
             {"revision": sheet.revision, "status": str(sheet.status), **detail})
    return sheet


# --- reading ---------------------------------------------------------------------------------


def open_sheet(storage: Storage, principal: Principal, round_id: str, credit_code: str,
               expert_id: str | None = None) -> ScoreSheet:
    """One sheet: the expert's own (blank if not started), or for staff a submitted or recused sheet."""
    review_round = stored_round(storage, round_id)
    credit_code = compact_code(credit_code)
    if principal.expert_id and (expert_id is None or compact_code(expert_id) == principal.expert_id):
        owner = _sheet_owner(principal, review_round, expert_id)
        _require_assigned(storage, review_round, credit_code, owner)
        return sheet_store.load_sheet(storage, round_id, credit_code, owner) or _blank(review_round, credit_code, owner)
    if principal.expert_id or expert_id is None:
        raise AccessDenied("评审专家只能查看本人的评分表。")
    require(principal, Permission.VIEW_ASSIGNMENTS, review_round.batch_id)
    sheet = sheet_store.load_sheet(storage, round_id, credit_code, compact_code(expert_id))
    if sheet is None or sheet.status not in (SheetStatus.SUBMITTED, SheetStatus.RECUSED):
        raise AccessDenied("该评分表尚未提交；专家提交前，工作人员不能查看其内容。")
    return sheet


def submitted_sheets(storage: Storage, principal: Principal, round_id: str, expert_id: str | None = None,
                     credit_code: str | None = None) -> list[ScoreSheet]:
    """The round's submitted sheets, for staff and observers (read-only); never drafts."""
    review_round = stored_round(storage, round_id)
    require(principal, Permission.VIEW_ASSIGNMENTS, review_round.batch_id)
    sheets = sheet_store.load_sheets(storage, round_id, compact_code(expert_id) if expert_id else None,
                                     compact_code(credit_code) if credit_code else None)
    return [s for s in sheets if s.status is SheetStatus.SUBMITTED]


def sheet_history(storage: Storage, principal: Principal, round_id: str, credit_code: str,
                  expert_id: str) -> list[dict]:
    """Every submission, reopening, recusal and dissent of one sheet, with the sheet as it then stood."""
    review_round = stored_round(storage, round_id)
    owner = principal.expert_id == compact_code(expert_id)
    if not owner:
        if principal.expert_id:
            raise AccessDenied("评审专家只能查看本人的评分表。")
        require(principal, Permission.VIEW_ASSIGNMENTS, review_round.batch_id)
    revisions = sheet_store.load_revisions(storage, round_id, compact_code(credit_code), compact_code(expert_id))
    return revisions if owner else [_without_draft_scores(r) for r in revisions]


def _without_draft_scores(revision: dict) -> dict:
    """A revision as staff may read it: a sheet that was then a draft shows no scores, comments or opinion."""
    sheet = ScoreSheet.model_validate_json(revision["data"])
    if sheet.status is SheetStatus.SUBMITTED:
        return revision
    hidden = sheet.model_copy(update={"scores": {}, "comments": {}, "opinion": None, "opinion_text": ""})
    return {**revision, "data": hidden.model_dump_json()}


def rubric_of(storage: Storage, principal: Principal, round_id: str) -> Rubric:
    """The round's frozen rubric, for its experts and for staff."""
    review_round = stored_round(storage, round_id)
    if not principal.can(Permission.SCORE, review_round.batch_id):
        require(principal, Permission.VIEW_ASSIGNMENTS, review_round.batch_id)
    return round_rubric(storage, review_round)


# --- writing ---------------------------------------------------------------------------------


def save_draft(storage: Storage, principal: Principal, round_id: str, credit_code: str,
               entries: SheetEntries | dict, expected_revision: int | None = None,
               expert_id: str | None = None) -> ScoreSheet:
    """Save what the expert has entered so far; bounds and steps hold even in a draft."""
    return _save(storage, principal, round_id, credit_code, checked_entries(entries), expected_revision, expert_id,
                 submit=False)


def submit_sheet(storage: Storage, principal: Principal, round_id: str, credit_code: str,
                 entries: SheetEntries | dict, expected_revision: int | None = None,
                 expert_id: str | None = None) -> ScoreSheet:
    """Save and submit: every criterion scored, required comments and the opinion given; the sheet then locks."""
    return _save(storage, principal, round_id, credit_code, checked_entries(entries), expected_revision, expert_id,
                 submit=True)


def _save(storage: Storage, principal: Principal, round_id: str, credit_code: str, entries: SheetEntries,
          expected_revision: int | None, expert_id: str | None, submit: bool) -> ScoreSheet:
    review_round = stored_round(storage, round_id)
    credit_code = compact_code(credit_code)
    owner = _sheet_owner(principal, review_round, expert_id)
    rubric = round_rubric(storage, review_round)
    problems = entry_problems(rubric, entries)
    if problems:
        raise ScoringError("评分内容有误：" + "；".join(problems))
    if submit:
        missing = completeness_problems(rubric, entries)
        if missing:
            raise SheetIncomplete(missing)
    on_behalf = owner != principal.expert_id
    entries = entries.model_copy(update={"dissent": ""})  # the dissent has its own action, record_dissent
    current = sheet_store.load_sheet(storage, round_id, credit_code, owner)
    if (not submit and current is not None and current.status is SheetStatus.DRAFT
            and expected_revision in (None, current.revision) and not _changes(current.entries(), entries)):
        return current  # nothing to save: a rerun of the page, not a change of state
    with storage.transaction(principal.actor) as tx:
        _require_assigned(tx, review_round, credit_code, owner)
        before = _stored_or_blank(tx, review_round, credit_code, owner)
        _require_editable(review_round, before, tx.now)
        _require_revision(before, expected_revision)
        changed = _changes(before.entries(), entries)
        status = SheetStatus.SUBMITTED if submit else SheetStatus.DRAFT
        sheet = before.model_copy(update={**entries.model_dump(exclude={"dissent"}), "status": status,
                                          "submitted_at": tx.now if submit else None})
        detail = {"changes": changed, **({"代录": True} if on_behalf else {})}
        return _write(tx, sheet, before.saved_at is None,
                      ActionKind.SHEET_SUBMIT if submit else ActionKind.SHEET_SAVE, "", detail,
                      revision_event=RevisionEvent.SUBMITTED if submit else None)


def reopen_sheet(storage: Storage, principal: Principal, round_id: str, credit_code: str, expert_id: str,
                 reason: str) -> ScoreSheet:
    """Staff send a submitted sheet back to its expert, with a reason; the submitted version is kept."""
    review_round = stored_round(storage, round_id)
    require(principal, Permission.MANAGE_ROUNDS, review_round.batch_id)
    reason = (reason or "").strip()
    if len(reason) < 2:
        raise ScoringError("退回评分表必须填写理由（至少两个字，记入审计日志）。")
    credit_code, expert_id = compact_code(credit_code), compact_code(expert_id)
    with storage.transaction(principal.actor) as tx:
        sheet = sheet_store.load_sheet(tx, round_id, credit_code, expert_id)
        if sheet is None or sheet.status is not SheetStatus.SUBMITTED:
            raise ScoringError("只有已提交的评分表才能退回。")
        reopened = sheet.model_copy(update={"status": SheetStatus.DRAFT, "submitted_at": None,
                                            "reopened_reason": reason})
        return _write(tx, reopened, False, ActionKind.SHEET_REOPEN, reason, {},
                      revision_event=RevisionEvent.REOPENED)


def declare_recusal(storage: Storage, principal: Principal, round_id: str, credit_code: str, reason: str,
                    expert_id: str | None = None) -> ScoreSheet:
    """The expert declares a conflict with an assigned application: the recusal is recorded for the batch (so the
    assignment no longer stands and staff see the application short at once) and the sheet is marked recused."""
    review_round = stored_round(storage, round_id)
    credit_code = compact_code(credit_code)
    owner = _sheet_owner(principal, review_round, expert_id)
    reason = (reason or "").strip()
    if len(reason) < 2:
        raise ScoringError("申请回避必须说明理由（至少两个字）。")
    with storage.transaction(principal.actor) as tx:
        _require_assigned(tx, review_round, credit_code, owner)
        before = _stored_or_blank(tx, review_round, credit_code, owner)
        if before.status is SheetStatus.SUBMITTED:
            raise ScoringError("评分表已提交；如需回避，请联系省局工作人员退回后再申请。")
        if before.status is SheetStatus.RECUSED:
            raise ScoringError("已对该申报书申请回避。")
        if not expert_store.load_recusal(tx, review_round.batch_id, owner, credit_code):
            expert_store.insert_recusal(tx, Recusal(batch_id=review_round.batch_id, expert_id=owner,
                                                    credit_code=credit_code, reason=reason, recorded_by=tx.actor,
                                                    recorded_at=tx.now))
            tx.audit(ActionKind.RECUSAL, f"expert/{owner}/recusal/{review_round.batch_id}/{credit_code}", reason)
        recused = before.model_copy(update={"status": SheetStatus.RECUSED})
        return _write(tx, recused, before.saved_at is None, ActionKind.SHEET_RECUSE, reason, {},
                      revision_event=RevisionEvent.RECUSED)


def record_dissent(storage: Storage, principal: Principal, round_id: str, credit_code: str, text: str,
                   expert_id: str | None = None) -> ScoreSheet:
    """The expert's written dissent to the panel's view (保留意见); kept with every earlier wording and printed."""
    review_round = stored_round(storage, round_id)
    credit_code = compact_code(credit_code)
    owner = _sheet_owner(principal, review_round, expert_id)
    text = (text or "").strip()
    if len(text) > 2000:
        raise ScoringError("不同意见不能超过 2000 字。")
    with storage.transaction(principal.actor) as tx:
        _require_assigned(tx, review_round, credit_code, owner)
        before = _stored_or_blank(tx, review_round, credit_code, owner)
        if before.status is SheetStatus.RECUSED:
            raise ScoringError("已回避的申报书不能发表意见。")
        if before.dissent == text:
            raise ScoringError("内容没有变化，未保存。")
        sheet = before.model_copy(update={"dissent": text})
        return _write(tx, sheet, before.saved_at is None, ActionKind.SHEET_DISSENT, "", {"dissent": text},
                      revision_event=RevisionEvent.DISSENT)


def review_attachment(storage: Storage, principal: Principal, round_id: str, credit_code: str,
                      sha256: str) -> bytes | None:
    """A file of an application the expert was assigned (the three-year plan, …): only the assigned expert's."""
    context = review_context(storage, principal, round_id, credit_code)
    if sha256 not in {a.sha256 for a in context.application.attachments}:
        raise AccessDenied("该文件不属于这份申报书。")
    return storage.attachment_content(sha256)


# --- an expert's list, and the round's progress -------------------------------------------


class ScoreTask(BaseModel):
    """One application on an expert's list, with the state of their sheet."""

    model_config = ConfigDict(frozen=True)

    round_id: str
    round_label: str
    batch_id: str
    credit_code: str
    unit_name: str
    panel: str
    closes_at: datetime | None
    status: SheetStatus
    scored: int  # criteria with a score
    criteria: int
    total: Decimal | None  # the sum so far, None before the first score
    saved_at: datetime | None

    @property
    def progress(self) -> float:
        if self.status in (SheetStatus.SUBMITTED, SheetStatus.RECUSED):
            return 1.0
        return self.scored / self.criteria if self.criteria else 0.0


def my_tasks(storage: Storage, principal: Principal, round_id: str | None = None) -> list[ScoreTask]:
    """The signed-in expert's applications with the state of each sheet; nobody else's."""
    if not principal.expert_id:
        raise AccessDenied(f"{principal.display_name}不是评审专家账号，没有自己的评审任务。")
    return _tasks(storage, principal.expert_id, round_id, lambda batch_id: principal.can(Permission.SCORE, batch_id))


def expert_tasks(storage: Storage, principal: Principal, expert_id: str, round_id: str) -> list[ScoreTask]:
    """One expert's list in a round: their own for an expert; for staff and observers without a draft's total
    (staff never see a draft's scores)."""
    expert_id = compact_code(expert_id)
    if principal.expert_id == expert_id:
        return my_tasks(storage, principal, round_id)
    if principal.expert_id:
        raise AccessDenied("评审专家只能查看本人的评审任务。")
    review_round = stored_round(storage, round_id)
    require(principal, Permission.VIEW_ASSIGNMENTS, review_round.batch_id)
    return [t if t.status is SheetStatus.SUBMITTED else t.model_copy(update={"total": None})
            for t in _tasks(storage, expert_id, round_id, lambda _batch: True)]


def _tasks(storage: Storage, expert_id: str, round_id: str | None, may_see) -> list[ScoreTask]:
    rounds: dict[str, tuple[ReviewRound, int]] = {}
    sheets: dict[str, dict[str, ScoreSheet]] = {}
    tasks = []
    for pair in round_store.pairs_of_expert(storage, expert_id, round_id):
        if pair.round_id not in rounds:
            review_round = stored_round(storage, pair.round_id)
            try:
                criteria = len(round_rubric(storage, review_round).criteria)
            except RoundError:
                criteria = 0
            rounds[pair.round_id] = (review_round, criteria)
            sheets[pair.round_id] = {s.credit_code: s for s in sheet_store.load_sheets(storage, pair.round_id,
                                                                                         expert_id)}
        review_round, criteria = rounds[pair.round_id]
        if not may_see(review_round.batch_id):
            continue
        sheet = sheets[pair.round_id].get(pair.credit_code)
        application = storage.get_application(review_round.batch_id, pair.credit_code)
        scored = [p for p in (sheet.scores.values() if sheet else []) if p is not None]
        tasks.append(ScoreTask(
            round_id=review_round.round_id, round_label=review_round.label, batch_id=review_round.batch_id,
            credit_code=pair.credit_code, unit_name=application.basic.unit_name if application else pair.credit_code,
            panel=pair.panel, closes_at=review_round.closes_at,
            status=sheet.status if sheet else SheetStatus.NOT_STARTED, scored=len(scored), criteria=criteria,
            total=sum(scored, Decimal("0")) if scored else None, saved_at=sheet.saved_at if sheet else None))
    return tasks


class ExpertProgress(BaseModel):
    """One expert's progress in a round, with how to reach them for a reminder."""

    model_config = ConfigDict(frozen=True)

    expert_id: str
    name: str
    unit: str
    phone: str
    email: str
    panels: str
    assigned: int
    not_started: int
    draft: int
    submitted: int
    recused: int
    last_saved: datetime | None

    @property
    def unfinished(self) -> int:
        return self.not_started + self.draft

    @property
    def share_done(self) -> float:
        return (self.submitted + self.recused) / self.assigned if self.assigned else 1.0


class PanelProgress(BaseModel):
    model_config = ConfigDict(frozen=True)

    panel: str
    experts: int
    sheets: int
    submitted: int
    recused: int

    @property
    def share_done(self) -> float:
        return (self.submitted + self.recused) / self.sheets if self.sheets else 1.0


class RoundProgress(BaseModel):
    review_round: ReviewRound
    experts: list[ExpertProgress]
    panels: list[PanelProgress]
    recusals: list[Recusal]

    @property
    def reminders(self) -> list[ExpertProgress]:
        """Experts who have not finished, most unfinished first."""
        return sorted((e for e in self.experts if e.unfinished), key=lambda e: (-e.unfinished, e.expert_id))

    @property
    def sheets(self) -> int:
        return sum(e.assigned for e in self.experts)

    @property
    def done(self) -> int:
        return sum(e.submitted + e.recused for e in self.experts)


def round_progress(storage: Storage, principal: Principal, round_id: str) -> RoundProgress:
    """Per expert and per panel: assigned, not started, draft, submitted, recused — counts only, no scores."""
    review_round = stored_round(storage, round_id)
    require(principal, Permission.VIEW_ASSIGNMENTS, review_round.batch_id)
    pairs = round_store.current_pairs(storage, round_id)
    states = sheet_store.sheet_states(storage, round_id)
    statuses = {key: status for key, (status, _) in states.items()}
    saved = {key: moment for key, (_, moment) in states.items()}
    experts = {e.expert_id: e for e in expert_store.load_experts(storage, include_inactive=True)}
    by_expert: dict[str, list] = {}
    for pair in pairs:
        by_expert.setdefault(pair.expert_id, []).append(pair)
    rows = []
    for expert_id, own in sorted(by_expert.items()):
        counts = {status: 0 for status in SheetStatus}
        for pair in own:
            counts[statuses.get((pair.credit_code, expert_id), SheetStatus.NOT_STARTED)] += 1
        moments = [saved[(p.credit_code, expert_id)] for p in own if (p.credit_code, expert_id) in saved]
        expert = experts.get(expert_id) or Expert.model_construct(name=expert_id, unit="", phone="", email="")
        rows.append(ExpertProgress(
            expert_id=expert_id, name=expert.name, unit=expert.unit, phone=expert.phone, email=expert.email,
            panels="、".join(sorted({p.panel for p in own if p.panel})), assigned=len(own),
            not_started=counts[SheetStatus.NOT_STARTED], draft=counts[SheetStatus.DRAFT],
            submitted=counts[SheetStatus.SUBMITTED], recused=counts[SheetStatus.RECUSED],
            last_saved=max(moments) if moments else None))
    return RoundProgress(review_round=review_round, experts=rows, panels=_panel_progress(pairs, statuses),
                         recusals=[r for r in expert_store.load_recusals(storage, review_round.batch_id)
                                   if (r.credit_code, r.expert_id) in statuses])


def _panel_progress(pairs: Sequence, statuses: dict) -> list[PanelProgress]:
    panels: dict[str, list] = {}
    for pair in pairs:
        panels.setdefault(pair.panel or "（全体）", []).append(pair)
    rows = []
    for name, own in sorted(panels.items()):
        states = [statuses.get((p.credit_code, p.expert_id), SheetStatus.NOT_STARTED) for p in own]
        rows.append(PanelProgress(panel=name, experts=len({p.expert_id for p in own}), sheets=len(own),
                                  submitted=states.count(SheetStatus.SUBMITTED),
                                  recused=states.count(SheetStatus.RECUSED)))
    return rows


# --- what a page shows beside the form ---------------------------------------------------------


class ReviewContext(BaseModel):
    """Everything the scoring page needs for one application, read in one go."""

    review_round: ReviewRound
    rubric: Rubric
    application: Application
    sheet: ScoreSheet
    report: ReportVersion | None = None  # a yearly acceptance or final round: the pilot's report of the year
    progress: PilotProgress | None = None  # a final evaluation: the three years against the plan's goals


def review_context(storage: Storage, principal: Principal, round_id: str, credit_code: str) -> ReviewContext:
    """The expert's own sheet with the frozen rubric and the application they were assigned."""
    sheet = open_sheet(storage, principal, round_id, credit_code)
    review_round = stored_round(storage, round_id)
    application = storage.get_application(review_round.batch_id, sheet.credit_code)
    if application is None:
        raise ScoringError(f"批次 {review_round.batch_id} 中没有该申报书。")
    report = (report_under_review(storage, review_round.batch_id, sheet.credit_code, review_round.year)
              if review_round.reviews_pilots else None)
    progress = (progress_under_review(storage, review_round.batch_id, sheet.credit_code)
                if review_round.kind is RoundKind.FINAL_EVALUATION else None)
    return ReviewContext(review_round=review_round, rubric=round_rubric(storage, review_round),
                         application=application, sheet=sheet, report=report, progress=progress)
