"""PostgreSQL stops and starts again under the running bot (HTTP mode, the real app).

While the database is down every action of a respondent is acknowledged and answered with the
Japanese note texts.DB_UNAVAILABLE, shown only to them (an ephemeral message in their DM), through
bot/listeners/carrying.py; nothing is half-saved. Once it is back, the same process serves again:
the engine's pool replaces the connections the restart broke, before anyone uses them (storage/db.py:
a closed connection's socket has the server's goodbye to read, which costs no round trip).

The test has a PostgreSQL server of its own (pgserver, in its own data directory), whatever
DATABASE_URL says: the one the rest of the session shares, or the one DATABASE_URL names, is never
stopped. Like every PostgreSQL test, it errors out rather than skips when the server cannot start.
"""

from __future__ import annotations

import logging
import shutil
import subprocess
import tempfile
from collections.abc import Iterator
from typing import Any

import pgserver
import pytest
from pgserver._commands import POSTGRES_BIN_PATH
from sqlalchemy import Engine

import storage
from bot import refs, texts
from bot.app import Kikitori
from sandbox import slack_payloads as sr
from sandbox.fake_slack import FakeSlack
from storage import Draft
from storage.db import database_url
from tests.bot.harness import (
    RESPONDENT,
    SIGNING_SECRET,
    Clock,
    Person,
    build_bot,
    load_sample_departments,
    serve,
    start_and_answer_org,
)


class RestartablePostgres:
    """A pgserver instance that a test may stop and start; its URL stays the same (same socket)."""

    def __init__(self, data_dir: str) -> None:
        self.server = pgserver.get_server(data_dir, cleanup_mode="stop")

    @property
    def url(self) -> str:
        return database_url({"DATABASE_URL": self.server.get_uri()})

    def stop(self) -> None:
        # Fast shutdown: open sessions are ended, as when the server restarts for an upgrade.
        pg_ctl = POSTGRES_BIN_PATH / "pg_ctl"
        command = [str(pg_ctl), "-D", str(self.server.pgdata), "-w", "-m", "fast", "stop"]
        subprocess.run(command, check=True, capture_output=True, user=self.server.system_user, timeout=30)

    def start(self) -> None:
        self.server.ensure_postgres_running()  # pg_ctl start on the same data directory and socket


@pytest.fixture(scope="module")
def postgres() -> Iterator[RestartablePostgres]:
    data_dir = tempfile.mkdtemp(prefix="kikitori-pgr-")  # short: the Unix socket lives there
    instance = RestartablePostgres(data_dir)
    try:
        yield instance
    finally:
        instance.server.cleanup()
        shutil.rmtree(data_dir, ignore_errors=True)


@pytest.fixture
def restart_engine(postgres: RestartablePostgres) -> Iterator[Engine]:
    engine = storage.make_engine(postgres.url)
    storage.upgrade(engine)
    try:
        yield engine
    finally:
        engine.dispose()


@pytest.fixture
def running_bot(restart_engine: Engine, fake_slack: FakeSlack, clock: Clock) -> Iterator[Kikitori]:
    load_sample_departments(restart_engine)
    bot = build_bot(restart_engine, fake_slack, clock)
    try:
        yield bot
    finally:
        bot.stop_timers()


def test_the_bot_serves_again_after_postgres_restarts_and_loses_nothing(
    postgres: RestartablePostgres,
    running_bot: Kikitori,
    fake_slack: FakeSlack,
    caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.INFO)
    bot = running_bot
    with serve(bot) as url:
        person = Person(RESPONDENT, fake_slack, sr.SlackSender(url, SIGNING_SECRET))
        name_question = start_and_answer_org(person)
        before = _draft(bot)
        assert before.answers["org"]["code"] == "010020"
        shown = len(person.messages())

        postgres.stop()
        try:
            # An answer, /survey and a word typed in the DM: each acknowledged, each told why not.
            person.act(name_question, refs.NEXT, state={refs.ANSWER: "新潟 太郎"})
            _wait_for_notes(fake_slack, person, 1)
            assert person.command("").status == 200
            _wait_for_notes(fake_slack, person, 2)
            typed = sr.im_message(RESPONDENT, person.dm, "再開")
            assert person.sender.send(typed).status == 200
            _wait_for_notes(fake_slack, person, 3)
            assert len(person.messages()) == shown  # nothing said as if it had worked
        finally:
            postgres.start()

        # The same process and engine: the pool drops the connections the restart broke.
        assert _draft(bot).answers == before.answers and _draft(bot).version == before.version
        person.act(name_question, refs.NEXT, state={refs.ANSWER: "新潟 太郎"})
        title_question = person.question("q1_title")
        after = _draft(bot)
        assert after.answers == {**before.answers, "respondent_name": "新潟 太郎"}
        assert after.version == before.version + 1

        # A restart while nobody acts leaves only broken connections in the pool: the next click
        # works the first time (each connection is checked before use) and no note is needed.
        postgres.stop()
        postgres.start()
        person.act(title_question, refs.ANSWER, "主任")
        person.question("q2_age")
        assert _draft(bot).answers == {**after.answers, "q1_title": "主任"}
        assert _draft(bot).version == after.version + 1
        assert len(_wait_for_notes(fake_slack, person, 3)) == 3

    # Every failure was handled where it happened: logged by class, never as a traceback.
    assert [r for r in caplog.records if r.exc_info] == []
    refused = [r.getMessage() for r in caplog.records if r.levelno >= logging.ERROR]
    assert refused and all("OperationalError" in message for message in refused), refused


def _draft(bot: Kikitori) -> Draft:
    draft = storage.find_active_draft(
        bot.engine, team_id=sr.TEAM_ID, user_id=RESPONDENT, flow_id=bot.catalog.current.id
    )
    assert draft is not None
    return draft


def _wait_for_notes(fake: FakeSlack, person: Person, count: int) -> list[dict[str, Any]]:
    """The notes only the person sees in their DM, once there are `count` saying the database failed."""

    def notes() -> list[dict[str, Any]] | None:
        found = [
            m for m in fake.ephemeral(person.dm, person.user_id) if m.get("text") == texts.DB_UNAVAILABLE
        ]
        return found if len(found) >= count else None

    found = fake.wait_for(notes)
    assert found is not None
    return found
