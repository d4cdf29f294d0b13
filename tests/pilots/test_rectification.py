"""Rectification (整改): the unit's 整改报告 while its pilot is 整改, and staff's re-check setting the status."""
from datetime import datetime

import pytest

from scoring.common.access import AccessDenied
from scoring.pilots import rectification as rect
from scoring.pilots.rectification import RectificationError
from scoring.pilots.registry import PilotStatus, get_pilot, set_status, status_history
from tests.builders.clock import frozen_clock
from tests.builders.pilots import city_account, pilots_storage, the_pilots, unit_account
from tests.builders.rounds import STAFF

TEXT = "针对验收指出的资金使用问题，已逐项整改：调整支出科目，补充转化台账。"


@pytest.fixture
def storage(tmp_path, monkeypatch):
    frozen_clock(monkeypatch, datetime(2024, 4, 1, 10))
    return pilots_storage(tmp_path)


@pytest.fixture
def pilot(storage):
    pilot = the_pilots(storage)[0]
    set_status(storage, STAFF, "2023", pilot.credit_code, 2023, PilotStatus.RECTIFYING, "年度验收基本合格")
    return pilot


@pytest.fixture
def unit(pilot):
    return unit_account(pilot)


def test_a_rectifying_unit_submits_its_report_with_a_file_kept_by_hash(storage, pilot, unit):
    done = rect.submit_rectification(storage, unit, "2023", pilot.credit_code, 2023, TEXT,
                                     ("整改报告.pdf", b"%PDF-1.4 rectification"))

    assert (done.version, done.text, done.file.filename, done.recheck) == (1, TEXT, "整改报告.pdf", None)
    assert rect.rectification_file(storage, STAFF, "2023", pilot.credit_code, done.file.sha256) == (
        "整改报告.pdf", b"%PDF-1.4 rectification")
    again = rect.submit_rectification(storage, unit, "2023", pilot.credit_code, 2023, TEXT + "补充说明。")
    assert (again.version, again.file) == (2, None)


def test_a_pilot_not_rectifying_cannot_submit(storage):
    building = the_pilots(storage)[1]

    with pytest.raises(RectificationError, match="在建，不在整改期"):
        rect.submit_rectification(storage, unit_account(building), "2023", building.credit_code, 2023, TEXT)


def test_only_the_units_own_account_submits(storage, pilot):
    other = unit_account(the_pilots(storage)[1])
    with pytest.raises(AccessDenied):
        rect.submit_rectification(storage, other, "2023", pilot.credit_code, 2023, TEXT)
    with pytest.raises(AccessDenied):
        rect.submit_rectification(storage, STAFF, "2023", pilot.credit_code, 2023, TEXT)


def test_a_file_of_an_unknown_type_is_refused(storage, pilot, unit):
    with pytest.raises(RectificationError, match="不能上传"):
        rect.submit_rectification(storage, unit, "2023", pilot.credit_code, 2023, TEXT, ("整改.exe", b"MZ"))


def test_a_passed_recheck_puts_the_pilot_back_to_building(storage, pilot, unit):
    rect.submit_rectification(storage, unit, "2023", pilot.credit_code, 2023, TEXT)

    done = rect.record_recheck(storage, STAFF, "2023", pilot.credit_code, 2023, True, "整改到位")

    assert done.recheck.passed and done.recheck.reason == "整改到位"
    assert get_pilot(storage, STAFF, "2023", pilot.credit_code).status is PilotStatus.BUILDING
    assert status_history(storage, STAFF, "2023", pilot.credit_code)[-1].reason == "整改复核通过：整改到位"


def test_a_passed_recheck_in_the_last_year_passes_the_pilot(storage, pilot, unit):
    set_status(storage, STAFF, "2023", pilot.credit_code, 2025, PilotStatus.RECTIFYING, "综合评估基本合格")
    rect.submit_rectification(storage, unit, "2023", pilot.credit_code, 2025, TEXT)

    rect.record_recheck(storage, STAFF, "2023", pilot.credit_code, 2025, True, "整改到位")

    assert get_pilot(storage, STAFF, "2023", pilot.credit_code).status is PilotStatus.PASSED


def test_a_failed_recheck_fails_the_pilot_and_no_second_recheck(storage, pilot, unit):
    rect.submit_rectification(storage, unit, "2023", pilot.credit_code, 2023, TEXT)

    rect.record_recheck(storage, STAFF, "2023", pilot.credit_code, 2023, False, "整改不到位")

    assert get_pilot(storage, STAFF, "2023", pilot.credit_code).status is PilotStatus.FAILED
    with pytest.raises(RectificationError, match="不在整改期"):
        rect.record_recheck(storage, STAFF, "2023", pilot.credit_code, 2023, True, "再次复核")


def test_a_recheck_needs_a_report_staff_and_a_reason(storage, pilot, unit):
    with pytest.raises(RectificationError, match="尚未提交 2023 年的整改报告"):
        rect.record_recheck(storage, STAFF, "2023", pilot.credit_code, 2023, True, "整改到位")
    rect.submit_rectification(storage, unit, "2023", pilot.credit_code, 2023, TEXT)
    with pytest.raises(AccessDenied):
        rect.record_recheck(storage, unit, "2023", pilot.credit_code, 2023, True, "整改到位")
    with pytest.raises(RectificationError, match="复核意见"):
        rect.record_recheck(storage, STAFF, "2023", pilot.credit_code, 2023, True, "")


def test_the_recheck_and_the_status_are_one_transaction(storage, pilot, unit, monkeypatch):
    rect.submit_rectification(storage, unit, "2023", pilot.credit_code, 2023, TEXT)

    def broken(*args, **kwargs):
        raise RuntimeError("disk full")

    monkeypatch.setattr(rect, "record_status", broken)
    with pytest.raises(RuntimeError):
        rect.record_recheck(storage, STAFF, "2023", pilot.credit_code, 2023, True, "整改到位")

    assert rect.rectifications(storage, STAFF, "2023", pilot.credit_code)[-1].recheck is None


def test_a_city_bureau_reads_its_citys_rectifications_only(storage, pilot, unit):
    rect.submit_rectification(storage, unit, "2023", pilot.credit_code, 2023, TEXT)

    assert len(rect.rectifications(storage, city_account("沈阳市"), "2023", pilot.credit_code)) == 1
    with pytest.raises(AccessDenied):
        rect.rectifications(storage, city_account("大连市"), "2023", pilot.credit_code)
