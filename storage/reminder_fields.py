"""A draft's or invitation's reminder state as stored, and how a change to it is written."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any


@dataclass(frozen=True)
class ReminderFields:
    """A draft's or invitation's reminder state as stored: what the reminder policy reads, and what
    its transitions (bot/reminders/policy.py) return. Storage decides nothing about reminders: it
    writes the fields a transition changed, through `reminder_columns`."""

    last_activity_at: datetime
    reminders_sent: int = 0
    last_reminder_at: datetime | None = None
    snoozed_until: datetime | None = None
    escalated_at: datetime | None = None


def reminder_columns(before: ReminderFields, after: ReminderFields) -> dict[str, Any]:
    """The columns to write for a transition: only those it changed, so a writer that read the row
    a moment ago never puts back an older value of a field it did not mean to touch (an escalation
    recorded by a sweep in between stays recorded)."""
    return {
        name: getattr(after, name)
        for name in ReminderFields.__dataclass_fields__
        if getattr(after, name) != getattr(before, name)
    }


def reminder_fields_of(row: Any) -> ReminderFields:
    return ReminderFields(
        last_activity_at=row.last_activity_at,
        reminders_sent=row.reminders_sent,
        last_reminder_at=row.last_reminder_at,
        snoozed_until=row.snoozed_until,
        escalated_at=row.escalated_at,
    )
