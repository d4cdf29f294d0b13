"""Score sheets as the pages show them: status badges, a sheet read-only against its rubric, and the printable
sheet for signing (PDF / Word) — shared by 我的评审, 评分 and 评审进度."""
from __future__ import annotations

from decimal import Decimal

import pandas as pd
import streamlit as st

from app_pages.widgets import common
from scoring.common.access import Principal
from scoring.review.figures import figures_for
from scoring.common.models import Application, Batch, ScoreSheet, SheetStatus
from scoring.review.rubrics import Criterion, Rubric, points_text
from scoring.review.sheet_prints import export_score_sheet
from scoring.storage import Storage

STATUS_BADGES = {
    SheetStatus.NOT_STARTED: ":gray-badge[:material/radio_button_unchecked: 未开始]",
    SheetStatus.DRAFT: ":orange-badge[:material/edit_note: 草稿]",
    SheetStatus.SUBMITTED: ":green-badge[:material/task_alt: 已提交]",
    SheetStatus.RECUSED: ":violet-badge[:material/block: 已回避]",
}
# Tag colours of the status column of a table, in the order of SheetStatus.
STATUS_COLUMN = st.column_config.MultiselectColumn(
    "状态", options=[str(s) for s in SheetStatus], color=["#9e9e9e", "#ff9800", "#2e7d32", "#7e57c2"],
    width="small")
FORMATS = {"pdf": ("PDF", "application/pdf"),
           "docx": ("Word", "application/vnd.openxmlformats-officedocument.wordprocessingml.document")}


def points(value: Decimal | None) -> str:
    return "—" if value is None else points_text(value)


def groups(rubric: Rubric) -> list[tuple[str, list[Criterion]]]:
    """The rubric's criteria under their group names, in the rubric's order; ungrouped ones last."""
    grouped = [(g.name, [c for c in rubric.criteria if c.group == g.id]) for g in rubric.groups]
    loose = [c for c in rubric.criteria if c.group is None]
    return [(name, criteria) for name, criteria in grouped if criteria] + ([("评分指标", loose)] if loose else [])


def bands_table(criterion: Criterion) -> pd.DataFrame:
    return pd.DataFrame([{"档次": b.label, "分数": b.range_text, "评分要点": b.guidance or "—"}
                         for b in sorted(criterion.bands, key=lambda b: b.min, reverse=True)])


def figures_text(application: Application, batch: Batch, criterion: Criterion) -> str:
    """The form's figures the rubric shows beside this criterion, on one line."""
    return "｜".join(f"{f.label} **{f.value}**" for f in figures_for(application, batch, criterion.figures))


def sheet_table(rubric: Rubric, sheet: ScoreSheet) -> pd.DataFrame:
    rows = []
    for _, criteria in groups(rubric):
        for criterion in criteria:
            given = sheet.scores.get(criterion.id)
            band = criterion.band_of(given) if given is not None else None
            rows.append({"指标": criterion.name, "得分": f"{points(given)} / {points_text(criterion.max_points)}",
                         "档次": band.label if band else "—", "评语": sheet.comments.get(criterion.id, "") or "—"})
    return pd.DataFrame(rows)


def show_sheet(rubric: Rubric, sheet: ScoreSheet) -> None:
    """A sheet read-only: every criterion with its score and comment, the total, the opinion, the dissent."""
    moment = sheet.submitted_at or sheet.saved_at
    st.markdown(f"{STATUS_BADGES[sheet.status]}　"
                + (f"提交于 {sheet.submitted_at:%Y-%m-%d %H:%M:%S}" if sheet.submitted_at else
                   f"最后保存 {moment:%Y-%m-%d %H:%M:%S}" if moment else "")
                + f"｜第 {sheet.revision} 版")
    st.table(sheet_table(rubric, sheet), hide_index=True)
    st.markdown(f"**合计**：{points_text(sheet.total)} / {points_text(rubric.total)} 分")
    st.markdown(f"**总体意见**：{sheet.opinion or '—'}")
    st.markdown(f"**意见说明**：{sheet.opinion_text or '—'}")
    if sheet.dissent:
        st.markdown(f"**不同意见**：{sheet.dissent}")


def export_section(store: Storage, principal: Principal, round_id: str, key: str,
                   expert_id: str | None = None, formats: tuple[str, ...] = ("pdf", "docx")) -> None:
    """Buttons that make the printable score sheet, then offer it for download (it is archived and audited)."""
    columns = st.columns(len(formats))
    for column, fmt in zip(columns, formats):
        label, mime = FORMATS[fmt]
        state_key = f"{key}_{fmt}_file"
        with column:
            if st.button(f"生成评分表（{label}）", key=f"{key}_{fmt}", icon=":material/print:"):
                with common.shown_errors():
                    st.session_state[state_key] = export_score_sheet(store, principal, round_id, expert_id=expert_id,
                                                                     fmt=fmt)
            exported = st.session_state.get(state_key)
            if exported is not None:
                st.download_button(f"下载 {exported.filename}", exported.content, file_name=exported.filename,
                                   mime=mime, key=f"{key}_{fmt}_download", icon=":material/download:")
                st.caption(f"SHA-256 {exported.sha256[:16]}…（已存档并记入审计日志）")
