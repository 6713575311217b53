"""Slack's Socket Mode endpoint on loopback: the WebSocket that `apps.connections.open` hands out.

    with fake_workspace() as fake, FakeSocketMode(fake) as socket_mode:
        handler = SocketModeHandler(app, app_token=fake.app_token)  # app.client points at fake.base_url
        handler.connect()
        socket_mode.wait_for_connection()
        envelope_id = socket_mode.push_slash_command({"command": "/survey", ...})
        ack = socket_mode.wait_for_ack(envelope_id)

Stdlib only: an RFC 6455 server (opening handshake, masked client frames, text, ping/pong, close) with
one thread per connection, plain ws:// on 127.0.0.1 (slack_sdk's built-in client uses TLS only on
port 443). The messages follow Slack's "Using Socket Mode" guide and slack_sdk's own test fixtures:
a `hello` on connect, envelopes `{envelope_id, payload, type, accepts_response_payload}` (events
also carry `retry_attempt`/`retry_reason`), acks `{envelope_id, payload?}` back.

Faults, for tests of an app that must ride them out: `drop` cuts a link as a lost network does (no
closing handshake), `disconnect` sends Slack's `disconnect` message (the link is about to be
refreshed), `refuse_next_handshakes` answers the next opening handshakes with an HTTP error, a push
with `lose_ack=True` closes the link as its ack arrives (1011: Slack never saw it), and `redeliver` sends an
envelope again with the same envelope_id and payload and a higher `retry_attempt`, as Slack does when
no ack came in time. (A failing `apps.connections.open` is the Web API's: `Workspace.fail_next`.)
"""

from __future__ import annotations

import base64
import binascii
import contextlib
import copy
import hashlib
import json
import logging
import socket
import struct
import threading
import time
import uuid
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from http import HTTPStatus
from types import TracebackType
from typing import Any, TypeVar
from urllib.parse import parse_qs, urlsplit

from sandbox.fake_slack.state import Params, Workspace

# Never message contents: envelopes carry what people answered.
logger = logging.getLogger(__name__)
T = TypeVar("T")

WEBSOCKET_GUID = "258EAFA5-E914-47DA-95CA-C5AB0DC85B11"  # RFC 6455 §1.3
CONTINUATION, TEXT, BINARY, CLOSE, PING, PONG = 0x0, 0x1, 0x2, 0x8, 0x9, 0xA
CONTROL = frozenset({CLOSE, PING, PONG})
LINK_PATH = "/link/"
ACK_DEADLINE = 3.0  # seconds Slack waits for an ack before it retries or reports a timeout
HOST = "applink-fake-1"  # debug_info.host: which Slack server holds the link
APPROXIMATE_CONNECTION_TIME = 18060  # what Slack's hello says about when it will refresh the link
_MAX_HANDSHAKE = 16 * 1024


class ProtocolError(Exception):
    """A frame RFC 6455 forbids; `code` is the close code to answer with."""

    def __init__(self, message: str, code: int = 1002) -> None:
        super().__init__(message)
        self.code = code


@dataclass(frozen=True)
class Frame:
    opcode: int
    payload: bytes
    fin: bool = True
    masked: bool = False


# ----- frames and handshake (RFC 6455 §4.2.2, §5.2) --------------------------------------------------


def accept_key(key: str) -> str:
    """The Sec-WebSocket-Accept answer to a client's Sec-WebSocket-Key."""
    return base64.b64encode(hashlib.sha1((key + WEBSOCKET_GUID).encode("ascii")).digest()).decode("ascii")


def encode_frame(opcode: int, payload: bytes = b"", *, mask: bytes | None = None, fin: bool = True) -> bytes:
    """One frame. Servers send unmasked frames; clients must give a 4-byte `mask`."""
    if opcode in CONTROL and (len(payload) > 125 or not fin):
        raise ValueError("a control frame carries at most 125 bytes and is never fragmented")
    if mask is not None and len(mask) != 4:
        raise ValueError("a mask key is 4 bytes")
    head = bytes([(0x80 if fin else 0) | opcode])
    mask_bit = 0x80 if mask is not None else 0
    length = len(payload)
    if length <= 125:
        head += bytes([mask_bit | length])
    elif length <= 0xFFFF:
        head += struct.pack("!BH", mask_bit | 126, length)
    else:
        head += struct.pack("!BQ", mask_bit | 127, length)
    if mask is None:
        return head + payload
    return head + mask + _unmask(payload, mask)


