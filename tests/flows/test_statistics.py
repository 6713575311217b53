"""The statistics declared in the flow file (its check), and the counts of submissions."""

from __future__ import annotations

import re
import statistics as stdlib_statistics
from collections import Counter
from collections.abc import Iterator, Mapping
from datetime import date, timedelta
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from flows.lint import lint
from flows.load import load_flow_file, load_flow_text
from flows.model import CrossTabSpec, Flow, StatisticsSpec
from flows.statistics import (
    NO_ORG,
    ChoiceTable,
    CrossTab,
    NumberSummary,
    OptionCount,
    Statistics,
    compute_statistics,
    histogram_bins,
)
from tests.flows.conftest import SURVEY_FILE
from tests.flows.test_lint import flow_text, problems_of

# org: org (line 8), a: single with その他 (11), b: multi with an exclusive なし (16),
# c: integer 1–50 年目 (22), n: integer 1–10,000,000 人分 (29), p: text (36).
QUESTIONS = """\
      - id: org
        type: org
        text: 所属
      - id: a
        type: single
        optional: true
        text: 質問A
        choices: [はい, いいえ, {value: その他, other: true}]
      - id: b
        type: multi
        optional: true
        title: 質問B
        text: 当てはまるものを選んでください
        choices: [x, {value: y, label: ワイ}, {value: なし, exclusive: true}]
      - id: c
        type: integer
        optional: true
        text: 何年目ですか
        min: 1
        max: 50
        unit: 年目
      - id: n
        type: integer
        optional: true
        text: 何人分ですか
        min: 1
        max: 10000000
        unit: 人分
      - id: p
        type: text
        optional: true
        text: 期間
        max_length: 50
"""


def with_statistics(block: str) -> str:
    """The demo flow with a statistics section: `statistics:` is line 41, the block starts at 42
    (with `cross_tabs:` there, the first cross tab is line 43)."""
    return flow_text(QUESTIONS) + "statistics:\n" + block


GOOD_STATISTICS = """\
  cross_tabs:
    - {title: A × B, rows: a, columns: b}
    - {title: B × 部局, rows: b, columns: org, department_digits: 2}
    - title: 部局 × A
      rows: org
      columns: a
      department_digits: 3
    - {title: B どうし, rows: b, columns: b}
"""


def demo(block: str = GOOD_STATISTICS) -> Flow:
    return load_flow_text(with_statistics(block)).flow


# --- the check ---------------------------------------------------------------------------------


def test_good_statistics_have_no_problems() -> None:
    assert problems_of(with_statistics(GOOD_STATISTICS)) == []
    assert problems_of(with_statistics("  cross_tabs: []\n")) == []
    assert problems_of(flow_text(QUESTIONS) + "statistics: {}\n") == []


def test_the_line_numbers_of_the_demo() -> None:
    text = with_statistics(GOOD_STATISTICS).splitlines()
    assert text[7] == "      - id: org" and text[35] == "      - id: p"
    assert text[40] == "statistics:" and text[42].startswith("    - {title: A × B")


