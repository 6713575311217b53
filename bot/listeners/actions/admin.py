"""Buttons in the administrators' channel."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from bot.admin_desk import AdminDesk
from bot.listeners.context import action_of, actor_of


def full_answers(desk: AdminDesk) -> Callable[..., None]:
    def handle(ack: Callable[..., None], body: dict[str, Any]) -> None:
        ack()
        channel = (body.get("container") or {}).get("channel_id") or (body.get("channel") or {}).get("id")
        desk.show_full_answers(
            actor_of(body), str(action_of(body).get("value") or ""), str(body.get("trigger_id")), channel
        )

    return handle
