"""Invitations: `/survey assign` (administrators), and the invitation DM sent through the outbox.

One command may name people, user groups and channels at once (bot/assignment.py); groups and
channels are read from Slack (usergroups.users.list, conversations.members), everyone is
deduplicated, and each person not yet asked gets an invitation whose DM the outbox sends, paced by
Slack's answers (docs/slack-budget.md). The administrator is told, in their DM, how many were
invited and who was already invited or already answering.

Who is left out: the bot's own user (a channel lists it among its members). Slack's member lists
do not say who is a bot or a deactivated account, and asking (users.info) is one Tier 4 call per
person, so that check is made when the invitation is sent, in the outbox's thread: a bot or a
deactivated account gets no DM (the outbox records it as undeliverable).
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Protocol

from slack_sdk.errors import SlackApiError
from sqlalchemy import Engine

import storage
from bot import texts
from bot.assignment import Assignment, Named, parse_assignment
from bot.clock import Clock
from bot.conversation import Actor
from bot.flow_catalog import FlowCatalog
from bot.outbox import Sender, Undeliverable
from bot.rendering.elements import escape, mention
from bot.rendering.reminders import invitation_message
from bot.settings import Settings
from bot.slack_gateway import (
    UNREACHABLE,
    Members,
    MembersUnavailable,
    SlackDirectory,
    SlackGateway,
    slack_error_code,
)
from storage import Notification

log = logging.getLogger(__name__)

INVITATION = "invitation"
# The most people one command invites; the rest are invited by running it again (the ones already
# invited are then reported, not invited twice). 1,000 invitations are ~20 minutes of Slack's
# conversations.open budget (Tier 3, 50+ per minute): see docs/slack-budget.md.
MAX_INVITED_AT_ONCE = 1_000
LISTED_AT_MOST = 10  # mentions listed in the report before 「ほかN人」


def invitation_notice(invitation_id: int, now: datetime) -> Notification:
    return Notification(
        INVITATION, {"invitation_id": invitation_id}, f"{INVITATION}:{invitation_id}:{now.isoformat()}"
    )


class Directory(Protocol):
    """Who is in a user group or a channel, and who the bot itself is."""

    def own_user_id(self) -> str | None: ...

    def usergroup_members(self, usergroup_id: str) -> Members: ...

    def channel_members(self, channel_id: str) -> Members: ...

    def account(self, user_id: str) -> Mapping[str, Any] | None: ...


@dataclass
class _Outcome:
    """What one command did, for the administrator's report."""

    invited: list[str] = field(default_factory=list)
    already_invited: list[str] = field(default_factory=list)
    already_answering: list[str] = field(default_factory=list)
    over_the_cap: int = 0
    problems: list[str] = field(default_factory=list)


