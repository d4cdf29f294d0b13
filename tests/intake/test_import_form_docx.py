"""Importing a filled 申报书 .docx (our Word template): it is a data file like a JSON file, while any other .docx
(a plan written in Word) stays an attachment; a broken value is located in Chinese and nothing is imported."""
from __future__ import annotations

import io
import json

import pytest
from docx import Document
from docx.oxml.ns import qn

from scoring.common.access import Grant, Principal, Role
from scoring.common.models import Application, AttachmentKind
from scoring.documents.application_form_docx import form_docx
from scoring.intake.importer import import_files
from scoring.storage import Storage
from tests.builders.applications import make_application, make_batch

STAFF = Principal(login="staff", display_name="工作人员", grants=(Grant(role=Role.STAFF),))
TITLE = "2023年度高校院所知识产权运营中心建设试点申报"


@pytest.fixture
def storage(tmp_path):
    with Storage(tmp_path / "review.duckdb") as opened:
        opened.create_batch(make_batch(), "admin")
        yield opened


@pytest.fixture
def other_storage(tmp_path):
    with Storage(tmp_path / "other.duckdb") as opened:
        opened.create_batch(make_batch(), "admin")
        yield opened


def plan_docx(text: str = "一、基本情况") -> bytes:
    document = Document()
    document.add_paragraph(text)
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def with_plan(application: Application, filename: str) -> Application:
    attachments = [{"kind": "三年建设方案", "filename": filename, "sha256": "0" * 64, "size": 0}]
    return Application.model_validate({**application.model_dump(), "attachments": attachments})


def test_filled_form_docx_imports_to_the_same_application_as_the_json_import(storage, other_storage):
    application = with_plan(make_application(), "建设方案.docx")
    plan = plan_docx()
    as_json = json.dumps([json.loads(application.model_dump_json())], ensure_ascii=False).encode()

    by_docx = import_files(storage, make_batch(), [("申报书.docx", form_docx(application, TITLE)),
                                                   ("建设方案.docx", plan)], STAFF)
    by_json = import_files(other_storage, make_batch(), [("申报.json", as_json), ("建设方案.docx", plan)], STAFF)

    assert by_docx.imported and by_json.imported, [str(i) for i in by_docx.issues + by_json.issues]
    assert by_docx.errors == [] and by_docx.warnings == []
    stored = storage.get_application("2023", application.credit_code)
    assert stored == other_storage.get_application("2023", application.credit_code)
    assert [(a.kind, a.filename) for a in stored.attachments] == [(AttachmentKind.PLAN, "建设方案.docx")]


def test_a_plan_docx_uploaded_with_a_workbook_stays_an_attachment(storage):
    application = with_plan(make_application(), "方案.docx")

    report = import_files(storage, make_batch(), [("申报书.docx", form_docx(application, TITLE)),
                                                  ("方案.docx", plan_docx())], STAFF)

    assert report.imported
    assert storage.get_application("2023", application.credit_code).attachment(AttachmentKind.PLAN).size > 0


def test_a_broken_value_in_the_form_gives_the_located_error_and_imports_nothing(storage):
    content = form_docx(make_application(), TITLE)
    document = Document(io.BytesIO(content))
    for tr in document.element.body.iter(qn("w:tr")):
        tags = {s.find(f"{qn('w:sdtPr')}/{qn('w:tag')}").get(qn("w:val")): s for s in tr.iter(qn("w:sdt"))}
        if "".join(t.text for t in tags.get("row.patents.year", tr).iter(qn("w:t"))) == "2022":
            next(tags["row.patents.invention"].iter(qn("w:t"))).text = "-3"
    out = io.BytesIO()
    document.save(out)

    report = import_files(storage, make_batch(), [("申报书.docx", out.getvalue())], STAFF)

    assert not report.imported
    assert [str(i) for i in report.errors] == [
        "[错误] 申报书.docx：表“专利创造产出情况” 2022年“发明”：不能为负数（填写的是 -3）"]
    assert storage.list_applications("2023") == []


def test_only_a_plan_docx_is_no_data_file(storage):
    report = import_files(storage, make_batch(), [("方案.docx", plan_docx())], STAFF)

    assert not report.imported
    assert any("没有上传申报数据文件" in str(i) for i in report.errors)
