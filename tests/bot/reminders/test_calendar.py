"""The business calendar on 2026 (and the turn of 2027), checked against a hand-written list."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest

from bot.reminders.calendar import (
    BusinessCalendar,
    parse_business_hours,
    parse_closed_days,
)

TOKYO = ZoneInfo("Asia/Tokyo")
CALENDAR = BusinessCalendar(TOKYO)


def jst(
    year: int, month: int, day: int, hour: int = 0, minute: int = 0, second: int = 0, us: int = 0
) -> datetime:
    return datetime(year, month, day, hour, minute, second, us, tzinfo=TOKYO)


# Every weekday of 2026 on which government offices are closed, written out by hand.
WEEKDAY_CLOSURES_2026 = {
    date(2026, 1, 1): "元日",
    date(2026, 1, 2): "年末年始",
    date(2026, 1, 12): "成人の日",
    date(2026, 2, 11): "建国記念の日",
    date(2026, 2, 23): "天皇誕生日",
    date(2026, 3, 20): "春分の日",
    date(2026, 4, 29): "昭和の日",
    date(2026, 5, 4): "みどりの日",
    date(2026, 5, 5): "こどもの日",
    date(2026, 5, 6): "振替休日 (憲法記念日 5/3 が日曜)",
    date(2026, 7, 20): "海の日",
    date(2026, 8, 11): "山の日",
    date(2026, 9, 21): "敬老の日",
    date(2026, 9, 22): "国民の休日",
    date(2026, 9, 23): "秋分の日",
    date(2026, 10, 12): "スポーツの日",
    date(2026, 11, 3): "文化の日",
    date(2026, 11, 23): "勤労感謝の日",
    date(2026, 12, 29): "年末年始",
    date(2026, 12, 30): "年末年始",
    date(2026, 12, 31): "年末年始",
}


def days_of(year: int) -> list[date]:
    first = date(year, 1, 1)
    return [first + timedelta(days=i) for i in range((date(year + 1, 1, 1) - first).days)]


def test_the_closed_weekdays_of_2026_are_exactly_the_holidays_and_the_year_end_closure() -> None:
    closed_weekdays = {d for d in days_of(2026) if d.weekday() < 5 and not CALENDAR.is_business_day(d)}
    assert closed_weekdays == set(WEEKDAY_CLOSURES_2026)


def test_2026_has_240_business_days_and_no_weekend_is_one() -> None:
    days = days_of(2026)
    assert not any(CALENDAR.is_business_day(d) for d in days if d.weekday() >= 5)
    assert sum(CALENDAR.is_business_day(d) for d in days) == 261 - len(WEEKDAY_CLOSURES_2026) == 240


@pytest.mark.parametrize(
    ("day", "open_"),
    [
        (date(2026, 5, 3), False),  # 憲法記念日, a Sunday
        (date(2026, 5, 6), False),  # its substitute holiday
        (date(2026, 5, 7), True),
        (date(2026, 9, 22), False),  # 国民の休日 between 敬老の日 and 秋分の日
        (date(2026, 12, 28), True),  # 御用納め
        (date(2027, 1, 1), False),
        (date(2027, 1, 3), False),  # a Sunday and the last day of the closure
        (date(2027, 1, 4), True),  # 御用始め
    ],
)
def test_holiday_edges(day: date, open_: bool) -> None:
    assert CALENDAR.is_business_day(day) is open_


@pytest.mark.parametrize(
    ("at", "inside"),
    [
        (jst(2026, 11, 24, 8, 59, 59), False),
        (jst(2026, 11, 24, 9, 0), True),
        (jst(2026, 11, 24, 16, 59, 59, 999999), True),
        (jst(2026, 11, 24, 17, 0), False),
        (datetime(2026, 11, 24, 0, 0, tzinfo=UTC), True),  # 9:00 in Tokyo
        (datetime(2026, 11, 23, 23, 59, tzinfo=UTC), False),  # 8:59 in Tokyo
        (jst(2026, 11, 23, 12, 0), False),  # 勤労感謝の日
        (jst(2026, 11, 21, 12, 0), False),  # Saturday
    ],
)
def test_business_hours_are_half_open_in_local_time(at: datetime, inside: bool) -> None:
    assert CALENDAR.is_business_time(at) is inside


@pytest.mark.parametrize(
    ("at", "expected"),
    [
        (jst(2026, 11, 24, 10, 15), jst(2026, 11, 24, 10, 15)),  # inside: the same instant
        (jst(2026, 11, 24, 8, 59), jst(2026, 11, 24, 9, 0)),
        (jst(2026, 11, 20, 17, 0), jst(2026, 11, 24, 9, 0)),  # over the holiday weekend
        (jst(2026, 11, 22, 3, 0), jst(2026, 11, 24, 9, 0)),
        (jst(2026, 5, 1, 18, 0), jst(2026, 5, 7, 9, 0)),  # Golden Week
        (jst(2026, 12, 28, 17, 0), jst(2027, 1, 4, 9, 0)),  # year-end closure
        (datetime(2026, 11, 24, 8, 0, tzinfo=UTC), jst(2026, 11, 25, 9, 0)),  # 17:00 in Tokyo
    ],
)
def test_next_business_time(at: datetime, expected: datetime) -> None:
    result = CALENDAR.next_business_time(at)
    assert result == expected
    assert result.tzinfo is UTC


@pytest.mark.parametrize(
    ("start", "n", "expected"),
    [
        (jst(2026, 11, 20, 16, 30), 1, jst(2026, 11, 24, 16, 30)),  # Friday, then Monday's a holiday
        (jst(2026, 11, 20, 16, 30), 2, jst(2026, 11, 25, 16, 30)),
        (jst(2026, 11, 20, 16, 30), 0, jst(2026, 11, 20, 16, 30)),
        (jst(2026, 11, 21, 10, 0), 0, jst(2026, 11, 24, 9, 0)),  # Saturday counts from Tuesday's opening
        (jst(2026, 11, 21, 10, 0), 1, jst(2026, 11, 25, 9, 0)),
        (jst(2026, 11, 24, 7, 0), 1, jst(2026, 11, 25, 9, 0)),
        (jst(2026, 11, 24, 20, 0), 1, jst(2026, 11, 26, 9, 0)),
        (jst(2026, 5, 1, 10, 0), 1, jst(2026, 5, 7, 10, 0)),
        (jst(2026, 12, 28, 11, 0), 1, jst(2027, 1, 4, 11, 0)),
        (jst(2026, 9, 18, 9, 0), 2, jst(2026, 9, 25, 9, 0)),  # Silver Week: 9/19–9/23 closed
    ],
)
def test_add_business_days(start: datetime, n: int, expected: datetime) -> None:
    result = CALENDAR.add_business_days(start, n)
    assert result == expected
    assert CALENDAR.business_days_between(start, result) == n


def test_add_business_days_refuses_a_negative_count() -> None:
    with pytest.raises(ValueError, match="0 or more"):
        CALENDAR.add_business_days(jst(2026, 11, 24, 10, 0), -1)


def test_business_time_and_days_between() -> None:
    friday = jst(2026, 11, 20, 16, 30)
    assert CALENDAR.business_time_between(friday, jst(2026, 11, 24, 10, 0)) == timedelta(hours=1, minutes=30)
    assert CALENDAR.business_days_between(friday, jst(2026, 11, 24, 16, 29)) == 0
    assert CALENDAR.business_days_between(friday, jst(2026, 11, 24, 16, 30)) == 1
    assert CALENDAR.business_days_between(jst(2026, 11, 24, 16, 30), friday) == -1
    assert CALENDAR.business_days_between(jst(2026, 1, 1), jst(2027, 1, 1)) == 240
    assert CALENDAR.business_time_between(jst(2026, 11, 21), jst(2026, 11, 24, 9, 0)) == timedelta()


def test_extra_closed_days_close_the_office() -> None:
    calendar = BusinessCalendar(TOKYO, extra_closed_days=frozenset({date(2026, 12, 28), date(2027, 1, 4)}))
    assert not calendar.is_business_day(date(2026, 12, 28))
    assert calendar.next_business_day(date(2026, 12, 25)) == date(2027, 1, 5)
    assert calendar.next_business_time(jst(2026, 12, 25, 17, 0)) == jst(2027, 1, 5, 9, 0)
    assert calendar.add_business_days(jst(2026, 12, 25, 15, 0), 1) == jst(2027, 1, 5, 15, 0)
    assert CALENDAR.is_business_day(date(2026, 12, 28))  # the default calendar is unchanged


def test_other_hours_and_time_zone() -> None:
    calendar = BusinessCalendar(timezone=ZoneInfo("UTC"), opens=time(8, 30), closes=time(17, 15))
    assert calendar.is_business_time(datetime(2026, 11, 24, 8, 30, tzinfo=UTC))
    assert not calendar.is_business_time(datetime(2026, 11, 24, 17, 15, tzinfo=UTC))
    assert calendar.day_length == timedelta(hours=8, minutes=45)


def test_the_calendar_refuses_what_it_cannot_mean() -> None:
    with pytest.raises(ValueError, match="open before"):
        BusinessCalendar(TOKYO, opens=time(17), closes=time(9))
    with pytest.raises(ValueError, match="without a time zone"):
        BusinessCalendar(TOKYO, opens=time(9, tzinfo=TOKYO))
    with pytest.raises(ValueError, match="naive"):
        CALENDAR.is_business_time(datetime(2026, 11, 24, 10, 0))


# Configuration strings


def test_parse_closed_days() -> None:
    assert parse_closed_days("2026-12-28,2027-01-04") == {date(2026, 12, 28), date(2027, 1, 4)}
    assert parse_closed_days(" 2026-12-28 , 2027-01-04,\n") == {date(2026, 12, 28), date(2027, 1, 4)}
    assert parse_closed_days("２０２６-１２-２８") == {date(2026, 12, 28)}  # full-width digits
    assert parse_closed_days("") == frozenset()


@pytest.mark.parametrize("text", ["2026/12/28", "2026-02-30", "20261228", "2026-12-28,tomorrow", "12-28"])
def test_parse_closed_days_names_the_bad_item(text: str) -> None:
    with pytest.raises(ValueError, match=r"closed days: .* is not a date; write YYYY-MM-DD"):
        parse_closed_days(text)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("09:00-17:00", (time(9), time(17))),
        ("9:00 - 17:30", (time(9), time(17, 30))),
        ("８:３０〜１７:１５", (time(8, 30), time(17, 15))),
        ("08:30～17:15", (time(8, 30), time(17, 15))),
    ],
)
def test_parse_business_hours(text: str, expected: tuple[time, time]) -> None:
    assert parse_business_hours(text) == expected


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("9-17", "is not a time range"),
        ("", "is not a time range"),
        ("25:00-26:00", "impossible time"),
        ("09:60-17:00", "impossible time"),
        ("17:00-09:00", "must open before it closes"),
        ("09:00-09:00", "must open before it closes"),
    ],
)
def test_parse_business_hours_says_what_to_write(text: str, message: str) -> None:
    with pytest.raises(ValueError, match=rf"business hours: .*{message}.*e\.g\. 09:00-17:00"):
        parse_business_hours(text)
