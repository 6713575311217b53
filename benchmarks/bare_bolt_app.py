"""The baseline for bench_http: a Bolt app that only acknowledges, built like the bot's.

Same Bolt App options, the same Web API client (so authorisation makes the same one `auth.test`
call against the fake Slack) and listeners for every request the survey sends: /survey, each
`kk_*` action, the long-text modal and the department search. None of them does anything but ack().
"""

from __future__ import annotations

import logging
import re
from collections.abc import Callable

from slack_bolt import App

from bot import refs
from bot.settings import Settings
from bot.slack_client import make_web_client


def create_bare_app(settings: Settings) -> App:
    app = App(
        client=make_web_client(settings.slack_bot_token, settings.slack_api_url),
        signing_secret=settings.slack_signing_secret or "",
        request_verification_enabled=bool(settings.slack_signing_secret),
        logger=logging.getLogger("bot.bolt"),
    )

    def only_ack(ack: Callable[..., None]) -> None:
        ack()

    app.command("/survey")(only_ack)
    app.action(re.compile(f"^{refs.ACTION_PREFIX}"))(only_ack)
    app.view(refs.LONG_TEXT_VIEW)(only_ack)
    app.options(refs.ANSWER)(only_ack)
    return app
