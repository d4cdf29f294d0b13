"""The year's extra awards as an .xlsx workbook: a sheet 追加奖励 (one row per pilot with its computation written out)
and a sheet 奖补标准 (the standard it was computed under). A pure function of values, no storage."""
from __future__ import annotations

from scoring.documents.assignment_workbook import neutralised
from scoring.documents.score_sheet_print import printable
from scoring.documents.spreadsheet import ListStyles, new_workbook
from scoring.pilots.awards import AwardComputation, AwardStandard, percent

AWARD_SHEET = "追加奖励"
STANDARD_SHEET = "奖补标准"
AWARD_HEADERS = ("序号", "单位名称", "统一社会信用代码", "所在市", "转化件数", "金额（万元）", "验收结果", "是否符合条件",
                 "奖励金额（万元）", "计算过程")
AWARD_WIDTHS = (6, 34, 22, 10, 9, 12, 10, 10, 14, 80)
STANDARD_HEADERS = ("项目", "设定")
STANDARD_WIDTHS = (36, 60)


def _text(value: str) -> str:
    return neutralised(printable(value))


def standard_rows(standard: AwardStandard) -> list[tuple[str, str]]:
    """The standard as (title, value) lines, in the order of its fields."""
    shown = {
        "year": str(standard.year), "basis": standard.basis,
        "transfer_rate": f"{standard.transfer_rate:.2f}", "licence_rate": f"{standard.licence_rate:.2f}",
        "equity_rate": f"{standard.equity_rate:.2f}",
        "amount_rate": f"{standard.amount_rate.normalize():f}（{percent(standard.amount_rate)}）",
        "amount_basis": standard.amount_basis.value, "cap": f"{standard.cap:.2f}",
        "budget": "不限" if standard.budget is None else f"{standard.budget:.2f}",
        "min_converted": str(standard.min_converted), "outcomes": "、".join(standard.outcomes),
    }
    return [(AwardStandard.model_fields[name].title, value) for name, value in shown.items()]


def award_workbook(title: str, standard: AwardStandard, computations: list[AwardComputation]) -> bytes:
    """Sheet 追加奖励: a title row, the basis line, the headers (frozen), one row per pilot, a total row; sheet
    奖补标准: the standard. Amounts with two places; every text cell kept as text, formula-like text neutralised."""
    buffer, book = new_workbook(title)
    styles = ListStyles(book)
    wrapped = book.add_format({"font_name": "宋体", "font_size": 10, "valign": "top", "border": 1, "text_wrap": True})
    sheet = book.add_worksheet(AWARD_SHEET)
    for c, width in enumerate(AWARD_WIDTHS):
        sheet.set_column(c, c, width)
    sheet.write_string(0, 0, _text(title), styles.heading)
    sheet.write_string(1, 0, _text(f"奖补标准：{standard.rate_line()}；依据：{standard.basis or '—'}"), styles.note)
    for c, name in enumerate(AWARD_HEADERS):
        sheet.write_string(2, c, name, styles.header)
    r = 3
    for n, computation in enumerate(computations, start=1):
        pilot = computation.pilot
        sheet.write_number(r, 0, n, styles.centred)
        sheet.write_string(r, 1, _text(pilot.unit_name), styles.text)
        sheet.write_string(r, 2, _text(pilot.credit_code), styles.code)
        sheet.write_string(r, 3, _text(pilot.city), styles.text)
        if computation.converted is None:
            sheet.write_string(r, 4, "", styles.centred)
            sheet.write_string(r, 5, "", styles.score)
        else:
            sheet.write_number(r, 4, computation.converted, styles.centred)
            sheet.write_number(r, 5, float(computation.conversion_amount), styles.score)
        sheet.write_string(r, 6, _text(computation.outcome or ""), styles.centred)
        sheet.write_string(r, 7, "是" if computation.eligible else "否", styles.centred)
        sheet.write_number(r, 8, float(computation.amount), styles.score)
        sheet.write_string(r, 9, _text(computation.process), wrapped)
        r += 1
    sheet.write_string(r, 1, "合计", styles.header)
    sheet.write_number(r, 8, float(sum(c.amount for c in computations)), styles.score)
    sheet.freeze_panes(3, 0)
    rules = book.add_worksheet(STANDARD_SHEET)
    for c, width in enumerate(STANDARD_WIDTHS):
        rules.set_column(c, c, width)
    for c, name in enumerate(STANDARD_HEADERS):
        rules.write_string(0, c, name, styles.header)
    for r, (label, value) in enumerate(standard_rows(standard), start=1):
        rules.write_string(r, 0, label, styles.text)
        rules.write_string(r, 1, _text(value), styles.text)
    book.close()
    return buffer.getvalue()
