"""The HTTP endpoint as a WSGI application: Slack posts to /slack/events; /healthz is for the platform.

Every request to /slack/events is verified here, before anything parses it: the body is read
(at most MAX_BODY_BYTES, refused with 413 from its Content-Length without being read), its
signature and timestamp checked, and only then is it handed to Bolt. A request that fails gets 401
and one log line (why, its size, Slack's headers), never its body: a genuine but late request
would otherwise log a respondent's answer. Bolt's own verification, which logs the whole body when
it fails, is off (bot/app.py); this is the only door.
"""

from __future__ import annotations

import io
import logging
from collections.abc import Callable, Iterable
from typing import Any

from slack_bolt import App
from slack_bolt.adapter.wsgi import SlackRequestHandler
from slack_sdk.signature import SignatureVerifier

from bot.listeners.shape import unreadable_payload

SLACK_EVENTS_PATH = "/slack/events"
HEALTH_PATH = "/healthz"
# Slack's payloads are far smaller (a modal of 100 blocks, a 3,000-character answer): 1 MiB leaves
# room for any of them, and nothing bigger is read.
MAX_BODY_BYTES = 1024 * 1024
# Slack's headers worth a line when a request is refused; values are cut, never the body.
_LOGGED_HEADERS = (
    "HTTP_X_SLACK_REQUEST_TIMESTAMP",
    "HTTP_X_SLACK_RETRY_NUM",
    "HTTP_X_SLACK_RETRY_REASON",
    "HTTP_USER_AGENT",
)

log = logging.getLogger(__name__)

StartResponse = Callable[..., Any]
WsgiApp = Callable[[dict[str, Any], StartResponse], Iterable[bytes]]


def wsgi_application(app: App, signing_secret: str) -> WsgiApp:
    slack = SlackRequestHandler(app, path=SLACK_EVENTS_PATH)
    verifier = SignatureVerifier(signing_secret)

    def application(environ: dict[str, Any], start_response: StartResponse) -> Iterable[bytes]:
        path, method = environ.get("PATH_INFO"), environ.get("REQUEST_METHOD")
        if path == HEALTH_PATH and method == "GET":
            return _answer(start_response, "200 OK", b"ok")
        if path != SLACK_EVENTS_PATH or method != "POST":
            return _answer(start_response, "404 Not Found", b"not found")
        size = _content_length(environ)
        if size is None:
            return _refuse(start_response, environ, "411 Length Required", "no_content_length", 0)
        if size > MAX_BODY_BYTES:
            return _refuse(start_response, environ, "413 Content Too Large", "too_large", size)
        body = environ["wsgi.input"].read(size) if size else b""
        reason = _unverified(verifier, body, environ)
        if reason:
            return _refuse(start_response, environ, "401 Unauthorized", reason, len(body))
        problem = unreadable_payload(body, environ.get("CONTENT_TYPE"))
        if problem:  # a shape only Slack could sign, on which Bolt would raise: 500 and a traceback
            log.warning("refused a verified request Bolt cannot read: %s (%s bytes)", problem, len(body))
            return _answer(start_response, "400 Bad Request", b"bad request")
        environ["wsgi.input"] = io.BytesIO(body)
        environ["CONTENT_LENGTH"] = str(len(body))
        return slack(environ, start_response)

    return application


def _content_length(environ: dict[str, Any]) -> int | None:
    text = str(environ.get("CONTENT_LENGTH") or "").strip()
    return int(text) if text.isdecimal() else None


def _unverified(verifier: SignatureVerifier, body: bytes, environ: dict[str, Any]) -> str | None:
    """Why the request is not Slack's own (None: it is)."""
    timestamp = environ.get("HTTP_X_SLACK_REQUEST_TIMESTAMP")
    signature = environ.get("HTTP_X_SLACK_SIGNATURE")
    if not timestamp or not signature:
        return "missing_headers"
    if not str(timestamp).isdecimal():
        return "bad_timestamp"
    if abs(verifier.clock.now() - int(timestamp)) > 60 * 5:
        return "stale_timestamp"  # outside Slack's five minutes: a replay, or a very late delivery
    if not verifier.is_valid(body=body, timestamp=str(timestamp), signature=str(signature)):
        return "bad_signature"
    return None


def _refuse(
    start_response: StartResponse, environ: dict[str, Any], status: str, reason: str, size: int
) -> Iterable[bytes]:
    headers = " ".join(
        f"{name[5:].lower()}={str(environ[name])[:64]!r}" for name in _LOGGED_HEADERS if name in environ
    )
    log.warning("refused a request: %s (%s bytes) %s", reason, size, headers)
    return _answer(start_response, status, status.split(" ", 1)[1].lower().encode())


def _answer(start_response: StartResponse, status: str, body: bytes) -> Iterable[bytes]:
    start_response(
        status, [("Content-Type", "text/plain; charset=utf-8"), ("Content-Length", str(len(body)))]
    )
    return [body]
