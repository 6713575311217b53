"""Properties of the calendar and the policy over generated times, settings and event scripts."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from typing import Literal
from zoneinfo import ZoneInfo

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bot.reminders.calendar import BusinessCalendar
from bot.reminders.policy import (
    ReminderPolicy,
    ReminderState,
    next_step,
    record_activity,
    record_escalation,
    record_reminder,
    record_snooze,
)
from tests.bot.reminders.test_policy import due_kind

TOKYO = ZoneInfo("Asia/Tokyo")
PROPERTY_SETTINGS = settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])

# Zones without DST transitions inside business hours, so every business day is equally long.
instants = st.datetimes(
    min_value=datetime(2025, 1, 1), max_value=datetime(2028, 12, 31), timezones=st.sampled_from([TOKYO, UTC])
)
days = st.dates(min_value=date(2025, 1, 1), max_value=date(2028, 12, 31))


@st.composite
def calendars(draw: st.DrawFn) -> BusinessCalendar:
    opens = draw(st.times(max_value=time(22, 0)))
    closes = draw(st.times(min_value=(datetime.combine(date.min, opens) + timedelta(minutes=1)).time()))
    extra = draw(st.frozensets(days, max_size=30))
    return BusinessCalendar(draw(st.sampled_from([TOKYO, ZoneInfo("UTC")])), opens, closes, extra)


policies = st.builds(
    ReminderPolicy,
    first_after_business_days=st.integers(1, 5),
    every_business_days=st.integers(1, 5),
    max_reminders=st.integers(0, 5),
    escalate_after_business_days=st.integers(1, 5),
    escalate=st.booleans(),
)


@st.composite
def states(draw: st.DrawFn) -> ReminderState:
    """Any valid state, consistent or not: the policy must be total."""
    return ReminderState(
        last_activity_at=draw(instants),
        reminders_sent=draw(st.integers(0, 8)),
        last_reminder_at=draw(st.none() | instants),
        snoozed_until=draw(st.none() | instants),
        escalated=draw(st.booleans()),
        due_date=draw(st.none() | days),
        closed=draw(st.booleans()),
    )


@PROPERTY_SETTINGS
@given(calendars(), instants)
def test_next_business_time_is_the_first_business_instant(calendar: BusinessCalendar, at: datetime) -> None:
    result = calendar.next_business_time(at)
    assert calendar.is_business_time(result)
    assert result >= at
    assert calendar.business_time_between(at, result) == timedelta()
    assert (result == at) is calendar.is_business_time(at)


@PROPERTY_SETTINGS
@given(calendars(), instants, st.integers(0, 30))
def test_add_business_days_is_a_business_instant_n_days_on(
    calendar: BusinessCalendar, start: datetime, n: int
) -> None:
    result = calendar.add_business_days(start, n)
    assert calendar.is_business_time(result)
    assert calendar.business_time_between(start, result) == n * calendar.day_length
    assert calendar.business_days_between(start, result) == n
    assert calendar.business_days_between(result, start) == -n
    assert calendar.add_business_days(start, n + 1) > result


@PROPERTY_SETTINGS
@given(policies, calendars(), states(), st.none() | instants)
def test_every_step_is_due_at_a_business_instant(
    policy: ReminderPolicy, calendar: BusinessCalendar, state: ReminderState, now: datetime | None
) -> None:
    step = next_step(policy, calendar, state, now)
    assert step == next_step(policy, calendar, state, now)  # deterministic
    if state.closed:
        assert step.kind == "none"
    if step.due_at is not None:
        assert calendar.is_business_time(step.due_at)
        assert now is None or step.due_at >= now
    if now is not None:
        kind = due_kind(policy, calendar, state, now)
        assert kind is None or (calendar.is_business_time(now) and kind == step.kind and step.due_at == now)


Event = tuple[Literal["sweep", "poll", "activity", "snooze"], int]
events = st.lists(
    st.tuples(st.sampled_from(["sweep", "sweep", "poll", "activity", "snooze"]), st.integers(0, 60 * 24 * 7)),
    max_size=40,
)


@PROPERTY_SETTINGS
@given(policies, st.none() | days, instants, events)
def test_a_simulated_life_respects_the_cap_and_escalates_at_most_once(
    policy: ReminderPolicy, due_date: date | None, start: datetime, script: list[Event]
) -> None:
    calendar = BusinessCalendar(TOKYO, extra_closed_days=frozenset({date(2026, 12, 28)}))
    state = ReminderState(last_activity_at=start, due_date=due_date)
    now, in_a_row, escalations = start, 0, 0

    def act(kind: str | None) -> None:
        nonlocal state, in_a_row, escalations
        if kind is None:
            return
        assert calendar.is_business_time(now)
        if kind == "remind":
            state, in_a_row = record_reminder(state, now), in_a_row + 1
        else:
            state, escalations = record_escalation(state), escalations + 1
        assert in_a_row <= policy.max_reminders
        assert escalations <= 1

    for event, minutes in [*script, *[("sweep", 0)] * (policy.max_reminders + 2)]:
        if event == "sweep":  # the scheduler wakes exactly at the stored due time
            step = next_step(policy, calendar, state, now)
            if step.due_at is None:
                continue
            assert step.due_at >= now
            now = step.due_at
            assert due_kind(policy, calendar, state, now) == step.kind
            act(step.kind)
            continue
        now += timedelta(minutes=minutes)
        if event == "poll":  # a sweep at an arbitrary time
            act(due_kind(policy, calendar, state, now))
        elif event == "activity":
            state, in_a_row = record_activity(state, now), 0
        else:
            state, in_a_row = record_snooze(state, calendar, now), 0
            step = next_step(policy, calendar, state)
            if policy.max_reminders:
                assert step.due_at is not None and step.due_at <= calendar.next_day_opening(now)

    # Left alone long enough (the trailing sweeps), the reminders run out.
    assert next_step(policy, calendar, state).kind == "none"
    assert escalations == int(state.escalated) <= int(policy.escalate)
