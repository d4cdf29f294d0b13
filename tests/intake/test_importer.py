"""Importing files into a batch: all or nothing, versions on re-import, attachments, audit, and a crash mid-way."""
import hashlib
import io
import json
import os
import signal
import subprocess
import sys
import time
from datetime import date, datetime
from pathlib import Path
from typing import NamedTuple

import pytest
import python_calamine
import xlsxwriter

from scoring.intake import importer
from scoring.common.access import AccessDenied, Grant, Principal, Role
from scoring.documents.application_workbook import write_workbook
from scoring.intake.importer import import_files
from scoring.common.models import ActionKind, Application, AttachmentKind, Severity
from scoring.storage import Storage
from tests.builders.applications import make_application, make_batch, make_credit_code

ROOT = Path(__file__).resolve().parents[2]
STAFF = Principal(login="staff", display_name="工作人员", grants=(Grant(role=Role.STAFF),))
PLAN_TEXT = "一、基本情况\n二、建设思路和目标"


@pytest.fixture
def db_path(tmp_path):
    path = tmp_path / "review.duckdb"
    with Storage(path) as storage:
        storage.create_batch(make_batch(), "admin")
    return path


@pytest.fixture
def storage(db_path):
    with Storage(db_path) as opened:
        yield opened


@pytest.fixture
def batch():
    return make_batch()


def with_files(application, plan="plan.txt", letter="letter.pdf"):
    """The application naming its plan and letter (the hashes are placeholders: the workbook keeps names only)."""
    attachments = [{"kind": "三年建设方案", "filename": plan, "sha256": "0" * 64, "size": 0},
                   {"kind": "市局推荐函", "filename": letter, "sha256": "0" * 64, "size": 0}]
    return Application.model_validate({**application.model_dump(), "attachments": attachments})


def snapshot(storage: Storage, batch_id: str = "2023") -> dict:
    """Everything an import could change, in comparable form."""
    applications = storage.list_applications(batch_id)
    return {
        "applications": [a.model_dump_json() for a in applications],
        "versions": {a.credit_code: (storage.application_version(batch_id, a.credit_code),
                                     storage.application_history(batch_id, a.credit_code)) for a in applications},
        "checks": {code: report.model_dump_json() for code, report in storage.check_reports(batch_id).items()},
        "audit": [entry.model_dump_json() for entry in storage.audit_log(limit=10_000)],
    }


class Formula(NamedTuple):
    """A formula for `altered` to write, with the value the file caches for it ("" for none)."""

    text: str
    cached: object = ""


def altered(content: bytes, changes: dict[tuple[str, int, str], object]) -> bytes:
    """A copy of a workbook's values with some cells replaced, keyed by (sheet, Excel row, header)."""
    source = python_calamine.CalamineWorkbook.from_filelike(io.BytesIO(content))
    buffer = io.BytesIO()
    book = xlsxwriter.Workbook(buffer, {"in_memory": True})
    for name in source.sheet_names:
        grid = source.get_sheet_by_name(name).to_python(skip_empty_area=False)
        headers = grid[1] if len(grid) > 1 else []
        for (sheet_name, row, header), value in changes.items():
            if sheet_name == name:
                grid[row - 1][headers.index(header)] = value
        sheet = book.add_worksheet(name)
        for r, cells in enumerate(grid):
            for c, value in enumerate(cells):
                if isinstance(value, Formula):
                    sheet.write_formula(r, c, value.text, None, value.cached)
                elif isinstance(value, date):
                    sheet.write_datetime(r, c, datetime.combine(value, datetime.min.time()))
                elif value != "":
                    sheet.write(r, c, value)
    book.close()
    return buffer.getvalue()


def issues_at(report, severity) -> set[tuple]:
    return {(i.file, i.sheet, i.row, i.column) for i in report.issues if i.severity is severity}


# --- a good import -------------------------------------------------------------------------


def test_workbook_with_its_attachments_imports_every_application_with_checks(storage, batch):
    applications = [with_files(make_application(serial=n), f"plan{n}.txt", "letter.pdf") for n in (1, 2)]
    files = [("申报.xlsx", write_workbook(applications)), ("plan1.txt", PLAN_TEXT.encode()),
             ("plan2.txt", b"plan two"), ("letter.pdf", b"%PDF-1.4 letter")]

    report = import_files(storage, batch, files, STAFF)

    assert report.imported and report.errors == [] and report.warnings == []
    assert report.created == [a.credit_code for a in applications]
    stored = storage.get_application("2023", applications[0].credit_code)
    plan, letter = stored.attachment(AttachmentKind.PLAN), stored.attachment(AttachmentKind.RECOMMENDATION)
    assert (plan.filename, plan.text, plan.size) == ("plan1.txt", PLAN_TEXT, len(PLAN_TEXT.encode()))
    assert (letter.filename, letter.text, letter.sha256) == ("letter.pdf", "", hashlib.sha256(b"%PDF-1.4 letter").hexdigest())
    assert storage.attachment_content(letter.sha256) == b"%PDF-1.4 letter"
    assert set(storage.check_reports("2023")) == {a.credit_code for a in applications}


