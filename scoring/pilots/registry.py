"""The pilot registry (试点名录): confirming a batch's list creates its pilots, each with its three-year period, its
confirmation letter's number, its start-up funding and the goals its three-year plan states as figures; then a status
per year (在建 / 整改 / 通过 / 未通过 / 撤销). Staff and observers see every pilot, a city bureau its city's, a unit its
own."""
from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from decimal import Decimal

from pydantic import BaseModel, ConfigDict, Field

from scoring.common.access import AccessDenied, Permission, Principal, Role, require, sees_every_application
from scoring.common.errors import ReviewError
from scoring.common.models import ActionKind, PilotStatus, compact_code
from scoring.documents.official import ListedUnit
from scoring.pilots import goals as goal_rules
from scoring.pilots.goals import PilotGoal
from scoring.storage import Storage, Transaction
from scoring.storage import pilot_store as store

PILOT_YEARS = 3  # 试点建设期为三年：批次年度起连续三年


class PilotError(ReviewError):
    """A request about a pilot that cannot be done; the message is for users."""


class StatusChange(BaseModel):
    model_config = ConfigDict(frozen=True)

    year: int
    status: PilotStatus
    reason: str
    changed_at: datetime
    changed_by: str


class Pilot(BaseModel):
    """One pilot unit of one batch: who, its period, its letter and funding, its goals, its status now."""

    model_config = ConfigDict(frozen=True)

    batch_id: str
    credit_code: str
    unit_name: str
    unit_type: str
    city: str
    first_year: int
    last_year: int
    round_id: str = Field(title="遴选轮次")
    list_order: int = Field(title="名单序号")
    letter_number: str | None = Field(None, title="确认通知文号")
    funding_wan: Decimal | None = Field(None, title="启动资金（万元）")
    status: PilotStatus = Field(PilotStatus.BUILDING, title="状态")
    status_year: int | None = None
    status_reason: str = ""
    created_at: datetime

    @property
    def years(self) -> list[int]:
        return list(range(self.first_year, self.last_year + 1))

    @property
    def period(self) -> str:
        return f"{self.first_year}—{self.last_year}年"

    @property
    def active(self) -> bool:
        """Still under construction (在建 or 整改): reports are due and rounds take it."""
        return self.status in (PilotStatus.BUILDING, PilotStatus.RECTIFYING)

    def in_year(self, year: int) -> bool:
        return self.first_year <= year <= self.last_year


def pilot_years(batch_year: int) -> tuple[int, int]:
    """The pilot period of a batch: the batch year and the two after it (2023 batch: 2023—2025)."""
    return batch_year, batch_year + PILOT_YEARS - 1


def pilot_entity(batch_id: str, credit_code: str) -> str:
    return f"pilot/{batch_id}/{credit_code}"


# --- creation, with the confirmed list -----------------------------------------------------------------------------


def create_pilots(tx: Transaction, storage: Storage, batch_id: str, round_id: str, confirmation_version: int,
                  units: Sequence[ListedUnit], reason: str) -> int:
    """Register the confirmed units as the batch's pilots, inside the transaction that confirms the list; goals are
    read from each unit's three-year plan. A unit already a pilot of the batch (a confirmation again) is kept."""
    batch = storage.get_batch(batch_id)
    first_year, last_year = pilot_years(batch.year)
    existing = {p.credit_code for p in store.pilots(tx, batch_id=batch_id)}
    created = 0
    for unit in units:
        if unit.credit_code in existing:
            continue
        store.insert_pilot(tx, store.PilotRecord(batch_id, unit.credit_code, unit.unit_name, unit.unit_type,
                                                 unit.city, first_year, last_year, round_id, unit.order, None, None,
                                                 tx.now, None, None, None, None), confirmation_version)
        store.add_status(tx, batch_id, unit.credit_code, first_year, PilotStatus.BUILDING, reason)
        application = storage.get_application(batch_id, unit.credit_code)
        found = goal_rules.goals_from_application(application, first_year, last_year) if application else []
        store.put_goals(tx, batch_id, unit.credit_code, [g.model_dump(mode="json") for g in found])
        tx.audit(ActionKind.PILOT_CREATE, pilot_entity(batch_id, unit.credit_code), reason,
                 {"round_id": round_id, "period": f"{first_year}-{last_year}", "goals": len(found)})
        created += 1
    return created


