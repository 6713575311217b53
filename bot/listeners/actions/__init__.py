from __future__ import annotations

from typing import TYPE_CHECKING

from slack_bolt import App

from bot import refs
from bot.listeners.acking import ack_first
from bot.listeners.actions import admin, answering, reminding, survey_control

if TYPE_CHECKING:
    from bot.listeners import UseCases


def register(app: App, use_cases: UseCases) -> None:
    app.action(refs.SNOOZE)(**ack_first(reminding.snooze(use_cases)))
    app.action(refs.ADMIN_FULL_ANSWERS)(**ack_first(admin.full_answers(use_cases)))
    app.action(refs.ADMIN_CHANGE_STATUS)(**ack_first(admin.change_status(use_cases)))
    app.action(refs.ADMIN_APPROVE_REQUEST)(**ack_first(admin.answer_request(use_cases, approve=True)))
    app.action(refs.ADMIN_DECLINE_REQUEST)(**ack_first(admin.answer_request(use_cases, approve=False)))
    app.action(refs.ADMIN_CONFIRM_ERASE)(**ack_first(admin.confirm_erase(use_cases)))
    app.action(refs.OPEN_CORRECTION)(**ack_first(admin.open_correction(use_cases)))
    app.action(refs.RESULTS_STATS)(**ack_first(admin.results(use_cases, "stats")))
    app.action(refs.RESULTS_EXPORT)(**ack_first(admin.results(use_cases, "export")))
    app.action(refs.RESULTS_PERIOD)(admin.only_ack)
    for action_id, listener in answering.by_action(use_cases).items():
        app.action(action_id)(**ack_first(listener))
    for action_id, listener in survey_control.by_action(use_cases).items():
        app.action(action_id)(**ack_first(listener))
