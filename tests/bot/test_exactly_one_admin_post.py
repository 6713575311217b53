"""Exactly one admin post, in effect: a process killed after Slack accepted the summary but before
it marked the outbox message sent must not lead to a second summary. Each admin post carries its
outbox id in Slack's message metadata; a later attempt looks for it in the channel first."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from datetime import timedelta
from pathlib import Path

from sqlalchemy import Engine
from sqlmodel import select

import storage
from bot.admin_post import admin_post_for
from bot.outbox import LEASE_SECONDS
from bot.slack_gateway import OUTBOX_EVENT
from sandbox import slack_payloads as sr
from sandbox.fake_slack import FakeSlack
from tests.bot.harness import ADMIN_CHANNEL, BOT_TOKEN, RESPONDENT, SIGNING_SECRET, Clock, build_bot

ROOT = Path(__file__).resolve().parents[2]

# A second bot process: it delivers the outbox once, with the real clock, and is killed mid-way.
WORKER = """
from bot.app import create_app
from bot.settings import Settings
bot = create_app(Settings.from_env(read_dotenv=False))
bot.delivery.deliver_due()
"""


def test_a_worker_killed_after_slack_accepted_the_post_leaves_one_post(
    engine: Engine, db_url: str, fake_slack: FakeSlack, clock: Clock
) -> None:
    bot = build_bot(engine, fake_slack, clock)  # no timers: the killed worker takes the message first
    version = bot.catalog.current_version_id
    draft = storage.start_draft(
        engine, team_id=sr.TEAM_ID, user_id=RESPONDENT, flow_version_id=version, now=clock()
    )
    storage.submit_draft(
        engine,
        draft.id or 0,
        expected_version=draft.version,
        answers={"org": {"code": "010020", "name": "総務部 法務文書課"}, "respondent_name": "新潟 太郎"},
        now=clock(),
        timezone=bot.clock.timezone,
        notifications=lambda made: [admin_post_for(made)],
    )
    fake_slack.hang_after("chat.postMessage", 60)  # Slack takes the post; its answer never arrives
    env = {k: v for k, v in os.environ.items() if not k.startswith(("SLACK_", "ADMIN_", "DATABASE_URL"))}
    env |= {
        "SLACK_BOT_TOKEN": BOT_TOKEN,
        "SLACK_SIGNING_SECRET": SIGNING_SECRET,
        "SLACK_API_URL": fake_slack.base_url,
        "ADMIN_CHANNEL_ID": ADMIN_CHANNEL,
        "DATABASE_URL": db_url,
        "no_proxy": "127.0.0.1",
    }
    worker = subprocess.Popen([sys.executable, "-c", WORKER], cwd=ROOT, env=env)
    try:
        [posted] = fake_slack.wait_for(lambda: fake_slack.messages(ADMIN_CHANNEL), timeout=30)
    finally:
        os.kill(worker.pid, signal.SIGKILL)  # after Slack accepted, before the outbox heard
        worker.wait()
    fake_slack.hang_after("chat.postMessage", 0)
    assert posted["metadata"]["event_type"] == OUTBOX_EVENT

    with storage.session_scope(engine) as session:
        [message] = session.exec(select(storage.OutboxMessage)).all()
    assert (message.status, message.attempts) == (storage.OutboxStatus.PENDING, 1)

    # The claim lapses; this process takes the message over and finds the post already there.
    clock.now = max(clock.now, message.claimed_until or clock.now) + timedelta(seconds=LEASE_SECONDS)
    bot.deliver()
    assert fake_slack.messages(ADMIN_CHANNEL) == [posted]
    with storage.session_scope(engine) as session:
        [message] = session.exec(select(storage.OutboxMessage)).all()
    assert (message.status, message.attempts) == (storage.OutboxStatus.SENT, 2)
    submission = storage.get_submission(engine, draft_id=draft.id or 0)
    assert submission is not None
    summary = storage.summary_post(engine, submission.id or 0)  # remembered, so updates edit it
    assert summary is not None and summary.ts == posted["ts"]
    history_calls = [params for method, params in fake_slack.calls if method == "conversations.history"]
    assert history_calls and all(
        str(p.get("include_all_metadata")).lower() in ("1", "true") for p in history_calls
    )
