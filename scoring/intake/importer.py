"""Import applications from workbooks, JSON files and their attachments: validate everything, then all or nothing."""
from __future__ import annotations

import hashlib
import os
import time
import unicodedata
from pathlib import Path, PurePath

import duckdb
from pydantic import BaseModel

from scoring.common.access import Permission, Principal, require
from scoring.intake.checks import run_checks
from scoring.documents import AttachmentReference, IssueLog, ParsedFile
from scoring.documents.json_file import read_json
from scoring.documents.application_form_docx import is_form_docx, read_form_docx
from scoring.documents.application_workbook import read_workbook
from scoring.common.models import ActionKind, Application, Attachment, Batch, ImportIssue, IssueCounts, Severity
from scoring.storage import Storage, StorageError
from scoring.storage.store import SaveSummary, Transaction

WORKBOOK_SUFFIXES = frozenset({".xlsx", ".xlsm", ".xls", ".csv", ".ods", ".et"})  # the wrong ones get a clear error
JSON_SUFFIXES = frozenset({".json"})
FORM_SUFFIXES = frozenset({".docx"})  # a filled 申报书 of our Word template; any other .docx is an attachment
TEXT_SUFFIXES = frozenset({".txt", ".md"})
PAUSE_HOOK = "SCORING_TEST_PAUSE_IN_IMPORT"  # tests only: a file to touch before pausing inside the transaction
PAUSE_SECONDS = 60


class ImportReport(IssueCounts, BaseModel):
    """What an import found and did: every problem located, and which applications it saved."""

    batch_id: str
    files: list[str] = []
    issues: list[ImportIssue] = []
    created: list[str] = []
    updated: list[str] = []
    unchanged: list[str] = []
    imported: bool = False


def import_files(storage: Storage, batch: Batch, files: list[tuple[str, bytes]], principal: Principal,
                 reason: str = "") -> ImportReport:
    """Validate every file first; import nothing if any error was found, else save all in one transaction
    together with the checks of every imported application and one audit entry."""
    require(principal, Permission.IMPORT_APPLICATIONS, batch.batch_id)
    report = ImportReport(batch_id=batch.batch_id, files=[name for name, _ in files])
    log = IssueLog("")
    uploads = distinct_uploads(files, log)
    data_files = {name: content for name, content in uploads.items() if _is_data_file(name, content)}
    attachments = {name: content for name, content in uploads.items() if name not in data_files}
    _check_request(storage, batch, data_files, log)
    parsed = [_parse(name, content, batch) for name, content in data_files.items()]
    applications = _distinct_applications(parsed, log)
    references = [(p.filename, r) for p in parsed for r in p.references]
    used = _attach_files(applications, references, attachments, storage, batch, log)
    report.issues = [i for p in parsed for i in p.issues] + log.issues
    if report.errors:
        return report
    try:
        _save(storage, batch, list(applications.values()), uploads, used, principal.actor, reason, report)
    except (StorageError, duckdb.Error) as exc:
        report.issues.append(ImportIssue(severity=Severity.ERROR, file="",
                                         message=f"保存时出错，本次导入已全部撤销：{exc}"))
    return report


# --- validation ----------------------------------------------------------------------------


def distinct_uploads(files: list[tuple[str, bytes]], log: IssueLog) -> dict[str, bytes]:
    """Uploads by name; the same file twice is dropped with a warning, two different files of one name is an error."""
    uploads: dict[str, bytes] = {}
    for raw_name, content in files:
        name = PurePath(raw_name.replace("\\", "/")).name
        if name not in uploads:
            uploads[name] = content
        elif uploads[name] == content:
            log.for_file(name).warning("同一文件上传了两次，已只读取一次")
        else:
            log.for_file(name).error("上传了两个同名但内容不同的文件，无法确定使用哪一个，请改名后重新上传")
    return uploads


def _is_data_file(name: str, content: bytes) -> bool:
    """Workbooks and JSON files by their suffix; a .docx only when it is our 申报书 template (its marker inside),
    so that a plan or letter written in Word stays an attachment."""
    suffix = Path(name).suffix.lower()
    if suffix in FORM_SUFFIXES:
        return is_form_docx(content)
    return suffix in WORKBOOK_SUFFIXES | JSON_SUFFIXES


def _check_request(storage: Storage, batch: Batch, data_files: dict[str, bytes], log: IssueLog) -> None:
    if storage.get_batch(batch.batch_id) is None:
        log.error(f"批次“{batch.batch_id}”不存在，请先建立批次")
    if not data_files:
        log.error("没有上传申报数据文件：请上传导入模板工作簿（.xlsx）、JSON 文件或按系统模板填写的 Word 申报书（.docx），附件需与之一起上传")


def _parse(name: str, content: bytes, batch: Batch) -> ParsedFile:
    if Path(name).suffix.lower() in JSON_SUFFIXES:
        return read_json(content, name, batch.batch_id)
    if Path(name).suffix.lower() in FORM_SUFFIXES:
        return read_form_docx(content, name, batch.batch_id)
    return read_workbook(content, name, batch.batch_id)


def _distinct_applications(parsed: list[ParsedFile], log: IssueLog) -> dict[str, Application]:
    """All applications by credit code; one code in two files is an error at the second."""
    applications: dict[str, Application] = {}
    first_file: dict[str, str] = {}
    for file in parsed:
        for application in file.applications:
            code = application.credit_code
            if code in applications:
                sheet, row = file.origins.get(code, ("", None))
                log.for_file(file.filename).error(
                    f"统一社会信用代码 {code} 已在文件“{first_file[code]}”中出现，同一单位在一次导入中只能出现一次",
                    sheet, row, "统一社会信用代码")
                continue
            applications[code] = application
            first_file[code] = file.filename
    if parsed and not applications and not any(i.severity is Severity.ERROR for f in parsed for i in f.issues):
        log.error("上传的文件中没有任何申报书（以“示例”开头的示例行会被跳过）")
    return applications


