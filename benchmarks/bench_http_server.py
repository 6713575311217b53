"""The server side of bench_http: the bot or the bare Bolt app under waitress, as production serves it.

Configured from the environment exactly as `python -m bot --http` is (Settings.from_env,
WEB_CONCURRENCY, HTTP_THREADS), with the server of bot/runner.py `run_http` (bot/http_server.py),
but bound to 127.0.0.1. Both apps go through the production WSGI entry `bot.wsgi.wsgi_application`.
Run by bench_http: python -m benchmarks.bench_http_server {bot|bare}
"""

from __future__ import annotations

import logging
import sys
from collections.abc import Callable
from typing import Any

from bot.http_server import listen, run_workers
from bot.runner import prepare
from bot.settings import Settings
from bot.wsgi import wsgi_application


def build_wsgi(kind: str, settings: Settings) -> Callable[..., Any]:
    """What one worker process serves; each builds its own app, as in production."""
    secret = settings.slack_signing_secret or ""
    if kind == "bot":
        bot = prepare(settings)
        bot.start_timers()
        return wsgi_application(bot.app, secret)
    from benchmarks.bare_bolt_app import create_bare_app

    return wsgi_application(create_bare_app(settings), secret)


def main() -> None:
    kind = sys.argv[1] if len(sys.argv) > 1 else ""
    if kind not in ("bot", "bare"):
        sys.exit("usage: python -m benchmarks.bench_http_server {bot|bare}")
    # Warnings only; the SDKs log request bodies (answers) at DEBUG, which stays off.
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s")
    settings = Settings.from_env(read_dotenv=False)
    sock = listen("127.0.0.1", settings.port)
    sys.exit(
        run_workers(
            lambda: build_wsgi(kind, settings),
            sock,
            workers=settings.web_concurrency,
            threads=settings.http_threads,
        )
    )


if __name__ == "__main__":
    main()
