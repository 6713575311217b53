"""The admin summary declared in the flow file: its check, and the values it shows for answers."""

from __future__ import annotations

from typing import Any

import pytest

from flows.answers import AnswerValue
from flows.lint import lint
from flows.load import load_flow_file, load_flow_text
from flows.model import DateSource, Flow, QuestionSource
from flows.summary import SummaryEntry, TextPart, summary_entries
from tests.flows.conftest import SURVEY_FILE
from tests.flows.test_lint import GOOD, flow_text, problems_of

# a: single with その他 (a_other), b: multi, c: integer, d: date, t: time, p: text.
QUESTIONS = (
    GOOD
    + """\
      - id: d
        type: date
        text: 日付
      - id: t
        type: time
        text: 時刻
      - id: p
        type: text
        text: 期間
        max_length: 50
"""
)


def with_summary(block: str) -> str:
    """The demo flow with an admin_summary: `admin_summary:` is line 32, the block starts at 33
    (with `fields:` there, the first field is line 34)."""
    return flow_text(QUESTIONS) + "admin_summary:\n" + block


GOOD_SUMMARY = """\
  heading: デモの回答が届きました
  fields:
    - {label: 回答A, question: a}
    - {label: Aのその他, question: a_other}
    - label: いつ
      first_of:
        - {date: d, time: t}
        - {date: d}
        - {question: p}
    - {label: 期間, question: p, masked: false}
"""


def test_a_good_summary_has_no_problems() -> None:
    assert problems_of(with_summary(GOOD_SUMMARY)) == []
    assert problems_of(with_summary("  fields: []\n")) == []  # the heading alone


@pytest.mark.parametrize(
    ("block", "expected"),
    [
        (
            "  fields:\n    - {label: X, question: zz}\n",
            "demo.yaml:34: admin_summary の質問「zz」はこのフローにありません",
        ),
        # a generated follow-up may be named, but only one that exists
        (
            "  fields:\n    - {label: X, question: c_other}\n",
            "demo.yaml:34: admin_summary の質問「c_other」はこのフローにありません",
        ),
        (
            "  fields:\n    - label: X\n      first_of:\n        - {question: p}\n        - {question: zz}\n",
            "demo.yaml:37: admin_summary の質問「zz」はこのフローにありません",
        ),
        (
            "  fields:\n    - label: X\n      first_of:\n        - {date: p}\n",
            "demo.yaml:36: admin_summary の date には date 型の質問を指定してください(「p」は text 型です)",
        ),
        (
            "  fields:\n    - label: X\n      first_of:\n        - date: d\n          time: c\n",
            "demo.yaml:37: admin_summary の time には time 型の質問を指定してください(「c」は integer 型です)",
        ),
        (
            "  fields:\n    - label: X\n      first_of:\n        - {date: d, time: zz}\n",
            "demo.yaml:36: admin_summary の質問「zz」はこのフローにありません",
        ),
        (
            "  heading: '" + "見" * 151 + "'\n",
            "demo.yaml:33: admin_summary の heading が Slack の上限 150 文字を超えています(151 文字)",
        ),
        (
            "  fields:\n    - {label: '" + "ラ" * 51 + "', question: a}\n",
            "demo.yaml:34: admin_summary の label「ララララララララララララララララララララ…」が 50 文字を超えています(51 文字)",
        ),
        (
            "  fields:\n    - {label: ' ', question: a}\n",
            "demo.yaml:34: admin_summary の label が空白だけです",
        ),
        (
            "  fields:\n" + "    - {label: X, question: a}\n" * 21,
            "demo.yaml:33: admin_summary の fields は 20 個までです(21 個)",
        ),
        # mistakes in shape, caught when the file is read
        ("  fields:\n    - {label: '', question: a}\n", "demo.yaml:34: 「label」を空にはできません"),
        ("  heading: ''\n", "demo.yaml:33: 「heading」を空にはできません"),
        (
            "  fields:\n    - {label: X, question: a, first_of: [{question: p}]}\n",
            "demo.yaml:34: question と first_of のどちらか一方だけを書いてください",
        ),
        ("  fields:\n    - {label: X}\n", "demo.yaml:34: question と first_of のどちらか一方だけ"),
        ("  fields:\n    - {label: X, first_of: []}\n", "demo.yaml:34: 「first_of」を空にはできません"),
        (
            "  fields:\n    - label: X\n      first_of:\n        - {question: a, date: d}\n",
            "demo.yaml:36: first_of の各行は {question: id} か {date: id, time: id} のどちらかで書いてください",
        ),
        (
            "  fields:\n    - label: X\n      first_of:\n        - {question: a, masked: false}\n",
            "demo.yaml:36: 「masked」という項目は使えません",
        ),
        (
            "  fields:\n    - {label: X, question: a, masked: no}\n",
            "demo.yaml:34: 「masked」は true か false",
        ),
    ],
)
def test_summary_mistakes_are_located_and_in_japanese(block: str, expected: str) -> None:
    found = problems_of(with_summary(block))
    assert any(expected in p for p in found), found


