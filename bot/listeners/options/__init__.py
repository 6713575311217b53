"""block_suggestion: the department search for the 所属 question."""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from slack_bolt import App
from sqlalchemy.exc import SQLAlchemyError

from bot import refs

log = logging.getLogger(__name__)

if TYPE_CHECKING:
    from bot.listeners import UseCases


def register(app: App, use_cases: UseCases) -> None:
    def departments(ack: Callable[..., None], body: dict[str, Any]) -> None:
        try:
            found = use_cases.answering.department_options(str(body.get("value") or ""))
        except SQLAlchemyError as error:  # the search reads without waiting for writers; if even that fails:
            log.error("the department search failed: %s", type(error).__name__)
            found = []
        ack(options=found)

    app.options(refs.ANSWER)(departments)
