"""Block Kit for reminders, invitations and the administrators' escalation. Japanese, no answers."""

from __future__ import annotations

from datetime import date, datetime

from bot import ids
from bot.blocks import Block, Message, button, context, escape, mrkdwn, plain
from flows.engine import Progress
from flows.model import Flow

WEEKDAYS = "月火水木金土日"


def day_text(day: date) -> str:
    return f"{day.year}年{day.month}月{day.day}日({WEEKDAYS[day.weekday()]})"


def time_text(at: datetime) -> str:
    return f"{day_text(at.date())} {at:%H:%M}"


def reminder_message(
    flow: Flow, *, snooze_value: str, progress: Progress | None, due_date: date | None
) -> Message:
    """The reminder DM: what is left, and 続きから回答する / あとで."""
    title = escape(flow.title)
    if progress is not None:
        text = f"「{title}」の回答が途中になっています。回答済み {progress.answered}問・残り約 {progress.remaining}問です。"
        go = button("続きから回答する", ids.RESUME, style="primary")
    else:
        text = f"「{title}」への回答をお願いしています。まだ回答が始まっていません。"
        go = button("回答を始める", ids.START, style="primary")
    if due_date is not None:
        text += f"\n回答期限: *{day_text(due_date)}*"
    blocks: list[Block] = [
        {"type": "section", "text": mrkdwn(text)},
        {"type": "actions", "elements": [go, button("あとで", ids.SNOOZE, snooze_value)]},
        context(
            "「あとで」を押すと、次の営業日の朝にもう一度お知らせします。途中までの回答は保存されています。"
        ),
    ]
    return Message(text=f"「{flow.title}」の回答のお願い", blocks=blocks)


def snoozed_text(until: datetime) -> str:
    return f"承知しました。{time_text(until)}ごろに改めてお知らせします。"


def invitation_message(flow: Flow, *, invited_by: str, due_date: date | None) -> Message:
    blocks: list[Block] = [{"type": "header", "text": plain(f"回答のお願い: {flow.title}", 150)}]
    lines = [f"<@{invited_by}> さんから、「{escape(flow.title)}」への回答の依頼が届きました。"]
    if due_date is not None:
        lines.append(f"回答期限: *{day_text(due_date)}*")
    blocks.append({"type": "section", "text": mrkdwn("\n".join(lines))})
    if flow.purpose:
        blocks.append(context(escape(flow.purpose)))
    blocks.append({"type": "actions", "elements": [button("回答を始める", ids.START, style="primary")]})
    blocks.append(context("1問ずつ質問します。回答は自動で保存されるので、いつでも中断・再開できます。"))
    return Message(text=f"「{flow.title}」への回答のお願い", blocks=blocks)


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
    """One notice to the admin channel:督促しても応答がない、または期限を過ぎた。"""
    headline = "回答期限を過ぎています" if overdue else "督促しても回答が進んでいません"
    fields = [
        ("対象者", f"<@{user_id}>"),
        ("調査", escape(flow.title)),
        ("状況", "回答途中" if started else "未着手"),
        ("最後の操作", time_text(last_activity)),
        ("督促の回数", f"{reminders_sent}回"),
        ("回答期限", day_text(due_date) if due_date else "なし"),
    ]
    blocks: list[Block] = [
        {"type": "header", "text": plain(f"未回答のお知らせ: {headline}", 150)},
        {"type": "section", "fields": [mrkdwn(f"*{label}*\n{value}") for label, value in fields]},
        context("このお知らせは、同じ依頼・回答について1回だけ送ります。"),
    ]
    return Message(text=f"未回答のお知らせ: {headline}", blocks=blocks)
