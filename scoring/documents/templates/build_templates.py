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
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_LINE_SPACING
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Pt, RGBColor, Twips

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
    """The Word template of the expert's score sheet (专家评分表); its tags read `docx_context` of score_sheet_print."""
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

    return _save(doc, "专家评分表")


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

    return _save(doc, "专家组评分汇总表")


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


# --- the official documents of the publicity stage (GB/T 9704-2012) ---------------------------------

PUBLICITY_NOTICE = HERE / "publicity_notice.docx"
CONFIRMATION_LETTER = HERE / "confirmation_letter.docx"
TITLE_FACE = "方正小标宋简体"  # 小标宋 of GB/T 9704; Word substitutes a face of its own where it is missing
TEXT_WIDTH = Cm(15.6)  # A4 less the side margins of 28 mm and 26 mm
BODY_SIZE = 16  # 3号
LINE_PITCH = 579  # twips: 22 lines of 3号 on the 225 mm text block
CONDENSED = -5  # twentieths of a point less per character: 28 characters of 3号 (15.75 pt each) on the 156 mm line


def _east_asia(target, face: str, size: float, bold: bool = False) -> None:
    """Like `_fonts`, for a face named directly (方正小标宋简体 is no role of fonts.py)."""
    font = target.font
    font.name = WORD_LATIN
    font.size = Pt(size)
    font.bold = bold
    fonts = target.element.get_or_add_rPr().get_or_add_rFonts()
    fonts.set(qn("w:eastAsia"), face)
    fonts.set(qn("w:hint"), "eastAsia")


