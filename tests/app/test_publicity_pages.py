"""The publicity stage's pages wired to the domain: the notice previewed, published and downloaded; a year without a
holiday arrangement entered on the page; objections registered and decided; the list confirmed and the letters
generated — observers read without a control that writes, and a city bureau reads only the published notice."""
from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from app_pages.widgets import common
from scoring.common import accounts
from scoring.publicity import objections, notices
from scoring.common.access import Grant, Role
from scoring.common.models import City
from scoring.publicity.objections import ObjectionDecision, ObjectionInput, ObjectorKind, ObjectionStatus
from tests.app.conftest import page_file, PASSWORD, button, keys, page_as, table
from tests.builders.publicity import SETTINGS, shortlisted_database
from tests.builders.databases import copy_to
from tests.builders.rounds import STAFF as STAFF_PRINCIPAL

ROOT = Path(__file__).resolve().parents[2]
STAFF = Grant(role=Role.STAFF)
OBSERVER = Grant(role=Role.OBSERVER)
CITY = Grant(role=Role.CITY, city=City("沈阳市"))
ROUND = "2023-01"
WRITE_CONTROLS = {"save_notice_settings", "publish_notice", "withdraw_notice", "enter_holidays", "register_objection",
                  "add_note", "decide_objection", "confirm_list", "save_letter_settings", "generate_letters"}


@pytest.fixture
def store(tmp_path, monkeypatch):
    monkeypatch.chdir(ROOT)
    path = tmp_path / "review.duckdb"
    copy_to(shortlisted_database(), path)
    monkeypatch.setenv("SCORING_DB", str(path))
    monkeypatch.setenv("SCORING_EXPORTS", str(tmp_path / "exports"))
    return common.storage()


def texts(at: AppTest) -> str:
    return " ".join([m.value for m in at.markdown] + [c.value for c in at.caption] + [w.value for w in at.warning]
                    + [e.value for e in at.error] + [i.value for i in at.info] + [s.value for s in at.success])


def published(store):
    return notices.publish_notice(store, STAFF_PRINCIPAL, ROUND, SETTINGS, "会议研究同意公示")


# --- 公示 --------------------------------------------------------------------------------------------------------


def test_staff_preview_the_notice_with_its_period_and_publish_it(store):
    at = page_as(store, "publicity_page.py")
    assert "尚未发布公示" in texts(at)

    at.date_input(key="notice_start").set_value(date(2023, 6, 3)).run()  # a Saturday: counted from Monday

    assert not at.error, [e.value for e in at.error]
    assert "2023年6月5日至2023年6月9日（5个工作日）" in texts(at)
    assert "2023-06-03 不是工作日" in texts(at)
    assert {"draft_docx", "draft_pdf", "draft_html"} <= {b.key for b in at.get("download_button")}
    assert button(at, "publish_notice").disabled  # not yet checked
    at.text_input(key="publish_reason").input("会议研究同意公示")
    at.checkbox(key="publish_checked").check().run()
    button(at, "publish_notice").click().run()

    assert not at.exception, at.exception
    notice = notices.current_notice(store, STAFF_PRINCIPAL, ROUND)
    assert notice.version == 1 and notice.end == date(2023, 6, 9)
    assert "第 1 版" in texts(at) and button(at, "publish_notice").disabled
    button(at, "export_list_xlsx").click().run()
    [download] = [d for d in at.get("download_button") if d.key == "download_published"]
    assert "公示名单-2023-01" in download.proto.label


def test_an_uncovered_year_is_named_and_entering_it_on_the_page_computes_the_period(store):
    at = page_as(store, "publicity_page.py")

    at.date_input(key="notice_start").set_value(date(2099, 6, 1)).run()

    assert any("2099 年" in e.value and "录入" in e.value for e in at.error)
    assert "录入节假日安排" in [e.label for e in at.expander]
    at.number_input(key="holiday_year").set_value(2099)
    at.text_area(key="holiday_days").input("2099-06-01~2099-06-03")
    at.text_area(key="holiday_workdays").input("2099-06-06")
    at.text_input(key="holiday_note").input("国办发明电〔2098〕1号")
    at.text_input(key="holiday_reason").input("按国务院办公厅通知录入")
    button(at, "enter_holidays").click().run()

    assert not at.exception, at.exception
    assert not at.error, [e.value for e in at.error]
    # Mon 1 – Wed 3 June off; Thu 4, Fri 5, Sat 6 (调休), Mon 8 and Tue 9 count.
    assert "2099年6月4日至2099年6月9日（5个工作日）" in texts(at)
    assert "计入　2099-06-06 星期六：调休上班" in texts(at)


def test_observers_read_the_publicity_pages_without_a_control_that_writes(store):
    published(store)
    for page in ("publicity_page.py", "objections_page.py", "confirmation_page.py"):
        at = page_as(store, page, OBSERVER, login=f"watcher-{page[:4]}")

        assert at.title and not at.error, [e.value for e in at.error]
        assert not keys(at) & WRITE_CONTROLS, page


