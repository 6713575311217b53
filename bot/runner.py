"""How `python -m bot` runs: Socket Mode, HTTP under gunicorn, or the local sandbox.

The mode follows the settings (an explicit choice wins): an app-level token means Socket Mode
(no public URL, suits an office behind a firewall); a signing secret means HTTP; no Slack settings
at all means the local sandbox. Anything in between is a mistake, and we say what is missing.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

import storage
from bot.admin_channel import check_admin_channel
from bot.app import Kikitori, create_app
from bot.settings import Settings
from bot.slack_client import make_web_client
from bot.slack_gateway import SlackGateway

log = logging.getLogger(__name__)


class Mode(StrEnum):
    SOCKET = "socket"
    HTTP = "http"
    SANDBOX = "sandbox"


@dataclass(frozen=True)
class Choice:
    mode: Mode | None
    missing: tuple[str, ...] = ()

    @property
    def problem(self) -> str | None:
        if self.mode is not None:
            return None
        return (
            "Cannot start: "
            + "; ".join(self.missing)
            + ". See README.md, 'Install in your Slack workspace', or unset every SLACK_* setting "
            "to try the local sandbox."
        )


def choose_mode(settings: Settings, requested: Mode | None = None) -> Choice:
    """Which mode to run, or what is missing for the one that was asked for."""
    if requested is Mode.SANDBOX:
        return Choice(Mode.SANDBOX)
    wants = requested or _implied_mode(settings)
    if wants is None:
        return Choice(Mode.SANDBOX)
    missing = []
    if not settings.slack_bot_token:
        missing.append("SLACK_BOT_TOKEN (the Bot User OAuth Token, xoxb-…) is not set")
    if wants is Mode.SOCKET and not settings.slack_app_token:
        missing.append("SLACK_APP_TOKEN (an app-level token, xapp-…, with connections:write) is not set")
    if wants is Mode.HTTP and not settings.slack_signing_secret:
        missing.append("SLACK_SIGNING_SECRET (Basic Information → Signing Secret) is not set")
    if wants is Mode.SOCKET and settings.slack_app_token and not settings.slack_app_token.startswith("xapp-"):
        missing.append("SLACK_APP_TOKEN must be an app-level token starting with xapp-")
    if missing:
        return Choice(None, tuple(missing))
    return Choice(wants)


def _implied_mode(settings: Settings) -> Mode | None:
    if settings.slack_app_token:
        return Mode.SOCKET
    if settings.slack_signing_secret:
        return Mode.HTTP
    if settings.slack_bot_token:
        return Mode.HTTP  # a token alone: report the missing secret rather than start a sandbox
    return None


def prepare(settings: Settings, **factory_options: Any) -> Kikitori:
    """The bot plus what every serving process runs beside it."""
    bot = create_app(settings, **factory_options)
    check_admin_channel(bot.gateway, settings.admin_channel_id, log)
    return bot


def run_socket_mode(bot: Kikitori, *, block: bool = True) -> Any:
    """Connect to Slack over a WebSocket. Returns the handler (started) when not blocking."""
    from slack_bolt.adapter.socket_mode import SocketModeHandler

    handler = SocketModeHandler(bot.app, app_token=bot.settings.slack_app_token)
    bot.start_timers()
    if not block:
        try:
            handler.connect()
        except BaseException:
            bot.stop_timers()  # a wrong token or no network: leave nothing running
            raise
        return handler
    log.info("starting in Socket Mode")
    try:
        handler.start()
    finally:
        bot.stop_timers()
    return handler


def run_http(settings: Settings) -> int:
    """Serve the Bolt endpoint on HOST:PORT with waitress, in WEB_CONCURRENCY processes
    (bot/http_server.py says why); the exit code when a worker stops."""
    from bot.http_server import listen, run_workers
    from bot.wsgi import wsgi_application

    def build() -> Callable[..., Any]:
        # Runs in each worker process: every worker has its own app, engine and timers.
        bot = create_app(settings)
        bot.start_timers()
        return wsgi_application(bot.app, settings.slack_signing_secret or "")

    # Migrate once, here, before the workers fork: two processes creating a fresh SQLite database
    # at once would race. Each worker's own upgrade then finds nothing to do.
    engine = storage.make_engine(settings.database_url)
    storage.upgrade(engine)
    engine.dispose()
    sock = listen(settings.host, settings.port)
    log.info("starting in HTTP mode on port %s", sock.getsockname()[1])
    # Once, here, rather than in every worker.
    check_admin_channel(
        SlackGateway(make_web_client(settings.slack_bot_token, settings.slack_api_url)),
        settings.admin_channel_id,
        log,
    )
    return run_workers(build, sock, workers=settings.web_concurrency, threads=settings.http_threads)
