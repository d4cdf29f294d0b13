"""The import workbook: the template, the round trip, and every kind of hostile input located exactly."""
import io
import zipfile
from datetime import date, datetime
from decimal import Decimal

import python_calamine
import pytest
import xlsxwriter

from scoring.common.disciplines import Discipline
from scoring.documents import MAX_FILE_BYTES
from scoring.documents import application_workbook as workbook
from scoring.documents.application_workbook import read_workbook, template_bytes, write_workbook
from scoring.common.models import AttachmentKind, Funding, ManagementStandard, PriorityKind, Severity, UnitType
from tests.builders.applications import make_application, make_batch, make_credit_code

CODE = make_credit_code(1)
OTHER_CODE = make_credit_code(2)


# --- building hostile workbooks ------------------------------------------------------------


def xlsx(sheets: dict[str, list[list]], edit=None, complete: bool = True) -> bytes:
    """A workbook whose sheets hold these rows from A1; `edit(name, sheet, book)` may add anything more.
    Unless `complete` is false, data sheets not given are added empty (headers only)."""
    buffer = io.BytesIO()
    book = xlsxwriter.Workbook(buffer, {"in_memory": True})
    if complete:
        empty = {layout.name: [[c.header for c in layout.columns]] for layout in workbook.DATA_SHEETS}
        sheets = {**sheets, **{name: rows for name, rows in empty.items() if name not in sheets}}
    for name, rows in sheets.items():
        sheet = book.add_worksheet(name)
        for r, row in enumerate(rows):
            for c, value in enumerate(row):
                if isinstance(value, str):
                    sheet.write_string(r, c, value)
                elif value is not None:
                    sheet.write(r, c, value)
        if edit:
            edit(name, sheet, book)
    book.close()
    return buffer.getvalue()


def table(*rows: dict) -> list[list]:
    """A header row (the union of the rows' keys, in order) followed by the rows."""
    headers = list(dict.fromkeys(key for row in rows for key in row))
    return [headers] + [[row.get(h) for h in headers] for row in rows]


def basic(code: str = CODE, **changes) -> dict:
    row = {"统一社会信用代码": code, "单位名称": "大连测试大学", "单位类型": "高等学校", "推荐市局": "大连市",
           "提交日期": "2023-05-20", "信用承诺书已签署": "是"}
    return {**row, **changes}


def year(code: str, year_value, **changes) -> dict:
    row = {"统一社会信用代码": code, "年度": year_value, "发明专利授权量": 20, "实用新型授权量": 10, "外观设计授权量": 1,
           "累计有效专利拥有量": 250, "转让件数": 5, "转让合同额（万元）": 30, "转让实际到账额（万元）": 20}
    return {**row, **changes}


def budget(code: str, seq, **changes) -> dict:
    row = {"统一社会信用代码": code, "序号": seq, "经费开支项目": "专利导航", "预算金额（万元）": 50,
           "拟定申请/拟定配套": "拟定申请"}
    return {**row, **changes}


def read(content: bytes):
    return read_workbook(content, "申报.xlsx", "2023")


def located(parsed, severity=Severity.ERROR) -> set[tuple]:
    return {(i.sheet, i.row, i.column) for i in parsed.issues if i.severity is severity}


def errors(parsed) -> list:
    return [i for i in parsed.issues if i.severity is Severity.ERROR]


# --- template and round trip ---------------------------------------------------------------


def test_template_reads_back_with_no_applications_and_no_issues():
    parsed = read(template_bytes(make_batch()))

    assert parsed.applications == []
    assert parsed.issues == []


def test_template_starts_with_instructions_then_the_four_data_sheets():
    book = python_calamine.CalamineWorkbook.from_filelike(io.BytesIO(template_bytes()))

    assert book.sheet_names == ["填表说明", "基本信息", "年度数据", "经费预算", "管理制度"]
    guide = " ".join(str(c) for row in book.get_sheet_by_name("填表说明").to_python() for c in row)
    for phrase in ("多个申报单位", "万元", "示例", "附件", "超过100件", "200件以上", "不含本数"):
        assert phrase in guide


