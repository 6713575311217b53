"""What the fuzz test (tests/bot/test_fuzz.py) sent that the answers module did not expect.

* A text answer of invisible marks only (a zero-width space, a byte order mark, a line separator) is
  nothing typed: refused for a required question, 「回答しない」 ("") for an optional one. 氏名 was
  stored as "" after "\\u200b".
* A number of thousands of digits, typed as a count or as a choice's number in the message box, is
  refused with the usual message: int() raised ValueError past 4,300 digits.
"""

from __future__ import annotations

import pytest

from flows.answers import InvalidAnswer, choice_from_text
from flows.engine import apply_answer
from flows.model import Flow

INVISIBLE = ["\u200b", "\ufeff", "\u200b\u2028\ufeff", " \u200b "]


@pytest.mark.parametrize("raw", INVISIBLE)
def test_invisible_marks_are_no_answer_to_a_required_question(survey: Flow, raw: str) -> None:
    with pytest.raises(InvalidAnswer, match="回答を入力してください"):
        apply_answer(survey, {}, "respondent_name", raw)


@pytest.mark.parametrize("raw", INVISIBLE)
def test_invisible_marks_leave_an_optional_question_unanswered(survey: Flow, raw: str) -> None:
    assert apply_answer(survey, {}, "q23_measures", raw).value == ""


@pytest.mark.parametrize("raw", ["9" * 5000, "9" * 19, "-" + "1" * 5000])
def test_a_count_of_thousands_of_digits_is_refused(survey: Flow, raw: str) -> None:
    with pytest.raises(InvalidAnswer, match="数字で入力してください"):
        apply_answer(survey, {}, "q3_years_employed", raw)


def test_a_count_of_eighteen_digits_is_out_of_range(survey: Flow) -> None:
    with pytest.raises(InvalidAnswer, match="1以上50以下"):
        apply_answer(survey, {}, "q3_years_employed", "9" * 18)


@pytest.mark.parametrize("typed", ["9" * 5000, "0001", "٣٣٣٣"])
def test_a_choice_number_of_many_digits_is_refused(survey: Flow, typed: str) -> None:
    with pytest.raises(InvalidAnswer, match="選択肢の番号"):
        choice_from_text(survey.by_id["q1_title"], typed)


def test_a_choice_by_its_number_still_works(survey: Flow) -> None:
    assert choice_from_text(survey.by_id["q1_title"], "２") == "主任"