def test_a_city_bureau_reads_the_published_notice_but_not_the_settings_nor_the_register(store):
    published(store)

    at = page_as(store, "publicity_page.py", CITY, login="sy")

    assert "第 1 版公示" in texts(at)
    assert "export_notice_pdf" in keys(at) and not keys(at) & WRITE_CONTROLS
    assert not [i for i in at.date_input if i.key == "notice_start"]
    at = AppTest.from_file(str(ROOT / page_file("objections_page.py")), default_timeout=60)
    at.session_state[common.SESSION_KEY] = accounts.login(store, "sy", PASSWORD)
    at.session_state[common.BATCH_KEY] = "2023"
    at.run()
    assert any("没有" in e.value for e in at.error) and not at.dataframe


# --- 异议处理 ------------------------------------------------------------------------------------------------------


def fill_objection(at: AppTest, received_on: date, name: str, phone: str, content: str) -> None:
    at.date_input(key="objection_received").set_value(received_on)
    at.text_input(key="objector_name").input(name)
    at.text_input(key="objector_phone").input(phone)
    at.checkbox(key="objection_sealed").check()
    at.text_area(key="objection_content").input(content)


def test_objections_are_registered_as_received_and_an_accepted_one_is_decided(store):
    notice = published(store)
    at = page_as(store, "objections_page.py")

    fill_objection(at, date(2023, 6, 12), "", "", "匿名来信称数据不实。")
    button(at, "register_objection").click().run()

    assert not at.exception, at.exception
    assert any("不予受理" in w.value and "匿名异议" in w.value and "超出公示期" in w.value for w in at.warning)
    fill_objection(at, date(2023, 6, 7), "李四", "13800000000", "该单位申报的专利转化数据不实。")
    at.file_uploader(key="objection_evidence").set_value(("合同.pdf", b"%PDF-evidence", "application/pdf"))
    button(at, "register_objection").click().run()

    assert any("已受理" in s.value for s in at.success)
    register = table(at, "不予受理原因")
    assert list(register["状态"]) == ["不予受理", "待处理"]
    second = objections.objections(store, STAFF_PRINCIPAL, ROUND)[1]
    assert second.evidence[0].name == "合同.pdf" and second.unit_name == notice.units[0].unit_name
    at.selectbox(key="objection_detail").set_value(second.objection_id).run()
    at.text_area(key="objection_note").input("已函询该单位并核对合同")
    button(at, "add_note").click().run()
    at.radio(key="objection_decision").set_value("异议成立")
    at.text_input(key="objection_decision_reason").input("核实转化金额不实")
    button(at, "decide_objection").click().run()

    assert not at.exception, at.exception
    decided = objections.objections(store, STAFF_PRINCIPAL, ROUND)[1]
    assert decided.status is ObjectionStatus.UPHELD and [n.text for n in decided.notes] == ["已函询该单位并核对合同"]
    assert len(table(at, "所在市")) == len(notice.units) - 1
    assert any(notice.units[0].unit_name in w.value and "不予确认" in w.value for w in at.warning)


# --- 确认通知 ------------------------------------------------------------------------------------------------------


def test_the_list_is_confirmed_after_the_period_and_the_letters_are_generated(store):
    notice = published(store)
    upheld = objections.register_objection(store, STAFF_PRINCIPAL, ROUND, ObjectionInput(
        received_on=date(2023, 6, 7), objector_kind=ObjectorKind.PERSON, objector_name="李四", phone="13800000000",
        sealed_or_signed=True, credit_code=notice.units[2].credit_code, content="数据不实。"))
    at = page_as(store, "confirmation_page.py")
    assert any(f"第 {upheld.objection_id} 号" in w.value for w in at.warning) and "confirm_list" not in keys(at)

    objections.decide_objection(store, STAFF_PRINCIPAL, upheld.objection_id, ObjectionDecision.UPHELD, "数据不实")
    at.run()
    at.text_input(key="confirm_reason").input("公示期满，异议已处理")
    button(at, "confirm_list").click().run()

    assert not at.exception, at.exception
    assert len(table(at, "统一社会信用代码")) == len(notice.units) - 1
    assert any(notice.units[2].unit_name in w.value for w in at.warning)
    button(at, "generate_letters").click().run()

    assert not at.exception, at.exception
    numbers = list(table(at, "文号")["文号"])
    assert numbers[0].startswith("辽知发〔") and numbers[0].endswith("〕1号") and len(numbers) == len(notice.units) - 1
    downloads = {d.key for d in at.get("download_button")}
    assert {"download_letters_zip", "download_letters_merged", "download_letter_docx",
            "download_letter_pdf"} <= downloads