class Invitations:
    def __init__(
        self,
        *,
        engine: Engine,
        settings: Settings,
        catalog: FlowCatalog,
        clock: Clock,
        gateway: SlackGateway,
        directory: Directory | None = None,
    ) -> None:
        self.engine = engine
        self.settings = settings
        self.catalog = catalog
        self.clock = clock
        self.gateway = gateway  # the outbox's
        self.directory: Directory = directory or SlackDirectory(gateway.client)

    def assign(self, actor: Actor, text: str) -> str:
        """/survey assign @user @group #channel … [期限 YYYY-MM-DD]: invite people; returns the report."""
        if not self.settings.is_admin(actor.user_id):
            return texts.ASSIGN_ADMINS_ONLY
        try:
            request = parse_assignment(text)
        except ValueError as problem:
            return f"{problem}\n{texts.ASSIGN_USAGE_ALL}"
        if request.due_date is not None and request.due_date < self.clock.today():
            return texts.due_date_past(request.due_date)
        outcome = _Outcome()
        people = self._people(request, outcome)
        if not people:
            return "\n".join([*outcome.problems, texts.ASSIGN_NOBODY])
        self._invite(actor, request, people, outcome)
        return _report(request, outcome)

    def _people(self, request: Assignment, outcome: _Outcome) -> list[str]:
        """Everyone the command names, in order, once each; the bot itself left out."""
        people: dict[str, None] = dict.fromkeys(request.user_ids)
        for group in request.usergroups:
            people.update(dict.fromkeys(self._members(group, outcome, self.directory.usergroup_members)))
        for channel in request.channels:
            people.update(dict.fromkeys(self._members(channel, outcome, self.directory.channel_members)))
        if request.usergroups or request.channels:  # a channel lists the bot among its members
            people.pop(self.directory.own_user_id() or "", None)
        return list(people)

    def _members(self, named: Named, outcome: _Outcome, read: Callable[[str], Members]) -> list[str]:
        label = _label(named)
        try:
            members = read(named.id)
        except MembersUnavailable as refusal:
            outcome.problems.append(texts.members_unreadable(label, _reason(refusal)))
            return []
        if not members.complete:
            outcome.problems.append(texts.members_partly(label, len(members.user_ids)))
        return members.user_ids

    def _invite(self, actor: Actor, request: Assignment, people: list[str], outcome: _Outcome) -> None:
        flow = self.catalog.current
        now = self.clock.now()
        known = {
            chased.user_id
            for chased in storage.outstanding(self.engine, team_id=actor.team_id, flow_ids=[flow.id])
        }
        for user_id in people:
            if user_id not in known and len(outcome.invited) >= MAX_INVITED_AT_ONCE:
                outcome.over_the_cap += 1
                continue
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
            if invited.created:
                outcome.invited.append(user_id)
            elif invited.kind == "draft":
                outcome.already_answering.append(user_id)
            else:
                outcome.already_invited.append(user_id)

    def senders(self) -> dict[str, Sender]:
        return {INVITATION: Sender(self._send)}

    def _send(self, payload: Mapping[str, Any]) -> None:
        invitation = storage.get_invitation(self.engine, int(payload["invitation_id"]))
        if invitation is None:
            raise Undeliverable("invitation_not_found")
        account = self.directory.account(invitation.user_id)  # Tier 4; a 429 makes the outbox wait
        if account is None:
            raise Undeliverable("user_not_found")
        if account.get("deleted"):
            raise Undeliverable("user_disabled")
        if account.get("is_bot"):
            raise Undeliverable("bot_user")
        message = invitation_message(
            self.catalog.current, invited_by=invitation.invited_by, due_date=invitation.due_date
        )
        try:
            self.gateway.say(invitation.user_id, message)
        except SlackApiError as error:
            if slack_error_code(error) in UNREACHABLE:
                raise Undeliverable(slack_error_code(error)) from None
            raise


def _report(request: Assignment, outcome: _Outcome) -> str:
    """The administrator's report: counts, who was asked before, what could not be done."""
    due = texts.assigned_due(request.due_date)
    if request.single_person:  # one person named: one sentence about them
        [user_id] = request.user_ids
        if outcome.invited:
            return texts.invited(mention(user_id)) + due
        if outcome.already_answering:
            return texts.invited_already_answering(mention(user_id)) + due
        return texts.invited_again(mention(user_id)) + due
    if len(outcome.invited) == 1:
        lines = [texts.invited(mention(outcome.invited[0])) + due]
    elif outcome.invited:
        lines = [texts.invited_many(len(outcome.invited)) + due]
    else:
        lines = [texts.INVITED_NONE + due]
    if outcome.already_invited:
        lines.append(
            texts.already_invited_list(len(outcome.already_invited), _mentions(outcome.already_invited))
        )
    if outcome.already_answering:
        lines.append(
            texts.already_answering_list(len(outcome.already_answering), _mentions(outcome.already_answering))
        )
    if outcome.over_the_cap:
        lines.append(texts.invitation_cap(MAX_INVITED_AT_ONCE, outcome.over_the_cap))
    return "\n".join([*lines, *outcome.problems])


def _mentions(user_ids: list[str]) -> str:
    shown = " ".join(mention(user_id) for user_id in user_ids[:LISTED_AT_MOST])
    rest = len(user_ids) - LISTED_AT_MOST
    return f"{shown} {texts.and_others(rest)}" if rest > 0 else shown


def _label(named: Named) -> str:
    """How the report names a group or a channel: the name Slack sent, never a live mention
    (a user group mention would notify its members)."""
    if named.id.startswith("S"):
        return escape(named.name if named.name.startswith("@") else f"@{named.name or named.id}")
    return f"<#{named.id}>"


def _reason(refusal: MembersUnavailable) -> str:
    if refusal.code == "ratelimited":
        return texts.members_rate_limited(max(1, round(refusal.retry_after)))
    if refusal.code == "missing_scope":
        return texts.MEMBERS_NO_SCOPE
    if refusal.code in ("no_such_subteam", "invalid_usergroup"):
        return texts.MEMBERS_GROUP_NOT_FOUND
    if refusal.code in ("plan_upgrade_required", "paid_teams_only"):
        return texts.MEMBERS_NO_GROUPS
    if refusal.code in ("channel_not_found", "method_not_supported_for_channel_type"):
        return texts.MEMBERS_CHANNEL_NOT_FOUND
    return texts.members_slack_error(escape(refusal.code[:64]))
