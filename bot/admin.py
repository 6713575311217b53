"""What administrators see of a submission: a masked summary in the admin channel, the full
answers in a modal opened from it.

The channel post is read by everyone in the channel and stays in its history, so every free-text
value in it goes through mask_personal_data; the modal is opened for one administrator at a time
and shows the answers as submitted.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from datetime import date, time, tzinfo
from typing import Any

from bot import ids
from bot.blocks import SECTION_TEXT_MAX, Block, Message, button, context, cut, escape, mrkdwn, plain
from bot.masking import mask_personal_data
from flows.display import display_answer, format_date_ja, format_datetime_ja, format_time_ja
from flows.engine import review
from flows.model import Flow, Question
from storage.models import Submission

SHIPPED_FLOW_ID = "leak_incident_survey"
HEADER_MAX = 150
FIELD_TEXT_MAX = 2000
FIELDS_PER_SECTION = 10
VIEW_BLOCKS_MAX = 100
VIEW_TITLE = "回答の全文"  # ≤ 24 characters
LABEL_MAX = 300

# Summary fields: (label, question id). The order is the order admins read them in.
_ANSWER_FIELDS = (
    ("漏えいした情報", "q13_info_kinds"),
    ("人数", "q14_persons"),
    ("発覚の経緯", "q15_discovery"),
    ("原因", "q22_causes"),
)


# --- the channel post --------------------------------------------------------------------------


def summary_message(flow: Flow, submission: Submission, *, timezone: tzinfo) -> Message:
    """The admin-channel post for a new submission: key facts, free text masked, and a button."""
    answers = submission.answers
    header = _summary_header(flow)
    fields = [
        ("受付番号", submission.receipt_number),
        ("送信日時", submitted_at_text(submission, timezone)),
        *_answer_field("所属", flow, answers, "org", masked=False),
        *_answer_field("回答者", flow, answers, "respondent_name", masked=False),
        *_occurrence_field(flow, answers),
        *(field for label, qid in _ANSWER_FIELDS for field in _answer_field(label, flow, answers, qid)),
    ]
    blocks: list[Block] = [{"type": "header", "text": plain(header, HEADER_MAX)}]
    for start in range(0, len(fields), FIELDS_PER_SECTION):
        chunk = fields[start : start + FIELDS_PER_SECTION]
        blocks.append({"type": "section", "fields": [_field(label, value) for label, value in chunk]})
    blocks.append(
        {
            "type": "actions",
            "elements": [button("全回答を表示", ids.ADMIN_FULL_ANSWERS, str(submission.draft_id))],
        }
    )
    blocks.append(context("電話番号・メールアドレス・12桁の番号は伏せています。全文は「全回答を表示」から。"))
    # The notification text shows up in previews and on lock screens: no answers in it.
    return Message(text=f"{header}(受付番号 {submission.receipt_number})", blocks=blocks)


def _summary_header(flow: Flow) -> str:
    if flow.id == SHIPPED_FLOW_ID:
        return "漏えい等事案の回答が届きました"
    return f"{flow.title}: 回答が届きました"


def _field(label: str, value: str) -> dict[str, Any]:
    head = f"*{label}*\n"
    return {"type": "mrkdwn", "text": head + _escaped_within(value, FIELD_TEXT_MAX - len(head))}


def _escaped_within(text: str, limit: int) -> str:
    """escape(text), cut to `limit` characters with …, never inside an entity such as &amp;."""
    escaped = escape(text)
    if len(escaped) <= limit:
        return escaped
    return next(_escaped_pieces(text, limit, first=limit - 1)) + "…"


def submitted_at_text(submission: Submission, timezone: tzinfo) -> str:
    """令和8年5月11日(月) 午前9時30分 in the office's timezone (exact, so no 頃)."""
    local = submission.submitted_at.astimezone(timezone)
    return f"{format_date_ja(local.date())} {format_time_ja(local.time(), approximate=False)}"


def _answer_field(
    label: str, flow: Flow, answers: Mapping[str, Any], question_id: str, *, masked: bool = True
) -> list[tuple[str, str]]:
    """[(label, value)] for an answered question of this flow, or [] so other flows still render."""
    question = flow.by_id.get(question_id)
    if question is None or answers.get(question_id) is None:
        return []
    return [(label, _with_other_text(question, answers, masked=masked))]


def _with_other_text(question: Question, answers: Mapping[str, Any], *, masked: bool) -> str:
    """The answer as people read it, with the その他 text in brackets: その他(…)."""
    value = answers[question.id]
    if question.type not in ("single", "multi"):
        text = display_answer(question, value)
        return mask_personal_data(text) if masked and question.type in ("text", "long_text") else text
    shown: list[str] = []
    for chosen in value if isinstance(value, list) else [value]:
        choice = question.choice_by_value.get(chosen)
        text = choice.display if choice else str(chosen)
        other = answers.get(question.follow_up_id(choice)) if choice and choice.other else None
        if other:
            text += f"({mask_personal_data(other) if masked else other})"
        shown.append(text)
    return "、".join(shown)


def _occurrence_field(flow: Flow, answers: Mapping[str, Any]) -> list[tuple[str, str]]:
    """発生日時 from q10: a date (and time) in the Japanese era, the period as typed, or 特定できない."""
    precision = flow.by_id.get("q10_when_precision")
    if precision is None or answers.get(precision.id) is None:
        return []
    day, moment, period = (answers.get(qid) for qid in ("q10_date", "q10_time", "q10_period"))
    if day:
        text = format_datetime_ja(date.fromisoformat(day), time.fromisoformat(moment) if moment else None)
    elif period:
        text = mask_personal_data(period)
    else:
        text = display_answer(precision, answers[precision.id])
    return [("発生日時", text)]


# --- the full answers --------------------------------------------------------------------------


def full_answers_view(flow: Flow, submission: Submission, *, timezone: tzinfo) -> dict[str, Any]:
    """A modal with every answered question, grouped by item, unmasked, within Slack's limits."""
    blocks: list[Block] = [
        context(
            f"受付番号 *{escape(submission.receipt_number)}*  |  "
            f"送信日時 {submitted_at_text(submission, timezone)}"
        )
    ]
    for section in review(flow, submission.answers):
        entries = [entry for entry in section.entries if entry.value is not None]
        if not entries:
            continue
        blocks.append({"type": "header", "text": plain(section.item.title, HEADER_MAX)})
        pieces = [_entry_pieces(entry.question.label, entry.display) for entry in entries]
        blocks.extend({"type": "section", "text": mrkdwn(text)} for text in _pack(pieces))
    if len(blocks) > VIEW_BLOCKS_MAX:
        # Unreachable for the shipped survey; a refused view would show the admin nothing at all.
        blocks = [*blocks[: VIEW_BLOCKS_MAX - 1], context("表示しきれない回答があります。")]
    return {
        "type": "modal",
        "title": plain(VIEW_TITLE, 24),
        "close": plain("閉じる", 24),
        "blocks": blocks,
    }


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
    texts: list[str] = []
    for first, *rest in entries:
        if texts and len(texts[-1]) + 2 + len(first) <= SECTION_TEXT_MAX:
            texts[-1] += "\n\n" + first
        else:
            texts.append(first)
        texts.extend(rest)
    return texts
