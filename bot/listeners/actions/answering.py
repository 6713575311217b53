"""Clicks and inputs on a question's message. Each listener acks, decodes, and hands over."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from bot import refs, texts
from bot.conversation import Actor
from bot.listeners.carrying import carry
from bot.listeners.payloads import (
    action_of,
    actor_of,
    element_value,
    from_an_earlier_release,
    input_element,
    posted_of,
    ref_of,
    shows_warning,
    typed_text,
)
from bot.refs import DraftRef, ProposedChange
from bot.replies import Posted, Replies

if TYPE_CHECKING:
    from bot.listeners import UseCases

Listener = Callable[..., None]
Body = dict[str, Any]
OnDraft = Callable[[Actor, DraftRef, Posted | None, Body], Replies]


def on_draft(use_cases: UseCases, act: OnDraft) -> Listener:
    """A listener for an element of a question or review: refused cleanly if from an old release."""

    def handle(ack: Callable[..., None], body: Body) -> None:
        ack()
        actor, posted = actor_of(body), posted_of(body)
        ref = ref_of(body)
        if ref is None:
            if from_an_earlier_release(body):
                out = Replies(actor.user_id)
                out.tell(posted, texts.OLD_MESSAGE)
                carry(use_cases, actor.user_id, posted, lambda: out)
            return
        carry(use_cases, actor.user_id, posted, lambda: act(actor, ref, posted, body))

    return handle


def by_action(use_cases: UseCases) -> dict[str, Listener]:
    answering = use_cases.answering

    def answer(actor: Actor, ref: DraftRef, posted: Posted | None, body: Body) -> Replies:
        """Elements that answer at once: radio buttons, selects, pickers, Enter in a text input."""
        action = action_of(body)
        if action.get("type") == "external_select":
            return answering.answer_department(actor, ref, str(element_value(action) or ""), posted)
        return answering.answer(actor, ref, element_value(action), posted, typed=typed_text(action))

    def next_(actor: Actor, ref: DraftRef, posted: Posted | None, body: Body) -> Replies:
        """次へ: the answer is whatever the message's input holds now."""
        element = input_element(body, ref)
        return answering.answer(
            actor, ref, element_value(element) if element else None, posted, typed=typed_text(element)
        )

    def review_edit(actor: Actor, ref: DraftRef, posted: Posted | None, body: Body) -> Replies:
        return answering.edit(actor, ref, str(element_value(action_of(body)) or ""), posted, from_review=True)

    def toggle(actor: Actor, ref: DraftRef, posted: Posted | None, body: Body) -> Replies:
        """A tick changed: the answer is read on 次へ; a conflict is flagged at once."""
        chosen = element_value(action_of(body))
        return answering.toggle(
            actor, ref, chosen if isinstance(chosen, list) else [], posted, warned=shows_warning(body)
        )

    def confirm_change(actor: Actor, ref: DraftRef, posted: Posted | None, body: Body) -> Replies:
        change = ProposedChange.decode(action_of(body).get("value"))
        if change is None or change.ref != ref:
            out = Replies(actor.user_id)
            out.tell(posted, texts.STALE)
            return out
        return answering.confirm_change(actor, ref, change.answer, posted)

    def open_long_text(actor: Actor, ref: DraftRef, posted: Posted | None, body: Body) -> Replies:
        return answering.open_long_text(actor, ref, posted, str(body.get("trigger_id")))

    def submit(actor: Actor, ref: DraftRef, posted: Posted | None, body: Body) -> Replies:
        return use_cases.submitting.submit(actor, ref, posted)

    return {
        refs.ANSWER: on_draft(use_cases, answer),
        refs.NEXT: on_draft(use_cases, next_),
        refs.BACK: on_draft(use_cases, lambda actor, ref, posted, body: answering.back(actor, ref, posted)),
        refs.EDIT: on_draft(
            use_cases, lambda actor, ref, posted, body: answering.edit(actor, ref, ref.question_id, posted)
        ),
        refs.REVIEW_EDIT: on_draft(use_cases, review_edit),
        refs.CONFIRM_CHANGE: on_draft(use_cases, confirm_change),
        refs.KEEP_ANSWER: on_draft(
            use_cases, lambda actor, ref, posted, body: answering.keep_answer(actor, ref, posted)
        ),
        refs.OPEN_LONG_TEXT: on_draft(use_cases, open_long_text),
        refs.SUBMIT: on_draft(use_cases, submit),
        refs.TOGGLE: on_draft(use_cases, toggle),
        refs.SKIP: on_draft(use_cases, lambda actor, ref, posted, body: answering.skip(actor, ref, posted)),
        refs.KEEP_CURRENT: on_draft(
            use_cases, lambda actor, ref, posted, body: answering.keep_current(actor, ref, posted)
        ),
        refs.BACK_TO_REVIEW: on_draft(
            use_cases, lambda actor, ref, posted, body: answering.back_to_review(actor, ref, posted)
        ),
    }
