"""Reminders at work: the sweep that each process's timer runs, the messages it sends through the
outbox, and あとで. The rules are in policy.py (pure); claims are in storage/reminders.py."""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from slack_sdk import WebClient
from sqlalchemy import Engine

import storage
from bot.delivery import ESCALATION, Undeliverable
from bot.direct_messages import DirectMessages
from bot.flow_catalog import FlowCatalog
from bot.reminders import messages
from bot.reminders.calendar import BusinessCalendar, calendar_from_config
from bot.reminders.policy import (
    ReminderPolicy,
    ReminderState,
    next_step,
    record_escalation,
    record_reminder,
)
from bot.settings import Settings
from flows.engine import progress
from storage import Chased, Notification

log = logging.getLogger(__name__)

REMINDER = "reminder"
INVITATION = "invitation"
LEASE_SECONDS = 120


def policy_from(settings: Settings) -> ReminderPolicy:
    return ReminderPolicy(
        first_after_business_days=settings.reminder_first_after_days,
        every_business_days=settings.reminder_every_days,
        max_reminders=settings.reminder_max,
        escalate_after_business_days=settings.escalate_after_days,
        escalate=bool(settings.admin_channel_id),
    )


def calendar_from(settings: Settings) -> BusinessCalendar:
    return calendar_from_config(settings.timezone, settings.business_hours, settings.closed_days)


def check_reminder_settings(settings: Settings) -> None:
    """Raise ValueError naming the setting that is wrong, before anything starts."""
    try:
        calendar_from(settings)
    except ValueError as problem:
        raise ValueError(f"BUSINESS_HOURS / CLOSED_DAYS: {problem}") from None
    try:
        policy_from(settings)
    except ValueError as problem:
        raise ValueError(f"REMINDER_* / ESCALATE_AFTER_DAYS: {problem}") from None


def state_of(chased: Chased) -> ReminderState:
    return ReminderState(
        last_activity_at=chased.last_activity_at,
        reminders_sent=chased.reminders_sent,
        last_reminder_at=chased.last_reminder_at,
        snoozed_until=chased.snoozed_until,
        escalated=chased.escalated_at is not None,
        due_date=chased.due_date,
    )


@dataclass(frozen=True)
class SweepResult:
    claimed: int = 0
    reminded: int = 0
    escalated: int = 0


