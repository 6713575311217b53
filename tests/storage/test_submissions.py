"""Submitting: exactly one submission per draft, gap-free receipt numbers per Tokyo year."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import UTC, datetime, timedelta, tzinfo
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import Engine, func
from sqlmodel import select

from storage import (
    Draft,
    DraftClosed,
    DraftConflict,
    DraftStatus,
    FlowVersionInfo,
    Notification,
    OutboxMessage,
    Submission,
    cancel_draft,
    get_draft,
    get_submission,
    save_answers,
    session_scope,
    start_draft,
    submit_draft,
)
from tests.storage.helpers import NOW, id_of, only, race

TOKYO = ZoneInfo("Asia/Tokyo")

ANSWERS = {"name": "新潟 太郎", "role": "主事", "years": 2, "channels": ["メール"]}


def _draft(engine: Engine, flow_version: FlowVersionInfo, user_id: str = "U1") -> Draft:
    return start_draft(engine, team_id="T1", user_id=user_id, flow_version_id=flow_version.id, now=NOW)


def _submit(
    engine: Engine,
    draft: Draft,
    now: datetime = NOW,
    timezone: tzinfo = TOKYO,
    notifications: Callable[[Submission], Iterable[Notification]] | None = None,
) -> Submission:
    return submit_draft(
        engine,
        id_of(draft),
        expected_version=draft.version,
        answers=ANSWERS,
        now=now,
        timezone=timezone,
        notifications=notifications,
    )


def _count(engine: Engine, model: type) -> int:
    with session_scope(engine) as session:
        return session.exec(select(func.count()).select_from(model)).one()


def test_the_receipt_year_is_the_year_in_the_surveys_time_zone(
    engine: Engine, flow_version: FlowVersionInfo
) -> None:
    new_year_in_tokyo = datetime(2026, 12, 31, 15, 30, tzinfo=UTC)  # 2027-01-01 00:30 in Tokyo
    in_tokyo = _submit(engine, _draft(engine, flow_version, "U1"), new_year_in_tokyo)
    in_utc = _submit(engine, _draft(engine, flow_version, "U2"), new_year_in_tokyo, timezone=UTC)
    assert (in_tokyo.receipt_number, in_utc.receipt_number) == ("2027-0001", "2026-0001")


def test_submit_stores_the_answers_under_a_receipt_number(
    engine: Engine, flow_version: FlowVersionInfo
) -> None:
    draft = _draft(engine, flow_version)
    submission = _submit(engine, draft)
    assert submission.receipt_number == "2026-0001"
    assert (submission.receipt_year, submission.receipt_seq) == (2026, 1)
    assert submission.answers == ANSWERS
    assert submission.draft_id == draft.id
    assert (submission.team_id, submission.user_id) == ("T1", "U1")
    assert submission.flow_version_id == flow_version.id
    assert submission.submitted_at == NOW

    closed = get_draft(engine, draft.id)
    assert closed.status == DraftStatus.SUBMITTED
    assert closed.answers == ANSWERS
    stored = get_submission(engine, draft_id=draft.id)
    assert stored is not None and stored.receipt_number == "2026-0001"


def test_a_second_submit_is_refused(engine: Engine, flow_version: FlowVersionInfo) -> None:
    draft = _draft(engine, flow_version)
    _submit(engine, draft)
    with pytest.raises(DraftClosed) as raised:
        _submit(engine, draft)
    assert raised.value.draft.status == DraftStatus.SUBMITTED
    submitted = get_draft(engine, id_of(draft))
    with pytest.raises(DraftClosed):  # even with the current version
        _submit(engine, submitted)
    assert _count(engine, Submission) == 1


def test_a_stale_version_cannot_submit(engine: Engine, flow_version: FlowVersionInfo) -> None:
    draft = _draft(engine, flow_version)
    save_answers(
        engine, id_of(draft), expected_version=1, answers={"name": "x"}, current_question_id=None, now=NOW
    )
    with pytest.raises(DraftConflict):
        _submit(engine, draft)
    assert _count(engine, Submission) == 0


def test_a_cancelled_draft_cannot_be_submitted(engine: Engine, flow_version: FlowVersionInfo) -> None:
    draft = _draft(engine, flow_version)
    cancelled = cancel_draft(engine, id_of(draft), expected_version=draft.version, now=NOW)
    with pytest.raises(DraftClosed):
        _submit(engine, cancelled)


def test_a_racing_double_submit_gives_one_submission_and_no_gap(
    engine: Engine, flow_version: FlowVersionInfo
) -> None:
    for round_ in range(3):
        draft = _draft(engine, flow_version, user_id=f"U{round_}")

        def submit(_: int, draft: Draft = draft) -> Submission:
            return _submit(engine, draft)

        results = race(3, submit)
        submitted = only(results, Submission)
        assert len(submitted) == 1, results
        assert len(only(results, DraftClosed)) == 2, results
        assert submitted[0].receipt_seq == round_ + 1
    assert _count(engine, Submission) == 3
    # The losers' numbers went back: the next one follows on directly.
    assert _submit(engine, _draft(engine, flow_version, user_id="U9")).receipt_number == "2026-0004"


def test_concurrent_submits_of_different_drafts_take_consecutive_numbers(
    engine: Engine, flow_version: FlowVersionInfo
) -> None:
    drafts = [_draft(engine, flow_version, user_id=f"U{index}") for index in range(6)]
    results = race(len(drafts), lambda index: _submit(engine, drafts[index]))
    submissions = only(results, Submission)
    assert len(submissions) == len(drafts), results
    assert sorted(submission.receipt_seq for submission in submissions) == [1, 2, 3, 4, 5, 6]
    assert len({submission.receipt_number for submission in submissions}) == 6


def test_receipt_numbers_restart_at_the_new_year_in_tokyo(
    engine: Engine, flow_version: FlowVersionInfo
) -> None:
    def submit_at(user_id: str, when: datetime) -> str:
        return _submit(engine, _draft(engine, flow_version, user_id=user_id), now=when).receipt_number

    assert submit_at("U1", datetime(2026, 12, 31, 14, 59, tzinfo=UTC)) == "2026-0001"  # 23:59 JST
    assert submit_at("U2", datetime(2026, 12, 31, 15, 0, tzinfo=UTC)) == "2027-0001"  # 00:00 JST
    assert submit_at("U3", datetime(2026, 12, 31, 15, 30, tzinfo=UTC)) == "2027-0002"
    # Each year keeps its own counter.
    assert submit_at("U4", datetime(2026, 12, 31, 14, 0, tzinfo=UTC)) == "2026-0002"


def test_notifications_are_enqueued_with_the_submission(
    engine: Engine, flow_version: FlowVersionInfo
) -> None:
    def notify(submission: Submission) -> list[Notification]:
        return [
            Notification(
                kind="admin_submitted",
                payload={"submission_id": submission.id, "receipt_number": submission.receipt_number},
                dedupe_key=f"admin_submitted:{submission.id}",
            )
        ]

    submission = _submit(engine, _draft(engine, flow_version), notifications=notify)
    with session_scope(engine) as session:
        messages = session.exec(select(OutboxMessage)).all()
    assert [(message.kind, message.payload) for message in messages] == [
        ("admin_submitted", {"submission_id": submission.id, "receipt_number": "2026-0001"})
    ]


def test_a_failure_inside_the_submit_rolls_everything_back(
    engine: Engine, flow_version: FlowVersionInfo
) -> None:
    def broken(_: Submission) -> list[Notification]:
        raise RuntimeError("notification builder failed")

    draft = _draft(engine, flow_version)
    with pytest.raises(RuntimeError):
        _submit(engine, draft, notifications=broken)
    assert get_draft(engine, id_of(draft)).status == DraftStatus.IN_PROGRESS
    assert _count(engine, Submission) == 0
    assert _count(engine, OutboxMessage) == 0
    # The number taken inside the failed transaction was given back.
    assert _submit(engine, draft, now=NOW + timedelta(minutes=1)).receipt_number == "2026-0001"
