"""Start the sandbox: the fake Slack, the real bot behind its real HTTP endpoint, the page, and a timer.

    with Sandbox(Settings(database_url="sqlite:///tmp.db"), port=0) as sandbox:
        print(sandbox.url)

The bot is built by the same app factory as in production, with settings that point its Web API client
at the fake Slack and a signing secret generated for this run; the page talks to the bot only through
signed, Slack-shaped HTTP requests.
"""

from __future__ import annotations

import dataclasses
import errno
import logging
import os
import secrets
import sys
import threading
import webbrowser
from collections.abc import Callable
from datetime import timedelta
from pathlib import Path
from socketserver import ThreadingMixIn
from types import TracebackType
from typing import Any, TextIO
from urllib.error import URLError
from wsgiref.simple_server import WSGIRequestHandler, WSGIServer, make_server

import storage
from bot.app import Kikitori, create_app
from bot.reminders.calendar import BusinessCalendar
from bot.settings import Settings
from bot.wsgi import wsgi_application
from sandbox import slack_payloads as sp
from sandbox.clock import SandboxClock
from sandbox.fake_slack import FakeSlack
from sandbox.fake_slack.state import SharedFile
from sandbox.interactions import Interactions, Outcome, refused
from sandbox.page_state import PostedTimes, etag_of, page_state
from sandbox.people import ADMIN, ADMIN_CHANNEL_ID, Person, make_workspace, person
from sandbox.web import PageServer

log = logging.getLogger(__name__)

DUE_WORK_INTERVAL_SECONDS = 2.0
SAMPLE_DEPARTMENTS = Path(storage.__file__).with_name("departments_sample.csv")
CLOCK_STEPS: dict[str, timedelta] = {"hour": timedelta(hours=1), "day": timedelta(days=1)}
NEXT_BUSINESS_MORNING = "next_business_morning"
BAD_REQUEST = "リクエストの形が正しくありません。ページを再読み込みしてください。"


