from __future__ import annotations

from datetime import date, time

import pytest

from flows.display import format_date_ja, format_datetime_ja, format_time_ja


@pytest.mark.parametrize(
    ("day", "expected"),
    [
        (date(2025, 8, 1), "令和7年8月1日(金)"),
        (date(2019, 5, 1), "令和元年5月1日(水)"),
        (date(2019, 4, 30), "平成31年4月30日(火)"),
        (date(1989, 1, 8), "平成元年1月8日(日)"),
        (date(1989, 1, 7), "昭和64年1月7日(土)"),
        (date(2026, 11, 26), "令和8年11月26日(木)"),
    ],
)
def test_japanese_era_dates(day: date, expected: str) -> None:
    assert format_date_ja(day) == expected


@pytest.mark.parametrize(
    ("moment", "expected"),
    [
        (time(10, 30), "午前10時30分頃"),
        (time(0, 5), "午前0時5分頃"),
        (time(12, 0), "午後0時頃"),
        (time(17, 45), "午後5時45分頃"),
    ],
)
def test_times(moment: time, expected: str) -> None:
    assert format_time_ja(moment) == expected


def test_the_forms_own_example() -> None:
    assert format_datetime_ja(date(2025, 8, 1), time(10, 30)) == "令和7年8月1日(金) 午前10時30分頃"
