"""The application form 申报书 as Word: one layout of the seed's form (cover, 信用承诺书, 一 … 四, plus what the system
needs and the paper lacks), written filled or blank, and a filled copy read back into an `Application`.

Every value sits in a Word content control (w:sdt) whose tag names the field (`basic.unit_name`, `row.patents.design`
…) and which is locked against deletion, so that whatever a person types inside it, and whatever they do to the
labels and layout around it, the reader finds the value by its tag. Rows of the tables (years, rule documents,
budget items, attachments) carry `row.<group>.<field>` tags; a row someone adds in Word without controls is read by
the position of its cells. The layout (`form_layout`) is shared with the PDF (application_form_pdf.py)."""
from __future__ import annotations

import io
import re
import zipfile
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from docx import Document
from docx.enum.table import WD_CELL_VERTICAL_ALIGNMENT, WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_BREAK
from docx.oxml import OxmlElement
from docx.oxml.ns import nsmap, qn
from docx.shared import Cm, Pt
from docx.text.run import Run
from lxml import etree
from pydantic import BaseModel, ValidationError

from scoring.common.models import (
    Application,
    AttachmentKind,
    BasicInfo,
    Budget,
    BudgetRow,
    CreditCommitment,
    IpManagement,
    ManagementStandard,
    PilotContact,
    PilotLead,
    PriorityKind,
    Recommendation,
    RuleDocument,
    STANDARD_TITLES,
    UnitType,
    YearAmount,
    YearConversion,
    YearPatents,
)
from scoring.common.normalize import (
    clean_long_text,
    clean_text,
    explain_validation_error,
    is_blank,
    parse_city,
    parse_count,
    parse_credit_code,
    parse_date,
    parse_discipline_cell,
    parse_email,
    parse_funding,
    parse_phone,
    parse_wan,
    parse_year,
)
from scoring.documents import MAX_FILE_BYTES, AttachmentReference, IssueLog, ParsedFile
from scoring.documents.fonts import FontRole
from scoring.documents.official import chinese_date
from scoring.documents.score_sheet_print import CHECKED, UNCHECKED, printable
from scoring.documents.templates.build_templates import _fonts, _shade

# The tag of the control that marks a document as made from this template; the importer looks for it (is_form_docx).
MARKER = "scoring.application_form.v1"
FORM_TITLE = "高校院所知识产权运营中心建设试点单位"
NOT_OUR_FORM = ("不是本系统的申报书模板：文件中没有申报书模板的标记。请从系统下载申报书（Word）模板或已填写的申报书，"
                "在其中填写后上传；不要另建文档或复制粘贴到新文档中")
BLANK_BUDGET_ROWS = 10  # as many as the seed's form prints
BLANK_RULE_ROWS = 3
BLANK_ATTACHMENT_ROWS = 3
ATTACHMENT_COLUMNS = {"kind": "附件类型", "filename": "文件名"}
INLINE_BLANK = "\u3000" * 6  # read back as blank: normalize folds ideographic spaces away
W14 = nsmap["w14"]
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]")  # not allowed in XML; layout strings keep their spaces


def _title(model: type[BaseModel], name: str) -> str:
    return model.model_fields[name].title or name


# --- the layout, shared by the Word and the PDF writer ---------------------------------------------------


@dataclass
class Value:
    """A field's value, in a control tagged `key`; `long` text keeps its line breaks (a block of paragraphs)."""

    key: str
    text: str
    long: bool = False


@dataclass
class Box:
    """A tick box, in a check-box control tagged `key`, followed by its label."""

    key: str
    label: str
    checked: bool


Part = str | Value | Box


@dataclass
class Cell:
    """A table cell: paragraphs of parts, or a whole-cell `value`; `label` cells are shaded and centred."""

    paragraphs: list[list[Part]] = field(default_factory=list)
    value: Value | None = None
    span: int = 1
    rowspan: int = 1
    label: bool = False
    align: str = "left"


def label(text: str, span: int = 1, rowspan: int = 1) -> Cell:
    return Cell([[text]], span=span, rowspan=rowspan, label=True, align="center")


def value(key: str, text: str, span: int = 1, long: bool = False, align: str = "left") -> Cell:
    return Cell(value=Value(key, text, long), span=span, align=align)


@dataclass
class Table:
    widths: tuple[float, ...]  # cm, adding up to the text width
    rows: list[list[Cell]]


@dataclass
class Heading:
    text: str
    level: int = 1  # 0: the cover's title, 1: 一、…, 2: a table's caption, 3: a part of a table's caption


@dataclass
class Para:
    parts: list[Part]
    align: str = "left"
    indent: bool = False
    keep_with_next: bool = False


@dataclass
class PageBreak:
    pass


Block = Heading | Para | Table | PageBreak
TEXT_WIDTH_CM = 16.0


def _count(n: int | None) -> str:
    return "" if n is None else str(n)


def _wan(amount: Decimal | None) -> str:
    return "" if amount is None else f"{amount:.2f}"


def _day(day: date | None) -> str:
    return "" if day is None else chinese_date(day)


def default_years(batch_title: str) -> list[int]:
    """The three full years before the batch year named at the start of its title (“2023年度…” → 2020–2022)."""
    match = re.match(r"\s*(\d{4})", batch_title)
    if not match:
        return []
    year = int(match.group(1))
    return [year - 3, year - 2, year - 1]


def form_layout(application: Application | None, batch_title: str, years: list[int] | None = None) -> list[Block]:
    """The 申报书 in the seed's order, filled from `application` or blank (one empty row per year of `years`, which
    default to the application's years or the three years before the batch year of `batch_title`)."""
    app = application
    if years is None:
        found = sorted({r.year for r in app.patents} | {r.year for r in app.conversions}
                       | {r.year for r in app.ip_management.spending}) if app else []
        years = found or default_years(batch_title)
    blocks: list[Block] = []
    blocks += _cover(app, batch_title)
    blocks += _commitment(app)
    blocks += _basic(app)
    blocks += _conditions(app, years)
    blocks += _budget(app)
    blocks += _opinions(app)
    blocks += _supplement(app)
    return blocks