def decode_frame(data: bytes) -> tuple[Frame, int] | None:
    """The first frame in `data` and how many bytes it took, or None if `data` holds only part of it."""
    if len(data) < 2:
        return None
    first, second = data[0], data[1]
    if first & 0x70:
        raise ProtocolError("reserved bits set without a negotiated extension")
    opcode, fin, masked = first & 0x0F, bool(first & 0x80), bool(second & 0x80)
    if opcode not in CONTROL | {CONTINUATION, TEXT, BINARY}:
        raise ProtocolError(f"unknown opcode {opcode:#x}")
    length, offset = second & 0x7F, 2
    if length == 126:
        if len(data) < 4:
            return None
        (length,), offset = struct.unpack("!H", data[2:4]), 4
    elif length == 127:
        if len(data) < 10:
            return None
        (length,), offset = struct.unpack("!Q", data[2:10]), 10
    if opcode in CONTROL and (length > 125 or not fin):
        raise ProtocolError("control frames carry at most 125 bytes and are never fragmented")
    mask = b""
    if masked:
        mask, offset = data[offset : offset + 4], offset + 4
    end = offset + length
    if len(data) < end:
        return None
    payload = data[offset:end]
    return Frame(opcode, _unmask(payload, mask) if masked else payload, fin, masked), end