class Reminders:
    def __init__(
        self,
        *,
        engine: Engine,
        client: WebClient,
        settings: Settings,
        catalog: FlowCatalog,
        clock: Callable[[], datetime],
        worker_id: str,
        dm: DirectMessages,
    ) -> None:
        self.engine = engine
        self.client = client
        self.settings = settings
        self.catalog = catalog
        self.clock = clock
        self.worker_id = worker_id
        self.dm = dm
        self.policy = policy_from(settings)
        self.calendar = calendar_from(settings)

    # --- the sweep ------------------------------------------------------------------------------

    def sweep(self, limit: int = 200) -> SweepResult:
        """Claim what is due, decide with the policy, enqueue the messages. Safe in any number of processes."""
        now = self.clock()
        if not self.calendar.is_business_time(now):
            return SweepResult()  # nothing is ever due outside business hours: not even a claim
        claimed = storage.claim_due_reminders(
            self.engine, worker_id=self.worker_id, now=now, lease_seconds=LEASE_SECONDS, limit=limit
        )
        reminded = escalated = 0
        for chased in claimed:
            try:
                action = self._settle(chased, now)
            except Exception as error:  # one bad row must not hold up the others
                log.error("reminder sweep failed on %s %s: %s", chased.kind, chased.id, type(error).__name__)
                storage.release_claim(self.engine, chased, worker_id=self.worker_id)
                continue
            reminded += action == "remind"
            escalated += action == "escalate"
        result = SweepResult(claimed=len(claimed), reminded=reminded, escalated=escalated)
        if claimed:
            log.info("reminder sweep: %s claimed, %s reminded, %s escalated", *vars(result).values())
        return result

    def _settle(self, chased: Chased, now: datetime) -> str | None:
        state = state_of(chased)
        step = next_step(self.policy, self.calendar, state, now)  # what `due_now` asks, with the reason
        if step.due_at is None or step.due_at > now:
            storage.settle_reminder(
                self.engine, chased, worker_id=self.worker_id, next_reminder_at=step.due_at, now=now
            )
            return None
        action, reason = step.kind, step.reason
        if action == "remind":
            after = record_reminder(state, now)
            changes: dict[str, Any] = {
                "reminders_sent": after.reminders_sent,
                "last_reminder_at": now,
                "snoozed_until": None,
            }
            notification = Notification(
                REMINDER,
                {"kind": chased.kind, "id": chased.id},
                f"{REMINDER}:{chased.kind}:{chased.id}:{now.isoformat()}",
            )
        else:
            after = record_escalation(state)
            changes = {"escalated_at": now}
            notification = Notification(
                ESCALATION,
                {
                    "kind": chased.kind,
                    "id": chased.id,
                    "overdue": reason == "overdue",
                    "reminders_sent": state.reminders_since_activity,
                    "last_activity_at": state.last_activity_at.isoformat(),
                },
                f"{ESCALATION}:{chased.kind}:{chased.id}",
            )
        following = next_step(self.policy, self.calendar, after, now)
        settled = storage.settle_reminder(
            self.engine,
            chased,
            worker_id=self.worker_id,
            next_reminder_at=following.due_at,
            changes=changes,
            notifications=[notification],
            now=now,
        )
        return action if settled else None

    # --- delivering (outbox senders) -----------------------------------------------------------

    def senders(self) -> Mapping[str, Callable[[Mapping[str, Any]], None]]:
        return {
            REMINDER: self._send_reminder,
            ESCALATION: self._send_escalation,
            INVITATION: self._send_invitation,
        }

    def _send_reminder(self, payload: Mapping[str, Any]) -> None:
        chased = self._find(payload)
        if chased is None:
            return  # submitted or cancelled since: nothing to remind of
        flow = self.catalog.current
        done = None
        if chased.kind == "draft":
            draft = storage.get_draft(self.engine, chased.id)
            flow = self.catalog.for_version(draft.flow_version_id)
            done = progress(flow, draft.answers)
        message = messages.reminder_message(
            flow, snooze_value=f"{chased.kind}:{chased.id}", progress=done, due_date=chased.due_date
        )
        self.dm.say(chased.user_id, message)

    def _send_escalation(self, payload: Mapping[str, Any]) -> None:
        chased = self._find(payload, active_only=False)
        if chased is None:
            raise Undeliverable("row_not_found")
        message = messages.escalation_message(
            self.catalog.current,
            user_id=chased.user_id,
            started=chased.kind == "draft",
            last_activity=datetime.fromisoformat(str(payload["last_activity_at"])).astimezone(
                self.settings.timezone
            ),
            reminders_sent=int(payload.get("reminders_sent", 0)),
            due_date=chased.due_date,
            overdue=bool(payload.get("overdue")),
        )
        self.client.chat_postMessage(channel=self.settings.admin_channel_id, **message.as_kwargs())

    def _send_invitation(self, payload: Mapping[str, Any]) -> None:
        invitation = storage.get_invitation(self.engine, int(payload["invitation_id"]))
        if invitation is None:
            raise Undeliverable("invitation_not_found")
        message = messages.invitation_message(
            self.catalog.current, invited_by=invitation.invited_by, due_date=invitation.due_date
        )
        self.dm.say(invitation.user_id, message)

    def _find(self, payload: Mapping[str, Any], *, active_only: bool = True) -> Chased | None:
        kind, row_id = str(payload.get("kind")), int(payload.get("id", 0))
        return storage.find_chased(self.engine, kind, row_id, active_only=active_only)  # type: ignore[arg-type]

    # --- あとで ---------------------------------------------------------------------------------

    def snooze(self, user_id: str, value: str) -> datetime | None:
        """Push the next reminder to the next business day's opening; None if not this person's or closed."""
        kind, _, row_id = value.partition(":")
        if kind not in ("draft", "invitation") or not row_id.isdigit():
            return None
        chased = storage.find_chased(self.engine, kind, int(row_id))  # type: ignore[arg-type]
        if chased is None or chased.user_id != user_id:
            return None
        now = self.clock()
        until = self.calendar.next_day_opening(now)
        if not storage.snooze(self.engine, chased.kind, chased.id, until=until, now=now):
            return None
        return until

    def due_date_problem(self, due: date) -> str | None:
        today = self.clock().astimezone(self.settings.timezone).date()
        if due < today:
            return f"期限 {messages.day_text(due)} はすでに過ぎています。今日以降の日付を指定してください。"
        return None
