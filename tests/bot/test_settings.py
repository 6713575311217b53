"""Settings is the one reader of the environment; every wrong value is named before anything starts."""

from __future__ import annotations

from datetime import date, time
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from bot.reminders.calendar import BusinessCalendar
from bot.settings import Settings, SettingsError

TOKYO = ZoneInfo("Asia/Tokyo")


def test_defaults_without_any_variable() -> None:
    settings = Settings.from_env({})
    assert settings.database_url == "sqlite:///kikitori.db"
    assert (settings.web_concurrency, settings.http_threads, settings.log_level) == (2, 8, "INFO")
    assert settings.calendar() == BusinessCalendar(TOKYO, time(9), time(17))
    assert settings.reminder_policy().max_reminders == 3
    assert not settings.reminder_policy().escalate  # no admin channel to tell


def test_every_variable_is_read() -> None:
    settings = Settings.from_env(
        {
            "DATABASE_URL": "postgres://u:p@db/kikitori",
            "WEB_CONCURRENCY": "4",
            "HTTP_THREADS": "16",
            "LOG_LEVEL": "debug",
            "TIMEZONE": "UTC",
            "BUSINESS_HOURS": "08:30-17:15",
            "CLOSED_DAYS": "2026-12-28",
            "REMINDER_MAX": "0",
            "ADMIN_CHANNEL_ID": "C1",
            "ADMIN_USER_IDS": "U1, U2",
            "FLOW_FILE": "other.yaml",
            "SLACK_API_URL": "http://127.0.0.1:9/api",
        }
    )
    assert settings.database_url == "postgresql+psycopg://u:p@db/kikitori"
    assert (settings.web_concurrency, settings.http_threads, settings.log_level) == (4, 16, "DEBUG")
    assert settings.calendar() == BusinessCalendar(
        ZoneInfo("UTC"), time(8, 30), time(17, 15), frozenset({date(2026, 12, 28)})
    )
    assert settings.reminder_policy().max_reminders == 0 and settings.reminder_policy().escalate
    assert settings.admin_user_ids == {"U1", "U2"} and settings.flow_file == Path("other.yaml")
    assert settings.slack_api_url == "http://127.0.0.1:9/api/"


@pytest.mark.parametrize(
    ("name", "value"),
    [
        ("BUSINESS_HOURS", "17:00-09:00"),
        ("BUSINESS_HOURS", "nine to five"),
        ("CLOSED_DAYS", "2026-13-01"),
        ("TIMEZONE", "Mars/Olympus"),
        ("PORT", "http"),
        ("PORT", "0"),
        ("WEB_CONCURRENCY", "two"),
        ("HTTP_THREADS", "-1"),
        ("LOG_LEVEL", "LOUD"),
        ("OUTBOX_INTERVAL_SECONDS", "soon"),
        ("REMINDER_MAX", "three"),
    ],
)
def test_a_wrong_value_names_its_variable(name: str, value: str) -> None:
    with pytest.raises(SettingsError, match=name):
        Settings.from_env({name: value})


@pytest.mark.parametrize("name", ["REMINDER_EVERY_DAYS", "REMINDER_FIRST_AFTER_DAYS", "ESCALATE_AFTER_DAYS"])
def test_reminder_numbers_are_checked_by_the_policy(name: str) -> None:
    with pytest.raises(SettingsError, match="REMINDER_"):
        Settings.from_env({name: "0"})


def test_only_settings_reads_the_environment() -> None:
    """No other module of the product looks at os.environ (the CLIs of storage pass it in)."""
    root = Path(__file__).resolve().parents[2]
    readers = [
        path.relative_to(root).as_posix()
        for package in ("bot", "storage", "flows")
        for path in (root / package).rglob("*.py")
        if "os.environ" in path.read_text(encoding="utf-8") or "getenv" in path.read_text(encoding="utf-8")
    ]
    assert sorted(readers) == ["bot/settings.py", "storage/__main__.py", "storage/migrations/env.py"]
