"""The expert import workbook (.xlsx) and its CSV form: the blank template, experts written into it, reading them back.

Layout: 填表说明, then three data sheets linked by 专家编号 — 专家信息 (one row per expert),
兼职与工作经历 (one row per affiliation of the last three years) and 回避关系 (one row per pair of
expert and applicant the expert must not review). Rows whose 专家编号 starts with “示例” are examples.

CSV: one file per sheet, with the sheet's column names in its first row; which sheet a file holds
is told by those names, so the file can be called anything. UTF-8 (with or without BOM) or GBK/GB18030
(what Excel writes in China). The sheets of one upload are read together, so an upload may be
专家信息.csv + 兼职与工作经历.csv, a workbook alone, or a workbook plus CSV files.

Re-import rules the reader's results carry to the importer: an expert's affiliations are replaced
only when the upload holds a 兼职与工作经历 sheet or file (so a CSV of 专家信息 alone keeps them);
a 回避关系 row may name an expert of the pool not in this upload, and adds a pair.
"""
from __future__ import annotations

import csv
import io
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import PurePath

from pydantic import BaseModel

from scoring.common import clock
from scoring.intake.credit_code import CodeStatus, read_credit_code
from scoring.common.disciplines import Discipline
from scoring.documents import MAX_FILE_BYTES, IssueLog
from scoring.documents.spreadsheet import (
    EXAMPLE_MARK,
    Column,
    Grid,
    Kind,
    ParsedRow,
    SheetLayout,
    Styles,
    best_layout,
    column_of,
    discipline_table,
    grouped,
    load_grids,
    new_workbook,
    read_rows,
    require,
    unreadable_reason,
    validated,
    write_data_sheet,
    write_guide,
)
from scoring.documents.application_workbook import EXAMPLE_CODE
from scoring.common.models import (
    Affiliation,
    AffiliationKind,
    City,
    ConflictDeclaration,
    Expert,
    ImportIssue,
    IssueCounts,
)

GUIDE_SHEET = "填表说明"
MAX_DATA_ROWS = 50_000
ID = "expert_id"
NAME_REFERENCE = "name"
UNIT_REFERENCE = "unit_name"

EXPERTS = SheetLayout(
    name="专家信息",
    purpose="每位专家一行：编号、姓名、工作单位及其统一社会信用代码、职称、专业领域、所在城市、联系方式、是否可参评。",
    key=ID,
    columns=(
        *grouped(
            "专家",
            Column(ID, "专家编号", Kind.EXPERT_ID, required=True, aliases=("编号",),
                   note="同一工作簿中不得重复；再次导入同一编号即更新该专家的信息。"),
            Column("name", "姓名", required=True),
            Column("unit", "工作单位", required=True, note="填写法人单位全称（院系、部门写在备注中），用于本单位回避。"),
            Column("unit_credit_code", "工作单位统一社会信用代码", Kind.CODE, aliases=("单位统一社会信用代码",),
                   note="强烈建议填写：单位名称写法不一时，系统靠此代码识别本单位回避。"),
            Column("title", "职称", note="如 教授、研究员、正高级工程师、律师、注册资产评估师。"),
            Column("disciplines", "专业领域", Kind.DISCIPLINES, required=True, aliases=("熟悉领域", "专业方向"),
                   note="填写1—3项。"),
            Column("city", "所在城市", Kind.CITY, required=True, note="专家工作单位所在的市。"),
        ),
        *grouped(
            "联系方式",
            Column("phone", "联系电话", Kind.PHONE, aliases=("手机", "手机号码")),
            Column("email", "电子邮箱", Kind.EMAIL, aliases=("E-mail", "邮箱")),
        ),
        *grouped(
            "参评",
            Column("available", "是否可参评", Kind.BOOL, note="本轮能否参加评审；不填视为“是”。"),
            Column("note", "备注", Kind.LONG_TEXT),
        ),
    ),
)

AFFILIATIONS = SheetLayout(
    name="兼职与工作经历",
    purpose="每段经历一行：专家近三年内在本单位以外的兼职、原工作单位及其他任职，用于回避。",
    key=ID,
    reference_only=(ID, NAME_REFERENCE),
    when_missing="本次导入不改变各专家已登记的兼职与工作经历",
    columns=(
        Column(ID, "专家编号", Kind.EXPERT_ID, required=True, aliases=("编号",), note="须与“专家信息”表中的编号一致。"),
        Column(NAME_REFERENCE, "姓名", note="仅供核对，以“专家信息”表为准。"),
        Column("unit_name", "单位名称", required=True, aliases=("兼职单位", "任职单位")),
        Column("credit_code", "统一社会信用代码", Kind.CODE, note="建议填写，系统据此识别单位。"),
        Column("kind", "关系类型", Kind.AFFILIATION, required=True),
        Column("start", "起始日期", Kind.DATE),
        Column("end", "终止日期", Kind.DATE, note="仍在任职的不填。终止日期在近三年内（或不填）的经历构成回避。"),
    ),
)

