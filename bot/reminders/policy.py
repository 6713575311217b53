"""When to remind someone who stopped answering, and when to tell the administrators. Pure.

The caller (the database sweep) keeps one `ReminderState` per draft or pending invitation,
stores `next_step(...).due_at` as the row's next due time, and when it claims the row asks
`due_now` again, acts, and saves the state returned by `record_reminder` / `record_escalation`.
The conversation saves `record_activity` / `record_snooze` when the person does something.

The rules (business days and instants as defined by `BusinessCalendar.add_business_days`):
- The first reminder comes `first_after_business_days` after the last activity, then one every
  `every_business_days` after the previous reminder, at most `max_reminders` in a row.
- `escalate_after_business_days` after the last reminder (after the last activity when
  `max_reminders` is 0), the administrators are told once. Never a second time for the same
  draft or invitation, even if the person comes back and goes quiet again.
- Activity resets the idle timer and the reminder count: the person came back, so the cap
  applies to reminders nobody has answered. `reminders_since_activity` applies this even if a
  caller only updates `last_activity_at` (a reminder sent before the last activity no longer counts).
- Snooze (あとで) is a reply, so it counts as activity; the next reminder then comes at the
  opening of the next business day instead of a business day later. Because it resets the
  count, someone who keeps snoozing is reminded every morning and never escalated for silence
  (an overdue notice still comes).
- An invitation not yet started is a draft whose last activity is the invitation.
  When its due date (a local date) has passed, the administrators are told at the next
  business instant, even below the reminder cap; that is the one escalation.
- Nothing is due outside business hours, escalations included. A closed state (submitted or
  cancelled) never has anything due.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date, datetime, time, timedelta
from typing import Literal

from bot.reminders.calendar import BusinessCalendar

Kind = Literal["remind", "escalate", "none"]
# idle: the regular cadence; snoozed: the person asked for it; no_response: the cap was reached
# without a reply; overdue: the due date has passed. The messages differ by reason.
Reason = Literal["idle", "snoozed", "no_response", "overdue"]


def _require_aware(name: str, at: datetime | None) -> None:
    if at is not None and at.utcoffset() is None:
        raise ValueError(f"{name} must be an aware datetime, got the naive {at.isoformat()}")


@dataclass(frozen=True)
class ReminderPolicy:
    first_after_business_days: int = 1
    every_business_days: int = 2
    max_reminders: int = 3
    escalate_after_business_days: int = 2
    escalate: bool = True  # False when there is no admin channel to tell

    def __post_init__(self) -> None:
        for name in ("first_after_business_days", "every_business_days", "escalate_after_business_days"):
            if getattr(self, name) < 1:
                raise ValueError(f"{name} must be at least 1, got {getattr(self, name)}")
        if self.max_reminders < 0:
            raise ValueError(f"max_reminders must be 0 or more, got {self.max_reminders}")


@dataclass(frozen=True)
class ReminderState:
    last_activity_at: datetime  # for an invitation not yet started: when it was sent
    reminders_sent: int = 0
    last_reminder_at: datetime | None = None
    snoozed_until: datetime | None = None
    escalated: bool = False
    due_date: date | None = None  # local date in the calendar's time zone
    closed: bool = False  # submitted or cancelled

    def __post_init__(self) -> None:
        _require_aware("last_activity_at", self.last_activity_at)
        _require_aware("last_reminder_at", self.last_reminder_at)
        _require_aware("snoozed_until", self.snoozed_until)
        if self.reminders_sent < 0:
            raise ValueError(f"reminders_sent must be 0 or more, got {self.reminders_sent}")

    @property
    def reminders_since_activity(self) -> int:
        """The count the cap applies to. Without a reminder time the stored count stands (safe side)."""
        if self.last_reminder_at is not None and self.last_reminder_at < self.last_activity_at:
            return 0
        return self.reminders_sent

    @property
    def quiet_since(self) -> datetime:
        """The last thing that happened: the idle timer runs from here."""
        if self.last_reminder_at is None:
            return self.last_activity_at
        return max(self.last_activity_at, self.last_reminder_at)

    @property
    def snooze_pending(self) -> bool:
        """A snooze is used up by the first reminder sent at or after its time."""
        return self.snoozed_until is not None and (
            self.last_reminder_at is None or self.last_reminder_at < self.snoozed_until
        )


@dataclass(frozen=True)
class Step:
    """What to do next and when; `due_at` is a business instant in UTC, None only for "none"."""

    kind: Kind
    due_at: datetime | None = None
    reason: Reason | None = None

    def __post_init__(self) -> None:
        if (self.kind == "none") != (self.due_at is None):
            raise ValueError(f"a step has a due time exactly when its kind is not 'none': {self!r}")


NOTHING = Step("none")
# Ties go to the administrators first: an overdue notice is the most time-sensitive.
_PRIORITY: dict[Reason, int] = {"overdue": 0, "no_response": 1, "snoozed": 2, "idle": 3}
_Candidate = tuple[datetime | None, Kind, Reason]
_NO_CANDIDATE: _Candidate = (None, "none", "idle")


def next_step(
    policy: ReminderPolicy, calendar: BusinessCalendar, state: ReminderState, now: datetime | None = None
) -> Step:
    """The next thing due for this state, whether or not its time has come.

    With `now`, a due time in the past becomes `calendar.next_business_time(now)`, so a sweep
    that was down, or claimed a row just after closing, stores a time it can act on.
    """
    if state.closed:
        return NOTHING
    floor = calendar.next_business_time(now) if now is not None else None
    candidates = [
        (due_at if floor is None else max(due_at, floor), _PRIORITY[reason], kind, reason)
        for due_at, kind, reason in (_overdue(policy, calendar, state), _cadence(policy, calendar, state))
        if due_at is not None
    ]
    if not candidates:
        return NOTHING
    due_at, _, kind, reason = min(candidates)
    return Step(kind, due_at, reason)


def due_now(
    policy: ReminderPolicy, calendar: BusinessCalendar, state: ReminderState, now: datetime
) -> Step | None:
    """The step to take at `now`, if any: only inside business hours and at or after its due time.

    Its `reason` says why (for the message's wording).
    """
    step = next_step(policy, calendar, state, now)
    if step.kind == "none" or step.due_at is None or step.due_at > now:
        return None
    return step


def _cadence(policy: ReminderPolicy, calendar: BusinessCalendar, state: ReminderState) -> _Candidate:
    sent = state.reminders_since_activity
    snooze_at = calendar.next_business_time(state.snoozed_until) if state.snoozed_until else None
    if sent < policy.max_reminders:
        if state.snooze_pending and snooze_at is not None:
            return snooze_at, "remind", "snoozed"
        gap = policy.first_after_business_days if sent == 0 else policy.every_business_days
        return calendar.add_business_days(state.quiet_since, gap), "remind", "idle"
    if state.escalated or not policy.escalate:
        return _NO_CANDIDATE
    due = calendar.add_business_days(state.quiet_since, policy.escalate_after_business_days)
    if state.snooze_pending and snooze_at is not None:
        due = max(due, snooze_at)  # only reachable when a caller kept the count past a snooze
    return due, "escalate", "no_response"


def _overdue(policy: ReminderPolicy, calendar: BusinessCalendar, state: ReminderState) -> _Candidate:
    if state.due_date is None or state.escalated or not policy.escalate:
        return _NO_CANDIDATE
    passed = datetime.combine(state.due_date + timedelta(days=1), time.min, tzinfo=calendar.timezone)
    return calendar.next_business_time(passed), "escalate", "overdue"


# Transitions: what the caller saves after each event.


def record_activity(state: ReminderState, at: datetime) -> ReminderState:
    """The person answered, went back, or opened the survey: restart the timer and the count."""
    _require_aware("at", at)
    # Events may arrive out of order; an older one never moves the timer back.
    return replace(
        state, last_activity_at=max(at, state.last_activity_at), reminders_sent=0, snoozed_until=None
    )


def record_snooze(state: ReminderState, calendar: BusinessCalendar, at: datetime) -> ReminderState:
    """あとで: activity, and the next reminder at the opening of the next business day."""
    return replace(record_activity(state, at), snoozed_until=calendar.next_day_opening(at))


def record_reminder(state: ReminderState, at: datetime) -> ReminderState:
    _require_aware("at", at)
    return replace(
        state, reminders_sent=state.reminders_since_activity + 1, last_reminder_at=at, snoozed_until=None
    )


def record_escalation(state: ReminderState) -> ReminderState:
    return replace(state, escalated=True)