def _cover(app: Application | None, batch_title: str) -> list[Block]:
    basic = app.basic if app else None
    city = app.recommendation.city.value if app else ""
    underline = "　" * 2

    def line(caption: str, text: str) -> Para:
        return Para([f"{caption}：", text or underline])

    return [
        Para([Value(MARKER, "附件1")]),
        Heading(FORM_TITLE, 0), Heading("申报书", 0), Para([printable(batch_title)], align="center"),
        # The cover repeats what 一、申报单位基本信息 holds; the reader takes it from there, not from here.
        line("申报单位", basic.unit_name if basic else ""),
        line("单位地址", basic.address if basic else ""),
        Para(["试点负责人：", (basic.lead.name if basic else "") or underline, "　　电话：",
              (basic.lead.mobile or basic.lead.landline if basic else "") or underline]),
        Para(["试点联系人：", (basic.contact.name if basic else "") or underline, "　　电话：",
              (basic.contact.mobile or basic.contact.landline if basic else "") or underline]),
        Para(["市知识产权局：", Value("recommendation.city", city)]),
        Para(["辽宁省知识产权局编制"], align="center"),
        PageBreak(),
    ]


COMMITMENT_TEXT = (
    "我单位郑重承诺如下：",
    "1.我单位近三年信用状况良好，无严重失信行为；",
    "2.申报试点的所有材料均依据申报要求，据实提供，无任何伪造修改和虚假成分；",
    "3.如违背以上承诺，我单位及相关责任人员愿意承担相关责任，同意有关主管部门将相关失信信息记入公共信用信息系统。"
    "严重失信的，同意在相关政府门户网站公开。",
)


def _commitment(app: Application | None) -> list[Block]:
    signed_on = app.commitment.signed_on if app else None
    return [Heading("信用承诺书", 0),
            *(Para([text], indent=True) for text in COMMITMENT_TEXT),
            Para(["项目申报责任人（签名）"], align="right"), Para(["申报单位（公章）"], align="right"),
            Para([Value("commitment.signed_on", _day(signed_on))], align="right"),
            PageBreak()]


def _basic(app: Application | None) -> list[Block]:
    b = app.basic if app else None
    lead, contact = (b.lead, b.contact) if b else (PilotLead(), PilotContact())

    def v(key: str, text: str, span: int = 1) -> Cell:
        return value(f"basic.{key}", text, span)

    unit_type = b.unit_type if b else None
    type_cell = Cell([[Box("box.unit_type.UNIVERSITY", "高等学校", unit_type is UnitType.UNIVERSITY), "　",
                       Box("box.unit_type.INSTITUTE", "科研机构", unit_type is UnitType.INSTITUTE), "　",
                       Box("box.unit_type.OTHER", "其他：", unit_type is UnitType.OTHER),
                       Value("basic.unit_type_other", b.unit_type_other if b else "")]], span=3)
    t = lambda name: _title(BasicInfo, name)  # noqa: E731
    lt = lambda name: _title(PilotLead, name)  # noqa: E731
    ct = lambda name: _title(PilotContact, name)  # noqa: E731
    rows = [
        [label("试点申报单位", rowspan=6), label(t("unit_name")), v("unit_name", b.unit_name if b else "", 3)],
        [label(t("address")), v("address", b.address if b else "", 3)],
        [label(t("unit_type")), type_cell],
        [label(t("credit_code")), v("credit_code", b.credit_code if b else "", 3)],
        [label(t("legal_representative")), v("legal_representative", b.legal_representative if b else "", 3)],
        [label(t("phone")), v("phone", b.phone if b else ""), label(t("fax")), v("fax", b.fax if b else "")],
        [label(t("lead"), rowspan=2), label(lt("name")), v("lead.name", lead.name), label(lt("title")),
         v("lead.title", lead.title)],
        [label(lt("landline")), v("lead.landline", lead.landline), label(lt("mobile")), v("lead.mobile", lead.mobile)],
        [label(t("contact"), rowspan=4), label(ct("name")), v("contact.name", contact.name), label(ct("mobile")),
         v("contact.mobile", contact.mobile)],
        [label(ct("landline")), v("contact.landline", contact.landline), label(ct("fax")),
         v("contact.fax", contact.fax)],
        [label(ct("postal_address")), v("contact.postal_address", contact.postal_address, 3)],
        [label(ct("postcode")), v("contact.postcode", contact.postcode), label(ct("email")),
         v("contact.email", contact.email)],
        [label(t("overall_situation")),
         Cell([["（对照《指引》试点任务，简要介绍单位基本情况及近三年知识产权工作的整体情况，如有典型案例请简述。）"]],
              span=4),
         ],
        [label(""), value("basic.overall_situation", b.overall_situation if b else "", 4, long=True)],
    ]
    return [Heading("一、" + _title(Application, "basic")), Table((2.0, 3.4, 4.0, 2.6, 4.0), rows)]


def _conditions(app: Application | None, years: list[int]) -> list[Block]:
    ip = app.ip_management if app else IpManagement()
    t = lambda name: _title(IpManagement, name)  # noqa: E731
    standards = Cell([[Box(f"box.standards.{s.name}", STANDARD_TITLES[s], s in ip.standards)]
                      for s in ManagementStandard]
                     + [[Box("box.standards.OTHER", "其他：", bool(ip.standard_other)),
                         Value("ip_management.standard_other", ip.standard_other)]], span=3)
    group = Cell([[Box("box.leading_group.YES", "是", ip.has_leading_group), "　　",
                   Box("box.leading_group.NO", "否", bool(app) and not ip.has_leading_group)]], span=3)

    def count(name: str) -> Cell:
        return value(f"ip_management.{name}", _count(getattr(ip, name)) if app else "", align="center")

    management = [
        [label(t("standards")), standards],
        [label("是否成立知识产权领导小组或科技成果转移转化工作领导小组"), group],
        [label(t("ip_staff_full_time")), count("ip_staff_full_time"), label(t("ip_staff_part_time")),
         count("ip_staff_part_time")],
        [label(t("conversion_staff_full_time")), count("conversion_staff_full_time"), label(t("patent_attorneys")),
         count("patent_attorneys")],
    ]
    rt = lambda name: _title(RuleDocument, name)  # noqa: E731
    rules = [[label(rt("name"), span=2), label(rt("doc_number")), label(rt("issued_on"))]]
    documents = ip.rule_documents or [None] * BLANK_RULE_ROWS
    for doc in documents:
        rules.append([value("row.rules.name", doc.name if doc else "", 2), value("row.rules.doc_number",
                      doc.doc_number if doc else ""), value("row.rules.issued_on", _day(doc.issued_on) if doc else "")])
    spending_by_year = {r.year: r.amount for r in ip.spending}
    spending = [[label(_title(YearAmount, "year"), span=2), label(_title(YearAmount, "amount"), span=2)]]
    for year in _years(years, spending_by_year):
        spending.append([value("row.spending.year", str(year), 2, align="center"),
                         value("row.spending.amount", _wan(spending_by_year.get(year)), 2, align="center")])
    return [
        Heading("二、申报条件"),
        Heading(_title(Application, "ip_management"), 2),
        Table((4.6, 3.8, 3.8, 3.8), management),
        Heading(t("rule_documents"), 2), Table((4.6, 3.8, 3.8, 3.8), rules),
        Heading(t("spending"), 2), Table((4.0, 4.0, 4.0, 4.0), spending),
        *_patents(app, years), *_conversions(app, years),
        Heading(_title(Application, "operation_institution"), 2),
        Table((TEXT_WIDTH_CM,),
              [[value("operation_institution", app.operation_institution if app else "", long=True)]]),
        Heading(_title(Application, "conversion_staff_situation"), 2),
        Para(["（包括人员总数、学历及职称情况、获得奖励及荣誉称号情况等。）"], keep_with_next=True),
        Table((TEXT_WIDTH_CM,), [[value("conversion_staff_situation", app.conversion_staff_situation if app else "",
                                        long=True)]]),
    ]


