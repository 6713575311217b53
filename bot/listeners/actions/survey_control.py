"""Buttons that start, resume, restart or cancel, in the DM or on the Home tab."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from bot import refs, texts
from bot.conversation import Actor
from bot.listeners.payloads import actor_of, from_home_tab
from bot.replies import Replies

if TYPE_CHECKING:
    from bot.listeners import UseCases


def by_action(use_cases: UseCases) -> dict[str, Callable[..., None]]:
    starting = use_cases.starting
    table: dict[str, Callable[[Actor], Replies]] = {
        refs.START: starting.start,
        refs.RESUME: starting.resume,
        refs.RESTART: starting.restart,
        refs.CANCEL: starting.cancel,
        refs.ASK_TO_CANCEL: starting.ask_to_cancel,
        refs.HELP: starting.help,
    }
    return {action_id: _by_actor(use_cases, use_case) for action_id, use_case in table.items()}


def _by_actor(use_cases: UseCases, use_case: Callable[[Actor], Replies]) -> Callable[..., None]:
    def handle(ack: Callable[..., None], body: dict[str, Any]) -> None:
        ack()
        actor = actor_of(body)
        use_cases.gateway.send(use_case(actor))
        if from_home_tab(body):
            # The Home tab cannot show the conversation: point to where it went, with the new state.
            use_cases.gateway.send(use_cases.starting.home(actor, note=texts.SEE_MESSAGES))

    return handle