@pytest.mark.parametrize(
    ("block", "expected"),
    [
        (
            "  cross_tabs:\n    - {title: X, rows: zz, columns: a}\n",
            "demo.yaml:43: 集計表「X」の rows の質問「zz」はこのフローにありません。id を確認してください。",
        ),
        (
            "  cross_tabs:\n    - title: X\n      rows: a\n      columns: zz\n",
            "demo.yaml:45: 集計表「X」の columns の質問「zz」はこのフローにありません",
        ),
        (
            "  cross_tabs:\n    - {title: X, rows: c, columns: a}\n",
            "demo.yaml:43: 集計表「X」の rows には選択式(single / multi)の質問か、所属(org)の質問を"
            "指定してください(「c」は integer 型です)。",
        ),
        # a generated その他 follow-up is free text
        (
            "  cross_tabs:\n    - title: X\n      rows: a\n      columns: a_other\n",
            "demo.yaml:45: 集計表「X」の columns には選択式(single / multi)の質問か、所属(org)の質問を"
            "指定してください(「a_other」は text 型です)。",
        ),
        (
            "  cross_tabs:\n    - title: X\n      rows: a\n      columns: org\n",
            "demo.yaml:45: 集計表「X」の columns は所属(org)の質問です。部局ごとに数えるため、"
            "department_digits(所属コードの先頭の桁数、例: 2)を書いてください。",
        ),
        (
            "  cross_tabs:\n    - title: X\n      rows: a\n      columns: b\n      department_digits: 2\n",
            "demo.yaml:46: 集計表「X」の department_digits は、rows か columns に所属(org)の質問を"
            "指定したときだけ書けます。",
        ),
        (
            "  cross_tabs:\n    - {title: ' ', rows: a, columns: b}\n",
            "demo.yaml:43: 集計表の title が空白だけです。表の見出しを書いてください。",
        ),
        (
            "  cross_tabs:\n    - title: '" + "表" * 101 + "'\n      rows: a\n      columns: b\n",
            "demo.yaml:43: 集計表の title「表表表表表表表表表表表表表表表表表表表表…」が 100 文字を超えています(101 文字)。",
        ),
        (
            "  cross_tabs:\n    - {title: X, rows: a, columns: b}\n    - {title: X, rows: b, columns: a}\n",
            "demo.yaml:44: 集計表の title「X」が重複しています。表ごとに別の見出しにしてください。",
        ),
        (
            "  cross_tabs:\n" + "".join(f"    - {{title: 表{i}, rows: a, columns: b}}\n" for i in range(21)),
            "demo.yaml:42: statistics の cross_tabs は 20 個までです(21 個)。よく見る組み合わせに絞ってください。",
        ),
        # mistakes in shape, caught when the file is read
        (
            "  cross_tabs:\n    - {title: '', rows: a, columns: b}\n",
            "demo.yaml:43: 「title」を空にはできません",
        ),
        ("  cross_tabs:\n    - {title: X, rows: a}\n", "demo.yaml:43: 「columns」がありません"),
        (
            "  cross_tabs:\n    - {title: X, row: a, columns: b}\n",
            "demo.yaml:43: 「row」という項目は使えません",
        ),
        ("  cross_tab: []\n", "demo.yaml:42: 「cross_tab」という項目は使えません"),
        (
            "  cross_tabs:\n    - title: X\n      rows: org\n      columns: a\n      department_digits: 0\n",
            "demo.yaml:46: 「department_digits」は 1 以上にしてください。",
        ),
        (
            "  cross_tabs:\n    - title: X\n      rows: org\n      columns: a\n      department_digits: '2'\n",
            "demo.yaml:46: 「department_digits」は整数で書いてください。",
        ),
        (
            "  cross_tabs:\n    - {title: X, rows: A, columns: b}\n",
            "demo.yaml:43: 「rows」は半角英小文字で始め",
        ),
        ("  cross_tabs: {title: X}\n", "demo.yaml:42: 「cross_tabs」はリスト(- で始まる行)で書いてください"),
    ],
)
def test_statistics_mistakes_are_located_and_in_japanese(block: str, expected: str) -> None:
    found = problems_of(with_statistics(block))
    assert any(expected in p for p in found), found


def test_each_side_is_reported() -> None:
    found = problems_of(with_statistics("  cross_tabs:\n    - title: X\n      rows: zz\n      columns: p\n"))
    assert [p.split(" 集計表")[0] for p in found] == ["demo.yaml:44:", "demo.yaml:45:"], found


def test_a_misspelt_org_is_reported_once() -> None:
    block = "  cross_tabs:\n    - {title: X, rows: a, columns: orgg, department_digits: 2}\n"
    assert problems_of(with_statistics(block)) == [
        "demo.yaml:43: 集計表「X」の columns の質問「orgg」はこのフローにありません。id を確認してください。"
    ]


def test_statistics_problems_do_not_hide_the_rest() -> None:
    text = with_statistics("  cross_tabs:\n    - {title: X, rows: zz, columns: a}\n").replace(
        "max_length: 50", "max_length: 50\n        when: {question: a, equals: ハイ}"
    )
    found = problems_of(text)
    assert len(found) == 2 and "[p]" in found[0] and "「zz」" in found[1], found


