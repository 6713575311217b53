"""The messages a change after 送信 sends, through the outbox: the summary updated, a line in the
summary's thread, the respondent's notice; and the deletion of erased submissions' posts.

Payloads carry ids only. Each sender reads the history entry when it sends, so a message whose
submission was erased in the meantime is simply not sent.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from sqlalchemy import Engine

from bot import texts
from bot.admin_post import SummaryNotPostedYet, summary_update_for
from bot.clock import Clock
from bot.outbox import Attempt, Sender, Undeliverable
from bot.rendering.after_submission import (
    plain_notice,
    request_answered_message,
    request_message,
    returned_message,
    status_changed_message,
    thread_message,
)
from bot.rendering.elements import Message, escape
from bot.replies import Posted
from bot.slack_gateway import SlackGateway
from flows.engine import review
from flows.model import Flow
from storage import (
    DELETE_ADMIN_MESSAGE,
    Changed,
    Notification,
    RequestKind,
    Submission,
    SubmissionEvent,
    SubmissionEventKind,
    SubmissionStatus,
    get_event,
    get_submission_by_id,
    record_admin_message,
    summary_post,
)

ADMIN_THREAD = "admin_thread"
RESPONDENT_NOTICE = "respondent_notice"

# Status changes the respondent is told of: what asks something of them, or ends their answer.
_TOLD = frozenset({SubmissionStatus.RETURNED, SubmissionStatus.WITHDRAWN, SubmissionStatus.CLOSED})


def notifications_for(changed: Changed) -> list[Notification]:
    """What a change sends: pass as `notifications=` so they are stored with the change."""
    event = changed.event
    assert event.id is not None
    out = [
        summary_update_for(event.submission_id, event.id),
        Notification(ADMIN_THREAD, {"event_id": event.id}, f"{ADMIN_THREAD}:{event.id}"),
    ]
    leaving_return = (
        event.from_status == SubmissionStatus.RETURNED and event.kind == SubmissionEventKind.STATUS
    )
    if event.kind != SubmissionEventKind.REQUESTED and (
        event.kind != SubmissionEventKind.STATUS or event.to_status in _TOLD or leaving_return
    ):
        out.append(Notification(RESPONDENT_NOTICE, {"event_id": event.id}, f"{RESPONDENT_NOTICE}:{event.id}"))
    return out


def changed_labels(flow: Flow, before: Mapping[str, Any], after: Mapping[str, Any]) -> list[str]:
    """The questions whose answer differs, in the order of the survey (labels, never answers)."""
    labels: list[str] = []
    for section in review(flow, {**before, **after}):
        for entry in section.entries:
            question_id = entry.question.id
            if before.get(question_id) != after.get(question_id):
                labels.append(entry.question.label)
    return labels


def _requested(event: SubmissionEvent) -> RequestKind:
    """What a request (or its refusal) asked for, from the status it asked for."""
    return RequestKind.CORRECTION if event.to_status == SubmissionStatus.RETURNED else RequestKind.WITHDRAWAL


class SubmissionPosts:
    def __init__(
        self,
        *,
        engine: Engine,
        flow_for_version: Callable[[int], Flow],
        gateway: SlackGateway,
        clock: Clock,
    ) -> None:
        self._engine = engine
        self._flow_for_version = flow_for_version
        self._gateway = gateway  # the outbox's
        self._clock = clock

    def senders(self) -> dict[str, Sender]:
        return {
            ADMIN_THREAD: Sender(once=self._post_in_thread, to_admin_channel=True),
            RESPONDENT_NOTICE: Sender(self._tell_respondent),
            DELETE_ADMIN_MESSAGE: Sender(self._delete),
        }

    def _found(self, payload: Mapping[str, Any]) -> tuple[SubmissionEvent, Submission] | None:
        event_id = payload.get("event_id")
        if not isinstance(event_id, int):
            raise Undeliverable("payload without event_id")
        event = get_event(self._engine, event_id)
        submission = get_submission_by_id(self._engine, event.submission_id) if event else None
        if event is None or submission is None or submission.erased_at is not None:
            return None  # erased with its history: nothing to send
        return event, submission

    def _post_in_thread(self, payload: Mapping[str, Any], attempt: Attempt) -> None:
        found = self._found(payload)
        if found is None:
            return
        event, submission = found
        assert submission.id is not None
        summary = summary_post(self._engine, submission.id)
        if summary is None:
            raise SummaryNotPostedYet
        posted = self._gateway.post_once(
            summary.channel,
            self._thread_message(event, submission),
            outbox_id=attempt.outbox_id,
            look_first=attempt.earlier_claims > 0,
            thread_ts=summary.ts,
        )
        record_admin_message(
            self._engine,
            submission.id,
            channel=posted.channel,
            ts=posted.ts,
            is_summary=False,
            now=self._clock.now(),
        )

    def _thread_message(self, event: SubmissionEvent, submission: Submission) -> Message:
        match event.kind:
            case SubmissionEventKind.REQUESTED:
                return request_message(submission.id or 0, _requested(event), event.actor, event.reason)
            case SubmissionEventKind.CORRECTED:
                flow = self._flow_for_version(submission.flow_version_id)
                labels = changed_labels(flow, event.previous_answers or {}, submission.answers)
                return thread_message(escape(texts.corrected_thread(labels)))
            case SubmissionEventKind.DECLINED:
                return request_answered_message(_requested(event), False, event.actor, event.reason)
            case _:
                return status_changed_message(
                    event.from_status or "", event.to_status or "", event.actor, event.reason
                )

    def _tell_respondent(self, payload: Mapping[str, Any]) -> None:
        found = self._found(payload)
        if found is None:
            return
        event, submission = found
        receipt = submission.receipt_number
        if event.kind == SubmissionEventKind.CORRECTED:
            message = plain_notice(texts.corrected_receipt(receipt))
        elif event.kind == SubmissionEventKind.DECLINED:
            message = plain_notice(texts.declined_notice(receipt, _requested(event), event.reason))
        elif event.to_status == SubmissionStatus.RETURNED:
            message = returned_message(submission.id or 0, receipt, event.reason)
        else:
            message = plain_notice(texts.status_notice(receipt, event.to_status or "", event.reason))
        self._gateway.say(submission.user_id, message)

    def _delete(self, payload: Mapping[str, Any]) -> None:
        channel, ts = payload.get("channel"), payload.get("ts")
        if not isinstance(channel, str) or not isinstance(ts, str):
            raise Undeliverable("payload without channel and ts")
        self._gateway.delete(Posted(channel, ts))