def _years(years: list[int], *filled: dict) -> list[int]:
    return sorted(set(years).union(*(d.keys() for d in filled)))


def _year_table(group: str, years: list[int], rows_by_year: dict, columns: list[tuple[str, str, Callable]],
                head: list[list[Cell]], widths: tuple[float, ...]) -> Table:
    """A table of one row per year, the seed's 合计 row last (printed only; the reader adds up itself)."""
    rows = [*head]
    totals: dict[str, object] = {}
    for year in _years(years, rows_by_year):
        record = rows_by_year.get(year)
        row = [value(f"row.{group}.year", str(year), align="center")]
        for name, _, show in columns:
            number = getattr(record, name) if record else None
            row.append(value(f"row.{group}.{name}", show(number) if record else "", align="center"))
            if record:
                totals[name] = totals.get(name, 0) + number
        rows.append(row)
    rows.append([label("合计")] + [Cell([[show(totals[name]) if name in totals else ""]], align="center")
                                  for name, _, show in columns])
    return Table(widths, rows)


def _patents(app: Application | None, years: list[int]) -> list[Block]:
    t = lambda name: _title(YearPatents, name)  # noqa: E731
    columns = [(name, t(name), _count) for name in ("invention", "utility_model", "design", "valid_held")]
    head = [[label(t("year"), rowspan=2), label("近三年专利授权量（件）", span=3), label(t("valid_held"), rowspan=2)],
            [label(t("invention")), label(t("utility_model")), label(t("design"))]]
    by_year = {r.year: r for r in app.patents} if app else {}
    return [Heading(_title(Application, "patents"), 2),
            _year_table("patents", years, by_year, columns, head, (3.2, 3.2, 3.2, 3.2, 3.2))]


def _conversions(app: Application | None, years: list[int]) -> list[Block]:
    t = lambda name: _title(YearConversion, name)  # noqa: E731
    by_year = {r.year: r for r in app.conversions} if app else {}
    kinds = {"count": _count, "amount": _wan}

    def cols(*names: str) -> list[tuple[str, str, Callable]]:
        return [(n, t(n), kinds["count"] if n.endswith(("count", "published", "implemented")) else kinds["amount"])
                for n in names]

    transfer = cols("transfer_count", "transfer_contract", "transfer_received")
    licence = cols("licence_count", "licence_contract", "licence_received", "open_licence_published",
                   "open_licence_implemented", "open_licence_amount")
    equity = cols("equity_count", "equity_value")
    year = t("year")
    licence_head = [[label(year, rowspan=2), label(t("licence_count"), rowspan=2), label("合同额（万元）", rowspan=2),
                     label("实际到账额（万元）", rowspan=2), label("专利开放许可情况", span=3)],
                    [label("发布数"), label("实施数"), label("金额（万元）")]]
    return [
        Heading(_title(Application, "conversions"), 2),
        Heading("近三年专利转让", 3),
        _year_table("transfer", years, by_year, transfer,
                    [[label(year), label(t("transfer_count")), label("合同额（万元）"), label("实际到账额（万元）")]],
                    (4.0, 4.0, 4.0, 4.0)),
        Heading("近三年专利许可", 3),
        _year_table("licence", years, by_year, licence, licence_head, (2.2, 2.3, 2.3, 2.3, 2.3, 2.3, 2.3)),
        Heading("近三年专利作价入股", 3),
        _year_table("equity", years, by_year, equity,
                    [[label(year), label(t("equity_count")), label(t("equity_value"))]], (5.0, 5.5, 5.5)),
    ]


def _budget(app: Application | None) -> list[Block]:
    budget = app.budget if app else Budget()
    t = lambda name: _title(BudgetRow, name)  # noqa: E731
    names = ("seq", "item", "explanation", "amount", "year", "funding")
    rows = [[label(t(name)) for name in names]]
    entries = budget.rows or [None] * BLANK_BUDGET_ROWS
    for n, row in enumerate(entries, 1):
        texts = ([str(row.seq), row.item, row.explanation, _wan(row.amount), _count(row.year), row.funding.value]
                 if row else [str(n), "", "", "", "", ""])
        rows.append([value(f"row.budget.{name}", text, align="left" if name in ("item", "explanation") else "center")
                     for name, text in zip(names, texts)])
    rows.append([label("合  计", span=3), value("budget.declared_total", _wan(budget.declared_total), align="center"),
                 Cell(span=2)])
    return [Heading("三、" + _title(Application, "budget")),
            Table((1.2, 3.6, 4.4, 2.2, 1.8, 2.8), rows),
            Para(["注：1.经费测算包括拟申请项目经费（100万元以内预算）和单位年度（配套）经费；"
                  "2.拟申请项目经费不得用于征地拆迁、人员经费及专利管理等经常性开支。"])]


def _opinions(app: Application | None) -> list[Block]:
    rec = app.recommendation if app else None
    unit = Cell([["我单位确认上述填报内容及所提供的材料真实、有效。承诺将严格按照有关规定和要求，认真履行作为项目单位的任务、"
                  "承担相应责任，并配合接受监督和审计。"],
                 ["法定代表人（签字/签章）："], ["申报单位（公章）："],
                 [Value("recommendation.unit_confirmation_date", _day(rec.unit_confirmation_date if rec else None))]])
    city_date = _day(rec.city_recommendation_date if rec else None)
    city = Cell([["另附推荐函，加盖公章后单独上传申报系统。"],
                 ["推荐函日期：", Value("recommendation.city_recommendation_date", city_date)]])
    return [Heading("四、" + _title(Application, "recommendation")),
            Table((3.2, 12.8), [[label("申报单位意见"), unit], [label("市知识产权局意见"), city]])]


