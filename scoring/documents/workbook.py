"""The import workbook (.xlsx): the blank template, applications written into it, and reading it back.

Layout: a sheet 填表说明, then four data sheets linked by 统一社会信用代码 — 基本信息 (one row per
application), 年度数据 (one row per application and year), 经费预算 (one row per budget item, plus an
optional 合计 row) and 管理制度 (one row per rule document). Each data sheet has a merged group-header
row above the column headers. A row whose 统一社会信用代码 starts with “示例” is an example and is
skipped when reading.
"""
from __future__ import annotations

import io
import re
import zipfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field, replace
from datetime import date, datetime, time
from decimal import Decimal
from enum import StrEnum
from functools import cached_property

import python_calamine
import xlsxwriter
from pydantic import BaseModel, ValidationError
from stdnum.cn import uscc

from scoring import clock
from scoring.documents import AttachmentReference, IssueLog, ParsedFile
from scoring.models import (
    Application,
    Attachment,
    AttachmentKind,
    BasicInfo,
    Batch,
    Budget,
    BudgetRow,
    City,
    CreditCommitment,
    Funding,
    IpManagement,
    ManagementStandard,
    PilotContact,
    PilotLead,
    PriorityClaim,
    PriorityKind,
    Recommendation,
    RuleDocument,
    UnitType,
    YearAmount,
    YearConversion,
    YearPatents,
)
from scoring.normalize import (
    clean_long_text,
    clean_text,
    explain_validation_error,
    fold_width,
    is_blank,
    parse_bool,
    parse_city,
    parse_count,
    parse_credit_code,
    parse_date,
    parse_email,
    parse_file_names,
    parse_funding,
    parse_phone,
    parse_standards,
    parse_unit_type,
    parse_wan,
    parse_year,
)

EXAMPLE_MARK = "示例"
TOTAL_MARK = "合计"
MAX_FILE_BYTES = 30 * 1024 * 1024
MAX_UNPACKED_BYTES = 400 * 1024 * 1024  # a zip bomb is refused before calamine inflates it
MAX_DATA_ROWS = 50_000
HEADER_SEARCH_ROWS = 30
STRING_TOO_LONG = -2  # what XlsxWriter's write_string returns when it had to truncate
GROUP_ROW, HEADER_ROW, FIRST_DATA_ROW = 0, 1, 2  # 0-based, as XlsxWriter counts
VALIDATED_SPARE_ROWS = 1000
LINK = "credit_code"
NAME_REFERENCE = "unit_name"


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
}
KIND_WIDTHS = {Kind.LONG_TEXT: 40, Kind.CODE: 22, Kind.FILES: 30, Kind.STANDARDS: 26, Kind.EMAIL: 22,
               Kind.TEXT: 16, Kind.DATE: 12, Kind.BOOL: 10, Kind.COUNT: 11, Kind.WAN: 12, Kind.YEAR: 8}


@dataclass(frozen=True)
class Column:
    key: str  # where the value goes: a dotted path into the application, or a key read specially
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
    name: str
    purpose: str
    columns: tuple[Column, ...]

    @cached_property
    def _by_key(self) -> dict[str, Column]:
        return {c.key: c for c in self.columns}

    def column(self, key: str) -> Column | None:
        return self._by_key.get(key)

    def header_for(self, key: str) -> str:
        column = self.column(key)
        return column.header if column else ""


def _grouped(group: str, *columns: Column) -> tuple[Column, ...]:
    return tuple(replace(c, group=group) for c in columns)


def _link_columns(name_note: str) -> tuple[Column, ...]:
    return (
        Column(LINK, "统一社会信用代码", Kind.CODE, required=True, note="须与“基本信息”表中的代码一致。"),
        Column(NAME_REFERENCE, "单位名称", note=name_note),
    )


def _priority_columns() -> tuple[Column, ...]:
    columns = []
    for kind in PriorityKind:
        columns.append(Column(f"priority:{kind.name}", kind.value, Kind.BOOL, note="是否以此作为优先申报条件。"))
        columns.append(Column(f"evidence:{kind.name}", f"{kind.value}证明材料",
                              note="证明材料名称或说明（如认定文件名称、文号）；省局工作人员核实后计入加分。"))
    return _grouped("优先申报情况", *columns)


