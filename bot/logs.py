"""Keeping answers, request bodies and tokens out of the logs, at any level.

At DEBUG the Slack SDK and Bolt log request and response bodies (answers, tokens) and SQLAlchemy
logs result rows (answers): their loggers never go below INFO (WARNING for SQLAlchemy), whatever
LOG_LEVEL says. The bot's own log lines name ids, kinds and error classes only.
"""

from __future__ import annotations

import logging

_AT_LEAST: dict[str, int] = {
    "slack_sdk": logging.INFO,
    "slack_bolt": logging.INFO,
    "bot.bolt": logging.INFO,
    "urllib3": logging.INFO,
    "sqlalchemy": logging.WARNING,
}


def keep_answers_out_of_logs() -> None:
    for name, floor in _AT_LEAST.items():
        logger = logging.getLogger(name)
        if logger.level == logging.NOTSET or logger.level < floor:
            logger.setLevel(floor)
