"""view_submission: the long-text modal."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from slack_bolt import App

from bot import refs, texts
from bot.listeners.payloads import actor_of, element_value
from bot.refs import ModalRef

if TYPE_CHECKING:
    from bot.listeners import UseCases


def register(app: App, use_cases: UseCases) -> None:
    def long_text(ack: Callable[..., None], body: dict[str, Any], view: dict[str, Any]) -> None:
        element = (view["state"]["values"].get(refs.LONG_TEXT_VIEW) or {}).get(refs.ANSWER) or {}
        metadata = ModalRef.decode(view.get("private_metadata"))
        if metadata is None:  # a modal opened by an earlier release
            ack(response_action="errors", errors={refs.LONG_TEXT_VIEW: texts.OLD_MESSAGE})
            return
        error, replies = use_cases.answering.submit_long_text(
            actor_of(body), metadata, str(element_value(element) or "")
        )
        if error:
            ack(response_action="errors", errors={refs.LONG_TEXT_VIEW: error})
            return
        ack()
        use_cases.gateway.send(replies)

    app.view(refs.LONG_TEXT_VIEW)(long_text)
