"""The files of the publicity stage, written under exports/<batch>/<round>/ and recorded in the audit log with their
SHA-256: the published notice (.docx, .pdf, .html for the website), the published list and the confirmed list (.xlsx,
.csv), and the confirmation letters (a .docx and a .pdf per unit, one merged PDF, one zip of them all). Every file is
made from what is stored (the frozen notice, the confirmed list, the numbers, the saved settings), so it can be made
again at any time."""
from __future__ import annotations

import hashlib
import io
import re
import zipfile
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from datetime import datetime
from pathlib import Path
from typing import Literal

from pydantic import BaseModel

from scoring.common import clock
from scoring.common.access import Permission, Principal, require
from scoring.rounds.assignment_lists import export_root
from scoring.publicity.confirmation import Confirmation, prepare_letters, required_confirmation
from scoring.documents.official import LetterDocument, ListColumn, ListedUnit, NoticeDocument
from scoring.documents.official_docx import letter_docx, notice_docx
from scoring.documents.official_pdf import notice_pdf, notice_web_html, render_letters
from scoring.documents.publicity_list import publicity_list_csv, publicity_list_xlsx
from scoring.common.models import PROGRAM_TITLE, ActionKind
from scoring.publicity.notices import PublicityError, PublishedNotice, required_notice
from scoring.rounds.review_rounds import ReviewRound, round_entity, stored_round
from scoring.review.sheet_prints import _free_name
from scoring.storage import Storage

NoticeFormat = Literal["docx", "pdf", "html"]
ListFormat = Literal["xlsx", "csv"]
ExportKind = Literal["notice", "list", "confirmed", "letters"]
MEDIA_TYPES = {"docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
               "pdf": "application/pdf", "html": "text/html; charset=utf-8",
               "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
               "csv": "text/csv; charset=utf-8", "zip": "application/zip"}
STEMS = {"notice": "公示", "list": "公示名单", "confirmed": "确认名单", "letters": "确认通知"}
_UNSAFE = re.compile(r'[\\/:*?"<>|\x00-\x1f]')


class PublicityExport(BaseModel):
    """A written file: where, its hash (in the audit log) and its bytes."""

    path: Path
    filename: str
    sha256: str
    kind: ExportKind
    format: str
    content: bytes

    @property
    def media_type(self) -> str:
        return MEDIA_TYPES[self.format]


class StoredFile(BaseModel):
    """A file written earlier: read it when someone downloads it (a thousand letters' zip is hundreds of MB)."""

    path: Path
    sha256: str

    @property
    def filename(self) -> str:
        return self.path.name

    @property
    def media_type(self) -> str:
        return MEDIA_TYPES[self.path.suffix.lstrip(".")]


class LetterFile(StoredFile):
    number: str
    unit_name: str


class LetterBatch(BaseModel):
    """The letters of one generation: the folder with a .docx and a .pdf per unit, the merged PDF and the zip."""

    folder: Path
    files: list[LetterFile]
    merged: StoredFile
    archive: StoredFile
    letters: int
    generated_by: str
    generated_at: datetime


# --- documents as bytes (also for previews, which write nothing) ---------------------------------------------------


def notice_bytes(document: NoticeDocument, fmt: NoticeFormat) -> bytes:
    if fmt == "docx":
        return notice_docx(document)
    if fmt == "pdf":
        return notice_pdf(document)
    if fmt == "html":
        return notice_web_html(document).encode("utf-8")
    raise PublicityError(f"不支持的公示格式 {fmt}，可选 docx、pdf 或 html。")


def list_bytes(title: str, provenance: str, columns: list[ListColumn], units: list[ListedUnit],
               fmt: ListFormat) -> bytes:
    if fmt == "xlsx":
        return publicity_list_xlsx(title, provenance, columns, units)
    if fmt == "csv":
        return publicity_list_csv(columns, units)
    raise PublicityError(f"不支持的名单格式 {fmt}，可选 xlsx 或 csv。")


def notice_provenance(notice: PublishedNotice) -> str:
    return (f"第 {notice.version} 版公示（拟入选名单第 {notice.shortlist_version} 版），公示期 {notice.start:%Y-%m-%d} 至 "
            f"{notice.end:%Y-%m-%d}；{notice.published_at:%Y-%m-%d %H:%M} 由 {notice.published_by} 发布；"
            f"内容 SHA-256 {notice.sha256}")


