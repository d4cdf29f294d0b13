"""The expert import workbook and its CSV form: template, round trip, and every kind of bad input located."""
import io
import zipfile
from datetime import date

import python_calamine
import pytest
import xlsxwriter

from scoring.common.disciplines import Discipline
from scoring.documents import expert_workbook
from scoring.documents.expert_workbook import expert_template_bytes, read_expert_files, write_expert_workbook
from scoring.common.models import Affiliation, ConflictDeclaration, Severity
from tests.builders.applications import make_credit_code, make_expert

APPLICANT = make_credit_code(5, "12210102")
HEADERS = {layout.name: [c.header for c in layout.columns] for layout in expert_workbook.DATA_SHEETS}


def xlsx(sheets: dict[str, list[list]], complete: bool = True) -> bytes:
    """A workbook whose sheets hold these rows from A1; data sheets not given are added with headers only."""
    if complete:
        sheets = {**{name: [headers] for name, headers in HEADERS.items()}, **sheets}
    buffer = io.BytesIO()
    book = xlsxwriter.Workbook(buffer, {"in_memory": True})
    for name, rows in sheets.items():
        sheet = book.add_worksheet(name)
        for r, row in enumerate(rows):
            for c, value in enumerate(row):
                if isinstance(value, str):
                    sheet.write_string(r, c, value)
                elif value is not None:
                    sheet.write(r, c, value)
    book.close()
    return buffer.getvalue()


def table(*rows: dict) -> list[list]:
    headers = list(dict.fromkeys(key for row in rows for key in row))
    return [headers] + [[row.get(h) for h in headers] for row in rows]


def expert_row(expert_id="ZJ-0001", **changes) -> dict:
    row = {"专家编号": expert_id, "姓名": "张三", "工作单位": "沈阳测试研究院", "职称": "研究员", "专业领域": "新材料；冶金",
           "所在城市": "沈阳市", "联系电话": "13900000000", "电子邮箱": "zs@test.ac.cn"}
    return {**row, **changes}


def post_row(expert_id="ZJ-0001", **changes) -> dict:
    row = {"专家编号": expert_id, "姓名": "张三", "单位名称": "沈阳理工学院", "关系类型": "兼职", "起始日期": "2021-09-01"}
    return {**row, **changes}


def pair_row(expert_id="ZJ-0001", **changes) -> dict:
    row = {"专家编号": expert_id, "申报单位统一社会信用代码": APPLICANT, "回避原因": "配偶在该单位任职"}
    return {**row, **changes}


def read(content: bytes, name: str = "专家.xlsx", known=frozenset()):
    return read_expert_files([(name, content)], known)


def located(parsed, severity=Severity.ERROR) -> set[tuple]:
    return {(i.sheet, i.row, i.column) for i in parsed.issues if i.severity is severity}


def messages(parsed, severity=Severity.ERROR) -> str:
    return " ".join(i.message for i in parsed.issues if i.severity is severity)


# --- template and round trip ---------------------------------------------------------------


def test_template_starts_with_instructions_then_the_three_data_sheets():
    book = python_calamine.CalamineWorkbook.from_filelike(io.BytesIO(expert_template_bytes()))

    assert book.sheet_names == ["填表说明", "专家信息", "兼职与工作经历", "回避关系"]
    guide = " ".join(str(c) for row in book.get_sheet_by_name("填表说明").to_python() for c in row)
    for phrase in ("专业领域目录", "知识产权管理与运营", "近三年", "CSV", "只要有一处错误", "仍为停用"):
        assert phrase in guide


def test_template_has_example_rows_validation_and_comments():
    content = expert_template_bytes()
    archive = zipfile.ZipFile(io.BytesIO(content))
    book = python_calamine.CalamineWorkbook.from_filelike(io.BytesIO(content))

    for name in ("专家信息", "兼职与工作经历", "回避关系"):
        assert str(book.get_sheet_by_name(name).to_python()[2][0]).startswith("示例")
    assert archive.read("xl/worksheets/sheet2.xml").decode().count("<dataValidation ") >= 2
    assert any(name.startswith("xl/comments") for name in archive.namelist())


