"""The 申报书 as Word (scoring/documents/application_form_docx.py): the round trip, the blank template, reading what a
person typed in Word, and the located Chinese errors."""
from __future__ import annotations

import io
from decimal import Decimal

import pytest
from docx import Document
from docx.oxml import OxmlElement
from docx.oxml.ns import qn

from scoring.common.models import Application, AttachmentKind, Severity
from scoring.documents.application_form_docx import (MARKER, NOT_OUR_FORM, form_docx, is_form_docx,
                                                     read_form_docx)
from tests.builders.applications import make_application

TITLE = "2023年度高校院所知识产权运营中心建设试点申报"


def with_attachments(application: Application) -> Application:
    attachments = [{"kind": "三年建设方案", "filename": "建设方案.docx", "sha256": "a" * 64, "size": 10, "text": "方案"},
                   {"kind": "市局推荐函", "filename": "推荐函.pdf", "sha256": "b" * 64, "size": 20}]
    return Application.model_validate({**application.model_dump(), "attachments": attachments})


def write(sdt, text: str) -> None:
    """What a person typing into a control does: its text replaced, the control kept."""
    texts = list(sdt.iter(qn("w:t")))
    if not texts:  # an empty control holds a run without text
        run = next(sdt.iter(qn("w:r")))
        texts = [OxmlElement("w:t")]
        run.append(texts[0])
    texts[0].text = text
    for other in texts[1:]:
        other.text = ""


def set_control(content: bytes, tag: str, text: str) -> bytes:
    """Type `text` into the control tagged `tag`."""
    document = Document(io.BytesIO(content))
    sdt = next(s for s in document.element.body.iter(qn("w:sdt"))
               if s.find(f"{qn('w:sdtPr')}/{qn('w:tag')}").get(qn("w:val")) == tag)
    write(sdt, text)
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def year_control(content: bytes, group: str, year: int, name: str, text: str) -> bytes:
    """Set the `name` cell of the `year` row of a year table."""
    document = Document(io.BytesIO(content))
    for tr in document.element.body.iter(qn("w:tr")):
        tags = {s.find(f"{qn('w:sdtPr')}/{qn('w:tag')}").get(qn("w:val")): s for s in tr.iter(qn("w:sdt"))}
        year_sdt = tags.get(f"row.{group}.year")
        if year_sdt is not None and "".join(t.text for t in year_sdt.iter(qn("w:t"))) == str(year):
            write(tags[f"row.{group}.{name}"], text)
            out = io.BytesIO()
            document.save(out)
            return out.getvalue()
    raise AssertionError(f"no {group} row for {year}")


def messages(parsed) -> list[str]:
    return [str(issue) for issue in parsed.issues]


def test_filled_form_reads_back_to_the_same_application_but_the_attachment_hashes():
    application = with_attachments(make_application(disciplines=["新材料", "生物医药"]))

    parsed = read_form_docx(form_docx(application, TITLE), "申报书.docx", "2023")

    assert messages(parsed) == []
    # Not on the paper form: the attachments' hashes, sizes and texts. The form names the files (kind and name);
    # the importer joins the uploaded files to those names, as it does for a workbook.
    assert parsed.applications == [application.model_copy(update={"attachments": []})]
    assert [(r.kind, r.filename) for r in parsed.references] == [(AttachmentKind.PLAN, "建设方案.docx"),
                                                                  (AttachmentKind.RECOMMENDATION, "推荐函.pdf")]


@pytest.mark.parametrize("overrides", [
    {"basic": {"unit_type": "其他", "unit_type_other": "企业研发中心"}},
    {"ip_management": {"standards": ["GB/T 33250-2016"], "standard_other": "ISO 56005", "has_leading_group": False}},
    {"enterprises_connected": None, "priority_claims": [], "commitment": {"signed": False, "signed_on": None}},
    {"basic": {"overall_situation": "第一段。\n\n第三段，前面空一行。"}},
], ids=["other-unit-type", "research-standard-and-no-group", "unsigned-and-nothing-claimed", "paragraphs"])
def test_round_trip_keeps_each_kind_of_answer(overrides):
    application = make_application(**overrides)

    parsed = read_form_docx(form_docx(application, TITLE), "申报书.docx", "2023")

    assert parsed.errors == []
    assert parsed.applications == [application]


def test_blank_template_has_one_empty_row_per_year_of_the_batch_and_reads_as_unfilled():
    content = form_docx(None, TITLE)

    document = Document(io.BytesIO(content))
    year_cells = [s for s in document.element.body.iter(qn("w:sdt"))
                  if s.find(f"{qn('w:sdtPr')}/{qn('w:tag')}").get(qn("w:val")) == "row.patents.year"]
    assert ["".join(t.text for t in s.iter(qn("w:t"))) for s in year_cells] == ["2020", "2021", "2022"]
    assert is_form_docx(content)
    parsed = read_form_docx(content, "空白.docx", "2023")
    assert parsed.applications == []
    assert any("单位类型" in m for m in messages(parsed))


def test_a_value_typed_in_word_is_read_from_its_control():
    content = form_docx(make_application(), TITLE)

    edited = year_control(content, "patents", 2022, "invention", "３０件")

    parsed = read_form_docx(edited, "申报书.docx", "2023")
    assert parsed.errors == []
    assert parsed.applications[0].patents_in(2022).invention == 30


def test_a_broken_count_names_file_table_year_and_field_in_chinese():
    content = year_control(form_docx(make_application(), TITLE), "patents", 2022, "invention", "很多")

    parsed = read_form_docx(content, "申报书.docx", "2023")

    assert parsed.applications == []
    assert messages(parsed) == ["[错误] 申报书.docx：表“专利创造产出情况” 2022年“发明”：“很多”不是数字"]


