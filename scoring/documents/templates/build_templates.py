"""Rebuilds the Word templates of this folder with python-docx: `python -m scoring.documents.templates.build_templates`.

Staff may edit a template in Word afterwards (wording, fonts, margins); keep every `{{ … }}` and `{%… %}` tag whole
and in one run, and render it once (tests/test_score_sheet_export.py renders every template here). Running this
script again overwrites such edits. The output is byte-for-byte the same on every run (fixed zip times and document
properties), so a rebuild shows up in version control only when the layout changed."""
from __future__ import annotations

import io
import sys
import zipfile
from datetime import datetime
from pathlib import Path

from docx import Document
from docx.enum.section import WD_ORIENT
from docx.enum.table import WD_CELL_VERTICAL_ALIGNMENT, WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Pt, RGBColor

from scoring.documents.fonts import WORD_FONTS, WORD_LATIN, FontRole

HERE = Path(__file__).resolve().parent
SCORE_SHEET = HERE / "score_sheet.docx"
PANEL_SUMMARY = HERE / "panel_summary.docx"
FIXED_TIME = datetime(2024, 1, 1)
RED = RGBColor(0xC0, 0x00, 0x00)
# 序号 评分指标 满分 得分 评语: 15.6 cm, the text width of A4 with GB/T 9704's side margins (28 mm, 26 mm).
COLUMN_WIDTHS = (Cm(1.2), Cm(4.4), Cm(1.4), Cm(1.4), Cm(7.2))


def _fonts(target, role: FontRole, size: float, bold: bool = False) -> None:
    """Latin text in Times New Roman, Chinese in the role's Word face (w:eastAsia, which python-docx does not set)."""
    font = target.font
    font.name = WORD_LATIN
    font.size = Pt(size)
    font.bold = bold
    fonts = target.element.get_or_add_rPr().get_or_add_rFonts()
    fonts.set(qn("w:eastAsia"), WORD_FONTS[role])
    fonts.set(qn("w:hint"), "eastAsia")


def _style(doc, name: str, role: FontRole, size: float, bold: bool = False, align=None, before: float = 0,
           after: float = 0, keep_with_next: bool = False):
    style = doc.styles.add_style(name, 1)  # 1: paragraph style
    style.base_style = doc.styles["Normal"]
    style.quick_style = True
    _fonts(style, role, size, bold)
    fmt = style.paragraph_format
    fmt.space_before, fmt.space_after = Pt(before), Pt(after)
    fmt.keep_with_next = keep_with_next
    if align is not None:
        fmt.alignment = align
    return style


def _paragraph(doc_or_cell, text: str = "", style: str | None = None, align=None):
    paragraph = doc_or_cell.add_paragraph(text, style=style)
    if align is not None:
        paragraph.alignment = align
    return paragraph


def _cell(cell, text: str, style: str = "评分表表格", align=WD_ALIGN_PARAGRAPH.LEFT):
    """A cell holding one paragraph of `text` in the table style."""
    paragraph = cell.paragraphs[0]
    paragraph.style = style
    paragraph.alignment = align
    if text:
        paragraph.add_run(text)
    cell.vertical_alignment = WD_CELL_VERTICAL_ALIGNMENT.CENTER


def _shade(cell, fill: str) -> None:
    shading = OxmlElement("w:shd")
    shading.set(qn("w:val"), "clear")
    shading.set(qn("w:color"), "auto")
    shading.set(qn("w:fill"), fill)
    cell._tc.get_or_add_tcPr().append(shading)


def _row_flags(row, header: bool = False) -> None:
    """A row never splits across pages; the header row repeats on each page the table spans."""
    props = row._tr.get_or_add_trPr()
    props.append(OxmlElement("w:cantSplit"))
    if header:
        props.append(OxmlElement("w:tblHeader"))


def _tag_row(table, tag: str) -> None:
    """A row holding only a docxtpl row tag ({%tr … %}); docxtpl replaces the whole row by the tag."""
    row = table.add_row()
    _cell(row.cells[0], tag)


