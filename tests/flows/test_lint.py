"""The loader and the lint catch each kind of mistake, naming the file, line and question."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from flows.__main__ import main
from flows.lint import lint
from flows.load import FlowFileError, load_flow_text
from tests.flows.conftest import SURVEY_FILE

HEADER = """\
id: demo
title: デモ調査
open_period: {start: "2025-08-28T11:00:00+09:00"}
items:
  - id: main
    title: 項目1
    questions:
"""


def flow_text(questions: str) -> str:
    return HEADER + questions


GOOD = """\
      - id: a
        type: single
        text: 質問A
        choices: [はい, いいえ, {value: その他, other: true}]
      - id: b
        type: multi
        text: 質問B
        choices: [x, y, {value: なし, exclusive: true}]
        when: {question: a, equals: はい}
      - id: c
        type: integer
        text: 質問C
        min: 1
        max: 5
"""


def problems_of(text: str) -> list[str]:
    try:
        loaded = load_flow_text(text, source="demo.yaml")
    except FlowFileError as error:
        return [str(p) for p in error.problems]
    return [str(p) for p in lint(loaded)]


def test_a_good_flow_has_no_problems() -> None:
    assert problems_of(flow_text(GOOD)) == []


def test_yes_and_no_stay_text() -> None:
    loaded = load_flow_text(
        flow_text("""\
      - id: a
        type: single
        text: 質問A
        choices: [yes, no, on, off]