def test_template_has_group_headers_validation_comments_and_frozen_panes():
    content = template_bytes()
    archive = zipfile.ZipFile(io.BytesIO(content))
    basic_xml = archive.read("xl/worksheets/sheet2.xml").decode()
    grid = python_calamine.CalamineWorkbook.from_filelike(io.BytesIO(content)).get_sheet_by_name("基本信息")

    assert grid.to_python()[0][8] == "试点负责人" and grid.to_python()[1][8] == "负责人姓名"
    assert ((0, 8), (0, 11)) in grid.merged_cell_ranges
    assert basic_xml.count("<dataValidation ") >= 10 and 'state="frozen"' in basic_xml
    assert any(name.startswith("xl/comments") for name in archive.namelist())


def test_template_example_rows_are_marked_in_the_credit_code_column_of_every_sheet():
    book = python_calamine.CalamineWorkbook.from_filelike(io.BytesIO(template_bytes()))

    for name in ("基本信息", "年度数据", "经费预算", "管理制度"):
        assert str(book.get_sheet_by_name(name).to_python()[2][0]).startswith("示例")


def test_template_example_uses_the_window_of_the_batch():
    rows = python_calamine.CalamineWorkbook.from_filelike(io.BytesIO(template_bytes(make_batch(2024)))) \
        .get_sheet_by_name("年度数据").to_python()

    assert [row[2] for row in rows[2:5]] == [2021, 2022, 2023]


def test_round_trip_write_then_read_gives_equal_applications():
    applications = [
        make_application(serial=1),
        make_application(
            serial=2,
            basic={"unit_type": "其他", "unit_type_other": "企业研发机构", "overall_situation": "第一段\n\n第二段"},
            ip_management={"standards": ["GB/T 33251-2016", "GB/T 33250-2016"], "standard_other": "ISO 56005"},
            enterprises_connected=None,
            budget={"declared_total": None},
            priority_claims=[{"kind": "贯彻实施知识产权管理规范", "evidence": ""},
                             {"kind": "高价值专利培育中心", "evidence": "省局认定文件"}],
            commitment={"signed": False, "signed_on": None},
        ),
        make_application(serial=3, basic={"unit_type": "科研院所", "credit_code": make_credit_code(3, "12100000")},
                         recommendation={"city": "沈抚示范区"}, patents=[], conversions=[],
                         ip_management={"spending": [], "rule_documents": []}, budget={"rows": []}),
    ]

    parsed = read(write_workbook(applications))

    assert errors(parsed) == [] and parsed.warnings == []
    assert parsed.applications == applications


def test_round_trip_keeps_attachment_names_as_references():
    application = make_application(attachments=[
        {"kind": "三年建设方案", "filename": "方案.pdf", "sha256": "a" * 64, "size": 3},
        {"kind": "市局推荐函", "filename": "推荐函.pdf", "sha256": "b" * 64, "size": 3},
    ])

    parsed = read(write_workbook([application]))

    assert parsed.applications[0].attachments == []
    assert [(r.kind, r.filename, r.sheet, r.row, r.column) for r in parsed.references] == [
        (AttachmentKind.PLAN, "方案.pdf", "基本信息", 3, "三年建设方案文件名"),
        (AttachmentKind.RECOMMENDATION, "推荐函.pdf", "基本信息", 3, "市局推荐函文件名"),
    ]


def test_text_too_long_for_an_excel_cell_is_refused_rather_than_cut():
    application = make_application(basic={"overall_situation": "很长" * 20_000})

    with pytest.raises(ValueError, match="32767"):
        write_workbook([application])


def test_written_workbook_has_no_example_rows():
    rows = python_calamine.CalamineWorkbook.from_filelike(io.BytesIO(write_workbook([make_application()]))) \
        .get_sheet_by_name("基本信息").to_python()

    assert rows[2][0] == CODE and len(rows) == 3


# --- layout tolerance ----------------------------------------------------------------------


def test_header_is_found_below_a_title_and_group_rows_with_columns_in_another_order():
    rows = [["辽宁省申报数据"], ["申报单位", None, "试点联系人"],
            ["推荐市局", "单位名称", "联系人E-mail", "单位类型", "提交日期", "统一社会信用代码"],
            ["大连", "某某大学", "a@b.cn", "高校", "2023/5/20", CODE]]

    parsed = read(xlsx({"基本信息": rows}))

    assert errors(parsed) == []
    application = parsed.applications[0]
    assert (application.basic.unit_name, application.basic.contact.email, str(application.recommendation.city)) == \
        ("某某大学", "a@b.cn", "大连市")
    assert parsed.origins == {CODE: ("基本信息", 4)}


