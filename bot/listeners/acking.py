"""Acknowledging before any work: Bolt's lazy listeners. The ack runs in the request thread (the
App runs with process_before_response, so no pool thread and no polling stands between a click
and its 200); the listener's work runs afterwards in the listener pool (LISTENER_THREADS).

Work that opens a modal spends the click's trigger_id, which Slack honours for 3 seconds only: it
runs in a small pool of its own, never queued behind other people's clicks in the listener pool
(under a launch's load that queue was longer than 3 s, and views.open got expired_trigger_id)."""

from __future__ import annotations

from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import Any

TRIGGER_THREADS = 4
_trigger_pool = ThreadPoolExecutor(max_workers=TRIGGER_THREADS, thread_name_prefix="kikitori-trigger")


def ack_first(work: Callable[..., None]) -> dict[str, Any]:
    """`app.action(…)(**ack_first(work))`: ack at once, then `work` (whose own ack() is a no-op)."""
    return {"ack": _ack, "lazy": [work]}


def _ack(ack: Callable[..., None]) -> None:
    ack()


def ack_then_open(work: Callable[[Callable[..., None], dict[str, Any]], None]) -> Callable[..., None]:
    """`app.action(…)(ack_then_open(work))`, for work that opens a modal: ack at once, then `work`
    (whose own ack() is a no-op) in the trigger pool."""

    def listener(ack: Callable[..., None], body: dict[str, Any]) -> None:
        ack()
        _trigger_pool.submit(work, _acked, body)

    return listener


def _acked(*_: Any, **__: Any) -> None:
    """The ack a listener's work gets once the click has been acknowledged: nothing to do."""
