"""The statistics as Block Kit text: counts with their shares (the count always beside the share, as
small numbers must be read as they are), numbers, submissions per month and the flow's cross-tabs.

A message holds at most 50 blocks, so the statistics come as a few messages, in reading order.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date

from bot import texts
from bot.rendering.elements import SECTION_TEXT_MAX, Block, Message, cut, escape, header, mrkdwn
from flows.statistics import ChoiceTable, CrossTab, NumberSummary, Statistics

BLOCKS_PER_MESSAGE = 45


def statistics_messages(
    title: str, stats: Statistics, *, period: str, department: str | None, note: str = ""
) -> list[Message]:
    heading = texts.stats_heading(
        escape(title), escape(period), escape(department) if department else None, stats.submissions
    )
    if note:
        heading += "\n" + escape(note)
    first: list[Block] = [header(texts.STATS_TITLE), {"type": "section", "text": mrkdwn(heading)}]
    if stats.per_month:
        months = "\n".join(
            f"{_month(option.label)}: {texts.items(option.count)}" for option in stats.per_month
        )
        first.append({"type": "section", "text": mrkdwn(f"*{texts.STATS_BY_MONTH}*\n{months}")})
    blocks = [*first, *(_choice(table) for table in stats.choices)]
    if stats.numbers:
        blocks.append(header(texts.STATS_NUMBERS))
        blocks.extend(_number(summary) for summary in stats.numbers)
    if stats.cross_tabs:
        blocks.append(header(texts.STATS_CROSS_TABS))
        blocks.extend(_cross_tab(table) for table in stats.cross_tabs)
    return [
        Message(text=texts.STATS_TITLE, blocks=blocks[start : start + BLOCKS_PER_MESSAGE])
        for start in range(0, len(blocks), BLOCKS_PER_MESSAGE)
    ]


def _month(label: str) -> str:
    """2026-04 → 令和8年4月."""
    year, month = (int(part) for part in label.split("-"))
    return texts.month_name(date(year, month, 1))


def _choice(table: ChoiceTable) -> Block:
    lines = [f"*{escape(cut(table.title, 150))}*"]
    lines.extend(
        f"• {escape(option.label)}: {texts.count_and_share(option.count, table.respondents)}"
        for option in table.options
    )
    lines.append(
        f"_{texts.share_note(table.multi)}{texts.SEPARATOR}{texts.STATS_NO_ANSWER} {texts.items(table.unanswered)}_"
    )
    return {"type": "section", "text": mrkdwn(_fit(lines))}


def _number(summary: NumberSummary) -> Block:
    unit = summary.unit or ""
    lines = [
        f"*{escape(cut(summary.title, 150))}*",
        texts.number_line(summary.count, summary.median, summary.minimum, summary.maximum, escape(unit)),
        *(f"• {escape(option.label)}: {texts.items(option.count)}" for option in summary.histogram),
    ]
    return {"type": "section", "text": mrkdwn(_fit(lines))}


def _cross_tab(table: CrossTab) -> Block:
    lines = [texts.cross_tab_heading(escape(table.title), table.respondents)]
    for label, row in zip(table.row_labels, table.cells, strict=True):
        pairs = [
            f"{escape(column)} {count}"
            for column, count in zip(table.column_labels, row, strict=True)
            if count
        ]
        lines.append(f"• {escape(label)}: " + (texts.SEPARATOR.join(pairs) if pairs else "0"))
    return {"type": "section", "text": mrkdwn(_fit(lines))}


def _fit(lines: Iterable[str]) -> str:
    text = "\n".join(lines)
    return text if len(text) <= SECTION_TEXT_MAX else text[: SECTION_TEXT_MAX - 1] + "…"
