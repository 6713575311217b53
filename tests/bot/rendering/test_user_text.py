"""Text a person typed can neither ping nor disguise, on every surface that shows it.

A battery of mentions, links and formatting is rendered through every message and view that carries
an answer, a name, a reason or an id, and read the way Slack reads it: in mrkdwn (and in a message's
notification text) no <!…>, <#…>, <http…> or <@…> markup may come from what was typed, and every
mrkdwn object that holds typed text is verbatim (no auto-linked URL, no plain @channel).
"""

from __future__ import annotations

import json
import re
from collections.abc import Collection, Iterator
from datetime import date, datetime
from typing import Any

import pytest

from bot import texts
from bot.masking import PHONE
from bot.refs import ChasedRef, DraftRef
from bot.rendering.admin import SubmissionView, copy_messages, full_answers_view, summary_message
from bot.rendering.after_submission import (
    erase_confirm_message,
    plain_notice,
    request_answered_message,
    request_message,
    returned_message,
    status_changed_message,
)
from bot.rendering.conversation import answered_message, path_change_message, question_message, review_message
from bot.rendering.elements import Message, mention
from bot.rendering.reminders import escalation_message, invitation_message, reminder_message
from bot.rendering.status import Outstanding, status_message
from flows.engine import Progress, progress, review
from tests.bot.rendering.test_admin import SURVEY, sample_answers

TAG = "zq-"  # marks typed text, so that the objects carrying it can be found
ADMIN = "U0ADMIN"
RESPONDENT = "U0SATO"
ATTACKS = [
    "<@U0EVIL>",
    "<@W0EVIL|boss>",
    "<#C0EVIL>",
    "<#C0EVIL|general>",
    "<!channel>",
    "<!here>",
    "<!everyone>",
    "<!subteam^S0EVIL>",
    "<!subteam^S0EVIL|@admins>",
    "<!date^1392734382^{date}|x>",
    "<http://evil.example|安全なリンク>",
    "<https://evil.example>",
    "<mailto:taro@example.jp|問い合わせ>",
    "@channel",
    "@here",
    "@everyone",
    "#general",
    "https://evil.example/login",
    "www.evil.example",
    "*太字* _斜体_ ~取消~ `code`",
    "> 引用のふり",
    "```\nコード\n```",
    "&lt;!channel&gt; と &amp;",
    "<<!channel>>",
    "<@U0EVIL\n>",
]
# Markup Slack acts on: a special mention, a channel, a link, a user.
_MARKUP = re.compile(r"<([^<>]*)>")
_USER_ID = re.compile(r"@[A-Z0-9]+")


def _text_objects(value: Any) -> Iterator[dict[str, Any]]:
    if isinstance(value, dict):
        if value.get("type") in ("mrkdwn", "plain_text") and isinstance(value.get("text"), str):
            yield value
        for item in value.values():
            yield from _text_objects(item)
    elif isinstance(value, list):
        for item in value:
            yield from _text_objects(item)


def _rendered(value: Message | list[Message] | dict[str, Any]) -> tuple[list[dict[str, Any]], list[str]]:
    """(every text object, every notification text) of a message, messages or a view."""
    messages = value if isinstance(value, list) else [value]
    objects: list[dict[str, Any]] = []
    notifications: list[str] = []
    for message in messages:
        if isinstance(message, Message):
            objects.extend(_text_objects(message.blocks))
            notifications.append(message.text)
        else:
            objects.extend(_text_objects(message))
    return objects, notifications


def assert_inert(value: Message | list[Message] | dict[str, Any], *, mentions: Collection[str] = ()) -> None:
    objects, notifications = _rendered(value)
    assert any(TAG in obj["text"] for obj in objects), "the typed text is not shown at all"
    parsed = [obj["text"] for obj in objects if obj["type"] == "mrkdwn"] + notifications
    for text in parsed:
        for markup in _MARKUP.findall(text):
            # The only markup is the bot's own mentions of well-formed ids it was given; an "@…" that
            # is no id (<@zq-&lt;!channel&gt;>) names nobody and pings nobody.
            assert markup.startswith("@"), (markup, text)
            assert markup[1:] in mentions or not _USER_ID.fullmatch(markup), (markup, text)
    for obj in objects:
        if obj["type"] == "mrkdwn" and TAG in obj["text"]:
            assert obj.get("verbatim") is True, obj


def _view(answers: dict[str, Any]) -> SubmissionView:
    return SubmissionView(
        draft_id=7,
        receipt_number="2026-0042",
        submitted_at=datetime(2026, 5, 11, 9, 30),
        answers=answers,
        submission_id=42,
    )


REF = DraftRef(1, 1)


