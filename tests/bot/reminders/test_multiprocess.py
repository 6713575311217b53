"""Several bot processes sweeping one PostgreSQL database: every due reminder reaches Slack once.

Each process is a real `python -m tests.bot.reminders.sweeper_process` building the bot with
`create_app` and calling `run_due_work()`; the fake Slack runs here and counts the DMs. A process
killed (SIGKILL) in the middle of a sweep, or of a delivery, only delays its rows until its lease
runs out: the next process sends each reminder, once.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from collections import Counter
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import Engine, func, update
from sqlmodel import col, select

import storage
from bot import outbox, settings
from bot.reminders import service
from flows.load import load_flow
from sandbox.fake_slack import FakeSlack
from storage import Draft, DraftStatus, OutboxMessage, OutboxStatus
from tests.bot.reminders.sweeper_process import ADMIN_CHANNEL, BOT_TOKEN

# Only PostgreSQL: several processes sharing the work is what it is for (one SQLite file, one process).
pytestmark = pytest.mark.parametrize("db_url", ["postgresql"], indirect=True)

ROOT = Path(__file__).resolve().parents[3]
TOKYO = ZoneInfo("Asia/Tokyo")
NOW = datetime(2026, 11, 26, 10, 0, tzinfo=TOKYO)  # a Thursday, inside business hours
STARTED = datetime(2026, 11, 24, 10, 0, tzinfo=TOKYO)  # idle since Tuesday
FIRST_REMINDER = datetime(2026, 11, 25, 10, 0, tzinfo=TOKYO)  # one business day later: due
DUE_DRAFTS = 60
WAIT_SECONDS = 30
FLOW = load_flow(settings.SHIPPED_FLOW)
REMINDER_TEXT = f"「{FLOW.title}」の回答のお願い"
# Past both leases: what a killed process held is anyone's again.
AFTER_THE_LEASES = NOW + timedelta(seconds=max(service.LEASE_SECONDS, outbox.LEASE_SECONDS) + 60)


@pytest.fixture
def fake() -> Iterator[FakeSlack]:
    with FakeSlack(token=BOT_TOKEN) as slack:
        slack.add_channel(ADMIN_CHANNEL, "leak-survey-admin", is_private=True, is_member=True)
        yield slack


def user(index: int) -> str:
    return f"U0MP{index:05d}"


def seed(engine: Engine, due: int, not_yet: int = 0) -> list[str]:
    """`due` drafts idle since Tuesday with their first reminder due, and `not_yet` begun this morning."""
    version = storage.register_flow(engine, FLOW)  # the same version the bot's catalogue registers
    due_users = [user(index) for index in range(due)]
    for index in range(due + not_yet):
        draft = storage.start_draft(
            engine,
            team_id="T0KIKITORI",
            user_id=user(index),
            flow_version_id=version.id,
            now=STARTED if index < due else NOW - timedelta(minutes=30),
        )
        # As an earlier sweep would have scheduled it.
        next_at = FIRST_REMINDER if index < due else NOW + timedelta(days=1)
        with storage.session_scope(engine) as session:
            session.exec(
                update(Draft)
                .where(col(Draft.id) == draft.id)
                .values(next_reminder_at=next_at)
                .execution_options(synchronize_session=False)
            )
    return due_users


@dataclass
class Sweeper:
    process: subprocess.Popen[str]
    ready: Path
    stderr: Path

    def result(self) -> dict[str, Any]:
        out, _ = self.process.communicate(timeout=WAIT_SECONDS)
        assert self.process.returncode == 0, self.stderr.read_text()
        return json.loads(out.strip().splitlines()[-1])

    def kill(self) -> None:
        os.kill(self.process.pid, signal.SIGKILL)
        self.process.wait(timeout=WAIT_SECONDS)
        assert self.process.returncode == -signal.SIGKILL


def spawn(tmp_path: Path, name: str, db_url: str, fake: FakeSlack, clock: datetime, *options: str) -> Sweeper:
    ready, stderr = tmp_path / f"ready-{name}", tmp_path / f"stderr-{name}"
    command = [
        sys.executable,
        "-m",
        "tests.bot.reminders.sweeper_process",
        f"--database-url={db_url}",
        f"--slack-url={fake.base_url}",
        f"--clock={clock.isoformat()}",
        f"--ready={ready}",
        f"--go={tmp_path / 'go'}",
        *options,
    ]
    with stderr.open("w") as err:
        process = subprocess.Popen(command, cwd=ROOT, stdout=subprocess.PIPE, stderr=err, text=True)
    return Sweeper(process, ready, stderr)


def wait_for(paths: Sequence[Path], sweepers: Sequence[Sweeper]) -> None:
    deadline = time.monotonic() + WAIT_SECONDS
    while not all(path.exists() for path in paths):
        for sweeper in sweepers:
            assert sweeper.process.poll() is None, sweeper.stderr.read_text()
        assert time.monotonic() < deadline, "the processes never got there"
        time.sleep(0.01)


def release(tmp_path: Path, sweepers: Sequence[Sweeper]) -> None:
    """Start them all at the same moment, once each has built its bot."""
    wait_for([sweeper.ready for sweeper in sweepers], sweepers)
    (tmp_path / "go").touch()


def reminders_received(fake: FakeSlack) -> Counter[str]:
    """Reminder DMs posted, per DM channel."""
    return Counter(
        params["channel"]
        for method, params in fake.calls
        if method == "chat.postMessage" and params.get("text") == REMINDER_TEXT
    )


def once_each(users: Sequence[str]) -> Counter[str]:
    return Counter({f"D{user_id}": 1 for user_id in users})  # the fake's DM channel with each


def reminder_messages(engine: Engine) -> Counter[tuple[str, str | None]]:
    """(status, "claimed" while a lease is on it) → how many reminder messages."""
    with storage.session_scope(engine) as session:
        rows = session.exec(select(OutboxMessage).where(OutboxMessage.kind == service.REMINDER)).all()
    return Counter((row.status, "claimed" if row.claimed_until else None) for row in rows)


def drafts_claimed(engine: Engine) -> int:
    with storage.session_scope(engine) as session:
        return session.exec(
            select(func.count()).select_from(Draft).where(col(Draft.reminder_claimed_by).is_not(None))
        ).one()


def assert_reminded_once(engine: Engine, fake: FakeSlack, users: Sequence[str]) -> None:
    assert reminders_received(fake) == once_each(users)
    with storage.session_scope(engine) as session:
        drafts = session.exec(select(Draft).where(Draft.status == DraftStatus.IN_PROGRESS)).all()
    sent = {draft.user_id: draft.reminders_sent for draft in drafts}
    assert {user_id: sent[user_id] for user_id in users} == dict.fromkeys(users, 1)
    assert drafts_claimed(engine) == 0
    assert reminder_messages(engine) == Counter({(OutboxStatus.SENT, None): len(users)})


@pytest.mark.parametrize("processes", [2, 4])
def test_processes_sweeping_at_once_send_every_due_reminder_once(
    engine: Engine, db_url: str, fake: FakeSlack, tmp_path: Path, processes: int
) -> None:
    due_users = seed(engine, DUE_DRAFTS, not_yet=10)
    # Clocks a second apart, so that a row acted on twice would give two outbox messages (the dedupe
    # key carries the time) and two DMs, instead of being absorbed by the outbox. Small claims, so
    # that the processes race for the rows many times over.
    sweepers = [
        spawn(tmp_path, str(index), db_url, fake, NOW + timedelta(seconds=index), "--sweep-limit=3")
        for index in range(processes)
    ]
    release(tmp_path, sweepers)
    results = [sweeper.result() for sweeper in sweepers]

    assert sum(result["reminded"] for result in results) == DUE_DRAFTS, results
    assert sum(result["delivered"] for result in results) == DUE_DRAFTS, results
    assert_reminded_once(engine, fake, due_users)  # and nothing for the 10 not due yet


def test_a_process_killed_mid_sweep_delays_its_reminders_until_its_lease_ends(
    engine: Engine, db_url: str, fake: FakeSlack, tmp_path: Path
) -> None:
    due_users = seed(engine, DUE_DRAFTS)
    (tmp_path / "go").touch()
    marker = tmp_path / "stopped"
    # Sweeping 20 at a time, it settles one batch, claims the next 20 and stops inside their
    # settle transaction (the UPDATEs done, not committed): killed there.
    killed = spawn(
        tmp_path, "killed", db_url, fake, NOW, "--sweep-limit=20", "--hang-in-settle=1", f"--marker={marker}"
    )
    wait_for([marker], [killed])
    killed.kill()
    assert drafts_claimed(engine) == 20  # the second batch's settle was rolled back with the kill
    assert reminder_messages(engine) == Counter({(OutboxStatus.SENT, None): 20})  # the first batch's
    assert len(reminders_received(fake)) == 20

    # Within the lease, another process reminds the 20 nobody had claimed and leaves the 20 claimed
    # rows alone.
    within = spawn(tmp_path, "within", db_url, fake, NOW + timedelta(seconds=60), "--rounds=1").result()
    assert (within["claimed"], within["reminded"], within["delivered"]) == (20, 20, 20)
    assert drafts_claimed(engine) == 20

    after = spawn(tmp_path, "after", db_url, fake, AFTER_THE_LEASES).result()
    assert (after["claimed"], after["reminded"], after["delivered"]) == (20, 20, 20)
    assert_reminded_once(engine, fake, due_users)


def test_a_process_killed_before_posting_leaves_the_message_to_another(
    engine: Engine, db_url: str, fake: FakeSlack, tmp_path: Path
) -> None:
    due_users = seed(engine, DUE_DRAFTS)
    (tmp_path / "go").touch()
    marker = tmp_path / "stopped"
    # It settles all 60 (60 messages enqueued), claims 20 of them, posts 5 and is killed before the 6th.
    killed = spawn(tmp_path, "killed", db_url, fake, NOW, "--hang-before-post=5", f"--marker={marker}")
    wait_for([marker], [killed])
    killed.kill()
    assert len(reminders_received(fake)) == 5
    assert reminder_messages(engine) == Counter(
        {
            (OutboxStatus.SENT, None): 5,
            (OutboxStatus.PENDING, "claimed"): 15,
            (OutboxStatus.PENDING, None): 40,
        }
    )

    after = spawn(tmp_path, "after", db_url, fake, AFTER_THE_LEASES).result()
    assert (after["claimed"], after["delivered"]) == (0, DUE_DRAFTS - 5)
    assert_reminded_once(engine, fake, due_users)
