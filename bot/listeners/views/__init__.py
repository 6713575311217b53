"""view_submission: the long-text modal, and the administrators' status form.

Slack wants its answer within 3 seconds, and only that answer can keep the modal open with an
error next to the text. So the text is checked first (nothing is read but the flow), then saved
with a deadline well inside Slack's: saved → the modal closes; refused or not saved in time → it
stays open with the person's text and says why. A save that finishes after the deadline still
shows the next question in the DM.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from concurrent.futures import TimeoutError as Pending
from typing import TYPE_CHECKING, Any

from slack_bolt import App
from sqlalchemy.exc import SQLAlchemyError

from bot import refs, texts
from bot.listeners.carrying import carry
from bot.listeners.payloads import actor_of, as_dict, element_value
from bot.refs import ModalRef
from bot.replies import Posted, Replies

if TYPE_CHECKING:
    from bot.listeners import UseCases

log = logging.getLogger(__name__)

SAVE_DEADLINE_SECONDS = 2.0


def register(app: App, use_cases: UseCases) -> None:
    saving = ThreadPoolExecutor(max_workers=4, thread_name_prefix="kikitori-modal")
    sending = ThreadPoolExecutor(max_workers=4, thread_name_prefix="kikitori-modal-replies")

    def long_text(ack: Callable[..., None], body: dict[str, Any], view: dict[str, Any]) -> None:
        def refuse(message: str) -> None:
            ack(response_action="errors", errors={refs.LONG_TEXT_VIEW: message})

        values = as_dict(as_dict(view.get("state")).get("values"))
        element = as_dict(as_dict(values.get(refs.LONG_TEXT_VIEW)).get(refs.ANSWER))
        text = str(element_value(element) or "")
        metadata = ModalRef.decode(view.get("private_metadata"))
        if metadata is None:  # a modal opened by an earlier release
            refuse(texts.OLD_MESSAGE)
            return
        problem = use_cases.answering.check_long_text(metadata, text)
        if problem:
            refuse(problem)
            return
        actor = actor_of(body)
        saved = saving.submit(use_cases.answering.submit_long_text, actor, metadata, text)
        try:
            error, replies = saved.result(timeout=SAVE_DEADLINE_SECONDS)
        except Pending:
            refuse(texts.SLOW_SAVE_MODAL)
            saved.add_done_callback(lambda late: _show_when_saved(use_cases, late, metadata.origin()))
            return
        except SQLAlchemyError as failure:
            log.error("the database could not save a long answer: %s", type(failure).__name__)
            refuse(texts.DB_UNAVAILABLE_MODAL)
            return
        if error:
            refuse(error)
            return
        ack()
        # After the ack, never before it: the app answers Slack only when this listener returns.
        # Through the response_url of the click that opened the modal, as for any click.
        sending.submit(
            carry, use_cases, actor.user_id, metadata.origin(), lambda: replies
        )  # Slack may refuse

    app.view(refs.LONG_TEXT_VIEW)(long_text)

    def status_form(ack: Callable[..., None], body: dict[str, Any], view: dict[str, Any]) -> None:
        values = as_dict(as_dict(view.get("state")).get("values"))
        to = element_value(as_dict(as_dict(values.get(refs.STATUS_TO)).get(refs.STATUS_TO)))
        reason = element_value(as_dict(as_dict(values.get(refs.STATUS_REASON)).get(refs.STATUS_REASON)))
        actor = actor_of(body)
        try:
            errors, replies = use_cases.submissions.change_status(
                actor, str(view.get("private_metadata") or ""), str(to or ""), str(reason or "")
            )
        except SQLAlchemyError as failure:
            log.error("the database could not change a status: %s", type(failure).__name__)
            ack(response_action="errors", errors={refs.STATUS_TO: texts.DB_UNAVAILABLE_MODAL})
            return
        except UnicodeEncodeError:  # a lone surrogate in the reason: no database stores it
            ack(response_action="errors", errors={refs.STATUS_REASON: texts.UNSTORABLE_TEXT})
            return
        if errors:
            ack(response_action="errors", errors=errors)
            return
        ack(response_action="clear")  # the full answers underneath close too: they showed the old status
        sending.submit(carry, use_cases, actor.user_id, None, lambda: replies)

    app.view(refs.STATUS_VIEW)(status_form)


def _show_when_saved(
    use_cases: UseCases, saved: Future[tuple[str | None, Replies]], origin: Posted | None
) -> None:
    try:
        error, replies = saved.result()
    except SQLAlchemyError as failure:
        log.error("the database could not save a long answer: %s", type(failure).__name__)
        return
    if error is None:
        carry(use_cases, replies.user_id, origin, lambda: replies)
