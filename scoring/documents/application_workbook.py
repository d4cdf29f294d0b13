"""The import workbook (.xlsx): the blank template, applications written into it, and reading it back.

Layout: a sheet 填表说明, then four data sheets linked by 统一社会信用代码 — 基本信息 (one row per
application), 年度数据 (one row per application and year), 经费预算 (one row per budget item, plus an
optional 合计 row) and 管理制度 (one row per rule document). Each data sheet has a merged group-header
row above the column headers. A row whose 统一社会信用代码 starts with “示例” is an example and is
skipped when reading.
"""
from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from pydantic import BaseModel
from stdnum.cn import uscc

from scoring.common import clock
from scoring.common.disciplines import Discipline
from scoring.documents import AttachmentReference, IssueLog, ParsedFile
from scoring.documents.spreadsheet import (
    EXAMPLE_MARK,
    Column,
    Grid,
    Kind,
    ParsedRow,
    SheetLayout,
    Styles,
    column_of,
    discipline_table,
    dotted,
    grouped,
    load_grids,
    new_workbook,
    read_rows,
    require,
    set_path,
    unreadable_reason,
    validated,
    write_data_sheet,
    write_guide,
)
from scoring.common.models import (
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
from scoring.common.normalize import clean_text, is_blank, parse_count

TOTAL_MARK = "合计"
MAX_DATA_ROWS = 50_000
LINK = "credit_code"
NAME_REFERENCE = "unit_name"
MISSING_PART = "各单位的该部分数据视为未填写"


# --- layout --------------------------------------------------------------------------------


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
    return grouped("优先申报情况", *columns)


BASIC = SheetLayout(
    key=LINK,
    name="基本信息",
    purpose="每个申报单位一行：单位信息、试点负责人和联系人、推荐市局、信用承诺、知识产权管理情况、"
            "优先申报情况、情况说明、推荐意见和附件文件名。",
    columns=(
        *grouped(
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
        *grouped(
            "试点负责人",
            Column("basic.lead.name", "负责人姓名"),
            Column("basic.lead.title", "负责人职务"),
            Column("basic.lead.landline", "负责人固定电话", Kind.PHONE),
            Column("basic.lead.mobile", "负责人手机", Kind.PHONE),
        ),
        *grouped(
            "试点联系人",
            Column("basic.contact.name", "联系人姓名"),
            Column("basic.contact.mobile", "联系人手机", Kind.PHONE),
            Column("basic.contact.landline", "联系人固定电话", Kind.PHONE),
            Column("basic.contact.fax", "联系人传真", Kind.PHONE),
            Column("basic.contact.postal_address", "联系人通讯地址"),
            Column("basic.contact.postcode", "联系人邮编", Kind.PHONE),
            Column("basic.contact.email", "联系人E-mail", Kind.EMAIL, aliases=("联系人邮箱", "联系人电子邮箱")),
        ),
        *grouped(
            "申报与信用承诺",
            Column("recommendation.city", "推荐市局", Kind.CITY, required=True, note="推荐本单位的市知识产权局。"),
            Column("submitted_on", "提交日期", Kind.DATE, required=True, note="在线提交申报材料的日期；系统据此核对申报时限。"),
            Column("commitment.signed", "信用承诺书已签署", Kind.BOOL, note="承诺书须签名并加盖公章。"),
            Column("commitment.signed_on", "承诺书签署日期", Kind.DATE),
        ),
        *grouped(
            "学科与产业领域",
            Column("disciplines", "优势学科/产业领域", Kind.DISCIPLINES, aliases=("优势学科", "产业领域", "学科领域"),
                   note="单位的1—2个优势学科或产业领域，用于匹配评审专家。"),
        ),
        *grouped(
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
        *grouped(
            "专利转化基础",
            Column("enterprises_connected", "近三年累计对接企业数", Kind.COUNT,
                   note="申报书未设此项，请另行填写。申报条件（三）要求超过10家（不含10家），由系统核对。"),
        ),
        *_priority_columns(),
        *grouped(
            "情况说明",
            Column("basic.overall_situation", "单位总体情况", Kind.LONG_TEXT,
                   note="对照《指引》试点任务，简要介绍单位基本情况及近三年知识产权工作整体情况。"),
            Column("operation_institution", "知识产权运营机构建设情况", Kind.LONG_TEXT),
            Column("conversion_staff_situation", "从事专利转化专职人员情况", Kind.LONG_TEXT,
                   note="人员总数、学历及职称、获得奖励及荣誉称号等。"),
        ),
        *grouped(
            "推荐意见",
            Column("recommendation.unit_confirmation_signed", "申报单位意见已签署", Kind.BOOL,
                   note="法定代表人签字并加盖公章。"),
            Column("recommendation.unit_confirmation_date", "单位签署日期", Kind.DATE),
            Column("recommendation.city_recommended", "是否已出具推荐函", Kind.BOOL,
                   note="市知识产权局另附推荐函，加盖公章后单独上传。"),
            Column("recommendation.city_recommendation_date", "推荐函日期", Kind.DATE),
        ),
        *grouped(
            "附件文件名",
            Column(f"files:{AttachmentKind.PLAN.name}", "三年建设方案文件名", Kind.FILES,
                   note="三年建设方案（2023-2025）文件，专家评审时阅读。"),
            Column(f"files:{AttachmentKind.RECOMMENDATION.name}", "市局推荐函文件名", Kind.FILES),
            Column(f"files:{AttachmentKind.OTHER.name}", "其他附件文件名", Kind.FILES),
        ),
    ),
)

YEARS = SheetLayout(
    key=LINK,
    reference_only=(LINK, NAME_REFERENCE),
    when_missing=MISSING_PART,
    name="年度数据",
    purpose="每个单位每个年度一行（近三年各一行）：专利授权量、有效专利拥有量、知识产权管理经费投入、"
            "专利转让、许可（含开放许可）和作价入股情况。某一部分整段空白表示该年度未填写此部分；"
            "部分填写时，留空的件数按0记录并提示核对。",
    columns=(
        *_link_columns("仅供核对，以“基本信息”表为准。"),
        Column("year", "年度", Kind.YEAR, required=True, note="同一单位每个年度只能有一行。"),
        *grouped(
            "专利授权量（件）",
            Column("patents.invention", "发明专利授权量", Kind.COUNT),
            Column("patents.utility_model", "实用新型授权量", Kind.COUNT),
            Column("patents.design", "外观设计授权量", Kind.COUNT),
        ),
        *grouped(
            "有效专利",
            Column("patents.valid_held", "累计有效专利拥有量", Kind.COUNT,
                   note="该年末的有效专利数。申报条件（二）：近三年授权量超过100件（不含100件），"
                        "或发明专利授权量超过50件，或有效专利拥有量200件以上（含200件），由系统核对。"),
        ),
        *grouped(
            "管理经费",
            Column("spending.amount", "知识产权管理经费投入（万元）", Kind.WAN),
        ),
        *grouped(
            "专利转让",
            Column("conversions.transfer_count", "转让件数", Kind.COUNT),
            Column("conversions.transfer_contract", "转让合同额（万元）", Kind.WAN),
            Column("conversions.transfer_received", "转让实际到账额（万元）", Kind.WAN),
        ),
        *grouped(
            "专利许可",
            Column("conversions.licence_count", "许可件数", Kind.COUNT),
            Column("conversions.licence_contract", "许可合同额（万元）", Kind.WAN),
            Column("conversions.licence_received", "许可实际到账额（万元）", Kind.WAN),
        ),
        *grouped(
            "专利开放许可",
            Column("conversions.open_licence_published", "开放许可发布数", Kind.COUNT),
            Column("conversions.open_licence_implemented", "开放许可实施数", Kind.COUNT),
            Column("conversions.open_licence_amount", "开放许可金额（万元）", Kind.WAN),
        ),
        *grouped(
            "专利作价入股",
            Column("conversions.equity_count", "作价入股件数", Kind.COUNT,
                   note="申报条件（三）：近三年转让、许可、作价入股累计超过30件、金额超过100万元，由系统核对。"),
            Column("conversions.equity_value", "作价金额（万元）", Kind.WAN),
        ),
    ),
)

BUDGET = SheetLayout(
    key=LINK,
    reference_only=(LINK, NAME_REFERENCE),
    when_missing=MISSING_PART,
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
    key=LINK,
    reference_only=(LINK, NAME_REFERENCE),
    when_missing=MISSING_PART,
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


# --- reading: cells and rows ---------------------------------------------------------------


def _parse_seq(value: object, notes: list[str], today: date) -> int | str | None:
    if not is_blank(value) and "".join(clean_text(value).split()) in (TOTAL_MARK, "总计"):
        return TOTAL_MARK
    seq = parse_count(value)
    if seq == 0:
        raise ValueError("序号应从1开始")
    return seq


SPECIAL_PARSERS = {Kind.SEQ: _parse_seq}


def _is_model_path(key: str) -> bool:
    return key not in SPECIAL_KEYS and ":" not in key


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
        require(row, BASIC, log)
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
            set_path(data, key, value)
    set_path(data, "basic.credit_code", values.get(LINK))
    if values.get("unit_type"):
        unit_type, other = values["unit_type"]
        set_path(data, "basic.unit_type", unit_type)
        if other and not values.get("basic.unit_type_other"):
            set_path(data, "basic.unit_type_other", other)
    if values.get("standards"):
        standards, other = values["standards"]
        set_path(data, "ip_management.standards", standards)
        if other:
            _merge_other_standard(data, other, row, log)
    data["priority_claims"] = _priority_claims(values)
    return data


def _merge_other_standard(data: dict, other: str, row: ParsedRow, log: IssueLog) -> None:
    current = data.get("ip_management", {}).get("standard_other", "")
    if other not in current:
        set_path(data, "ip_management.standard_other", "；".join(p for p in (current, other) if p))
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
        if not require(row, YEARS, log) or row.failed:
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
        parsed = validated(model, {"year": year, **section}, row, YEARS, log, lambda loc, p=prefix: p + dotted(loc))
        if parsed is not None:
            target.append(parsed)
            _warn_blank_counts(row, prefix, log)
            _warn_odd_year_values(parsed, row, log)


def _warn_blank_counts(row: ParsedRow, prefix: str, log: IssueLog) -> None:
    """A blank count in a part of the year that is otherwise filled is stored as 0, the form's default; the user
    may have meant a number, so each is named."""
    for column in YEARS.columns:
        blank = column.key in row.values and row.values[column.key] is None  # an absent column is not a blank cell
        if blank and column.kind is Kind.COUNT and column.key.startswith(prefix):
            log.warning("未填写，已按0记录；如实际不是0，请填写实际数字", YEARS.name, row.number, column.header)


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
            elif require(row, BUDGET, log, keys=("amount",)) and not row.failed:
                total_rows[code] = row.number
                child.declared_total = row.values["amount"]
            continue
        if not require(row, BUDGET, log) or row.failed:
            continue
        seq = row.values.get("seq") or len(child.budget_rows) + 1
        if (code, seq) in seqs:
            log.warning(f"序号{seq}与第{seqs[(code, seq)]}行重复", BUDGET.name, row.number, BUDGET.header_for("seq"))
        seqs[(code, seq)] = row.number
        data = {k: v for k, v in row.values.items() if v is not None and k not in (LINK, NAME_REFERENCE)}
        parsed = validated(BudgetRow, {**data, "seq": seq}, row, BUDGET, log, dotted)
        if parsed is not None:
            child.budget_rows.append(parsed)


def _is_total_row(row: ParsedRow) -> bool:
    return row.values.get("seq") == TOTAL_MARK or row.values.get("item") in (TOTAL_MARK, "合 计", "总计")


def _read_rules(rows: list[ParsedRow], records: dict[str, BasicRecord], children: dict[str, ChildData],
                log: IssueLog) -> None:
    for code, row in _child_rows_by_code(rows, RULES, records, log):
        if not require(row, RULES, log) or row.failed:
            continue
        data = {k: v for k, v in row.values.items() if v is not None and k not in (LINK, NAME_REFERENCE)}
        parsed = validated(RuleDocument, data, row, RULES, log, dotted)
        if parsed is not None:
            children[code].rules.append(parsed)


def _assemble(record: BasicRecord, child: ChildData, log: IssueLog) -> Application | None:
    data = record.data
    data["patents"], data["conversions"] = child.patents, child.conversions
    set_path(data, "ip_management.spending", child.spending)
    set_path(data, "ip_management.rule_documents", child.rules)
    data["budget"] = {"rows": child.budget_rows, "declared_total": child.declared_total}
    return validated(Application, data, record.row, BASIC, log, _application_key)


def _application_key(loc: tuple) -> str:
    path = dotted(loc)
    return APPLICATION_PATH_TO_KEY.get(path) or column_of(BASIC, loc)


# --- reading: the whole workbook -----------------------------------------------------------


def read_workbook(content: bytes, filename: str, batch_id: str) -> ParsedFile:
    """Every application of an import workbook, the attachments they name, and every problem found."""
    log = IssueLog(filename)
    problem = unreadable_reason(content, filename)
    if problem:
        log.error(problem)
        return ParsedFile(filename=filename, issues=log.issues)
    grids = _load_grids(content, log)
    if grids is None:
        return ParsedFile(filename=filename, issues=log.issues)
    today = clock.today()
    rows = {layout.name: read_rows(grids[layout.name], layout, log, today, SPECIAL_PARSERS) if layout.name in grids
            else [] for layout in DATA_SHEETS}
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


def _load_grids(content: bytes, log: IssueLog) -> dict[str, Grid] | None:
    """The known data sheets' cells and formulas; None (with the error logged) when the file cannot be used."""
    return load_grids(content, log, DATA_SHEETS, BASIC, (GUIDE_SHEET,), MAX_DATA_ROWS)


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
    buffer, book = new_workbook("高校院所知识产权运营中心建设试点申报数据导入表")
    styles = Styles(book)
    title = f"{batch.title} — 申报数据导入表" if batch else "高校院所知识产权运营中心建设试点 — 申报数据导入表"
    write_guide(book.add_worksheet(GUIDE_SHEET), styles, title, _guide_paragraphs(window), DATA_SHEETS,
                [discipline_table()])
    for layout, rows_of in ((BASIC, _basic_cells), (YEARS, _year_cells), (BUDGET, _budget_cells), (RULES, _rule_cells)):
        rows = []
        for application, is_example in [(a, True) for a in examples] + [(a, False) for a in applications]:
            for cells in rows_of(application):
                if is_example:
                    cells[LINK] = f"{EXAMPLE_MARK} {application.credit_code}"
                rows.append((cells, is_example))
        write_data_sheet(book, layout, rows, styles)
    book.close()
    return buffer.getvalue()


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


def _attribute_path(obj: object, path: str) -> object:
    for part in path.split("."):
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
        f"六、金额单位均为万元，最多保留两位小数；件数、人数为整数；金额、件数、年度请直接填写数值，不要使用公式。"
        f"本批次考察期为{years}，"
        "“年度数据”表中每个单位每年一行。日期写成 2023-05-20；“是/否”列填“是”或“否”。"
        "“优势学科/产业领域”填1—2项，从本页末尾的“专业领域目录”中选择（也可写目录所列的其他写法），用于匹配评审专家。",
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
        disciplines=[Discipline.MARINE_AND_SHIPS, Discipline.NEW_MATERIALS],
        recommendation=Recommendation(city=City.DALIAN, unit_confirmation_signed=True,
                                      unit_confirmation_date=date(last + 1, 5, 15), city_recommended=True,
                                      city_recommendation_date=date(last + 1, 5, 25)),
    )