def test_the_shipped_survey_declares_its_cross_tabs(survey: Flow) -> None:
    assert lint(load_flow_file(SURVEY_FILE)) == []
    assert survey.statistics == StatisticsSpec(
        cross_tabs=[
            CrossTabSpec(title="原因 × 事務の内容", rows="q22_causes", columns="q12_task"),
            CrossTabSpec(title="原因 × 忙しさ", rows="q22_causes", columns="q18_busyness"),
            CrossTabSpec(title="原因 × マルチタスク", rows="q22_causes", columns="q19_multitask"),
            CrossTabSpec(title="手順どおり × ルール認知", rows="q20_followed", columns="q8_rule_steps"),
            CrossTabSpec(title="原因 × 部局", rows="q22_causes", columns="org", department_digits=2),
        ]
    )


def test_the_statistics_survive_the_stored_json(survey: Flow) -> None:
    # storage keeps a flow version as this JSON (storage/flow_versions.py flow_definition)
    stored = survey.model_dump(mode="json", by_alias=True, exclude_none=False)
    assert Flow.model_validate(stored).statistics == survey.statistics
    # a version stored before the section existed still reads
    del stored["statistics"]
    assert Flow.model_validate(stored).statistics is None


# --- the counts --------------------------------------------------------------------------------

DAY = date(2026, 4, 10)
Submissions = list[tuple[dict[str, Any], date]]


def counts(table: ChoiceTable | NumberSummary) -> dict[str, int]:
    """An option's count by label (a number's histogram bins)."""
    options = table.histogram if isinstance(table, NumberSummary) else table.options
    return {option.label: option.count for option in options}


def table(result: Statistics, question_id: str) -> ChoiceTable:
    return next(t for t in result.choices if t.question_id == question_id)


def number(result: Statistics, question_id: str) -> NumberSummary:
    return next(t for t in result.numbers if t.question_id == question_id)


def test_no_submissions() -> None:
    result = compute_statistics(demo(), [])
    assert result.submissions == 0 and result.per_month == ()
    assert [(t.question_id, t.respondents, t.unanswered) for t in result.choices] == [
        ("a", 0, 0),
        ("b", 0, 0),
    ]
    assert counts(table(result, "a")) == {"はい": 0, "いいえ": 0, "その他": 0}
    assert number(result, "c") == NumberSummary("c", "何年目ですか", "年目", 0, None, None, None, ())
    assert result.cross_tabs[0] == CrossTab(
        "A × B", ("はい", "いいえ", "その他"), ("x", "ワイ", "なし"), ((0, 0, 0),) * 3, 0
    )
    assert result.cross_tabs[1].column_labels == ()  # no department seen yet


def test_every_choice_question_in_flow_order_and_no_follow_ups(survey: Flow) -> None:
    result = compute_statistics(survey, [])
    expected = [q.id for q in survey.questions if q.type in ("single", "multi")]
    assert [t.question_id for t in result.choices] == expected
    assert "q1_title" in expected and not any(t.question_id.endswith("_other") for t in result.choices)
    assert [n.question_id for n in result.numbers] == [
        "q3_years_employed",
        "q4_years_in_unit",
        "q5_years_in_task",
        "q14_persons",
        "q16_count",
    ]
    assert table(result, "q6_training").title == "質問6 研修歴"  # the heading, as the review says it
    assert table(result, "q_uses_contractors").title.startswith("所属では")  # no heading: the text
    assert survey.statistics is not None
    assert [c.title for c in result.cross_tabs] == [c.title for c in survey.statistics.cross_tabs]


def test_a_multi_question_shares_are_of_its_respondents() -> None:
    submissions: Submissions = [
        ({"b": ["x", "y"]}, DAY),
        ({"b": ["x"]}, DAY),
        ({"b": ["なし"]}, DAY),
        ({"b": []}, DAY),  # 回答しない
        ({"a": "はい"}, DAY),  # not asked b
    ]
    b = table(compute_statistics(demo(), submissions), "b")
    assert b == ChoiceTable(
        question_id="b",
        title="質問B",
        multi=True,
        respondents=3,
        unanswered=2,
        options=(OptionCount("x", 2), OptionCount("ワイ", 1), OptionCount("なし", 1)),
    )
    # the shares a chart shows: of the 3 who answered, not of the 4 ticks nor of the 5 submissions
    assert [round(o.count / b.respondents, 2) for o in b.options] == [0.67, 0.33, 0.33]


