"""The published list of the publicity stage (公示名单) as .xlsx and .csv, in the columns the notice shows."""
from __future__ import annotations

import csv
import io

from scoring.documents.assignment_workbook import FORMULA_STARTS, neutralised
from scoring.documents.official import ListColumn, ListedUnit
from scoring.documents.score_sheet_print import printable
from scoring.documents.spreadsheet import ListStyles, new_workbook

SHEET_NAME = "公示名单"
WIDTHS = {ListColumn.ORDER: 6, ListColumn.NAME: 40, ListColumn.TYPE: 16, ListColumn.CITY: 10,
          ListColumn.CREDIT_CODE: 22, ListColumn.SCORE: 10, ListColumn.OUTCOME: 10}
# Besides the formula starts, a leading tab or carriage return: some programs drop it on import and then read what
# follows as a formula (OWASP, CSV injection).
CSV_STARTS = (*FORMULA_STARTS, "\t", "\r")


def csv_neutralised(text: str) -> str:
    """A CSV cell that no spreadsheet program takes for a formula: “+1” becomes “'+1”."""
    return f"'{text}" if text.startswith(CSV_STARTS) else text


def publicity_list_xlsx(title: str, provenance: str, columns: list[ListColumn], units: list[ListedUnit]) -> bytes:
    """One sheet, 公示名单: a title row, a line saying where the list comes from (the frozen shortlist's version and
    hash), the column names (frozen), one row per unit in its order; 序号 and 评审得分 as numbers, every other cell
    as text."""
    buffer, book = new_workbook(title)
    sheet = book.add_worksheet(SHEET_NAME)
    styles = ListStyles(book)
    heading, note, header, text = styles.heading, styles.note, styles.header, styles.text
    centred, code, score = styles.centred, styles.code, styles.score
    for c, column in enumerate(columns):
        sheet.set_column(c, c, WIDTHS[column])
    sheet.write_string(0, 0, neutralised(printable(title)), heading)
    sheet.write_string(1, 0, neutralised(printable(provenance)), note)
    for c, column in enumerate(columns):
        sheet.write_string(2, c, str(column), header)
    for r, unit in enumerate(units, start=3):
        for c, column in enumerate(columns):
            if column is ListColumn.ORDER:
                sheet.write_number(r, c, unit.order, centred)
            elif column is ListColumn.SCORE and unit.final is not None:
                sheet.write_number(r, c, float(unit.final), score)
            else:
                cell_format = {ListColumn.CREDIT_CODE: code, ListColumn.CITY: centred}.get(column, text)
                sheet.write_string(r, c, neutralised(printable(unit.cell(column))), cell_format)
    sheet.freeze_panes(3, 0)
    if columns:
        sheet.autofilter(2, 0, max(2, len(units) + 2), len(columns) - 1)
    book.close()
    return buffer.getvalue()


def publicity_list_csv(columns: list[ListColumn], units: list[ListedUnit]) -> bytes:
    """The list as CSV for Excel: UTF-8 with a byte order mark (else Excel reads the Chinese as GBK), CRLF line ends,
    the column names, then one row per unit; every cell neutralised."""
    text = io.StringIO()
    writer = csv.writer(text, lineterminator="\r\n")
    writer.writerow([str(column) for column in columns])
    for unit in units:
        writer.writerow([csv_neutralised(unit.cell(column)) for column in columns])
    return text.getvalue().encode("utf-8-sig")
