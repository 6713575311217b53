"""あとで on a reminder."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from bot import blocks
from bot.conversation import Conversation
from bot.listeners.context import action_of, actor_of, posted_of
from bot.reminders.messages import snoozed_text
from bot.reminders.service import Reminders


def snooze(reminders: Reminders, conversation: Conversation) -> Callable[..., None]:
    def handle(ack: Callable[..., None], body: dict[str, Any]) -> None:
        ack()
        actor, posted = actor_of(body), posted_of(body)
        until = reminders.snooze(actor.user_id, str(action_of(body).get("value") or ""))
        if until is None:
            conversation.tell(actor, posted, "このお知らせは、すでに回答済みか中止された調査のものです。")
            return
        note = blocks.notice(snoozed_text(until.astimezone(reminders.settings.timezone)))
        if posted:
            conversation.update(posted, note)
        else:
            conversation.say(actor, note)

    return handle
