"""The publicity notice and the confirmation letters as PDF and as the website page (scoring/documents/official_pdf.py):
the text a reader sees, the page, the embedded Chinese font, one PDF per letter, escaping and the draft mark."""
from __future__ import annotations

import html
import io
import re
from datetime import date
from decimal import Decimal

import pytest
from pypdf import PdfReader

from scoring.documents.official import (DEFAULT_COLUMNS, Contact, LetterDocument, ListColumn, ListedUnit,
                                        NoticeDocument, Paragraph, Section, document_number)
from scoring.documents.official_pdf import (DRAFT_MARK, letter_pdf, letters_html, notice_html, notice_pdf,
                                            notice_web_html, render_letters)

HOSTILE = "<script>alert(1)</script>&\"'=HYPERLINK(\"x\")"
UNITS = [("大连理工大学", "高等院校", "大连市"), ("东北大学", "高等院校", "沈阳市"),
         ("沈阳工业大学", "高等院校", "沈阳市"), ("大连海事大学", "高等院校", "大连市"),
         ("鞍山钢铁集团有限公司", "企业", "鞍山市")]
DUTY = ("省知识产权局每年对试点任务实施情况进行跟踪验收。请于每年12月31日前报送年度工作总结、试点成效及启动资金"
        "执行情况。")


def listed(units=UNITS) -> list[ListedUnit]:
    return [ListedUnit(order=n, credit_code=f"12210000MB{n:08d}", unit_name=name, unit_type=kind, city=city,
                       final=Decimal("90.5") - n)
            for n, (name, kind, city) in enumerate(units, 1)]


def notice(units=UNITS, draft: bool = False, columns=DEFAULT_COLUMNS) -> NoticeDocument:
    return NoticeDocument(
        title="关于2023年度辽宁省高校院所知识产权运营中心试点单位拟确定名单的公示",
        body=["根据《辽宁省知识产权局关于开展高校院所知识产权运营中心试点工作的通知》，经各市知识产权局推荐、"
              "省知识产权局审核、专家评审和会议研究，拟确定以下单位为试点单位，现予以公示。"],
        columns=list(columns), units=listed(units),
        after_list=["公示期为2023年6月5日至2023年6月9日（5个工作日）。公示期间，如有异议，请以书面形式向省知识产权局"
                    "提出，并提供必要的证明材料。"],
        contact=Contact(person="张三", phone="024-12345678", email="ip@example.cn", address="沈阳市皇姑区北陵大街45号"),
        issuer="辽宁省知识产权局", issued_on=date(2023, 6, 5), draft=draft)


def letter(index: int = 0, name: str = "大连理工大学", city: str = "大连市", long: bool = False) -> LetterDocument:
    duty = DUTY * 12 if long else DUTY
    return LetterDocument(
        credit_code=f"12210000MB{index:08d}", unit_name=name, number=document_number("辽知发", 2023, 12 + index),
        title="关于确认2023年度辽宁省高校院所知识产权运营中心试点单位的通知", addressee=name,
        opening=["根据《辽宁省知识产权局关于开展高校院所知识产权运营中心试点工作的通知》，经推荐、审核、专家评审、"
                 "会议研究和公示（2023年6月5日至2023年6月9日），确认你单位为2023年度试点单位，试点建设期为三年"
                 "（2023—2025年）。现将有关事项通知如下："],
        sections=[Section(heading="一、启动资金", paragraphs=[Paragraph(text="省知识产权局给予你单位启动资金50万元。")]),
                  Section(heading="二、验收与评估", paragraphs=[
                      Paragraph(lead="（一）年度验收。", text=duty),
                      Paragraph(lead="（二）综合评估。", text="试点期满，省知识产权局将于2025年组织综合评估。")])],
        closing=["特此通知。"], issuer="辽宁省知识产权局", issued_on=date(2023, 6, 12),
        copy_to=[f"{city}市场监督管理局（知识产权局）"], printer="辽宁省知识产权局办公室", printed_on=date(2023, 6, 12))


