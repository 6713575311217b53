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

from bot.rendering.elements import Message
from bot.replies import OpenView, Posted, PublishHome, Replies, Reply, Say, Tell, Update, Upload

log = logging.getLogger(__name__)

# The message metadata that names the outbox message a post came from (Slack's event_type format).
OUTBOX_EVENT = "kikitori_outbox_message"
HISTORY_PAGES = 5  # 1,000 messages back at most: an unanswered post is minutes old, not days
SLACK_HOOKS_ORIGIN = "https://hooks.slack.com/"


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
        if not url.startswith(self._allowed):
            log.warning("a click's response_url is not at Slack's host: chat.update instead")
            return False
        client = WebhookClient(url, timeout=self._timeout, retry_handlers=[])
        try:
            response = client.send_dict({"replace_original": True, **message.as_kwargs()})
        except (SlackClientError, OSError) as error:  # refused, reset, timed out
            log.info("a response_url could not be reached (%s): chat.update instead", type(error).__name__)
            return False
        if response.status_code != 200:
            # The status and Slack's short code only: the URL is a capability, the body is Slack's.
            log.info("a response_url was refused (HTTP %s): chat.update instead", response.status_code)
            return False
        return True


def response_url_origin(slack_api_url: str) -> str:
    """Where response_urls may point: Slack's hooks host for the real Web API; for another
    SLACK_API_URL (the fake Slack, the sandbox), that URL's own origin."""
    parts = urlsplit(slack_api_url)
    if parts.hostname == "slack.com":
        return SLACK_HOOKS_ORIGIN
    return f"{parts.scheme}://{parts.netloc}/"


# Records a draft's new live message and returns the one it replaces (storage.swap_live_message).
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

    def send(self, replies: Replies | Iterable[Reply]) -> None:
        updated: set[Posted] = set()  # messages this batch rewrote itself: never collapse them
        for reply in replies.items if isinstance(replies, Replies) else replies:
            if isinstance(reply, Update):
                updated.add(reply.where)
            self.carry_out(reply, updated)

    def carry_out(self, reply: Reply, updated: set[Posted] | None = None) -> None:
        match reply:
            case Say(user_id, message, live_for, live_question):
                posted = self.say(user_id, message)
                if live_for is not None and self._live_messages is not None:
                    replaced = self._live_messages(live_for, posted, live_question)
                    if replaced is not None and replaced not in (updated or set()):
                        self._collapse(replaced)
            case Update(where, message):
                if not self._replace_through_response_url(where, message):
                    self.client.chat_update(channel=where.channel, ts=where.ts, **message.as_kwargs())
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

    def _replace_through_response_url(self, where: Posted, message: Message) -> bool:
        """Replace the message a person just clicked through the click's response_url: no Web API
        call, so none of chat.update's Tier 3 budget. False (the caller falls back to chat.update)
        when there is none, it is not at Slack's host, or Slack refuses it (used, expired, limited).

        Only in a DM (a "D" channel), where people answer: a post in a channel (the admin
        channel's summary and its thread) keeps chat.update, which keeps the message's metadata
        that the outbox looks for (post_once)."""
        if where.response_url is None or self._response_urls is None or not where.channel.startswith("D"):
            return False
        return self._response_urls.replace(where.response_url, message)

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

    def _collapse(self, where: Posted) -> None:
        if self._superseded is None:
            return
        try:
            self.client.chat_update(channel=where.channel, ts=where.ts, **self._superseded.as_kwargs())
        except SlackApiError as error:  # deleted, or too old to edit: it can no longer mislead anyone
            log.info("could not collapse a replaced message: %s", error.response.get("error"))

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