def _unmask(payload: bytes, mask: bytes) -> bytes:
    # XOR with the key repeated: one big-integer operation instead of a Python loop per byte.
    key = (mask * (len(payload) // 4 + 1))[: len(payload)]
    return (int.from_bytes(payload, "big") ^ int.from_bytes(key, "big")).to_bytes(len(payload), "big")


@dataclass(frozen=True)
class _Request:
    path: str
    query: dict[str, str]
    headers: dict[str, str]  # names in lower case


def _parse_request(head: bytes) -> _Request | None:
    lines = head.decode("latin-1").split("\r\n")
    parts = lines[0].split(" ")
    if len(parts) != 3 or parts[0] != "GET" or not parts[2].startswith("HTTP/1."):
        return None
    headers = {}
    for line in lines[1:]:
        name, colon, value = line.partition(":")
        if colon:
            headers[name.strip().lower()] = value.strip()
    target = urlsplit(parts[1])
    query = {name: values[-1] for name, values in parse_qs(target.query).items()}
    return _Request(target.path, query, headers)


def _is_upgrade(request: _Request) -> bool:
    connection = {token.strip().lower() for token in request.headers.get("connection", "").split(",")}
    try:
        key = base64.b64decode(request.headers.get("sec-websocket-key", ""), validate=True)
    except binascii.Error:
        return False
    return (
        request.headers.get("upgrade", "").lower() == "websocket"
        and "upgrade" in connection
        and request.headers.get("sec-websocket-version") == "13"
        and len(key) == 16  # RFC 6455 §4.1: a random 16-byte nonce
    )


# ----- one client connection -------------------------------------------------------------------------


class Connection:
    """One app connected over Socket Mode: sends as Slack does, hands what it receives to the server."""

    def __init__(self, sock: socket.socket, number: int, on_message: Callable[[Connection, Params], None]):
        self.number = number
        self._sock = sock
        self._on_message = on_message
        self._send_lock = threading.Lock()
        self._open = True
        self.close_code: int | None = None  # what the client said when it closed, if it did
        self.pings = 0

    @property
    def is_open(self) -> bool:
        return self._open

    def send_json(self, message: Mapping[str, Any]) -> None:
        self._send(TEXT, json.dumps(message, ensure_ascii=False, separators=(",", ":")).encode("utf-8"))

    def close(self, code: int = 1000, reason: str = "") -> None:
        """Start the closing handshake (a close frame), then drop the TCP connection."""
        if self._open:
            with contextlib.suppress(OSError):  # the client may already be gone
                self._send(CLOSE, struct.pack("!H", code) + reason.encode("utf-8"))
        self._drop()

    def drop(self) -> None:
        """End the TCP connection without a close frame, as a lost network or a crashed server does."""
        self._drop()

    def serve(self, buffered: bytes) -> None:
        """Read frames until the client closes or the connection breaks (runs on its own thread)."""
        buffer, fragments = buffered, bytearray()
        try:
            while self._open:
                decoded = decode_frame(buffer)
                if decoded is None:
                    chunk = self._sock.recv(65536)
                    if not chunk:
                        break
                    buffer += chunk
                    continue
                frame, used = decoded
                buffer = buffer[used:]
                if not self._handle(frame, fragments):
                    break
        except ProtocolError as error:
            logger.debug("fake Socket Mode: closing connection %d: %s", self.number, error)
            self.close(error.code, str(error))
        except OSError:
            pass  # dropped by stop() or by the client
        finally:
            self._drop()

    def _handle(self, frame: Frame, fragments: bytearray) -> bool:
        """Act on one frame; False once the connection is over."""
        if not frame.masked:
            raise ProtocolError("client frames must be masked")  # RFC 6455 §5.1
        if frame.opcode == PING:
            self.pings += 1
            self._send(PONG, frame.payload)  # slack_sdk times its pings by the echoed payload
        elif frame.opcode == CLOSE:
            self.close_code = struct.unpack("!H", frame.payload[:2])[0] if len(frame.payload) >= 2 else 1005
            self.close(1000 if self.close_code == 1005 else self.close_code)
            return False
        elif frame.opcode in (TEXT, BINARY, CONTINUATION):
            if (frame.opcode == CONTINUATION) != bool(fragments):
                raise ProtocolError("continuation frame out of place")
            fragments += frame.payload
            if frame.fin:
                self._deliver(bytes(fragments))
                fragments.clear()
        return True

    def _deliver(self, data: bytes) -> None:
        try:
            message = json.loads(data.decode("utf-8"))
        except (UnicodeDecodeError, json.JSONDecodeError):
            raise ProtocolError("Socket Mode messages are JSON text", 1007) from None
        if isinstance(message, dict):
            self._on_message(self, message)

    def _send(self, opcode: int, payload: bytes) -> None:
        with self._send_lock:
            self._sock.sendall(encode_frame(opcode, payload))

    def _drop(self) -> None:
        self._open = False
        with contextlib.suppress(OSError):
            self._sock.shutdown(socket.SHUT_RDWR)
        self._sock.close()


# ----- the server ------------------------------------------------------------------------------------


class FakeSocketMode:
    """Slack's Socket Mode service for one workspace. Starting it makes the workspace's
    `apps.connections.open` hand out `ws://127.0.0.1:<port>/link/?ticket=…&app_id=…`."""

    def __init__(self, workspace: Workspace) -> None:
        self.workspace = workspace
        self._listener: socket.socket | None = None
        self._stopping = threading.Event()
        self._threads: list[threading.Thread] = []
        self._sockets: set[socket.socket] = set()  # every accepted socket not yet closed
        self._changed = threading.Condition()
        self._connections: list[Connection] = []
        self._hellos: list[Params] = []
        self._envelopes: dict[str, Params] = {}  # the latest delivery of each envelope
        self._deliveries: dict[str, list[Params]] = {}  # every delivery of each envelope, in order
        self._acks: dict[str, list[Params]] = {}
        self._received: list[Params] = []
        self._refused: list[int] = []  # HTTP statuses of refused handshakes
        self._to_refuse: list[int] = []  # statuses for the next handshakes (faults a test asked for)
        self._acks_to_lose: set[str] = set()  # envelopes whose next ack drops the link instead
        self._lost_acks: dict[str, list[Params]] = {}

    # ----- lifecycle -----------------------------------------------------------------------------

    def start(self, port: int = 0) -> FakeSocketMode:
        if self._listener is not None:
            raise RuntimeError("fake Socket Mode is already running")
        listener = socket.create_server(("127.0.0.1", port))
        listener.settimeout(0.05)  # accept() wakes up this often to notice stop()
        self._listener = listener
        self._stopping.clear()
        self.workspace.socket_mode_url = self.url
        self._spawn(self._accept_loop, "fake-socket-mode", listener)
        return self

    def stop(self) -> None:
        """Say goodbye to every client (close 1001, going away) and stop listening."""
        self.workspace.socket_mode_url = None
        self._stopping.set()
        for connection in self.connections:
            connection.close(1001, "going away")
        with self._changed:
            half_open = list(self._sockets)  # clients still in the opening handshake
        for sock in half_open:
            with contextlib.suppress(OSError):
                sock.shutdown(socket.SHUT_RDWR)
        for thread in self._threads:
            thread.join(timeout=5)
        self._threads.clear()
        if self._listener is not None:
            self._listener.close()
            self._listener = None

    def __enter__(self) -> FakeSocketMode:
        return self if self._listener is not None else self.start()

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.stop()

    @property
    def port(self) -> int:
        if self._listener is None:
            raise RuntimeError("fake Socket Mode is not running: call start() first")
        return int(self._listener.getsockname()[1])

    @property
    def url(self) -> str:
        """The link without its query, as apps.connections.open builds it."""
        return f"ws://127.0.0.1:{self.port}{LINK_PATH}"

    # ----- what the test does as Slack ----------------------------------------------------------

    def push(
        self,
        kind: str,
        payload: Mapping[str, Any],
        *,
        accepts_response_payload: bool | None = None,
        retry_attempt: int = 0,
        retry_reason: str = "",
        connection: Connection | None = None,
        lose_ack: bool = False,
    ) -> str:
        """Send an envelope of `kind` (slash_commands, interactive, events_api) to the newest open
        connection (or `connection`), as Slack does; returns its envelope_id. With `lose_ack` the link
        closes (1011, a Slack server failing) as the ack arrives: the app did the work, Slack never heard
        (see `redeliver`)."""
        target = connection or self._newest_connection()
        envelope_id = str(uuid.uuid4())
        if accepts_response_payload is None:
            accepts_response_payload = _accepts_response_payload(kind, payload)
        envelope: Params = {
            "envelope_id": envelope_id,
            "payload": copy.deepcopy(dict(payload)),
            "type": kind,
            "accepts_response_payload": accepts_response_payload,
        }
        if kind == "events_api":  # only event deliveries are retried, so only they say which attempt
            envelope.update(retry_attempt=retry_attempt, retry_reason=retry_reason)
        self._deliver(target, envelope, lose_ack=lose_ack)
        return envelope_id

    def redeliver(
        self,
        envelope_id: str,
        *,
        retry_reason: str = "timeout",
        connection: Connection | None = None,
        lose_ack: bool = False,
    ) -> int:
        """Send an envelope again as Slack does when its ack did not come in time: the same envelope_id
        and payload, on the newest open connection (or `connection`), with `retry_attempt` one more
        than the last delivery's and `retry_reason` saying why. Slack retries Events API deliveries;
        a test may redeliver any kind to prove the app applies it once. Returns the attempt number."""
        target = connection or self._newest_connection()
        with self._changed:
            if envelope_id not in self._envelopes:
                raise KeyError(f"no envelope {envelope_id!r} was pushed")
            envelope = copy.deepcopy(self._envelopes[envelope_id])
        attempt = int(envelope.get("retry_attempt") or 0) + 1
        envelope.update(retry_attempt=attempt, retry_reason=retry_reason)
        self._deliver(target, envelope, lose_ack=lose_ack)
        return attempt

    # ----- faults -------------------------------------------------------------------------------

    def drop(self, connection: Connection | None = None) -> Connection:
        """Cut the newest open connection (or `connection`) without a closing handshake, as a lost
        network does: the client sees the stream end, or a reset once it writes."""
        target = connection or self._newest_connection()
        target.drop()
        with self._changed:
            self._changed.notify_all()
        return target

    def disconnect(
        self, reason: str = "refresh_requested", connection: Connection | None = None
    ) -> Connection:
        """Slack's `disconnect` message on the newest open connection (or `connection`): the link is
        about to go (`refresh_requested`, `warning`, `link_disabled`) and the app should open another.
        The link itself stays up until the app closes it (Slack closes it some seconds later)."""
        target = connection or self._newest_connection()
        target.send_json({"type": "disconnect", "reason": reason, "debug_info": {"host": HOST}})
        return target

    def refuse_next_handshakes(self, times: int = 1, status: int = HTTPStatus.SERVICE_UNAVAILABLE) -> None:
        """Answer the next `times` opening handshakes with HTTP `status` instead of 101, as a Slack
        server that is restarting does; their tickets stay unused."""
        if not 400 <= status <= 599:
            raise ValueError(f"a refusal is an HTTP error status, not {status}")
        with self._changed:
            self._to_refuse.extend([int(status)] * times)

    def push_slash_command(self, fields: Mapping[str, str], *, lose_ack: bool = False) -> str:
        """A slash command: `fields` are the form fields Slack would POST in HTTP mode."""
        return self.push("slash_commands", fields, lose_ack=lose_ack)

    def push_interactive(self, payload: Mapping[str, Any], *, lose_ack: bool = False) -> str:
        """An interactivity payload (block_actions, view_submission, block_suggestion, …)."""
        return self.push("interactive", payload, lose_ack=lose_ack)

    def push_event(
        self,
        callback: Mapping[str, Any],
        *,
        retry_attempt: int = 0,
        retry_reason: str = "",
        lose_ack: bool = False,
    ) -> str:
        """An Events API delivery: `callback` is the whole `event_callback` body."""
        return self.push(
            "events_api", callback, retry_attempt=retry_attempt, retry_reason=retry_reason, lose_ack=lose_ack
        )

    # ----- what the test reads ------------------------------------------------------------------

    @property
    def connections(self) -> list[Connection]:
        """Open connections, oldest first."""
        with self._changed:
            return [c for c in self._connections if c.is_open]

    @property
    def hellos(self) -> list[Params]:
        """Every hello sent, in order."""
        return self._read(lambda: self._hellos)

    @property
    def received(self) -> list[Params]:
        """Every JSON message the clients sent, acks included."""
        return self._read(lambda: self._received)

    @property
    def refused_handshakes(self) -> list[int]:
        return self._read(lambda: self._refused)

    def envelope(self, envelope_id: str) -> Params:
        return self._read(lambda: self._envelopes[envelope_id])

    def acks(self, envelope_id: str) -> list[Params]:
        """The acks received for one envelope (more than one means the app acked twice, or that the
        envelope was redelivered); acks lost with their link (`lose_ack`) are not among them."""
        return self._read(lambda: self._acks.get(envelope_id, []))

    def lost_acks(self, envelope_id: str) -> list[Params]:
        """The acks of an envelope that the app sent but Slack never got (`lose_ack`)."""
        return self._read(lambda: self._lost_acks.get(envelope_id, []))

    def deliveries(self, envelope_id: str) -> list[Params]:
        """Every delivery of one envelope, the first one first (redeliveries carry retry_attempt)."""
        return self._read(lambda: self._deliveries.get(envelope_id, []))

    def wait_for_new_connection(self, after: Connection, timeout: float = 5.0) -> Connection:
        """An open connection newer than `after`: the app has reconnected by itself."""

        def newer() -> Connection | None:
            newest = self._newest_open()
            return newest if newest is not None and newest.number > after.number else None

        return self._wait(newer, timeout, f"no connection after connection {after.number}")

    def wait_for_connection(self, timeout: float = 5.0) -> Connection:
        return self._wait(lambda: self._newest_open(), timeout, "no client connected")

    def wait_for_ack(self, envelope_id: str, timeout: float = ACK_DEADLINE) -> Params:
        """The app's ack of an envelope; TimeoutError if none came within `timeout` (Slack's 3 s)."""
        with self._changed:
            if envelope_id not in self._envelopes:
                raise KeyError(f"no envelope {envelope_id!r} was pushed")
        acks = self._wait(lambda: self._acks.get(envelope_id), timeout, f"no ack for {envelope_id}")
        return dict(acks[0])

    # ----- internals -----------------------------------------------------------------------------

    def _deliver(self, target: Connection, envelope: Params, *, lose_ack: bool) -> None:
        envelope_id = envelope["envelope_id"]
        with self._changed:
            self._envelopes[envelope_id] = envelope
            self._deliveries.setdefault(envelope_id, []).append(envelope)
            if lose_ack:
                self._acks_to_lose.add(envelope_id)
        target.send_json(envelope)

    def _spawn(self, target: Callable[..., None], name: str, *args: Any) -> None:
        thread = threading.Thread(target=target, args=args, name=name, daemon=True)
        self._threads = [t for t in self._threads if t.is_alive()] + [thread]
        thread.start()

    def _accept_loop(self, listener: socket.socket) -> None:
        while not self._stopping.is_set():
            try:
                sock, _ = listener.accept()
            except TimeoutError:
                continue
            except OSError:
                return
            sock.settimeout(None)
            with self._changed:
                self._sockets.add(sock)
            self._spawn(self._serve, "fake-socket-mode-connection", sock)

    def _serve(self, sock: socket.socket) -> None:
        try:
            buffered = self._handshake(sock)
            if buffered is not None:
                self._converse(sock, buffered)
        except OSError:
            pass  # the client went away, or stop() cut it off
        finally:
            with self._changed:
                self._sockets.discard(sock)
                self._changed.notify_all()
            sock.close()

    def _converse(self, sock: socket.socket, buffered: bytes) -> None:
        with self._changed:
            connection = Connection(sock, len(self._connections) + 1, self._record)
            hello = self._hello(open_now=len(self.connections) + 1)
        # The hello goes out before anyone can push, so it is always the first message, as on Slack.
        connection.send_json(hello)
        with self._changed:
            self._connections.append(connection)
            self._hellos.append(hello)
            self._changed.notify_all()
        logger.debug("fake Socket Mode: connection %d open", connection.number)
        connection.serve(buffered)
        logger.debug("fake Socket Mode: connection %d closed", connection.number)

    def _handshake(self, sock: socket.socket) -> bytes | None:
        """Answer the opening handshake; returns bytes read past it, or None if it was refused."""
        data = b""
        while b"\r\n\r\n" not in data:
            chunk = sock.recv(4096)
            if not chunk or len(data) > _MAX_HANDSHAKE:
                return None
            data += chunk
        head, _, rest = data.partition(b"\r\n\r\n")
        request = _parse_request(head)
        if request is None or not _is_upgrade(request):
            self._refuse(sock, 400, "Bad Request")
            return None
        if request.path != LINK_PATH:
            self._refuse(sock, 404, "Not Found")
            return None
        with self._changed:
            failing = self._to_refuse.pop(0) if self._to_refuse else None
        if failing is not None:
            self._refuse(sock, failing, HTTPStatus(failing).phrase)
            return None
        # A ticket opens one connection: reconnecting takes a fresh apps.connections.open.
        if not self.workspace.redeem_ticket(request.query.get("ticket", "")):
            self._refuse(sock, 401, "Unauthorized")
            return None
        key = request.headers["sec-websocket-key"]
        sock.sendall(
            (
                "HTTP/1.1 101 Switching Protocols\r\n"
                "Upgrade: websocket\r\n"
                "Connection: Upgrade\r\n"
                f"Sec-WebSocket-Accept: {accept_key(key)}\r\n\r\n"
            ).encode("ascii")
        )
        return rest

    def _refuse(self, sock: socket.socket, status: int, reason: str) -> None:
        with self._changed:
            self._refused.append(status)
        body = reason.encode("ascii")
        sock.sendall(
            f"HTTP/1.1 {status} {reason}\r\nContent-Type: text/plain\r\nContent-Length: {len(body)}\r\n"
            f"Connection: close\r\n\r\n".encode("ascii")
            + body
        )
        return None

    def _hello(self, *, open_now: int) -> Params:
        started = datetime.now(UTC).strftime("%Y-%m-%d %H:%M:%S.%f")[:-3]
        return {
            "type": "hello",
            "num_connections": open_now,
            "debug_info": {
                "host": HOST,
                "started": started,
                "build_number": 1,
                "approximate_connection_time": APPROXIMATE_CONNECTION_TIME,
            },
            "connection_info": {"app_id": self.workspace.app_id},
        }

    def _record(self, connection: Connection, message: Params) -> None:
        lost = False
        with self._changed:
            self._received.append(message)
            envelope_id = message.get("envelope_id")
            if isinstance(envelope_id, str) and envelope_id in self._envelopes:
                lost = envelope_id in self._acks_to_lose
                if lost:
                    self._acks_to_lose.discard(envelope_id)
                    self._lost_acks.setdefault(envelope_id, []).append(message)
                else:
                    self._acks.setdefault(envelope_id, []).append(message)
            self._changed.notify_all()
        if lost:  # the Slack server holding the link failed as the ack arrived
            connection.close(1011, "internal error")

    def _newest_open(self) -> Connection | None:
        return next((c for c in reversed(self._connections) if c.is_open), None)

    def _newest_connection(self) -> Connection:
        with self._changed:
            connection = self._newest_open()
        if connection is None:
            raise RuntimeError("no app is connected over Socket Mode")
        return connection

    def _read(self, fn: Callable[[], T]) -> T:
        with self._changed:
            return copy.deepcopy(fn())  # tests can never change the record by accident

    def _wait(self, found: Callable[[], T | None], timeout: float, what: str) -> T:
        deadline = time.monotonic() + timeout
        with self._changed:
            while True:
                result = found()
                if result:
                    return result
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    raise TimeoutError(f"fake Socket Mode: {what} within {timeout} s")
                self._changed.wait(remaining)


def _accepts_response_payload(kind: str, payload: Mapping[str, Any]) -> bool:
    """Whether Slack takes a payload in the ack: commands, option requests and view submissions
    answer through it; clicks, shortcuts and events do not."""
    if kind == "slash_commands":
        return True
    return kind == "interactive" and payload.get("type") in ("block_suggestion", "view_submission")
