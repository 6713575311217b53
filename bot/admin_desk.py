"""What administrators do in Slack: read a submission's full answers (and, next, assign and follow up)."""

from __future__ import annotations

import logging

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError
from sqlalchemy import Engine

import storage
from bot.admin import full_answers_view
from bot.conversation import Actor
from bot.flow_catalog import FlowCatalog
from bot.settings import Settings

log = logging.getLogger(__name__)

ADMINS_ONLY = "この操作は管理者のみ行えます。"


class AdminDesk:
    def __init__(
        self, *, engine: Engine, client: WebClient, settings: Settings, catalog: FlowCatalog
    ) -> None:
        self.engine = engine
        self.client = client
        self.settings = settings
        self.catalog = catalog

    def show_full_answers(
        self, actor: Actor, draft_id_text: str, trigger_id: str, channel: str | None
    ) -> None:
        """「全回答を表示」: the unmasked answers in a modal, for administrators only."""
        if not self.settings.is_admin(actor.user_id):
            log.warning("refused the full answers to a non-administrator")
            self._tell(actor, channel, ADMINS_ONLY)
            return
        submission = (
            storage.get_submission(self.engine, draft_id=int(draft_id_text))
            if draft_id_text.isdigit()
            else None
        )
        if submission is None:
            self._tell(actor, channel, "この回答は見つかりませんでした。")
            return
        flow = self.catalog.for_version(submission.flow_version_id)
        view = full_answers_view(flow, submission, timezone=self.settings.timezone)
        self.client.views_open(trigger_id=trigger_id, view=view)
        log.info("full answers shown for receipt %s", submission.receipt_number)

    def _tell(self, actor: Actor, channel: str | None, text: str) -> None:
        """A note only this person sees: where they clicked, or in their DM if they cannot be reached there."""
        if channel:
            try:
                self.client.chat_postEphemeral(channel=channel, user=actor.user_id, text=text)
                return
            except SlackApiError:
                pass
        own_dm = self.client.conversations_open(users=actor.user_id)["channel"]["id"]
        self.client.chat_postEphemeral(channel=own_dm, user=actor.user_id, text=text)
