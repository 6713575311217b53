"""The Slack gateway: the only code that calls the Web API client.

Use cases return replies (bot.replies) and the gateway carries them out; the outbox's senders
post through a gateway of their own whose client is bounded for the claim lease. Each person's
DM channel is learnt from payloads or opened once (conversations.open), and shared by every gateway
and every process (DmChannels). SlackDirectory reads user groups' and channels' members for
/survey assign through the outbox's client, which never sleeps on a rate limit.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError, SlackClientError
from slack_sdk.webhook import WebhookClient

from bot.refs import NO_QUESTION, DraftRef
from bot.rendering.elements import Message
from bot.replies import OpenView, Posted, PublishHome, Replies, Reply, Say, Tell, Update, Upload

log = logging.getLogger(__name__)

# The message metadata that names the outbox message a post came from (Slack's event_type format).
OUTBOX_EVENT = "kikitori_outbox_message"
HISTORY_PAGES = 5  # 1,000 messages back at most: an unanswered post is minutes old, not days
SLACK_HOOKS_ORIGIN = "https://hooks.slack.com/"
# Slack allows a response_url 5 uses in 30 minutes; one click's replies take at most these.
RESPONSE_URL_USES_PER_CLICK = 4
# How far back in a DM a live message posted through a response_url is looked for.
LIVE_SEARCH_MESSAGES = 20


class DmChannels:
    """user id → DM channel id, shared by the gateways of one process, and through `load` and
    `save` (the database) by every process: conversations.open is rate-limited (Tier 3), so each
    person's DM is asked of Slack once, or never when a payload has shown it already."""

    def __init__(
        self,
        load: Callable[[str], str | None] | None = None,
        save: Callable[[str, str], None] | None = None,
    ) -> None:
        self._channels: dict[str, str] = {}
        self._lock = threading.Lock()
        self._load = load
        self._save = save

    def cached(self, user_id: str) -> str | None:
        with self._lock:
            return self._channels.get(user_id)

    def get(self, user_id: str) -> str | None:
        with self._lock:
            known = self._channels.get(user_id)
        if known is not None or self._load is None:
            return known
        try:
            stored = self._load(user_id)
        except Exception as error:  # the database may be away: Slack can still say
            log.warning("could not read a stored DM channel: %s", type(error).__name__)
            return None
        if stored is not None:
            with self._lock:
                self._channels[user_id] = stored
        return stored

    def remember(self, user_id: str, channel: str) -> None:
        with self._lock:
            if self._channels.get(user_id) == channel:
                return
            self._channels[user_id] = channel
        if self._save is not None:
            try:
                self._save(user_id, channel)
            except Exception as error:  # remembered in this process; another may ask Slack once
                log.warning("could not store a DM channel: %s", type(error).__name__)


class ResponseUrls:
    """Posts to the response_urls of clicks. Only to `allowed_origin` (Slack's hooks host, or the
    fake Slack's origin when SLACK_API_URL points at one): a payload's URL is never followed
    anywhere else, whatever it says."""

    def __init__(self, allowed_origin: str, *, timeout: int = 10) -> None:
        self._allowed = allowed_origin.rstrip("/") + "/"
        self._timeout = timeout

    def replace(self, url: str, message: Message) -> bool:
        """Replace the message clicked; False if that could not be done."""
        return self._send(url, {"replace_original": True, **message.as_kwargs()})

    def post(self, url: str, message: Message) -> bool:
        """Post a new message in the conversation of the click, seen by all in it (a DM: the
        person); False if that could not be done. Slack does not say the new message's ts."""
        body = {"replace_original": False, "response_type": "in_channel", **message.as_kwargs()}
        return self._send(url, body)

    def _send(self, url: str, body: dict[str, Any]) -> bool:
        if not url.startswith(self._allowed):
            log.warning("a click's response_url is not at Slack's host: the Web API instead")
            return False
        client = WebhookClient(url, timeout=self._timeout, retry_handlers=[])
        try:
            response = client.send_dict(body)
        except (SlackClientError, OSError) as error:  # refused, reset, timed out
            log.info("a response_url could not be reached (%s): the Web API instead", type(error).__name__)
            return False
        if response.status_code != 200:
            # The status only: the URL is a capability, and the body is Slack's.
            log.info("a response_url was refused (HTTP %s): the Web API instead", response.status_code)
            return False
        return True


