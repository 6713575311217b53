"""Navigation, path changes, progress and review."""

from __future__ import annotations

from datetime import date

import pytest

from flows import engine
from flows.answers import AnswerValue
from flows.engine import (
    Position,
    Progress,
    apply_answer,
    asked_questions,
    first_unanswered,
    missing_answers,
    position,
    previous_question,
    progress,
    prune,
    review,
)
from flows.load import load_flow_text
from flows.model import Flow, Question
from tests.flows.test_lint import flow_text

TODAY = date(2026, 11, 26)
ORG = {"code": "010020", "name": "総務部 法務文書課"}


def id_of(question: Question | None) -> str:
    """The id of a question that must be there (None is the review: the test fails)."""
    assert question is not None
    return question.id


def path_ids(flow: Flow, answers: dict) -> list[str]:
    return [q.id for q in position(flow, answers).path]


def following(flow: Flow, answers: dict, after: str) -> str | None:
    """The question asked after `after` on the current path; None means the review comes next."""
    ids = path_ids(flow, answers)
    return ids[ids.index(after) + 1] if ids.index(after) + 1 < len(ids) else None


def plain_answer(question: Question) -> object:
    """An acceptable answer: the first choice, the least number, a fixed date, time or text."""
    if question.type == "single":
        return question.choices[0].value
    if question.type == "multi":
        return [question.choices[0].value]
    fixed = {"integer": question.min, "date": "2025-08-01", "time": "10:30", "org": ORG}
    return fixed.get(question.type, "回答")


def answered_up_to(flow: Flow, last: str, **chosen: object) -> dict:
    """Answers to every question on the path up to and including `last`, as a respondent clicks."""
    answers: dict = {}
    while (question := position(flow, answers).question) is not None:
        value = chosen.get(question.id, plain_answer(question))
        answers = apply_answer(flow, answers, question.id, value, today=TODAY).answers
        if question.id == last:
            return answers
    raise AssertionError(f"{last} was never asked")


def test_next_and_previous_follow_the_current_path(survey: Flow) -> None:
    assert id_of(position(survey, {}).question) == "org"
    assert following(survey, {}, "q6_training") == "q7_rule_doc"
    trained = {"q6_training": "ある"}
    assert following(survey, trained, "q6_training") == "q6_2_training_kinds"
    # Where a respondent goes once q6_training is answered, both ways.
    assert id_of(position(survey, answered_up_to(survey, "q6_training", q6_training="ない")).question) == (
        "q7_rule_doc"
    )
    assert id_of(position(survey, answered_up_to(survey, "q6_training", q6_training="ある")).question) == (
        "q6_2_training_kinds"
    )
    assert id_of(previous_question(survey, trained, before="q7_rule_doc")) == "q6_2_training_kinds"
    assert id_of(previous_question(survey, {}, before="q7_rule_doc")) == "q6_training"
    assert previous_question(survey, {}, before="org") is None
    assert id_of(previous_question(survey, {}, before=None)) == "q_uses_contractors"
    assert following(survey, {}, "q_uses_contractors") is None  # the review comes next
    finished = answered_up_to(survey, "q_uses_contractors", q_uses_contractors="していない")
    assert position(survey, finished).question is None
    assert following(survey, {"q_uses_contractors": "している"}, "q_uses_contractors") == "q28_selection"
    contracting = answered_up_to(survey, "q_uses_contractors", q_uses_contractors="している")
    assert id_of(position(survey, contracting).question) == "q28_selection"


def test_resume_at_first_unanswered(survey: Flow) -> None:
    answers: dict[str, AnswerValue] = {
        "org": {"code": "1", "name": "x"},
        "respondent_name": "a",
        "q1_title": "その他",
    }
    assert id_of(first_unanswered(survey, answers)) == "q1_title_other"