BASIC = SheetLayout(
    name="基本信息",
    purpose="每个申报单位一行：单位信息、试点负责人和联系人、推荐市局、信用承诺、知识产权管理情况、"
            "优先申报情况、情况说明、推荐意见和附件文件名。",
    columns=(
        *_grouped(
            "申报单位",
            Column(LINK, "统一社会信用代码", Kind.CODE, required=True, note="各工作表通过此列关联；同一工作簿中不得重复。"),
            Column("basic.unit_name", "单位名称", required=True),
            Column("basic.address", "单位地址"),
            Column("unit_type", "单位类型", Kind.UNIT_TYPE, required=True),
            Column("basic.unit_type_other", "其他类型说明", note="单位类型选“其他”时填写。"),
            Column("basic.legal_representative", "法定代表人或负责人"),
            Column("basic.phone", "联系电话", Kind.PHONE),
            Column("basic.fax", "传真号码", Kind.PHONE),
        ),
        *_grouped(
            "试点负责人",
            Column("basic.lead.name", "负责人姓名"),
            Column("basic.lead.title", "负责人职务"),
            Column("basic.lead.landline", "负责人固定电话", Kind.PHONE),
            Column("basic.lead.mobile", "负责人手机", Kind.PHONE),
        ),
        *_grouped(
            "试点联系人",
            Column("basic.contact.name", "联系人姓名"),
            Column("basic.contact.mobile", "联系人手机", Kind.PHONE),
            Column("basic.contact.landline", "联系人固定电话", Kind.PHONE),
            Column("basic.contact.fax", "联系人传真", Kind.PHONE),
            Column("basic.contact.postal_address", "联系人通讯地址"),
            Column("basic.contact.postcode", "联系人邮编", Kind.PHONE),
            Column("basic.contact.email", "联系人E-mail", Kind.EMAIL, aliases=("联系人邮箱", "联系人电子邮箱")),
        ),
        *_grouped(
            "申报与信用承诺",
            Column("recommendation.city", "推荐市局", Kind.CITY, required=True, note="推荐本单位的市知识产权局。"),
            Column("submitted_on", "提交日期", Kind.DATE, required=True, note="在线提交申报材料的日期；系统据此核对申报时限。"),
            Column("commitment.signed", "信用承诺书已签署", Kind.BOOL, note="承诺书须签名并加盖公章。"),
            Column("commitment.signed_on", "承诺书签署日期", Kind.DATE),
        ),
        *_grouped(
            "知识产权管理情况",
            Column("standards", "贯彻实施的管理规范", Kind.STANDARDS),
            Column("ip_management.standard_other", "其他管理规范"),
            Column("ip_management.has_leading_group", "是否成立领导小组", Kind.BOOL,
                   note="知识产权领导小组或科技成果转移转化工作领导小组。"),
            Column("ip_management.ip_staff_full_time", "知识产权管理专职人员数", Kind.COUNT),
            Column("ip_management.ip_staff_part_time", "知识产权管理兼职人员数", Kind.COUNT),
            Column("ip_management.conversion_staff_full_time", "专利转化专职人员数", Kind.COUNT,
                   note="从事专利转化工作的专职人员数。"),
            Column("ip_management.patent_attorneys", "专利代理师资格人数", Kind.COUNT),
        ),
        *_grouped(
            "专利转化基础",
            Column("enterprises_connected", "近三年累计对接企业数", Kind.COUNT,
                   note="申报书未设此项，请另行填写。申报条件（三）要求超过10家（不含10家），由系统核对。"),
        ),
        *_priority_columns(),
        *_grouped(
            "情况说明",
            Column("basic.overall_situation", "单位总体情况", Kind.LONG_TEXT,
                   note="对照《指引》试点任务，简要介绍单位基本情况及近三年知识产权工作整体情况。"),
            Column("operation_institution", "知识产权运营机构建设情况", Kind.LONG_TEXT),
            Column("conversion_staff_situation", "从事专利转化专职人员情况", Kind.LONG_TEXT,
                   note="人员总数、学历及职称、获得奖励及荣誉称号等。"),
        ),
        *_grouped(
            "推荐意见",
            Column("recommendation.unit_confirmation_signed", "申报单位意见已签署", Kind.BOOL,
                   note="法定代表人签字并加盖公章。"),
            Column("recommendation.unit_confirmation_date", "单位签署日期", Kind.DATE),
            Column("recommendation.city_recommended", "是否已出具推荐函", Kind.BOOL,
                   note="市知识产权局另附推荐函，加盖公章后单独上传。"),
            Column("recommendation.city_recommendation_date", "推荐函日期", Kind.DATE),
        ),
        *_grouped(
            "附件文件名",
            Column(f"files:{AttachmentKind.PLAN.name}", "三年建设方案文件名", Kind.FILES,
                   note="三年建设方案（2023-2025）文件，专家评审时阅读。"),
            Column(f"files:{AttachmentKind.RECOMMENDATION.name}", "市局推荐函文件名", Kind.FILES),
            Column(f"files:{AttachmentKind.OTHER.name}", "其他附件文件名", Kind.FILES),
        ),
    ),
)

YEARS = SheetLayout(
    name="年度数据",
    purpose="每个单位每个年度一行（近三年各一行）：专利授权量、有效专利拥有量、知识产权管理经费投入、"
            "专利转让、许可（含开放许可）和作价入股情况。某一部分整段空白表示该年度未填写此部分。",
    columns=(
        *_link_columns("仅供核对，以“基本信息”表为准。"),
        Column("year", "年度", Kind.YEAR, required=True, note="同一单位每个年度只能有一行。"),
        *_grouped(
            "专利授权量（件）",
            Column("patents.invention", "发明专利授权量", Kind.COUNT),
            Column("patents.utility_model", "实用新型授权量", Kind.COUNT),
            Column("patents.design", "外观设计授权量", Kind.COUNT),
        ),
        *_grouped(
            "有效专利",
            Column("patents.valid_held", "累计有效专利拥有量", Kind.COUNT,
                   note="该年末的有效专利数。申报条件（二）：近三年授权量超过100件（不含100件），"
                        "或发明专利授权量超过50件，或有效专利拥有量200件以上（含200件），由系统核对。"),
        ),
        *_grouped(
            "管理经费",
            Column("spending.amount", "知识产权管理经费投入（万元）", Kind.WAN),
        ),
        *_grouped(
            "专利转让",
            Column("conversions.transfer_count", "转让件数", Kind.COUNT),
            Column("conversions.transfer_contract", "转让合同额（万元）", Kind.WAN),
            Column("conversions.transfer_received", "转让实际到账额（万元）", Kind.WAN),
        ),
        *_grouped(
            "专利许可",
            Column("conversions.licence_count", "许可件数", Kind.COUNT),
            Column("conversions.licence_contract", "许可合同额（万元）", Kind.WAN),
            Column("conversions.licence_received", "许可实际到账额（万元）", Kind.WAN),
        ),
        *_grouped(
            "专利开放许可",
            Column("conversions.open_licence_published", "开放许可发布数", Kind.COUNT),
            Column("conversions.open_licence_implemented", "开放许可实施数", Kind.COUNT),
            Column("conversions.open_licence_amount", "开放许可金额（万元）", Kind.WAN),
        ),
        *_grouped(
            "专利作价入股",
            Column("conversions.equity_count", "作价入股件数", Kind.COUNT,
                   note="申报条件（三）：近三年转让、许可、作价入股累计超过30件、金额超过100万元，由系统核对。"),
            Column("conversions.equity_value", "作价金额（万元）", Kind.WAN),
        ),
    ),
)