def test_summary_problems_do_not_hide_the_rest() -> None:
    text = with_summary("  fields:\n    - {label: X, question: zz}\n").replace("equals: はい", "equals: ハイ")
    found = problems_of(text)
    assert len(found) == 2 and "[b]" in found[0] and "「zz」" in found[1], found


# --- the shipped survey ------------------------------------------------------------------------


def test_the_shipped_survey_declares_its_summary(survey: Flow) -> None:
    assert lint(load_flow_file(SURVEY_FILE)) == []
    summary = survey.admin_summary
    assert summary is not None
    assert survey.summary_heading == "漏えい等事案の回答が届きました"
    assert [(f.label, f.question, f.masked) for f in summary.fields] == [
        ("所属", "org", False),
        ("回答者", "respondent_name", False),
        ("発生日時", None, True),
        ("漏えい等した情報", "q13_info_kinds", True),
        ("人数", "q14_persons", True),
        ("発覚の経緯", "q15_discovery", True),
        ("原因", "q22_causes", True),
    ]
    assert summary.fields[2].sources == (
        DateSource(date="q10_date", time="q10_time"),
        QuestionSource(question="q10_period"),
        QuestionSource(question="q10_when_precision"),
    )


def test_the_summary_survives_the_stored_json(survey: Flow) -> None:
    # storage keeps a flow version as this JSON (storage/flow_versions.py flow_definition)
    stored = survey.model_dump(mode="json", by_alias=True, exclude_none=False)
    assert Flow.model_validate(stored).admin_summary == survey.admin_summary


def test_the_default_heading() -> None:
    flow = load_flow_text(flow_text(QUESTIONS)).flow
    assert flow.admin_summary is None
    assert flow.summary_heading == "デモ調査: 回答が届きました"
    assert summary_entries(flow, {"a": "はい"}) == []
    headless = load_flow_text(with_summary("  fields: []\n")).flow
    assert headless.summary_heading == "デモ調査: 回答が届きました"


ANSWERS: dict[str, Any] = {
    "org": {"code": "010020", "name": "総務部 法務文書課"},
    "respondent_name": "新潟 太郎",
    "q10_when_precision": "日時まで特定できる",
    "q10_date": "2025-08-01",
    "q10_time": "10:30",
    "q13_info_kinds": ["氏名", "住所", "その他"],
    "q13_info_kinds_other": "電話 025-280-5021",
    "q14_persons": 5,
    "q15_discovery": "その他",
    "q15_discovery_other": "監査で判明",
    "q22_causes": ["確認不足(ダブルチェックの未実施等)", "思い込み・うっかり"],
}


def shown(entries: list[SummaryEntry]) -> dict[str, str]:
    """Each field as posted, with masked parts marked 《…》."""
    return {entry.label: entry.text(lambda text: f"《{text}》") for entry in entries}