class _ClickResponse:
    """The replies to one click, through its response_url, as far as Slack allows: the clicked
    message replaced (instead of chat.update, Tier 3) and new messages posted (instead of
    chat.postMessage, whose workspace-wide limit a launch would reach). Slack allows a URL 5 uses;
    one click needs two (the answer's echo, the next question), so the rest stay spare.

    Only in a DM (a "D" channel), where people answer: a post in a channel (the admin channel's
    summary and its thread) keeps the Web API, which keeps the message's metadata that the
    outbox looks for (post_once). Whatever the URL cannot do falls back to the Web API."""

    def __init__(self, clicked: Posted | None, urls: ResponseUrls | None) -> None:
        usable = clicked is not None and clicked.response_url and clicked.channel.startswith("D")
        self._clicked = clicked if usable and urls is not None else None
        self._urls = urls
        self._uses_left = RESPONSE_URL_USES_PER_CLICK

    def replace(self, where: Posted, message: Message) -> bool:
        if self._clicked is None or where != self._clicked or not self._take():
            return False
        assert self._urls is not None and self._clicked.response_url is not None
        return self._urls.replace(self._clicked.response_url, message)

    def post(self, message: Message, dm: str | None) -> Posted | None:
        """The new message's place (its ts unknown: empty), or None if it was not posted here.
        Only into the person's own DM, where the click was."""
        if self._clicked is None or dm not in (None, self._clicked.channel) or not self._take():
            return None
        assert self._urls is not None and self._clicked.response_url is not None
        if not self._urls.post(self._clicked.response_url, message):
            return None
        return Posted(self._clicked.channel, "")

    def _take(self) -> bool:
        if self._uses_left <= 0:
            return False
        self._uses_left -= 1
        return True


def _asks(message: Mapping[str, Any], draft_id: int, question_id: str | None) -> bool:
    """Whether a message still has inputs or buttons of the draft for that question (None: the
    review): a question or review not yet answered, collapsed or echoed."""
    for block in message.get("blocks") or []:
        if block.get("type") in ("actions", "input"):
            ref = DraftRef.decode(block.get("block_id"))
            if (
                ref is not None
                and ref.draft_id == draft_id
                and ref.question_id == (question_id or NO_QUESTION)
            ):
                return True
    return False


def response_url_origin(slack_api_url: str) -> str:
    """Where response_urls may point: Slack's hooks host for the real Web API; for another
    SLACK_API_URL (the fake Slack, the sandbox), that URL's own origin."""
    parts = urlsplit(slack_api_url)
    if parts.hostname == "slack.com":
        return SLACK_HOOKS_ORIGIN
    return f"{parts.scheme}://{parts.netloc}/"


# Records a draft's new live message and returns the one it replaces (storage.swap_live_message).
# A message posted through a response_url has no known ts (""): it is recorded as unknown.
LiveMessages = Callable[[int, Posted, str | None], Posted | None]


