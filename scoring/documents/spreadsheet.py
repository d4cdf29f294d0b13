"""The spreadsheet layer every import workbook shares: column layouts, reading cells located by sheet,
row and column, and writing styled sheets with comments and data validation.

A data sheet has a merged group-header row above its column headers; a row whose key column starts
with “示例” is an example and is skipped when reading. The layouts themselves live with each
workbook (documents/workbook.py for applications, documents/expert_workbook.py for experts).
"""
from __future__ import annotations

import io
import posixpath
import re
import zipfile
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from datetime import date, datetime, time
from decimal import Decimal
from enum import StrEnum
from functools import cached_property
from xml.etree import ElementTree

import python_calamine
import xlsxwriter
from pydantic import BaseModel, ValidationError

from scoring.common.disciplines import catalogue
from scoring.documents import MAX_FILE_BYTES, IssueLog
from scoring.common.models import AffiliationKind, City, Funding, UnitType
from scoring.common.normalize import (
    clean_long_text,
    clean_text,
    explain_validation_error,
    fold_width,
    is_blank,
    parse_affiliation_kind,
    parse_bool,
    parse_city,
    parse_count,
    parse_credit_code,
    parse_date,
    parse_discipline_cell,
    parse_email,
    parse_expert_id,
    parse_file_names,
    parse_funding,
    parse_phone,
    parse_standards,
    parse_unit_type,
    parse_wan,
    parse_year,
)

EXAMPLE_MARK = "示例"
MAX_UNPACKED_BYTES = 400 * 1024 * 1024  # a zip bomb is refused before calamine inflates it
HEADER_SEARCH_ROWS = 30
STRING_TOO_LONG = -2  # what XlsxWriter's write_string returns when it had to truncate
GROUP_ROW, HEADER_ROW, FIRST_DATA_ROW = 0, 1, 2  # 0-based, as XlsxWriter counts
VALIDATED_SPARE_ROWS = 1000


# --- layout --------------------------------------------------------------------------------


class Kind(StrEnum):
    """How a column's cells are read, written and validated."""

    TEXT = "text"
    LONG_TEXT = "long_text"
    CODE = "code"
    PHONE = "phone"
    EMAIL = "email"
    COUNT = "count"
    WAN = "wan"
    YEAR = "year"
    DATE = "date"
    BOOL = "bool"
    UNIT_TYPE = "unit_type"
    CITY = "city"
    FUNDING = "funding"
    STANDARDS = "standards"
    FILES = "files"
    SEQ = "seq"
    DISCIPLINES = "disciplines"
    AFFILIATION = "affiliation"
    EXPERT_ID = "expert_id"


# Cells whose value is a figure. The reader takes what the file cached for a formula, which is stale or 0 when the
# program that wrote the file did not compute it, so a formula in one of these is an error rather than a number.
NUMBER_KINDS = frozenset({Kind.COUNT, Kind.WAN, Kind.YEAR})

KIND_RULES = {
    Kind.CODE: "18位数字或大写字母，请按文本填写（勿存成数字）。",
    Kind.PHONE: "按文本填写，保留开头的0。",
    Kind.COUNT: "整数，不小于0；可写“120件”。",
    Kind.WAN: "单位：万元，最多两位小数；填“元”为单位（如 355000元）时系统换算为万元并提示。",
    Kind.YEAR: "四位年份，如 2022。",
    Kind.DATE: "日期，如 2023-05-20。",
    Kind.BOOL: "填“是”或“否”（也可填 √ / ×）。",
    Kind.UNIT_TYPE: "高等学校 / 科研院所（申报书中的“科研机构”）/ 其他。",
    Kind.CITY: "辽宁省14个市或沈抚示范区，如“大连市”。",
    Kind.FUNDING: "拟定申请（申请省级启动资金）或拟定配套（单位配套经费）。",
    Kind.STANDARDS: "GB/T 33251-2016《高等学校知识产权管理规范》、GB/T 33250-2016《科研组织知识产权管理规范》，多项用“；”分隔。",
    Kind.FILES: "与上传的附件文件名完全一致（含扩展名），多个文件用“；”分隔。",
    Kind.SEQ: "1、2、3……；填“合计”的行记为申报书中的合计金额。",
    Kind.DISCIPLINES: "从“专业领域目录”（见填表说明）中选择，多项用“；”分隔。",
    Kind.AFFILIATION: "兼职 / 原工作单位 / 其他。",
    Kind.EXPERT_ID: "字母、数字、“-”“_”“.”组成，如 ZJ2023-001；同一专家每次导入使用同一编号。",
}
KIND_WIDTHS = {Kind.LONG_TEXT: 40, Kind.CODE: 22, Kind.FILES: 30, Kind.STANDARDS: 26, Kind.EMAIL: 22,
               Kind.TEXT: 16, Kind.DATE: 12, Kind.BOOL: 10, Kind.COUNT: 11, Kind.WAN: 12, Kind.YEAR: 8,
               Kind.DISCIPLINES: 26, Kind.EXPERT_ID: 14}

