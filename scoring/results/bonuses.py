"""Priority bonuses (优先申报加分): the rubric's items, prefilled from what each application claims, counting only
once staff have checked the evidence, and capped."""
from __future__ import annotations

from datetime import datetime
from decimal import Decimal

from pydantic import BaseModel, ConfigDict

from scoring.common.access import Permission, Principal, require
from scoring.common.errors import ReviewError
from scoring.common.models import ActionKind, Application, compact_code
from scoring.results.ordering import capped_bonus
from scoring.rounds.review_rounds import ReviewRound, round_rubric, stored_round
from scoring.review.rubrics import BonusItem, Rubric
from scoring.storage import Storage
from scoring.storage import bonus_store as store


class BonusError(ReviewError):
    """A bonus check that cannot be recorded; the message is for users."""


class BonusCheck(BaseModel):
    """Staff's decision on one bonus item of one application."""

    model_config = ConfigDict(frozen=True)

    verified: bool
    note: str
    checked_by: str
    checked_at: datetime


class BonusLine(BaseModel):
    """One bonus item as it stands for one application: claimed in the form (with the evidence it names), and
    checked or not; its points count only when verified."""

    model_config = ConfigDict(frozen=True)

    item: BonusItem
    claimed: bool
    evidence: str
    check: BonusCheck | None

    @property
    def counts(self) -> bool:
        return self.check is not None and self.check.verified

    @property
    def state(self) -> str:
        if self.check is None:
            return "待核实" if self.claimed else "未申报"
        return "已核实" if self.check.verified else "核实未通过"


class ApplicationBonus(BaseModel):
    model_config = ConfigDict(frozen=True)

    credit_code: str
    lines: list[BonusLine]
    cap: Decimal

    @property
    def points(self) -> Decimal:
        """The verified items' points, at most the cap."""
        return capped_bonus([line.item.points for line in self.lines if line.counts], self.cap)

    @property
    def uncapped(self) -> Decimal:
        return sum((line.item.points for line in self.lines if line.counts), Decimal("0"))


def bonus_lines(rubric: Rubric, application: Application, checks: dict[str, BonusCheck]) -> ApplicationBonus:
    """The rubric's bonus items for one application: what it claims prefills each, staff checks decide."""
    claims = {claim.kind: claim for claim in application.priority_claims}
    lines = []
    for item in rubric.bonus.items:
        claim = claims.get(item.claim) if item.claim else None
        lines.append(BonusLine(item=item, claimed=claim is not None, evidence=claim.evidence if claim else "",
                               check=checks.get(item.id)))
    return ApplicationBonus(credit_code=application.credit_code, lines=lines, cap=rubric.bonus.cap)


def _checks(storage: Storage, round_id: str, credit_code: str | None = None) -> dict[str, dict[str, BonusCheck]]:
    checks: dict[str, dict[str, BonusCheck]] = {}
    for c in store.load_checks(storage, round_id, credit_code):
        checks.setdefault(c.credit_code, {})[c.bonus_id] = BonusCheck(verified=c.verified, note=c.note,
                                                                      checked_by=c.checked_by, checked_at=c.checked_at)
    return checks


def round_bonuses(storage: Storage, principal: Principal, round_id: str,
                  codes: list[str] | None = None) -> dict[str, ApplicationBonus]:
    """The bonus of each application of the round's batch (or of `codes`), by credit code."""
    review_round = stored_round(storage, round_id)
    require(principal, Permission.VIEW_ASSIGNMENTS, review_round.batch_id)
    rubric = round_rubric(storage, review_round)
    checks = _checks(storage, round_id)
    wanted = set(codes) if codes is not None else None
    return {a.credit_code: bonus_lines(rubric, a, checks.get(a.credit_code, {}))
            for a in storage.list_applications(review_round.batch_id)
            if wanted is None or a.credit_code in wanted}


def check_bonus(storage: Storage, principal: Principal, round_id: str, credit_code: str, bonus_id: str,
                verified: bool, note: str) -> ApplicationBonus:
    """Record staff's check of one bonus item's evidence (a note is required either way); a later check supersedes
    it and both stay on record."""
    review_round: ReviewRound = stored_round(storage, round_id)
    require(principal, Permission.MANAGE_ROUNDS, review_round.batch_id)
    credit_code = compact_code(credit_code)
    note = (note or "").strip()
    if len(note) < 2:
        raise BonusError("核实加分项必须写明核实情况（至少两个字，记入审计日志）。")
    rubric = round_rubric(storage, review_round)
    if bonus_id not in {item.id for item in rubric.bonus.items}:
        raise BonusError(f"评分标准中没有加分项 {bonus_id}。")
    application = storage.get_application(review_round.batch_id, credit_code)
    if application is None:
        raise BonusError(f"批次 {review_round.batch_id} 中没有统一社会信用代码为 {credit_code} 的申报书。")
    with storage.transaction(principal.actor) as tx:
        store.replace_check(tx, round_id, credit_code, bonus_id, verified, note)
        tx.audit(ActionKind.BONUS_CHECK, f"bonus/{round_id}/{credit_code}/{bonus_id}", note, {"verified": verified})
    return bonus_lines(rubric, application, _checks(storage, round_id, credit_code).get(credit_code, {}))
