"""view_submission: the long-text modal."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from slack_bolt import App

from bot import ids
from bot.conversation import Conversation
from bot.listeners.context import actor_of


def register(app: App, conversation: Conversation) -> None:
    def long_text(ack: Callable[..., None], body: dict[str, Any], view: dict[str, Any]) -> None:
        value = (view["state"]["values"].get(ids.LONG_TEXT_VIEW) or {}).get(ids.ANSWER, {}).get("value") or ""
        errors = conversation.submit_long_text(actor_of(body), view.get("private_metadata", "{}"), value)
        if errors:
            ack(response_action="errors", errors=errors)
        else:
            ack()

    app.view(ids.LONG_TEXT_VIEW)(long_text)
