"""Administrators' commands in text: parsing `/survey assign …`, and the outstanding list of `/survey 状況`."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date, tzinfo

from bot.blocks import Block, Message, context, mrkdwn, plain
from bot.reminders.messages import day_text, time_text
from flows.engine import Progress
from flows.model import Flow
from storage import Chased

ASSIGN_USAGE = "使い方: `/survey assign @相手 [@相手2 …] [期限 YYYY-MM-DD]`(`/survey 依頼 …` も同じ)"
# Slack escapes a mentioned user in a command as <@U0123ABC|name> (or <@U0123ABC> without a name).
_MENTION = re.compile(r"<@([UW][A-Z0-9]{2,})(?:\|[^>]*)?>")
_DATE = re.compile(r"(\d{4})[-/年](\d{1,2})[-/月](\d{1,2})日?")
_LINES_PER_SECTION = 12
_MAX_SECTIONS = 40  # well inside the 50 blocks of a message


@dataclass(frozen=True)
class Assignment:
    user_ids: tuple[str, ...]
    due_date: date | None


def parse_assignment(text: str) -> Assignment:
    """The people (mentions) and the optional due date after the subcommand; ValueError in Japanese."""
    normalized = unicodedata.normalize("NFKC", text or "")
    words = normalized.split(maxsplit=1)
    rest = words[1] if len(words) > 1 else ""
    user_ids = tuple(dict.fromkeys(_MENTION.findall(rest)))
    if not user_ids:
        if "@" in rest:
            raise ValueError("相手を読み取れませんでした。候補から選んでメンションしてください。")
        raise ValueError("依頼する相手をメンションで指定してください。")
    remainder = _MENTION.sub(" ", rest).replace("期限", " ").replace(":", " ").strip()
    if not remainder:
        return Assignment(user_ids, None)
    found = _DATE.fullmatch(remainder.replace(" ", ""))
    if found is None:
        raise ValueError(f"期限「{remainder[:40]}」を日付として読めませんでした。例: 期限 2026-12-10")
    try:
        due = date(int(found[1]), int(found[2]), int(found[3]))
    except ValueError:
        raise ValueError(f"期限「{remainder[:40]}」は存在しない日付です。") from None
    return Assignment(user_ids, due)


def status_message(
    flow: Flow,
    rows: Sequence[Chased],
    progress_of: Callable[[Chased], Progress | None],
    *,
    today: date,
    timezone: tzinfo,
) -> Message:
    """Who has not submitted yet, oldest first, with the counts."""
    started = sum(1 for row in rows if row.kind == "draft")
    counts = f"未提出 *{len(rows)}件*(回答途中 {started}件・未着手 {len(rows) - started}件)"
    blocks: list[Block] = [
        {"type": "header", "text": plain(f"回答状況: {flow.title}", 150)},
        {"type": "section", "text": mrkdwn(counts)},
    ]
    lines = [_line(row, progress_of(row), today, timezone) for row in rows]
    shown = lines[: _LINES_PER_SECTION * _MAX_SECTIONS]
    for start in range(0, len(shown), _LINES_PER_SECTION):
        blocks.append(
            {"type": "section", "text": mrkdwn("\n".join(shown[start : start + _LINES_PER_SECTION]))}
        )
    if len(lines) > len(shown):
        blocks.append(context(f"ほか {len(lines) - len(shown)}件は表示しきれませんでした。"))
    if not rows:
        blocks.append(context("未提出の依頼・回答途中の調査はありません。"))
    return Message(text=f"回答状況: 未提出 {len(rows)}件", blocks=blocks)


def _line(row: Chased, done: Progress | None, today: date, timezone: tzinfo) -> str:
    state = f"回答途中(回答済み {done.answered}問・残り約 {done.remaining}問)" if done else "未着手"
    parts = [
        f"• <@{row.user_id}> {state}",
        f"最後の操作 {time_text(row.last_activity_at.astimezone(timezone))}",
        f"督促 {row.reminders_sent}回",
    ]
    if row.due_date is not None:
        overdue = "・*期限超過*" if row.due_date < today else ""
        parts.append(f"期限 {day_text(row.due_date)}{overdue}")
    if row.escalated_at is not None:
        parts.append("管理者へ通知済み")
    return " / ".join(parts)  # ids, numbers and dates only: nothing a person typed
