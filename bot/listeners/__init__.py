"""Listeners grouped by the Slack feature they serve; each package only registers."""

from __future__ import annotations

from slack_bolt import App

from bot.admin_desk import AdminDesk
from bot.conversation import Conversation
from bot.listeners import actions, commands, events, options, views
from bot.reminders.service import Reminders


def register_listeners(app: App, conversation: Conversation, desk: AdminDesk, reminders: Reminders) -> None:
    actions.register(app, conversation, desk, reminders)
    commands.register(app, conversation, desk)
    events.register(app, conversation)
    options.register(app, conversation)
    views.register(app, conversation)
