"""Slack redelivers an event (X-Slack-Retry-Num) when the first answer was slow or failed, and Bolt
does not deduplicate: the first delivery of each event_id is handled, the others only acknowledged.

When the database cannot say (it is restarting), the event goes on to its listener, which cannot do
its work either and tells the person so (bot/listeners/carrying.py): a 500 would tell them nothing.

A `Middleware` subclass rather than a function: Bolt works out every argument a function middleware
might take from the payload, and that raises on a payload Bolt cannot read, before
bot/listeners/shape.py can refuse it."""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import datetime

from slack_bolt import BoltRequest, BoltResponse
from slack_bolt.middleware import Middleware
from sqlalchemy import Engine
from sqlalchemy.exc import SQLAlchemyError

import storage

log = logging.getLogger(__name__)


class SkipRedeliveredEvents(Middleware):
    def __init__(self, engine: Engine, clock: Callable[[], datetime]) -> None:
        self.engine = engine
        self.clock = clock

    def process(
        self, *, req: BoltRequest, resp: BoltResponse, next: Callable[[], BoltResponse]
    ) -> BoltResponse | None:
        body = req.body
        event_id = body.get("event_id") if body.get("type") == "event_callback" else None
        if isinstance(event_id, str) and not self._first_delivery(event_id):
            log.info("ignored a redelivered event")
            return BoltResponse(status=200, body="")
        return next()

    def _first_delivery(self, event_id: str) -> bool:
        try:
            return storage.first_delivery(self.engine, event_id, self.clock())
        except SQLAlchemyError as error:  # the class only: the text can quote the statement
            log.error("could not check an event for redelivery: %s", type(error).__name__)
            return True


def skip_redelivered_events(engine: Engine, clock: Callable[[], datetime]) -> Middleware:
    return SkipRedeliveredEvents(engine, clock)
