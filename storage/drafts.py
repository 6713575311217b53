"""Drafts: answers in progress, one per person and flow, guarded by an optimistic lock."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import datetime
from typing import Any, TypeVar, cast

from sqlalchemy import Engine, func
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm.exc import StaleDataError
from sqlmodel import Session, col, select, update
from sqlmodel.sql.expression import SelectOfScalar

from storage.db import session_scope
from storage.errors import DraftAlreadyActive, DraftClosed, DraftConflict, DraftNotFound, FlowVersionNotFound
from storage.models import Draft, DraftStatus, FlowVersion, Invitation, InvitationStatus
from storage.reminder_fields import ReminderFields, reminder_columns, reminder_fields_of

T = TypeVar("T")
M = TypeVar("M", Draft, Invitation)

# An IntegrityError on insert whose in-progress draft is gone by the time we look (it was
# closed in between) is retried; more than a few rounds means something else is wrong.
_START_ATTEMPTS = 3


def start_draft(
    engine: Engine,
    *,
    team_id: str,
    user_id: str,
    flow_version_id: int,
    now: datetime,
    current_question_id: str | None = None,
) -> Draft:
    """Begin a draft pinned to `flow_version_id`; raises DraftAlreadyActive if one is in progress."""
    for _ in range(_START_ATTEMPTS):
        flow_id: str | None = None
        try:
            with session_scope(engine) as session:
                flow_version = session.get(FlowVersion, flow_version_id)
                if flow_version is None:
                    raise FlowVersionNotFound(f"flow version {flow_version_id} does not exist")
                flow_id = flow_version.flow_id
                draft = Draft(
                    team_id=team_id,
                    user_id=user_id,
                    flow_id=flow_id,
                    flow_version_id=flow_version_id,
                    answers={},
                    current_question_id=current_question_id,
                    status=DraftStatus.IN_PROGRESS,
                    created_at=now,
                    updated_at=now,
                    last_activity_at=now,
                    next_reminder_at=now,  # the reminder sweep works out the first reminder
                )
                session.add(draft)
                session.flush()  # the partial unique index speaks here, not a prior SELECT
                _take_over_invitation(session, draft)
                return draft
        except IntegrityError:
            if flow_id is None:
                raise
            existing = find_active_draft(engine, team_id=team_id, user_id=user_id, flow_id=flow_id)
            if existing is not None:
                raise DraftAlreadyActive(existing) from None
    raise RuntimeError(f"could not start a draft after {_START_ATTEMPTS} attempts")


def select_open(model: type[M], team_id: str, user_id: str, flow_id: str) -> SelectOfScalar[M]:
    """The one open draft (in progress) or invitation (pending) of a person and flow."""
    status = DraftStatus.IN_PROGRESS if model is Draft else InvitationStatus.PENDING
    return select(model).where(
        model.team_id == team_id,
        model.user_id == user_id,
        model.flow_id == flow_id,
        model.status == status,
    )


def find_active_draft(engine: Engine, *, team_id: str, user_id: str, flow_id: str) -> Draft | None:
    with session_scope(engine, read_only=True) as session:
        return session.exec(select_open(Draft, team_id, user_id, flow_id)).one_or_none()


def get_draft(engine: Engine, draft_id: int) -> Draft:
    with session_scope(engine, read_only=True, one_statement=True) as session:
        draft = session.get(Draft, draft_id)
        if draft is None:
            raise DraftNotFound(f"draft {draft_id} does not exist")
        return draft


def _take_over_invitation(session: Session, draft: Draft) -> None:
    """An invited person started: the draft carries the invitation's due date, inviter and escalation."""
    invitation = session.exec(
        select_open(Invitation, draft.team_id, draft.user_id, draft.flow_id)
    ).one_or_none()
    if invitation is None:
        return
    invitation.status = InvitationStatus.STARTED
    invitation.draft_id = draft.id
    invitation.next_reminder_at = None
    draft.due_date = invitation.due_date
    draft.invited_by = invitation.invited_by
    draft.escalated_at = invitation.escalated_at
    session.add(invitation)
    session.flush()