def confirmed_provenance(confirmation: Confirmation) -> str:
    removed = "；".join(f"{r.unit_name}（第 {'、'.join(map(str, r.objection_ids))} 号异议成立）"
                       for r in confirmation.removed)
    return (f"第 {confirmation.notice_version} 版公示期满确认，{confirmation.confirmed_at:%Y-%m-%d %H:%M} 由 "
            f"{confirmation.confirmed_by} 确认；" + (f"因异议成立不予确认：{removed}；" if removed else "无成立的异议；")
            + f"内容 SHA-256 {confirmation.sha256}")


# --- writing -------------------------------------------------------------------------------------------------------


def _folder(review_round: ReviewRound, root: Path | None) -> Path:
    return Path(root or export_root()) / review_round.batch_id / review_round.round_id


@contextmanager
def _writing(folder: Path) -> Iterator[None]:
    """A folder the server cannot write (no space, no permission) is for its operator to fix: a PublicityError that
    says so, raised inside the transaction so that the audit entry of the file is not kept either."""
    try:
        yield
    except OSError as exc:
        raise PublicityError(f"无法写入导出目录 {folder}（{exc.strerror or exc}），"
                             "请联系系统管理员检查磁盘空间和目录权限。") from exc


def _write(storage: Storage, principal: Principal, review_round: ReviewRound, kind: ExportKind, fmt: str,
           content: bytes, root: Path | None, detail: dict | None = None) -> PublicityExport:
    digest = hashlib.sha256(content).hexdigest()
    folder = _folder(review_round, root)
    filename = _free_name(folder, f"{STEMS[kind]}-{review_round.round_id}-{clock.now():%Y%m%d-%H%M%S}", fmt)
    path = folder / filename
    with storage.transaction(principal.actor) as tx:
        tx.audit(ActionKind.PUBLICITY_EXPORT, round_entity(review_round.batch_id, review_round.round_id), "",
                 {"path": str(path), "sha256": digest, "kind": kind, "format": fmt, **(detail or {})})
        with _writing(folder):
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_bytes(content)
    return PublicityExport(path=path, filename=filename, sha256=digest, kind=kind, format=fmt, content=content)


def export_notice(storage: Storage, principal: Principal, round_id: str, fmt: NoticeFormat = "docx",
                  root: Path | None = None) -> PublicityExport:
    """The notice in force as published, as .docx, .pdf or the website's .html."""
    review_round = stored_round(storage, round_id)
    notice = required_notice(storage, principal, round_id)  # checks the permission
    return _write(storage, principal, review_round, "notice", fmt, notice_bytes(notice.document, fmt), root,
                  {"notice_version": notice.version})


def export_list(storage: Storage, principal: Principal, round_id: str, fmt: ListFormat = "xlsx",
                root: Path | None = None) -> PublicityExport:
    """The published list (the notice's columns) as .xlsx or .csv."""
    review_round = stored_round(storage, round_id)
    notice = required_notice(storage, principal, round_id)
    content = list_bytes(notice.document.title, notice_provenance(notice), notice.document.columns, notice.units, fmt)
    return _write(storage, principal, review_round, "list", fmt, content, root, {"notice_version": notice.version})


def export_confirmed(storage: Storage, principal: Principal, round_id: str, fmt: ListFormat = "xlsx",
                     root: Path | None = None) -> PublicityExport:
    """The confirmed list (published list minus upheld objections) as .xlsx or .csv; the provenance line of the
    .xlsx names the units taken off and why."""
    review_round = stored_round(storage, round_id)
    notice = required_notice(storage, principal, round_id)
    confirmation = required_confirmation(storage, principal, round_id)
    title = f"{storage.get_batch(review_round.batch_id).year}年度{PROGRAM_TITLE}单位确认名单"
    content = list_bytes(title, confirmed_provenance(confirmation), notice.document.columns, confirmation.units, fmt)
    return _write(storage, principal, review_round, "confirmed", fmt, content, root,
                  {"confirmation_version": confirmation.version})


def _safe_name(text: str, limit: int = 60) -> str:
    """A file name part from user text: no path separators or characters Windows refuses, not too long."""
    cleaned = _UNSAFE.sub("_", text).strip(" .") or "单位"
    return cleaned[:limit]


