"""The business calendar: when the office is open, so reminders never arrive on a closed day.

Closed days are weekends, Japanese national holidays (including substitute holidays and the
国民の休日, from the `holidays` package), the government offices' year-end closure (12/29–1/3)
and any extra days from the configuration. Business hours are a half-open interval
[opens, closes) of local wall-clock time, the same on every business day.

Every method takes aware datetimes in any zone and returns aware UTC, like the rest of the
project (the database stores aware UTC). Nothing here reads a clock.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from functools import cache
from zoneinfo import ZoneInfo

import holidays

DEFAULT_OPENS = time(9, 0)
DEFAULT_CLOSES = time(17, 0)


@cache
def national_holidays(year: int) -> frozenset[date]:
    """Japan's national holidays of one year (empty outside the years the package knows)."""
    return frozenset(holidays.country_holidays("JP", years=year))


def is_year_end_closure(day: date) -> bool:
    """行政機関の休日: government offices close from December 29 to January 3."""
    return (day.month == 12 and day.day >= 29) or (day.month == 1 and day.day <= 3)


def _require_aware(at: datetime) -> None:
    if at.tzinfo is None or at.utcoffset() is None:
        raise ValueError(f"expected an aware datetime, got the naive {at.isoformat()}")


@dataclass(frozen=True)
class BusinessCalendar:
    timezone: ZoneInfo  # the survey's (Settings.timezone): no default, so there is one source
    opens: time = DEFAULT_OPENS
    closes: time = DEFAULT_CLOSES
    extra_closed_days: frozenset[date] = field(default_factory=frozenset)

    def __post_init__(self) -> None:
        if self.opens.tzinfo is not None or self.closes.tzinfo is not None:
            raise ValueError("business hours are local wall-clock times: give them without a time zone")
        if not self.opens < self.closes:
            raise ValueError(
                f"business hours must open before they close, got {self.opens:%H:%M}-{self.closes:%H:%M}"
            )
        # Accept any iterable of dates but keep the dataclass hashable and immutable.
        object.__setattr__(self, "extra_closed_days", frozenset(self.extra_closed_days))

    @property
    def day_length(self) -> timedelta:
        """The business time in one business day (8 hours for 9:00–17:00)."""
        return datetime.combine(date.min, self.closes) - datetime.combine(date.min, self.opens)

    # Days

    def is_business_day(self, day: date) -> bool:
        return not (
            day.weekday() >= 5
            or day in national_holidays(day.year)
            or is_year_end_closure(day)
            or day in self.extra_closed_days
        )

    def next_business_day(self, day: date) -> date:
        """The first business day strictly after `day`."""
        day += timedelta(days=1)
        while not self.is_business_day(day):
            day += timedelta(days=1)
        return day

    def opening(self, day: date) -> datetime:
        """When `day` opens (whether or not it is a business day), in UTC."""
        return self._at(day, self.opens)

    def closing(self, day: date) -> datetime:
        return self._at(day, self.closes)

    # Instants

    def local(self, at: datetime) -> datetime:
        _require_aware(at)
        return at.astimezone(self.timezone)

    def is_business_time(self, at: datetime) -> bool:
        """On a business day, at or after opening and before closing (9:00 is in, 17:00 is out)."""
        local = self.local(at)
        return self.is_business_day(local.date()) and self.opens <= local.time() < self.closes

    def next_business_time(self, at: datetime) -> datetime:
        """`at` itself if it is a business instant, otherwise the next opening."""
        local = self.local(at)
        if self.is_business_time(at):
            return at.astimezone(UTC)
        day = local.date()
        if self.is_business_day(day) and local.time() < self.opens:
            return self.opening(day)
        return self.opening(self.next_business_day(day))

    def next_day_opening(self, at: datetime) -> datetime:
        """The opening of the first business day after `at`'s local date (where a snooze lands)."""
        return self.opening(self.next_business_day(self.local(at).date()))

    def add_business_days(self, start: datetime, n: int) -> datetime:
        """The first instant by which n full business days of business time have passed since `start`.

        Counting starts at `next_business_time(start)`; since every business day holds the same
        hours, the result is that instant's local time of day on the n-th business day after it.
        So activity on Friday 16:30 plus one business day is the next business day at 16:30, and
        activity on Saturday plus one is the second business day at opening. n = 0 gives
        `next_business_time(start)`. The result is always a business instant.
        """
        if n < 0:
            raise ValueError(f"n must be 0 or more, got {n}")
        begin = self.local(self.next_business_time(start))
        day = begin.date()
        for _ in range(n):
            day = self.next_business_day(day)
        return self._at(day, begin.time())

    def business_time_between(self, a: datetime, b: datetime) -> timedelta:
        """The business time inside [a, b); negative when b is before a."""
        if b < a:
            return -self.business_time_between(b, a)
        total = timedelta()
        day, last = self.local(a).date(), self.local(b).date()
        while day <= last:
            if self.is_business_day(day):
                start, end = max(a, self.opening(day)), min(b, self.closing(day))
                if end > start:
                    total += end - start
            day += timedelta(days=1)
        return total

    def business_days_between(self, a: datetime, b: datetime) -> int:
        """Whole business days of business time between a and b (negative when b is before a).

        The inverse of `add_business_days`: business_days_between(a, add_business_days(a, n)) == n.
        """
        elapsed = self.business_time_between(a, b)
        whole = abs(elapsed) // self.day_length
        return whole if elapsed >= timedelta() else -whole

    def _at(self, day: date, wall: time) -> datetime:
        # zoneinfo resolves the wall time (fold=0); Asia/Tokyo has no DST gaps to worry about.
        return datetime.combine(day, wall, tzinfo=self.timezone).astimezone(UTC)


# Configuration strings (for the IT officer's environment variables)

_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
_HOURS = re.compile(r"(\d{1,2}):(\d{2})\s*[-~〜–]\s*(\d{1,2}):(\d{2})")


def parse_closed_days(text: str) -> frozenset[date]:
    """Extra closed days, e.g. "2026-12-28,2027-01-04" (commas or spaces; empty means none)."""
    days: set[date] = set()
    for item in re.split(r"[\s,、]+", unicodedata.normalize("NFKC", text).strip()):
        if not item:
            continue
        try:
            if not _DATE.fullmatch(item):
                raise ValueError
            days.add(date.fromisoformat(item))
        except ValueError:
            raise ValueError(
                f"closed days: {item!r} is not a date; write YYYY-MM-DD separated by commas, "
                "e.g. 2026-12-28,2027-01-04"
            ) from None
    return frozenset(days)


def parse_business_hours(text: str) -> tuple[time, time]:
    """Business hours, e.g. "09:00-17:00" (hours may have one digit; the close is exclusive)."""
    example = "write HH:MM-HH:MM, e.g. 09:00-17:00"
    match = _HOURS.fullmatch(unicodedata.normalize("NFKC", text).strip())
    if match is None:
        raise ValueError(f"business hours: {text!r} is not a time range; {example}")
    oh, om, ch, cm = (int(part) for part in match.groups())
    try:
        opens, closes = time(oh, om), time(ch, cm)
    except ValueError:
        raise ValueError(f"business hours: {text!r} has an impossible time; {example}") from None
    if not opens < closes:
        raise ValueError(f"business hours: {text!r} must open before it closes; {example}")
    return opens, closes
