"""Receipt number formatting and the Tokyo calendar year (no database needed)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone
from zoneinfo import ZoneInfo

import pytest

from storage import format_receipt_number, receipt_year

TOKYO = ZoneInfo("Asia/Tokyo")


@pytest.mark.parametrize(
    ("year", "seq", "expected"),
    [(2026, 1, "2026-0001"), (2026, 42, "2026-0042"), (2026, 9999, "2026-9999"), (2026, 12345, "2026-12345")],
)
def test_format_receipt_number(year: int, seq: int, expected: str) -> None:
    assert format_receipt_number(year, seq) == expected


@pytest.mark.parametrize(
    ("at", "year"),
    [
        (datetime(2026, 12, 31, 14, 59, 59, tzinfo=UTC), 2026),
        (datetime(2026, 12, 31, 15, 0, tzinfo=UTC), 2027),
        (datetime(2026, 12, 31, 15, 30, tzinfo=UTC), 2027),
        (datetime(2027, 1, 1, 0, 0, tzinfo=timezone(timedelta(hours=9))), 2027),
        (datetime(2026, 12, 31, 23, 0, tzinfo=timezone(timedelta(hours=-5))), 2027),
    ],
)
def test_receipt_year_is_the_calendar_year_in_tokyo(at: datetime, year: int) -> None:
    assert receipt_year(at, TOKYO) == year


def test_receipt_year_follows_the_time_zone_it_is_given() -> None:
    new_year_in_tokyo = datetime(2026, 12, 31, 15, 30, tzinfo=UTC)
    assert (receipt_year(new_year_in_tokyo, TOKYO), receipt_year(new_year_in_tokyo, UTC)) == (2027, 2026)


def test_receipt_year_refuses_naive_times() -> None:
    with pytest.raises(ValueError):
        receipt_year(datetime(2026, 12, 31, 23, 0), TOKYO)
