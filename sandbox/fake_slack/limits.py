"""Slack's published Web API rate limits, as a mode of the fake Slack that tests and benchmarks
switch on (`Workspace.enforce_rate_limits`); off by default.

Slack applies limits "per API method per workspace per app" and publishes each method's tier as a
minimum ("Tier 3: 50+ per minute"). The fake takes those minimums as the budget: a method may be
called `calls` times in any `seconds`-long sliding window; the next call is refused with HTTP 429,
`{"ok": false, "error": "ratelimited"}` and a `Retry-After` header giving the whole seconds until
the oldest call in the window leaves it (at least 1), as Slack answers. A refused call does not use
the budget. Every call counts, whatever its outcome.

The table, method by method (tiers from Slack's method reference, docs.slack.dev/reference/methods/…,
cross-checked with the tier map of Slack's own Java SDK, MethodsRateLimits.java; the tier budgets
from docs.slack.dev/apis/web-api/rate-limits):

    method                          tier        budget here
    apps.connections.open           Tier 1      1 / min
    usergroups.users.list           Tier 2      20 / min
    chat.update, chat.delete        Tier 3      50 / min
    conversations.open              Tier 3      50 / min
    conversations.info              Tier 3      50 / min
    conversations.history, .replies Tier 3      50 / min (internal apps; the 2025 limits for
                                                commercially distributed non-Marketplace apps are
                                                not modelled)
    chat.postEphemeral              Tier 4      100 / min
    conversations.members           Tier 4      100 / min
    users.info                      Tier 4      100 / min
    views.open, .push, .update,     Tier 4      100 / min
      .publish
    files.getUploadURLExternal,     Tier 4      100 / min
      files.completeUploadExternal
    auth.test                       Special     "hundreds of requests per minute": 200 / min
    chat.postMessage                Special     "1 message per second to a specific channel …
                                                several hundred messages per minute" for the
                                                workspace, "generous burst behavior": per channel
                                                3 in any 3 s (a short burst, 1/s on average), and
                                                300 / min for the workspace

The upload URL itself (files.slack.com) is not a Web API method and is not limited.

A click's response_url is not a Web API method either, and no tier names it. Slack's interactivity
docs allow each URL 5 uses within 30 minutes (modelled always, in state.py), and the rate-limit
page's "posting messages: 1 per second, short bursts allowed" is taken to apply to the new messages
it posts in a channel: here the same per-channel budget as chat.postMessage (3 in any 3 s), counted
apart. Replacing the original message posts nothing new and is not limited here.
"""

from __future__ import annotations

import math
import threading
import time
from collections import Counter, deque
from collections.abc import Callable, Mapping
from dataclasses import dataclass

POST_MESSAGE = "chat.postMessage"
RESPONSE_URL = "response_url"  # not a method: the key its per-channel windows are counted under


@dataclass(frozen=True)
class Budget:
    """At most `calls` calls in any `seconds`-long window."""

    calls: int
    seconds: float


TIER_1 = Budget(1, 60)
TIER_2 = Budget(20, 60)
TIER_3 = Budget(50, 60)
TIER_4 = Budget(100, 60)
AUTH_TEST = Budget(200, 60)
POST_MESSAGE_PER_CHANNEL = Budget(3, 3)
POST_MESSAGE_PER_WORKSPACE = Budget(300, 60)

METHOD_BUDGETS: Mapping[str, Budget] = {
    "apps.connections.open": TIER_1,
    "auth.test": AUTH_TEST,
    "chat.delete": TIER_3,
    "chat.postEphemeral": TIER_4,
    POST_MESSAGE: POST_MESSAGE_PER_WORKSPACE,  # and POST_MESSAGE_PER_CHANNEL for each channel
    "chat.update": TIER_3,
    "conversations.history": TIER_3,
    "conversations.info": TIER_3,
    "conversations.members": TIER_4,
    "conversations.open": TIER_3,
    "conversations.replies": TIER_3,
    "files.completeUploadExternal": TIER_4,
    "files.getUploadURLExternal": TIER_4,
    "usergroups.users.list": TIER_2,
    "users.info": TIER_4,
    "views.open": TIER_4,
    "views.publish": TIER_4,
    "views.push": TIER_4,
    "views.update": TIER_4,
}
DEFAULT_BUDGET = TIER_2  # a method missing from the table: most methods are Tier 2


class _Window:
    """The times of the calls admitted in the last `budget.seconds`."""

    def __init__(self, budget: Budget) -> None:
        self.budget = budget
        self.times: deque[float] = deque()

    def wait(self, now: float) -> float:
        """Seconds until one more call fits (0 if it fits now)."""
        while self.times and self.times[0] <= now - self.budget.seconds:
            self.times.popleft()
        if len(self.times) < self.budget.calls:
            return 0.0
        return self.times[0] + self.budget.seconds - now


class RateLimits:
    """Sliding-window budgets per method (and per channel for chat.postMessage) for one workspace.

    `clock` gives seconds (monotonic by default); a test passes its own so that nothing sleeps.
    """

    def __init__(
        self,
        clock: Callable[[], float] | None = None,
        budgets: Mapping[str, Budget] = METHOD_BUDGETS,
        *,
        per_channel: Budget = POST_MESSAGE_PER_CHANNEL,
    ) -> None:
        self.clock = clock or time.monotonic
        self._budgets = dict(budgets)
        self._per_channel = per_channel
        self._lock = threading.Lock()
        self._windows: dict[tuple[str, str], _Window] = {}
        self._refused: Counter[str] = Counter()

    def admit(self, method: str, channel: str | None = None) -> int | None:
        """Count a call of `method` (chat.postMessage: into `channel`) and return None, or refuse it
        and return the Retry-After seconds."""
        with self._lock:
            now = self.clock()
            windows = []
            if method != RESPONSE_URL:
                windows.append(self._window(method, "", self._budgets.get(method, DEFAULT_BUDGET)))
            if method in (POST_MESSAGE, RESPONSE_URL):
                windows.append(self._window(method, channel or "", self._per_channel))
            wait = max(window.wait(now) for window in windows)
            if wait > 0:
                self._refused[method] += 1
                return max(1, math.ceil(wait))
            for window in windows:
                window.times.append(now)
            return None

    def ratelimited(self) -> dict[str, int]:
        """How many calls of each method were refused with 429 (for benchmarks and tests)."""
        with self._lock:
            return dict(self._refused)

    def reset(self) -> None:
        """Forget every call and every refusal."""
        with self._lock:
            self._windows.clear()
            self._refused.clear()

    def _window(self, method: str, channel: str, budget: Budget) -> _Window:
        key = (method, channel)
        window = self._windows.get(key)
        if window is None:
            window = self._windows[key] = _Window(budget)
        return window