def _field(paragraph, instruction: str) -> None:
    """A Word field (PAGE, NUMPAGES) that Word fills in when it lays out the page."""
    field = OxmlElement("w:fldSimple")
    field.set(qn("w:instr"), instruction)
    run = OxmlElement("w:r")
    text = OxmlElement("w:t")
    text.text = "1"
    run.append(text)
    field.append(run)
    paragraph._p.append(field)


def _scores_table(doc) -> None:
    table = doc.add_table(rows=1, cols=5)
    table.style = doc.styles["Table Grid"]
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    table.autofit = False
    header = table.rows[0]
    _row_flags(header, header=True)
    for cell, name in zip(header.cells, ("序号", "评分指标", "满分", "得分", "评语")):
        _cell(cell, name, "评分表表头", WD_ALIGN_PARAGRAPH.CENTER)
        _shade(cell, "F0F0F0")

    _tag_row(table, "{%tr for row in item.lines %}")
    _tag_row(table, "{%tr if row.heading %}")
    group = table.add_row()
    _row_flags(group)
    merged = group.cells[0].merge(group.cells[4])
    _cell(merged, "{{ row.heading }}", "评分表表头")
    _shade(merged, "FAFAFA")
    _tag_row(table, "{%tr else %}")
    criterion = table.add_row()
    _row_flags(criterion)
    center = WD_ALIGN_PARAGRAPH.CENTER
    for cell, text, align in zip(criterion.cells,
                                 ("{{ row.number }}", "{{ row.name }}", "{{ row.max_points }}", "{{ row.points }}",
                                  "{{ row.comment }}"),
                                 (center, None, center, center, None)):
        _cell(cell, text, align=align or WD_ALIGN_PARAGRAPH.LEFT)
    _tag_row(table, "{%tr endif %}")
    _tag_row(table, "{%tr endfor %}")

    total = table.add_row()
    _row_flags(total)
    _cell(total.cells[0].merge(total.cells[1]), "合计", "评分表表头", center)
    _cell(total.cells[2], "{{ item.max_total }}", align=center)
    _cell(total.cells[3], "{{ item.total }}", align=center)
    for label, value in (("总体意见", "{{ item.opinion }}"), ("意见说明", "{{ item.opinion_text }}"),
                         ("不同意见", "{{ item.dissent }}")):
        row = table.add_row()
        _row_flags(row)
        _cell(row.cells[0].merge(row.cells[1]), label, "评分表表头", center)
        _cell(row.cells[2].merge(row.cells[4]), value)
    for row in table.rows:
        for cell, width in zip(row.cells, COLUMN_WIDTHS):
            cell.width = width


