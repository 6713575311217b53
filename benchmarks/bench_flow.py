"""Engine and lint speed on the shipped survey.

Prints, for the longest path (60 questions), the engine's step per click (apply the answer, then
`position` for the next screen), both measured in the same run:
  interpreted: the step before issue 14 (benchmarks/engine_interpreted.py): conditions interpreted
               from their trees, five walks in apply_answer and one in position;
  compiled:    the step now (flows/engine.py): conditions compiled once per flow, two walks in
               apply_answer and one in position.
And the time to lint the file against the time to load it.
Run: python -m benchmarks.bench_flow
"""

from __future__ import annotations

import statistics
import time
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any

from benchmarks import engine_interpreted as interpreted
from benchmarks.survey_answers import LONGEST_PATH_ANSWERS
from flows.engine import apply_answer, asked_questions, first_unanswered, position
from flows.lint import lint
from flows.load import load_flow_file
from flows.model import Flow

SURVEY = Path(__file__).resolve().parents[1] / "flows" / "leak_incident_survey.yaml"
TODAY = date(2026, 11, 26)


def step_compiled(flow: Flow, answers: dict[str, Any], question_id: str) -> tuple[dict[str, Any], str | None]:
    answers = apply_answer(flow, answers, question_id, LONGEST_PATH_ANSWERS[question_id], today=TODAY).answers
    here = position(flow, answers)
    return answers, here.question.id if here.question else None


def step_interpreted(
    flow: Flow, answers: dict[str, Any], question_id: str
) -> tuple[dict[str, Any], str | None]:
    answers = interpreted.apply_answer(
        flow, answers, question_id, LONGEST_PATH_ANSWERS[question_id], today=TODAY
    )
    here = interpreted.position(flow, answers)
    return answers, here.question.id if here.question else None


Step = Callable[[Flow, dict[str, Any], str], tuple[dict[str, Any], str | None]]


def walk(flow: Flow, step: Step) -> int:
    """Answer the longest path click by click; returns the number of clicks."""
    answers: dict[str, Any] = {}
    clicks = 0
    question_id = first_unanswered(flow, answers)
    next_id = question_id.id if question_id else None
    while next_id is not None:
        answers, next_id = step(flow, answers, next_id)
        clicks += 1
    return clicks


def states_on_the_path(flow: Flow) -> list[dict[str, Any]]:
    """The answers after each click of the longest path (for timing the navigation alone)."""
    answers: dict[str, Any] = {}
    states = [answers]
    while (question := first_unanswered(flow, answers)) is not None:
        answers = apply_answer(
            flow, answers, question.id, LONGEST_PATH_ANSWERS[question.id], today=TODAY
        ).answers
        states.append(answers)
    return states


def seconds(work: Callable[[], object]) -> float:
    started = time.perf_counter()
    work()
    return time.perf_counter() - started


def best_of(repeats: int, work: Callable[[], object]) -> tuple[float, float]:
    timings = [seconds(work) for _ in range(repeats)]
    return min(timings), statistics.median(timings)


def micro(seconds: float, count: int) -> str:
    return f"{seconds / count * 1e6:,.1f} µs"


def main() -> None:
    loaded = load_flow_file(SURVEY)
    flow = loaded.flow
    clicks = walk(flow, step_compiled)
    assert clicks == walk(flow, step_interpreted) == 60, clicks
    assert len(asked_questions(flow, LONGEST_PATH_ANSWERS)) == 60
    for answers in states_on_the_path(flow):  # both engines say the same before they are timed
        here = position(flow, answers)
        assert here.question == interpreted.position(flow, answers).question

    # Interleaved rounds, so both see the same machine load.
    before: list[float] = []
    after: list[float] = []
    for _ in range(25):
        before.append(seconds(lambda: walk(flow, step_interpreted)))
        after.append(seconds(lambda: walk(flow, step_compiled)))
    before_median, after_median = statistics.median(before), statistics.median(after)
    print(f"engine: longest path, {clicks} clicks, a step = apply_answer + position")
    print(
        f"  interpreted (before issue 14): median {micro(before_median, clicks)}, best {micro(min(before), clicks)}"
    )
    print(f"  compiled (now): median {micro(after_median, clicks)}, best {micro(min(after), clicks)}")
    print(f"  ratio interpreted/compiled: {before_median / after_median:,.2f}x")

    lint_best, lint_median = best_of(10, lambda: lint(load_flow_file(SURVEY)))
    load_best, load_median = best_of(10, lambda: load_flow_file(SURVEY))
    print("lint: load + check the shipped survey")
    print(
        f"  load + lint: median {lint_median * 1e3:,.1f} ms; load alone: median {load_median * 1e3:,.1f} ms"
    )
    print(f"  ratio (load + lint)/load: {lint_median / load_median:,.2f}x")


if __name__ == "__main__":
    main()
