"""The city bureau's 初审 (市局推荐): its checklist and opinion on a unit's submitted form, returning the form with
reasons, or recommending it, ranked if the bureau wishes. Only the bureau of the unit's city acts on a form, and
only until the city deadline; staff who import applications see every city's forms."""
from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from pydantic import BaseModel

from scoring.applying.calls import ApplicationCall, ApplyingError, get_call, shown_time
from scoring.applying.drafts import FormStatus, unit_problems
from scoring.applying.units import require_reader
from scoring.common.access import AccessDenied, Permission, Principal, UnitBinding, require
from scoring.common.models import ActionKind, Application, City, Reason, compact_code
from scoring.notifications.notices import NoticeKind
from scoring.notifications.outbox import notify
from scoring.storage import applying_store as store
from scoring.storage.store import Storage, Transaction


class PreReviewItem(StrEnum):
    """What the city bureau confirms before it recommends a form (the guideline's 市局初审)."""

    COMPLETE = "申报材料齐全，必须的附件均已上传"
    SEALED = "盖章扫描件与在线填报内容一致"
    COMMITMENT = "信用承诺书已签署并加盖公章"
    ELIGIBLE = "符合申报指南规定的申报条件"
    TRUTHFUL = "填报数据真实、准确"


class PreReview(BaseModel):
    """The city bureau's 初审 of one submitted version."""

    checked: list[PreReviewItem] = []
    opinion: str = ""
    rank: int | None = None  # the bureau's order among its recommended forms, when it ranks them
    return_reason: str | None = None
    saved_at: datetime | None = None
    saved_by: str = ""

    @property
    def unchecked(self) -> list[PreReviewItem]:
        return [item for item in PreReviewItem if item not in self.checked]


class CityForm(BaseModel):
    """A unit's form in a batch as the city bureau and staff list it: its latest version and that version's 初审."""

    unit: UnitBinding
    version: int | None = None  # None: a draft, never submitted
    status: FormStatus | None = None
    submitted_at: datetime | None = None
    first_submitted_at: datetime | None = None
    draft_saved_at: datetime | None = None
    review: PreReview | None = None

    @property
    def status_text(self) -> str:
        return str(self.status) if self.status else "填报中（未提交）"


def _review_of(record: store.CityReviewRecord | None) -> PreReview | None:
    if record is None:
        return None
    return PreReview(checked=record.checked, opinion=record.opinion, rank=record.rank,
                     return_reason=record.return_reason, saved_at=record.saved_at, saved_by=record.saved_by)


def city_forms(storage: Storage, principal: Principal, batch_id: str, city: City | str | None = None) -> list[CityForm]:
    """Staff: every unit's form, drafts included, of one city or all. A city bureau: the submitted forms of its own
    cities only — asking for another city is refused."""
    city = City(city) if city else None
    if principal.can(Permission.IMPORT_APPLICATIONS, batch_id):
        cities, drafts_too = ([city] if city else [None]), True
    else:
        require(principal, Permission.RECOMMEND, batch_id)
        own = principal.cities_in(batch_id)
        if city is not None and city not in own:
            raise AccessDenied(f"只能查看本市（{'、'.join(own) or '无'}）单位的申报书。")
        cities, drafts_too = ([city] if city else sorted(own)), False
    forms = [CityForm(unit=UnitBinding(unit_name=r.unit_name, credit_code=r.credit_code, city=r.city),
                      version=r.version, status=FormStatus(r.status) if r.status else None,
                      submitted_at=r.submitted_at, first_submitted_at=r.first_submitted_at,
                      draft_saved_at=r.draft_saved_at, review=_review_of(r.review))
             for c in cities for r in store.forms_of_batch(storage, batch_id, str(c) if c else None)]
    return [f for f in forms if drafts_too or f.version is not None]


