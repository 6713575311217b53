"""送信: the draft becomes a submission with a receipt number; the admin post goes through the outbox."""

from __future__ import annotations

from collections.abc import Callable

import storage
from bot import texts
from bot.admin_post import admin_post_for
from bot.conversation.access import Actor, DraftAccess
from bot.receipts import receipt_for
from bot.refs import DraftRef
from bot.rendering.elements import escape, notice
from bot.replies import Posted, Replies
from bot.submission_posts import notifications_for
from flows.engine import missing_answers, position


class Submitting:
    def __init__(self, drafts: DraftAccess, *, nudge_outbox: Callable[[], None]) -> None:
        self.drafts = drafts
        self._nudge_outbox = nudge_outbox  # the timer sends the admin post now; it retries if Slack fails

    def submit(self, actor: Actor, ref: DraftRef, posted: Posted | None) -> Replies:
        out = Replies(actor.user_id)
        draft = self.drafts.own_open_draft(actor, ref, posted, out)
        if draft is None:
            return out
        flow = self.drafts.flow_of(draft)
        if not self.drafts.is_open(flow):
            self.drafts.closed_notice(flow, out)
            return out
        missing = missing_answers(flow, draft.answers)
        if missing:
            out.say(notice(escape(texts.missing_answer(missing[0].label))))
            self.drafts.show_question(
                actor, draft, flow, missing[0], None, out, at=position(flow, draft.answers, missing[0].id)
            )
            return out
        if draft.correcting_submission_id is not None:
            return self._resubmit(draft, posted, out)
        try:
            submission = storage.submit_draft(
                self.drafts.engine,
                draft.id or 0,
                expected_version=draft.version,
                answers=draft.answers,
                now=self.drafts.clock.now(),
                timezone=self.drafts.clock.timezone,
                # The receipt and the admin post exist exactly when the submission does.
                notifications=lambda made: [receipt_for(made), admin_post_for(made)],
            )
        except storage.DraftConflict:
            out.tell(posted, texts.STALE)
            return out
        except storage.DraftClosed:
            made = storage.get_submission(self.drafts.engine, draft_id=draft.id or 0)
            out.tell(posted, texts.already_submitted(made.receipt_number) if made else texts.CLOSED_DRAFT)
            return out
        self._nudge_outbox()  # the receipt and the admin post go out now, and are retried if Slack fails
        if posted:
            out.update(posted, notice(texts.submitted_note(submission.receipt_number)))
        return out

    def _resubmit(self, draft: storage.Draft, posted: Posted | None, out: Replies) -> Replies:
        """送信 of a correction: the same receipt number, the answers replaced, the change posted."""
        try:
            changed = storage.submit_correction(
                self.drafts.engine,
                draft.id or 0,
                expected_version=draft.version,
                answers=draft.answers,
                now=self.drafts.clock.now(),
                notifications=notifications_for,
            )
        except storage.DraftConflict:
            out.tell(posted, texts.STALE)
            return out
        except storage.DraftClosed:
            out.tell(posted, texts.CLOSED_DRAFT)
            return out
        except (storage.StatusNotAllowed, storage.SubmissionGone):
            out.tell(posted, texts.CORRECTION_CLOSED)
            return out
        self._nudge_outbox()
        if posted:
            out.update(posted, notice(texts.corrected_note(changed.submission.receipt_number)))
        return out