# --- reading -------------------------------------------------------------------------------------------------------


def may_see_pilot(principal: Principal, batch_id: str, city: str, credit_code: str) -> bool:
    """Staff and observers see every pilot; a city bureau its city's; a unit's account its own."""
    if sees_every_application(principal, batch_id):
        return True
    if Role.CITY in principal.roles_in(batch_id) and city in principal.cities_in(batch_id):
        return True
    return (principal.unit is not None and principal.unit.credit_code == credit_code
            and principal.can(Permission.REPORT, batch_id))


def pilot_of(record: store.PilotRecord) -> Pilot:
    """The stored record as a Pilot, its newest status included."""
    return Pilot(batch_id=record.batch_id, credit_code=record.credit_code, unit_name=record.unit_name,
                 unit_type=record.unit_type, city=record.city, first_year=record.first_year,
                 last_year=record.last_year, round_id=record.round_id, list_order=record.list_order,
                 letter_number=record.letter_number, funding_wan=record.funding_wan,
                 status=PilotStatus(record.status or PilotStatus.BUILDING), status_year=record.status_year,
                 status_reason=record.status_reason or "", created_at=record.created_at)


def record_letters(storage: Storage, actor: str, batch_id: str, numbers: dict[str, str],
                   funding: Decimal | None) -> None:
    """Keep each pilot's confirmation letter number and start-up funding as the letters were last prepared."""
    changed = [r for r in store.pilots(storage, batch_id=batch_id)
               if (r.letter_number, r.funding_wan) != (numbers.get(r.credit_code), funding)]
    if not changed:
        return
    with storage.transaction(actor) as tx:
        for record in changed:
            store.set_letter(tx, batch_id, record.credit_code, numbers.get(record.credit_code), funding)
            tx.audit(ActionKind.PILOT_LETTER, pilot_entity(batch_id, record.credit_code), "确认通知",
                     {"number": numbers.get(record.credit_code), "funding_wan": funding})


def pilots(storage: Storage, principal: Principal, batch_id: str | None = None) -> list[Pilot]:
    """Every pilot the principal may see, newest batch first, in list order: of one batch, or of every batch."""
    visible = [r for r in store.pilots(storage, batch_id=batch_id)
               if principal.can(Permission.VIEW_PILOTS, r.batch_id) or principal.can(Permission.REPORT, r.batch_id)]
    return [pilot_of(r) for r in visible if may_see_pilot(principal, r.batch_id, r.city, r.credit_code)]


def get_pilot(storage: Storage, principal: Principal, batch_id: str, credit_code: str) -> Pilot:
    """One pilot, for whoever may see it; PilotError when there is none, AccessDenied when it is not theirs."""
    found = store.pilots(storage, batch_id=batch_id, credit_code=compact_code(credit_code))
    if not found:
        raise PilotError(f"批次 {batch_id} 没有统一社会信用代码为 {credit_code} 的试点单位。")
    record = found[0]
    if not may_see_pilot(principal, batch_id, record.city, record.credit_code):
        raise AccessDenied(f"{principal.display_name}无权查看试点单位“{record.unit_name}”。")
    return pilot_of(record)


def pilot_codes_under_review(storage: Storage, batch_id: str, year: int) -> set[str]:
    """The credit codes of the batch's pilots a round of `year` reviews: in their period that year and not ended
    (撤销, or 未通过 in an earlier year). Read without a principal: the round's own functions check access."""
    histories = store.batch_histories(storage, batch_id)
    return {r.credit_code for r in store.pilots(storage, batch_id=batch_id)
            if r.first_year <= year <= r.last_year
            and not _ended_before(histories.get((batch_id, r.credit_code), []), year)}


def _ended_before(history: list[store.StatusRecord], year: int) -> bool:
    """Revoked in or before the year, or failed in an earlier year (a failure decided by this year's own round
    leaves the pilot in it)."""
    return any((status is PilotStatus.REVOKED and c.year <= year) or (status is PilotStatus.FAILED and c.year < year)
               for c in history for status in [PilotStatus(c.status)])


