"""Applications in the models' own JSON form: a list of applications, or {"applications": [...]}.

Problems are located by the application's position in the list (1-based, reported as the row) and the
JSON path inside it (reported as the column), e.g. row 2, column “patents[0].invention”.
"""
from __future__ import annotations

import json
from decimal import Decimal

from pydantic import ValidationError

from scoring.documents import MAX_FILE_BYTES, AttachmentReference, IssueLog, ParsedFile
from scoring.common.models import Application
from scoring.common.normalize import explain_validation_error

def read_json(content: bytes, filename: str, batch_id: str) -> ParsedFile:
    """Every application of a JSON file for batch `batch_id`, the attachments they name, and every problem."""
    log = IssueLog(filename)
    items = _application_items(content, log)
    parsed = ParsedFile(filename=filename)
    seen: dict[str, int] = {}
    for position, item in enumerate(items or [], start=1):
        application = _application(item, position, batch_id, log)
        if application is None:
            continue
        code = application.credit_code
        if code in seen:
            log.error(f"统一社会信用代码 {code} 与第{seen[code]}份申报书重复", row=position, column="basic.credit_code")
            continue
        seen[code] = position
        parsed.references.extend(
            AttachmentReference(credit_code=code, kind=a.kind, filename=a.filename, row=position,
                                column=f"attachments[{i}].filename", known=a)
            for i, a in enumerate(application.attachments))
        parsed.applications.append(application.model_copy(update={"attachments": []}))
        parsed.origins[code] = ("", position)
    parsed.issues = log.issues
    return parsed


def _application_items(content: bytes, log: IssueLog) -> list | None:
    """The list of application objects in the file, or None with the reason logged."""
    if len(content) > MAX_FILE_BYTES:
        log.error(f"文件超过 {MAX_FILE_BYTES // 1024 // 1024} MB 的上限，请拆分后上传")
        return None
    try:
        text = content.decode("utf-8-sig")
    except UnicodeDecodeError:
        log.error("文件不是 UTF-8 编码的 JSON 文本")
        return None
    try:
        document = json.loads(text, parse_float=Decimal)  # amounts stay exact decimals, never binary floats
    except json.JSONDecodeError as exc:
        log.error(f"不是有效的 JSON：第{exc.lineno}行第{exc.colno}列附近有格式错误")
        return None
    if isinstance(document, dict) and isinstance(document.get("applications"), list):
        return document["applications"]
    if isinstance(document, list):
        return document
    log.error("JSON 的内容应为申报书列表，或包含“applications”列表的对象")
    return None


def _application(item: object, position: int, batch_id: str, log: IssueLog) -> Application | None:
    if not isinstance(item, dict):
        log.error("应为一份申报书（JSON 对象）", row=position)
        return None
    written = item.get("batch_id")
    if written in (None, ""):
        item = {**item, "batch_id": batch_id}
    elif written != batch_id:
        log.error(f"属于批次“{written}”，与导入的目标批次“{batch_id}”不一致", row=position, column="batch_id")
        return None
    try:
        return Application.model_validate(item)
    except ValidationError as exc:
        for error in exc.errors():
            log.error(explain_validation_error(error), row=position, column=json_path(error["loc"]))
        return None


def json_path(loc: tuple) -> str:
    """A pydantic error location as a JSON path: ("patents", 0, "invention") → "patents[0].invention"."""
    path = ""
    for part in loc:
        path += f"[{part}]" if isinstance(part, int) else (f".{part}" if path else str(part))
    return path