def test_template_reads_back_with_nothing_but_the_note_that_it_is_empty():
    parsed = read(expert_template_bytes())

    assert parsed.experts == [] and parsed.pairs == []
    assert [i.message for i in parsed.issues] == ["上传的文件中没有任何专家或回避关系（以“示例”开头的示例行会被跳过）"]


def test_round_trip_write_then_read_gives_equal_experts_and_pairs():
    experts = [
        make_expert("ZJ-0001", available=False, note="第一行\n第二行", disciplines=["新材料", "冶金", "法律"],
                    affiliations=[Affiliation(unit_name="沈阳理工学院", credit_code=APPLICANT, kind="兼职",
                                              start=date(2021, 9, 1)),
                                  Affiliation(unit_name="某大学", kind="原工作单位", start=date(2001, 9, 1),
                                              end=date(2022, 8, 31))]),
        make_expert("ZJ-0002", name="李四", unit="大连某所", unit_credit_code="", title="", city="大连市", phone="",
                    email="ls@test.cn", disciplines=["科技金融"]),
    ]
    pairs = [ConflictDeclaration(expert_id="ZJ-0002", credit_code=APPLICANT, reason="近两年有合作项目")]

    parsed = read(write_expert_workbook(experts, pairs))

    assert parsed.errors == [] and parsed.warnings == []
    assert parsed.experts == experts
    assert [p.declaration for p in parsed.pairs] == pairs
    assert parsed.affiliations_given


# --- reading: what is accepted -------------------------------------------------------------


def test_variants_of_cities_fields_and_yes_no_are_read():
    rows = table(expert_row(**{"所在城市": "大连", "专业领域": "材料科学与工程、知识产权运营", "是否可参评": "否",
                               "专家编号": " zj-0001 "}))

    [expert] = read(xlsx({"专家信息": rows})).experts

    assert expert.expert_id == "ZJ-0001" and expert.city.value == "大连市" and expert.available is False
    assert expert.disciplines == [Discipline.NEW_MATERIALS, Discipline.IP_OPERATION]


def test_an_expert_number_stored_as_a_number_is_read_as_its_digits():
    [expert] = read(xlsx({"专家信息": table(expert_row(expert_id=1001))})).experts

    assert expert.expert_id == "1001"


def test_blank_availability_means_available():
    [expert] = read(xlsx({"专家信息": table(expert_row())})).experts

    assert expert.available is True


def test_example_rows_are_skipped():
    rows = table(expert_row(expert_id="示例 ZJ-9"), expert_row())

    assert [e.expert_id for e in read(xlsx({"专家信息": rows})).experts] == ["ZJ-0001"]


def test_affiliations_attach_to_their_expert():
    parsed = read(xlsx({"专家信息": table(expert_row(), expert_row("ZJ-0002", 姓名="李四")),
                        "兼职与工作经历": table(post_row("ZJ-0002", 姓名="李四"), post_row("ZJ-0002", 姓名="李四", 单位名称="某大学",
                                                                                  关系类型="原工作单位", 终止日期="2022-08-31"))}))

    by_id = {e.expert_id: e for e in parsed.experts}
    assert by_id["ZJ-0001"].affiliations == []
    assert [(a.unit_name, a.kind.value, a.end) for a in by_id["ZJ-0002"].affiliations] == [
        ("沈阳理工学院", "兼职", None), ("某大学", "原工作单位", date(2022, 8, 31))]


def test_a_pair_may_name_an_expert_of_the_pool_not_in_this_upload():
    parsed = read(xlsx({"回避关系": table(pair_row("ZJ-0777"))}), known={"ZJ-0777"})

    assert parsed.errors == []
    assert [(p.declaration.expert_id, p.sheet, p.row) for p in parsed.pairs] == [("ZJ-0777", "回避关系", 2)]


def test_a_workbook_without_the_affiliation_sheet_leaves_affiliations_alone_with_a_warning():
    parsed = read(xlsx({"专家信息": table(expert_row())}, complete=False))

    assert not parsed.affiliations_given
    assert "本次导入不改变各专家已登记的兼职与工作经历" in messages(parsed, Severity.WARNING)