def _answers(typed: str) -> dict[str, Any]:
    return sample_answers(
        respondent_name=typed,
        q13_info_kinds_other=typed,
        q15_discovery_other=typed,
        q22_causes_other=typed,
        q23_measures=typed,
        q24_improvements=typed,
    )


def _surfaces(typed: str) -> dict[str, Message | list[Message] | dict[str, Any]]:
    answers = _answers(typed)
    name = SURVEY.by_id["respondent_name"]
    long_text = SURVEY.by_id["q23_measures"]
    other = SURVEY.by_id["q13_info_kinds_other"]
    return {
        "echo of an answer": answered_message(name, typed, REF.for_question(name.id)),
        "echo of a long text": question_message(
            SURVEY,
            long_text,
            REF.for_question(long_text.id),
            progress=progress(SURVEY, answers),
            current=typed,
        ),
        "error under a question": question_message(
            SURVEY, name, REF.for_question(name.id), progress=Progress(1, 2), typed=typed, error=typed
        ),
        "path change": path_change_message(SURVEY, other, typed, REF, dropped=[], added=[]),
        "review": review_message(SURVEY, review(SURVEY, answers), REF),
        "admin summary": summary_message(SURVEY, _view(answers)),
        "full answers": full_answers_view(SURVEY, _view(answers)),
        "copy": copy_messages(SURVEY, _view(answers)),
        "escalation": escalation_message(
            SURVEY,
            user_id=typed,
            started=True,
            last_activity=datetime(2026, 5, 11, 9, 30),
            reminders_sent=2,
            due_date=date(2026, 5, 20),
            overdue=False,
        ),
        "invitation": invitation_message(SURVEY, invited_by=typed, due_date=None),
        "status": status_message(
            SURVEY.title,
            [Outstanding(typed, None, datetime(2026, 5, 11, 9, 30), 1, None, escalated=False)],
            today=date(2026, 5, 12),
        ),
        "thread: status changed": status_changed_message("received", "returned", typed, typed),
        "thread: request": request_message(42, "correction", typed, typed),
        "thread: request answered": request_answered_message("withdrawal", False, typed, typed),
        "respondent: returned": returned_message(42, "2026-0042", typed),
        "respondent: status": plain_notice(texts.status_notice("2026-0042", "closed", typed)),
        "respondent: declined": plain_notice(texts.declined_notice("2026-0042", "correction", typed)),
        "admin: erase confirmation": erase_confirm_message(42, "2026-0042", typed),
    }


SURFACES = list(_surfaces("x"))


@pytest.mark.parametrize("attack", ATTACKS)
@pytest.mark.parametrize("surface", SURFACES)
def test_typed_text_neither_pings_nor_links(surface: str, attack: str) -> None:
    assert_inert(_surfaces(TAG + attack)[surface])


def test_the_bots_own_mentions_still_work() -> None:
    escalation = escalation_message(
        SURVEY,
        user_id=RESPONDENT,
        started=False,
        last_activity=datetime(2026, 5, 11, 9, 30),
        reminders_sent=3,
        due_date=None,
        overdue=True,
    )
    assert f"<@{RESPONDENT}>" in json.dumps(escalation.blocks)
    thread = status_changed_message("received", "checking", ADMIN, f"{TAG}<!channel>")
    assert f"<@{ADMIN}>" in thread.blocks[0]["text"]["text"]
    assert_inert(thread, mentions={ADMIN})
    request = request_message(42, "correction", RESPONDENT, f"{TAG}@here")
    assert_inert(request, mentions={RESPONDENT})
    assert mention(RESPONDENT) == f"<@{RESPONDENT}>"
    assert mention("<!channel>") == "&lt;!channel&gt;"


def test_the_reminder_carries_no_typed_text() -> None:
    message = reminder_message(SURVEY, snooze=ChasedRef("draft", 1), progress=Progress(3, 5), due_date=None)
    assert "<!" not in json.dumps(message.as_kwargs(), ensure_ascii=False)


def test_thread_lines_mask_the_reason_in_blocks_and_in_the_notification() -> None:
    reason = "連絡先 090-1234-5678 <!channel>"
    for message in (
        status_changed_message("received", "returned", ADMIN, reason),
        request_message(42, "correction", RESPONDENT, reason),
        request_answered_message("correction", True, ADMIN, reason),
    ):
        posted = json.dumps(message.as_kwargs(), ensure_ascii=False)
        assert "090-1234-5678" not in posted and PHONE in message.text and PHONE in posted
        assert "<!channel>" not in posted and "&lt;!channel&gt;" in message.text


def test_the_summary_notification_shows_no_answer() -> None:
    message = summary_message(SURVEY, _view(_answers(TAG + "<!channel> 090-1234-5678")))
    assert TAG not in message.text
    assert "090-1234-5678" not in json.dumps(message.as_kwargs(), ensure_ascii=False)
