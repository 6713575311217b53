"""Delivering the outbox: the admin-channel summary of each submission, retried until Slack takes it.

The summary is enqueued in the transaction that stores the submission (`notification_for_submission`),
so it exists exactly when the submission does. Delivery is at least once: a worker that crashes
between claiming and marking lets its lease lapse and another worker posts the message. Retrying is
the outbox's job, so the WebClient given here needs no retry handlers of its own for Slack's
refusals (a connection retry handler does no harm).

Logs name messages by outbox id, kind and Slack error code only: never answers, tokens or texts.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping
from datetime import datetime, timedelta
from typing import Any

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError, SlackClientError
from sqlalchemy import Engine

from bot.admin import summary_message
from bot.settings import Settings
from flows.model import Flow
from storage import (
    Notification,
    OutboxMessage,
    Submission,
    claim_due,
    get_submission,
    mark_failed,
    mark_sent,
)

logger = logging.getLogger(__name__)

ADMIN_SUMMARY = "admin_summary"
ESCALATION = "escalation"
# Kinds posted to ADMIN_CHANNEL_ID: without it they wait; the others (DMs) go out regardless.
ADMIN_CHANNEL_KINDS = frozenset({ADMIN_SUMMARY, ESCALATION})
# Longer than any one post takes (the WebClient's timeout is 30 s), so a live worker keeps its claim.
LEASE_SECONDS = 120
BACKOFF_BASE_SECONDS = 10
BACKOFF_MAX_SECONDS = 3600
# For what retrying soon cannot fix (an unknown kind, a missing submission): an operator must look.
UNDELIVERABLE_RETRY = timedelta(days=1)


def notification_for_submission(submission: Submission) -> Notification:
    """The admin summary to enqueue with a submission: `submit_draft(..., notifications=...)`."""
    return Notification(
        kind=ADMIN_SUMMARY,
        payload={"draft_id": submission.draft_id},
        dedupe_key=f"{ADMIN_SUMMARY}:{submission.draft_id}",
    )


class Undeliverable(Exception):
    """The message cannot be sent as it is; the text is a short code that is safe to store."""


class OutboxDelivery:
    """Claims due outbox messages and sends them; one instance per worker (process or thread)."""

    def __init__(
        self,
        engine: Engine,
        client: WebClient,
        settings: Settings,
        flow_for_version: Callable[[int], Flow],
        clock: Callable[[], datetime],
        worker_id: str,
        senders: Mapping[str, Callable[[Mapping[str, Any]], None]] | None = None,
    ) -> None:
        """`senders` deliver further kinds of message (reminders, invitations) from their payload."""
        self._engine = engine
        self._client = client
        self._settings = settings
        self._flow_for_version = flow_for_version
        self._clock = clock
        self._worker_id = worker_id
        self._warned_unconfigured = False
        self._senders = dict(senders or {})

    def deliver_due(self, limit: int = 20) -> int:
        """Send up to `limit` due messages; the number delivered. Never raises for one bad message."""
        kinds = None
        if not self._settings.admin_channel_id:
            # Leave the admin messages pending: they go out once the channel is configured.
            if not self._warned_unconfigured:
                logger.warning("ADMIN_CHANNEL_ID is not set: admin summaries wait in the outbox")
                self._warned_unconfigured = True
            kinds = [kind for kind in self._senders if kind not in ADMIN_CHANNEL_KINDS]
            if not kinds:
                return 0
        claimed = claim_due(
            self._engine,
            worker_id=self._worker_id,
            now=self._clock(),
            lease_seconds=LEASE_SECONDS,
            limit=limit,
            kinds=kinds,
        )
        return sum(1 for message in claimed if self._deliver(message))

    def _deliver(self, message: OutboxMessage) -> bool:
        try:
            self._send(message)
        except Undeliverable as reason:
            logger.error("outbox message %s (%s) is undeliverable: %s", message.id, message.kind, reason)
            self._fail(message, str(reason), self._clock() + UNDELIVERABLE_RETRY)
            return False
        except SlackApiError as error:
            retry_after = _retry_after_seconds(error)
            self._retry_later(message, slack_error_code(error), minimum_seconds=retry_after)
            return False
        except (SlackClientError, OSError) as error:  # connection refused, timeouts, DNS
            self._retry_later(message, type(error).__name__)
            return False
        except Exception as error:  # a bug with one message must not hold up the others
            # No traceback: exception messages can quote the answer that broke the rendering.
            logger.error("outbox message %s (%s) failed: %s", message.id, message.kind, type(error).__name__)
            self._retry_later(message, type(error).__name__)
            return False
        assert message.id is not None
        if not mark_sent(self._engine, message.id, worker_id=self._worker_id, now=self._clock()):
            logger.warning(
                "outbox message %s was sent after its lease lapsed; it may be sent twice", message.id
            )
        return True

    def _send(self, message: OutboxMessage) -> None:
        if message.kind == ADMIN_SUMMARY:
            self._post_admin_summary(message.payload)
        elif message.kind in self._senders:
            self._senders[message.kind](message.payload)
        else:
            raise Undeliverable(f"unknown kind {message.kind[:64]}")

    def _post_admin_summary(self, payload: Mapping[str, Any]) -> None:
        draft_id = payload.get("draft_id")
        if not isinstance(draft_id, int):
            raise Undeliverable("payload without draft_id")
        submission = get_submission(self._engine, draft_id=draft_id)
        if submission is None:
            raise Undeliverable("submission_not_found")
        flow = self._flow_for_version(submission.flow_version_id)
        summary = summary_message(flow, submission, timezone=self._settings.timezone)
        self._client.chat_postMessage(channel=self._settings.admin_channel_id, **summary.as_kwargs())

    def _retry_later(self, message: OutboxMessage, error: str, *, minimum_seconds: float = 0) -> None:
        delay = max(backoff_seconds(message.attempts), minimum_seconds)
        retry_at = self._clock() + timedelta(seconds=delay)
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
            self._engine, message.id, worker_id=self._worker_id, error=error, retry_at=retry_at
        ):
            logger.info("outbox message %s: the claim lapsed before the failure was recorded", message.id)


def backoff_seconds(attempts: int) -> float:
    """10 s, 20 s, 40 s … after the 1st, 2nd, 3rd failed attempt, at most an hour."""
    exponent = min(max(attempts, 1) - 1, 20)  # 2**20 · 10 s is far past the cap already
    return min(BACKOFF_BASE_SECONDS * 2**exponent, BACKOFF_MAX_SECONDS)


def slack_error_code(error: SlackApiError) -> str:
    """Slack's error code (channel_not_found, ratelimited …) with the HTTP status if not 200."""
    response = error.response
    try:
        code = str(response.get("error") or "unknown_error")
    except (AttributeError, ValueError):  # a body that was not JSON
        code = "invalid_response"
    status = getattr(response, "status_code", 200)
    return code if status == 200 else f"{code} (HTTP {status})"