def test_declined_is_unanswered_not_an_option() -> None:
    submissions = [({"a": "はい"}, DAY), ({"a": ""}, DAY), ({"a": "いいえ"}, DAY), ({}, DAY)]
    a = table(compute_statistics(demo(), submissions), "a")
    assert (a.multi, a.respondents, a.unanswered) == (False, 2, 2)
    assert counts(a) == {"はい": 1, "いいえ": 1, "その他": 0}
    assert "回答しない" not in counts(a) and "" not in counts(a)


def test_values_of_older_versions_come_after_the_current_choices() -> None:
    submissions: Submissions = [
        ({"a": "多分"}, DAY),  # an option an older version offered
        ({"a": "はい"}, DAY),
        ({"a": "多分"}, DAY),
        ({"a": "ああ"}, DAY),
        ({"b": ["x", "z"]}, DAY),
        ({"b": "y"}, DAY),  # stored when b was a single question
    ]
    result = compute_statistics(demo(), submissions)
    assert table(result, "a").options == (
        OptionCount("はい", 1),
        OptionCount("いいえ", 0),
        OptionCount("その他", 0),
        OptionCount("ああ", 1),
        OptionCount("多分", 2),
    )
    assert counts(table(result, "b")) == {"x": 1, "ワイ": 1, "なし": 0, "z": 1}
    assert table(result, "b").respondents == 2
    assert result.cross_tabs[0].row_labels == ("はい", "いいえ", "その他")  # 多分 never met a b answer


def test_a_value_stored_twice_counts_once() -> None:
    result = compute_statistics(demo(), [({"b": ["x", "x", "y"], "a": "はい"}, DAY)])
    assert counts(table(result, "b")) == {"x": 1, "ワイ": 1, "なし": 0}
    assert result.cross_tabs[0].cells[0] == (1, 1, 0)


def test_every_month_from_the_first_to_the_last() -> None:
    days = [date(2025, 11, 30), date(2026, 2, 1), date(2026, 2, 28), date(2025, 11, 1)]
    result = compute_statistics(demo(), (({}, day) for day in days))  # a generator: read once
    assert result.submissions == 4
    assert result.per_month == (
        OptionCount("2025-11", 2),
        OptionCount("2025-12", 0),
        OptionCount("2026-01", 0),
        OptionCount("2026-02", 2),
    )
    assert compute_statistics(demo(), [({}, DAY)]).per_month == (OptionCount("2026-04", 1),)


def test_numbers_median_ends_and_one_bin_per_value_when_few() -> None:
    submissions = [({"c": value}, DAY) for value in (3, 1, 3, 8)] + [({"c": ""}, DAY), ({}, DAY)]
    c = number(compute_statistics(demo(), submissions), "c")
    assert (c.title, c.unit, c.count, c.median, c.minimum, c.maximum) == (
        "何年目ですか",
        "年目",
        4,
        3.0,
        1,
        8,
    )
    assert counts(c) == {f"{v}年目": n for v, n in zip(range(1, 9), (1, 0, 2, 0, 0, 0, 0, 1), strict=True)}
    even = number(compute_statistics(demo(), [({"c": 2}, DAY), ({"c": 5}, DAY)]), "c")
    assert even.median == 3.5


def test_numbers_over_a_wide_range_bin_by_five() -> None:
    submissions = [({"c": value}, DAY) for value in (1, 5, 6, 12, 50, 49, 23)]
    c = number(compute_statistics(demo(), submissions), "c")
    assert counts(c) == {
        "1〜5年目": 2,
        "6〜10年目": 1,
        "11〜15年目": 1,
        "16〜20年目": 0,
        "21〜25年目": 1,
        "26〜30年目": 0,
        "31〜35年目": 0,
        "36〜40年目": 0,
        "41〜45年目": 0,
        "46〜50年目": 2,
    }
    assert c.median == 12.0


