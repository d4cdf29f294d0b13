"""The printable score sheet of one expert (专家评分表) as PDF (WeasyPrint) and .docx (docxtpl): pure functions of
a `ScoreSheetDocument`, which says what is printed; who may see what is decided before (review/sheet_prints.py)."""
from __future__ import annotations

import html
import io
import re
from datetime import date, datetime
from decimal import Decimal
from enum import StrEnum
from pathlib import Path

from pydantic import BaseModel, ConfigDict

from scoring.documents.fonts import SERIF, FontRole, font_stack
from scoring.review.rubrics import points_text

TEMPLATES_DIR = Path(__file__).resolve().parent / "templates"
DOCX_TEMPLATE = TEMPLATES_DIR / "score_sheet.docx"
DRAFT_MARK = "草稿，未提交"
SIGNATURE_LINE = "专家签名：＿＿＿＿＿＿＿＿"
DATE_LINE = "日　　期：＿＿＿＿年＿＿月＿＿日"
OPINIONS = ("推荐", "不推荐")
CHECKED, UNCHECKED = "■", "□"  # both in GB 2312, so every Chinese face of Word and of the PDF has them


class ItemState(StrEnum):
    """How one application stands on the printed sheet."""

    SUBMITTED = "已提交"
    DRAFT = "草稿（未提交）"  # the expert's own print of a saved draft
    NOT_STARTED = "未填写（未提交）"  # the expert's own print before the first save: a blank form
    WITHHELD = "未提交"  # staff's print of a sheet not submitted: no contents (staff never see drafts)
    RECUSED = "已回避"

    @property
    def shows_contents(self) -> bool:
        return self in (ItemState.SUBMITTED, ItemState.DRAFT, ItemState.NOT_STARTED)

    @property
    def unsubmitted(self) -> bool:
        return self in (ItemState.DRAFT, ItemState.NOT_STARTED)


class CriterionRow(BaseModel):
    """One criterion as printed: its number on the rubric, name, group name, maximum, score and comment."""

    model_config = ConfigDict(frozen=True)

    number: int
    name: str
    group: str = ""
    max_points: Decimal
    points: Decimal | None = None
    comment: str = ""


class SheetItem(BaseModel):
    """One assigned application of the expert; `rows` and the opinion are empty unless the state shows contents."""

    model_config = ConfigDict(frozen=True)

    unit_name: str
    credit_code: str
    state: ItemState
    max_total: Decimal
    rows: list[CriterionRow] = []
    total: Decimal | None = None
    opinion: str = ""  # 推荐 / 不推荐, or "" when not yet chosen
    opinion_text: str = ""
    dissent: str = ""
    submitted_at: datetime | None = None


class ScoreSheetDocument(BaseModel):
    """Everything the printed sheet shows, already filtered for the person printing it."""

    model_config = ConfigDict(frozen=True)

    title: str
    round_label: str
    expert_id: str
    expert_name: str
    expert_unit: str
    printed_on: date
    items: list[SheetItem]

    @property
    def has_unsubmitted(self) -> bool:
        """Whether the print carries contents not submitted (a draft or a blank form): it is then marked a draft."""
        return any(item.state.unsubmitted for item in self.items)


def sheet_title(rubric_title: str) -> str:
    """“…遴选评分标准” → “…遴选评分表”: the form is named after its rubric."""
    base = rubric_title.strip()
    base = base.removesuffix("评分标准").removesuffix("评分细则").removesuffix("评分表")
    return f"{base}评分表"


# --- text shared by both formats ---------------------------------------------------------------------

_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]")


def printable(text: str) -> str:
    """User text without control characters: they are not allowed in XML, and docxtpl would turn \\a and \\f into
    paragraph and page breaks. Line breaks stay; a tab becomes a space."""
    return _CONTROL.sub("", (text or "").replace("\r\n", "\n").replace("\t", " ")).strip()


def points_or_blank(value: Decimal | None) -> str:
    return "" if value is None else points_text(value)


def opinion_marks(opinion: str) -> str:
    """“■推荐　□不推荐”: the choice as ticked boxes, both boxes empty when none was made."""
    return "　　".join(f"{CHECKED if opinion == choice else UNCHECKED}{choice}" for choice in OPINIONS)


def state_text(item: SheetItem) -> str:
    """The state line of an application, with the moment of submission where there is one."""
    if item.state is ItemState.SUBMITTED and item.submitted_at:
        return f"{item.state}（{item.submitted_at:%Y-%m-%d %H:%M}）"
    return str(item.state)


def withheld_text(item: SheetItem) -> str:
    if item.state is ItemState.RECUSED:
        return "已回避，本申报书不评分。"
    return "评分表尚未提交，不显示评分内容。"


def _lines(item: SheetItem) -> list[dict]:
    """The rows of an application's table: a heading row where a new group of criteria starts, then a criterion."""
    lines, group = [], ""
    for row in item.rows:
        if row.group and row.group != group:
            lines.append({"heading": printable(row.group)})
        group = row.group
        lines.append({"heading": "", "number": row.number, "name": printable(row.name),
                      "max_points": points_text(row.max_points), "points": points_or_blank(row.points),
                      "comment": printable(row.comment)})
    return lines


