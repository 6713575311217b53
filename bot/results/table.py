"""The answers as a table: the columns of an export and one row of cells per submission. Pure.

Columns follow the current flow's questions, then the questions only older versions had (newest
version first). Each submission's cells are read with the questions of the version it was answered
on, so a label changed since reads as it was then. A question that was not asked on a submission's
path is an empty cell (None); one answered 「回答しない」 says so, as every other screen does.

A multiple-choice question has a column of the chosen labels and one 0/1 column per choice, ready
for a pivot table; those flags are empty when the question was not answered (not asked, declined,
or a choice the submission's version did not offer), so an average of a flag column is the share
among the people who answered.

Every text cell that a spreadsheet could read as a formula (=, +, -, @, tab, CR first) starts
with an apostrophe, whatever the text came from.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, tzinfo
from functools import lru_cache
from typing import Any, Literal

from bot import texts
from flows.display import DECLINED, format_date_ja
from flows.model import Flow, Question, describe_condition
from storage import Submission

Cell = str | int | float | datetime | date | time | None
CellKind = Literal["text", "code", "long_text", "datetime", "date", "time", "integer", "flag"]
Getter = Callable[[Mapping[str, Any]], Cell]

FORMULA_STARTS = frozenset("=+-@\t\r")
DATETIME_TEXT = "%Y-%m-%d %H:%M"


def neutralise(text: str) -> str:
    """Text a spreadsheet will not run: a leading ' before =, +, -, @, tab or carriage return."""
    return "'" + text if text[:1] in FORMULA_STARTS else text


def org_question_id(flow: Flow) -> str | None:
    """The id of the flow's 所属 question (the first question of type org), if it has one."""
    return next((question.id for question in flow.questions if question.type == "org"), None)


@dataclass(frozen=True, slots=True)
class Column:
    header: str
    kind: CellKind
    width: float  # in Excel's units (about one half-width character)
    unit: str | None = None  # integer columns: 年目, 人分


@dataclass(frozen=True, slots=True)
class _Key:
    """What a column shows: a question, one choice's flag, or a part of an org answer."""

    question_id: str
    part: str = ""  # "", "flag", "code", "name"
    choice: str = ""


@dataclass(frozen=True, slots=True)
class Source:
    """A flow version whose submissions are in the file (`version_id` None: the current flow, when
    no submission in the file was answered on it)."""

    version_id: int | None
    flow: Flow
    current: bool


