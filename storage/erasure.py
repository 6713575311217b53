"""Erasing a submission: its answers (in the submission and its drafts), its history and its posts
in the admin channel go; a tombstone stays with the receipt number, the dates, the status, and
who erased it and why.

The admin channel's posts are deleted through the outbox (kind DELETE_ADMIN_MESSAGE, enqueued in
the erasing transaction), so a Slack outage delays their deletion but never loses it.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Engine, delete
from sqlmodel import Session, col, select

from storage.audit import add_audit
from storage.db import session_scope
from storage.models import (
    REASON_LENGTH,
    AdminMessage,
    AuditAction,
    Draft,
    DraftStatus,
    ExportSource,
    Submission,
    SubmissionEvent,
)
from storage.outbox import enqueue

# The outbox kind of a post to delete ({"channel", "ts"}): the bot owns its sender.
DELETE_ADMIN_MESSAGE = "delete_admin_message"


def erase_submission(
    engine: Engine,
    submission_id: int,
    *,
    actor: str,
    source: ExportSource,
    reason: str,
    now: datetime,
) -> Submission | None:
    """Erase now; the tombstone, or None if it was erased already (each erasure happens once,
    however many processes try)."""
    with session_scope(engine) as session:
        submission = session.exec(
            select(Submission).where(col(Submission.id) == submission_id).with_for_update()
        ).one_or_none()
        if submission is None or submission.erased_at is not None:
            return None
        erase_in(session, submission, actor=actor, source=source, reason=reason, now=now)
        return submission


def erase_in(
    session: Session, submission: Submission, *, actor: str, source: ExportSource, reason: str, now: datetime
) -> None:
    """erase_submission inside the caller's unit of work, on a row it has locked."""
    assert submission.id is not None
    submission.answers = {}
    submission.pending_request = None
    submission.request_reason = None
    submission.erased_at = now
    submission.erased_by = actor
    submission.erase_reason = reason[:REASON_LENGTH]
    for draft in session.exec(
        select(Draft).where(
            (col(Draft.id) == submission.draft_id) | (col(Draft.correcting_submission_id) == submission.id)
        )
    ):
        draft.answers = {}
        if draft.status == DraftStatus.IN_PROGRESS:
            draft.status = DraftStatus.CANCELLED
            draft.next_reminder_at = None
        draft.updated_at = now
    session.exec(delete(SubmissionEvent).where(col(SubmissionEvent.submission_id) == submission.id))
    for message in session.exec(select(AdminMessage).where(AdminMessage.submission_id == submission.id)):
        _enqueue_delete(session, message.channel, message.ts, now)
        session.delete(message)
    add_audit(
        session,
        at=now,
        actor=actor,
        source=source,
        action=AuditAction.ERASURE,
        receipts=[submission.receipt_number],
    )
    session.flush()


def record_admin_message(
    engine: Engine, submission_id: int, *, channel: str, ts: str, is_summary: bool, now: datetime
) -> None:
    """Remember a post about a submission. Posted after the submission was erased (the post was
    already on its way): it is deleted at once."""
    with session_scope(engine) as session:
        # Locked: an erasure in progress is waited for, and then seen (a plain read would miss it
        # and leave a post behind that nothing deletes).
        submission = session.exec(
            select(Submission).where(col(Submission.id) == submission_id).with_for_update()
        ).one_or_none()
        if submission is None or submission.erased_at is not None:
            _enqueue_delete(session, channel, ts, now)
            return
        session.add(AdminMessage(submission_id=submission_id, channel=channel, ts=ts, is_summary=is_summary))


def summary_post(engine: Engine, submission_id: int) -> AdminMessage | None:
    """Where the submission's summary is in the admin channel; None until it is posted."""
    with session_scope(engine, read_only=True) as session:
        return session.exec(
            select(AdminMessage).where(
                AdminMessage.submission_id == submission_id, col(AdminMessage.is_summary)
            )
        ).first()


def _enqueue_delete(session: Session, channel: str, ts: str, now: datetime) -> None:
    enqueue(
        session,
        DELETE_ADMIN_MESSAGE,
        {"channel": channel, "ts": ts},
        f"{DELETE_ADMIN_MESSAGE}:{channel}:{ts}",
        now,
    )
