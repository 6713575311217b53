"""Every question path through a flow, explored exhaustively but compactly.

A path is the sequence of questions one respondent is asked. Answers only matter to the extent
that later conditions look at them, so each question's answers fall into a few classes (for
q6_training: ある / ない; for a multi question: which of the values that conditions mention are
selected). Exploring one representative answer per class, with memoisation on what later
conditions can still see, visits every reachable path without listing millions of them.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cache
from itertools import combinations

from flows.answers import AnswerValue
from flows.engine import condition_holds
from flows.model import Equals, Flow, In, Includes, NotEquals, Question, atomic_conditions

START = "__start__"
REVIEW = "__review__"


@dataclass
class PathReport:
    count: int
    shortest: tuple[str, ...]
    longest: tuple[str, ...]
    asked: set[str] = field(default_factory=set)  # questions asked on at least one path
    dead_ends: set[str] = field(default_factory=set)  # questions with no acceptable answer
    transitions: set[tuple[str, str]] = field(default_factory=set)  # (from, to) incl. START/REVIEW

    @property
    def all_end_at_review(self) -> bool:
        return self.count > 0 and not self.dead_ends


def _mentioned_values(flow: Flow) -> dict[str, set[str]]:
    """For each question, the answer values that some condition compares it with."""
    mentioned: dict[str, set[str]] = {}
    for question in flow.questions:
        if question.when is None:
            continue
        for leaf in atomic_conditions(question.when):
            values = mentioned.setdefault(leaf.question, set())
            if isinstance(leaf, Equals):
                values.add(leaf.equals)
            elif isinstance(leaf, NotEquals):
                values.add(leaf.not_equals)
            elif isinstance(leaf, In):
                values.update(leaf.in_)
            elif isinstance(leaf, Includes):
                values.add(leaf.includes)
    return mentioned


def answer_classes(question: Question, mentioned: set[str]) -> list[AnswerValue]:
    """One acceptable answer per class that conditions can tell apart (empty: no answer fits)."""
    if question.type == "single":
        others: list[AnswerValue] = [c.value for c in question.choices if c.value not in mentioned]
        named: list[AnswerValue] = [c.value for c in question.choices if c.value in mentioned]
        return named + others[:1] + ([""] if question.optional else [])
    if question.type == "multi":
        return _multi_classes(question, mentioned)
    if question.type == "integer" and question.min is not None and question.max is not None:
        return [question.min] if question.min <= question.max else []
    return ["answered"]


def _multi_classes(question: Question, mentioned: set[str]) -> list[AnswerValue]:
    relevant = [c for c in question.choices if c.value in mentioned]
    plain_outside = [c.value for c in question.choices if c.value not in mentioned and not c.exclusive]
    any_outside = [c.value for c in question.choices if c.value not in mentioned]
    classes: list[AnswerValue] = []
    for size in range(len(relevant) + 1):
        for subset in combinations(relevant, size):
            if any(c.exclusive for c in subset) and size > 1:
                continue
            if subset:
                classes.append([c.value for c in subset])
            elif plain_outside or any_outside:
                classes.append([(plain_outside or any_outside)[0]])
            elif question.optional:
                classes.append([])
    return classes


def explore(flow: Flow) -> PathReport:
    """Count distinct question sequences exactly.

    A node is (position, set of possible answer states). At each question the sequences that
    ask it and the ones that skip it are disjoint (a question appears at most once), so the
    count of the union is the sum of the two branches: no sequence is counted twice even when
    different answers lead to the same questions.
    """
    questions = flow.questions
    mentioned = _mentioned_values(flow)
    # needed[i]: the questions whose answers conditions at position ≥ i still look at.
    needed: list[frozenset[str]] = [frozenset()] * (len(questions) + 1)
    for i in range(len(questions) - 1, -1, -1):
        when = questions[i].when
        looked_at = {leaf.question for leaf in atomic_conditions(when)} if when else set()
        needed[i] = needed[i + 1] | looked_at
    classes = {q.id: answer_classes(q, mentioned.get(q.id, set())) for q in questions}
    report = PathReport(count=0, shortest=(), longest=())

    @cache
    def walk(i: int, states: frozenset[State]) -> Walk:
        if not states:
            return Walk(0, (), (), frozenset())
        if i == len(questions):
            return Walk(1, (), (), frozenset({REVIEW}))
        question = questions[i]
        asking = [s for s in states if condition_holds(question.when, _decode(s))]
        skipping = frozenset(_keep(s, needed[i + 1]) for s in states if s not in asking)
        options = classes[question.id]
        if asking:
            report.asked.add(question.id)
            if not options:
                report.dead_ends.add(question.id)
        answered = frozenset(
            _keep(state | {(question.id, _encode(value))}, needed[i + 1])
            for state in asking
            for value in options
        )
        asked_branch = walk(i + 1, answered)
        if asked_branch.count:
            report.transitions.update((question.id, first) for first in asked_branch.firsts)
            asked_branch = Walk(
                asked_branch.count,
                (question.id, *asked_branch.shortest),
                (question.id, *asked_branch.longest),
                frozenset({question.id}),
            )
        return asked_branch.union(walk(i + 1, skipping))

    result = walk(0, frozenset({frozenset()}))
    report.transitions.update((START, first) for first in result.firsts)
    report.count, report.shortest, report.longest = result.count, result.shortest, result.longest
    return report


State = frozenset[tuple[str, str]]


@dataclass(frozen=True)
class Walk:
    """The distinct sequences from one node: how many, the shortest, the longest, their first steps."""

    count: int
    shortest: tuple[str, ...]
    longest: tuple[str, ...]
    firsts: frozenset[str]

    def union(self, other: Walk) -> Walk:
        if not self.count:
            return other
        if not other.count:
            return self
        return Walk(
            self.count + other.count,
            min(self.shortest, other.shortest, key=len),
            max(self.longest, other.longest, key=len),
            self.firsts | other.firsts,
        )


def _encode(value: AnswerValue) -> str:
    if isinstance(value, list):
        return "\x1f".join(["[list]", *value])
    return str(value)


def _decode(state: State) -> dict[str, AnswerValue]:
    decoded: dict[str, AnswerValue] = {}
    for question_id, encoded in state:
        parts = encoded.split("\x1f")
        decoded[question_id] = parts[1:] if parts[0] == "[list]" else encoded
    return decoded


def _keep(state: State, needed: frozenset[str]) -> State:
    return frozenset(pair for pair in state if pair[0] in needed)
