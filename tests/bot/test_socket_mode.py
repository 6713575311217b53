"""Socket Mode start-up wiring: `run_socket_mode` connects the real Bolt app, through slack_sdk's built-in
client, to a fake Slack (Web API and Socket Mode WebSocket on loopback); envelopes pushed as Slack sends them
reach the bot's listeners and come back acknowledged."""

from __future__ import annotations

import base64
import json
import os
import socket
import struct
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

import pytest
from slack_bolt import App
from slack_bolt.adapter.socket_mode import SocketModeHandler
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError
from sqlalchemy import Engine

import storage
from bot import refs
from bot.app import Kikitori
from bot.runner import Mode, choose_mode, prepare, run_socket_mode
from bot.settings import Settings
from sandbox import slack_payloads as sr
from sandbox.fake_slack import FakeSlack
from sandbox.fake_slack.socket_mode import (
    CLOSE,
    PING,
    PONG,
    TEXT,
    FakeSocketMode,
    Frame,
    ProtocolError,
    accept_key,
    decode_frame,
    encode_frame,
)
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

# An app-level token has Slack's shape: xapp-1-<app id>-<number>-<hex>.
APP_TOKEN = f"xapp-1-{sr.API_APP_ID}-1700000000001-{'0123456789abcdef' * 4}"
ORG = {"text": {"type": "plain_text", "text": "010020 総務部 法務文書課", "emoji": True}, "value": "010020"}


@dataclass
class Running:
    bot: Kikitori
    handler: Any  # slack_bolt's SocketModeHandler


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
        slack_app_token=APP_TOKEN,  # and no signing secret: Socket Mode needs none
        slack_api_url=fake_slack.base_url,
        admin_channel_id=ADMIN_CHANNEL,
        admin_user_ids=frozenset({ADMIN}),
    )
    assert choose_mode(settings).mode is Mode.SOCKET
    bot = prepare(settings, engine=engine, clock=clock)
    handler = run_socket_mode(bot, block=False)
    try:
        yield Running(bot, handler)
    finally:
        bot.stop_timers()  # run_socket_mode started them
        stop_handler(handler, socket_mode)


def stop_handler(handler: Any, socket_mode: FakeSocketMode) -> None:
    # No reconnecting once the fake says goodbye; then the goodbye wakes the client's blocking read
    # (it holds a lock close() needs) instead of close() waiting out its 3 s receive timeout.
    handler.client.auto_reconnect_enabled = False
    socket_mode.stop()
    _close(handler)


def _close(handler: SocketModeHandler) -> None:
    # slack_sdk's message loop polls its queue once a second; marking the client closed and waking the
    # loop with an empty message spares each test that second.
    handler.client.closed = True
    handler.client.message_queue.put(None)
    handler.close()


# ----- start-up ------------------------------------------------------------------------------------


def test_connects_with_the_app_token_and_gets_hello(
    running: Running, fake_slack: FakeSlack, socket_mode: FakeSocketMode
) -> None:
    connection = socket_mode.wait_for_connection()
    assert running.handler.client.is_connected()
    assert [method for method, _ in fake_slack.calls].count("apps.connections.open") == 1
    [hello] = socket_mode.hellos
    assert hello["type"] == "hello" and hello["num_connections"] == 1
    assert hello["connection_info"] == {"app_id": fake_slack.app_id}
    assert hello["debug_info"]["approximate_connection_time"] > 0
    # slack_sdk pings as soon as it is connected and judges the link by the pongs.
    fake_slack.wait_for(lambda: connection.pings >= 1, timeout=3)


# ----- envelopes reach the bot's listeners -----------------------------------------------------------


