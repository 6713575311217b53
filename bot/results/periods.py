"""Reading the period of a result (statistics, exports) from what an administrator typed.

Accepted, after NFKC (full-width digits are fine): a range `2026-04-01..2027-03-31` (also with
`~` or `〜`, and `/` or 年月日 in the dates), a fiscal year `2026年度` or `令和8年度` (April 1 to
March 31, the Japanese government's year), `今年度` / `前年度` (also 昨年度), a month `2026-04`
(also 2026/4, 2026年4月) and `今月` / `先月` (also 前月). Anything else is a ValueError whose
message, in Japanese, says what to write.

The words below are what people type, never shown: they are the input vocabulary of this parser.
"""

from __future__ import annotations

import calendar
import re
import unicodedata
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta, tzinfo
from functools import cache

from bot import texts
from flows.display import era_year

FISCAL_YEAR_FIRST_MONTH = 4  # 年度: April 1 to March 31

_RANGE_SEPARATORS = ("..", "~", "〜")
_DATE = re.compile(r"(?P<y>\d{4})[-/年](?P<m>\d{1,2})[-/月](?P<d>\d{1,2})日?")
_MONTH = re.compile(r"(?P<y>\d{4})[-/年](?P<m>\d{1,2})月?")
_FISCAL_YEAR = re.compile(r"(?P<y>\d{4})年度")
_ERA_FISCAL_YEAR = re.compile(r"(?P<era>[^\d元]+?)(?P<n>元|\d{1,2})年度")
_FIRST_YEAR = "元"
_THIS_FISCAL_YEAR = "今年度"
_LAST_FISCAL_YEAR = ("前年度", "昨年度")
_THIS_MONTH = "今月"
_LAST_MONTH = ("先月", "前月")


@dataclass(frozen=True, slots=True)
class Period:
    """The days from `start` to `end`, both included, in the survey's time zone."""

    start: date
    end: date
    label: str  # 令和8年度(令和8年4月1日〜令和9年3月31日)

    def bounds(self, timezone: tzinfo) -> tuple[datetime, datetime]:
        """[start, end) as aware UTC datetimes: local midnight of `start` to that after `end`."""
        first = datetime.combine(self.start, time.min, tzinfo=timezone)
        after = datetime.combine(self.end + timedelta(days=1), time.min, tzinfo=timezone)
        return first.astimezone(UTC), after.astimezone(UTC)


def parse_period(text: str, today: date) -> Period:
    """The period an administrator typed; `today` (in the survey's time zone) anchors 今年度 and 今月."""
    typed = unicodedata.normalize("NFKC", text or "").strip()
    compact = re.sub(r"\s+", "", typed)
    for separator in _RANGE_SEPARATORS:
        if compact.count(separator) == 1:
            first, last = compact.split(separator)
            return between(_day(first, typed), _day(last, typed))
    if compact == _THIS_FISCAL_YEAR:
        return fiscal_year(fiscal_year_of(today))
    if compact in _LAST_FISCAL_YEAR:
        return fiscal_year(fiscal_year_of(today) - 1)
    if compact == _THIS_MONTH:
        return month(today.year, today.month)
    if compact in _LAST_MONTH:
        previous = today.replace(day=1) - timedelta(days=1)
        return month(previous.year, previous.month)
    if found := _FISCAL_YEAR.fullmatch(compact):
        return fiscal_year(int(found["y"]))
    if found := _ERA_FISCAL_YEAR.fullmatch(compact):
        number = 1 if found["n"] == _FIRST_YEAR else int(found["n"])
        year = _era_years(today.year + 1).get(f"{found['era']}{_FIRST_YEAR if number == 1 else number}")
        if year is None:
            raise ValueError(texts.period_unknown_era(typed))
        return fiscal_year(year)
    if found := _MONTH.fullmatch(compact):
        if not 1 <= int(found["m"]) <= 12:
            raise ValueError(texts.period_impossible_day(typed))
        return month(int(found["y"]), int(found["m"]))
    raise ValueError(texts.period_unreadable(typed))


def between(start: date, end: date) -> Period:
    """The days from `start` to `end` inclusive; ValueError if they are the wrong way round."""
    if start > end:
        raise ValueError(texts.period_reversed(start, end))
    return Period(start, end, texts.range_label(start, end))


def fiscal_year(year: int) -> Period:
    """年度 `year`: April 1 of `year` to March 31 of the next."""
    start = date(year, FISCAL_YEAR_FIRST_MONTH, 1)
    end = date(year + 1, FISCAL_YEAR_FIRST_MONTH, 1) - timedelta(days=1)
    return Period(start, end, texts.fiscal_year_label(year, start, end))


def fiscal_year_of(day: date) -> int:
    return day.year if day.month >= FISCAL_YEAR_FIRST_MONTH else day.year - 1


def month(year: int, number: int) -> Period:
    start = date(year, number, 1)
    end = date(year, number, calendar.monthrange(year, number)[1])
    return Period(start, end, texts.month_label(start, end))


def _day(part: str, typed: str) -> date:
    found = _DATE.fullmatch(part)
    if found is None:
        raise ValueError(texts.period_unreadable(typed))
    try:
        return date(int(found["y"]), int(found["m"]), int(found["d"]))
    except ValueError:
        raise ValueError(texts.period_impossible_day(part)) from None


@cache
def _era_years(last_year: int) -> dict[str, int]:
    """{"令和8": 2026, "令和元": 2019, "平成31": 2019, …}: every era year that names a fiscal year,
    read off flows.display's own eras. A calendar year that changed era has both names."""
    names: dict[str, int] = {}
    for year in range(1869, last_year + 1):
        for day in (date(year, 1, 1), date(year, 12, 31)):
            names[era_year(day).removesuffix("年")] = year
    return names
