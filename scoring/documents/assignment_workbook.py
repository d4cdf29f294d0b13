"""The assignment list of a review round as an .xlsx workbook (评审分配名单)."""
from __future__ import annotations

from pydantic import BaseModel, ConfigDict

from scoring.documents.spreadsheet import new_workbook

HEADERS = ("序号", "申报单位", "统一社会信用代码", "推荐市局", "专家", "专家单位", "匹配度", "评审组")
WIDTHS = (6, 36, 22, 12, 12, 36, 10, 16)
# A spreadsheet program reads a cell starting with one of these as a formula once the list is saved as CSV
# or retyped; an apostrophe in front keeps it text everywhere.
FORMULA_STARTS = ("=", "+", "-", "@")


class ExportRow(BaseModel):
    """One pair of the list, as printed."""

    model_config = ConfigDict(frozen=True)

    unit_name: str
    credit_code: str
    city: str
    expert_name: str
    expert_unit: str
    affinity: float
    panel: str = ""


def neutralised(text: str) -> str:
    """Text that no spreadsheet program takes for a formula: “=HYPERLINK(…)” becomes “'=HYPERLINK(…)”."""
    return f"'{text}" if text.startswith(FORMULA_STARTS) else text


def write_assignment_workbook(title: str, rows: list[ExportRow]) -> bytes:
    """One sheet, 评审分配名单: a title row, the headers, one row per pair, 匹配度 as a percentage."""
    buffer, book = new_workbook(title)
    sheet = book.add_worksheet("评审分配名单")
    base = {"font_name": "宋体", "font_size": 10, "valign": "vcenter", "border": 1}
    heading = book.add_format({"font_name": "宋体", "font_size": 14, "bold": True})
    header = book.add_format({**base, "bold": True, "align": "center", "bg_color": "#F2F2F2"})
    text = book.add_format(base)
    code = book.add_format({**base, "num_format": "@"})
    percent = book.add_format({**base, "num_format": "0%"})
    for c, width in enumerate(WIDTHS):
        sheet.set_column(c, c, width)
    sheet.write_string(0, 0, neutralised(title), heading)
    for c, name in enumerate(HEADERS):
        sheet.write_string(1, c, name, header)
    for r, row in enumerate(rows, start=2):
        sheet.write_number(r, 0, r - 1, text)
        sheet.write_string(r, 1, neutralised(row.unit_name), text)
        sheet.write_string(r, 2, neutralised(row.credit_code), code)
        sheet.write_string(r, 3, neutralised(row.city), text)
        sheet.write_string(r, 4, neutralised(row.expert_name), text)
        sheet.write_string(r, 5, neutralised(row.expert_unit), text)
        sheet.write_number(r, 6, round(row.affinity, 4), percent)
        sheet.write_string(r, 7, neutralised(row.panel), text)
    sheet.freeze_panes(2, 0)
    sheet.autofilter(1, 0, max(1, len(rows) + 1), len(HEADERS) - 1)
    book.close()
    return buffer.getvalue()
