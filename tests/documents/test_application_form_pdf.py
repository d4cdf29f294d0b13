"""The 申报书 as PDF (scoring/documents/application_form_pdf.py): the text a reader sees, a sane page count, the
embedded Chinese font, and escaping."""
from __future__ import annotations

import io

from pypdf import PdfReader

from scoring.documents.application_form_pdf import form_html, form_pdf
from tests.builders.applications import make_application

TITLE = "2023年度高校院所知识产权运营中心建设试点申报"


def text_of(pdf: bytes) -> str:
    return "".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)


def test_filled_form_shows_the_unit_and_its_figures_as_text():
    application = make_application(basic={"unit_name": "大连印刷测试大学"})

    pdf = form_pdf(application, TITLE)

    reader = PdfReader(io.BytesIO(pdf))
    text = "".join(text_of(pdf).split())
    assert 4 <= len(reader.pages) <= 12
    assert "大连印刷测试大学" in text and "信用承诺书" in text and "经费预算" in text
    assert "753" in text  # 累计有效专利拥有量 added up in the 合计 row


def test_blank_form_prints_the_three_years_of_the_batch():
    text = "".join(text_of(form_pdf(None, TITLE)).split())

    assert "2020" in text and "2022" in text and "2023年度" in text


def test_the_pdf_embeds_a_chinese_font():
    reader = PdfReader(io.BytesIO(form_pdf(make_application(), TITLE)))

    fonts = {str(font["/BaseFont"]) for page in reader.pages
             for font in page["/Resources"]["/Font"].values() if "/BaseFont" in font.get_object()}
    assert any("CJK" in name or "Song" in name or "Hei" in name for name in fonts)


def test_user_text_is_escaped_in_the_html():
    application = make_application(basic={"unit_name": "<b>大学</b>&"})

    page = form_html(application, TITLE)

    assert "<b>大学</b>" not in page and "&lt;b&gt;大学&lt;/b&gt;&amp;" in page