# --- PDF ---------------------------------------------------------------------------------------------


def _e(text: str) -> str:
    return html.escape(printable(text), quote=True)


def _css() -> str:
    song, hei, kai = font_stack(FontRole.SONG), font_stack(FontRole.HEI), font_stack(FontRole.KAITI)
    return f"""
@page {{
  size: A4; margin: 22mm 22mm 22mm 24mm;
  @bottom-left {{ content: string(expert); font-family: {song}; font-size: 8.5pt; color: #555; }}
  @bottom-right {{ content: "第 " counter(page) " 页，共 " counter(pages) " 页";
                   font-family: {song}; font-size: 8.5pt; color: #555; }}
}}
html {{ font-family: {song}; font-size: 10.5pt; line-height: 1.5; color: #000; }}
h1 {{ font-family: "{SERIF}", {song}; font-weight: bold; font-size: 18pt; text-align: center; letter-spacing: 0.05em;
      margin: 0 0 4mm; line-height: 1.35; }}
td.expert {{ string-set: expert "专家：" content(); }}
.draft-note {{ border: 1.2pt solid #c00; color: #c00; padding: 1.5mm 3mm; margin: 0 0 3mm; font-family: {hei}; }}
table.meta {{ width: 100%; border-collapse: collapse; margin-bottom: 3mm; }}
table.meta td {{ padding: 0.6mm 0; vertical-align: top; }}
table.meta .label {{ font-family: {hei}; white-space: nowrap; width: 5.5em; }}
section.item {{ position: relative; margin-top: 5mm; break-inside: avoid; }}
h2 {{ font-family: {hei}; font-weight: normal; font-size: 12pt; margin: 0 0 1mm; line-height: 1.4; }}
.stamp {{ display: inline-block; border: 1pt solid #c00; color: #c00; font-size: 9pt; padding: 0 1.5mm;
          margin-left: 2mm; vertical-align: 1pt; }}
.item-meta {{ margin: 0 0 1.5mm; color: #222; }}
table.scores {{ width: 100%; border-collapse: collapse; table-layout: fixed; }}
table.scores th, table.scores td {{ border: 0.75pt solid #000; padding: 1.2mm 1.5mm; vertical-align: middle; }}
table.scores th {{ font-family: {hei}; font-weight: normal; background: #f0f0f0; text-align: center; }}
table.scores td.n, table.scores td.p {{ text-align: center; }}
table.scores td.text {{ white-space: pre-wrap; overflow-wrap: anywhere; }}
table.scores tr.group td {{ font-family: {hei}; background: #fafafa; }}
table.scores td.label {{ font-family: {hei}; text-align: center; }}
table.scores tr.total td {{ font-weight: bold; }}
.withheld {{ border: 0.75pt solid #000; padding: 2.5mm 3mm; color: #333; }}
.watermark {{ position: absolute; top: 38%; left: 0; right: 0; text-align: center; font-family: {hei};
              font-size: 46pt; color: rgba(204, 0, 0, 0.13); transform: rotate(-24deg); z-index: -1; }}
.signature {{ margin-top: 10mm; margin-left: 55%; font-family: {kai}; font-size: 12pt; line-height: 2.4;
              break-before: avoid;
              break-inside: avoid; }}
"""


def _item_html(number: int, item: SheetItem) -> str:
    parts = ['<section class="item">']
    if item.state.unsubmitted:
        parts.append(f'<div class="watermark">{DRAFT_MARK}</div>')
    stamp = f'<span class="stamp">{DRAFT_MARK}</span>' if item.state.unsubmitted else ""
    parts.append(f"<h2>{number}．{_e(item.unit_name)}{stamp}</h2>")
    parts.append(f'<p class="item-meta">统一社会信用代码：{_e(item.credit_code)}　　状态：{_e(state_text(item))}</p>')
    if not item.state.shows_contents:
        parts.append(f'<p class="withheld">{withheld_text(item)}</p></section>')
        return "".join(parts)
    parts.append('<table class="scores"><colgroup><col style="width:8%"><col style="width:27%">'
                 '<col style="width:9%"><col style="width:9%"><col style="width:47%"></colgroup>'
                 "<thead><tr><th>序号</th><th>评分指标</th><th>满分</th><th>得分</th><th>评语</th></tr></thead><tbody>")
    for line in _lines(item):
        if line["heading"]:
            parts.append(f'<tr class="group"><td colspan="5">{html.escape(line["heading"])}</td></tr>')
            continue
        parts.append(f'<tr><td class="n">{line["number"]}</td><td>{html.escape(line["name"])}</td>'
                     f'<td class="n">{line["max_points"]}</td><td class="p">{line["points"]}</td>'
                     f'<td class="text">{html.escape(line["comment"])}</td></tr>')
    parts.append(f'<tr class="total"><td class="label" colspan="2">合计</td><td class="n">'
                 f'{points_text(item.max_total)}</td><td class="p">{points_or_blank(item.total)}</td><td></td></tr>')
    parts.append(f'<tr><td class="label" colspan="2">总体意见</td><td colspan="3">{opinion_marks(item.opinion)}</td></tr>')
    parts.append(f'<tr><td class="label" colspan="2">意见说明</td><td class="text" colspan="3">{_e(item.opinion_text)}</td></tr>')
    parts.append(f'<tr><td class="label" colspan="2">不同意见</td>'
                 f'<td class="text" colspan="3">{_e(item.dissent) or "无"}</td></tr>')
    parts.append("</tbody></table></section>")
    return "".join(parts)