def test_bins_stop_at_what_the_question_accepts() -> None:
    submissions = [({"c": value}, DAY) for value in (1, 21, 44)]  # width 5 … 1〜45; 41〜45 stays
    assert list(counts(number(compute_statistics(demo(), submissions), "c")))[-1] == "41〜45年目"
    submissions = [({"c": value}, DAY) for value in (1, 33, 50)]
    assert list(counts(number(compute_statistics(demo(), submissions), "c")))[-1] == "46〜50年目"


def test_numbers_over_orders_of_magnitude_grow_by_one_five_ten() -> None:
    submissions = [({"n": value}, DAY) for value in (1, 1, 3, 40, 120, 800)]
    n = number(compute_statistics(demo(), submissions), "n")
    assert counts(n) == {
        "1人分": 2,
        "2〜5人分": 1,
        "6〜10人分": 0,
        "11〜50人分": 1,
        "51〜100人分": 0,
        "101〜500人分": 1,
        "501〜1,000人分": 1,
    }
    huge = number(compute_statistics(demo(), [({"n": 2}, DAY), ({"n": 9_999_999}, DAY)]), "n")
    assert list(counts(huge)) == [
        "2〜10人分",  # no 1: the bins start at the lowest answer
        "11〜100人分",
        "101〜1,000人分",
        "1,001〜10,000人分",
        "10,001〜100,000人分",
        "100,001〜1,000,000人分",
        "1,000,001〜10,000,000人分",
    ]
    assert huge.median == 5_000_000.5


@pytest.mark.parametrize(
    ("low", "high", "expected"),
    [
        (7, 7, [(7, 7)]),
        (1, 10, [(v, v) for v in range(1, 11)]),
        (3, 30, [(1, 5), (6, 10), (11, 15), (16, 20), (21, 25), (26, 30)]),
        (120, 400, [(101, 150), (151, 200), (201, 250), (251, 300), (301, 350), (351, 400)]),
        (0, 1000, [(0, 0), (1, 1), (2, 5), (6, 10), (11, 50), (51, 100), (101, 500), (501, 1000)]),
        (-5, 20, [(-9, -5), (-4, 0), (1, 5), (6, 10), (11, 15), (16, 20)]),
    ],
)
def test_histogram_bins(low: int, high: int, expected: list[tuple[int, int]]) -> None:
    assert histogram_bins(low, high) == expected


def test_values_that_are_not_numbers_are_not_counted() -> None:
    submissions: Submissions = [({"c": "3"}, DAY), ({"c": True}, DAY), ({"c": 4}, DAY), ({"c": None}, DAY)]
    c = number(compute_statistics(demo(), submissions), "c")
    assert (c.count, c.median) == (1, 4.0)


def test_a_cross_tab_with_a_multi_side_counts_each_chosen_value() -> None:
    submissions: Submissions = [
        ({"a": "はい", "b": ["x", "y"]}, DAY),
        ({"a": "はい", "b": ["x"]}, DAY),
        ({"a": "いいえ", "b": ["なし"]}, DAY),
        ({"a": "いいえ"}, DAY),  # b not asked: not in the table
        ({"a": "", "b": ["x"]}, DAY),  # a declined: not in the table
        ({"b": ["y"]}, DAY),
    ]
    tab = compute_statistics(demo(), submissions).cross_tabs[0]
    assert tab == CrossTab(
        title="A × B",
        row_labels=("はい", "いいえ", "その他"),
        column_labels=("x", "ワイ", "なし"),
        cells=((2, 1, 0), (0, 0, 1), (0, 0, 0)),
        respondents=3,
    )


def test_a_multi_question_by_itself_counts_values_chosen_together() -> None:
    submissions = [({"b": ["x", "y"]}, DAY), ({"b": ["x"]}, DAY)]
    tab = compute_statistics(demo(), submissions).cross_tabs[3]
    assert tab.title == "B どうし" and tab.cells == ((2, 1, 0), (1, 1, 0), (0, 0, 0))


