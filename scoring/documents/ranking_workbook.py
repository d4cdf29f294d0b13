"""A round's ranked list as an .xlsx workbook (评审排名表), and the panel's summary of scores (专家组评分汇总表) as
HTML, PDF and .docx: pure functions of values, no storage (results/ranking_files.py gathers them)."""
from __future__ import annotations

import html
from datetime import date
from decimal import Decimal
from pathlib import Path

from pydantic import BaseModel, ConfigDict

from scoring.documents.assignment_workbook import neutralised
from scoring.documents.fonts import SERIF, FontRole, font_stack
from scoring.documents.score_sheet_print import TEMPLATES_DIR, printable, render_docx
from scoring.documents.spreadsheet import ListStyles, new_workbook
from scoring.results.ranking import RankingRow

PANEL_TEMPLATE = TEMPLATES_DIR / "panel_summary.docx"

RANKING_HEADERS = ("排名", "申报单位", "统一社会信用代码", "所在市", "已交/应交评分表", "平均分",
                   "专家评分（去掉最高最低分后）", "加分", "最终得分", "并列", "并列决定依据", "结束后有改动")
RANKING_WIDTHS = (6, 36, 22, 10, 10, 9, 14, 8, 10, 30, 28, 10)

DROPPED_OPEN, DROPPED_CLOSE = "〔", "〕"
DROPPED_NOTE = (f"{DROPPED_OPEN}{DROPPED_CLOSE}内的分数是计算“去掉最高最低分后平均分”时去掉的一个最高分或一个最低分；"
                "空白表示该专家未评审该申报书（未分配、已回避或未提交）。")
SIGNATURE_TITLE = "专家组成员签名"
SIGNATURE_BLANK = "＿＿＿＿＿＿＿＿＿＿"
DATE_LINE = "日　　期：＿＿＿＿年＿＿月＿＿日"
SUMMARY_HEADERS = ("平均分", "去掉最高最低分后平均分", "加分", "最终得分")  # after the experts; 排名 leads every row
# How many expert columns one table of the PDF holds: more split into continued tables (续表), each again led by
# 排名 and 申报单位, so that a column stays wide enough for "〔100.00〕" at 9 pt.
EXPERTS_PER_TABLE = 12
LANDSCAPE_FROM = 6  # experts: from this many on the PDF turns to A4 landscape


def _points(value: Decimal | None) -> str:
    return "" if value is None else f"{value:.2f}"


# --- the ranked list (.xlsx) -------------------------------------------------------------------


def tie_text(row: RankingRow, units: dict[str, str]) -> str:
    """“与 某大学 并列” for a tie no rule broke; blank otherwise."""
    if not row.tied_with:
        return ""
    return "与 " + "、".join(units.get(code, code) for code in row.tied_with) + " 并列"


