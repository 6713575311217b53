"""Stalled connections: the time to answer a valid signed request while N connections are stalled.

The bot runs behind its production HTTP stack (bot/http_server.py: waitress, HTTP_THREADS threads,
one process) on loopback, SQLite in a temporary directory, the fake Slack in this process. N clients
each send their headers and the first bytes of a body announced as 5,000 bytes, then nothing. With
them held open, a respondent sends `/survey` (signed, shaped like Slack's); the figure is its
response time as the sender sees it, median and worst of ROUNDS requests. The baseline is N = 0 in
the same run. (Under the previous stack, gunicorn's gthread workers with 2 × 8 threads, 17 stalled
connections left no thread to answer at all.)

Run: python -m benchmarks.bench_stalled [--threads 8]
"""

from __future__ import annotations

import argparse
import socket
import statistics
import tempfile
import threading
import time
from pathlib import Path

import storage
from bot.http_server import listen, make_server
from bot.wsgi import SLACK_EVENTS_PATH, wsgi_application
from sandbox import slack_payloads as sr
from tests.bot.harness import (
    RESPONDENT,
    SIGNING_SECRET,
    Clock,
    build_bot,
    fake_workspace,
    load_sample_departments,
)

COUNTS = (0, 50, 200)
ROUNDS = 20


def stall(host: str, port: int, count: int) -> list[socket.socket]:
    held = []
    for _ in range(count):
        conn = socket.create_connection((host, port), timeout=5)
        conn.sendall(
            f"POST {SLACK_EVENTS_PATH} HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
            'Content-Length: 5000\r\n\r\n{"type":'.encode()
        )
        held.append(conn)
    return held


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--threads", type=int, default=8, help="HTTP_THREADS (production default 8)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp, fake_workspace() as fake:
        engine = storage.make_engine(f"sqlite:///{Path(tmp) / 'bench.db'}")
        storage.upgrade(engine)
        load_sample_departments(engine)
        bot = build_bot(engine, fake, Clock())
        sock = listen("127.0.0.1", 0)
        server = make_server(wsgi_application(bot.app, SIGNING_SECRET), sock, threads=args.threads)
        threading.Thread(target=server.run, daemon=True).start()
        host, port = sock.getsockname()[:2]
        sender = sr.SlackSender(f"http://{host}:{port}", SIGNING_SECRET, timeout=30)
        dm = fake.dm_channel(RESPONDENT)
        print(f"waitress, 1 process × {args.threads} threads; /survey answered while N connections stall")
        print(f"{'N stalled':>10} {'median ms':>10} {'worst ms':>10} {'ratio to N=0':>13}")
        baseline = None
        try:
            for count in COUNTS:
                held = stall(host, port, count)
                times = []
                for _ in range(ROUNDS):
                    started = time.perf_counter()
                    reply = sender.send(
                        sr.slash_command(user_id=RESPONDENT, team_id=sr.TEAM_ID, channel_id=dm)
                    )
                    times.append((time.perf_counter() - started) * 1000)
                    assert reply.status == 200
                for conn in held:
                    conn.close()
                median = statistics.median(times)
                baseline = baseline or median
                print(f"{count:>10} {median:>10.1f} {max(times):>10.1f} {median / baseline:>12.2f}×")
        finally:
            server.close()
            bot.stop_timers()
            engine.dispose()


if __name__ == "__main__":
    main()
