"""Slack event ids already handled: the first delivery wins, redeliveries are recognised."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import Engine, delete
from sqlmodel import col

from storage.db import dialect_insert, session_scope
from storage.models import ReceivedEvent

# Slack gives up after three retries within about an hour; a day is ample.
KEEP_FOR = timedelta(days=1)


def first_delivery(engine: Engine, event_id: str, now: datetime) -> bool:
    """Record the event; True the first time this event_id is seen, False for a redelivery."""
    with session_scope(engine) as session:
        statement = (
            dialect_insert(session, ReceivedEvent)
            .values(event_id=event_id, received_at=now)
            .on_conflict_do_nothing(index_elements=["event_id"])
            .returning(col(ReceivedEvent.event_id))
        )
        return session.execute(statement).first() is not None


def forget_old_events(engine: Engine, now: datetime) -> int:
    with session_scope(engine) as session:
        result = session.exec(delete(ReceivedEvent).where(col(ReceivedEvent.received_at) < now - KEEP_FOR))
        return int(result.rowcount or 0)