def _supplement(app: Application | None) -> list[Block]:
    """What the system needs and the paper form lacks: the state of the signatures, the enterprises connected,
    the disciplines, the grounds for priority and the files that come with the form."""
    rec = app.recommendation if app else None
    claims = {c.kind: c for c in app.priority_claims} if app else {}
    rows = [
        [label(_title(Application, "submitted_on")), value("submitted_on", _day(app.submitted_on) if app else "")],
        [label("签章情况"), Cell([[Box("box.commitment.signed", _title(CreditCommitment, "signed"),
                                        bool(app and app.commitment.signed))],
                                   [Box("box.recommendation.unit_confirmation_signed",
                                        _title(Recommendation, "unit_confirmation_signed"),
                                        bool(rec and rec.unit_confirmation_signed))],
                                   [Box("box.recommendation.city_recommended",
                                        _title(Recommendation, "city_recommended"),
                                        bool(rec and rec.city_recommended))]])],
        [label(_title(Application, "enterprises_connected")),
         value("enterprises_connected", _count(app.enterprises_connected) if app else "")],
        [label(_title(Application, "disciplines")),
         value("disciplines", "、".join(d.value for d in app.disciplines) if app else "")],
    ]
    priority = [[label(_title(Application, "priority_claims")), label("是否申报"), label("证明材料")]]
    for kind in PriorityKind:
        claim = claims.get(kind)
        priority.append([Cell([[kind.value]]), Cell([[Box(f"box.priority.{kind.name}", "", claim is not None)]],
                                                    align="center"),
                         value(f"priority.{kind.name}", claim.evidence if claim else "")])
    files = [[label(ATTACHMENT_COLUMNS["kind"]), label(ATTACHMENT_COLUMNS["filename"])]]
    attachments = app.attachments if app else []
    for attachment in attachments or [None] * BLANK_ATTACHMENT_ROWS:
        files.append([value("row.attachments.kind", attachment.kind.value if attachment else ""),
                      value("row.attachments.filename", attachment.filename if attachment else "")])
    kinds = "、".join(k.value for k in AttachmentKind)
    return [Heading("五、补充信息"),
            Para(["以下各项申报书纸质格式未设，系统审查需要，请一并填写。"], indent=True, keep_with_next=True),
            Table((5.0, 11.0), rows),
            Heading(_title(Application, "priority_claims"), 2), Table((6.0, 2.4, 7.6), priority),
            Heading(_title(Application, "attachments"), 2), Para([f"附件类型为：{kinds}。"]),
            Table((5.0, 11.0), files)]


# --- the Word writer -------------------------------------------------------------------------------------

_ALIGN = {"left": WD_ALIGN_PARAGRAPH.LEFT, "center": WD_ALIGN_PARAGRAPH.CENTER, "right": WD_ALIGN_PARAGRAPH.RIGHT}
TABLE_PT = 10.5  # 五号
BODY_PT = 14  # 四号 for the cover and the commitment
LABEL_FILL = "F2F2F2"


def form_docx(application: Application | None, batch_title: str, years: list[int] | None = None) -> bytes:
    """The 申报书 as .docx: filled from `application`, or the blank template when it is None."""
    doc = Document()
    _fonts(doc.styles["Normal"], FontRole.SONG, TABLE_PT)
    doc.styles["Normal"].paragraph_format.space_after = Pt(0)
    section = doc.sections[0]
    section.page_width, section.page_height = Cm(21.0), Cm(29.7)
    section.left_margin = section.right_margin = Cm(2.5)
    section.top_margin = section.bottom_margin = Cm(2.5)
    doc.core_properties.title = "申报书"
    doc.core_properties.subject = printable(batch_title)
    doc.core_properties.identifier = MARKER
    body_started = False
    for block in form_layout(application, batch_title, years):
        if isinstance(block, PageBreak):
            doc.add_paragraph().add_run().add_break(WD_BREAK.PAGE)
        elif isinstance(block, Heading):
            _heading(doc, block)
        elif isinstance(block, Para):
            paragraph = doc.add_paragraph()
            paragraph.alignment = _ALIGN[block.align]
            if block.indent:
                paragraph.paragraph_format.first_line_indent = Pt(BODY_PT * 2)
            paragraph.paragraph_format.keep_with_next = block.keep_with_next
            _parts(paragraph, block.parts, BODY_PT if not body_started else TABLE_PT)
        else:
            body_started = True
            _table(doc, block)
    out = io.BytesIO()
    doc.save(out)
    return out.getvalue()


def _heading(doc, block: Heading) -> None:
    paragraph = doc.add_paragraph()
    fmt = paragraph.paragraph_format
    if block.level == 0:
        paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
        fmt.space_before, fmt.space_after = Pt(18), Pt(18)
        _fonts(paragraph.add_run(block.text), FontRole.SONG, 22, bold=True)
    elif block.level == 1:
        fmt.space_before, fmt.space_after = Pt(12), Pt(6)
        fmt.keep_with_next = True
        _fonts(paragraph.add_run(block.text), FontRole.HEI, 16)
    else:
        fmt.space_before, fmt.space_after = Pt(6 if block.level == 2 else 3), Pt(3)
        fmt.keep_with_next = True
        _fonts(paragraph.add_run(block.text), FontRole.HEI if block.level == 2 else FontRole.SONG,
               12 if block.level == 2 else TABLE_PT)


def _parts(paragraph, parts: list[Part], size: float) -> None:
    for part in parts:
        if isinstance(part, str):
            _fonts(paragraph.add_run(_CONTROL.sub("", part)), FontRole.SONG, size)
        elif isinstance(part, Box):
            paragraph._p.append(_checkbox(part, size))
            if part.label:
                _fonts(paragraph.add_run(part.label), FontRole.SONG, size)
        else:
            # An empty control inside a line gets some width, or a person could hardly click into it.
            run = paragraph.add_run(printable(part.text) or INLINE_BLANK)
            _fonts(run, FontRole.SONG, size)
            if part.key != MARKER:
                run.font.underline = True
            paragraph._p.append(_sdt(part.key, [run._r], marker=part.key == MARKER))


def _sdt(key: str, content: list, marker: bool = False):
    """A content control tagged `key` around `content`; locked so that it cannot be deleted (the marker's text
    cannot be edited either)."""
    sdt = OxmlElement("w:sdt")
    pr = OxmlElement("w:sdtPr")
    alias = OxmlElement("w:alias")
    alias.set(qn("w:val"), _alias(key))
    tag = OxmlElement("w:tag")
    tag.set(qn("w:val"), key)
    lock = OxmlElement("w:lock")
    lock.set(qn("w:val"), "sdtContentLocked" if marker else "sdtLocked")
    pr.extend([alias, tag, lock])
    body = OxmlElement("w:sdtContent")
    for element in content:
        body.append(element)
    sdt.extend([pr, body])
    return sdt


