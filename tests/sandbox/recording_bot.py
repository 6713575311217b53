"""A stand-in for the bot's HTTP endpoint: checks Slack's signature, records each request, answers as told."""

from __future__ import annotations

import json
import threading
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs

from slack_sdk.signature import SignatureVerifier

SECRET = "sandbox-test-signing-secret"


@dataclass(frozen=True)
class Received:
    path: str
    headers: dict[str, str]
    body: bytes
    signed: bool  # the signature verifies under SECRET

    @property
    def content_type(self) -> str:
        return self.headers.get("content-type", "")

    def payload(self) -> dict[str, Any]:
        """The interactivity payload (form field `payload`) or the JSON event envelope."""
        if self.content_type.startswith("application/json"):
            return json.loads(self.body)
        return json.loads(parse_qs(self.body.decode())["payload"][0])

    def form(self) -> dict[str, str]:
        return {
            key: values[0] for key, values in parse_qs(self.body.decode(), keep_blank_values=True).items()
        }


class RecordingBot:
    def __init__(self) -> None:
        self.received: list[Received] = []
        self.reply_status = 200
        self.reply_body = b""
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        self._thread = threading.Thread(
            target=self._server.serve_forever, kwargs={"poll_interval": 0.02}, daemon=True
        )

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self._server.server_address[1]}"

    def answer(self, body: dict[str, Any] | None = None, status: int = 200) -> None:
        self.reply_status = status
        self.reply_body = json.dumps(body).encode() if body is not None else b""

    def __enter__(self) -> RecordingBot:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._server.shutdown()
        self._server.server_close()

    def _handler(self) -> type[BaseHTTPRequestHandler]:
        bot = self
        verifier = SignatureVerifier(SECRET)

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, format: str, *args: Any) -> None:  # noqa: A002
                pass

            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
                headers = {name.lower(): value for name, value in self.headers.items()}
                signed = verifier.is_valid(
                    body, headers.get("x-slack-request-timestamp", ""), headers.get("x-slack-signature", "")
                )
                bot.received.append(Received(self.path, headers, body, signed))
                self.send_response(bot.reply_status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(bot.reply_body)))
                self.end_headers()
                self.wfile.write(bot.reply_body)

        return Handler