# Lists offered in a cell's drop-down. Validation stays a warning: Excel then lets a variant the
# reader understands ("大连", "√") through, and the reader gives the located error for anything else.
CHOICES = {Kind.BOOL: ["是", "否"], Kind.UNIT_TYPE: [u.value for u in UnitType], Kind.CITY: [c.value for c in City],
           Kind.FUNDING: [f.value for f in Funding], Kind.AFFILIATION: [k.value for k in AffiliationKind]}


@dataclass(frozen=True)
class Column:
    key: str  # where the value goes: a dotted path into the model, or a key read specially
    header: str
    kind: Kind = Kind.TEXT
    group: str = ""
    required: bool = False
    note: str = ""
    aliases: tuple[str, ...] = ()

    @property
    def width(self) -> float:
        return max(KIND_WIDTHS.get(self.kind, 14), min(len(self.header) * 2 + 2, 24))

    @property
    def comment(self) -> str:
        parts = ["必填。" if self.required else "", self.note, KIND_RULES.get(self.kind, "")]
        return "".join(p for p in parts if p)


@dataclass(frozen=True)
class SheetLayout:
    """One data sheet. `key` is the column that identifies a row's record (and marks example rows);
    a row holding only the `reference_only` columns (e.g. a merged code cell running on) has no data;
    `when_missing` tells the user what a workbook without this sheet means."""

    name: str
    purpose: str
    columns: tuple[Column, ...]
    key: str
    reference_only: tuple[str, ...] = ()
    when_missing: str = "该部分数据视为未填写"

    @cached_property
    def _by_key(self) -> dict[str, Column]:
        return {c.key: c for c in self.columns}

    def column(self, key: str) -> Column | None:
        return self._by_key.get(key)

    def header_for(self, key: str) -> str:
        column = self.column(key)
        return column.header if column else ""


def grouped(group: str, *columns: Column) -> tuple[Column, ...]:
    return tuple(replace(c, group=group) for c in columns)


# --- reading: file checks ------------------------------------------------------------------


def unreadable_reason(content: bytes, filename: str) -> str | None:
    """Why a file cannot be an .xlsx workbook worth parsing, or None if it may be one."""
    size_mb = len(content) / 1024 / 1024
    if not content:
        return "文件是空的"
    if len(content) > MAX_FILE_BYTES:
        return f"文件大小 {size_mb:.1f} MB，超过 {MAX_FILE_BYTES // 1024 // 1024} MB 的上限，请拆分成多个工作簿后上传"
    suffix = filename.rsplit(".", 1)[-1].lower() if "." in filename else ""
    if content.startswith(b"\xd0\xcf\x11\xe0"):
        if suffix == "xls":
            return "这是旧版 Excel 97-2003 工作簿（.xls），请在 Excel 中“另存为” .xlsx 格式后重新上传"
        return "文件是旧版 .xls 格式或设置了打开密码，请取消密码并另存为 .xlsx 格式后重新上传"
    if not content.startswith(b"PK\x03\x04"):
        if suffix == "csv":
            return "CSV 文件无法容纳多个工作表，请使用导入模板（.xlsx）填写后上传"
        return "文件不是 Excel 工作簿（.xlsx），无法读取；请使用导入模板填写"
    return _zip_problem(content)


def _zip_problem(content: bytes) -> str | None:
    try:
        with zipfile.ZipFile(io.BytesIO(content)) as archive:
            names = set(archive.namelist())
            unpacked = sum(info.file_size for info in archive.infolist())
    except zipfile.BadZipFile:
        return "文件已损坏，无法作为 .xlsx 工作簿读取"
    if "xl/workbook.xml" not in names:
        if "word/document.xml" in names:
            return "这是 Word 文档，不是 Excel 工作簿（.xlsx）；附件请与工作簿一起上传，不要改扩展名"
        return "文件不是 Excel 工作簿（.xlsx），无法读取；请使用导入模板填写"
    if unpacked > MAX_UNPACKED_BYTES:
        return "文件解压后过大，超出上限，请拆分成多个工作簿后上传"
    return None