def _alias(key: str) -> str:
    """The control's title, which Word shows on it: the field's Chinese label."""
    if key in SINGLE_FIELDS:
        return SINGLE_FIELDS[key][1]
    if key.startswith("row."):
        _, group, name = key.split(".", 2)
        return _label_of(ROW_GROUPS[group], name)
    if key.startswith("box."):
        return "勾选框"
    return "申报书模板标记" if key == MARKER else key


def _checkbox(box: Box, size: float):
    """A Word check-box control (w14:checkbox) drawing ■ and □ in 宋体, as the printed forms do."""
    run = OxmlElement("w:r")
    text = OxmlElement("w:t")
    text.text = CHECKED if box.checked else UNCHECKED
    run.append(text)
    sdt = _sdt(box.key, [run])
    checkbox = _w14("checkbox")
    checked = _w14("checked", val="1" if box.checked else "0")
    checked_state = _w14("checkedState", val=f"{ord(CHECKED):04X}", font="宋体")
    unchecked_state = _w14("uncheckedState", val=f"{ord(UNCHECKED):04X}", font="宋体")
    checkbox.extend([checked, checked_state, unchecked_state])
    sdt[0].append(checkbox)
    _fonts(Run(run, None), FontRole.SONG, size)
    return sdt


def _w14(name: str, **attributes: str):
    element = etree.Element(f"{{{W14}}}{name}", nsmap={"w14": W14})
    for key, val in attributes.items():
        element.set(f"{{{W14}}}{key}", val)
    return element


def _grid(rows: list[list[Cell]], columns: int) -> list[tuple[int, int, Cell]]:
    """(row, column, cell) of every cell, placed like HTML places colspan and rowspan."""
    taken: set[tuple[int, int]] = set()
    placed = []
    for r, row in enumerate(rows):
        c = 0
        for cell in row:
            while (r, c) in taken:
                c += 1
            placed.append((r, c, cell))
            for dr in range(cell.rowspan):
                for dc in range(cell.span):
                    taken.add((r + dr, c + dc))
            c += cell.span
        if c > columns:
            raise ValueError(f"row {r} has {c} columns, the table {columns}")
    return placed


def _table(doc, block: Table) -> None:
    columns = len(block.widths)
    table = doc.add_table(rows=len(block.rows), cols=columns)
    table.style = doc.styles["Table Grid"]
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    table.autofit = False
    for c, width in enumerate(block.widths):
        table.columns[c].width = Cm(width)  # the grid, which LibreOffice and WPS lay out by
    for r, row in enumerate(table.rows):
        for c, cell in enumerate(row.cells):
            cell.width = Cm(block.widths[c])  # the cells, which Word lays out by
        if not any(cell.value is not None and cell.value.long for cell in block.rows[r]):
            row._tr.get_or_add_trPr().append(OxmlElement("w:cantSplit"))
    placed = _grid(block.rows, columns)
    for r, c, cell in placed:
        target = table.cell(r, c)
        if cell.span > 1 or cell.rowspan > 1:
            target = target.merge(table.cell(r + cell.rowspan - 1, c + cell.span - 1))
        _fill(target, cell)


def _fill(target, cell: Cell) -> None:
    target.vertical_alignment = WD_CELL_VERTICAL_ALIGNMENT.CENTER
    if cell.label:
        _shade(target, LABEL_FILL)
    first = target.paragraphs[0]
    if cell.value is not None:
        lines = printable(cell.value.text).split("\n") if cell.value.long else [printable(cell.value.text)]
        paragraphs = [first] + [target.add_paragraph() for _ in lines[1:]]
        for paragraph, line in zip(paragraphs, lines):
            paragraph.alignment = _ALIGN[cell.align]
            if cell.value.long:
                paragraph.paragraph_format.first_line_indent = Pt(TABLE_PT * 2)
            _fonts(paragraph.add_run(line), FontRole.SONG, TABLE_PT)
        # A long text opens room to write in on the blank form.
        if cell.value.long and not cell.value.text:
            for _ in range(5):
                paragraphs.append(target.add_paragraph())
        tc = target._tc
        sdt = _sdt(cell.value.key, [p._p for p in paragraphs])
        tc.append(sdt)
        return
    for n, parts in enumerate(cell.paragraphs or [[]]):
        paragraph = first if n == 0 else target.add_paragraph()
        paragraph.alignment = _ALIGN[cell.align]
        _parts(paragraph, parts, TABLE_PT)


# --- the reader --------------------------------------------------------------------------------------------


def is_form_docx(content: bytes) -> bool:
    """Whether `content` is a .docx made from this template (it holds the marker control), by content alone."""
    try:
        with zipfile.ZipFile(io.BytesIO(content)) as archive:
            xml = archive.read("word/document.xml")
    except (zipfile.BadZipFile, KeyError, OSError):
        return False
    return MARKER.encode() in xml


@dataclass
class _Found:
    """What the document's controls hold: single fields by tag, tick boxes by tag, and table rows by group."""

    fields: dict[str, str] = field(default_factory=dict)
    boxes: dict[str, bool] = field(default_factory=dict)
    rows: dict[str, list[dict[str, str]]] = field(default_factory=dict)


def _tag(sdt) -> str:
    tag = sdt.find(f"{qn('w:sdtPr')}/{qn('w:tag')}")
    return tag.get(qn("w:val"), "") if tag is not None else ""


def _text(element) -> str:
    """The text a person sees: runs joined, paragraphs and breaks as line breaks, tabs as spaces."""
    paragraphs = element.findall(f".//{qn('w:p')}") or [element]
    lines = []
    for paragraph in paragraphs:
        chunks = []
        for node in paragraph.iter(qn("w:t"), qn("w:tab"), qn("w:br"), qn("w:cr")):
            if node.tag == qn("w:t"):
                chunks.append(node.text or "")
            elif node.tag == qn("w:tab"):
                chunks.append(" ")
            else:
                chunks.append("\n")
        lines.append("".join(chunks))
    return "\n".join(lines)


def _sdt_value(sdt) -> str:
    if sdt.find(f"{qn('w:sdtPr')}/{qn('w:showingPlcHdr')}") is not None:
        return ""  # Word's grey placeholder text, not a value
    content = sdt.find(qn("w:sdtContent"))
    return _text(content) if content is not None else ""


