"""Writing to people in their DM with the bot. Each DM channel is opened once (conversations.open)
and remembered, whoever writes: the conversation, the reminders or the administrators' desk."""

from __future__ import annotations

import threading

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from bot.blocks import Message


class DirectMessages:
    def __init__(self, client: WebClient) -> None:
        self.client = client
        self._channels: dict[str, str] = {}
        self._lock = threading.Lock()

    def channel(self, user_id: str) -> str:
        with self._lock:
            channel = self._channels.get(user_id)
        if channel is None:
            channel = self.client.conversations_open(users=user_id)["channel"]["id"]
            with self._lock:
                self._channels[user_id] = channel
        return channel

    def say(self, user_id: str, message: Message) -> None:
        self.client.chat_postMessage(channel=self.channel(user_id), **message.as_kwargs())

    def tell(self, user_id: str, where: str | None, text: str) -> None:
        """A note only this person sees: in `where` (the channel they acted in), else in their DM."""
        if where:
            try:
                self.client.chat_postEphemeral(channel=where, user=user_id, text=text)
                return
            except SlackApiError:
                pass  # someone acting outside their own DM may not be reachable there
        self.client.chat_postEphemeral(channel=self.channel(user_id), user=user_id, text=text)
