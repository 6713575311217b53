"""After 送信: status changes, requests, corrections under the same receipt number, and the history,
audit records and notifications written with each of them."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

import pytest
from sqlalchemy import Engine, func, update
from sqlmodel import col, select

from storage import (
    ALLOWED,
    AuditAction,
    AuditRecord,
    Changed,
    Draft,
    DraftAlreadyActive,
    DraftClosed,
    DraftStatus,
    ExportSource,
    FlowVersionInfo,
    Notification,
    OutboxMessage,
    RequestKind,
    StatusNotAllowed,
    Submission,
    SubmissionEventKind,
    SubmissionGone,
    SubmissionStatus,
    change_status,
    decline_request,
    erase_submission,
    get_draft,
    get_submission_by_id,
    history,
    list_audit,
    open_correction,
    register_flow,
    request_change,
    session_scope,
    start_draft,
    submit_correction,
)
from tests.storage.helpers import ANSWERS, NOW, id_of, make_flow, make_submission, race

S = SubmissionStatus
LATER = NOW + timedelta(hours=1)
CORRECTED = {"name": "新潟 花子", "role": "主任", "years": 3, "channels": ["FAX"]}

# Written out rather than read from ALLOWED: a change to the rules must show up here.
EXPECTED_TRANSITIONS = {
    (S.RECEIVED, S.CHECKING),
    (S.RECEIVED, S.RETURNED),
    (S.RECEIVED, S.WITHDRAWN),
    (S.RECEIVED, S.CLOSED),
    (S.CHECKING, S.RECEIVED),
    (S.CHECKING, S.RETURNED),
    (S.CHECKING, S.WITHDRAWN),
    (S.CHECKING, S.CLOSED),
    (S.RETURNED, S.CHECKING),
    (S.RETURNED, S.WITHDRAWN),
    (S.RETURNED, S.CLOSED),
    (S.CLOSED, S.CHECKING),
}


def _submit(engine: Engine, flow_version: FlowVersionInfo, user_id: str = "U1") -> Submission:
    return make_submission(engine, flow_version.id, user_id=user_id)


def _change(
    engine: Engine,
    submission: Submission,
    to: SubmissionStatus,
    *,
    now: datetime = LATER,
    answering: RequestKind | None = None,
    notifications: Any = None,
) -> Changed:
    return change_status(
        engine,
        id_of(submission),
        to=to,
        actor="UADMIN",
        source=ExportSource.SLACK,
        reason=f"to {to}",
        now=now,
        answering=answering,
        notifications=notifications,
    )


def _request(
    engine: Engine, submission: Submission, kind: RequestKind, *, user_id: str = "U1", now: datetime = LATER
) -> Changed:
    return request_change(
        engine, id_of(submission), kind=kind, user_id=user_id, reason="間違えました", now=now
    )


def _returned(engine: Engine, flow_version: FlowVersionInfo) -> Submission:
    submission = _submit(engine, flow_version)
    return _change(engine, submission, S.RETURNED).submission


def _correct(engine: Engine, draft_id: int, *, now: datetime = LATER, notifications: Any = None) -> Changed:
    draft = get_draft(engine, draft_id)
    return submit_correction(
        engine,
        draft_id,
        expected_version=draft.version,
        answers=CORRECTED,
        now=now,
        notifications=notifications,
    )


def _audit(engine: Engine) -> list[tuple[str, str, str, str, str]]:
    """The audit trail, oldest first: (action, actor, source, receipts, detail)."""
    records = reversed(list_audit(engine, limit=None))
    return [(r.action, r.actor, r.source, r.receipts, r.detail) for r in records]


def _outbox(engine: Engine) -> list[tuple[str, dict[str, Any], str]]:
    with session_scope(engine, read_only=True) as session:
        messages = session.exec(select(OutboxMessage).order_by(col(OutboxMessage.id))).all()
        return [(message.kind, message.payload, message.dedupe_key) for message in messages]


def _current(engine: Engine, submission: Submission) -> Submission:
    stored = get_submission_by_id(engine, id_of(submission))
    assert stored is not None
    return stored


def _notify(changed: Changed) -> list[Notification]:
    return [
        Notification(
            kind="status_changed",
            payload={
                "submission_id": changed.submission.id,
                "receipt_number": changed.submission.receipt_number,
                "event_id": changed.event.id,
                "to": changed.event.to_status,
            },
            dedupe_key=f"status_changed:{changed.event.id}",
        )
    ]


def _broken(_: Changed) -> list[Notification]:
    raise RuntimeError("notification builder failed")


# --- status changes -----------------------------------------------------------------------------


def test_the_allowed_transitions_are_the_expected_ones() -> None:
    assert {(start, to) for start, targets in ALLOWED.items() for to in targets} == EXPECTED_TRANSITIONS


def test_every_allowed_transition_is_made_and_every_other_refused(
    engine: Engine, flow_version: FlowVersionInfo
) -> None:
    for index, (start, to) in enumerate((start, to) for start in S for to in S):
        submission = _submit(engine, flow_version, user_id=f"U{index}")
        if start != S.RECEIVED:
            _change(engine, submission, start, now=NOW + timedelta(minutes=1))
        before = (len(history(engine, id_of(submission))), len(_audit(engine)))
        when = NOW + timedelta(minutes=2)
        if (start, to) not in EXPECTED_TRANSITIONS:
            with pytest.raises(StatusNotAllowed) as refused:
                _change(engine, submission, to, now=when)
            assert (refused.value.status, refused.value.pending_request) == (start, None)
            assert _current(engine, submission).status == start
            assert (len(history(engine, id_of(submission))), len(_audit(engine))) == before
            continue
        changed = _change(engine, submission, to, now=when)
        stored = _current(engine, submission)
        assert (stored.status, stored.status_changed_at) == (to, when), (start, to)
        assert changed.submission.status == to
        event = history(engine, id_of(submission))[-1]
        assert event.id == changed.event.id
        assert (event.kind, event.from_status, event.to_status) == (SubmissionEventKind.STATUS, start, to)
        assert _audit(engine)[-1] == (
            AuditAction.STATUS,
            "UADMIN",
            "slack",
            submission.receipt_number,
            f"{start}->{to}",
        )


def test_a_refused_change_writes_nothing(engine: Engine, flow_version: FlowVersionInfo) -> None:
    submission = _submit(engine, flow_version)
    _change(engine, submission, S.WITHDRAWN, now=LATER)
    with pytest.raises(StatusNotAllowed) as refused:
        _change(engine, submission, S.CHECKING, now=LATER + timedelta(hours=1), notifications=_notify)
    assert refused.value.status == S.WITHDRAWN
    stored = _current(engine, submission)
    assert (stored.status, stored.status_changed_at) == (S.WITHDRAWN, LATER)
    assert [event.to_status for event in history(engine, id_of(submission))] == [S.WITHDRAWN]
    assert [record[0] for record in _audit(engine)] == [AuditAction.STATUS]
    assert _outbox(engine) == []


def test_the_history_holds_who_when_from_to_and_why_in_order(
    engine: Engine, flow_version: FlowVersionInfo
) -> None:
    submission = _submit(engine, flow_version)
    sid = id_of(submission)
    t = [NOW + timedelta(hours=hours) for hours in range(1, 6)]
    request_change(engine, sid, kind=RequestKind.CORRECTION, user_id="U1", reason="所属が違う", now=t[0])
    change_status(
        engine,
        sid,
        to=S.RETURNED,
        actor="UADMIN",
        source=ExportSource.SLACK,
        reason="所属を直してください",
        now=t[1],
        answering=RequestKind.CORRECTION,
    )
    draft = open_correction(engine, sid, team_id="T1", user_id="U1", now=t[2])
    _correct(engine, id_of(draft), now=t[3])
    change_status(engine, sid, to=S.CLOSED, actor="cli", source=ExportSource.CLI, reason="", now=t[4])
    entries = [
        (e.at, e.actor, e.source, e.kind, e.from_status, e.to_status, e.reason) for e in history(engine, sid)
    ]
    assert entries == [
        (t[0], "U1", "slack", "requested", "received", "returned", "所属が違う"),
        (t[1], "UADMIN", "slack", "status", "received", "returned", "所属を直してください"),
        (t[3], "U1", "slack", "corrected", "returned", "received", ""),
        (t[4], "cli", "cli", "status", "received", "closed", ""),
    ]
    assert [record[0] for record in _audit(engine)] == [
        AuditAction.REQUEST,
        AuditAction.STATUS,
        AuditAction.CORRECTION,
        AuditAction.STATUS,
    ]


def test_entries_at_the_same_moment_keep_the_order_they_were_made_in(
    engine: Engine, flow_version: FlowVersionInfo
) -> None:
    submission = _submit(engine, flow_version)
    for to in (S.CHECKING, S.RECEIVED, S.CLOSED):
        _change(engine, submission, to, now=LATER)
    assert [event.to_status for event in history(engine, id_of(submission))] == [
        S.CHECKING,
        S.RECEIVED,
        S.CLOSED,
    ]


def test_a_change_its_history_audit_and_notifications_are_one_transaction(
    engine: Engine, flow_version: FlowVersionInfo
) -> None:
    submission = _submit(engine, flow_version)
    with pytest.raises(RuntimeError):
        _change(engine, submission, S.CHECKING, notifications=_broken)
    stored = _current(engine, submission)
    assert (stored.status, stored.status_changed_at) == (S.RECEIVED, None)
    assert history(engine, id_of(submission)) == []
    assert _audit(engine) == []
    assert _outbox(engine) == []

    changed = _change(engine, submission, S.CHECKING, notifications=_notify)
    assert _outbox(engine) == [
        (
            "status_changed",
            {
                "submission_id": submission.id,
                "receipt_number": "2026-0001",
                "event_id": changed.event.id,
                "to": "checking",
            },
            f"status_changed:{changed.event.id}",
        )
    ]


def test_an_erased_submission_cannot_change(engine: Engine, flow_version: FlowVersionInfo) -> None:
    submission = _submit(engine, flow_version)
    erase_submission(
        engine, id_of(submission), actor="UADMIN", source=ExportSource.SLACK, reason="", now=LATER
    )
    with pytest.raises(SubmissionGone):
        _change(engine, submission, S.CHECKING)
    with pytest.raises(SubmissionGone):
        _request(engine, submission, RequestKind.WITHDRAWAL)
    with pytest.raises(SubmissionGone):
        change_status(
            engine, 9999, to=S.CHECKING, actor="UADMIN", source=ExportSource.SLACK, reason="", now=LATER
        )


# --- requests -------------------------------------------------------------------------------------


def test_a_request_is_recorded_pending_with_its_reason(engine: Engine, flow_version: FlowVersionInfo) -> None:
    submission = _submit(engine, flow_version)
    changed = _request(engine, submission, RequestKind.WITHDRAWAL, now=LATER)
    stored = _current(engine, submission)
    assert (stored.status, stored.pending_request, stored.request_reason) == (
        S.RECEIVED,
        "withdrawal",
        "間違えました",
    )
    assert stored.status_changed_at is None  # a request changes no status
    event = changed.event
    assert (event.kind, event.actor, event.from_status, event.to_status, event.at) == (
        "requested",
        "U1",
        "received",
        "withdrawn",
        LATER,
    )
    assert _audit(engine) == [("request", "U1", "slack", "2026-0001", "withdrawal")]


def test_someone_elses_submission_cannot_be_asked_about(
    engine: Engine, flow_version: FlowVersionInfo
) -> None:
    submission = _submit(engine, flow_version, user_id="U1")
    with pytest.raises(SubmissionGone):
        _request(engine, submission, RequestKind.CORRECTION, user_id="U2")
    assert _current(engine, submission).pending_request is None
    assert history(engine, id_of(submission)) == []
    assert _audit(engine) == []


def test_one_request_at_a_time(engine: Engine, flow_version: FlowVersionInfo) -> None:
    submission = _submit(engine, flow_version)
    _request(engine, submission, RequestKind.CORRECTION)
    for kind in RequestKind:
        with pytest.raises(StatusNotAllowed) as refused:
            _request(engine, submission, kind)
        assert (refused.value.status, refused.value.pending_request) == ("received", "correction")
    assert len(history(engine, id_of(submission))) == 1
    assert _current(engine, submission).pending_request == "correction"


def test_a_request_that_cannot_apply_is_refused(engine: Engine, flow_version: FlowVersionInfo) -> None:
    withdrawn = _submit(engine, flow_version, user_id="U1")
    _change(engine, withdrawn, S.WITHDRAWN)
    with pytest.raises(StatusNotAllowed):
        _request(engine, withdrawn, RequestKind.WITHDRAWAL, user_id="U1")
    returned = _submit(engine, flow_version, user_id="U2")
    _change(engine, returned, S.RETURNED)
    with pytest.raises(StatusNotAllowed):  # it is being corrected already
        _request(engine, returned, RequestKind.CORRECTION, user_id="U2")
    assert _request(engine, returned, RequestKind.WITHDRAWAL, user_id="U2").event.to_status == S.WITHDRAWN


def test_declining_a_request_clears_it_and_keeps_the_status(
    engine: Engine, flow_version: FlowVersionInfo
) -> None:
    submission = _submit(engine, flow_version)
    _change(engine, submission, S.CHECKING, now=LATER)
    _request(engine, submission, RequestKind.WITHDRAWAL, now=LATER + timedelta(minutes=1))
    when = LATER + timedelta(minutes=2)
    changed = decline_request(
        engine,
        id_of(submission),
        answering=RequestKind.WITHDRAWAL,
        actor="UADMIN",
        reason="確認が済むまでお待ちください",
        now=when,
        notifications=_notify,
    )
    stored = _current(engine, submission)
    assert (stored.status, stored.status_changed_at, stored.pending_request, stored.request_reason) == (
        S.CHECKING,
        LATER,
        None,
        None,
    )
    event = changed.event
    assert (event.kind, event.actor, event.from_status, event.to_status, event.reason, event.at) == (
        "declined",
        "UADMIN",
        "checking",
        "withdrawn",  # like the request's entry: the status that was asked for
        "確認が済むまでお待ちください",
        when,
    )
    assert _audit(engine)[-1] == ("request", "UADMIN", "slack", "2026-0001", "declined withdrawal")
    assert [message[2] for message in _outbox(engine)] == [f"status_changed:{event.id}"]


def test_only_the_pending_request_can_be_declined(engine: Engine, flow_version: FlowVersionInfo) -> None:
    submission = _submit(engine, flow_version)
    with pytest.raises(StatusNotAllowed):
        decline_request(
            engine, id_of(submission), answering=RequestKind.CORRECTION, actor="UADMIN", reason="", now=LATER
        )
    _request(engine, submission, RequestKind.WITHDRAWAL)
    with pytest.raises(StatusNotAllowed) as refused:
        decline_request(
            engine, id_of(submission), answering=RequestKind.CORRECTION, actor="UADMIN", reason="", now=LATER
        )
    assert refused.value.pending_request == "withdrawal"
    assert _current(engine, submission).pending_request == "withdrawal"
    assert len(history(engine, id_of(submission))) == 1


def test_approving_a_request_answers_it(engine: Engine, flow_version: FlowVersionInfo) -> None:
    withdrawal = _submit(engine, flow_version, user_id="U1")
    _request(engine, withdrawal, RequestKind.WITHDRAWAL, user_id="U1")
    _change(engine, withdrawal, S.WITHDRAWN, answering=RequestKind.WITHDRAWAL)
    stored = _current(engine, withdrawal)
    assert (stored.status, stored.pending_request, stored.request_reason) == (S.WITHDRAWN, None, None)

    correction = _submit(engine, flow_version, user_id="U2")
    _request(engine, correction, RequestKind.CORRECTION, user_id="U2")
    _change(engine, correction, S.RETURNED, answering=RequestKind.CORRECTION)
    stored = _current(engine, correction)
    assert (stored.status, stored.pending_request, stored.request_reason) == (S.RETURNED, None, None)


def test_looking_into_a_request_keeps_it_pending(engine: Engine, flow_version: FlowVersionInfo) -> None:
    submission = _submit(engine, flow_version)
    _request(engine, submission, RequestKind.WITHDRAWAL)
    _change(engine, submission, S.CHECKING)
    stored = _current(engine, submission)
    assert (stored.status, stored.pending_request, stored.request_reason) == (
        S.CHECKING,
        "withdrawal",
        "間違えました",
    )


def test_approving_a_request_that_is_no_longer_pending_is_refused(
    engine: Engine, flow_version: FlowVersionInfo
) -> None:
    submission = _submit(engine, flow_version)
    _request(engine, submission, RequestKind.WITHDRAWAL)
    decline_request(
        engine, id_of(submission), answering=RequestKind.WITHDRAWAL, actor="UOTHER", reason="", now=LATER
    )
    with pytest.raises(StatusNotAllowed) as refused:
        _change(engine, submission, S.WITHDRAWN, answering=RequestKind.WITHDRAWAL, notifications=_notify)
    assert (refused.value.status, refused.value.pending_request) == ("received", None)
    assert _current(engine, submission).status == S.RECEIVED
    assert [event.kind for event in history(engine, id_of(submission))] == ["requested", "declined"]
    assert _outbox(engine) == []


# --- corrections ----------------------------------------------------------------------------------


def test_a_correction_opens_only_after_a_return(engine: Engine, flow_version: FlowVersionInfo) -> None:
    submission = _submit(engine, flow_version)
    for status in (S.RECEIVED, S.CHECKING, S.CLOSED):
        if status != S.RECEIVED:
            _change(engine, submission, status)
        with pytest.raises(StatusNotAllowed) as refused:
            open_correction(engine, id_of(submission), team_id="T1", user_id="U1", now=LATER)
        assert refused.value.status == status
    with session_scope(engine, read_only=True) as session:
        assert session.exec(select(func.count()).select_from(AuditRecord)).one() == 2
    assert get_draft(engine, submission.draft_id).status == DraftStatus.SUBMITTED


def test_a_correction_is_pinned_to_the_submissions_version_with_its_answers(
    engine: Engine, flow_version: FlowVersionInfo
) -> None:
    submission = _returned(engine, flow_version)
    newer = register_flow(engine, make_flow(title="改訂版"), now=NOW)
    assert newer.id != flow_version.id and newer.flow_id == flow_version.flow_id
    draft = open_correction(engine, id_of(submission), team_id="T1", user_id="U1", now=LATER)
    assert draft.flow_version_id == flow_version.id
    assert draft.flow_id == flow_version.flow_id
    assert draft.answers == ANSWERS
    assert (draft.team_id, draft.user_id, draft.status) == ("T1", "U1", DraftStatus.IN_PROGRESS)
    assert draft.correcting_submission_id == submission.id
    assert (draft.created_at, draft.last_activity_at) == (LATER, LATER)

    again = open_correction(
        engine, id_of(submission), team_id="T1", user_id="U1", now=LATER + timedelta(days=1)
    )
    assert again.id == draft.id
    assert get_draft(engine, id_of(draft)).created_at == LATER


def test_a_correction_is_only_for_the_respondent(engine: Engine, flow_version: FlowVersionInfo) -> None:
    submission = _returned(engine, flow_version)
    with pytest.raises(SubmissionGone):
        open_correction(engine, id_of(submission), team_id="T1", user_id="U2", now=LATER)
    with pytest.raises(SubmissionGone):
        open_correction(engine, id_of(submission), team_id="T2", user_id="U1", now=LATER)


def test_a_correction_waits_for_the_draft_in_progress(engine: Engine, flow_version: FlowVersionInfo) -> None:
    submission = _returned(engine, flow_version)
    other = start_draft(engine, team_id="T1", user_id="U1", flow_version_id=flow_version.id, now=LATER)
    with pytest.raises(DraftAlreadyActive) as refused:
        open_correction(engine, id_of(submission), team_id="T1", user_id="U1", now=LATER)
    assert refused.value.draft.id == other.id
    assert refused.value.draft.correcting_submission_id is None


def test_taking_a_return_back_cancels_its_correction(engine: Engine, flow_version: FlowVersionInfo) -> None:
    submission = _returned(engine, flow_version)
    draft = open_correction(engine, id_of(submission), team_id="T1", user_id="U1", now=LATER)
    _change(engine, submission, S.CHECKING, now=LATER + timedelta(minutes=5))
    cancelled = get_draft(engine, id_of(draft))
    assert (cancelled.status, cancelled.answers, cancelled.updated_at) == (
        DraftStatus.CANCELLED,
        {},
        LATER + timedelta(minutes=5),
    )
    with pytest.raises(DraftClosed):
        _correct(engine, id_of(draft))


def test_a_correction_replaces_the_answers_under_the_same_receipt_number(
    engine: Engine, flow_version: FlowVersionInfo
) -> None:
    submission = _returned(engine, flow_version)
    draft = open_correction(engine, id_of(submission), team_id="T1", user_id="U1", now=LATER)
    when = LATER + timedelta(hours=2)
    changed = _correct(engine, id_of(draft), now=when, notifications=_notify)

    stored = _current(engine, submission)
    assert stored.receipt_number == submission.receipt_number == "2026-0001"
    assert stored.answers == CORRECTED
    assert (stored.status, stored.status_changed_at, stored.corrected_at) == (S.RECEIVED, when, when)
    assert stored.submitted_at == NOW  # the first 送信 stays the submission's date
    assert changed.submission.answers == CORRECTED

    event = history(engine, id_of(submission))[-1]
    assert (event.kind, event.actor, event.from_status, event.to_status, event.at) == (
        "corrected",
        "U1",
        "returned",
        "received",
        when,
    )
    assert event.previous_answers == ANSWERS

    closed = get_draft(engine, id_of(draft))
    assert (closed.status, closed.answers) == (DraftStatus.SUBMITTED, {})
    assert get_draft(engine, submission.draft_id).answers == CORRECTED  # mirrors its submission
    assert _audit(engine)[-1] == ("correction", "U1", "slack", "2026-0001", "")
    assert _outbox(engine) == [
        (
            "status_changed",
            {
                "submission_id": submission.id,
                "receipt_number": "2026-0001",
                "event_id": event.id,
                "to": "received",
            },
            f"status_changed:{event.id}",
        )
    ]
    with pytest.raises(DraftClosed):
        _correct(engine, id_of(draft))
    with session_scope(engine, read_only=True) as session:
        assert session.exec(select(func.count()).select_from(Submission)).one() == 1


def test_a_correction_of_a_submission_withdrawn_meanwhile_is_refused(
    engine: Engine, flow_version: FlowVersionInfo
) -> None:
    submission = _returned(engine, flow_version)
    draft = open_correction(engine, id_of(submission), team_id="T1", user_id="U1", now=LATER)
    # Withdrawn between the draft's last read and its 送信 (change_status would also cancel the
    # draft; here only the status moved, as a racing withdrawal leaves it for a moment).
    with session_scope(engine) as session:
        session.exec(update(Submission).where(col(Submission.id) == submission.id).values(status=S.WITHDRAWN))
    with pytest.raises(StatusNotAllowed) as refused:
        _correct(engine, id_of(draft), notifications=_notify)
    assert refused.value.status == S.WITHDRAWN
    untouched = get_draft(engine, id_of(draft))
    assert (untouched.status, untouched.answers, untouched.version) == (
        DraftStatus.IN_PROGRESS,
        ANSWERS,
        draft.version,
    )
    stored = _current(engine, submission)
    assert (stored.answers, stored.corrected_at) == (ANSWERS, None)
    assert [event.kind for event in history(engine, id_of(submission))] == ["status"]
    assert [record[0] for record in _audit(engine)] == ["status"]
    assert _outbox(engine) == []


def test_a_correction_racing_a_withdrawal_settles_cleanly(
    engine: Engine, flow_version: FlowVersionInfo
) -> None:
    """Either the correction lands first (then the withdrawal applies to it) or the withdrawal
    does (then the correction is refused); never a deadlock, never both half done."""
    for round_ in range(8):
        submission = _submit(engine, flow_version, user_id=f"U{round_}")
        _change(engine, submission, S.RETURNED)
        draft = open_correction(engine, id_of(submission), team_id="T1", user_id=f"U{round_}", now=LATER)

        def work(index: int, submission: Submission = submission, draft: Draft = draft) -> object:
            if index == 0:
                return submit_correction(
                    engine, id_of(draft), expected_version=draft.version, answers=CORRECTED, now=LATER
                )
            return _change(engine, submission, S.WITHDRAWN)

        corrected, withdrawn = race(2, work)
        assert isinstance(withdrawn, Changed), withdrawn
        stored = _current(engine, submission)
        assert stored.status == S.WITHDRAWN
        if isinstance(corrected, Changed):
            assert stored.answers == CORRECTED
            assert withdrawn.event.from_status == S.RECEIVED
        else:
            assert isinstance(corrected, DraftClosed | StatusNotAllowed), corrected
            assert stored.answers == ANSWERS
            assert get_draft(engine, id_of(draft)).status == DraftStatus.CANCELLED