PAIRS = SheetLayout(
    name="回避关系",
    purpose="每一对需回避的专家与申报单位一行，如近亲属在该单位任职、近期与该单位有合作项目。",
    key=ID,
    reference_only=(ID, NAME_REFERENCE, UNIT_REFERENCE),
    when_missing="本次导入不新增回避关系",
    columns=(
        Column(ID, "专家编号", Kind.EXPERT_ID, required=True, aliases=("编号",),
               note="本次导入的专家，或专家库中已有的专家。"),
        Column(NAME_REFERENCE, "姓名", note="仅供核对。"),
        Column("credit_code", "申报单位统一社会信用代码", Kind.CODE, required=True, aliases=("统一社会信用代码",)),
        Column(UNIT_REFERENCE, "申报单位名称", note="仅供核对，系统按统一社会信用代码匹配。"),
        Column("reason", "回避原因", Kind.LONG_TEXT, required=True, note="至少两个字，如“配偶在该单位任职”。"),
    ),
)

DATA_SHEETS = (EXPERTS, AFFILIATIONS, PAIRS)


# --- what the reader returns ---------------------------------------------------------------


class ParsedPair(BaseModel):
    """A 回避关系 row, located; the importer records it as a DeclaredConflict."""

    declaration: ConflictDeclaration
    file: str
    sheet: str
    row: int


class ParsedExperts(IssueCounts, BaseModel):
    """What one upload of expert files holds: experts, declared pairs, and every problem found."""

    files: list[str] = []
    experts: list[Expert] = []
    affiliations_given: bool = False  # the upload had the affiliations sheet: experts' affiliations are replaced
    pairs: list[ParsedPair] = []
    issues: list[ImportIssue] = []
    origins: dict[str, tuple[str, str, int]] = {}  # expert number → (file, sheet, row)


@dataclass
class SheetRows:
    """The parsed rows of one sheet of one file."""

    filename: str
    layout: SheetLayout
    rows: list[ParsedRow]


# --- reading one file ----------------------------------------------------------------------


def _is_csv(filename: str) -> bool:
    return PurePath(filename).suffix.lower() == ".csv"


def read_file(content: bytes, filename: str, log: IssueLog) -> list[SheetRows]:
    """The data sheets of one .xlsx workbook or the one sheet of a .csv file; problems go to `log`."""
    file_log = log.for_file(filename)
    today = clock.today()
    if _is_csv(filename):
        cells = _csv_cells(content, file_log)
        if cells is None:
            return []
        layout = best_layout(cells, DATA_SHEETS)
        if layout is None:
            file_log.error("无法判断这是哪一张表：CSV 文件的第一行应为“专家信息”“兼职与工作经历”或“回避关系”表的列名"
                           "（与导入模板一致）")
            return []
        return [SheetRows(filename, layout, read_rows(Grid(cells), layout, file_log, today))]
    problem = unreadable_reason(content, filename)
    if problem:
        file_log.error(problem)
        return []
    grids = load_grids(content, file_log, DATA_SHEETS, EXPERTS, (GUIDE_SHEET,), MAX_DATA_ROWS)
    if grids is None:
        return []
    return [SheetRows(filename, layout, read_rows(grids[layout.name], layout, file_log, today))
            for layout in DATA_SHEETS if layout.name in grids]


def _csv_cells(content: bytes, log: IssueLog) -> list[list[object]] | None:
    if not content.strip():
        log.error("文件是空的")
        return None
    if len(content) > MAX_FILE_BYTES:
        log.error(f"文件超过 {MAX_FILE_BYTES // 1024 // 1024} MB 的上限，请拆分后上传")
        return None
    if content.startswith(b"PK\x03\x04"):
        log.error("这是 Excel 工作簿，不是 CSV 文件；请把扩展名改回 .xlsx 后上传")
        return None
    text = _decoded(content)
    if text is None:
        log.error("无法识别文件的文字编码，请在 Excel 中另存为“CSV UTF-8（逗号分隔）”后上传")
        return None
    rows = list(csv.reader(io.StringIO(text, newline="")))
    if len(rows) > MAX_DATA_ROWS:
        log.error(f"文件共有 {len(rows)} 行，超过 {MAX_DATA_ROWS} 行的上限，请拆分后上传")
        return None
    return rows


