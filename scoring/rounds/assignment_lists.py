"""Reading a round's assignment: the committed list for staff and observers, an expert's own tasks, the tables
people read, and the export of the list (.xlsx)."""
from __future__ import annotations

import hashlib
import os
from collections import Counter
from datetime import datetime
from pathlib import Path

import pandas as pd
from pydantic import BaseModel, ConfigDict

from scoring.common import clock
from scoring.common.access import AccessDenied, Permission, Principal, require
from scoring.rounds.assignment import (
    ApplicationFit,
    AssignedPair,
    AssignmentPreview,
    ExpertLoad,
    application_fits,
    expert_loads,
    pair_affinity,
    round_data,
)
from scoring.documents.assignment_workbook import ExportRow, write_assignment_workbook
from scoring.common.models import ActionKind, compact_code
from scoring.rounds.review_rounds import ReviewRound, RoundError, RoundKind, stored_round, round_entity
from scoring.storage import Storage
from scoring.storage import round_store as store



def export_root() -> Path:
    """Where exported lists go: SCORING_EXPORTS, or exports/ in the working directory."""
    return Path(os.environ.get("SCORING_EXPORTS") or "exports")


class AssignmentRow(BaseModel):
    """One committed pair as people read it; `conflict` says why it may no longer stand (e.g. a recusal since)."""

    model_config = ConfigDict(frozen=True)

    credit_code: str
    unit_name: str
    city: str
    expert_id: str
    expert_name: str
    expert_unit: str
    affinity: float
    panel: str
    source: str
    assigned_by: str
    assigned_at: datetime
    conflict: str = ""


class CommittedAssignment(BaseModel):
    """The round's assignment in force with each expert's load and each application's coverage."""

    review_round: ReviewRound
    rows: list[AssignmentRow]
    loads: list[ExpertLoad]
    fits: list[ApplicationFit]  # experts counted without the pairs that may no longer stand

    @property
    def uncovered(self) -> list[ApplicationFit]:
        """Applications with fewer experts than the round needs, e.g. after a recusal."""
        return [f for f in self.fits if f.experts < f.required]

    @property
    def barred(self) -> list[AssignmentRow]:
        return [r for r in self.rows if r.conflict]


def committed_assignment(storage: Storage, principal: Principal, round_id: str) -> CommittedAssignment:
    """The assignment in force, for those who may see every assignment of the batch (not experts)."""
    review_round = stored_round(storage, round_id)
    require(principal, Permission.VIEW_ASSIGNMENTS, review_round.batch_id)
    data = round_data(storage, review_round)
    rows = []
    for pair in data.committed:
        application = data.batch_applications.get(pair.credit_code)
        expert = data.experts.get(pair.expert_id)
        barred = data.barred((pair.credit_code, pair.expert_id))
        rows.append(AssignmentRow(
            credit_code=pair.credit_code, unit_name=data.unit_name(pair.credit_code),
            city=str(application.recommendation.city) if application else "", expert_id=pair.expert_id,
            expert_name=data.expert_name(pair.expert_id), expert_unit=expert.unit if expert else "",
            affinity=pair_affinity(application, expert) if application and expert else 0.0, panel=pair.panel,
            source=pair.source, assigned_by=pair.assigned_by, assigned_at=pair.assigned_at,
            conflict="；".join(barred)))
    standing = [AssignedPair(credit_code=r.credit_code, expert_id=r.expert_id, affinity=r.affinity, panel=r.panel)
                for r in rows if not r.conflict]
    return CommittedAssignment(review_round=review_round, rows=rows, fits=application_fits(data, standing),
                               loads=expert_loads(data, [AssignedPair(credit_code=r.credit_code,
                                                                      expert_id=r.expert_id, affinity=r.affinity)
                                                         for r in rows]))


# --- an expert's own tasks -------------------------------------------------------------------


