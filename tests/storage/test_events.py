"""Slack event ids: the first delivery is handled, redeliveries are recognised, old ids expire."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlalchemy import Engine

from storage import first_delivery, forget_old_events

NOW = datetime(2026, 11, 26, 1, 0, tzinfo=UTC)


def test_only_the_first_delivery_of_an_event_counts(engine: Engine) -> None:
    assert first_delivery(engine, "Ev0001", NOW)
    assert not first_delivery(engine, "Ev0001", NOW + timedelta(seconds=3))
    assert first_delivery(engine, "Ev0002", NOW)


def test_old_event_ids_are_forgotten_after_a_day(engine: Engine) -> None:
    first_delivery(engine, "Ev-old", NOW - timedelta(days=2))
    first_delivery(engine, "Ev-new", NOW - timedelta(hours=1))
    assert forget_old_events(engine, NOW) == 1
    assert first_delivery(engine, "Ev-old", NOW)
    assert not first_delivery(engine, "Ev-new", NOW)
