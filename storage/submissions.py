"""Submitting a draft: exactly one submission per draft, with the next receipt number."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from datetime import datetime, tzinfo
from typing import Any

from sqlalchemy import Engine
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col, select

from storage.db import session_scope
from storage.drafts import get_draft, update_in_progress
from storage.errors import DraftClosed
from storage.models import Draft, DraftStatus, Submission
from storage.outbox import Notification, enqueue
from storage.receipts import format_receipt_number, next_receipt_seq, receipt_year


def submit_draft(
    engine: Engine,
    draft_id: int,
    *,
    expected_version: int,
    answers: Mapping[str, Any],
    now: datetime,
    timezone: tzinfo,
    notifications: Callable[[Submission], Iterable[Notification]] | None = None,
) -> Submission:
    """Close the draft as submitted and store its answers under the next receipt number.

    `notifications` builds the messages to enqueue from the new submission (it knows the receipt
    number); they are stored in the same transaction, so they exist if and only if it does.
    Raises DraftClosed if the draft was already submitted or cancelled (a second click, or a
    racing double submit: exactly one wins) and DraftConflict if it changed since
    `expected_version`. The receipt year is the calendar year of `now` in `timezone`.
    """
    year = receipt_year(now, timezone)

    def change(session: Session, draft: Draft) -> Submission:
        if draft.correcting_submission_id is not None:
            raise ValueError("a correction is submitted with storage.submit_correction")
        draft.status = DraftStatus.SUBMITTED
        draft.answers = dict(answers)
        draft.updated_at = now
        draft.last_activity_at = now
        draft.next_reminder_at = None
        # Versioned UPDATE first: a racing submit of the same draft stops here (waiting for the
        # row lock, then matching nothing) before it takes a receipt number.
        session.flush()
        seq = next_receipt_seq(session, year)
        assert draft.id is not None
        submission = Submission(
            draft_id=draft.id,
            receipt_number=format_receipt_number(year, seq),
            receipt_year=year,
            receipt_seq=seq,
            team_id=draft.team_id,
            user_id=draft.user_id,
            flow_version_id=draft.flow_version_id,
            answers=dict(answers),
            submitted_at=now,
        )
        session.add(submission)
        session.flush()
        for notification in notifications(submission) if notifications else ():
            enqueue(session, notification.kind, notification.payload, notification.dedupe_key, now)
        return submission

    try:
        return update_in_progress(engine, draft_id, expected_version, change)
    except IntegrityError:
        # The unique draft_id is the last line of defence; the version check should win first.
        if get_submission(engine, draft_id=draft_id) is None:
            raise
        raise DraftClosed(get_draft(engine, draft_id)) from None


def get_submission(engine: Engine, *, draft_id: int) -> Submission | None:
    """The submission of a draft, e.g. to show the receipt number again after a second click."""
    with session_scope(engine, read_only=True) as session:
        return session.exec(select(Submission).where(Submission.draft_id == draft_id)).one_or_none()


def latest_submission(engine: Engine, *, team_id: str, user_id: str, flow_id: str) -> Submission | None:
    """The person's newest submission of this flow (any version), to mention before a new one."""
    with session_scope(engine, read_only=True) as session:
        return session.exec(
            select(Submission)
            .join(Draft, col(Draft.id) == col(Submission.draft_id))
            .where(Submission.team_id == team_id, Submission.user_id == user_id, Draft.flow_id == flow_id)
            .order_by(col(Submission.submitted_at).desc(), col(Submission.id).desc())
            .limit(1)
        ).first()


def find_submission(engine: Engine, *, receipt_number: str) -> Submission | None:
    with session_scope(engine, read_only=True) as session:
        return session.exec(select(Submission).where(Submission.receipt_number == receipt_number)).first()
