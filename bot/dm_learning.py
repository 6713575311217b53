"""Learning each person's DM channel from Slack's own payloads, so that the bot never has to ask
Slack for it (conversations.open is rate-limited: Tier 3).

Only where Slack itself says the channel is the person's DM with the bot: a message event in the
bot's DM (`channel_type: im`, sent by that person) and the App Home being opened. A slash command's
channel may be a DM between two people, so commands teach nothing; a click adds nothing (the bot
knew the DM to post the message clicked) and, were it forged, would point one person's messages at
another's DM.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from slack_bolt import BoltRequest, BoltResponse
from slack_bolt.middleware import Middleware

from bot.slack_gateway import DmChannels


class LearnDmChannels(Middleware):
    def __init__(self, dm_channels: DmChannels) -> None:
        self.dm_channels = dm_channels

    def process(
        self, *, req: BoltRequest, resp: BoltResponse, next: Callable[[], BoltResponse]
    ) -> BoltResponse | None:
        found = dm_of(req.body)
        if found is not None:
            self.dm_channels.remember(*found)
        return next()


def dm_of(body: Mapping[str, Any]) -> tuple[str, str] | None:
    """(user id, the user's DM channel with the bot) when the payload shows it, else None."""
    event = body.get("event")
    if body.get("type") != "event_callback" or not isinstance(event, dict):
        return None
    if event.get("type") == "message" and event.get("channel_type") == "im" and not event.get("bot_id"):
        return _pair(event.get("user"), event.get("channel"))
    if event.get("type") == "app_home_opened":
        return _pair(event.get("user"), event.get("channel"))
    return None


def _pair(user: object, channel: object) -> tuple[str, str] | None:
    if isinstance(user, str) and isinstance(channel, str) and user and channel.startswith("D"):
        return user, channel
    return None
