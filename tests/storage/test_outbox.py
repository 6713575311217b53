"""The outbox: deduplicated enqueue, atomic claims with a lease, and delivery bookkeeping."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest
from sqlalchemy import Engine

from storage import (
    OutboxMessage,
    OutboxStatus,
    claim_due,
    enqueue,
    mark_failed,
    mark_sent,
    release_unattempted,
    session_scope,
)
from tests.storage.helpers import NOW, id_of, race

LEASE = 60


def _claim(engine: Engine, worker_id: str, at: datetime = NOW, limit: int = 10) -> list[OutboxMessage]:
    return claim_due(engine, worker_id=worker_id, now=at, lease_seconds=LEASE, limit=limit)


def _ids(messages: list[OutboxMessage]) -> list[int | None]:
    return [message.id for message in messages]


def test_the_same_dedupe_key_is_enqueued_once(engine: Engine) -> None:
    assert enqueue(engine, "admin_submitted", {"submission_id": 1}, "admin_submitted:1", NOW)
    assert not enqueue(engine, "admin_submitted", {"submission_id": 1}, "admin_submitted:1", NOW)
    assert enqueue(engine, "admin_submitted", {"submission_id": 2}, "admin_submitted:2", NOW)
    claimed = _claim(engine, "w1")
    assert [message.payload for message in claimed] == [{"submission_id": 1}, {"submission_id": 2}]
    first = claimed[0]
    assert (first.kind, first.status, first.attempts) == ("admin_submitted", OutboxStatus.PENDING, 1)
    assert (first.claimed_by, first.claimed_until) == ("w1", NOW + timedelta(seconds=LEASE))


def test_enqueue_inside_a_unit_of_work_shares_its_fate(engine: Engine) -> None:
    with session_scope(engine) as session:
        assert enqueue(session, "k", {}, "kept", NOW)
        assert not enqueue(session, "k", {}, "kept", NOW)  # a duplicate leaves the transaction usable
    with pytest.raises(RuntimeError), session_scope(engine) as session:
        enqueue(session, "k", {}, "rolled-back", NOW)
        raise RuntimeError("the surrounding work failed")
    assert [message.dedupe_key for message in _claim(engine, "w1")] == ["kept"]


def test_only_due_messages_are_claimed_oldest_first_up_to_the_limit(engine: Engine) -> None:
    enqueue(engine, "k", {}, "later", NOW + timedelta(hours=1))
    enqueue(engine, "k", {}, "second", NOW - timedelta(minutes=1))
    enqueue(engine, "k", {}, "first", NOW - timedelta(minutes=2))
    enqueue(engine, "k", {}, "third", NOW)
    assert [message.dedupe_key for message in _claim(engine, "w1", limit=2)] == ["first", "second"]
    assert [message.dedupe_key for message in _claim(engine, "w1")] == ["third"]
    assert _claim(engine, "w2") == []


def test_a_claimed_message_is_not_claimed_again_during_its_lease(engine: Engine) -> None:
    enqueue(engine, "k", {}, "a", NOW)
    assert len(_claim(engine, "w1")) == 1
    assert _claim(engine, "w2", at=NOW + timedelta(seconds=LEASE - 1)) == []


def test_an_expired_lease_makes_the_message_claimable_again(engine: Engine) -> None:
    # The worker crashed after claiming: nobody marks the message, the lease runs out.
    enqueue(engine, "k", {}, "a", NOW)
    [crashed] = _claim(engine, "w1")
    [retaken] = _claim(engine, "w2", at=NOW + timedelta(seconds=LEASE))
    assert retaken.id == crashed.id
    assert (retaken.claimed_by, retaken.attempts) == ("w2", 2)
    # The first worker lost its claim and cannot record anything any more.
    assert not mark_sent(engine, id_of(crashed), worker_id="w1", now=NOW)
    assert mark_sent(engine, id_of(retaken), worker_id="w2", now=NOW + timedelta(seconds=LEASE + 1))


def test_mark_sent_finishes_the_message(engine: Engine) -> None:
    enqueue(engine, "k", {}, "a", NOW)
    [message] = _claim(engine, "w1")
    assert not mark_sent(engine, id_of(message), worker_id="someone else", now=NOW)
    assert mark_sent(engine, id_of(message), worker_id="w1", now=NOW)
    assert not mark_sent(engine, id_of(message), worker_id="w1", now=NOW)  # only once
    assert _claim(engine, "w2", at=NOW + timedelta(days=1)) == []
    with session_scope(engine) as session:
        stored = session.get(OutboxMessage, message.id)
    assert stored is not None
    assert (stored.status, stored.sent_at, stored.claimed_until) == (OutboxStatus.SENT, NOW, None)


def test_mark_failed_releases_the_claim_until_the_retry_time(engine: Engine) -> None:
    enqueue(engine, "k", {"secret": "回答内容"}, "a", NOW)
    [message] = _claim(engine, "w1")
    assert message.id is not None
    retry_at = NOW + timedelta(minutes=5)
    assert mark_failed(
        engine, message.id, worker_id="w1", error="SlackApiError: ratelimited" * 100, retry_at=retry_at
    )
    assert not mark_failed(engine, message.id, worker_id="w1", error="again", retry_at=retry_at)  # released

    assert _claim(engine, "w2", at=retry_at - timedelta(seconds=1)) == []
    [again] = _claim(engine, "w2", at=retry_at)
    assert again.id == message.id
    assert again.attempts == 2
    assert again.last_error is not None and len(again.last_error) == 500
    assert again.last_error.startswith("SlackApiError: ratelimited")


def test_release_unattempted_gives_back_claims_without_counting_an_attempt(engine: Engine) -> None:
    enqueue(engine, "k", {}, "due now", NOW)
    enqueue(engine, "k", {}, "due later", NOW + timedelta(minutes=10))
    enqueue(engine, "k", {}, "claimed by another", NOW)

    def claim(worker_id: str, at: datetime = NOW) -> list[OutboxMessage]:
        return claim_due(engine, worker_id=worker_id, now=at, lease_seconds=3600, limit=1)

    [now_due] = claim("w1")
    [others] = claim("w2")
    [later] = claim("w1", at=NOW + timedelta(minutes=10))
    not_before = NOW + timedelta(seconds=30)

    released = release_unattempted(
        engine, [id_of(now_due), id_of(later), id_of(others)], worker_id="w1", not_before=not_before
    )

    assert released == 2  # the other worker's claim is not this worker's to give back
    assert _claim(engine, "w3", at=not_before - timedelta(seconds=1)) == []
    [again] = _claim(engine, "w3", at=not_before)
    assert (again.dedupe_key, again.attempts) == ("due now", 1)
    assert mark_sent(engine, id_of(again), worker_id="w3", now=not_before)
    # A message due after `not_before` keeps its own due time.
    assert _claim(engine, "w3", at=NOW + timedelta(minutes=10) - timedelta(seconds=1)) == []
    [kept] = _claim(engine, "w3", at=NOW + timedelta(minutes=10))
    assert (kept.dedupe_key, kept.attempts) == ("due later", 1)
    assert release_unattempted(engine, [], worker_id="w1", not_before=not_before) == 0


def test_concurrent_workers_never_claim_the_same_message(engine: Engine) -> None:
    total = 60
    for index in range(total):
        enqueue(engine, "k", {"n": index}, f"m{index}", NOW)

    def work(worker: int) -> list[int | None]:
        claimed: list[int | None] = []
        while batch := _claim(engine, f"w{worker}", limit=3):
            claimed += _ids(batch)
        return claimed

    results = race(4, work)
    assert not [result for result in results if isinstance(result, BaseException)], results
    claimed = [message_id for result in results for message_id in result]  # type: ignore[union-attr]
    assert len(claimed) == total
    assert len(set(claimed)) == total
