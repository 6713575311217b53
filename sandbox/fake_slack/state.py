"""The workspace model behind the fake Slack: channels, messages, views, files and failure injection.

Every API method validates all of its arguments before it changes anything, so a refused call
(real error or injected failure) leaves the workspace exactly as it was. All state sits behind one
lock because the HTTP server answers each request on its own thread.
"""

from __future__ import annotations

import copy
import json
import mimetypes
import re
import secrets
import threading
import time
import uuid
from collections import deque
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import Any, TypeVar, cast

from sandbox.fake_slack.limits import POST_MESSAGE, RESPONSE_URL, RateLimits

Params = dict[str, Any]
Handler = Callable[["Workspace", Params], Params]
T = TypeVar("T")

# Ids as Slack spells them; a DM channel here is "D" + the user id, so it is stable without bookkeeping.
_USER_ID = re.compile(r"^[UW][A-Z0-9]{2,}$")
MESSAGE_BLOCK_LIMIT = 50
VIEW_BLOCK_LIMIT = 100
VIEW_TITLE_LIMIT = 24
TEXT_LIMIT = 40_000
MODAL_STACK_LIMIT = 3
UPLOAD = "upload"  # pseudo method name for the upload URL, so fail_next/slow can target it too
# Methods that take the app-level token (xapp-…) instead of the bot token, as Slack's docs list them.
APP_LEVEL_METHODS = frozenset({"apps.connections.open"})

_API: dict[str, Handler] = {}


def _api(name: str) -> Callable[[Handler], Handler]:
    def register(handler: Handler) -> Handler:
        _API[name] = handler
        return handler

    return register


class ApiError(Exception):
    """An `ok: false` answer; `detail` goes to response_metadata.messages as Slack does."""

    def __init__(self, error: str, detail: str | None = None) -> None:
        super().__init__(error)
        self.error = error
        self.detail = detail

    def body(self) -> Params:
        body: Params = {"ok": False, "error": self.error}
        if self.detail:
            body["response_metadata"] = {"messages": [f"[ERROR] {self.detail}"]}
        return body


@dataclass(frozen=True)
class Failure:
    status: int
    error: str
    retry_after: int


@dataclass(frozen=True)
class Reply:
    status: int
    body: Params
    headers: dict[str, str]


# What Slack's interactivity docs allow a response_url: 5 uses within 30 minutes.
RESPONSE_URL_USES = 5
RESPONSE_URL_LIFETIME_SECONDS = 30 * 60


@dataclass
class ResponseUrl:
    channel: str
    user: str
    message_ts: str | None
    issued_at: float
    uses: int = 0


