"""The admin-channel post of each submission: its outbox kind, the payload enqueued with the
submission, and the sender that renders the masked summary and posts it."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from sqlalchemy import Engine

from bot.clock import Clock
from bot.outbox import Sender, Undeliverable
from bot.rendering.admin import SubmissionView, summary_message
from bot.slack_gateway import SlackGateway
from flows.model import Flow
from storage import Notification, Submission, get_submission

ADMIN_SUMMARY = "admin_summary"


def admin_post_for(submission: Submission) -> Notification:
    """The admin post to enqueue with a submission: `submit_draft(..., notifications=...)`."""
    return Notification(
        kind=ADMIN_SUMMARY,
        payload={"draft_id": submission.draft_id},
        dedupe_key=f"{ADMIN_SUMMARY}:{submission.draft_id}",
    )


def submission_view(submission: Submission, clock: Clock) -> SubmissionView:
    return SubmissionView(
        draft_id=submission.draft_id,
        receipt_number=submission.receipt_number,
        submitted_at=clock.local(submission.submitted_at),
        answers=submission.answers,
    )


class AdminPosts:
    def __init__(
        self,
        *,
        engine: Engine,
        flow_for_version: Callable[[int], Flow],
        gateway: SlackGateway,
        clock: Clock,
        channel: str | None,
    ) -> None:
        self._engine = engine
        self._flow_for_version = flow_for_version
        self._gateway = gateway
        self._clock = clock
        self._channel = channel

    def senders(self) -> dict[str, Sender]:
        return {ADMIN_SUMMARY: Sender(self._post, to_admin_channel=True)}

    def _post(self, payload: Mapping[str, Any]) -> None:
        draft_id = payload.get("draft_id")
        if not isinstance(draft_id, int):
            raise Undeliverable("payload without draft_id")
        submission = get_submission(self._engine, draft_id=draft_id)
        if submission is None:
            raise Undeliverable("submission_not_found")
        if self._channel is None:
            raise Undeliverable("admin_channel_not_set")
        flow = self._flow_for_version(submission.flow_version_id)
        self._gateway.post(self._channel, summary_message(flow, submission_view(submission, self._clock)))
