"""Applying answers: normalisation and every validation message, with nothing changed on error."""

from __future__ import annotations

from datetime import date

import pytest

from flows.answers import InvalidAnswer
from flows.engine import apply_answer, asked_questions
from flows.model import Flow

TODAY = date(2026, 11, 26)
EMPLOYED_10 = {"q3_years_employed": 10}


def apply(flow: Flow, answers: dict, question_id: str, raw: object):
    return apply_answer(flow, answers, question_id, raw, today=TODAY)


@pytest.mark.parametrize(
    ("raw", "expected"),
    [("3", 3), ("３", 3), ("3年目", 3), ("３年目", 3), (" 12 ", 12), ("約5", 5), (7, 7), ("50", 50)],
)
def test_year_counts_accept_what_people_type(survey: Flow, raw: object, expected: int) -> None:
    assert apply(survey, {}, "q3_years_employed", raw).value == expected


@pytest.mark.parametrize(
    ("question_id", "raw", "expected"),
    [
        ("q14_persons", "1,200人分", 1200),
        ("q14_persons", "１２００", 1200),
        ("q16_count", "通算30回程度", 30),
    ],
)
def test_counts_with_units(survey: Flow, question_id: str, raw: str, expected: int) -> None:
    answers = {"q16_experience": "何度か行った(通算の回数を入力)"}
    assert apply(survey, answers, question_id, raw).value == expected


@pytest.mark.parametrize(
    ("question_id", "answers", "raw", "message"),
    [
        ("q3_years_employed", {}, "三年", "数字で入力してください"),
        ("q3_years_employed", {}, "abc", "数字で入力してください"),
        ("q3_years_employed", {}, "3.5", "数字で入力してください"),
        ("q3_years_employed", {}, "0", "1以上50以下"),
        ("q3_years_employed", {}, "51", "1以上50以下"),
        ("q3_years_employed", {}, "-2", "1以上50以下"),
        ("q3_years_employed", {}, True, "数字で入力してください"),
        ("q14_persons", {}, "10000001", "1以上10,000,000以下"),
        ("q4_years_in_unit", EMPLOYED_10, "11", "より大きい数は入力できません"),
        ("q5_years_in_task", EMPLOYED_10, "12年目", "より大きい数は入力できません"),
        ("respondent_name", {}, "   ", "回答を入力してください"),
        ("respondent_name", {}, "あ" * 51, "50文字以内で入力してください(現在51文字)"),
        ("org", {}, None, "選択してください"),  # 所属 and 氏名 are the two required questions
        ("q1_title", {}, "部長", "選択肢の中から選んでください"),
        ("q13_info_kinds", {}, ["氏名", "血液型"], "選択肢の中から選んでください"),
        (
            "q21_6_reactions",
            {},
            ["特に反応はなかった", "理解を示してくれた"],
            "「特に反応はなかった」は他の選択肢と同時に選べません",
        ),
        ("q21_6_reactions", {}, ["通知・連絡をしていない", "特に反応はなかった"], "同時に選べません"),
        ("q10_date", {"q10_when_precision": "日付まで特定できる"}, "2026-11-27", "未来の日付は選べません"),
        ("q10_date", {"q10_when_precision": "日付まで特定できる"}, "2026-02-30", "日付を選んでください"),
        ("q10_time", {"q10_when_precision": "日時まで特定できる"}, "25:00", "時刻を選んでください"),
        ("org", {}, {"code": "", "name": "x"}, "所属を一覧から選んでください"),
        ("q23_measures", {}, "あ" * 2001, "2,000文字以内"),
        ("q9_contractor_rules", {"q1_title": "主任"}, "知っていた", "対象外"),
        ("nonexistent", {}, "x", "この調査にありません"),
    ],
)
def test_invalid_answers_get_japanese_messages_and_change_nothing(
    survey: Flow, question_id: str, answers: dict, raw: object, message: str
) -> None:
    before = dict(answers)
    with pytest.raises(InvalidAnswer) as caught:
        apply(survey, answers, question_id, raw)
    assert message in caught.value.message
    assert caught.value.question_id == question_id
    assert answers == before


def test_normalisation_of_choices_text_dates_and_times(survey: Flow) -> None:
    assert apply(survey, {}, "respondent_name", "  新潟 太郎\n").value == "新潟 太郎"
    assert apply(survey, {}, "q23_measures", "  一行目\r\n二行目  ").value == "一行目\n二行目"
    multi = apply(survey, {}, "q13_info_kinds", ["住所", "氏名", "住所"]).value
    assert multi == ["氏名", "住所"]  # in choice order, no duplicates
    precision = {"q10_when_precision": "日時まで特定できる"}
    assert apply(survey, precision, "q10_date", "２０２５/８/１").value == "2025-08-01"
    assert apply(survey, precision, "q10_date", "2026-11-26").value == "2026-11-26"  # today is fine
    assert apply(survey, precision, "q10_time", "9:05").value == "09:05"
    assert apply(survey, precision, "q10_time", "１０時３０分").value == "10:30"
    org = apply(survey, {}, "org", {"code": " 010020 ", "name": "総務部 法務文書課"}).value
    assert org == {"code": "010020", "name": "総務部 法務文書課"}


def test_optional_question_may_be_left_empty(survey: Flow) -> None:
    applied = apply(survey, {}, "q24_improvements", "   ")
    assert applied.value == "" and applied.answers["q24_improvements"] == ""
    # 「回答しない」 on the others: "" for one answer, [] for several, nothing for a number.
    assert apply(survey, {}, "q3_years_employed", "").value == ""
    assert apply(survey, {}, "q1_title", None).value == ""
    assert apply(survey, {}, "q13_info_kinds", []).value == []


def test_a_declined_answer_opens_no_branch(survey: Flow) -> None:
    """「回答しない」 is not an answer a condition can look at: not even ≠ すべて実施した."""
    declined = apply(survey, {}, "q20_followed", None)
    assert "q20_2_why_not" not in [q.id for q in asked_questions(survey, declined.answers)]
    followed = apply(survey, {}, "q20_followed", "一部実施しなかった")
    assert "q20_2_why_not" in [q.id for q in asked_questions(survey, followed.answers)]


def test_text_no_database_can_store_is_refused_or_cleaned(survey: Flow) -> None:
    with pytest.raises(InvalidAnswer, match="使えない文字"):
        apply(survey, {}, "q23_measures", "宛先を\ud800確認")
    cleaned = apply(survey, {}, "q23_measures", "宛先\x00を\x07確認\u200bする\x85").value
    assert cleaned == "宛先を確認する"


def test_a_date_before_the_earliest_plausible_one_is_refused(survey: Flow) -> None:
    precision = {"q10_when_precision": "日付まで特定できる"}
    with pytest.raises(InvalidAnswer, match="平成12年1月1日\\(土\\)以降の日付"):
        apply(survey, precision, "q10_date", "0002-08-15")
    assert apply(survey, precision, "q10_date", "2000-01-01").value == "2000-01-01"


def test_exclusive_choice_alone_is_fine(survey: Flow) -> None:
    assert apply(survey, {}, "q21_6_reactions", ["特に反応はなかった"]).value == ["特に反応はなかった"]
