"""Every message the shipped survey can produce stays inside Slack's limits."""

from __future__ import annotations

from typing import Any

from benchmarks.survey_answers import LONGEST_PATH_ANSWERS
from bot.refs import DraftRef
from bot.rendering.conversation import long_text_modal, question_message, review_message
from flows.answers import AnswerValue
from flows.engine import apply_answer, asked_questions, progress, review
from flows.load import load_flow
from tests.flows.conftest import SURVEY_FILE

FLOW = load_flow(SURVEY_FILE)


def check_limits(blocks: list[dict[str, Any]], *, max_blocks: int = 50) -> None:
    assert len(blocks) <= max_blocks
    block_ids = [b["block_id"] for b in blocks if "block_id" in b]
    assert len(block_ids) == len(set(block_ids))
    for block in blocks:
        assert len(block.get("block_id", "")) <= 255
        if block["type"] == "header":
            assert len(block["text"]["text"]) <= 150
        if block["type"] == "section":
            assert len(block["text"]["text"]) <= 3000
        if block["type"] == "actions":
            assert len(block["elements"]) <= 25
        elements = block.get("elements", []) + [block[k] for k in ("accessory", "element") if k in block]
        for element in elements:
            if element.get("type") in ("radio_buttons", "checkboxes"):
                assert len(element["options"]) <= 10
            if element.get("type") in ("static_select", "multi_static_select"):
                assert len(element["options"]) <= 100
            for choice in element.get("options", []):
                assert len(choice["text"]["text"]) <= 75 and len(choice["value"]) <= 150
            if element.get("type") == "button":
                assert len(element["text"]["text"]) <= 75 and len(element["value"]) <= 2000
            if "action_id" in element:
                assert len(element["action_id"]) <= 255


def test_every_question_renders_within_limits() -> None:
    answers: dict[str, AnswerValue] = {}
    for question in FLOW.questions:
        for current in (None, LONGEST_PATH_ANSWERS.get(question.id)):
            message = question_message(
                FLOW, question, DraftRef(123456, 99999, question.id), progress=progress(FLOW, answers),
                current=current if question.type != "integer" or current is None else 3, error="エラー" * 50,
            )  # fmt: skip
            check_limits(message.blocks)
            assert message.text


def test_review_of_the_longest_path_within_limits() -> None:
    answers: dict[str, Any] = {}
    for question_id, raw in LONGEST_PATH_ANSWERS.items():
        answers = apply_answer(FLOW, answers, question_id, raw).answers
    answers["q23_measures"] = "対策" * 1000  # the longest allowed answers
    answers["q24_improvements"] = "改善" * 1000
    assert len(asked_questions(FLOW, answers)) == 60
    message = review_message(FLOW, review(FLOW, answers), DraftRef(1, 1))
    check_limits(message.blocks)
    modal = long_text_modal(FLOW.by_id["q23_measures"], answers["q23_measures"], "{}")
    check_limits(modal["blocks"], max_blocks=100)
    assert len(modal["title"]["text"]) <= 24
