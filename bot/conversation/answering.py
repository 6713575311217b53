"""Answering: an answer given, a path change confirmed, 戻る, 修正, the long-text modal, 所属.

Every answer is saved before anything is shown; a click on an outdated message (double click, old
message, Slack's retry) finds the draft at another version and changes nothing.
"""

from __future__ import annotations

from typing import Any

import storage
from bot import texts
from bot.conversation.access import Actor, DraftAccess
from bot.refs import DraftRef, ModalRef
from bot.rendering.conversation import (
    answered_message,
    left_message,
    long_text_modal,
    org_option,
    path_change_message,
)
from bot.rendering.elements import notice
from bot.replies import Posted, Replies
from flows.answers import InvalidAnswer, choice_from_text, exclusive_conflict, parse_answer
from flows.engine import Applied, apply_answer, asked_questions, position, previous_question
from flows.model import Flow, Question
from storage import Draft


class Answering:
    def __init__(self, drafts: DraftAccess) -> None:
        self.drafts = drafts

    def answer(
        self,
        actor: Actor,
        ref: DraftRef,
        raw: Any,
        posted: Posted | None,
        *,
        typed: str | None = None,
        from_message_box: bool = False,
    ) -> Replies:
        """An answer from the question's element (`typed`: the text as typed, kept after an error).
        From the message box, an error comes with the question asked again at the bottom of the DM."""
        out = Replies(actor.user_id)
        found = self.drafts.question_of(actor, ref, posted, out)
        if found is None:
            return out
        draft, flow, question = found
        if not self.drafts.is_open(flow):
            self.drafts.closed_notice(flow, out)
            return out
        try:
            applied = apply_answer(flow, draft.answers, question.id, raw, today=self.drafts.clock.today())
        except InvalidAnswer as error:
            # Show the message next to the input; the draft is unchanged and what was typed stays.
            # Typed in the message box, the question comes again at the bottom, where the person is.
            self.drafts.show_question(
                actor,
                draft,
                flow,
                question,
                None if from_message_box else posted,
                out,
                error=error.message,
                typed=typed,
                chosen=raw if question.type == "multi" and isinstance(raw, list) else None,
            )
            return out
        if question.id in draft.answers and applied.changes_path:
            out.say(
                path_change_message(
                    flow,
                    question,
                    applied.value,
                    DraftRef(draft.id or 0, draft.version, question.id),
                    dropped=applied.dropped,
                    added=applied.added,
                ),
                live_for=draft.id,  # the question it came from can no longer be acted on
            )
            return out
        self._commit(actor, draft, flow, question, applied, posted, out)
        return out

    def confirm_change(self, actor: Actor, ref: DraftRef, answer: Any, posted: Posted | None) -> Replies:
        """変更する: the proposed answer that changes the path, now that the person agreed."""
        out = Replies(actor.user_id)
        found = self.drafts.question_of(actor, ref, posted, out)
        if found is None:
            return out
        draft, flow, question = found
        try:
            applied = apply_answer(flow, draft.answers, question.id, answer, today=self.drafts.clock.today())
        except InvalidAnswer as error:
            out.tell(posted, error.message)
            return out
        self._commit(actor, draft, flow, question, applied, posted, out)
        return out

    def keep_answer(self, actor: Actor, ref: DraftRef, posted: Posted | None) -> Replies:
        out = Replies(actor.user_id)
        draft = self.drafts.own_open_draft(actor, ref, posted, out, check_version=False)
        if draft is None:
            return out
        if posted:
            out.update(posted, notice(texts.ANSWER_KEPT))
        self.drafts.show_where(actor, draft, out)
        return out

    def back(self, actor: Actor, ref: DraftRef, posted: Posted | None) -> Replies:
        out = Replies(actor.user_id)
        draft = self.drafts.own_open_draft(actor, ref, posted, out, check_version=False)
        if draft is None:
            return out
        flow = self.drafts.flow_of(draft)
        before = ref.question_id if ref.question_id in flow.by_id else None
        previous = previous_question(flow, draft.answers, before)
        if previous is None:
            out.tell(posted, texts.FIRST_QUESTION)
            return out
        if posted and before is not None:
            out.update(posted, left_message(flow.by_id[before], ref, texts.WENT_BACK))
        self.drafts.show_question(actor, draft, flow, previous, None, out)
        return out

    def edit(
        self,
        actor: Actor,
        ref: DraftRef,
        question_id: str,
        posted: Posted | None,
        *,
        from_review: bool = False,
    ) -> Replies:
        """修正: ask an answered question again, with its current answer filled in (from the review,
        its 戻る leads back to the review)."""
        out = Replies(actor.user_id)
        draft = self.drafts.own_open_draft(actor, ref, posted, out, check_version=False)
        if draft is None:
            return out
        flow = self.drafts.flow_of(draft)
        question = flow.by_id.get(question_id)
        if question is None or question_id not in {q.id for q in asked_questions(flow, draft.answers)}:
            out.tell(posted, texts.NOT_ON_PATH)
            return out
        self.drafts.show_question(actor, draft, flow, question, None, out, from_review=from_review)
        return out

    def skip(self, actor: Actor, ref: DraftRef, posted: Posted | None) -> Replies:
        """回答しない: an optional question answered with nothing."""
        return self.answer(actor, ref, None, posted)

    def keep_current(self, actor: Actor, ref: DraftRef, posted: Posted | None) -> Replies:
        """この回答のまま次へ: the answer shown again stays as it is; on to where the person is."""
        out = Replies(actor.user_id)
        found = self.drafts.question_of(actor, ref, posted, out)
        if found is None:
            return out
        draft, _, question = found
        if posted:
            out.update(posted, answered_message(question, draft.answers.get(question.id), ref))
        self.drafts.show_where(actor, draft, out)
        return out

    def back_to_review(self, actor: Actor, ref: DraftRef, posted: Posted | None) -> Replies:
        """確認画面に戻る, on a question opened from the review: nothing changes."""
        out = Replies(actor.user_id)
        draft = self.drafts.own_open_draft(actor, ref, posted, out, check_version=False)
        if draft is None:
            return out
        question = self.drafts.flow_of(draft).by_id.get(ref.question_id)
        if posted and question is not None:
            out.update(posted, left_message(question, ref, texts.WENT_TO_REVIEW))
        self.drafts.show_where(actor, draft, out)
        return out

    def toggle(
        self, actor: Actor, ref: DraftRef, chosen: list[str], posted: Posted | None, *, warned: bool
    ) -> Replies:
        """A tick changed: an exclusive choice ticked with others is flagged at once, every tick kept,
        so it is resolved before 次へ; the flag goes when it is resolved. Otherwise nothing to do."""
        out = Replies(actor.user_id)
        draft = self.drafts.own_open_draft(actor, ref, posted, out)
        if draft is None:
            return out
        flow = self.drafts.flow_of(draft)
        question = flow.by_id.get(ref.question_id)
        if question is None or question.type != "multi":
            return out
        conflict = exclusive_conflict(question, chosen)
        if conflict or warned:
            self.drafts.show_question(
                actor, draft, flow, question, posted, out, error=conflict, chosen=chosen
            )
        return out

    def typed(self, actor: Actor, text: str) -> Replies | None:
        """Text typed in the DM's message box answers the current question, as its input would;
        a choice by its number or label. None when the person has no survey in progress."""
        draft = self.drafts.active_draft(actor)
        if draft is None:
            return None
        out = Replies(actor.user_id)
        flow = self.drafts.flow_of(draft)
        # The question on screen (shown again by 戻る or 修正, say), else the first unanswered one.
        where = position(flow, draft.answers, draft.live_question_id)
        if where.question is None:
            out.tell(None, texts.TYPED_AT_REVIEW)
            self.drafts.show_where(actor, draft, out, at=where)
            return out
        question = where.question
        ref = DraftRef(draft.id or 0, draft.version, question.id)
        # Its ts is "" when it was posted through a response_url: the gateway finds it.
        live = None
        if draft.live_channel:
            asked = draft.live_question_id
            live = Posted(draft.live_channel, draft.live_ts or "", live_of=draft.id, live_question=asked)
        raw: Any = text
        if question.type in ("single", "multi"):
            try:
                raw = choice_from_text(question, text)
            except InvalidAnswer as error:
                out.tell(None, error.message)
                self.drafts.show_question(actor, draft, flow, question, None, out, at=where)
                return out
        elif question.type == "org":
            keyword = _searchable(text.strip())
            found = storage.search_departments(self.drafts.engine, keyword, limit=2) if keyword else []
            if len(found) != 1:
                out.tell(None, texts.TYPED_ORG_HELP)
                self.drafts.show_question(actor, draft, flow, question, None, out, at=where)
                return out
            raw = {"code": found[0].code, "name": found[0].name}
        typed = text if question.type in ("integer", "text") else None
        return self.answer(actor, ref, raw, live, typed=typed, from_message_box=True)

    # --- the department search (block_suggestion) -----------------------------------------------

    def department_options(self, keyword: str) -> list[dict[str, Any]]:
        searched = _searchable(keyword or "")
        if searched is None:
            return []
        found = storage.search_departments(self.drafts.engine, searched, limit=100)
        return [org_option(d.code, d.name) for d in found]

    def answer_department(self, actor: Actor, ref: DraftRef, code: str, posted: Posted | None) -> Replies:
        searched = _searchable(code)
        found = storage.search_departments(self.drafts.engine, searched, limit=100) if searched else []
        matches = [d for d in found if d.code == code]
        raw = {"code": matches[0].code, "name": matches[0].name} if matches else {"code": "", "name": ""}
        return self.answer(actor, ref, raw, posted)

    # --- long text in a modal -------------------------------------------------------------------

    def open_long_text(self, actor: Actor, ref: DraftRef, posted: Posted | None, trigger_id: str) -> Replies:
        out = Replies(actor.user_id)
        found = self.drafts.question_of(actor, ref, posted, out)
        if found is None:
            return out
        draft, _, question = found
        metadata = ModalRef(
            DraftRef(draft.id or 0, draft.version, question.id),
            draft.flow_version_id,
            posted.channel if posted else None,
            posted.ts if posted else None,
            posted.response_url if posted else None,
        )
        out.open_view(
            trigger_id, long_text_modal(question, draft.answers.get(question.id), metadata.encode())
        )
        return out

    def check_long_text(self, metadata: ModalRef, text: str) -> str | None:
        """The modal's own check, before it is acknowledged: nothing is read but the flow (cached)."""
        flow = self.drafts.catalog.for_version(metadata.flow_version_id)
        question = flow.by_id.get(metadata.ref.question_id)
        if question is None:
            return texts.STALE
        try:
            parse_answer(flow, question, text, answers={}, today=self.drafts.clock.today())
        except InvalidAnswer as error:
            return error.message
        return None

    def submit_long_text(self, actor: Actor, metadata: ModalRef, text: str) -> tuple[str | None, Replies]:
        """An error for the modal (kept open, text kept), or None when saved; and what to show."""
        posted = metadata.origin()
        out = Replies(actor.user_id)
        found = self.drafts.question_of(actor, metadata.ref, posted, Replies(actor.user_id))
        if found is None:  # the modal says so itself, next to the text it keeps
            return texts.STALE, out
        draft, flow, question = found
        try:
            applied = apply_answer(flow, draft.answers, question.id, text, today=self.drafts.clock.today())
        except InvalidAnswer as error:
            return error.message, Replies(actor.user_id)
        self._commit(actor, draft, flow, question, applied, posted, out)
        return None, out

    # --- internals ------------------------------------------------------------------------------

    def _commit(
        self,
        actor: Actor,
        draft: Draft,
        flow: Flow,
        question: Question,
        applied: Applied,
        posted: Posted | None,
        out: Replies,
    ) -> None:
        where = position(flow, applied.answers)  # the one walk of this click
        now = self.drafts.clock.now()
        activity = self.drafts.rules.activity(storage.reminder_fields_of(draft), draft.due_date, now)
        try:
            saved = storage.save_answers(
                self.drafts.engine,
                draft.id or 0,
                expected_version=draft.version,
                answers=applied.answers,
                current_question_id=where.question.id if where.question else None,
                now=now,
                reminder=activity.fields,
                next_reminder_at=activity.next_reminder_at,
                reminder_before=storage.reminder_fields_of(draft),  # one guarded UPDATE, no read
            )
        except storage.DraftConflict:
            out.tell(posted, texts.STALE)
            return
        except storage.DraftClosed:
            out.tell(posted, texts.CLOSED_DRAFT)
            return
        if posted:
            out.update(
                posted, answered_message(question, applied.value, DraftRef(saved.id or 0, saved.version))
            )
        self.drafts.show_where(actor, saved, out, at=where)


def _searchable(text: str) -> str | None:
    """`text` as a department search can take it; None when it holds what no database stores (a lone
    surrogate, NUL), and so matches no department."""
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return None
    return None if "\x00" in text else text