def test_headers_with_half_width_brackets_asterisks_and_spaces_are_recognised():
    rows = table({"*统一社会信用代码": CODE, " 年 度 ": 2022, "转让合同额(万元)": "12.5"})

    parsed = read(xlsx({"基本信息": table(basic()), "年度数据": rows}))

    assert errors(parsed) == []
    assert parsed.applications[0].conversions[0].transfer_contract == Decimal("12.50")


def test_unknown_column_is_a_warning_at_its_header():
    parsed = read(xlsx({"基本信息": table(basic(备注="内部备注"))}))

    assert errors(parsed) == []
    assert ("基本信息", 1, "备注") in located(parsed, Severity.WARNING)
    assert len(parsed.applications) == 1


def test_missing_required_column_is_an_error_naming_it():
    row = basic()
    del row["推荐市局"]

    parsed = read(xlsx({"基本信息": table(row)}))

    assert ("基本信息", 1, "推荐市局") in located(parsed)
    assert parsed.applications == []


def test_sheet_without_any_known_header_is_an_error():
    parsed = read(xlsx({"基本信息": [["名称", "类型"], ["某某大学", "高校"]]}))

    assert [(i.sheet, i.row) for i in errors(parsed)] == [("基本信息", None)]
    assert "找不到表头行" in errors(parsed)[0].message


def test_header_merged_down_over_the_group_row_and_then_unmerged_is_still_found():
    rows = [["统一社会信用代码", "年度", "专利授权量（件）"], [None, None, "发明专利授权量"], [CODE, 2022, 12]]

    parsed = read(xlsx({"基本信息": table(basic()), "年度数据": rows}))

    assert errors(parsed) == [] and parsed.warnings == []
    assert parsed.applications[0].patents[0].invention == 12


def test_column_given_twice_is_an_error():
    rows = [["统一社会信用代码", "单位名称", "单位类型", "推荐市局", "提交日期", "单位名称"],
            [CODE, "甲大学", "高校", "大连", "2023-05-20", "乙大学"]]

    parsed = read(xlsx({"基本信息": rows}))

    assert ("基本信息", 1, "单位名称") in located(parsed)


def test_missing_basic_sheet_is_an_error_and_unknown_sheets_are_warnings():
    parsed = read(xlsx({"Sheet1": [["a"]]}, complete=False))

    assert [i.message for i in errors(parsed)] == ["缺少工作表“基本信息”，请使用导入模板填写"]
    assert ("Sheet1", None, "") in located(parsed, Severity.WARNING)


def test_example_rows_are_skipped_and_rows_after_them_are_read():
    rows = table(basic(code="示例 " + OTHER_CODE), basic())

    parsed = read(xlsx({"基本信息": rows}))

    assert [a.credit_code for a in parsed.applications] == [CODE]


def test_blank_rows_and_rows_of_spaces_are_skipped():
    rows = table(basic(), {}, {"单位名称": "  ", "单位类型": "\u3000"}, basic(code=OTHER_CODE))

    parsed = read(xlsx({"基本信息": rows}))

    assert errors(parsed) == []
    assert [a.credit_code for a in parsed.applications] == [CODE, OTHER_CODE]


def test_header_row_repeated_below_the_data_is_skipped_with_a_warning():
    rows = table(basic(code=OTHER_CODE))
    rows += [rows[0], table(basic())[1]]

    parsed = read(xlsx({"基本信息": rows}))

    assert errors(parsed) == []
    assert located(parsed, Severity.WARNING) == {("基本信息", 3, "")}
    assert [a.credit_code for a in parsed.applications] == [OTHER_CODE, CODE]


def test_merged_credit_code_over_year_rows_fills_each_row():
    rows = table(year(CODE, 2020), year(None, 2021), year(None, 2022), {"统一社会信用代码": None})

    def merge(name, sheet, book):
        if name == "年度数据":
            sheet.merge_range("A2:A5", CODE)

    parsed = read(xlsx({"基本信息": table(basic()), "年度数据": rows}, edit=merge))

    assert errors(parsed) == []
    assert [p.year for p in parsed.applications[0].patents] == [2020, 2021, 2022]


