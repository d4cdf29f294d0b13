"""The outcome of a yearly acceptance (优秀 / 合格 / 基本合格 / 不合格) or a final evaluation (通过 / 不通过) per pilot:
proposed from the round's score by the rubric's outcome bands — overridden when staff found the year's funds misused
or the pilot sent no report — then decided in the meeting with reasons, which sets the pilot's status; published if
the office wishes; and a letter per pilot with the result and, where the band asks, what to rectify and by when."""
from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import date, datetime
from decimal import Decimal

from pydantic import BaseModel, ConfigDict, Field

from scoring.common.access import Permission, Principal, require
from scoring.common.models import PROGRAM_TITLE, ActionKind, PilotStatus, compact_code
from scoring.documents.official import LetterDocument, ListedUnit, Paragraph, Section, chinese_date
from scoring.pilots import registry
from scoring.pilots.registry import Pilot, PilotError
from scoring.pilots.reports import ReportStatus, reports_of_year
from scoring.publicity import confirmation
from scoring.publicity.notices import BASIS
from scoring.results.ranking import RankingRow, round_ranking
from scoring.review.rubrics import Outcomes, points_text
from scoring.rounds.review_rounds import ReviewRound, round_entity, round_rubric, stored_round, stored_rounds
from scoring.storage import Storage
from scoring.storage import outcome_store as store


class OutcomeError(PilotError):
    """An outcome that cannot be proposed, decided or published; the message is for users."""


# --- the funds finding ---------------------------------------------------------------------------------------------


class FundsFinding(BaseModel):
    model_config = ConfigDict(frozen=True)

    credit_code: str
    year: int
    misused: bool
    reason: str
    found_at: datetime
    found_by: str


def record_funds_finding(storage: Storage, principal: Principal, batch_id: str, credit_code: str, year: int,
                         misused: bool, reason: str) -> FundsFinding:
    """Staff's finding on the year's start-up funds (e.g. spent on 人员经费): misuse makes the year's outcome the
    rubric's `misused_funds` result whatever the score. A later finding replaces the earlier one."""
    require(principal, Permission.MANAGE_PILOTS, batch_id)
    pilot = registry.get_pilot(storage, principal, batch_id, credit_code)
    if not pilot.in_year(year):
        raise OutcomeError(f"{year} 年不在试点“{pilot.unit_name}”的建设期（{pilot.period}）内。")
    reason = registry.checked_reason(reason, "资金使用认定")
    with storage.transaction(principal.actor) as tx:
        store.put_finding(tx, batch_id, pilot.credit_code, year, misused, reason)
        tx.audit(ActionKind.FUNDS_FINDING, registry.pilot_entity(batch_id, pilot.credit_code), reason,
                 {"year": year, "misused": misused})
    return funds_findings(storage, principal, batch_id, year)[pilot.credit_code]


def funds_findings(storage: Storage, principal: Principal, batch_id: str, year: int) -> dict[str, FundsFinding]:
    require(principal, Permission.VIEW_PILOTS, batch_id)
    return {r.credit_code: FundsFinding(**r._asdict()) for r in store.findings(storage, batch_id, year)}


# --- proposals -----------------------------------------------------------------------------------------------------


class RecordedOutcome(BaseModel):
    model_config = ConfigDict(frozen=True)

    round_id: str
    credit_code: str
    outcome: str
    proposed: str
    reason: str
    rectify: str = ""
    rectify_by: date | None = None
    decided_at: datetime
    decided_by: str

    @property
    def against_proposal(self) -> bool:
        return self.outcome != self.proposed


class ProposedOutcome(BaseModel):
    """One pilot of the round: its score, what the rules propose and why, and the meeting's decision if taken."""

    model_config = ConfigDict(frozen=True)

    credit_code: str
    unit_name: str
    city: str
    score: Decimal | None = Field(title="最终得分")
    sheets: int = Field(title="已提交评分表")
    expected: int = Field(title="应提交评分表")
    reported: bool = Field(title="已报送年度工作总结")
    late: bool = Field(False, title="逾期报送")
    misused: bool = Field(False, title="资金违规使用")
    proposed: str | None = Field(title="建议结果")
    rule: str = Field(title="依据")
    decided: RecordedOutcome | None = None