def own_pilots(storage: Storage, principal: Principal) -> list[Pilot]:
    """The pilots a unit's account speaks for: its unit in every batch it was confirmed in."""
    if principal.unit is None:
        return []
    return [p for p in pilots(storage, principal) if p.credit_code == principal.unit.credit_code]


def status_history(storage: Storage, principal: Principal, batch_id: str, credit_code: str) -> list[StatusChange]:
    pilot = get_pilot(storage, principal, batch_id, credit_code)
    return [StatusChange(year=r.year, status=PilotStatus(r.status), reason=r.reason, changed_at=r.changed_at,
                         changed_by=r.changed_by)
            for r in store.status_history(storage, pilot.batch_id, pilot.credit_code)]


def status_histories(storage: Storage, principal: Principal,
                     batch_id: str | None = None) -> dict[tuple[str, str], list[StatusChange]]:
    """The status history of every pilot the principal may see (of one batch, or of all), by (batch, credit code),
    read in one query."""
    visible = {(p.batch_id, p.credit_code) for p in pilots(storage, principal, batch_id)}
    return {key: [StatusChange(year=r.year, status=PilotStatus(r.status), reason=r.reason, changed_at=r.changed_at,
                               changed_by=r.changed_by) for r in records]
            for key, records in store.batch_histories(storage, batch_id).items() if key in visible}


def pilot_goals(storage: Storage, principal: Principal, batch_id: str, credit_code: str) -> list[PilotGoal]:
    pilot = get_pilot(storage, principal, batch_id, credit_code)
    return [PilotGoal.model_validate(g) for g in store.goals(storage, pilot.batch_id, pilot.credit_code) or []]


# --- changes by staff ----------------------------------------------------------------------------------------------


def checked_reason(reason: str, what: str = "") -> str:
    """The reason a change of the pilots' stage is recorded with: at least two characters, for the audit log."""
    reason = (reason or "").strip()
    if len(reason) < 2:
        raise PilotError(f"{what or '请'}{'须' if what else ''}写明理由（至少两个字），理由记入审计日志。")
    return reason


def record_status(tx: Transaction, pilot: Pilot, year: int, status: PilotStatus, reason: str) -> None:
    """Write a status change inside a caller's transaction (an outcome decided, a re-check recorded)."""
    if not pilot.in_year(year):
        raise PilotError(f"{year} 年不在试点“{pilot.unit_name}”的建设期（{pilot.period}）内。")
    store.add_status(tx, pilot.batch_id, pilot.credit_code, year, status, reason)
    tx.audit(ActionKind.PILOT_STATUS, pilot_entity(pilot.batch_id, pilot.credit_code), reason,
             {"year": year, "status": str(status), "before": str(pilot.status)})


def set_status(storage: Storage, principal: Principal, batch_id: str, credit_code: str, year: int,
               status: PilotStatus, reason: str) -> Pilot:
    """Staff change a pilot's status by hand (e.g. 撤销), with a reason; a revoked pilot stays revoked."""
    pilot = get_pilot(storage, principal, batch_id, credit_code)
    require(principal, Permission.MANAGE_PILOTS, batch_id)
    reason = checked_reason(reason)
    if pilot.status is PilotStatus.REVOKED:
        raise PilotError(f"试点“{pilot.unit_name}”已撤销，状态不能再改变。")
    with storage.transaction(principal.actor) as tx:
        record_status(tx, pilot, year, status, reason)
    return get_pilot(storage, principal, batch_id, credit_code)


def set_goals(storage: Storage, principal: Principal, batch_id: str, credit_code: str,
              goals: Sequence[PilotGoal], reason: str) -> list[PilotGoal]:
    """Staff set the plan's goals as figures (where the reading of the plan missed or misread one)."""
    pilot = get_pilot(storage, principal, batch_id, credit_code)
    require(principal, Permission.MANAGE_PILOTS, batch_id)
    reason = checked_reason(reason)
    checked = goal_rules.checked_goals(goals, pilot.first_year, pilot.last_year)
    with storage.transaction(principal.actor) as tx:
        store.put_goals(tx, batch_id, pilot.credit_code, [g.model_dump(mode="json") for g in checked])
        tx.audit(ActionKind.PILOT_GOALS, pilot_entity(batch_id, pilot.credit_code), reason,
                 {"goals": [g.model_dump(mode="json") for g in checked]})
    return checked

