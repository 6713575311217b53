from __future__ import annotations

from slack_bolt import App

from bot.conversation import Conversation
from bot.listeners.commands.survey import survey_command


def register(app: App, conversation: Conversation) -> None:
    app.command("/survey")(survey_command(conversation))
