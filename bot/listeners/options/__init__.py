"""block_suggestion: the department search for the 所属 question."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from slack_bolt import App

from bot import ids
from bot.conversation import Conversation


def register(app: App, conversation: Conversation) -> None:
    def departments(ack: Callable[..., None], body: dict[str, Any]) -> None:
        ack(options=conversation.department_options(body.get("value", "")))

    app.options(ids.ANSWER)(departments)
