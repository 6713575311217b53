"""あとで on a reminder."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from bot import texts
from bot.listeners.carrying import carry
from bot.listeners.payloads import action_of, actor_of, posted_of
from bot.refs import ChasedRef
from bot.rendering.elements import notice
from bot.replies import Replies

if TYPE_CHECKING:
    from bot.listeners import UseCases


def snooze(use_cases: UseCases) -> Callable[..., None]:
    def handle(ack: Callable[..., None], body: dict[str, Any]) -> None:
        ack()
        actor, posted = actor_of(body), posted_of(body)
        chased = ChasedRef.decode(action_of(body).get("value"))

        def work() -> Replies:
            out = Replies(actor.user_id)
            until = use_cases.reminders.snooze(actor.user_id, chased) if chased else None
            if until is None:
                out.tell(posted, texts.SNOOZE_GONE)
            else:
                out.update(posted, notice(texts.snoozed(use_cases.reminders.clock.local(until))))
            return out

        carry(use_cases, actor.user_id, posted, work)

    return handle
