"""Typed flow schema: a survey as items of questions, with structured conditions.

A flow is data, never code: conditions are (question, operator, value) records combined with
all/any/not, so they can be checked statically and are never evaluated as strings.
"""

from __future__ import annotations

from datetime import date, datetime
from functools import cached_property
from typing import Annotated, Any, Literal

from pydantic import (
    BaseModel,
    ConfigDict,
    Discriminator,
    Field,
    StrictBool,
    StrictInt,
    StrictStr,
    Tag,
    field_validator,
    model_validator,
)

QuestionType = Literal["single", "multi", "integer", "text", "long_text", "date", "time", "org"]
CHOICE_TYPES: frozenset[str] = frozenset({"single", "multi"})

# Stable keys for storage and exports: lower-case ASCII, digits and underscores.
Identifier = Annotated[StrictStr, Field(pattern=r"^[a-z][a-z0-9_]*$", max_length=64)]

OTHER_SUFFIX = "_other"
OTHER_MAX_LENGTH = 200


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True)


# --- conditions -------------------------------------------------------------------------------


class Equals(_Strict):
    question: Identifier
    equals: StrictStr


class NotEquals(_Strict):
    """True when the question is answered with anything other than the value."""

    question: Identifier
    not_equals: StrictStr


class In(_Strict):
    question: Identifier
    in_: list[StrictStr] = Field(alias="in", min_length=1)


class Includes(_Strict):
    """For multi questions: true when the selection contains the value."""

    question: Identifier
    includes: StrictStr


class All(_Strict):
    all: list[Condition] = Field(min_length=1)


class AnyOf(_Strict):
    any: list[Condition] = Field(min_length=1)


class Not(_Strict):
    not_: Condition = Field(alias="not")


_CONDITION_KEYS = ("equals", "not_equals", "in", "includes", "all", "any", "not")


def _condition_kind(data: Any) -> str | None:
    if isinstance(data, BaseModel):
        return type(data).__name__.lower()
    if not isinstance(data, dict):
        return None
    found = [key for key in _CONDITION_KEYS if key in data]
    return found[0] if len(found) == 1 else None


Condition = Annotated[
    Annotated[Equals, Tag("equals")]
    | Annotated[NotEquals, Tag("not_equals")]
    | Annotated[In, Tag("in")]
    | Annotated[Includes, Tag("includes")]
    | Annotated[All, Tag("all")]
    | Annotated[AnyOf, Tag("any")]
    | Annotated[Not, Tag("not")],
    Discriminator(
        lambda data: {"notequals": "not_equals", "anyof": "any"}.get(
            _condition_kind(data) or "", _condition_kind(data)
        ),
        custom_error_type="condition_shape",
        custom_error_message=(
            "条件は equals / not_equals / in / includes / all / any / not のどれか一つで書いてください"
        ),
    ),
]

All.model_rebuild()
AnyOf.model_rebuild()
Not.model_rebuild()


def atomic_conditions(condition: Condition) -> list[Equals | NotEquals | In | Includes]:
    """Every (question, operator, value) leaf of a condition tree, in order."""
    if isinstance(condition, All):
        return [leaf for part in condition.all for leaf in atomic_conditions(part)]
    if isinstance(condition, AnyOf):
        return [leaf for part in condition.any for leaf in atomic_conditions(part)]
    if isinstance(condition, Not):
        return atomic_conditions(condition.not_)
    return [condition]


def describe_condition(condition: Condition) -> str:
    """A short human-readable form, for diagrams and messages."""
    if isinstance(condition, Equals):
        return f"{condition.question} = {condition.equals}"
    if isinstance(condition, NotEquals):
        return f"{condition.question} ≠ {condition.not_equals}"
    if isinstance(condition, In):
        return f"{condition.question} ∈ {{{', '.join(condition.in_)}}}"
    if isinstance(condition, Includes):
        return f"{condition.question} ∋ {condition.includes}"
    if isinstance(condition, All):
        return " かつ ".join(f"({describe_condition(c)})" for c in condition.all)
    if isinstance(condition, AnyOf):
        return " または ".join(f"({describe_condition(c)})" for c in condition.any)
    return f"not ({describe_condition(condition.not_)})"


# --- questions --------------------------------------------------------------------------------


class Choice(_Strict):
    """One option. `value` is what is stored; `label` (default: the value) is what people read."""

    value: StrictStr = Field(min_length=1)
    label: StrictStr | None = None
    other: StrictBool = False  # opens a free-text follow-up (その他 → 具体的に)
    exclusive: StrictBool = False  # multi only: cannot be combined with other choices

    @model_validator(mode="before")
    @classmethod
    def _from_plain_string(cls, data: Any) -> Any:
        if isinstance(data, bool | int | float):
            # YAML reads 010020 as the number 10020: a code must stay text.
            raise ValueError(f'選択肢 {data!r} は文字列で書いてください(数字などは "" で囲みます)。')
        return {"value": data} if isinstance(data, str) else data

    @property
    def display(self) -> str:
        return self.label or self.value