def _decoded(content: bytes) -> str | None:
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            return content.decode(encoding)
        except UnicodeDecodeError:
            continue
    return None


# --- reading an upload ---------------------------------------------------------------------


def read_expert_files(files: list[tuple[str, bytes]], known_expert_ids: set[str] | frozenset[str] = frozenset()
                      ) -> ParsedExperts:
    """Every expert and declared pair of an upload (workbooks and CSV files read together), every problem
    located. `known_expert_ids` are the pool's experts, whom a 回避关系 row may name without re-importing them."""
    log = IssueLog("")
    sheets = [sheet for name, content in files for sheet in read_file(content, name, log)]
    records = _expert_records(_of(sheets, EXPERTS), log)
    given = any(sheet.layout is AFFILIATIONS for sheet in sheets)
    affiliations = _affiliations(_of(sheets, AFFILIATIONS), records, log)
    pairs = _pairs(_of(sheets, PAIRS), records, known_expert_ids, log)
    experts = []
    for expert_id, record in records.items():
        expert = _assemble(record, affiliations.get(expert_id, []), log)
        if expert is not None:
            experts.append(expert)
            _warn_odd_expert(expert, record, log)
    if files and not records and not pairs and not log.has_errors:
        log.error("上传的文件中没有任何专家或回避关系（以“示例”开头的示例行会被跳过）")
    return ParsedExperts(files=[name for name, _ in files], experts=experts, affiliations_given=given, pairs=pairs,
                         issues=log.issues,
                         origins={i: (r.filename, EXPERTS.name, r.row.number) for i, r in records.items()})


def _of(sheets: list[SheetRows], layout: SheetLayout) -> list[tuple[str, ParsedRow]]:
    return [(sheet.filename, row) for sheet in sheets if sheet.layout is layout for row in sheet.rows]


@dataclass
class ExpertRecord:
    filename: str
    row: ParsedRow


def _expert_records(rows: list[tuple[str, ParsedRow]], log: IssueLog) -> dict[str, ExpertRecord]:
    """One record per expert number; a number given twice is an error at the later row."""
    records: dict[str, ExpertRecord] = {}
    for filename, row in rows:
        file_log = log.for_file(filename)
        require(row, EXPERTS, file_log)
        expert_id = row.values.get(ID)
        if expert_id is None:
            continue
        if expert_id in records:
            first = records[expert_id]
            where = f"第{first.row.number}行"
            if first.filename != filename:
                where = f"文件“{first.filename}”" + where
            file_log.error(f"专家编号与{where}重复，同一专家只能有一行", EXPERTS.name, row.number, EXPERTS.header_for(ID))
            continue
        records[expert_id] = ExpertRecord(filename, row)
    return records


def _linked_rows(rows: list[tuple[str, ParsedRow]], layout: SheetLayout, known: set[str] | frozenset[str],
                 log: IssueLog) -> list[tuple[str, ParsedRow, str]]:
    """Rows whose complete cells name a known expert, with their file and expert number; the others are logged."""
    linked = []
    for filename, row in rows:
        file_log = log.for_file(filename)
        if not require(row, layout, file_log) or row.failed:
            continue
        expert_id = row.values[ID]
        if expert_id not in known:
            file_log.error(f"“{EXPERTS.name}”表中没有编号为 {expert_id} 的专家", layout.name, row.number,
                           layout.header_for(ID))
            continue
        linked.append((filename, row, expert_id))
    return linked


def _affiliations(rows: list[tuple[str, ParsedRow]], records: dict[str, ExpertRecord],
                  log: IssueLog) -> dict[str, list[Affiliation]]:
    found: dict[str, list[Affiliation]] = {}
    for filename, row, expert_id in _linked_rows(rows, AFFILIATIONS, records.keys(), log):
        file_log = log.for_file(filename)
        _compare_name(row, AFFILIATIONS, records[expert_id], file_log)
        data = {k: v for k, v in row.values.items() if v is not None and k not in (ID, NAME_REFERENCE)}
        affiliation = validated(Affiliation, data, row, AFFILIATIONS, file_log,
                                lambda loc: column_of(AFFILIATIONS, loc))
        if affiliation is not None:
            _warn_odd_code(affiliation.credit_code, row, AFFILIATIONS, "credit_code", file_log)
            found.setdefault(expert_id, []).append(affiliation)
    return found