def score_sheet_template() -> bytes:
    """The Word template of the expert's score sheet (专家评分表); its tags read `docx_context` of score_sheet_doc."""
    doc = Document()
    section = doc.sections[0]
    section.orientation = WD_ORIENT.PORTRAIT
    section.page_width, section.page_height = Cm(21), Cm(29.7)
    section.top_margin, section.bottom_margin = Cm(2.5), Cm(2.5)
    section.left_margin, section.right_margin = Cm(2.8), Cm(2.6)
    section.footer_distance = Cm(1.2)

    _fonts(doc.styles["Normal"], FontRole.FANGSONG, 12)
    doc.styles["Normal"].paragraph_format.space_after = Pt(0)
    doc.styles["Normal"].paragraph_format.line_spacing = 1.25
    _style(doc, "评分表标题", FontRole.SONG, 18, bold=True, align=WD_ALIGN_PARAGRAPH.CENTER, after=12)
    _style(doc, "评分表申报单位", FontRole.HEI, 12, before=12, after=3, keep_with_next=True)
    _style(doc, "评分表说明", FontRole.FANGSONG, 12, keep_with_next=True)
    table_text = _style(doc, "评分表表格", FontRole.SONG, 10.5)
    table_text.paragraph_format.line_spacing = 1.15
    header = _style(doc, "评分表表头", FontRole.HEI, 10.5)
    header.paragraph_format.line_spacing = 1.15
    _style(doc, "评分表签名", FontRole.FANGSONG, 14, before=6)

    _paragraph(doc, "{{ title }}", "评分表标题")
    _paragraph(doc, "{%p if has_unsubmitted %}")
    note = _paragraph(doc, style="评分表说明")
    run = note.add_run("{{ draft_mark }}：本表含尚未提交的评分，仅供核对，不作为正式评审意见。")
    run.bold, run.font.color.rgb = True, RED
    _paragraph(doc, "{%p endif %}")
    for line in ("评审轮次：{{ round_label }}", "专家姓名：{{ expert_name }}（{{ expert_id }}）",
                 "工作单位：{{ expert_unit }}",
                 "评审数量：{{ count }} 份　　已提交 {{ submitted }} 份　　已回避 {{ recused }} 份",
                 "打印日期：{{ printed_on }}"):
        _paragraph(doc, line, "评分表说明")

    _paragraph(doc, "{%p for item in items %}")
    heading = _paragraph(doc, "{{ item.number }}．{{ item.unit_name }}", "评分表申报单位")
    mark = heading.add_run("{% if item.unsubmitted %}【{{ draft_mark }}】{% endif %}")
    mark.font.color.rgb = RED
    _paragraph(doc, "统一社会信用代码：{{ item.credit_code }}　　状态：{{ item.state }}", "评分表说明")
    _paragraph(doc, "{%p if item.shows_contents %}")
    _scores_table(doc)
    _paragraph(doc, "{%p else %}")
    _paragraph(doc, "{{ item.withheld_text }}", "评分表说明")
    _paragraph(doc, "{%p endif %}")
    _paragraph(doc, "{%p endfor %}")

    _paragraph(doc)
    for line in ("{{ signature_line }}", "{{ date_line }}"):
        signature = _paragraph(doc, line, "评分表签名")
        signature.paragraph_format.left_indent = Cm(8)

    footer = section.footer.paragraphs[0]
    footer.style = doc.styles["评分表表格"]
    footer.add_run("专家：{{ expert_name }}（{{ expert_id }}）\t第 ")
    _field(footer, "PAGE")
    footer.add_run(" 页，共 ")
    _field(footer, "NUMPAGES")
    footer.add_run(" 页")
    footer.paragraph_format.tab_stops.add_tab_stop(Cm(15.6), alignment=2)  # 2: right

    props = doc.core_properties
    props.title, props.author, props.last_modified_by = "专家评分表（模板）", "辽宁省知识产权局", "build_templates.py"
    props.created = props.modified = FIXED_TIME
    props.revision = 1
    props.comments = "由 scoring/documents/templates/build_templates.py 生成；可在 Word 中修改版式，但须保留花括号标记。"
    buffer = io.BytesIO()
    doc.save(buffer)
    return _reproducible(buffer.getvalue())


