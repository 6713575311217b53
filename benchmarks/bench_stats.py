"""The results page's statistics over 10,000 submissions of the shipped survey.

Builds 10,000 submissions (seeded, so every run counts the same data): each walks the survey, is
asked what its earlier answers lead to, leaves an optional question 「回答しない」 now and then, and
about 1 in 100 holds a choice value an older version of the flow offered. Times
`compute_statistics` (median of 5) against a baseline measured in the same run: one plain pass that
iterates the submissions and reads every answer, the least any statistics must do.
Run: python -m benchmarks.bench_stats [--submissions 10000]
"""

from __future__ import annotations

import argparse
import random
import statistics
import time
from collections.abc import Callable, Mapping
from datetime import date, timedelta
from pathlib import Path
from typing import Any

from flows.answers import AnswerValue
from flows.engine import condition_holds
from flows.load import load_flow
from flows.model import Flow, Question
from flows.statistics import compute_statistics

SURVEY = Path(__file__).resolve().parents[1] / "flows" / "leak_incident_survey.yaml"
FIRST_DAY = date(2025, 8, 28)  # the survey opened
DAYS = 460  # submissions until late 2026
DEPARTMENTS = ("01", "02", "03", "04", "05", "06", "07", "08", "09", "10", "11", "12")
DECLINE_RATE = 0.1  # an optional question answered 回答しない
LEGACY_RATE = 0.01  # a choice value only an older version offered
REPEATS = 5
Submission = tuple[Mapping[str, Any], date]


def generate(flow: Flow, count: int, seed: int = 20261126) -> list[Submission]:
    rng = random.Random(seed)
    orgs = [
        {"code": f"{department}{rng.randrange(10000):04d}", "name": f"部局{department} 課{n}"}
        for department in DEPARTMENTS
        for n in range(8)
    ]
    return [
        (_answers(flow, rng, orgs), FIRST_DAY + timedelta(days=int(rng.triangular(0, DAYS, DAYS))))
        for _ in range(count)
    ]


def _answers(flow: Flow, rng: random.Random, orgs: list[dict[str, str]]) -> dict[str, AnswerValue]:
    answers: dict[str, AnswerValue] = {}
    for question in flow.questions:
        if not condition_holds(question.when, answers):
            continue
        if question.follow_up_of is not None:
            answers[question.id] = "具体的な内容" if rng.random() < 0.9 else ""
        elif question.optional and rng.random() < DECLINE_RATE:
            answers[question.id] = [] if question.type == "multi" else ""
        else:
            answers[question.id] = _value(question, answers, rng, orgs)
    return answers


def _value(
    question: Question, answers: Mapping[str, AnswerValue], rng: random.Random, orgs: list[dict[str, str]]
) -> AnswerValue:
    values = [choice.value for choice in question.choices]
    match question.type:
        case "single":
            return f"旧選択肢{rng.randrange(3)}" if rng.random() < LEGACY_RATE else rng.choice(values)
        case "multi":
            exclusive = [c.value for c in question.choices if c.exclusive]
            if exclusive and rng.random() < 0.15:
                return [rng.choice(exclusive)]
            plain = [c.value for c in question.choices if not c.exclusive]
            chosen = set(rng.sample(plain, rng.choice((1, 1, 1, 2, 2, 3))))
            picked = [value for value in plain if value in chosen]
            return [*picked, "旧選択肢"] if rng.random() < LEGACY_RATE else picked
        case "integer":
            low = question.min if question.min is not None else 0
            high = question.max if question.max is not None else 100
            limit = answers.get(question.not_more_than) if question.not_more_than else None
            if isinstance(limit, int):
                high = min(high, limit)
            # Mostly small numbers, a few large ones (people affected, times done).
            return min(high, max(low, int(rng.lognormvariate(1.5, 1.4))))
        case "text" | "long_text":
            return "回答の本文" * rng.randrange(1, 5)
        case "date":
            return (FIRST_DAY - timedelta(days=rng.randrange(400))).isoformat()
        case "time":
            return f"{rng.randrange(8, 19):02d}:{rng.choice((0, 15, 30, 45)):02d}"
        case "org":
            return dict(rng.choice(orgs))
    raise AssertionError(question.type)


def read_every_answer(submissions: list[Submission]) -> int:
    """The baseline: one pass that touches every answer of every submission and its date."""
    seen = 0
    for answers, day in submissions:
        for value in answers.values():
            if value is not None:
                seen += 1
        if day:
            seen += 1
    return seen


def median_seconds(work: Callable[[], object], repeats: int = REPEATS) -> float:
    timings = []
    for _ in range(repeats):
        started = time.perf_counter()
        work()
        timings.append(time.perf_counter() - started)
    return statistics.median(timings)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.bench_stats")
    parser.add_argument("--submissions", type=int, default=10_000)
    args = parser.parse_args(argv)
    flow = load_flow(SURVEY)
    started = time.perf_counter()
    submissions = generate(flow, args.submissions)
    print(f"generated {len(submissions):,} submissions in {time.perf_counter() - started:.1f} s")
    answers = sum(len(a) for a, _ in submissions)
    print(f"  {answers:,} answers ({answers / len(submissions):.1f} per submission)")

    result = compute_statistics(flow, submissions)
    tables = len(result.choices) + len(result.numbers) + len(result.cross_tabs)
    print(
        f"  {tables} tables: {len(result.choices)} choice, {len(result.numbers)} number, "
        f"{len(result.cross_tabs)} cross tabs; {len(result.per_month)} months"
    )

    baseline = median_seconds(lambda: read_every_answer(submissions))
    measured = median_seconds(lambda: compute_statistics(flow, submissions))
    print(f"baseline: one pass reading every answer, median of {REPEATS}: {baseline * 1000:.1f} ms")
    print(f"compute_statistics, median of {REPEATS}: {measured * 1000:.1f} ms")
    print(f"ratio compute_statistics / baseline: {measured / baseline:.1f}×")
    print(f"per submission: {measured / len(submissions) * 1e6:.1f} µs")


if __name__ == "__main__":
    main()
