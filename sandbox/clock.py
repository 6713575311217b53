"""The sandbox clock: real time plus an offset the page can move forward, so that a reminder due in
days can be seen at once. The bot is built with it, so drafts, reminders and receipts all agree."""

from __future__ import annotations

import threading
from collections.abc import Callable
from datetime import UTC, datetime, timedelta, tzinfo

from bot.reminders.calendar import BusinessCalendar
from bot.texts import moment_text


class SandboxClock:
    """A callable returning an aware UTC datetime: now + the offset. Only moves forward."""

    def __init__(self, timezone: tzinfo, *, real_now: Callable[[], datetime] | None = None) -> None:
        self.timezone = timezone
        self._real_now = real_now or (lambda: datetime.now(UTC))
        self._offset = timedelta()
        self._lock = threading.Lock()

    def __call__(self) -> datetime:
        with self._lock:
            return self._real_now() + self._offset

    @property
    def offset(self) -> timedelta:
        with self._lock:
            return self._offset

    def advance(self, by: timedelta) -> datetime:
        if by <= timedelta():
            raise ValueError("the sandbox clock only moves forward")
        with self._lock:
            self._offset += by
        return self()

    def advance_to(self, moment: datetime) -> datetime:
        return self.advance(moment - self())

    def advance_to_next_business_morning(self, calendar: BusinessCalendar) -> datetime:
        """To the opening of the next business day (weekends, holidays, the year-end closure and any
        configured closed days skipped): when a reminder policy acts next."""
        return self.advance_to(calendar.next_day_opening(self()))

    def label(self) -> str:
        """令和8年11月27日(金) 午前9時 in the survey's time zone: the bot's own date style."""
        return moment_text(self().astimezone(self.timezone))

    def offset_label(self) -> str:
        """How far ahead of real time, in Japanese ("" when not moved)."""
        seconds = int(self.offset.total_seconds())
        if seconds <= 0:
            return ""
        days, rest = divmod(seconds, 86_400)
        hours, rest = divmod(rest, 3_600)
        minutes = rest // 60
        parts = [f"{n}{unit}" for n, unit in ((days, "日"), (hours, "時間"), (minutes, "分")) if n]
        return "実時間より +" + ("".join(parts) or "1分未満")
