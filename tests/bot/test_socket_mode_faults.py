"""Socket Mode under faults: the real bot, connected through slack_sdk's built-in client to the fake
Socket Mode server, loses its link mid-survey, is refused when it reconnects, and gets an envelope
again (the same envelope_id and payload, `retry_attempt` 1) after its ack was lost. It reconnects by
itself, and the survey goes on with every answer saved once: the draft's `version` moves by exactly
one per answer.

How slack_sdk's built-in client (slack_sdk.socket_mode.builtin) reconnects, which these tests rely on:

* a close frame from Slack: at once, from the receiving thread (`_on_close` → `connect_to_new_endpoint`:
  a new `apps.connections.open`, then the handshake);
* Slack's `disconnect` message: at once, forced, and the old link is closed by the client;
* a link cut without a close frame: the monitor, every `ping_interval` seconds, pings; a reset or
  four intervals without a pong end the session, and the next round connects anew;
* a refused handshake (HTTP 503) leaves an inactive session, and a failing `apps.connections.open`
  raises: either way the monitor tries again one `ping_interval` later.

bot/runner.py builds the handler with Bolt's default `ping_interval` (10 s); these tests build it
the same way with a short one, so that a reconnection takes a fraction of a second.

The link tests run on SQLite only (the link is under test, and the database has no part in it); the
tests of an envelope delivered twice, where the draft's optimistic lock and the table of seen event
ids do the work, run on both databases.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import pytest
from slack_bolt.adapter.socket_mode import SocketModeHandler
from sqlalchemy import Engine

import storage
from bot import refs, texts
from bot.app import Kikitori
from bot.runner import prepare
from bot.settings import Settings
from sandbox import slack_payloads as sr
from sandbox.fake_slack import FakeSlack
from sandbox.fake_slack.socket_mode import Connection, FakeSocketMode
from storage import Draft
from tests.bot.harness import (
    ADMIN,
    ADMIN_CHANNEL,
    BOT_TOKEN,
    RESPONDENT,
    Clock,
    load_sample_departments,
    question_id_of,
    wait_until_found,
)
from tests.bot.test_socket_mode import APP_TOKEN, ORG, stop_handler

# Seconds between slack_sdk's checks of the link (Bolt's default is 10). A link counts as stale after
# a whole number of seconds above four intervals without a pong: here 2 s, so a busy machine never
# makes the client drop a link that is fine.
PING_INTERVAL = 0.25
RECONNECT_TIMEOUT = 5.0
NOT_APPLIED = texts.STALE_SHOWN[:10]  # 「この操作は反映されませんでした」: STALE and STALE_SHOWN alike


@dataclass
class Running:
    bot: Kikitori
    handler: SocketModeHandler
    fake: FakeSlack
    socket_mode: FakeSocketMode

    @property
    def dm(self) -> str:
        return self.fake.dm_channel(RESPONDENT)

    def draft(self) -> Draft:
        draft = storage.find_active_draft(
            self.bot.engine, team_id=sr.TEAM_ID, user_id=RESPONDENT, flow_id=self.bot.catalog.current.id
        )
        assert draft is not None
        return draft

    def question(self, question_id: str) -> dict[str, Any]:
        """The newest message in the DM asking `question_id` (waits for it)."""

        def asking() -> dict[str, Any] | None:
            asked = reversed(self.fake.messages(self.dm))
            return next((m for m in asked if question_id_of(m) == question_id), None)

        return wait_until_found(self.fake, asking)

    def asked(self, question_id: str) -> int:
        return sum(question_id_of(m) == question_id for m in self.fake.messages(self.dm))

    def start(self) -> dict[str, Any]:
        """/survey typed in the DM: the first question."""
        command = sr.slash_command(user_id=RESPONDENT, team_id=sr.TEAM_ID, channel_id=self.dm, text="")
        self.socket_mode.wait_for_ack(self.socket_mode.push_slash_command(command.data))
        return self.question("org")

    def answer(self, message: dict[str, Any], value: Any, *, lose_ack: bool = False) -> str:
        """Choose or type `value` in the question's answer element; the envelope's id."""
        blocks = message["blocks"]
        block_id, element = sr.find_element(blocks, lambda el: el.get("action_id") == refs.ANSWER)
        request = sr.block_actions(
            user_id=RESPONDENT,
            team_id=sr.TEAM_ID,
            channel_id=self.dm,
            message_ts=message["ts"],
            message_blocks=blocks,
            action=sr.action_for(block_id, element, value),
            trigger_id=self.fake.issue_trigger(RESPONDENT),
        )
        return self.socket_mode.push_interactive(request.data, lose_ack=lose_ack)

    def type(self, text: str, *, lose_ack: bool = False) -> str:
        """`text` written in the DM's message box (an Events API delivery); the envelope's id."""
        event = sr.im_message(RESPONDENT, self.dm, text)
        return self.socket_mode.push_event(event.data, lose_ack=lose_ack)

    def up_to_respondent_name(self) -> dict[str, Any]:
        """/survey and 所属 answered: the 氏名 question."""
        self.socket_mode.wait_for_ack(self.answer(self.start(), ORG))
        return self.question("respondent_name")

    def connections_opened(self) -> int:
        return [method for method, _ in self.fake.calls].count("apps.connections.open")


@pytest.fixture
def socket_mode(fake_slack: FakeSlack) -> Iterator[FakeSocketMode]:
    fake_slack.app_token = APP_TOKEN
    with FakeSocketMode(fake_slack) as server:
        yield server


@pytest.fixture
def running(
    engine: Engine,
    fake_slack: FakeSlack,
    socket_mode: FakeSocketMode,
    clock: Clock,
    monkeypatch: pytest.MonkeyPatch,
) -> Iterator[Running]:
    for name in ("HTTPS_PROXY", "https_proxy", "HTTP_PROXY", "http_proxy"):
        monkeypatch.delenv(name, raising=False)  # slack_sdk would tunnel the loopback link through it
    load_sample_departments(engine)
    settings = Settings(
        slack_bot_token=BOT_TOKEN,
        slack_app_token=APP_TOKEN,
        slack_api_url=fake_slack.base_url,
        admin_channel_id=ADMIN_CHANNEL,
        admin_user_ids=frozenset({ADMIN}),
    )
    bot = prepare(settings, engine=engine, clock=clock)
    # As bot/runner.py's run_socket_mode(block=False) does, but with a short ping interval.
    handler = SocketModeHandler(bot.app, app_token=settings.slack_app_token, ping_interval=PING_INTERVAL)
    bot.start_timers()
    try:
        handler.connect()
        socket_mode.wait_for_connection()
        yield Running(bot, handler, fake_slack, socket_mode)
    finally:
        bot.stop_timers()
        stop_handler(handler, socket_mode)


def _cut(socket_mode: FakeSocketMode, how: str) -> Connection:
    link = socket_mode.wait_for_connection()
    if how == "network":  # no close frame: the client finds out by its pings
        socket_mode.drop(link)
    elif how == "close":  # Slack closes the link (a server going away)
        link.close(1001, "going away")
    else:  # Slack asks for a new link first, and closes the old one once the app has it
        socket_mode.disconnect("refresh_requested", link)
        socket_mode.wait_for_new_connection(link, timeout=RECONNECT_TIMEOUT)
        link.close(1000)
    return link


LINK_ONLY = pytest.mark.parametrize("db_url", ["sqlite"], indirect=True)


# ----- the link drops mid-survey -------------------------------------------------------------------


@LINK_ONLY
@pytest.mark.parametrize("how", ["network", "close", "disconnect"])
def test_the_bot_reconnects_by_itself_and_the_survey_goes_on(running: Running, how: str) -> None:
    socket_mode = running.socket_mode
    name_question = running.up_to_respondent_name()
    before = running.draft()
    assert before.answers["org"]["code"] == "010020"

    old = _cut(socket_mode, how)
    new = socket_mode.wait_for_new_connection(old, timeout=RECONNECT_TIMEOUT)
    assert not old.is_open
    assert running.connections_opened() == 2  # a fresh apps.connections.open: a ticket opens one link

    envelope_id = running.answer(name_question, "新潟 太郎")
    assert socket_mode.wait_for_ack(envelope_id) == {"envelope_id": envelope_id}
    assert socket_mode.envelope(envelope_id) in socket_mode.deliveries(envelope_id)
    running.question("q1_title")
    after = running.draft()
    assert after.answers == {**before.answers, "respondent_name": "新潟 太郎"}
    assert after.version == before.version + 1
    assert socket_mode.connections == [new]


# ----- reconnecting is refused once ----------------------------------------------------------------


@LINK_ONLY
@pytest.mark.parametrize("refusal", ["handshake", "apps.connections.open"])
def test_a_refused_reconnection_is_tried_again(running: Running, refusal: str) -> None:
    socket_mode = running.socket_mode
    name_question = running.up_to_respondent_name()
    before = running.draft()
    if refusal == "handshake":
        socket_mode.refuse_next_handshakes(1, 503)  # a Slack server restarting
    else:
        running.fake.fail_next("apps.connections.open", error="internal_error")

    old = _cut(socket_mode, "close")
    socket_mode.wait_for_new_connection(old, timeout=RECONNECT_TIMEOUT)
    if refusal == "handshake":
        assert socket_mode.refused_handshakes == [503]
    assert running.connections_opened() == 3  # the first link, the refused attempt, the new link

    socket_mode.wait_for_ack(running.answer(name_question, "新潟 太郎"))
    running.question("q1_title")
    after = running.draft()
    assert after.answers == {**before.answers, "respondent_name": "新潟 太郎"}
    assert after.version == before.version + 1


# ----- an envelope whose ack was lost comes again ----------------------------------------------------


def test_a_click_delivered_again_after_its_ack_was_lost_is_applied_once(running: Running) -> None:
    socket_mode = running.socket_mode
    socket_mode.wait_for_ack(running.answer(running.up_to_respondent_name(), "新潟 太郎"))
    title_question = running.question("q1_title")
    before = running.draft()

    old = socket_mode.wait_for_connection()
    envelope_id = running.answer(title_question, "主任", lose_ack=True)
    socket_mode.wait_for_new_connection(old, timeout=RECONNECT_TIMEOUT)
    assert socket_mode.lost_acks(envelope_id) and not socket_mode.acks(envelope_id)

    assert socket_mode.redeliver(envelope_id, retry_reason="timeout") == 1
    assert socket_mode.wait_for_ack(envelope_id) == {"envelope_id": envelope_id}
    first, again = socket_mode.deliveries(envelope_id)
    assert again["payload"] == first["payload"] and again["retry_attempt"] == 1
    # Whichever of the two was handled second found the draft at another version and said so.
    running.fake.wait_for(
        lambda: any(NOT_APPLIED in m["text"] for m in running.fake.ephemeral(running.dm, RESPONDENT))
    )
    running.question("q2_age")
    after = running.draft()
    assert after.answers == {**before.answers, "q1_title": "主任"}
    assert after.version == before.version + 1


def test_a_typed_answer_delivered_again_after_its_ack_was_lost_is_applied_once(
    running: Running, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO, logger="bot.redelivery")
    socket_mode = running.socket_mode
    socket_mode.wait_for_ack(running.answer(running.up_to_respondent_name(), "新潟 太郎"))
    running.question("q1_title")
    before = running.draft()

    # 「1」 is the first choice of 質問1, and would be the first of 質問2 too if it were applied twice.
    old = socket_mode.wait_for_connection()
    envelope_id = running.type("1", lose_ack=True)
    socket_mode.wait_for_new_connection(old, timeout=RECONNECT_TIMEOUT)
    running.question("q2_age")  # the first delivery was handled in full
    shown = len(running.fake.messages(running.dm))

    assert socket_mode.redeliver(envelope_id, retry_reason="timeout") == 1
    assert socket_mode.wait_for_ack(envelope_id) == {"envelope_id": envelope_id}
    # The event's id was seen: the redelivery is only acknowledged, before any listener runs.
    assert "ignored a redelivered event" in caplog.messages
    after = running.draft()
    assert after.answers == {**before.answers, "q1_title": "主事・技師"}
    assert after.version == before.version + 1
    assert len(running.fake.messages(running.dm)) == shown and running.asked("q2_age") == 1