# --- attachments ---------------------------------------------------------------------------


def _attach_files(applications: dict[str, Application], references: list[tuple[str, AttachmentReference]],
                  uploads: dict[str, bytes], storage: Storage, batch: Batch, log: IssueLog) -> set[str]:
    """Give each application the attachments it names; returns the names of the uploads used.

    A named file that was not uploaded keeps the same file of the stored version when there is one
    (so a corrected workbook can be re-imported without its attachments); otherwise it is a warning.
    """
    by_key = {_name_key(name): name for name in uploads}
    built: dict[str, Attachment] = {}
    used: set[str] = set()
    stored = _StoredApplications(storage, batch)
    for source, reference in references:
        application = applications.get(reference.credit_code)
        if application is None:
            continue
        upload = reference.filename if reference.filename in uploads else by_key.get(_name_key(reference.filename))
        if upload is not None:
            used.add(upload)
            if upload not in built:
                built[upload] = _attachment(upload, uploads[upload], reference)
            attachment = built[upload].model_copy(update={"kind": reference.kind})
        else:
            attachment = _stored_attachment(reference, stored, storage)
            if attachment is None:
                log.for_file(source).warning(f"引用的附件“{reference.filename}”没有随本次导入上传，该附件将视为缺失",
                                               reference.sheet, reference.row, reference.column)
                continue
        _add_attachment(application, attachment)
    for name in uploads.keys() - used:
        log.for_file(name).warning("该附件没有被任何申报书引用，未导入；请核对“附件文件名”各列")
    return used


def _name_key(name: str) -> str:
    """File names as compared when not identical: half width, case and surrounding spaces ignored."""
    return unicodedata.normalize("NFKC", name).strip().casefold()


def _attachment(name: str, content: bytes, reference: AttachmentReference) -> Attachment:
    return Attachment(kind=reference.kind, filename=name, sha256=hashlib.sha256(content).hexdigest(),
                      size=len(content), text=_extracted_text(name, content))


def _extracted_text(name: str, content: bytes) -> str:
    """The text of a plain-text attachment; other formats are kept as files only."""
    if Path(name).suffix.lower() not in TEXT_SUFFIXES:
        return ""
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            return content.decode(encoding)
        except UnicodeDecodeError:
            continue
    return content.decode("utf-8", errors="replace")


class _StoredApplications:
    """The batch's stored applications, read once and only if an attachment is missing."""

    def __init__(self, storage: Storage, batch: Batch):
        self.storage, self.batch_id = storage, batch.batch_id
        self._by_code: dict[str, Application] | None = None

    def get(self, credit_code: str) -> Application | None:
        if self._by_code is None:
            self._by_code = {a.credit_code: a for a in self.storage.list_applications(self.batch_id)}
        return self._by_code.get(credit_code)


def _stored_attachment(reference: AttachmentReference, stored: _StoredApplications,
                       storage: Storage) -> Attachment | None:
    """The same file as already stored: in the application's current version, or as a JSON file names it."""
    previous = stored.get(reference.credit_code)
    if previous is not None:
        for attachment in previous.attachments:
            if attachment.kind is reference.kind and attachment.filename == reference.filename:
                return attachment
    known = reference.known
    if known is not None and storage.attachment_content(known.sha256) is not None:
        return known
    return None


def _add_attachment(application: Application, attachment: Attachment) -> None:
    if not any(a.kind is attachment.kind and a.filename == attachment.filename for a in application.attachments):
        application.attachments.append(attachment)


# --- saving --------------------------------------------------------------------------------


def _save(storage: Storage, batch: Batch, applications: list[Application], uploads: dict[str, bytes],
          used: set[str], actor: str, reason: str, report: ImportReport) -> None:
    contents = {hashlib.sha256(uploads[name]).hexdigest(): uploads[name] for name in used}
    source = "导入：" + "、".join(report.files)
    with storage.transaction(actor) as tx:
        summary = enter_batch(storage, tx, batch, applications, source, contents)
        tx.audit(ActionKind.IMPORT, f"batch/{batch.batch_id}", reason, {
            "files": [{"name": name, "sha256": hashlib.sha256(content).hexdigest(), "size": len(content),
                       "role": _file_role(name, content, used)} for name, content in uploads.items()],
            "applications": len(applications),
            "created": summary.created, "updated": summary.updated, "unchanged": len(summary.unchanged),
            "warnings": len(report.warnings),
        })
        _pause_for_crash_test()
    report.created, report.updated, report.unchanged = summary.created, summary.updated, summary.unchanged
    report.imported = True


def enter_batch(storage: Storage, tx: Transaction, batch: Batch, applications: list[Application], source: str,
                files: dict[str, bytes]) -> SaveSummary:
    """How applications enter a batch, by import or by a city bureau's recommendation: new ones saved, changed ones
    versioned, identical ones left, and the formal and eligibility checks of each stored with it."""
    summary = storage.save_applications(tx, applications, source=source, files=files)
    storage.save_check_results(tx, batch.batch_id, {a.credit_code: run_checks(a, batch) for a in applications})
    return summary


def _file_role(name: str, content: bytes, used: set[str]) -> str:
    if _is_data_file(name, content):
        return "申报数据"
    return "附件" if name in used else "未引用的附件（未保存）"


def _pause_for_crash_test() -> None:
    """Tests only: signal that the transaction is written but not committed, then wait to be killed."""
    marker = os.environ.get(PAUSE_HOOK)
    if marker:
        Path(marker).touch()
        time.sleep(PAUSE_SECONDS)