def test_changing_an_answer_reports_dropped_and_added(survey: Flow) -> None:
    answers = {
        "q20_followed": "一部実施しなかった",
        "q20_2_why_not": "その他",
        "q20_2_why_not_other": "担当者不在",
    }
    applied = apply_answer(survey, answers, "q20_followed", "すべて実施した", today=TODAY)
    assert applied.dropped == ["q20_2_why_not", "q20_2_why_not_other"]
    assert applied.added == []
    assert applied.answers == {"q20_followed": "すべて実施した"}
    assert applied.changes_path

    back = apply_answer(survey, applied.answers, "q20_followed", "実施しなかった", today=TODAY)
    assert back.dropped == [] and back.added == ["q20_2_why_not"]
    assert not apply_answer(
        survey, back.answers, "q20_followed", "一部実施しなかった", today=TODAY
    ).changes_path


def test_multi_change_adds_and_drops_sub_questions(survey: Flow) -> None:
    answers: dict[str, AnswerValue] = {
        "q21_burden": "非常に負担だった",
        "q21_2_burden_tasks": ["報道対応"],
        "q21_4_press": ["精神的な負担"],
    }
    applied = apply_answer(
        survey, answers, "q21_2_burden_tasks", ["知事や主管課への報告", "その他"], today=TODAY
    )
    assert applied.dropped == ["q21_4_press"]
    assert applied.added == ["q21_2_burden_tasks_other", "q21_3_report"]


def test_lowering_years_employed_drops_answers_that_no_longer_fit(survey: Flow) -> None:
    answers = {"q3_years_employed": 10, "q4_years_in_unit": 8, "q5_years_in_task": 2}
    applied = apply_answer(survey, answers, "q3_years_employed", "５", today=TODAY)
    assert applied.answers == {"q3_years_employed": 5, "q5_years_in_task": 2}
    assert applied.dropped == ["q4_years_in_unit"]
    assert applied.added == []  # q4 still applies: it is simply asked again
    assert "q4_years_in_unit" in [q.id for q in asked_questions(survey, applied.answers)]
    assert id_of(first_unanswered(survey, applied.answers)) == "org"


def test_prune_removes_hidden_and_unknown_answers(survey: Flow) -> None:
    kept, dropped = prune(survey, {"q6_training": "ない", "q6_2_training_kinds": ["eラーニング"], "zzz": "x"})
    assert kept == {"q6_training": "ない"}
    assert sorted(dropped) == ["q6_2_training_kinds", "zzz"]


def test_progress_counts_the_current_path(survey: Flow) -> None:
    empty = progress(survey, {})
    assert (empty.answered, empty.remaining) == (0, 30)
    assert empty.percent == 0
    more = progress(survey, {"q6_training": "ある", "q_uses_contractors": "している"})
    assert (more.answered, more.remaining) == (2, 34)


def test_review_groups_by_item_and_reads_japanese(survey: Flow) -> None:
    answers: dict[str, AnswerValue] = {
        "org": {"code": "010020", "name": "総務部 法務文書課"},
        "q10_when_precision": "日時まで特定できる",
        "q10_date": "2025-08-01",
        "q10_time": "10:30",
        "q13_info_kinds": ["氏名", "住所"],
        "q14_persons": 5,
        "q3_years_employed": 3,
    }
    sections = review(survey, answers)
    assert [s.item.id for s in sections] == [
        "respondent",
        "item1",
        "item2",
        "item3",
        "item4",
        "item5",
        "item6",
        "item7",
    ]
    shown = {e.question.id: e.display for s in sections for e in s.entries}
    assert shown["org"] == "010020 総務部 法務文書課"
    assert shown["q10_date"] == "令和7年8月1日(金)"
    assert shown["q10_time"] == "午前10時30分頃"
    assert shown["q13_info_kinds"] == "氏名、住所"
    assert shown["q14_persons"] == "5人分"
    assert shown["q3_years_employed"] == "3年目"
    assert shown["respondent_name"] == "未回答"
    assert "q10_period" not in shown  # not asked, not shown