def ranking_workbook(title: str, rows: list[RankingRow]) -> bytes:
    """One sheet, 评审排名: a title row, the headers (frozen), one row per application in the given (rank) order;
    scores with two places, every text cell kept as text."""
    buffer, book = new_workbook(title)
    sheet = book.add_worksheet("评审排名")
    base = {"font_name": "宋体", "font_size": 10, "valign": "vcenter", "border": 1}
    heading = book.add_format({"font_name": "宋体", "font_size": 14, "bold": True})
    header = book.add_format({**base, "bold": True, "align": "center", "text_wrap": True, "bg_color": "#F2F2F2"})
    text = book.add_format({**base, "text_wrap": True})
    centred = book.add_format({**base, "align": "center"})
    code = book.add_format({**base, "num_format": "@"})
    score = book.add_format({**base, "num_format": "0.00"})
    for c, width in enumerate(RANKING_WIDTHS):
        sheet.set_column(c, c, width)
    sheet.write_string(0, 0, neutralised(printable(title)), heading)
    sheet.set_row(1, 30)
    for c, name in enumerate(RANKING_HEADERS):
        sheet.write_string(1, c, name, header)
    units = {row.credit_code: row.unit_name for row in rows}
    for r, row in enumerate(rows, start=2):
        if row.rank is None:
            sheet.write_string(r, 0, "", centred)
        else:
            sheet.write_number(r, 0, row.rank, centred)
        sheet.write_string(r, 1, neutralised(printable(row.unit_name)), text)
        sheet.write_string(r, 2, neutralised(printable(row.credit_code)), code)
        sheet.write_string(r, 3, neutralised(printable(row.city)), text)
        sheet.write_string(r, 4, f"{row.sheets}/{row.expected}", centred)
        for c, value in ((5, row.mean), (6, row.expert_score), (7, row.bonus), (8, row.final)):
            if value is None:
                sheet.write_string(r, c, "", score)
            else:
                sheet.write_number(r, c, float(value), score)
        sheet.write_string(r, 9, neutralised(printable(tie_text(row, units))), text)
        sheet.write_string(r, 10, neutralised(printable(row.decided_by)), text)
        sheet.write_string(r, 11, "是" if row.changed_after_close else "", centred)
    sheet.freeze_panes(2, 0)
    sheet.autofilter(1, 0, max(2, len(rows) + 1), len(RANKING_HEADERS) - 1)
    book.close()
    return buffer.getvalue()


SHORTLIST_HEADERS = ("序号", "单位名称", "单位类型", "所在市", "最终得分", "排名", "入选依据", "统一社会信用代码")
SHORTLIST_WIDTHS = (6, 36, 10, 10, 10, 6, 28, 22)


def shortlist_workbook(title: str, provenance: str, entries: list) -> bytes:
    """One sheet, 拟入选名单: a title row, a line saying which frozen version it is (version, hash, who, when), the
    headers (frozen), one row per entry in the list's order; every text cell kept as text."""
    buffer, book = new_workbook(title)
    sheet = book.add_worksheet("拟入选名单")
    styles = ListStyles(book)
    heading, note, header, text = styles.heading, styles.note, styles.header, styles.text
    centred, code, score = styles.centred, styles.code, styles.score
    for c, width in enumerate(SHORTLIST_WIDTHS):
        sheet.set_column(c, c, width)
    sheet.write_string(0, 0, neutralised(printable(title)), heading)
    sheet.write_string(1, 0, neutralised(printable(provenance)), note)
    for c, name in enumerate(SHORTLIST_HEADERS):
        sheet.write_string(2, c, name, header)
    for r, entry in enumerate(entries, start=3):
        sheet.write_number(r, 0, entry.order, centred)
        for c, value in ((1, entry.unit_name), (2, entry.unit_type), (3, entry.city), (6, entry.basis)):
            sheet.write_string(r, c, neutralised(printable(value)), text)
        if entry.final is None:
            sheet.write_string(r, 4, "", score)
        else:
            sheet.write_number(r, 4, float(entry.final), score)
        if entry.rank is None:
            sheet.write_string(r, 5, "", centred)
        else:
            sheet.write_number(r, 5, entry.rank, centred)
        sheet.write_string(r, 7, neutralised(printable(entry.credit_code)), code)
    sheet.freeze_panes(3, 0)
    book.close()
    return buffer.getvalue()


# --- the panel's summary (PDF, .docx) ---------------------------------------------------------------


class PanelMember(BaseModel):
    model_config = ConfigDict(frozen=True)

    expert_id: str
    name: str


class PanelCell(BaseModel):
    """One expert's total for one application; `dropped` when the trimmed mean left it out."""

    model_config = ConfigDict(frozen=True)

    total: Decimal | None = None
    dropped: bool = False

    @property
    def text(self) -> str:
        if self.total is None:
            return ""
        return f"{DROPPED_OPEN}{self.total:.2f}{DROPPED_CLOSE}" if self.dropped else f"{self.total:.2f}"


