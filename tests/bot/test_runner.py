"""`python -m bot`: the mode follows the settings, a missing setting is named, and HTTP mode really
serves the bot under waitress (separate processes, as in production)."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

from bot.runner import Mode, choose_mode
from bot.settings import Settings
from sandbox import slack_payloads as sr
from sandbox.fake_slack import FakeSlack
from tests.bot.harness import ADMIN_CHANNEL, BOT_TOKEN, RESPONDENT, SIGNING_SECRET, fake_workspace

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.parametrize(
    ("settings", "expected"),
    [
        (Settings(), Mode.SANDBOX),
        (Settings(slack_bot_token="xoxb-1", slack_app_token="xapp-1"), Mode.SOCKET),
        (Settings(slack_bot_token="xoxb-1", slack_signing_secret="s"), Mode.HTTP),
        # Both: Socket Mode needs no public URL, so it wins unless HTTP is asked for.
        (Settings(slack_bot_token="xoxb-1", slack_signing_secret="s", slack_app_token="xapp-1"), Mode.SOCKET),
    ],
)
def test_the_mode_follows_the_settings(settings: Settings, expected: Mode) -> None:
    assert choose_mode(settings).mode is expected


@pytest.mark.parametrize(
    ("settings", "requested", "missing"),
    [
        (Settings(slack_bot_token="xoxb-1"), None, "SLACK_SIGNING_SECRET"),
        (Settings(slack_signing_secret="s"), None, "SLACK_BOT_TOKEN"),
        (Settings(slack_app_token="xapp-1"), None, "SLACK_BOT_TOKEN"),
        (Settings(slack_bot_token="xoxb-1", slack_app_token="xoxb-2"), None, "xapp-"),
        (Settings(slack_bot_token="xoxb-1", slack_signing_secret="s"), Mode.SOCKET, "SLACK_APP_TOKEN"),
        (Settings(slack_bot_token="xoxb-1", slack_app_token="xapp-1"), Mode.HTTP, "SLACK_SIGNING_SECRET"),
    ],
)
def test_what_is_missing_is_named(settings: Settings, requested: Mode | None, missing: str) -> None:
    choice = choose_mode(settings, requested)
    assert choice.mode is None and choice.problem is not None and missing in choice.problem


def _env(**values: str) -> dict[str, str]:
    keep = {k: v for k, v in os.environ.items() if not k.startswith(("SLACK_", "ADMIN_", "DATABASE_URL"))}
    return {**keep, "PYTHONUNBUFFERED": "1", **values}


def test_python_m_bot_says_what_is_missing_and_exits(tmp_path: Path) -> None:
    result = subprocess.run(
        [sys.executable, "-m", "bot"],
        env=_env(SLACK_BOT_TOKEN="xoxb-only"),
        cwd=tmp_path,  # no .env here
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 2
    assert "SLACK_SIGNING_SECRET" in result.stderr and "xoxb-only" not in result.stderr


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture
def public_admin_channel() -> Iterator[FakeSlack]:
    with fake_workspace() as fake:
        fake.add_channel(ADMIN_CHANNEL, "leak-survey-admin", is_private=False, is_member=True)
        yield fake


def _wait_until_healthy(url: str, process: subprocess.Popen[str]) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        assert process.poll() is None, process.communicate()[0]
        try:
            with urllib.request.urlopen(url + "/healthz", timeout=1) as reply:
                if reply.status == 200:
                    return
        except OSError:
            time.sleep(0.2)
    raise AssertionError("the HTTP server never became healthy")


def test_http_mode_serves_the_bot_in_two_worker_processes(
    tmp_path: Path, public_admin_channel: FakeSlack
) -> None:
    fake = public_admin_channel
    port = _free_port()
    env = _env(
        SLACK_BOT_TOKEN=BOT_TOKEN,
        SLACK_SIGNING_SECRET=SIGNING_SECRET,
        SLACK_API_URL=fake.base_url,
        ADMIN_CHANNEL_ID=ADMIN_CHANNEL,
        DATABASE_URL=f"sqlite:///{tmp_path}/kikitori.db",
        HOST="127.0.0.1",
        PORT=str(port),
        WEB_CONCURRENCY="2",
        no_proxy="127.0.0.1",
    )
    process = subprocess.Popen(
        [sys.executable, "-m", "bot", "--http"],
        env=env,
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        _wait_until_healthy(url, process)
        sender = sr.SlackSender(url, SIGNING_SECRET)
        dm = fake.dm_channel(RESPONDENT)
        reply = sender.send(sr.slash_command(user_id=RESPONDENT, team_id=sr.TEAM_ID, channel_id=dm, text=""))
        assert reply.status == 200
        fake.wait_for(lambda: any("org|input" in str(m.get("blocks")) for m in fake.messages(dm)), timeout=20)
        forged = sender.send(
            sr.slash_command(user_id=RESPONDENT, team_id=sr.TEAM_ID, channel_id=dm), signature="v0=0"
        )
        assert forged.status == 401
    finally:
        process.send_signal(signal.SIGTERM)
        output, _ = process.communicate(timeout=30)
    assert "HTTP mode" in output
    assert "public" in output.lower()  # the start-up check warned about the admin channel
    assert BOT_TOKEN not in output and SIGNING_SECRET not in output


@pytest.mark.parametrize(
    ("setting", "value", "named"),
    [
        ("BUSINESS_HOURS", "9時から5時", "BUSINESS_HOURS"),
        ("CLOSED_DAYS", "2026/12/28", "CLOSED_DAYS"),
        ("REMINDER_MAX", "three", "REMINDER_MAX"),
        ("REMINDER_EVERY_DAYS", "0", "every_business_days"),
        ("TIMEZONE", "Asia/Nowhere", "Asia/Nowhere"),
    ],
)
def test_a_wrong_setting_is_named_before_anything_starts(
    tmp_path: Path, setting: str, value: str, named: str
) -> None:
    result = subprocess.run(
        [sys.executable, "-m", "bot"],
        env=_env(**{setting: value}),
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 2, result.stderr
    assert "Cannot start" in result.stderr and named in result.stderr
    assert "Traceback" not in result.stderr
