"""Outbox delivery to the admin channel over real HTTP (the fake Slack) on SQLite and PostgreSQL.

The WebClient has no retry handlers here, so every refusal reaches the outbox and it is the
outbox's retries (driven by an injected clock) that these tests exercise.
"""

from __future__ import annotations

import logging
import math
import socket
import threading
import time
from collections.abc import Iterator
from datetime import datetime, timedelta
from functools import partial
from typing import Any

import pytest
from slack_sdk import WebClient
from sqlalchemy import Engine
from sqlmodel import col, select

import storage
from bot.admin_channel import check_admin_channel
from bot.admin_post import ADMIN_SUMMARY, AdminPosts, admin_post_for
from bot.app import Kikitori
from bot.clock import Clock as BotClock
from bot.masking import PHONE
from bot.outbox import LEASE_SECONDS, OutboxDelivery, OutboxTimer, Sender, backoff_seconds
from bot.settings import Settings
from bot.slack_client import make_outbox_client, make_web_client, worst_case_call_seconds
from bot.slack_gateway import SlackGateway
from sandbox.fake_slack import FakeSlack
from storage import OutboxMessage, OutboxStatus, Submission, enqueue, session_scope
from tests.bot.rendering.test_admin import ADDRESS, MOBILE, MY_NUMBER, fields_of, sample_answers, submit
from tests.storage.helpers import NOW, race

ADMIN_CHANNEL = "C0ADMINS"
SETTINGS = Settings(admin_channel_id=ADMIN_CHANNEL)


class Clock:
    """The injected clock: time moves only when a test says so."""

    def __init__(self, now: datetime = NOW) -> None:
        self.now = now

    def __call__(self) -> datetime:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += timedelta(seconds=seconds)

    sleep = advance  # the bot's Web API clients pause between retries on this clock


class Crash(BaseException):
    """The process dies mid-delivery: nothing below the worker catches this."""


class CrashingClient(WebClient):
    def chat_postMessage(self, **kwargs: Any) -> Any:
        raise Crash


@pytest.fixture
def fake() -> Iterator[FakeSlack]:
    with FakeSlack() as running:
        running.add_channel(ADMIN_CHANNEL, "survey-admins", is_private=True)
        running.add_channel("C0PUBLIC", "everyone")
        running.add_channel("C0OUTSIDE", "outside", is_member=False)
        yield running