def load_grids(content: bytes, log: IssueLog, layouts: tuple[SheetLayout, ...], required: SheetLayout,
               other_known: tuple[str, ...], max_rows: int) -> dict[str, Grid] | None:
    """The data sheets' cells and formulas by layout name; None (with the error logged) when the file cannot be
    used. A missing sheet other than `required` is a warning saying what its absence means."""
    try:
        book = python_calamine.CalamineWorkbook.from_filelike(io.BytesIO(content))
    except Exception:  # calamine raises several unrelated types for a damaged file
        log.error("文件已损坏或不是有效的 .xlsx 工作簿，无法读取")
        return None
    with book:
        present = {name.strip(): name for name in book.sheet_names}
        for name in present:
            if name not in {s.name for s in layouts} | set(other_known):
                log.warning("未识别的工作表，已忽略", name)
        if required.name not in present:
            log.error(f"缺少工作表“{required.name}”，请使用导入模板填写")
            return None
        sheets = {layout.name: book.get_sheet_by_name(present[layout.name])
                  for layout in layouts if layout.name in present}
        for layout in layouts:
            if layout.name not in sheets:
                log.warning(f"缺少工作表“{layout.name}”，{layout.when_missing}")
        total_rows = sum(sheet.height for sheet in sheets.values())
        if total_rows > max_rows:
            log.error(f"工作簿共有 {total_rows} 行数据，超过 {max_rows} 行的上限，请拆分成多个工作簿后上传")
            return None
        try:
            formulas = formula_cells(content, [present[name] for name in sheets])
        except (KeyError, ElementTree.ParseError, zipfile.BadZipFile, ValueError):
            log.error("文件已损坏或不是有效的 .xlsx 工作簿，无法读取")
            return None
        return {name: grid(sheet, formulas.get(present[name])) for name, sheet in sheets.items()}


# --- reading: formulas ---------------------------------------------------------------------
# python-calamine gives only the values a file cached for its formulas, so the formulas are found in the sheets' XML.

_CELL_REF = re.compile(r"([A-Z]{1,3})([0-9]{1,7})")
# Any <f> element, with or without a namespace prefix: most sheets have none, and a byte search is far quicker than
# parsing the XML (a sheet of 2,000 applications takes seconds to parse).
_FORMULA_TAG = re.compile(rb"<(?:[A-Za-z_][\w.-]*:)?f[\s>/]")


@dataclass
class Formulas:
    """The formula cells of one sheet, 0-based (row, column) → the formula without its “=” ("" for a cell sharing
    another cell's formula); `spans` are array formulas, each filling a block of cells."""

    cells: dict[tuple[int, int], str] = field(default_factory=dict)
    spans: tuple[tuple[int, int, int, int, str], ...] = ()  # top, left, bottom, right, formula

    def rows_from(self, first: int) -> list[int]:
        """The rows from `first` on that hold a formula cell: one with no cached value can lie below the cells
        calamine gives."""
        return sorted({r for r, _ in self.cells if r >= first})

    def at(self, r: int, c: int) -> str | None:
        if (r, c) in self.cells:
            return self.cells[(r, c)]
        return next((text for top, left, bottom, right, text in self.spans
                     if top <= r <= bottom and left <= c <= right), None)


def formula_problem(text: str) -> str:
    """The error for a formula in a number cell, worded as the one for text that is not a number."""
    written = f"“={text}”" if text else "单元格中"
    return f"{written}是公式，不是数字：请填写数值（可复制后用“选择性粘贴—数值”粘回）"


def formula_cells(content: bytes, sheet_names: list[str]) -> dict[str, Formulas]:
    """The formula cells of the named sheets of an .xlsx file, by sheet name."""
    with zipfile.ZipFile(io.BytesIO(content)) as archive:
        parts = _sheet_parts(archive)
        return {name: _part_formulas(archive, parts[name]) for name in sheet_names if name in parts}


def _local(tag: str) -> str:
    return tag.rpartition("}")[2]


def _attribute(element: ElementTree.Element, name: str) -> str | None:
    """An attribute by its local name: transitional and strict OOXML put r:id in different namespaces."""
    return next((value for key, value in element.attrib.items() if _local(key) == name), None)


def _sheet_parts(archive: zipfile.ZipFile) -> dict[str, str]:
    """Each sheet's name → the path of its XML part in the archive."""
    targets = {rel.get("Id"): rel.get("Target", "")
               for rel in ElementTree.fromstring(archive.read("xl/_rels/workbook.xml.rels"))
               if _local(rel.tag) == "Relationship"}
    parts = {}
    for element in ElementTree.fromstring(archive.read("xl/workbook.xml")).iter():
        target = targets.get(_attribute(element, "id")) if _local(element.tag) == "sheet" else None
        if target:
            parts[element.get("name", "")] = (target.lstrip("/") if target.startswith("/")
                                              else posixpath.normpath(posixpath.join("xl", target)))
    return parts


