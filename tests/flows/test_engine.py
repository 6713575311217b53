"""Navigation, path changes, progress and review."""

from __future__ import annotations

from datetime import date

from flows.engine import (
    apply_answer,
    asked_questions,
    first_unanswered,
    is_complete,
    missing_answers,
    next_question,
    previous_question,
    progress,
    prune,
    review,
)
from flows.model import Flow

TODAY = date(2026, 11, 26)


def test_next_and_previous_follow_the_current_path(survey: Flow) -> None:
    assert next_question(survey, {}).id == "org"
    assert next_question(survey, {}, after="q6_training").id == "q7_rule_doc"
    trained = {"q6_training": "ある"}
    assert next_question(survey, trained, after="q6_training").id == "q6_2_training_kinds"
    assert previous_question(survey, trained, before="q7_rule_doc").id == "q6_2_training_kinds"
    assert previous_question(survey, {}, before="q7_rule_doc").id == "q6_training"
    assert previous_question(survey, {}, before="org") is None
    assert previous_question(survey, {}, before=None).id == "q_uses_contractors"
    assert next_question(survey, {}, after="q_uses_contractors") is None  # the review comes next
    assert (
        next_question(survey, {"q_uses_contractors": "している"}, after="q_uses_contractors").id
        == "q28_selection"
    )


def test_resume_at_first_unanswered(survey: Flow) -> None:
    answers = {"org": {"code": "1", "name": "x"}, "respondent_name": "a", "q1_title": "その他"}
    assert first_unanswered(survey, answers).id == "q1_title_other"


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
    answers = {
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
    assert first_unanswered(survey, applied.answers).id == "org"


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
    answers = {
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
    assert not is_complete(survey, answers)
    assert [q.id for q in missing_answers(survey, answers)][:2] == ["org", "respondent_name"]
    assert "q24_improvements" not in [q.id for q in missing_answers(survey, answers)]
    assert len(asked_questions(survey, answers)) == 30
