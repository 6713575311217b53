"""HTTP mode's server: waitress, in WEB_CONCURRENCY processes that share one listening socket.

Why waitress: its event loop reads each request whole (headers and body, in memory or a temporary
file) before a worker thread sees it. A client that sends its headers and then trickles or stalls
its body holds a socket, never a thread, so the threads stay free for Slack: with 200 stalled
connections a signed request is still answered at once (tests/bot/test_http_server.py,
benchmarks/bench_stalled.py). gunicorn's threaded workers, used before, give each connection a
thread while its body is read: 17 stalled connections stopped the endpoint.

What it limits here: bodies (MAX_BODY_BYTES; bigger ones get 413 before being read), headers,
connections (CONNECTION_LIMIT at once, beyond which connections wait in the backlog) and idle
connections (closed after IDLE_SECONDS without a byte). What it does not do, and a reverse proxy in
front must: TLS, limits per client address, and a total time limit per request (a client that
sends a byte every few seconds is idle never; it costs one socket until CONNECTION_LIMIT).
"""

from __future__ import annotations

import contextlib
import logging
import os
import signal
import socket
from collections.abc import Callable
from typing import Any

from waitress.server import create_server

from bot.wsgi import MAX_BODY_BYTES

log = logging.getLogger(__name__)
# waitress warns at every request queued behind busy threads: under a launch that is every click,
# and the queue is the design (requests wait whole, not half-read).
logging.getLogger("waitress.queue").setLevel(logging.ERROR)

CONNECTION_LIMIT = 1000
IDLE_SECONDS = 30
HEADER_BYTES = 64 * 1024
BACKLOG = 2048


def listen(host: str, port: int) -> socket.socket:
    """The listening socket, bound before any process forks, so every worker accepts on it."""
    return socket.create_server((host, port), backlog=BACKLOG, reuse_port=False)


def serve(application: Callable[..., Any], sock: socket.socket, *, threads: int) -> None:
    """Serve on `sock` in this process until it is stopped."""
    make_server(application, sock, threads=threads).run()


def make_server(application: Callable[..., Any], sock: socket.socket, *, threads: int) -> Any:
    """The waitress server on `sock`: `.run()` serves, `.close()` stops (tests, benchmarks)."""
    return create_server(
        application,
        sockets=[sock],
        threads=threads,
        connection_limit=CONNECTION_LIMIT,
        channel_timeout=IDLE_SECONDS,
        max_request_body_size=MAX_BODY_BYTES,
        max_request_header_size=HEADER_BYTES,
        asyncore_use_poll=True,  # select() stops at 1,024 descriptors
        ident=None,  # no Server header
        expose_tracebacks=False,
        clear_untrusted_proxy_headers=True,
    )


def run_workers(
    build: Callable[[], Callable[..., Any]], sock: socket.socket, *, workers: int, threads: int
) -> int:
    """`workers` processes serving `sock`, each building its own app (engine, timers) after the
    fork; one process serves in place. When a worker ends, the others are stopped and its exit
    code is returned, so the platform restarts the whole service."""
    if workers <= 1:
        serve(build(), sock, threads=threads)
        return 0
    children: list[int] = []
    for _ in range(workers):
        pid = os.fork()
        if pid == 0:  # the worker: nothing of the parent's runs here but this
            code = 0
            try:
                serve(build(), sock, threads=threads)
            except BaseException as error:  # noqa: BLE001 - a worker must end with an exit code
                log.error("an HTTP worker stopped: %s", type(error).__name__)
                code = 1
            finally:
                os._exit(code)
        children.append(pid)
    log.info("HTTP workers started: %s", len(children))

    def stop(signum: int, _frame: object) -> None:
        for child in children:
            with contextlib.suppress(ProcessLookupError, ChildProcessError):
                os.kill(child, signum)

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    _, status = os.wait()
    stop(signal.SIGTERM, None)
    for _ in children[1:]:
        with contextlib.suppress(ProcessLookupError, ChildProcessError):
            os.wait()
    return os.waitstatus_to_exitcode(status) if status else 0
