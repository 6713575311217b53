"""The reminder policy walked through by hand: what is due, when, and how often."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, datetime
from typing import Any
from zoneinfo import ZoneInfo

import pytest

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


def due_kind(
    policy: ReminderPolicy, calendar: BusinessCalendar, state: ReminderState, now: datetime
) -> str | None:
    """What `due_now` has the sweep do at `now`, if anything."""
    step = due_now(policy, calendar, state, now)
    return step.kind if step else None


TOKYO = ZoneInfo("Asia/Tokyo")
CALENDAR = BusinessCalendar(TOKYO)
POLICY = ReminderPolicy()


def jst(
    year: int, month: int, day: int, hour: int = 0, minute: int = 0, second: int = 0, us: int = 0
) -> datetime:
    return datetime(year, month, day, hour, minute, second, us, tzinfo=TOKYO)


def act(state: ReminderState, kind: str, at: datetime) -> ReminderState:
    return record_reminder(state, at) if kind == "remind" else record_escalation(state)


def run(
    state: ReminderState, policy: ReminderPolicy = POLICY, limit: int = 20
) -> tuple[list[tuple[str, str | None, datetime]], ReminderState]:
    """Sweep exactly at each due time, as the scheduler would, until nothing is left."""
    done: list[tuple[str, str | None, datetime]] = []
    for _ in range(limit):
        step = next_step(policy, CALENDAR, state)
        if step.due_at is None:
            return done, state
        assert due_kind(policy, CALENDAR, state, step.due_at) == step.kind
        done.append((step.kind, step.reason, step.due_at))
        state = act(state, step.kind, step.due_at)
    raise AssertionError("the policy never ran out")


FRIDAY_BEFORE_HOLIDAY = jst(2026, 11, 20, 16, 30)  # Monday 11/23 is 勤労感謝の日


def test_a_draft_left_idle_over_a_holiday_weekend() -> None:
    done, state = run(ReminderState(last_activity_at=FRIDAY_BEFORE_HOLIDAY))
    assert done == [
        ("remind", "idle", jst(2026, 11, 24, 16, 30)),  # one business day of business time later
        ("remind", "idle", jst(2026, 11, 26, 16, 30)),  # then every two business days
        ("remind", "idle", jst(2026, 11, 30, 16, 30)),  # over the weekend; the third and last
        ("escalate", "no_response", jst(2026, 12, 2, 16, 30)),
    ]
    assert state.reminders_sent == 3 and state.escalated
    assert next_step(POLICY, CALENDAR, state) == Step("none")


def test_nothing_is_due_early_or_outside_business_hours() -> None:
    state = ReminderState(last_activity_at=FRIDAY_BEFORE_HOLIDAY)
    assert due_kind(POLICY, CALENDAR, state, jst(2026, 11, 24, 16, 29)) is None
    assert due_kind(POLICY, CALENDAR, state, jst(2026, 11, 24, 16, 30)) == "remind"
    # Overdue but closed: the holiday itself, the same evening, the weekend after.
    for closed in (jst(2026, 11, 23, 12, 0), jst(2026, 11, 24, 17, 0), jst(2026, 11, 28, 10, 0)):
        assert due_kind(POLICY, CALENDAR, state, closed) is None


def test_a_late_sweep_is_given_a_time_it_can_act_on() -> None:
    state = ReminderState(last_activity_at=FRIDAY_BEFORE_HOLIDAY)
    assert next_step(POLICY, CALENDAR, state, now=jst(2026, 11, 24, 17, 0)).due_at == jst(2026, 11, 25, 9, 0)
    assert next_step(POLICY, CALENDAR, state, now=jst(2026, 11, 28, 10, 0)).due_at == jst(2026, 11, 30, 9, 0)
    # A sweep that was down for days reminds once, now, and the cadence restarts from then.
    now = jst(2026, 12, 1, 11, 0)
    assert due_kind(POLICY, CALENDAR, state, now) == "remind"
    state = record_reminder(state, now)
    assert next_step(POLICY, CALENDAR, state) == Step("remind", jst(2026, 12, 3, 11, 0), "idle")


def test_activity_resets_the_timer_and_the_count() -> None:
    state = ReminderState(last_activity_at=FRIDAY_BEFORE_HOLIDAY)
    state = record_reminder(state, jst(2026, 11, 24, 16, 30))
    state = record_reminder(state, jst(2026, 11, 26, 16, 30))
    state = record_activity(state, jst(2026, 11, 27, 11, 0))
    assert state.reminders_since_activity == 0
    done, _ = run(state)
    assert [kind for kind, _, _ in done] == ["remind", "remind", "remind", "escalate"]
    assert done[0][2] == jst(2026, 11, 30, 11, 0)


def test_an_activity_time_alone_resets_the_count() -> None:
    """A caller that only moves last_activity_at (a draft's updated_at) still resets the count."""
    state = ReminderState(
        last_activity_at=FRIDAY_BEFORE_HOLIDAY, reminders_sent=3, last_reminder_at=jst(2026, 11, 30, 16, 30)
    )
    assert next_step(POLICY, CALENDAR, state).kind == "escalate"
    state = replace(state, last_activity_at=jst(2026, 12, 1, 10, 0))
    assert state.reminders_since_activity == 0
    assert next_step(POLICY, CALENDAR, state) == Step("remind", jst(2026, 12, 2, 10, 0), "idle")


def test_a_count_without_a_reminder_time_stands() -> None:
    state = ReminderState(last_activity_at=FRIDAY_BEFORE_HOLIDAY, reminders_sent=3)
    assert next_step(POLICY, CALENDAR, state).kind == "escalate"


def test_escalation_happens_once_even_if_the_person_comes_back_and_stops_again() -> None:
    done, state = run(ReminderState(last_activity_at=FRIDAY_BEFORE_HOLIDAY))
    assert [kind for kind, _, _ in done].count("escalate") == 1
    done, state = run(record_activity(state, jst(2026, 12, 3, 10, 0)))
    assert [kind for kind, _, _ in done] == ["remind", "remind", "remind"]
    assert next_step(POLICY, CALENDAR, state) == Step("none")


def test_snooze_moves_the_next_reminder_to_the_next_business_days_opening() -> None:
    state = record_reminder(ReminderState(last_activity_at=FRIDAY_BEFORE_HOLIDAY), jst(2026, 11, 24, 16, 30))
    state = record_snooze(state, CALENDAR, jst(2026, 11, 24, 16, 35))
    assert state.snoozed_until == jst(2026, 11, 25, 9, 0)
    assert due_kind(POLICY, CALENDAR, state, jst(2026, 11, 24, 16, 40)) is None
    done, _ = run(state)
    assert done == [
        ("remind", "snoozed", jst(2026, 11, 25, 9, 0)),
        ("remind", "idle", jst(2026, 11, 27, 9, 0)),
        ("remind", "idle", jst(2026, 12, 1, 9, 0)),  # the count restarted at the snooze: three more
        ("escalate", "no_response", jst(2026, 12, 3, 9, 0)),
    ]


@pytest.mark.parametrize(
    ("at", "until"),
    [
        (jst(2026, 11, 20, 10, 0), jst(2026, 11, 24, 9, 0)),  # Friday, before the holiday weekend
        (jst(2026, 11, 21, 10, 0), jst(2026, 11, 24, 9, 0)),  # Saturday
        (jst(2026, 11, 24, 7, 0), jst(2026, 11, 25, 9, 0)),  # before opening: still the next day
        (jst(2026, 12, 28, 16, 0), jst(2027, 1, 4, 9, 0)),  # 御用納め, over the year-end closure
    ],
)
def test_where_a_snooze_lands(at: datetime, until: datetime) -> None:
    state = record_snooze(ReminderState(last_activity_at=at), CALENDAR, at)
    assert next_step(POLICY, CALENDAR, state) == Step("remind", until, "snoozed")


def test_activity_after_a_snooze_replaces_it() -> None:
    state = record_snooze(
        ReminderState(last_activity_at=jst(2026, 11, 24, 10, 0)), CALENDAR, jst(2026, 11, 24, 10, 0)
    )
    state = record_activity(state, jst(2026, 11, 24, 15, 0))
    assert next_step(POLICY, CALENDAR, state) == Step("remind", jst(2026, 11, 25, 15, 0), "idle")


def test_an_invitation_past_its_due_date_is_escalated_once() -> None:
    invited = ReminderState(last_activity_at=jst(2026, 11, 30, 10, 0), due_date=date(2026, 12, 2))
    done, state = run(invited)
    assert done == [
        ("remind", "idle", jst(2026, 12, 1, 10, 0)),
        ("escalate", "overdue", jst(2026, 12, 3, 9, 0)),  # the first business instant after the due date
        ("remind", "idle", jst(2026, 12, 3, 10, 0)),  # the person is still reminded, up to the cap
        ("remind", "idle", jst(2026, 12, 7, 10, 0)),
    ]
    assert state.escalated and next_step(POLICY, CALENDAR, state) == Step("none")


def test_an_overdue_escalation_comes_before_a_reminder_due_at_the_same_instant() -> None:
    # Due on 御用納め: the closure pushes both the first reminder and the overdue notice to 1/4 9:00.
    invited = ReminderState(last_activity_at=jst(2026, 12, 28, 9, 0), due_date=date(2026, 12, 28))
    done, _ = run(invited)
    assert done[:2] == [
        ("escalate", "overdue", jst(2027, 1, 4, 9, 0)),
        ("remind", "idle", jst(2027, 1, 4, 9, 0)),
    ]
    assert [kind for kind, _, _ in done].count("escalate") == 1


def test_an_invitation_sent_after_its_due_date_is_escalated_at_once() -> None:
    late = ReminderState(last_activity_at=jst(2026, 12, 3, 10, 0), due_date=date(2026, 12, 1))
    assert due_kind(POLICY, CALENDAR, late, jst(2026, 12, 3, 10, 0)) == "escalate"
    assert next_step(POLICY, CALENDAR, late, now=jst(2026, 12, 3, 10, 0)).reason == "overdue"


def test_a_closed_state_has_nothing_due() -> None:
    state = ReminderState(last_activity_at=FRIDAY_BEFORE_HOLIDAY, due_date=date(2026, 11, 1), closed=True)
    assert next_step(POLICY, CALENDAR, state) == Step("none")
    assert due_kind(POLICY, CALENDAR, state, jst(2026, 12, 24, 10, 0)) is None


def test_without_escalation_reminders_stop_at_the_cap() -> None:
    policy = ReminderPolicy(escalate=False)
    done, state = run(
        ReminderState(last_activity_at=FRIDAY_BEFORE_HOLIDAY, due_date=date(2026, 11, 25)), policy
    )
    assert [kind for kind, _, _ in done] == ["remind", "remind", "remind"]
    assert not state.escalated


def test_other_settings() -> None:
    policy = ReminderPolicy(first_after_business_days=2, every_business_days=1, max_reminders=2)
    done, _ = run(ReminderState(last_activity_at=FRIDAY_BEFORE_HOLIDAY), policy)
    assert done == [
        ("remind", "idle", jst(2026, 11, 25, 16, 30)),
        ("remind", "idle", jst(2026, 11, 26, 16, 30)),
        ("escalate", "no_response", jst(2026, 11, 30, 16, 30)),
    ]
    done, _ = run(ReminderState(last_activity_at=FRIDAY_BEFORE_HOLIDAY), ReminderPolicy(max_reminders=0))
    assert done == [("escalate", "no_response", jst(2026, 11, 25, 16, 30))]


@pytest.mark.parametrize(
    ("settings", "message"),
    [
        ({"first_after_business_days": 0}, "first_after_business_days must be at least 1"),
        ({"every_business_days": 0}, "every_business_days must be at least 1"),
        ({"escalate_after_business_days": -1}, "escalate_after_business_days must be at least 1"),
        ({"max_reminders": -1}, "max_reminders must be 0 or more"),
    ],
)
def test_the_policy_refuses_impossible_settings(settings: dict[str, Any], message: str) -> None:
    with pytest.raises(ValueError, match=message):
        ReminderPolicy(**settings)


def test_states_and_steps_refuse_what_they_cannot_mean() -> None:
    with pytest.raises(ValueError, match="naive"):
        ReminderState(last_activity_at=datetime(2026, 11, 20, 16, 30))
    with pytest.raises(ValueError, match="naive"):
        record_activity(ReminderState(last_activity_at=FRIDAY_BEFORE_HOLIDAY), datetime(2026, 11, 24))
    with pytest.raises(ValueError, match="reminders_sent"):
        ReminderState(last_activity_at=FRIDAY_BEFORE_HOLIDAY, reminders_sent=-1)
    with pytest.raises(ValueError, match="due time"):
        Step("remind")
    with pytest.raises(ValueError, match="due time"):
        Step("none", FRIDAY_BEFORE_HOLIDAY)
