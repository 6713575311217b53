"""Ack latency and interactions per second over HTTP: the bot against a Bolt app that only acks.

N simulated respondents answer the shipped survey at once (the longest path: /survey, 60 answers,
the two long-text modals, 送信), each as fast as the bot lets them: the next answer goes out as soon
as the next question appears in the fake Slack. Requests are signed and shaped like Slack's
(sandbox/slack_payloads.py). Then the same requests, byte for byte and re-signed, are replayed by the
same N respondents against a bare Bolt app that only acks (benchmarks/bare_bolt_app.py), back to back.
Both apps run under the same stack: waitress worker processes as in production, through
`bot.wsgi.wsgi_application`, in a subprocess on 127.0.0.1. The fake Slack runs in a process of its own
and the load generator in this one, so neither shares a GIL with the server.

Ack latency is each request's HTTP response time as the sender sees it. Interactions per second is
the number of requests over the time from the first request sent to the last response received.
On SQLite (a file in a temporary directory) and on PostgreSQL (started with pgserver, a fresh
database). Nothing printed or logged carries an answer.

Run: python -m benchmarks.bench_http [N] [--quick] [--db sqlite|postgresql|both]
"""

from __future__ import annotations

import argparse
import math
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
import uuid
from collections import Counter
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from functools import partial
from multiprocessing import connection, managers
from multiprocessing.managers import BaseManager
from pathlib import Path
from typing import Any

from benchmarks.survey_answers import LONGEST_PATH_ANSWERS
from bot import refs
from bot.settings import SHIPPED_FLOW
from sandbox import slack_payloads as sr
from sandbox.fake_slack import FakeSlack
from sandbox.fake_slack import server as server_module
from sandbox.fake_slack.state import Params, Reply
from tests.bot.harness import (
    ADMIN,
    ADMIN_CHANNEL,
    BOT_TOKEN,
    SIGNING_SECRET,
    is_prompt,
    question_id_of,
)

ROOT = Path(__file__).resolve().parents[1]
WAIT_SECONDS = 30.0  # for the bot's next message; far above any step, so only a real stall trips it
WARM_UP_REQUESTS = 16  # /survey ヘルプ before measuring: first-request imports, the auth.test cache


# --- the fake Slack, in a process of its own ------------------------------------------------------


