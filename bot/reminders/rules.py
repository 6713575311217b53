"""The reminder policy applied to stored state: what the conversation, あとで and the sweep save.

The policy (policy.py) is pure and works on `ReminderState`; storage keeps `ReminderFields`. This
module converts between them, applies one transition and says when the next step is due, so the
rules that are tested are the rules that run: no caller writes a reminder field by hand.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from bot.reminders.calendar import BusinessCalendar
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
from storage import ReminderFields


@dataclass(frozen=True)
class Decided:
    """A transition's result: the fields to save and when the next step is due (None: never)."""

    fields: ReminderFields
    next_reminder_at: datetime | None


def state_of(fields: ReminderFields, due_date: date | None) -> ReminderState:
    return ReminderState(
        last_activity_at=fields.last_activity_at,
        reminders_sent=fields.reminders_sent,
        last_reminder_at=fields.last_reminder_at,
        snoozed_until=fields.snoozed_until,
        escalated=fields.escalated_at is not None,
        due_date=due_date,
    )


def fields_of(state: ReminderState, before: ReminderFields, at: datetime) -> ReminderFields:
    escalated_at = before.escalated_at or (at if state.escalated else None)
    return ReminderFields(
        last_activity_at=state.last_activity_at,
        reminders_sent=state.reminders_sent,
        last_reminder_at=state.last_reminder_at,
        snoozed_until=state.snoozed_until,
        escalated_at=escalated_at,
    )


@dataclass(frozen=True)
class ReminderRules:
    policy: ReminderPolicy
    calendar: BusinessCalendar

    def due(self, fields: ReminderFields, due_date: date | None, at: datetime) -> Step | None:
        """The step due at `at`, if any (the sweep asks this once per claimed row)."""
        return due_now(self.policy, self.calendar, state_of(fields, due_date), at)

    def next_due(self, fields: ReminderFields, due_date: date | None, at: datetime) -> datetime | None:
        return next_step(self.policy, self.calendar, state_of(fields, due_date), at).due_at

    def activity(self, fields: ReminderFields, due_date: date | None, at: datetime) -> Decided:
        """The person answered: the timer and the count start again."""
        return self._decide(record_activity(state_of(fields, due_date), at), fields, due_date, at)

    def snooze(self, fields: ReminderFields, due_date: date | None, at: datetime) -> Decided:
        """あとで: activity, and the next reminder at the next business day's opening."""
        return self._decide(
            record_snooze(state_of(fields, due_date), self.calendar, at), fields, due_date, at
        )

    def reminded(self, fields: ReminderFields, due_date: date | None, at: datetime) -> Decided:
        return self._decide(record_reminder(state_of(fields, due_date), at), fields, due_date, at)

    def escalated(self, fields: ReminderFields, due_date: date | None, at: datetime) -> Decided:
        return self._decide(record_escalation(state_of(fields, due_date)), fields, due_date, at)

    def _decide(
        self, after: ReminderState, before: ReminderFields, due_date: date | None, at: datetime
    ) -> Decided:
        return Decided(fields_of(after, before, at), next_step(self.policy, self.calendar, after, at).due_at)
