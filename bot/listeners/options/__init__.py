"""block_suggestion: the department search for the 所属 question."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from slack_bolt import App

from bot import refs

if TYPE_CHECKING:
    from bot.listeners import UseCases


def register(app: App, use_cases: UseCases) -> None:
    def departments(ack: Callable[..., None], body: dict[str, Any]) -> None:
        ack(options=use_cases.answering.department_options(str(body.get("value") or "")))

    app.options(refs.ANSWER)(departments)