BUDGET = SheetLayout(
    name="经费预算",
    purpose="每个预算事项一行；“序号”填“合计”的一行记为申报书中填写的合计金额（可不填，系统另行计算）。",
    columns=(
        *_link_columns("仅供核对，以“基本信息”表为准。"),
        Column("seq", "序号", Kind.SEQ),
        Column("item", "经费开支项目", required=True),
        Column("explanation", "说明", Kind.LONG_TEXT),
        Column("amount", "预算金额（万元）", Kind.WAN, required=True),
        Column("year", "实施年度", Kind.YEAR),
        Column("funding", "拟定申请/拟定配套", Kind.FUNDING, required=True, aliases=("资金来源",),
               note="拟定申请经费合计不超过100万元，不得用于征地拆迁、人员经费及专利管理等经常性开支，由系统核对。"),
    ),
)

RULES = SheetLayout(
    name="管理制度",
    purpose="知识产权管理制度建设情况，每个制度文件一行。",
    columns=(
        *_link_columns("仅供核对，以“基本信息”表为准。"),
        Column("name", "文件名称", required=True),
        Column("doc_number", "文号"),
        Column("issued_on", "发文日期", Kind.DATE),
    ),
)

DATA_SHEETS = (BASIC, YEARS, BUDGET, RULES)
GUIDE_SHEET = "填表说明"

# Keys of 基本信息 columns read by hand; every other key is the field's path in the application.
SPECIAL_KEYS = frozenset({LINK, "unit_type", "standards"})

# Where a pydantic error on the whole application points when its path is not a column key.
APPLICATION_PATH_TO_KEY = {
    "basic.credit_code": LINK,
    "basic.unit_type": "unit_type",
    "ip_management.standards": "standards",
}


# --- reading: file checks ------------------------------------------------------------------


def _unreadable_reason(content: bytes, filename: str) -> str | None:
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


def _grid(sheet: python_calamine.CalamineSheet) -> list[list[object]]:
    """The sheet's cells from A1, with every merged range filled from its top-left cell."""
    grid = sheet.to_python(skip_empty_area=False)
    for (top, left), (bottom, right) in sheet.merged_cell_ranges or []:
        if top >= len(grid) or left >= len(grid[top]):
            continue
        value = grid[top][left]
        for r in range(top, min(bottom, len(grid) - 1) + 1):
            for c in range(left, min(right, len(grid[r]) - 1) + 1):
                grid[r][c] = value
    return grid


def _header_key(text: object) -> str:
    """A header as compared: half width, no spaces, no “*”, no bracketed unit such as （万元）."""
    folded = fold_width(clean_text(text))
    folded = re.sub(r"\([^)]*\)", "", folded)
    return "".join(folded.split()).strip("*").casefold()


def _header_index(layout: SheetLayout) -> dict[str, Column]:
    index = {}
    for column in layout.columns:
        for name in (column.header, *column.aliases):
            index[_header_key(name)] = column
    return index


def _locate_header(grid: list[list[object]], layout: SheetLayout, log: IssueLog) -> tuple[int, dict[str, int]] | None:
    """The header row (0-based) and where each known column is; problems are logged.

    A column whose header cell is blank takes the nearest known header above it: a header cell
    merged down over the group-header row keeps its text only in the upper row once unmerged.
    The header row is the first naming most columns that way, or the last of the rows right below it
    that name as many (a header merged down over two rows); a header repeated further down is not it.
    """
    index = _header_index(layout)
    scores = [_header_score(grid, r, index) for r in range(min(HEADER_SEARCH_ROWS, len(grid)))]
    if not scores or max(scores) == 0:
        log.error(f"找不到表头行：前{HEADER_SEARCH_ROWS}行中没有本表的列名（如“统一社会信用代码”）", layout.name)
        return None
    header_row = scores.index(max(scores))
    while header_row + 1 < len(scores) and scores[header_row + 1] == scores[header_row]:
        header_row += 1
    return header_row, _column_positions(grid, header_row, layout, index, log)


def _header_score(grid: list[list[object]], r: int, index: dict[str, Column]) -> int:
    """How many known columns row `r` names, itself or (for its blank cells) by the header above;
    a row that names none itself scores 0, so blank and data rows never win."""
    direct = sum(1 for cell in grid[r] if not is_blank(cell) and _header_key(cell) in index)
    if direct == 0:
        return 0
    inherited = sum(1 for c, cell in enumerate(grid[r]) if is_blank(cell) and _header_above(grid, r, c, index))
    return direct + inherited


def _column_positions(grid: list[list[object]], header_row: int, layout: SheetLayout,
                      index: dict[str, Column], log: IssueLog) -> dict[str, int]:
    positions: dict[str, int] = {}
    for c, cell in enumerate(grid[header_row]):
        column = index.get(_header_key(cell)) if not is_blank(cell) else _header_above(grid, header_row, c, index)
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


def _header_above(grid: list[list[object]], header_row: int, c: int, index: dict[str, Column]) -> Column | None:
    for r in range(header_row - 1, -1, -1):
        cell = grid[r][c] if c < len(grid[r]) else None
        if not is_blank(cell):
            return index.get(_header_key(cell))
    return None


# --- reading: cells and rows ---------------------------------------------------------------


def _parse_cell(kind: Kind, value: object, notes: list[str], today: date) -> object:
    """One cell's clean value (None when blank); raises ValueError with the reason in Chinese."""
    match kind:
        case Kind.TEXT:
            return clean_text(value) or None
        case Kind.LONG_TEXT:
            return clean_long_text(value) or None
        case Kind.CODE:
            return parse_credit_code(value)
        case Kind.PHONE:
            return parse_phone(value, notes) or None
        case Kind.EMAIL:
            return parse_email(value, notes) or None
        case Kind.COUNT:
            return parse_count(value)
        case Kind.WAN:
            return parse_wan(value, notes)
        case Kind.YEAR:
            return parse_year(value)
        case Kind.DATE:
            return parse_date(value, notes, today)
        case Kind.BOOL:
            return parse_bool(value)
        case Kind.UNIT_TYPE:
            return parse_unit_type(value)
        case Kind.CITY:
            return parse_city(value)
        case Kind.FUNDING:
            return parse_funding(value)
        case Kind.STANDARDS:
            return parse_standards(value)
        case Kind.FILES:
            return parse_file_names(value) or None
        case Kind.SEQ:
            return _parse_seq(value)
    raise AssertionError(kind)


