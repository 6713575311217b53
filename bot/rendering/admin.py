"""What administrators see of a submission: a masked summary in the admin channel, the full
answers in a modal opened from it, and the respondent's copy (控え).

The channel post is read by everyone in the channel and stays in its history, so the free text of
every field the flow marks as masked goes through mask_personal_data. Free text in a field the flow
does not mask (the 回答者's name) goes through mask_name: a plain name is shown as typed, anything
more is masked the same way and cut to a name's length (bot/masking.py). The modal is opened for one
administrator at a time and shows the answers as submitted. Which fields the summary shows is
declared in the flow file (`admin_summary`), never here.

Every answer is escaped and put in verbatim mrkdwn (bot/rendering/elements.py).
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from bot import refs, texts
from bot.masking import mask_name, mask_personal_data
from bot.rendering.elements import (
    SECTION_TEXT_MAX,
    Block,
    Message,
    button,
    context,
    cut,
    escape,
    header,
    mrkdwn,
    plain,
)
from flows.engine import review
from flows.model import Flow
from flows.summary import SummaryEntry, summary_entries

FIELD_TEXT_MAX = 2000
FIELDS_PER_SECTION = 10
VIEW_BLOCKS_MAX = 100
LABEL_MAX = 300


@dataclass(frozen=True)
class SubmissionView:
    """What the rendering needs of a submission: plain values, no database row."""

    draft_id: int
    receipt_number: str
    submitted_at: datetime  # local time (TIMEZONE)
    answers: Mapping[str, Any]
    submission_id: int = 0
    status: str = "received"
    pending_request: str | None = None
    corrected_at: datetime | None = None  # local time


# --- the channel post --------------------------------------------------------------------------


def summary_message(flow: Flow, submission: SubmissionView) -> Message:
    """The admin-channel post for a new submission: key facts, free text masked, and a button."""
    fields = [
        (texts.SUMMARY_RECEIPT, submission.receipt_number),
        (texts.SUMMARY_SUBMITTED_AT, texts.moment_text(submission.submitted_at)),
        (texts.SUMMARY_STATUS, texts.submission_status_text(submission.status, submission.pending_request)),
        *((entry.label, _summary_text(entry)) for entry in summary_entries(flow, submission.answers)),
    ]
    heading = flow.summary_heading
    blocks: list[Block] = [header(heading)]
    for start in range(0, len(fields), FIELDS_PER_SECTION):
        chunk = fields[start : start + FIELDS_PER_SECTION]
        blocks.append({"type": "section", "fields": [_field(label, value) for label, value in chunk]})
    blocks.append(
        {
            "type": "actions",
            "elements": [
                button(texts.BUTTON_FULL_ANSWERS, refs.ADMIN_FULL_ANSWERS, str(submission.draft_id)),
                change_status_button(submission),
            ],
        }
    )
    blocks.append(context(texts.SUMMARY_MASKED_NOTE))
    # The notification text shows up in previews and on lock screens: no answers in it.
    return Message(text=texts.summary_text(heading, submission.receipt_number), blocks=blocks)


def change_status_button(submission: SubmissionView) -> dict[str, Any]:
    return button(texts.BUTTON_CHANGE_STATUS, refs.ADMIN_CHANGE_STATUS, str(submission.submission_id))


def _summary_text(entry: SummaryEntry) -> str:
    """The field's value as the channel sees it: free text masked (a name only when it is more)."""
    if entry.masked:
        return entry.text(mask_personal_data)
    return "".join(mask_name(part.text) if part.free_text else part.text for part in entry.parts)


def _field(label: str, value: str) -> dict[str, Any]:
    head = f"*{escape(label)}*\n"
    text = head + _escaped_within(value, FIELD_TEXT_MAX - len(head))
    return {"type": "mrkdwn", "text": text, "verbatim": True}


def _escaped_within(text: str, limit: int) -> str:
    """escape(text), cut to `limit` characters with …, never inside an entity such as &amp;."""
    escaped = escape(text)
    if len(escaped) <= limit:
        return escaped
    return next(_escaped_pieces(text, limit, first=limit - 1)) + "…"


# --- the full answers --------------------------------------------------------------------------


def full_answers_view(flow: Flow, submission: SubmissionView) -> dict[str, Any]:
    """A modal with every answered question, grouped by item, unmasked, within Slack's limits."""
    blocks = [
        {"type": "actions", "elements": [change_status_button(submission)]},
        *_answer_blocks(flow, submission),
    ]
    if len(blocks) > VIEW_BLOCKS_MAX:
        # Unreachable for the shipped survey; a refused view would show the admin nothing at all.
        blocks = [*blocks[: VIEW_BLOCKS_MAX - 1], context(texts.FULL_ANSWERS_TRUNCATED)]
    return {
        "type": "modal",
        "title": plain(texts.FULL_ANSWERS_TITLE, 24),
        "close": plain(texts.FULL_ANSWERS_CLOSE, 24),
        "blocks": blocks,
    }


def copy_messages(flow: Flow, submission: SubmissionView) -> list[Message]:
    """The respondent's copy (控え) of their own submission, in their DM: every answer, unmasked."""
    blocks = [header(texts.copy_title(submission.receipt_number)), *_answer_blocks(flow, submission)]
    blocks.append(context(texts.COPY_NOTE))
    size = 45  # well inside a message's 50 blocks
    return [
        Message(text=texts.copy_title(submission.receipt_number), blocks=blocks[start : start + size])
        for start in range(0, len(blocks), size)
    ]


def _answer_blocks(flow: Flow, submission: SubmissionView) -> list[Block]:
    blocks: list[Block] = [
        context(
            f"{texts.SUMMARY_RECEIPT} *{escape(submission.receipt_number)}*  |  "
            f"{texts.SUMMARY_SUBMITTED_AT} {texts.moment_text(submission.submitted_at)}  |  "
            f"{escape(texts.status_line(submission.status, submission.pending_request))}"
        )
    ]
    for section in review(flow, submission.answers):
        entries = [entry for entry in section.entries if entry.value is not None]
        if not entries:
            continue
        blocks.append(header(section.item.title))
        pieces = [_entry_pieces(entry.question.label, entry.display) for entry in entries]
        blocks.extend({"type": "section", "text": mrkdwn(text, verbatim=True)} for text in _pack(pieces))
    return blocks


def _entry_pieces(label: str, display: str) -> list[str]:
    """One question as mrkdwn pieces of at most SECTION_TEXT_MAX characters each (after escaping)."""
    head = f"*{escape(cut(label, LABEL_MAX))}*\n"
    pieces = list(_escaped_pieces(display, SECTION_TEXT_MAX, first=SECTION_TEXT_MAX - len(head)))
    return [head + pieces[0], *pieces[1:]]


def _escaped_pieces(text: str, limit: int, *, first: int) -> Iterator[str]:
    """Escape `text` and cut it into pieces, never inside an entity such as &amp;."""
    room = first
    current = ""
    for char in text:
        escaped = escape(char)
        if len(current) + len(escaped) > room:
            yield current
            room, current = limit, ""
        current += escaped
    yield current


def _pack(entries: list[list[str]]) -> list[str]:
    """Section texts: whole questions share a section while they fit; a question cut into pieces
    continues at the top of the next section, so nothing is ever inserted into an answer."""
    texts_: list[str] = []
    for first, *rest in entries:
        if texts_ and len(texts_[-1]) + 2 + len(first) <= SECTION_TEXT_MAX:
            texts_[-1] += "\n\n" + first
        else:
            texts_.append(first)
        texts_.extend(rest)
    return texts_