def test_survey_command_and_answer_over_socket_mode(
    running: Running, fake_slack: FakeSlack, socket_mode: FakeSocketMode
) -> None:
    socket_mode.wait_for_connection()
    # Typed in a channel (in the DM the reply would be the question itself): it answers in the ack.
    command = sr.slash_command(user_id=RESPONDENT, team_id=sr.TEAM_ID, channel_id="C0GENERAL", text="")
    envelope_id = socket_mode.push_slash_command(command.data)
    ack = socket_mode.wait_for_ack(envelope_id)  # within Slack's 3 s
    assert socket_mode.envelope(envelope_id)["accepts_response_payload"] is True
    assert "ダイレクトメッセージ" in ack["payload"]["text"]  # the command's reply travels in the ack
    question = _wait_for_question(fake_slack, "org")

    envelope_id = socket_mode.push_interactive(_answer(fake_slack, question, ORG))
    assert socket_mode.wait_for_ack(envelope_id) == {"envelope_id": envelope_id}
    _wait_for_question(fake_slack, "respondent_name")
    draft = storage.find_active_draft(
        running.bot.engine,
        team_id=sr.TEAM_ID,
        user_id=RESPONDENT,
        flow_id=running.bot.catalog.current.id,
    )
    assert draft is not None and draft.answers["org"]["code"] == "010020"
    assert socket_mode.acks(envelope_id) == [{"envelope_id": envelope_id}]  # acked once, not retried


def test_direct_message_event_is_acked_and_unknown_envelopes_are_not(
    running: Running, fake_slack: FakeSlack, socket_mode: FakeSocketMode
) -> None:
    socket_mode.wait_for_connection()
    dm = fake_slack.dm_channel(RESPONDENT)
    before = len(fake_slack.messages(dm))
    event = sr.im_message(RESPONDENT, dm, "ヘルプ")
    envelope_id = socket_mode.push_event(event.data)
    assert socket_mode.wait_for_ack(envelope_id) == {"envelope_id": envelope_id}
    assert socket_mode.envelope(envelope_id)["retry_attempt"] == 0
    help_text = fake_slack.wait_for(lambda: fake_slack.messages(dm)[before:])
    assert "/survey" in json.dumps(help_text, ensure_ascii=False)
    # Bolt answers nothing for a command it has no listener for: the acks above are the bot's own.
    unknown = sr.slash_command(user_id=RESPONDENT, team_id=sr.TEAM_ID, channel_id=dm, command="/unknown")
    envelope_id = socket_mode.push_slash_command(unknown.data)
    with pytest.raises(TimeoutError):
        socket_mode.wait_for_ack(envelope_id, timeout=0.5)


# ----- apps.connections.open -------------------------------------------------------------------------


def test_apps_connections_open_takes_only_the_app_level_token(
    fake_slack: FakeSlack, socket_mode: FakeSocketMode
) -> None:
    client = WebClient(base_url=fake_slack.base_url, timeout=5)
    assert _error_of(client, app_token=BOT_TOKEN) == "not_allowed_token_type"
    assert _error_of(client, app_token="xapp-1-A0OTHER-1-ffff") == "invalid_auth"
    url = client.apps_connections_open(app_token=APP_TOKEN)["url"]
    assert url.startswith(socket_mode.url + "?ticket=") and url.endswith(f"&app_id={fake_slack.app_id}")
    refused = _refusal(WebClient(token=APP_TOKEN, base_url=fake_slack.base_url).auth_test)
    assert refused == "not_allowed_token_type"  # an app-level token only opens connections


def test_socket_mode_with_a_bot_token_fails_cleanly(
    fake_slack: FakeSlack, socket_mode: FakeSocketMode
) -> None:
    app = App(
        client=WebClient(token=BOT_TOKEN, base_url=fake_slack.base_url), request_verification_enabled=False
    )
    handler = SocketModeHandler(app, app_token=BOT_TOKEN)
    try:
        with pytest.raises(SlackApiError) as caught:
            handler.connect()
        assert caught.value.response["error"] == "not_allowed_token_type"
        assert socket_mode.connections == [] and socket_mode.hellos == []
    finally:
        _close(handler)


def _error_of(client: WebClient, *, app_token: str) -> str:
    return _refusal(lambda: client.apps_connections_open(app_token=app_token))


def _refusal(call: Any) -> str:
    with pytest.raises(SlackApiError) as caught:
        call()
    return str(caught.value.response["error"])


