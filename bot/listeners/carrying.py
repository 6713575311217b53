"""Handing a use case's replies to the gateway, and telling the person when the database could not
do the work (locked past its wait, restarting): in Japanese, next to what they did, so nothing is
acknowledged as done and then silently dropped."""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import TYPE_CHECKING

from sqlalchemy.exc import SQLAlchemyError

from bot import texts
from bot.replies import Posted, Replies

if TYPE_CHECKING:
    from bot.listeners import UseCases

log = logging.getLogger(__name__)


def carry(
    use_cases: UseCases, user_id: str, posted: Posted | None, work: Callable[[], Replies | None]
) -> None:
    try:
        replies = work()
    except SQLAlchemyError as error:
        # The class only: a database error's text can quote the statement and what was saved.
        log.error("the database could not do a person's action: %s", type(error).__name__)
        replies = Replies(user_id)
        replies.tell(posted, texts.DB_UNAVAILABLE)
    if replies is not None:
        use_cases.gateway.send(replies)