def test_the_checks_are_run_for_every_imported_application_against_the_batch(storage, batch, monkeypatch):
    seen = []
    monkeypatch.setattr(importer, "run_checks", lambda app, b: seen.append((app.credit_code, b.batch_id)) or [])
    applications = [make_application(serial=n) for n in (1, 2, 3)]

    import_files(storage, batch, [("申报.xlsx", write_workbook(applications))], STAFF)

    assert seen == [(a.credit_code, "2023") for a in applications]


def test_text_attachment_in_gb18030_is_decoded(storage, batch):
    application = with_files(make_application(), "方案.md", "letter.pdf")
    files = [("申报.xlsx", write_workbook([application])), ("方案.md", PLAN_TEXT.encode("gb18030")),
             ("letter.pdf", b"%PDF")]

    import_files(storage, batch, files, STAFF)

    assert storage.get_application("2023", application.credit_code).attachment(AttachmentKind.PLAN).text == PLAN_TEXT


def test_attachment_named_with_different_case_or_width_is_still_matched(storage, batch):
    application = with_files(make_application(), "Plan.TXT", "推荐函.pdf")
    files = [("申报.xlsx", write_workbook([application])), ("plan.txt", b"x"), ("推荐函.pdf", b"%PDF")]

    report = import_files(storage, batch, files, STAFF)

    assert report.warnings == []
    assert storage.get_application("2023", application.credit_code).attachment(AttachmentKind.PLAN).filename == "plan.txt"


def test_json_file_imports_like_a_workbook(storage, batch):
    application = make_application()
    content = json.dumps([json.loads(application.model_dump_json())], ensure_ascii=False).encode()

    report = import_files(storage, batch, [("申报.json", content)], STAFF)

    assert report.imported and report.created == [application.credit_code]
    assert storage.get_application("2023", application.credit_code) == application


def test_audit_entry_names_the_files_their_hashes_and_the_counts(storage, batch):
    content = write_workbook([with_files(make_application(), "plan.txt", "letter.pdf")])
    files = [("申报.xlsx", content), ("plan.txt", b"plan"), ("letter.pdf", b"%PDF")]

    import_files(storage, batch, files, STAFF, reason="第一次导入")

    entry = next(e for e in storage.audit_log() if e.action == ActionKind.IMPORT)
    assert (entry.actor, entry.entity, entry.reason) == ("staff", "batch/2023", "第一次导入")
    assert entry.detail["files"] == [
        {"name": "申报.xlsx", "sha256": hashlib.sha256(content).hexdigest(), "size": len(content), "role": "申报数据"},
        {"name": "plan.txt", "sha256": hashlib.sha256(b"plan").hexdigest(), "size": 4, "role": "附件"},
        {"name": "letter.pdf", "sha256": hashlib.sha256(b"%PDF").hexdigest(), "size": 4, "role": "附件"},
    ]
    assert (entry.detail["applications"], entry.detail["created"], entry.detail["updated"], entry.detail["unchanged"]) \
        == (1, [make_credit_code(1)], [], 0)


# --- re-import -----------------------------------------------------------------------------


def test_reimport_creates_new_updates_changed_and_leaves_identical_ones(storage, batch):
    first, second, third = (make_application(serial=n) for n in (1, 2, 3))
    import_files(storage, batch, [("一.xlsx", write_workbook([first, second]))], STAFF)
    changed = make_application(serial=1, enterprises_connected=40)

    report = import_files(storage, batch, [("二.xlsx", write_workbook([changed, second, third]))], STAFF)

    assert (report.created, report.updated, report.unchanged) == ([third.credit_code], [first.credit_code],
                                                                  [second.credit_code])
    assert storage.application_version("2023", first.credit_code) == 2
    assert storage.old_application("2023", first.credit_code, 1) == first
    assert storage.get_application("2023", first.credit_code).enterprises_connected == 40


def test_reimport_without_uploading_the_attachments_again_keeps_the_stored_ones(storage, batch):
    application = with_files(make_application(), "plan.txt", "letter.pdf")
    import_files(storage, batch, [("申报.xlsx", write_workbook([application])), ("plan.txt", b"plan"),
                                  ("letter.pdf", b"%PDF")], STAFF)
    corrected = with_files(make_application(enterprises_connected=30), "plan.txt", "letter.pdf")

    report = import_files(storage, batch, [("申报.xlsx", write_workbook([corrected]))], STAFF)

    assert report.imported and report.warnings == [] and report.updated == [application.credit_code]
    stored = storage.get_application("2023", application.credit_code)
    assert [a.filename for a in stored.attachments] == ["plan.txt", "letter.pdf"]