class Sandbox:
    """Everything the sandbox runs, started and stopped together. Not blocking: see `run_sandbox`."""

    def __init__(
        self,
        settings: Settings,
        *,
        port: int | None = None,
        due_work_interval: float = DUE_WORK_INTERVAL_SECONDS,
    ) -> None:
        self.settings = settings
        self.port = settings.port if port is None else port
        self.due_work_interval = due_work_interval
        self.clock = SandboxClock(settings.timezone)
        self._times = PostedTimes(self.clock)
        self._work_lock = threading.Lock()
        self._stopping = threading.Event()
        self._fake: FakeSlack | None = None
        self._kikitori: Kikitori | None = None
        self._bolt_server: WSGIServer | None = None
        self._page: PageServer | None = None
        self._threads: list[threading.Thread] = []
        self._interactions: Interactions | None = None

    # --- lifecycle ---------------------------------------------------------------------------------

    def start(self) -> Sandbox:
        try:
            self._start()
        except BaseException:
            self.stop()
            raise
        return self

    def _start(self) -> None:
        token = "xoxb-sandbox-" + secrets.token_hex(12)
        signing_secret = secrets.token_hex(32)
        self._fake = make_workspace(token).start()
        bot_settings = dataclasses.replace(
            self.settings,
            slack_bot_token=token,
            slack_signing_secret=signing_secret,
            slack_app_token=None,  # HTTP mode: every request is signed and verified
            slack_api_url=self._fake.base_url,
            admin_channel_id=ADMIN_CHANNEL_ID,
            admin_user_ids=frozenset({ADMIN.id}),
        )
        self._kikitori = create_app(bot_settings, clock=self.clock)
        self._kikitori.outbox_timer.start()  # a submission's admin post goes out at once
        load_sample_departments_if_empty(self._kikitori)
        self._bolt_server = make_server(
            "127.0.0.1",
            0,
            wsgi_application(self._kikitori.app, signing_secret),
            server_class=_ThreadingWSGIServer,
            handler_class=_QuietHandler,
        )
        bolt_server = self._bolt_server
        self._spawn("sandbox-bolt", lambda: bolt_server.serve_forever(poll_interval=0.05))
        bolt_url = f"http://127.0.0.1:{bolt_server.server_port}"
        self._interactions = Interactions(self._fake, sp.SlackSender(bolt_url, signing_secret))
        self._page = PageServer(self, self.port).start()
        self._spawn("sandbox-due-work", self._due_work_loop)

    def stop(self) -> None:
        self._stopping.set()
        if self._page is not None:
            self._page.stop()
            self._page = None
        if self._bolt_server is not None:
            self._bolt_server.shutdown()
            self._bolt_server.server_close()
            self._bolt_server = None
        for thread in self._threads:
            thread.join(timeout=5)
        self._threads.clear()
        if self._kikitori is not None:
            self._kikitori.stop_timers()
            self._kikitori.engine.dispose()
            self._kikitori = None
        if self._fake is not None:
            self._fake.stop()
            self._fake = None

    def __enter__(self) -> Sandbox:
        return self.start()

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.stop()

    def _spawn(self, name: str, target: Callable[[], Any]) -> None:
        thread = threading.Thread(target=target, name=name, daemon=True)
        thread.start()
        self._threads.append(thread)

    # --- what tests and the runner look at ---------------------------------------------------------

    @property
    def url(self) -> str:
        return self._running(self._page).url

    @property
    def fake(self) -> FakeSlack:
        return self._running(self._fake)

    @property
    def kikitori(self) -> Kikitori:
        return self._running(self._kikitori)

    @property
    def interactions(self) -> Interactions:
        return self._running(self._interactions)

    @staticmethod
    def _running(part: Any) -> Any:
        if part is None:
            raise RuntimeError("the sandbox is not running: call start() first")
        return part

    # --- background work ---------------------------------------------------------------------------

    def run_due_work(self) -> None:
        """Everything due by the sandbox clock: reminders, escalations, the outbox."""
        with self._work_lock:
            self.kikitori.run_due_work()

    def _due_work_loop(self) -> None:
        while not self._stopping.wait(self.due_work_interval):
            try:
                self.run_due_work()
            except Exception as error:  # keep the timer alive; no message text (it could quote answers)
                log.warning("sandbox: due work failed: %s", type(error).__name__)

    # --- the page's backend (sandbox.web.Backend) ----------------------------------------------

    def state(self, user_id: str, etag: str | None) -> dict[str, Any] | None:
        someone = person(user_id)
        if someone is None:
            return None
        state = page_state(self.fake, self.clock, self._times, someone)
        tag = etag_of(state)
        return {"etag": tag, "same": True} if tag == etag else {"etag": tag, **state}

    def interact(self, user_id: str, request: dict[str, Any]) -> dict[str, Any]:
        someone = person(user_id)
        if someone is None:
            return refused("その人はこのサンドボックスにいません。").as_json()
        try:
            return self._interact(someone, request).as_json()
        except (KeyError, TypeError, AttributeError) as error:
            log.info("sandbox: a malformed request from the page (%s)", type(error).__name__)
            return refused(BAD_REQUEST).as_json()
        except (URLError, OSError) as error:
            log.warning("sandbox: the bot's endpoint did not answer: %s", type(error).__name__)
            return refused("ボットに接続できませんでした。").as_json()

    def _interact(self, someone: Person, request: dict[str, Any]) -> Outcome:
        act = self.interactions
        kind = request["type"]
        values = request.get("values") or []
        if kind == "block_actions":
            container = request["container"]
            target = (str(request["block_id"]), str(request["action_id"]), request.get("value"), values)
            if container["type"] == "view":
                return act.view_action(someone, str(container["view_id"]), *target)
            return act.message_action(someone, str(container["channel"]), str(container["ts"]), *target)
        if kind == "block_suggestion":
            container = request["container"]
            return act.suggest(
                someone,
                str(request["block_id"]),
                str(request["action_id"]),
                str(request.get("value", "")),
                channel=container.get("channel"),
                ts=container.get("ts"),
                view_id=container.get("view_id"),
            )
        if kind == "view_submission":
            return act.submit_view(someone, str(request["view_id"]), values)
        if kind == "view_closed":
            return act.close_view(someone, str(request["view_id"]))
        if kind == "command":
            channel = str(request.get("channel") or self.fake.dm_channel(someone.id))
            return act.command(someone, channel, str(request["text"]))
        if kind == "message":
            text = str(request["text"]).strip()
            return act.direct_message(someone, text) if text else Outcome()
        if kind == "app_home_opened":
            tab = "home" if request.get("tab") == "home" else "messages"
            return act.open_tab(someone, tab)
        return refused(BAD_REQUEST)

    def file(self, file_id: str) -> SharedFile | None:
        """A file shown in a message, for its image or download link (what Slack's url_private serves)."""
        return self.fake.shared_file(file_id)

    def advance_clock(self, step: str) -> dict[str, Any]:
        if step == NEXT_BUSINESS_MORNING:
            self.clock.advance_to_next_business_morning(self._calendar())
        elif step in CLOCK_STEPS:
            self.clock.advance(CLOCK_STEPS[step])
        else:
            return refused(BAD_REQUEST).as_json()
        try:
            self.run_due_work()
        except Exception as error:
            log.warning("sandbox: due work failed: %s", type(error).__name__)
            return refused(
                "時計は進めましたが、期限の来た処理に失敗しました。ログを確認してください。"
            ).as_json()
        return {"ok": True, "clock": {"label": self.clock.label(), "offset": self.clock.offset_label()}}

    def _calendar(self) -> BusinessCalendar:
        """The bot's own business calendar (BUSINESS_HOURS, CLOSED_DAYS), so 翌営業日 means what reminders mean."""
        return self.kikitori.reminders.rules.calendar


