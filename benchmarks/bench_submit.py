"""送信 → the admin post: how long after a respondent's submit click the summary is in the admin channel.

The real app behind its HTTP endpoint on loopback, the fake Slack in this process, SQLite. Each of
N respondents has a complete draft (the longest path of the shipped survey); they ask for the
review with `/survey 再開` and click 送信 one after another. The figure is the time from sending
the signed click to the summary being stored by the fake Slack, and the click's own response time.

    python -m benchmarks.bench_submit [--respondents 20]

It runs against the layout before the redesign too (bot.fake_slack, bot.sandbox), so the same
script measures both sides of a change: check the old commit out in a worktree and run it there.
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from wsgiref.simple_server import WSGIRequestHandler, make_server

from slack_bolt.adapter.wsgi import SlackRequestHandler

import storage
from benchmarks.survey_answers import LONGEST_PATH_ANSWERS
from bot.app import create_app
from bot.settings import Settings
from flows.engine import apply_answer

try:  # the layout since the redesign
    from bot import refs as ids
    from sandbox import slack_payloads as sr
    from sandbox.fake_slack import FakeSlack
except ImportError:  # the layout before it
    from bot.fake_slack import FakeSlack  # type: ignore[import-not-found,no-redef]  # likewise
    from bot.sandbox import slack_payloads as sr  # type: ignore[import-not-found,no-redef]  # likewise

    from bot import ids  # type: ignore[attr-defined,no-redef]  # only on the old layout

SECRET = "bench-signing-secret"
TOKEN = "xoxb-bench-token"
ADMIN_CHANNEL = "C0BENCHADM"


class _Quiet(WSGIRequestHandler):
    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002 - the stdlib's name
        pass


@contextmanager
def running_bot(database: Path) -> Iterator[tuple[Any, Any, str]]:
    fake = FakeSlack(token=TOKEN, team_id=sr.TEAM_ID, bot_user_id=sr.BOT_USER_ID)
    with fake:
        fake.add_channel(ADMIN_CHANNEL, "bench-admin", is_private=True, is_member=True)
        settings = Settings(
            slack_bot_token=TOKEN,
            slack_signing_secret=SECRET,
            slack_api_url=fake.base_url,
            admin_channel_id=ADMIN_CHANNEL,
            database_url=f"sqlite:///{database}",
        )
        bot = create_app(settings)
        timer = getattr(bot, "outbox_timer", None)
        if timer is not None:
            timer.start()
        server = make_server("127.0.0.1", 0, SlackRequestHandler(bot.app), handler_class=_Quiet)
        threading.Thread(target=server.serve_forever, daemon=True).start()
        try:
            yield bot, fake, f"http://127.0.0.1:{server.server_port}"
        finally:
            server.shutdown()
            if timer is not None:
                bot.stop_timers()
            bot.engine.dispose()


def complete_draft(bot: Any, user_id: str) -> None:
    catalog = getattr(bot, "catalog", None) or bot.conversation.catalog
    flow = catalog.current
    answers: dict[str, Any] = {}
    for question in flow.questions:
        if question.id in LONGEST_PATH_ANSWERS:
            answers = apply_answer(flow, answers, question.id, LONGEST_PATH_ANSWERS[question.id]).answers
    now = datetime.now(UTC)
    draft = storage.start_draft(
        bot.engine, team_id=sr.TEAM_ID, user_id=user_id, flow_version_id=catalog.current_version_id, now=now
    )
    assert draft.id is not None
    storage.save_answers(
        bot.engine,
        draft.id,
        expected_version=draft.version,
        answers=answers,
        current_question_id=None,
        now=now,
    )


def wait_for(found: Any, timeout: float = 30.0) -> Any:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if result := found():
            return result
        time.sleep(0.001)
    raise TimeoutError("nothing came")


def submit_once(bot: Any, fake: Any, sender: Any, user_id: str) -> tuple[float, float]:
    """(click response seconds, click → admin post seconds) for one respondent."""
    complete_draft(bot, user_id)
    dm = fake.dm_channel(user_id) if hasattr(fake, "dm_channel") else None
    sender.send(sr.slash_command(user_id=user_id, team_id=sr.TEAM_ID, channel_id=dm or "D0", text="再開"))
    dm = fake.dm_channel(user_id)

    def review() -> dict[str, Any] | None:
        found = [
            m
            for m in fake.messages(dm)
            if any((b.get("block_id") or "").endswith("|review_actions") for b in m.get("blocks") or [])
        ]
        return found[-1] if found else None

    message = wait_for(review)
    block_id, element = sr.find_element(message["blocks"], lambda el: el.get("action_id") == ids.SUBMIT)
    request = sr.block_actions(
        user_id=user_id,
        team_id=sr.TEAM_ID,
        channel_id=dm,
        message_ts=message["ts"],
        message_blocks=message["blocks"],
        action=sr.action_for(block_id, element, None),
        trigger_id=fake.issue_trigger(user_id),
    )
    posted_before = len(fake.messages(ADMIN_CHANNEL))
    started = time.perf_counter()
    response = sender.send(request)
    acked = time.perf_counter() - started
    assert response.status == 200, response.text
    wait_for(lambda: len(fake.messages(ADMIN_CHANNEL)) > posted_before)
    return acked, time.perf_counter() - started


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--respondents", type=int, default=20)
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory() as folder, running_bot(Path(folder) / "bench.db") as (bot, fake, url):
        sender = sr.SlackSender(url, SECRET)
        submit_once(bot, fake, sender, "U0WARMUP0")  # imports, first connections, the flow's caches
        results = [submit_once(bot, fake, sender, f"U0BENCH{n:03d}") for n in range(args.respondents)]
    acks = sorted(ack * 1000 for ack, _ in results)
    posts = sorted(post * 1000 for _, post in results)
    print(f"送信 → admin post, {args.respondents} respondents one after another (SQLite, loopback):")
    print(f"  click response: median {statistics.median(acks):.1f} ms, max {acks[-1]:.1f} ms")
    print(f"  click → admin post stored: median {statistics.median(posts):.1f} ms, max {posts[-1]:.1f} ms")


if __name__ == "__main__":
    main()
