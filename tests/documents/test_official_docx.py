"""The publicity notice and the confirmation letter as .docx: the notice's list holds exactly the units in the chosen
columns, both documents say what official.py composed, in GB/T 9704's order, fonts and page setup; hostile names
stay text; the prepared rendering gives what docxtpl gives, fast enough for a thousand letters."""
from __future__ import annotations

import io
import os
import zipfile

import docx
import pytest
from docx.oxml.ns import qn
from docx.shared import Cm

from scoring.documents.official import Contact
from scoring.documents.official_docx import (
    DRAFT_MARK,
    LETTER_TEMPLATE,
    NOTICE_TEMPLATE,
    copy_line,
    letter_context,
    letter_docx,
    notice_context,
    notice_docx,
    render_prepared,
)
from scoring.documents.score_sheet_print import render_docx
from scoring.documents.templates.build_templates import confirmation_letter_template, publicity_notice_template
from tests.builders.documents import CREDIT_COLUMNS, HOSTILE_NAMES, PERIOD, sample_letter, sample_notice, sample_units

def opened(content: bytes):
    return docx.Document(io.BytesIO(content))


def paragraphs(content: bytes) -> list[str]:
    return [p.text for p in opened(content).paragraphs if p.text.strip()]


def table_rows(content: bytes, index: int = 0) -> list[list[str]]:
    return [[cell.text for cell in row.cells] for row in opened(content).tables[index].rows]


def all_text(content: bytes) -> str:
    document = opened(content)
    cells = [cell.text for table in document.tables for row in table.rows for cell in row.cells]
    return "\n".join([p.text for p in document.paragraphs] + cells)


# --- the notice ---------------------------------------------------------------------------------------


def test_notice_table_holds_the_units_in_order_in_the_default_columns():
    content = notice_docx(sample_notice())

    rows = table_rows(content)

    assert rows[0] == ["序号", "单位名称", "单位类型", "所在市"]
    assert rows[1:] == [["1", "东北大学", "高等院校", "沈阳市"], ["2", "大连理工大学", "高等院校", "大连市"],
                        ["3", "沈阳工业大学", "高等院校", "沈阳市"], ["4", "大连海事大学", "高等院校", "大连市"]]


def test_notice_table_follows_a_column_setting_with_the_credit_code_and_score():
    content = notice_docx(sample_notice(columns=CREDIT_COLUMNS))

    rows = table_rows(content)

    assert rows[0] == ["序号", "单位名称", "统一社会信用代码", "评审得分"]
    assert [row[2] for row in rows[1:]] == [u.credit_code for u in sample_units()]
    assert [row[3] for row in rows[1:]] == ["91.50", "90.25", "86.00", "84.75"]
    grid = opened(content).tables[0]._tbl.tblGrid.findall(qn("w:gridCol"))
    assert len(grid) == 4


def test_notice_says_title_body_period_contact_issuer_and_date_in_that_order():
    notice = sample_notice()

    lines = paragraphs(notice_docx(notice))

    assert lines == [notice.title, *notice.body, *notice.after_list, "联系人：张三", "联系电话：024-23456789",
                     "电子邮箱：zscq@example.gov.cn", "通讯地址：沈阳市和平区北三经街66号", "邮政编码：110000",
                     "辽宁省知识产权局", "2023年6月2日"]
    assert PERIOD in lines


def test_notice_leaves_out_empty_contact_parts():
    notice = sample_notice().model_copy(update={"contact": Contact(person="李四", phone="0411-88888888")})

    lines = paragraphs(notice_docx(notice))

    assert "联系人：李四" in lines and "联系电话：0411-88888888" in lines
    assert not any(line.startswith(("传真", "电子邮箱", "通讯地址")) for line in lines)


def test_a_draft_notice_is_marked_in_red_above_the_title_and_a_published_one_is_not():
    draft = opened(notice_docx(sample_notice(draft=True)))
    published = paragraphs(notice_docx(sample_notice(draft=False)))

    texts = [p.text for p in draft.paragraphs if p.text.strip()]
    assert texts[0] == DRAFT_MARK and texts[1] == sample_notice().title
    mark = next(p for p in draft.paragraphs if p.text == DRAFT_MARK)
    assert str(mark.runs[0].font.color.rgb) == "C00000"
    assert DRAFT_MARK not in published


