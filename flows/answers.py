"""Turning what a person typed or clicked into a stored answer, or a clear Japanese message.

Stored values are JSON: single → str, multi → list[str] (in choice order), integer → int,
text/long_text → str, date → "YYYY-MM-DD", time → "HH:MM", org → {"code": str, "name": str}.
An optional question answered 「回答しない」 (left empty) is stored as "" ([] for multi): answered,
with no content; conditions treat it as unanswered.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping
from datetime import date, time
from typing import Any

from flows.display import format_date_ja
from flows.model import Flow, Question

AnswerValue = str | int | list[str] | dict[str, str]
Answers = Mapping[str, AnswerValue]


class InvalidAnswer(ValueError):
    """The answer cannot be accepted; `message` is shown to the respondent as it is."""

    def __init__(self, question_id: str, message: str) -> None:
        super().__init__(message)
        self.question_id = question_id
        self.message = message


# 「3」「3年目」「約3回」「通算3回程度」「5人分」 all mean a count of 3 or 5. At most 18 digits: no
# count anyone means is longer, and int() refuses a string of more than 4,300.
_COUNT = re.compile(
    r"^(?:約|およそ|通算)?(?P<number>[+-]?\d{1,18})"
    r"(?:年目|年|人分|人|名|回程度|回|件|程度|くらい|ぐらい|頃)?$"
)
_DATE = re.compile(r"^(?P<y>\d{4})[-/年.](?P<m>\d{1,2})[-/月.](?P<d>\d{1,2})日?$")
_TIME = re.compile(r"^(?P<h>\d{1,2})(?::|時)(?P<m>\d{1,2})?分?(?:頃)?$")
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u200b\u2028\u2029\ufeff]")
_SURROGATE = re.compile(r"[\ud800-\udfff]")


def nfkc(raw: str) -> str:
    """Full-width digits and letters to half-width (３ → 3), trimmed."""
    return unicodedata.normalize("NFKC", raw).strip()


def clean_text(raw: str) -> str:
    """Free text keeps the person's own characters; only edges, line ends and controls are tidied."""
    text = raw.replace("\r\n", "\n").replace("\r", "\n")
    return _CONTROL.sub("", text).strip()


def _is_empty(raw: Any) -> bool:
    return raw is None or (isinstance(raw, str) and not raw.strip()) or raw == [] or raw == {}


def parse_answer(
    flow: Flow, question: Question, raw: Any, *, answers: Answers, today: date | None = None
) -> AnswerValue:
    """Validate and normalise one answer against its question and the earlier answers."""
    if _is_empty(raw):
        if question.optional:
            return [] if question.type == "multi" else ""
        raise InvalidAnswer(question.id, _empty_message(question))
    match question.type:
        case "single":
            return _parse_single(question, raw)
        case "multi":
            return _parse_multi(question, raw)
        case "integer":
            number = _parse_integer(question, raw)
            check_constraints(flow, question, number, answers)
            return number
        case "text" | "long_text":
            return _parse_text(question, raw)
        case "date":
            return _parse_date(question, raw, today)
        case "time":
            return _parse_time(question, raw)
        case "org":
            return _parse_org(question, raw)
    raise InvalidAnswer(question.id, "この質問には回答できません。")  # pragma: no cover


def check_constraints(flow: Flow, question: Question, value: AnswerValue, answers: Answers) -> None:
    """Constraints against earlier answers (q4 ≤ q3); re-checked when an earlier answer changes."""
    if question.not_more_than and isinstance(value, int):
        limit = answers.get(question.not_more_than)
        if isinstance(limit, int) and value > limit:
            reference = flow.by_id[question.not_more_than]
            raise InvalidAnswer(
                question.id,
                f"「{reference.label}」の回答({limit}{reference.unit or ''})より大きい数は入力できません。",
            )


def _empty_message(question: Question) -> str:
    if question.type in ("single", "org"):
        return "選択してください。"
    if question.type == "multi":
        return "1つ以上選択してください。"
    return "回答を入力してください。"


def _parse_single(question: Question, raw: Any) -> str:
    value = raw if isinstance(raw, str) else None
    if value is None or value not in question.choice_by_value:
        raise InvalidAnswer(question.id, "選択肢の中から選んでください。")
    return value


def _parse_multi(question: Question, raw: Any) -> list[str]:
    values = [raw] if isinstance(raw, str) else raw
    if not isinstance(values, list) or not all(isinstance(v, str) for v in values):
        raise InvalidAnswer(question.id, "選択肢の中から選んでください。")
    unknown = [v for v in values if v not in question.choice_by_value]
    if unknown:
        raise InvalidAnswer(question.id, "選択肢の中から選んでください。")
    conflict = exclusive_conflict(question, values)
    if conflict:
        raise InvalidAnswer(question.id, conflict)
    chosen = set(values)
    return [c.value for c in question.choices if c.value in chosen]