class BenchSlack(FakeSlack):
    """The fake Slack plus waits a respondent in another process blocks on: each sees the messages the
    bot posts in its DM as chat.postMessage stored them, without polling or copying the whole DM."""

    def __init__(self, **options: Any) -> None:
        self._changed = threading.Condition()
        self._shown = threading.local()  # what a response_url POST just showed, per server thread
        self._posted: dict[str, list[Params]] = {}  # channel → messages posted there, oldest first
        super().__init__(**options)

    def reset(self) -> None:
        super().reset()
        with self._changed:
            self._posted = {}

    def dispatch(self, method: str, params: Params, token: str | None) -> Reply:
        reply = super().dispatch(method, params, token)
        if reply.body.get("ok"):
            with self._changed:
                if method == "chat.postMessage":
                    self._posted.setdefault(reply.body["channel"], []).append(reply.body["message"])
                self._changed.notify_all()
        return reply

    def apply_response(
        self, channel: str, user: str, body: Params, *, message_ts: str | None = None
    ) -> Params | None:
        # Called under the workspace's lock: only note what was shown; respond() publishes it.
        shown = super().apply_response(channel, user, body, message_ts=message_ts)
        posted_anew = body.get("response_type") == "in_channel" and not body.get("replace_original")
        self._shown.message = (user, shown) if shown is not None and posted_anew else None
        return shown

    def respond(self, key: str, body: Params) -> Reply:
        """A message the bot posts through a click's response_url is seen like a chat.postMessage.
        (The condition is taken here, outside the workspace's lock, in the same order as dispatch.)"""
        self._shown.message = None
        reply = super().respond(key, body)
        posted = self._shown.message
        if posted is not None:
            user, message = posted
            channel = self.dm_channel(user)
            with self._changed:
                self._posted.setdefault(channel, []).append(message)
                self._changed.notify_all()
        return reply

    def _wait(self, found: Callable[[], Any], timeout: float) -> Any:
        with self._changed:
            result = self._changed.wait_for(found, timeout)
        if not result:
            raise TimeoutError(f"fake Slack: the bot did not answer within {timeout} s")
        return result

    def _first_posted(
        self, user: str, after: int, match: Callable[[Params], bool]
    ) -> tuple[Params, int] | None:
        posted = self._posted.get(self.dm_channel(user), [])
        return next(((m, i + 1) for i, m in enumerate(posted[after:], after) if match(m)), None)

    def next_prompt(self, user: str, after: int, timeout: float = WAIT_SECONDS) -> tuple[Params, int]:
        """The first question or review posted in the user's DM after the first `after` messages, and
        the `after` for the next call."""
        return self._wait(lambda: self._first_posted(user, after, is_prompt), timeout)

    def wait_text(self, user: str, fragment: str, after: int, timeout: float = WAIT_SECONDS) -> Params:
        """The first message posted in the user's DM after `after` whose text contains `fragment`."""
        found = self._wait(
            lambda: self._first_posted(user, after, lambda m: fragment in m.get("text", "")), timeout
        )
        return found[0]

    def wait_open_view(self, user: str, timeout: float = WAIT_SECONDS) -> Params:
        """The modal on top of the user's stack."""

        def top_view() -> Params | None:
            views = self.open_views(user)
            return views[-1] if views else None

        return self._wait(top_view, timeout)

    def api_url(self) -> str:
        return self.base_url

    def limit_rates(self) -> None:
        """Slack's published limits, on real time (bench_launch)."""
        self.enforce_rate_limits()

    def refused(self) -> dict[str, int]:
        return self.ratelimited()

    def call_counts(self) -> dict[str, int]:
        """Web API calls made since the last reset, by method."""
        return dict(Counter(method for method, _ in self.calls))

    def pid(self) -> int:
        return os.getpid()


_workspace: BenchSlack | None = None
_workspace_lock = threading.Lock()


def _the_workspace() -> BenchSlack:
    """Runs in the manager's process: one fake Slack for every proxy."""
    global _workspace
    with _workspace_lock:
        if _workspace is None:
            # socketserver's default backlog (5) drops connections under this load, and a dropped SYN
            # costs a 1 s retransmit; Slack's edge never does that. (Only this process is affected.)
            server_module._Server.request_queue_size = 128
            _workspace = BenchSlack(token=BOT_TOKEN, team_id=sr.TEAM_ID, bot_user_id=sr.BOT_USER_ID)
            _workspace.add_user(ADMIN, "上越 管理者")
            _workspace.add_channel(ADMIN_CHANNEL, "leak-survey-admin", is_private=True, is_member=True)
            _workspace.start()
        return _workspace


class _WideListener(connection.Listener):
    """multiprocessing's manager listens with a backlog of 16: 50 respondents connecting their
    proxies at once overflowed it and the benchmark hung. This one queues 1,024."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs["backlog"] = max(int(kwargs.get("backlog") or 1), 1024)
        super().__init__(*args, **kwargs)


# A serializer name of our own: the manager's server (in the forked process) takes its listener
# from this table, the proxies their client.
managers.listener_client["pickle-wide-backlog"] = (_WideListener, connection.Client)  # type: ignore[attr-defined]


class SlackManager(BaseManager):
    pass


SlackManager.register(
    "workspace",
    callable=_the_workspace,
    exposed=(
        "add_user",
        "reset",
        "api_url",
        "pid",
        "issue_trigger",
        "close_views",
        "next_prompt",
        "wait_text",
        "wait_open_view",
        "response_url",
        "add_channel",
        "limit_rates",
        "refused",
        "call_counts",
    ),
)


# --- the load ------------------------------------------------------------------------------------


@dataclass
class Sent:
    kind: str  # command, block_actions or view_submission
    started: float
    seconds: float


class TimedSender(sr.SlackSender):
    """One respondent's sender: times each request and keeps it for the replay."""

    def __init__(self, base_url: str) -> None:
        super().__init__(base_url, SIGNING_SECRET, timeout=60)
        self.sent: list[Sent] = []
        self.requests: list[sr.SlackRequest] = []

    def send(self, request: sr.SlackRequest, **options: Any) -> sr.Response:
        started = time.perf_counter()
        response = super().send(request, **options)
        self.sent.append(Sent(_kind(request), started, time.perf_counter() - started))
        if response.status != 200:
            raise RuntimeError(f"HTTP {response.status} for a {_kind(request)} request")
        self.requests.append(request)
        return response