def test_json_attachment_already_stored_is_kept_without_uploading_it_again(storage, batch):
    application = with_files(make_application(), "plan.txt", "letter.pdf")
    import_files(storage, batch, [("申报.xlsx", write_workbook([application])), ("plan.txt", b"plan"),
                                  ("letter.pdf", b"%PDF")], STAFF)
    exported = storage.get_application("2023", application.credit_code)
    moved = json.loads(exported.model_dump_json())
    moved["basic"]["credit_code"] = make_credit_code(9)

    report = import_files(storage, batch, [("移动.json", json.dumps([moved]).encode())], STAFF)

    assert report.imported and report.warnings == []
    assert storage.get_application("2023", make_credit_code(9)).attachments == exported.attachments


# --- warnings that do not stop an import ---------------------------------------------------


def test_attachment_named_but_not_uploaded_is_a_warning_at_its_cell(storage, batch):
    application = with_files(make_application(), "plan.txt", "letter.pdf")

    report = import_files(storage, batch, [("申报.xlsx", write_workbook([application])), ("plan.txt", b"x")], STAFF)

    assert report.imported
    assert issues_at(report, Severity.WARNING) == {("申报.xlsx", "基本信息", 3, "市局推荐函文件名")}
    assert storage.get_application("2023", application.credit_code).attachment(AttachmentKind.RECOMMENDATION) is None


def test_uploaded_attachment_that_no_application_names_is_a_warning(storage, batch):
    report = import_files(storage, batch, [("申报.xlsx", write_workbook([make_application()])),
                                           ("多余.docx", b"PK\x03\x04")], STAFF)

    assert report.imported
    assert issues_at(report, Severity.WARNING) == {("多余.docx", "", None, "")}


def test_same_file_uploaded_twice_is_read_once_with_a_warning(storage, batch):
    content = write_workbook([make_application()])

    report = import_files(storage, batch, [("申报.xlsx", content), ("申报.xlsx", content)], STAFF)

    assert report.imported and report.created == [make_credit_code(1)]
    assert issues_at(report, Severity.WARNING) == {("申报.xlsx", "", None, "")}


def test_a_blank_count_in_a_filled_year_row_imports_as_0_with_a_warning_at_its_cell(storage, batch):
    application = make_application()
    content = altered(write_workbook([application]), {("年度数据", 3, "外观设计授权量"): ""})  # the first year

    report = import_files(storage, batch, [("申报.xlsx", content)], STAFF)

    assert report.imported and report.errors == []
    assert issues_at(report, Severity.WARNING) == {("申报.xlsx", "年度数据", 3, "外观设计授权量")}
    stored = storage.get_application("2023", application.credit_code)
    assert [p.design for p in stored.patents] == [0] + [p.design for p in application.patents[1:]]
    assert application.patents[0].design != 0


# --- errors: nothing is imported -----------------------------------------------------------


def test_one_bad_row_imports_nothing_and_leaves_the_database_unchanged(storage, batch):
    import_files(storage, batch, [("旧.xlsx", write_workbook([make_application(serial=1)]))], STAFF)
    before = snapshot(storage)
    good = [make_application(serial=n, enterprises_connected=50) for n in (1, 2, 3, 4)]
    content = altered(write_workbook(good), {("年度数据", 12, "发明专利授权量"): "十二件"})

    report = import_files(storage, batch, [("新.xlsx", content)], STAFF)

    assert not report.imported and (report.created, report.updated) == ([], [])
    assert issues_at(report, Severity.ERROR) == {("新.xlsx", "年度数据", 12, "发明专利授权量")}
    assert snapshot(storage) == before


def test_a_formula_in_a_number_cell_is_an_error_at_its_cell_and_imports_nothing(storage, batch):
    before = snapshot(storage)
    content = altered(write_workbook([make_application(serial=n) for n in (1, 2)]),
                      {("年度数据", 3, "发明专利授权量"): Formula("=10+10", 20),
                       ("年度数据", 6, "转让合同额（万元）"): Formula("=15+15")})

    report = import_files(storage, batch, [("公式.xlsx", content)], STAFF)

    assert not report.imported and (report.created, report.updated) == ([], [])
    assert issues_at(report, Severity.ERROR) == {("公式.xlsx", "年度数据", 3, "发明专利授权量"),
                                                 ("公式.xlsx", "年度数据", 6, "转让合同额（万元）")}
    assert all("是公式，不是数字" in i.message for i in report.errors)
    assert snapshot(storage) == before