def _cell_position(ref: str) -> tuple[int, int]:
    match = _CELL_REF.fullmatch(ref)
    if match is None:
        raise ValueError(ref)
    column = 0
    for letter in match[1]:
        column = column * 26 + ord(letter) - ord("A") + 1
    return int(match[2]) - 1, column - 1


def _part_formulas(archive: zipfile.ZipFile, part: str) -> Formulas:
    data = archive.read(part)
    if not _FORMULA_TAG.search(data):
        return Formulas()
    cells: dict[tuple[int, int], str] = {}
    spans = []
    r, c = -1, -1  # where the cell being read sits; a cell or row may leave out its r="…"
    with io.BytesIO(data) as stream:
        for event, element in ElementTree.iterparse(stream, events=("start", "end")):
            name = _local(element.tag)
            if event == "start":
                if name == "row":
                    r, c = int(element.get("r")) - 1 if element.get("r") else r + 1, -1
                elif name == "c":
                    r, c = _cell_position(element.get("r")) if element.get("r") else (r, c + 1)
            elif name == "f":
                text = element.text or ""
                cells[(r, c)] = text
                if element.get("t") == "array" and element.get("ref"):
                    first, _, last = element.get("ref").partition(":")
                    (top, left), (bottom, right) = _cell_position(first), _cell_position(last or first)
                    spans.append((top, left, bottom, right, text))
            elif name == "row":
                element.clear()  # a large sheet is read row by row, not held whole
    return Formulas(cells, tuple(spans))


# --- reading: grids and headers ------------------------------------------------------------


@dataclass
class ParsedRow:
    number: int  # Excel's row number, as the user sees it
    values: dict[str, object]  # column key → clean value; None when the cell is blank
    unreadable: set[str] = field(default_factory=set)  # keys of cells that could not be read (logged)
    incomplete: bool = False  # a required cell is blank (logged)

    @property
    def failed(self) -> bool:
        return bool(self.unreadable) or self.incomplete


@dataclass(frozen=True)
class Grid:
    """A sheet's cells from A1, and its formula cells."""

    cells: list[list[object]]
    formulas: Formulas = field(default_factory=Formulas)


def grid(sheet: python_calamine.CalamineSheet, formulas: Formulas | None = None) -> Grid:
    """The sheet's cells from A1, with every merged range filled from its top-left cell (its formula too)."""
    cells = sheet.to_python(skip_empty_area=False)
    formulas = formulas or Formulas()
    for (top, left), (bottom, right) in sheet.merged_cell_ranges or []:
        if top >= len(cells) or left >= len(cells[top]):
            continue
        value, formula = cells[top][left], formulas.cells.get((top, left))
        for r in range(top, min(bottom, len(cells) - 1) + 1):
            for c in range(left, min(right, len(cells[r]) - 1) + 1):
                cells[r][c] = value
                if formula is not None:
                    formulas.cells[(r, c)] = formula
    return Grid(cells, formulas)


def header_key(text: object) -> str:
    """A header as compared: half width, no spaces, no “*”, no bracketed unit such as （万元）."""
    folded = fold_width(clean_text(text))
    folded = re.sub(r"\([^)]*\)", "", folded)
    return "".join(folded.split()).strip("*").casefold()


def _header_index(layout: SheetLayout) -> dict[str, Column]:
    index = {}
    for column in layout.columns:
        for name in (column.header, *column.aliases):
            index[header_key(name)] = column
    return index


def best_layout(cells: list[list[object]], layouts: tuple[SheetLayout, ...]) -> SheetLayout | None:
    """The layout whose headers a file without sheet names (a CSV) names most in its first rows;
    None when it names none, or two layouts equally."""
    scores = []
    for layout in layouts:
        index = _header_index(layout)
        scores.append(max((_header_score(cells, r, index) for r in range(min(HEADER_SEARCH_ROWS, len(cells)))),
                          default=0))
    best = max(scores, default=0)
    if best == 0 or scores.count(best) > 1:
        return None
    return layouts[scores.index(best)]


