"""Delivering the outbox: a dispatcher from a message's kind to the sender of the feature that owns
it (the admin post, reminders, escalations, invitations). It knows no kinds itself.

A message is enqueued in the transaction that makes it necessary, so it exists exactly when, say,
the submission does. Delivery is at least once: a worker that crashes between claiming and marking
lets its lease lapse and another worker sends the message. The senders post through a gateway
whose client is bounded (bot/slack_client.make_outbox_client) so that one attempt, retries
included, stays well inside the lease.

Logs name messages by outbox id, kind and Slack error code only: never answers, tokens or texts.
"""

from __future__ import annotations

import itertools
import logging
import threading
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from slack_sdk.errors import SlackApiError, SlackClientError
from sqlalchemy import Engine

from bot.clock import Clock
from bot.slack_gateway import retry_after_seconds
from storage import OutboxMessage, claim_due, mark_failed, mark_sent, release_unattempted

logger = logging.getLogger(__name__)

# Longer than any one post can take (slack_client.worst_case_call_seconds of the outbox client),
# so a live worker keeps its claim.
LEASE_SECONDS = 120
BACKOFF_BASE_SECONDS = 10
BACKOFF_MAX_SECONDS = 3600
# For what retrying soon cannot fix (an unknown kind, a missing submission): an operator must look.
UNDELIVERABLE_RETRY = timedelta(days=1)
# After a 429 without a usable Retry-After, the rest of the round waits at least this long.
RATE_LIMIT_MIN_PAUSE_SECONDS = 1.0
ADMIN_CHANNEL_GROUP = "(admin channel)"
# The timer comes back this long after held-back messages are due (the database's clock rounds).
RESUME_MARGIN_SECONDS = 0.05


class Undeliverable(Exception):
    """The message cannot be sent as it is; the text is a short code that is safe to store."""


@dataclass(frozen=True)
class Attempt:
    """Which outbox message is being sent, and whether an earlier claim of it may have sent it
    already (it failed, timed out or died after Slack accepted): such a post is looked for first."""

    outbox_id: int
    earlier_claims: int


@dataclass(frozen=True)
class Sender:
    """How a feature sends its kind of message, from the payload stored with it. A sender that
    posts to a channel where a duplicate would mislead takes the Attempt too (`once`)."""

    send: Callable[[Mapping[str, Any]], None] | None = None
    to_admin_channel: bool = False  # waits in the outbox while ADMIN_CHANNEL_ID is not set
    once: Callable[[Mapping[str, Any], Attempt], None] | None = None


@dataclass(frozen=True)
class _Outcome:
    """What one attempt came to: sent, or not (and whether Slack asked to wait, for how long)."""

    sent: bool = False
    rate_limited_for: float | None = None


