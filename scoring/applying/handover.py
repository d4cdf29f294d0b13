"""The city bureau's 推荐函 and the handover (报送省局): the letter is uploaded sealed (or first generated from the
template, listing the recommended units in the bureau's order), then the city's recommended forms enter the
province's batch exactly as an import would — versioned, checked, audited — with the letter attached and its date."""
from __future__ import annotations

import hashlib
from datetime import datetime

from pydantic import BaseModel

from scoring.applying.attachments import checked_file
from scoring.applying.calls import ApplyingError, get_call
from scoring.applying.city_review import CityForm, city_forms, require_before_city_deadline
from scoring.applying.drafts import FormStatus
from scoring.common.access import AccessDenied, Permission, Principal, require
from scoring.common.clock import today
from scoring.common.models import ActionKind, Application, Attachment, AttachmentKind, City
from scoring.documents.official import LetterDocument, Paragraph, Section
from scoring.intake.importer import enter_batch
from scoring.notifications.notices import NoticeKind
from scoring.notifications.outbox import notify
from scoring.storage import applying_store as store
from scoring.storage.store import Storage

PROVINCE = "辽宁省知识产权局"


class CityLetter(BaseModel):
    city: City
    filename: str
    sha256: str
    size: int
    uploaded_at: datetime
    uploaded_by: str


class Handover(BaseModel):
    """One 报送: which forms went to the province, and what the batch made of them."""

    batch_id: str
    city: City
    sent_at: datetime
    credit_codes: list[str]
    created: list[str] = []
    updated: list[str] = []
    unchanged: list[str] = []


def _own_city(principal: Principal, batch_id: str, city: City | str) -> City:
    require(principal, Permission.RECOMMEND, batch_id)
    city = City(city)
    if city not in principal.cities_in(batch_id):
        raise AccessDenied(f"只能为本市报送，{city}不属于{principal.display_name}。")
    return city


def recommended(storage: Storage, principal: Principal, batch_id: str, city: City | str) -> list[CityForm]:
    """The city's forms recommended and not yet sent, in the bureau's order (ranked first, then by name)."""
    forms = [f for f in city_forms(storage, principal, batch_id, city) if f.status is FormStatus.RECOMMENDED]
    return sorted(forms, key=lambda f: (f.review.rank is None, f.review.rank or 0, f.unit.unit_name))


def letter_document(storage: Storage, principal: Principal, batch_id: str, city: City | str) -> LetterDocument:
    """The 推荐函 as the template lays it out: to the province, the recommended units listed in order."""
    city = _own_city(principal, batch_id, city)
    forms = recommended(storage, principal, batch_id, city)
    if not forms:
        raise ApplyingError("尚无已推荐的申报书，推荐函没有可列的单位。")
    ranked = any(f.review.rank for f in forms)
    batch = storage.get_batch(batch_id)
    issuer = f"{city}知识产权局"
    # No spaces: official text is justified, and a space would be stretched wide.
    units = [Paragraph(text=f"{n}.{f.unit.unit_name}（统一社会信用代码：{f.unit.credit_code}）")
             for n, f in enumerate(forms, start=1)]
    return LetterDocument(
        credit_code="", unit_name=PROVINCE, number="", title=f"关于推荐{batch.title}申报单位的函",
        addressee=PROVINCE,
        opening=[f"根据{batch.title}申报工作安排，我局对本市申报单位提交的申报材料进行了初审。经审核，"
                 f"以下{len(forms)}家单位申报材料齐全、符合申报条件，同意推荐" + ("（按推荐顺序排列）" if ranked else "")
                 + "："],
        sections=[Section(heading="", paragraphs=units)],
        closing=["我局对上述单位申报材料的真实性进行了审核，特此推荐。"],
        issuer=issuer, issued_on=today(), copy_to=[], printer=issuer, printed_on=today())


def upload_letter(storage: Storage, principal: Principal, batch_id: str, city: City | str, filename: str,
                  content: bytes) -> CityLetter:
    """The sealed 推荐函 (scan or signed file), one per batch and city; uploading again replaces it until sent."""
    city = _own_city(principal, batch_id, city)
    name = checked_file(filename, content)
    sha256 = hashlib.sha256(content).hexdigest()
    before = store.city_letter(storage, batch_id, str(city))
    call = get_call(storage, batch_id)
    with storage.transaction(principal.actor) as tx:
        require_before_city_deadline(call, tx.now)
        storage.keep_attachment(tx, sha256, content)
        store.put_city_letter(tx, batch_id, str(city), name, sha256, len(content))
        tx.audit(ActionKind.APPLY_LETTER, f"batch/{batch_id}/{city}", "更换推荐函" if before else "上传推荐函",
                 {"filename": name, "sha256": sha256, "size": len(content),
                  "replaced": before.sha256 if before else None})
        at = tx.now
    return CityLetter(city=city, filename=name, sha256=sha256, size=len(content), uploaded_at=at,
                      uploaded_by=principal.actor)