def _box_value(sdt) -> bool:
    checked = sdt.find(f"{qn('w:sdtPr')}/{{{W14}}}checkbox/{{{W14}}}checked")
    if checked is not None:
        return checked.get(f"{{{W14}}}val", "0") in ("1", "true")
    return any(mark in _sdt_value(sdt) for mark in "■☒☑√✓✔")


def _collect(body) -> _Found:
    found = _Found()
    for sdt in body.iter(qn("w:sdt")):
        key = _tag(sdt)
        if key.startswith("box."):
            found.boxes[key] = _box_value(sdt)
        elif key and not key.startswith("row."):
            found.fields[key] = _sdt_value(sdt)
    for table in body.iter(qn("w:tbl")):
        _collect_rows(table, found)
    return found


def _cells(tr) -> list:
    return [tc for tc in tr if tc.tag == qn("w:tc") or tc.tag == qn("w:sdt")]


def _collect_rows(table, found: _Found) -> None:
    """The rows of one table that hold `row.` controls; a row added in Word without controls is read by the position
    of its cells in a row that has them, unless it is the 合计 row."""
    columns: dict[int, str] = {}
    for tr in table.iterchildren(qn("w:tr")):
        cells = _cells(tr)
        tagged: dict[str, str] = {}
        for position, tc in enumerate(cells):
            for sdt in tc.iter(qn("w:sdt")):
                key = _tag(sdt)
                if key.startswith("row."):
                    tagged[key] = _sdt_value(sdt)
                    columns.setdefault(position, key)
        if not tagged and columns and len(cells) > max(columns):
            texts = [_text(tc) for tc in cells]
            if texts and "合计" in "".join(texts[0].split()):
                continue
            tagged = {key: texts[position] for position, key in columns.items()}
            if all(is_blank(text) for text in tagged.values()):
                continue
        if not tagged:
            continue
        groups: dict[str, dict[str, str]] = {}
        for key, text in tagged.items():
            _, group, name = key.split(".", 2)
            groups.setdefault(group, {})[name] = text
        for group, values in groups.items():
            found.rows.setdefault(group, []).append(values)


Parser = Callable[[str, list[str]], object]


def _plain(text: str, notes: list[str]) -> str:
    return clean_text(text)


def _long(text: str, notes: list[str]) -> str:
    return clean_long_text(text)


def _phone(text: str, notes: list[str]) -> str:
    return parse_phone(text, notes)


def _email(text: str, notes: list[str]) -> str:
    return parse_email(text, notes)


def _wan_value(text: str, notes: list[str]):
    return parse_wan(text, notes)


def _date_value(text: str, notes: list[str]):
    return parse_date(text, notes)


def _attachment_kind(text: str, notes: list[str]):
    if is_blank(text):
        return None
    written = clean_text(text)
    for kind in AttachmentKind:
        if written == kind.value:
            return kind
    raise ValueError(f"附件类型“{written}”无法识别，应为{'、'.join(k.value for k in AttachmentKind)}之一")


def _simple(parse: Callable[[object], object]) -> Parser:
    return lambda text, notes: parse(text)


COUNT, YEAR = _simple(parse_count), _simple(parse_year)

# Single fields: tag → (table, label, parser); the tag is the field's path in the application.
_BASIC_TABLE = _title(Application, "basic")
_IP_TABLE = _title(Application, "ip_management")
_SUPPLEMENT = "补充信息"


def _single_fields() -> dict[str, tuple[str, str, Parser]]:
    t = lambda name: _title(BasicInfo, name)  # noqa: E731
    specs: dict[str, tuple[str, str, Parser]] = {
        "basic.unit_name": (_BASIC_TABLE, t("unit_name"), _plain),
        "basic.address": (_BASIC_TABLE, t("address"), _plain),
        "basic.unit_type_other": (_BASIC_TABLE, t("unit_type_other"), _plain),
        "basic.credit_code": (_BASIC_TABLE, t("credit_code"), _simple(parse_credit_code)),
        "basic.legal_representative": (_BASIC_TABLE, t("legal_representative"), _plain),
        "basic.phone": (_BASIC_TABLE, t("phone"), _phone),
        "basic.fax": (_BASIC_TABLE, t("fax"), _phone),
        "basic.overall_situation": (_BASIC_TABLE, t("overall_situation"), _long),
    }
    for name in PilotLead.model_fields:
        specs[f"basic.lead.{name}"] = (_BASIC_TABLE, f"{t('lead')}{_title(PilotLead, name)}",
                                       _phone if name in ("landline", "mobile") else _plain)
    for name in PilotContact.model_fields:
        parser = {"mobile": _phone, "landline": _phone, "fax": _phone, "postcode": _phone, "email": _email}
        specs[f"basic.contact.{name}"] = (_BASIC_TABLE, f"{t('contact')}{_title(PilotContact, name)}",
                                          parser.get(name, _plain))
    specs["ip_management.standard_other"] = (_IP_TABLE, _title(IpManagement, "standard_other"), _plain)
    for name in ("ip_staff_full_time", "ip_staff_part_time", "conversion_staff_full_time", "patent_attorneys"):
        specs[f"ip_management.{name}"] = (_IP_TABLE, _title(IpManagement, name), COUNT)
    specs.update({
        "operation_institution": (_title(Application, "operation_institution"),
                                  _title(Application, "operation_institution"), _long),
        "conversion_staff_situation": (_title(Application, "conversion_staff_situation"),
                                       _title(Application, "conversion_staff_situation"), _long),
        "budget.declared_total": (_title(Application, "budget"), "合计", _wan_value),
        "recommendation.city": ("封面", "市知识产权局", _simple(parse_city)),
        "commitment.signed_on": (_title(Application, "commitment"), _title(CreditCommitment, "signed_on"), _date_value),
        "recommendation.unit_confirmation_date": (_title(Application, "recommendation"),
                                                  _title(Recommendation, "unit_confirmation_date"), _date_value),
        "recommendation.city_recommendation_date": (_title(Application, "recommendation"),
                                                    _title(Recommendation, "city_recommendation_date"), _date_value),
        "submitted_on": (_SUPPLEMENT, _title(Application, "submitted_on"), _date_value),
        "enterprises_connected": (_SUPPLEMENT, _title(Application, "enterprises_connected"), COUNT),
        "disciplines": (_SUPPLEMENT, _title(Application, "disciplines"), _simple(parse_discipline_cell)),
    })
    for kind in PriorityKind:
        specs[f"priority.{kind.name}"] = (_title(Application, "priority_claims"), f"{kind.value} 证明材料", _plain)
    return specs


