"""Periods as administrators type them: ranges, fiscal years (April to March), 和暦, months."""

from __future__ import annotations

from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

import pytest

from bot.results.periods import Period, parse_period

TODAY = date(2026, 11, 30)


@pytest.mark.parametrize(
    "typed",
    ["2026年度", "令和8年度", "２０２６年度", "令和８年度", " 2026年度 ", "今年度"],
)
def test_the_fiscal_year_runs_from_april_to_march(typed: str) -> None:
    period = parse_period(typed, TODAY)
    assert (period.start, period.end) == (date(2026, 4, 1), date(2027, 3, 31))
    assert period.label == "令和8年度(令和8年4月1日〜令和9年3月31日)"


def test_this_fiscal_year_in_the_first_three_months_of_a_year_is_the_one_before() -> None:
    assert parse_period("今年度", date(2027, 3, 31)).start == date(2026, 4, 1)
    assert parse_period("今年度", date(2027, 4, 1)).start == date(2027, 4, 1)
    assert parse_period("前年度", date(2027, 3, 31)).start == date(2025, 4, 1)
    assert parse_period("昨年度", TODAY).label == "令和7年度(令和7年4月1日〜令和8年3月31日)"


@pytest.mark.parametrize(
    ("typed", "year", "label"),
    [
        ("令和元年度", 2019, "令和元年度(平成31年4月1日〜令和2年3月31日)"),
        ("令和1年度", 2019, "令和元年度(平成31年4月1日〜令和2年3月31日)"),
        ("平成31年度", 2019, "令和元年度(平成31年4月1日〜令和2年3月31日)"),
        ("平成30年度", 2018, "平成30年度(平成30年4月1日〜平成31年3月31日)"),
        ("2019年度", 2019, "令和元年度(平成31年4月1日〜令和2年3月31日)"),
        ("昭和63年度", 1988, "昭和63年度(昭和63年4月1日〜平成元年3月31日)"),
    ],
)
def test_era_years(typed: str, year: int, label: str) -> None:
    period = parse_period(typed, TODAY)
    assert (period.start, period.end, period.label) == (date(year, 4, 1), date(year + 1, 3, 31), label)


@pytest.mark.parametrize(
    ("typed", "start", "end"),
    [
        ("2026-04-01..2027-03-31", date(2026, 4, 1), date(2027, 3, 31)),
        ("2026/4/1〜2026/4/30", date(2026, 4, 1), date(2026, 4, 30)),
        ("2026年4月1日～2026年4月1日", date(2026, 4, 1), date(2026, 4, 1)),  # full-width tilde
        ("２０２６－０４－０１ .. ２０２６－０５－０１", date(2026, 4, 1), date(2026, 5, 1)),
    ],
)
def test_ranges_include_both_ends(typed: str, start: date, end: date) -> None:
    period = parse_period(typed, TODAY)
    assert (period.start, period.end) == (start, end)


def test_a_range_reads_in_the_japanese_era() -> None:
    period = parse_period("2026-04-01..2027-03-31", TODAY)
    assert period.label == "令和8年4月1日〜令和9年3月31日"


@pytest.mark.parametrize(
    ("typed", "start", "end", "label"),
    [
        ("2026-04", date(2026, 4, 1), date(2026, 4, 30), "令和8年4月(令和8年4月1日〜令和8年4月30日)"),
        ("2028/2", date(2028, 2, 1), date(2028, 2, 29), "令和10年2月(令和10年2月1日〜令和10年2月29日)"),
        ("2026年12月", date(2026, 12, 1), date(2026, 12, 31), "令和8年12月(令和8年12月1日〜令和8年12月31日)"),
        ("今月", date(2026, 11, 1), date(2026, 11, 30), "令和8年11月(令和8年11月1日〜令和8年11月30日)"),
        ("先月", date(2026, 10, 1), date(2026, 10, 31), "令和8年10月(令和8年10月1日〜令和8年10月31日)"),
    ],
)
def test_months(typed: str, start: date, end: date, label: str) -> None:
    assert parse_period(typed, TODAY) == Period(start, end, label)


def test_last_month_in_january_is_december() -> None:
    assert parse_period("先月", date(2027, 1, 15)).start == date(2026, 12, 1)


@pytest.mark.parametrize(
    ("typed", "message"),
    [
        ("", "期間「」を読み取れません。"),
        ("去年", "期間「去年」を読み取れません。"),
        ("2026", "期間「2026」を読み取れません。"),
        ("2026-04-01", "期間「2026-04-01」を読み取れません。"),
        ("2026-04-01..", "期間「2026-04-01..」を読み取れません。"),
        ("2026-04-01..2026-05-01..2026-06-01", "を読み取れません"),
        ("2026-02-30..2026-03-31", "「2026-02-30」は存在しない日付です。"),
        ("2026-13", "「2026-13」は存在しない日付です。"),
        (
            "2027-03-31..2026-04-01",
            "期間の始まり(令和9年3月31日)が終わり(令和8年4月1日)より後になっています。",
        ),
        ("慶応3年度", "「慶応3年度」の元号と年を読み取れません"),
        ("令和99年度", "「令和99年度」の元号と年を読み取れません"),
    ],
)
def test_what_cannot_be_read_says_what_to_write(typed: str, message: str) -> None:
    with pytest.raises(ValueError) as raised:
        parse_period(typed, TODAY)
    assert message in str(raised.value)
    if "読み取れません。" in message:
        assert "2026年度、令和8年度、今年度" in str(raised.value)  # the examples


def test_the_bounds_are_local_midnights_in_utc() -> None:
    period = parse_period("2026年度", TODAY)
    assert period.bounds(ZoneInfo("Asia/Tokyo")) == (
        datetime(2026, 3, 31, 15, tzinfo=UTC),
        datetime(2027, 3, 31, 15, tzinfo=UTC),
    )
    # Daylight saving time moves the offset; each bound is that day's own midnight.
    start, end = parse_period("2026-03", TODAY).bounds(ZoneInfo("Europe/Berlin"))
    assert (start, end) == (datetime(2026, 2, 28, 23, tzinfo=UTC), datetime(2026, 3, 31, 22, tzinfo=UTC))
