"""Starting, resuming and stopping a survey; where one's own answer stands (状況, Home, ヘルプ).

Buttons that change something carry what they act on: やり直す and 中止 the draft and its version,
開始 the person's newest draft when it was shown. A replayed or repeated click finds things moved
on and changes nothing.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Callable
from dataclasses import replace

import storage
from bot import refs, texts
from bot.admin_post import submission_view
from bot.conversation.access import Actor, DraftAccess
from bot.refs import DraftRef, StartRef
from bot.rendering.admin import copy_messages
from bot.rendering.conversation import help_message, intro_message
from bot.rendering.elements import button, confirm_dialog, escape, notice
from bot.rendering.home import HomeState, home_view
from bot.replies import Replies
from flows.engine import progress
from storage import Draft


class Starting:
    def __init__(self, drafts: DraftAccess, *, is_admin: Callable[[str], bool]) -> None:
        self.drafts = drafts
        self._is_admin = is_admin

    def start(self, actor: Actor, shown: StartRef | None = None, *, new: bool = False) -> Replies:
        """開始. From a command, a person who has submitted before is first told which receipt went
        (`new` skips that: 新しく回答する). From a button, `shown` must still be the newest draft."""
        out = Replies(actor.user_id)
        flow = self.drafts.catalog.current
        if not self.drafts.is_open(flow):
            self.drafts.closed_notice(flow, out)
            return out
        active = self.drafts.active_draft(actor)
        if active is not None:
            self._offer_resume(active, out)
            return out
        newest = self._newest_draft(actor)
        if shown is not None and shown.after != newest:  # a replay, or a second click: already done
            out.tell(None, texts.STALE)
            if not self._tell_previous_submission(actor, newest, out):
                self._no_draft(actor, out)
            return out
        if not new and self._tell_previous_submission(actor, newest, out):
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

    def start_new(self, actor: Actor, shown: StartRef | None) -> Replies:
        """新しく回答する, after being told of the last submission."""
        return self.start(actor, shown, new=True)

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
            self._no_draft(actor, out)
        else:
            self.drafts.show_where(actor, draft, out)
        return out

    def restart(self, actor: Actor, shown: DraftRef | None) -> Replies:
        """Erase the draft in progress (the person confirmed) and begin anew."""
        draft = self.drafts.active_draft(actor)
        if draft is not None:
            out = Replies(actor.user_id)
            if not self._erased(draft, shown, out):
                return out
        return self.start(actor, new=True)

    def cancel(self, actor: Actor, shown: DraftRef | None) -> Replies:
        out = Replies(actor.user_id)
        draft = self.drafts.active_draft(actor)
        if draft is None:
            out.say(notice(texts.NOTHING_TO_CANCEL))
        elif self._erased(draft, shown, out):
            start = StartRef(self._newest_draft(actor)).encode()
            out.say(notice(texts.CANCELLED, button(texts.BUTTON_START_OVER, refs.START, start)))
        return out

    def ask_to_cancel(self, actor: Actor) -> Replies:
        out = Replies(actor.user_id)
        draft = self.drafts.active_draft(actor)
        if draft is None:
            out.say(notice(texts.NOTHING_TO_CANCEL))
            return out
        confirm = confirm_dialog(texts.CONFIRM_CANCEL, danger=True)
        out.say(
            notice(
                texts.ASK_TO_CANCEL,
                button(texts.BUTTON_CANCEL, refs.CANCEL, _ref(draft), style="danger", confirm=confirm),
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
            start = StartRef(self._newest_draft(actor)).encode()
            out.say(
                notice(
                    texts.invited_status(invited[0].due_date),
                    button(texts.BUTTON_START, refs.START, start, style="primary"),
                )
            )
        else:
            self._no_draft(actor, out)
        return out

    def copy(self, actor: Actor, text: str) -> Replies:
        """/survey 控え [受付番号]: one's own submitted answers (the latest without a number), and no
        one else's: another person's receipt number is answered as if it did not exist."""
        out = Replies(actor.user_id)
        words = unicodedata.normalize("NFKC", text or "").split()
        if len(words) > 1:
            made = storage.find_submission(self.drafts.engine, receipt_number=words[1])
            if made is None or (made.team_id, made.user_id) != (actor.team_id, actor.user_id):
                out.say(notice(texts.COPY_NOT_FOUND))
                return out
        else:
            made = self._latest_submission(actor)
            if made is None:
                out.say(notice(texts.COPY_NONE))
                return out
        if made.erased_at is not None:
            out.say(notice(escape(texts.copy_erased(made.receipt_number))))
            return out
        flow = self.drafts.catalog.for_version(made.flow_version_id)
        for message in copy_messages(flow, submission_view(made, self.drafts.clock)):
            out.say(message)
        return out

    def help(self, actor: Actor) -> Replies:
        out = Replies(actor.user_id)
        out.say(help_message(self.drafts.catalog.current, admin=self._is_admin(actor.user_id)))
        return out

    def home(self, actor: Actor, note: str | None = None) -> Replies:
        """The App Home tab for this person: the survey, their draft's state, and buttons."""
        flow = self.drafts.catalog.current
        draft = self.drafts.active_draft(actor)
        state = HomeState(
            flow=flow,
            is_open=self.drafts.is_open(flow),
            start=StartRef(self._newest_draft(actor)),
            note=note,
        )
        if draft is not None:
            state = replace(
                state,
                draft=DraftRef(draft.id or 0, draft.version),
                draft_progress=progress(self.drafts.flow_of(draft), draft.answers),
                # 最終回答 only once something was answered.
                last_activity=self.drafts.clock.local(draft.last_activity_at) if draft.answers else None,
            )
        else:
            previous = self._latest_submission(actor)
            if previous is not None:
                state = replace(
                    state, previous=(previous.receipt_number, self.drafts.clock.local(previous.submitted_at))
                )
        out = Replies(actor.user_id)
        out.publish_home(home_view(state))
        return out

    # --- internals ------------------------------------------------------------------------------

    def _erased(self, draft: Draft, shown: DraftRef | None, out: Replies) -> bool:
        """中止 / やり直す: erase the answers, if the click is about this draft as it is now."""
        if shown is not None and (shown.draft_id, shown.version) != (draft.id, draft.version):
            out.say(notice(texts.STALE))
            return False
        try:
            storage.cancel_draft(
                self.drafts.engine, draft.id or 0, expected_version=draft.version, now=self.drafts.clock.now()
            )
        except (storage.DraftConflict, storage.DraftClosed):
            out.say(notice(texts.STALE))
            return False
        return True

    def _newest_draft(self, actor: Actor) -> int:
        return storage.latest_draft_id(
            self.drafts.engine,
            team_id=actor.team_id,
            user_id=actor.user_id,
            flow_id=self.drafts.catalog.current.id,
        )

    def _latest_submission(self, actor: Actor) -> storage.Submission | None:
        return storage.latest_submission(
            self.drafts.engine,
            team_id=actor.team_id,
            user_id=actor.user_id,
            flow_id=self.drafts.catalog.current.id,
        )

    def _tell_previous_submission(self, actor: Actor, newest: int, out: Replies) -> bool:
        previous = self._latest_submission(actor)
        if previous is None:
            return False
        text = texts.previous_submission(
            previous.receipt_number, self.drafts.clock.local(previous.submitted_at)
        )
        start = StartRef(newest).encode()
        out.say(notice(text, button(texts.BUTTON_START_NEW, refs.START_NEW, start, style="primary")))
        return True

    def _no_draft(self, actor: Actor, out: Replies) -> None:
        start = StartRef(self._newest_draft(actor)).encode()
        out.say(notice(texts.NO_DRAFT, button(texts.BUTTON_START, refs.START, start, style="primary")))

    def _offer_resume(self, draft: Draft, out: Replies) -> None:
        done = progress(self.drafts.flow_of(draft), draft.answers)
        confirm = confirm_dialog(texts.CONFIRM_RESTART, danger=True)
        out.say(
            notice(
                texts.offer_resume(done),
                button(texts.BUTTON_RESUME, refs.RESUME, style="primary"),
                button(texts.BUTTON_RESTART, refs.RESTART, _ref(draft), confirm=confirm),
            )
        )


def _ref(draft: Draft) -> str:
    return DraftRef(draft.id or 0, draft.version).encode()