SINGLE_FIELDS = _single_fields()


@dataclass(frozen=True)
class _RowGroup:
    table: str
    model: type[BaseModel] | None  # None: the rows name attachments, which the form holds by kind and name only
    parsers: dict[str, Parser]
    by_year: bool


def _row_groups() -> dict[str, _RowGroup]:
    conversion = _title(Application, "conversions")
    counts = lambda *names: {n: COUNT for n in names}  # noqa: E731
    wans = lambda *names: {n: _wan_value for n in names}  # noqa: E731
    return {
        "rules": _RowGroup(_title(IpManagement, "rule_documents"), RuleDocument,
                           {"name": _plain, "doc_number": _plain, "issued_on": _date_value}, False),
        "spending": _RowGroup(_title(IpManagement, "spending"), YearAmount, {"year": YEAR, "amount": _wan_value}, True),
        "patents": _RowGroup(_title(Application, "patents"), YearPatents,
                             {"year": YEAR, **counts("invention", "utility_model", "design", "valid_held")}, True),
        "transfer": _RowGroup(f"{conversion}（专利转让）", YearConversion,
                              {"year": YEAR, **counts("transfer_count"),
                               **wans("transfer_contract", "transfer_received")},
                              True),
        "licence": _RowGroup(f"{conversion}（专利许可）", YearConversion,
                             {"year": YEAR,
                              **counts("licence_count", "open_licence_published", "open_licence_implemented"),
                              **wans("licence_contract", "licence_received", "open_licence_amount")}, True),
        "equity": _RowGroup(f"{conversion}（作价入股）", YearConversion,
                            {"year": YEAR, **counts("equity_count"), **wans("equity_value")}, True),
        "budget": _RowGroup(_title(Application, "budget"), BudgetRow,
                            {"seq": COUNT, "item": _plain, "explanation": _plain, "amount": _wan_value, "year": YEAR,
                             "funding": _simple(parse_funding)}, False),
        "attachments": _RowGroup(_title(Application, "attachments"), None,
                                 {"kind": _attachment_kind, "filename": _plain}, False),
    }


ROW_GROUPS = _row_groups()


class _Reader:
    """Turns what the controls hold into an application, logging every problem with table and field."""

    def __init__(self, found: _Found, log: IssueLog):
        self.found, self.log = found, log

    def where(self, table: str, field_label: str, row: str = "") -> str:
        return f"表“{table}”{' ' + row if row else ''}“{field_label}”"

    def error(self, where: str, message: str) -> None:
        self.log.error(f"{where}：{message}")

    def warning(self, where: str, message: str) -> None:
        self.log.warning(f"{where}：{message}")

    def parse(self, where: str, parser: Parser, text: str):
        notes: list[str] = []
        try:
            result = parser(text, notes)
        except ValueError as exc:
            self.error(where, str(exc))
            return _FAILED
        for note in notes:
            self.warning(where, note)
        return result

    # singles

    def single(self, key: str):
        table, field_label, parser = SINGLE_FIELDS[key]
        if key not in self.found.fields:
            self.warning(self.where(table, field_label), "该栏的内容控件已被删除，按未填写处理")
            return None
        return self.parse(self.where(table, field_label), parser, self.found.fields[key])

    # rows

    def rows(self, group_name: str) -> list[tuple[str, dict[str, object]]]:
        """(where the row is, its parsed values without blanks) of each row that holds anything."""
        group = ROW_GROUPS[group_name]
        result = []
        for n, raw in enumerate(self.found.rows.get(group_name, []), 1):
            if all(is_blank(text) for name, text in raw.items() if not (group_name == "budget" and name == "seq")):
                continue  # an empty row of the blank form (its 序号 printed)
            row_label = f"第{n}行"
            if group.by_year:
                year = self.parse(self.where(group.table, "年度", row_label), YEAR, raw.get("year", ""))
                if year is _FAILED:
                    continue
                if year is None:
                    self.error(self.where(group.table, "年度", row_label), "已填写数据但未填写年度")
                    continue
                row_label = f"{year}年"
                values = {name: text for name, text in raw.items() if name != "year"}
                if all(is_blank(text) for text in values.values()):
                    continue  # a year printed on the blank form, nothing filled
            parsed: dict[str, object] = {}
            failed = False
            for name, text in raw.items():
                field_label = _label_of(group, name)
                outcome = self.parse(self.where(group.table, field_label, row_label), group.parsers[name], text)
                if outcome is _FAILED:
                    failed = True
                elif outcome is not None:
                    parsed[name] = outcome
            if failed:
                continue
            if group.by_year:
                missing = [_label_of(group, n) for n in group.parsers if n != "year" and n not in parsed]
                if missing:
                    self.warning(self.where(group.table, "、".join(missing), row_label), "未填写，按0记录，请核对")
            result.append((row_label, parsed))
        return result

    def model(self, model: type[BaseModel], data: dict, table: str, row_label: str, labels: Callable[[str], str]):
        try:
            return model.model_validate(data)
        except ValidationError as exc:
            for error in exc.errors():
                name = str(error["loc"][0]) if error["loc"] else ""
                self.error(self.where(table, labels(name), row_label), explain_validation_error(error))
            return None


_FAILED = object()


def _label_of(group: _RowGroup, name: str) -> str:
    if group.model is None:
        return ATTACHMENT_COLUMNS[name]
    return _title(group.model, name)


def read_form_docx(content: bytes, filename: str, batch_id: str) -> ParsedFile:
    """The application of a filled 申报书 (.docx made from `form_docx`) for batch `batch_id`, the files its 附件 table
    names, and every problem, each naming the table and the field. Not carried by the form, so never read back: the
    attachments' hashes, sizes and texts (the files themselves come with the upload; `references` names them)."""
    log = IssueLog(filename)
    parsed = ParsedFile(filename=filename)
    body = _body(content, log)
    if body is None:
        parsed.issues = log.issues
        return parsed
    found = _collect(body)
    reader = _Reader(found, log)
    data, attachments = _application_data(reader, batch_id)
    application = None
    if not log.has_errors:
        try:
            application = Application.model_validate(data)
        except ValidationError as exc:
            for error in exc.errors():
                log.error(f"{_located(error['loc'])}：{explain_validation_error(error)}")
    if application is not None and not log.has_errors:
        code = application.credit_code
        parsed.applications.append(application)
        parsed.origins[code] = ("", None)
        parsed.references.extend(
            AttachmentReference(credit_code=code, kind=kind, filename=name, sheet=_title(Application, "attachments"),
                                row=n, column="文件名")
            for n, (kind, name) in enumerate(attachments, 1))
    parsed.issues = log.issues
    return parsed


