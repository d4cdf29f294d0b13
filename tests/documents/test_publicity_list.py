"""The published list as .xlsx and .csv: the units in order in the chosen columns, under a title and the line saying
which frozen shortlist it is; every name that looks like a formula comes back as text with an apostrophe."""
from __future__ import annotations

import csv
import io
import zipfile

import pandas as pd

from scoring.documents.official import DEFAULT_COLUMNS, ListColumn
from scoring.documents.publicity_list import SHEET_NAME, csv_neutralised, publicity_list_csv, publicity_list_xlsx
from tests.builders.documents import CREDIT_COLUMNS, HOSTILE_NAMES, sample_units

TITLE = "2023年度高校院所知识产权运营中心建设试点拟入选单位名单（公示）"
PROVENANCE = "依据拟入选名单第2版（SHA-256 3f9a…c1d2），王五于2023年6月1日 16:20 冻结"
NEUTRALISED = ["<w:t>&\"'<script>", "'=HYPERLINK(\"http://x\",\"y\")", "'+1", "'-2", "'@SUM(A1)"]


def read_sheet(content: bytes, **options) -> pd.DataFrame:
    return pd.read_excel(io.BytesIO(content), engine="calamine", sheet_name=SHEET_NAME, **options)


def read_csv_rows(content: bytes) -> list[list[str]]:
    return list(csv.reader(io.StringIO(content.decode("utf-8-sig"), newline="")))


def test_xlsx_lists_the_units_in_order_under_the_title_and_provenance():
    content = publicity_list_xlsx(TITLE, PROVENANCE, list(DEFAULT_COLUMNS), sample_units())

    top = read_sheet(content, header=None, nrows=2)
    table = read_sheet(content, header=2)

    assert top.iloc[0, 0] == TITLE and top.iloc[1, 0] == PROVENANCE
    assert list(table.columns) == ["序号", "单位名称", "单位类型", "所在市"]
    assert table["单位名称"].tolist() == ["东北大学", "大连理工大学", "沈阳工业大学", "大连海事大学"]
    assert table["序号"].tolist() == [1, 2, 3, 4]
    assert table["所在市"].tolist() == ["沈阳市", "大连市", "沈阳市", "大连市"]


def test_xlsx_follows_a_column_setting_with_the_credit_code_as_text_and_the_score_as_number():
    content = publicity_list_xlsx(TITLE, PROVENANCE, CREDIT_COLUMNS, sample_units())

    table = read_sheet(content, header=2, dtype={"统一社会信用代码": str})

    assert list(table.columns) == ["序号", "单位名称", "统一社会信用代码", "评审得分"]
    assert table["统一社会信用代码"].tolist() == [u.credit_code for u in sample_units()]
    assert table["评审得分"].tolist() == [91.5, 90.25, 86.0, 84.75]


def test_xlsx_neutralises_names_that_look_like_formulas():
    content = publicity_list_xlsx("=标题", PROVENANCE, list(DEFAULT_COLUMNS), sample_units(HOSTILE_NAMES))

    table = read_sheet(content, header=2)
    top = read_sheet(content, header=None, nrows=1)

    assert table["单位名称"].tolist() == NEUTRALISED
    assert top.iloc[0, 0] == "'=标题"
    sheet = zipfile.ZipFile(io.BytesIO(content)).read("xl/worksheets/sheet1.xml").decode()
    assert "<f>" not in sheet


def test_xlsx_freezes_the_header_row_and_uses_songti():
    content = publicity_list_xlsx(TITLE, PROVENANCE, list(DEFAULT_COLUMNS), sample_units())

    parts = zipfile.ZipFile(io.BytesIO(content))
    sheet = parts.read("xl/worksheets/sheet1.xml").decode()
    styles = parts.read("xl/styles.xml").decode()

    assert 'ySplit="3"' in sheet and 'topLeftCell="A4"' in sheet
    assert 'val="宋体"' in styles
    assert f'name="{SHEET_NAME}"' in parts.read("xl/workbook.xml").decode()


def test_csv_starts_with_the_utf8_bom_and_reads_back_in_order_with_crlf_rows():
    content = publicity_list_csv(list(DEFAULT_COLUMNS), sample_units())

    rows = read_csv_rows(content)

    assert content.startswith(b"\xef\xbb\xbf")
    assert content.count(b"\r\n") == 5 and b"\n" not in content.replace(b"\r\n", b"")
    assert rows[0] == ["序号", "单位名称", "单位类型", "所在市"]
    assert rows[1:] == [["1", "东北大学", "高等院校", "沈阳市"], ["2", "大连理工大学", "高等院校", "大连市"],
                        ["3", "沈阳工业大学", "高等院校", "沈阳市"], ["4", "大连海事大学", "高等院校", "大连市"]]


def test_csv_neutralises_every_cell_that_looks_like_a_formula():
    content = publicity_list_csv(CREDIT_COLUMNS, sample_units(HOSTILE_NAMES))

    rows = read_csv_rows(content)

    assert [row[1] for row in rows[1:]] == NEUTRALISED
    assert rows[0] == [str(column) for column in CREDIT_COLUMNS]


def test_csv_neutralises_a_leading_tab_or_carriage_return():
    assert csv_neutralised("\t=1+1") == "'\t=1+1"
    assert csv_neutralised("\r=1+1") == "'\r=1+1"
    assert csv_neutralised("东北大学") == "东北大学"
    assert csv_neutralised("大连-理工") == "大连-理工"


def test_csv_keeps_commas_quotes_and_line_breaks_inside_a_name():
    name = '沈阳"新松",机器人\n研究院'

    rows = read_csv_rows(publicity_list_csv([ListColumn.ORDER, ListColumn.NAME], sample_units((name,))))

    assert rows[1] == ["1", name]