# --- reading: every bad input located -------------------------------------------------------


@pytest.mark.parametrize("content, filename, phrase", [
    (b"", "专家.xlsx", "空"),
    (b"\x00\x01 not a workbook", "专家.xlsx", "不是 Excel 工作簿"),
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 512, "专家.xls", "另存为"),
    (b"PK\x03\x04 broken", "专家.xlsx", "已损坏"),
])
def test_a_file_that_is_not_a_workbook_gives_one_clear_error(content, filename, phrase):
    parsed = read(content, filename)

    assert [i.severity for i in parsed.issues] == [Severity.ERROR]
    assert phrase in parsed.issues[0].message and parsed.issues[0].file == filename


def test_a_workbook_without_the_expert_sheet_is_an_error():
    parsed = read(xlsx({"Sheet1": [["x"]]}, complete=False))

    assert "缺少工作表“专家信息”" in messages(parsed)


def test_a_missing_required_column_is_an_error_at_the_header_row():
    rows = table({k: v for k, v in expert_row().items() if k != "所在城市"})

    assert ("专家信息", 1, "所在城市") in located(read(xlsx({"专家信息": rows})))


def test_an_unknown_column_is_a_warning():
    parsed = read(xlsx({"专家信息": table(expert_row(籍贯="辽宁"))}))

    assert ("专家信息", 1, "籍贯") in located(parsed, Severity.WARNING) and parsed.errors == []


@pytest.mark.parametrize("changes, column, phrase", [
    ({"姓名": None}, "姓名", "必须填写"),
    ({"所在城市": "北京"}, "所在城市", "无法识别"),
    ({"专业领域": "新材"}, "专业领域", "是否指“新材料”"),
    ({"专业领域": "化学工程与技术"}, "专业领域", "请选择其一"),
    ({"专业领域": "新材料；冶金；法律；食品"}, "专业领域", "最多填写 3 项"),
    ({"专家编号": "专家一号"}, "专家编号", "格式不符合要求"),
    ({"是否可参评": "也许"}, "是否可参评", "应填写“是”或“否”"),
    ({"工作单位统一社会信用代码": 12210102}, "工作单位统一社会信用代码", "存成了数字"),
    ({"姓名": "张"}, "姓名", "至少需要 2 个字符"),
])
def test_every_bad_expert_cell_is_an_error_at_its_row_and_column(changes, column, phrase):
    parsed = read(xlsx({"专家信息": table(expert_row(), expert_row("ZJ-0002", **changes))}))

    assert ("专家信息", 3, column) in located(parsed)
    assert phrase in messages(parsed)
    assert parsed.experts == [] or "ZJ-0002" not in {e.expert_id for e in parsed.experts}


def test_an_expert_number_given_twice_is_an_error_at_the_later_row():
    parsed = read(xlsx({"专家信息": table(expert_row(), expert_row(姓名="李四"))}))

    assert located(parsed) == {("专家信息", 3, "专家编号")}
    assert "与第2行重复" in messages(parsed)


def test_an_expert_number_given_in_two_files_names_the_first_file():
    content = xlsx({"专家信息": table(expert_row())})

    parsed = read_expert_files([("一.xlsx", content), ("二.xlsx", content)])

    [issue] = parsed.errors
    assert issue.file == "二.xlsx" and "文件“一.xlsx”第2行" in issue.message


@pytest.mark.parametrize("changes, column, phrase", [
    ({"专家编号": "ZJ-0404"}, "专家编号", "没有编号为 ZJ-0404 的专家"),
    ({"关系类型": "亲戚"}, "关系类型", "无法识别"),
    ({"起始日期": "2021-13-01"}, "起始日期", "日期“2021-13-01”不存在"),
    ({"单位名称": None}, "单位名称", "必须填写"),
])
def test_every_bad_affiliation_cell_is_an_error_at_its_row_and_column(changes, column, phrase):
    parsed = read(xlsx({"专家信息": table(expert_row()), "兼职与工作经历": table(post_row(**changes))}))

    assert ("兼职与工作经历", 2, column) in located(parsed)
    assert phrase in messages(parsed)


