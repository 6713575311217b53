"""The page's HTTP server: the static page, a JSON state to poll, and JSON posts for what people do.

Loopback only. Because any web site the person visits could try to reach it from their browser, it
answers only requests addressed to itself (the Host header: no DNS rebinding) and takes posts only as
JSON from its own origin (no cross-site form posts). Request lines are not logged: they can carry
what people typed.

Files the bot shared in messages are served at /files/<file_id>, as Slack serves url_private: only
files the fake Slack holds, only to the page itself (another site can neither embed nor fetch them),
and only raster images inline; everything else comes as a download, so nothing uploaded can run as
a page of this origin.
"""

from __future__ import annotations

import json
import logging
import re
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from importlib import resources
from typing import Any, Protocol
from urllib.parse import parse_qs, urlsplit

from sandbox.fake_slack.server import content_disposition
from sandbox.fake_slack.state import SharedFile

log = logging.getLogger(__name__)

MAX_BODY = 1_000_000
STATIC = {
    "/": ("index.html", "text/html; charset=utf-8"),
    "/static/app.js": ("app.js", "text/javascript; charset=utf-8"),
    "/static/style.css": ("style.css", "text/css; charset=utf-8"),
}
SECURITY_HEADERS = {
    # Everything the page needs is served from here; nothing inline, nothing from elsewhere.
    "Content-Security-Policy": (
        "default-src 'self'; img-src 'self' data:; connect-src 'self'; frame-ancestors 'none'; "
        "base-uri 'none'; form-action 'none'"
    ),
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
    "Cache-Control": "no-store",
}

# What a browser shows in place rather than saving; never SVG or HTML (they could run script).
INLINE_IMAGES = frozenset({"image/png", "image/jpeg", "image/gif", "image/webp"})
FILE_PATH = re.compile(r"^/files/(F[A-Z0-9]{1,20})$")
# Sec-Fetch-Site values of requests this page makes itself, or a person makes by typing the address.
OWN_FETCHES = frozenset({"same-origin", "none"})


class Backend(Protocol):
    def state(self, user_id: str, etag: str | None) -> dict[str, Any] | None: ...

    def interact(self, user_id: str, request: dict[str, Any]) -> dict[str, Any]: ...

    def advance_clock(self, step: str) -> dict[str, Any]: ...

    def file(self, file_id: str) -> SharedFile | None: ...


class PageServer:
    """Serves the page on 127.0.0.1:`port` (0 picks a free port) in a daemon thread."""

    def __init__(self, backend: Backend, port: int = 0) -> None:
        self._server = _Server(("127.0.0.1", port), _Handler)
        self._server.backend = backend
        self._server.allowed_hosts = {f"127.0.0.1:{self.port}", f"localhost:{self.port}"}
        self._thread = threading.Thread(
            target=self._server.serve_forever, kwargs={"poll_interval": 0.1}, name="sandbox-page", daemon=True
        )

    @property
    def port(self) -> int:
        return int(self._server.server_address[1])

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}/"

    def start(self) -> PageServer:
        self._thread.start()
        return self

    def stop(self) -> None:
        self._server.shutdown()
        self._server.server_close()
        self._thread.join(timeout=5)


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    backend: Backend
    allowed_hosts: set[str]


class _Handler(BaseHTTPRequestHandler):
    server: _Server

    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002 - the stdlib's name
        pass

    def do_GET(self) -> None:
        self._guarded(self._get)

    def do_POST(self) -> None:
        self._guarded(self._post)

    def _guarded(self, handle: Any) -> None:
        if self.headers.get("Host", "") not in self.server.allowed_hosts:
            self._send(421, b"Misdirected Request", "text/plain; charset=utf-8")
            return
        try:
            handle()
        except Exception:  # a bug in the sandbox: say so, keep serving
            log.exception("sandbox page: %s %s failed", self.command, urlsplit(self.path).path)
            self._json(
                500, {"ok": False, "error": "サンドボックスでエラーが発生しました。ログを確認してください。"}
            )

    def _get(self) -> None:
        url = urlsplit(self.path)
        if url.path in STATIC:
            name, kind = STATIC[url.path]
            self._send(200, resources.files("sandbox").joinpath("static", name).read_bytes(), kind)
        elif url.path == "/api/state":
            query = parse_qs(url.query)
            user = (query.get("user") or [""])[0]
            etags = query.get("etag")
            state = self.server.backend.state(user, etags[0] if etags else None)
            if state is None:
                self._json(404, {"ok": False, "error": "その人はこのサンドボックスにいません。"})
            else:
                self._json(200, state)
        elif url.path.startswith("/files/"):
            self._file(url.path, download="download" in parse_qs(url.query))
        elif url.path == "/favicon.ico":
            self._send(204, b"", "image/x-icon")
        else:
            self._send(404, "見つかりません。".encode(), "text/plain; charset=utf-8")

    def _file(self, path: str, *, download: bool) -> None:
        fetched_by = self.headers.get("Sec-Fetch-Site")
        if fetched_by is not None and fetched_by not in OWN_FETCHES:
            self._send(403, b"Forbidden", "text/plain; charset=utf-8")  # embedded by another site
            return
        found = FILE_PATH.match(path)
        shared = self.server.backend.file(found.group(1)) if found else None
        if shared is None:
            self._send(404, "ファイルが見つかりません。".encode(), "text/plain; charset=utf-8")
            return
        inline = shared.mimetype in INLINE_IMAGES and not download
        headers = {
            "Content-Disposition": content_disposition(shared.filename, "inline" if inline else "attachment"),
            "Cross-Origin-Resource-Policy": "same-origin",
        }
        self._send(200, shared.content, shared.mimetype, headers)

    def _post(self) -> None:
        origin = self.headers.get("Origin")
        if origin is not None and origin.removeprefix("http://") not in self.server.allowed_hosts:
            self._json(403, {"ok": False, "error": "forbidden"})
            return
        if self.headers.get_content_type() != "application/json":
            self._json(415, {"ok": False, "error": "JSON で送ってください。"})
            return
        length = int(self.headers.get("Content-Length") or 0)
        if length > MAX_BODY:
            self._json(413, {"ok": False, "error": "too large"})
            return
        try:
            body = json.loads(self.rfile.read(length) or b"{}")
        except ValueError:
            body = None
        if not isinstance(body, dict):
            self._json(400, {"ok": False, "error": "JSON オブジェクトで送ってください。"})
            return
        path = urlsplit(self.path).path
        if path == "/api/interact":
            self._json(200, self.server.backend.interact(str(body.get("user", "")), body))
        elif path == "/api/clock":
            self._json(200, self.server.backend.advance_clock(str(body.get("step", ""))))
        else:
            self._json(404, {"ok": False, "error": "not found"})

    def _json(self, status: int, body: dict[str, Any]) -> None:
        data = json.dumps(body, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
        self._send(status, data, "application/json; charset=utf-8")

    def _send(
        self, status: int, body: bytes, content_type: str, headers: dict[str, str] | None = None
    ) -> None:
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        for name, value in (SECURITY_HEADERS | (headers or {})).items():
            self.send_header(name, value)
        self.end_headers()
        self.wfile.write(body)