def _parse_seq(value: object) -> int | str | None:
    if not is_blank(value) and "".join(clean_text(value).split()) in (TOTAL_MARK, "总计"):
        return TOTAL_MARK
    seq = parse_count(value)
    if seq == 0:
        raise ValueError("序号应从1开始")
    return seq


def _is_example(raw: dict[str, object]) -> bool:
    code = raw.get(LINK)
    return isinstance(code, str) and "".join(code.split()).startswith(EXAMPLE_MARK)


def _is_blank_row(raw: dict[str, object], link_only_counts: bool) -> bool:
    """A row without data; in a child sheet a row holding only the code and name (e.g. from a merged
    code cell running past the last year) has no data either."""
    ignored = (LINK, NAME_REFERENCE) if link_only_counts else ()
    return all(is_blank(v) for k, v in raw.items() if k not in ignored)


def _read_rows(grid: list[list[object]], layout: SheetLayout, log: IssueLog, today: date) -> list[ParsedRow]:
    located = _locate_header(grid, layout, log)
    if located is None:
        return []
    header_row, positions = located
    rows = []
    for r in range(header_row + 1, len(grid)):
        cells = grid[r]
        raw = {key: cells[c] if c < len(cells) else None for key, c in positions.items()}
        if _is_blank_row(raw, link_only_counts=layout is not BASIC) or _is_example(raw):
            continue
        if _header_key(raw.get(LINK)) == _header_key(layout.header_for(LINK)):
            log.warning("重复的表头行，已跳过", layout.name, r + 1)
            continue
        rows.append(_parse_row(raw, r + 1, layout, log, today))
    return rows


def _parse_row(raw: dict[str, object], number: int, layout: SheetLayout, log: IssueLog, today: date) -> ParsedRow:
    row = ParsedRow(number=number, values={})
    for key, value in raw.items():
        if is_blank(value):
            row.values[key] = None
            continue
        column = layout.column(key)
        notes: list[str] = []
        try:
            row.values[key] = _parse_cell(column.kind, value, notes, today)
        except ValueError as exc:
            log.error(str(exc), layout.name, number, column.header)
            row.values[key] = None
            row.unreadable.add(key)
        for note in notes:
            log.warning(note, layout.name, number, column.header)
    return row


def _require(row: ParsedRow, layout: SheetLayout, log: IssueLog, keys: tuple[str, ...] | None = None) -> bool:
    """Log every required cell left blank; True when none is."""
    complete = True
    for column in layout.columns:
        wanted = column.required if keys is None else column.key in keys
        if wanted and column.key not in row.unreadable and row.values.get(column.key, "absent") is None:
            log.error("必须填写", layout.name, row.number, column.header)
            complete = False
    row.incomplete = row.incomplete or not complete
    return complete


def _validated(model: type[BaseModel], data: dict, row: ParsedRow, layout: SheetLayout, log: IssueLog,
               key_of: Callable[[tuple], str]) -> BaseModel | None:
    """The model, or None with every pydantic error logged in Chinese at its cell."""
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        for error in exc.errors():
            log.error(explain_validation_error(error), layout.name, row.number, layout.header_for(key_of(error["loc"])))
        return None


def _dotted(loc: tuple) -> str:
    return ".".join(str(part) for part in loc)


def _is_model_path(key: str) -> bool:
    return key not in SPECIAL_KEYS and ":" not in key


def _set_path(data: dict, dotted: str, value: object) -> None:
    *parents, last = dotted.split(".")
    for part in parents:
        data = data.setdefault(part, {})
    data[last] = value


# --- reading: the four sheets --------------------------------------------------------------


@dataclass
class BasicRecord:
    row: ParsedRow
    data: dict
    references: list[AttachmentReference]


def _basic_records(rows: list[ParsedRow], batch_id: str, log: IssueLog) -> dict[str, BasicRecord]:
    """One record per credit code of 基本信息; a repeated code is an error at the later row."""
    records: dict[str, BasicRecord] = {}
    for row in rows:
        _require(row, BASIC, log)
        code = row.values.get(LINK)
        if code in records:
            log.error(f"统一社会信用代码与第{records[code].row.number}行重复，同一单位只能有一行", BASIC.name, row.number,
                      BASIC.header_for(LINK))
            continue
        if code is None:
            continue
        records[code] = BasicRecord(row, _application_data(row, batch_id, log), _references(row, code))
    return records


def _application_data(row: ParsedRow, batch_id: str, log: IssueLog) -> dict:
    """The 基本信息 row as the nested dict of an Application (child sheets are added later)."""
    data: dict = {"batch_id": batch_id}
    values = row.values
    for key, value in values.items():
        if value is not None and _is_model_path(key):
            _set_path(data, key, value)
    _set_path(data, "basic.credit_code", values.get(LINK))
    if values.get("unit_type"):
        unit_type, other = values["unit_type"]
        _set_path(data, "basic.unit_type", unit_type)
        if other and not values.get("basic.unit_type_other"):
            _set_path(data, "basic.unit_type_other", other)
    if values.get("standards"):
        standards, other = values["standards"]
        _set_path(data, "ip_management.standards", standards)
        if other:
            _merge_other_standard(data, other, row, log)
    data["priority_claims"] = _priority_claims(values)
    return data


def _merge_other_standard(data: dict, other: str, row: ParsedRow, log: IssueLog) -> None:
    current = data.get("ip_management", {}).get("standard_other", "")
    if other not in current:
        _set_path(data, "ip_management.standard_other", "；".join(p for p in (current, other) if p))
        log.warning(f"“{other}”不是两项国家标准之一，已记入“其他管理规范”", BASIC.name, row.number,
                    BASIC.header_for("standards"))


def _priority_claims(values: dict[str, object]) -> list[dict]:
    """A claim where the yes/no cell says yes, or is blank while evidence is given."""
    claims = []
    for kind in PriorityKind:
        claimed = values.get(f"priority:{kind.name}")
        evidence = values.get(f"evidence:{kind.name}") or ""
        if claimed or (claimed is None and evidence):
            claims.append({"kind": kind, "evidence": evidence})
    return claims