def test_summary_values_of_the_shipped_survey(survey: Flow) -> None:
    assert shown(summary_entries(survey, ANSWERS)) == {
        "所属": "010020 総務部 法務文書課",
        "回答者": "新潟 太郎",  # free text, but the flow says this field is not masked
        "発生日時": "令和7年8月1日(金) 午前10時30分頃",
        "漏えい等した情報": "氏名、住所、その他(《電話 025-280-5021》)",
        "人数": "5人分",
        "発覚の経緯": "その他(《監査で判明》)",
        "原因": "確認不足(ダブルチェックの未実施等)、思い込み・うっかり",
    }


def test_parts_flag_only_what_the_respondent_typed(survey: Flow) -> None:
    entries = {entry.label: entry for entry in summary_entries(survey, ANSWERS)}
    assert entries["漏えい等した情報"].parts == (
        TextPart("氏名", False),
        TextPart("、", False),
        TextPart("住所", False),
        TextPart("、", False),
        TextPart("その他", False),
        TextPart("(", False),
        TextPart("電話 025-280-5021", True),
        TextPart(")", False),
    )
    assert entries["回答者"].parts == (TextPart("新潟 太郎", True),)
    assert not entries["回答者"].masked and entries["漏えい等した情報"].masked


def test_unanswered_fields_are_left_out(survey: Flow) -> None:
    assert list(shown(summary_entries(survey, {"q14_persons": 12}))) == ["人数"]
    assert summary_entries(survey, {}) == []


def test_other_without_its_text_yet(survey: Flow) -> None:
    answers: dict[str, AnswerValue] = {"q15_discovery": "その他", "q13_info_kinds": ["その他"]}
    assert shown(summary_entries(survey, answers)) == {"漏えい等した情報": "その他", "発覚の経緯": "その他"}


@pytest.mark.parametrize(
    ("answers", "expected"),
    [
        (
            {"q10_when_precision": "日時まで特定できる", "q10_date": "2025-08-01", "q10_time": "13:05"},
            "令和7年8月1日(金) 午後1時5分頃",
        ),
        ({"q10_when_precision": "日付まで特定できる", "q10_date": "2019-05-01"}, "令和元年5月1日(水)"),
        (
            {"q10_when_precision": "期間で特定できる", "q10_period": "8月1日から8月5日 担当 090-1234-5678"},
            "《8月1日から8月5日 担当 090-1234-5678》",
        ),
        ({"q10_when_precision": "特定できない"}, "特定できない"),
        # answered but not yet reached the date: the precision is what is known
        ({"q10_when_precision": "日付まで特定できる"}, "日付まで特定できる"),
    ],
)
def test_occurrence_falls_back_in_order(survey: Flow, answers: dict[str, Any], expected: str) -> None:
    assert shown(summary_entries(survey, answers)) == {"発生日時": expected}


def test_fallbacks_skip_empty_answers() -> None:
    flow = load_flow_text(with_summary(GOOD_SUMMARY)).flow
    entries = shown(summary_entries(flow, {"p": "", "a": "その他", "a_other": "メモ"}))
    # "いつ" has no date and an empty p: nothing to show; nor has the p field (回答しない).
    assert entries == {"回答A": "その他(《メモ》)", "Aのその他": "《メモ》"}
    assert shown(summary_entries(flow, {"d": "2025-08-01", "t": "", "p": "x"}))["いつ"] == "令和7年8月1日(金)"


def test_a_field_naming_a_question_the_flow_lacks_is_left_out() -> None:
    # Only a flow that skipped the check can do this; the rest of the summary still renders.
    flow = Flow.model_validate(
        {
            **load_flow_text(flow_text(QUESTIONS)).flow.model_dump(by_alias=True),
            "admin_summary": {"fields": [{"label": "X", "question": "zz"}, {"label": "A", "question": "a"}]},
        }
    )
    assert shown(summary_entries(flow, {"zz": "x", "a": "はい"})) == {"A": "はい"}