def test_a_formula_in_a_number_cell_is_an_error_at_its_cell_whether_or_not_a_value_was_cached():
    def formulas(name, sheet, book):
        if name == "年度数据":
            sheet.write_formula("C2", "=10+10", None, 20)
            sheet.write_formula("E2", "=0+1")  # XlsxWriter caches 0, as a program that computes nothing does
            sheet.write_formula("H2", "=15+15", None, "")  # no cached value at all
        if name == "经费预算":
            sheet.write_formula("D4", "=SUM(D2:D3)", None, 100)

    years = table(year(CODE, 2022, 发明专利授权量=0, **{"转让合同额（万元）": 0}))
    budgets = table(budget(CODE, 1), budget(CODE, 2), budget(CODE, "合计", 经费开支项目=None, **{"拟定申请/拟定配套": None}))

    parsed = read(xlsx({"基本信息": table(basic()), "年度数据": years, "经费预算": budgets}, edit=formulas))

    assert located(parsed) == {("年度数据", 2, "发明专利授权量"), ("年度数据", 2, "外观设计授权量"),
                               ("年度数据", 2, "转让合同额（万元）"), ("经费预算", 4, "预算金额（万元）")}
    assert str(errors(parsed)[0]) == ("[错误] 申报.xlsx，工作表“年度数据”，第2行，“发明专利授权量”列："
                                      "“=10+10”是公式，不是数字：请填写数值（可复制后用“选择性粘贴—数值”粘回）")
    [application] = parsed.applications  # the importer refuses the whole file for these errors
    assert (application.patents, application.conversions, application.budget.declared_total) == ([], [], None)


def test_a_formula_alone_in_a_number_cell_of_an_otherwise_blank_row_is_still_an_error():
    def formula(name, sheet, book):
        if name == "年度数据":
            sheet.write_formula("C3", "=A1", None, "")

    parsed = read(xlsx({"基本信息": table(basic()), "年度数据": table(year(CODE, 2022))}, edit=formula))

    assert ("年度数据", 3, "发明专利授权量") in located(parsed)


def test_formulas_outside_number_cells_are_read_by_their_cached_values():
    def formulas(name, sheet, book):
        if name == "基本信息":
            sheet.write_formula("B2", '="大连"&"测试大学"', None, "大连测试大学")
        if name == "经费预算":
            sheet.write_formula("B3", "=B2+1", None, 2)

    budgets = table(budget(CODE, 1), budget(CODE, 2, 经费开支项目="转化推广"))

    parsed = read(xlsx({"基本信息": table(basic()), "经费预算": budgets}, edit=formulas))

    assert errors(parsed) == []
    assert parsed.applications[0].basic.unit_name == "大连测试大学"
    assert [r.seq for r in parsed.applications[0].budget.rows] == [1, 2]


def test_dates_as_formatted_serials_plain_serials_and_text_are_all_read():
    def dates(name, sheet, book):
        if name == "基本信息":
            sheet.write_datetime("E2", datetime(2023, 5, 20), book.add_format({"num_format": "yyyy-mm-dd"}))
            sheet.write_number("G2", 45056)

    row = basic(提交日期=None, 承诺书签署日期=None, 推荐函日期="2023年5月25日", 单位签署日期="20230515")

    parsed = read(xlsx({"基本信息": table(row)}, edit=dates))

    application = parsed.applications[0]
    assert errors(parsed) == []
    assert application.submitted_on == date(2023, 5, 20)
    assert application.commitment.signed_on == date(2023, 5, 10)
    assert application.recommendation.city_recommendation_date == date(2023, 5, 25)
    assert application.recommendation.unit_confirmation_date == date(2023, 5, 15)


def test_full_width_digits_units_and_stray_spaces_in_cells_are_accepted():
    row = year(CODE, "２０２２年", 发明专利授权量=" １２０件 ", 实用新型授权量="1,200",
               **{"转让合同额（万元）": "３５．５万元", "转让实际到账额（万元）": "\u00a012.0 "})

    parsed = read(xlsx({"基本信息": table(basic(单位名称=" 大连\n测试大学 ")), "年度数据": table(row)}))

    application = parsed.applications[0]
    assert errors(parsed) == []
    assert application.basic.unit_name == "大连 测试大学"
    assert (application.patents[0].year, application.patents[0].invention, application.patents[0].utility_model) == \
        (2022, 120, 1200)
    assert application.conversions[0].transfer_contract == Decimal("35.50")
    assert application.conversions[0].transfer_received == Decimal("12.00")


