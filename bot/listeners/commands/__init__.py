from __future__ import annotations

from slack_bolt import App

from bot.admin_desk import AdminDesk
from bot.conversation import Conversation
from bot.listeners.commands.survey import SURVEY_COMMAND, survey_command


def register(app: App, conversation: Conversation, desk: AdminDesk) -> None:
    app.command(SURVEY_COMMAND)(survey_command(conversation, desk))