def _body(content: bytes, log: IssueLog):
    if len(content) > MAX_FILE_BYTES:
        log.error(f"文件超过 {MAX_FILE_BYTES // 1024 // 1024} MB 的上限")
        return None
    try:
        document = Document(io.BytesIO(content))
    except Exception:  # python-docx raises many kinds (zip, XML, missing part) for what is simply not a .docx
        log.error("不是有效的 Word 文档（.docx），无法打开。请上传由申报书模板填写的 .docx 文件（不支持 .doc 和 .wps）")
        return None
    body = document.element.body
    if not any(_tag(sdt) == MARKER for sdt in body.iter(qn("w:sdt"))):
        log.error(NOT_OUR_FORM)
        return None
    return body


def _located(loc: tuple) -> str:
    """A pydantic location of the whole application as the form names it."""
    path = ".".join(str(part) for part in loc if not isinstance(part, int))
    if path in SINGLE_FIELDS:
        table, field_label, _ = SINGLE_FIELDS[path]
        return f"表“{table}”“{field_label}”"
    if path == "basic.unit_type":
        return f"表“{_BASIC_TABLE}”“{_title(BasicInfo, 'unit_type')}”"
    return f"表“{_title(Application, str(loc[0]))}”" if loc else "申报书"


def _application_data(reader: _Reader, batch_id: str) -> tuple[dict, list[tuple[AttachmentKind, str]]]:
    data: dict = {"batch_id": batch_id}
    for key in SINGLE_FIELDS:
        if key.startswith("priority."):
            continue
        result = reader.single(key)
        if result is _FAILED or result is None or result == "" or result == []:
            continue
        target = data
        *parents, last = key.split(".")
        for parent in parents:
            target = target.setdefault(parent, {})
        target[last] = result
    boxes = reader.found.boxes
    _unit_type(reader, data)
    ip = data.setdefault("ip_management", {})
    ip["standards"] = [s for s in ManagementStandard if boxes.get(f"box.standards.{s.name}")]
    if ip.get("standard_other") and not boxes.get("box.standards.OTHER"):
        reader.warning(reader.where(_IP_TABLE, _title(IpManagement, "standard_other")), "填写了其他规范但未勾选“其他”")
    yes, no = boxes.get("box.leading_group.YES", False), boxes.get("box.leading_group.NO", False)
    if yes and no:
        reader.error(reader.where(_IP_TABLE, "是否成立知识产权领导小组"), "“是”和“否”只能勾选一项")
    ip["has_leading_group"] = yes
    data.setdefault("commitment", {})["signed"] = boxes.get("box.commitment.signed", False)
    recommendation = data.setdefault("recommendation", {})
    recommendation["unit_confirmation_signed"] = boxes.get("box.recommendation.unit_confirmation_signed", False)
    recommendation["city_recommended"] = boxes.get("box.recommendation.city_recommended", False)
    data["priority_claims"] = _priority_claims(reader)
    _table_rows(reader, data)
    attachments = [(values["kind"], values["filename"]) for row_label, values in reader.rows("attachments")
                   if _attachment_row(reader, row_label, values)]
    return data, attachments


def _unit_type(reader: _Reader, data: dict) -> None:
    options = {"UNIVERSITY": UnitType.UNIVERSITY, "INSTITUTE": UnitType.INSTITUTE, "OTHER": UnitType.OTHER}
    chosen = [kind for name, kind in options.items() if reader.found.boxes.get(f"box.unit_type.{name}")]
    where = reader.where(_BASIC_TABLE, _title(BasicInfo, "unit_type"))
    if len(chosen) > 1:
        reader.error(where, "只能勾选一项")
    elif not chosen:
        reader.error(where, "未勾选单位类型")
    else:
        data.setdefault("basic", {})["unit_type"] = chosen[0]


def _priority_claims(reader: _Reader) -> list[dict]:
    claims = []
    for kind in PriorityKind:
        evidence = reader.single(f"priority.{kind.name}")
        evidence = "" if evidence in (None, _FAILED) else evidence
        if reader.found.boxes.get(f"box.priority.{kind.name}"):
            claims.append({"kind": kind, "evidence": evidence})
        elif evidence:
            reader.warning(reader.where(_title(Application, "priority_claims"), kind.value),
                           "填写了证明材料但未勾选“是否申报”，未作为优先申报条件")
    return claims


def _attachment_row(reader: _Reader, row_label: str, values: dict) -> bool:
    table = _title(Application, "attachments")
    for name, caption in ATTACHMENT_COLUMNS.items():
        if name not in values:
            reader.error(reader.where(table, caption, row_label), "必须填写")
            return False
    return True


def _listed_rows(reader: _Reader, group: str, model: type[BaseModel]) -> list:
    """The rows of a table of any length (rule documents, budget), each read as `model`; a row in error is left out
    (its problem is in the reader's log)."""
    read = (reader.model(model, values, ROW_GROUPS[group].table, row_label,
                         lambda n: _title(model, n) if n in model.model_fields else n)
            for row_label, values in reader.rows(group))
    return [row for row in read if row is not None]


def _table_rows(reader: _Reader, data: dict) -> None:
    ip = data.setdefault("ip_management", {})
    ip["rule_documents"] = _listed_rows(reader, "rules", RuleDocument)
    ip["spending"] = _yearly(reader, ("spending",), YearAmount)
    data["patents"] = _yearly(reader, ("patents",), YearPatents)
    data["conversions"] = _yearly(reader, ("transfer", "licence", "equity"), YearConversion)
    data.setdefault("budget", {})["rows"] = _listed_rows(reader, "budget", BudgetRow)


def _yearly(reader: _Reader, groups: tuple[str, ...], model: type[BaseModel]) -> list:
    """One record per year from the rows of `groups` (the conversion's three tables fill one record per year)."""
    by_year: dict[int, dict] = {}
    tables: dict[int, str] = {}
    for group in groups:
        for row_label, values in reader.rows(group):
            year = int(row_label.removesuffix("年"))
            record = by_year.setdefault(year, {"year": year})
            clash = set(values) & set(record) - {"year"}
            if clash:
                reader.error(reader.where(ROW_GROUPS[group].table, "年度", row_label), "同一年度填写了两行")
                continue
            record.update(values)
            tables.setdefault(year, ROW_GROUPS[group].table)
    records = []
    for year, values in sorted(by_year.items()):
        record = reader.model(model, values, tables[year], f"{year}年",
                              lambda n: _title(model, n) if n in model.model_fields else n)
        if record is not None:
            records.append(record)
    return records