def _locate_header(cells: list[list[object]], layout: SheetLayout, log: IssueLog) -> tuple[int, dict[str, int]] | None:
    """The header row (0-based) and where each known column is; problems are logged.

    A column whose header cell is blank takes the nearest known header above it: a header cell
    merged down over the group-header row keeps its text only in the upper row once unmerged.
    The header row is the first naming most columns that way, or the last of the rows right below it
    that name as many (a header merged down over two rows); a header repeated further down is not it.
    """
    index = _header_index(layout)
    scores = [_header_score(cells, r, index) for r in range(min(HEADER_SEARCH_ROWS, len(cells)))]
    if not scores or max(scores) == 0:
        log.error(f"找不到表头行：前{HEADER_SEARCH_ROWS}行中没有本表的列名（如“{layout.header_for(layout.key)}”）",
                  layout.name)
        return None
    header_row = scores.index(max(scores))
    while header_row + 1 < len(scores) and scores[header_row + 1] == scores[header_row]:
        header_row += 1
    return header_row, _column_positions(cells, header_row, layout, index, log)


def _header_score(cells: list[list[object]], r: int, index: dict[str, Column]) -> int:
    direct = sum(1 for cell in cells[r] if not is_blank(cell) and header_key(cell) in index)
    if direct == 0:
        return 0
    inherited = sum(1 for c, cell in enumerate(cells[r]) if is_blank(cell) and _header_above(cells, r, c, index))
    return direct + inherited


def _column_positions(cells: list[list[object]], header_row: int, layout: SheetLayout,
                      index: dict[str, Column], log: IssueLog) -> dict[str, int]:
    positions: dict[str, int] = {}
    for c, cell in enumerate(cells[header_row]):
        column = index.get(header_key(cell)) if not is_blank(cell) else _header_above(cells, header_row, c, index)
        if column is None:
            if not is_blank(cell):
                log.warning("未识别的列，已忽略", layout.name, header_row + 1, clean_text(cell))
        elif column.key in positions:
            log.error(f"该列出现了两次（另见第{positions[column.key] + 1}列），请删除多余的一列",
                      layout.name, header_row + 1, column.header)
        else:
            positions[column.key] = c
    for column in layout.columns:
        if column.required and column.key not in positions:
            log.error("缺少必需的列", layout.name, header_row + 1, column.header)
    return positions


def _header_above(cells: list[list[object]], header_row: int, c: int, index: dict[str, Column]) -> Column | None:
    for r in range(header_row - 1, -1, -1):
        cell = cells[r][c] if c < len(cells[r]) else None
        if not is_blank(cell):
            return index.get(header_key(cell))
    return None


# --- reading: cells and rows ---------------------------------------------------------------

CellParser = Callable[[object, list[str], date], object]

PARSERS: dict[Kind, CellParser] = {
    Kind.TEXT: lambda value, notes, today: clean_text(value) or None,
    Kind.LONG_TEXT: lambda value, notes, today: clean_long_text(value) or None,
    Kind.CODE: lambda value, notes, today: parse_credit_code(value),
    Kind.PHONE: lambda value, notes, today: parse_phone(value, notes) or None,
    Kind.EMAIL: lambda value, notes, today: parse_email(value, notes) or None,
    Kind.COUNT: lambda value, notes, today: parse_count(value),
    Kind.WAN: lambda value, notes, today: parse_wan(value, notes),
    Kind.YEAR: lambda value, notes, today: parse_year(value),
    Kind.DATE: lambda value, notes, today: parse_date(value, notes, today),
    Kind.BOOL: lambda value, notes, today: parse_bool(value),
    Kind.UNIT_TYPE: lambda value, notes, today: parse_unit_type(value),
    Kind.CITY: lambda value, notes, today: parse_city(value),
    Kind.FUNDING: lambda value, notes, today: parse_funding(value),
    Kind.STANDARDS: lambda value, notes, today: parse_standards(value),
    Kind.FILES: lambda value, notes, today: parse_file_names(value) or None,
    Kind.DISCIPLINES: lambda value, notes, today: parse_discipline_cell(value) or None,
    Kind.AFFILIATION: lambda value, notes, today: parse_affiliation_kind(value),
    Kind.EXPERT_ID: lambda value, notes, today: parse_expert_id(value),
}


def parse_cell(kind: Kind, value: object, notes: list[str], today: date,
               special: dict[Kind, CellParser] | None = None) -> object:
    """One cell's clean value (None when blank); raises ValueError with the reason in Chinese.
    `special` gives a workbook's own parsers for kinds only it uses (e.g. the budget's 序号)."""
    parser = (special or {}).get(kind) or PARSERS.get(kind)
    if parser is None:
        raise AssertionError(kind)
    return parser(value, notes, today)


def _is_example(raw: dict[str, object], layout: SheetLayout) -> bool:
    key = raw.get(layout.key)
    return isinstance(key, str) and "".join(key.split()).startswith(EXAMPLE_MARK)


