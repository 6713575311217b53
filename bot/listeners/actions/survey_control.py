"""Buttons that start, resume, restart or cancel, in the DM or on the Home tab."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from bot import refs, texts
from bot.conversation import Actor
from bot.listeners.carrying import carry
from bot.listeners.home import home_of
from bot.listeners.payloads import action_of, actor_of, from_home_tab
from bot.refs import DraftRef, StartRef
from bot.replies import Replies

if TYPE_CHECKING:
    from bot.listeners import UseCases


def by_action(use_cases: UseCases) -> dict[str, Callable[..., None]]:
    """Each button's use case, given who clicked and the button's value (what it acts on)."""
    starting = use_cases.starting
    table: dict[str, Callable[[Actor, str], Replies]] = {
        refs.START: lambda actor, value: starting.start(actor, StartRef.decode(value)),
        refs.START_NEW: lambda actor, value: starting.start_new(actor, StartRef.decode(value)),
        refs.RESUME: lambda actor, value: starting.resume(actor),
        refs.RESTART: lambda actor, value: starting.restart(actor, DraftRef.decode(value)),
        refs.CANCEL: lambda actor, value: starting.cancel(actor, DraftRef.decode(value)),
        refs.ASK_TO_CANCEL: lambda actor, value: starting.ask_to_cancel(actor),
        refs.HELP: lambda actor, value: starting.help(actor),
    }
    return {action_id: _by_actor(use_cases, use_case) for action_id, use_case in table.items()}


def _by_actor(use_cases: UseCases, use_case: Callable[[Actor, str], Replies]) -> Callable[..., None]:
    def handle(ack: Callable[..., None], body: dict[str, Any]) -> None:
        ack()
        actor = actor_of(body)
        value = str(action_of(body).get("value") or "")
        carry(use_cases, actor.user_id, None, lambda: use_case(actor, value))
        if from_home_tab(body):
            # The Home tab cannot show the conversation: point to where it went, with the new state.
            carry(
                use_cases,
                actor.user_id,
                None,
                lambda: home_of(use_cases, actor, texts.SEE_MESSAGES),
            )

    return handle
