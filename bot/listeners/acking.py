"""Acknowledging before any work: Bolt's lazy listeners. The ack runs in the request thread (the
App runs with process_before_response, so no pool thread and no polling stands between a click
and its 200); the listener's work runs afterwards in the listener pool (LISTENER_THREADS)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any


def ack_first(work: Callable[..., None]) -> dict[str, Any]:
    """`app.action(…)(**ack_first(work))`: ack at once, then `work` (whose own ack() is a no-op)."""
    return {"ack": _ack, "lazy": [work]}


def _ack(ack: Callable[..., None]) -> None:
    ack()