def _kind(request: sr.SlackRequest) -> str:
    return "command" if "command" in request.data else str(request.data.get("type"))


def act(
    slack: Any,
    sender: TimedSender,
    user: str,
    message: Params,
    action_id: str,
    value: Any = None,
    *,
    state: Mapping[str | tuple[str, str], Any] | None = None,
    trigger_id: str | None = None,
) -> None:
    """Click or choose in `message` as Slack would report it (tests/bot/harness.py Person.act)."""
    blocks = message["blocks"]
    block_id, element = sr.find_element(blocks, lambda el: el.get("action_id") == action_id)
    sender.send(
        sr.block_actions(
            user_id=user,
            team_id=sr.TEAM_ID,
            channel_id=f"D{user}",
            message_ts=message["ts"],
            message_blocks=blocks,
            action=sr.action_for(block_id, element, value),
            state_values=sr.state_values_for(blocks, state) if state is not None else None,
            trigger_id=trigger_id,
            # Slack hands one out with every click; the bot replaces the question through it.
            response_url=slack.response_url(f"D{user}", user, message["ts"]),
        )
    )


def answer(slack: Any, sender: TimedSender, user: str, message: Params, kind: str, raw: Any) -> None:
    """Answer with the question's element (tests/bot/harness.py answer_with)."""
    match kind:
        case "single" | "date" | "time":
            act(slack, sender, user, message, refs.ANSWER, raw)
        case "multi":
            act(slack, sender, user, message, refs.NEXT, state={refs.TOGGLE: raw})
        case "integer" | "text":
            act(slack, sender, user, message, refs.NEXT, state={refs.ANSWER: str(raw)})
        case "org":
            label = {"type": "plain_text", "text": f"{raw['code']} {raw['name']}", "emoji": True}
            act(slack, sender, user, message, refs.ANSWER, {"text": label, "value": raw["code"]})
        case "long_text":
            act(slack, sender, user, message, refs.OPEN_LONG_TEXT, trigger_id=slack.issue_trigger(user))
            view = slack.wait_open_view(user)
            state = sr.state_values_for(view["blocks"], {refs.ANSWER: raw})
            sender.send(sr.view_submission(user_id=user, team_id=sr.TEAM_ID, view=view, state_values=state))
            slack.close_views(user)
        case _:
            raise ValueError(f"no way to answer a {kind} question")


def respond(slack: Any, sender: TimedSender, user: str, types: Mapping[str, str]) -> None:
    """/survey, every question of the longest path as soon as it appears, then 送信 on the review."""
    sender.send(sr.slash_command(user_id=user, team_id=sr.TEAM_ID, channel_id=f"D{user}"))
    seen = 0
    for _ in range(len(types) + 5):
        message, seen = slack.next_prompt(user, seen)
        question_id = question_id_of(message)
        if question_id is None:  # the review
            act(slack, sender, user, message, refs.SUBMIT)
            slack.wait_text(user, "受付番号", seen)
            return
        answer(slack, sender, user, message, types[question_id], LONGEST_PATH_ANSWERS[question_id])
    raise RuntimeError("the review never came")


def replay(sender: TimedSender, requests: Sequence[sr.SlackRequest]) -> None:
    """The same bodies again, back to back (each is signed anew when sent)."""
    for request in requests:
        sender.send(request)


def run_together(work: Sequence[Callable[[], object]], ready: Callable[[], object] | None = None) -> None:
    """Start every respondent at the same moment (each thread runs `ready` first); re-raise the first
    failure."""
    barrier = threading.Barrier(len(work))
    errors: list[BaseException] = []

    def run(one: Callable[[], object]) -> None:
        if ready is not None:
            ready()
        barrier.wait()
        try:
            one()
        except BaseException as error:  # noqa: BLE001 - reported below, in the main thread
            errors.append(error)

    threads = [threading.Thread(target=run, args=(one,), daemon=True) for one in work]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    if errors:
        raise errors[0]


