"""The server side of bench_http: the bot or the bare Bolt app under gunicorn, as production serves it.

Configured from the environment exactly as `python -m bot --http` is (Settings.from_env,
WEB_CONCURRENCY, GUNICORN_THREADS), with the worker settings of bot/runner.py `run_http`, but bound to
127.0.0.1. Both apps go through the production WSGI entry `bot.wsgi.wsgi_application`.
Run by bench_http: python -m benchmarks.bench_http_server {bot|bare}
"""

from __future__ import annotations

import logging
import sys
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, cast

from gunicorn.app.base import BaseApplication
from slack_bolt import App

from bot.app import Kikitori
from bot.runner import prepare
from bot.settings import Settings
from bot.wsgi import wsgi_application


@dataclass
class _BareBot:
    app: App  # all that wsgi_application reads from a Kikitori


def build_wsgi(kind: str, settings: Settings) -> Callable[..., Any]:
    """What one gunicorn worker serves; each worker builds its own app, as in production."""
    if kind == "bot":
        bot = prepare(settings)
        bot.start_timers()
        return wsgi_application(bot)
    from benchmarks.bare_bolt_app import create_bare_app

    return wsgi_application(cast(Kikitori, _BareBot(create_bare_app(settings))))


class _Gunicorn(BaseApplication):
    def __init__(self, kind: str, settings: Settings) -> None:
        self.kind = kind
        self.settings = settings
        super().__init__()

    def load_config(self) -> None:
        self.cfg.set("bind", f"127.0.0.1:{self.settings.port}")
        self.cfg.set("worker_class", "gthread")
        self.cfg.set("workers", self.settings.web_concurrency)
        self.cfg.set("threads", self.settings.gunicorn_threads)
        self.cfg.set("timeout", 30)
        self.cfg.set("accesslog", None)
        self.cfg.set("loglevel", "warning")

    def load(self) -> Callable[..., Any]:
        return build_wsgi(self.kind, self.settings)


def main() -> None:
    kind = sys.argv[1] if len(sys.argv) > 1 else ""
    if kind not in ("bot", "bare"):
        sys.exit("usage: python -m benchmarks.bench_http_server {bot|bare}")
    # Warnings only; the SDKs log request bodies (answers) at DEBUG, which stays off.
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s")
    _Gunicorn(kind, Settings.from_env(read_dotenv=False)).run()


if __name__ == "__main__":
    main()
