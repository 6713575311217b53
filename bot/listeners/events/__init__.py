"""Events: a DM such as 「開始」「再開」, and the App Home tab."""

from __future__ import annotations

import unicodedata
from typing import Any

from slack_bolt import App

from bot.conversation import Actor, Conversation
from bot.listeners.commands.survey import subcommand_of


def register(app: App, conversation: Conversation) -> None:
    def direct_message(event: dict[str, Any], body: dict[str, Any]) -> None:
        if event.get("channel_type") != "im" or event.get("bot_id") or event.get("subtype"):
            return
        text = unicodedata.normalize("NFKC", event.get("text") or "").strip()
        actor = Actor(team_id=str(body.get("team_id")), user_id=str(event.get("user")))
        name = subcommand_of(text) if text else None
        getattr(conversation, name or "help")(actor)

    def home_opened(event: dict[str, Any], body: dict[str, Any]) -> None:
        if event.get("tab") != "home":
            return
        conversation.publish_home(Actor(team_id=str(body.get("team_id")), user_id=str(event.get("user"))))

    app.event("message")(direct_message)
    app.event("app_home_opened")(home_opened)
