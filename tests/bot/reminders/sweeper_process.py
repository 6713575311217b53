"""One bot process doing its timers' work, for tests/bot/reminders/test_multiprocess.py.

    python -m tests.bot.reminders.sweeper_process --database-url URL --slack-url URL --clock ISO \\
        --ready FILE --go FILE [--rounds N] [--sweep-limit N]
        [--hang-in-settle N | --hang-before-post N --marker FILE]

Builds the real bot with `create_app` on a fixed clock, touches READY and waits for GO to exist
(so that several processes start sweeping at the same moment), then calls `run_due_work()` until
nothing due is left in the database (or N times with --rounds) and prints one JSON line: what the
sweeps claimed and reminded and how many outbox messages this process delivered. --sweep-limit
makes each sweep claim fewer rows than its default 200, so that processes race for many small claims.

--hang-in-settle N: the first N batches of reminders are settled, the next one stops for good
inside its settle transaction (after the UPDATEs, before the commit). --hang-before-post N: the first N Slack
posts go out, the next one stops just before posting. Either touches MARKER when it stops, for the
test to SIGKILL the process there.
"""

from __future__ import annotations

import argparse
import json
import time
from collections.abc import Callable
from datetime import datetime
from pathlib import Path
from typing import Any, NoReturn

from sqlalchemy import Engine, func
from sqlmodel import col, select

import storage
import storage.reminders
from bot.app import Kikitori, create_app
from bot.reminders.service import SweepResult
from bot.settings import Settings
from storage import Draft, DraftStatus, Invitation, InvitationStatus, OutboxMessage, OutboxStatus

BOT_TOKEN = "xoxb-fake-token"
ADMIN_CHANNEL = "C0ADMIN001"
IDLE_PAUSE_SECONDS = 0.02  # while other processes hold the rest of the due work
DEADLINE_SECONDS = 60  # a safety net against a hang, never the expected outcome


def settings(database_url: str, slack_url: str) -> Settings:
    return Settings(
        slack_bot_token=BOT_TOKEN,
        slack_api_url=slack_url,
        database_url=database_url,
        admin_channel_id=ADMIN_CHANNEL,
    )


def nothing_left(engine: Engine, now: datetime) -> bool:
    """No draft or invitation due and no outbox message due, whoever holds a claim on them."""
    with storage.session_scope(engine) as session:
        due = sum(
            session.exec(
                select(func.count())
                .select_from(model)
                .where(col(model.status) == status, col(model.next_reminder_at) <= now)
            ).one()
            for model, status in ((Draft, DraftStatus.IN_PROGRESS), (Invitation, InvitationStatus.PENDING))
        )
        pending = session.exec(
            select(func.count())
            .select_from(OutboxMessage)
            .where(OutboxMessage.status == OutboxStatus.PENDING, OutboxMessage.next_attempt_at <= now)
        ).one()
    return due + pending == 0


def hang(marker: Path) -> NoReturn:
    marker.touch()
    while True:
        time.sleep(60)


def hang_in_settle(after: int, marker: Path) -> None:
    """storage.settle_reminders enqueues a batch's messages inside its transaction, after the
    UPDATEs: stop there on call after + 1."""
    real = storage.reminders.enqueue_all
    calls = 0

    def enqueue_all(*args: Any, **kwargs: Any) -> int:
        nonlocal calls
        calls += 1
        if calls > after:
            hang(marker)
        return real(*args, **kwargs)

    storage.reminders.enqueue_all = enqueue_all


def hang_before_post(bot: Kikitori, after: int, marker: Path) -> None:
    outbox_client = bot.reminders.gateway.client  # the outbox posts with its own bounded client
    real = outbox_client.chat_postMessage
    calls = 0

    def chat_post_message(**kwargs: Any) -> Any:
        nonlocal calls
        calls += 1
        if calls > after:
            hang(marker)
        return real(**kwargs)

    outbox_client.chat_postMessage = chat_post_message  # type: ignore[method-assign]


class Tally:
    """Counts what this process's sweeps and deliveries did (run_due_work returns nothing)."""

    def __init__(self, bot: Kikitori, sweep_limit: int | None) -> None:
        self.sweep_limit = sweep_limit
        self.claimed = self.reminded = self.delivered = 0
        self.worked = False
        self._sweep: Callable[..., SweepResult] = bot.reminders.sweep
        self._deliver_due: Callable[..., int] = bot.delivery.deliver_due
        bot.reminders.sweep = self.sweep  # type: ignore[method-assign]
        bot.delivery.deliver_due = self.deliver_due  # type: ignore[method-assign]

    def sweep(self, limit: int = 200) -> SweepResult:
        result = self._sweep(self.sweep_limit or limit)
        self.claimed += result.claimed
        self.reminded += result.reminded
        self.worked = self.worked or result.claimed > 0
        return result

    def deliver_due(self, limit: int = 20) -> int:
        delivered = self._deliver_due(limit)
        self.delivered += delivered
        self.worked = self.worked or delivered > 0
        return delivered


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--database-url", required=True)
    parser.add_argument("--slack-url", required=True)
    parser.add_argument("--clock", required=True, type=datetime.fromisoformat)
    parser.add_argument("--ready", required=True, type=Path)
    parser.add_argument("--go", required=True, type=Path)
    parser.add_argument("--rounds", type=int)
    parser.add_argument("--sweep-limit", type=int)
    parser.add_argument("--hang-in-settle", type=int)
    parser.add_argument("--hang-before-post", type=int)
    parser.add_argument("--marker", type=Path)
    args = parser.parse_args(argv)

    now: datetime = args.clock
    bot = create_app(settings(args.database_url, args.slack_url), clock=lambda: now)
    if args.hang_in_settle is not None:
        hang_in_settle(args.hang_in_settle, args.marker)
    if args.hang_before_post is not None:
        hang_before_post(bot, args.hang_before_post, args.marker)
    tally = Tally(bot, args.sweep_limit)

    args.ready.touch()
    deadline = time.monotonic() + DEADLINE_SECONDS
    while not args.go.exists():
        if time.monotonic() > deadline:
            raise SystemExit("never released")
        time.sleep(0.001)

    rounds = 0
    while True:
        tally.worked = False
        bot.run_due_work()
        rounds += 1
        if rounds == args.rounds or (args.rounds is None and nothing_left(bot.engine, now)):
            break
        if time.monotonic() > deadline:
            raise SystemExit(f"still work left after {DEADLINE_SECONDS} s")
        if not tally.worked:
            time.sleep(IDLE_PAUSE_SECONDS)
    print(
        json.dumps(
            {
                "worker_id": bot.reminders.worker_id,
                "rounds": rounds,
                "claimed": tally.claimed,
                "reminded": tally.reminded,
                "delivered": tally.delivered,
            }
        ),
        flush=True,
    )
    bot.engine.dispose()


if __name__ == "__main__":
    main()
