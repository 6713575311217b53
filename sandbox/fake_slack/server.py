"""HTTP plumbing: serve a `Workspace` on loopback the way slack.com and files.slack.com answer.

Routes: POST/GET /api/<method> (the Web API), POST /upload/<file_id> (the URL that
files.getUploadURLExternal hands out), POST /_fake/respond/<key> (a response_url handed out by
`Workspace.response_url`), GET /_fake/state (JSON for tests and the browser sandbox) and
GET /_fake/files/<file_id> (an uploaded file's bytes).
"""

from __future__ import annotations

import json
import logging
import threading
import time
from email import policy
from email.parser import BytesParser
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from types import TracebackType
from typing import Any, cast
from urllib.parse import parse_qsl, quote, urlsplit

from sandbox.fake_slack.state import UPLOAD, ApiError, Params, Reply, Workspace, mimetype_of

# Paths only, at DEBUG: message contents must never reach the logs.
logger = logging.getLogger(__name__)


class FakeSlack(Workspace):
    """A Slack workspace served over HTTP on 127.0.0.1, for `WebClient(base_url=fake.base_url)`."""

    _server: _Server | None = None
    _thread: threading.Thread | None = None

    def start(self, port: int = 0) -> FakeSlack:
        """Listen on `port` (0 picks a free one) in a daemon thread; returns self."""
        if self._server is not None:
            raise RuntimeError("fake Slack is already running")
        server = _Server(("127.0.0.1", port), _Handler)
        server.fake = self
        self.root_url = f"http://127.0.0.1:{server.server_address[1]}/"
        self._server = server
        # A short poll interval keeps stop() fast: shutdown() waits for the loop to look up.
        self._thread = threading.Thread(
            target=server.serve_forever, kwargs={"poll_interval": 0.02}, name="fake-slack", daemon=True
        )
        self._thread.start()
        return self

    def stop(self) -> None:
        server, thread = self._server, self._thread
        self._server = self._thread = None
        if server is not None:
            server.shutdown()
            server.server_close()
        if thread is not None:
            thread.join(timeout=5)

    @property
    def port(self) -> int:
        if self._server is None:
            raise RuntimeError("fake Slack is not running: call start() first")
        return self._server.server_address[1]

    @property
    def base_url(self) -> str:
        """Web API root with the trailing slash slack_sdk needs to append method names."""
        return f"http://127.0.0.1:{self.port}/api/"

    def __enter__(self) -> FakeSlack:
        return self if self._server is not None else self.start()

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.stop()


class _Server(ThreadingHTTPServer):
    daemon_threads = True  # a hung client must never keep the test process alive
    request_queue_size = 128  # many respondents at once (the sandbox, benchmarks): no dropped connects
    fake: FakeSlack


