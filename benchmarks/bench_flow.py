"""Engine and lint speed on the shipped survey.

Prints, for the longest path (60 questions), the engine's cost per click, before and after
`position`, both measured in the same run:
  before: apply_answer, then the separate walks the bot made to draw the next screen
          (first_unanswered twice: once to save where the draft is, once to ask it; progress;
          previous_question for the 戻る button);
  after:  apply_answer, then one position() call.
The navigation alone (without apply_answer, which both do) is printed too; and the time to lint the
file against the time to load it.
Run: python -m benchmarks.bench_flow
"""

from __future__ import annotations

import statistics
import time
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any

from benchmarks.survey_answers import LONGEST_PATH_ANSWERS
from flows.engine import (
    apply_answer,
    asked_questions,
    first_unanswered,
    position,
    previous_question,
    progress,
)
from flows.lint import lint
from flows.load import load_flow_file
from flows.model import Flow

SURVEY = Path(__file__).resolve().parents[1] / "flows" / "leak_incident_survey.yaml"
TODAY = date(2026, 11, 26)


def navigate_before(flow: Flow, answers: dict[str, Any]) -> str | None:
    """What the bot computed after each answer before `position` (several walks of the path)."""
    following = first_unanswered(flow, answers)  # saved as the draft's current question
    question = first_unanswered(flow, answers)  # the question to ask (None: the review)
    if question is not None:
        progress(flow, answers)
        previous_question(flow, answers, question.id)
    return following.id if following else None


def navigate_after(flow: Flow, answers: dict[str, Any]) -> str | None:
    here = position(flow, answers)
    return here.question.id if here.question else None


def walk(flow: Flow, navigate: Callable[[Flow, dict[str, Any]], str | None]) -> int:
    """Answer the longest path click by click; returns the number of clicks."""
    answers: dict[str, Any] = {}
    clicks = 0
    question_id = navigate(flow, answers)
    while question_id is not None:
        answers = apply_answer(
            flow, answers, question_id, LONGEST_PATH_ANSWERS[question_id], today=TODAY
        ).answers
        question_id = navigate(flow, answers)
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
    clicks = walk(flow, navigate_after)
    assert clicks == walk(flow, navigate_before) == 60, clicks
    assert len(asked_questions(flow, LONGEST_PATH_ANSWERS)) == 60
    states = states_on_the_path(flow)
    for answers in states:  # both say the same before they are timed
        assert navigate_before(flow, answers) == navigate_after(flow, answers)

    # Interleaved rounds, so both see the same machine load.
    before: list[float] = []
    after: list[float] = []
    for _ in range(25):
        before.append(seconds(lambda: walk(flow, navigate_before)))
        after.append(seconds(lambda: walk(flow, navigate_after)))
    before_median, after_median = statistics.median(before), statistics.median(after)
    print(f"engine: longest path, {clicks} clicks")
    print(
        f"  per click before (apply + first_unanswered ×2 + progress + previous_question): "
        f"median {micro(before_median, clicks)}, best {micro(min(before), clicks)}"
    )
    print(
        f"  per click after (apply + position): "
        f"median {micro(after_median, clicks)}, best {micro(min(after), clicks)}"
    )
    print(f"  ratio before/after: {before_median / after_median:,.2f}x")

    def navigate_all(navigate: Callable[[Flow, dict[str, Any]], str | None]) -> None:
        for answers in states:
            navigate(flow, answers)

    _, nav_before = best_of(50, lambda: navigate_all(navigate_before))
    _, nav_after = best_of(50, lambda: navigate_all(navigate_after))
    print(f"  navigation alone, per click: before median {micro(nav_before, len(states))}, ", end="")
    print(f"after median {micro(nav_after, len(states))}; ratio {nav_before / nav_after:,.2f}x")

    lint_best, lint_median = best_of(10, lambda: lint(load_flow_file(SURVEY)))
    load_best, load_median = best_of(10, lambda: load_flow_file(SURVEY))
    print("lint: load + check the shipped survey")
    print(
        f"  load + lint: median {lint_median * 1e3:,.1f} ms; load alone: median {load_median * 1e3:,.1f} ms"
    )
    print(f"  ratio (load + lint)/load: {lint_median / load_median:,.2f}x")


if __name__ == "__main__":
    main()