def test_a_bad_file_among_good_ones_imports_nothing(storage, batch):
    before = snapshot(storage)
    files = [("好.xlsx", write_workbook([make_application(serial=1)])), ("旧格式.xls", b"\xd0\xcf\x11\xe0" + b"\0" * 100)]

    report = import_files(storage, batch, files, STAFF)

    assert not report.imported
    assert issues_at(report, Severity.ERROR) == {("旧格式.xls", "", None, "")}
    assert snapshot(storage) == before


def test_same_credit_code_in_two_files_of_one_import_is_an_error(storage, batch):
    application = make_application()
    content = json.dumps([json.loads(application.model_dump_json())]).encode()

    report = import_files(storage, batch, [("甲.xlsx", write_workbook([application])), ("乙.json", content)], STAFF)

    assert not report.imported
    assert issues_at(report, Severity.ERROR) == {("乙.json", "", 1, "统一社会信用代码")}
    assert "甲.xlsx" in report.errors[0].message
    assert storage.count_applications("2023") == 0


def test_two_different_files_with_one_name_is_an_error(storage, batch):
    report = import_files(storage, batch, [("申报.xlsx", write_workbook([make_application(serial=1)])),
                                           ("申报.xlsx", write_workbook([make_application(serial=2)]))], STAFF)

    assert not report.imported and issues_at(report, Severity.ERROR) == {("申报.xlsx", "", None, "")}


def test_attachments_without_any_data_file_is_an_error(storage, batch):
    report = import_files(storage, batch, [("plan.pdf", b"%PDF")], STAFF)

    assert not report.imported and "没有上传申报数据文件" in report.errors[0].message


def test_workbook_with_only_example_rows_is_an_error(storage, batch):
    from scoring.documents.application_workbook import template_bytes

    report = import_files(storage, batch, [("模板.xlsx", template_bytes())], STAFF)

    assert not report.imported and "没有任何申报书" in report.errors[0].message


def test_import_into_a_batch_that_does_not_exist_is_an_error(storage):
    report = import_files(storage, make_batch(2030), [("申报.xlsx", write_workbook([make_application()]))], STAFF)

    assert not report.imported and "2030" in report.errors[0].message


def test_failure_while_saving_rolls_everything_back(storage, batch, monkeypatch):
    before = snapshot(storage)

    def broken_checks(app, b):
        raise RuntimeError("checks broke")

    monkeypatch.setattr(importer, "run_checks", broken_checks)

    with pytest.raises(RuntimeError):
        import_files(storage, batch, [("申报.xlsx", write_workbook([make_application()]))], STAFF)

    assert snapshot(storage) == before


KILLED_IMPORT = """
import sys
from pathlib import Path
sys.path.insert(0, {root!r})
from scoring.common.access import Principal
from scoring.intake.importer import import_files
from scoring.storage import Storage
storage = Storage({db!r})
batch = storage.get_batch("2023")
import_files(storage, batch, [("申报.xlsx", Path({workbook!r}).read_bytes())], Principal.command_line("staff"))
print("committed")
"""


def test_process_killed_in_the_middle_of_an_import_leaves_the_database_unchanged(db_path, tmp_path):
    with Storage(db_path) as storage:
        import_files(storage, make_batch(), [("旧.xlsx", write_workbook([make_application(serial=1)]))], STAFF)
        before = snapshot(storage)
    workbook_path = tmp_path / "申报.xlsx"
    workbook_path.write_bytes(write_workbook([make_application(serial=n, enterprises_connected=60) for n in (1, 2, 3)]))
    marker = tmp_path / "paused"
    script = KILLED_IMPORT.format(root=str(ROOT), db=str(db_path), workbook=str(workbook_path))

    process = subprocess.Popen([sys.executable, "-c", script], env={**os.environ, importer.PAUSE_HOOK: str(marker)},
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    deadline = time.monotonic() + 60
    while not marker.exists() and process.poll() is None and time.monotonic() < deadline:
        time.sleep(0.05)
    paused = marker.exists()
    os.kill(process.pid, signal.SIGKILL)
    process.wait()

    assert paused, process.stderr.read().decode()
    with Storage(db_path) as storage:
        assert snapshot(storage) == before


def test_import_by_someone_without_the_import_role_is_refused_and_changes_nothing(storage, batch):
    observer = Principal(login="observer", display_name="观察员甲", grants=(Grant(role=Role.OBSERVER),))
    before = snapshot(storage)

    with pytest.raises(AccessDenied, match="导入申报书"):
        import_files(storage, batch, [("申报.xlsx", write_workbook([make_application()]))], observer)

    assert snapshot(storage) == before
