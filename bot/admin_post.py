"""The admin-channel post of each submission: its outbox kind, the payload enqueued with the
submission, and the sender that renders the masked summary and posts it."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from sqlalchemy import Engine

from bot.clock import Clock
from bot.outbox import Attempt, Sender, Undeliverable
from bot.rendering.admin import SubmissionView, summary_message
from bot.rendering.elements import Message
from bot.replies import Posted
from bot.slack_gateway import SlackGateway
from flows.model import Flow
from storage import (
    Notification,
    Submission,
    get_submission,
    get_submission_by_id,
    record_admin_message,
    summary_post,
)

ADMIN_SUMMARY = "admin_summary"
ADMIN_SUMMARY_UPDATE = "admin_summary_update"  # the status (or the answers) changed: chat.update


class SummaryNotPostedYet(Exception):
    """The summary is still on its way: retried later by the outbox, then it shows the change."""


def summary_update_for(submission_id: int, event_id: int) -> Notification:
    return Notification(
        kind=ADMIN_SUMMARY_UPDATE,
        payload={"submission_id": submission_id},
        dedupe_key=f"{ADMIN_SUMMARY_UPDATE}:{event_id}",
    )


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
        submission_id=submission.id or 0,
        status=submission.status,
        pending_request=submission.pending_request,
        corrected_at=clock.local(submission.corrected_at) if submission.corrected_at else None,
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
        return {
            ADMIN_SUMMARY: Sender(once=self._post, to_admin_channel=True),
            ADMIN_SUMMARY_UPDATE: Sender(self._update, to_admin_channel=True),
        }

    def _post(self, payload: Mapping[str, Any], attempt: Attempt) -> None:
        draft_id = payload.get("draft_id")
        if not isinstance(draft_id, int):
            raise Undeliverable("payload without draft_id")
        submission = get_submission(self._engine, draft_id=draft_id)
        if submission is None:
            raise Undeliverable("submission_not_found")
        if submission.erased_at is not None:
            return  # erased before it went out: nothing to show
        if self._channel is None:
            raise Undeliverable("admin_channel_not_set")
        # One post per submission, even when an earlier attempt was accepted by Slack and then
        # lost (a timeout, a process killed before it marked the message sent).
        posted = self._gateway.post_once(
            self._channel,
            self._summary(submission),
            outbox_id=attempt.outbox_id,
            look_first=attempt.earlier_claims > 0,
        )
        assert submission.id is not None
        record_admin_message(
            self._engine,
            submission.id,
            channel=posted.channel,
            ts=posted.ts,
            is_summary=True,
            now=self._clock.now(),
        )

    def _update(self, payload: Mapping[str, Any]) -> None:
        submission_id = payload.get("submission_id")
        submission = (
            get_submission_by_id(self._engine, submission_id) if isinstance(submission_id, int) else None
        )
        if submission is None or submission.erased_at is not None or submission.id is None:
            return  # erased: its posts are being deleted
        where = summary_post(self._engine, submission.id)
        if where is None:
            raise SummaryNotPostedYet
        self._gateway.update(Posted(where.channel, where.ts), self._summary(submission))

    def _summary(self, submission: Submission) -> Message:
        flow = self._flow_for_version(submission.flow_version_id)
        return summary_message(flow, submission_view(submission, self._clock))
