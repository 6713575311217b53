"""A submission after 送信: its status, the history of every change, the respondent's requests
(a correction or a withdrawal) and corrections under the same receipt number.

Each change locks the submission's row, writes its history entry and its audit record, and
enqueues its notifications in one transaction: the history, the trail and the messages exist
exactly when the change does.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Engine
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col, select

from storage.audit import add_audit
from storage.db import session_scope
from storage.drafts import find_active_draft, update_in_progress
from storage.errors import DraftAlreadyActive
from storage.models import (
    REASON_LENGTH,
    AuditAction,
    Draft,
    DraftStatus,
    ExportSource,
    RequestKind,
    Submission,
    SubmissionEvent,
    SubmissionEventKind,
    SubmissionStatus,
)
from storage.outbox import Notification, enqueue

S = SubmissionStatus

# Where an administrator can move a submission from each status. 取下げ is final; 確定 can be
# reopened (確認中); a 差戻し can be taken back (確認中) until the respondent resubmits.
ALLOWED: Mapping[SubmissionStatus, frozenset[SubmissionStatus]] = {
    S.RECEIVED: frozenset({S.CHECKING, S.RETURNED, S.WITHDRAWN, S.CLOSED}),
    S.CHECKING: frozenset({S.RECEIVED, S.RETURNED, S.WITHDRAWN, S.CLOSED}),
    S.RETURNED: frozenset({S.CHECKING, S.WITHDRAWN, S.CLOSED}),
    S.CLOSED: frozenset({S.CHECKING}),
    S.WITHDRAWN: frozenset(),
}


class SubmissionGone(LookupError):
    """No such submission, or it was erased."""


class StatusNotAllowed(Exception):
    """The change does not apply to the submission as it is now; `status` is its current one."""

    def __init__(self, status: str, pending_request: str | None = None) -> None:
        super().__init__(f"not allowed from {status}")
        self.status = status
        self.pending_request = pending_request


@dataclass(frozen=True)
class Changed:
    """A submission after a change, and the history entry the change wrote."""

    submission: Submission
    event: SubmissionEvent


Notify = Callable[[Changed], Iterable[Notification]]


def allowed_changes(status: str) -> frozenset[SubmissionStatus]:
    return ALLOWED.get(SubmissionStatus(status), frozenset())


def change_status(
    engine: Engine,
    submission_id: int,
    *,
    to: SubmissionStatus,
    actor: str,
    source: ExportSource,
    reason: str,
    now: datetime,
    answering: RequestKind | None = None,
    notifications: Notify | None = None,
) -> Changed:
    """An administrator's change. With `answering`, it approves that pending request and is refused
    (StatusNotAllowed) if the request is no longer pending."""
    with session_scope(engine) as session:
        submission = _locked(session, submission_id)
        current = submission.status
        if to not in allowed_changes(current) or (
            answering is not None and submission.pending_request != answering
        ):
            raise StatusNotAllowed(current, submission.pending_request)
        submission.status = to
        submission.status_changed_at = now
        if to in (S.WITHDRAWN, S.CLOSED) or (
            to == S.RETURNED and submission.pending_request == RequestKind.CORRECTION
        ):
            submission.pending_request = None  # what was asked for is done, or moot
            submission.request_reason = None
        if to != S.RETURNED:
            _end_corrections(session, submission_id, now)
        event = _event(
            session, submission, SubmissionEventKind.STATUS, actor, source, now, current, to, reason
        )
        add_audit(
            session,
            at=now,
            actor=actor,
            source=source,
            action=AuditAction.STATUS,
            receipts=[submission.receipt_number],
            detail=f"{current}->{to}",
        )
        return _done(session, Changed(submission, event), notifications, now)


def request_change(
    engine: Engine,
    submission_id: int,
    *,
    kind: RequestKind,
    user_id: str,
    reason: str,
    now: datetime,
    notifications: Notify | None = None,
) -> Changed:
    """The respondent asks for a correction or a withdrawal of their own submission; an
    administrator answers. Refused while another request is pending, or when it cannot apply."""
    with session_scope(engine) as session:
        submission = _locked(session, submission_id)
        if submission.user_id != user_id:
            raise SubmissionGone(submission_id)  # someone else's receipt is one that does not exist
        target = S.RETURNED if kind == RequestKind.CORRECTION else S.WITHDRAWN
        if submission.pending_request is not None or target not in allowed_changes(submission.status):
            raise StatusNotAllowed(submission.status, submission.pending_request)
        submission.pending_request = kind
        submission.request_reason = reason[:REASON_LENGTH]
        event = _event(
            session,
            submission,
            SubmissionEventKind.REQUESTED,
            user_id,
            ExportSource.SLACK,
            now,
            submission.status,
            target,
            reason,
        )
        add_audit(
            session,
            at=now,
            actor=user_id,
            source=ExportSource.SLACK,
            action=AuditAction.REQUEST,
            receipts=[submission.receipt_number],
            detail=str(kind),
        )
        return _done(session, Changed(submission, event), notifications, now)


def decline_request(
    engine: Engine,
    submission_id: int,
    *,
    answering: RequestKind,
    actor: str,
    reason: str,
    now: datetime,
    notifications: Notify | None = None,
) -> Changed:
    with session_scope(engine) as session:
        submission = _locked(session, submission_id)
        if submission.pending_request != answering:
            raise StatusNotAllowed(submission.status, submission.pending_request)
        submission.pending_request = None
        submission.request_reason = None
        event = _event(  # like the request's own entry, to_status is the status that was asked for
            session,
            submission,
            SubmissionEventKind.DECLINED,
            actor,
            ExportSource.SLACK,
            now,
            submission.status,
            S.RETURNED if answering == RequestKind.CORRECTION else S.WITHDRAWN,
            reason,
        )
        add_audit(
            session,
            at=now,
            actor=actor,
            source=ExportSource.SLACK,
            action=AuditAction.REQUEST,
            receipts=[submission.receipt_number],
            detail=f"declined {answering}",
        )
        return _done(session, Changed(submission, event), notifications, now)


def open_correction(
    engine: Engine, submission_id: int, *, team_id: str, user_id: str, now: datetime
) -> Draft:
    """The respondent's draft for a returned submission: its answers, pinned to its flow version,
    to be resubmitted under the same receipt number. The same draft again if it is open already.
    Raises StatusNotAllowed unless the submission is 差戻し中, and DraftAlreadyActive if another
    draft of the survey is in progress (one at a time, as always)."""
    with session_scope(engine) as session:
        submission = _locked(session, submission_id)
        if (submission.team_id, submission.user_id) != (team_id, user_id):
            raise SubmissionGone(submission_id)
        if submission.status != S.RETURNED:
            raise StatusNotAllowed(submission.status, submission.pending_request)
        original = session.get(Draft, submission.draft_id)
        assert original is not None
        flow_id = original.flow_id
    active = find_active_draft(engine, team_id=team_id, user_id=user_id, flow_id=flow_id)
    if active is not None:
        if active.correcting_submission_id == submission_id:
            return active
        raise DraftAlreadyActive(active)
    try:
        with session_scope(engine) as session:
            draft = Draft(
                team_id=team_id,
                user_id=user_id,
                flow_id=flow_id,
                flow_version_id=submission.flow_version_id,
                answers=dict(submission.answers),
                current_question_id=None,
                status=DraftStatus.IN_PROGRESS,
                created_at=now,
                updated_at=now,
                last_activity_at=now,
                correcting_submission_id=submission_id,
            )
            session.add(draft)
            session.flush()
            return draft
    except IntegrityError:
        active = find_active_draft(engine, team_id=team_id, user_id=user_id, flow_id=flow_id)
        if active is None:
            raise
        if active.correcting_submission_id == submission_id:
            return active
        raise DraftAlreadyActive(active) from None


def resubmit(session: Session, draft: Draft, answers: Mapping[str, Any], now: datetime) -> Changed:
    """Inside submit_draft's transaction: a correction replaces its submission's answers and
    status, and keeps the answers it replaced in the history. StatusNotAllowed if the submission
    is no longer 差戻し中 (withdrawn or reopened meanwhile)."""
    assert draft.correcting_submission_id is not None
    submission = _locked(session, draft.correcting_submission_id)
    if submission.status != S.RETURNED:
        raise StatusNotAllowed(submission.status, submission.pending_request)
    previous = dict(submission.answers)
    submission.answers = dict(answers)
    submission.status = S.RECEIVED
    submission.status_changed_at = now
    submission.corrected_at = now
    event = _event(
        session,
        submission,
        SubmissionEventKind.CORRECTED,
        draft.user_id,
        ExportSource.SLACK,
        now,
        S.RETURNED,
        S.RECEIVED,
        "",
        previous_answers=previous,
    )
    original = session.get(Draft, submission.draft_id)
    if original is not None:
        original.answers = dict(answers)  # the submitted draft mirrors its submission
    add_audit(
        session,
        at=now,
        actor=draft.user_id,
        source=ExportSource.SLACK,
        action=AuditAction.CORRECTION,
        receipts=[submission.receipt_number],
    )
    session.flush()
    return Changed(submission, event)


def submit_correction(
    engine: Engine,
    draft_id: int,
    *,
    expected_version: int,
    answers: Mapping[str, Any],
    now: datetime,
    notifications: Notify | None = None,
) -> Changed:
    """送信 of a correction draft: the draft closes as submitted and its submission takes the answers
    (resubmit). Raises what update_in_progress raises, and StatusNotAllowed (nothing changed)."""

    def change(session: Session, draft: Draft) -> Changed:
        # The submission's row before the draft's, in the order change_status and erasure take
        # them: the other order deadlocks against a concurrent withdrawal on PostgreSQL.
        session.exec(
            select(Submission.id)
            .where(col(Submission.id) == draft.correcting_submission_id)
            .with_for_update()
        )
        draft.status = DraftStatus.SUBMITTED
        draft.answers = {}  # the answers live in the submission; the draft only led there
        draft.updated_at = now
        draft.last_activity_at = now
        draft.next_reminder_at = None
        session.flush()
        changed = resubmit(session, draft, answers, now)
        return _done(session, changed, notifications, now)

    return update_in_progress(engine, draft_id, expected_version, change)


def history(engine: Engine, submission_id: int) -> list[SubmissionEvent]:
    """The submission's history, oldest first."""
    with session_scope(engine, read_only=True) as session:
        return list(
            session.exec(
                select(SubmissionEvent)
                .where(SubmissionEvent.submission_id == submission_id)
                .order_by(col(SubmissionEvent.at), col(SubmissionEvent.id))
            )
        )