def test_departments_are_the_first_digits_of_the_code() -> None:
    submissions: Submissions = [
        ({"org": {"code": "010020", "name": "総務部 法務文書課"}, "b": ["x", "y"]}, DAY),
        ({"org": {"code": "012000", "name": "総務部 人事課"}, "b": ["x"]}, DAY),
        ({"org": {"code": "020110", "name": "知事政策局"}, "b": ["y"], "a": "はい"}, DAY),
        ({"org": {"code": "", "name": ""}, "b": ["x"]}, DAY),
        ({"b": ["なし"], "a": "いいえ"}, DAY),  # no org stored
        ({"org": {"code": "020200", "name": "知事政策局 広報広聴課"}, "b": []}, DAY),  # b declined
    ]
    result = compute_statistics(demo(), submissions)
    by_department = result.cross_tabs[1]
    assert by_department == CrossTab(
        title="B × 部局",
        row_labels=("x", "ワイ", "なし"),
        column_labels=("01", "02", NO_ORG),
        cells=((2, 0, 1), (1, 1, 0), (0, 0, 1)),
        respondents=5,
    )
    assert NO_ORG == "(所属なし)"
    rows = result.cross_tabs[2]  # org as the rows, three digits
    assert (rows.row_labels, rows.column_labels) == (("020", NO_ORG), ("はい", "いいえ", "その他"))
    assert rows.cells == ((1, 0, 0), (0, 1, 0)) and rows.respondents == 2


def test_the_shipped_survey_by_department(survey: Flow) -> None:
    submissions: Submissions = [
        ({"org": {"code": "010020", "name": "総務部"}, "q22_causes": ["思い込み・うっかり"]}, DAY),
        ({"org": {"code": "150300", "name": "教育庁"}, "q22_causes": ["思い込み・うっかり", "その他"]}, DAY),
    ]
    tab = next(t for t in compute_statistics(survey, submissions).cross_tabs if t.title == "原因 × 部局")
    assert tab.column_labels == ("01", "15") and tab.respondents == 2
    assert tab.row_labels[1] == "思い込み・うっかり" and tab.cells[1] == (1, 1)
    assert tab.row_labels[-1] == "その他" and tab.cells[-1] == (0, 1)


# --- every count against a naive count of generated submissions ------------------------------

SURVEY = load_flow_file(SURVEY_FILE).flow
CHOICE_QUESTIONS = [q for q in SURVEY.questions if q.type in ("single", "multi") and q.follow_up_of is None]
ORGS = [{"code": code, "name": "課"} for code in ("010020", "012000", "020110", "150300", "7")] + [
    {"code": "", "name": ""}
]
OLD_VALUES = ["旧選択肢", "廃止された選択肢"]


@st.composite
def submission(draw: st.DrawFn) -> tuple[dict[str, Any], date]:
    answers: dict[str, Any] = {}
    for question in CHOICE_QUESTIONS:
        values = [c.value for c in question.choices] + OLD_VALUES
        if question.type == "single":
            value: str | list[str] | None = draw(st.none() | st.sampled_from([*values, ""]))  # "": 回答しない
        else:
            value = draw(st.none() | st.lists(st.sampled_from(values), unique=True, max_size=4))
        if value is not None:
            answers[question.id] = value
    for question_id, high in (("q3_years_employed", 50), ("q14_persons", 10_000_000), ("q16_count", 300)):
        amount: str | int | None = draw(st.none() | st.just("") | st.integers(1, high))
        if amount is not None:
            answers[question_id] = amount
    org = draw(st.none() | st.sampled_from(ORGS))
    if org is not None:
        answers["org"] = org
    day = date(2025, 9, 1) + timedelta(days=draw(st.integers(0, 500)))
    return answers, day


def as_values(value: Any) -> list[str]:
    if value is None or value == "" or value == []:
        return []
    return list(value) if isinstance(value, list) else [value]


def naive_choices(
    flow: Flow, question_id: str, submissions: list[tuple[dict[str, Any], date]]
) -> ChoiceTable:
    question = flow.by_id[question_id]
    chosen: Counter[str] = Counter()
    respondents = 0
    for answers, _ in submissions:
        values = as_values(answers.get(question_id))
        respondents += bool(values)
        chosen.update(set(values))
    labels = {c.value: c.display for c in question.choices}
    order = [c.value for c in question.choices] + sorted(set(chosen) - set(labels))
    return ChoiceTable(
        question_id=question_id,
        title=question.label,
        multi=question.type == "multi",
        respondents=respondents,
        unanswered=len(submissions) - respondents,
        options=tuple(OptionCount(labels.get(value, value), chosen[value]) for value in order),
    )