class SlackGateway:
    def __init__(
        self,
        client: WebClient,
        dm_channels: DmChannels | None = None,
        *,
        live_messages: LiveMessages | None = None,
        superseded: Message | None = None,
        response_urls: ResponseUrls | None = None,
    ) -> None:
        self.client = client
        self._response_urls = response_urls
        self._dm_channels = dm_channels or DmChannels()
        self._live_messages = live_messages
        self._superseded = superseded  # what a replaced live message becomes

    # --- replies -------------------------------------------------------------------------------

    def send(self, replies: Replies | Iterable[Reply], *, clicked: Posted | None = None) -> None:
        """Carry out the replies in order. `clicked` is the message a person's click came from:
        with its response_url, the replies to it spend no Web API call (see _ClickResponse)."""
        updated: set[Posted] = set()  # messages this batch rewrote itself: never collapse them
        response = _ClickResponse(clicked, self._response_urls)
        for reply in replies.items if isinstance(replies, Replies) else replies:
            if isinstance(reply, Update):
                updated.add(reply.where)
            self.carry_out(reply, updated, response)

    def carry_out(
        self, reply: Reply, updated: set[Posted] | None = None, response: _ClickResponse | None = None
    ) -> None:
        match reply:
            case Say(user_id, message, live_for, live_question):
                posted = (response and response.post(message, self.known_dm(user_id))) or self.say(
                    user_id, message
                )
                if live_for is not None and self._live_messages is not None:
                    replaced = self._live_messages(live_for, posted, live_question)
                    if replaced is not None and replaced not in (updated or set()):
                        self._supersede(replaced, posted, updated or set())
            case Update(where, message):
                if not (response and response.replace(where, message)):
                    target = self._with_ts(where)
                    if target is not None:
                        self.client.chat_update(channel=target.channel, ts=target.ts, **message.as_kwargs())
            case Tell(user_id, where, text):
                self.tell(user_id, where, text)
            case OpenView(trigger_id, view, push):
                # From inside a modal Slack wants views.push; views.open would replace nothing.
                if push:
                    self.client.views_push(trigger_id=trigger_id, view=view)
                else:
                    self.client.views_open(trigger_id=trigger_id, view=view)
            case PublishHome(user_id, view):
                self.client.views_publish(user_id=user_id, view=view)
            case Upload(user_id, filename, content, title, comment, then):
                # files.getUploadURLExternal → the upload → files.completeUploadExternal, into the DM.
                self.client.files_upload_v2(
                    channel=self.dm_channel(user_id),
                    filename=filename,
                    content=content,
                    title=title,
                    initial_comment=comment,
                )
                if then is not None:
                    then()

    # --- messages ------------------------------------------------------------------------------

    def known_dm(self, user_id: str) -> str | None:
        """The person's DM channel if this process knows it already: no Slack call, no database
        (it answers inside an ack)."""
        return self._dm_channels.cached(user_id)

    def dm_channel(self, user_id: str) -> str:
        channel = self._dm_channels.get(user_id)
        if channel is None:
            channel = str(self.client.conversations_open(users=user_id)["channel"]["id"])
            self._dm_channels.remember(user_id, channel)
        return channel

    def say(self, user_id: str, message: Message) -> Posted:
        response = self.client.chat_postMessage(channel=self.dm_channel(user_id), **message.as_kwargs())
        return Posted(str(response["channel"]), str(response["ts"]))

    def _supersede(self, replaced: Posted, posted: Posted, updated: set[Posted]) -> None:
        """Collapse the draft's live message that `posted` replaces. One whose ts is unknown (it
        came through a response_url) was the message this batch rewrote in that DM, if it rewrote
        one: a click, or a long-text modal, acts on the live message."""
        if not replaced.ts and any(where.channel == replaced.channel for where in updated):
            return
        self._collapse(replaced, just_posted=posted)

    def _collapse(self, where: Posted, *, just_posted: Posted | None = None) -> None:
        if self._superseded is None:
            return
        try:
            target = self._with_ts(where, just_posted=just_posted)
            if target is not None:
                self.client.chat_update(channel=target.channel, ts=target.ts, **self._superseded.as_kwargs())
        except SlackApiError as error:  # deleted, or too old to edit: it can no longer mislead anyone
            log.info("could not collapse a replaced message: %s", error.response.get("error"))

    def _with_ts(self, where: Posted, *, just_posted: Posted | None = None) -> Posted | None:
        """`where` with its ts. A draft's live message posted through a response_url has none that
        Slack told: it is the newest message in the DM that still asks that draft's question (one
        conversations.history, Tier 3, only then), other than the one `just_posted` to replace it
        (the newest of them, when it too went through a response_url)."""
        if where.ts or where.live_of is None:
            return where if where.ts else None
        besides = just_posted.ts if just_posted is not None else ""
        to_skip = 1 if just_posted is not None and not just_posted.ts else 0
        page = self.client.conversations_history(channel=where.channel, limit=LIVE_SEARCH_MESSAGES)
        for message in page.get("messages") or []:  # newest first
            if message.get("ts") == besides or not _asks(message, where.live_of, where.live_question):
                continue
            if to_skip:
                to_skip -= 1
                continue
            return Posted(where.channel, str(message["ts"]))
        log.info("a live message posted through a response_url was not found in the DM")
        return None

    def post(self, channel: str, message: Message, *, thread_ts: str | None = None) -> Posted:
        response = self.client.chat_postMessage(channel=channel, thread_ts=thread_ts, **message.as_kwargs())
        return Posted(str(response["channel"]), str(response["ts"]))

    def post_once(
        self,
        channel: str,
        message: Message,
        *,
        outbox_id: int,
        look_first: bool,
        thread_ts: str | None = None,
    ) -> Posted:
        """Post carrying `outbox_id` in the message metadata. With `look_first` (an earlier attempt
        may have been accepted by Slack without anyone hearing), the channel's latest messages (or
        the thread) are searched for that id first, and a post found is the post."""
        if look_first:
            found = self._find_posted(channel, outbox_id, thread_ts)
            if found is not None:
                log.info("outbox message %s was already posted; not posting it again", outbox_id)
                return found
        response = self.client.chat_postMessage(
            channel=channel,
            thread_ts=thread_ts,
            metadata={"event_type": OUTBOX_EVENT, "event_payload": {"outbox_id": outbox_id}},
            **message.as_kwargs(),
        )
        return Posted(str(response["channel"]), str(response["ts"]))

    def _find_posted(self, channel: str, outbox_id: int, thread_ts: str | None) -> Posted | None:
        cursor: str | None = None
        for _ in range(HISTORY_PAGES):
            if thread_ts:
                page = self.client.conversations_replies(
                    channel=channel, ts=thread_ts, include_all_metadata=True, limit=200, cursor=cursor
                )
            else:
                page = self.client.conversations_history(  # newest first
                    channel=channel, include_all_metadata=True, limit=200, cursor=cursor
                )
            for found in page.get("messages") or []:
                metadata = found.get("metadata") or {}
                payload = metadata.get("event_payload") or {}
                if metadata.get("event_type") == OUTBOX_EVENT and payload.get("outbox_id") == outbox_id:
                    return Posted(channel, str(found["ts"]))
            cursor = (page.get("response_metadata") or {}).get("next_cursor") or None
            if not cursor:
                return None
        return None

    def update(self, where: Posted, message: Message) -> None:
        self.client.chat_update(channel=where.channel, ts=where.ts, **message.as_kwargs())

    def delete(self, where: Posted) -> None:
        """Delete a message of the bot's; one already gone counts as deleted."""
        try:
            self.client.chat_delete(channel=where.channel, ts=where.ts)
        except SlackApiError as error:
            if error.response.get("error") != "message_not_found":
                raise

    def tell(self, user_id: str, where: str | None, text: str) -> None:
        """A note only this person sees: in `where` (the channel they acted in), else in their DM."""
        if where:
            try:
                self.client.chat_postEphemeral(channel=where, user=user_id, text=text)
                return
            except SlackApiError:
                pass  # someone acting outside their own DM may not be reachable there
        self.client.chat_postEphemeral(channel=self.dm_channel(user_id), user=user_id, text=text)

    # --- reading ------------------------------------------------------------------------------

    def real_name(self, user_id: str) -> str | None:
        """The person's name from their profile, to pre-fill 氏名; None when Slack cannot say."""
        try:
            user = self.client.users_info(user=user_id)["user"]
        except SlackApiError:
            return None
        profile = user.get("profile") or {}
        name = profile.get("real_name") or user.get("real_name")
        return str(name) if name else None

    def channel_info(self, channel: str) -> Mapping[str, Any]:
        return dict(self.client.conversations_info(channel=channel)["channel"])


