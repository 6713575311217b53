"""The flow engine: pure functions of (flow, answers). No I/O, no clock unless one is passed in.

Conditions only look back (the lint makes sure), so one pass in asking order decides which
questions apply: a question is asked when its condition holds on the answers that still apply.
An answer to a question that no longer applies is never kept.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any

from flows.answers import AnswerValue, InvalidAnswer, check_constraints, parse_answer
from flows.display import display_answer
from flows.model import All, AnyOf, Condition, Equals, Flow, In, Includes, Item, Not, NotEquals, Question

Answers = Mapping[str, AnswerValue]


def is_given(value: AnswerValue | None) -> bool:
    """An answer with content: not missing, and not 「回答しない」 (stored as "" or [])."""
    return value is not None and value != "" and value != []


def condition_holds(condition: Condition | None, answers: Answers) -> bool:
    """Evaluate a structured condition. A comparison with an unanswered question (never answered,
    or answered 「回答しない」) is false."""
    if condition is None:
        return True
    if isinstance(condition, All):
        return all(condition_holds(part, answers) for part in condition.all)
    if isinstance(condition, AnyOf):
        return any(condition_holds(part, answers) for part in condition.any)
    if isinstance(condition, Not):
        return not condition_holds(condition.not_, answers)
    value = answers.get(condition.question)
    if value is None or not is_given(value):
        return False
    if isinstance(condition, Equals):
        return value == condition.equals
    if isinstance(condition, NotEquals):
        return value != condition.not_equals
    if isinstance(condition, In):
        return value in condition.in_
    if isinstance(condition, Includes):
        return isinstance(value, list) and condition.includes in value
    raise TypeError(f"unknown condition {condition!r}")  # pragma: no cover


# --- conditions compiled once per flow ------------------------------------------------------------

Predicate = Callable[[Answers], bool]


def compile_condition(condition: Condition | None) -> Predicate | None:
    """`condition_holds` as a closure built once (None: always holds). A click walks the path
    twice; interpreting every condition's tree on each walk was most of the engine's time."""
    if condition is None:
        return None
    if isinstance(condition, All):
        parts = [compile_condition(part) or _always for part in condition.all]
        return lambda answers: all(part(answers) for part in parts)
    if isinstance(condition, AnyOf):
        options = [compile_condition(part) or _always for part in condition.any]
        return lambda answers: any(option(answers) for option in options)
    if isinstance(condition, Not):
        inner = compile_condition(condition.not_) or _always
        return lambda answers: not inner(answers)
    question = condition.question
    if isinstance(condition, Equals):
        expected: Any = condition.equals
        return lambda answers: _given(answers.get(question)) and answers[question] == expected
    if isinstance(condition, NotEquals):
        other: Any = condition.not_equals
        return lambda answers: _given(answers.get(question)) and answers[question] != other
    if isinstance(condition, In):
        allowed = condition.in_
        return lambda answers: _given(answers.get(question)) and answers[question] in allowed
    if isinstance(condition, Includes):
        wanted = condition.includes
        return lambda answers: isinstance(answers.get(question), list) and wanted in answers[question]  # type: ignore[operator]
    raise TypeError(f"unknown condition {condition!r}")  # pragma: no cover


def _always(_answers: Answers) -> bool:
    return True


def _given(value: AnswerValue | None) -> bool:
    return value is not None and value != "" and value != []


@dataclass(frozen=True)
class _Step:
    question: Question
    applies: Predicate | None  # None: always asked
    constrained: bool  # has a constraint against earlier answers


_compiled: dict[int, tuple[Flow, tuple[_Step, ...]]] = {}
_compiling = threading.Lock()


def steps_of(flow: Flow) -> tuple[_Step, ...]:
    """The flow's questions with their compiled conditions, built once per flow (version)."""
    found = _compiled.get(id(flow))
    if found is not None and found[0] is flow:
        return found[1]
    with _compiling:
        steps = tuple(
            _Step(question, compile_condition(question.when), bool(question.not_more_than))
            for question in flow.questions
        )
        _compiled[id(flow)] = (flow, steps)  # the flow is kept, so its id is never reused
        return steps


def _walk(flow: Flow, answers: Answers) -> tuple[dict[str, AnswerValue], list[Question]]:
    """One pass in asking order: the answers that apply and satisfy their constraints (kept), and
    the questions asked (the path). What prune and asked_questions both need, together."""
    kept: dict[str, AnswerValue] = {}
    path: list[Question] = []
    for step in steps_of(flow):
        if step.applies is not None and not step.applies(kept):
            continue
        question = step.question
        path.append(question)
        if question.id not in answers:
            continue
        value = answers[question.id]
        if step.constrained:
            try:
                check_constraints(flow, question, value, kept)
            except InvalidAnswer:
                continue
        kept[question.id] = value
    return kept, path


def asked_questions(flow: Flow, answers: Answers) -> list[Question]:
    """The questions that apply to these answers, in asking order (the current path)."""
    applying: dict[str, AnswerValue] = {}
    path: list[Question] = []
    for step in steps_of(flow):
        if step.applies is None or step.applies(applying):
            path.append(step.question)
            if step.question.id in answers:
                applying[step.question.id] = answers[step.question.id]
    return path


def prune(flow: Flow, answers: Answers) -> tuple[dict[str, AnswerValue], list[str]]:
    """Keep only answers that apply and still satisfy their constraints; return the dropped ids."""
    kept, _ = _walk(flow, answers)
    dropped = [qid for qid in answers if qid not in kept]
    return kept, dropped