def naive_cross_tab(
    flow: Flow, spec: CrossTabSpec, submissions: list[tuple[dict[str, Any], date]]
) -> tuple[dict[tuple[str, str], int], int]:
    def keys(question_id: str, answers: Mapping[str, Any]) -> list[str]:
        value = answers.get(question_id)
        if flow.by_id[question_id].type == "org":
            code = value.get("code") if isinstance(value, dict) else ""
            return [code[: spec.department_digits] if code else NO_ORG]
        known = flow.by_id[question_id].choice_by_value
        return [known[v].display if v in known else v for v in as_values(value)]

    cells: Counter[tuple[str, str]] = Counter()
    respondents = 0
    for answers, _ in submissions:
        pairs = [(r, c) for r in keys(spec.rows, answers) for c in keys(spec.columns, answers)]
        respondents += bool(pairs)
        cells.update(pairs)
    return dict(cells), respondents


def bins_of(summary: NumberSummary) -> list[tuple[int, int, int]]:
    """(first, last, count) read back from the labels: "1,001〜5,000人分", "3年目"."""
    found = []
    for option in summary.histogram:
        match = re.fullmatch(r"(-?[\d,]+)(?:〜(-?[\d,]+))?" + re.escape(summary.unit or ""), option.label)
        assert match, option.label
        first = int(match[1].replace(",", ""))
        last = int((match[2] or match[1]).replace(",", ""))
        found.append((first, last, option.count))
    return found


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(submission(), max_size=25))
def test_every_count_is_a_naive_count(submissions: list[tuple[dict[str, Any], date]]) -> None:
    result = compute_statistics(SURVEY, iter(submissions))
    assert result.submissions == len(submissions)

    months = Counter(f"{day.year}-{day.month:02d}" for _, day in submissions)
    assert {m.label: m.count for m in result.per_month if m.count} == dict(months)
    assert sum(m.count for m in result.per_month) == len(submissions)
    if submissions:
        first, last = min(d for _, d in submissions), max(d for _, d in submissions)
        assert len(result.per_month) == (last.year - first.year) * 12 + last.month - first.month + 1

    assert result.choices == tuple(naive_choices(SURVEY, q.id, submissions) for q in CHOICE_QUESTIONS)

    for summary in result.numbers:
        values = [a[summary.question_id] for a, _ in submissions if type(a.get(summary.question_id)) is int]
        assert summary.count == len(values)
        assert summary.median == (float(stdlib_statistics.median(values)) if values else None)
        assert (summary.minimum, summary.maximum) == ((min(values), max(values)) if values else (None, None))
        bins = bins_of(summary)
        assert len(bins) <= 11
        for (_, end, _), (start, _, _) in zip(bins, bins[1:], strict=False):
            assert start == end + 1  # consecutive
        for start, end, count in bins:
            assert count == sum(1 for v in values if start <= v <= end)
        assert sum(count for _, _, count in bins) == len(values)

    assert SURVEY.statistics is not None
    for tab, spec in zip(result.cross_tabs, SURVEY.statistics.cross_tabs, strict=True):
        cells, respondents = naive_cross_tab(SURVEY, spec, submissions)
        assert tab.title == spec.title and tab.respondents == respondents
        shown = {
            (row, column): tab.cells[i][j]
            for i, row in enumerate(tab.row_labels)
            for j, column in enumerate(tab.column_labels)
            if tab.cells[i][j]
        }
        assert shown == cells
        assert len(set(tab.row_labels)) == len(tab.row_labels)


def test_submissions_are_read_once() -> None:
    read: list[int] = []

    def once() -> Iterator[tuple[dict[str, Any], date]]:
        for index in range(3):
            read.append(index)
            yield {"a": "はい"}, DAY

    assert table(compute_statistics(demo(), once()), "a").respondents == 3 and read == [0, 1, 2]
