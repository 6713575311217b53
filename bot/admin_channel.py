"""The start-up check of the admin channel: warn, in English logs, if it is unsafe or unusable."""

from __future__ import annotations

import logging

from slack_sdk.errors import SlackApiError

from bot.outbox import slack_error_code
from bot.slack_gateway import SlackGateway


def check_admin_channel(gateway: SlackGateway, channel_id: str | None, logger: logging.Logger) -> list[str]:
    """Warn (in the log and the result) about an admin channel that is unsafe or unusable. Never raises."""
    warnings = _admin_channel_problems(gateway, channel_id)
    for warning in warnings:
        logger.warning(warning)
    return warnings


def _admin_channel_problems(gateway: SlackGateway, channel_id: str | None) -> list[str]:
    if not channel_id:
        return [
            "ADMIN_CHANNEL_ID is not set: answers are saved, but no summary is posted for administrators."
        ]
    try:
        channel = gateway.channel_info(channel_id)
    except SlackApiError as error:
        code = slack_error_code(error)
        if code == "channel_not_found":
            return [
                f"admin channel {channel_id} not found: check ADMIN_CHANNEL_ID, and invite the bot "
                "if the channel is private."
            ]
        return [f"could not check admin channel {channel_id} ({code})"]
    except Exception as error:  # start-up goes on; the outbox keeps the summaries until it works
        return [f"could not check admin channel {channel_id} ({type(error).__name__})"]
    problems = []
    if not channel.get("is_private", False):
        problems.append(
            f"admin channel {channel_id} is public: anyone in the workspace can read the summaries. "
            "Use a private channel."
        )
    if not channel.get("is_im") and not channel.get("is_member", False):
        problems.append(
            f"the bot is not a member of admin channel {channel_id}: /invite the bot, or summaries "
            "cannot be posted."
        )
    return problems
