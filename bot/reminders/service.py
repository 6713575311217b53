"""Reminders at work: the sweep that each process's timer runs, the messages it sends through the
outbox, and あとで. The rules are in policy.py (pure), applied through rules.py; claims are in
storage/reminders.py."""

from __future__ import annotations

import logging
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Engine

import storage
from bot.clock import Clock
from bot.flow_catalog import FlowCatalog
from bot.outbox import Attempt, Sender, Undeliverable
from bot.refs import ChasedRef
from bot.reminders.rules import ReminderRules, state_of
from bot.rendering.reminders import escalation_message, reminder_message
from bot.slack_gateway import SlackGateway
from flows.engine import progress
from storage import Chased, Notification

log = logging.getLogger(__name__)

REMINDER = "reminder"
ESCALATION = "escalation"
LEASE_SECONDS = 120


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
        gateway: SlackGateway,
        rules: ReminderRules,
        catalog: FlowCatalog,
        clock: Clock,
        worker_id: str,
        admin_channel: str | None,
    ) -> None:
        self.engine = engine
        self.gateway = gateway  # the outbox's: its senders run inside a claim's lease
        self.rules = rules
        self.catalog = catalog
        self.clock = clock
        self.worker_id = worker_id
        self.admin_channel = admin_channel

    # --- the sweep ------------------------------------------------------------------------------

    def sweep(self, limit: int = 200) -> SweepResult:
        """Claim what is due, decide with the policy, enqueue the messages. Safe in any number of processes."""
        now = self.clock.now()
        if not self.rules.calendar.is_business_time(now):
            return SweepResult()  # nothing is ever due outside business hours: not even a claim
        claimed = storage.claim_due_reminders(
            self.engine, worker_id=self.worker_id, now=now, lease_seconds=LEASE_SECONDS, limit=limit
        )
        decided: list[tuple[storage.Settlement, str | None]] = []
        for chased in claimed:
            try:
                decided.append(self._decide(chased, now))
            except Exception as error:  # one bad row must not hold up the others
                log.error("reminder sweep failed on %s %s: %s", chased.kind, chased.id, type(error).__name__)
                storage.release_claim(self.engine, chased, worker_id=self.worker_id)
        # The batch in one transaction; if it fails, the claims lapse and a later sweep retries.
        settled = storage.settle_reminders(
            self.engine, [settlement for settlement, _ in decided], worker_id=self.worker_id, now=now
        )
        actions = [action for (_, action), ok in zip(decided, settled, strict=True) if ok]
        result = SweepResult(
            claimed=len(claimed), reminded=actions.count("remind"), escalated=actions.count("escalate")
        )
        if claimed:
            log.info("reminder sweep: %s claimed, %s reminded, %s escalated", *vars(result).values())
        return result

    def _decide(self, chased: Chased, now: datetime) -> tuple[storage.Settlement, str | None]:
        """What the policy says for one claimed row (asked once per row), and the action it is."""
        step = self.rules.due(chased.reminder, chased.due_date, now)
        if step is None:
            next_at = self.rules.next_due(chased.reminder, chased.due_date, now)
            return storage.Settlement(chased, next_at), None
        if step.kind == "remind":
            decided = self.rules.reminded(chased.reminder, chased.due_date, now)
            notification = Notification(
                REMINDER,
                {"kind": chased.kind, "id": chased.id},
                f"{REMINDER}:{chased.kind}:{chased.id}:{now.isoformat()}",
            )
        else:
            decided = self.rules.escalated(chased.reminder, chased.due_date, now)
            notification = Notification(
                ESCALATION,
                {
                    "kind": chased.kind,
                    "id": chased.id,
                    "overdue": step.reason == "overdue",
                    "reminders_sent": state_of(chased.reminder, chased.due_date).reminders_since_activity,
                    "last_activity_at": chased.last_activity_at.isoformat(),
                },
                f"{ESCALATION}:{chased.kind}:{chased.id}",
            )
        settlement = storage.Settlement(chased, decided.next_reminder_at, decided.fields, (notification,))
        return settlement, step.kind

    # --- delivering (outbox senders) -----------------------------------------------------------

    def senders(self) -> dict[str, Sender]:
        return {
            REMINDER: Sender(self._send_reminder),
            ESCALATION: Sender(once=self._send_escalation, to_admin_channel=True),
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
        message = reminder_message(
            flow, snooze=ChasedRef(chased.kind, chased.id), progress=done, due_date=chased.due_date
        )
        self.gateway.say(chased.user_id, message)

    def _send_escalation(self, payload: Mapping[str, Any], attempt: Attempt) -> None:
        chased = self._find(payload, active_only=False)
        if chased is None:
            raise Undeliverable("row_not_found")
        if self.admin_channel is None:
            raise Undeliverable("admin_channel_not_set")
        message = escalation_message(
            self.catalog.current,
            user_id=chased.user_id,
            started=chased.kind == "draft",
            last_activity=self.clock.local(datetime.fromisoformat(str(payload["last_activity_at"]))),
            reminders_sent=int(payload.get("reminders_sent", 0)),
            due_date=chased.due_date,
            overdue=bool(payload.get("overdue")),
        )
        self.gateway.post_once(
            self.admin_channel,
            message,
            outbox_id=attempt.outbox_id,
            look_first=attempt.earlier_claims > 0,
        )

    def _find(self, payload: Mapping[str, Any], *, active_only: bool = True) -> Chased | None:
        kind, row_id = str(payload.get("kind")), int(payload.get("id", 0))
        if kind not in ("draft", "invitation"):
            return None
        return storage.find_chased(self.engine, kind, row_id, active_only=active_only)  # type: ignore[arg-type]  # checked just above

    # --- あとで ---------------------------------------------------------------------------------

    def snooze(self, user_id: str, chased_ref: ChasedRef) -> datetime | None:
        """Push the next reminder to the next business day's opening; None if not this person's or closed."""
        chased = storage.find_chased(self.engine, chased_ref.kind, chased_ref.id)  # type: ignore[arg-type]  # ChasedRef only decodes the two kinds
        if chased is None or chased.user_id != user_id:
            return None
        decided = self.rules.snooze(chased.reminder, chased.due_date, self.clock.now())
        until = decided.fields.snoozed_until
        assert until is not None  # record_snooze always sets it
        if not storage.snooze(
            self.engine, chased, reminder=decided.fields, next_reminder_at=decided.next_reminder_at or until
        ):
            return None
        return until