def _references(row: ParsedRow, code: str) -> list[AttachmentReference]:
    references = []
    for kind in AttachmentKind:
        key = f"files:{kind.name}"
        for name in row.values.get(key) or []:
            references.append(AttachmentReference(credit_code=code, kind=kind, filename=name, sheet=BASIC.name,
                                                  row=row.number, column=BASIC.header_for(key)))
    return references


@dataclass
class ChildData:
    """What the child sheets give one application."""

    patents: list[YearPatents]
    conversions: list[YearConversion]
    spending: list[YearAmount]
    budget_rows: list[BudgetRow]
    declared_total: Decimal | None
    rules: list[RuleDocument]


def _child_rows_by_code(rows: list[ParsedRow], layout: SheetLayout, records: dict[str, BasicRecord],
                        log: IssueLog) -> Iterator[tuple[str, ParsedRow]]:
    """Rows of a child sheet whose code names an application of 基本信息; the others are errors."""
    for row in rows:
        code = row.values.get(LINK)
        if code is None:
            if LINK not in row.unreadable:
                log.error("必须填写", layout.name, row.number, layout.header_for(LINK))
            continue
        record = records.get(code)
        if record is None:
            log.error(f"“基本信息”表中没有统一社会信用代码为 {code} 的单位", layout.name, row.number,
                      layout.header_for(LINK))
            continue
        _compare_unit_name(row, layout, record, log)
        yield code, row


def _compare_unit_name(row: ParsedRow, layout: SheetLayout, record: BasicRecord, log: IssueLog) -> None:
    written = row.values.get(NAME_REFERENCE)
    expected = record.row.values.get("basic.unit_name")
    if written and expected and written != expected:
        log.warning(f"单位名称与“基本信息”表第{record.row.number}行的“{expected}”不一致，以“基本信息”表为准",
                    layout.name, row.number, layout.header_for(NAME_REFERENCE))


def _section(values: dict[str, object], prefix: str) -> dict | None:
    """The cells of one part of a year row (patents, conversions, spending), or None if all blank."""
    part = {k.removeprefix(prefix): v for k, v in values.items() if k.startswith(prefix)}
    if all(v is None for v in part.values()):
        return None
    return {k: v for k, v in part.items() if v is not None}


def _read_years(rows: list[ParsedRow], records: dict[str, BasicRecord], children: dict[str, ChildData],
                log: IssueLog) -> None:
    seen: dict[tuple[str, int], int] = {}
    for code, row in _child_rows_by_code(rows, YEARS, records, log):
        if not _require(row, YEARS, log) or row.failed:
            continue
        year = row.values["year"]
        if (code, year) in seen:
            log.error(f"{year}年度的数据在第{seen[(code, year)]}行已填写，同一单位每个年度只能有一行",
                      YEARS.name, row.number, YEARS.header_for("year"))
            continue
        seen[(code, year)] = row.number
        _add_year_row(row, children[code], log)


def _add_year_row(row: ParsedRow, child: ChildData, log: IssueLog) -> None:
    year = row.values["year"]
    for prefix, model, target in (("patents.", YearPatents, child.patents),
                                  ("conversions.", YearConversion, child.conversions),
                                  ("spending.", YearAmount, child.spending)):
        section = _section(row.values, prefix)
        if section is None:
            continue
        parsed = _validated(model, {"year": year, **section}, row, YEARS, log, lambda loc, p=prefix: p + _dotted(loc))
        if parsed is not None:
            target.append(parsed)
            _warn_odd_year_values(parsed, row, log)


def _warn_odd_year_values(parsed: BaseModel, row: ParsedRow, log: IssueLog) -> None:
    """Values that are possible but probably mistyped: the user should look at them."""
    def warn(message: str, key: str) -> None:
        log.warning(message, YEARS.name, row.number, YEARS.header_for(key))

    written_valid = row.values.get("patents.valid_held")  # a blank or absent cell is not a claim of 0
    if isinstance(parsed, YearPatents) and written_valid == 0 and parsed.granted > 0:
        warn(f"有效专利拥有量为0，但当年授权专利{parsed.granted}件，请核对", "patents.valid_held")
    if isinstance(parsed, YearConversion):
        for kind, label in (("transfer", "转让"), ("licence", "许可")):
            contract, received = getattr(parsed, f"{kind}_contract"), getattr(parsed, f"{kind}_received")
            if received > contract:
                warn(f"{label}实际到账额（{received}万元）大于合同额（{contract}万元），请核对",
                     f"conversions.{kind}_received")
        if parsed.open_licence_implemented > parsed.open_licence_published:
            warn(f"开放许可实施数（{parsed.open_licence_implemented}）大于发布数（{parsed.open_licence_published}），请核对",
                 "conversions.open_licence_implemented")


def _read_budget(rows: list[ParsedRow], records: dict[str, BasicRecord], children: dict[str, ChildData],
                 log: IssueLog) -> None:
    total_rows: dict[str, int] = {}
    seqs: dict[tuple[str, int], int] = {}
    for code, row in _child_rows_by_code(rows, BUDGET, records, log):
        child = children[code]
        if _is_total_row(row):
            if code in total_rows:
                log.error(f"合计行在第{total_rows[code]}行已填写，每个单位只能有一个合计行", BUDGET.name, row.number,
                          BUDGET.header_for("seq"))
            elif _require(row, BUDGET, log, keys=("amount",)) and not row.failed:
                total_rows[code] = row.number
                child.declared_total = row.values["amount"]
            continue
        if not _require(row, BUDGET, log) or row.failed:
            continue
        seq = row.values.get("seq") or len(child.budget_rows) + 1
        if (code, seq) in seqs:
            log.warning(f"序号{seq}与第{seqs[(code, seq)]}行重复", BUDGET.name, row.number, BUDGET.header_for("seq"))
        seqs[(code, seq)] = row.number
        data = {k: v for k, v in row.values.items() if v is not None and k not in (LINK, NAME_REFERENCE)}
        parsed = _validated(BudgetRow, {**data, "seq": seq}, row, BUDGET, log, _dotted)
        if parsed is not None:
            child.budget_rows.append(parsed)


def _is_total_row(row: ParsedRow) -> bool:
    return row.values.get("seq") == TOTAL_MARK or row.values.get("item") in (TOTAL_MARK, "合 计", "总计")