def _retry_after_seconds(error: SlackApiError) -> float:
    headers = getattr(error.response, "headers", None) or {}
    for name, value in headers.items():
        if name.lower() == "retry-after":
            try:
                return max(float(value if isinstance(value, str) else value[0]), 0.0)
            except (TypeError, ValueError, IndexError):
                return 0.0
    return 0.0


# --- start-up check ------------------------------------------------------------------------------


def check_admin_channel(client: WebClient, channel_id: str | None, logger: logging.Logger) -> list[str]:
    """Warn (in the log and the result) about an admin channel that is unsafe or unusable. Never raises."""
    warnings = _admin_channel_problems(client, channel_id)
    for warning in warnings:
        logger.warning(warning)
    return warnings


def _admin_channel_problems(client: WebClient, channel_id: str | None) -> list[str]:
    if not channel_id:
        return [
            "ADMIN_CHANNEL_ID is not set: answers are saved, but no summary is posted for administrators."
        ]
    try:
        channel = client.conversations_info(channel=channel_id)["channel"]
    except SlackApiError as error:
        code = slack_error_code(error)
        if code == "channel_not_found":
            return [
                f"admin channel {channel_id} not found: check ADMIN_CHANNEL_ID, and invite the bot "
                "if the channel is private."
            ]
        return [f"could not check admin channel {channel_id} ({code})"]
    except Exception as error:  # start-up goes on; the outbox keeps the summaries until it works
        return [f"could not check admin channel {channel_id} ({type(error).__name__})"]
    problems = []
    if not channel.get("is_private", False):
        problems.append(
            f"admin channel {channel_id} is public: anyone in the workspace can read the summaries. "
            "Use a private channel."
        )
    if not channel.get("is_im") and not channel.get("is_member", False):
        problems.append(
            f"the bot is not a member of admin channel {channel_id}: /invite the bot, or summaries "
            "cannot be posted."
        )
    return problems
