"""What the page shows one person: their DM with the app, the admin channel, the Home tab and open modal.

Blocks go out as Slack renders them (`render_blocks`: generated block_id/action_id filled in), so the ids
the page sends back are the ones the request builders find again.
"""

from __future__ import annotations

import hashlib
import json
import threading
from collections.abc import Callable
from datetime import datetime
from typing import Any

from sandbox import slack_payloads as sp
from sandbox.clock import SandboxClock
from sandbox.fake_slack import FakeSlack
from sandbox.people import ADMIN_CHANNEL_ID, ADMIN_CHANNEL_NAME, PEOPLE, Person
from sandbox.web import INLINE_IMAGES

APP_NAME = "Kikitori"


class PostedTimes:
    """When each message appeared, on the sandbox clock. The fake's ts values are a counter, not a time,
    so the time is taken the first time the page state sees a message (the page polls every second)."""

    def __init__(self, clock: Callable[[], datetime]) -> None:
        self._clock = clock
        self._seen: dict[tuple[str, str], datetime] = {}
        self._lock = threading.Lock()

    def of(self, channel: str, ts: str) -> datetime:
        with self._lock:
            return self._seen.setdefault((channel, ts), self._clock())


def page_state(fake: FakeSlack, clock: SandboxClock, times: PostedTimes, person: Person) -> dict[str, Any]:
    dm = fake.dm_channel(person.id)
    names = {someone.id: someone.name for someone in PEOPLE}
    state: dict[str, Any] = {
        "clock": {"label": clock.label(), "offset": clock.offset_label()},  # minutes: the etag stays put
        # handle: the Slack username, which a slash command's escaped mention carries (<@U…|handle>)
        "people": [{"id": p.id, "name": p.name, "handle": p.handle, "role": p.role} for p in PEOPLE],
        "user": person.id,
        "app_name": APP_NAME,
        "dm": {
            "channel": dm,
            "messages": _timeline(fake, dm, person, times, clock, names),
        },
        "admin": {
            "channel": ADMIN_CHANNEL_ID,
            "name": ADMIN_CHANNEL_NAME,
            "member": person.is_admin,
            "messages": _timeline(fake, ADMIN_CHANNEL_ID, person, times, clock, names),
        },
        "home": _view(fake.home_view(person.id)),
        "modal": _view(next(reversed(fake.open_views(person.id)), None)),
    }
    return state


def etag_of(state: dict[str, Any]) -> str:
    """A short digest, so the page skips re-rendering when nothing changed."""
    text = json.dumps(state, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(text.encode()).hexdigest()[:20]


def _timeline(
    fake: FakeSlack,
    channel: str,
    person: Person,
    times: PostedTimes,
    clock: SandboxClock,
    names: dict[str, str],
) -> list[dict[str, Any]]:
    shown = [(m, False) for m in fake.messages(channel)] + [
        (m, True) for m in fake.ephemeral(channel, person.id)
    ]
    shown.sort(key=lambda pair: _ts_key(pair[0]["ts"]))
    return [_message(m, channel, ephemeral, times, clock, names) for m, ephemeral in shown]


def _message(
    message: dict[str, Any],
    channel: str,
    ephemeral: bool,
    times: PostedTimes,
    clock: SandboxClock,
    names: dict[str, str],
) -> dict[str, Any]:
    from_app = "bot_id" in message or message.get("user") not in names
    posted = times.of(channel, message["ts"]).astimezone(clock.timezone)
    return {
        "ts": message["ts"],
        "channel": channel,
        "author": APP_NAME if from_app else names[message["user"]],
        "from_app": from_app,
        "time": f"{posted.month}/{posted.day} {posted:%H:%M}",
        "text": message.get("text", ""),
        "blocks": sp.render_blocks(message["blocks"]) if message.get("blocks") else None,
        "files": [_file(f) for f in message.get("files", []) if f.get("id")],
        "ephemeral": ephemeral,
        "edited": "edited" in message,
    }


# A file's kind as Slack's file card names it, by its extension.
FILE_KINDS = {
    "xlsx": "Excel スプレッドシート",
    "xls": "Excel スプレッドシート",
    "csv": "CSV",
    "pdf": "PDF",
    "txt": "テキスト",
    "png": "PNG 画像",
    "jpg": "JPEG 画像",
    "jpeg": "JPEG 画像",
    "gif": "GIF 画像",
}


def _file(shared: dict[str, Any]) -> dict[str, Any]:
    """A file in a message as the page shows it: an image in place, anything else as a card with a
    download link. Both point at the page's own server (/files/<id>), which serves the fake's bytes."""
    file_id = str(shared["id"])
    name = str(shared.get("name") or file_id)
    filetype = str(shared.get("filetype") or "").lower()
    width, height = shared.get("original_w"), shared.get("original_h")
    return {
        "id": file_id,
        "name": name,
        "title": str(shared.get("title") or name),
        "filetype": filetype,
        "image": shared.get("mimetype") in INLINE_IMAGES,
        "width": width if isinstance(width, int) and width > 0 else None,
        "height": height if isinstance(height, int) and height > 0 else None,
        "alt": str(shared.get("alt_txt") or shared.get("title") or name),
        "kind": FILE_KINDS.get(filetype) or (f"{filetype.upper()} ファイル" if filetype else "ファイル"),
        "size": size_label(int(shared.get("size") or 0)),
        "url": f"/files/{file_id}",
        "download_url": f"/files/{file_id}?download=1",
    }


def size_label(size: int) -> str:
    if size < 1024:
        return f"{size} バイト"
    if size < 1024 * 1024:
        return f"{round(size / 1024)} KB"
    return f"{size / (1024 * 1024):.1f} MB"


def _view(view: dict[str, Any] | None) -> dict[str, Any] | None:
    if view is None:
        return None
    return {
        "id": view["id"],
        "type": view["type"],
        "hash": view.get("hash", ""),
        "title": view.get("title"),
        "submit": view.get("submit"),
        "close": view.get("close"),
        "blocks": sp.render_blocks(view.get("blocks", [])),
    }


def _ts_key(ts: str) -> tuple[int, int]:
    seconds, _, micros = ts.partition(".")
    return int(seconds), int(micros or 0)
