"""Handing a use case's replies to the gateway, and telling the person when the database could not
do the work (locked past its wait, restarting): in Japanese, next to what they did, so nothing is
acknowledged as done and then silently dropped."""

from __future__ import annotations

import contextlib
import logging
from collections.abc import Callable
from typing import TYPE_CHECKING

from slack_sdk.errors import SlackApiError
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
    except UnicodeEncodeError:
        # A lone surrogate (JSON can escape one; it is no character): no database driver takes it.
        log.warning("refused text that cannot be stored")
        replies = Replies(user_id)
        replies.tell(posted, texts.UNSTORABLE_TEXT)
    except Exception as error:  # a bug must not leave the person with nothing said
        log.error("a person's action failed: %s", type(error).__name__)
        replies = Replies(user_id)
        replies.tell(posted, texts.ACTION_FAILED)
    if replies is None:
        return
    try:
        use_cases.gateway.send(replies, clicked=posted)
    except SlackApiError as error:
        # Whatever was saved stays saved; the next click or /survey shows where the person is.
        log.error("Slack refused a reply: %s", error.response.get("error"))
        with contextlib.suppress(SlackApiError):  # Slack is down: nothing more can be said now
            use_cases.gateway.tell(user_id, posted.channel if posted else None, texts.SLACK_FAILED)
    except UnicodeEncodeError:
        # A lone surrogate where Slack's form encoding needs UTF-8 (a forged user or channel id).
        log.warning("a reply could not be encoded for Slack")