class _Handler(BaseHTTPRequestHandler):
    server: _Server

    def do_GET(self) -> None:
        self._route()

    def do_POST(self) -> None:
        self._route()

    def log_message(self, format: str, *args: Any) -> None:
        pass  # the default writes every request line to stderr; _answer logs paths at DEBUG instead

    def _route(self) -> None:
        try:
            self._answer()
        except Exception:  # a bug in the fake: answer as Slack does when it breaks, and say where
            logger.exception("fake Slack failed on %s %s", self.command, urlsplit(self.path).path)
            self._send_reply(Reply(500, {"ok": False, "error": "fatal_error"}, {}))

    def _answer(self) -> None:
        path = urlsplit(self.path)
        body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
        logger.debug("fake Slack: %s %s", self.command, path.path)
        fake = self.server.fake
        if path.path.startswith("/_fake/") and not _loopback_host(self.headers.get("Host")):
            # The fake's own pages show everything people answered: only to loopback names, so a
            # web page cannot read them through DNS rebinding.
            self._send(403, b"Forbidden", "text/plain")
            return
        if path.path.startswith("/api/"):
            method = path.path.removeprefix("/api/")
            time.sleep(fake.delay_for(method))
            try:
                params = dict(parse_qsl(path.query, keep_blank_values=True)) | self._params(body)
            except ApiError as refusal:
                self._send_reply(Reply(200, refusal.body(), {}))
                return
            reply = fake.dispatch(method, params, _bearer(self.headers.get("Authorization")))
            time.sleep(fake.hang_for(method))  # done, but the caller has not heard yet
            self._send_reply(reply)
        elif self.command == "POST" and path.path.startswith("/upload/"):
            self._upload(path.path.removeprefix("/upload/"), body)
        elif self.command == "POST" and path.path.startswith("/_fake/respond/"):
            self._respond(path.path.removeprefix("/_fake/respond/"), body)
        elif self.command == "GET" and path.path == "/_fake/state":
            self._send_reply(Reply(200, fake.snapshot(), {}))
        elif self.command == "GET" and path.path.startswith("/_fake/files/"):
            found = fake.file_content(path.path.removeprefix("/_fake/files/"))
            if found is None:
                self._send(404, b"Not Found", "text/plain")
            else:
                content, filename = found
                headers = {"Content-Disposition": content_disposition(filename)}
                self._send(200, content, mimetype_of(filename), headers)
        else:
            self._send(404, b"Not Found", "text/plain")

    def _params(self, body: bytes) -> Params:
        kind = self.headers.get_content_type()
        if kind == "application/json":
            try:
                params = json.loads(body or b"{}")
            except json.JSONDecodeError:
                raise ApiError("invalid_json") from None
            if not isinstance(params, dict):
                raise ApiError("invalid_json")
            return params
        if kind == "multipart/form-data":
            return _multipart(body, self.headers["Content-Type"])
        return dict(parse_qsl(body.decode("utf-8"), keep_blank_values=True))

    def _upload(self, file_id: str, body: bytes) -> None:
        fake = self.server.fake
        time.sleep(fake.delay_for(UPLOAD))
        failure = fake.take_failure(UPLOAD)
        if failure is not None:
            reply = fake.failure_reply(failure)
            self._send(reply.status, reply.body["error"].encode(), "text/plain", reply.headers)
            return
        kind = self.headers.get("Content-Type", "application/octet-stream")
        if self.headers.get_content_type() == "multipart/form-data":  # curl -F / browser forms
            parts = _multipart(body, kind)
            body = next((v for v in parts.values() if isinstance(v, bytes)), body)
        if fake.receive_upload(file_id, body, kind):
            self._send(200, f"OK - {len(body)}".encode(), "text/plain")
        else:
            self._send(404, b"Not Found", "text/plain")

    def _respond(self, key: str, body: bytes) -> None:
        """A response_url POST (JSON, as slack_sdk's WebhookClient and Bolt's respond() send it)."""
        try:
            params = json.loads(body or b"{}")
        except json.JSONDecodeError:
            params = None
        if not isinstance(params, dict):
            self._send(400, b"invalid_payload", "text/plain")
            return
        try:
            reply = self.server.fake.respond(key, params)
        except ApiError as refusal:
            self._send(400, refusal.error.encode(), "text/plain")
            return
        if reply.status == 200:
            self._send_reply(reply)
        else:  # Slack answers a refused response_url in plain text
            self._send(reply.status, str(reply.body["error"]).encode(), "text/plain", reply.headers)

    def _send_reply(self, reply: Reply) -> None:
        body = json.dumps(reply.body, ensure_ascii=False).encode("utf-8")
        self._send(reply.status, body, "application/json; charset=utf-8", reply.headers)

    def _send(
        self, status: int, body: bytes, content_type: str, headers: dict[str, str] | None = None
    ) -> None:
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        for name, value in (headers or {}).items():
            self.send_header(name, value)
        self.end_headers()
        self.wfile.write(body)


def content_disposition(filename: str, disposition: str = "attachment") -> str:
    """The header for a file's name, safe whatever the name holds: an ASCII fallback, and the name
    itself in RFC 5987 form (browsers take that one), so a Japanese name or a quote cannot break it."""
    fallback = "".join(c if " " <= c < "\x7f" and c not in '"\\' else "_" for c in filename) or "file"
    return f"{disposition}; filename=\"{fallback}\"; filename*=UTF-8''{quote(filename, safe='')}"


def _loopback_host(host: str | None) -> bool:
    name = (host or "").rsplit(":", 1)[0].strip("[]").lower()
    return name in ("127.0.0.1", "localhost", "::1")


def _bearer(authorization: str | None) -> str | None:
    if authorization and authorization.lower().startswith("bearer "):
        return authorization[7:].strip() or None
    return None


def _multipart(body: bytes, content_type: str) -> Params:
    """Fields of a multipart/form-data body: text fields as str, file fields as bytes."""
    message = BytesParser(policy=policy.HTTP).parsebytes(
        f"Content-Type: {content_type}\r\n\r\n".encode() + body
    )
    fields: Params = {}
    for part in message.iter_parts():
        name = part.get_param("name", header="content-disposition")
        payload = cast(bytes, part.get_payload(decode=True) or b"")  # a leaf part decodes to bytes
        fields[str(name)] = payload if part.get_filename() else payload.decode("utf-8")
    return fields
