"""The HTTP endpoint as a WSGI application: Slack posts to /slack/events; /healthz is for the platform."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

from slack_bolt.adapter.wsgi import SlackRequestHandler

from bot.app import Kikitori

SLACK_EVENTS_PATH = "/slack/events"
HEALTH_PATH = "/healthz"

StartResponse = Callable[..., Any]


def wsgi_application(bot: Kikitori) -> Callable[[dict[str, Any], StartResponse], Iterable[bytes]]:
    slack = SlackRequestHandler(bot.app, path=SLACK_EVENTS_PATH)

    def application(environ: dict[str, Any], start_response: StartResponse) -> Iterable[bytes]:
        if environ.get("PATH_INFO") == HEALTH_PATH and environ.get("REQUEST_METHOD") == "GET":
            start_response("200 OK", [("Content-Type", "text/plain; charset=utf-8")])
            return [b"ok"]
        return slack(environ, start_response)

    return application