# ----- the WebSocket itself ------------------------------------------------------------------------


def test_rfc6455_examples() -> None:
    # RFC 6455 §1.3 and §5.7.
    assert accept_key("dGhlIHNhbXBsZSBub25jZQ==") == "s3pPLMBiTxaQ9kYGzzhZRbK+xOo="
    assert encode_frame(TEXT, b"Hello") == bytes.fromhex("810548656c6c6f")
    masked = bytes.fromhex("818537fa213d7f9f4d5158")
    assert encode_frame(TEXT, b"Hello", mask=bytes.fromhex("37fa213d")) == masked
    assert decode_frame(masked) == (Frame(TEXT, b"Hello", fin=True, masked=True), len(masked))
    assert encode_frame(PING, b"Hello") == bytes.fromhex("890548656c6c6f")
    assert encode_frame(0x2, bytes(256))[:4] == bytes.fromhex("827e0100")
    assert encode_frame(0x2, bytes(65536))[:10] == bytes.fromhex("827f0000000000010000")


@pytest.mark.parametrize("length", [0, 1, 125, 126, 65535, 65536])
def test_frames_round_trip_at_every_length_boundary(length: int) -> None:
    payload = os.urandom(length)
    encoded = encode_frame(TEXT, payload, mask=os.urandom(4))
    assert decode_frame(encoded + b"\x81") == (Frame(TEXT, payload, masked=True), len(encoded))
    for cut in (0, 1, 2, 5, len(encoded) - 1):
        assert decode_frame(encoded[:cut]) is None  # a partial frame waits for more bytes


def test_frames_rfc6455_forbids_are_refused() -> None:
    with pytest.raises(ProtocolError):
        decode_frame(bytes([0x81 | 0x40, 0x00]))  # a reserved bit without an extension
    with pytest.raises(ProtocolError):
        decode_frame(bytes([0x89, 126, 0x00, 126]) + bytes(126))  # a control frame over 125 bytes
    with pytest.raises(ValueError):
        encode_frame(CLOSE, bytes(126))


def test_handshake_hello_ping_close_over_a_raw_socket(
    fake_slack: FakeSlack, socket_mode: FakeSocketMode
) -> None:
    url = WebClient(base_url=fake_slack.base_url).apps_connections_open(app_token=APP_TOKEN)["url"]
    with _raw_client(url) as (sock, status, headers, key):
        assert status == 101 and headers["sec-websocket-accept"] == accept_key(key)
        frame = _read_frame(sock)
        assert frame.opcode == TEXT and not frame.masked
        assert json.loads(frame.payload)["type"] == "hello"
        sock.sendall(encode_frame(PING, b"are you there", mask=os.urandom(4)))
        assert _read_frame(sock) == Frame(PONG, b"are you there")
        sock.sendall(encode_frame(TEXT, b'{"envelope_id":"nope"}'))  # unmasked: a protocol error
        closing = _read_frame(sock)
        assert closing.opcode == CLOSE and struct.unpack("!H", closing.payload[:2])[0] == 1002
    with _raw_client(url) as (_, status, _, _):
        assert status == 401  # a ticket opens one connection only
    assert socket_mode.refused_handshakes == [401]