def city_letter(storage: Storage, principal: Principal, batch_id: str, city: City | str) -> CityLetter | None:
    if not principal.can(Permission.IMPORT_APPLICATIONS, batch_id):
        _own_city(principal, batch_id, city)
    found = store.city_letter(storage, batch_id, str(City(city)))
    return CityLetter(city=city, **found._asdict()) if found else None


def send_to_province(storage: Storage, principal: Principal, batch_id: str, city: City | str,
                     reason: str = "") -> Handover:
    """Hand the city's recommended forms to the province in one transaction: each enters the batch with the
    letter attached and the day of sending as the letter's date, its status becomes 已报送省局, its unit is told."""
    city = _own_city(principal, batch_id, city)
    call = get_call(storage, batch_id)
    letter = store.city_letter(storage, batch_id, str(city))
    if letter is None:
        raise ApplyingError("请先上传盖章的推荐函，再报送省局。")
    forms = recommended(storage, principal, batch_id, city)
    if not forms:
        raise ApplyingError("没有待报送的已推荐申报书。")
    batch = storage.get_batch(batch_id)
    with storage.transaction(principal.actor) as tx:
        require_before_city_deadline(call, tx.now)
        applications = [_as_recommended(storage, batch_id, f, letter, tx.now.date()) for f in forms]
        summary = enter_batch(storage, tx, batch, applications, f"市局推荐：{city}", {})
        for form in forms:
            store.set_status(tx, batch_id, form.unit.credit_code, form.version, FormStatus.SENT)
            login = store.login_of_unit(tx, form.unit.credit_code)
            if login:
                notify(tx, login, NoticeKind.RECOMMENDED, {"batch": batch.title, "city": str(city)})
        codes = [f.unit.credit_code for f in forms]
        store.add_city_send(tx, batch_id, str(city), letter.sha256, codes)
        tx.audit(ActionKind.IMPORT, f"batch/{batch_id}", reason or f"{city}知识产权局推荐报送", {
            "source": "市局推荐", "city": str(city), "applications": len(applications),
            "files": [{"name": letter.filename, "sha256": letter.sha256, "size": letter.size, "role": "推荐函"}],
            "created": summary.created, "updated": summary.updated, "unchanged": len(summary.unchanged)})
        tx.audit(ActionKind.APPLY_SEND, f"batch/{batch_id}/{city}", reason,
                 {"credit_codes": codes, "letter": letter.sha256})
        at = tx.now
    return Handover(batch_id=batch_id, city=city, sent_at=at, credit_codes=codes, created=summary.created,
                    updated=summary.updated, unchanged=summary.unchanged)


def _as_recommended(storage: Storage, batch_id: str, form: CityForm, letter: store.LetterRecord,
                    sent_on) -> Application:
    """The submitted version as the province receives it: recommended on the day sent, the letter attached."""
    record = next(r for r in store.submissions(storage, batch_id, form.unit.credit_code) if r.version == form.version)
    application = Application.model_validate(record.data)
    recommendation = application.recommendation.model_copy(update={"city_recommended": True,
                                                                   "city_recommendation_date": sent_on})
    files = [a for a in application.attachments if a.kind is not AttachmentKind.RECOMMENDATION]
    files.append(Attachment(kind=AttachmentKind.RECOMMENDATION, filename=letter.filename, sha256=letter.sha256,
                            size=letter.size))
    return application.model_copy(update={"recommendation": recommendation, "attachments": files})


def handovers(storage: Storage, principal: Principal, batch_id: str,
              city: City | str | None = None) -> list[store.SendRecord]:
    """Each 报送 of the batch (of one city), oldest first: staff see all, a city bureau its own."""
    if principal.can(Permission.IMPORT_APPLICATIONS, batch_id):
        allowed = {City(city)} if city else set(City)
    else:
        require(principal, Permission.RECOMMEND, batch_id)
        allowed = {_own_city(principal, batch_id, city)} if city else principal.cities_in(batch_id)
    return [s for s in store.city_sends(storage, batch_id) if City(s.city) in allowed]
