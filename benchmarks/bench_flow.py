"""Engine and lint speed on the shipped survey.

Prints, for the longest path (60 questions): the time per step (apply an answer + find the next
question), against a baseline measured in the same run (copy the answers and scan the question
list once, the least any step must do); and the time to lint the file against the time to load it.
Run: python -m benchmarks.bench_flow
"""

from __future__ import annotations

import statistics
import time
from collections.abc import Callable
from datetime import date
from pathlib import Path

from benchmarks.survey_answers import LONGEST_PATH_ANSWERS
from flows.engine import apply_answer, asked_questions, first_unanswered, next_question
from flows.lint import lint
from flows.load import load_flow_file
from flows.model import Flow

SURVEY = Path(__file__).resolve().parents[1] / "flows" / "leak_incident_survey.yaml"
TODAY = date(2026, 11, 26)


def walk_engine(flow: Flow) -> int:
    answers: dict = {}
    steps = 0
    question = first_unanswered(flow, answers)
    while question is not None:
        answers = apply_answer(
            flow, answers, question.id, LONGEST_PATH_ANSWERS[question.id], today=TODAY
        ).answers
        question = next_question(flow, answers, after=question.id)
        steps += 1
    return steps


def walk_baseline(flow: Flow) -> int:
    answers: dict = {}
    steps = 0
    for question in flow.questions:
        if question.id in LONGEST_PATH_ANSWERS:
            answers = {**answers, question.id: LONGEST_PATH_ANSWERS[question.id]}
            _ = [q.id for q in flow.questions]
            steps += 1
    return steps


def best_of(repeats: int, work: Callable[[], object]) -> tuple[float, float]:
    timings = []
    for _ in range(repeats):
        started = time.perf_counter()
        work()
        timings.append(time.perf_counter() - started)
    return min(timings), statistics.median(timings)


def main() -> None:
    loaded = load_flow_file(SURVEY)
    flow = loaded.flow
    steps = walk_engine(flow)
    assert steps == 60 and len(asked_questions(flow, LONGEST_PATH_ANSWERS)) == 60, steps
    engine_best, engine_median = best_of(50, lambda: walk_engine(flow))
    base_best, base_median = best_of(50, lambda: walk_baseline(flow))
    print(f"engine: longest path, {steps} steps (apply + next)")
    print(
        f"  per step: best {engine_best / steps * 1e6:,.1f} µs, median {engine_median / steps * 1e6:,.1f} µs"
    )
    print(f"  baseline (copy answers + scan questions) per step: median {base_median / steps * 1e6:,.2f} µs")
    print(f"  ratio engine/baseline: {engine_median / base_median:,.0f}x")
    lint_best, lint_median = best_of(10, lambda: lint(load_flow_file(SURVEY)))
    load_best, load_median = best_of(10, lambda: load_flow_file(SURVEY))
    print("lint: load + check the shipped survey")
    print(
        f"  load + lint: median {lint_median * 1e3:,.1f} ms; load alone: median {load_median * 1e3:,.1f} ms"
    )
    print(f"  ratio (load + lint)/load: {lint_median / load_median:,.2f}x")


if __name__ == "__main__":
    main()
