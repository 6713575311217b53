"""The Web API clients: pointed at SLACK_API_URL; one that retries for people's clicks, one bounded
for the outbox, whose own retries with backoff must never outlast a claim's lease."""

from __future__ import annotations

import math

from slack_sdk import WebClient
from slack_sdk.http_retry.builtin_handlers import (
    ConnectionErrorRetryHandler,
    RateLimitErrorRetryHandler,
    ServerErrorRetryHandler,
)
from slack_sdk.http_retry.builtin_interval_calculators import FixedValueRetryIntervalCalculator

OUTBOX_TIMEOUT_SECONDS = 10
OUTBOX_RETRY_PAUSE_SECONDS = 1.0


def make_outbox_client(token: str | None, base_url: str) -> WebClient:
    """For the outbox: Slack's refusals (429, 5xx) come back at once and the outbox retries later
    with its own backoff; only a dropped connection is tried once more, after a fixed pause."""
    return WebClient(
        token=token,
        base_url=base_url,
        timeout=OUTBOX_TIMEOUT_SECONDS,
        retry_handlers=[
            ConnectionErrorRetryHandler(
                max_retry_count=1,
                interval_calculator=FixedValueRetryIntervalCalculator(OUTBOX_RETRY_PAUSE_SECONDS),
            )
        ],
    )


def make_web_client(token: str | None, base_url: str, *, timeout: int = 30) -> WebClient:
    return WebClient(
        token=token,
        base_url=base_url,
        timeout=timeout,
        retry_handlers=[
            ConnectionErrorRetryHandler(max_retry_count=2),
            RateLimitErrorRetryHandler(max_retry_count=3),
            ServerErrorRetryHandler(max_retry_count=2),
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
