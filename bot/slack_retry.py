"""slack_sdk's retry handlers, pausing through a `sleep` of our choosing instead of time.sleep.

In production `sleep` is time.sleep. Tests pass one that moves their own clock, so a retry after a
500 or a 429 waits on the test's clock (where the fake Slack's rate limits count time) and never in
real time. The waits themselves are slack_sdk's: its backoff, and Slack's Retry-After.
"""

from __future__ import annotations

import random
import time
from collections.abc import Callable

from slack_sdk.http_retry.builtin_handlers import (
    ConnectionErrorRetryHandler,
    RateLimitErrorRetryHandler,
    ServerErrorRetryHandler,
)
from slack_sdk.http_retry.handler import RetryHandler
from slack_sdk.http_retry.interval_calculator import RetryIntervalCalculator
from slack_sdk.http_retry.request import HttpRequest
from slack_sdk.http_retry.response import HttpResponse
from slack_sdk.http_retry.state import RetryState

Sleep = Callable[[float], None]


def _pause(state: RetryState, seconds: float, sleep: Sleep) -> None:
    state.next_attempt_requested = True
    sleep(seconds)
    state.increment_current_attempt()


class _PausesOnItsInterval(RetryHandler):
    """slack_sdk's pause between attempts (its interval calculator), taken through `_sleep`."""

    _sleep: Sleep

    def prepare_for_next_attempt(
        self,
        *,
        state: RetryState,
        request: HttpRequest,
        response: HttpResponse | None = None,
        error: Exception | None = None,
    ) -> None:
        _pause(state, self.interval_calculator.calculate_sleep_duration(state.current_attempt), self._sleep)


class ConnectionRetry(_PausesOnItsInterval, ConnectionErrorRetryHandler):
    def __init__(
        self, max_retry_count: int, sleep: Sleep = time.sleep, interval: RetryIntervalCalculator | None = None
    ) -> None:
        if interval is None:
            ConnectionErrorRetryHandler.__init__(self, max_retry_count=max_retry_count)
        else:
            ConnectionErrorRetryHandler.__init__(
                self, max_retry_count=max_retry_count, interval_calculator=interval
            )
        self._sleep = sleep


class ServerErrorRetry(_PausesOnItsInterval, ServerErrorRetryHandler):
    def __init__(self, max_retry_count: int, sleep: Sleep = time.sleep) -> None:
        ServerErrorRetryHandler.__init__(self, max_retry_count=max_retry_count)
        self._sleep = sleep


class RateLimitRetry(RateLimitErrorRetryHandler):
    """Waits as long as Slack's Retry-After says (plus up to a second of jitter, as slack_sdk does)."""

    def __init__(self, max_retry_count: int, sleep: Sleep = time.sleep) -> None:
        super().__init__(max_retry_count=max_retry_count)
        self._sleep = sleep

    def prepare_for_next_attempt(
        self,
        *,
        state: RetryState,
        request: HttpRequest,
        response: HttpResponse | None = None,
        error: Exception | None = None,
    ) -> None:
        if response is None:
            raise error or RuntimeError("a rate-limit retry without a response")
        retry_after = next(
            (values for name, values in response.headers.items() if name.lower() == "retry-after"), None
        )
        try:
            seconds = float(retry_after[0]) if retry_after else 1.0
        except ValueError:
            seconds = 1.0
        _pause(state, seconds + random.random(), self._sleep)  # noqa: S311 - jitter, not secrecy
