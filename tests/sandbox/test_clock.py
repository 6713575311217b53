"""The sandbox clock moves forward only; 翌営業日の始業 skips weekends, holidays and the year-end closure."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from bot.reminders.calendar import BusinessCalendar
from sandbox.clock import SandboxClock

TOKYO = ZoneInfo("Asia/Tokyo")


def clock_at(local: datetime) -> SandboxClock:
    real = local.replace(tzinfo=TOKYO).astimezone(UTC)
    return SandboxClock(TOKYO, real_now=lambda: real)


def test_it_is_real_time_plus_the_offset_and_only_moves_forward() -> None:
    clock = SandboxClock(TOKYO)
    assert abs(clock() - datetime.now(UTC)) < timedelta(seconds=5) and clock().tzinfo is not None
    assert clock.offset_label() == ""
    clock.advance(timedelta(days=1, hours=2))
    assert clock.offset == timedelta(days=1, hours=2)
    assert clock.offset_label() == "実時間より +1日2時間"
    with pytest.raises(ValueError):
        clock.advance(timedelta(0))


@pytest.mark.parametrize(
    ("now", "expected"),
    [
        (datetime(2026, 11, 26, 15, 0), datetime(2026, 11, 27, 9, 0)),  # Thu → Fri
        (datetime(2026, 11, 27, 15, 0), datetime(2026, 11, 30, 9, 0)),  # Fri → Mon
        (datetime(2026, 11, 21, 10, 0), datetime(2026, 11, 24, 9, 0)),  # Sat → Tue (23rd: 勤労感謝の日)
        (datetime(2026, 12, 28, 10, 0), datetime(2027, 1, 4, 9, 0)),  # the year-end closure 12/29–1/3
        (datetime(2026, 11, 26, 7, 0), datetime(2026, 11, 27, 9, 0)),  # always the next day
    ],
)
def test_next_business_morning(now: datetime, expected: datetime) -> None:
    clock = clock_at(now)
    moved = clock.advance_to_next_business_morning(BusinessCalendar(TOKYO))
    assert moved.astimezone(TOKYO).replace(tzinfo=None) == expected


def test_labels_are_japanese_in_the_surveys_time_zone() -> None:
    clock = clock_at(datetime(2026, 11, 27, 9, 5))
    assert clock.label() == "令和8年11月27日(金) 午前9時5分"
