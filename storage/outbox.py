"""The outbox: notifications stored with the change that caused them, delivered until sent.

Workers claim due messages with a lease. A worker that crashes simply lets its lease lapse and
another worker claims the message again, so delivery is at least once; `dedupe_key` keeps the
same notification from being enqueued twice.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import Engine, func, or_, true
from sqlmodel import Session, col, select, update

from storage.db import dialect_insert, session_scope
from storage.models import LAST_ERROR_LENGTH, OutboxMessage, OutboxStatus


@dataclass(frozen=True, slots=True)
class Notification:
    """A message to enqueue. Keep the payload to ids and what the worker needs to send."""

    kind: str
    payload: Mapping[str, Any]
    dedupe_key: str


def enqueue(
    target: Session | Engine,
    kind: str,
    payload: Mapping[str, Any],
    dedupe_key: str,
    now: datetime,
) -> bool:
    """Store a message unless one with the same dedupe_key exists; True if it was stored.

    Pass a Session to enqueue inside that unit of work (atomically with its other changes),
    or an Engine for a transaction of its own.
    """
    if isinstance(target, Engine):
        with session_scope(target) as session:
            return enqueue(session, kind, payload, dedupe_key, now)
    # ON CONFLICT rather than catching IntegrityError: on PostgreSQL an error would abort the
    # caller's whole transaction.
    return enqueue_all(target, [Notification(kind, payload, dedupe_key)], now) == 1


def enqueue_all(session: Session, notifications: Sequence[Notification], now: datetime) -> int:
    """Store the messages in one INSERT, each unless one with its dedupe_key exists; how many were
    stored. Inside the caller's unit of work."""
    if not notifications:
        return 0
    rows = [
        {
            "kind": n.kind,
            "payload": dict(n.payload),
            "dedupe_key": n.dedupe_key,
            "status": OutboxStatus.PENDING,
            "attempts": 0,
            "next_attempt_at": now,
            "created_at": now,
        }
        for n in {n.dedupe_key: n for n in notifications}.values()  # one row per key: ON CONFLICT
    ]
    statement = (
        dialect_insert(session, OutboxMessage)
        .values(rows)
        .on_conflict_do_nothing(index_elements=["dedupe_key"])
        .returning(col(OutboxMessage.id))
    )
    return len(session.exec(statement).all())


def claim_due(
    engine: Engine,
    *,
    worker_id: str,
    now: datetime,
    lease_seconds: float,
    limit: int,
    kinds: Collection[str] | None = None,
) -> list[OutboxMessage]:
    """Claim up to `limit` due messages for `worker_id` until now + lease, in one statement.

    On PostgreSQL, FOR UPDATE SKIP LOCKED lets concurrent workers pass over rows another worker
    is claiming instead of waiting or taking the same ones; SQLite (which renders no FOR UPDATE)
    runs one writer at a time anyway. `kinds` limits the claim to those kinds of message.
    """
    due = (
        select(OutboxMessage.id)
        .where(
            col(OutboxMessage.status) == OutboxStatus.PENDING,
            col(OutboxMessage.next_attempt_at) <= now,
            or_(col(OutboxMessage.claimed_until).is_(None), col(OutboxMessage.claimed_until) <= now),
        )
        .where(col(OutboxMessage.kind).in_(list(kinds)) if kinds is not None else true())
        .order_by(col(OutboxMessage.next_attempt_at), col(OutboxMessage.id))
        .limit(limit)
        .with_for_update(skip_locked=True)
    )
    claim = (
        update(OutboxMessage)
        .where(col(OutboxMessage.id).in_(due.scalar_subquery()))
        .values(
            claimed_by=worker_id,
            claimed_until=now + timedelta(seconds=lease_seconds),
            attempts=OutboxMessage.attempts + 1,
        )
        .returning(OutboxMessage)
        .execution_options(synchronize_session=False)
    )
    with session_scope(engine) as session:
        claimed = list(session.exec(claim).scalars())
    return sorted(claimed, key=lambda message: (message.next_attempt_at, message.id or 0))


def mark_sent(engine: Engine, message_id: int, *, worker_id: str, now: datetime) -> bool:
    """Record delivery. False if `worker_id` no longer holds the claim (it was taken over)."""
    return _finish_claim(
        engine,
        message_id,
        worker_id,
        status=OutboxStatus.SENT,
        sent_at=now,
        claimed_until=None,
    )


def mark_failed(engine: Engine, message_id: int, *, worker_id: str, error: str, retry_at: datetime) -> bool:
    """Release the claim and retry at `retry_at` (the caller decides the backoff).

    `error` should describe the failure (an exception type, an API error code), never the
    payload: it is stored and may be shown to operators.
    """
    return _finish_claim(
        engine,
        message_id,
        worker_id,
        next_attempt_at=retry_at,
        claimed_by=None,
        claimed_until=None,
        last_error=error[:LAST_ERROR_LENGTH],
    )


def release_unattempted(
    engine: Engine, message_ids: Collection[int], *, worker_id: str, not_before: datetime
) -> int:
    """Give back claimed messages that were never tried (the round stopped at Slack's rate limit),
    due again at `not_before` at the earliest; their attempt is not counted. One statement; the
    number released."""
    if not message_ids:
        return 0
    statement = (
        update(OutboxMessage)
        .where(
            col(OutboxMessage.id).in_(list(message_ids)),
            col(OutboxMessage.claimed_by) == worker_id,
            col(OutboxMessage.status) == OutboxStatus.PENDING,
        )
        .values(
            next_attempt_at=func.max(OutboxMessage.next_attempt_at, not_before)
            if engine.dialect.name == "sqlite"
            else func.greatest(OutboxMessage.next_attempt_at, not_before),
            attempts=OutboxMessage.attempts - 1,
            claimed_by=None,
            claimed_until=None,
        )
        .returning(col(OutboxMessage.id))
        .execution_options(synchronize_session=False)
    )
    with session_scope(engine, one_statement=True) as session:
        return len(session.exec(statement).all())


def _finish_claim(engine: Engine, message_id: int, worker_id: str, **values: Any) -> bool:
    statement = (
        update(OutboxMessage)
        .where(
            col(OutboxMessage.id) == message_id,
            col(OutboxMessage.claimed_by) == worker_id,
            col(OutboxMessage.status) == OutboxStatus.PENDING,
        )
        .values(**values)
        .returning(col(OutboxMessage.id))
        .execution_options(synchronize_session=False)
    )
    with session_scope(engine) as session:
        return session.exec(statement).scalar_one_or_none() is not None
