from __future__ import annotations

from slack_bolt import App

from bot import ids
from bot.admin_desk import AdminDesk
from bot.conversation import Conversation
from bot.listeners.actions import admin, answering, reminding, survey_control
from bot.reminders.service import Reminders


def register(app: App, conversation: Conversation, desk: AdminDesk, reminders: Reminders) -> None:
    app.action(ids.SNOOZE)(reminding.snooze(reminders, conversation))
    app.action(ids.ADMIN_FULL_ANSWERS)(admin.full_answers(desk))
    app.action(ids.ANSWER)(answering.answer(conversation))
    app.action(ids.TOGGLE)(answering.toggle)
    app.action(ids.NEXT)(answering.next_(conversation))
    app.action(ids.BACK)(answering.back(conversation))
    app.action(ids.EDIT)(answering.edit(conversation))
    app.action(ids.REVIEW_EDIT)(answering.review_edit(conversation))
    app.action(ids.CONFIRM_CHANGE)(answering.confirm_change(conversation))
    app.action(ids.KEEP_ANSWER)(answering.keep_answer(conversation))
    app.action(ids.OPEN_LONG_TEXT)(answering.open_long_text(conversation))
    for action_id, use_case in (
        (ids.START, "start"),
        (ids.RESUME, "resume"),
        (ids.RESTART, "restart"),
        (ids.CANCEL, "cancel"),
        (ids.ASK_TO_CANCEL, "ask_to_cancel"),
        (ids.HELP, "help"),
    ):
        app.action(action_id)(survey_control.by_actor(conversation, use_case))
    app.action(ids.SUBMIT)(survey_control.submit(conversation))