# --- who is in a user group or a channel (/survey assign) --------------------------------------

MEMBERS_PAGE = 999  # conversations.members takes up to 1,000 a page (the Node SDK documents 999)
MEMBERS_PAGES = 20  # about 20,000 members of one channel at most
# What Slack answers for an account that can receive no DM (conversations.open, users.info).
UNREACHABLE = frozenset({"user_disabled", "user_not_found", "user_not_visible", "cannot_dm_bot"})


class MembersUnavailable(Exception):
    """Slack would not list a group's or a channel's members; `code` is Slack's error."""

    def __init__(self, code: str, retry_after: float = 0) -> None:
        super().__init__(code)
        self.code = code
        self.retry_after = retry_after


@dataclass(frozen=True)
class Members:
    user_ids: list[str]
    complete: bool = True  # False: the channel has more members than were read


class SlackDirectory:
    """Reads member lists and accounts through the outbox gateway's client, whose refusals (a 429
    included) come back at once: the listener thread running /survey assign never sleeps on a rate
    limit, it tells the administrator to try again later."""

    def __init__(self, client: WebClient) -> None:
        self._client = client
        self._own_user_id: str | None = None

    def own_user_id(self) -> str | None:
        if self._own_user_id is None:
            try:
                self._own_user_id = str(self._client.auth_test()["user_id"])
            except SlackApiError as error:
                log.warning("auth.test failed: %s", slack_error_code(error))
        return self._own_user_id

    def usergroup_members(self, usergroup_id: str) -> Members:
        try:
            users = self._client.usergroups_users_list(usergroup=usergroup_id)["users"]
        except SlackApiError as error:
            raise MembersUnavailable(slack_error_code(error), retry_after_seconds(error)) from None
        return Members([str(user) for user in users or []])

    def channel_members(self, channel_id: str) -> Members:
        found: list[str] = []
        cursor: str | None = None
        try:
            for _ in range(MEMBERS_PAGES):
                page = self._client.conversations_members(
                    channel=channel_id, limit=MEMBERS_PAGE, cursor=cursor
                )
                found.extend(str(user) for user in page.get("members") or [])
                cursor = (page.get("response_metadata") or {}).get("next_cursor") or None
                if not cursor:
                    return Members(found)
        except SlackApiError as error:
            raise MembersUnavailable(slack_error_code(error), retry_after_seconds(error)) from None
        return Members(found, complete=False)

    def account(self, user_id: str) -> Mapping[str, Any] | None:
        """users.info's user; None when Slack knows no such account. Other refusals raise."""
        try:
            return dict(self._client.users_info(user=user_id)["user"])
        except SlackApiError as error:
            if slack_error_code(error) in UNREACHABLE:
                return None
            raise


def slack_error_code(error: SlackApiError) -> str:
    try:
        return str(error.response.get("error") or "unknown_error")
    except (AttributeError, ValueError):
        return "invalid_response"


def retry_after_seconds(error: SlackApiError) -> float:
    """Slack's Retry-After on a refusal (a 429), in seconds; 0 when it gave none."""
    headers = getattr(error.response, "headers", None) or {}
    for name, value in headers.items():
        if name.lower() == "retry-after":
            try:
                return max(float(value if isinstance(value, str) else value[0]), 0.0)
            except (TypeError, ValueError, IndexError):
                return 0.0
    return 0.0
