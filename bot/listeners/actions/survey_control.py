"""Buttons that start, resume, restart, cancel or submit."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from bot.conversation import Conversation
from bot.listeners.context import actor_of, from_home_tab, posted_of, ref_of

SEE_MESSAGES = "ボットとのメッセージ(このアプリの「メッセージ」タブ)をご覧ください。"


def by_actor(conversation: Conversation, use_case: str) -> Callable[..., None]:
    def handle(ack: Callable[..., None], body: dict[str, Any]) -> None:
        ack()
        actor = actor_of(body)
        getattr(conversation, use_case)(actor)
        if from_home_tab(body):
            # The Home tab cannot show the conversation: point to where it went, with the new state.
            conversation.publish_home(actor, note=SEE_MESSAGES)

    return handle


def submit(conversation: Conversation) -> Callable[..., None]:
    def handle(ack: Callable[..., None], body: dict[str, Any]) -> None:
        ack()
        ref = ref_of(body)
        if ref is not None:
            conversation.submit(actor_of(body), ref, posted_of(body))

    return handle
