"""Listeners grouped by the Slack feature they serve; each package only registers.

A listener acknowledges, decodes the payload, hands it to one use case, and gives the replies it
returns to the Slack gateway. It decides nothing.
"""

from __future__ import annotations

from dataclasses import dataclass

from slack_bolt import App

from bot.admin_desk import AdminDesk
from bot.conversation import Answering, Starting, Submitting
from bot.invitations import Invitations
from bot.reminders.service import Reminders
from bot.results_desk import ResultsDesk
from bot.slack_gateway import SlackGateway
from bot.submission_desk import SubmissionDesk


@dataclass(frozen=True)
class UseCases:
    starting: Starting
    answering: Answering
    submitting: Submitting
    desk: AdminDesk
    invitations: Invitations
    reminders: Reminders
    results: ResultsDesk
    submissions: SubmissionDesk
    gateway: SlackGateway  # the one that talks to Slack for the listeners


def register_listeners(app: App, use_cases: UseCases) -> None:
    """The listeners. The shape check (listeners/shape.py) comes first, in bot/app.py: Bolt's own
    self-event filter and matchers raise on a request they cannot read."""
    from bot.listeners import actions, commands, events, options, views

    actions.register(app, use_cases)
    commands.register(app, use_cases)
    events.register(app, use_cases)
    options.register(app, use_cases)
    views.register(app, use_cases)