def letters(count: int = 3) -> list[LetterDocument]:
    return [letter(i, name, city) for i, (name, _, city) in enumerate(UNITS[:count])]


def text_of(pdf: bytes) -> str:
    """The PDF's text with white space removed (line breaks fall anywhere in Chinese)."""
    return re.sub(r"\s+", "", "".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages))


def embedded_fonts(pdf: bytes) -> set[str]:
    """The names of the fonts whose glyphs the PDF carries (a font file in the descriptor), e.g. Noto-Serif-CJK-SC."""
    names = set()
    for page in PdfReader(io.BytesIO(pdf)).pages:
        for font in page["/Resources"]["/Font"].values():
            font = font.get_object()
            descriptor = (font["/DescendantFonts"][0].get_object() if "/DescendantFonts" in font else font).get(
                "/FontDescriptor")
            if descriptor and any(key in descriptor.get_object() for key in ("/FontFile", "/FontFile2", "/FontFile3")):
                names.add(str(font["/BaseFont"]))
    return names


def has_chinese_font(pdf: bytes) -> bool:
    """fonts.py names Noto Serif CJK SC for 仿宋, 楷体 and 宋体 here and Noto Sans CJK SC for 黑体."""
    return any("Noto-Serif-CJK" in name or "Noto-Sans-CJK" in name for name in embedded_fonts(pdf))


@pytest.fixture(scope="module")
def notice_bytes() -> bytes:
    return notice_pdf(notice())


@pytest.fixture(scope="module")
def rendered():
    steps = []
    result = render_letters([*letters(3), letter(3, "沈阳长篇大学", "沈阳市", long=True), letter(4, "大连海事大学")],
                            lambda done, total: steps.append((done, total)))
    return result, steps


def test_notice_pdf_reads_as_title_units_in_order_and_period(notice_bytes):
    text = text_of(notice_bytes)

    assert "关于2023年度辽宁省高校院所知识产权运营中心试点单位拟确定名单的公示" in text
    positions = [text.index(name) for name, _, _ in UNITS]
    assert positions == sorted(positions)
    assert "2023年6月5日至2023年6月9日" in text
    assert "联系人：张三" in text and "辽宁省知识产权局" in text and "2023年6月5日" in text


def test_notice_pdf_is_a4_with_a_chinese_font_embedded(notice_bytes):
    page = PdfReader(io.BytesIO(notice_bytes)).pages[0]

    assert float(page.mediabox.width) == pytest.approx(595.3, abs=0.5)
    assert float(page.mediabox.height) == pytest.approx(841.9, abs=0.5)
    assert has_chinese_font(notice_bytes)


def test_long_unit_names_wrap_inside_their_cell():
    name = "辽宁省" + "沈阳市高新技术产业开发区知识产权运营服务中心" * 3 + "有限责任公司"  # over 60 characters

    pdf = notice_pdf(notice(units=[(name, "企业", "沈阳市"), *UNITS[1:]]))

    assert len(name) >= 60
    assert name in text_of(pdf)


def test_notice_list_shows_the_chosen_columns():
    document = notice(columns=[ListColumn.ORDER, ListColumn.NAME, ListColumn.CREDIT_CODE, ListColumn.SCORE])

    page = notice_html(document)

    assert "<th>统一社会信用代码</th>" in page and "<th>评审得分</th>" in page and "<th>所在市</th>" not in page
    assert "12210000MB00000001" in page and "89.50" in page


def test_hostile_unit_name_is_text_in_every_html():
    name = HOSTILE
    pages = [notice_html(notice(units=[(name, "企业", "沈阳市")])),
             notice_web_html(notice(units=[(name, "企业", "沈阳市")])),
             letters_html([letter(0, name)])]

    for page in pages:
        assert "<script>" not in page
        assert html.escape(name, quote=True) in page


