"""What people see of a submission after 送信: the administrators' status form, the posts in the
summary's thread, and the respondent's notices (差戻し with its button, other changes).

Every notice that can carry a typed reason is escaped and verbatim (bot/rendering/elements.py); in
the thread, read by the whole admin channel, the reason is masked too."""

from __future__ import annotations

from typing import Any

from bot import refs, texts
from bot.masking import mask_personal_data
from bot.rendering.elements import (
    Block,
    Message,
    button,
    confirm_dialog,
    context,
    escape,
    notice,
    option,
    plain,
)

REASON_MAX = 1000


def status_form_view(
    submission_id: int, receipt_number: str, status: str, choices: list[str]
) -> dict[str, Any]:
    """A modal to pick the new status, with a reason (required for 差戻し and 取下げ)."""
    blocks: list[Block] = [
        context(escape(texts.status_form_current(receipt_number, status))),
        {
            "type": "input",
            "block_id": refs.STATUS_TO,
            "label": plain(texts.STATUS_FORM_TO, 2000),
            "element": {
                "type": "static_select",
                "action_id": refs.STATUS_TO,
                "options": [option(texts.STATUS_CHOICES[choice], choice) for choice in choices],
                "initial_option": option(texts.STATUS_CHOICES[choices[0]], choices[0]),
            },
        },
        {
            "type": "input",
            "block_id": refs.STATUS_REASON,
            "optional": True,
            "label": plain(texts.STATUS_FORM_REASON, 2000),
            "element": {
                "type": "plain_text_input",
                "action_id": refs.STATUS_REASON,
                "multiline": True,
                "max_length": REASON_MAX,
            },
        },
    ]
    return {
        "type": "modal",
        "callback_id": refs.STATUS_VIEW,
        "private_metadata": str(submission_id),
        "title": plain(texts.STATUS_FORM_TITLE, 24),
        "submit": plain(texts.STATUS_FORM_SUBMIT, 24),
        "close": plain(texts.STATUS_FORM_CLOSE, 24),
        "blocks": blocks,
    }


# --- the summary's thread, read by everyone in the admin channel ----------------------------------


def thread_message(text: str) -> Message:
    return notice(text, verbatim=True)


def status_changed_message(old: str, new: str, actor: str, reason: str) -> Message:
    return notice(texts.status_changed_thread(old, new, escape(actor), _shown(reason)), verbatim=True)


def request_message(submission_id: int, kind: str, user_id: str, reason: str) -> Message:
    value = f"{submission_id}|{kind}"
    return notice(
        texts.request_thread(kind, escape(user_id), _shown(reason)),
        button(texts.BUTTON_APPROVE, refs.ADMIN_APPROVE_REQUEST, value, style="primary"),
        button(texts.BUTTON_DECLINE, refs.ADMIN_DECLINE_REQUEST, value),
        verbatim=True,
    )


def request_answered_message(kind: str, approved: bool, actor: str, reason: str = "") -> Message:
    return notice(texts.request_answered_thread(kind, approved, escape(actor), _shown(reason)), verbatim=True)


def _shown(reason: str) -> str:
    """A typed reason inside a text whose only markup is the mentions the texts put there
    themselves: masked for the channel, and escaped so that <!channel> or <@…> is shown, not acted on."""
    return escape(mask_personal_data(reason))


# --- the respondent's DM ------------------------------------------------------------------------


def returned_message(submission_id: int, receipt_number: str, reason: str) -> Message:
    return notice(
        escape(texts.returned_notice(receipt_number, reason)),
        button(texts.BUTTON_OPEN_CORRECTION, refs.OPEN_CORRECTION, str(submission_id), style="primary"),
        verbatim=True,
    )


def erase_confirm_message(submission_id: int, receipt_number: str, reason: str) -> Message:
    question = texts.erase_question(receipt_number, reason)
    return notice(
        escape(question),
        button(
            texts.BUTTON_ERASE,
            refs.ADMIN_CONFIRM_ERASE,
            f"{submission_id}|{reason}"[:2000],
            style="danger",
            confirm=confirm_dialog((texts.ERASE_CONFIRM_TITLE, question, texts.BUTTON_ERASE), danger=True),
        ),
        verbatim=True,
    )


def plain_notice(text: str) -> Message:
    """A text of bot.texts, which may hold a typed reason: escaped, verbatim, no markup at all."""
    return notice(escape(text), verbatim=True)
