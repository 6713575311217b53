"""Path exploration agrees with brute force, and the shipped survey's paths all end at the review."""

from __future__ import annotations

from itertools import combinations, product

import pytest

from flows.__main__ import main
from flows.diagram import mermaid
from flows.engine import asked_questions, missing_answers
from flows.load import load_flow_text
from flows.model import Flow
from flows.paths import REVIEW, START, explore
from tests.flows.conftest import SURVEY_FILE
from tests.flows.test_lint import GOOD, flow_text

BRANCHY = (
    GOOD
    + """\
      - id: d
        type: multi
        text: D
        choices: [p, q, r, {value: 無, exclusive: true}, {value: その他, other: true}]
      - id: e
        type: text
        text: E
        max_length: 9
        when: {any: [{question: d, includes: p}, {not: {question: a, in: [はい, その他]}}]}
      - id: f
        type: single
        text: F
        choices: [s, t]
        when: {all: [{question: d, includes: q}, {question: b, includes: x}]}
"""
)


def brute_force_paths(flow: Flow) -> set[tuple[str, ...]]:
    """Every answer combination to every choice question (values for the rest do not matter)."""

    def options(question):
        if question.type == "single":
            return [c.value for c in question.choices]
        if question.type == "multi":
            values = [c.value for c in question.choices]
            return [
                list(s)
                for n in range(1, len(values) + 1)
                for s in combinations(values, n)
                if not (n > 1 and any(question.choice_by_value[v].exclusive for v in s))
            ]
        return [1 if question.type == "integer" else "x"]

    paths = set()
    for combo in product(*(options(q) for q in flow.questions)):
        answers = dict(zip([q.id for q in flow.questions], combo, strict=True))
        path = asked_questions(flow, answers)
        assert missing_answers(flow, {q.id: answers[q.id] for q in path}) == []
        paths.add(tuple(q.id for q in path))
    return paths


@pytest.mark.parametrize("text", [flow_text(GOOD), flow_text(BRANCHY)])
def test_count_shortest_and_longest_match_brute_force(text: str) -> None:
    flow = load_flow_text(text).flow
    report = explore(flow)
    expected = brute_force_paths(flow)
    assert report.count == len(expected)
    assert len(report.shortest) == min(map(len, expected))
    assert len(report.longest) == max(map(len, expected))
    assert report.shortest in expected and report.longest in expected
    assert report.all_end_at_review


def test_shipped_survey_paths(survey: Flow) -> None:
    report = explore(survey)
    assert report.all_end_at_review
    assert report.asked == {q.id for q in survey.questions}
    assert len(report.shortest) == 30
    assert len(report.longest) == 60
    assert report.count == 9_123_840
    assert (START, "org") in report.transitions
    assert ("q_uses_contractors", REVIEW) in report.transitions and (
        "q32_checksheet",
        REVIEW,
    ) in report.transitions
    assert ("q6_training", "q7_rule_doc") in report.transitions and (
        "q6_training",
        "q6_2_training_kinds",
    ) in report.transitions


def test_paths_command(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["paths", str(SURVEY_FILE)]) == 0
    out = capsys.readouterr().out
    assert "paths: 9,123,840" in out and "every path ends at the review: yes" in out
    assert "shortest: 30 questions" in out and "longest: 60 questions" in out


def test_diagram_shows_branches(survey: Flow) -> None:
    chart = mermaid(survey)
    assert chart.startswith("flowchart TD\n")
    assert 'q6_training -->|"q6_training = ある"| q6_2_training_kinds' in chart
    assert "q6_training -.-> q7_rule_doc" in chart
    assert "q32_checksheet --> __review__" in chart
    assert 'subgraph item7["項目7 委託先等への確認 ※ 所属の状況等を入力"]' in chart