class Workspace:
    """One Slack workspace with one bot installed in it."""

    def __init__(
        self,
        *,
        token: str = "xoxb-fake-token",
        team_id: str = "T0KIKITORI",
        team_name: str = "Kikitori Test",
        bot_user_id: str = "U0KIKIBOT",
        bot_id: str = "B0KIKIBOT",
        app_id: str = "A0KIKITORI",
        app_token: str = "xapp-1-A0KIKITORI-1000000000000-fake",
        users: Mapping[str, str] | None = None,
        channels: Mapping[str, str] | None = None,
        scopes: str = (
            "chat:write,im:write,im:history,users:read,files:write,channels:read,groups:read,"
            "channels:history,groups:history,usergroups:read"
        ),
        trigger_ttl: float | None = 3.0,
    ) -> None:
        self.token = token
        self.team_id = team_id
        self.team_name = team_name
        self.bot_user_id = bot_user_id
        self.bot_id = bot_id
        self.app_id = app_id
        self.app_token = app_token
        # Where apps.connections.open points: set by a running FakeSocketMode (fake_slack/socket_mode.py).
        self.socket_mode_url: str | None = None
        self.scopes = scopes
        # Slack expires a trigger_id after 3 s; None turns the check off for slow debugging sessions.
        self.trigger_ttl = trigger_ttl
        self.root_url = "http://127.0.0.1/"  # set by the server once it knows its port
        self._lock = threading.RLock()
        self._seq = 0  # ts and ids keep increasing across reset() so stale references never match
        self._users: dict[str, Params] = {}
        self._channels: dict[str, Params] = {}
        self._members: dict[str, list[str]] = {}  # channel id → user ids, as conversations.members lists them
        self._usergroups: dict[str, Params] = {}
        # Slack's rate limits, off unless a test or benchmark calls enforce_rate_limits().
        self.rate_limits: RateLimits | None = None
        for user_id, real_name in (users or {}).items():
            self.add_user(user_id, real_name)
        for channel_id, name in (channels or {}).items():
            self.add_channel(channel_id, name)
        self.reset()

    # ----- configuration -------------------------------------------------------------------------

    def add_user(self, user_id: str, real_name: str | None = None, **fields: Any) -> None:
        """Make `users.info` know a person; `fields` override any top-level key (tz, is_admin, …)."""
        real_name = real_name or user_id
        name = fields.pop("name", real_name.lower().replace(" ", "."))
        display_name = fields.pop("display_name", real_name)
        user: Params = {
            "id": user_id,
            "team_id": self.team_id,
            "name": name,
            "deleted": False,
            "real_name": real_name,
            "tz": "Asia/Tokyo",
            "tz_label": "Japan Standard Time",
            "tz_offset": 32400,
            "is_admin": False,
            "is_owner": False,
            "is_bot": False,
            "profile": {"real_name": real_name, "display_name": display_name, "team": self.team_id},
        }
        user.update(fields)
        with self._lock:
            self._users[user_id] = user

    def add_channel(
        self,
        channel_id: str,
        name: str,
        *,
        is_private: bool = False,
        is_member: bool = True,
        members: Iterable[str] = (),
    ) -> None:
        """A channel; `members` are the user ids conversations.members lists (the bot's own user
        is listed too when `is_member`, as Slack does)."""
        listed = list(dict.fromkeys(members))
        if is_member and self.bot_user_id not in listed:
            listed.append(self.bot_user_id)
        with self._lock:
            self._members[channel_id] = listed
            self._channels[channel_id] = {
                "id": channel_id,
                "name": name,
                "is_channel": not is_private,
                "is_group": is_private,
                "is_im": False,
                "is_private": is_private,
                "is_member": is_member,
                "is_archived": False,
            }

    def add_members(self, channel_id: str, user_ids: Iterable[str]) -> None:
        """More people join a channel added before."""
        with self._lock:
            listed = self._members.setdefault(channel_id, [])
            listed.extend(u for u in dict.fromkeys(user_ids) if u not in listed)

    def add_usergroup(self, usergroup_id: str, handle: str, users: Iterable[str]) -> None:
        """A user group (`<!subteam^S…|@handle>` in a command's text) and its members."""
        with self._lock:
            self._usergroups[usergroup_id] = {
                "id": usergroup_id,
                "handle": handle,
                "users": list(dict.fromkeys(users)),
            }

    def enforce_rate_limits(self, clock: Callable[[], float] | None = None) -> RateLimits:
        """Switch on Slack's published rate limits (sandbox/fake_slack/limits.py). `clock` gives
        seconds (monotonic time by default): a test passes its own so that nothing sleeps."""
        with self._lock:
            self.rate_limits = RateLimits(clock)
            return self.rate_limits

    def ratelimited(self) -> dict[str, int]:
        """Calls refused with 429 since the limits were switched on (or reset), per method."""
        return self.rate_limits.ratelimited() if self.rate_limits is not None else {}

    def reset(self) -> None:
        """Forget everything that happened (messages, views, files, calls, failures, the rate
        limits' windows); keep configuration."""
        with self._lock:
            if self.rate_limits is not None:
                self.rate_limits.reset()
            self._messages: dict[str, dict[str, Params]] = {}
            self._versions: dict[tuple[str, str], list[Params]] = {}
            self._ephemeral: dict[tuple[str, str], list[Params]] = {}
            self._views: dict[str, Params] = {}
            self._home: dict[str, str] = {}
            self._stacks: dict[str, list[str]] = {}
            self._triggers: dict[str, tuple[str, float]] = {}  # trigger_id → (user, issued at)
            self._exchanged: set[str] = set()
            self._files: dict[str, Params] = {}
            self._responses: dict[str, ResponseUrl] = {}  # response_url key → where, uses
            self._calls: list[tuple[str, Params]] = []
            self._failures: dict[str, deque[Failure]] = {}
            self._delays: dict[str, float] = {}
            self._hangs: dict[str, float] = {}
            self._tickets: set[str] = set()  # Socket Mode tickets handed out and not yet used

    def issue_trigger(self, user: str) -> str:
        """A trigger_id as Slack would put in an interaction payload from `user` (single use)."""
        with self._lock:
            trigger = f"{self._next()}.{int(time.time())}.{secrets.token_hex(8)}"
            self._triggers[trigger] = (user, time.monotonic())
            return trigger

    def close_views(self, user: str) -> None:
        """Close the user's modals, as Slack does on Cancel or `response_action: clear`."""
        with self._lock:
            self._close_stack(user)

    # ----- what Slack itself does (for the browser sandbox) -------------------------------------
    # These are not API methods: they are what Slack's client and servers do around the app, so
    # they are not recorded in `calls`.

    def post_user_message(self, channel: str, user: str, text: str) -> Params:
        """A person writes `text` in `channel` (their DM with the app); returns the stored message."""
        with self._lock:
            if not user or not _USER_ID.match(user):
                raise ApiError("user_not_found")
            channel = self._resolve_channel(channel)
            message: Params = {
                "type": "message",
                "ts": self._next_ts(),
                "user": user,
                "team": self.team_id,
                "text": str(text),
            }
            self._store(channel, message)
            return copy.deepcopy(message)

    def response_url(self, channel: str, user: str, message_ts: str | None = None) -> str:
        """A response_url for an interaction by `user` in `channel` (on the message `message_ts`)."""
        with self._lock:
            key = secrets.token_urlsafe(16)
            channel = self._resolve_channel(channel)
            self._responses[key] = ResponseUrl(channel, user, message_ts, issued_at=self._seconds())
            return f"{self.root_url}_fake/respond/{key}"

    def respond(self, key: str, body: Params) -> Reply:
        """A POST to a response_url, as Slack answers it: 404 `expired_url` for one never handed out
        or older than 30 minutes, `used_url` after its 5 uses; with the rate limits on, 429 for a
        new message past the channel's posting budget (a replacement posts nothing new)."""
        with self._lock:
            where = self._responses.get(key)
            now = self._seconds()
            if where is None or now - where.issued_at > RESPONSE_URL_LIFETIME_SECONDS:
                return Reply(404, {"ok": False, "error": "expired_url"}, {})
            if where.uses >= RESPONSE_URL_USES:
                return Reply(404, {"ok": False, "error": "used_url"}, {})
            failure = self.take_failure(RESPONSE_URL)
            if failure is not None:
                return self.failure_reply(failure)
            posts_anew = body.get("response_type") == "in_channel" and not _truthy(
                body.get("replace_original")
            )
            if self.rate_limits is not None and posts_anew:
                wait = self.rate_limits.admit(RESPONSE_URL, self._dm_key(where.channel))
                if wait is not None:
                    return Reply(429, {"ok": False, "error": "rate_limited"}, {"Retry-After": str(wait)})
            where.uses += 1
            self.apply_response(where.channel, where.user, body, message_ts=where.message_ts)
            return Reply(200, {"ok": True}, {})

    def _seconds(self) -> float:
        """The rate limits' clock when they are on (a test's), else monotonic time."""
        return self.rate_limits.clock() if self.rate_limits is not None else time.monotonic()

    def apply_response(
        self, channel: str, user: str, body: Params, *, message_ts: str | None = None
    ) -> Params | None:
        """Show an app's reply as Slack does: a slash command's ack body or a response_url POST.
        Ephemeral unless `response_type` is `in_channel`; `replace_original`/`delete_original`
        act on the message the interaction came from. The message shown (a copy), if any."""
        with self._lock:
            channel = self._resolve_channel(channel)
            original = self._messages.get(channel, {}).get(message_ts or "")
            if _truthy(body.get("delete_original")) and original is not None:
                del self._messages[channel][original["ts"]]
                return None
            fields = {k: v for k, v in body.items() if k in ("text", "blocks", "attachments")}
            if not fields:
                return None  # an empty acknowledgement shows nothing
            if _truthy(body.get("replace_original")) and original is not None:
                message = self._message(fields, channel, original["ts"])
                if "thread_ts" in original:  # it keeps its place in a thread
                    message["thread_ts"] = original["thread_ts"]
                message["edited"] = {"user": self.bot_user_id, "ts": self._next_ts()}
                self._store(channel, message)
            elif body.get("response_type") == "in_channel":
                message = self._message(fields, channel, self._next_ts())
                self._store(channel, message)
            else:
                message = self._message(fields, channel, self._next_ts())
                self._ephemeral.setdefault((channel, user), []).append(message)
            return copy.deepcopy(message)

    def view(self, view_id: str) -> Params | None:
        return self._read(lambda: self._views.get(view_id))

    def answer_view_submission(self, user: str, view_id: str, body: Params) -> dict[str, str] | None:
        """What Slack does with the app's answer to a view_submission of `view_id`: close it (an
        empty answer), `update` it, `push` a view, `clear` the stack, or keep it open showing the
        `errors` (returned, block_id → message)."""
        with self._lock:
            stack = self._stacks.get(user, [])
            if view_id not in stack:
                return None
            action = body.get("response_action")
            if action == "errors":
                return {str(k): str(v) for k, v in (body.get("errors") or {}).items()}
            if action == "clear":
                self._close_stack(user)
            elif action == "update":
                current = self._views[view_id]
                view = self._view({"view": body.get("view")}, kind="modal", view_id=view_id)
                view.update(
                    root_view_id=current["root_view_id"], previous_view_id=current["previous_view_id"]
                )
                self._views[view_id] = view
            elif action == "push":
                if len(stack) >= MODAL_STACK_LIMIT:
                    raise ApiError("push_limit_reached")
                view = self._view({"view": body.get("view")}, kind="modal")
                view.update(root_view_id=stack[0], previous_view_id=stack[-1])
                self._views[view["id"]] = view
                stack.append(view["id"])
            else:
                self.close_view(user, view_id)
            return None

    def close_view(self, user: str, view_id: str) -> None:
        """Close one modal of the user's stack and those above it (Cancel, or a submission's empty ack)."""
        with self._lock:
            stack = self._stacks.get(user, [])
            if view_id not in stack:
                return
            for closed in stack[stack.index(view_id) :]:
                self._views.pop(closed, None)
            del stack[stack.index(view_id) :]
            if not stack:
                del self._stacks[user]

    # ----- failure injection ---------------------------------------------------------------------

    def fail_next(
        self,
        method: str,
        *,
        status: int = 429,
        retry_after: int = 1,
        error: str | None = None,
        times: int = 1,
    ) -> None:
        """Refuse the next `times` calls of `method`: HTTP 429 (ratelimited, Retry-After), another
        HTTP status such as 500, or, when `error` is given, HTTP 200 with `ok: false` and that error.
        Use the method name "upload" for the file upload URL, "response_url" for a click's
        response_url (any of them)."""
        self._check_method(method)
        if error is not None:
            failure = Failure(200, error, 0)
        else:
            failure = Failure(status, "ratelimited" if status == 429 else "fatal_error", retry_after)
        with self._lock:
            self._failures.setdefault(method, deque()).extend([failure] * times)

    def slow(self, method: str, seconds: float) -> None:
        """Delay every answer to `method` by `seconds` (0 removes the delay)."""
        self._check_method(method)
        with self._lock:
            if seconds > 0:
                self._delays[method] = seconds
            else:
                self._delays.pop(method, None)

    def delay_for(self, method: str) -> float:
        with self._lock:
            return self._delays.get(method, 0.0)

    def hang_after(self, method: str, seconds: float) -> None:
        """Carry out every call of `method`, then wait `seconds` before answering (0 removes it):
        Slack accepted the post, and the caller has not heard yet (it may time out or die)."""
        self._check_method(method)
        with self._lock:
            if seconds > 0:
                self._hangs[method] = seconds
            else:
                self._hangs.pop(method, None)

    def hang_for(self, method: str) -> float:
        with self._lock:
            return self._hangs.get(method, 0.0)

    def take_failure(self, method: str) -> Failure | None:
        with self._lock:
            queue = self._failures.get(method)
            return queue.popleft() if queue else None

    @staticmethod
    def _check_method(method: str) -> None:
        if method not in _API and method not in (UPLOAD, RESPONSE_URL):
            raise ValueError(f"the fake Slack has no method {method!r}")

    # ----- dispatch ------------------------------------------------------------------------------

    def dispatch(self, method: str, params: Params, token: str | None) -> Reply:
        """Answer one Web API call as Slack would (statuses, headers and body). `token` is the one from the
        Authorization header; the bot token may come as a `token` parameter instead."""
        params = {k: v for k, v in params.items() if v is not None}  # slack_sdk's JSON bodies carry nulls
        header_token = token
        token = token or params.pop("token", None)
        params.pop("token", None)
        with self._lock:
            self._calls.append((method, copy.deepcopy(params)))
            try:
                handler = _API.get(method)
                if handler is None:
                    raise ApiError("unknown_method")
                if method in APP_LEVEL_METHODS:
                    self._check_app_token(header_token)
                else:
                    self._check_bot_token(token)
                failure = self.take_failure(method)
                if failure is not None:
                    return self.failure_reply(failure)
                if self.rate_limits is not None:
                    channel = (
                        self._dm_key(str(params.get("channel") or "")) if method == POST_MESSAGE else None
                    )
                    wait = self.rate_limits.admit(method, channel)
                    if wait is not None:
                        return Reply(429, {"ok": False, "error": "ratelimited"}, {"Retry-After": str(wait)})
                body = {"ok": True, **handler(self, params)}
            except ApiError as refusal:
                return Reply(200, refusal.body(), {})
        headers = {"x-oauth-scopes": self.scopes} if method == "auth.test" else {}
        return Reply(200, body, headers)

    def _check_bot_token(self, token: str | None) -> None:
        if not token:
            raise ApiError("not_authed")
        if token == self.app_token:
            raise ApiError("not_allowed_token_type")  # an app-level token only opens connections
        if token != self.token:
            raise ApiError("invalid_auth")

    def _check_app_token(self, header_token: str | None) -> None:
        # Slack reads the app-level token from the Authorization header only, never from the body.
        if not header_token:
            raise ApiError("not_authed")
        if header_token == self.token:
            raise ApiError("not_allowed_token_type")
        if header_token != self.app_token:
            raise ApiError("invalid_auth")

    def redeem_ticket(self, ticket: str) -> bool:
        """Use up a Socket Mode ticket from apps.connections.open; False if unknown or already used."""
        with self._lock:
            if ticket not in self._tickets:
                return False
            self._tickets.discard(ticket)
            return True

    @staticmethod
    def failure_reply(failure: Failure) -> Reply:
        headers = {"Retry-After": str(failure.retry_after)} if failure.status == 429 else {}
        return Reply(failure.status, {"ok": False, "error": failure.error}, headers)

    def receive_upload(self, file_id: str, data: bytes, content_type: str) -> bool:
        """Store the bytes POSTed to an upload URL; False if no such URL was handed out."""
        with self._lock:
            upload = self._files.get(file_id)
            if upload is None:
                return False
            upload.update(content=data, content_type=content_type, uploaded=True)
            return True

    # ----- introspection (copies, so tests can never change the workspace by accident) -----------

    def _read(self, fn: Callable[[], T]) -> T:
        with self._lock:
            return copy.deepcopy(fn())

    def messages(self, channel: str) -> list[Params]:
        """Current versions of the channel's messages, oldest first (a user id means the DM with them)."""
        key = self._dm_key(channel)
        return self._read(lambda: list(self._messages.get(key, {}).values()))

    def all_messages(self) -> list[Params]:
        """Every message in every channel, in the order they were posted, each with its `channel`."""
        with self._lock:
            found = [{**m, "channel": c} for c, by_ts in self._messages.items() for m in by_ts.values()]
            return copy.deepcopy(sorted(found, key=lambda m: _ts_key(m["ts"])))

    def versions(self, channel: str, ts: str) -> list[Params]:
        """Every version of one message, the original first; len - 1 is the number of edits."""
        key = self._dm_key(channel)
        return self._read(lambda: self._versions.get((key, ts), []))

    def edit_count(self, channel: str, ts: str) -> int:
        return max(len(self.versions(channel, ts)) - 1, 0)

    def ephemeral(self, channel: str, user: str) -> list[Params]:
        key = self._dm_key(channel)
        return self._read(lambda: self._ephemeral.get((key, user), []))

    def home_view(self, user: str) -> Params | None:
        return self._read(lambda: self._views.get(self._home.get(user, "")))

    def open_views(self, user: str) -> list[Params]:
        """The user's modal stack, bottom first."""
        return self._read(lambda: [self._views[v] for v in self._stacks.get(user, [])])

    @property
    def uploads(self) -> dict[str, Params]:
        """file_id → {id, filename, title, length, content (bytes), uploaded, shared_to, …}."""
        return self._read(lambda: self._files)

    @property
    def calls(self) -> list[tuple[str, Params]]:
        """Every call that reached the API (refused ones too), as (method, params) without tokens."""
        return self._read(lambda: self._calls)

    def dm_channel(self, user: str) -> str:
        return f"D{user}"

    def wait_for(self, predicate: Callable[[], T], timeout: float = 5.0, interval: float = 0.01) -> T:
        """Poll `predicate` until it returns something truthy (and return that) or fail after `timeout`."""
        deadline = time.monotonic() + timeout
        while True:
            result = predicate()
            if result:
                return result
            if time.monotonic() >= deadline:
                raise TimeoutError(f"fake Slack: condition not met within {timeout} s")
            time.sleep(interval)

    def snapshot(self) -> Params:
        """Everything, JSON-ready, for the /_fake/state page (file bytes are served separately)."""
        with self._lock:
            channels: dict[str, Params] = {}
            for channel, by_ts in self._messages.items():
                channels.setdefault(channel, {})["messages"] = [
                    {**m, "edit_count": len(self._versions[(channel, ts)]) - 1} for ts, m in by_ts.items()
                ]
            for (channel, user), ephemeral in self._ephemeral.items():
                channels.setdefault(channel, {}).setdefault("ephemeral", {})[user] = ephemeral
            files = {
                fid: {k: v for k, v in f.items() if k != "content"} | {"url": f"/_fake/files/{fid}"}
                for fid, f in self._files.items()
            }
            return copy.deepcopy(
                {
                    "team": {"id": self.team_id, "name": self.team_name, "bot_user_id": self.bot_user_id},
                    "users": self._users,
                    "channels": channels,
                    "home_views": {u: self._views[v] for u, v in self._home.items()},
                    "open_views": {u: [self._views[v] for v in s] for u, s in self._stacks.items()},
                    "files": files,
                    "calls": [{"method": m, "params": p} for m, p in self._calls],
                }
            )

    def shared_file(self, file_id: str) -> SharedFile | None:
        """A file shared in a message (its upload completed), for the browser page; None otherwise."""
        with self._lock:
            upload = self._files.get(file_id)
            if not upload or not upload.get("completed"):
                return None
            return SharedFile(
                id=file_id,
                filename=upload["filename"],
                mimetype=mimetype_of(upload["filename"]),
                content=bytes(upload["content"]),
            )

    def file_content(self, file_id: str) -> tuple[bytes, str] | None:
        """(bytes, filename) of an uploaded file, for the browser page's download link."""
        with self._lock:
            upload = self._files.get(file_id)
            if not upload or not upload.get("uploaded"):
                return None
            return upload["content"], upload["filename"]

    # ----- helpers -------------------------------------------------------------------------------

    def _next(self) -> int:
        self._seq += 1
        return self._seq

    def _next_ts(self) -> str:
        micros = self._next() * 100  # "1700000000.000100", "1700000000.000200", …
        return f"{1_700_000_000 + micros // 1_000_000}.{micros % 1_000_000:06d}"

    @staticmethod
    def _dm_key(channel: str) -> str:
        return f"D{channel}" if _USER_ID.match(channel) else channel

    def _resolve_channel(self, channel: str | None) -> str:
        """The channel id a message to `channel` lands in, or the error Slack gives for it."""
        if not channel:
            raise ApiError("channel_not_found")
        if _USER_ID.match(channel):  # posting to a user id posts into the app's DM with them
            return f"D{channel}"
        if channel.startswith("D") and _USER_ID.match(channel[1:]):
            return channel
        name = channel.removeprefix("#")
        found = self._channels.get(channel) or next(
            (c for c in self._channels.values() if c["name"] == name), None
        )
        if found is None or (found["is_private"] and not found["is_member"]):
            raise ApiError("channel_not_found")  # a private channel the bot is not in is invisible
        if not found["is_member"]:
            raise ApiError("not_in_channel")
        return found["id"]

    def _message(self, params: Params, channel: str, ts: str) -> Params:
        text = params.get("text")
        blocks = _json_field(params, "blocks", "invalid_blocks_format")
        attachments = _json_field(params, "attachments", "invalid_attachments")
        if text is None and blocks is None and attachments is None:
            raise ApiError("no_text")
        if text is not None and len(str(text)) > TEXT_LIMIT:
            raise ApiError("msg_too_long")
        message: Params = {
            "type": "message",
            "ts": ts,
            "user": self.bot_user_id,
            "bot_id": self.bot_id,
            "app_id": self.app_id,
            "team": self.team_id,
            "text": "" if text is None else str(text),
        }
        if blocks is not None:
            message["blocks"] = _check_blocks(blocks, MESSAGE_BLOCK_LIMIT, "invalid_blocks")
        if attachments is not None:
            message["attachments"] = attachments
        metadata = _json_field(params, "metadata", "invalid_metadata_format")
        if metadata is not None:
            message["metadata"] = metadata
        if params.get("thread_ts"):
            message["thread_ts"] = str(params["thread_ts"])
        return message

    def _store(self, channel: str, message: Params) -> None:
        self._messages.setdefault(channel, {})[message["ts"]] = message
        self._versions.setdefault((channel, message["ts"]), []).append(copy.deepcopy(message))

    def _find_message(self, params: Params) -> tuple[str, Params]:
        channel = self._resolve_channel(params.get("channel"))
        message = self._messages.get(channel, {}).get(str(params.get("ts", "")))
        if message is None:
            raise ApiError("message_not_found")
        return channel, message

    def _view(self, params: Params, *, kind: str, view_id: str | None = None) -> Params:
        view = _json_field(params, "view", "invalid_arguments")
        if not isinstance(view, dict) or view.get("type") != kind:
            raise ApiError("invalid_arguments", f"view.type must be {kind!r}")
        blocks = _check_blocks(view.get("blocks", []), VIEW_BLOCK_LIMIT, "invalid_arguments")
        title = view["title"].get("text", "") if isinstance(view.get("title"), dict) else ""
        if kind == "modal" and not 0 < len(title) <= VIEW_TITLE_LIMIT:
            raise ApiError("invalid_arguments", f"modal title must be 1–{VIEW_TITLE_LIMIT} characters")
        view_id = view_id or f"V{self._next():08d}"
        return {
            "id": view_id,
            "team_id": self.team_id,
            "app_id": self.app_id,
            "bot_id": self.bot_id,
            "private_metadata": "",
            "callback_id": "",
            "external_id": "",
            "clear_on_close": False,
            "notify_on_close": False,
            **{k: v for k, v in view.items() if k != "blocks"},
            "blocks": blocks,
            "type": kind,
            "state": {"values": {}},
            "hash": f"{int(time.time())}.{secrets.token_hex(4)}",
            "root_view_id": view_id,
            "previous_view_id": None,
        }

    def _take_trigger(self, params: Params) -> str:
        trigger = params.get("trigger_id") or params.get("interactivity_pointer")
        if not trigger:
            raise ApiError("invalid_arguments", "missing required field: trigger_id")
        if trigger in self._exchanged:
            raise ApiError("exchanged_trigger_id")
        if trigger not in self._triggers:
            raise ApiError("invalid_trigger_id")
        user, issued = self._triggers[trigger]
        if self.trigger_ttl is not None and time.monotonic() - issued > self.trigger_ttl:
            raise ApiError("expired_trigger_id")
        return user

    def _use_trigger(self, params: Params) -> None:
        # _take_trigger has checked it is there
        trigger = cast(str, params.get("trigger_id") or params.get("interactivity_pointer"))
        del self._triggers[trigger]
        self._exchanged.add(trigger)  # single use: Slack refuses a second exchange

    # ----- API methods ---------------------------------------------------------------------------

    @_api("auth.test")
    def _auth_test(self, params: Params) -> Params:
        return {
            "url": f"https://{self.team_name.lower().replace(' ', '-')}.slack.com/",
            "team": self.team_name,
            "user": "kikitori",
            "team_id": self.team_id,
            "user_id": self.bot_user_id,
            "bot_id": self.bot_id,
            "is_enterprise_install": False,
        }

    @_api("apps.connections.open")
    def _apps_connections_open(self, params: Params) -> Params:
        if self.socket_mode_url is None:
            raise ApiError("internal_error", "the fake's Socket Mode server is not running")
        ticket = str(uuid.uuid4())
        self._tickets.add(ticket)
        return {"url": f"{self.socket_mode_url}?ticket={ticket}&app_id={self.app_id}"}

    @_api("chat.postMessage")
    def _chat_post_message(self, params: Params) -> Params:
        channel = self._resolve_channel(params.get("channel"))
        message = self._message(params, channel, self._next_ts())
        self._store(channel, message)
        return {"channel": channel, "ts": message["ts"], "message": copy.deepcopy(message)}

    @_api("chat.update")
    def _chat_update(self, params: Params) -> Params:
        channel, old = self._find_message(params)
        # Fields left out keep their old value (Slack keeps blocks unless given; [] removes them).
        merged: Params = {k: old[k] for k in ("text", "blocks", "attachments", "metadata") if k in old}
        merged.update({k: v for k, v in params.items() if k in ("text", "blocks", "attachments", "metadata")})
        message = self._message(merged, channel, old["ts"])
        if "thread_ts" in old:
            message["thread_ts"] = old["thread_ts"]
        message["edited"] = {"user": self.bot_user_id, "ts": self._next_ts()}
        self._store(channel, message)
        return {
            "channel": channel,
            "ts": message["ts"],
            "text": message["text"],
            "message": copy.deepcopy(message),
        }

    @_api("chat.delete")
    def _chat_delete(self, params: Params) -> Params:
        channel, message = self._find_message(params)
        del self._messages[channel][message["ts"]]
        return {"channel": channel, "ts": message["ts"]}

    @_api("chat.postEphemeral")
    def _chat_post_ephemeral(self, params: Params) -> Params:
        channel = self._resolve_channel(params.get("channel"))
        user = params.get("user")
        if not user or not _USER_ID.match(user):
            raise ApiError("user_not_found")
        if channel.startswith("D") and channel != f"D{user}":
            raise ApiError("user_not_in_channel")
        message = self._message(params, channel, self._next_ts())
        self._ephemeral.setdefault((channel, user), []).append(message)
        return {"message_ts": message["ts"]}

    @_api("conversations.open")
    def _conversations_open(self, params: Params) -> Params:
        if params.get("channel"):
            return {"channel": {"id": self._resolve_channel(params["channel"])}}
        users = [u for u in str(params.get("users", "")).split(",") if u]
        if len(users) != 1:  # group DMs are not part of this workspace model
            raise ApiError("invalid_arguments", "give exactly one user")
        if not _USER_ID.match(users[0]):
            raise ApiError("user_not_found")
        known = self._users.get(users[0])
        if known is not None and known.get("deleted"):
            raise ApiError("user_disabled")  # a deactivated account
        return {"channel": {"id": f"D{users[0]}"}}

    @_api("conversations.members")
    def _conversations_members(self, params: Params) -> Params:
        """A channel's members, a page at a time (cursor and limit, at most 1000 a page). A public
        channel needs channels:read, a private one groups:read and the bot among its members."""
        channel = str(params.get("channel") or "")
        found = self._channels.get(channel)
        if found is None or (found["is_private"] and not found["is_member"]):
            raise ApiError("channel_not_found")
        needed = "groups:read" if found["is_private"] else "channels:read"
        if needed not in self.scopes.split(","):
            raise ApiError("missing_scope", needed)
        try:
            limit = int(params.get("limit") or 100)
        except (TypeError, ValueError):
            raise ApiError("invalid_limit") from None
        if not 1 <= limit <= 1000:
            raise ApiError("invalid_limit")
        cursor = str(params.get("cursor") or "0")
        if not cursor.isdigit():
            raise ApiError("invalid_cursor")
        members = self._members.get(channel, [])
        start = int(cursor)
        more = start + limit < len(members)
        return {
            "members": members[start : start + limit],
            "response_metadata": {"next_cursor": str(start + limit) if more else ""},
        }

    @_api("usergroups.users.list")
    def _usergroups_users_list(self, params: Params) -> Params:
        """A user group's members (usergroups:read), all in one answer as Slack gives them."""
        if "usergroups:read" not in self.scopes.split(","):
            raise ApiError("missing_scope", "usergroups:read")
        group = self._usergroups.get(str(params.get("usergroup") or ""))
        if group is None:
            raise ApiError("no_such_subteam")
        return {"users": list(group["users"])}

    @_api("conversations.history")
    def _conversations_history(self, params: Params) -> Params:
        """A channel's top-level messages, newest first (thread replies stay in conversations.replies);
        message metadata only with include_all_metadata, as Slack does."""
        channel = self._history_channel(params)
        oldest, latest = _ts_key(str(params.get("oldest") or "0")), params.get("latest")
        found = [
            m
            for m in self._messages.get(channel, {}).values()
            if "thread_ts" not in m or m["thread_ts"] == m["ts"]
            if _ts_key(m["ts"]) > oldest and (latest is None or _ts_key(m["ts"]) < _ts_key(str(latest)))
        ]
        found.sort(key=lambda m: _ts_key(m["ts"]), reverse=True)
        return self._page_of(found, params)

    @_api("conversations.replies")
    def _conversations_replies(self, params: Params) -> Params:
        """A thread: its parent first, then the replies, oldest first."""
        channel = self._history_channel(params)
        parent = self._messages.get(channel, {}).get(str(params.get("ts") or ""))
        if parent is None:
            raise ApiError("thread_not_found")
        thread = [parent] + sorted(
            (
                m
                for m in self._messages[channel].values()
                if m.get("thread_ts") == parent["ts"] and m is not parent
            ),
            key=lambda m: _ts_key(m["ts"]),
        )
        return self._page_of(thread, params)

    def _history_channel(self, params: Params) -> str:
        channel = self._resolve_channel(params.get("channel"))
        found = self._channels.get(channel)
        needed = "groups:history" if found and found["is_private"] else "channels:history"
        if not channel.startswith("D") and needed not in self.scopes.split(","):
            raise ApiError("missing_scope", needed)
        return channel

    def _page_of(self, messages: list[Params], params: Params) -> Params:
        limit = min(max(int(params.get("limit") or 100), 1), 999)
        start = int(params.get("cursor") or 0)
        page = messages[start : start + limit]
        with_metadata = str(params.get("include_all_metadata", "")).lower() in ("1", "true")
        shown = [
            {k: v for k, v in copy.deepcopy(m).items() if with_metadata or k != "metadata"} for m in page
        ]
        more = start + limit < len(messages)
        return {
            "messages": shown,
            "has_more": more,
            "response_metadata": {"next_cursor": str(start + limit) if more else ""},
        }

    @_api("conversations.info")
    def _conversations_info(self, params: Params) -> Params:
        channel = str(params.get("channel", ""))
        if channel.startswith("D") and _USER_ID.match(channel[1:]):
            return {"channel": {"id": channel, "is_im": True, "is_private": True, "user": channel[1:]}}
        found = self._channels.get(channel)
        if found is None or (found["is_private"] and not found["is_member"]):
            raise ApiError("channel_not_found")
        return {"channel": copy.deepcopy(found)}

    @_api("users.info")
    def _users_info(self, params: Params) -> Params:
        user = self._users.get(str(params.get("user", "")))
        if user is None:
            raise ApiError("user_not_found")
        return {"user": copy.deepcopy(user)}

    @_api("views.publish")
    def _views_publish(self, params: Params) -> Params:
        user = params.get("user_id")
        if not user or not _USER_ID.match(user):
            raise ApiError("user_not_found")
        current = self._views.get(self._home.get(user, ""))
        if current and params.get("hash") and params["hash"] != current["hash"]:
            raise ApiError("hash_conflict")
        view = self._view(params, kind="home", view_id=current["id"] if current else None)
        self._views[view["id"]] = view
        self._home[user] = view["id"]
        return {"view": copy.deepcopy(view)}

    @_api("views.open")
    def _views_open(self, params: Params) -> Params:
        user = self._take_trigger(params)
        view = self._view(params, kind="modal")
        self._use_trigger(params)
        self._close_stack(user)  # opening a modal replaces whatever modal the user had
        self._views[view["id"]] = view
        self._stacks[user] = [view["id"]]
        return {"view": copy.deepcopy(view)}

    @_api("views.push")
    def _views_push(self, params: Params) -> Params:
        user = self._take_trigger(params)
        stack = self._stacks.get(user, [])
        if not stack:
            raise ApiError("not_found", "no modal is open to push onto")
        if len(stack) >= MODAL_STACK_LIMIT:
            raise ApiError("push_limit_reached")
        view = self._view(params, kind="modal")
        view.update(root_view_id=stack[0], previous_view_id=stack[-1])
        self._use_trigger(params)
        self._views[view["id"]] = view
        stack.append(view["id"])
        return {"view": copy.deepcopy(view)}

    @_api("views.update")
    def _views_update(self, params: Params) -> Params:
        current = self._views.get(str(params.get("view_id", "")))
        if current is None and params.get("external_id"):
            current = next(
                (v for v in self._views.values() if v["external_id"] == params["external_id"]), None
            )
        if current is None:
            raise ApiError("not_found")
        if params.get("hash") and params["hash"] != current["hash"]:
            raise ApiError("hash_conflict")
        view = self._view(params, kind=current["type"], view_id=current["id"])
        view.update(root_view_id=current["root_view_id"], previous_view_id=current["previous_view_id"])
        view["external_id"] = view["external_id"] or current["external_id"]  # keep it findable
        self._views[view["id"]] = view
        return {"view": copy.deepcopy(view)}

    def _close_stack(self, user: str) -> None:
        for view_id in self._stacks.pop(user, []):
            self._views.pop(view_id, None)

    @_api("files.getUploadURLExternal")
    def _files_get_upload_url(self, params: Params) -> Params:
        filename, length = params.get("filename"), params.get("length")
        if not filename or length is None or not str(length).isdigit():
            raise ApiError("invalid_arguments", "filename and length are required")
        file_id = f"F{self._next():08d}"
        self._files[file_id] = {
            "id": file_id,
            "filename": str(filename),
            "title": None,
            "length": int(length),
            "alt_txt": params.get("alt_txt"),
            "snippet_type": params.get("snippet_type"),
            "uploaded": False,
            "completed": False,
            "shared_to": [],
            "content": b"",
            "content_type": None,
        }
        return {"upload_url": f"{self.root_url}upload/{file_id}", "file_id": file_id}

    @_api("files.completeUploadExternal")
    def _files_complete_upload(self, params: Params) -> Params:
        entries = _json_field(params, "files", "invalid_arguments")
        if not isinstance(entries, list) or not entries:
            raise ApiError("invalid_arguments", "files must be a non-empty list")
        uploads = []
        for entry in entries:
            upload = self._files.get(str(entry.get("id", ""))) if isinstance(entry, dict) else None
            if upload is None or not upload["uploaded"] or upload["completed"]:
                raise ApiError("file_not_found")
            uploads.append((upload, entry.get("title") or upload["filename"]))
        targets = [params["channel_id"]] if params.get("channel_id") else []
        targets += [c for c in str(params.get("channels", "")).split(",") if c]
        channels = [self._resolve_channel(c) for c in targets]
        for upload, title in uploads:
            upload.update(title=title, completed=True, shared_to=channels)
        for channel in channels:
            message: Params = {
                "type": "message",
                "ts": self._next_ts(),
                "user": self.bot_user_id,
                "bot_id": self.bot_id,
                "app_id": self.app_id,
                "team": self.team_id,
                "text": str(params.get("initial_comment", "")),
                "upload": True,
                "files": [self._file_object(upload) for upload, _ in uploads],
            }
            if params.get("thread_ts"):
                message["thread_ts"] = str(params["thread_ts"])
            self._store(channel, message)
        return {"files": [{"id": upload["id"], "title": title} for upload, title in uploads]}

    def _file_object(self, upload: Params) -> Params:
        name = upload["filename"]
        found: Params = {
            "id": upload["id"],
            "name": name,
            "title": upload["title"],
            "mimetype": mimetype_of(name),
            "filetype": name.rsplit(".", 1)[-1].lower() if "." in name else "binary",
            "size": len(upload["content"]),
            "user": self.bot_user_id,
            "url_private": f"{self.root_url}_fake/files/{upload['id']}",
            "url_private_download": f"{self.root_url}_fake/files/{upload['id']}",
        }
        size = _image_size(upload["content"])
        if size is not None:  # Slack gives an image's pixel size, so a client can keep its room
            found["original_w"], found["original_h"] = size
        if upload.get("alt_txt"):
            found["alt_txt"] = str(upload["alt_txt"])
        return found