# --- bad values, located -------------------------------------------------------------------


def test_every_bad_cell_is_reported_with_its_sheet_row_and_column():
    basics = table(basic(单位类型="企业", 提交日期="2023-02-30"), basic(code=OTHER_CODE, 推荐市局="长春"))
    years = table(year(CODE, 2021, 发明专利授权量=12.5), year(CODE, 2022, 实用新型授权量=-3),
                  year(OTHER_CODE, "去年", **{"转让合同额（万元）": "三十万"}))
    budgets = table(budget(CODE, 1, **{"预算金额（万元）": "-5", "拟定申请/拟定配套": "省财政"}))

    parsed = read(xlsx({"基本信息": basics, "年度数据": years, "经费预算": budgets}))

    assert located(parsed) == {
        ("基本信息", 2, "单位类型"), ("基本信息", 2, "提交日期"), ("基本信息", 3, "推荐市局"),
        ("年度数据", 2, "发明专利授权量"), ("年度数据", 3, "实用新型授权量"),
        ("年度数据", 4, "年度"), ("年度数据", 4, "转让合同额（万元）"),
        ("经费预算", 2, "预算金额（万元）"), ("经费预算", 2, "拟定申请/拟定配套"),
    }
    assert parsed.applications == []
    assert all(i.file == "申报.xlsx" for i in parsed.issues)


def test_messages_are_chinese_and_name_what_was_written():
    parsed = read(xlsx({"基本信息": table(basic()), "年度数据": table(year(CODE, 2022, 发明专利授权量="12.5件"))}))

    assert [str(i) for i in errors(parsed)] == [
        "[错误] 申报.xlsx，工作表“年度数据”，第2行，“发明专利授权量”列：应为整数（填写的是 12.5件）"]


def test_blank_required_cell_is_an_error_at_its_cell():
    parsed = read(xlsx({"基本信息": table(basic(单位类型="  "))}))

    assert located(parsed) == {("基本信息", 2, "单位类型")}
    assert errors(parsed)[0].message == "必须填写"


def test_credit_code_stored_as_a_number_is_an_error_not_a_silent_truncation():
    parsed = read(xlsx({"基本信息": table(basic(code=122102000000000010))}))

    assert located(parsed) == {("基本信息", 2, "统一社会信用代码")}
    assert "存成了数字" in errors(parsed)[0].message


def test_pydantic_errors_are_translated_and_located():
    parsed = read(xlsx({"基本信息": table(basic(单位名称="某"))}))

    assert [(i.sheet, i.row, i.column, i.message) for i in errors(parsed)] == [
        ("基本信息", 2, "单位名称", "至少需要 2 个字符")]


def test_duplicate_credit_code_in_basic_sheet_is_an_error_at_the_later_row():
    parsed = read(xlsx({"基本信息": table(basic(), basic(单位名称="重复大学"), basic(code=OTHER_CODE))}))

    assert located(parsed) == {("基本信息", 3, "统一社会信用代码")}
    assert "第2行" in errors(parsed)[0].message


def test_child_row_whose_credit_code_has_no_basic_row_is_an_error():
    parsed = read(xlsx({"基本信息": table(basic()), "经费预算": table(budget(CODE, 1), budget(OTHER_CODE, 1))}))

    assert located(parsed) == {("经费预算", 3, "统一社会信用代码")}
    assert OTHER_CODE in errors(parsed)[0].message


def test_same_year_twice_is_an_error_but_a_missing_year_is_not():
    parsed = read(xlsx({"基本信息": table(basic()), "年度数据": table(year(CODE, 2020), year(CODE, 2022), year(CODE, 2022))}))

    assert located(parsed) == {("年度数据", 4, "年度")}
    assert "第3行" in errors(parsed)[0].message


def test_year_row_with_a_blank_section_has_no_record_for_that_section():
    row = {"统一社会信用代码": CODE, "年度": 2022, "转让件数": 3}

    application = read(xlsx({"基本信息": table(basic()), "年度数据": table(row)})).applications[0]

    assert application.patents == [] and application.ip_management.spending == []
    assert application.conversions[0].transfer_count == 3 and application.conversions[0].licence_count == 0


