"""The admin summary of a submission as plain values: which fields to show and their text.

The flow file declares the fields (flows/model.py AdminSummary); this module only decides what
each shows. Free text is flagged part by part, so the caller masks what a person typed and
nothing else (choice labels, dates and numbers are the flow's own words).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date, time

from flows.answers import Answers, AnswerValue
from flows.display import display_answer, format_datetime_ja
from flows.model import CHOICE_TYPES, DateSource, Flow, Question, QuestionSource

FREE_TEXT_TYPES: frozenset[str] = frozenset({"text", "long_text"})


@dataclass(frozen=True)
class TextPart:
    text: str
    free_text: bool  # typed by the respondent: may hold personal data


@dataclass(frozen=True)
class SummaryEntry:
    """One shown field: its label and its value in parts."""

    label: str
    parts: tuple[TextPart, ...]
    masked: bool  # the flow asks for free text in this field to be masked

    def text(self, mask: Callable[[str], str]) -> str:
        """The value as posted: free-text parts through `mask` when the field is masked."""
        return "".join(
            mask(part.text) if self.masked and part.free_text else part.text for part in self.parts
        )


def summary_entries(flow: Flow, answers: Answers) -> list[SummaryEntry]:
    """The declared fields that have an answer, in the declared order ([] without a summary)."""
    if flow.admin_summary is None:
        return []
    entries = []
    for field in flow.admin_summary.fields:
        if field.question is not None:
            parts = _question_parts(flow, answers, field.question)
        else:
            parts = _first_answered(flow, answers, field.sources)
        if parts is not None:
            entries.append(SummaryEntry(field.label, tuple(parts), field.masked))
    return entries


def _question_parts(flow: Flow, answers: Answers, question_id: str) -> list[TextPart] | None:
    """The answer as the review reads it, with その他 texts in brackets; None when unanswered."""
    question = flow.by_id.get(question_id)
    value = answers.get(question_id)
    if question is None or value is None or value == "" or value == []:  # unanswered or 回答しない
        return None
    if question.type in CHOICE_TYPES:
        return _choice_parts(question, value, answers)
    return [TextPart(display_answer(question, value), question.type in FREE_TEXT_TYPES)]


def _choice_parts(question: Question, value: AnswerValue, answers: Answers) -> list[TextPart]:
    parts: list[TextPart] = []
    for chosen in value if isinstance(value, list) else [value]:
        if parts:
            parts.append(TextPart("、", False))
        choice = question.choice_by_value.get(str(chosen))
        parts.append(TextPart(choice.display if choice else str(chosen), False))
        other = answers.get(question.follow_up_id(choice)) if choice and choice.other else None
        if other:
            parts.extend([TextPart("(", False), TextPart(str(other), True), TextPart(")", False)])
    return parts


def _first_answered(
    flow: Flow, answers: Answers, sources: Sequence[QuestionSource | DateSource]
) -> list[TextPart] | None:
    """The first source that holds something: an empty optional answer passes on to the next."""
    for source in sources:
        if isinstance(source, QuestionSource):
            if not _is_empty(answers.get(source.question)):
                parts = _question_parts(flow, answers, source.question)
                if parts is not None:
                    return parts
            continue
        day = answers.get(source.date)
        if _is_empty(day):
            continue
        moment = answers.get(source.time) if source.time else None
        text = format_datetime_ja(
            date.fromisoformat(str(day)), time.fromisoformat(str(moment)) if moment else None
        )
        return [TextPart(text, False)]
    return None


def _is_empty(value: AnswerValue | None) -> bool:
    return value is None or value == "" or value == []
