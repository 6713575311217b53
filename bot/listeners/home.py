"""Which Home a person gets: an administrator's is the results desk; everyone else's their own answer."""

from __future__ import annotations

from typing import TYPE_CHECKING

from bot.conversation import Actor
from bot.replies import Replies

if TYPE_CHECKING:
    from bot.listeners import UseCases


def home_of(use_cases: UseCases, actor: Actor, note: str | None = None) -> Replies:
    if use_cases.desk.is_admin(actor):
        return use_cases.desk.home(actor, note)
    return use_cases.starting.home(actor, note)