def _is_blank_row(raw: dict[str, object], layout: SheetLayout) -> bool:
    """A row without data, not counting the columns that only refer to the record."""
    return all(is_blank(v) for k, v in raw.items() if k not in layout.reference_only)


def read_rows(sheet: Grid, layout: SheetLayout, log: IssueLog, today: date,
              special: dict[Kind, CellParser] | None = None) -> list[ParsedRow]:
    """Every data row below the header: blank and example rows skipped, each cell parsed, each problem logged."""
    cells = sheet.cells
    located = _locate_header(cells, layout, log)
    if located is None:
        return []
    header_row, positions = located
    numbers = {key: c for key, c in positions.items() if layout.column(key).kind in NUMBER_KINDS}
    rows = []
    for r in [*range(header_row + 1, len(cells)), *sheet.formulas.rows_from(max(len(cells), header_row + 1))]:
        line = cells[r] if r < len(cells) else []
        raw = {key: line[c] if c < len(line) else None for key, c in positions.items()}
        # A formula in a number cell counts as filled even when the file cached no value for it.
        formulas = {key: text for key, c in numbers.items() if (text := sheet.formulas.at(r, c)) is not None}
        if (_is_blank_row(raw, layout) and not formulas) or _is_example(raw, layout):
            continue
        if header_key(raw.get(layout.key)) == header_key(layout.header_for(layout.key)):
            log.warning("重复的表头行，已跳过", layout.name, r + 1)
            continue
        rows.append(_parse_row(raw, formulas, r + 1, layout, log, today, special))
    return rows


def _parse_row(raw: dict[str, object], formulas: dict[str, str], number: int, layout: SheetLayout, log: IssueLog,
               today: date, special: dict[Kind, CellParser] | None) -> ParsedRow:
    row = ParsedRow(number=number, values={})
    for key, value in raw.items():
        if key in formulas:
            log.error(formula_problem(formulas[key]), layout.name, number, layout.header_for(key))
            row.values[key] = None
            row.unreadable.add(key)
            continue
        if is_blank(value):
            row.values[key] = None
            continue
        column = layout.column(key)
        notes: list[str] = []
        try:
            row.values[key] = parse_cell(column.kind, value, notes, today, special)
        except ValueError as exc:
            log.error(str(exc), layout.name, number, column.header)
            row.values[key] = None
            row.unreadable.add(key)
        for note in notes:
            log.warning(note, layout.name, number, column.header)
    return row


def require(row: ParsedRow, layout: SheetLayout, log: IssueLog, keys: tuple[str, ...] | None = None) -> bool:
    """Log every required cell left blank; True when none is."""
    complete = True
    for column in layout.columns:
        wanted = column.required if keys is None else column.key in keys
        if wanted and column.key not in row.unreadable and row.values.get(column.key, "absent") is None:
            log.error("必须填写", layout.name, row.number, column.header)
            complete = False
    row.incomplete = row.incomplete or not complete
    return complete


def validated(model: type[BaseModel], data: dict, row: ParsedRow, layout: SheetLayout, log: IssueLog,
              key_of: Callable[[tuple], str]) -> BaseModel | None:
    """The model, or None with every pydantic error logged in Chinese at its cell."""
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        for error in exc.errors():
            log.error(explain_validation_error(error), layout.name, row.number, layout.header_for(key_of(error["loc"])))
        return None


def dotted(loc: tuple) -> str:
    return ".".join(str(part) for part in loc)


def column_of(layout: SheetLayout, loc: tuple) -> str:
    """The column key an error path points at: the path itself, or its longest prefix that is a column
    (an error inside a list, e.g. disciplines.1, belongs to the list's column)."""
    parts = [str(part) for part in loc]
    for end in range(len(parts), 0, -1):
        key = ".".join(parts[:end])
        if layout.column(key):
            return key
    return dotted(loc)


def set_path(data: dict, path: str, value: object) -> None:
    *parents, last = path.split(".")
    for part in parents:
        data = data.setdefault(part, {})
    data[last] = value


# --- writing -------------------------------------------------------------------------------


def new_workbook(title: str) -> tuple[io.BytesIO, xlsxwriter.Workbook]:
    """An in-memory workbook that writes every string as text (never as a number, formula or link)."""
    buffer = io.BytesIO()
    book = xlsxwriter.Workbook(buffer, {"in_memory": True, "strings_to_numbers": False,
                                        "strings_to_formulas": False, "strings_to_urls": False})
    book.set_properties({"title": title, "author": "辽宁省知识产权局"})
    return buffer, book


