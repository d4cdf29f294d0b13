"""Chinese working days (工作日): which days count towards a publicity period. The State Council's yearly holiday
arrangement comes from chinesecalendar for the years it covers; for a later year staff enter that year's holidays
and the weekend days made working days (调休), and a year nobody covers is an error that says so — the period is never
counted on weekends alone."""
from __future__ import annotations

import re
from datetime import date, timedelta
from enum import StrEnum
from typing import Annotated

import chinese_calendar
from pydantic import BaseModel, ConfigDict, Field, model_validator

from scoring.common.access import Permission, Principal, require
from scoring.common.errors import InputError, ReviewError
from scoring.common.models import ActionKind
from scoring.common.normalize import validated
from scoring.rounds.review_rounds import checked_reason
from scoring.storage import Storage
from scoring.storage import publicity_store as store

HOLIDAY_NAMES = {"New Year's Day": "元旦", "Spring Festival": "春节", "Tomb-sweeping Day": "清明节",
                 "Labour Day": "劳动节", "Dragon Boat Festival": "端午节", "National Day": "国庆节",
                 "Mid-autumn Festival": "中秋节", "Anti-Fascist 70th Day": "抗战胜利70周年纪念日"}
MAX_PERIOD = 60  # working days; a longer publicity is a typing error


class CalendarSource(StrEnum):
    LIBRARY = "chinesecalendar（国务院办公厅节假日安排）"
    STAFF = "工作人员录入"


class UncoveredYear(ReviewError):
    """No holiday arrangement is known for a year; the message is for users and says what to do."""

    def __init__(self, year: int):
        self.year = year
        super().__init__(f"系统内置的节假日数据（chinesecalendar）尚未收录 {year} 年的法定节假日安排，无法准确计算工作日。"
                         f"请在“公示”页面的“节假日安排”中录入 {year} 年的放假日期和调休上班日期（以国务院办公厅通知为准）"
                         f"，或用命令 python -m scoring publicity holidays --year {year} 录入；系统不会只按周末推算。")


class DayKind(StrEnum):
    WORKDAY = "工作日"
    WEEKEND = "周末"
    HOLIDAY = "法定节假日"
    ADJUSTED_WORKDAY = "调休上班"


class YearHolidays(BaseModel):
    """A year's arrangement as staff enter it from the State Council's notice: the days off that would otherwise be
    working days (the holidays, with their 调休 days off), and the weekend days made working days."""

    model_config = ConfigDict(frozen=True)

    year: Annotated[int, Field(ge=2000, le=2100)] = Field(title="年份")
    holidays: list[date] = Field(title="放假日期")
    workdays: list[date] = Field(default_factory=list, title="调休上班日期")
    note: str = Field("", title="依据（如国务院办公厅通知文号）")

    @model_validator(mode="after")
    def _consistent(self) -> YearHolidays:
        for field, days in (("放假日期", self.holidays), ("调休上班日期", self.workdays)):
            stray = [d for d in days if d.year != self.year]
            if stray:
                raise ValueError(f"{field}中的 {stray[0]:%Y-%m-%d} 不在 {self.year} 年")
        weekday_workdays = [d for d in self.workdays if d.weekday() < 5]
        if weekday_workdays:
            raise ValueError(f"调休上班日期 {weekday_workdays[0]:%Y-%m-%d} 不是周六或周日")
        both = sorted(set(self.holidays) & set(self.workdays))
        if both:
            raise ValueError(f"{both[0]:%Y-%m-%d} 不能既放假又上班")
        if not self.holidays:
            raise ValueError("请至少录入一个放假日期")
        return self


_DAY = re.compile(r"(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?")
_RANGE = re.compile(rf"^{_DAY.pattern}\s*(?:~|～|至|到|—|--)\s*{_DAY.pattern}$")


def parse_days(text: str, field: str) -> list[date]:
    """Dates as staff type them: “2027-01-01, 2027-02-05~2027-02-11” (also 2027年2月5日至2027年2月11日, one per line
    or separated by commas); ValueError naming the field and the part that is not a date."""
    days: list[date] = []
    for part in re.split(r"[,，;；、\n]+", text or ""):
        part = part.strip()
        if not part:
            continue
        try:
            if matched := _RANGE.match(part):
                numbers = [int(n) for n in matched.groups()]
                first, last = date(*numbers[:3]), date(*numbers[3:])
                if last < first:
                    raise ValueError
                days.extend(first + timedelta(n) for n in range((last - first).days + 1))
            elif (matched := _DAY.fullmatch(part)) is not None:
                days.append(date(*(int(n) for n in matched.groups())))
            else:
                raise ValueError
        except ValueError:
            raise ValueError(f"{field}：“{part}”不是日期或日期范围（例如 2027-02-05 或 2027-02-05~2027-02-11）") from None
    return sorted(set(days))


def year_holidays(year: int, holidays: str, workdays: str, note: str = "") -> YearHolidays:
    """A year's arrangement from the dates as typed into the form or on the command line, or InputError in Chinese."""
    try:
        days = {"holidays": parse_days(holidays, "放假日期"), "workdays": parse_days(workdays, "调休上班日期")}
    except ValueError as exc:  # parse_days names the field and the part it cannot read
        raise InputError(str(exc)) from None
    return validated(YearHolidays, {"year": year, **days, "note": note})