def test_draft_notice_is_marked_in_print_and_on_the_web():
    draft, final = notice(draft=True), notice()

    assert DRAFT_MARK in notice_html(draft) and DRAFT_MARK in notice_web_html(draft)
    assert DRAFT_MARK not in notice_html(final) and DRAFT_MARK not in notice_web_html(final)
    assert "草稿" in text_of(notice_pdf(draft))


def test_web_page_is_chinese_standalone_and_fits_a_phone():
    page = notice_web_html(notice())

    assert '<html lang="zh-CN">' in page
    assert '<meta charset="utf-8">' in page and 'name="viewport"' in page
    assert not re.search(r"""(src|href)\s*=\s*["']?\s*(https?:)?//""", page, re.IGNORECASE)
    assert "http" not in page and "@import" not in page
    assert "overflow-x: auto" in page
    assert all(name in page for name, _, _ in UNITS)


def test_letter_pdf_reads_as_number_title_addressee_and_record():
    text = text_of(letter_pdf(letter()))

    assert "辽宁省知识产权局文件" in text
    assert "辽知发〔2023〕12号" in text
    assert "关于确认2023年度辽宁省高校院所知识产权运营中心试点单位的通知" in text
    assert "大连理工大学：" in text
    assert "一、启动资金" in text and "（一）年度验收。" in text and "特此通知。" in text
    assert "抄送：大连市市场监督管理局（知识产权局）。" in text
    assert "辽宁省知识产权局办公室" in text and "2023年6月12日印发" in text


def test_letters_html_starts_each_letter_on_a_new_page():
    page = letters_html(letters(3))

    assert page.count('<section class="letter ') == 3
    assert "break-before: page" in page


def test_each_letter_pdf_holds_only_its_own_unit(rendered):
    result, _ = rendered
    names = [*(name for name, _, _ in UNITS[:3]), "沈阳长篇大学", "大连海事大学"]
    numbers = [f"辽知发〔2023〕{12 + i}号" for i in range(5)]

    assert len(result.each) == 5
    for index, pdf in enumerate(result.each):
        text = text_of(pdf)
        assert f"{names[index]}：" in text and numbers[index] in text
        assert all(f"{other}：" not in text for other in names if other != names[index])
        assert all(number not in text for number in numbers if number != numbers[index])
        assert has_chinese_font(pdf)


def test_a_two_page_letter_still_splits_at_its_own_pages(rendered):
    result, _ = rendered
    pages = [len(PdfReader(io.BytesIO(pdf)).pages) for pdf in result.each]

    assert pages[3] >= 2
    assert sum(pages) == len(PdfReader(io.BytesIO(result.merged)).pages)
    assert "抄送：沈阳市市场监督管理局（知识产权局）。" in text_of(result.each[3])
    assert "大连海事大学：" in text_of(result.each[4])


def test_merged_pdf_holds_every_letter_in_order(rendered):
    result, _ = rendered
    text = text_of(result.merged)

    positions = [text.index(f"辽知发〔2023〕{12 + i}号") for i in range(5)]
    assert positions == sorted(positions)


def test_progress_ends_at_all_letters_done(rendered):
    _, steps = rendered

    assert steps[-1] == (5, 5)
    assert [done for done, _ in steps] == sorted(done for done, _ in steps)


def test_worker_processes_give_the_same_letters_as_one_process():
    documents = [letter(i, name, city) for i, (name, _, city) in enumerate(UNITS[:4])]
    steps = []

    result = render_letters(documents, lambda done, total: steps.append((done, total)), chunk_size=2, workers=2)

    assert steps == [(2, 4), (4, 4)]
    assert len(result.each) == 4
    for index, pdf in enumerate(result.each):
        assert f"{UNITS[index][0]}：" in text_of(pdf)
    text = text_of(result.merged)
    assert [text.index(f"{name}：") for name, _, _ in UNITS[:4]] == sorted(text.index(f"{n}：") for n, _, _ in UNITS[:4])


def test_no_letters_give_empty_results():
    steps = []

    result = render_letters([], lambda done, total: steps.append((done, total)))

    assert result.each == [] and result.merged == b"" and steps == [(0, 0)]
