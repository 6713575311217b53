"""The App Home tab: what the survey is, where the person's own answer stands, and buttons."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from bot import ids
from bot.blocks import Block, button, confirm_dialog, contact_text, context, escape, mrkdwn, plain
from flows.engine import Progress
from flows.model import Flow


@dataclass(frozen=True)
class HomeState:
    """What the Home tab shows about one person."""

    flow: Flow
    is_open: bool
    draft_progress: Progress | None = None  # None: no draft in progress
    last_activity: datetime | None = None  # local time of the last answer
    note: str | None = None  # e.g. after a button: where the question went


def home_view(state: HomeState) -> dict[str, Any]:
    flow = state.flow
    blocks: list[Block] = [{"type": "header", "text": plain(flow.title, 150)}]
    if flow.purpose:
        blocks.append({"type": "section", "text": mrkdwn(escape(flow.purpose))})
    blocks.append({"type": "divider"})
    if state.note:
        blocks.append({"type": "section", "text": mrkdwn(f":point_right: {state.note}")})
    blocks.extend(_own_answer(state))
    blocks.append({"type": "divider"})
    blocks.append(
        context(
            "質問はボットとのメッセージ(メッセージタブ)に1問ずつ届きます。回答は1問ごとに保存され、"
            "いつでも中断・再開できます。`/survey ヘルプ` で使い方を表示します。"
        )
    )
    if flow.contact:
        blocks.append(context(escape(contact_text(flow))))
    return {"type": "home", "blocks": blocks}


def _own_answer(state: HomeState) -> list[Block]:
    if state.draft_progress is not None:
        done = state.draft_progress
        when = f"(最終回答 {state.last_activity:%Y-%m-%d %H:%M})" if state.last_activity else ""
        confirm = confirm_dialog(
            "最初からやり直す", "途中までの回答は削除されます。よろしいですか?", "やり直す", danger=True
        )
        return [
            {
                "type": "section",
                "text": mrkdwn(
                    f"*回答途中です*\n回答済み {done.answered}問・残り約 {done.remaining}問{when}"
                ),
            },
            {
                "type": "actions",
                "elements": [
                    button("続きから回答する", ids.RESUME, style="primary"),
                    button("最初からやり直す", ids.RESTART, confirm=confirm),
                    button("回答を中止する", ids.ASK_TO_CANCEL),
                ],
            },
        ]
    if not state.is_open:
        return [{"type": "section", "text": mrkdwn("現在、回答の受付期間外です。")}]
    return [
        {"type": "section", "text": mrkdwn("回答途中の調査はありません。")},
        {"type": "actions", "elements": [button("回答を始める", ids.START, style="primary")]},
    ]