def test_faults_over_a_raw_socket(fake_slack: FakeSlack, socket_mode: FakeSocketMode) -> None:
    url = WebClient(base_url=fake_slack.base_url).apps_connections_open(app_token=APP_TOKEN)["url"]
    socket_mode.refuse_next_handshakes(1, 503)
    with _raw_client(url) as (_, status, _, _):
        assert status == 503  # a Slack server restarting
    with _raw_client(url) as (sock, status, _, _):
        assert status == 101  # the refused handshake left its ticket unused
        assert json.loads(_read_frame(sock).payload)["type"] == "hello"
        event = sr.im_message(RESPONDENT, fake_slack.dm_channel(RESPONDENT), "ヘルプ")
        envelope_id = socket_mode.push_event(event.data)
        first = json.loads(_read_frame(sock).payload)
        assert socket_mode.redeliver(envelope_id, retry_reason="timeout") == 1
        again = json.loads(_read_frame(sock).payload)
        assert {**first, "retry_attempt": 1, "retry_reason": "timeout"} == again  # same id, same payload
        assert socket_mode.deliveries(envelope_id) == [first, again]

        socket_mode.disconnect("refresh_requested")
        assert json.loads(_read_frame(sock).payload) == {
            "type": "disconnect",
            "reason": "refresh_requested",
            "debug_info": {"host": "applink-fake-1"},
        }
        lost = socket_mode.push_event(event.data, lose_ack=True)
        assert json.loads(_read_frame(sock).payload)["envelope_id"] == lost
        sock.sendall(encode_frame(TEXT, json.dumps({"envelope_id": lost}).encode(), mask=os.urandom(4)))
        closing = _read_frame(sock)  # the ack never reaches Slack: the link fails under it
        assert closing.opcode == CLOSE and struct.unpack("!H", closing.payload[:2])[0] == 1011
        assert socket_mode.acks(lost) == [] and socket_mode.lost_acks(lost) == [{"envelope_id": lost}]
    url = WebClient(base_url=fake_slack.base_url).apps_connections_open(app_token=APP_TOKEN)["url"]
    with _raw_client(url) as (sock, status, _, _):
        _read_frame(sock)  # hello
        socket_mode.drop()
        assert sock.recv(1) == b""  # no close frame: the stream just ends
    assert socket_mode.refused_handshakes == [503]
    assert socket_mode.connections == []


class _raw_client:  # noqa: N801 - used like a function in `with`
    """A bare WebSocket client: the opening handshake by hand, then the socket."""

    def __init__(self, url: str) -> None:
        self.url = urlsplit(url)
        self.key = base64.b64encode(os.urandom(16)).decode()

    def __enter__(self) -> tuple[socket.socket, int, dict[str, str], str]:
        self.sock = socket.create_connection((self.url.hostname, self.url.port), timeout=3)
        self.sock.sendall(
            f"GET {self.url.path}?{self.url.query} HTTP/1.1\r\nHost: {self.url.hostname}\r\n"
            f"Upgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: {self.key}\r\n"
            "Sec-WebSocket-Version: 13\r\n\r\n".encode()
        )
        head = b""
        while b"\r\n\r\n" not in head:
            head += self.sock.recv(1)
        lines = head.decode().split("\r\n")
        headers = {
            n.strip().lower(): v.strip() for n, _, v in (line.partition(":") for line in lines[1:]) if n
        }
        return self.sock, int(lines[0].split(" ")[1]), headers, self.key

    def __exit__(self, *exc: object) -> None:
        self.sock.close()


def _read_frame(sock: socket.socket) -> Frame:
    data = b""
    while (decoded := decode_frame(data)) is None:
        chunk = sock.recv(4096)
        assert chunk, "the server closed the connection"
        data += chunk
    return decoded[0]


# ----- helpers: what Slack shows and sends -----------------------------------------------------------


def _wait_for_question(fake: FakeSlack, question_id: str) -> dict[str, Any]:
    def asking() -> dict[str, Any] | None:
        asked = reversed(fake.messages(fake.dm_channel(RESPONDENT)))
        return next((m for m in asked if question_id_of(m) == question_id), None)

    return wait_until_found(fake, asking, timeout=5)


def _answer(fake: FakeSlack, message: dict[str, Any], value: Any) -> dict[str, Any]:
    """The block_actions payload of choosing `value` in the question's answer element."""
    blocks = message["blocks"]
    block_id, element = sr.find_element(blocks, lambda el: el.get("action_id") == refs.ANSWER)
    request = sr.block_actions(
        user_id=RESPONDENT,
        team_id=sr.TEAM_ID,
        channel_id=fake.dm_channel(RESPONDENT),
        message_ts=message["ts"],
        message_blocks=blocks,
        action=sr.action_for(block_id, element, value),
        trigger_id=fake.issue_trigger(RESPONDENT),
    )
    return request.data