class Question(_Strict):
    id: Identifier
    type: QuestionType
    text: StrictStr = Field(min_length=1)
    title: StrictStr | None = None  # the form's heading, e.g. 質問1 職名
    note: StrictStr | None = None
    hint: StrictStr | None = None
    optional: StrictBool = False
    when: Condition | None = None
    # single / multi
    choices: list[Choice] = Field(default_factory=list)
    # integer
    min: StrictInt | None = None
    max: StrictInt | None = None
    unit: StrictStr | None = None  # shown after the number: 年目, 人分, 回
    not_more_than: Identifier | None = None  # id of an earlier integer question
    # text / long_text
    max_length: StrictInt | None = Field(default=None, gt=0)
    # date
    not_future: StrictBool = False
    earliest: date | None = None  # an earlier date is refused as implausible (a mistyped year)
    # text: where a default answer may come from
    prefill: Literal["real_name"] | None = None
    # set on the follow-up questions generated for "other" choices
    follow_up_of: Identifier | None = None

    @model_validator(mode="after")
    def _fields_fit_type(self) -> Question:
        problems: list[str] = []
        if self.type in CHOICE_TYPES:
            if not self.choices:
                problems.append("選択式の質問には choices が必要です")
        elif self.choices:
            problems.append(f"{self.type} 型の質問に choices は書けません")
        if self.type != "integer" and (
            self.min is not None or self.max is not None or self.not_more_than or self.unit
        ):
            problems.append("min / max / unit / not_more_than は integer 型の質問にだけ書けます")
        if self.type == "integer" and (self.min is None or self.max is None):
            problems.append("integer 型の質問には min と max が必要です")
        if self.min is not None and self.max is not None and self.min > self.max:
            problems.append(f"min({self.min}) が max({self.max}) より大きくなっています")
        if self.type in ("text", "long_text") and self.max_length is None:
            problems.append(f"{self.type} 型の質問には max_length が必要です")
        if self.type not in ("text", "long_text") and self.max_length is not None:
            problems.append("max_length は text / long_text 型の質問にだけ書けます")
        if (self.not_future or self.earliest) and self.type != "date":
            problems.append("not_future / earliest は date 型の質問にだけ書けます")
        if self.prefill and self.type != "text":
            problems.append("prefill は text 型の質問にだけ書けます")
        if self.type != "multi" and any(choice.exclusive for choice in self.choices):
            problems.append("exclusive は multi 型の質問の選択肢にだけ書けます")
        if problems:
            raise ValueError(" / ".join(problems))
        return self

    @property
    def label(self) -> str:
        """The shortest name people recognise: the heading if there is one, else the text."""
        return self.title or self.text

    @cached_property
    def choice_by_value(self) -> dict[str, Choice]:
        return {choice.value: choice for choice in self.choices}

    def follow_up_id(self, choice: Choice) -> str:
        # One "other" choice per question keeps the generated id stable and readable.
        return f"{self.id}{OTHER_SUFFIX}"


class Item(_Strict):
    """A group of questions (the form's 項目)."""

    id: Identifier
    title: StrictStr = Field(min_length=1)
    note: StrictStr | None = None
    questions: list[Question] = Field(min_length=1)


class Contact(_Strict):
    organization: StrictStr
    phone: StrictStr | None = None
    fax: StrictStr | None = None
    email: StrictStr | None = None


class OpenPeriod(_Strict):
    start: datetime
    end: datetime | None = None  # None: open with no end (随時)

    @field_validator("start", "end")
    @classmethod
    def _aware(cls, value: datetime | None) -> datetime | None:
        if value is not None and value.tzinfo is None:
            raise ValueError("日時にはタイムゾーンを付けてください(例: 2025-08-28T11:00:00+09:00)")
        return value

    def is_open(self, now: datetime) -> bool:
        return self.start <= now and (self.end is None or now < self.end)


# --- the admin summary ------------------------------------------------------------------------


class QuestionSource(_Strict):
    """An answer shown as the review shows it (choices with their その他 text)."""

    question: Identifier


class DateSource(_Strict):
    """A date answer, with the time if that was answered too: 令和7年8月1日(金) 午前10時30分頃."""

    date: Identifier
    time: Identifier | None = None


def _source_kind(data: Any) -> str | None:
    if isinstance(data, QuestionSource):
        return "question_source"
    if isinstance(data, DateSource):
        return "date_source"
    if not isinstance(data, dict) or ("question" in data) == ("date" in data):
        return None
    return "question_source" if "question" in data else "date_source"


