from __future__ import annotations

from collections.abc import Callable
from functools import partial
from typing import TYPE_CHECKING

from slack_bolt import App

from bot import refs
from bot.listeners.acking import ack_first, ack_then_open
from bot.listeners.actions import admin, answering, reminding, survey_control

if TYPE_CHECKING:
    from bot.conversation import Actor
    from bot.listeners import UseCases
    from bot.replies import Posted, Replies


def register(app: App, use_cases: UseCases) -> None:
    app.action(refs.SNOOZE)(**ack_first(reminding.snooze(use_cases)))
    # These open a modal: their trigger_id lasts 3 s, so they never wait in the listener pool.
    app.action(refs.ADMIN_FULL_ANSWERS)(ack_then_open(admin.full_answers(use_cases)))
    app.action(refs.ADMIN_CHANGE_STATUS)(ack_then_open(admin.change_status(use_cases)))
    desk = use_cases.submissions
    by_value: dict[str, Callable[[Actor, str, Posted | None], Replies]] = {
        refs.ADMIN_APPROVE_REQUEST: partial(desk.answer_request, approve=True),
        refs.ADMIN_DECLINE_REQUEST: partial(desk.answer_request, approve=False),
        refs.ADMIN_CONFIRM_ERASE: desk.erase,
        refs.OPEN_CORRECTION: desk.open_correction,
    }
    for action_id, act in by_value.items():
        app.action(action_id)(**ack_first(admin.on_value(use_cases, act)))
    app.action(refs.RESULTS_STATS)(**ack_first(admin.results(use_cases, "stats")))
    app.action(refs.RESULTS_EXPORT)(**ack_first(admin.results(use_cases, "export")))
    app.action(refs.RESULTS_PERIOD)(admin.only_ack)
    for action_id, listener in answering.by_action(use_cases).items():
        if action_id == refs.OPEN_LONG_TEXT:
            app.action(action_id)(ack_then_open(listener))
        else:
            app.action(action_id)(**ack_first(listener))
    for action_id, listener in survey_control.by_action(use_cases).items():
        app.action(action_id)(**ack_first(listener))