# --- figures -------------------------------------------------------------------------------------


@dataclass
class Figures:
    sent: list[Sent]
    cpu: Cpu  # used during the run
    web_api_calls: dict[str, int] | None = None  # by method, during the run (the bot's only)

    @property
    def requests(self) -> int:
        return len(self.sent)

    def percentile_ms(self, p: float, kind: str | None = None) -> float:
        """Nearest-rank percentile of the ack latency, in milliseconds."""
        values = sorted(s.seconds for s in self.sent if kind is None or s.kind == kind)
        return values[max(math.ceil(p / 100 * len(values)) - 1, 0)] * 1e3 if values else math.nan

    @property
    def seconds(self) -> float:
        """From the first request sent to the last response received."""
        return max(s.started + s.seconds for s in self.sent) - min(s.started for s in self.sent)

    @property
    def per_second(self) -> float:
        return self.requests / self.seconds

    @property
    def server_cpu_ms(self) -> float:
        return self.cpu.server / self.requests * 1e3


def _row(*cells: object) -> str:
    """database, app, requests, p50, p99, interactions/s, server CPU per request."""
    widths = (-11, -6, 9, 9, 9, 16, 19)  # negative: left-aligned
    return "".join(
        f"{cell:<{-w}}" if w < 0 else f"{cell:>{w}}" for cell, w in zip(cells, widths, strict=True)
    )


HEADER = _row("database", "app", "requests", "p50 ms", "p99 ms", "interactions/s", "server CPU ms/req")


def print_figures(database: str, bot: Figures, bare: Figures) -> None:
    for name, f in (("bot", bot), ("bare", bare)):
        print(
            _row(
                database,
                name,
                f.requests,
                f"{f.percentile_ms(50):.1f}",
                f"{f.percentile_ms(99):.1f}",
                f"{f.per_second:.0f}",
                f"{f.server_cpu_ms:.2f}",
            )
        )
    print(
        _row(
            database,
            "ratio",
            "bot/bare",
            f"{bot.percentile_ms(50) / bare.percentile_ms(50):.1f}x",
            f"{bot.percentile_ms(99) / bare.percentile_ms(99):.1f}x",
            f"{bot.per_second / bare.per_second:.2f}x",
            f"{bot.server_cpu_ms / bare.server_cpu_ms:.1f}x",
        )
    )
    kinds = ", ".join(
        f"{kind} ({sum(s.kind == kind for s in bot.sent)}) {bot.percentile_ms(50, kind):.1f}/"
        f"{bot.percentile_ms(99, kind):.1f}"
        for kind in ("command", "block_actions", "view_submission")
    )
    print(f"{'':<11}bot p50/p99 ms by request: {kinds}")
    cpu = bot.cpu
    print(
        f"{'':<11}bot run, CPU s over {bot.seconds:.1f} s: server {cpu.server:.1f} (database included), "
        f"fake Slack {cpu.slack:.1f}, load generator {cpu.load:.1f}"
    )
    if bot.web_api_calls is not None:
        total = sum(bot.web_api_calls.values())
        print(
            f"{'':<11}Web API calls: {total / bot.requests:.2f} per request "
            f"({dict(sorted(bot.web_api_calls.items()))}); database round trips per answer click: "
            "3 on PostgreSQL (tests/bot/test_round_trips.py)"
        )


# --- CPU time, from /proc (Linux; NaN elsewhere) --------------------------------------------------


@dataclass(frozen=True)
class Cpu:
    server: float  # the server's parent and workers, plus the PostgreSQL server's processes
    slack: float
    load: float

    def __sub__(self, other: Cpu) -> Cpu:
        return Cpu(self.server - other.server, self.slack - other.slack, self.load - other.load)


def _tree(pid: int) -> list[int]:
    found = [pid]
    for children in Path(f"/proc/{pid}/task").glob("*/children"):
        for child in children.read_text().split():
            found += _tree(int(child))
    return found


