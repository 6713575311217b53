"""Who is being chased: drafts in progress and invitations not started, claimed atomically.

A timer in every bot process sweeps; correctness comes from here. Due rows are claimed with one
statement (UPDATE … RETURNING, FOR UPDATE SKIP LOCKED on PostgreSQL) under a lease, so two or ten
processes never act on the same row at once, and a process that dies mid-way only delays the row
until its lease runs out. Acting (saving the new state and enqueueing the message) is one
transaction that only succeeds while the claim is still ours, so a reminder is enqueued once.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any, Literal

from sqlalchemy import Engine, cast, column, func, or_, values
from sqlmodel import Session, col, select, update

from storage.db import session_scope
from storage.drafts import select_open
from storage.models import Draft, DraftStatus, Invitation, InvitationStatus
from storage.outbox import Notification, enqueue, enqueue_all
from storage.reminder_fields import ReminderFields, reminder_columns, reminder_fields_of

Kind = Literal["draft", "invitation"]
_MODELS: dict[Kind, Any] = {"draft": Draft, "invitation": Invitation}
_ACTIVE: dict[Kind, str] = {"draft": DraftStatus.IN_PROGRESS, "invitation": InvitationStatus.PENDING}


@dataclass(frozen=True)
class Chased:
    """One draft or invitation whose reminder time has come (a claimed row's reminder fields)."""

    kind: Kind
    id: int
    team_id: str
    user_id: str
    flow_id: str
    flow_version_id: int | None  # drafts only: what is left is counted on this version
    invited_by: str | None
    due_date: date | None
    last_activity_at: datetime
    reminders_sent: int
    last_reminder_at: datetime | None
    snoozed_until: datetime | None
    escalated_at: datetime | None
    created_at: datetime

    @property
    def reminder(self) -> ReminderFields:
        return reminder_fields_of(self)


def _chased(kind: Kind, row: Any) -> Chased:
    return Chased(
        kind=kind,
        id=row.id,
        team_id=row.team_id,
        user_id=row.user_id,
        flow_id=row.flow_id,
        flow_version_id=getattr(row, "flow_version_id", None),
        invited_by=row.invited_by,
        due_date=row.due_date,
        last_activity_at=row.last_activity_at,
        reminders_sent=row.reminders_sent,
        last_reminder_at=row.last_reminder_at,
        snoozed_until=row.snoozed_until,
        escalated_at=row.escalated_at,
        created_at=row.created_at,
    )


def claim_due_reminders(
    engine: Engine, *, worker_id: str, now: datetime, lease_seconds: float, limit: int
) -> list[Chased]:
    """Claim up to `limit` drafts and invitations whose reminder time has come, for `worker_id`."""
    claimed: list[Chased] = []
    for kind in ("draft", "invitation"):
        model = _MODELS[kind]
        due = (
            select(model.id)
            .where(
                model.status == _ACTIVE[kind],
                model.next_reminder_at <= now,
                or_(col(model.reminder_claimed_until).is_(None), model.reminder_claimed_until <= now),
            )
            .order_by(model.next_reminder_at, model.id)
            .limit(limit - len(claimed))
            .with_for_update(skip_locked=True)
        )
        claim = (
            update(model)
            .where(col(model.id).in_(due.scalar_subquery()))
            .values(
                reminder_claimed_by=worker_id, reminder_claimed_until=now + timedelta(seconds=lease_seconds)
            )
            .returning(model)
            .execution_options(synchronize_session=False)
        )
        with session_scope(engine) as session:
            claimed.extend(_chased(kind, row) for row in session.exec(claim).scalars())
        if len(claimed) >= limit:
            break
    return claimed


def settle_reminder(
    engine: Engine,
    chased: Chased,
    *,
    worker_id: str,
    next_reminder_at: datetime | None,
    reminder: ReminderFields | None = None,
    notifications: Iterable[Notification] = (),
    now: datetime,
) -> bool:
    """Save what the sweep decided (the policy's new `reminder` state, if it changed, and the next due
    time) and enqueue its messages, in one transaction, and release the claim.

    Only while the claim is still `worker_id`'s and nothing happened since the claim (no answer,
    no snooze): otherwise nothing is changed and False is returned; the next sweep looks again.
    """
    settlement = Settlement(chased, next_reminder_at, reminder, tuple(notifications))
    return settle_reminders(engine, [settlement], worker_id=worker_id, now=now)[0]


@dataclass(frozen=True)
class Settlement:
    """What the sweep decided for one claimed row: its next due time, the policy's new state (None:
    unchanged) and the messages to enqueue."""

    chased: Chased
    next_reminder_at: datetime | None
    reminder: ReminderFields | None = None
    notifications: tuple[Notification, ...] = ()


def settle_reminders(
    engine: Engine, settlements: Sequence[Settlement], *, worker_id: str, now: datetime
) -> list[bool]:
    """Settle a sweep's claimed batch in one transaction (one commit, not one per row): each row's
    UPDATE guarded as in settle_reminder (a row acted on since its claim is left alone: False),
    then the messages of the rows settled, in one INSERT."""
    if not settlements:
        return []
    with session_scope(engine) as session:
        if engine.dialect.name == "postgresql":
            done = _settle_in_sets(session, settlements, worker_id)
            settled = [(one.chased.kind, one.chased.id) in done for one in settlements]
        else:  # SQLite: statements are local calls, not round trips; one per row costs little
            settled = [session.exec(_settle_statement(one, worker_id)).rowcount == 1 for one in settlements]
        due = [n for one, ok in zip(settlements, settled, strict=True) if ok for n in one.notifications]
        enqueue_all(session, due, now)
    return settled


def _settle_in_sets(
    session: Session, settlements: Sequence[Settlement], worker_id: str
) -> set[tuple[Kind, int]]:
    """PostgreSQL: one `UPDATE … FROM (VALUES …)` per kind of row and set of columns the policy
    changed (a handful per batch, not one per row), each row guarded as in settle_reminder; the
    rows settled, by the ids the statements return."""
    groups: dict[tuple[Kind, tuple[str, ...]], list[tuple[Settlement, dict[str, Any]]]] = {}
    for one in settlements:
        changed = reminder_columns(one.chased.reminder, one.reminder) if one.reminder else {}
        groups.setdefault((one.chased.kind, tuple(sorted(changed))), []).append((one, changed))
    done: set[tuple[Kind, int]] = set()
    for (kind, names), rows in groups.items():
        model = _MODELS[kind]
        table = model.__table__
        settable = ("next_reminder_at", *names)
        settled_rows = values(
            column("id", table.c.id.type),
            column("guard", table.c.last_activity_at.type),
            *(column(name, table.c[name].type) for name in settable),
            name="settled",
        ).data(
            [
                (
                    one.chased.id,
                    one.chased.last_activity_at,
                    one.next_reminder_at,
                    *(changed[n] for n in names),
                )
                for one, changed in rows
            ]
        )
        # A column of NULLs in VALUES is text to PostgreSQL: each is cast to its column's type.
        statement = (
            update(model)
            .where(
                model.id == settled_rows.c.id,
                model.status == _ACTIVE[kind],
                model.reminder_claimed_by == worker_id,
                model.last_activity_at == cast(settled_rows.c.guard, table.c.last_activity_at.type),
            )
            .values(
                {
                    **{name: cast(settled_rows.c[name], table.c[name].type) for name in settable},
                    "reminder_claimed_by": None,
                    "reminder_claimed_until": None,
                }
            )
            .returning(model.id)
            .execution_options(synchronize_session=False)
        )
        done.update((kind, row_id) for row_id in session.exec(statement).scalars())
    return done


def _settle_statement(settlement: Settlement, worker_id: str) -> Any:
    chased, reminder = settlement.chased, settlement.reminder
    model = _MODELS[chased.kind]
    return (
        update(model)
        .where(
            model.id == chased.id,
            model.status == _ACTIVE[chased.kind],
            model.reminder_claimed_by == worker_id,
            model.last_activity_at == chased.last_activity_at,
        )
        .values(
            **(reminder_columns(chased.reminder, reminder) if reminder else {}),
            next_reminder_at=settlement.next_reminder_at,
            reminder_claimed_by=None,
            reminder_claimed_until=None,
        )
        .execution_options(synchronize_session=False)
    )


def release_claim(engine: Engine, chased: Chased, *, worker_id: str) -> None:
    """Give a claimed row back untouched (e.g. the sweep failed on it); it is due again at once."""
    model = _MODELS[chased.kind]
    with session_scope(engine) as session:
        session.exec(
            update(model)
            .where(model.id == chased.id, model.reminder_claimed_by == worker_id)
            .values(reminder_claimed_by=None, reminder_claimed_until=None)
            .execution_options(synchronize_session=False)
        )


def snooze(engine: Engine, chased: Chased, *, reminder: ReminderFields, next_reminder_at: datetime) -> bool:
    """あとで: save the policy's snoozed state and the next due time (any claim is dropped: the
    person replied, so a sweep in flight must not act on what it read before)."""
    model = _MODELS[chased.kind]
    with session_scope(engine) as session:
        result = session.exec(
            update(model)
            .where(model.id == chased.id, model.status == _ACTIVE[chased.kind])
            .values(
                **reminder_columns(chased.reminder, reminder),
                next_reminder_at=next_reminder_at,
                reminder_claimed_by=None,
                reminder_claimed_until=None,
            )
            .execution_options(synchronize_session=False)
        )
        return result.rowcount == 1


@dataclass(frozen=True)
class Invited:
    """What `invite` did: a new invitation, or a due date set on a draft or invitation already there."""

    kind: Kind
    id: int
    created: bool


def invite(
    engine: Engine,
    *,
    team_id: str,
    user_id: str,
    flow_id: str,
    invited_by: str,
    due_date: date | None,
    now: datetime,
    notification: Callable[[int], Notification] | None,
) -> Invited:
    """Ask someone to answer. A person already answering keeps their draft, which takes the due date.

    `notification` builds the message to enqueue from the new invitation's id, in the same transaction.
    """
    with session_scope(engine) as session:
        for kind, model in _MODELS.items():
            found = session.exec(select_open(model, team_id, user_id, flow_id)).one_or_none()
            if found is not None:  # already answering, or already invited: set the due date
                _set_due(session, model, found.id, invited_by, due_date, now)
                return Invited(kind, found.id, created=False)
        invitation = Invitation(
            team_id=team_id,
            user_id=user_id,
            flow_id=flow_id,
            invited_by=invited_by,
            due_date=due_date,
            created_at=now,
            last_activity_at=now,
            next_reminder_at=now,  # the sweep works out the first reminder
        )
        session.add(invitation)
        session.flush()
        assert invitation.id is not None
        if notification is not None:
            made = notification(invitation.id)
            enqueue(session, made.kind, made.payload, made.dedupe_key, now)
        return Invited("invitation", invitation.id, created=True)


def _set_due(
    session: Any, model: Any, row_id: int, invited_by: str, due_date: date | None, now: datetime
) -> None:
    session.exec(
        update(model)
        .where(model.id == row_id)
        .values(invited_by=invited_by, due_date=due_date, next_reminder_at=now)
        .execution_options(synchronize_session=False)
    )


def get_invitation(engine: Engine, invitation_id: int) -> Invitation | None:
    with session_scope(engine, read_only=True) as session:
        return session.get(Invitation, invitation_id)


def outstanding(
    engine: Engine, *, team_id: str, flow_ids: Sequence[str], user_id: str | None = None
) -> list[Chased]:
    """Drafts in progress and invitations not started (one person's, or everyone's), oldest first."""
    found: list[Chased] = []
    with session_scope(engine, read_only=True) as session:
        for kind in ("draft", "invitation"):
            model = _MODELS[kind]
            query = select(model).where(
                model.team_id == team_id, model.status == _ACTIVE[kind], col(model.flow_id).in_(flow_ids)
            )
            if user_id is not None:
                query = query.where(model.user_id == user_id)
            found.extend(_chased(kind, row) for row in session.exec(query))
    return sorted(found, key=lambda chased: (chased.created_at, chased.kind, chased.id))


def find_chased(engine: Engine, kind: Kind, row_id: int, *, active_only: bool = True) -> Chased | None:
    """A draft's or invitation's reminder fields; None if gone (or, with active_only, closed)."""
    model = _MODELS.get(kind)
    if model is None:
        return None
    with session_scope(engine, read_only=True) as session:
        row = session.get(model, row_id)
        if row is None or (active_only and row.status != _ACTIVE[kind]):
            return None
        return _chased(kind, row)


def count_outstanding(engine: Engine, *, team_id: str, flow_ids: Sequence[str]) -> tuple[int, int]:
    """(drafts in progress, invitations not started) of these flows: counts only, no rows loaded."""
    counts: list[int] = []
    with session_scope(engine, read_only=True) as session:
        for kind in ("draft", "invitation"):
            model = _MODELS[kind]
            counted = session.exec(
                select(func.count())
                .select_from(model)
                .where(
                    model.team_id == team_id, model.status == _ACTIVE[kind], col(model.flow_id).in_(flow_ids)
                )
            ).one()
            counts.append(int(counted))
    return counts[0], counts[1]