def is_asked(flow: Flow, answers: Answers, question_id: str) -> bool:
    return any(q.id == question_id for q in asked_questions(flow, answers))


def first_unanswered(flow: Flow, answers: Answers) -> Question | None:
    """Where a respondent resumes: the first question on the path without an answer."""
    return next((q for q in asked_questions(flow, answers) if q.id not in answers), None)


def previous_question(flow: Flow, answers: Answers, before: str | None) -> Question | None:
    """The question before `before` on the current path (for 戻る); None at the start.

    `before=None` means "from the review": the last question on the path.
    """
    path = asked_questions(flow, answers)
    if before is None:
        return path[-1] if path else None
    position = flow.position[before]
    earlier = [q for q in path if flow.position[q.id] < position]
    return earlier[-1] if earlier else None


@dataclass(frozen=True)
class Applied:
    """The result of applying one answer: the new answers and how the path changed."""

    answers: dict[str, AnswerValue]
    value: AnswerValue
    dropped: list[str]  # ids whose answers no longer apply and were removed
    added: list[str]  # ids of questions that now apply and have no answer yet

    @property
    def changes_path(self) -> bool:
        return bool(self.dropped or self.added)


def apply_answer(
    flow: Flow, answers: Answers, question_id: str, raw: Any, *, today: date | None = None
) -> Applied:
    """Validate one answer and return the new state; raises InvalidAnswer with a Japanese message.

    The input is never modified: a caller that wants to confirm a path change first simply
    does not store the result until the person agrees.
    """
    question = flow.by_id.get(question_id)
    if question is None:
        raise InvalidAnswer(question_id, "この質問はこの調査にありません。")
    # Two walks of the path in all: the answers as they stand, then with the new one.
    current, path_before = _walk(flow, answers)
    before = {q.id for q in path_before}
    if question_id not in before:
        raise InvalidAnswer(question_id, "この質問は、これまでの回答では対象外です。")
    value = parse_answer(flow, question, raw, answers=current, today=today)
    proposed = {**current, question_id: value}
    updated, path_after = _walk(flow, proposed)
    dropped = [qid for qid in proposed if qid not in updated]
    added = [q.id for q in path_after if q.id not in before and q.id not in updated]
    return Applied(answers=updated, value=value, dropped=dropped, added=added)


def missing_answers(flow: Flow, answers: Answers) -> list[Question]:
    """Required questions on the path that still need an answer (empty: ready to submit)."""
    return [q for q in asked_questions(flow, answers) if q.id not in answers and not q.optional]


@dataclass(frozen=True)
class Progress:
    answered: int
    remaining: int  # expected on the current path; later answers may add or remove questions

    @property
    def total(self) -> int:
        return self.answered + self.remaining

    @property
    def percent(self) -> int:
        return round(100 * self.answered / self.total) if self.total else 100


def progress(flow: Flow, answers: Answers) -> Progress:
    """Questions as the person sees them: an その他 follow-up is part of its question, not one more."""
    path = [q for q in asked_questions(flow, answers) if q.follow_up_of is None]
    answered = sum(1 for q in path if q.id in answers)
    return Progress(answered=answered, remaining=len(path) - answered)


def unanswered(flow: Flow, answers: Answers) -> list[Question]:
    """Questions on the path without content: not answered yet, or answered 「回答しない」."""
    return [q for q in asked_questions(flow, answers) if not is_given(answers.get(q.id))]


@dataclass(frozen=True)
class Position:
    """Where a respondent stands, for drawing one screen: what first_unanswered (or the question
    asked for), progress and previous_question would say, from a single walk of the path."""

    question: Question | None  # None: the review
    progress: Progress
    can_go_back: bool  # a question comes before `question` on the path (at the review: any)
    path: tuple[Question, ...]


def position(flow: Flow, answers: Answers, at: str | None = None) -> Position:
    """The question `at` if it is on the path, else the first unanswered one (None: the review)."""
    applying: dict[str, AnswerValue] = {}
    path: list[Question] = []
    answered = remaining = 0
    first_open: int | None = None
    at_index: int | None = None
    for step in steps_of(flow):  # the walk of asked_questions, noting what the screen needs
        if step.applies is not None and not step.applies(applying):
            continue
        question = step.question
        if question.id == at and at_index is None:
            at_index = len(path)
        path.append(question)
        counted = question.follow_up_of is None  # as progress() counts: a follow-up is not one more
        if question.id in answers:
            applying[question.id] = answers[question.id]
            answered += counted
        else:
            if first_open is None:
                first_open = len(path) - 1
            remaining += counted
    index = at_index if at_index is not None else first_open
    return Position(
        question=path[index] if index is not None else None,
        progress=Progress(answered=answered, remaining=remaining),
        can_go_back=index > 0 if index is not None else bool(path),
        path=tuple(path),
    )


@dataclass(frozen=True)
class ReviewEntry:
    question: Question
    value: AnswerValue | None
    display: str


@dataclass(frozen=True)
class ReviewSection:
    item: Item
    entries: list[ReviewEntry]


def review(flow: Flow, answers: Answers) -> list[ReviewSection]:
    """Every question asked, grouped by item, with its answer as people read it."""
    sections: dict[str, ReviewSection] = {}
    for question in asked_questions(flow, answers):
        item = flow.item_of[question.id]
        value = answers.get(question.id)
        section = sections.setdefault(item.id, ReviewSection(item=item, entries=[]))
        section.entries.append(ReviewEntry(question, value, display_answer(question, value)))
    return list(sections.values())