def generate_letters(storage: Storage, principal: Principal, round_id: str,
                     progress: Callable[[int, int], None] | None = None, root: Path | None = None) -> LetterBatch:
    """Every confirmed unit's letter as .docx and .pdf in a new folder 确认通知-<time>/, with the merged PDF and a
    zip of everything beside it; one audit entry lists every file with its hash. `progress(done, total)` counts the
    .docx files and then the PDFs."""
    review_round = stored_round(storage, round_id)
    letters = prepare_letters(storage, principal, round_id)  # checks the permission, gives the numbers
    base = _folder(review_round, root)
    archive_name = _free_name(base, f"{STEMS['letters']}-{round_id}-{clock.now():%Y%m%d-%H%M%S}", "zip")
    folder = base / archive_name.removesuffix(".zip")
    names = letter_names(letters)
    documents, merged_pdf = render_letter_files(letters, names, progress)
    merged_name = f"{STEMS['letters']}（合并）-{round_id}.pdf"
    archive = zip_files({**documents, merged_name: merged_pdf})
    files = [LetterFile(number=letter.number, unit_name=letter.unit_name, path=folder / f"{name}.{ext}",
                        sha256=hashlib.sha256(documents[f"{name}.{ext}"]).hexdigest())
             for name, letter in zip(names, letters, strict=True) for ext in ("docx", "pdf")]
    merged = StoredFile(path=folder / merged_name, sha256=hashlib.sha256(merged_pdf).hexdigest())
    zipped = StoredFile(path=base / archive_name, sha256=hashlib.sha256(archive).hexdigest())
    batch = LetterBatch(folder=folder, files=files, merged=merged, archive=zipped, letters=len(letters),
                        generated_by=principal.actor, generated_at=clock.now())
    with storage.transaction(principal.actor) as tx:
        tx.audit(ActionKind.PUBLICITY_EXPORT, round_entity(review_round.batch_id, round_id), "",
                 {"kind": "letters", **batch.model_dump(mode="json")})
        with _writing(base):
            folder.mkdir(parents=True, exist_ok=False)
            for name, content in documents.items():
                (folder / name).write_bytes(content)
            merged.path.write_bytes(merged_pdf)
            zipped.path.write_bytes(archive)
    return batch


def latest_letters(storage: Storage, principal: Principal, round_id: str) -> LetterBatch | None:
    """The round's newest generation of letters as the audit log recorded it, if its files are still on disk."""
    review_round = stored_round(storage, round_id)
    require(principal, Permission.VIEW_ASSIGNMENTS, review_round.batch_id)
    for entry in storage.audit_log(entity=round_entity(review_round.batch_id, round_id)):
        if entry.action == ActionKind.PUBLICITY_EXPORT and entry.detail.get("kind") == "letters":
            batch = LetterBatch.model_validate(entry.detail)
            on_disk = all(f.path.exists() for f in (batch.merged, batch.archive, *batch.files))
            return batch if on_disk else None
    return None


def letter_names(letters: Sequence[LetterDocument]) -> list[str]:
    """The file stems of the letters: the order in the list and the unit, e.g. 003-沈阳工程技术大学."""
    return [f"{n:03d}-{_safe_name(letter.unit_name)}" for n, letter in enumerate(letters, 1)]


def render_letter_files(letters: Sequence[LetterDocument], names: Sequence[str],
                        progress: Callable[[int, int], None] | None = None) -> tuple[dict[str, bytes], bytes]:
    """The letters' files by name (a .docx and a .pdf each) and the merged PDF; `progress(done, total)` counts the
    .docx files and then the PDFs."""
    total = 2 * len(letters)
    documents: dict[str, bytes] = {}
    for n, (name, letter) in enumerate(zip(names, letters, strict=True), 1):
        documents[f"{name}.docx"] = letter_docx(letter)
        if progress:
            progress(n, total)
    rendered = render_letters(letters, progress=(lambda done, _all: progress(len(letters) + done, total))
                              if progress else None)
    documents.update({f"{name}.pdf": pdf for name, pdf in zip(names, rendered.each, strict=True)})
    return documents, rendered.merged


def zip_files(files: dict[str, bytes]) -> bytes:
    """The files in one zip, stored as they are: .docx and .pdf are compressed already, and deflating them again
    took most of the time for a thousand letters and saved little."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_STORED) as archive:
        for name, content in files.items():
            archive.writestr(name, content)
    return buffer.getvalue()