def _pairs(rows: list[tuple[str, ParsedRow]], records: dict[str, ExpertRecord], known: set[str] | frozenset[str],
           log: IssueLog) -> list[ParsedPair]:
    pairs: list[ParsedPair] = []
    seen: dict[tuple[str, str], ParsedPair] = {}
    for filename, row, expert_id in _linked_rows(rows, PAIRS, records.keys() | set(known), log):
        file_log = log.for_file(filename)
        if expert_id in records:
            _compare_name(row, PAIRS, records[expert_id], file_log)
        code, reason = row.values["credit_code"], row.values["reason"]
        if (expert_id, code) in seen:
            first = seen[(expert_id, code)]
            file_log.warning(f"与“{first.file}”第{first.row}行的回避关系重复，只记一次", PAIRS.name, row.number,
                             PAIRS.header_for("credit_code"))
            continue
        _warn_odd_code(code, row, PAIRS, "credit_code", file_log)
        declaration = validated(ConflictDeclaration, {"expert_id": expert_id, "credit_code": code, "reason": reason},
                                row, PAIRS, file_log, lambda loc: column_of(PAIRS, loc))
        if declaration is None:
            continue
        pair = ParsedPair(declaration=declaration, file=filename, sheet=PAIRS.name, row=row.number)
        seen[(expert_id, code)] = pair
        pairs.append(pair)
    return pairs


def _compare_name(row: ParsedRow, layout: SheetLayout, record: ExpertRecord, log: IssueLog) -> None:
    written, expected = row.values.get(NAME_REFERENCE), record.row.values.get("name")
    if written and expected and written != expected:
        log.warning(f"姓名与“{EXPERTS.name}”表中该编号专家的“{expected}”不一致，以“{EXPERTS.name}”表为准",
                    layout.name, row.number, layout.header_for(NAME_REFERENCE))


def _warn_odd_code(code: str, row: ParsedRow, layout: SheetLayout, key: str, log: IssueLog) -> None:
    """A code that fails its check would never match an applicant: the user should look at it."""
    if not code:
        return
    reading = read_credit_code(code)
    if reading.status is CodeStatus.INVALID:
        log.warning(f"统一社会信用代码 {code} 可能有误：{reading.problem}系统按所填代码匹配，请核对",
                    layout.name, row.number, layout.header_for(key))


def _assemble(record: ExpertRecord, affiliations: list[Affiliation], log: IssueLog) -> Expert | None:
    row = record.row
    if row.failed:
        return None
    data = {k: v for k, v in row.values.items() if v is not None}
    data["affiliations"] = affiliations
    return validated(Expert, data, row, EXPERTS, log.for_file(record.filename), lambda loc: column_of(EXPERTS, loc))


def _warn_odd_expert(expert: Expert, record: ExpertRecord, log: IssueLog) -> None:
    file_log = log.for_file(record.filename)
    if not expert.phone and not expert.email:
        file_log.warning("未填写联系电话和电子邮箱，将无法通知该专家", EXPERTS.name, record.row.number,
                         EXPERTS.header_for("phone"))
    _warn_odd_code(expert.unit_credit_code, record.row, EXPERTS, "unit_credit_code", file_log)


# --- writing -------------------------------------------------------------------------------


def expert_template_bytes() -> bytes:
    """The blank expert template: instructions with the list of fields, headers, validation, an example per sheet."""
    example, pair = _example()
    return _render([], [pair], examples=True, extra=[example])


def write_expert_workbook(experts: list[Expert], declared: Sequence[ConflictDeclaration] = ()) -> bytes:
    """The template's layout filled with these experts, their affiliations and these declared pairs (no examples).
    Whether an expert is deactivated is not written: deactivation is a staff decision with a reason, not an import."""
    return _render(experts, list(declared), examples=False)