def get_event(engine: Engine, event_id: int) -> SubmissionEvent | None:
    with session_scope(engine, read_only=True) as session:
        return session.get(SubmissionEvent, event_id)


def get_submission_by_id(engine: Engine, submission_id: int) -> Submission | None:
    with session_scope(engine, read_only=True) as session:
        return session.get(Submission, submission_id)


def _locked(session: Session, submission_id: int) -> Submission:
    submission = session.exec(
        select(Submission).where(col(Submission.id) == submission_id).with_for_update()
    ).one_or_none()
    if submission is None or submission.erased_at is not None:
        raise SubmissionGone(submission_id)
    return submission


def _end_corrections(session: Session, submission_id: int, now: datetime) -> None:
    """A 差戻し taken back (or the submission withdrawn, closed): its correction draft is cancelled."""
    for draft in session.exec(
        select(Draft).where(
            Draft.correcting_submission_id == submission_id, Draft.status == DraftStatus.IN_PROGRESS
        )
    ):
        draft.answers = {}
        draft.status = DraftStatus.CANCELLED
        draft.updated_at = now
        draft.next_reminder_at = None


def _event(
    session: Session,
    submission: Submission,
    kind: SubmissionEventKind,
    actor: str,
    source: ExportSource,
    now: datetime,
    from_status: str | None,
    to_status: str | None,
    reason: str,
    *,
    previous_answers: dict[str, Any] | None = None,
) -> SubmissionEvent:
    assert submission.id is not None
    event = SubmissionEvent(
        submission_id=submission.id,
        at=now,
        actor=actor,
        source=str(source),
        kind=str(kind),
        from_status=from_status,
        to_status=to_status,
        reason=reason[:REASON_LENGTH],
        previous_answers=previous_answers,
    )
    session.add(event)
    session.flush()
    return event


def _done(session: Session, changed: Changed, notifications: Notify | None, now: datetime) -> Changed:
    session.flush()
    for notification in notifications(changed) if notifications else ():
        enqueue(session, notification.kind, notification.payload, notification.dedupe_key, now)
    return changed