def dead_url() -> str:
    """A loopback URL nobody listens on: connecting is refused at once."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return f"http://127.0.0.1:{probe.getsockname()[1]}/api/"


def no_retry_client(base_url: str, token: str = "xoxb-fake-token") -> WebClient:
    return WebClient(token=token, base_url=base_url, timeout=5, retry_handlers=[])


@pytest.fixture
def client(fake: FakeSlack) -> WebClient:
    return no_retry_client(fake.base_url, fake.token)


@pytest.fixture
def clock() -> Clock:
    return Clock()


def delivery(
    engine: Engine,
    client: WebClient,
    clock: Clock,
    worker_id: str = "w1",
    settings: Settings = SETTINGS,
    other_senders: dict[str, Sender] | None = None,
) -> OutboxDelivery:
    the_clock = BotClock(settings.timezone, clock)
    posts = AdminPosts(
        engine=engine,
        flow_for_version=partial(storage.load_flow, engine),
        gateway=SlackGateway(client),
        clock=the_clock,
        channel=settings.admin_channel_id,
    )
    return OutboxDelivery(
        engine,
        {**posts.senders(), **(other_senders or {})},
        the_clock,
        worker_id,
        admin_channel_configured=bool(settings.admin_channel_id),
    )


def submit_with_summary(engine: Engine, user_id: str = "U0SATO") -> Submission:
    return submit(engine, sample_answers(), user_id=user_id, notifications=lambda s: [admin_post_for(s)])


def outbox(engine: Engine) -> list[OutboxMessage]:
    with session_scope(engine) as session:
        return list(session.exec(select(OutboxMessage).order_by(col(OutboxMessage.id))))


def posted(fake: FakeSlack) -> list[str]:
    """Receipt numbers of the summaries in the admin channel, in posting order."""
    return [fields_of(message["blocks"])["受付番号"] for message in fake.messages(ADMIN_CHANNEL)]


# --- delivery ------------------------------------------------------------------------------------


def test_admin_post_for() -> None:
    submission = Submission(draft_id=42, receipt_number="2026-0001", answers={})  # type: ignore[call-arg]
    notification = admin_post_for(submission)
    assert (notification.kind, dict(notification.payload), notification.dedupe_key) == (
        "admin_summary",
        {"draft_id": 42},
        "admin_summary:42",
    )


def test_a_submission_is_posted_once_to_the_admin_channel(
    engine: Engine, fake: FakeSlack, client: WebClient, clock: Clock
) -> None:
    submission = submit_with_summary(engine)
    worker = delivery(engine, client, clock)

    assert worker.deliver_due() == 1
    clock.advance(3600)
    assert worker.deliver_due() == 0

    [message] = fake.messages(ADMIN_CHANNEL)
    assert fields_of(message["blocks"])["受付番号"] == submission.receipt_number
    assert PHONE in str(message["blocks"]) and MOBILE not in str(message["blocks"])
    [row] = outbox(engine)
    assert (row.kind, row.status, row.attempts, row.sent_at) == (ADMIN_SUMMARY, OutboxStatus.SENT, 1, NOW)


def test_refusals_are_retried_with_backoff_until_posted_exactly_once(
    engine: Engine, fake: FakeSlack, client: WebClient, clock: Clock, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG, logger="bot")
    submit_with_summary(engine)
    worker = delivery(engine, client, clock)
    fake.fail_next("chat.postMessage", status=500, times=2)
    fake.fail_next("chat.postMessage", status=429, retry_after=1)
    fake.fail_next("chat.postMessage", error="channel_not_found")

    errors = []
    # 10 s · 2^(attempts-1), except after a 429: then as soon as Retry-After allows, no backoff.
    for delay in (10, 20, 1, 80):
        assert worker.deliver_due() == 0
        [row] = outbox(engine)
        assert (row.status, row.next_attempt_at, row.claimed_by) == (
            OutboxStatus.PENDING,
            clock.now + timedelta(seconds=delay),
            None,
        )
        errors.append(row.last_error)
        clock.advance(delay - 1)
        assert worker.deliver_due() == 0  # not due yet: not even claimed
        clock.advance(1)
    assert worker.deliver_due() == 1

    assert errors == [
        "fatal_error (HTTP 500)",
        "fatal_error (HTTP 500)",
        "ratelimited (HTTP 429)",
        "channel_not_found",
    ]
    assert len(posted(fake)) == 1
    assert [method for method, _ in fake.calls].count("chat.postMessage") == 5
    [row] = outbox(engine)
    assert (row.status, row.attempts) == (OutboxStatus.SENT, 5)
    clock.advance(86_400)
    assert worker.deliver_due() == 0 and len(posted(fake)) == 1
    logged = "\n".join(record.getMessage() for record in caplog.records)
    assert "channel_not_found" in logged
    for secret in (MOBILE, ADDRESS, MY_NUMBER, "新潟 太郎", fake.token):
        assert secret not in logged


def test_retry_after_longer_than_the_backoff_is_respected(
    engine: Engine, fake: FakeSlack, client: WebClient, clock: Clock
) -> None:
    submit_with_summary(engine)
    fake.fail_next("chat.postMessage", status=429, retry_after=30)
    worker = delivery(engine, client, clock)
    assert worker.deliver_due() == 0
    assert outbox(engine)[0].next_attempt_at == NOW + timedelta(seconds=30)


def test_a_round_stops_at_slacks_rate_limit_and_puts_the_rest_back_uncounted(
    engine: Engine, fake: FakeSlack, client: WebClient, clock: Clock
) -> None:
    """Five summaries due; Slack refuses the first post with a 429. The other four are not tried
    (Slack would refuse them too): they wait for Retry-After, their attempt not counted."""
    for n in range(5):
        submit_with_summary(engine, user_id=f"U0PACE{n}")
    fake.fail_next("chat.postMessage", status=429, retry_after=7)
    worker = delivery(engine, client, clock)

    assert worker.deliver_due() == 0
    assert [method for method, _ in fake.calls].count("chat.postMessage") == 1
    rows = outbox(engine)
    assert [(row.attempts, row.next_attempt_at, row.claimed_by) for row in rows] == [
        (1, NOW + timedelta(seconds=7), None)
    ] + [(0, NOW + timedelta(seconds=7), None)] * 4
    clock.advance(6)
    assert worker.deliver_due() == 0 and posted(fake) == []
    clock.advance(1)
    assert worker.deliver_due() == 5
    assert len(posted(fake)) == 5
    assert [row.attempts for row in outbox(engine)] == [2, 1, 1, 1, 1]


def test_the_admin_channels_limit_holds_back_only_its_own_posts(
    engine: Engine, fake: FakeSlack, client: WebClient, clock: Clock
) -> None:
    """Slack limits chat.postMessage per channel: a 429 on the admin channel holds back the round's
    other admin posts, not the DMs; the timer is told when to come back."""
    for n in range(3):
        submit_with_summary(engine, user_id=f"U0HOLD{n}")
        enqueue(engine, "dm_note", {"user": f"U0HOLD{n}"}, f"dm_note:{n}", NOW)

    def send_note(payload: Any) -> None:
        client.chat_postMessage(channel=payload["user"], text="お知らせ")

    worker = delivery(engine, client, clock, other_senders={"dm_note": Sender(send_note)})
    fake.fail_next("chat.postMessage", status=429, retry_after=5)

    assert worker.deliver_due() == 3  # the three DM notes
    assert worker.resume_in() == 5
    assert posted(fake) == []
    admin_rows = [row for row in outbox(engine) if row.kind == ADMIN_SUMMARY]
    assert [(row.attempts, row.next_attempt_at) for row in admin_rows] == [
        (1, NOW + timedelta(seconds=5)),
        (0, NOW + timedelta(seconds=5)),
        (0, NOW + timedelta(seconds=5)),
    ]
    clock.advance(5)
    assert worker.deliver_due() == 3 and len(posted(fake)) == 3
    assert worker.resume_in() is None


def test_a_kind_held_back_by_slack_does_not_hold_back_another(
    engine: Engine, fake: FakeSlack, client: WebClient, clock: Clock
) -> None:
    """Invitations refused (conversations.open, Tier 3) wait; receipts to open DMs go on."""
    for n in range(3):
        enqueue(engine, "invitation_like", {"user": f"U0INV{n}"}, f"invitation_like:{n}", NOW)
        enqueue(engine, "receipt_like", {"user": f"U0REC{n}"}, f"receipt_like:{n}", NOW)

    def send(payload: Any) -> None:
        client.chat_postMessage(channel=payload["user"], text="お知らせ")

    worker = delivery(
        engine, client, clock, other_senders={"invitation_like": Sender(send), "receipt_like": Sender(send)}
    )
    fake.fail_next("chat.postMessage", status=429, retry_after=30)  # the first invitation's post

    assert worker.deliver_due() == 3
    rows = outbox(engine)
    assert {row.kind for row in rows if row.status == OutboxStatus.SENT} == {"receipt_like"}
    assert [(row.attempts, row.next_attempt_at) for row in rows if row.kind == "invitation_like"] == [
        (1, NOW + timedelta(seconds=30)),
        (0, NOW + timedelta(seconds=30)),
        (0, NOW + timedelta(seconds=30)),
    ]
    assert worker.resume_in() == 30


def test_a_connection_error_is_retried(
    engine: Engine, fake: FakeSlack, client: WebClient, clock: Clock
) -> None:
    submit_with_summary(engine)
    unreachable = no_retry_client(dead_url())

    assert delivery(engine, unreachable, clock).deliver_due() == 0
    [row] = outbox(engine)
    assert (row.last_error, row.next_attempt_at) == ("URLError", NOW + timedelta(seconds=10))
    clock.advance(10)
    assert delivery(engine, client, clock).deliver_due() == 1
    assert len(posted(fake)) == 1


def test_backoff_is_capped_at_an_hour() -> None:
    assert [backoff_seconds(n) for n in (1, 2, 3, 9, 10, 100)] == [10, 20, 40, 2560, 3600, 3600]


def test_two_workers_delivering_at_once_post_each_summary_once(
    engine: Engine, fake: FakeSlack, client: WebClient, clock: Clock
) -> None:
    receipts = sorted(submit_with_summary(engine, user_id=f"U0USER{n}").receipt_number for n in range(6))
    fake.slow("chat.postMessage", 0.01)  # keep both workers busy at the same time
    workers = [delivery(engine, client, clock, worker_id=f"w{n}") for n in range(2)]

    def drain(index: int) -> int:
        total = 0
        while delivered := workers[index].deliver_due(limit=1):
            total += delivered
        return total

    results = race(2, drain)

    assert sum(r for r in results if isinstance(r, int)) == 6, results
    assert sorted(posted(fake)) == receipts
    assert {row.status for row in outbox(engine)} == {OutboxStatus.SENT}


def test_a_crash_after_claiming_is_delivered_by_another_worker_after_the_lease(
    engine: Engine, fake: FakeSlack, client: WebClient, clock: Clock
) -> None:
    submission = submit_with_summary(engine)
    crashing = CrashingClient(token=fake.token, base_url=fake.base_url, retry_handlers=[])
    with pytest.raises(Crash):
        delivery(engine, crashing, clock, worker_id="crashed").deliver_due()
    [row] = outbox(engine)
    assert (row.claimed_by, row.status) == ("crashed#1", OutboxStatus.PENDING)  # its first round

    survivor = delivery(engine, client, clock, worker_id="survivor")
    assert LEASE_SECONDS == 120
    clock.advance(LEASE_SECONDS - 1)
    assert survivor.deliver_due() == 0  # the crashed worker's lease still holds
    clock.advance(1)
    assert survivor.deliver_due() == 1

    assert posted(fake) == [submission.receipt_number]
    [row] = outbox(engine)
    assert (row.claimed_by, row.status, row.attempts) == ("survivor#2", OutboxStatus.SENT, 2)


def test_without_an_admin_channel_nothing_is_claimed_and_one_warning_is_logged(
    engine: Engine, fake: FakeSlack, client: WebClient, clock: Clock, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.WARNING, logger="bot.outbox")
    submit_with_summary(engine)
    unconfigured = delivery(engine, client, clock, settings=Settings(admin_channel_id=None))

    assert unconfigured.deliver_due() == 0
    assert unconfigured.deliver_due() == 0

    assert [r.getMessage() for r in caplog.records] == [
        "ADMIN_CHANNEL_ID is not set: admin summaries wait in the outbox"
    ]
    [row] = outbox(engine)
    assert (row.attempts, row.claimed_by) == (0, None)
    assert fake.calls == []
    assert delivery(engine, client, clock).deliver_due() == 1  # configured later: it goes out


def test_an_unknown_kind_is_put_aside_for_a_day(
    engine: Engine, fake: FakeSlack, client: WebClient, clock: Clock, caplog: pytest.LogCaptureFixture
) -> None:
    enqueue(engine, "mystery", {"x": 1}, "mystery:1", NOW)

    assert delivery(engine, client, clock).deliver_due() == 0

    [row] = outbox(engine)
    assert (row.status, row.last_error) == (OutboxStatus.PENDING, "unknown kind mystery")
    assert row.next_attempt_at == NOW + timedelta(days=1)
    assert fake.calls == []
    assert any(r.levelno == logging.ERROR and "mystery" in r.getMessage() for r in caplog.records)


def test_a_broken_message_does_not_hold_up_the_others(
    engine: Engine, fake: FakeSlack, client: WebClient, clock: Clock
) -> None:
    enqueue(engine, ADMIN_SUMMARY, {"draft_id": 999}, "admin_summary:999", NOW - timedelta(seconds=1))
    submission = submit_with_summary(engine)

    assert delivery(engine, client, clock).deliver_due() == 1

    assert posted(fake) == [submission.receipt_number]
    missing = next(row for row in outbox(engine) if row.payload == {"draft_id": 999})
    assert (missing.status, missing.last_error) == (OutboxStatus.PENDING, "submission_not_found")


# --- the client the outbox sends with -----------------------------------------------------------


def test_one_outbox_call_with_its_retries_stays_well_inside_the_lease() -> None:
    bounded = make_outbox_client("xoxb-fake-token", "http://127.0.0.1:9/api/")
    assert worst_case_call_seconds(bounded) <= LEASE_SECONDS / 4
    # The interactive client sleeps as long as Slack's Retry-After says: it must never send the outbox.
    assert worst_case_call_seconds(make_web_client("xoxb-fake-token", "http://127.0.0.1:9/api/")) == math.inf


def test_the_clients_pause_between_retries_through_the_sleep_they_are_given(fake: FakeSlack) -> None:
    """Slack's Retry-After and the backoff after a 500 are waited through `sleep` (a test's clock),
    never time.sleep; the call then goes through."""
    slept: list[float] = []
    client = make_web_client(fake.token, fake.base_url, sleep=slept.append)
    fake.fail_next("chat.postMessage", status=429, retry_after=7)
    fake.fail_next("chat.postMessage", status=500)
    assert client.chat_postMessage(channel="U0SATO", text="こんにちは")["ok"]
    assert len(slept) == 2
    assert 7 <= slept[0] < 8  # Retry-After, and up to a second of jitter as slack_sdk adds
    outbox_slept: list[float] = []
    outbox_client = make_outbox_client(fake.token, dead_url(), sleep=outbox_slept.append)
    with pytest.raises(OSError):
        outbox_client.chat_postMessage(channel="U0SATO", text="こんにちは")
    assert outbox_slept == [1.0]  # one retry of a dropped connection, after the fixed pause


def test_the_bot_sends_its_outbox_with_the_bounded_client(bot: Kikitori) -> None:
    for sender in bot.reminders, bot.use_cases.invitations:
        assert worst_case_call_seconds(sender.gateway.client) <= LEASE_SECONDS / 4
    assert worst_case_call_seconds(bot.gateway.client) == math.inf  # clicks retry rate limits


# --- start-up check of the admin channel ---------------------------------------------------------


@pytest.mark.parametrize(
    ("channel", "expected"),
    [
        (ADMIN_CHANNEL, []),
        ("C0PUBLIC", ["is public"]),
        ("C0OUTSIDE", ["is public", "not a member"]),
        ("C0NOWHERE", ["not found"]),
        (None, ["ADMIN_CHANNEL_ID is not set"]),
    ],
)
def test_check_admin_channel_warns_about_unsafe_or_unusable_channels(
    client: WebClient, channel: str | None, expected: list[str], caplog: pytest.LogCaptureFixture
) -> None:
    log = logging.getLogger("tests.startup")
    caplog.set_level(logging.WARNING, logger="tests.startup")

    warnings = check_admin_channel(SlackGateway(client), channel, log)

    assert len(warnings) == len(expected)
    assert all(part in warning for part, warning in zip(expected, warnings, strict=True))
    assert [r.getMessage() for r in caplog.records if r.name == "tests.startup"] == warnings


def test_check_admin_channel_never_raises(fake: FakeSlack, client: WebClient) -> None:
    log = logging.getLogger("tests.startup")
    fake.fail_next("conversations.info", status=500)
    assert check_admin_channel(SlackGateway(client), ADMIN_CHANNEL, log) == [
        f"could not check admin channel {ADMIN_CHANNEL} (fatal_error (HTTP 500))"
    ]
    [warning] = check_admin_channel(SlackGateway(no_retry_client(dead_url())), ADMIN_CHANNEL, log)
    assert warning == f"could not check admin channel {ADMIN_CHANNEL} (URLError)"


def test_the_timer_comes_back_when_held_back_messages_are_due() -> None:
    """An hour's interval, but the round was held back for 0.1 s: the next round follows then."""
    rounds: list[float] = []
    both = threading.Event()

    def deliver() -> None:
        rounds.append(time.monotonic())
        if len(rounds) == 2:
            both.set()

    timer = OutboxTimer(deliver, 3600, resume_in=lambda: 0.1 if len(rounds) == 1 else None).start()
    try:
        timer.nudge()
        assert both.wait(5)
    finally:
        timer.stop()
    assert rounds[1] - rounds[0] >= 0.1
