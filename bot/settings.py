"""Settings: the one reader of the environment (and `.env`, through python-dotenv).

Everything is read and checked here, once, at start-up: a wrong value stops the bot with a
message that names the variable, before anything runs. Nothing secret is ever logged.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import date, time
from pathlib import Path
from typing import Any, TypeVar
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from dotenv import find_dotenv, load_dotenv

from bot.reminders.calendar import (
    DEFAULT_CLOSES,
    DEFAULT_OPENS,
    BusinessCalendar,
    parse_business_hours,
    parse_closed_days,
)
from bot.reminders.policy import ReminderPolicy
from storage import RetentionPeriods, database_url, retention_from

SHIPPED_FLOW = Path(__file__).resolve().parents[1] / "flows" / "leak_incident_survey.yaml"
SLACK_API_URL = "https://slack.com/api/"
LOG_LEVELS = ("DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL")

T = TypeVar("T")


class SettingsError(ValueError):
    """A setting that cannot be used; the message names the variable and says what to write."""


@dataclass(frozen=True)
class Settings:
    slack_bot_token: str | None = None
    slack_signing_secret: str | None = None
    slack_app_token: str | None = None
    slack_api_url: str = SLACK_API_URL
    admin_channel_id: str | None = None
    admin_user_ids: frozenset[str] = field(default_factory=frozenset)
    database_url: str | None = None  # None: storage's default SQLite file
    flow_file: Path = SHIPPED_FLOW
    timezone: ZoneInfo = field(default_factory=lambda: ZoneInfo("Asia/Tokyo"))
    host: str = "0.0.0.0"  # HTTP mode listens here; the sandbox always stays on 127.0.0.1
    port: int = 3000
    web_concurrency: int = 2  # HTTP mode's worker processes (bot/http_server.py)
    http_threads: int = 8  # threads per worker process
    listener_threads: int = 16  # Bolt's pool for the work after each ack, per process
    log_level: str = "INFO"
    outbox_interval_seconds: float = 10.0
    # Reminders: the business calendar and the policy.
    business_opens: time = DEFAULT_OPENS
    business_closes: time = DEFAULT_CLOSES
    closed_days: frozenset[date] = frozenset()  # extra closed days
    reminder_first_after_days: int = 1
    reminder_every_days: int = 2
    reminder_max: int = 3
    escalate_after_days: int = 2
    reminder_interval_seconds: float = 60.0
    # How long answers are kept (storage/retention.py).
    retention: RetentionPeriods = field(default_factory=RetentionPeriods)

    def __post_init__(self) -> None:
        # The calendar and the policy check their own numbers; say which variable was wrong.
        try:
            self.calendar()
        except ValueError as problem:
            raise SettingsError(f"BUSINESS_HOURS / CLOSED_DAYS: {problem}") from None
        try:
            self.reminder_policy()
        except ValueError as problem:
            raise SettingsError(f"REMINDER_* / ESCALATE_AFTER_DAYS: {problem}") from None

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None, *, read_dotenv: bool = True) -> Settings:
        if env is None:
            if read_dotenv:
                load_dotenv(find_dotenv(usecwd=True))
            env = os.environ
        return cls(**_read(env))

    def is_admin(self, user_id: str) -> bool:
        return user_id in self.admin_user_ids

    def calendar(self) -> BusinessCalendar:
        return BusinessCalendar(
            timezone=self.timezone,
            opens=self.business_opens,
            closes=self.business_closes,
            extra_closed_days=self.closed_days,
        )

    def reminder_policy(self) -> ReminderPolicy:
        return ReminderPolicy(
            first_after_business_days=self.reminder_first_after_days,
            every_business_days=self.reminder_every_days,
            max_reminders=self.reminder_max,
            escalate_after_business_days=self.escalate_after_days,
            escalate=bool(self.admin_channel_id),
        )


def _read(env: Mapping[str, str]) -> dict[str, Any]:
    def get(name: str) -> str | None:
        value = env.get(name, "").strip()
        return value or None

    def parsed(name: str, parse: Callable[[str], T], default: T, what: str) -> T:
        value = get(name)
        if value is None:
            return default
        try:
            return parse(value)
        except (ValueError, ZoneInfoNotFoundError) as problem:
            raise SettingsError(f"{name} must be {what}, not {value!r} ({problem})") from None

    def positive(kind: Callable[[str], T]) -> Callable[[str], T]:
        def parse(text: str) -> T:
            number = kind(text)
            if number <= 0:  # type: ignore[operator]  # int and float both compare with 0
                raise ValueError("it must be more than 0")
            return number

        return parse

    def level(text: str) -> str:
        if text.upper() not in LOG_LEVELS:
            raise ValueError(f"one of {', '.join(LOG_LEVELS)}")
        return text.upper()

    try:
        retention = retention_from(env)
    except ValueError as problem:
        raise SettingsError(str(problem)) from None
    api_url = get("SLACK_API_URL") or SLACK_API_URL
    opens, closes = parsed(
        "BUSINESS_HOURS", parse_business_hours, (DEFAULT_OPENS, DEFAULT_CLOSES), "HH:MM-HH:MM"
    )
    return {
        "slack_bot_token": get("SLACK_BOT_TOKEN"),
        "slack_signing_secret": get("SLACK_SIGNING_SECRET"),
        "slack_app_token": get("SLACK_APP_TOKEN"),
        "slack_api_url": api_url if api_url.endswith("/") else api_url + "/",
        "admin_channel_id": get("ADMIN_CHANNEL_ID"),
        "admin_user_ids": frozenset(
            user.strip() for user in (get("ADMIN_USER_IDS") or "").split(",") if user.strip()
        ),
        "database_url": database_url({"DATABASE_URL": get("DATABASE_URL") or ""}),
        "flow_file": Path(get("FLOW_FILE") or SHIPPED_FLOW),
        "timezone": parsed("TIMEZONE", ZoneInfo, ZoneInfo("Asia/Tokyo"), "a time zone such as Asia/Tokyo"),
        "host": get("HOST") or "0.0.0.0",
        "port": parsed("PORT", positive(int), 3000, "a port number"),
        "web_concurrency": parsed("WEB_CONCURRENCY", positive(int), 2, "a whole number of processes"),
        "http_threads": parsed("HTTP_THREADS", positive(int), 8, "a whole number of threads"),
        "listener_threads": parsed("LISTENER_THREADS", positive(int), 16, "a whole number of threads"),
        "log_level": parsed("LOG_LEVEL", level, "INFO", "a log level"),
        "outbox_interval_seconds": parsed("OUTBOX_INTERVAL_SECONDS", positive(float), 10.0, "seconds"),
        "business_opens": opens,
        "business_closes": closes,
        "closed_days": parsed("CLOSED_DAYS", parse_closed_days, frozenset[date](), "dates (YYYY-MM-DD, …)"),
        "reminder_first_after_days": parsed("REMINDER_FIRST_AFTER_DAYS", int, 1, "a whole number"),
        "reminder_every_days": parsed("REMINDER_EVERY_DAYS", int, 2, "a whole number"),
        "reminder_max": parsed("REMINDER_MAX", int, 3, "a whole number"),
        "escalate_after_days": parsed("ESCALATE_AFTER_DAYS", int, 2, "a whole number"),
        "reminder_interval_seconds": parsed("REMINDER_INTERVAL_SECONDS", positive(float), 60.0, "seconds"),
        "retention": retention,
    }