def save_answers(
    engine: Engine,
    draft_id: int,
    *,
    expected_version: int,
    answers: Mapping[str, Any],
    current_question_id: str | None,
    now: datetime,
    reminder: ReminderFields | None = None,
    next_reminder_at: datetime | None = None,
    reminder_before: ReminderFields | None = None,
) -> Draft:
    """Replace the draft's answers and position, with the reminder state the policy gives for
    this activity (`reminder` and `next_reminder_at`; without `reminder`, reminders are untouched).

    With `reminder_before` (the reminder state of the draft the caller read at `expected_version`),
    it is one guarded `UPDATE … RETURNING`: no read first, one round trip on PostgreSQL."""
    if reminder is None or reminder_before is not None:
        values: dict[str, Any] = {
            "answers": dict(answers),
            "current_question_id": current_question_id,
            "updated_at": now,
        }
        if reminder is not None and reminder_before is not None:
            values |= reminder_columns(reminder_before, reminder)
            values["next_reminder_at"] = next_reminder_at
        return _guarded_update(engine, draft_id, expected_version, values)

    def change(_session: Session, draft: Draft) -> Draft:
        # A new dict: the JSON column does not notice changes made inside the old one.
        draft.answers = dict(answers)
        draft.current_question_id = current_question_id
        draft.updated_at = now
        if reminder is not None:
            for column, value in reminder_columns(reminder_fields_of(draft), reminder).items():
                setattr(draft, column, value)
            draft.next_reminder_at = next_reminder_at
        return draft

    return update_in_progress(engine, draft_id, expected_version, change)


def cancel_draft(engine: Engine, draft_id: int, *, expected_version: int, now: datetime) -> Draft:
    """中止 and やり直す: the answers are erased; the row stays, with its status and times, for counts."""

    def change(_session: Session, draft: Draft) -> Draft:
        draft.answers = {}
        draft.current_question_id = None
        draft.status = DraftStatus.CANCELLED
        draft.updated_at = now
        draft.next_reminder_at = None
        return draft

    return update_in_progress(engine, draft_id, expected_version, change)


def _guarded_update(engine: Engine, draft_id: int, expected_version: int, values: dict[str, Any]) -> Draft:
    """Apply `values` to the draft if it is still in progress at `expected_version`, bumping the
    version, in one statement; otherwise DraftClosed or DraftConflict, as update_in_progress says."""
    statement = (
        update(Draft)
        .where(
            col(Draft.id) == draft_id,
            col(Draft.version) == expected_version,
            col(Draft.status) == DraftStatus.IN_PROGRESS,
        )
        .values(**values, version=expected_version + 1)
        .returning(Draft)
        .execution_options(synchronize_session=False)
    )
    with session_scope(engine, one_statement=True) as session:
        saved = session.exec(statement).scalars().one_or_none()
        if saved is not None:
            return cast(Draft, saved)
    raise _closed_or_conflict(get_draft(engine, draft_id), expected_version)


def update_in_progress(
    engine: Engine,
    draft_id: int,
    expected_version: int,
    change: Callable[[Session, Draft], T],
) -> T:
    """Apply `change` to an in-progress draft at `expected_version`, in one transaction.

    Raises DraftClosed if the draft is no longer in progress and DraftConflict if its version
    moved on. The version check happens twice: here before the change (the common case, with a
    clear answer) and in the UPDATE's WHERE clause (two writers that both passed the first check:
    the later one matches no row and SQLAlchemy raises StaleDataError).
    """
    try:
        with session_scope(engine) as session:
            draft = session.get(Draft, draft_id)
            if draft is None:
                raise DraftNotFound(f"draft {draft_id} does not exist")
            if draft.status != DraftStatus.IN_PROGRESS or draft.version != expected_version:
                # Keep the loaded values for the exception: the rollback would expire them.
                session.expunge(draft)
                raise _closed_or_conflict(draft, expected_version)
            result = change(session, draft)
            session.flush()
            return result
    except StaleDataError:
        raise _closed_or_conflict(get_draft(engine, draft_id), expected_version) from None


