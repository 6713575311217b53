"""Clicks and inputs on a question's message. Each listener acks, reads, and hands over."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from bot.conversation import Conversation
from bot.listeners.context import action_of, actor_of, posted_of, ref_of

Listener = Callable[..., None]


def answer(conversation: Conversation) -> Listener:
    """Elements that answer at once: radio buttons, selects, pickers, Enter in a text input."""

    def handle(ack: Callable[..., None], body: dict[str, Any]) -> None:
        ack()
        ref = ref_of(body)
        if ref is None:
            return
        action = action_of(body)
        actor, posted = actor_of(body), posted_of(body)
        kind = action.get("type")
        if kind == "external_select":
            code = (action.get("selected_option") or {}).get("value", "")
            conversation.answer_department(actor, ref, code, posted)
        elif kind == "plain_text_input":
            conversation.answer(
                actor, ref, action.get("value") or "", posted, typed=action.get("value") or ""
            )
        else:
            conversation.answer(actor, ref, raw_value(action), posted)

    return handle


def raw_value(action: dict[str, Any]) -> Any:
    if action.get("selected_option"):
        return action["selected_option"].get("value")
    if "selected_date" in action:
        return action["selected_date"]
    if "selected_time" in action:
        return action["selected_time"]
    return action.get("value")


def toggle(ack: Callable[..., None]) -> None:
    """Checkbox changes are only read when 次へ is pressed."""
    ack()


def next_(conversation: Conversation) -> Listener:
    def handle(ack: Callable[..., None], body: dict[str, Any]) -> None:
        ack()
        ref = ref_of(body)
        if ref is not None:
            state = (body.get("state") or {}).get("values") or {}
            conversation.next_from_state(actor_of(body), ref, state, posted_of(body))

    return handle


def back(conversation: Conversation) -> Listener:
    def handle(ack: Callable[..., None], body: dict[str, Any]) -> None:
        ack()
        ref = ref_of(body)
        if ref is not None:
            conversation.back(actor_of(body), ref, posted_of(body))

    return handle


def edit(conversation: Conversation) -> Listener:
    def handle(ack: Callable[..., None], body: dict[str, Any]) -> None:
        ack()
        ref = ref_of(body)
        if ref is not None:
            conversation.edit(actor_of(body), ref, action_of(body).get("value", ""), posted_of(body))

    return handle


def review_edit(conversation: Conversation) -> Listener:
    def handle(ack: Callable[..., None], body: dict[str, Any]) -> None:
        ack()
        ref = ref_of(body)
        selected = (action_of(body).get("selected_option") or {}).get("value", "")
        if ref is not None:
            conversation.edit(actor_of(body), ref, selected, posted_of(body))

    return handle


def confirm_change(conversation: Conversation) -> Listener:
    def handle(ack: Callable[..., None], body: dict[str, Any]) -> None:
        ack()
        ref = ref_of(body)
        if ref is not None:
            conversation.confirm_change(
                actor_of(body), ref, action_of(body).get("value", ""), posted_of(body)
            )

    return handle


def keep_answer(conversation: Conversation) -> Listener:
    def handle(ack: Callable[..., None], body: dict[str, Any]) -> None:
        ack()
        ref = ref_of(body)
        if ref is not None:
            conversation.keep_answer(actor_of(body), ref, posted_of(body))

    return handle


def open_long_text(conversation: Conversation) -> Listener:
    def handle(ack: Callable[..., None], body: dict[str, Any], client: Any) -> None:
        ack()
        ref = ref_of(body)
        if ref is None:
            return
        view = conversation.long_text_view(actor_of(body), ref, posted_of(body))
        if view is not None:
            client.views_open(trigger_id=body["trigger_id"], view=view)

    return handle
