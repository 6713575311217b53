from __future__ import annotations

from collections.abc import Iterator

import pytest
from sqlalchemy import Engine

from bot.app import Kikitori
from sandbox import slack_payloads as sr
from sandbox.fake_slack import FakeSlack
from tests.bot.harness import (
    OTHER,
    RESPONDENT,
    SIGNING_SECRET,
    Clock,
    Person,
    build_bot,
    fake_workspace,
    load_sample_departments,
    serve,
)


@pytest.fixture
def fake_slack() -> Iterator[FakeSlack]:
    with fake_workspace() as fake:
        yield fake


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def bot(engine: Engine, fake_slack: FakeSlack, clock: Clock) -> Iterator[Kikitori]:
    load_sample_departments(engine)
    bot = build_bot(engine, fake_slack, clock)
    bot.outbox_timer.start()  # nudged by 送信; its interval is longer than any test
    try:
        yield bot
    finally:
        bot.stop_timers()


@pytest.fixture
def bot_url(bot: Kikitori) -> Iterator[str]:
    with serve(bot) as url:
        yield url


@pytest.fixture
def sender(bot_url: str) -> sr.SlackSender:
    return sr.SlackSender(bot_url, SIGNING_SECRET)


@pytest.fixture
def respondent(fake_slack: FakeSlack, sender: sr.SlackSender) -> Person:
    return Person(RESPONDENT, fake_slack, sender)


@pytest.fixture
def other_person(fake_slack: FakeSlack, sender: sr.SlackSender) -> Person:
    return Person(OTHER, fake_slack, sender)