def _closed_or_conflict(draft: Draft, expected_version: int) -> DraftClosed | DraftConflict:
    # "Already submitted" tells the person more than "changed elsewhere", so it comes first.
    if draft.status != DraftStatus.IN_PROGRESS:
        return DraftClosed(draft)
    return DraftConflict(draft, expected_version)


def latest_draft_id(engine: Engine, *, team_id: str, user_id: str, flow_id: str) -> int:
    """The id of the person's newest draft of this flow, whatever its status; 0 if none."""
    with session_scope(engine, read_only=True) as session:
        newest = session.exec(
            select(func.max(col(Draft.id))).where(
                Draft.team_id == team_id, Draft.user_id == user_id, Draft.flow_id == flow_id
            )
        ).one()
        return int(newest or 0)


def swap_live_message(
    engine: Engine, draft_id: int, channel: str, ts: str | None, question_id: str | None = None
) -> tuple[str, str | None, str | None] | None:
    """Make (channel, ts) the draft's live message (asking `question_id`; None: the review); the
    one it replaces, if any and different: (channel, ts, the question it asked). A None `ts` is a
    message whose ts Slack did not tell (posted through a response_url); the one replaced may be such
    a message too, and its question then tells it apart in the DM. The row is locked, so two messages posted at once for
    one draft cannot both replace the same older one and both stay live."""
    if engine.dialect.name != "postgresql":
        return _swap_live_message_locally(engine, draft_id, channel, ts, question_id)
    # One statement (one round trip): the old values are read under the UPDATE's own row lock, by a
    # subquery FOR UPDATE, which sees the newest version of the row when two swaps meet.
    old = select(Draft.id, Draft.live_channel, Draft.live_ts, Draft.live_question_id).where(
        col(Draft.id) == draft_id
    )
    old = old.with_for_update()
    old_row = old.subquery("old")
    statement = (
        update(Draft)
        .where(col(Draft.id) == old_row.c.id)
        .values(live_channel=channel, live_ts=ts, live_question_id=question_id)
        .returning(old_row.c.live_channel, old_row.c.live_ts, old_row.c.live_question_id)
        .execution_options(synchronize_session=False)
    )
    with session_scope(engine, one_statement=True) as session:
        previous = session.exec(statement).one_or_none()
    if (
        previous is None
        or previous[0] is None
        or (previous[1] is not None and tuple(previous[:2]) == (channel, ts))
    ):
        return None
    asked = None if previous[2] is None else str(previous[2])
    return str(previous[0]), None if previous[1] is None else str(previous[1]), asked


def _swap_live_message_locally(
    engine: Engine, draft_id: int, channel: str, ts: str | None, question_id: str | None
) -> tuple[str, str | None, str | None] | None:
    """SQLite's RETURNING cannot name the FROM clause: read, then write, under its write lock
    (BEGIN IMMEDIATE), which is local and costs no round trip."""
    with session_scope(engine) as session:
        draft = session.exec(select(Draft).where(col(Draft.id) == draft_id)).one_or_none()
        if draft is None:
            return None
        previous = (draft.live_channel, draft.live_ts)
        previous_question = draft.live_question_id
        session.exec(
            update(Draft)
            .where(col(Draft.id) == draft_id)
            .values(live_channel=channel, live_ts=ts, live_question_id=question_id)
            .execution_options(synchronize_session=False)
        )
    if previous[0] is None or (previous[1] is not None and previous == (channel, ts)):
        return None
    return previous[0], previous[1], previous_question
