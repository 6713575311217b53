"""Invitations: `/survey assign` (administrators), and the invitation DM sent through the outbox."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any

from sqlalchemy import Engine

import storage
from bot import texts
from bot.assignment import parse_assignment
from bot.clock import Clock
from bot.conversation import Actor
from bot.flow_catalog import FlowCatalog
from bot.outbox import Sender, Undeliverable
from bot.rendering.reminders import invitation_message
from bot.settings import Settings
from bot.slack_gateway import SlackGateway
from storage import Notification

INVITATION = "invitation"


def invitation_notice(invitation_id: int, now: datetime) -> Notification:
    return Notification(
        INVITATION, {"invitation_id": invitation_id}, f"{INVITATION}:{invitation_id}:{now.isoformat()}"
    )


class Invitations:
    def __init__(
        self,
        *,
        engine: Engine,
        settings: Settings,
        catalog: FlowCatalog,
        clock: Clock,
        gateway: SlackGateway,
    ) -> None:
        self.engine = engine
        self.settings = settings
        self.catalog = catalog
        self.clock = clock
        self.gateway = gateway  # the outbox's

    def assign(self, actor: Actor, text: str) -> str:
        """/survey assign @user … [期限 YYYY-MM-DD]: invite people; returns the reply for the command."""
        if not self.settings.is_admin(actor.user_id):
            return texts.ASSIGN_ADMINS_ONLY
        try:
            request = parse_assignment(text)
        except ValueError as problem:
            return f"{problem}\n{texts.ASSIGN_USAGE}"
        if request.due_date is not None and request.due_date < self.clock.today():
            return texts.due_date_past(request.due_date)
        flow = self.catalog.current
        now = self.clock.now()
        done = []
        for user_id in request.user_ids:
            invited = storage.invite(
                self.engine,
                team_id=actor.team_id,
                user_id=user_id,
                flow_id=flow.id,
                invited_by=actor.user_id,
                due_date=request.due_date,
                now=now,
                notification=lambda invitation_id: invitation_notice(invitation_id, now),
            )
            mention = f"<@{user_id}>"
            if invited.created:
                done.append(texts.invited(mention))
            elif invited.kind == "draft":
                done.append(texts.invited_already_answering(mention))
            else:
                done.append(texts.invited_again(mention))
        return "\n".join([*done, texts.assigned_due(request.due_date)])

    def senders(self) -> dict[str, Sender]:
        return {INVITATION: Sender(self._send)}

    def _send(self, payload: Mapping[str, Any]) -> None:
        invitation = storage.get_invitation(self.engine, int(payload["invitation_id"]))
        if invitation is None:
            raise Undeliverable("invitation_not_found")
        message = invitation_message(
            self.catalog.current, invited_by=invitation.invited_by, due_date=invitation.due_date
        )
        self.gateway.say(invitation.user_id, message)
