"""`python -m scoring form …`: the 申报书 of an imported application as Word and PDF, the blank template, and reading
a filled Word form back (JSON, or the located errors with exit status 1)."""
from __future__ import annotations

import io
import json

import pytest
from docx import Document
from docx.oxml.ns import qn
from pypdf import PdfReader

from scoring.cli.main import main
from scoring.common.models import Application
from scoring.documents.application_form_docx import is_form_docx
from scoring.storage.store import Storage
from tests.builders.applications import make_application, make_batch
from tests.builders.cli import run_json


@pytest.fixture
def db(tmp_path):
    path = tmp_path / "review.duckdb"
    with Storage(path) as storage:
        storage.create_batch(make_batch(), "admin")
    return str(path)


@pytest.fixture
def imported(db, tmp_path, capsys) -> Application:
    application = make_application()
    data = tmp_path / "申报.json"
    data.write_text(json.dumps([json.loads(application.model_dump_json())], ensure_ascii=False), encoding="utf-8")
    status, _ = run_json(capsys, "import", str(data), "--batch", "2023", "--db", db, "--actor", "staff")
    assert status == 0
    return application


def test_form_docx_of_an_imported_application_reads_back_to_it(capsys, db, imported, tmp_path):
    out = tmp_path / "申报书.docx"

    status, done = run_json(capsys, "form", "docx", "2023", imported.credit_code, "-o", str(out), "--db", db)
    read_status, read = run_json(capsys, "form", "read", str(out), "--batch", "2023")

    assert status == 0 and done["bytes"] == out.stat().st_size
    assert read_status == 0
    assert Application.model_validate(read["application"]) == imported


def test_form_pdf_holds_the_unit_name(capsys, db, imported, tmp_path):
    out = tmp_path / "申报书.pdf"

    status, _ = run_json(capsys, "form", "pdf", "2023", imported.credit_code, "-o", str(out), "--db", db)

    assert status == 0
    text = "".join(page.extract_text() for page in PdfReader(out).pages)
    assert imported.basic.unit_name in "".join(text.split())


def test_form_blank_writes_the_template_as_word_or_pdf(capsys, db, tmp_path):
    word, pdf = tmp_path / "空白.docx", tmp_path / "空白.pdf"

    assert run_json(capsys, "form", "blank", "-o", str(word), "--db", db)[0] == 0
    assert run_json(capsys, "form", "blank", "-o", str(pdf), "--pdf", "--db", db)[0] == 0

    assert is_form_docx(word.read_bytes())
    assert pdf.read_bytes().startswith(b"%PDF")


def test_form_read_prints_the_located_errors_and_exits_1(capsys, db, imported, tmp_path):
    out = tmp_path / "申报书.docx"
    run_json(capsys, "form", "docx", "2023", imported.credit_code, "-o", str(out), "--db", db)
    document = Document(io.BytesIO(out.read_bytes()))
    for sdt in document.element.body.iter(qn("w:sdt")):
        if sdt.find(f"{qn('w:sdtPr')}/{qn('w:tag')}").get(qn("w:val")) == "enterprises_connected":
            next(sdt.iter(qn("w:t"))).text = "十几家"
    document.save(out)

    capsys.readouterr()
    status = main(["form", "read", str(out), "--batch", "2023"])

    assert status == 1
    assert "表“补充信息”“近三年累计对接企业数”：“十几家”不是数字" in capsys.readouterr().out


def test_form_docx_of_a_unit_that_did_not_apply_is_an_error(capsys, db, tmp_path):
    capsys.readouterr()
    status = main(["form", "docx", "2023", "122102000000000099", "-o", str(tmp_path / "x.docx"), "--db", db])

    assert status == 1
    assert "没有统一社会信用代码" in capsys.readouterr().err
