"""The staff pages wired to the domain: each page renders on the sample batch and its actions reach storage."""
from __future__ import annotations

import pandas as pd

from app_pages.widgets.common import SESSION_KEY, storage
from scoring.common import accounts
from scoring.common.models import CheckId, Outcome
from tests.app.conftest import open_page

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def test_first_start_loads_the_sample_batch_and_shows_the_overview(app):
    app.run()

    assert not app.exception, app.exception
    assert app.title[0].value == "审查概览"
    counts = {m.label: m.value for m in app.metric}
    assert int(counts["申报书"]) >= 40
    assert sum(int(counts[str(o)]) for o in Outcome) == int(counts["申报书"])


def test_applications_page_filters_by_check_result(app):
    app.run()
    open_page(app, "applications.py")

    app.multiselect(key="filter_result").set_value(["不通过"]).run()

    shown: pd.DataFrame = app.dataframe[0].value
    assert len(shown) > 0
    assert set(shown["审查结果"]) == {"不通过"}


def test_detail_page_shows_every_section_and_the_checks(app):
    app.run()
    open_page(app, "application_detail.py")

    assert [t.label for t in app.tabs] == ["审查结果", "基本信息", "知识产权管理", "专利产出与转化", "经费预算", "附件", "历史与日志"]
    assert "统一社会信用代码与注册地" in " ".join(m.value for m in app.markdown)


def test_override_on_the_detail_page_is_stored_with_the_signed_in_person_and_reason(app):
    app.run()
    open_page(app, "application_detail.py")
    code = app.selectbox(key="selected_credit_code").value

    app.selectbox(key="override_check").set_value(CheckId.UNIT_TYPE)
    app.radio(key="override_outcome").set_value(Outcome.FAIL)
    app.text_area(key="override_reason").input("现场核查发现不具备独立法人资格")
    next(b for b in app.button if b.label == "保存判定").click().run()

    assert not app.exception, app.exception
    batch_id = app.session_state["batch_id"]
    item = next(r for r in storage().check_report(batch_id, code).results if r.computed.check_id is CheckId.UNIT_TYPE)
    assert item.override.outcome is Outcome.FAIL
    assert item.override.decided_by == "tester"
    assert item.override.reason == "现场核查发现不具备独立法人资格"


def test_override_after_the_session_ended_elsewhere_is_refused_and_stores_nothing(app):
    app.run()
    open_page(app, "application_detail.py")
    code = app.selectbox(key="selected_credit_code").value
    batch_id = app.session_state["batch_id"]
    accounts.logout(storage(), app.session_state[SESSION_KEY])  # e.g. logged out in another tab
    before = storage().data_version()

    app.text_area(key="override_reason").input("理由充分")
    next(b for b in app.button if b.label == "保存判定").click().run()

    assert not app.exception, app.exception
    assert app.title[0].value == "登录"
    assert storage().data_version() == before
    assert all(r.override is None for r in storage().check_report(batch_id, code).results)


def test_import_page_offers_the_template(app):
    app.run()
    open_page(app, "import_page.py")

    assert app.get("download_button")


def test_import_page_names_every_error_and_imports_nothing(app):
    app.run()
    open_page(app, "import_page.py")
    batch_id = app.session_state["batch_id"]
    before = storage().count_applications(batch_id)

    app.file_uploader(key="import_files").set_value(("坏文件.xlsx", b"this is not a workbook", XLSX))
    app.run()
    next(b for b in app.button if b.label == "校验并导入").click().run()

    assert not app.exception, app.exception
    assert any("未导入任何内容" in e.value for e in app.error)
    assert storage().count_applications(batch_id) == before


def test_import_page_imports_a_filled_template(app):
    from scoring.documents.application_workbook import write_workbook
    from tests.builders.checks import lean_application

    app.run()
    open_page(app, "import_page.py")
    batch_id = app.session_state["batch_id"]
    new_app = lean_application(basic={"unit_name": "测试导入大学"})
    assert storage().get_application(batch_id, new_app.credit_code) is None

    app.file_uploader(key="import_files").set_value(("新申报.xlsx", write_workbook([new_app]), XLSX))
    app.run()
    next(b for b in app.button if b.label == "校验并导入").click().run()

    assert not app.exception, app.exception
    assert app.success, [e.value for e in app.error]
    assert storage().get_application(batch_id, new_app.credit_code).basic.unit_name == "测试导入大学"
