"""Buttons in the administrators' channel and on their Home."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from bot import refs, texts
from bot.listeners.carrying import carry
from bot.listeners.home import home_of
from bot.listeners.payloads import action_of, actor_of, as_dict, element_value, posted_of

if TYPE_CHECKING:
    from bot.conversation import Actor
    from bot.listeners import UseCases
    from bot.replies import Posted, Replies


def full_answers(use_cases: UseCases) -> Callable[..., None]:
    def handle(ack: Callable[..., None], body: dict[str, Any]) -> None:
        ack()
        actor, posted = actor_of(body), posted_of(body)
        value, trigger = str(action_of(body).get("value") or ""), str(body.get("trigger_id"))
        carry(
            use_cases,
            actor.user_id,
            posted,
            lambda: use_cases.desk.show_full_answers(actor, value, trigger, posted),
        )

    return handle


def results(use_cases: UseCases, command_word: str) -> Callable[..., None]:
    """集計 / エクスポート on the administrators' Home, for the period chosen in its menu."""

    def handle(ack: Callable[..., None], body: dict[str, Any]) -> None:
        ack()
        actor = actor_of(body)
        period = chosen_period(body)
        text = f"{command_word} {period}".strip()
        run = use_cases.results.statistics if command_word == "stats" else use_cases.results.export
        carry(use_cases, actor.user_id, None, lambda: run(actor, text))
        carry(
            use_cases, actor.user_id, None, lambda: home_of(use_cases, actor, texts.ADMIN_HOME_RESULTS_NOTE)
        )

    return handle


def chosen_period(body: dict[str, Any]) -> str:
    """The period menu's choice in the Home view's state ("" for all time, the first one if untouched)."""
    view = as_dict(body.get("view"))
    for elements in as_dict(as_dict(view.get("state")).get("values")).values():
        chosen = element_value(as_dict(as_dict(elements).get(refs.RESULTS_PERIOD)))
        if isinstance(chosen, str):
            return "" if chosen == "all" else chosen
    blocks = view.get("blocks")
    for block in blocks if isinstance(blocks, list) else []:  # untouched: the menu's initial option
        elements = as_dict(block).get("elements")
        for element in elements if isinstance(elements, list) else []:
            if as_dict(element).get("action_id") == refs.RESULTS_PERIOD:
                first = str(as_dict(element.get("initial_option")).get("value") or "all")
                return "" if first == "all" else first
    return ""


def only_ack(ack: Callable[..., None]) -> None:
    """The period menu itself does nothing until a button is pressed."""
    ack()


def change_status(use_cases: UseCases) -> Callable[..., None]:
    """状況を変更, on the summary post or inside the full answers (then the form is pushed on top)."""

    def handle(ack: Callable[..., None], body: dict[str, Any]) -> None:
        ack()
        actor, posted = actor_of(body), posted_of(body)
        value, trigger = str(action_of(body).get("value") or ""), str(body.get("trigger_id"))
        in_modal = as_dict(body.get("container")).get("type") == "view"
        carry(
            use_cases,
            actor.user_id,
            posted,
            lambda: use_cases.submissions.open_status_form(actor, value, trigger, posted, in_modal=in_modal),
        )

    return handle


def on_value(use_cases: UseCases, act: Callable[[Actor, str, Posted | None], Replies]) -> Callable[..., None]:
    """A button whose value names what it acts on (承認・却下, 削除する, 回答を修正する): the use case
    decides from who clicked, where, and that value."""

    def handle(ack: Callable[..., None], body: dict[str, Any]) -> None:
        ack()
        actor, posted = actor_of(body), posted_of(body)
        value = str(action_of(body).get("value") or "")
        carry(use_cases, actor.user_id, posted, lambda: act(actor, value, posted))

    return handle