class OutboxDelivery:
    """Claims due outbox messages and sends them; one instance per worker (process or thread)."""

    def __init__(
        self,
        engine: Engine,
        senders: Mapping[str, Sender],
        clock: Clock,
        worker_id: str,
        *,
        admin_channel_configured: bool,
    ) -> None:
        self._engine = engine
        self._senders = dict(senders)
        self._clock = clock
        self._worker_id = worker_id
        # Each round claims under a name of its own: two rounds at once in one process (the timer
        # and a nudge, the sandbox's clock, a test) must never release or mark each other's claims.
        self._rounds = itertools.count(1)
        self._round = threading.local()
        self._admin_channel_configured = admin_channel_configured
        self._warned_unconfigured = False
        self._resume_in: float | None = None

    def deliver_due(self, limit: int = 20) -> int:
        """Send up to `limit` due messages; the number delivered. Never raises for one bad message."""
        kinds = None
        if not self._admin_channel_configured:
            # Leave the admin messages pending: they go out once the channel is configured.
            if not self._warned_unconfigured:
                logger.warning("ADMIN_CHANNEL_ID is not set: admin summaries wait in the outbox")
                self._warned_unconfigured = True
            kinds = [kind for kind, sender in self._senders.items() if not sender.to_admin_channel]
            if not kinds:
                return 0
        claimed = claim_due(
            self._engine,
            worker_id=self._claimant(),
            now=self._clock.now(),
            lease_seconds=LEASE_SECONDS,
            limit=limit,
            kinds=kinds,
        )
        delivered = 0
        paused: dict[str, float] = {}  # group → seconds Slack asked it to wait
        held_back: list[OutboxMessage] = []
        self._resume_in = 0.0 if len(claimed) == limit else None  # more may be due at once
        for message in claimed:
            group = self._rate_group(message)
            if group in paused:
                held_back.append(message)
                continue
            outcome = self._deliver(message)
            if outcome.rate_limited_for is None:
                delivered += outcome.sent
            else:
                # Slack said to wait: the round's other messages of the same group would be refused
                # too (the same methods into the same place); the others go on.
                paused[group] = outcome.rate_limited_for
        for group, seconds in paused.items():
            self._pause_round([m for m in held_back if self._rate_group(m) == group], seconds)
        return delivered

    def _claimant(self) -> str:
        """This round's name in the claims it takes: the worker's, and the round's number."""
        self._round.claimant = f"{self._worker_id}#{next(self._rounds)}"
        return str(self._round.claimant)

    def resume_in(self) -> float | None:
        """Seconds until the last round's held-back messages are due (0: more were due than a round
        takes), or None: the timer's own interval will do."""
        return self._resume_in

    def _rate_group(self, message: OutboxMessage) -> str:
        """Messages that spend the same part of Slack's budget: everything posted to the admin
        channel (chat.postMessage is limited per channel), else each kind (an invitation opens a
        DM, conversations.open at Tier 3; a receipt goes to a DM already open)."""
        sender = self._senders.get(message.kind)
        return ADMIN_CHANNEL_GROUP if sender is not None and sender.to_admin_channel else message.kind

    def _pause_round(self, unattempted: list[OutboxMessage], seconds: float) -> None:
        self._resume_in = seconds if self._resume_in is None else min(self._resume_in, seconds)
        ids = [message.id for message in unattempted if message.id is not None]
        if not ids:
            return
        not_before = self._clock.now() + timedelta(seconds=seconds)
        release_unattempted(self._engine, ids, worker_id=self._round.claimant, not_before=not_before)
        logger.info("outbox round paused at Slack's rate limit; %s message(s) put back", len(ids))

    def _deliver(self, message: OutboxMessage) -> _Outcome:
        try:
            sender = self._senders.get(message.kind)
            if sender is None:
                raise Undeliverable(f"unknown kind {message.kind[:64]}")
            if sender.once is not None:
                assert message.id is not None
                sender.once(message.payload, Attempt(message.id, message.attempts - 1))
            elif sender.send is not None:
                sender.send(message.payload)
        except Undeliverable as reason:
            logger.error("outbox message %s (%s) is undeliverable: %s", message.id, message.kind, reason)
            self._fail(message, str(reason), self._clock.now() + UNDELIVERABLE_RETRY)
            return _Outcome()
        except SlackApiError as error:
            retry_after = retry_after_seconds(error)
            if is_rate_limited(error):
                # Not the message's fault: it goes again as soon as Slack allows, without backoff.
                pause = max(retry_after, RATE_LIMIT_MIN_PAUSE_SECONDS)
                logger.warning(
                    "outbox message %s (%s): rate limited for %.0f s", message.id, message.kind, pause
                )
                self._fail(message, slack_error_code(error), self._clock.now() + timedelta(seconds=pause))
                return _Outcome(rate_limited_for=pause)
            self._retry_later(message, slack_error_code(error), minimum_seconds=retry_after)
            return _Outcome()
        except (SlackClientError, OSError) as error:  # connection refused, timeouts, DNS
            self._retry_later(message, type(error).__name__)
            return _Outcome()
        except Exception as error:  # a bug with one message must not hold up the others
            # No traceback: exception messages can quote the answer that broke the rendering.
            logger.error("outbox message %s (%s) failed: %s", message.id, message.kind, type(error).__name__)
            self._retry_later(message, type(error).__name__)
            return _Outcome()
        assert message.id is not None
        if not mark_sent(self._engine, message.id, worker_id=self._round.claimant, now=self._clock.now()):
            logger.warning(
                "outbox message %s was sent after its lease lapsed; it may be sent twice", message.id
            )
        return _Outcome(sent=True)

    def _retry_later(self, message: OutboxMessage, error: str, *, minimum_seconds: float = 0) -> None:
        delay = max(backoff_seconds(message.attempts), minimum_seconds)
        retry_at = self._clock.now() + timedelta(seconds=delay)
        logger.warning(
            "outbox message %s (%s) attempt %s failed: %s; next attempt at %s",
            message.id,
            message.kind,
            message.attempts,
            error,
            retry_at.isoformat(),
        )
        self._fail(message, error, retry_at)

    def _fail(self, message: OutboxMessage, error: str, retry_at: datetime) -> None:
        assert message.id is not None
        if not mark_failed(
            self._engine, message.id, worker_id=self._round.claimant, error=error, retry_at=retry_at
        ):
            logger.info("outbox message %s: the claim lapsed before the failure was recorded", message.id)


