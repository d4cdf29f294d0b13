"""The application form as people read it, section by section: shared by 申报详情 (staff) and 评分 (experts), who
differ only in how an attachment's file is fetched (each through the domain function that checks their rights)."""
from __future__ import annotations

import re
from collections.abc import Callable, Sequence

import streamlit as st

from scoring.documents.application_form_docx import form_docx
from scoring.documents.application_form_pdf import form_pdf
from scoring.intake import overview
from scoring.common.models import Application, Attachment, AttachmentKind, Batch
from scoring.common.presentation import display_value, labelled_fields, rows_table

SECTIONS = ("基本信息", "知识产权管理", "专利产出与转化", "经费预算", "附件")

ContentOf = Callable[[Attachment], bytes | None]

_MARKDOWN_SPECIAL = re.compile(r"([\\`*_\[\]#$<>~|])")


def plain_markdown(text: str) -> str:
    """Text shown as written: markdown characters escaped, each line break kept."""
    lines = [_MARKDOWN_SPECIAL.sub(r"\\\1", line) for line in text.splitlines()]
    return "  \n".join(re.sub(r"^(\s*)([-+]|\d+\.)(\s)", r"\1\\\2\3", line) for line in lines)


def show_pairs(pairs: Sequence[tuple[str, str]]) -> None:
    """Two to a row, row by row: on a phone, where the columns stack, the fields keep the form's order."""
    for start in range(0, len(pairs), 2):
        for column, (label, value) in zip(st.columns(2), pairs[start:start + 2]):
            column.markdown(f"**{label}**：{value}")


def show_figures(app: Application, batch: Batch, wrap: bool = False) -> None:
    """The three-year figures the eligibility rules and the rubric read (`wrap`: a static table whose text wraps,
    for a narrow column)."""
    table = overview.figures_table(app, batch)
    if wrap:
        st.table(table, hide_index=True)
    else:
        st.dataframe(table, hide_index=True)


def show_sections(containers: Sequence, app: Application, content_of: ContentOf, key_prefix: str = "download") -> None:
    """Fill one container (a tab) per entry of SECTIONS with that part of the form."""
    basic, management, patents, budget, attachments = containers
    with basic:
        show_pairs(labelled_fields(app.basic, skip=("overall_situation",)))
        st.markdown("**试点负责人**")
        show_pairs(labelled_fields(app.basic.lead))
        st.markdown("**试点联系人**")
        show_pairs(labelled_fields(app.basic.contact))
        show_pairs(labelled_fields(app.commitment) + labelled_fields(app.recommendation)
                   + [("提交日期", display_value(app.submitted_on))])
        st.markdown("**试点申报单位总体情况**")
        st.write(app.basic.overall_situation or "—")
    with management:
        show_pairs(labelled_fields(app.ip_management))
        st.markdown("**知识产权管理制度建设情况**")
        st.dataframe(rows_table(app.ip_management.rule_documents), hide_index=True)
        st.markdown("**近三年知识产权管理经费投入**")
        st.dataframe(rows_table(app.ip_management.spending), hide_index=True)
        st.markdown("**优先申报条件（申报单位自述，待核实）**")
        st.dataframe(rows_table(app.priority_claims), hide_index=True)
        st.markdown("**知识产权运营机构建设情况**")
        st.write(app.operation_institution or "—")
        st.markdown("**从事专利转化专职人员情况**")
        st.write(app.conversion_staff_situation or "—")
    with patents:
        st.markdown("**专利授权与有效专利**")
        st.dataframe(rows_table(app.patents), hide_index=True)
        st.markdown("**专利转让、许可、作价入股**")
        st.dataframe(rows_table(app.conversions), hide_index=True)
        st.markdown(f"**近三年累计对接企业数**：{display_value(app.enterprises_connected)}")
    with budget:
        st.dataframe(rows_table(app.budget.rows), hide_index=True)
        st.markdown(f"合计（各行之和）：{display_value(app.budget.total)} 万元；其中拟定申请 "
                    f"{display_value(app.budget.requested)} 万元，拟定配套 {display_value(app.budget.matching)} 万元；"
                    f"申报书所填合计：{display_value(app.budget.declared_total)} 万元。")
    with attachments:
        show_attachments(app, content_of, key_prefix)


def show_attachments(app: Application, content_of: ContentOf, key_prefix: str = "download") -> None:
    if not app.attachments:
        st.info("没有附件。")
    for attachment in app.attachments:
        with st.container(border=True):
            st.markdown(f"**{attachment.kind}**：{attachment.filename}（{attachment.size:,} 字节，"
                        f"SHA-256 {attachment.sha256[:16]}…）")
            download(attachment, content_of, key_prefix)
            if attachment.kind is AttachmentKind.PLAN and attachment.text:
                with st.expander("查看全文"):
                    st.text(attachment.text)


def download(attachment: Attachment, content_of: ContentOf, key_prefix: str, label: str = "下载") -> None:
    content = content_of(attachment)
    if content is not None:
        st.download_button(label, content, file_name=attachment.filename, key=f"{key_prefix}_{attachment.sha256}",
                           icon=":material/download:")


def form_downloads(app: Application, batch: Batch, key_prefix: str) -> None:
    """The 申报书 in the guideline's layout, as Word and as PDF, made when clicked (a layout is not worth making on
    every rerun)."""
    name = f"{app.basic.unit_name}申报书"
    left, right = st.columns(2)
    left.download_button("下载申报书（Word）", lambda: form_docx(app, batch.title, batch.window), file_name=f"{name}.docx",
                         key=f"{key_prefix}_form_docx", icon=":material/description:")
    right.download_button("下载申报书（PDF）", lambda: form_pdf(app, batch.title, batch.window), file_name=f"{name}.pdf",
                          key=f"{key_prefix}_form_pdf", icon=":material/picture_as_pdf:")


def show_plan(app: Application, content_of: ContentOf, key_prefix: str, height: int = 640) -> None:
    """The three-year plan (三年建设方案) to read in the page, and its file."""
    plans = [a for a in app.attachments if a.kind is AttachmentKind.PLAN]
    if not plans:
        st.info("申报书没有附三年建设方案。")
    for plan in plans:
        st.caption(f"{plan.filename}（{plan.size:,} 字节）")
        download(plan, content_of, key_prefix, label="下载原文件")
        if plan.text:
            with st.container(height=height, border=True):
                st.markdown(plain_markdown(plan.text))
        else:
            st.info("未能提取该文件的文字，请下载原文件阅读。")