class ListStyles:
    """The cell formats of a one-table list (公示名单, 拟入选名单): its title, the line saying where it comes from, the
    header row and the cells."""

    def __init__(self, book: xlsxwriter.Workbook):
        base = {"font_name": "宋体", "font_size": 10, "valign": "vcenter", "border": 1}
        self.heading = book.add_format({"font_name": "宋体", "font_size": 14, "bold": True})
        self.note = book.add_format({"font_name": "宋体", "font_size": 9, "font_color": "#595959"})
        self.header = book.add_format({**base, "bold": True, "align": "center", "bg_color": "#F2F2F2"})
        self.text = book.add_format({**base, "text_wrap": True})
        self.centred = book.add_format({**base, "align": "center"})
        self.code = book.add_format({**base, "num_format": "@"})
        self.score = book.add_format({**base, "num_format": "0.00"})


class Styles:
    """A workbook's cell formats, created once."""

    def __init__(self, book: xlsxwriter.Workbook):
        base = {"font_name": "宋体", "font_size": 10, "valign": "vcenter"}
        head = {**base, "bold": True, "align": "center", "text_wrap": True, "border": 1}
        self.group = book.add_format({**head, "bg_color": "#DDEBF7"})
        self.header = book.add_format({**head, "bg_color": "#F2F2F2"})
        self.required_header = book.add_format({**head, "bg_color": "#F2F2F2", "font_color": "#C00000"})
        self.title = book.add_format({**base, "bold": True, "font_size": 14})
        self.heading = book.add_format({**base, "bold": True, "font_size": 11})
        self.paragraph = book.add_format({**base, "text_wrap": True, "valign": "top"})
        self.table_head = book.add_format({**head, "bg_color": "#F2F2F2", "align": "left"})
        self.table_cell = book.add_format({**base, "text_wrap": True, "border": 1, "valign": "top"})
        data_by_kind = {Kind.WAN: {"num_format": "0.00"}, Kind.DATE: {"num_format": "yyyy-mm-dd", "align": "left"},
                        Kind.LONG_TEXT: {"text_wrap": True, "valign": "top"}, Kind.CODE: {"num_format": "@"},
                        Kind.PHONE: {"num_format": "@"}, Kind.EXPERT_ID: {"num_format": "@"}}
        example = {"italic": True, "font_color": "#7F7F7F", "bg_color": "#FFF2CC"}
        self.data = {kind: book.add_format({**base, **data_by_kind.get(kind, {})}) for kind in Kind}
        self.example = {kind: book.add_format({**base, **data_by_kind.get(kind, {}), **example}) for kind in Kind}


def write_data_sheet(book: xlsxwriter.Workbook, layout: SheetLayout, rows: list[tuple[dict[str, object], bool]],
                     styles: Styles) -> None:
    """A data sheet: headers, the rows (each marked whether it is an example), validation below them."""
    sheet = book.add_worksheet(layout.name)
    write_headers(sheet, layout, styles)
    r = FIRST_DATA_ROW
    for cells, is_example in rows:
        write_cells(sheet, r, layout, cells, styles, is_example)
        r += 1
    add_validations(sheet, layout, r + VALIDATED_SPARE_ROWS)


def write_headers(sheet, layout: SheetLayout, styles: Styles) -> None:
    sheet.set_comments_author("辽宁省知识产权局")
    for c, column in enumerate(layout.columns):
        sheet.set_column(c, c, column.width, styles.data[column.kind])
    for first, last, group in _group_spans(layout.columns):
        if group:
            if last > first:
                sheet.merge_range(GROUP_ROW, first, GROUP_ROW, last, group, styles.group)
            else:
                sheet.write_string(GROUP_ROW, first, group, styles.group)
    for c, column in enumerate(layout.columns):
        style = styles.required_header if column.required else styles.header
        if column.group:
            sheet.write_string(HEADER_ROW, c, column.header, style)
            sheet.write_comment(HEADER_ROW, c, column.comment, {"x_scale": 2.2, "y_scale": 1.6})
        else:
            sheet.merge_range(GROUP_ROW, c, HEADER_ROW, c, column.header, style)
            sheet.write_comment(GROUP_ROW, c, column.comment, {"x_scale": 2.2, "y_scale": 1.6})
    sheet.set_row(GROUP_ROW, 20)
    sheet.set_row(HEADER_ROW, 42)
    sheet.freeze_panes(FIRST_DATA_ROW, 2)


def _group_spans(columns: tuple[Column, ...]) -> list[tuple[int, int, str]]:
    spans: list[tuple[int, int, str]] = []
    for c, column in enumerate(columns):
        if spans and spans[-1][2] == column.group and column.group:
            spans[-1] = (spans[-1][0], c, column.group)
        else:
            spans.append((c, c, column.group))
    return spans


