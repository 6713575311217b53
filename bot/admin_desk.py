"""What administrators do in Slack: everyone's status, and a submission's full answers."""

from __future__ import annotations

import logging

from sqlalchemy import Engine

import storage
from bot import texts
from bot.admin_post import submission_view
from bot.clock import Clock
from bot.conversation import Actor
from bot.flow_catalog import FlowCatalog
from bot.rendering.admin import full_answers_view
from bot.rendering.status import Outstanding, status_message
from bot.replies import Posted, Replies
from bot.settings import Settings
from flows.engine import progress

log = logging.getLogger(__name__)


class AdminDesk:
    def __init__(self, *, engine: Engine, settings: Settings, catalog: FlowCatalog, clock: Clock) -> None:
        self.engine = engine
        self.settings = settings
        self.catalog = catalog
        self.clock = clock

    def is_admin(self, actor: Actor) -> bool:
        return self.settings.is_admin(actor.user_id)

    def status(self, actor: Actor) -> Replies:
        """/survey 状況 for administrators: everyone outstanding, with the counts, in their DM."""
        flow = self.catalog.current
        rows = storage.outstanding(self.engine, team_id=actor.team_id, flow_ids=[flow.id])
        out = Replies(actor.user_id)
        out.say(
            status_message(flow.title, [self._outstanding(row) for row in rows], today=self.clock.today())
        )
        return out

    def _outstanding(self, chased: storage.Chased) -> Outstanding:
        done = None
        if chased.kind == "draft":
            draft = storage.get_draft(self.engine, chased.id)
            done = progress(self.catalog.for_version(draft.flow_version_id), draft.answers)
        return Outstanding(
            user_id=chased.user_id,
            progress=done,
            last_activity=self.clock.local(chased.last_activity_at),
            reminders_sent=chased.reminders_sent,
            due_date=chased.due_date,
            escalated=chased.escalated_at is not None,
        )

    def show_full_answers(
        self, actor: Actor, draft_id_text: str, trigger_id: str, posted: Posted | None
    ) -> Replies:
        """「全回答を表示」: the unmasked answers in a modal, for administrators only."""
        out = Replies(actor.user_id)
        if not self.is_admin(actor):
            log.warning("refused the full answers to a non-administrator")
            out.tell(posted, texts.ADMINS_ONLY)
            return out
        submission = (
            storage.get_submission(self.engine, draft_id=int(draft_id_text))
            if draft_id_text.isdigit()
            else None
        )
        if submission is None:
            out.tell(posted, texts.SUBMISSION_NOT_FOUND)
            return out
        flow = self.catalog.for_version(submission.flow_version_id)
        out.open_view(trigger_id, full_answers_view(flow, submission_view(submission, self.clock)))
        log.info("full answers shown for receipt %s", submission.receipt_number)
        return out