def score_sheet_html(document: ScoreSheetDocument) -> str:
    """The sheet as one HTML page for WeasyPrint; every string from users is escaped."""
    expert = f"{_e(document.expert_name)}（{_e(document.expert_id)}）"
    body = [f"<h1>{_e(document.title)}</h1>"]
    if document.has_unsubmitted:
        body.append(f'<p class="draft-note">{DRAFT_MARK}：本表含尚未提交的评分，仅供核对，不作为正式评审意见。</p>')
    body.append('<table class="meta">'
                f'<tr><td class="label">评审轮次：</td><td>{_e(document.round_label)}</td></tr>'
                f'<tr><td class="label">专家姓名：</td><td class="expert">{expert}</td></tr>'
                f'<tr><td class="label">工作单位：</td><td>{_e(document.expert_unit)}</td></tr>'
                f'<tr><td class="label">评审数量：</td><td>{len(document.items)} 份　　'
                f'已提交 {sum(i.state is ItemState.SUBMITTED for i in document.items)} 份　　'
                f'已回避 {sum(i.state is ItemState.RECUSED for i in document.items)} 份</td></tr>'
                f'<tr><td class="label">打印日期：</td><td>{document.printed_on:%Y年%m月%d日}</td></tr>'
                "</table>")
    body.extend(_item_html(number, item) for number, item in enumerate(document.items, 1))
    body.append(f'<div class="signature">{SIGNATURE_LINE}<br>{DATE_LINE}</div>')
    return ('<!DOCTYPE html><html lang="zh-CN"><head><meta charset="utf-8">'
            f"<title>{_e(document.title)}</title><style>{_css()}</style></head>"
            f"<body>{''.join(body)}</body></html>")


def score_sheet_pdf(document: ScoreSheetDocument) -> bytes:
    """The sheet as an A4 PDF with the Chinese faces named in fonts.py embedded (FontMissing if none is installed)."""
    import weasyprint  # imported here: loading it (pango, fonts) takes a moment the rest of the program does not need
    from weasyprint.urls import URLFetcher

    # The page needs nothing from outside; refusing every URL keeps a stray reference from reaching the network.
    offline = URLFetcher(allowed_protocols=())
    return weasyprint.HTML(string=score_sheet_html(document), url_fetcher=offline).write_pdf()


# --- Word --------------------------------------------------------------------------------------------


def docx_context(document: ScoreSheetDocument) -> dict:
    """What the Word template reads: plain strings and numbers (docxtpl escapes them; \\n becomes a line break)."""
    items = []
    for number, item in enumerate(document.items, 1):
        items.append({
            "number": number, "unit_name": printable(item.unit_name), "credit_code": printable(item.credit_code),
            "state": state_text(item), "shows_contents": item.state.shows_contents,
            "unsubmitted": item.state.unsubmitted, "withheld_text": withheld_text(item), "lines": _lines(item),
            "max_total": points_text(item.max_total), "total": points_or_blank(item.total),
            "opinion": opinion_marks(item.opinion), "opinion_text": printable(item.opinion_text),
            "dissent": printable(item.dissent) or "无"})
    return {"title": printable(document.title), "round_label": printable(document.round_label),
            "expert_id": printable(document.expert_id), "expert_name": printable(document.expert_name),
            "expert_unit": printable(document.expert_unit), "printed_on": f"{document.printed_on:%Y年%m月%d日}",
            "has_unsubmitted": document.has_unsubmitted, "draft_mark": DRAFT_MARK,
            "count": len(document.items),
            "submitted": sum(i.state is ItemState.SUBMITTED for i in document.items),
            "recused": sum(i.state is ItemState.RECUSED for i in document.items),
            "signature_line": SIGNATURE_LINE, "date_line": DATE_LINE, "items": items}


def render_docx(template: Path, context: dict) -> bytes:
    """A Word template rendered with autoescaping, so that “<” or “&” in a unit name stays text."""
    from docxtpl import DocxTemplate

    doc = DocxTemplate(str(template))
    doc.render(context, autoescape=True)
    buffer = io.BytesIO()
    doc.save(buffer)
    return buffer.getvalue()


def score_sheet_docx(document: ScoreSheetDocument, template: Path | None = None) -> bytes:
    """The sheet as .docx from the Word template (templates/score_sheet.docx unless another is given)."""
    return render_docx(template or DOCX_TEMPLATE, docx_context(document))