def _cpu_seconds(pids: Sequence[int]) -> float:
    total = 0.0
    for pid in pids:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            return math.nan
        # utime + stime, and cutime + cstime: the exited children it has reaped (PostgreSQL backends)
        total += sum(int(f) for f in fields[11:15]) / os.sysconf("SC_CLK_TCK")
    return total


def cpu_now(server_pids: Sequence[int], slack_pid: int) -> Cpu:
    return Cpu(
        _cpu_seconds([p for pid in server_pids for p in _tree(pid)]),
        _cpu_seconds([slack_pid]),
        time.process_time(),
    )


# --- servers and databases -----------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@contextmanager
def http_server(kind: str, env: dict[str, str]) -> Iterator[tuple[str, int]]:
    """`kind` ("bot" or "bare") under waitress in a subprocess; yields its base URL and pid once healthy."""
    port = free_port()
    process = subprocess.Popen(
        [sys.executable, "-m", "benchmarks.bench_http_server", kind], cwd=ROOT, env={**env, "PORT": str(port)}
    )
    url = f"http://127.0.0.1:{port}"
    opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))
    try:
        deadline = time.monotonic() + 60
        while True:
            if process.poll() is not None:
                raise RuntimeError(f"the {kind} server exited with {process.returncode}")
            try:
                with opener.open(url + "/healthz", timeout=1) as reply:
                    if reply.status == 200:
                        break
            except OSError:
                if time.monotonic() > deadline:
                    raise
            time.sleep(0.1)
        yield url, process.pid
    finally:
        process.terminate()  # the workers are stopped with it
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def server_env(api_url: str, database_url: str, workers: int, threads: int) -> dict[str, str]:
    """The environment `python -m bot --http` would get; no proxies, so every call stays on loopback."""
    drop = ("SLACK_", "DATABASE_URL", "HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY", "WEB_CONCURRENCY")
    env = {k: v for k, v in os.environ.items() if not k.upper().startswith(drop)}
    return env | {
        "SLACK_BOT_TOKEN": BOT_TOKEN,
        "SLACK_SIGNING_SECRET": SIGNING_SECRET,
        "SLACK_API_URL": api_url,
        "ADMIN_CHANNEL_ID": ADMIN_CHANNEL,
        "ADMIN_USER_IDS": ADMIN,
        "DATABASE_URL": database_url,
        "WEB_CONCURRENCY": str(workers),
        "HTTP_THREADS": str(threads),
        "PYTHONUNBUFFERED": "1",
    }


def prepare_database(url: str) -> None:
    """Migrate once here (the workers' own upgrade is then a no-op) and load the department master."""
    import storage
    from storage.departments import import_departments_csv

    engine = storage.make_engine(url)
    try:
        storage.upgrade(engine)
        import_departments_csv(engine, Path(storage.__file__).parent / "departments_sample.csv")
    finally:
        engine.dispose()


@contextmanager
def sqlite_database() -> Iterator[tuple[str, list[int]]]:
    """A file database; yields its URL and the database server's pids (none)."""
    directory = tempfile.mkdtemp(prefix="kikitori-bench-")
    try:
        yield f"sqlite:///{directory}/kikitori.db", []
    finally:
        shutil.rmtree(directory, ignore_errors=True)


@contextmanager
def postgres_database() -> Iterator[tuple[str, list[int]]]:
    """A fresh database on a PostgreSQL started with pgserver (as tests/conftest.py does); yields its URL
    and the postmaster's pid."""
    import pgserver
    from sqlalchemy import create_engine, make_url
    from sqlalchemy.pool import NullPool

    from storage import database_url

    data_dir = tempfile.mkdtemp(prefix="kikitori-pg-")  # short: the Unix socket lives there
    server = pgserver.get_server(data_dir, cleanup_mode="stop")
    try:
        admin_url = database_url({"DATABASE_URL": server.get_uri()})
        name = f"kikitori_bench_{uuid.uuid4().hex[:12]}"
        admin = create_engine(admin_url, isolation_level="AUTOCOMMIT", poolclass=NullPool)
        with admin.connect() as connection:
            connection.exec_driver_sql(f'CREATE DATABASE "{name}"')
        admin.dispose()
        postmaster = int((Path(data_dir) / "postmaster.pid").read_text().split()[0])
        yield make_url(admin_url).set(database=name).render_as_string(hide_password=False), [postmaster]
    finally:
        server.cleanup()
        shutil.rmtree(data_dir, ignore_errors=True)