def _read_rules(rows: list[ParsedRow], records: dict[str, BasicRecord], children: dict[str, ChildData],
                log: IssueLog) -> None:
    for code, row in _child_rows_by_code(rows, RULES, records, log):
        if not _require(row, RULES, log) or row.failed:
            continue
        data = {k: v for k, v in row.values.items() if v is not None and k not in (LINK, NAME_REFERENCE)}
        parsed = _validated(RuleDocument, data, row, RULES, log, _dotted)
        if parsed is not None:
            children[code].rules.append(parsed)


def _assemble(record: BasicRecord, child: ChildData, log: IssueLog) -> Application | None:
    data = record.data
    data["patents"], data["conversions"] = child.patents, child.conversions
    _set_path(data, "ip_management.spending", child.spending)
    _set_path(data, "ip_management.rule_documents", child.rules)
    data["budget"] = {"rows": child.budget_rows, "declared_total": child.declared_total}
    return _validated(Application, data, record.row, BASIC, log, _application_key)


def _application_key(loc: tuple) -> str:
    path = _dotted(loc)
    return APPLICATION_PATH_TO_KEY.get(path, path)


# --- reading: the whole workbook -----------------------------------------------------------


def read_workbook(content: bytes, filename: str, batch_id: str) -> ParsedFile:
    """Every application of an import workbook, the attachments they name, and every problem found."""
    log = IssueLog(filename)
    problem = _unreadable_reason(content, filename)
    if problem:
        log.error(problem)
        return ParsedFile(filename=filename, issues=log.issues)
    grids = _load_grids(content, log)
    if grids is None:
        return ParsedFile(filename=filename, issues=log.issues)
    today = clock.today()
    rows = {layout.name: _read_rows(grids[layout.name], layout, log, today) if layout.name in grids else []
            for layout in DATA_SHEETS}
    records = _basic_records(rows[BASIC.name], batch_id, log)
    children = {code: ChildData([], [], [], [], None, []) for code in records}
    _read_years(rows[YEARS.name], records, children, log)
    _read_budget(rows[BUDGET.name], records, children, log)
    _read_rules(rows[RULES.name], records, children, log)
    applications = []
    for code, record in records.items():
        if record.row.failed:
            continue
        application = _assemble(record, children[code], log)
        if application is not None:
            applications.append(application)
    return ParsedFile(
        filename=filename,
        applications=applications,
        issues=log.issues,
        references=[ref for record in records.values() for ref in record.references],
        origins={code: (BASIC.name, record.row.number) for code, record in records.items()},
    )


def _load_grids(content: bytes, log: IssueLog) -> dict[str, list[list[object]]] | None:
    """The known data sheets' cells; None (with the error logged) when the file cannot be used."""
    try:
        book = python_calamine.CalamineWorkbook.from_filelike(io.BytesIO(content))
    except Exception:  # calamine raises several unrelated types for a damaged file
        log.error("文件已损坏或不是有效的 .xlsx 工作簿，无法读取")
        return None
    with book:
        present = {name.strip(): name for name in book.sheet_names}
        for name in present:
            if name not in {s.name for s in DATA_SHEETS} | {GUIDE_SHEET}:
                log.warning("未识别的工作表，已忽略", name)
        if BASIC.name not in present:
            log.error(f"缺少工作表“{BASIC.name}”，请使用导入模板填写")
            return None
        sheets = {layout.name: book.get_sheet_by_name(present[layout.name])
                  for layout in DATA_SHEETS if layout.name in present}
        for layout in DATA_SHEETS:
            if layout.name not in sheets:
                log.warning(f"缺少工作表“{layout.name}”，各单位的该部分数据视为未填写")
        total_rows = sum(sheet.height for sheet in sheets.values())
        if total_rows > MAX_DATA_ROWS:
            log.error(f"工作簿共有 {total_rows} 行数据，超过 {MAX_DATA_ROWS} 行的上限，请拆分成多个工作簿后上传")
            return None
        return {name: _grid(sheet) for name, sheet in sheets.items()}


# --- writing -------------------------------------------------------------------------------


def template_bytes(batch: Batch | None = None) -> bytes:
    """The blank import template: instructions, headers, validation, and one example per sheet."""
    window = batch.window if batch else _default_window()
    example = _example_application(window)
    return _render([], examples=[example], window=window, batch=batch)


def write_workbook(applications: list[Application]) -> bytes:
    """The template's layout filled with these applications (no example rows)."""
    return _render(applications, examples=[], window=None, batch=None)


def _default_window() -> list[int]:
    year = clock.today().year
    return [year - 3, year - 2, year - 1]


def _render(applications: list[Application], examples: list[Application], window: list[int] | None,
            batch: Batch | None) -> bytes:
    buffer = io.BytesIO()
    book = xlsxwriter.Workbook(buffer, {"in_memory": True, "strings_to_numbers": False,
                                        "strings_to_formulas": False, "strings_to_urls": False})
    book.set_properties({"title": "高校院所知识产权运营中心建设试点申报数据导入表", "author": "辽宁省知识产权局"})
    styles = _Styles(book)
    _write_guide(book.add_worksheet(GUIDE_SHEET), styles, window, batch)
    for layout, rows_of in ((BASIC, _basic_cells), (YEARS, _year_cells), (BUDGET, _budget_cells), (RULES, _rule_cells)):
        sheet = book.add_worksheet(layout.name)
        _write_headers(sheet, layout, styles)
        r = FIRST_DATA_ROW
        for application, is_example in [(a, True) for a in examples] + [(a, False) for a in applications]:
            for cells in rows_of(application):
                if is_example:
                    cells[LINK] = f"{EXAMPLE_MARK} {application.credit_code}"
                _write_cells(sheet, r, layout, cells, styles, is_example)
                r += 1
        _add_validations(sheet, layout, max(r, FIRST_DATA_ROW) + VALIDATED_SPARE_ROWS)
    book.close()
    return buffer.getvalue()


