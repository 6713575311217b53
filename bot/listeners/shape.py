"""Requests Bolt cannot route. Bolt reads a payload's `event`, `actions` and `view` as Slack shapes
them, for every function middleware and listener (it works out all their possible arguments) and in
its listener matchers, and raises on anything else: a 500 and a traceback before any listener could
refuse the request. Slack never sends such a request; one that comes anyway is refused here with a
400. This is a `Middleware` subclass, as the redelivery check is: Bolt works out no arguments for
those, so nothing before this check reads the payload that way."""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

from slack_bolt import BoltRequest, BoltResponse
from slack_bolt.middleware import Middleware

log = logging.getLogger(__name__)


class RefuseUnroutable(Middleware):
    def process(
        self, *, req: BoltRequest, resp: BoltResponse, next: Callable[[], BoltResponse]
    ) -> BoltResponse | None:
        problem = unroutable(req.body)
        if problem is not None:
            log.warning("refused a request Bolt cannot route: %s", problem)
            return BoltResponse(status=400, body="")
        return next()


def unroutable(body: dict[str, Any]) -> str | None:
    """What in the payload Bolt cannot read (slack_bolt.request.payload_utils and its matchers), or None."""
    kind = body.get("type")
    if "event" in body and not isinstance(body["event"], dict):
        return "event is not an object"
    if "actions" in body:
        actions = body["actions"]
        if not isinstance(actions, list) or not actions:
            return "actions is not a list of actions"
        if not isinstance(actions[0], dict) or "action_id" not in actions[0]:
            return "the action has no action_id"
    if "view" in body:
        view = body["view"]
        if not isinstance(view, dict):
            return "view is not an object"
        if kind in ("view_submission", "view_closed") and "callback_id" in view and "type" not in view:
            return "the view has no type"
        if view.get("type") == "workflow_step":
            return "a workflow step"  # the bot has none, and Bolt would look for its details
    if kind == "workflow_step_edit":
        return "a workflow step"
    if "action_id" in body and not isinstance(body["action_id"], str):
        return "action_id is not a string"  # an option request: Bolt's warning for one it has no listener for
    return None


def unreadable_payload(raw: bytes, content_type: str | None) -> str | None:
    """For the HTTP door (bot/wsgi.py), before Bolt: what Bolt's own reading of a verified request
    would raise on before any middleware of the bot's runs (the body parsed into a BoltRequest, its
    authorization reading `event` as an object), or what it cannot route; None if it can."""
    try:
        text = raw.decode("utf-8")
        request = BoltRequest(body=text, headers={"content-type": [content_type or ""]})
    except Exception as error:  # noqa: BLE001 - Bolt's reader raises whatever the shape makes it
        return f"unreadable ({type(error).__name__})"
    body = request.body
    if not isinstance(body, dict):
        return "not an object"
    return unroutable(body)