class PanelRow(BaseModel):
    """One application of the summary: its totals in the order of the members, then the aggregate."""

    model_config = ConfigDict(frozen=True)

    rank: int | None
    unit_name: str
    credit_code: str
    cells: list[PanelCell]
    mean: Decimal | None
    expert_score: Decimal | None
    trimmed: bool
    bonus: Decimal
    final: Decimal | None

    def summary(self) -> list[str]:
        """平均分, 去掉最高最低分后平均分 (blank unless totals were dropped), 加分, 最终得分."""
        return [_points(self.mean), _points(self.expert_score) if self.trimmed else "", _points(self.bonus),
                _points(self.final)]


class PanelSummary(BaseModel):
    """Everything the panel's summary shows: the members (columns and signatures) and the applications in rank
    order."""

    model_config = ConfigDict(frozen=True)

    title: str
    round_label: str
    printed_on: date
    members: list[PanelMember]
    rows: list[PanelRow]
    expert_score_rule: str = ""  # Aggregation.expert_score_rule() of the round's rubric

    @property
    def landscape(self) -> bool:
        return len(self.members) >= LANDSCAPE_FROM

    @property
    def note(self) -> str:
        """The note under the tables: the rule the experts' score follows, then what the marks and blanks mean."""
        return "注：" + (f"{self.expert_score_rule}。" if self.expert_score_rule else "") + DROPPED_NOTE


def panel_title(rubric_title: str) -> str:
    """“…遴选评分标准” → “…遴选专家组评分汇总表”."""
    base = rubric_title.strip().removesuffix("评分标准").removesuffix("评分细则").removesuffix("评分表")
    return f"{base}专家组评分汇总表"


class TablePart(BaseModel):
    """One table of the printed summary: its headers and rows of text, led by 排名 and 申报单位."""

    header: list[str]
    rows: list[list[str]]
    continued: bool  # a 续表 of the one before


def table_parts(document: PanelSummary, per_table: int = EXPERTS_PER_TABLE) -> list[TablePart]:
    """The summary cut into tables of at most `per_table` expert columns; the aggregate columns follow the last
    experts when they fit there, else they make a table of their own."""
    members = document.members
    chunks = [list(range(start, min(start + per_table, len(members)))) for start in range(0, len(members), per_table)]
    if not chunks or len(chunks[-1]) + len(SUMMARY_HEADERS) > per_table:
        chunks.append([])
    parts = []
    for n, chunk in enumerate(chunks):
        last = n == len(chunks) - 1
        header = ["排名", "申报单位", *(printable(members[i].name) for i in chunk), *(SUMMARY_HEADERS if last else ())]
        rows = []
        for row in document.rows:
            rows.append(["" if row.rank is None else str(row.rank), printable(row.unit_name),
                         *(row.cells[i].text for i in chunk), *(row.summary() if last else ())])
        parts.append(TablePart(header=header, rows=rows, continued=n > 0))
    return parts


def _e(text: str) -> str:
    return html.escape(printable(text), quote=True)


def _css(landscape: bool) -> str:
    song, hei, kai = font_stack(FontRole.SONG), font_stack(FontRole.HEI), font_stack(FontRole.KAITI)
    size = "A4 landscape" if landscape else "A4"
    return f"""
@page {{
  size: {size}; margin: 16mm 14mm 16mm 14mm;
  @bottom-right {{ content: "第 " counter(page) " 页，共 " counter(pages) " 页";
                   font-family: {song}; font-size: 8.5pt; color: #555; }}
}}
html {{ font-family: {song}; font-size: 10pt; line-height: 1.4; color: #000; }}
h1 {{ font-family: "{SERIF}", {song}; font-weight: bold; font-size: 17pt; text-align: center; margin: 0 0 3mm; }}
p.meta {{ margin: 0 0 2mm; }}
p.continued {{ font-family: {hei}; margin: 5mm 0 1mm; }}
table.summary {{ width: 100%; border-collapse: collapse; }}
table.summary th, table.summary td {{ border: 0.75pt solid #000; padding: 1mm 1mm; vertical-align: middle;
                                      text-align: center; font-size: 9pt; }}
table.summary th {{ font-family: {hei}; font-weight: normal; background: #f0f0f0; }}
table.summary td.unit {{ text-align: left; overflow-wrap: anywhere; min-width: 12em; }}
table.summary tr {{ break-inside: avoid; }}
p.note {{ font-size: 9pt; margin: 2mm 0 0; }}
.signatures {{ margin-top: 8mm; font-family: {kai}; font-size: 12pt; break-inside: avoid; }}
.signatures h2 {{ font-family: {hei}; font-weight: normal; font-size: 12pt; margin: 0 0 2mm; }}
.signatures span.member {{ display: inline-block; width: 16em; line-height: 2.6; white-space: nowrap; }}
.signatures p.date {{ margin-top: 4mm; }}
"""