def _indent(style_or_paragraph, **chars: int) -> None:
    """Indents counted in characters (w:firstLineChars="200" is two), which Word keeps right whatever the font size;
    the twips beside them are for programs that read only those."""
    element = style_or_paragraph.element if hasattr(style_or_paragraph, "element") else style_or_paragraph._p
    ppr = element.get_or_add_pPr()
    ind = ppr.find(qn("w:ind"))
    if ind is None:
        ind = OxmlElement("w:ind")
        ppr.append(ind)
    for side, hundredths in chars.items():
        ind.set(qn(f"w:{side}Chars"), str(hundredths))
        ind.set(qn(f"w:{side}"), str(hundredths * BODY_SIZE * 20 // 100))


def _condensed(style) -> None:
    """Characters set CONDENSED closer, so that 28 of 3号 fill the line (w:spacing, in its place within w:rPr)."""
    spacing = OxmlElement("w:spacing")
    spacing.set(qn("w:val"), str(CONDENSED))
    style.element.get_or_add_rPr().insert_element_before(
        spacing, "w:w", "w:kern", "w:position", "w:sz", "w:szCs", "w:highlight", "w:u", "w:effect", "w:bdr", "w:shd",
        "w:fitText", "w:vertAlign", "w:rtl", "w:cs", "w:em", "w:lang", "w:eastAsianLayout", "w:specVanish", "w:oMath")


def _exact_lines(style) -> None:
    fmt = style.paragraph_format
    fmt.line_spacing_rule = WD_LINE_SPACING.EXACTLY
    fmt.line_spacing = Twips(LINE_PITCH)


def _border(paragraph_or_cell, sides: dict[str, tuple[int, str]]) -> None:
    """Lines along a paragraph (w:pBdr) or a table cell (w:tcBorders): side → (width in eighths of a point, colour)."""
    if hasattr(paragraph_or_cell, "_tc"):
        props, name = paragraph_or_cell._tc.get_or_add_tcPr(), "w:tcBorders"
    else:
        props, name = paragraph_or_cell._p.get_or_add_pPr(), "w:pBdr"
    borders = OxmlElement(name)
    for side in ("top", "left", "bottom", "right"):
        line = OxmlElement(f"w:{side}")
        if side in sides:
            size, colour = sides[side]
            line.set(qn("w:val"), "single")
            line.set(qn("w:sz"), str(size))
            line.set(qn("w:space"), "1" if name == "w:pBdr" else "0")
            line.set(qn("w:color"), colour)
        else:
            line.set(qn("w:val"), "nil")
        borders.append(line)
    props.append(borders)


def _official_document():
    """An A4 document laid out after GB/T 9704-2012: the margins of 7.1 (text block 156 × 225 mm), 22 lines of 28
    characters, body in 3号 仿宋, the page number “— 1 —” in 4号 宋体 centred below the text, and the styles of
    title, headings, body and signature."""
    doc = Document()
    section = doc.sections[0]
    section.orientation = WD_ORIENT.PORTRAIT
    section.page_width, section.page_height = Cm(21), Cm(29.7)
    section.top_margin, section.bottom_margin = Cm(3.7), Cm(3.5)
    section.left_margin, section.right_margin = Cm(2.8), Cm(2.6)
    section.header_distance, section.footer_distance = Cm(1.5), Cm(2.8)
    grid = section._sectPr.find(qn("w:docGrid"))
    if grid is None:
        grid = OxmlElement("w:docGrid")
        section._sectPr.append(grid)
    # A line grid only: LibreOffice lays a character grid (linesAndChars) out at three cells per character; the 28
    # characters a line come from the body's condensed spacing instead (_condensed).
    grid.set(qn("w:type"), "lines")
    grid.set(qn("w:linePitch"), str(LINE_PITCH))

    normal = doc.styles["Normal"]
    _fonts(normal, FontRole.FANGSONG, BODY_SIZE)
    _condensed(normal)
    normal.paragraph_format.space_before = normal.paragraph_format.space_after = Pt(0)
    _exact_lines(normal)
    body = _style(doc, "公文正文", FontRole.FANGSONG, BODY_SIZE, align=WD_ALIGN_PARAGRAPH.JUSTIFY)
    _indent(body, firstLine=200)
    heading = _style(doc, "公文一级标题", FontRole.HEI, BODY_SIZE, align=WD_ALIGN_PARAGRAPH.JUSTIFY,
                     keep_with_next=True)
    _indent(heading, firstLine=200)
    title_style = _style(doc, "公文标题", FontRole.SONG, 22, align=WD_ALIGN_PARAGRAPH.CENTER)
    _east_asia(title_style, TITLE_FACE, 22)
    title_style.paragraph_format.line_spacing = Pt(35)  # 2号 does not fit the 3号 grid's 28.95 pt
    _style(doc, "公文主送", FontRole.FANGSONG, BODY_SIZE, align=WD_ALIGN_PARAGRAPH.JUSTIFY)
    signature = _style(doc, "公文署名", FontRole.FANGSONG, BODY_SIZE, align=WD_ALIGN_PARAGRAPH.RIGHT)
    _indent(signature, right=200)  # 右空二字
    dated = _style(doc, "公文成文日期", FontRole.FANGSONG, BODY_SIZE, align=WD_ALIGN_PARAGRAPH.RIGHT)
    _indent(dated, right=400)  # 右空四字
    table_text = _style(doc, "公文表格", FontRole.SONG, 12, align=WD_ALIGN_PARAGRAPH.CENTER)
    table_text.paragraph_format.line_spacing_rule = WD_LINE_SPACING.SINGLE
    table_head = _style(doc, "公文表头", FontRole.HEI, 12, align=WD_ALIGN_PARAGRAPH.CENTER)
    table_head.paragraph_format.line_spacing_rule = WD_LINE_SPACING.SINGLE
    page_number = _style(doc, "公文页码", FontRole.SONG, 14, align=WD_ALIGN_PARAGRAPH.CENTER)
    page_number.paragraph_format.line_spacing_rule = WD_LINE_SPACING.SINGLE

    footer = section.footer.paragraphs[0]
    footer.style = page_number
    footer.add_run("— ")
    _field(footer, "PAGE")
    footer.add_run(" —")

    return doc


def _red_run(paragraph, text: str, face: str | None = None, size: float | None = None):
    run = paragraph.add_run(text)
    run.font.color.rgb = RED
    if face is not None:
        _east_asia(run, face, size)
    return run


def _paragraph_loop(doc, items: str, text: str, style: str = "公文正文") -> None:
    """One paragraph per item of a list of strings: `{%p for … %}`, the paragraph, `{%p endfor %}`."""
    _paragraph(doc, f"{{%p for {items} %}}")
    _paragraph(doc, text, style)
    _paragraph(doc, "{%p endfor %}")


def _signature(doc) -> None:
    """The issuing body (右空二字) and the date (右空四字), after one blank line."""
    _paragraph(doc)
    _paragraph(doc, "{{ issuer }}", "公文署名")
    _paragraph(doc, "{{ issued_on }}", "公文成文日期")


def _save(doc, title: str) -> bytes:
    """The template's bytes, with fixed document properties and zip times so that a rebuild gives the same file."""
    props = doc.core_properties
    props.title, props.author, props.last_modified_by = f"{title}（模板）", "辽宁省知识产权局", "build_templates.py"
    props.created = props.modified = FIXED_TIME
    props.revision = 1
    props.comments = "由 scoring/documents/templates/build_templates.py 生成；可在 Word 中修改版式，但须保留花括号标记。"
    buffer = io.BytesIO()
    doc.save(buffer)
    return _reproducible(buffer.getvalue())


def publicity_notice_template() -> bytes:
    """The Word template of the publicity notice (公示); its tags read `notice_context` of official_docx. The list
    shows the columns the context names: its header row and each unit's row are `{%tc for %}` loops."""
    doc = _official_document()
    _paragraph(doc, "{%p if draft %}")
    mark = _paragraph(doc, align=WD_ALIGN_PARAGRAPH.CENTER)
    _red_run(mark, "{{ draft_mark }}").bold = True
    _paragraph(doc, "{%p endif %}")
    _paragraph(doc, "{{ title }}", "公文标题")
    _paragraph(doc)
    _paragraph_loop(doc, "line in body", "{{ line }}")

    table = doc.add_table(rows=1, cols=3)
    table.style = doc.styles["Table Grid"]
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    header = table.rows[0]
    _row_flags(header, header=True)
    for cell, text in zip(header.cells, ("{%tc for name in columns %}", "{{ name }}", "{%tc endfor %}")):
        _cell(cell, text, "公文表头", WD_ALIGN_PARAGRAPH.CENTER)
    _cell(table.add_row().cells[0], "{%tr for cells in rows %}", "公文表格")
    row = table.add_row()
    _row_flags(row)
    for cell, text in zip(row.cells, ("{%tc for value in cells %}", "{{ value }}", "{%tc endfor %}")):
        _cell(cell, text, "公文表格", WD_ALIGN_PARAGRAPH.CENTER)
    _cell(table.add_row().cells[0], "{%tr endfor %}", "公文表格")
    # The full text width, each column as wide as its contents need: the columns are a setting, and a unit's
    # name needs more room than its 序号.
    table_width = table._tbl.tblPr.find(qn("w:tblW"))
    table_width.set(qn("w:type"), "pct")
    table_width.set(qn("w:w"), "5000")
    for table_row in table.rows:
        for cell in table_row.cells:
            cell_width = cell._tc.get_or_add_tcPr().get_or_add_tcW()
            cell_width.set(qn("w:type"), "auto")
            cell_width.set(qn("w:w"), "0")

    _paragraph(doc)
    _paragraph_loop(doc, "line in after_list", "{{ line }}")
    _paragraph_loop(doc, "line in contact", "{{ line }}")
    _signature(doc)
    return _save(doc, "公示")


def _record_table(doc) -> None:
    """The 版记 (GB/T 9704 7.4): 抄送 and the 印发 line in 4号 仿宋 between a thick first and last line and a thin
    line between them, one character in from either side; a table floating at the foot of the last page."""
    table = doc.add_table(rows=2, cols=1)
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    table.autofit = False
    props = table._tbl.tblPr
    floating = OxmlElement("w:tblpPr")
    for name, value in (("leftFromText", "0"), ("rightFromText", "0"), ("vertAnchor", "margin"),
                        ("horzAnchor", "margin"), ("tblpXSpec", "center"), ("tblpYSpec", "bottom")):
        floating.set(qn(f"w:{name}"), value)
    props.insert(0, floating)
    thick, thin = (8, "000000"), (4, "000000")  # 0.35 mm and 0.25 mm, near enough
    copy_cell, printed_cell = table.rows[0].cells[0], table.rows[1].cells[0]
    for cell, sides in ((copy_cell, {"top": thick, "bottom": thin}), (printed_cell, {"top": thin, "bottom": thick})):
        cell.width = TEXT_WIDTH
        _border(cell, sides)
        paragraph = cell.paragraphs[0]
        paragraph.style = doc.styles["公文版记"]
    copy_cell.paragraphs[0].add_run("{{ copy_line }}")
    printed = printed_cell.paragraphs[0]
    printed.add_run("{{ printer }}\t{{ printed_on }}印发")
    # Word measures tabs from the cell's text edge (inside its default margins of 108 twips), not from the indent.
    printed.paragraph_format.tab_stops.add_tab_stop(TEXT_WIDTH - Twips(2 * 108) - Pt(14), alignment=2)  # 2: right


def confirmation_letter_template() -> bytes:
    """The Word template of the confirmation letter (确认通知); its tags read `letter_context` of official_docx:
    the red 发文机关标志, the 文号 and the red line, title, addressee, paragraphs and sections (黑体 headings,
    楷体 run-in leads), the signature and the 版记."""
    doc = _official_document()
    record = _style(doc, "公文版记", FontRole.FANGSONG, 14, align=WD_ALIGN_PARAGRAPH.LEFT)
    record.paragraph_format.left_indent = record.paragraph_format.right_indent = Pt(14)  # 左右各空一字
    record.paragraph_format.line_spacing_rule = WD_LINE_SPACING.SINGLE
    record.paragraph_format.space_before = record.paragraph_format.space_after = Pt(3)

    _paragraph(doc)
    mark = _paragraph(doc, style="公文标题")
    mark.paragraph_format.line_spacing = Pt(50)
    _red_run(mark, "{{ issuer }}文件", TITLE_FACE, 36)  # 发文机关标志: 小初, red
    _paragraph(doc)
    _paragraph(doc, "{{ number }}", "公文主送", WD_ALIGN_PARAGRAPH.CENTER)
    line = _paragraph(doc)
    line.paragraph_format.line_spacing = Pt(8)
    _border(line, {"bottom": (18, "C00000")})  # the red line under the 文号, the width of the text block
    _paragraph(doc)
    _paragraph(doc, "{{ title }}", "公文标题")
    _paragraph(doc)
    _paragraph(doc, "{{ addressee }}：", "公文主送")
    _paragraph_loop(doc, "line in opening", "{{ line }}")
    _paragraph(doc, "{%p for s in sections %}")
    _paragraph(doc, "{{ s.heading }}", "公文一级标题")
    _paragraph(doc, "{%p for p in s.paragraphs %}")
    paragraph = _paragraph(doc, style="公文正文")
    _fonts(paragraph.add_run("{{ p.lead }}"), FontRole.KAITI, BODY_SIZE)
    paragraph.add_run("{{ p.text }}")
    _paragraph(doc, "{%p endfor %}")
    _paragraph(doc, "{%p endfor %}")
    _paragraph_loop(doc, "line in closing", "{{ line }}")
    _signature(doc)
    _record_table(doc)
    _paragraph(doc)
    return _save(doc, "确认通知")


TEMPLATES = {SCORE_SHEET: score_sheet_template, PANEL_SUMMARY: panel_summary_template,
             PUBLICITY_NOTICE: publicity_notice_template, CONFIRMATION_LETTER: confirmation_letter_template}


def main() -> int:
    for path, build in TEMPLATES.items():
        path.write_bytes(build())
        print(f"已生成 {path}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
