"""The App Home tab: what the survey is, where the person's own answer stands, and buttons."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from bot import refs, texts
from bot.refs import DraftRef, StartRef
from bot.rendering.conversation import contact_text
from bot.rendering.elements import Block, button, confirm_dialog, context, escape, header, mrkdwn
from flows.engine import Progress
from flows.model import Flow


@dataclass(frozen=True)
class HomeState:
    """What the Home tab shows about one person."""

    flow: Flow
    is_open: bool
    start: StartRef  # what 回答を始める acts on
    draft: DraftRef | None = None  # the draft in progress (what やり直す acts on)
    draft_progress: Progress | None = None  # None: no draft in progress
    last_activity: datetime | None = None  # local time of the last answer, if any
    previous: tuple[str, datetime] | None = None  # the last receipt number and when it was sent
    note: str | None = None  # e.g. after a button: where the question went


def home_view(state: HomeState) -> dict[str, Any]:
    flow = state.flow
    blocks: list[Block] = [header(flow.title)]
    if flow.purpose:
        blocks.append({"type": "section", "text": mrkdwn(escape(flow.purpose))})
    blocks.append({"type": "divider"})
    if state.note:
        blocks.append({"type": "section", "text": mrkdwn(f":point_right: {state.note}")})
    blocks.extend(_own_answer(state))
    blocks.append({"type": "divider"})
    blocks.append(context(texts.HOME_HOW))
    if flow.contact:
        blocks.append(context(escape(contact_text(flow))))
    return {"type": "home", "blocks": blocks}


def _own_answer(state: HomeState) -> list[Block]:
    if state.draft_progress is not None:
        return [
            {
                "type": "section",
                "text": mrkdwn(texts.home_progress(state.draft_progress, state.last_activity)),
            },
            {
                "type": "actions",
                "elements": [
                    button(texts.BUTTON_RESUME, refs.RESUME, style="primary"),
                    button(
                        texts.BUTTON_RESTART,
                        refs.RESTART,
                        state.draft.encode()
                        if state.draft
                        else "-",  # what it erases: a repeat erases nothing
                        confirm=confirm_dialog(texts.CONFIRM_RESTART, danger=True),
                    ),
                    button(texts.BUTTON_CANCEL_FROM_HOME, refs.ASK_TO_CANCEL),
                ],
            },
        ]
    if not state.is_open:
        return [{"type": "section", "text": mrkdwn(texts.HOME_CLOSED)}]
    previous = [context(texts.home_previous(*state.previous))] if state.previous else []
    return [
        {"type": "section", "text": mrkdwn(texts.NO_DRAFT)},
        *previous,
        {
            "type": "actions",
            "elements": [button(texts.BUTTON_START, refs.START, state.start.encode(), style="primary")],
        },
    ]
