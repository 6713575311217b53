"""Events: a DM such as 「開始」「再開」, and the App Home tab."""

from __future__ import annotations

import unicodedata
from typing import TYPE_CHECKING, Any

from slack_bolt import App

from bot.conversation import Actor
from bot.listeners.commands.survey import Command, command_of, run

if TYPE_CHECKING:
    from bot.listeners import UseCases


def register(app: App, use_cases: UseCases) -> None:
    def direct_message(event: dict[str, Any], body: dict[str, Any]) -> None:
        if event.get("channel_type") != "im" or event.get("bot_id") or event.get("subtype"):
            return
        text = unicodedata.normalize("NFKC", event.get("text") or "").strip()
        actor = Actor(team_id=str(body.get("team_id")), user_id=str(event.get("user")))
        command = (command_of(text) if text else None) or Command.HELP
        use_cases.gateway.send(run(use_cases, command, actor, text))

    def home_opened(event: dict[str, Any], body: dict[str, Any]) -> None:
        if event.get("tab") != "home":
            return
        actor = Actor(team_id=str(body.get("team_id")), user_id=str(event.get("user")))
        use_cases.gateway.send(use_cases.starting.home(actor))

    app.event("message")(direct_message)
    app.event("app_home_opened")(home_opened)
