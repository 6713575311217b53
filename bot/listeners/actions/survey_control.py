"""Buttons that start, resume, restart, cancel or submit."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from bot.conversation import Conversation
from bot.listeners.context import actor_of, posted_of, ref_of


def by_actor(conversation: Conversation, use_case: str) -> Callable[..., None]:
    def handle(ack: Callable[..., None], body: dict[str, Any]) -> None:
        ack()
        getattr(conversation, use_case)(actor_of(body))

    return handle


def submit(conversation: Conversation) -> Callable[..., None]:
    def handle(ack: Callable[..., None], body: dict[str, Any]) -> None:
        ack()
        ref = ref_of(body)
        if ref is not None:
            conversation.submit(actor_of(body), ref, posted_of(body))

    return handle
