"""Exports of a round's ranking — the ranked list (.xlsx) and the panel's summary of scores (专家组评分汇总表, PDF or
.docx) — written under exports/<batch>/<round>/ and recorded in the audit log with their SHA-256; staff and
observers only."""
from __future__ import annotations

import hashlib
from pathlib import Path
from typing import Literal

from pydantic import BaseModel

from scoring.common import clock
from scoring.common.access import Principal
from scoring.common.models import ActionKind
from scoring.results.aggregation import aggregate_round, sheet_totals
from scoring.rounds.assignment_lists import export_root
from scoring.documents.ranking_workbook import (
    PanelCell,
    PanelMember,
    PanelRow,
    PanelSummary,
    panel_summary_docx,
    panel_summary_pdf,
    panel_title,
    ranking_workbook,
    shortlist_workbook,
)
from scoring.results.ranking import RoundRanking, round_ranking
from scoring.rounds.review_rounds import round_entity
from scoring.review.sheet_prints import _free_name
from scoring.review.score_sheets import ScoringError
from scoring.results.shortlist import shortlists
from scoring.storage import Storage
from scoring.storage import expert_store, round_store

RankingKind = Literal["ranking", "panel_summary", "shortlist"]
ExportFormat = Literal["xlsx", "pdf", "docx"]
PANEL_RENDERERS = {"pdf": panel_summary_pdf, "docx": panel_summary_docx}
MEDIA_TYPES = {"xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
               "pdf": "application/pdf",
               "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document"}
STEMS = {"ranking": "评审排名", "panel_summary": "专家组评分汇总表", "shortlist": "拟入选名单"}


class RankingExport(BaseModel):
    """An exported ranking document: where it was written, its hash (in the audit log), and its bytes."""

    path: Path
    filename: str
    sha256: str
    kind: RankingKind
    format: ExportFormat
    rows: int
    content: bytes

    @property
    def media_type(self) -> str:
        return MEDIA_TYPES[self.format]


def panel_summary(storage: Storage, principal: Principal, round_id: str,
                  ranking: RoundRanking | None = None) -> PanelSummary:
    """The panel's summary of a round: its members — every expert with a current pair in the round, by expert
    number — as columns holding their submitted totals, the totals the trimmed mean dropped marked, and the
    applications in rank order."""
    ranking = ranking or round_ranking(storage, principal, round_id)  # checks the permission
    totals = sheet_totals(storage, principal, round_id)
    dropped = {s.credit_code: s.dropped for s in aggregate_round(storage, principal, round_id)}
    member_ids = sorted({p.expert_id for p in round_store.current_pairs(storage, round_id)}
                        | {e for sheets in totals.values() for e in sheets})
    names = {e.expert_id: e.name for e in expert_store.load_experts(storage, include_inactive=True)}
    members = [PanelMember(expert_id=e, name=names.get(e, e)) for e in member_ids]
    rows = []
    for row in ranking.rows:
        own = totals.get(row.credit_code, {})
        cells = [PanelCell(total=own.get(m), dropped=m in dropped.get(row.credit_code, {})) if m in own
                 else PanelCell() for m in member_ids]
        rows.append(PanelRow(rank=row.rank, unit_name=row.unit_name, credit_code=row.credit_code, cells=cells,
                             mean=row.mean, expert_score=row.expert_score, trimmed=row.trimmed, bonus=row.bonus,
                             final=row.final))
    return PanelSummary(title=panel_title(ranking.rubric.title), round_label=ranking.review_round.label,
                        printed_on=clock.today(), members=members, rows=rows,
                        expert_score_rule=ranking.rubric.aggregation.expert_score_rule())


def _write(storage: Storage, principal: Principal, ranking: RoundRanking, kind: RankingKind, fmt: ExportFormat,
           content: bytes, root: Path | None) -> RankingExport:
    review_round = ranking.review_round
    digest = hashlib.sha256(content).hexdigest()
    folder = Path(root or export_root()) / review_round.batch_id / review_round.round_id
    filename = _free_name(folder, f"{STEMS[kind]}-{review_round.round_id}-{clock.now():%Y%m%d-%H%M%S}", fmt)
    path = folder / filename
    with storage.transaction(principal.actor) as tx:
        tx.audit(ActionKind.RANKING_EXPORT, round_entity(review_round.batch_id, review_round.round_id), "",
                 {"path": str(path), "sha256": digest, "kind": kind, "format": fmt})
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(content)
    return RankingExport(path=path, filename=filename, sha256=digest, kind=kind, format=fmt,
                         rows=len(ranking.rows), content=content)


def export_ranking(storage: Storage, principal: Principal, round_id: str, root: Path | None = None) -> RankingExport:
    """The round's ranked list as .xlsx under <root>/<batch>/<round>/ (root: `export_root()`), audited with its
    SHA-256."""
    ranking = round_ranking(storage, principal, round_id)
    review_round = ranking.review_round
    title = f"{review_round.title or review_round.kind}评审排名（{review_round.round_id}）"
    return _write(storage, principal, ranking, "ranking", "xlsx", ranking_workbook(title, ranking.rows), root)


def export_shortlist(storage: Storage, principal: Principal, round_id: str, version: int | None = None,
                     root: Path | None = None) -> RankingExport:
    """A frozen shortlist (the newest, or `version`) as .xlsx under <root>/<batch>/<round>/, audited with its
    SHA-256; the sheet names the version and its content hash."""
    frozen = shortlists(storage, principal, round_id)
    chosen = frozen[-1] if frozen and version is None else next((s for s in frozen if s.version == version), None)
    if chosen is None:
        raise ScoringError("尚未确定拟入选名单。" if version is None else f"没有第 {version} 版拟入选名单。")
    ranking = round_ranking(storage, principal, round_id)
    review_round = ranking.review_round
    title = f"{review_round.title or review_round.kind}拟入选名单（{review_round.round_id}）"
    provenance = (f"第 {chosen.version} 版，{chosen.rule.describe()}；{chosen.created_at:%Y-%m-%d %H:%M} 由 "
                  f"{chosen.created_by} 确定；内容 SHA-256 {chosen.sha256}")
    content = shortlist_workbook(title, provenance, chosen.entries)
    return _write(storage, principal, ranking, "shortlist", "xlsx", content, root)


def export_panel_summary(storage: Storage, principal: Principal, round_id: str, fmt: Literal["pdf", "docx"] = "pdf",
                         root: Path | None = None) -> RankingExport:
    """The panel's summary of scores as PDF or .docx under <root>/<batch>/<round>/, audited with its SHA-256."""
    if fmt not in PANEL_RENDERERS:
        raise ScoringError(f"不支持的导出格式 {fmt}，可选 pdf 或 docx。")
    ranking = round_ranking(storage, principal, round_id)
    document = panel_summary(storage, principal, round_id, ranking)
    return _write(storage, principal, ranking, "panel_summary", fmt, PANEL_RENDERERS[fmt](document), root)