class OutboxTimer:
    """Delivers every `interval` seconds in its own thread, and at once when nudged.

    A click that enqueues a message (送信) only nudges: the click's own thread never sends other
    people's messages, and a nudge during a delivery runs one more round right after it.
    """

    def __init__(
        self,
        deliver: Callable[[], object],
        interval: float,
        resume_in: Callable[[], float | None] | None = None,
    ) -> None:
        self._deliver = deliver
        self._interval = interval
        self._resume_in = resume_in  # a round held back by Slack's limits comes again when they allow
        self._wake = threading.Event()
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    def nudge(self) -> None:
        self._wake.set()

    def start(self) -> OutboxTimer:
        if self._thread is None:
            self._thread = threading.Thread(target=self._run, name="kikitori-outbox", daemon=True)
            self._thread.start()
        return self

    def stop(self) -> None:
        self._stop.set()
        self._wake.set()
        if self._thread is not None:
            self._thread.join(timeout=5)
            self._thread = None

    def _run(self) -> None:
        wait = self._interval
        while not self._stop.is_set():
            self._wake.wait(wait)
            self._wake.clear()
            if self._stop.is_set():
                return
            wait = self._interval
            try:
                self._deliver()
                resume = self._resume_in() if self._resume_in is not None else None
                if resume is not None:
                    wait = min(wait, resume + RESUME_MARGIN_SECONDS)
            except Exception as error:  # the database may be down for a moment: try again later
                logger.error("outbox delivery failed: %s", type(error).__name__)


def backoff_seconds(attempts: int) -> float:
    """10 s, 20 s, 40 s … after the 1st, 2nd, 3rd failed attempt, at most an hour."""
    exponent = min(max(attempts, 1) - 1, 20)  # 2**20 · 10 s is far past the cap already
    return float(min(BACKOFF_BASE_SECONDS * 2**exponent, BACKOFF_MAX_SECONDS))


def is_rate_limited(error: SlackApiError) -> bool:
    """Slack's 429 (or a `ratelimited` error in a 200, as some methods answer)."""
    response = error.response
    if getattr(response, "status_code", 200) == 429:
        return True
    try:
        return response.get("error") == "ratelimited"
    except (AttributeError, ValueError):
        return False


def slack_error_code(error: SlackApiError) -> str:
    """Slack's error code (channel_not_found, ratelimited …) with the HTTP status if not 200."""
    response = error.response
    try:
        code = str(response.get("error") or "unknown_error")
    except (AttributeError, ValueError):  # a body that was not JSON
        code = "invalid_response"
    status = getattr(response, "status_code", 200)
    return code if status == 200 else f"{code} (HTTP {status})"