def panel_summary_template() -> bytes:
    """The Word template of the panel's summary of scores (专家组评分汇总表), A4 landscape; its tags read
    `panel_docx_context` of ranking_export. The table has as many columns as the context's header: each row is one
    `{%tc for %}` loop, and docxtpl spreads the table's width over them."""
    doc = Document()
    section = doc.sections[0]
    section.orientation = WD_ORIENT.LANDSCAPE
    section.page_width, section.page_height = Cm(29.7), Cm(21)
    section.top_margin, section.bottom_margin = Cm(2), Cm(2)
    section.left_margin, section.right_margin = Cm(2), Cm(2)

    _fonts(doc.styles["Normal"], FontRole.FANGSONG, 12)
    doc.styles["Normal"].paragraph_format.space_after = Pt(0)
    doc.styles["Normal"].paragraph_format.line_spacing = 1.25
    _style(doc, "汇总表标题", FontRole.SONG, 18, bold=True, align=WD_ALIGN_PARAGRAPH.CENTER, after=12)
    _style(doc, "汇总表说明", FontRole.FANGSONG, 12)
    table_text = _style(doc, "汇总表表格", FontRole.SONG, 9, align=WD_ALIGN_PARAGRAPH.CENTER)
    table_text.paragraph_format.line_spacing = 1.1
    header_style = _style(doc, "汇总表表头", FontRole.HEI, 9, align=WD_ALIGN_PARAGRAPH.CENTER)
    header_style.paragraph_format.line_spacing = 1.1
    _style(doc, "汇总表注", FontRole.SONG, 9, before=3)
    _style(doc, "汇总表签名", FontRole.KAITI, 14, before=6)

    _paragraph(doc, "{{ title }}", "汇总表标题")
    _paragraph(doc, "评审轮次：{{ round_label }}　　申报书 {{ count }} 份　　专家 {{ experts }} 名　　"
                    "打印日期：{{ printed_on }}", "汇总表说明")
    table = doc.add_table(rows=1, cols=3)
    table.style = doc.styles["Table Grid"]
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    header = table.rows[0]
    _row_flags(header, header=True)
    for cell, text in zip(header.cells, ("{%tc for name in header %}", "{{ name }}", "{%tc endfor %}")):
        _cell(cell, text, "汇总表表头")
        _shade(cell, "F0F0F0")
    _cell(table.add_row().cells[0], "{%tr for cells in rows %}", "汇总表表格")
    row = table.add_row()
    _row_flags(row)
    for cell, text in zip(row.cells, ("{%tc for value in cells %}", "{{ value }}", "{%tc endfor %}")):
        _cell(cell, text, "汇总表表格")
    _cell(table.add_row().cells[0], "{%tr endfor %}", "汇总表表格")
    for table_row in table.rows:
        for cell in table_row.cells:
            cell.width = Cm(25.7 / 3)

    _paragraph(doc, "{{ note }}", "汇总表注")
    _paragraph(doc)
    _paragraph(doc, "{{ signature_title }}：", "汇总表签名")
    _paragraph(doc, "{%p for member in members %}")
    _paragraph(doc, "{{ member.name }}：{{ member.blank }}", "汇总表签名")
    _paragraph(doc, "{%p endfor %}")
    _paragraph(doc, "{{ date_line }}", "汇总表签名")

    footer = section.footer.paragraphs[0]
    footer.style = doc.styles["汇总表表格"]
    footer.add_run("第 ")
    _field(footer, "PAGE")
    footer.add_run(" 页，共 ")
    _field(footer, "NUMPAGES")
    footer.add_run(" 页")

    props = doc.core_properties
    props.title, props.author, props.last_modified_by = "专家组评分汇总表（模板）", "辽宁省知识产权局", "build_templates.py"
    props.created = props.modified = FIXED_TIME
    props.revision = 1
    props.comments = "由 scoring/documents/templates/build_templates.py 生成；可在 Word 中修改版式，但须保留花括号标记。"
    buffer = io.BytesIO()
    doc.save(buffer)
    return _reproducible(buffer.getvalue())


def _reproducible(content: bytes) -> bytes:
    """The same zip with fixed entry times, so that rebuilding an unchanged template gives the same bytes."""
    source = zipfile.ZipFile(io.BytesIO(content))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            fixed = zipfile.ZipInfo(info.filename, date_time=FIXED_TIME.timetuple()[:6])
            fixed.compress_type = zipfile.ZIP_DEFLATED
            fixed.external_attr = 0o644 << 16
            target.writestr(fixed, source.read(info.filename))
    return out.getvalue()


TEMPLATES = {SCORE_SHEET: score_sheet_template, PANEL_SUMMARY: panel_summary_template}


def main() -> int:
    for path, build in TEMPLATES.items():
        path.write_bytes(build())
        print(f"已生成 {path}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