def exclusive_conflict(question: Question, values: list[str]) -> str | None:
    """Why these ticks cannot go together (an exclusive choice with another), or None."""
    chosen = set(values)
    exclusive = [c for c in question.choices if c.exclusive and c.value in chosen]
    if exclusive and len(chosen) > 1:
        return f"「{exclusive[0].display}」は他の選択肢と同時に選べません。どちらか一方にしてください。"
    return None


def _parse_integer(question: Question, raw: Any) -> int:
    if isinstance(raw, bool):
        raise InvalidAnswer(question.id, "数字で入力してください。")
    if isinstance(raw, int):
        number = raw
    else:
        text = re.sub(r"[\s,、]", "", nfkc(str(raw)))
        match = _COUNT.match(text)
        if not match:
            example = f"3{question.unit}" if question.unit else "3"
            raise InvalidAnswer(question.id, f"数字で入力してください(例:「3」または「{example}」)。")
        number = int(match["number"])
    low, high = question.min, question.max
    if (low is not None and number < low) or (high is not None and number > high):
        raise InvalidAnswer(question.id, f"{low:,}以上{high:,}以下の数を入力してください。")
    return number


def _parse_text(question: Question, raw: Any) -> str:
    if not isinstance(raw, str):
        raise InvalidAnswer(question.id, "文字で入力してください。")
    if _SURROGATE.search(raw):  # a broken character no database stores: never guess what was meant
        raise InvalidAnswer(
            question.id, "使えない文字が含まれています。絵文字や記号を除いて入力し直してください。"
        )
    text = clean_text(raw)
    if not text:  # only marks such as a zero-width space: nothing was typed
        if question.optional:
            return ""
        raise InvalidAnswer(question.id, _empty_message(question))
    if question.type == "text":
        text = " ".join(text.split("\n"))
    limit = question.max_length or 0
    if len(text) > limit:
        raise InvalidAnswer(question.id, f"{limit:,}文字以内で入力してください(現在{len(text):,}文字)。")
    return text


def _parse_date(question: Question, raw: Any, today: date | None) -> str:
    match = _DATE.match(nfkc(str(raw)))
    try:
        if not match:
            raise ValueError
        day = date(int(match["y"]), int(match["m"]), int(match["d"]))
    except ValueError:
        raise InvalidAnswer(question.id, "日付を選んでください(例:2025-08-01)。") from None
    if question.not_future and today is not None and day > today:
        raise InvalidAnswer(question.id, "未来の日付は選べません。発生した日を選んでください。")
    if question.earliest is not None and day < question.earliest:
        raise InvalidAnswer(
            question.id,
            f"{format_date_ja(question.earliest)}以降の日付を選んでください(年をご確認ください)。",
        )
    return day.isoformat()


def _parse_time(question: Question, raw: Any) -> str:
    match = _TIME.match(nfkc(str(raw)))
    try:
        if not match:
            raise ValueError
        moment = time(int(match["h"]), int(match["m"] or 0))
    except ValueError:
        raise InvalidAnswer(question.id, "時刻を選んでください(例:10:30)。") from None
    return moment.strftime("%H:%M")


def _parse_org(question: Question, raw: Any) -> dict[str, str]:
    if (
        not isinstance(raw, Mapping)
        or not isinstance(raw.get("code"), str)
        or not isinstance(raw.get("name"), str)
        or not raw["code"].strip()
    ):
        raise InvalidAnswer(question.id, "所属を一覧から選んでください。")
    return {"code": raw["code"].strip(), "name": raw["name"].strip()}


_SEPARATORS = re.compile(r"[\s,、・/]+")


def choice_from_text(question: Question, text: str) -> str | list[str]:
    """A choice typed in the message box: its number (1 is the first) or its label, as typed.

    Several for a multi question, separated by spaces or commas (「1 3」「氏名、住所」).
    """
    typed = nfkc(text)
    labels = {nfkc(c.display): c.value for c in question.choices} | {
        nfkc(c.value): c.value for c in question.choices
    }

    def one(token: str) -> str:
        if token.isdecimal() and len(token) <= 3 and 1 <= int(token) <= len(question.choices):
            return question.choices[int(token) - 1].value
        if token in labels:
            return labels[token]
        raise InvalidAnswer(
            question.id,
            f"選択肢の番号(上から1〜{len(question.choices)})か、選択肢の文字をそのまま入力してください。",
        )

    if question.type != "multi":
        return one(typed)
    if typed in labels:  # a label that itself holds a separator
        return [labels[typed]]
    return [one(token) for token in _SEPARATORS.split(typed) if token]