class ExpertTask(BaseModel):
    """One application an expert reviews, with the round's rubric and times."""

    model_config = ConfigDict(frozen=True)

    round_id: str
    round_title: str
    kind: RoundKind
    batch_id: str
    rubric_id: str
    opens_at: datetime | None
    closes_at: datetime | None
    credit_code: str
    unit_name: str
    panel: str


def my_assignments(storage: Storage, principal: Principal, round_id: str | None = None) -> list[ExpertTask]:
    """The applications assigned to the signed-in expert, in the batches they score in; nobody else's."""
    if not principal.expert_id:
        raise AccessDenied(f"{principal.display_name}不是评审专家账号，没有自己的评审任务。")
    return _tasks_of(storage, principal.expert_id, round_id, lambda batch_id: principal.can(Permission.SCORE, batch_id))


def expert_assignments(storage: Storage, principal: Principal, expert_id: str,
                       round_id: str | None = None) -> list[ExpertTask]:
    """One expert's tasks: their own for an expert, anyone's for those who may see every assignment."""
    expert_id = compact_code(expert_id)
    if principal.expert_id and principal.expert_id == expert_id:
        return my_assignments(storage, principal, round_id)
    batch_id = stored_round(storage, round_id).batch_id if round_id else None
    require(principal, Permission.VIEW_ASSIGNMENTS, batch_id)
    return _tasks_of(storage, expert_id, round_id, lambda batch: principal.can(Permission.VIEW_ASSIGNMENTS, batch))


def _tasks_of(storage: Storage, expert_id: str, round_id: str | None, may_see) -> list[ExpertTask]:
    rounds: dict[str, ReviewRound] = {}
    tasks = []
    for pair in store.pairs_of_expert(storage, expert_id, round_id):
        if pair.round_id not in rounds:
            rounds[pair.round_id] = stored_round(storage, pair.round_id)
        review_round = rounds[pair.round_id]
        if not may_see(review_round.batch_id):
            continue
        application = storage.get_application(review_round.batch_id, pair.credit_code)
        tasks.append(ExpertTask(
            round_id=review_round.round_id, round_title=review_round.title or str(review_round.kind),
            kind=review_round.kind, batch_id=review_round.batch_id, rubric_id=review_round.rubric_id,
            opens_at=review_round.opens_at, closes_at=review_round.closes_at, credit_code=pair.credit_code,
            unit_name=application.basic.unit_name if application else pair.credit_code, panel=pair.panel))
    return tasks


# --- tables for people -----------------------------------------------------------------------


def preview_table(preview: AssignmentPreview, names: dict[str, str], units: dict[str, str]) -> pd.DataFrame:
    """The previewed pairs, each marked new or kept."""
    added = {p.key for p in preview.added}
    rows = [{"申报单位": units.get(p.credit_code, p.credit_code), "统一社会信用代码": p.credit_code,
             "专家编号": p.expert_id, "专家": names.get(p.expert_id, p.expert_id), "匹配度": p.affinity,
             "评审组": p.panel, "变化": "新增" if p.key in added else "保留"} for p in preview.pairs]
    return pd.DataFrame(rows, columns=["申报单位", "统一社会信用代码", "专家编号", "专家", "匹配度", "评审组", "变化"])


def changes_table(preview: AssignmentPreview, names: dict[str, str], units: dict[str, str]) -> pd.DataFrame:
    rows = [{"变化": change, "申报单位": units.get(p.credit_code, p.credit_code), "统一社会信用代码": p.credit_code,
             "专家编号": p.expert_id, "专家": names.get(p.expert_id, p.expert_id), "评审组": p.panel}
            for change, pairs in (("新增", preview.added), ("移除", preview.removed)) for p in pairs]
    return pd.DataFrame(rows, columns=["变化", "申报单位", "统一社会信用代码", "专家编号", "专家", "评审组"])


