"""What every conversation use case shares: who acts, finding their draft, and showing where
they are (the next question, or the review) from one walk of the engine."""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass

from sqlalchemy import Engine

import storage
from bot import texts
from bot.clock import Clock
from bot.flow_catalog import FlowCatalog
from bot.refs import DraftRef
from bot.reminders.rules import ReminderRules
from bot.rendering.conversation import question_message, review_message
from bot.rendering.elements import escape, notice
from bot.replies import Posted, Replies
from flows.answers import AnswerValue
from flows.engine import Position, position, review, unanswered
from flows.model import Flow, Question
from storage import Draft

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Actor:
    """Who acts, as Slack says (never taken from a value in the message)."""

    team_id: str
    user_id: str


class DraftAccess:
    def __init__(
        self,
        *,
        engine: Engine,
        catalog: FlowCatalog,
        clock: Clock,
        rules: ReminderRules,
        real_name: Callable[[str], str | None],
    ) -> None:
        self.engine = engine
        self.catalog = catalog
        self.clock = clock
        self.rules = rules
        self._real_name = real_name  # the profile's name, to pre-fill 氏名

    def active_draft(self, actor: Actor) -> Draft | None:
        return storage.find_active_draft(
            self.engine, team_id=actor.team_id, user_id=actor.user_id, flow_id=self.catalog.current.id
        )

    def flow_of(self, draft: Draft) -> Flow:
        return self.catalog.for_version(draft.flow_version_id)

    def is_open(self, flow: Flow) -> bool:
        return flow.open_period.is_open(self.clock.now())

    def own_open_draft(
        self, actor: Actor, ref: DraftRef, posted: Posted | None, out: Replies, *, check_version: bool = True
    ) -> Draft | None:
        """The draft a click refers to, if this person may act on it now; otherwise say why."""
        try:
            draft = storage.get_draft(self.engine, ref.draft_id)
        except storage.DraftNotFound:
            out.tell(posted, texts.STALE)
            return None
        if (draft.team_id, draft.user_id) != (actor.team_id, actor.user_id):
            log.warning("refused an action on a draft of another user")
            out.tell(posted, texts.NOT_YOURS)
            return None
        if draft.status != storage.DraftStatus.IN_PROGRESS:
            made = storage.get_submission(self.engine, draft_id=ref.draft_id)
            out.tell(posted, texts.already_submitted(made.receipt_number) if made else texts.CLOSED_DRAFT)
            return None
        if check_version and draft.version != ref.version:
            # An old message, a double click, a replay, or a question whose successor never arrived
            # (Slack failed after the save): say so where the person is, and show where they are.
            out.tell(posted, texts.STALE_SHOWN)
            self.show_where(actor, draft, out)
            return None
        return draft

    def question_of(
        self, actor: Actor, ref: DraftRef, posted: Posted | None, out: Replies
    ) -> tuple[Draft, Flow, Question] | None:
        """The draft, its flow and the question an element of a question's message acts on."""
        draft = self.own_open_draft(actor, ref, posted, out)
        if draft is None:
            return None
        flow = self.flow_of(draft)
        if not self.is_open(flow):  # outside the open period nothing changes; the draft is kept
            self.closed_notice(flow, out)
            return None
        question = flow.by_id.get(ref.question_id)
        if question is None:
            out.tell(posted, texts.STALE)
            return None
        return draft, flow, question

    def show_where(self, actor: Actor, draft: Draft, out: Replies, *, at: Position | None = None) -> None:
        """The person's next question, or the review when every question on the path is answered."""
        flow = self.flow_of(draft)
        where = at or position(flow, draft.answers)
        if where.question is None:
            ref = DraftRef(draft.id or 0, draft.version)
            message = review_message(
                flow, review(flow, draft.answers), ref, unanswered=len(unanswered(flow, draft.answers))
            )
            out.say(message, live_for=draft.id)
        else:
            self.show_question(actor, draft, flow, where.question, None, out, at=where)

    def show_question(
        self,
        actor: Actor,
        draft: Draft,
        flow: Flow,
        question: Question,
        posted: Posted | None,
        out: Replies,
        *,
        at: Position | None = None,
        error: str | None = None,
        typed: str | None = None,
        chosen: AnswerValue | None = None,
        from_review: bool = False,
    ) -> None:
        """Ask `question`: in place of `posted` (an error next to the input), else as the new live
        message. `chosen` is shown instead of the stored answer (the ticks that led to an error)."""
        where = (
            at if at is not None and at.question == question else position(flow, draft.answers, question.id)
        )
        current = chosen if chosen is not None else draft.answers.get(question.id)
        if current is None and question.prefill == "real_name":
            current = self._real_name(actor.user_id)
        message = question_message(
            flow,
            question,
            DraftRef(draft.id or 0, draft.version, question.id),
            progress=where.progress,
            current=current,
            typed=typed,
            error=error,
            can_go_back=where.can_go_back,
            from_review=from_review,
        )
        out.update(posted, message, live_for=draft.id, live_question=question.id)

    def closed_notice(self, flow: Flow, out: Replies) -> None:
        out.say(notice(escape(texts.closed_period(flow.title))))