class AnswerTable:
    """The columns of the sheet 回答 (and of the CSV), and `row(submission)` for each submission.

    `typed` cells are real dates and times (for Excel); otherwise they are text as people write
    them (for CSV). Numbers are numbers either way. `load` gives the flow of a version that was
    not among `versions` (a submission that arrived after the columns were chosen).
    """

    def __init__(
        self,
        current: Flow,
        versions: Mapping[int, Flow],
        *,
        timezone: tzinfo,
        typed: bool,
        load: Callable[[int], Flow] | None = None,
    ) -> None:
        self.timezone = timezone
        self.typed = typed
        self._load = load
        current_id = next((vid for vid, flow in versions.items() if flow == current), None)
        self.sources: tuple[Source, ...] = (
            Source(current_id, current, True),
            *(
                Source(vid, versions[vid], False)
                for vid in sorted(versions, reverse=True)
                if vid != current_id
            ),
        )
        self.org_question = org_question_id(current) or next(
            (found for source in self.sources if (found := org_question_id(source.flow))), None
        )
        self.questions = _union_questions(self.sources)
        keys, columns = self._columns()
        self._keys = keys
        self.columns: tuple[Column, ...] = tuple(columns)
        self._getters: dict[int | None, list[Getter]] = {}
        self._flows = {source.version_id: source.flow for source in self.sources}

    @property
    def headers(self) -> list[str]:
        return [neutralise(column.header) for column in self.columns]

    def row(self, submission: Submission) -> list[Cell]:
        getters = self._getters.get(submission.flow_version_id)
        if getters is None:
            getters = self._getters_for(submission.flow_version_id)
        local = submission.submitted_at.astimezone(self.timezone).replace(tzinfo=None, microsecond=0)
        answers = submission.answers
        return [
            neutralise(submission.receipt_number),
            local if self.typed else local.strftime(DATETIME_TEXT),
            _date_ja(local.date()),
            texts.STATUS_NAMES.get(submission.status, submission.status),
            *[get(answers) for get in getters],
        ]

    # --- columns --------------------------------------------------------------------------------

    def _columns(self) -> tuple[list[_Key], list[Column]]:
        keys: list[_Key] = []
        columns = [
            Column(texts.HEADER_RECEIPT, "code", 11),
            Column(texts.HEADER_SUBMITTED_AT, "datetime", 17),
            Column(texts.HEADER_SUBMITTED_ON_JA, "text", 20),
            Column(texts.HEADER_STATUS, "text", 9),
        ]
        if self.org_question is not None:
            keys += [_Key(self.org_question, "code"), _Key(self.org_question, "name")]
            columns += [Column(texts.HEADER_ORG_CODE, "code", 11), Column(texts.HEADER_ORG_NAME, "text", 28)]
        for question in self.questions.values():
            if question.id == self.org_question:
                continue
            if question.type == "org":
                for part, header in (("code", texts.HEADER_ORG_CODE), ("name", texts.HEADER_ORG_NAME)):
                    keys.append(_Key(question.id, part))
                    columns.append(
                        Column(
                            texts.org_part_header(question.label, header),
                            "code" if part == "code" else "text",
                            20,
                        )
                    )
                continue
            keys.append(_Key(question.id))
            columns.append(_answer_column(question))
            if question.type == "multi":
                for value, label in self._choices_of(question.id).items():
                    keys.append(_Key(question.id, "flag", value))
                    columns.append(Column(texts.choice_flag_header(question.label, label), "flag", 10))
        return keys, columns

    def _choices_of(self, question_id: str) -> dict[str, str]:
        """{value: label} of every choice any version offered, newest label, current order first."""
        found: dict[str, str] = {}
        for source in self.sources:
            question = source.flow.by_id.get(question_id)
            for choice in question.choices if question else ():
                found.setdefault(choice.value, choice.display)
        return found

    # --- cells ----------------------------------------------------------------------------------

    def _getters_for(self, version_id: int) -> list[Getter]:
        """The cell readers for submissions of one version. A version first seen here (submitted
        after the export chose its columns) is read into the columns there are."""
        flow = self._flows.get(version_id)
        if flow is None:
            if self._load is None:
                raise KeyError(f"flow version {version_id} is not among the export's versions")
            flow = self._flows[version_id] = self._load(version_id)
        getters = [self._getter(flow.by_id.get(key.question_id), key) for key in self._keys]
        self._getters[version_id] = getters
        return getters

    def _getter(self, question: Question | None, key: _Key) -> Getter:
        if question is None:
            return _nothing
        qid = question.id
        if key.part in ("code", "name"):
            return _org_getter(qid, key.part)
        if key.part == "flag":
            if key.choice not in question.choice_by_value:
                return _nothing
            return _flag_getter(qid, key.choice)
        match question.type:
            case "single" | "multi":
                labels = {choice.value: neutralise(choice.display) for choice in question.choices}
                return _choice_getter(qid, labels)
            case "integer":
                return _integer_getter(qid)  # a number, in CSV too (never quoted like text)
            case "date":
                return _iso_getter(qid, self.typed, date.fromisoformat)
            case "time":
                return _iso_getter(qid, self.typed, time.fromisoformat)
            case "org":
                return _org_getter(qid, "code")
            case _:
                return _text_getter(qid)

    # --- the catalogue --------------------------------------------------------------------------

    def catalogue(self) -> list[list[str]]:
        """The sheet 設問: one row per question and distinct definition, with the versions it is in."""
        rows: list[list[str]] = [list(texts.CATALOGUE_HEADERS)]
        for question_id in self.questions:
            groups: list[tuple[Question, Flow, list[str]]] = []
            for source in self.sources:
                question = source.flow.by_id.get(question_id)
                if question is None:
                    continue
                name = _version_name(source)
                for seen, _, names in groups:
                    if seen == question:
                        names.append(name)
                        break
                else:
                    groups.append((question, source.flow, [name]))
            for question, flow, names in groups:
                item = flow.item_of.get(question.id)
                rows.append(
                    [
                        question.id,
                        item.title if item else "",
                        question.label,
                        question.text,
                        texts.TYPE_NAMES[question.type],
                        _choices_text(question),
                        describe_condition(question.when) if question.when else texts.ALWAYS_ASKED,
                        texts.CAN_DECLINE if question.optional else texts.CANNOT_DECLINE,
                        texts.CHOICE_SEPARATOR.join(names),
                    ]
                )
        return [[neutralise(cell) for cell in row] for row in rows]


