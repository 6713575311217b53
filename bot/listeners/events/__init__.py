"""Events: a DM such as 「開始」「再開」, and the App Home tab."""

from __future__ import annotations

import unicodedata
from typing import TYPE_CHECKING, Any

from slack_bolt import App

from bot.conversation import Actor
from bot.listeners.acking import ack_first
from bot.listeners.carrying import carry
from bot.listeners.commands.survey import Command, run, typed_command
from bot.listeners.home import home_of
from bot.replies import Replies

if TYPE_CHECKING:
    from bot.listeners import UseCases


def register(app: App, use_cases: UseCases) -> None:
    def direct_message(event: dict[str, Any], body: dict[str, Any]) -> None:
        if event.get("channel_type") != "im" or event.get("bot_id") or event.get("subtype"):
            return
        if not isinstance(event.get("user"), str) or not isinstance(body.get("team_id"), str):
            return  # a person's message always names them; one that does not acts for no one
        typed = str(event.get("text") or "")
        text = unicodedata.normalize("NFKC", typed).strip()
        actor = Actor(team_id=str(body.get("team_id")), user_id=str(event.get("user")))
        command = typed_command(text)

        def work() -> Replies | None:
            if command is not None:
                return run(use_cases, command, actor, text)
            # Anything else typed is the answer to the current question; with no survey, the help.
            answered = use_cases.answering.typed(actor, typed) if text else None
            return answered or run(use_cases, Command.HELP, actor, text)

        carry(use_cases, actor.user_id, None, work)

    def home_opened(event: dict[str, Any], body: dict[str, Any]) -> None:
        if event.get("tab") != "home":
            return
        if not isinstance(event.get("user"), str) or not isinstance(body.get("team_id"), str):
            return
        actor = Actor(team_id=str(body.get("team_id")), user_id=str(event.get("user")))
        carry(use_cases, actor.user_id, None, lambda: home_of(use_cases, actor))

    app.event("message")(**ack_first(direct_message))
    app.event("app_home_opened")(**ack_first(home_opened))
