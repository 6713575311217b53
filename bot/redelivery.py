"""Slack redelivers an event (X-Slack-Retry-Num) when the first answer was slow or failed, and Bolt
does not deduplicate: the first delivery of each event_id is handled, the others only acknowledged.

When the database cannot say (it is restarting), the event goes on to its listener, which cannot do
its work either and tells the person so (bot/listeners/carrying.py): a 500 would tell them nothing."""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import datetime
from typing import Any

from slack_bolt import BoltResponse
from sqlalchemy import Engine
from sqlalchemy.exc import SQLAlchemyError

import storage

log = logging.getLogger(__name__)


def skip_redelivered_events(engine: Engine, clock: Callable[[], datetime]) -> Callable[..., Any]:
    def middleware(body: dict[str, Any], next_: Callable[[], None]) -> BoltResponse | None:
        event_id = body.get("event_id") if body.get("type") == "event_callback" else None
        if isinstance(event_id, str) and not _first_delivery(event_id):
            log.info("ignored a redelivered event")
            return BoltResponse(status=200, body="")
        next_()
        return None

    def _first_delivery(event_id: str) -> bool:
        try:
            return storage.first_delivery(engine, event_id, clock())
        except SQLAlchemyError as error:  # the class only: the text can quote the statement
            log.error("could not check an event for redelivery: %s", type(error).__name__)
            return True

    return middleware
