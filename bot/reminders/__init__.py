"""Reminders: the business calendar and the reminder policy (pure; the sweep lives elsewhere)."""

from bot.reminders.calendar import (
    BusinessCalendar,
    parse_business_hours,
    parse_closed_days,
)
from bot.reminders.policy import (
    ReminderPolicy,
    ReminderState,
    Step,
    due_now,
    next_step,
    record_activity,
    record_escalation,
    record_reminder,
    record_snooze,
)

__all__ = [
    "BusinessCalendar",
    "ReminderPolicy",
    "ReminderState",
    "Step",
    "due_now",
    "next_step",
    "parse_business_hours",
    "parse_closed_days",
    "record_activity",
    "record_escalation",
    "record_reminder",
    "record_snooze",
]
