"""Block Kit for reminders, invitations and the administrators' escalation. Japanese, no answers:
only ids (as explicit mentions), the flow's title, counts and dates."""

from __future__ import annotations

from datetime import date, datetime

from bot import refs, texts
from bot.rendering.elements import Block, Message, button, context, escape, header, mention, mrkdwn
from flows.engine import Progress
from flows.model import Flow


def reminder_message(
    flow: Flow, *, snooze: refs.ChasedRef, progress: Progress | None, due_date: date | None
) -> Message:
    """The reminder DM: what is left, and 続きから回答する / あとで."""
    title = escape(flow.title)
    if progress is not None:
        text = texts.reminder_in_progress(title, progress)
        go = button(texts.BUTTON_RESUME, refs.RESUME, style="primary")
    else:
        text = texts.reminder_not_started(title)
        go = button(texts.BUTTON_START, refs.START, style="primary")
    if due_date is not None:
        text += "\n" + texts.due_line(due_date)
    blocks: list[Block] = [
        {"type": "section", "text": mrkdwn(text)},
        {"type": "actions", "elements": [go, button(texts.BUTTON_SNOOZE, refs.SNOOZE, snooze.encode())]},
        context(texts.SNOOZE_NOTE),
    ]
    return Message(text=texts.reminder_notification(flow.title), blocks=blocks)


def invitation_message(flow: Flow, *, invited_by: str, due_date: date | None) -> Message:
    blocks: list[Block] = [header(texts.invitation_heading(flow.title))]
    lines = [texts.invitation_from(mention(invited_by), escape(flow.title))]
    if due_date is not None:
        lines.append(texts.due_line(due_date))
    blocks.append({"type": "section", "text": mrkdwn("\n".join(lines), verbatim=True)})
    if flow.purpose:
        blocks.append(context(escape(flow.purpose)))
    blocks.append({"type": "actions", "elements": [button(texts.BUTTON_START, refs.START, style="primary")]})
    blocks.append(context(texts.INVITATION_HOW))
    return Message(text=texts.invitation_notification(flow.title), blocks=blocks)


def escalation_message(
    flow: Flow,
    *,
    user_id: str,
    started: bool,
    last_activity: datetime,
    reminders_sent: int,
    due_date: date | None,
    overdue: bool,
) -> Message:
    """One notice to the admin channel: reminded without a reply, or past the due date."""
    values = (
        mention(user_id),
        escape(flow.title),
        texts.IN_PROGRESS if started else texts.NOT_STARTED,
        texts.moment_text(last_activity),
        texts.times(reminders_sent),
        texts.day_text(due_date) if due_date else texts.NO_DUE_DATE,
    )
    blocks: list[Block] = [
        header(texts.escalation_heading(overdue)),
        {
            "type": "section",
            "fields": [
                mrkdwn(f"*{label}*\n{value}", verbatim=True)
                for label, value in zip(texts.ESCALATION_FIELDS, values, strict=True)
            ],
        },
        context(texts.ESCALATION_ONCE),
    ]
    return Message(text=texts.escalation_heading(overdue), blocks=blocks)