def panel_summary_html(document: PanelSummary) -> str:
    """The summary as one HTML page for WeasyPrint; every string from users is escaped."""
    body = [f"<h1>{_e(document.title)}</h1>",
            f'<p class="meta">评审轮次：{_e(document.round_label)}　　申报书 {len(document.rows)} 份　　'
            f"专家 {len(document.members)} 名　　打印日期：{document.printed_on:%Y年%m月%d日}</p>"]
    for part in table_parts(document):
        if part.continued:
            body.append('<p class="continued">（续表）</p>')
        body.append('<table class="summary"><thead><tr>'
                    + "".join(f"<th>{_e(h)}</th>" for h in part.header) + "</tr></thead><tbody>")
        for cells in part.rows:
            body.append("<tr>" + "".join(f'<td class="unit">{_e(c)}</td>' if i == 1 else f"<td>{_e(c)}</td>"
                                         for i, c in enumerate(cells)) + "</tr>")
        body.append("</tbody></table>")
    body.append(f'<p class="note">{_e(document.note)}</p>')
    members = "".join(f'<span class="member">{_e(m.name)}：{SIGNATURE_BLANK}</span>' for m in document.members)
    body.append(f'<div class="signatures"><h2>{SIGNATURE_TITLE}：</h2>{members}'
                f'<p class="date">{DATE_LINE}</p></div>')
    return ('<!DOCTYPE html><html lang="zh-CN"><head><meta charset="utf-8">'
            f"<title>{_e(document.title)}</title><style>{_css(document.landscape)}</style></head>"
            f"<body>{''.join(body)}</body></html>")


def panel_summary_pdf(document: PanelSummary) -> bytes:
    """The summary as a PDF, A4 landscape from LANDSCAPE_FROM experts on (FontMissing without a Chinese font)."""
    import weasyprint
    from weasyprint.urls import URLFetcher

    offline = URLFetcher(allowed_protocols=())  # the page needs nothing from outside
    return weasyprint.HTML(string=panel_summary_html(document), url_fetcher=offline).write_pdf()


def panel_docx_context(document: PanelSummary) -> dict:
    """What the Word template reads: one table of text with as many columns as there are members plus the fixed
    ones (Word lets staff narrow a column; the table is one, not cut into parts as in the PDF)."""
    [part] = table_parts(document, per_table=len(document.members) + len(SUMMARY_HEADERS))
    return {"title": printable(document.title), "round_label": printable(document.round_label),
            "printed_on": f"{document.printed_on:%Y年%m月%d日}", "count": len(document.rows),
            "experts": len(document.members), "header": part.header, "rows": part.rows, "note": document.note,
            "signature_title": SIGNATURE_TITLE,
            "members": [{"name": printable(m.name), "blank": SIGNATURE_BLANK} for m in document.members],
            "date_line": DATE_LINE}


def panel_summary_docx(document: PanelSummary, template: Path | None = None) -> bytes:
    """The summary as .docx from the Word template (templates/panel_summary.docx unless another is given)."""
    return render_docx(template or PANEL_TEMPLATE, panel_docx_context(document))