def test_a_blank_count_in_a_filled_part_of_a_year_row_is_stored_as_0_with_a_warning_at_its_cell():
    years = table(year(CODE, 2022, 外观设计授权量=None, 许可件数=None, **{"许可合同额（万元）": None}))

    parsed = read(xlsx({"基本信息": table(basic()), "年度数据": years}))

    assert errors(parsed) == []
    assert located(parsed, Severity.WARNING) == {("年度数据", 2, "外观设计授权量"), ("年度数据", 2, "许可件数")}
    assert {i.message for i in parsed.issues} == {"未填写，已按0记录；如实际不是0，请填写实际数字"}
    application = parsed.applications[0]
    assert (application.patents[0].design, application.conversions[0].licence_count) == (0, 0)


def test_budget_total_row_becomes_the_declared_total_and_a_second_one_is_an_error():
    rows = table(budget(CODE, 1), budget(CODE, 2, **{"拟定申请/拟定配套": "配套"}),
                 {"统一社会信用代码": CODE, "序号": "合计", "预算金额（万元）": 100},
                 {"统一社会信用代码": CODE, "序号": "合 计", "预算金额（万元）": 90})

    parsed = read(xlsx({"基本信息": table(basic()), "经费预算": rows}))

    assert located(parsed) == {("经费预算", 5, "序号")}


def test_budget_rows_are_read_with_funding_and_blank_sequence_numbers_are_filled_in():
    rows = table(budget(CODE, None), budget(CODE, None, **{"拟定申请/拟定配套": "拟定配套"}),
                 {"统一社会信用代码": CODE, "经费开支项目": "合计", "预算金额（万元）": "100万元"})

    budget_read = read(xlsx({"基本信息": table(basic()), "经费预算": rows})).applications[0].budget

    assert [(r.seq, r.funding) for r in budget_read.rows] == [(1, Funding.REQUESTED), (2, Funding.MATCHING)]
    assert budget_read.declared_total == Decimal("100.00")


def test_rule_documents_are_read_with_their_dates():
    rows = table({"统一社会信用代码": CODE, "文件名称": "知识产权管理办法", "文号": "校发〔2021〕8号", "发文日期": "2021.3.1"})

    application = read(xlsx({"基本信息": table(basic()), "管理制度": rows})).applications[0]

    assert application.ip_management.rule_documents[0].issued_on == date(2021, 3, 1)


# --- odd but acceptable values -------------------------------------------------------------


def test_odd_values_are_warnings_at_their_cells_and_the_application_is_kept():
    basics = table(basic(**{"联系人E-mail": "ip@school", "承诺书签署日期": "2099-01-01"}))
    years = table(year(CODE, 2022, 累计有效专利拥有量=0, **{"转让合同额（万元）": 10, "转让实际到账额（万元）": 12}))

    parsed = read(xlsx({"基本信息": basics, "年度数据": years}))

    assert errors(parsed) == []
    assert located(parsed, Severity.WARNING) == {
        ("基本信息", 2, "联系人E-mail"), ("基本信息", 2, "承诺书签署日期"),
        ("年度数据", 2, "累计有效专利拥有量"), ("年度数据", 2, "转让实际到账额（万元）"),
    }
    assert len(parsed.applications) == 1


def test_amount_in_yuan_is_converted_with_a_warning_at_its_cell():
    parsed = read(xlsx({"基本信息": table(basic()), "年度数据": table(year(CODE, 2022, **{"转让合同额（万元）": "355000元"}))}))

    assert parsed.applications[0].conversions[0].transfer_contract == Decimal("35.50")
    assert located(parsed, Severity.WARNING) == {("年度数据", 2, "转让合同额（万元）")}


def test_unit_name_differing_in_a_child_sheet_is_a_warning():
    years = table({**year(CODE, 2022), "单位名称": "别的大学"})

    parsed = read(xlsx({"基本信息": table(basic()), "年度数据": years}))

    assert located(parsed, Severity.WARNING) == {("年度数据", 2, "单位名称")}


def test_unrecognised_standard_text_is_kept_as_other_standard_with_a_warning():
    parsed = read(xlsx({"基本信息": table(basic(贯彻实施的管理规范="33251；ISO 56005"))}))

    management = parsed.applications[0].ip_management
    assert (management.standards, management.standard_other) == ([ManagementStandard.UNIVERSITY], "ISO 56005")
    assert located(parsed, Severity.WARNING) == {("基本信息", 2, "贯彻实施的管理规范")}