def _union_questions(sources: Sequence[Source]) -> dict[str, Question]:
    """Every question id of every version: the current flow's order, then older-only ones."""
    found: dict[str, Question] = {}
    for source in sources:
        for question in source.flow.questions:
            found.setdefault(question.id, question)
    return found


def _version_name(source: Source) -> str:
    if source.version_id is None:
        return texts.CURRENT_VERSION
    name = texts.version_label(source.version_id)
    return f"{name}({texts.CURRENT_VERSION})" if source.current else name


def _choices_text(question: Question) -> str:
    return texts.CHOICE_SEPARATOR.join(
        choice.display
        + (texts.OTHER_MARK if choice.other else "")
        + (texts.CATALOGUE_EXCLUSIVE_MARK if choice.exclusive else "")
        for choice in question.choices
    )


def _answer_column(question: Question) -> Column:
    match question.type:
        case "single":
            widest = max((_display_width(choice.display) for choice in question.choices), default=10)
            return Column(question.label, "text", _clamp(widest + 2, 10, 30))
        case "multi":
            return Column(question.label, "long_text", 40)
        case "integer":
            return Column(question.label, "integer", 12, question.unit)
        case "date":
            return Column(question.label, "date", 12)
        case "time":
            return Column(question.label, "time", 9)
        case "long_text":
            return Column(question.label, "long_text", 60)
        case _:
            return Column(question.label, "text", 24)


def _display_width(text: str) -> int:
    return sum(2 if unicodedata.east_asian_width(char) in "WF" else 1 for char in text)


def _clamp(value: float, low: float, high: float) -> float:
    return max(low, min(high, value))


@lru_cache(maxsize=4096)
def _date_ja(day: date) -> str:
    return format_date_ja(day)


# Cell readers. Each takes the answers of one submission; stored values are JSON (flows/answers.py).


def _nothing(answers: Mapping[str, Any]) -> Cell:
    return None


def _choice_getter(qid: str, labels: Mapping[str, str]) -> Getter:
    def get(answers: Mapping[str, Any]) -> Cell:
        value = answers.get(qid)
        if value is None:
            return None
        if value == "" or value == []:
            return DECLINED
        if isinstance(value, list):
            return texts.CHOICE_SEPARATOR.join(_label(labels, v) for v in value)
        return _label(labels, value)

    return get


def _label(labels: Mapping[str, str], value: object) -> str:
    """A choice's label in the submission's version; a value no version offers, as it is."""
    if isinstance(value, str):
        return labels.get(value) or neutralise(value)
    return neutralise(str(value))


def _flag_getter(qid: str, choice: str) -> Getter:
    def get(answers: Mapping[str, Any]) -> Cell:
        value = answers.get(qid)
        if not value:  # not asked, or declined ("" / [])
            return None
        return int(choice in value) if isinstance(value, list) else int(value == choice)

    return get


def _integer_getter(qid: str) -> Getter:
    def get(answers: Mapping[str, Any]) -> Cell:
        value = answers.get(qid)
        if value is None or type(value) is int:
            return value
        return DECLINED if value == "" else neutralise(str(value))

    return get


def _text_getter(qid: str) -> Getter:
    def get(answers: Mapping[str, Any]) -> Cell:
        value = answers.get(qid)
        if value is None:
            return None
        if value == "" or value == []:
            return DECLINED
        return neutralise(value if type(value) is str else str(value))

    return get


def _iso_getter(qid: str, typed: bool, parse: Callable[[str], date | time]) -> Getter:
    """A date or a time: an Excel value when the file is typed (xlsx), else the stored text."""

    def get(answers: Mapping[str, Any]) -> Cell:
        value = answers.get(qid)
        if value is None:
            return None
        if value == "":
            return DECLINED
        if not typed:
            return neutralise(str(value))
        try:
            return parse(str(value))
        except ValueError:
            return neutralise(str(value))

    return get


def _org_getter(qid: str, part: str) -> Getter:
    def get(answers: Mapping[str, Any]) -> Cell:
        value = answers.get(qid)
        if value is None:
            return None
        if value == "" or value == {}:
            return DECLINED
        if isinstance(value, dict):
            return neutralise(str(value.get(part, "")))
        return neutralise(str(value)) if part == "code" else None

    return get


def summary_cells(rows: Iterable[Sequence[str | int]]) -> Iterable[list[str | int]]:
    """The 集計 rows as given, with every text neutralised."""
    for row in rows:
        yield [neutralise(cell) if isinstance(cell, str) else cell for cell in row]
