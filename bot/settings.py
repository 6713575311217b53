"""Settings from the environment and `.env` (python-dotenv). Nothing secret is ever logged."""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from dotenv import find_dotenv, load_dotenv

SHIPPED_FLOW = Path(__file__).resolve().parents[1] / "flows" / "leak_incident_survey.yaml"
SLACK_API_URL = "https://slack.com/api/"


@dataclass(frozen=True)
class Settings:
    slack_bot_token: str | None = None
    slack_signing_secret: str | None = None
    slack_app_token: str | None = None
    slack_api_url: str = SLACK_API_URL
    admin_channel_id: str | None = None
    admin_user_ids: frozenset[str] = field(default_factory=frozenset)
    database_url: str | None = None
    flow_file: Path = SHIPPED_FLOW
    timezone: ZoneInfo = field(default_factory=lambda: ZoneInfo("Asia/Tokyo"))
    host: str = "0.0.0.0"  # HTTP mode listens here; the sandbox always stays on 127.0.0.1
    port: int = 3000
    outbox_interval_seconds: float = 10.0
    # Reminders (bot/reminders): business calendar and policy.
    business_hours: str = "09:00-17:00"
    closed_days: str = ""  # extra closed days, e.g. "2026-12-28,2027-01-04"
    reminder_first_after_days: int = 1
    reminder_every_days: int = 2
    reminder_max: int = 3
    escalate_after_days: int = 2
    reminder_interval_seconds: float = 60.0

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None, *, read_dotenv: bool = True) -> Settings:
        if env is None:
            if read_dotenv:
                load_dotenv(find_dotenv(usecwd=True))
            env = os.environ

        def get(name: str) -> str | None:
            value = env.get(name, "").strip()
            return value or None

        def number(name: str, default: float, kind: type[int] | type[float] = int) -> Any:
            value = get(name)
            if value is None:
                return kind(default)
            try:
                return kind(value)
            except ValueError:
                raise ValueError(f"{name} must be a {kind.__name__}, not {value!r}") from None

        api_url = get("SLACK_API_URL") or SLACK_API_URL
        return cls(
            slack_bot_token=get("SLACK_BOT_TOKEN"),
            slack_signing_secret=get("SLACK_SIGNING_SECRET"),
            slack_app_token=get("SLACK_APP_TOKEN"),
            slack_api_url=api_url if api_url.endswith("/") else api_url + "/",
            admin_channel_id=get("ADMIN_CHANNEL_ID"),
            admin_user_ids=frozenset(
                user.strip() for user in (get("ADMIN_USER_IDS") or "").split(",") if user.strip()
            ),
            database_url=get("DATABASE_URL"),
            flow_file=Path(get("FLOW_FILE") or SHIPPED_FLOW),
            timezone=ZoneInfo(get("TIMEZONE") or "Asia/Tokyo"),
            host=get("HOST") or "0.0.0.0",
            port=number("PORT", 3000),
            outbox_interval_seconds=number("OUTBOX_INTERVAL_SECONDS", 10, float),
            business_hours=get("BUSINESS_HOURS") or "09:00-17:00",
            closed_days=get("CLOSED_DAYS") or "",
            reminder_first_after_days=number("REMINDER_FIRST_AFTER_DAYS", 1),
            reminder_every_days=number("REMINDER_EVERY_DAYS", 2),
            reminder_max=number("REMINDER_MAX", 3),
            escalate_after_days=number("ESCALATE_AFTER_DAYS", 2),
            reminder_interval_seconds=number("REMINDER_INTERVAL_SECONDS", 60, float),
        )

    def is_admin(self, user_id: str) -> bool:
        return user_id in self.admin_user_ids