def test_complete_only_when_every_required_question_is_answered(survey: Flow) -> None:
    answers: dict = {}
    assert [q.id for q in missing_answers(survey, answers)][:2] == ["org", "respondent_name"]
    assert "q24_improvements" not in [q.id for q in missing_answers(survey, answers)]
    assert len(asked_questions(survey, answers)) == 30
    finished = answered_up_to(survey, "q_uses_contractors", q_uses_contractors="していない")
    assert missing_answers(survey, finished) == []
    # The optional question left out: still complete, though the respondent resumes there.
    without_optional = {k: v for k, v in finished.items() if k != "q24_improvements"}
    assert missing_answers(survey, without_optional) == []
    assert id_of(position(survey, without_optional).question) == "q24_improvements"
    # A required answer (所属, 氏名) left out: not complete, and that is where the respondent resumes.
    without_required = {k: v for k, v in finished.items() if k != "respondent_name"}
    assert [q.id for q in missing_answers(survey, without_required)] == ["respondent_name"]
    assert id_of(position(survey, without_required).question) == "respondent_name"


# --- position ----------------------------------------------------------------------------------


def test_position_at_the_start(survey: Flow) -> None:
    start = position(survey, {})
    assert start.question is not None and start.question.id == "org"
    assert start.progress == Progress(answered=0, remaining=30)
    assert not start.can_go_back
    assert [q.id for q in start.path] == [q.id for q in asked_questions(survey, {})]


def test_position_resumes_at_the_first_unanswered(survey: Flow) -> None:
    answers: dict[str, AnswerValue] = {"org": ORG, "respondent_name": "新潟 太郎", "q1_title": "その他"}
    here = position(survey, answers)
    assert here.question is not None and here.question.id == "q1_title_other"
    # The follow-up is asked, but counted with 質問1 as the person sees it: 30 questions on the path.
    assert here.progress == Progress(answered=3, remaining=27)
    assert here.can_go_back


def test_position_at_a_question_asked_for(survey: Flow) -> None:
    answers: dict[str, AnswerValue] = {"org": ORG, "q6_training": "ある"}
    assert id_of(position(survey, answers, at="org").question) == "org"
    assert not position(survey, answers, at="org").can_go_back
    back = position(survey, answers, at="q6_2_training_kinds")
    assert id_of(back.question) == "q6_2_training_kinds" and back.can_go_back
    assert back.progress == progress(survey, answers)  # progress does not depend on where one is


@pytest.mark.parametrize(
    "at",
    [
        "q6_2_training_kinds",  # not on this path: q6_training was answered ない
        "q1_title_other",  # a generated follow-up that is not asked
        "no_such_question",
    ],
)
def test_position_at_a_question_off_the_path_falls_back_to_the_first_unanswered(
    survey: Flow, at: str
) -> None:
    answers: dict[str, AnswerValue] = {"org": ORG, "q6_training": "ない"}
    assert id_of(position(survey, answers, at=at).question) == "respondent_name"


def test_position_at_the_review(survey: Flow) -> None:
    finished = answered_up_to(survey, "q_uses_contractors", q_uses_contractors="していない")
    review_position = position(survey, finished)
    assert review_position.question is None
    assert review_position.can_go_back  # back to the last question
    assert review_position.progress == Progress(answered=len(review_position.path), remaining=0)
    assert review_position.progress.percent == 100


def test_position_on_an_empty_path() -> None:
    # A flow whose only question never applies: straight to the review, with nowhere to go back to.
    flow = load_flow_text(
        flow_text("      - {id: a, type: single, text: A, choices: [x], when: {question: a, equals: x}}\n")
    ).flow
    empty = position(flow, {})
    assert empty == Position(question=None, progress=Progress(0, 0), can_go_back=False, path=())


def test_position_walks_the_path_itself(survey: Flow, monkeypatch: pytest.MonkeyPatch) -> None:
    """One pass over the questions: no walk of asked_questions behind it."""

    def no_walk(*args: object) -> None:
        raise AssertionError("position must not walk the path again")

    monkeypatch.setattr(engine, "asked_questions", no_walk)
    assert position(survey, {"q6_training": "ある"}, at="q6_2_training_kinds").can_go_back
