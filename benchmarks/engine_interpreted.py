"""The engine's step as it was before issue 14, kept only as bench_flow's baseline: every condition
interpreted from its tree on each walk, and five walks per answer (prune, is_asked, asked_questions,
prune, asked_questions) plus position's. The product uses flows/engine.py."""

from __future__ import annotations

from datetime import date
from typing import Any

from flows.answers import AnswerValue, InvalidAnswer, check_constraints, parse_answer
from flows.engine import Answers, Position, Progress, condition_holds
from flows.model import Flow, Question


def asked_questions(flow: Flow, answers: Answers) -> list[Question]:
    applying: dict[str, AnswerValue] = {}
    path: list[Question] = []
    for question in flow.questions:
        if condition_holds(question.when, applying):
            path.append(question)
            if question.id in answers:
                applying[question.id] = answers[question.id]
    return path


def prune(flow: Flow, answers: Answers) -> dict[str, AnswerValue]:
    kept: dict[str, AnswerValue] = {}
    for question in flow.questions:
        if question.id not in answers or not condition_holds(question.when, kept):
            continue
        try:
            check_constraints(flow, question, answers[question.id], kept)
        except InvalidAnswer:
            continue
        kept[question.id] = answers[question.id]
    return kept


def apply_answer(flow: Flow, answers: Answers, question_id: str, raw: Any, *, today: date) -> dict[str, Any]:
    question = flow.by_id[question_id]
    current = prune(flow, answers)
    if not any(q.id == question_id for q in asked_questions(flow, current)):
        raise InvalidAnswer(question_id, "")
    value = parse_answer(flow, question, raw, answers=current, today=today)
    before = {q.id for q in asked_questions(flow, current)}
    updated = prune(flow, {**current, question_id: value})
    [q.id for q in asked_questions(flow, updated) if q.id not in before and q.id not in updated]
    return updated


def position(flow: Flow, answers: Answers) -> Position:
    applying: dict[str, AnswerValue] = {}
    path: list[Question] = []
    answered = remaining = 0
    first_open: int | None = None
    for question in flow.questions:
        if not condition_holds(question.when, applying):
            continue
        path.append(question)
        counted = question.follow_up_of is None
        if question.id in answers:
            applying[question.id] = answers[question.id]
            answered += counted
        else:
            if first_open is None:
                first_open = len(path) - 1
            remaining += counted
    return Position(
        question=path[first_open] if first_open is not None else None,
        progress=Progress(answered=answered, remaining=remaining),
        can_go_back=first_open > 0 if first_open is not None else bool(path),
        path=tuple(path),
    )
