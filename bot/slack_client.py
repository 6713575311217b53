"""The Web API clients: pointed at SLACK_API_URL; one that retries for people's clicks, one bounded
for the outbox, whose own retries with backoff must never outlast a claim's lease."""

from __future__ import annotations

import math
import time

from slack_sdk import WebClient
from slack_sdk.http_retry.builtin_handlers import RateLimitErrorRetryHandler
from slack_sdk.http_retry.builtin_interval_calculators import FixedValueRetryIntervalCalculator

from bot.slack_retry import ConnectionRetry, RateLimitRetry, ServerErrorRetry, Sleep

OUTBOX_TIMEOUT_SECONDS = 10
OUTBOX_RETRY_PAUSE_SECONDS = 1.0


def make_outbox_client(token: str | None, base_url: str, *, sleep: Sleep = time.sleep) -> WebClient:
    """For the outbox: Slack's refusals (429, 5xx) come back at once and the outbox retries later
    with its own backoff; only a dropped connection is tried once more, after a fixed pause.
    `sleep` pauses between attempts (tests pass one that moves their clock)."""
    return WebClient(
        token=token,
        base_url=base_url,
        timeout=OUTBOX_TIMEOUT_SECONDS,
        retry_handlers=[
            ConnectionRetry(1, sleep, FixedValueRetryIntervalCalculator(OUTBOX_RETRY_PAUSE_SECONDS)),
        ],
    )


def make_web_client(
    token: str | None, base_url: str, *, timeout: int = 30, sleep: Sleep = time.sleep
) -> WebClient:
    """For people's actions, after the ack: retries a dropped connection, Slack's 429 (after its
    Retry-After) and 5xx, pausing through `sleep`."""
    return WebClient(
        token=token,
        base_url=base_url,
        timeout=timeout,
        retry_handlers=[
            ConnectionRetry(2, sleep),
            RateLimitRetry(3, sleep),
            ServerErrorRetry(2, sleep),
        ],
    )


def worst_case_call_seconds(client: WebClient) -> float:
    """The longest one Web API call can take, retries and their pauses included (inf if unbounded:
    a rate-limit handler sleeps as long as Slack's Retry-After says)."""
    attempts, pauses = 1, 0.0
    for handler in client.retry_handlers:
        if isinstance(handler, RateLimitErrorRetryHandler) and handler.max_retry_count:
            return math.inf
        calculator = handler.interval_calculator
        if not isinstance(calculator, FixedValueRetryIntervalCalculator):
            return math.inf  # a backoff with random jitter has no fixed bound to check
        attempts += handler.max_retry_count
        pauses += handler.max_retry_count * calculator.fixed_interval
    return attempts * client.timeout + pauses
