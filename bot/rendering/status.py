"""`/survey 状況` for administrators: who has not submitted yet, oldest first, with the counts."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime

from bot import texts
from bot.rendering.elements import Block, Message, context, header, mention, mrkdwn
from flows.engine import Progress

_LINES_PER_SECTION = 12
_MAX_SECTIONS = 40  # well inside the 50 blocks of a message


@dataclass(frozen=True)
class Outstanding:
    """One person who has not submitted: plain values for the list."""

    user_id: str
    progress: Progress | None  # None: invited, not started
    last_activity: datetime  # local time
    reminders_sent: int
    due_date: date | None
    escalated: bool


def status_message(title: str, rows: Sequence[Outstanding], *, today: date) -> Message:
    started = sum(1 for row in rows if row.progress is not None)
    blocks: list[Block] = [
        header(texts.status_title(title)),
        {"type": "section", "text": mrkdwn(texts.status_counts(len(rows), started))},
    ]
    lines = [_line(row, today) for row in rows]
    shown = lines[: _LINES_PER_SECTION * _MAX_SECTIONS]
    for start in range(0, len(shown), _LINES_PER_SECTION):
        blocks.append(
            {
                "type": "section",
                "text": mrkdwn("\n".join(shown[start : start + _LINES_PER_SECTION]), verbatim=True),
            }
        )
    if len(lines) > len(shown):
        blocks.append(context(texts.status_more(len(lines) - len(shown))))
    if not rows:
        blocks.append(context(texts.NOTHING_OUTSTANDING))
    return Message(text=texts.status_text(len(rows)), blocks=blocks)


def _line(row: Outstanding, today: date) -> str:
    state = texts.status_in_progress(row.progress) if row.progress else texts.NOT_STARTED
    parts = [
        f"• {mention(row.user_id)} {state}",
        texts.status_last_activity(row.last_activity),
        texts.status_reminders(row.reminders_sent),
    ]
    if row.due_date is not None:
        parts.append(texts.status_due(row.due_date, overdue=row.due_date < today))
    if row.escalated:
        parts.append(texts.STATUS_ESCALATED)
    return " / ".join(parts)  # ids, numbers and dates only: nothing a person typed
