"""What administrators do in Slack: everyone's status, and a submission's full answers."""

from __future__ import annotations

import logging
from datetime import date, datetime, time, timedelta

from sqlalchemy import Engine

import storage
from bot import texts
from bot.admin_post import submission_view
from bot.clock import Clock
from bot.conversation import Actor
from bot.flow_catalog import FlowCatalog
from bot.refs import parse_id
from bot.rendering.admin import full_answers_view
from bot.rendering.admin_home import AdminHomeState, admin_home_view
from bot.rendering.status import Outstanding, status_message
from bot.replies import Posted, Replies
from bot.settings import Settings
from flows.display import display_answer
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

    def home(self, actor: Actor, note: str | None = None) -> Replies:
        """The administrators' Home: this fiscal year's and month's submissions, the latest five,
        the outstanding, and 集計 / エクスポート for a period."""
        flow = self.catalog.current
        today = self.clock.today()
        fiscal = today.year if today.month >= 4 else today.year - 1
        zone = self.clock.timezone
        year_start = datetime.combine(date(fiscal, 4, 1), time.min, tzinfo=zone)
        month_start = datetime.combine(today.replace(day=1), time.min, tzinfo=zone)
        tomorrow = datetime.combine(today + timedelta(days=1), time.min, tzinfo=zone)
        org = next((q for q in flow.questions if q.type == "org"), None)
        latest = tuple(
            (
                made.receipt_number,
                display_answer(org, made.answers.get(org.id)) if org and made.answers.get(org.id) else "",
                self.clock.local(made.submitted_at),
            )
            for made in storage.latest_submissions(self.engine, flow_id=flow.id, limit=5)
        )
        started, invited = storage.count_outstanding(self.engine, team_id=actor.team_id, flow_ids=[flow.id])
        state = AdminHomeState(
            title=flow.title,
            year_label=texts.fiscal_year_name(fiscal),
            this_year=storage.count_submissions(self.engine, flow_id=flow.id, start=year_start, end=tomorrow),
            month_label=texts.month_name(today),
            this_month=storage.count_submissions(
                self.engine, flow_id=flow.id, start=month_start, end=tomorrow
            ),
            latest=latest,
            outstanding=started + invited,
            started=started,
            periods=(
                (texts.PERIOD_THIS_YEAR, f"{fiscal}-04-01..{fiscal + 1}-03-31"),
                (texts.PERIOD_LAST_YEAR, f"{fiscal - 1}-04-01..{fiscal}-03-31"),
                (texts.PERIOD_THIS_MONTH, f"{today:%Y-%m}"),
                (texts.PERIOD_ALL, ""),
            ),
            note=note,
        )
        out = Replies(actor.user_id)
        out.publish_home(admin_home_view(state))
        return out

    def show_full_answers(
        self, actor: Actor, draft_id_text: str, trigger_id: str, posted: Posted | None
    ) -> Replies:
        """「全回答を表示」: the unmasked answers in a modal, for administrators only."""
        out = Replies(actor.user_id)
        if not self.is_admin(actor):
            log.warning("refused the full answers to a non-administrator")
            out.tell(posted, texts.ADMINS_ONLY)
            return out
        draft_id = parse_id(draft_id_text)
        submission = storage.get_submission(self.engine, draft_id=draft_id) if draft_id is not None else None
        if submission is None:
            out.tell(posted, texts.SUBMISSION_NOT_FOUND)
            return out
        flow = self.catalog.for_version(submission.flow_version_id)
        out.open_view(trigger_id, full_answers_view(flow, submission_view(submission, self.clock)))
        storage.record_audit(
            self.engine,
            at=self.clock.now(),
            actor=actor.user_id,
            source=storage.ExportSource.SLACK,
            action=storage.AuditAction.FULL_ANSWERS,
            receipts=[submission.receipt_number],
        )
        log.info("full answers shown for receipt %s", submission.receipt_number)
        return out
