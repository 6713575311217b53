"""A survey is data: the product knows no question of the shipped survey, and every text a person
reads lives in bot/texts.py."""

from __future__ import annotations

import ast
import re
from pathlib import Path
from typing import get_args

from bot.settings import SHIPPED_FLOW
from flows.load import load_flow
from flows.model import QuestionType

ROOT = Path(__file__).resolve().parents[2]
PRODUCT = sorted((ROOT / "bot").rglob("*.py"))
JAPANESE = re.compile(r"[\u3040-\u30ff\u3400-\u9fff\uff01-\uff5e]")
# What people type that the bot reads (never shows): the command words, the due-date parser, and
# the separators the masking recognises in phone numbers.
INPUT_VOCABULARY = {
    "bot/listeners/commands/survey.py",
    "bot/assignment.py",
    "bot/masking.py",
    "bot/results/periods.py",  # 年度, 令和, 今月 … as people write periods
    "bot/results_desk.py",  # 所属, 期間 as people write filters
}


def test_no_question_of_the_shipped_survey_is_named_in_the_product() -> None:
    flow = load_flow(SHIPPED_FLOW)
    # The 所属 question's id is also the name of its type ("org"), which rendering must name.
    names = {question.id for question in flow.questions} - set(get_args(QuestionType))
    pattern = re.compile(r"\b(" + "|".join(sorted(map(re.escape, names), key=len, reverse=True)) + r")\b")
    found = [
        f"{path.relative_to(ROOT)}:{number}: {match.group()}"
        for path in PRODUCT
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
        if (match := pattern.search(line))
    ]
    assert found == []


def test_the_grep_would_see_a_question_id(tmp_path: Path) -> None:
    flow = load_flow(SHIPPED_FLOW)
    assert "q13_info_kinds" in {question.id for question in flow.questions}
    assert re.search(r"\bq13_info_kinds\b", '_FIELDS = (("漏えいした情報", "q13_info_kinds"),)')


def japanese_literals(path: Path) -> list[str]:
    """Japanese string literals that are not docstrings."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    docstrings = {
        id(node.body[0].value)
        for node in ast.walk(tree)
        if isinstance(node, ast.Module | ast.ClassDef | ast.FunctionDef | ast.AsyncFunctionDef)
        and node.body
        and isinstance(node.body[0], ast.Expr)
        and isinstance(node.body[0].value, ast.Constant)
    }
    return [
        f"{path.name}:{node.lineno}"
        for node in ast.walk(tree)
        if isinstance(node, ast.Constant)
        and isinstance(node.value, str)
        and id(node) not in docstrings
        and JAPANESE.search(node.value)
    ]


def test_every_text_a_person_reads_lives_in_texts() -> None:
    outside = [
        literal
        for path in PRODUCT
        if path.relative_to(ROOT).as_posix() not in {"bot/texts.py", *INPUT_VOCABULARY}
        for literal in japanese_literals(path)
    ]
    assert outside == []


def test_the_texts_check_sees_a_stray_text(tmp_path: Path) -> None:
    module = tmp_path / "m.py"
    module.write_text('"""説明"""\n\ndef f():\n    return "回答を始める"\n', encoding="utf-8")
    assert len(japanese_literals(module)) == 1
