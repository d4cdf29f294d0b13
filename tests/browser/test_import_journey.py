"""A person's journey in a real browser: open the app, upload a bad file, then a good one, find the unit."""
from __future__ import annotations

import pytest
from playwright.sync_api import expect

from scoring.documents.application_workbook import write_workbook
from tests.browser.conftest import go_to, shot, sign_in
from tests.builders.checks import with_check_character, lean_application

pytestmark = pytest.mark.browser


def test_staff_import_a_workbook_and_find_the_unit_in_the_list(app_url, people, page, tmp_path):
    bad = tmp_path / "申报书（错误）.xlsx"
    bad.write_bytes(b"PK\x03\x04 not really a workbook")
    unit = lean_application(basic={"unit_name": "浏览器测试理工大学", "credit_code": with_check_character("12210100MB0009991")})
    good = tmp_path / "申报书.xlsx"
    good.write_bytes(write_workbook([unit]))

    sign_in(page, app_url, "tester", people["tester"])
    page.get_by_role("heading", name="审查概览").wait_for()
    page.get_by_test_id("stVegaLiteChart").first.wait_for()
    page.wait_for_timeout(500)  # let the chart finish drawing before the screenshot
    shot(page, "01-overview")
    go_to(page, "导入申报书")

    page.locator("input[type=file]").set_input_files(str(bad))
    page.get_by_role("button", name="校验并导入").click()
    page.get_by_text("未导入任何内容").wait_for()
    page.get_by_text("文件已损坏").first.wait_for()
    shot(page, "02-import-rejected")

    page.get_by_test_id("stFileChipDeleteBtn").first.click()
    run_import = page.get_by_role("button", name="校验并导入")
    expect(run_import).to_be_disabled()  # the removal's rerun is done before the next file goes up
    page.locator("input[type=file]").set_input_files(str(good))
    expect(run_import).to_be_enabled()
    run_import.click()
    page.get_by_text("导入成功").wait_for()
    shot(page, "03-import-done")

    go_to(page, "申报列表")
    page.get_by_text("共 ").first.wait_for()
    page.get_by_test_id("stDataFrame").first.wait_for()
    shot(page, "04-list")
    go_to(page, "申报详情")
    page.get_by_role("combobox", name="申报单位").click()
    page.keyboard.type("浏览器测试")
    page.keyboard.press("Enter")
    page.get_by_role("heading", name="浏览器测试理工大学").wait_for()
    shot(page, "05-detail")
    assert page.get_by_text("统一社会信用代码与注册地").first.is_visible()


def test_staff_import_a_filled_word_form(app_url, people, page, tmp_path):
    from scoring.documents.application_form_docx import form_docx
    from scoring.intake.sample import sample_batch

    batch = sample_batch()
    unit = lean_application(basic={"unit_name": "浏览器Word申报大学", "credit_code": with_check_character("12210100MB0009992")})
    filled = tmp_path / "申报书.docx"
    filled.write_bytes(form_docx(unit, batch.title, batch.window))

    sign_in(page, app_url, "tester", people["tester"])
    page.get_by_role("heading", name="审查概览").wait_for()
    go_to(page, "导入申报书")
    page.get_by_role("button", name="下载空白申报书（Word）").wait_for()
    page.locator("input[type=file]").set_input_files(str(filled))
    page.get_by_role("button", name="校验并导入").click()
    page.get_by_text("导入成功").wait_for()
    shot(page, "06-import-word-form")