def test_other_unit_type_keeps_the_words_written_after_it():
    parsed = read(xlsx({"基本信息": table(basic(单位类型="其他：省属企业研究院"))}))

    assert parsed.applications[0].basic.unit_type is UnitType.OTHER
    assert parsed.applications[0].basic.unit_type_other == "省属企业研究院"


def test_priority_claim_is_made_by_yes_or_by_evidence_alone():
    row = basic(**{"贯彻实施知识产权管理规范": "是", "高价值专利培育中心证明材料": "认定文件",
                   "省级以上专利导航服务基地": "否", "省级以上专利导航服务基地证明材料": "无"})

    claims = read(xlsx({"基本信息": table(row)})).applications[0].priority_claims

    assert [(c.kind, c.evidence) for c in claims] == [(PriorityKind.STANDARD, ""),
                                                       (PriorityKind.HIGH_VALUE_CENTER, "认定文件")]


# --- files that are not workbooks ----------------------------------------------------------


def docx_bytes() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("word/document.xml", "<document/>")
    return buffer.getvalue()


@pytest.mark.parametrize("content, filename, phrase", [
    (docx_bytes(), "申报.xlsx", "Word 文档"),
    (b"\x00\x01 random bytes that are not a workbook", "申报.xlsx", "不是 Excel 工作簿"),
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 512, "申报.xls", "另存为"),
    ("统一社会信用代码,单位名称\n1,2\n".encode(), "申报.csv", "CSV"),
    (b"", "申报.xlsx", "空"),
    (b"PK\x03\x04 broken zip", "申报.xlsx", "已损坏"),
])
def test_file_that_is_not_an_xlsx_workbook_gives_one_clear_error(content, filename, phrase):
    parsed = read_workbook(content, filename, "2023")

    assert len(parsed.issues) == 1 and parsed.issues[0].severity is Severity.ERROR
    assert phrase in parsed.issues[0].message and parsed.issues[0].file == filename


def test_file_over_the_size_limit_is_refused_before_parsing():
    parsed = read(b"PK\x03\x04" + b"\x00" * (MAX_FILE_BYTES + 1))

    assert len(parsed.issues) == 1 and "30 MB" in parsed.issues[0].message


def test_workbook_with_too_many_data_rows_is_refused_before_reading_them(monkeypatch):
    monkeypatch.setattr(workbook, "MAX_DATA_ROWS", 5)
    rows = table(*[basic(code=make_credit_code(n)) for n in range(1, 10)])

    parsed = read(xlsx({"基本信息": rows}))

    assert len(parsed.issues) == 1 and "上限" in parsed.issues[0].message
    assert parsed.applications == []


# --- leading disciplines -------------------------------------------------------------------


def test_round_trip_keeps_the_leading_disciplines_and_an_empty_list():
    applications = [make_application(serial=1, disciplines=["海洋工程与船舶", "新材料"]), make_application(serial=2)]

    parsed = read(write_workbook(applications))

    assert errors(parsed) == []
    assert [a.disciplines for a in parsed.applications] == [[Discipline.MARINE_AND_SHIPS, Discipline.NEW_MATERIALS], []]


def test_discipline_variants_are_read_in_the_order_written():
    parsed = read(xlsx({"基本信息": table(basic(**{"优势学科/产业领域": "材料科学与工程、船舶"}))}))

    assert parsed.applications[0].disciplines == [Discipline.NEW_MATERIALS, Discipline.MARINE_AND_SHIPS]


@pytest.mark.parametrize("written, phrase", [
    ("量子计算", "不在专业领域目录中"),
    ("新材料；冶金；食品", "最多填写 2 项"),
])
def test_a_bad_discipline_is_an_error_at_its_cell(written, phrase):
    parsed = read(xlsx({"基本信息": table(basic(), basic(code=OTHER_CODE, **{"优势学科/产业领域": written}))}))

    assert located(parsed) == {("基本信息", 3, "优势学科/产业领域")}
    assert phrase in errors(parsed)[0].message


def test_template_lists_the_disciplines_in_its_instructions():
    guide = python_calamine.CalamineWorkbook.from_filelike(io.BytesIO(template_bytes())).get_sheet_by_name("填表说明")

    text = " ".join(str(c) for row in guide.to_python() for c in row)
    assert "专业领域目录" in text and all(d.value in text for d in Discipline)
