"""追加奖励 page: staff see the year's standard, the preview with every pilot's steps, confirm with a reason and get
the export; an observer sees the confirmed awards but no form and no confirm button."""
from __future__ import annotations

from decimal import Decimal

import pytest
from streamlit.testing.v1 import AppTest

from app_pages.widgets import common
from scoring.common import accounts
from scoring.common.access import Grant, Role
from scoring.common.models import ActionKind
from scoring.pilots import awards
from scoring.storage import report_store
from tests.app.conftest import PASSWORD, ROOT, create_person, keys
from tests.builders.databases import copy_to
from tests.builders.pilots import pilots_database, the_pilots
from tests.builders.rounds import STAFF
from tests.builders.awards import report, standard

PAGE = "app_pages/pilots/awards_page.py"


@pytest.fixture
def store(tmp_path, monkeypatch):
    monkeypatch.setenv("SCORING_DB", str(copy_to(pilots_database(), tmp_path / "review.duckdb")))
    monkeypatch.chdir(ROOT)
    store = common.storage()
    awards.save_standard(store, STAFF, 2023, standard(), "按2023年奖补标准设置")
    first = the_pilots(store)[0]
    submitted = report(first, transfer_count=12, transfer_received=Decimal("230.00"))
    with store.transaction("unit") as tx:  # a submitted report, as the reports module stores one
        report_store.insert_version(tx, "2023", first.credit_code, 2023, 1, submitted.model_dump_json(), "已提交市局",
                                    False)
        tx.audit(ActionKind.REPORT_SUBMIT, f"report/{first.credit_code}", "提交市局")
    return store


def page(store, *grants: Grant, login: str = "tester") -> AppTest:
    create_person(store, login, "测试员", *(grants or (Grant(role=Role.STAFF),)))
    at = AppTest.from_file(str(ROOT / PAGE), default_timeout=60)
    at.session_state[common.SESSION_KEY] = accounts.login(store, login, PASSWORD)
    at.session_state[common.BATCH_KEY] = "2023"
    at.run()
    assert not at.exception, at.exception
    return at


def texts(at: AppTest) -> str:
    return "\n".join(m.value for m in at.markdown)


def test_staff_see_the_standard_and_every_pilot_steps(store):
    at = page(store)

    assert "转让 1.00、许可 0.50、作价入股 2.00 万元/件" in texts(at)
    preview = next(d.value for d in at.dataframe if "奖励金额（万元）" in d.value.columns)
    assert len(preview) == 5
    labels = [e.label for e in at.expander]
    assert len(labels) == 5
    # no outcome entered yet: the reported pilot is refused for that, the others also for the missing report
    assert "不符合奖励条件：尚无 2023 年度验收结果（须为优秀、合格）" in texts(at)
    assert "不符合奖励条件：未报送年度工作总结" in texts(at)
    assert {"confirm_awards"} <= keys(at)


def test_staff_confirm_with_a_reason_and_export(store):
    at = page(store)

    at.text_input(key="award_confirm_reason").input("年度验收会议确认")
    next(b for b in at.button if b.key == "confirm_awards").click()
    at.run()

    assert not at.exception, at.exception
    assert len(awards.confirmed_awards(store, STAFF, "2023", 2023)) == 5
    next(b for b in at.button if b.key == "export_awards").click()
    at.run()
    assert not at.exception, at.exception
    assert not at.error


def test_a_confirmation_without_a_reason_is_shown_as_an_error(store):
    at = page(store)

    next(b for b in at.button if b.key == "confirm_awards").click()
    at.run()

    assert not at.exception
    assert "请写明理由" in at.error[0].value


def test_staff_save_the_standard_from_the_form(store):
    at = page(store)

    at.number_input(key="award_cap").set_value(30.0)
    at.text_input(key="award_standard_reason").input("上限调整为30万元")
    next(b for b in at.button if "FormSubmitter" in b.id).click()  # the form's submit button has no key of its own
    at.run()

    assert not at.exception, at.exception
    assert awards.award_standard(store, STAFF, 2023).cap == Decimal("30.00")


def test_an_observer_sees_the_confirmed_awards_but_cannot_confirm(store):
    awards.confirm_awards(store, STAFF, "2023", 2023,
                          awards.preview_awards(store, STAFF, "2023", 2023, {}, set()), "年度验收会议确认")

    at = page(store, Grant(role=Role.OBSERVER), login="watch")

    assert "confirm_awards" not in keys(at)
    assert any("奖励金额（万元）" in d.value.columns for d in at.dataframe)
    assert "export_awards" in keys(at)
