"""Erasing a submission: its answers everywhere, its history and its admin channel posts go; the
tombstone and the audit record stay."""

from __future__ import annotations

import threading
import time
from datetime import timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import Engine
from sqlmodel import col, select

from storage import (
    DELETE_ADMIN_MESSAGE,
    AdminMessage,
    DraftStatus,
    ExportSource,
    FlowVersionInfo,
    OutboxMessage,
    RequestKind,
    Submission,
    SubmissionStatus,
    change_status,
    erase_submission,
    get_draft,
    get_submission_by_id,
    history,
    list_audit,
    make_engine,
    open_correction,
    record_admin_message,
    request_change,
    session_scope,
    summary_post,
)
from storage.erasure import erase_in
from tests.storage.helpers import ANSWERS, NOW, id_of, make_submission

LATER = NOW + timedelta(hours=1)
ERASED_AT = NOW + timedelta(days=1)


def _outbox(engine: Engine) -> list[tuple[str, dict[str, Any], str]]:
    with session_scope(engine, read_only=True) as session:
        messages = session.exec(select(OutboxMessage).order_by(col(OutboxMessage.id))).all()
        return [(message.kind, message.payload, message.dedupe_key) for message in messages]


def _posts(engine: Engine) -> list[tuple[int, str, str, bool]]:
    with session_scope(engine, read_only=True) as session:
        rows = session.exec(select(AdminMessage).order_by(col(AdminMessage.id))).all()
        return [(row.submission_id, row.channel, row.ts, row.is_summary) for row in rows]


def _delete(channel: str, ts: str) -> tuple[str, dict[str, Any], str]:
    return (DELETE_ADMIN_MESSAGE, {"channel": channel, "ts": ts}, f"delete_admin_message:{channel}:{ts}")


def _erase(engine: Engine, submission_id: int) -> Submission | None:
    return erase_submission(
        engine,
        submission_id,
        actor="UADMIN",
        source=ExportSource.SLACK,
        reason="本人から削除の申出",
        now=ERASED_AT,
    )


def _returned_with_everything(engine: Engine, flow_version: FlowVersionInfo) -> tuple[Submission, int]:
    """A submission 差戻し中 with a correction in progress, a pending withdrawal request, a history
    and two posts in the admin channel; and the correction draft's id."""
    submission = make_submission(engine, flow_version.id)
    sid = id_of(submission)
    record_admin_message(engine, sid, channel="CADMIN", ts="100.1", is_summary=True, now=NOW)
    record_admin_message(engine, sid, channel="CADMIN", ts="100.2", is_summary=False, now=NOW)
    change_status(
        engine,
        sid,
        to=SubmissionStatus.RETURNED,
        actor="UADMIN",
        source=ExportSource.SLACK,
        reason="",
        now=LATER,
    )
    correction = open_correction(engine, sid, team_id="T1", user_id="U1", now=LATER)
    request_change(engine, sid, kind=RequestKind.WITHDRAWAL, user_id="U1", reason="取り下げたい", now=LATER)
    return submission, id_of(correction)


def test_erasure_leaves_a_tombstone_without_answers(engine: Engine, flow_version: FlowVersionInfo) -> None:
    submission, _ = _returned_with_everything(engine, flow_version)
    tombstone = _erase(engine, id_of(submission))
    assert tombstone is not None
    stored = get_submission_by_id(engine, id_of(submission))
    assert stored is not None
    for row in (tombstone, stored):
        assert (row.receipt_number, row.submitted_at, row.status) == ("2026-0001", NOW, "returned")
        assert (row.erased_at, row.erased_by, row.erase_reason) == (ERASED_AT, "UADMIN", "本人から削除の申出")
        assert row.answers == {}
        assert (row.pending_request, row.request_reason) == (None, None)


def test_erasure_wipes_the_answers_of_its_drafts(engine: Engine, flow_version: FlowVersionInfo) -> None:
    submission, correction_id = _returned_with_everything(engine, flow_version)
    assert get_draft(engine, correction_id).answers == ANSWERS
    _erase(engine, id_of(submission))
    original = get_draft(engine, submission.draft_id)
    assert (original.status, original.answers, original.updated_at) == (
        DraftStatus.SUBMITTED,
        {},
        ERASED_AT,
    )
    correction = get_draft(engine, correction_id)
    assert (correction.status, correction.answers, correction.next_reminder_at) == (
        DraftStatus.CANCELLED,
        {},
        None,
    )


