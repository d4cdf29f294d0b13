"""The awards workbook: one row per pilot with its figures, its amount as a number and its computation written out,
a total row, the standard on its own sheet; a unit name that looks like a formula comes back as text."""
from __future__ import annotations

import io
import zipfile
from decimal import Decimal

import pandas as pd

from scoring.documents.award_workbook import AWARD_HEADERS, AWARD_SHEET, STANDARD_SHEET, award_workbook
from scoring.pilots.awards import compute_awards
from tests.builders.awards import pilot, report, standard, wan

TITLE = "批次 2023 2023 年度试点追加奖励"


def _computations(names=None):
    pilots = [pilot(1), pilot(2), pilot(3)]
    if names:
        pilots = [p.model_copy(update={"unit_name": n}) for p, n in zip(pilots, names)]
    reports = {pilots[0].credit_code: report(pilots[0], transfer_count=12, transfer_received=wan("230.00")),
               pilots[1].credit_code: report(pilots[1], licence_count=2)}
    outcomes = {p.credit_code: "合格" for p in pilots}
    return compute_awards(standard(), pilots, reports, outcomes, set())


def read(content: bytes, sheet: str, **options) -> pd.DataFrame:
    return pd.read_excel(io.BytesIO(content), engine="calamine", sheet_name=sheet, **options)


def test_each_pilot_has_a_row_with_its_amount_and_its_computation():
    content = award_workbook(TITLE, standard(), _computations())

    table = read(content, AWARD_SHEET, header=2, dtype={"统一社会信用代码": str})

    assert list(table.columns) == list(AWARD_HEADERS)
    rows = table.iloc[:3]
    assert rows["单位名称"].tolist() == ["试点大学1", "试点大学2", "试点大学3"]
    assert rows["统一社会信用代码"].tolist() == [pilot(n).credit_code for n in (1, 2, 3)]
    # 12 × 1.00 + 230.00 × 5% = 23.50; 2 × 0.50 = 1.00; no report: 0
    assert rows["奖励金额（万元）"].tolist() == [23.5, 1.0, 0.0]
    assert rows["是否符合条件"].tolist() == ["是", "是", "否"]
    assert rows["转化件数"].tolist()[:2] == [12, 2]
    assert "实际到账额 230.00 万元 × 5% = 11.50 万元" in rows["计算过程"][0]
    assert rows["计算过程"][2] == "不符合奖励条件：未报送年度工作总结"
    assert table.iloc[3]["单位名称"] == "合计" and table.iloc[3]["奖励金额（万元）"] == 24.5


def test_the_standard_sheet_lists_every_setting():
    content = award_workbook(TITLE, standard(budget=wan("100.00")), _computations())

    rules = read(content, STANDARD_SHEET, header=0)

    settings = dict(zip(rules["项目"], rules["设定"]))
    assert settings["单个试点奖励上限（万元）"] == "100.00"
    assert settings["按转化金额奖励比例（如 0.05 即 5%）"] == "0.05（5%）"
    assert settings["年度奖励总额（万元，不填则不限）"] == "100.00"
    assert settings["年度验收结果须为"] == "优秀、合格"


def test_names_that_look_like_formulas_are_written_as_text():
    content = award_workbook("=标题", standard(), _computations(["=HYPERLINK(\"x\")", "+1", "@SUM(A1)"]))

    table = read(content, AWARD_SHEET, header=2)
    top = read(content, AWARD_SHEET, header=None, nrows=1)

    assert table["单位名称"].tolist()[:3] == ["'=HYPERLINK(\"x\")", "'+1", "'@SUM(A1)"]
    assert top.iloc[0, 0] == "'=标题"
    sheet = zipfile.ZipFile(io.BytesIO(content)).read("xl/worksheets/sheet1.xml").decode()
    assert "<f>" not in sheet


def test_amounts_carry_two_places():
    content = award_workbook(TITLE, standard(), _computations())

    styles = zipfile.ZipFile(io.BytesIO(content)).read("xl/styles.xml").decode()

    assert 'formatCode="0.00"' in styles
    assert Decimal("23.50") == _computations()[0].amount