""")
    )
    assert [c.value for c in loaded.flow.by_id["a"].choices] == ["yes", "no", "on", "off"]


@pytest.mark.parametrize(
    ("questions", "expected"),
    [
        # a typo in a key
        (
            "      - id: a\n        type: single\n        text: A\n        choice: [x]\n",
            "demo.yaml:11: [a] 「choice」という項目は使えません",
        ),
        # an unknown type
        (
            "      - id: a\n        type: number\n        text: A\n",
            "demo.yaml:9: [a] 「type」は次のどれかにしてください",
        ),
        # a code that YAML would read as a number
        (
            "      - id: a\n        type: single\n        text: A\n        choices: [010020]\n",
            "demo.yaml:11: [a] 選択肢 10020 は文字列で書いてください",
        ),
        # a required field missing
        ("      - id: a\n        type: single\n        choices: [x]\n", "[a] 「text」がありません"),
        # a badly shaped condition
        (
            "      - id: a\n        type: single\n        text: A\n        choices: [x]\n        when: {question: a, is: x}\n",
            "条件は equals / not_equals / in / includes / all / any / not のどれか一つ",
        ),
        # fields that do not fit the type
        (
            "      - id: a\n        type: integer\n        text: A\n",
            "integer 型の質問には min と max が必要です",
        ),
        (
            "      - id: a\n        type: single\n        text: A\n        choices: [x]\n        max_length: 3\n",
            "max_length は text / long_text 型の質問にだけ書けます",
        ),
        (
            "      - id: A-1\n        type: single\n        text: A\n        choices: [x]\n",
            "半角英小文字で始め",
        ),
    ],
)
def test_load_errors_are_located_and_in_japanese(questions: str, expected: str) -> None:
    found = problems_of(flow_text(questions))
    assert any(expected in p for p in found), found


def test_broken_yaml_names_the_line() -> None:
    found = problems_of(flow_text("      - id: a\n        type: [single\n"))
    assert len(found) == 1 and found[0].startswith("demo.yaml:") and "YAML として読めません" in found[0]


@pytest.mark.parametrize(
    ("questions", "expected"),
    [
        (
            GOOD
            + "      - id: d\n        type: text\n        text: D\n        max_length: 5\n        when: {question: zz, equals: x}\n",
            "demo.yaml:26: [d] 条件にある質問「zz」はこのフローにありません",
        ),
        (
            GOOD.replace("when: {question: a, equals: はい}", "when: {question: c, equals: はい}"),
            "[b] 条件が後の質問(または自分自身)「c」を参照しています",
        ),
        (
            GOOD.replace("when: {question: a, equals: はい}", "when: {question: a, equals: ハイ}"),
            "[b] 条件の値「ハイ」は質問「a」の選択肢にありません",
        ),
        (
            GOOD.replace("when: {question: a, equals: はい}", "when: {question: a, includes: はい}"),
            "[b] includes は複数選択(multi)の質問に使います",
        ),
        (
            GOOD
            + "      - id: d\n        type: text\n        text: D\n        max_length: 5\n        when: {question: b, equals: x}\n",
            "[d] 「b」は複数選択の質問です。条件には includes を使ってください",
        ),
        (
            GOOD
            + "      - id: d\n        type: text\n        text: D\n        max_length: 5\n        when: {question: c, equals: '1'}\n",
            "[d] 条件に使えるのは選択式の質問だけです",
        ),
        (
            GOOD + "      - id: a\n        type: text\n        text: D\n        max_length: 5\n",
            "[a] 質問 id「a」が重複しています",
        ),
        (GOOD.replace("[はい, いいえ,", "[はい, はい,"), "[a] 選択肢「はい」が重複しています"),
        (
            GOOD + "      - id: d\n        type: text\n        text: D\n        max_length: 5\n"
            "        when: {all: [{question: a, equals: はい}, {question: a, equals: いいえ}]}\n",
            "[d] この質問はどの回答の組み合わせでも聞かれません",
        ),
        (
            GOOD
            + "      - id: d\n        type: integer\n        text: D\n        min: 2\n        max: 5\n        not_more_than: c\n",
            "[d] min(2)が「c」の min(1)より大きいため",
        ),
        (
            GOOD
            + "      - id: d\n        type: integer\n        text: D\n        min: 1\n        max: 5\n        not_more_than: a\n",
            "[d] not_more_than には integer 型の質問を指定してください",
        ),
        (
            GOOD
            + "      - id: d\n        type: single\n        text: D\n        choices: ['"
            + "あ" * 76
            + "']\n",
            "上限 75 文字を超えています(76 文字)",
        ),
        (
            GOOD
            + "      - id: d\n        type: single\n        text: D\n        choices: [{value: '"
            + "v" * 151
            + "', label: 短い}]\n",
            "値が Slack の上限 150 文字を超えています",
        ),
        (
            GOOD
            + "      - id: d\n        type: single\n        text: D\n        choices: ["
            + ", ".join(f"c{i}" for i in range(101))
            + "]\n",
            "選択肢が 100 個を超えています(101 個)",
        ),
        (
            GOOD
            + "      - id: d\n        type: single\n        title: '"
            + "見" * 151
            + "'\n        text: D\n        choices: [x]\n",
            "見出し(title)が 150 文字を超えています",
        ),
    ],
)
def test_lint_catches_each_kind_of_error(questions: str, expected: str) -> None:
    found = problems_of(flow_text(questions))
    assert any(expected in p for p in found), found


def test_item_heading_over_slack_limit() -> None:
    text = flow_text(GOOD).replace("title: 項目1", "title: '" + "項" * 151 + "'")
    assert any(
        "項目「main」の見出しが Slack の上限 150 文字" in p and p.startswith("demo.yaml:6:")
        for p in problems_of(text)
    )


def test_check_command_exit_codes(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["check", str(SURVEY_FILE)]) == 0
    assert "OK:" in capsys.readouterr().out
    broken = tmp_path / "broken.yaml"
    broken.write_text(flow_text(GOOD.replace("equals: はい", "equals: ハイ")), encoding="utf-8")
    assert main(["check", str(broken)]) == 1
    err = capsys.readouterr().err
    assert f"{broken}:16: [b]" in err and "1 件の問題があります" in err
    assert main(["check", str(tmp_path / "missing.yaml")]) == 1
    assert "ファイルが見つかりません" in capsys.readouterr().err


def test_the_shipped_survey_passes_check_as_a_command() -> None:
    done = subprocess.run(
        [sys.executable, "-m", "flows", "check", str(SURVEY_FILE)], capture_output=True, text=True
    )
    assert done.returncode == 0, done.stderr
