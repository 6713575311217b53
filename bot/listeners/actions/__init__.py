from __future__ import annotations

from typing import TYPE_CHECKING

from slack_bolt import App

from bot import refs
from bot.listeners.actions import admin, answering, reminding, survey_control

if TYPE_CHECKING:
    from bot.listeners import UseCases


def register(app: App, use_cases: UseCases) -> None:
    app.action(refs.SNOOZE)(reminding.snooze(use_cases))
    app.action(refs.ADMIN_FULL_ANSWERS)(admin.full_answers(use_cases))
    app.action(refs.ADMIN_CHANGE_STATUS)(admin.change_status(use_cases))
    app.action(refs.ADMIN_APPROVE_REQUEST)(admin.answer_request(use_cases, approve=True))
    app.action(refs.ADMIN_DECLINE_REQUEST)(admin.answer_request(use_cases, approve=False))
    app.action(refs.ADMIN_CONFIRM_ERASE)(admin.confirm_erase(use_cases))
    app.action(refs.OPEN_CORRECTION)(admin.open_correction(use_cases))
    app.action(refs.RESULTS_STATS)(admin.results(use_cases, "stats"))
    app.action(refs.RESULTS_EXPORT)(admin.results(use_cases, "export"))
    app.action(refs.RESULTS_PERIOD)(admin.only_ack)
    for action_id, listener in answering.by_action(use_cases).items():
        app.action(action_id)(listener)
    for action_id, listener in survey_control.by_action(use_cases).items():
        app.action(action_id)(listener)