def test_a_broken_budget_amount_names_the_row():
    content = form_docx(make_application(), TITLE)
    document = Document(io.BytesIO(content))
    amounts = [s for s in document.element.body.iter(qn("w:sdt"))
               if s.find(f"{qn('w:sdtPr')}/{qn('w:tag')}").get(qn("w:val")) == "row.budget.amount"]
    next(amounts[1].iter(qn("w:t"))).text = "-5"
    out = io.BytesIO()
    document.save(out)

    parsed = read_form_docx(out.getvalue(), "申报书.docx", "2023")

    assert [i.severity for i in parsed.issues] == [Severity.ERROR]
    assert "表“经费预算” 第2行“预算金额（万元）”：金额不能为负数" in parsed.issues[0].message


def test_a_budget_row_added_in_word_without_controls_is_read_by_position():
    content = form_docx(make_application(), TITLE)
    document = Document(io.BytesIO(content))
    budget = next(t for t in document.tables if len(t.columns) == 6 and "经费开支项目" in t.rows[0].cells[1].text)
    added = budget.add_row()  # what Word's “insert row” gives: plain cells, no controls
    for cell, text in zip(added.cells, ["4", "宣传培训", "培训班", "10", "2023", "拟定配套"]):
        cell.text = text
    budget.rows[-2]._tr.addprevious(added._tr)  # above the 合计 row, where a person would insert it
    out = io.BytesIO()
    document.save(out)

    parsed = read_form_docx(out.getvalue(), "申报书.docx", "2023")

    assert parsed.errors == []
    rows = parsed.applications[0].budget.rows
    assert [(r.seq, r.item, r.amount) for r in rows][-1] == (4, "宣传培训", Decimal("10"))


def test_two_unit_types_ticked_is_an_error_at_the_unit_type():
    content = form_docx(make_application(), TITLE)
    document = Document(io.BytesIO(content))
    for sdt in document.element.body.iter(qn("w:sdt")):
        if sdt.find(f"{qn('w:sdtPr')}/{qn('w:tag')}").get(qn("w:val")) == "box.unit_type.INSTITUTE":
            checked = sdt.find(".//{http://schemas.microsoft.com/office/word/2010/wordml}checked")
            checked.set("{http://schemas.microsoft.com/office/word/2010/wordml}val", "1")
    out = io.BytesIO()
    document.save(out)

    parsed = read_form_docx(out.getvalue(), "申报书.docx", "2023")

    assert messages(parsed) == ["[错误] 申报书.docx：表“申报单位基本信息”“单位类型”：只能勾选一项"]


def test_a_word_document_not_made_from_the_template_gets_one_clear_error():
    document = Document()
    document.add_paragraph("高校院所知识产权运营中心建设试点单位申报书")
    out = io.BytesIO()
    document.save(out)

    parsed = read_form_docx(out.getvalue(), "自制.docx", "2023")

    assert not is_form_docx(out.getvalue())
    assert messages(parsed) == [f"[错误] 自制.docx：{NOT_OUR_FORM}"]


def test_a_file_that_is_not_a_docx_gets_one_clear_error():
    parsed = read_form_docx(b"not a zip", "坏.docx", "2023")

    assert len(parsed.issues) == 1 and "不是有效的 Word 文档" in parsed.issues[0].message


def test_every_value_sits_in_a_control_locked_against_deletion():
    document = Document(io.BytesIO(form_docx(make_application(), TITLE)))

    sdts = list(document.element.body.iter(qn("w:sdt")))

    assert sdts and MARKER in {s.find(f"{qn('w:sdtPr')}/{qn('w:tag')}").get(qn("w:val")) for s in sdts}
    assert all(s.find(f"{qn('w:sdtPr')}/{qn('w:lock')}") is not None for s in sdts)


def tick(content: bytes, tag: str) -> bytes:
    """What a click on a Word check box does: w14:checked to 1 and the box drawn ticked."""
    w14 = "http://schemas.microsoft.com/office/word/2010/wordml"
    document = Document(io.BytesIO(content))
    for sdt in document.element.body.iter(qn("w:sdt")):
        if sdt.find(f"{qn('w:sdtPr')}/{qn('w:tag')}").get(qn("w:val")) == tag:
            sdt.find(f".//{{{w14}}}checked").set(f"{{{w14}}}val", "1")
            next(sdt.iter(qn("w:t"))).text = "■"
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def test_the_blank_template_filled_in_word_reads_as_an_application():
    content = form_docx(None, TITLE)
    for tag, text in (("basic.unit_name", "沈阳填表学院"), ("basic.credit_code", "12210100MB0000001X"),
                      ("recommendation.city", "沈阳"), ("submitted_on", "2023-05-20"),
                      ("enterprises_connected", "12家")):
        content = set_control(content, tag, text)
    content = year_control(content, "patents", 2021, "invention", "7")
    content = tick(tick(content, "box.unit_type.UNIVERSITY"), "box.commitment.signed")

    parsed = read_form_docx(content, "填好的.docx", "2023")

    assert parsed.errors == []
    application = parsed.applications[0]
    assert (application.basic.unit_name, application.recommendation.city, application.enterprises_connected) == (
        "沈阳填表学院", "沈阳市", 12)
    assert application.commitment.signed and application.submitted_on.isoformat() == "2023-05-20"
    assert [(p.year, p.invention, p.design) for p in application.patents] == [(2021, 7, 0)]
    assert any("2021年" in str(w) and "按0记录" in str(w) for w in parsed.warnings)
