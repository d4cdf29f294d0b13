"""The application form 申报书 as PDF (WeasyPrint), in the layout of application_form_docx.py, to print, sign and seal."""
from __future__ import annotations

import html

from scoring.common.models import Application
from scoring.documents.application_form_docx import (
    TEXT_WIDTH_CM,
    Block,
    Box,
    Cell,
    Heading,
    PageBreak,
    Para,
    Part,
    Table,
    form_layout,
)
from scoring.documents.fonts import SERIF, FontRole, font_stack
from scoring.documents.official_pdf import _document, _weasy_html
from scoring.documents.score_sheet_print import CHECKED, UNCHECKED, printable


def _e(text: str) -> str:
    return html.escape(printable(text), quote=True).replace("\n", "<br>")


def _css() -> str:
    song, hei = font_stack(FontRole.SONG), font_stack(FontRole.HEI)
    return f"""
@page {{ size: A4; margin: 25mm 25mm 22mm 25mm;
         @bottom-center {{ content: "— " counter(page) " —"; font-family: {song}; font-size: 10.5pt; }} }}
html {{ font-family: {song}; font-size: 10.5pt; line-height: 1.5; color: #000; }}
body {{ margin: 0; }}
p {{ margin: 0 0 1.5mm; overflow-wrap: anywhere; }}
p.body {{ font-size: 14pt; line-height: 1.9; }}
p.indent {{ text-indent: 2em; }}
p.center {{ text-align: center; }}
p.keep {{ break-after: avoid; }}
p.right {{ text-align: right; padding-right: 2em; }}
h1.title {{ font-family: "{SERIF}", {song}; font-weight: bold; font-size: 22pt; text-align: center;
            margin: 8mm 0; letter-spacing: 0.1em; }}
h2 {{ font-family: {hei}; font-weight: normal; font-size: 16pt; margin: 5mm 0 2.5mm; break-after: avoid; }}
h3 {{ font-family: {hei}; font-weight: normal; font-size: 12pt; margin: 3mm 0 1.5mm; break-after: avoid; }}
h4 {{ font-weight: normal; font-size: 10.5pt; margin: 1.5mm 0 1mm; break-after: avoid; }}
.page-break {{ break-after: page; }}
table {{ width: {TEXT_WIDTH_CM}cm; max-width: 100%; border-collapse: collapse; table-layout: fixed;
         margin: 0 0 2mm; }}
table.keep {{ break-inside: avoid; }}
tr {{ break-inside: avoid; height: 7mm; }}
tr.long {{ break-inside: auto; }}
td {{ border: 0.75pt solid #000; padding: 1mm 1.5mm; vertical-align: middle; overflow-wrap: anywhere;
      word-break: break-all; }}
td.label {{ background: #f2f2f2; text-align: center; }}
td.center {{ text-align: center; }}
td.long {{ height: 30mm; vertical-align: top; text-indent: 2em; }}
.blank {{ display: inline-block; min-width: 6em; border-bottom: 0.5pt solid #000; }}
"""


def _parts(parts: list[Part]) -> str:
    out = []
    for part in parts:
        if isinstance(part, str):
            out.append(html.escape(part, quote=True))  # the layout's own words, their spacing kept
        elif isinstance(part, Box):
            out.append((CHECKED if part.checked else UNCHECKED) + _e(part.label))
        else:
            text = _e(part.text)
            out.append(f'<span class="value">{text}</span>' if text else '<span class="blank"></span>')
    return "".join(out)


def _cell(cell: Cell) -> str:
    classes = []
    if cell.label:
        classes.append("label")
    elif cell.align == "center":
        classes.append("center")
    if cell.value is not None:
        if cell.value.long:
            classes.append("long")
        inner = _e(cell.value.text)
    else:
        inner = "<br>".join(_parts(parts) for parts in cell.paragraphs)
    span = f' colspan="{cell.span}"' if cell.span > 1 else ""
    rowspan = f' rowspan="{cell.rowspan}"' if cell.rowspan > 1 else ""
    cls = f' class="{" ".join(classes)}"' if classes else ""
    return f"<td{cls}{span}{rowspan}>{inner}</td>"


def _table(table: Table) -> str:
    total = sum(table.widths)
    cols = "".join(f'<col style="width:{w / total * 100:.2f}%">' for w in table.widths)
    rows = "".join(("<tr class=\"long\">" if any(c.value is not None and c.value.long for c in row) else "<tr>")
                   + "".join(_cell(c) for c in row) + "</tr>" for row in table.rows)
    # A table without long text is kept on one page; one with long text may break between and inside rows.
    long = any(c.value is not None and c.value.long for row in table.rows for c in row)
    keep = "" if long else ' class="keep"'
    return f"<table{keep}><colgroup>{cols}</colgroup><tbody>{rows}</tbody></table>"


def form_html(application: Application | None, batch_title: str, years: list[int] | None = None) -> str:
    """The 申报书 as print HTML: the blocks of `form_layout`, every user string escaped."""
    parts = []
    before_tables = True
    for block in form_layout(application, batch_title, years):
        parts.append(_block(block, before_tables))
        if isinstance(block, Table):
            before_tables = False
    return _document("申报书", _css(), "".join(parts))


def _block(block: Block, before_tables: bool) -> str:
    if isinstance(block, PageBreak):
        return '<div class="page-break"></div>'
    if isinstance(block, Heading):
        if block.level == 0:
            return f'<h1 class="title">{_e(block.text)}</h1>'
        return f"<h{block.level + 1}>{_e(block.text)}</h{block.level + 1}>"
    if isinstance(block, Para):
        classes = ["body"] if before_tables else []
        if block.indent:
            classes.append("indent")
        if block.align != "left":
            classes.append(block.align)
        if block.keep_with_next:
            classes.append("keep")
        return f'<p class="{" ".join(classes)}">{_parts(block.parts)}</p>'
    return _table(block)


def form_pdf(application: Application | None, batch_title: str, years: list[int] | None = None) -> bytes:
    """The 申报书 as an A4 PDF with the Chinese faces of fonts.py embedded (FontMissing if none is installed)."""
    return _weasy_html(form_html(application, batch_title, years)).write_pdf()
