"""The respondent's receipt: its outbox kind, enqueued with the submission, and the sender that
posts it to their DM. Through the outbox it arrives whatever fails at 送信 (Slack down, a crash)."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from sqlalchemy import Engine

from bot.outbox import Sender, Undeliverable
from bot.rendering.conversation import submitted_message
from bot.slack_gateway import SlackGateway
from flows.model import Flow
from storage import Notification, Submission, get_submission

RECEIPT = "receipt"


def receipt_for(submission: Submission) -> Notification:
    """The receipt to enqueue with a submission: `submit_draft(..., notifications=...)`."""
    return Notification(
        kind=RECEIPT, payload={"draft_id": submission.draft_id}, dedupe_key=f"{RECEIPT}:{submission.draft_id}"
    )


class Receipts:
    def __init__(
        self, *, engine: Engine, flow_for_version: Callable[[int], Flow], gateway: SlackGateway
    ) -> None:
        self._engine = engine
        self._flow_for_version = flow_for_version
        self._gateway = gateway  # the outbox's

    def senders(self) -> dict[str, Sender]:
        return {RECEIPT: Sender(self._send)}

    def _send(self, payload: Mapping[str, Any]) -> None:
        draft_id = payload.get("draft_id")
        submission = get_submission(self._engine, draft_id=draft_id) if isinstance(draft_id, int) else None
        if submission is None:
            raise Undeliverable("submission_not_found")
        flow = self._flow_for_version(submission.flow_version_id)
        self._gateway.say(submission.user_id, submitted_message(flow, submission.receipt_number))