# --- one database --------------------------------------------------------------------------------


def warm_up(url: str) -> None:
    user = "U0BENCHWRM"
    request = sr.slash_command(user_id=user, team_id=sr.TEAM_ID, channel_id=f"D{user}", text="ヘルプ")
    run_together([lambda: TimedSender(url).send(request) for _ in range(WARM_UP_REQUESTS)])


def bench_database(
    url: str, database_pids: list[int], slack: Any, respondents: int, workers: int, threads: int
) -> tuple[Figures, Figures]:
    from flows.load import load_flow_file

    prepare_database(url)
    types = {q.id: q.type for q in load_flow_file(SHIPPED_FLOW).flow.questions}
    users = [f"U0BENCH{i:03d}" for i in range(respondents)]
    slack.reset()
    for user in users:
        slack.add_user(user, f"回答者 {user[-3:]}")
    env = server_env(slack.api_url(), url, workers, threads)
    slack_pid = slack.pid()

    with http_server("bot", env) as (base, pid):
        warm_up(base)
        senders = [TimedSender(base) for _ in users]
        calls_before = slack.call_counts()
        before = cpu_now([pid, *database_pids], slack_pid)
        run_together(
            [partial(respond, slack, s, u, types) for s, u in zip(senders, users, strict=True)],
            ready=slack.pid,  # each thread's connection to the fake Slack's process, opened beforehand
        )
        bot = Figures(
            [sent for s in senders for sent in s.sent], cpu_now([pid, *database_pids], slack_pid) - before
        )
        calls = Counter(slack.call_counts())
        calls.subtract(calls_before)
        bot.web_api_calls = {method: n for method, n in calls.items() if n}

    with http_server("bare", env) as (base, pid):
        warm_up(base)
        replayers = [TimedSender(base) for _ in users]
        before = cpu_now([pid], slack_pid)
        run_together([partial(replay, r, s.requests) for r, s in zip(replayers, senders, strict=True)])
        bare = Figures([sent for r in replayers for sent in r.sent], cpu_now([pid], slack_pid) - before)
    return bot, bare


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(
        prog="python -m benchmarks.bench_http", description=__doc__.split("\n")[0]
    )
    parser.add_argument(
        "respondents", nargs="?", type=int, help="simulated respondents (default 20, 5 with --quick)"
    )
    parser.add_argument("--quick", action="store_true", help="fewer respondents")
    parser.add_argument("--db", choices=("sqlite", "postgresql", "both"), default="both")
    parser.add_argument("--workers", type=int, default=2, help="worker processes (production default 2)")
    parser.add_argument("--threads", type=int, default=8, help="threads per worker (production default 8)")
    args = parser.parse_args(argv)
    respondents = args.respondents or (5 if args.quick else 20)
    databases = ("sqlite", "postgresql") if args.db == "both" else (args.db,)

    manager = SlackManager(address=("127.0.0.1", 0), serializer="pickle-wide-backlog")
    manager.start()
    # Here only (not in the fake Slack's process): a thread whose response has arrived gets the GIL
    # within 0.5 ms, not 5, while other respondents build their next payload.
    sys.setswitchinterval(0.0005)
    try:
        slack = manager.workspace()  # type: ignore[attr-defined]  # registered above
        print(
            f"{respondents} respondents at once, the longest path each; waitress, "
            f"{args.workers} workers x {args.threads} threads"
        )
        print(HEADER)
        for database in databases:
            opened = sqlite_database() if database == "sqlite" else postgres_database()
            with opened as (url, database_pids):
                bot, bare = bench_database(url, database_pids, slack, respondents, args.workers, args.threads)
            print_figures(database, bot, bare)
    finally:
        manager.shutdown()


if __name__ == "__main__":
    main()
