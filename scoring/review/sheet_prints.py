"""The printable score sheet of one expert in one round (专家评分表, PDF or .docx): what each reader may see on it,
and its export under exports/<batch>/<round>/ recorded in the audit log with its SHA-256.

Independence holds on paper as on screen: an expert prints only their own sheet (drafts included, marked as such);
staff and observers print any expert's, with the contents of submitted sheets only."""
from __future__ import annotations

import hashlib
from decimal import Decimal
from pathlib import Path
from typing import Literal

from pydantic import BaseModel

from scoring.common import clock
from scoring.common.access import AccessDenied, Permission, Principal, require
from scoring.rounds.assignment_lists import export_root
from scoring.documents.score_sheet_print import (
    CriterionRow,
    ItemState,
    ScoreSheetDocument,
    SheetItem,
    score_sheet_docx,
    score_sheet_pdf,
    sheet_title,
)
from scoring.common.models import ActionKind, ScoreSheet, SheetStatus, compact_code
from scoring.rounds.review_rounds import ReviewRound, round_entity, round_rubric, stored_round
from scoring.review.rubrics import Rubric
from scoring.review.score_sheets import ScoringError
from scoring.storage import Storage
from scoring.storage import expert_store, round_store, sheet_store

SheetFormat = Literal["pdf", "docx"]
RENDERERS = {"pdf": score_sheet_pdf, "docx": score_sheet_docx}
MEDIA_TYPES = {"pdf": "application/pdf",
               "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document"}


class ScoreSheetExport(BaseModel):
    """An exported score sheet: where it was written, its hash (in the audit log), and its bytes."""

    path: Path
    filename: str
    sha256: str
    format: SheetFormat
    items: int
    content: bytes

    @property
    def media_type(self) -> str:
        return MEDIA_TYPES[self.format]


def _reader(principal: Principal, review_round: ReviewRound, expert_id: str | None) -> tuple[str, bool]:
    """Whose sheet is printed, and whether the reader is that expert (who may see their own drafts)."""
    if principal.expert_id:
        if expert_id is not None and compact_code(expert_id) != principal.expert_id:
            raise AccessDenied("评审专家只能导出本人的评分表。")
        require(principal, Permission.SCORE, review_round.batch_id)
        return principal.expert_id, True
    require(principal, Permission.VIEW_ASSIGNMENTS, review_round.batch_id)
    if not expert_id:
        raise ScoringError("请指定要导出评分表的专家。")
    return compact_code(expert_id), False


def sheet_item(rubric: Rubric, unit_name: str, credit_code: str, sheet: ScoreSheet | None, own: bool) -> SheetItem:
    """One application as printed for its expert (`own`) or for staff, who never see what is not submitted."""
    status = sheet.status if sheet else SheetStatus.NOT_STARTED
    if status is SheetStatus.RECUSED:
        return SheetItem(unit_name=unit_name, credit_code=credit_code, state=ItemState.RECUSED, max_total=rubric.total)
    if status is not SheetStatus.SUBMITTED and not own:
        return SheetItem(unit_name=unit_name, credit_code=credit_code, state=ItemState.WITHHELD,
                         max_total=rubric.total)
    state = {SheetStatus.SUBMITTED: ItemState.SUBMITTED, SheetStatus.DRAFT: ItemState.DRAFT,
             SheetStatus.NOT_STARTED: ItemState.NOT_STARTED}[status]
    scores = sheet.scores if sheet else {}
    comments = sheet.comments if sheet else {}
    rows = [CriterionRow(number=n, name=c.name, group=rubric.group_name(c.group), max_points=c.max_points,
                         points=scores.get(c.id), comment=comments.get(c.id, ""))
            for n, c in enumerate(rubric.criteria, 1)]
    scored = [r.points for r in rows if r.points is not None]
    return SheetItem(unit_name=unit_name, credit_code=credit_code, state=state, max_total=rubric.total, rows=rows,
                     total=sum(scored, Decimal("0")) if scored else None,
                     opinion=str(sheet.opinion) if sheet and sheet.opinion else "",
                     opinion_text=sheet.opinion_text if sheet else "", dissent=sheet.dissent if sheet else "",
                     submitted_at=sheet.submitted_at if state is ItemState.SUBMITTED else None)


def score_sheet_document(storage: Storage, principal: Principal, round_id: str,
                         expert_id: str | None = None) -> ScoreSheetDocument:
    """What an expert's printed sheet shows to this reader: the expert's assigned applications of the round in
    credit-code order, each with its sheet as the reader may see it."""
    review_round = stored_round(storage, round_id)
    owner, own = _reader(principal, review_round, expert_id)
    pairs = sorted(round_store.pairs_of_expert(storage, owner, round_id), key=lambda p: p.credit_code)
    if not pairs:
        raise ScoringError(f"评审轮次 {round_id} 没有分配给专家 {owner} 的申报书，没有可导出的评分表。")
    rubric = round_rubric(storage, review_round)
    sheets = {s.credit_code: s for s in sheet_store.load_sheets(storage, round_id, owner)}
    items = []
    for pair in pairs:
        application = storage.get_application(review_round.batch_id, pair.credit_code)
        unit_name = application.basic.unit_name if application else pair.credit_code
        items.append(sheet_item(rubric, unit_name, pair.credit_code, sheets.get(pair.credit_code), own))
    expert = expert_store.load_expert(storage, owner)
    return ScoreSheetDocument(title=sheet_title(rubric.title), round_label=review_round.label, expert_id=owner,
                              expert_name=expert.name if expert else owner, expert_unit=expert.unit if expert else "",
                              printed_on=clock.today(), items=items)


def _free_name(folder: Path, stem: str, ext: str) -> str:
    """The file name, numbered when an export of the same second exists: each audited hash keeps its file."""
    name, n = f"{stem}.{ext}", 1
    while (folder / name).exists():
        n += 1
        name = f"{stem}-{n}.{ext}"
    return name


def export_score_sheet(storage: Storage, principal: Principal, round_id: str, expert_id: str | None = None,
                       fmt: SheetFormat = "pdf", root: Path | None = None) -> ScoreSheetExport:
    """The expert's score sheet as PDF or .docx under <root>/<batch>/<round>/ (root: `export_root()`), recorded in
    the audit log with its SHA-256."""
    if fmt not in RENDERERS:
        raise ScoringError(f"不支持的导出格式 {fmt}，可选 pdf 或 docx。")
    review_round = stored_round(storage, round_id)
    document = score_sheet_document(storage, principal, round_id, expert_id)
    content = RENDERERS[fmt](document)
    digest = hashlib.sha256(content).hexdigest()
    folder = Path(root or export_root()) / review_round.batch_id / review_round.round_id
    filename = _free_name(folder, f"评分表-{document.expert_id}-{clock.now():%Y%m%d-%H%M%S}", fmt)
    path = folder / filename
    with storage.transaction(principal.actor) as tx:
        tx.audit(ActionKind.SHEET_EXPORT, round_entity(review_round.batch_id, round_id), "",
                 {"path": str(path), "sha256": digest, "expert_id": document.expert_id, "format": fmt})
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(content)
    return ScoreSheetExport(path=path, filename=filename, sha256=digest, format=fmt, items=len(document.items),
                            content=content)