def test_notice_with_no_units_renders_the_header_row_only():
    content = notice_docx(sample_notice(units=[]))

    assert table_rows(content) == [["序号", "单位名称", "单位类型", "所在市"]]


# --- the letter ---------------------------------------------------------------------------------------


def test_letter_says_number_title_addressee_sections_and_signature_in_gbt_9704_order():
    letter = sample_letter()

    lines = paragraphs(letter_docx(letter))

    assert lines == ["辽宁省知识产权局文件", "辽知发〔2023〕12号", letter.title, "东北大学：", *letter.opening,
                     "一、启动资金", "（一）拨付方式。启动资金50万元一次性拨付。", "（二）使用范围。专款用于运营中心建设。",
                     "二、工作要求", "（一）年度验收。每年12月底前报送年度工作总结。", "建设期满后组织验收。",
                     "特此通知。", "辽宁省知识产权局", "2023年6月20日"]


def test_letter_ends_with_the_record_of_copies_and_printing():
    content = letter_docx(sample_letter())

    rows = table_rows(content, -1)

    assert rows == [["抄送：沈阳市市场监督管理局，大连市市场监督管理局。"], ["辽宁省知识产权局办公室\t2023年6月20日印发"]]
    document = opened(content)
    body = document.element.body
    dated = next(p for p in document.paragraphs if p.text == "2023年6月20日")
    assert body.index(document.tables[-1]._tbl) > body.index(dated._p)
    assert document.tables[-1]._tbl.tblPr.find(qn("w:tblpPr")).get(qn("w:tblpYSpec")) == "bottom"


def test_letter_leads_are_kaiti_runs_in_the_paragraph_of_their_text():
    document = opened(letter_docx(sample_letter()))

    paragraph = next(p for p in document.paragraphs if p.text.startswith("（一）拨付方式。"))

    lead, text = [run for run in paragraph.runs if run.text]
    assert lead.text == "（一）拨付方式。" and text.text == "启动资金50万元一次性拨付。"
    assert lead.element.rPr.rFonts.get(qn("w:eastAsia")) == "楷体"
    assert paragraph.style.name == "公文正文"


def test_letter_mark_is_red_and_the_red_line_follows_the_number():
    document = opened(letter_docx(sample_letter()))

    mark = next(p for p in document.paragraphs if p.text == "辽宁省知识产权局文件")
    assert str(mark.runs[0].font.color.rgb) == "C00000" and mark.runs[0].font.size.pt == 36
    after_number = document.paragraphs[[p.text for p in document.paragraphs].index("辽知发〔2023〕12号") + 1]
    border = after_number._p.pPr.find(qn("w:pBdr")).find(qn("w:bottom"))
    assert border.get(qn("w:color")) == "C00000" and border.get(qn("w:val")) == "single"


def test_copy_line_joins_the_bureaus_with_commas_and_ends_with_a_full_stop():
    assert copy_line(["沈阳市市场监督管理局", "大连市市场监督管理局"]) == "抄送：沈阳市市场监督管理局，大连市市场监督管理局。"
    assert copy_line([]) == ""


# --- layout and fonts ---------------------------------------------------------------------------------


@pytest.mark.parametrize("render", [lambda: notice_docx(sample_notice()), lambda: letter_docx(sample_letter())],
                         ids=["notice", "letter"])
def test_page_is_a4_with_the_margins_and_grid_of_gbt_9704(render):
    section = opened(render()).sections[0]

    assert abs(section.page_width - Cm(21)) < Cm(0.01) and abs(section.page_height - Cm(29.7)) < Cm(0.01)
    for margin, expected in ((section.top_margin, 3.7), (section.bottom_margin, 3.5), (section.left_margin, 2.8),
                             (section.right_margin, 2.6)):
        assert abs(margin - Cm(expected)) < Cm(0.01)
    grid = section._sectPr.find(qn("w:docGrid"))
    assert grid.get(qn("w:type")) == "lines" and grid.get(qn("w:linePitch")) == "579"  # 22 lines
    spacing = opened(render()).styles["Normal"].element.rPr.find(qn("w:spacing"))
    assert 28 * (16 + int(spacing.get(qn("w:val"))) / 20) <= Cm(15.6).pt  # 28 characters of 3号 fit the line