class _Styles:
    """The workbook's cell formats, created once."""

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
                        Kind.PHONE: {"num_format": "@"}}
        example = {"italic": True, "font_color": "#7F7F7F", "bg_color": "#FFF2CC"}
        self.data = {kind: book.add_format({**base, **data_by_kind.get(kind, {})}) for kind in Kind}
        self.example = {kind: book.add_format({**base, **data_by_kind.get(kind, {}), **example}) for kind in Kind}


def _write_headers(sheet, layout: SheetLayout, styles: _Styles) -> None:
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


def _write_cells(sheet, r: int, layout: SheetLayout, cells: dict[str, object], styles: _Styles, example: bool) -> None:
    for c, column in enumerate(layout.columns):
        style = (styles.example if example else styles.data)[column.kind]
        value = _cell_form(cells.get(column.key))
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


def _cell_form(value: object) -> object:
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


def _add_validations(sheet, layout: SheetLayout, last_row: int) -> None:
    for c, column in enumerate(layout.columns):
        rule = _validation_rule(column)
        if rule:
            sheet.data_validation(FIRST_DATA_ROW, c, last_row, c, {
                **rule, "error_type": "warning", "error_title": column.header,
                "error_message": (column.comment or "请按填表说明填写")[:255],
            })


def _validation_rule(column: Column) -> dict | None:
    lists = {Kind.BOOL: ["是", "否"], Kind.UNIT_TYPE: [u.value for u in UnitType],
             Kind.CITY: [c.value for c in City], Kind.FUNDING: [f.value for f in Funding]}
    if column.kind in lists:
        return {"validate": "list", "source": lists[column.kind]}
    if column.kind is Kind.COUNT:
        return {"validate": "integer", "criteria": ">=", "value": 0}
    if column.kind is Kind.WAN:
        return {"validate": "decimal", "criteria": ">=", "value": 0}
    if column.kind is Kind.YEAR:
        return {"validate": "integer", "criteria": "between", "minimum": 1990, "maximum": 2100}
    if column.kind is Kind.DATE:
        return {"validate": "date", "criteria": "between", "minimum": date(1950, 1, 1), "maximum": date(2100, 12, 31)}
    return None


# --- writing: one application as rows ------------------------------------------------------


def _basic_cells(application: Application) -> Iterator[dict[str, object]]:
    cells: dict[str, object] = {}
    for column in BASIC.columns:
        if _is_model_path(column.key):
            cells[column.key] = _attribute_path(application, column.key)
    cells[LINK] = application.credit_code
    cells["unit_type"] = application.basic.unit_type
    cells["standards"] = [s.value for s in application.ip_management.standards]
    for claim in application.priority_claims:
        cells[f"priority:{claim.kind.name}"] = True
        cells[f"evidence:{claim.kind.name}"] = claim.evidence
    for kind in AttachmentKind:
        cells[f"files:{kind.name}"] = [a.filename for a in application.attachments if a.kind is kind]
    yield cells


def _attribute_path(obj: object, dotted: str) -> object:
    for part in dotted.split("."):
        obj = getattr(obj, part)
    return obj


def _year_cells(application: Application) -> Iterator[dict[str, object]]:
    spending = {s.year: s for s in application.ip_management.spending}
    years = sorted({r.year for r in application.patents} | {r.year for r in application.conversions} | set(spending))
    for year in years:
        cells: dict[str, object] = {LINK: application.credit_code, NAME_REFERENCE: application.basic.unit_name,
                                    "year": year}
        for prefix, record in (("patents.", application.patents_in(year)),
                               ("conversions.", application.conversion_in(year)),
                               ("spending.", spending.get(year))):
            if record is not None:
                cells.update({prefix + name: value for name, value in record if name != "year"})
        yield cells


def _budget_cells(application: Application) -> Iterator[dict[str, object]]:
    link = {LINK: application.credit_code, NAME_REFERENCE: application.basic.unit_name}
    for row in application.budget.rows:
        yield {**link, **dict(row)}
    if application.budget.declared_total is not None:
        yield {**link, "seq": TOTAL_MARK, "amount": application.budget.declared_total}


def _rule_cells(application: Application) -> Iterator[dict[str, object]]:
    link = {LINK: application.credit_code, NAME_REFERENCE: application.basic.unit_name}
    for document in application.ip_management.rule_documents:
        yield {**link, **dict(document)}


# --- writing: the instructions sheet and the example ---------------------------------------