def loads_table(loads: list[ExpertLoad]) -> pd.DataFrame:
    rows = [{"专家编号": l.expert_id, "专家": l.name, "单位": l.unit, "评审数": l.load, "已确认评审数": l.committed,
             "下限": l.minimum, "上限": l.maximum} for l in loads]
    return pd.DataFrame(rows, columns=["专家编号", "专家", "单位", "评审数", "已确认评审数", "下限", "上限"])


def fits_table(fits: list[ApplicationFit]) -> pd.DataFrame:
    rows = [{"申报单位": f.unit_name, "统一社会信用代码": f.credit_code, "推荐市局": f.city, "评审组": f.panel,
             "专家数": f.experts, "所需专家数": f.required, "平均匹配度": f.mean_affinity,
             "状态": "缺额" if f.experts < f.required else "已配满"} for f in fits]
    return pd.DataFrame(rows, columns=["申报单位", "统一社会信用代码", "推荐市局", "评审组", "专家数", "所需专家数",
                                       "平均匹配度", "状态"])


def committed_table(view: CommittedAssignment) -> pd.DataFrame:
    rows = [{"序号": n, "申报单位": r.unit_name, "统一社会信用代码": r.credit_code, "推荐市局": r.city,
             "专家编号": r.expert_id, "专家": r.expert_name, "专家单位": r.expert_unit, "匹配度": r.affinity,
             "评审组": r.panel, "来源": r.source, "回避": r.conflict or "—"} for n, r in enumerate(view.rows, 1)]
    return pd.DataFrame(rows, columns=["序号", "申报单位", "统一社会信用代码", "推荐市局", "专家编号", "专家", "专家单位",
                                       "匹配度", "评审组", "来源", "回避"])


def preview_names(preview: AssignmentPreview) -> tuple[dict[str, str], dict[str, str]]:
    """Expert names and unit names of a preview, from its loads and fits."""
    return ({l.expert_id: l.name for l in preview.loads}, {f.credit_code: f.unit_name for f in preview.fits})


def load_counts(loads: list[ExpertLoad]) -> dict[int, int]:
    """How many experts carry each load: {0: 3, 4: 20, 5: 37}."""
    return dict(sorted(Counter(l.load for l in loads).items()))


# --- export ----------------------------------------------------------------------------------


class AssignmentExport(BaseModel):
    """An exported assignment list: where it was written, its hash (in the audit log), and its bytes."""

    path: Path
    filename: str
    sha256: str
    rows: int
    content: bytes


def export_assignment(storage: Storage, principal: Principal, round_id: str,
                      root: Path | None = None) -> AssignmentExport:
    """The committed assignment as .xlsx under <root>/<batch>/<round>/ (root: `export_root()`), recorded in the
    audit log with its SHA-256."""
    view = committed_assignment(storage, principal, round_id)
    review_round = view.review_round
    if not view.rows:
        raise RoundError(f"评审轮次 {round_id} 尚未确认分配，没有可导出的名单。")
    rows = [ExportRow(unit_name=r.unit_name, credit_code=r.credit_code, city=r.city, expert_name=r.expert_name,
                      expert_unit=r.expert_unit, affinity=r.affinity, panel=r.panel) for r in view.rows]
    title = f"{review_round.title or review_round.kind}评审分配名单（{review_round.round_id}）"
    content = write_assignment_workbook(title, rows)
    digest = hashlib.sha256(content).hexdigest()
    filename = f"评审分配名单-{review_round.round_id}-{clock.now():%Y%m%d-%H%M%S}.xlsx"
    path = Path(root or export_root()) / review_round.batch_id / review_round.round_id / filename
    with storage.transaction(principal.actor) as tx:
        tx.audit(ActionKind.ASSIGNMENT_EXPORT, round_entity(review_round.batch_id, round_id), "",
                 {"path": str(path), "sha256": digest, "rows": len(rows)})
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(content)
    return AssignmentExport(path=path, filename=filename, sha256=digest, rows=len(rows), content=content)