def _render(experts: list[Expert], declared: Sequence[ConflictDeclaration], examples: bool,
            extra: list[Expert] = ()) -> bytes:
    buffer, book = new_workbook("评审专家导入表")
    styles = Styles(book)
    write_guide(book.add_worksheet(GUIDE_SHEET), styles, "高校院所知识产权运营中心建设试点 — 评审专家导入表",
                _guide_paragraphs(), DATA_SHEETS, [discipline_table()])
    names = {e.expert_id: e.name for e in [*extra, *experts]}
    everyone = [(e, True) for e in extra] + [(e, False) for e in experts]
    write_data_sheet(book, EXPERTS, [(_marked(_expert_cells(e), mark), mark) for e, mark in everyone], styles)
    write_data_sheet(book, AFFILIATIONS, [(_marked(cells, mark), mark) for e, mark in everyone
                                          for cells in _affiliation_cells(e)], styles)
    write_data_sheet(book, PAIRS, [(_marked(_pair_cells(p, names), examples), examples) for p in declared], styles)
    book.close()
    return buffer.getvalue()


def _marked(cells: dict[str, object], example: bool) -> dict[str, object]:
    if example:
        cells[ID] = f"{EXAMPLE_MARK} {cells[ID]}"
    return cells


def _expert_cells(expert: Expert) -> dict[str, object]:
    return {column.key: getattr(expert, column.key) for column in EXPERTS.columns}


def _affiliation_cells(expert: Expert) -> list[dict[str, object]]:
    return [{ID: expert.expert_id, NAME_REFERENCE: expert.name, **dict(affiliation)}
            for affiliation in expert.affiliations]


def _pair_cells(pair: ConflictDeclaration, names: dict[str, str]) -> dict[str, object]:
    return {ID: pair.expert_id, NAME_REFERENCE: names.get(pair.expert_id, ""), "credit_code": pair.credit_code,
            "reason": pair.reason}


def _guide_paragraphs() -> list[str]:
    return [
        "一、本工作簿用于把评审专家批量导入专家库。一个工作簿可以包含多位专家，每位专家在“专家信息”表中占一行。",
        f"二、工作表：“{EXPERTS.name}”——{EXPERTS.purpose}“{AFFILIATIONS.name}”——{AFFILIATIONS.purpose}"
        f"“{PAIRS.name}”——{PAIRS.purpose}",
        "三、各工作表通过“专家编号”关联：“兼职与工作经历”表中的编号必须在“专家信息”表中出现；"
        "“回避关系”表中的编号可以是本次导入的专家，也可以是专家库中已有的专家。",
        "四、每个工作表的第1行是分组标题，第2行是列名（红色为必填列，鼠标停在列名上可看到填写要求）。"
        "请勿修改列名；列的顺序可以调整，多出的列会被忽略并提示，缺少必填列则无法导入。",
        f"五、第3行是示例（专家编号以“{EXAMPLE_MARK}”开头，浅黄色底），导入时自动跳过。",
        "六、回避规则：专家不评审本单位（统一社会信用代码相同或单位名称相同）、近三年内兼职或工作过的单位、"
        "“回避关系”表登记的单位。请在“工作单位”填写法人单位全称并填写其统一社会信用代码；"
        "“专业领域”填1—3项，从本页末尾的“专业领域目录”中选择（也可写目录所列的其他写法）。",
        "七、再次导入同一编号的专家即更新其信息；上传内容中有“兼职与工作经历”表（或该表的 CSV 文件）时，"
        "这些专家的兼职与工作经历以本次所填为准，没有时保持不变。“回避关系”表的内容追加登记，已有的不重复登记。"
        "已停用的专家再次导入后仍为停用，需由工作人员在专家库中恢复。",
        "八、也可以上传 CSV 文件：每张表一个文件，第一行为该表的列名（与本模板一致），编码为 UTF-8 或 GBK。",
        "九、导入时系统先检查全部文件，只要有一处错误，本次上传的所有数据都不会导入；"
        "请按提示（文件、工作表、行号、列名）修改后重新上传。提示为“警告”的内容不影响导入，但请核对。",
    ]


def _example() -> tuple[Expert, ConflictDeclaration]:
    """A fictional expert with one part-time post and one declared pair, shown in the example rows."""
    expert = Expert(
        expert_id="ZJ-0001", name="张三", unit="示例理工大学", unit_credit_code="",
        title="教授", disciplines=[Discipline.NEW_MATERIALS, Discipline.IP_OPERATION], city=City.SHENYANG,
        phone="13900000000", email="zhangsan@example.edu.cn", note="材料科学与工程学院",
        affiliations=[Affiliation(unit_name="示例材料研究院", kind=AffiliationKind.PART_TIME,
                                  start=date(clock.today().year - 2, 1, 1))],
    )
    pair = ConflictDeclaration(expert_id=expert.expert_id, credit_code=EXAMPLE_CODE, reason="配偶在该单位任职")
    return expert, pair