def test_an_affiliation_ending_before_it_starts_is_an_error_at_its_row():
    parsed = read(xlsx({"专家信息": table(expert_row()),
                        "兼职与工作经历": table(post_row(起始日期="2022-01-01", 终止日期="2021-01-01"))}))

    assert [(i.sheet, i.row) for i in parsed.errors] == [("兼职与工作经历", 2)]
    assert "起始日期晚于终止日期" in messages(parsed)


@pytest.mark.parametrize("changes, column, phrase", [
    ({"专家编号": "ZJ-0404"}, "专家编号", "没有编号为 ZJ-0404 的专家"),
    ({"回避原因": "亲"}, "回避原因", "至少需要 2 个字符"),
    ({"申报单位统一社会信用代码": None}, "申报单位统一社会信用代码", "必须填写"),
])
def test_every_bad_pair_cell_is_an_error_at_its_row_and_column(changes, column, phrase):
    parsed = read(xlsx({"专家信息": table(expert_row()), "回避关系": table(pair_row(**changes))}))

    assert ("回避关系", 2, column) in located(parsed)
    assert phrase in messages(parsed)


def test_odd_but_possible_values_are_warnings_at_their_cells():
    bad_code = APPLICANT[:-1] + ("0" if APPLICANT[-1] != "0" else "1")
    parsed = read(xlsx({"专家信息": table(expert_row(联系电话=None, 电子邮箱=None)),
                        "兼职与工作经历": table(post_row(姓名="张叁")),
                        "回避关系": table(pair_row(), pair_row(), pair_row(**{"申报单位统一社会信用代码": bad_code}))}))

    assert parsed.errors == []
    assert located(parsed, Severity.WARNING) == {
        ("专家信息", 2, "联系电话"), ("兼职与工作经历", 2, "姓名"), ("回避关系", 3, "申报单位统一社会信用代码"),
        ("回避关系", 4, "申报单位统一社会信用代码")}
    assert "校验码错误" in messages(parsed, Severity.WARNING)
    assert len(parsed.pairs) == 2


# --- CSV -----------------------------------------------------------------------------------


def csv_text(rows: list[list]) -> str:
    return "\n".join(",".join("" if v is None else str(v) for v in row) for row in rows) + "\n"


def test_csv_files_one_per_sheet_are_read_together_whatever_their_names():
    experts = csv_text(table(expert_row(), expert_row("ZJ-0002", 姓名="李四"))).encode("utf-8-sig")
    posts = csv_text(table(post_row("ZJ-0002", 姓名="李四"))).encode("gb18030")

    parsed = read_expert_files([("a.csv", experts), ("b.csv", posts)])

    assert parsed.errors == []
    assert [len(e.affiliations) for e in parsed.experts] == [0, 1]
    assert parsed.affiliations_given


def test_a_csv_of_experts_alone_leaves_affiliations_alone():
    parsed = read(csv_text(table(expert_row())).encode(), "专家信息.csv")

    assert parsed.errors == [] and not parsed.affiliations_given


def test_csv_errors_are_located_in_the_file_of_the_sheet_they_belong_to():
    content = csv_text(table(expert_row(所在城市="火星"))).encode()

    [issue] = read(content, "experts.csv").errors

    assert (issue.file, issue.sheet, issue.row, issue.column) == ("experts.csv", "专家信息", 2, "所在城市")


@pytest.mark.parametrize("content, phrase", [
    ("名字,单位\n张三,某单位\n".encode(), "无法判断这是哪一张表"),
    (b"", "空"),
    (xlsx({"专家信息": table(expert_row())}), "扩展名改回 .xlsx"),
    (b"\xff\xfe\x00\xd8\x00\xdc\xff", "文字编码"),
])
def test_a_csv_that_cannot_be_read_gives_one_clear_error(content, phrase):
    parsed = read(content, "专家.csv")

    assert [i.severity for i in parsed.issues] == [Severity.ERROR]
    assert phrase in parsed.issues[0].message