def propose(outcomes: Outcomes, row: RankingRow | None, reported: bool,
            finding: FundsFinding | None) -> tuple[str | None, str]:
    """The outcome the rules give and the reason in words: misused funds first, then a missing report, then the
    score's band; None while the pilot has no submitted score sheet."""
    if finding is not None and finding.misused and outcomes.misused_funds:
        return outcomes.misused_funds, f"启动资金违规使用（{finding.reason}），无论得分均为“{outcomes.misused_funds}”"
    if not reported and outcomes.no_report:
        return outcomes.no_report, f"未报送年度工作总结，无论得分均为“{outcomes.no_report}”"
    if row is None or row.final is None:
        return None, "尚无已提交的评分表"
    band = outcomes.by_score(row.final)
    return band.label, f"最终得分 {points_text(row.final)} 分，{outcomes.rule_text(band)}"


def pilot_round(storage: Storage, round_id: str) -> tuple[ReviewRound, Outcomes]:
    """The round, if it reviews pilots and its rubric states outcomes."""
    review_round = stored_round(storage, round_id)
    if not review_round.reviews_pilots:
        raise OutcomeError(f"评审轮次 {round_id} 是遴选轮次，没有验收/评估结果。")
    outcomes = round_rubric(storage, review_round).outcomes
    if outcomes is None:
        raise OutcomeError(f"评审轮次 {round_id} 的评分标准未规定验收/评估结果（outcomes），无法给出建议结果。")
    return review_round, outcomes


def _recorded(record: store.OutcomeRecord) -> RecordedOutcome:
    return RecordedOutcome(**record._asdict())


def current_outcomes(storage: Storage, principal: Principal, round_id: str) -> dict[str, RecordedOutcome]:
    review_round = stored_round(storage, round_id)
    require(principal, Permission.VIEW_PILOTS, review_round.batch_id)
    require(principal, Permission.VIEW_ASSIGNMENTS, review_round.batch_id)
    return {r.credit_code: _recorded(r) for r in store.outcomes(storage, round_id=round_id)}


def round_pilots(storage: Storage, principal: Principal, review_round: ReviewRound) -> list[Pilot]:
    """The pilots the round reviews: those under construction in its year, and any already assigned in it."""
    codes = registry.pilot_codes_under_review(storage, review_round.batch_id, review_round.year)
    return [p for p in registry.pilots(storage, principal, review_round.batch_id) if p.credit_code in codes]


def proposed_outcomes(storage: Storage, principal: Principal, round_id: str) -> list[ProposedOutcome]:
    """Every pilot of the round with its score, its proposed outcome and the meeting's decision, in ranking order."""
    review_round, outcomes = pilot_round(storage, round_id)
    ranking = round_ranking(storage, principal, round_id)
    rows = {r.credit_code: r for r in ranking.rows}
    reports = reports_of_year(storage, principal, review_round.batch_id, review_round.year)
    findings = funds_findings(storage, principal, review_round.batch_id, review_round.year)
    decided = current_outcomes(storage, principal, round_id)
    proposals = []
    for pilot in round_pilots(storage, principal, review_round):
        code = pilot.credit_code
        report, row = reports.get(code), rows.get(code)
        reported = report is not None and report.status is not ReportStatus.RETURNED
        proposed, rule = propose(outcomes, row, reported, findings.get(code))
        proposals.append(ProposedOutcome(
            credit_code=code, unit_name=pilot.unit_name, city=pilot.city, score=row.final if row else None,
            sheets=row.sheets if row else 0, expected=row.expected if row else 0, reported=reported,
            late=bool(report and report.late), misused=bool(findings.get(code) and findings[code].misused),
            proposed=proposed, rule=rule, decided=decided.get(code)))
    order = {r.credit_code: n for n, r in enumerate(ranking.rows)}
    return sorted(proposals, key=lambda p: (order.get(p.credit_code, len(order)), p.credit_code))


# --- the meeting's decisions ---------------------------------------------------------------------------------------


