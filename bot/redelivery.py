"""Slack redelivers an event (X-Slack-Retry-Num) when the first answer was slow or failed, and Bolt
does not deduplicate: the first delivery of each event_id is handled, the others only acknowledged."""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import datetime
from typing import Any

from slack_bolt import BoltResponse
from sqlalchemy import Engine

import storage

log = logging.getLogger(__name__)


def skip_redelivered_events(engine: Engine, clock: Callable[[], datetime]) -> Callable[..., Any]:
    def middleware(body: dict[str, Any], next_: Callable[[], None]) -> BoltResponse | None:
        event_id = body.get("event_id") if body.get("type") == "event_callback" else None
        if isinstance(event_id, str) and not storage.first_delivery(engine, event_id, clock()):
            log.info("ignored a redelivered event")
            return BoltResponse(status=200, body="")
        next_()
        return None

    return middleware