@dataclass(frozen=True)
class SharedFile:
    id: str
    filename: str
    mimetype: str
    content: bytes


# Not left to the machine's /etc/mime.types: the types of what the bot uploads, whatever it has.
_MIMETYPES = {
    "png": "image/png",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "csv": "text/csv",
}


def mimetype_of(filename: str) -> str:
    known = _MIMETYPES.get(filename.rsplit(".", 1)[-1].lower()) if "." in filename else None
    return known or mimetypes.guess_type(filename)[0] or "application/octet-stream"


def _image_size(content: bytes) -> tuple[int, int] | None:
    """(width, height) of a PNG or GIF from its header; None for anything else."""
    if content[:8] == b"\x89PNG\r\n\x1a\n" and content[12:16] == b"IHDR" and len(content) >= 24:
        return int.from_bytes(content[16:20], "big"), int.from_bytes(content[20:24], "big")
    if content[:6] in (b"GIF87a", b"GIF89a") and len(content) >= 10:
        return int.from_bytes(content[6:8], "little"), int.from_bytes(content[8:10], "little")
    return None


def _truthy(value: Any) -> bool:
    """A flag from a JSON body (true) or a form body ("true")."""
    return value is True or str(value).lower() == "true"


def _ts_key(ts: str) -> tuple[int, int]:
    seconds, _, micros = ts.partition(".")
    return int(seconds), int(micros or 0)


def _json_field(params: Params, key: str, error: str) -> Any:
    """Form bodies carry structured arguments as JSON strings; JSON bodies carry them as they are."""
    value = params.get(key)
    if isinstance(value, str):
        try:
            return json.loads(value)
        except json.JSONDecodeError:
            raise ApiError(error, f"{key} is not valid JSON") from None
    return value


def _check_blocks(blocks: Any, limit: int, error: str) -> list[Params]:
    """The structural checks Slack makes that a bot can get wrong; not a full Block Kit validator."""
    if not isinstance(blocks, list) or not all(isinstance(b, dict) and b.get("type") for b in blocks):
        raise ApiError(error, "blocks must be a list of objects with a type")
    if len(blocks) > limit:
        raise ApiError(error, f"no more than {limit} items allowed [json-pointer:/blocks]")
    block_ids = [b["block_id"] for b in blocks if "block_id" in b]
    if len(block_ids) != len(set(block_ids)):
        raise ApiError(error, "block_id must be unique within a message or view")
    return blocks