class OutcomeRequest(BaseModel):
    """What staff record for one pilot; a decision other than the proposal needs its own reason, a result that asks
    for rectification needs what to rectify and by when."""

    model_config = ConfigDict(frozen=True)

    credit_code: str
    outcome: str
    reason: str = ""
    rectify: str = ""
    rectify_by: date | None = None


def _checked_request(request: OutcomeRequest, proposal: ProposedOutcome, outcomes: Outcomes,
                     bulk_reason: str) -> str:
    labels = [b.label for b in outcomes.bands]
    if request.outcome not in labels:
        raise OutcomeError(f"“{proposal.unit_name}”的结果“{request.outcome}”不是评分标准规定的结果之一"
                           f"（{'、'.join(labels)}）。")
    own = (request.reason or "").strip()
    if request.outcome != proposal.proposed and len(own) < 2:
        raise OutcomeError(f"“{proposal.unit_name}”的结果“{request.outcome}”与建议结果“{proposal.proposed or '无'}”"
                           "不同，须单独写明理由。")
    if outcomes.band(request.outcome).rectify and (not request.rectify.strip() or request.rectify_by is None):
        raise OutcomeError(f"“{proposal.unit_name}”的结果“{request.outcome}”须整改：请写明整改要求和整改期限。")
    return own or bulk_reason


def decide_outcomes(storage: Storage, principal: Principal, round_id: str, requests: Sequence[OutcomeRequest],
                    reason: str) -> dict[str, RecordedOutcome]:
    """Record the meeting's outcomes after the scoring closed, all or none; each sets the pilot's status for the
    round's year (合格 → 在建, 基本合格 → 整改, 通过 → 通过 …) as the rubric's band says. Not after publication."""
    review_round, outcomes = pilot_round(storage, round_id)
    require(principal, Permission.MANAGE_PILOTS, review_round.batch_id)
    bulk_reason = registry.checked_reason(reason, "会议研究决定")
    if review_round.closed_at is None:
        raise OutcomeError("评审尚未结束：请先在“评审进度”中结束评审，再由会议研究决定结果。")
    if store.publication(storage, round_id) is not None:
        raise OutcomeError("本轮结果已公布，不能再改变。")
    proposals = {p.credit_code: p for p in proposed_outcomes(storage, principal, round_id)}
    pilots = {p.credit_code: p for p in round_pilots(storage, principal, review_round)}
    checked = []
    for request in requests:
        code = compact_code(request.credit_code)
        if code not in proposals:
            raise OutcomeError(f"统一社会信用代码为 {code} 的单位不是本轮评审的试点。")
        checked.append((request, proposals[code], _checked_request(request, proposals[code], outcomes, bulk_reason)))
    with storage.transaction(principal.actor) as tx:
        for request, proposal, why in checked:
            band = outcomes.band(request.outcome)
            store.add_outcome(tx, round_id, proposal.credit_code, request.outcome, proposal.proposed or "", why,
                              request.rectify.strip() if band.rectify else "",
                              request.rectify_by if band.rectify else None)
            pilot = pilots[proposal.credit_code]
            if pilot.status is not band.status:
                registry.record_status(tx, pilot, review_round.year, band.status,
                                       f"{review_round.year_and_kind}结果：{request.outcome}")
            tx.audit(ActionKind.OUTCOME_DECIDE, round_entity(review_round.batch_id, round_id), why,
                     {"credit_code": proposal.credit_code, "outcome": request.outcome,
                      "proposed": proposal.proposed, "score": proposal.score, "status": str(band.status)})
    return current_outcomes(storage, principal, round_id)


class PilotResult(BaseModel):
    """One round's result for a pilot's page: the round, the score, the outcome with its reason and rectification,
    and whether the office published it."""

    model_config = ConfigDict(frozen=True)

    round_id: str
    round_label: str
    year: int
    kind: str
    score: Decimal | None
    outcome: RecordedOutcome | None
    published: bool