def require_city_of(storage: Storage, principal: Principal, batch_id: str, credit_code: str) -> UnitBinding:
    """Acting on a form: the city bureau of the unit's own city, for this batch."""
    require(principal, Permission.RECOMMEND, batch_id)
    unit = store.unit_by_code(storage, credit_code)
    if unit is None:
        raise ApplyingError(f"没有统一社会信用代码为 {credit_code} 的申报单位。")
    if unit.city not in principal.cities_in(batch_id):
        raise AccessDenied(f"{unit.unit_name}属于{unit.city}，只能初审本市单位的申报书。")
    return unit


def _latest(storage: Storage, batch_id: str, credit_code: str,
            allowed: tuple[FormStatus, ...]) -> store.SubmissionRecord:
    versions = store.submissions(storage, batch_id, credit_code)
    if not versions:
        raise ApplyingError("该单位尚未提交申报书。")
    latest = versions[-1]
    if FormStatus(latest.status) not in allowed:
        raise ApplyingError(f"申报书第 {latest.version} 版{latest.status}，不能进行此操作。")
    return latest


def require_before_city_deadline(call: ApplicationCall, at: datetime) -> None:
    if at > call.city_deadline:
        raise ApplyingError(f"已过市局推荐截止时间（{shown_time(call.city_deadline)}），现在是 {shown_time(at)}；"
                            "如需延长请联系省知识产权局。")


def pre_review(storage: Storage, principal: Principal, batch_id: str, credit_code: str) -> PreReview:
    """The 初审 of the form's latest version as saved so far (an empty one before the bureau starts)."""
    credit_code = compact_code(credit_code)
    require_city_of(storage, principal, batch_id, credit_code)
    latest = _latest(storage, batch_id, credit_code, tuple(FormStatus))
    return _review_of(store.city_review(storage, batch_id, credit_code, latest.version)) or PreReview()


def save_pre_review(storage: Storage, principal: Principal, batch_id: str, credit_code: str,
                    checked: list[PreReviewItem | str], opinion: str) -> PreReview:
    """Save the checklist and the opinion on a submitted form; neither decides anything yet."""
    credit_code = compact_code(credit_code)
    require_city_of(storage, principal, batch_id, credit_code)
    latest = _latest(storage, batch_id, credit_code, (FormStatus.SUBMITTED, FormStatus.RECOMMENDED))
    try:
        items = sorted({PreReviewItem(item) for item in checked}, key=list(PreReviewItem).index)
    except ValueError as exc:
        raise ApplyingError(f"初审核对事项无法识别：{exc}") from None
    before = store.city_review(storage, batch_id, credit_code, latest.version)
    call = get_call(storage, batch_id)
    with storage.transaction(principal.actor) as tx:
        require_before_city_deadline(call, tx.now)
        record = store.CityReviewRecord([str(i) for i in items], (opinion or "").strip(),
                                        before.rank if before else None, None, tx.now, principal.actor)
        store.put_city_review(tx, batch_id, credit_code, latest.version, record)
        tx.audit(ActionKind.APPLY_PRE_REVIEW, f"draft/{batch_id}/{credit_code}", "",
                 {"version": latest.version, "checked": record.checked, "opinion": record.opinion})
    return _review_of(record)


def return_form(storage: Storage, principal: Principal, batch_id: str, credit_code: str, reason: Reason) -> PreReview:
    """Send the form back to the unit with the reasons; the unit is told and may resubmit until the city deadline."""
    credit_code = compact_code(credit_code)
    unit = require_city_of(storage, principal, batch_id, credit_code)
    reason = (reason or "").strip()
    if len(reason) < 2:
        raise ApplyingError("退回须写明理由，告诉申报单位需要修改什么。")
    latest = _latest(storage, batch_id, credit_code, (FormStatus.SUBMITTED, FormStatus.RECOMMENDED))
    before = _review_of(store.city_review(storage, batch_id, credit_code, latest.version)) or PreReview()
    call = get_call(storage, batch_id)
    with storage.transaction(principal.actor) as tx:
        require_before_city_deadline(call, tx.now)
        record = store.CityReviewRecord([str(i) for i in before.checked], before.opinion, None, reason, tx.now,
                                        principal.actor)
        store.put_city_review(tx, batch_id, credit_code, latest.version, record)
        store.set_status(tx, batch_id, credit_code, latest.version, FormStatus.RETURNED)
        _tell_unit(tx, storage, batch_id, credit_code, NoticeKind.RETURNED,
                   {"reason": reason, "deadline": call.city_deadline.isoformat(sep=" ", timespec="minutes")})
        tx.audit(ActionKind.APPLY_RETURN, f"draft/{batch_id}/{credit_code}", reason,
                 {"version": latest.version, "unit": unit.unit_name, "before": latest.status})
    return _review_of(record)


