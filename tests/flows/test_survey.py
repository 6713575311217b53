"""The shipped survey matches the catalogue: ids, order, types, metadata and every condition."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from flows.answers import AnswerValue
from flows.engine import asked_questions, is_asked
from flows.model import Flow
from tests.flows.catalogue import CONDITIONS, OTHER_PARENTS, expected_asked

CATALOGUE_IDS = [
    "org", "respondent_name",
    "q1_title", "q2_age", "q3_years_employed", "q4_years_in_unit", "q5_years_in_task",
    "q6_training", "q6_2_training_kinds", "q7_rule_doc", "q8_rule_steps", "q9_contractor_rules",
    "q10_when_precision", "q10_date", "q10_time", "q10_period", "q11_place", "q12_task",
    "q13_info_kinds", "q14_persons", "q15_discovery", "q16_experience", "q16_count",
    "q17_before", "q18_busyness", "q19_multitask", "q20_followed", "q20_2_why_not",
    "q21_burden", "q21_2_burden_tasks", "q21_3_report", "q21_4_press", "q21_5_notice",
    "q21_6_reactions", "q22_causes", "q23_measures", "q24_improvements",
    "q25_alert_known", "q25_2_alert_view", "q26_alert_use", "q27_checksheet",
    "q_uses_contractors", "q28_selection", "q29_clauses", "q30_minimum", "q31_scope", "q32_checksheet",
]  # fmt: skip


def test_question_ids_and_order_are_the_catalogues(survey: Flow) -> None:
    authored = [q.id for q in survey.questions if q.follow_up_of is None]
    assert authored == CATALOGUE_IDS


def test_other_choices_open_follow_ups(survey: Flow) -> None:
    follow_ups = {q.follow_up_of for q in survey.questions if q.follow_up_of}
    assert follow_ups == set(OTHER_PARENTS)
    for parent, kind in OTHER_PARENTS.items():
        assert survey.by_id[parent].type == kind
        assert survey.by_id[parent].choice_by_value["その他"].other


def test_metadata(survey: Flow) -> None:
    assert survey.title == "個人情報漏えい等事案に関する調査(通年)"
    assert survey.contact is not None and survey.contact.email == "ngt010020@pref.niigata.lg.jp"
    assert survey.contact.phone == "025-280-5021" and survey.contact.fax == "025-280-5459"
    assert survey.open_period.start == datetime(2025, 8, 28, 2, 0, tzinfo=UTC)
    assert survey.open_period.end is None
    assert not survey.open_period.is_open(datetime(2025, 8, 28, 1, 59, tzinfo=UTC))
    assert survey.open_period.is_open(datetime(2026, 11, 26, tzinfo=UTC))
    assert survey.purpose and survey.purpose.startswith("この調査は、個人情報漏えい等")
    assert "timezone" not in survey.model_dump()  # retired: the bot's TIMEZONE setting governs


def test_types_limits_and_flags(survey: Flow) -> None:
    q = survey.by_id
    assert (q["q3_years_employed"].min, q["q3_years_employed"].max) == (1, 50)
    assert q["q4_years_in_unit"].not_more_than == "q3_years_employed"
    assert q["q5_years_in_task"].not_more_than == "q3_years_employed"
    assert (q["q14_persons"].min, q["q14_persons"].max) == (1, 10_000_000)
    assert (q["q16_count"].min, q["q16_count"].max) == (1, 100_000)
    assert q["respondent_name"].max_length == 50 and q["respondent_name"].prefill == "real_name"
    assert q["q10_period"].max_length == 200
    assert q["q23_measures"].max_length == 2000
    assert q["q10_date"].not_future and q["q10_date"].earliest == date(2000, 1, 1)
    exclusive = {c.value for c in q["q21_6_reactions"].choices if c.exclusive}
    assert exclusive == {"特に反応はなかった", "通知・連絡をしていない"}
    # The form marks only 所属 and 氏名 必須: every other question, follow-ups included, may be declined.
    assert [q.id for q in survey.questions if not q.optional] == ["org", "respondent_name"]
    assert "移動中(車内・公共交通機関等)" in _choice_values(survey, "q11_place")
    assert "何度か行った(通算の回数を入力)" in _choice_values(survey, "q16_experience")
    assert q["q6_2_training_kinds"].title == "質問6‐2 研修歴を選択してください。"
    assert q["q21_2_burden_tasks"].title == "質問21‐2 負担を感じる業務"


def _choice_values(flow: Flow, question_id: str) -> list[str]:
    return [c.value for c in flow.by_id[question_id].choices]


@pytest.mark.parametrize("question_id", sorted(CONDITIONS))
def test_each_condition_both_ways(survey: Flow, question_id: str) -> None:
    """For every conditional question: some answer to what it depends on asks it, another hides it,
    and the engine agrees with the catalogue's rule on every choice of the deciding question."""
    question = survey.by_id[question_id]
    assert question.when is not None, f"{question_id} should be conditional"
    decider = _decider(question_id)
    base = _answers_reaching(survey, decider)
    outcomes = set()
    for value in _choice_values(survey, decider):
        answer: AnswerValue = [value] if survey.by_id[decider].type == "multi" else value
        answers: dict[str, AnswerValue] = {**base, decider: answer}
        expected = CONDITIONS[question_id](answers)
        assert is_asked(survey, answers, question_id) == expected, (decider, value)
        outcomes.add(expected)
    assert outcomes == {True, False}