def pilot_results(storage: Storage, principal: Principal, batch_id: str, credit_code: str) -> list[PilotResult]:
    """The pilot's result in every acceptance and final round of its batch: staff and observers see every round
    with its score and any decision; the unit and its city bureau only the rounds the office published."""
    pilot = registry.get_pilot(storage, principal, batch_id, credit_code)
    sees_all = principal.can(Permission.VIEW_ASSIGNMENTS, batch_id)
    results = []
    for review_round in stored_rounds(storage, batch_id):
        if not review_round.reviews_pilots or not pilot.in_year(review_round.year):
            continue
        published = publication_record(storage, review_round.round_id)
        if published is None and not sees_all:
            continue
        decided = store.outcomes(storage, round_id=review_round.round_id, credit_code=pilot.credit_code)
        results.append(PilotResult(
            round_id=review_round.round_id, round_label=review_round.label, year=review_round.year,
            kind=str(review_round.kind), score=_score_of(storage, principal, review_round, pilot, published),
            outcome=_recorded(decided[0]) if decided else None, published=published is not None))
    return results


def _score_of(storage: Storage, principal: Principal, review_round: ReviewRound, pilot: Pilot,
              published: Publication | None) -> Decimal | None:
    if published is not None:
        return next((u.final for u in published.units if u.credit_code == pilot.credit_code), None)
    rows = round_ranking(storage, principal, review_round.round_id).rows
    return next((r.final for r in rows if r.credit_code == pilot.credit_code), None)


# --- publication ---------------------------------------------------------------------------------------------------


class Publication(BaseModel):
    model_config = ConfigDict(frozen=True)

    round_id: str
    units: list[ListedUnit]
    outcomes: dict[str, str]
    reason: str
    published_at: datetime
    published_by: str


def publish_outcomes(storage: Storage, principal: Principal, round_id: str, reason: str) -> Publication:
    """Publish the round's results (the office may also not publish): every pilot of the round must be decided.
    The units see their own result from then on; the list is frozen."""
    review_round, _ = pilot_round(storage, round_id)
    require(principal, Permission.MANAGE_PILOTS, review_round.batch_id)
    reason = registry.checked_reason(reason, "公布结果")
    if store.publication(storage, round_id) is not None:
        raise OutcomeError("本轮结果已公布。")
    proposals = proposed_outcomes(storage, principal, round_id)
    undecided = [p.unit_name for p in proposals if p.decided is None]
    if undecided or not proposals:
        raise OutcomeError("尚有试点未作出结果决定：" + "、".join(undecided) if undecided else "本轮没有试点。")
    units = listed(storage, principal, review_round, proposals)
    results = {p.credit_code: p.decided.outcome for p in proposals}
    data = json.dumps({"units": [u.model_dump(mode="json") for u in units], "outcomes": results,
                       "reason": reason}, ensure_ascii=False, sort_keys=True)
    with storage.transaction(principal.actor) as tx:
        store.add_publication(tx, round_id, data)
        tx.audit(ActionKind.OUTCOME_PUBLISH, round_entity(review_round.batch_id, round_id), reason,
                 {"pilots": len(units), "outcomes": results})
    return publication(storage, principal, round_id)


def publication(storage: Storage, principal: Principal, round_id: str) -> Publication | None:
    review_round = stored_round(storage, round_id)
    require(principal, Permission.VIEW_PILOTS, review_round.batch_id)
    return publication_record(storage, round_id)


def publication_record(storage: Storage, round_id: str) -> Publication | None:
    """The round's publication as stored, without a permission check: for functions that make their own."""
    record = store.publication(storage, round_id)
    if record is None:
        return None
    content = json.loads(record.data)
    return Publication(round_id=round_id, units=[ListedUnit(**u) for u in content["units"]],
                       outcomes=content["outcomes"], reason=content["reason"], published_at=record.published_at,
                       published_by=record.published_by)


# --- the letters ---------------------------------------------------------------------------------------------------


def letter_title(review_round: ReviewRound) -> str:
    return f"关于{review_round.year}年度{PROGRAM_TITLE}{review_round.kind}结果的通知"


