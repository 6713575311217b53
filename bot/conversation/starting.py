"""Starting, resuming and stopping a survey; where one's own answer stands (状況, Home, ヘルプ)."""

from __future__ import annotations

from dataclasses import replace

import storage
from bot import refs, texts
from bot.conversation.access import Actor, DraftAccess
from bot.rendering.conversation import help_message, intro_message
from bot.rendering.elements import button, confirm_dialog, escape, notice
from bot.rendering.home import HomeState, home_view
from bot.replies import Replies
from flows.engine import progress
from storage import Draft


class Starting:
    def __init__(self, drafts: DraftAccess) -> None:
        self.drafts = drafts

    def start(self, actor: Actor) -> Replies:
        out = Replies(actor.user_id)
        flow = self.drafts.catalog.current
        if not self.drafts.is_open(flow):
            self.drafts.closed_notice(flow, out)
            return out
        active = self.drafts.active_draft(actor)
        if active is not None:
            self._offer_resume(active, out)
            return out
        try:
            draft = storage.start_draft(
                self.drafts.engine,
                team_id=actor.team_id,
                user_id=actor.user_id,
                flow_version_id=self.drafts.catalog.current_version_id,
                now=self.drafts.clock.now(),
            )
        except storage.DraftAlreadyActive as error:  # a parallel start won the race
            self._offer_resume(error.draft, out)
            return out
        out.say(intro_message(flow))
        self.drafts.show_where(actor, draft, out)
        return out

    def start_or_resume(self, actor: Actor) -> Replies:
        draft = self.drafts.active_draft(actor)
        if draft is None:
            return self.start(actor)
        out = Replies(actor.user_id)
        self.drafts.show_where(actor, draft, out)
        return out

    def resume(self, actor: Actor) -> Replies:
        out = Replies(actor.user_id)
        draft = self.drafts.active_draft(actor)
        if draft is None:
            self._no_draft(out)
        else:
            self.drafts.show_where(actor, draft, out)
        return out

    def restart(self, actor: Actor) -> Replies:
        """Discard the draft in progress (the person confirmed) and begin anew."""
        draft = self.drafts.active_draft(actor)
        if draft is not None and not self._cancelled(draft):
            out = Replies(actor.user_id)
            out.say(notice(texts.STALE))
            return out
        return self.start(actor)

    def cancel(self, actor: Actor) -> Replies:
        out = Replies(actor.user_id)
        draft = self.drafts.active_draft(actor)
        if draft is None:
            out.say(notice(texts.NOTHING_TO_CANCEL))
        elif not self._cancelled(draft):
            out.say(notice(texts.STALE))
        else:
            out.say(notice(texts.CANCELLED, button(texts.BUTTON_START_OVER, refs.START)))
        return out

    def ask_to_cancel(self, actor: Actor) -> Replies:
        out = Replies(actor.user_id)
        if self.drafts.active_draft(actor) is None:
            out.say(notice(texts.NOTHING_TO_CANCEL))
            return out
        confirm = confirm_dialog(texts.CONFIRM_CANCEL, danger=True)
        out.say(
            notice(
                texts.ASK_TO_CANCEL,
                button(texts.BUTTON_CANCEL, refs.CANCEL, style="danger", confirm=confirm),
                button(texts.BUTTON_RESUME, refs.RESUME),
            )
        )
        return out

    def status(self, actor: Actor) -> Replies:
        """Where one's own answer stands: the draft's progress, or an invitation waiting."""
        out = Replies(actor.user_id)
        draft = self.drafts.active_draft(actor)
        if draft is not None:
            flow = self.drafts.flow_of(draft)
            done = progress(flow, draft.answers)
            last = self.drafts.clock.local(draft.last_activity_at)
            out.say(
                notice(
                    f"*{escape(flow.title)}*\n{texts.own_status(done, last)}",
                    button(texts.BUTTON_RESUME, refs.RESUME, style="primary"),
                )
            )
            return out
        invited = storage.outstanding(
            self.drafts.engine,
            team_id=actor.team_id,
            flow_ids=[self.drafts.catalog.current.id],
            user_id=actor.user_id,
        )
        if invited:
            out.say(
                notice(
                    texts.invited_status(invited[0].due_date),
                    button(texts.BUTTON_START, refs.START, style="primary"),
                )
            )
        else:
            self._no_draft(out)
        return out

    def help(self, actor: Actor) -> Replies:
        out = Replies(actor.user_id)
        out.say(help_message(self.drafts.catalog.current))
        return out

    def home(self, actor: Actor, note: str | None = None) -> Replies:
        """The App Home tab for this person: the survey, their draft's state, and buttons."""
        flow = self.drafts.catalog.current
        draft = self.drafts.active_draft(actor)
        state = HomeState(flow=flow, is_open=self.drafts.is_open(flow), note=note)
        if draft is not None:
            state = replace(
                state,
                draft_progress=progress(self.drafts.flow_of(draft), draft.answers),
                last_activity=self.drafts.clock.local(draft.last_activity_at),
            )
        out = Replies(actor.user_id)
        out.publish_home(home_view(state))
        return out

    # --- internals ------------------------------------------------------------------------------

    def _cancelled(self, draft: Draft) -> bool:
        try:
            storage.cancel_draft(
                self.drafts.engine, draft.id or 0, expected_version=draft.version, now=self.drafts.clock.now()
            )
        except (storage.DraftConflict, storage.DraftClosed):
            return False
        return True

    def _no_draft(self, out: Replies) -> None:
        out.say(notice(texts.NO_DRAFT, button(texts.BUTTON_START, refs.START, style="primary")))

    def _offer_resume(self, draft: Draft, out: Replies) -> None:
        done = progress(self.drafts.flow_of(draft), draft.answers)
        confirm = confirm_dialog(texts.CONFIRM_RESTART, danger=True)
        out.say(
            notice(
                texts.offer_resume(done),
                button(texts.BUTTON_RESUME, refs.RESUME, style="primary"),
                button(texts.BUTTON_RESTART, refs.RESTART, confirm=confirm),
            )
        )
