"""The one clock: what time it is, and what day it is in the survey's time zone (TIMEZONE).

Everything that needs the time is given this clock, so tests and the sandbox can move it, and
"today" (a date in the future is refused against it, receipt years, due dates) has one meaning.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo


def utc_now() -> datetime:
    return datetime.now(UTC)


@dataclass(frozen=True)
class Clock:
    timezone: ZoneInfo
    source: Callable[[], datetime] = field(default=utc_now)  # aware; tests and the sandbox move it

    def now(self) -> datetime:
        return self.source()

    def today(self) -> date:
        return self.local(self.now()).date()

    def local(self, at: datetime) -> datetime:
        return at.astimezone(self.timezone)