def compose_outcome_letter(review_round: ReviewRound, settings: confirmation.LetterSettings, pilot: Pilot,
                           proposal: ProposedOutcome, decided: RecordedOutcome, number: str,
                           issued_on: date) -> LetterDocument:
    """One pilot's letter: the result with its score, and what to rectify and by when if the result asks for it."""
    score = f"，得分 {points_text(proposal.score)} 分" if proposal.score is not None else ""
    opening = [f"{BASIS}，省知识产权局组织专家对你单位{review_round.year}年度试点工作进行了{review_round.kind}，"
               "经会议研究，现将结果通知如下："]
    why = f"依据：{proposal.rule}。" if proposal.misused or not proposal.reported else ""
    sections = [Section(heading=f"一、{review_round.kind}结果", paragraphs=[Paragraph(
        text=f"你单位{review_round.year_and_kind}结果为“{decided.outcome}”{score}。{why}")])]
    if decided.rectify:
        sections.append(Section(heading="二、整改要求", paragraphs=[
            Paragraph(text=decided.rectify),
            Paragraph(text=f"请于{chinese_date(decided.rectify_by)}前完成整改，并通过系统报送整改报告，"
                           "省知识产权局将组织复核。")]))
    else:
        sections.append(Section(heading="二、有关要求", paragraphs=[Paragraph(
            text="请按照三年建设方案继续推进试点工作，按时报送年度工作总结。" if decided.outcome not in
            ("通过", "不通过") else "请总结试点经验，持续推进高校院所知识产权运营工作。")]))
    copy_to = [settings.copy_to_pattern.format(city=pilot.city)] if settings.copy_to_pattern.strip() else []
    return LetterDocument(credit_code=pilot.credit_code, unit_name=pilot.unit_name, number=number,
                          title=letter_title(review_round), addressee=pilot.unit_name, opening=opening,
                          sections=sections, closing=["特此通知。"], issuer=settings.issuer, issued_on=issued_on,
                          copy_to=copy_to, printer=settings.printer, printed_on=issued_on)


def outcome_letters(storage: Storage, principal: Principal, round_id: str, issued_on: date) -> list[LetterDocument]:
    """Every decided pilot's letter, numbered (the round's own letter settings: prefix, first number, issuer)."""
    review_round, _ = pilot_round(storage, round_id)
    require(principal, Permission.MANAGE_PILOTS, review_round.batch_id)
    proposals = [p for p in proposed_outcomes(storage, principal, round_id) if p.decided is not None]
    if not proposals:
        raise OutcomeError("尚未决定任何试点的结果，无法生成结果通知。")
    settings = confirmation.letter_settings(storage, principal, round_id)
    numbers = confirmation.number_letters(storage, principal, round_id, settings, issued_on,
                                          [p.credit_code for p in proposals])
    pilots = {p.credit_code: p for p in registry.pilots(storage, principal, review_round.batch_id)}
    letters = [compose_outcome_letter(review_round, settings, pilots[p.credit_code], p, p.decided,
                                      numbers[p.credit_code], issued_on) for p in proposals]
    with storage.transaction(principal.actor) as tx:
        tx.audit(ActionKind.OUTCOME_LETTERS, round_entity(review_round.batch_id, round_id), "",
                 {"letters": len(letters), "issued_on": issued_on.isoformat()})
    return letters


def final_list(storage: Storage, principal: Principal, round_id: str) -> list[ListedUnit]:
    """The pilots whose decided outcome set them 通过, in ranking order: the final evaluation's list."""
    review_round, outcomes = pilot_round(storage, round_id)
    passing = [p for p in proposed_outcomes(storage, principal, round_id)
               if p.decided is not None and outcomes.band(p.decided.outcome).status is PilotStatus.PASSED]
    return listed(storage, principal, review_round, passing)


def listed(storage: Storage, principal: Principal, review_round: ReviewRound,
           proposals: Sequence[ProposedOutcome]) -> list[ListedUnit]:
    """The proposals as a numbered list of units with their scores, for the published list and the final list."""
    types = {p.credit_code: p.unit_type for p in registry.pilots(storage, principal, review_round.batch_id)}
    return [ListedUnit(order=n, credit_code=p.credit_code, unit_name=p.unit_name, unit_type=types[p.credit_code],
                       city=p.city, final=p.score) for n, p in enumerate(proposals, 1)]