def recommend(storage: Storage, principal: Principal, batch_id: str, credit_code: str,
              rank: int | None = None) -> PreReview:
    """Recommend a submitted form whose 初审 is complete (every item checked, an opinion written) and that fails no
    rule the unit answers for; `rank` orders it among the city's recommended forms (each rank once)."""
    credit_code = compact_code(credit_code)
    unit = require_city_of(storage, principal, batch_id, credit_code)
    latest = _latest(storage, batch_id, credit_code, (FormStatus.SUBMITTED, FormStatus.RECOMMENDED))
    review = _review_of(store.city_review(storage, batch_id, credit_code, latest.version)) or PreReview()
    if review.unchecked or not review.opinion:
        missing = [f"未核对“{item}”" for item in review.unchecked] + ([] if review.opinion else ["未填写初审意见"])
        raise ApplyingError(f"请先完成初审再推荐：{'；'.join(missing)}。")
    failing = [p.message for p in unit_problems(Application.model_validate(latest.data), storage.get_batch(batch_id))
               if p.blocking]
    if failing:
        raise ApplyingError(f"该申报书不符合申报条件，不能推荐：{'；'.join(failing)}")
    if rank is not None:
        _check_rank(storage, batch_id, unit, rank)
    call = get_call(storage, batch_id)
    with storage.transaction(principal.actor) as tx:
        require_before_city_deadline(call, tx.now)
        record = store.CityReviewRecord([str(i) for i in review.checked], review.opinion, rank, None, tx.now,
                                        principal.actor)
        store.put_city_review(tx, batch_id, credit_code, latest.version, record)
        store.set_status(tx, batch_id, credit_code, latest.version, FormStatus.RECOMMENDED)
        tx.audit(ActionKind.APPLY_RECOMMEND, f"draft/{batch_id}/{credit_code}", review.opinion,
                 {"version": latest.version, "unit": unit.unit_name, "rank": rank})
    return _review_of(record)


def _check_rank(storage: Storage, batch_id: str, unit: UnitBinding, rank: int) -> None:
    if rank < 1:
        raise ApplyingError("推荐排序应为从 1 开始的整数。")
    for other in store.forms_of_batch(storage, batch_id, str(unit.city)):
        if (other.credit_code != unit.credit_code and other.status == FormStatus.RECOMMENDED and other.review
                and other.review.rank == rank):
            raise ApplyingError(f"推荐排序第 {rank} 位已给了{other.unit_name}。")


def return_reason(storage: Storage, principal: Principal, batch_id: str, credit_code: str) -> str | None:
    """Why the city returned the form, while it is returned: what the unit is to correct."""
    credit_code = compact_code(credit_code)
    versions = store.submissions(storage, batch_id, credit_code)
    if not versions or versions[-1].status != FormStatus.RETURNED:
        return None
    require_reader(storage, principal, batch_id, credit_code)
    found = store.city_review(storage, batch_id, credit_code, versions[-1].version)
    return found.return_reason if found else None


def _tell_unit(tx: Transaction, storage: Storage, batch_id: str, credit_code: str, kind: NoticeKind,
               facts: dict) -> None:
    login = store.login_of_unit(tx, credit_code)
    if login:
        notify(tx, login, kind, {"batch": storage.get_batch(batch_id).title, **facts})