@pytest.mark.parametrize("render", [lambda: notice_docx(sample_notice()), lambda: letter_docx(sample_letter())],
                         ids=["notice", "letter"])
def test_fonts_are_fangsong_body_heiti_headings_and_xiaobiaosong_title(render):
    styles = opened(render()).styles

    def east_asia(name):
        return styles[name].element.rPr.rFonts.get(qn("w:eastAsia"))

    assert east_asia("公文正文") == "仿宋" and styles["公文正文"].font.size.pt == 16
    assert east_asia("公文一级标题") == "黑体"
    assert east_asia("公文标题") == "方正小标宋简体" and styles["公文标题"].font.size.pt == 22
    assert styles["公文标题"].font.bold is False
    indent = styles["公文正文"].element.pPr.find(qn("w:ind"))
    assert indent.get(qn("w:firstLineChars")) == "200"


def test_footer_shows_the_page_number_between_dashes():
    footer = opened(letter_docx(sample_letter())).sections[0].footer

    xml = footer._element.xml
    assert 'w:instr="PAGE"' in xml
    assert footer.paragraphs[0].text.startswith("— ") and footer.paragraphs[0].text.endswith(" —")


# --- hostile text, rendering --------------------------------------------------------------------------


def test_hostile_names_read_back_verbatim_in_the_notice():
    content = notice_docx(sample_notice(units=sample_units(HOSTILE_NAMES)))

    names = [row[1] for row in table_rows(content)[1:]]

    assert names == list(HOSTILE_NAMES)


def test_hostile_names_read_back_verbatim_in_the_letter():
    for name in HOSTILE_NAMES:
        letter = sample_letter(unit_name=name)

        lines = paragraphs(letter_docx(letter))

        assert f"{name}：" in lines


def test_control_characters_of_user_text_are_dropped():
    letter = sample_letter(unit_name="东北\x07大学\x0c")

    assert "东北大学：" in paragraphs(letter_docx(letter))


@pytest.mark.parametrize("template,context", [
    (NOTICE_TEMPLATE, lambda: notice_context(sample_notice(columns=CREDIT_COLUMNS, draft=True))),
    (LETTER_TEMPLATE, lambda: letter_context(sample_letter(unit_name=HOSTILE_NAMES[0])))], ids=["notice", "letter"])
def test_prepared_rendering_gives_the_same_parts_as_docxtpl(template, context):
    ours = zipfile.ZipFile(io.BytesIO(render_prepared(template, context())))
    theirs = zipfile.ZipFile(io.BytesIO(render_docx(template, context())))

    assert sorted(ours.namelist()) == sorted(theirs.namelist())
    for name in ("word/document.xml", "word/footer1.xml", "word/styles.xml"):
        assert ours.read(name) == theirs.read(name)
    assert ours.testzip() is None


def test_an_edited_template_is_prepared_again(tmp_path):
    template = tmp_path / "letter.docx"
    template.write_bytes(LETTER_TEMPLATE.read_bytes())
    assert "辽宁省知识产权局文件" in paragraphs(letter_docx(sample_letter(), template))
    source = zipfile.ZipFile(io.BytesIO(LETTER_TEMPLATE.read_bytes()))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as target:
        for info in source.infolist():
            data = source.read(info.filename)
            if info.filename == "word/document.xml":
                data = data.replace("}}文件".encode(), "}}函件".encode())
            target.writestr(info, data)
    template.write_bytes(out.getvalue())
    later = template.stat().st_mtime + 1
    os.utime(template, (later, later))  # saved by Word a moment later

    lines = paragraphs(letter_docx(sample_letter(), template))

    assert "辽宁省知识产权局函件" in lines and "辽宁省知识产权局文件" not in lines


def test_the_template_script_rebuilds_both_official_templates_byte_for_byte():
    assert publicity_notice_template() == publicity_notice_template()
    assert confirmation_letter_template() == confirmation_letter_template()
