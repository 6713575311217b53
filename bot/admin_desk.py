"""What administrators do in Slack: read a submission's full answers (and, next, assign and follow up)."""

from __future__ import annotations

import logging

from slack_sdk import WebClient
from sqlalchemy import Engine

import storage
from bot.admin import full_answers_view
from bot.admin_status import ASSIGN_USAGE, parse_assignment, status_message
from bot.conversation import Actor
from bot.direct_messages import DirectMessages
from bot.flow_catalog import FlowCatalog
from bot.reminders import messages
from bot.reminders.service import INVITATION, Reminders
from bot.settings import Settings
from flows.engine import Progress, progress
from storage import Notification

log = logging.getLogger(__name__)

ADMINS_ONLY = "この操作は管理者のみ行えます。"


class AdminDesk:
    def __init__(
        self,
        *,
        engine: Engine,
        client: WebClient,
        settings: Settings,
        catalog: FlowCatalog,
        reminders: Reminders,
        dm: DirectMessages,
    ) -> None:
        self.engine = engine
        self.client = client
        self.settings = settings
        self.catalog = catalog
        self.reminders = reminders
        self.dm = dm

    def is_admin(self, actor: Actor) -> bool:
        return self.settings.is_admin(actor.user_id)

    def assign(self, actor: Actor, text: str) -> str:
        """/survey assign @user … [期限 YYYY-MM-DD]: invite people; returns the reply for the command."""
        if not self.is_admin(actor):
            return ADMINS_ONLY + "(回答の依頼は管理者が行います)"
        try:
            request = parse_assignment(text)
        except ValueError as problem:
            return f"{problem}\n{ASSIGN_USAGE}"
        if request.due_date is not None and (problem := self.reminders.due_date_problem(request.due_date)):
            return problem
        flow = self.catalog.current
        now = self.reminders.clock()
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
                notification=Notification(INVITATION, {}, f"{INVITATION}:{user_id}:{now.isoformat()}"),
            )
            if invited.created:
                done.append(f"<@{user_id}> さんに依頼を送りました。")
            elif invited.kind == "draft":
                done.append(f"<@{user_id}> さんはすでに回答中です。期限を設定しました。")
            else:
                done.append(f"<@{user_id}> さんには依頼済みです。期限を更新しました。")
        due = f"(期限 {messages.day_text(request.due_date)})" if request.due_date else "(期限なし)"
        return "\n".join([*done, due])

    def status(self, actor: Actor) -> None:
        """/survey 状況 for administrators: everyone outstanding, with the counts, in their DM."""
        flow = self.catalog.current
        rows = storage.outstanding(self.engine, team_id=actor.team_id, flow_ids=[flow.id])
        today = self.reminders.clock().astimezone(self.settings.timezone).date()
        message = status_message(flow, rows, self._progress_of, today=today, timezone=self.settings.timezone)
        self.dm.say(actor.user_id, message)

    def _progress_of(self, chased: storage.Chased) -> Progress | None:
        if chased.kind != "draft":
            return None
        draft = storage.get_draft(self.engine, chased.id)
        return progress(self.catalog.for_version(draft.flow_version_id), draft.answers)

    def show_full_answers(
        self, actor: Actor, draft_id_text: str, trigger_id: str, channel: str | None
    ) -> None:
        """「全回答を表示」: the unmasked answers in a modal, for administrators only."""
        if not self.settings.is_admin(actor.user_id):
            log.warning("refused the full answers to a non-administrator")
            self.dm.tell(actor.user_id, channel, ADMINS_ONLY)
            return
        submission = (
            storage.get_submission(self.engine, draft_id=int(draft_id_text))
            if draft_id_text.isdigit()
            else None
        )
        if submission is None:
            self.dm.tell(actor.user_id, channel, "この回答は見つかりませんでした。")
            return
        flow = self.catalog.for_version(submission.flow_version_id)
        view = full_answers_view(flow, submission, timezone=self.settings.timezone)
        self.client.views_open(trigger_id=trigger_id, view=view)
        log.info("full answers shown for receipt %s", submission.receipt_number)