SummarySource = Annotated[
    Annotated[QuestionSource, Tag("question_source")] | Annotated[DateSource, Tag("date_source")],
    Discriminator(
        _source_kind,
        custom_error_type="summary_source_shape",
        custom_error_message="first_of の各行は {question: id} か {date: id, time: id} のどちらかで書いてください",
    ),
]


class SummaryField(_Strict):
    """One line of the admin-channel post: an answer, or the first answered of several sources."""

    label: StrictStr = Field(min_length=1)
    question: Identifier | None = None
    first_of: list[SummarySource] | None = Field(default=None, min_length=1)
    # The channel keeps its history and everyone in it reads the post: free text is masked
    # unless the flow author says the field holds nothing personal to hide.
    masked: StrictBool = True

    @model_validator(mode="after")
    def _one_source(self) -> SummaryField:
        if (self.question is None) == (self.first_of is None):
            raise ValueError("question と first_of のどちらか一方だけを書いてください。")
        return self

    @cached_property
    def sources(self) -> tuple[QuestionSource | DateSource, ...]:
        """Where the value may come from, in order: a `question` field is a single source."""
        if self.first_of is not None:
            return tuple(self.first_of)
        assert self.question is not None  # the validator allows exactly one of the two
        return (QuestionSource(question=self.question),)


class AdminSummary(_Strict):
    """What the admin channel is told of each submission (the full answers are a click away)."""

    heading: StrictStr | None = Field(default=None, min_length=1)  # default: "<title>: 回答が届きました"
    fields: list[SummaryField] = Field(default_factory=list)


# --- the statistics ---------------------------------------------------------------------------


class CrossTabSpec(_Strict):
    """One cross tabulation: `rows` × `columns`, each a single or multi question, or the org
    question counted by department (the first `department_digits` characters of the 所属コード)."""

    title: StrictStr = Field(min_length=1)
    rows: Identifier
    columns: Identifier
    department_digits: StrictInt | None = Field(default=None, gt=0)  # for the side that is org


class StatisticsSpec(_Strict):
    """What the results page counts beyond every choice and number question: the cross tabs."""

    cross_tabs: list[CrossTabSpec] = Field(default_factory=list)


class Flow(_Strict):
    id: Identifier
    title: StrictStr = Field(min_length=1)
    purpose: StrictStr | None = None
    intro: StrictStr | None = None
    open_period: OpenPeriod
    contact: Contact | None = None
    admin_summary: AdminSummary | None = None
    statistics: StatisticsSpec | None = None
    items: list[Item] = Field(min_length=1)

    @property
    def summary_heading(self) -> str:
        """The heading of the admin-channel post for a new submission."""
        heading = self.admin_summary.heading if self.admin_summary else None
        return heading if heading is not None else f"{self.title}: 回答が届きました"

    @cached_property
    def questions(self) -> tuple[Question, ...]:
        """Every question in asking order, with the generated "other" follow-ups in place."""
        ordered: list[Question] = []
        for item in self.items:
            for question in item.questions:
                ordered.append(question)
                ordered.extend(_other_follow_ups(question))
        return tuple(ordered)

    @cached_property
    def by_id(self) -> dict[str, Question]:
        # Later duplicates are reported by the lint; the first one wins here.
        index: dict[str, Question] = {}
        for question in self.questions:
            index.setdefault(question.id, question)
        return index

    @cached_property
    def position(self) -> dict[str, int]:
        index: dict[str, int] = {}
        for number, question in enumerate(self.questions):
            index.setdefault(question.id, number)
        return index

    @cached_property
    def item_of(self) -> dict[str, Item]:
        index: dict[str, Item] = {}
        for item in self.items:
            for question in item.questions:
                index.setdefault(question.id, item)
                for follow_up in _other_follow_ups(question):
                    index.setdefault(follow_up.id, item)
        return index


def _other_follow_ups(question: Question) -> list[Question]:
    """The free-text question asked after an "other" choice (その他 → 具体的に)."""
    follow_ups = []
    for choice in question.choices:
        if not choice.other:
            continue
        when: Condition = (
            Includes(question=question.id, includes=choice.value)
            if question.type == "multi"
            else Equals(question=question.id, equals=choice.value)
        )
        if question.when is not None:
            when = All(all=[question.when, when])
        follow_ups.append(
            Question(
                id=question.follow_up_id(choice),
                type="text",
                text=f"「{choice.display}」を選んだ方は、具体的に入力してください。",
                title=f"{question.label}({choice.display}の内容)",
                max_length=OTHER_MAX_LENGTH,
                optional=question.optional,  # answered or skipped with the question it belongs to
                when=when,
                follow_up_of=question.id,
            )
        )
    return follow_ups