class CalendarDay(BaseModel):
    model_config = ConfigDict(frozen=True)

    day: date
    kind: DayKind
    name: str = ""  # the holiday's name where the calendar knows it

    @property
    def counts(self) -> bool:
        return self.kind in (DayKind.WORKDAY, DayKind.ADJUSTED_WORKDAY)

    def describe(self) -> str:
        weekday = "一二三四五六日"[self.day.weekday()]
        detail = f"（{self.name}）" if self.name else ""
        return f"{self.day:%Y-%m-%d} 星期{weekday}：{self.kind}{detail}"


class WorkCalendar:
    """Working days from staff-entered years first (they may correct or extend the library), then chinesecalendar."""

    def __init__(self, entered: dict[int, YearHolidays] | None = None):
        self.entered = dict(entered or {})

    def source(self, year: int) -> CalendarSource:
        if year in self.entered:
            return CalendarSource.STAFF
        try:
            chinese_calendar.is_workday(date(year, 1, 1))
        except NotImplementedError:
            raise UncoveredYear(year) from None
        return CalendarSource.LIBRARY

    def day(self, day: date) -> CalendarDay:
        weekend = day.weekday() >= 5
        if (entered := self.entered.get(day.year)) is not None:
            if day in entered.workdays:
                return CalendarDay(day=day, kind=DayKind.ADJUSTED_WORKDAY)
            if day in entered.holidays:
                return CalendarDay(day=day, kind=DayKind.HOLIDAY)
            return CalendarDay(day=day, kind=DayKind.WEEKEND if weekend else DayKind.WORKDAY)
        try:
            on_holiday, name = chinese_calendar.get_holiday_detail(day)
        except NotImplementedError:
            raise UncoveredYear(day.year) from None
        label = HOLIDAY_NAMES.get(name, name or "")
        if not on_holiday:
            return CalendarDay(day=day, kind=DayKind.ADJUSTED_WORKDAY if weekend else DayKind.WORKDAY, name=label)
        if label:
            return CalendarDay(day=day, kind=DayKind.HOLIDAY, name=label)
        return CalendarDay(day=day, kind=DayKind.WEEKEND)


class WorkingPeriod(BaseModel):
    """A period of `working_days` working days: its first and last day, and every day in between that did not count
    (weekends, holidays) so that staff can see how the end date came about."""

    model_config = ConfigDict(frozen=True)

    requested_start: date
    start: date  # the first working day on or after the requested start
    end: date
    working_days: int
    skipped: list[CalendarDay]
    adjusted: list[CalendarDay]  # weekend days inside the period that count (调休上班)
    sources: dict[int, CalendarSource]

    def describe(self) -> str:
        """“2023年6月5日至2023年6月9日（5个工作日）”."""
        return f"{self.start.year}年{self.start.month}月{self.start.day}日至{self.end.year}年{self.end.month}月" \
               f"{self.end.day}日（{self.working_days}个工作日）"


def working_period(calendar: WorkCalendar, start: date, working_days: int) -> WorkingPeriod:
    """The period of `working_days` working days beginning on the first working day on or after `start`; UncoveredYear
    if a day falls in a year no calendar covers."""
    if not 1 <= working_days <= MAX_PERIOD:
        raise InputError(f"公示期应为 1 至 {MAX_PERIOD} 个工作日，收到 {working_days}")
    day, counted, first = start, 0, None
    skipped, adjusted, sources = [], [], {}
    while True:
        sources.setdefault(day.year, calendar.source(day.year))
        entry = calendar.day(day)
        if entry.counts:
            first = first or day
            counted += 1
            if entry.kind is DayKind.ADJUSTED_WORKDAY:
                adjusted.append(entry)
            if counted == working_days:
                break
        else:
            skipped.append(entry)
        day += timedelta(days=1)
    return WorkingPeriod(requested_start=start, start=first, end=day, working_days=working_days,
                         skipped=[s for s in skipped if s.day >= first], adjusted=adjusted, sources=sources)


# --- staff-entered years ---------------------------------------------------------------------------------------


def entered_years(storage: Storage) -> dict[int, YearHolidays]:
    """The years staff entered, the latest entry of each."""
    return {entry.year: YearHolidays(year=entry.year, **entry.data) for entry in store.load_holiday_years(storage)}


def work_calendar(storage: Storage) -> WorkCalendar:
    return WorkCalendar(entered_years(storage))


def enter_year(storage: Storage, principal: Principal, batch_id: str, holidays: YearHolidays,
               reason: str) -> YearHolidays:
    """Record a year's arrangement for every batch (replacing an earlier entry for the year, which stays in the
    audit log); staff who manage a batch's rounds may do it."""
    require(principal, Permission.MANAGE_ROUNDS, batch_id)
    reason = checked_reason(reason, "录入节假日安排")
    data = holidays.model_dump(mode="json", exclude={"year"})
    with storage.transaction(principal.actor) as tx:
        store.replace_holiday_year(tx, holidays.year, data)
        tx.audit(ActionKind.HOLIDAYS_ENTER, f"holidays/{holidays.year}", reason,
                 {"holidays": len(holidays.holidays), "workdays": len(holidays.workdays), "note": holidays.note})
    return holidays
