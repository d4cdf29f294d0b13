"""Working days: holidays and the weekend days made working days (调休) count as the State Council set them; a year
no calendar covers is an error unless staff entered it."""
from datetime import date, timedelta

import pytest

from scoring.common.access import AccessDenied
from scoring.common.errors import InputError
from scoring.publicity.workdays import (
    CalendarSource,
    DayKind,
    UncoveredYear,
    WorkCalendar,
    YearHolidays,
    enter_year,
    parse_days,
    work_calendar,
    working_period,
    year_holidays,
)
from tests.builders.rounds import OBSERVER, STAFF, sample_storage

LIBRARY = WorkCalendar()


def test_an_ordinary_week_ends_on_the_fifth_working_day():
    period = working_period(LIBRARY, date(2023, 6, 5), 5)

    assert (period.start, period.end) == (date(2023, 6, 5), date(2023, 6, 9))
    assert period.describe() == "2023年6月5日至2023年6月9日（5个工作日）"


def test_national_day_is_skipped_and_its_adjusted_saturday_counts():
    # 2023: 29 Sep – 6 Oct off (中秋、国庆); Saturday 7 and Sunday 8 October are working days.
    period = working_period(LIBRARY, date(2023, 9, 27), 5)

    # counted: 27 and 28 September, Saturday 7, Sunday 8 and Monday 9 October
    assert period.end == date(2023, 10, 9)
    assert [d.day for d in period.adjusted] == [date(2023, 10, 7), date(2023, 10, 8)]
    assert [d.day for d in period.skipped] == [date(2023, 9, 29) + timedelta(n) for n in range(8)]
    assert [d.name for d in period.skipped[:2]] == ["中秋节", "国庆节"]


def test_spring_festival_2024_with_its_two_adjusted_sundays():
    # 2024: 10–17 Feb off; Sunday 4 Feb and Sunday 18 Feb are working days.
    assert LIBRARY.day(date(2024, 2, 4)).kind is DayKind.ADJUSTED_WORKDAY
    period = working_period(LIBRARY, date(2024, 2, 8), 5)

    assert period.end == date(2024, 2, 20)  # 8, 9, Sunday 18 (adjusted), 19, 20
    assert [d.day for d in period.adjusted] == [date(2024, 2, 18)]
    assert {d.name for d in period.skipped} == {"春节"}


def test_a_start_on_a_holiday_moves_to_the_first_working_day():
    period = working_period(LIBRARY, date(2023, 10, 1), 3)

    assert period.requested_start == date(2023, 10, 1)
    assert (period.start, period.end) == (date(2023, 10, 7), date(2023, 10, 9))


def test_the_period_runs_over_new_year_into_the_next_year():
    period = working_period(LIBRARY, date(2025, 12, 29), 5)

    assert period.end == date(2026, 1, 5)  # 29–31 Dec; 1–3 Jan 2026 off; Sunday 4 Jan a working day; 5 Jan
    assert set(period.sources) == {2025, 2026}


def test_a_year_the_library_does_not_cover_is_an_error_that_says_what_to_do():
    with pytest.raises(UncoveredYear, match="尚未收录 2099 年.*录入 2099 年的放假日期") as raised:
        working_period(LIBRARY, date(2099, 6, 1), 5)
    assert raised.value.year == 2099


def test_a_period_reaching_into_an_uncovered_year_fails_rather_than_counting_weekends():
    with pytest.raises(UncoveredYear):
        working_period(LIBRARY, date(2026, 12, 28), 10)


def test_staff_entered_holidays_cover_the_year_with_its_adjusted_days():
    entered = YearHolidays(year=2099, holidays=parse_days("2099-10-01~2099-10-07", "放假日期"),
                           workdays=parse_days("2099-09-27, 2099年10月10日", "调休上班日期"))
    calendar = WorkCalendar({2099: entered})

    period = working_period(calendar, date(2099, 9, 30), 3)

    assert calendar.source(2099) is CalendarSource.STAFF
    assert period.end == date(2099, 10, 9)  # 30 Sep, (1–7 off), 8 Oct Thursday, 9 Oct Friday
    assert calendar.day(date(2099, 10, 10)).kind is DayKind.ADJUSTED_WORKDAY


@pytest.mark.parametrize(("text", "message"), [
    ("2099-13-01", "“2099-13-01”不是日期"), ("明天", "不是日期"), ("2099-10-07~2099-10-01", "不是日期或日期范围")])
def test_unreadable_dates_name_the_field_and_the_part(text, message):
    with pytest.raises(ValueError, match=message) as raised:
        parse_days(text, "放假日期")
    assert str(raised.value).startswith("放假日期：")


@pytest.mark.parametrize(("holidays", "workdays", "message"), [
    ([date(2098, 10, 1)], [], "不在 2099 年"),
    ([date(2099, 10, 1)], [date(2099, 10, 5)], "不是周六或周日"),
    ([date(2099, 10, 3)], [date(2099, 10, 3)], "不能既放假又上班"),
    ([], [], "至少录入一个放假日期")])
def test_an_inconsistent_year_is_refused(holidays, workdays, message):
    with pytest.raises(ValueError, match=message):
        YearHolidays(year=2099, holidays=holidays, workdays=workdays)


@pytest.mark.parametrize(("holidays", "workdays", "message"), [
    ("2099-13-01", "", "^放假日期：“2099-13-01”不是日期或日期范围"),
    ("2099-10-01", "2099-10-05", "^调休上班日期 2099-10-05 不是周六或周日$"),
    ("", "", "^请至少录入一个放假日期$")])
def test_a_year_typed_into_a_form_is_refused_as_input_naming_the_problem(holidays, workdays, message):
    with pytest.raises(InputError, match=message):
        year_holidays(2099, holidays, workdays)


def test_a_year_typed_into_a_form_reads_its_ranges():
    entered = year_holidays(2099, "2099-10-01~2099-10-03", "2099-09-27", "国办发明电〔2098〕1号")

    assert (len(entered.holidays), entered.workdays, entered.note) == (3, [date(2099, 9, 27)], "国办发明电〔2098〕1号")


def test_a_period_of_no_working_days_is_refused_as_input():
    with pytest.raises(InputError, match="1 至 60 个工作日"):
        working_period(LIBRARY, date(2023, 6, 5), 0)


def test_an_entered_year_is_stored_audited_and_replaced_by_a_later_entry(tmp_path):
    storage = sample_storage(tmp_path)
    first = YearHolidays(year=2099, holidays=[date(2099, 1, 1)], note="国办发明电〔2098〕1号")
    with pytest.raises(AccessDenied):
        enter_year(storage, OBSERVER, "2023", first, "录入")

    enter_year(storage, STAFF, "2023", first, "国务院办公厅通知已发布")
    enter_year(storage, STAFF, "2023", first.model_copy(update={"holidays": [date(2099, 1, 2)]}), "更正")

    assert work_calendar(storage).entered[2099].holidays == [date(2099, 1, 2)]
    assert [e.reason for e in storage.audit_log(entity="holidays/2099")] == ["更正", "国务院办公厅通知已发布"]
