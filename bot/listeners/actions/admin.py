"""Buttons in the administrators' channel."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from bot.listeners.payloads import action_of, actor_of, posted_of

if TYPE_CHECKING:
    from bot.listeners import UseCases


def full_answers(use_cases: UseCases) -> Callable[..., None]:
    def handle(ack: Callable[..., None], body: dict[str, Any]) -> None:
        ack()
        replies = use_cases.desk.show_full_answers(
            actor_of(body),
            str(action_of(body).get("value") or ""),
            str(body.get("trigger_id")),
            posted_of(body),
        )
        use_cases.gateway.send(replies)

    return handle