def test_erasure_deletes_the_history_and_the_admin_posts(
    engine: Engine, flow_version: FlowVersionInfo
) -> None:
    other = make_submission(engine, flow_version.id, user_id="U2")
    record_admin_message(engine, id_of(other), channel="CADMIN", ts="200.1", is_summary=True, now=NOW)
    submission, _ = _returned_with_everything(engine, flow_version)
    assert [event.kind for event in history(engine, id_of(submission))] == ["status", "requested"]

    _erase(engine, id_of(submission))
    assert history(engine, id_of(submission)) == []
    assert _outbox(engine) == [_delete("CADMIN", "100.1"), _delete("CADMIN", "100.2")]
    assert _posts(engine) == [(id_of(other), "CADMIN", "200.1", True)]  # another's posts stay
    assert summary_post(engine, id_of(submission)) is None
    other_now = get_submission_by_id(engine, id_of(other))
    assert other_now is not None and other_now.answers == ANSWERS


def test_erasure_is_audited(engine: Engine, flow_version: FlowVersionInfo) -> None:
    submission = make_submission(engine, flow_version.id)
    _erase(engine, id_of(submission))
    records = list_audit(engine, limit=None)
    assert [(r.at, r.actor, r.source, r.action, r.receipts, r.detail) for r in records] == [
        (ERASED_AT, "UADMIN", "slack", "erasure", "2026-0001", "")
    ]


def test_a_second_erasure_does_nothing(engine: Engine, flow_version: FlowVersionInfo) -> None:
    submission, _ = _returned_with_everything(engine, flow_version)
    assert _erase(engine, id_of(submission)) is not None
    assert _erase(engine, id_of(submission)) is None
    assert erase_submission(engine, 9999, actor="cli", source=ExportSource.CLI, reason="", now=NOW) is None
    assert [r.action for r in list_audit(engine, limit=None)].count("erasure") == 1
    assert len(_outbox(engine)) == 2
    stored = get_submission_by_id(engine, id_of(submission))
    assert stored is not None and stored.erased_at == ERASED_AT


def test_a_post_recorded_after_the_erasure_is_deleted_at_once(
    engine: Engine, flow_version: FlowVersionInfo
) -> None:
    submission = make_submission(engine, flow_version.id)
    _erase(engine, id_of(submission))
    record_admin_message(engine, id_of(submission), channel="CADMIN", ts="300.1", is_summary=True, now=LATER)
    assert _outbox(engine) == [_delete("CADMIN", "300.1")]
    assert _posts(engine) == []


def test_a_post_recorded_during_the_erasure_is_deleted(engine: Engine, flow_version: FlowVersionInfo) -> None:
    submission = make_submission(engine, flow_version.id)
    sid = id_of(submission)
    with session_scope(engine) as session:
        row = session.exec(select(Submission).where(col(Submission.id) == sid).with_for_update()).one()
        erase_in(session, row, actor="UADMIN", source=ExportSource.SLACK, reason="", now=ERASED_AT)
        poster = threading.Thread(
            target=record_admin_message,
            args=(engine, sid),
            kwargs={"channel": "CADMIN", "ts": "400.1", "is_summary": True, "now": ERASED_AT},
        )
        poster.start()
        time.sleep(0.5)  # it reads the submission, or waits for the erasure to commit
    poster.join(timeout=30)
    assert not poster.is_alive()
    assert _posts(engine) == []
    assert _outbox(engine) == [_delete("CADMIN", "400.1")]


def test_summary_post_is_the_summary(engine: Engine, flow_version: FlowVersionInfo) -> None:
    submission = make_submission(engine, flow_version.id)
    sid = id_of(submission)
    assert summary_post(engine, sid) is None
    record_admin_message(engine, sid, channel="CADMIN", ts="500.2", is_summary=False, now=NOW)
    assert summary_post(engine, sid) is None
    record_admin_message(engine, sid, channel="CADMIN", ts="500.1", is_summary=True, now=NOW)
    post = summary_post(engine, sid)
    assert post is not None
    assert (post.submission_id, post.channel, post.ts, post.is_summary) == (sid, "CADMIN", "500.1", True)
    assert _outbox(engine) == []


def test_sqlite_overwrites_what_it_deletes(tmp_path: Path) -> None:
    engine = make_engine(f"sqlite:///{tmp_path}/kikitori.db")
    try:
        with engine.connect() as connection:
            assert connection.exec_driver_sql("PRAGMA secure_delete").scalar_one() == 1
    finally:
        engine.dispose()