def load_sample_departments_if_empty(kikitori: Kikitori) -> None:
    """The 所属 question needs departments to search; a fresh database gets the shipped sample."""
    if not storage.search_departments(kikitori.engine, "", limit=1):
        count = storage.import_departments_csv(kikitori.engine, SAMPLE_DEPARTMENTS)
        log.info("sandbox: imported %s sample departments", count)


class _ThreadingWSGIServer(ThreadingMixIn, WSGIServer):
    daemon_threads = True


class _QuietHandler(WSGIRequestHandler):
    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002 - the stdlib's name
        pass  # request lines are not logged: they can carry what people typed


# --- the blocking runner ---------------------------------------------------------------------------


def run_sandbox(
    settings: Settings,
    *,
    open_browser: bool | None = None,
    stop: threading.Event | None = None,
    out: TextIO | None = None,
) -> int:
    """Run the sandbox until Ctrl-C (or until `stop` is set); the exit code.

    `open_browser` defaults to opening the page when there is a desktop to open it on."""
    out = out or sys.stdout
    sandbox = Sandbox(settings)
    try:
        sandbox.start()
    except OSError as error:
        if error.errno != errno.EADDRINUSE:
            raise
        print(
            f"ポート {settings.port} は使用中です。PORT=3001 のように別のポートを指定してください。",
            file=sys.stderr,
        )
        return 1
    database = sandbox.kikitori.engine.url.render_as_string(hide_password=True)
    print(f"Kikitori サンドボックス: {sandbox.url}", file=out)
    print(
        "Slack の設定がないため、ブラウザで動くローカルの Slack でボットを動かしています。\n"
        f"データベース: {database}\n終了するには Ctrl+C を押してください。",
        file=out,
        flush=True,
    )
    if open_browser if open_browser is not None else _has_desktop():
        webbrowser.open(sandbox.url)
    try:
        (stop or threading.Event()).wait()
    except KeyboardInterrupt:
        pass
    finally:
        sandbox.stop()
    print("サンドボックスを終了しました。", file=out, flush=True)
    return 0


def _has_desktop() -> bool:
    # Without one, webbrowser would fall back to a text browser in this very terminal.
    if os.environ.get("CI"):
        return False
    return sys.platform in ("darwin", "win32") or bool(
        os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY")
    )
