"""A unit's attachments (盖章扫描件, 信用承诺书, 三年建设方案 …): uploaded while the form is unlocked, one current file
per kind, replaced by uploading again; the bytes are kept by their SHA-256 like an objection's evidence, and each
submitted version carries the files it was submitted with."""
from __future__ import annotations

import hashlib
from datetime import datetime
from pathlib import Path

from pydantic import BaseModel

from scoring.applying.calls import ApplyingError, get_call
from scoring.applying.drafts import is_locked
from scoring.applying.submissions import versions_of
from scoring.applying.units import require_own_unit, require_reader
from scoring.common.access import Principal
from scoring.common.models import ActionKind, AttachmentKind, compact_code
from scoring.documents import MAX_FILE_BYTES
from scoring.storage import applying_store as store
from scoring.storage.store import Storage

# Scans and documents: what a sealed page, a signed commitment or a plan arrives as.
ALLOWED_SUFFIXES = (".pdf", ".jpg", ".jpeg", ".png", ".ofd", ".doc", ".docx")
# The city bureau's letter is the city's to upload, never the unit's.
UNIT_KINDS = tuple(k for k in AttachmentKind if k is not AttachmentKind.RECOMMENDATION)


class UnitAttachment(BaseModel):
    kind: AttachmentKind
    filename: str
    sha256: str
    size: int
    uploaded_at: datetime
    uploaded_by: str


def checked_file(filename: str, content: bytes) -> str:
    """An uploaded scan or document as the applying stage takes it (a unit's attachment, a city's letter): a known
    type, not empty, at most MAX_FILE_BYTES; its name without any folder."""
    name = Path(filename or "").name.strip()
    if not name or Path(name).suffix.lower() not in ALLOWED_SUFFIXES:
        raise ApplyingError(f"“{name or '（无文件名）'}”的类型不能上传；可上传 {'、'.join(ALLOWED_SUFFIXES)} 文件。")
    if not content:
        raise ApplyingError(f"“{name}”是空文件。")
    if len(content) > MAX_FILE_BYTES:
        raise ApplyingError(f"“{name}”超过 {MAX_FILE_BYTES // 1024 // 1024} MB，不能上传。")
    return name


def upload_attachment(storage: Storage, principal: Principal, batch_id: str, credit_code: str,
                      kind: AttachmentKind | str, filename: str, content: bytes) -> UnitAttachment:
    credit_code = compact_code(credit_code)
    get_call(storage, batch_id)
    require_own_unit(storage, principal, batch_id, credit_code)
    try:
        kind = AttachmentKind(kind)
    except ValueError:
        raise ApplyingError(f"没有“{kind}”这种附件；可上传：{'、'.join(UNIT_KINDS)}。") from None
    if kind not in UNIT_KINDS:
        raise ApplyingError(f"“{kind}”由市局上传，申报单位不能上传。")
    name = checked_file(filename, content)
    if is_locked(storage, batch_id, credit_code):
        raise ApplyingError("申报书已提交，已锁定，附件不能更换；如需修改请等待市局退回。")
    sha256 = hashlib.sha256(content).hexdigest()
    before = {r.kind: r for r in store.attachments(storage, batch_id, credit_code)}.get(str(kind))
    with storage.transaction(principal.login) as tx:
        storage.keep_attachment(tx, sha256, content)
        store.put_attachment(tx, batch_id, credit_code, str(kind), name, sha256, len(content))
        tx.audit(ActionKind.APPLY_ATTACH, f"draft/{batch_id}/{credit_code}", "更换附件" if before else "上传附件",
                 {"kind": str(kind), "filename": name, "sha256": sha256, "size": len(content),
                  "replaced": before.sha256 if before else None})
        at = tx.now
    return UnitAttachment(kind=kind, filename=name, sha256=sha256, size=len(content), uploaded_at=at,
                          uploaded_by=principal.login)


def attachments_of(storage: Storage, principal: Principal, batch_id: str, credit_code: str) -> list[UnitAttachment]:
    credit_code = compact_code(credit_code)
    require_reader(storage, principal, batch_id, credit_code)
    return [UnitAttachment(kind=r.kind, filename=r.filename, sha256=r.sha256, size=r.size, uploaded_at=r.uploaded_at,
                           uploaded_by=r.uploaded_by) for r in store.attachments(storage, batch_id, credit_code)]


def attachment_content(storage: Storage, principal: Principal, batch_id: str, credit_code: str,
                       sha256: str) -> bytes:
    """A file the unit uploaded (now or for an earlier version), for whoever may read the unit's form."""
    credit_code = compact_code(credit_code)
    require_reader(storage, principal, batch_id, credit_code)
    known = {r.sha256 for r in store.attachments(storage, batch_id, credit_code)}
    if sha256 not in known and store.get_draft(storage, batch_id, credit_code) is not None:
        known |= {a.sha256 for v in versions_of(storage, principal, batch_id, credit_code)
                  for a in v.application.attachments}
    content = storage.attachment_content(sha256) if sha256 in known else None
    if content is None:
        raise ApplyingError("本单位的申报书没有这个附件。")
    return content