def _write_guide(sheet, styles: _Styles, window: list[int] | None, batch: Batch | None) -> None:
    sheet.set_column(0, 0, 16)
    sheet.set_column(1, 1, 28)
    sheet.set_column(2, 2, 8)
    sheet.set_column(3, 3, 90)
    title = f"{batch.title} — 申报数据导入表" if batch else "高校院所知识产权运营中心建设试点 — 申报数据导入表"
    sheet.merge_range(0, 0, 0, 3, title, styles.title)
    r = 2
    for text in _guide_paragraphs(window):
        sheet.merge_range(r, 0, r, 3, text, styles.paragraph)
        sheet.set_row(r, 16 * (1 + len(text) // 60))
        r += 1
    r += 1
    sheet.merge_range(r, 0, r, 3, "各列说明", styles.heading)
    r += 1
    for c, head in enumerate(("工作表", "列名", "必填", "填写要求")):
        sheet.write_string(r, c, head, styles.table_head)
    for layout in DATA_SHEETS:
        for column in layout.columns:
            r += 1
            rule = "".join(p for p in (column.note, KIND_RULES.get(column.kind, "")) if p)
            for c, text in enumerate((layout.name, column.header, "是" if column.required else "", rule)):
                sheet.write_string(r, c, text, styles.table_cell)
    sheet.activate()


def _guide_paragraphs(window: list[int] | None) -> list[str]:
    years = f"{window[0]}—{window[-1]}年" if window else "近三年"
    return [
        "一、本工作簿用于把《高校院所知识产权运营中心建设试点单位申报书》的内容批量导入评审系统。"
        "一个工作簿可以包含多个申报单位的申报书，每个单位在“基本信息”表中占一行。",
        f"二、工作表：“{BASIC.name}”——{BASIC.purpose}“{YEARS.name}”——{YEARS.purpose}"
        f"“{BUDGET.name}”——{BUDGET.purpose}“{RULES.name}”——{RULES.purpose}",
        "三、各工作表通过“统一社会信用代码”关联：其他工作表中的代码必须在“基本信息”表中出现；"
        "同一单位在“基本信息”表中只能有一行，同一单位同一年度在“年度数据”表中只能有一行。"
        "统一社会信用代码所在单元格可以跨行合并。",
        "四、每个工作表的第1行是分组标题，第2行是列名（红色为必填列，鼠标停在列名上可看到填写要求）。"
        "请勿修改列名；列的顺序可以调整，多出的列会被忽略并提示，缺少必填列则无法导入。",
        f"五、第3行是示例（统一社会信用代码以“{EXAMPLE_MARK}”开头，浅黄色底），导入时自动跳过，可保留也可删除；"
        "请从示例下方开始填写，不要在示例行上直接修改。空行会被跳过。",
        f"六、金额单位均为万元，最多保留两位小数；件数、人数为整数。本批次考察期为{years}，"
        "“年度数据”表中每个单位每年一行。日期写成 2023-05-20；“是/否”列填“是”或“否”。",
        "七、附件：三年建设方案、市局推荐函等文件与本工作簿一起上传，并在“基本信息”表的“附件文件名”各列填写文件名"
        "（含扩展名，与上传的文件名完全一致，多个文件用“；”分隔），建议命名为“统一社会信用代码_三年建设方案.pdf”。"
        "纯文本（.txt、.md）附件的内容会被提取供专家阅读。",
        "八、请如实填写原始数据，不要自行判断是否符合申报条件，由系统按指引核对："
        "近三年专利授权量超过100件、或发明专利授权量超过50件、或有效专利拥有量200件以上（“超过”不含本数，“以上”含本数）；"
        "近三年通过转让、许可、作价入股累计转化专利超过30件、金额超过100万元、对接企业数超过10家。"
        "拟定申请经费不超过100万元，且不得用于征地拆迁、人员经费及专利管理等经常性开支。",
        "九、导入时系统先检查全部文件，只要有一处错误，本次上传的所有数据都不会导入；"
        "请按提示（文件、工作表、行号、列名）修改后重新上传。提示为“警告”的内容不影响导入，但请核对。",
        "十、同一单位再次导入时以最新内容为准，系统保留此前的版本。每个单元格最多32767个字。",
    ]


EXAMPLE_CODE_BODY = "12210200MB0000000"
EXAMPLE_CODE = EXAMPLE_CODE_BODY + uscc.calc_check_digit(EXAMPLE_CODE_BODY)


def _example_application(window: list[int]) -> Application:
    """A fictional university, shown in the template's example rows."""
    last = window[-1]
    return Application(
        batch_id=EXAMPLE_MARK,
        submitted_on=date(last + 1, 5, 20),
        basic=BasicInfo(
            unit_name="示例大学", address="辽宁省大连市示例区示例路1号", unit_type=UnitType.UNIVERSITY,
            credit_code=EXAMPLE_CODE, legal_representative="张三", phone="0411-84700000", fax="0411-84700009",
            lead=PilotLead(name="李四", title="副校长", landline="0411-84700001", mobile="13900000001"),
            contact=PilotContact(name="王五", mobile="13900000002", landline="0411-84700002", fax="0411-84700009",
                                 postal_address="辽宁省大连市示例区示例路1号科技处", postcode="116000",
                                 email="ip@example.edu.cn"),
            overall_situation="（简要介绍单位基本情况及近三年知识产权工作的整体情况，可分段。）",
        ),
        commitment=CreditCommitment(signed=True, signed_on=date(last + 1, 5, 10)),
        ip_management=IpManagement(
            standards=[ManagementStandard.UNIVERSITY], has_leading_group=True, ip_staff_full_time=5,
            ip_staff_part_time=12, conversion_staff_full_time=4, patent_attorneys=2,
            rule_documents=[RuleDocument(name="示例大学知识产权管理办法", doc_number="示大校发〔2021〕12号",
                                         issued_on=date(window[1], 3, 15))],
            spending=[YearAmount(year=y, amount=Decimal("80.00") + 10 * i) for i, y in enumerate(window)],
        ),
        patents=[YearPatents(year=y, invention=40 + i, utility_model=20, design=2, valid_held=600 + 50 * i)
                 for i, y in enumerate(window)],
        conversions=[YearConversion(year=y, transfer_count=8, transfer_contract=Decimal("45.50"),
                                    transfer_received=Decimal("30.00"), licence_count=3,
                                    licence_contract=Decimal("12.00"), licence_received=Decimal("12.00"),
                                    open_licence_published=10, open_licence_implemented=2,
                                    open_licence_amount=Decimal("3.00"), equity_count=1,
                                    equity_value=Decimal("50.00")) for y in window],
        enterprises_connected=25,
        operation_institution="（知识产权运营机构的设立、职能、人员等情况。）",
        conversion_staff_situation="（人员总数、学历及职称情况、获得奖励及荣誉称号情况等。）",
        budget=Budget(rows=[
            BudgetRow(seq=1, item="专利导航与分析", explanation="围绕优势学科开展专利导航", amount=Decimal("40.00"),
                      year=last + 1, funding=Funding.REQUESTED),
            BudgetRow(seq=2, item="专利转化推广活动", explanation="对接会、推介会", amount=Decimal("30.00"),
                      year=last + 1, funding=Funding.MATCHING),
        ], declared_total=Decimal("70.00")),
        priority_claims=[PriorityClaim(kind=PriorityKind.STANDARD, evidence="贯标认证证书（编号示例）")],
        attachments=[Attachment(kind=kind, filename=f"{EXAMPLE_CODE}_{kind.value}.pdf", sha256="0" * 64, size=0)
                     for kind in (AttachmentKind.PLAN, AttachmentKind.RECOMMENDATION)],
        recommendation=Recommendation(city=City.DALIAN, unit_confirmation_signed=True,
                                      unit_confirmation_date=date(last + 1, 5, 15), city_recommended=True,
                                      city_recommendation_date=date(last + 1, 5, 25)),
    )
