from __future__ import annotations

from typing import TYPE_CHECKING

from slack_bolt import App

from bot.listeners.commands.survey import SURVEY_COMMAND, survey_command

if TYPE_CHECKING:
    from bot.listeners import UseCases


def register(app: App, use_cases: UseCases) -> None:
    app.command(SURVEY_COMMAND)(**survey_command(use_cases))
