"""Property-based tests of the engine on the shipped survey (hypothesis)."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from flows.engine import (
    apply_answer,
    asked_questions,
    compile_condition,
    condition_holds,
    first_unanswered,
    missing_answers,
    position,
    previous_question,
    progress,
    review,
)
from flows.load import load_flow
from flows.model import Flow, Question
from tests.flows.catalogue import expected_asked
from tests.flows.conftest import SURVEY_FILE

TODAY = date(2026, 11, 26)
SURVEY = load_flow(SURVEY_FILE)
PROPERTY_SETTINGS = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def raw_answer(question: Question) -> st.SearchStrategy[Any]:
    """Any valid raw input for a question, as a person might give it."""
    match question.type:
        case "single":
            return st.sampled_from([c.value for c in question.choices])
        case "multi":
            plain = [c.value for c in question.choices if not c.exclusive]
            exclusive = [[c.value] for c in question.choices if c.exclusive]
            subsets = st.lists(st.sampled_from(plain), min_size=1, unique=True)
            return st.one_of(subsets, st.sampled_from(exclusive)) if exclusive else subsets
        case "integer":
            # Years since hiring are at least any other year count, so the answers stay consistent.
            low = 25 if question.id == "q3_years_employed" else question.min
            high = 25 if question.not_more_than else question.max
            number = st.integers(low, high)
            return st.one_of(number, number.map(str), number.map(lambda n: f"{n}{question.unit or ''}"))
        case "text" | "long_text":
            letters = st.characters(exclude_categories=("Cc", "Cs"))
            text = st.text(letters, max_size=question.max_length)
            return text if question.optional else text.filter(str.strip)
        case "date":
            return st.integers(0, 3000).map(lambda days: (TODAY - timedelta(days=days)).isoformat())
        case "time":
            return st.times().map(lambda t: t.strftime("%H:%M"))
        case "org":
            return st.just({"code": "010020", "name": "総務部 法務文書課"})
    raise AssertionError(question.type)


@st.composite
def answer_plan(draw: st.DrawFn) -> dict[str, Any]:
    """One raw answer for every question: a respondent's whole intent, asked or not."""
    return {q.id: draw(raw_answer(q)) for q in SURVEY.questions}


def answer_all(flow: Flow, answers: dict[str, Any], plan: dict[str, Any]) -> dict[str, Any]:
    for _ in range(len(flow.questions) + 1):
        question = first_unanswered(flow, answers)
        if question is None:
            return answers
        applied = apply_answer(flow, answers, question.id, plan[question.id], today=TODAY)
        answers = applied.answers
        asked = [q.id for q in asked_questions(flow, answers)]
        assert set(answers) <= set(asked), "an answer to a question that is not asked was kept"
    raise AssertionError("the survey never reached the review")


@PROPERTY_SETTINGS
@given(plan=answer_plan())
def test_any_valid_answers_reach_the_review_on_the_catalogues_path(plan: dict[str, Any]) -> None:
    answers = answer_all(SURVEY, {}, plan)
    assert missing_answers(SURVEY, answers) == []
    assert position(SURVEY, answers).question is None  # the review
    ids = [q.id for q in SURVEY.questions]
    asked = [q.id for q in asked_questions(SURVEY, answers)]
    assert asked == expected_asked(ids, answers)  # never asks a hidden question, never skips one
    assert set(answers) == set(asked)  # every asked question answered, no hidden answer kept
    reviewed = [e.question.id for s in review(SURVEY, answers) for e in s.entries]
    assert reviewed == asked


@PROPERTY_SETTINGS
@given(plan=answer_plan(), data=st.data())
def test_going_back_to_change_equals_answering_that_way_from_the_start(
    plan: dict[str, Any], data: st.DataObject
) -> None:
    finished = answer_all(SURVEY, {}, plan)
    asked = asked_questions(SURVEY, finished)
    changed = data.draw(st.sampled_from(asked), label="changed question")
    new_raw = data.draw(raw_answer(changed), label="new answer")
    revised_plan = {**plan, changed.id: new_raw}

    edited = apply_answer(SURVEY, finished, changed.id, new_raw, today=TODAY).answers
    edited = answer_all(SURVEY, edited, revised_plan)
    from_scratch = answer_all(SURVEY, {}, revised_plan)
    assert edited == from_scratch


@PROPERTY_SETTINGS
@given(plan=answer_plan(), data=st.data())
def test_partial_answers_never_keep_hidden_ones(plan: dict[str, Any], data: st.DataObject) -> None:
    """Answer a prefix, then change random earlier answers: what is kept is always on the path."""
    answers = answer_all(SURVEY, {}, plan)
    for _ in range(data.draw(st.integers(1, 5), label="edits")):
        question = data.draw(st.sampled_from(asked_questions(SURVEY, answers)), label="question")
        answers = apply_answer(
            SURVEY, answers, question.id, data.draw(raw_answer(question)), today=TODAY
        ).answers
        asked = [q.id for q in asked_questions(SURVEY, answers)]
        assert set(answers) <= set(asked)
        assert asked == expected_asked([q.id for q in SURVEY.questions], answers)


@PROPERTY_SETTINGS
@given(plan=answer_plan(), data=st.data())
def test_position_agrees_with_the_walks_it_replaces(plan: dict[str, Any], data: st.DataObject) -> None:
    """For any subset of a finished set of answers (so some kept answers may no longer apply)
    and any place asked for, one position call says what the separate walks say."""
    finished = answer_all(SURVEY, {}, plan)
    kept = data.draw(st.sets(st.sampled_from(sorted(finished))), label="kept answers")
    answers = {qid: finished[qid] for qid in kept}
    at = data.draw(st.none() | st.sampled_from([q.id for q in SURVEY.questions]), label="at")

    here = position(SURVEY, answers, at=at)
    path = asked_questions(SURVEY, answers)
    assert list(here.path) == path
    expected = next((q for q in path if q.id == at), None) or first_unanswered(SURVEY, answers)
    assert here.question == expected
    assert here.progress == progress(SURVEY, answers)
    before = previous_question(SURVEY, answers, here.question.id if here.question else None)
    assert here.can_go_back == (before is not None)


@PROPERTY_SETTINGS
@given(plan=answer_plan(), data=st.data())
def test_compiled_conditions_agree_with_the_interpreted_ones(
    plan: dict[str, Any], data: st.DataObject
) -> None:
    """The closures apply_answer and position walk with decide exactly as condition_holds reads the
    flow file, on any answers, complete or partial, even ones no path would keep."""
    answers = answer_all(SURVEY, {}, plan)
    some = {qid: value for qid, value in answers.items() if data.draw(st.booleans())}
    for candidate in (answers, some, plan):  # the raw plan: values of any shape
        for question in SURVEY.questions:
            compiled = compile_condition(question.when)
            expected = condition_holds(question.when, candidate)
            assert (compiled is None and expected) or (
                compiled is not None and compiled(candidate) == expected
            )