def write_cells(sheet, r: int, layout: SheetLayout, cells: dict[str, object], styles: Styles, example: bool) -> None:
    for c, column in enumerate(layout.columns):
        style = (styles.example if example else styles.data)[column.kind]
        value = cell_form(cells.get(column.key))
        if value is None:
            if example:
                sheet.write_blank(r, c, None, style)
        elif isinstance(value, datetime):
            sheet.write_datetime(r, c, value, style)
        elif isinstance(value, (int, float)):
            sheet.write_number(r, c, value, style)
        elif sheet.write_string(r, c, value, style) == STRING_TOO_LONG:
            raise ValueError(f"“{layout.name}”表第{r + 1}行“{column.header}”的内容超过 Excel 单元格 32767 字的上限，"
                             "无法写入工作簿")


def cell_form(value: object) -> object:
    """A model value as the workbook shows it."""
    if value is None or value == [] or value == "":
        return None
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, Decimal):
        return float(value)  # Excel stores numbers as doubles; 14 significant digits survive the trip
    if isinstance(value, date):
        return datetime.combine(value, time())
    if isinstance(value, list):
        return "；".join(str(v) for v in value)
    if isinstance(value, StrEnum):
        return value.value
    return value


def add_validations(sheet, layout: SheetLayout, last_row: int) -> None:
    for c, column in enumerate(layout.columns):
        rule = _validation_rule(column)
        if rule:
            sheet.data_validation(FIRST_DATA_ROW, c, last_row, c, {
                **rule, "error_type": "warning", "error_title": column.header,
                "error_message": (column.comment or "请按填表说明填写")[:255],
            })


def _validation_rule(column: Column) -> dict | None:
    if column.kind in CHOICES:
        return {"validate": "list", "source": CHOICES[column.kind]}
    if column.kind is Kind.COUNT:
        return {"validate": "integer", "criteria": ">=", "value": 0}
    if column.kind is Kind.WAN:
        return {"validate": "decimal", "criteria": ">=", "value": 0}
    if column.kind is Kind.YEAR:
        return {"validate": "integer", "criteria": "between", "minimum": 1990, "maximum": 2100}
    if column.kind is Kind.DATE:
        return {"validate": "date", "criteria": "between", "minimum": date(1950, 1, 1), "maximum": date(2100, 12, 31)}
    return None


# --- writing: the instructions sheet -------------------------------------------------------


def write_guide(sheet, styles: Styles, title: str, paragraphs: list[str], layouts: tuple[SheetLayout, ...],
                extra_tables: list[tuple[str, tuple[str, ...], list[tuple[str, ...]]]] = ()) -> None:
    """The 填表说明 sheet: title, numbered paragraphs, every column's rule, then any further tables."""
    sheet.set_column(0, 0, 16)
    sheet.set_column(1, 1, 28)
    sheet.set_column(2, 2, 8)
    sheet.set_column(3, 3, 90)
    sheet.merge_range(0, 0, 0, 3, title, styles.title)
    r = 2
    for text in paragraphs:
        sheet.merge_range(r, 0, r, 3, text, styles.paragraph)
        sheet.set_row(r, 16 * (1 + len(text) // 60))
        r += 1
    rows = [(layout.name, column.header, "是" if column.required else "",
             "".join(p for p in (column.note, KIND_RULES.get(column.kind, "")) if p))
            for layout in layouts for column in layout.columns]
    r = _write_table(sheet, styles, r + 1, "各列说明", ("工作表", "列名", "必填", "填写要求"), rows)
    for heading, heads, table_rows in extra_tables:
        r = _write_table(sheet, styles, r + 1, heading, heads, table_rows)
    sheet.activate()


def _write_table(sheet, styles: Styles, r: int, heading: str, heads: tuple[str, ...],
                 rows: list[tuple[str, ...]]) -> int:
    """A headed table from row `r`; returns the row after it."""
    sheet.merge_range(r, 0, r, 3, heading, styles.heading)
    r += 1
    for c, head in enumerate(heads):
        sheet.write_string(r, c, head, styles.table_head)
    for row in rows:
        r += 1
        for c, text in enumerate(row):
            sheet.write_string(r, c, text, styles.table_cell)
    return r + 1


def discipline_table() -> tuple[str, tuple[str, ...], list[tuple[str, ...]]]:
    """The catalogue of fields as a guide table: number, field, accepted variants."""
    rows = [(str(n), name, "", variants) for n, (name, variants) in enumerate(catalogue(), start=1)]
    return "专业领域目录", ("序号", "专业领域", "", "也可写作"), rows