def _decider(question_id: str) -> str:
    if question_id.endswith("_other"):
        return question_id.removesuffix("_other")
    return {
        "q6_2_training_kinds": "q6_training",
        "q9_contractor_rules": "q1_title",
        "q10_date": "q10_when_precision",
        "q10_time": "q10_when_precision",
        "q10_period": "q10_when_precision",
        "q16_count": "q16_experience",
        "q20_2_why_not": "q20_followed",
        "q21_2_burden_tasks": "q21_burden",
        "q21_3_report": "q21_2_burden_tasks",
        "q21_4_press": "q21_2_burden_tasks",
        "q21_5_notice": "q21_2_burden_tasks",
        "q25_2_alert_view": "q25_alert_known",
    }.get(question_id, "q_uses_contractors")


def _answers_reaching(flow: Flow, question_id: str) -> dict[str, AnswerValue]:
    """Answers that make `question_id` itself asked (its own deciders set to their asking value)."""
    reach: dict[str, dict[str, AnswerValue]] = {
        "q6_2_training_kinds": {"q6_training": "ある"},
        "q20_2_why_not": {"q20_followed": "実施しなかった"},
        "q21_2_burden_tasks": {"q21_burden": "負担だった"},
        "q21_3_report": {"q21_burden": "負担だった", "q21_2_burden_tasks": ["知事や主管課への報告"]},
        "q21_4_press": {"q21_burden": "負担だった", "q21_2_burden_tasks": ["報道対応"]},
        "q21_5_notice": {"q21_burden": "負担だった", "q21_2_burden_tasks": ["本人や関係者への通知・謝罪"]},
        "q25_2_alert_view": {"q25_alert_known": "知っていた"},
    }
    answers = dict(reach.get(question_id, {}))
    assert is_asked(flow, answers, question_id)
    return answers


def test_nested_condition_hides_grandchildren(survey: Flow) -> None:
    """q21_3 depends on q21_2, which depends on q21: an answer kept for q21_2 must not keep
    q21_3 asked once q21 says there was no burden."""
    answers: dict[str, AnswerValue] = {
        "q21_burden": "負担ではなかった",
        "q21_2_burden_tasks": ["知事や主管課への報告", "報道対応"],
    }
    asked = [q.id for q in asked_questions(survey, answers)]
    assert "q21_2_burden_tasks" not in asked and "q21_3_report" not in asked
    assert asked == expected_asked([q.id for q in survey.questions], answers)
