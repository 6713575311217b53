"""Counts of a flow's submissions for the results page: every choice and number question, the
submissions per month, and the cross tabs the flow file declares (flows/model.py StatisticsSpec).

Pure and single-pass: the submissions are read once, as they come (a database cursor will do), and
counted into dicts; the tables are built from the counts at the end. Answers stored by older
versions of the flow are counted by question id and choice value: a value the current flow no
longer offers is shown after the current choices, as it was stored.

"No answer" is one thing here: a question missing from the answers (not asked, or not reached),
answered 「回答しない」 ("" or []), or holding nothing countable. It counts as `unanswered`, never as
an option, and is left out of every base of shares.
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from flows.model import CHOICE_TYPES, CrossTabSpec, Flow, Question

NO_ORG = "(所属なし)"  # an org answer without a code, in a cross tab by department
RANGE_SEPARATOR = "〜"  # 1〜5年目
HISTOGRAM_BINS_MAX = 10
_NO_ORG_KEYS = (NO_ORG,)


@dataclass(frozen=True)
class OptionCount:
    label: str
    count: int


@dataclass(frozen=True)
class ChoiceTable:
    """One single or multi question: how many submissions chose each option."""

    question_id: str
    title: str  # the question's label (its heading, else its text)
    multi: bool
    respondents: int  # submissions that answered it with content: the base of the shares
    unanswered: int  # the other submissions (not asked, not reached, or 回答しない)
    options: tuple[OptionCount, ...]  # the current choices in order, then values only older versions had


@dataclass(frozen=True)
class NumberSummary:
    """One integer question: how many answered, the middle and the ends, and a histogram."""

    question_id: str
    title: str
    unit: str | None
    count: int
    median: float | None
    minimum: int | None
    maximum: int | None
    histogram: tuple[OptionCount, ...]  # consecutive bins from the lowest answer to the highest


@dataclass(frozen=True)
class CrossTab:
    """`cells[row][column]`: submissions with both; a multi side counts each chosen value."""

    title: str
    row_labels: tuple[str, ...]
    column_labels: tuple[str, ...]
    cells: tuple[tuple[int, ...], ...]
    respondents: int  # submissions with an answer on both sides (those the cells count)


@dataclass(frozen=True)
class Statistics:
    submissions: int
    per_month: tuple[OptionCount, ...]  # "2026-04" …: every month from the first to the last
    choices: tuple[ChoiceTable, ...]  # every top-level single / multi question, in flow order
    numbers: tuple[NumberSummary, ...]  # every integer question, in flow order
    cross_tabs: tuple[CrossTab, ...]  # as the flow declares them


def compute_statistics(flow: Flow, submissions: Iterable[tuple[Mapping[str, Any], date]]) -> Statistics:
    """Count `submissions` (answers, local submission date) against `flow`, the current version."""
    choice_questions = [q for q in flow.questions if q.type in CHOICE_TYPES and q.follow_up_of is None]
    number_questions = [q for q in flow.questions if q.type == "integer" and q.follow_up_of is None]
    declared = flow.statistics.cross_tabs if flow.statistics is not None else []
    tabs = _CrossTabs(flow, declared)

    # Per question: value -> submissions, and [submissions with content] (a list, to add to in place).
    choice_slots: list[tuple[str, dict[str, int], list[int]]] = [(q.id, {}, [0]) for q in choice_questions]
    number_slots: list[tuple[str, dict[int, int]]] = [(q.id, {}) for q in number_questions]
    day_counts: dict[date, int] = {}
    total = 0
    for answers, day in submissions:
        total += 1
        day_counts[day] = day_counts.get(day, 0) + 1
        get = answers.get
        for question_id, counts, respondents in choice_slots:
            value = get(question_id)
            if not value:  # missing, "" or [] (回答しない)
                continue
            if value.__class__ is str:
                counts[value] = counts.get(value, 0) + 1
            else:
                values = _choice_keys(value)
                if not values:
                    continue
                for key in values:
                    counts[key] = counts.get(key, 0) + 1
            respondents[0] += 1
        for question_id, number_counts in number_slots:
            value = get(question_id)
            if value.__class__ is int:  # not bool, not a string from elsewhere
                number_counts[value] = number_counts.get(value, 0) + 1
        if tabs.slots:
            keys = [read(get(question_id)) for question_id, read in tabs.readers]
            for row_side, column_side, cells, respondents in tabs.slots:
                rows = keys[row_side]
                if not rows:
                    continue
                columns = keys[column_side]
                if not columns:
                    continue
                respondents[0] += 1
                for row in rows:
                    for column in columns:
                        cells[row, column] = cells.get((row, column), 0) + 1

    return Statistics(
        submissions=total,
        per_month=_per_month(day_counts),
        choices=tuple(
            _choice_table(question, counts, respondents[0], total)
            for question, (_, counts, respondents) in zip(choice_questions, choice_slots, strict=True)
        ),
        numbers=tuple(
            _number_summary(question, counts)
            for question, (_, counts) in zip(number_questions, number_slots, strict=True)
        ),
        cross_tabs=tabs.results(),
    )


# --- choices ------------------------------------------------------------------------------------


def _choice_keys(value: Any) -> list[str]:
    """The distinct values of a stored choice answer that is not a plain string: a multi list, or
    something an older version stored (a list for a question now single, a number …)."""
    if isinstance(value, list):
        keys = [
            item if item.__class__ is str else str(item) for item in value if item is not None and item != ""
        ]
        return list(dict.fromkeys(keys)) if len(keys) > 1 else keys
    if isinstance(value, dict | set | tuple):
        return []  # nothing a choice could have stored
    return [str(value)]


def _ordered_keys(question: Question | None, seen: Iterable[str]) -> list[tuple[str, str]]:
    """(value, label) of the current choices in order, then the other values seen, as stored."""
    known = [(choice.value, choice.display) for choice in question.choices] if question else []
    offered = {value for value, _ in known}
    return known + [(value, value) for value in sorted(set(seen) - offered)]


def _choice_table(question: Question, counts: dict[str, int], respondents: int, total: int) -> ChoiceTable:
    return ChoiceTable(
        question_id=question.id,
        title=question.label,
        multi=question.type == "multi",
        respondents=respondents,
        unanswered=total - respondents,
        options=tuple(
            OptionCount(label, counts.get(value, 0)) for value, label in _ordered_keys(question, counts)
        ),
    )


# --- numbers ------------------------------------------------------------------------------------


def _number_summary(question: Question, counts: dict[int, int]) -> NumberSummary:
    values = sorted(counts)
    count = sum(counts.values())
    return NumberSummary(
        question_id=question.id,
        title=question.label,
        unit=question.unit,
        count=count,
        median=_median(values, counts, count),
        minimum=values[0] if values else None,
        maximum=values[-1] if values else None,
        histogram=_histogram(question, values, counts),
    )


def _median(values: list[int], counts: dict[int, int], count: int) -> float | None:
    """The median of the answers given as sorted distinct values and their counts."""
    if not count:
        return None
    lower_rank, upper_rank = (count - 1) // 2, count // 2  # 0-based ranks of the middle answers
    lower = upper = None
    seen = 0
    for value in values:
        seen += counts[value]
        if lower is None and seen > lower_rank:
            lower = value
        if seen > upper_rank:
            upper = value
            break
    assert lower is not None and upper is not None
    return (lower + upper) / 2


def histogram_bins(low: int, high: int) -> list[tuple[int, int]]:
    """Readable consecutive bins (first, last) covering low..high, at most ten (eleven with a 0).

    A narrow range gets one bin per value (3年目); a wide one bins of a round width aligned as people
    count (1〜5, 6〜10 …); a range over orders of magnitude (人分: 1 to 10,000,000) bins that grow by
    1-5-10 (1, 2〜5, 6〜10, 11〜50, 51〜100 …), or by tens when that makes too many, so a few large
    cases do not hide the many small ones.
    """
    if high - low < HISTOGRAM_BINS_MAX:
        return [(value, value) for value in range(low, high + 1)]
    if low >= 0 and high > 50 * max(low, 1):
        for steps in ((1, 5), (1,)):
            bins = _growing_bins(max(low, 1), high, steps)
            if len(bins) <= HISTOGRAM_BINS_MAX:
                break
        return [(0, 0), *bins] if low == 0 else bins
    width = 1
    for width in _round_widths():
        if (high - 1) // width - (low - 1) // width + 1 <= HISTOGRAM_BINS_MAX:
            break
    return [(k * width + 1, (k + 1) * width) for k in range((low - 1) // width, (high - 1) // width + 1)]


def _growing_bins(low: int, high: int, steps: tuple[int, ...]) -> list[tuple[int, int]]:
    """Bins ending at step × 10ⁿ (steps (1, 5): 1, 5, 10, 50 …; (1,): 1, 10, 100 …), low ≥ 1."""
    bins = []
    first, magnitude = 1, 1
    while True:
        for step in steps:
            limit = step * magnitude
            if limit >= low:
                bins.append((first, limit))
            if limit >= high:
                return bins
            first = limit + 1
        magnitude *= 10


def _round_widths() -> Iterable[int]:
    magnitude = 1
    while True:
        for step in (1, 2, 5):
            yield step * magnitude
        magnitude *= 10


def _histogram(question: Question, values: list[int], counts: dict[int, int]) -> tuple[OptionCount, ...]:
    if not values:
        return ()
    low, high = values[0], values[-1]
    bins = histogram_bins(low, high)
    # A bin never reaches past what the question accepts (41〜50年目, not 41〜60年目), nor hides an
    # answer an older version accepted.
    floor = min(low, question.min if question.min is not None else low)
    ceiling = max(high, question.max if question.max is not None else high)
    bins = [(max(first, floor), min(last, ceiling)) for first, last in bins]
    firsts = [first for first, _ in bins]
    totals = [0] * len(bins)
    for value in values:
        totals[bisect_right(firsts, value) - 1] += counts[value]
    unit = question.unit or ""
    return tuple(
        OptionCount(_range_label(first, last, unit), total)
        for (first, last), total in zip(bins, totals, strict=True)
    )


def _range_label(first: int, last: int, unit: str) -> str:
    if first == last:
        return f"{first:,}{unit}"
    return f"{first:,}{RANGE_SEPARATOR}{last:,}{unit}"


# --- cross tabs ---------------------------------------------------------------------------------


class _Side:
    """One side of a cross tab: the keys a submission's answer counts under."""

    def __init__(self, flow: Flow, question_id: str, department_digits: int | None) -> None:
        self.question_id = question_id
        self.question = flow.by_id.get(question_id)
        self.org = self.question is not None and self.question.type == "org"
        self.digits = department_digits if self.org else None

    def keys(self, value: Any) -> Sequence[str]:
        if self.org:  # every submission has a department, if only (所属なし)
            code = value.get("code") if value.__class__ is dict else None
            if code and code.__class__ is str:
                return (code.strip()[: self.digits] or NO_ORG,)
            return _NO_ORG_KEYS
        if not value:
            return ()
        return (value,) if value.__class__ is str else _choice_keys(value)

    def labels(self, seen: Iterable[str]) -> list[tuple[str, str]]:
        """(key, label) in the table's order: departments by code with (所属なし) last; choices as in
        their own table."""
        if self.org:
            found = set(seen)
            departments = [(key, key) for key in sorted(found - {NO_ORG})]
            return departments + ([(NO_ORG, NO_ORG)] if NO_ORG in found else [])
        return _ordered_keys(self.question, seen)


class _CrossTabs:
    """The declared cross tabs as the counting loop uses them: each side read once per submission
    however many tabs share it (原因 heads four of the shipped survey's five)."""

    def __init__(self, flow: Flow, declared: Iterable[CrossTabSpec]) -> None:
        self.sides: list[_Side] = []
        index: dict[tuple[str, int | None], int] = {}

        def side(question_id: str, digits: int | None) -> int:
            candidate = _Side(flow, question_id, digits)
            key = (question_id, candidate.digits)
            if key not in index:
                index[key] = len(self.sides)
                self.sides.append(candidate)
            return index[key]

        self.titles: list[str] = []
        # (rows side, columns side, (row key, column key) -> submissions, [respondents])
        self.slots: list[tuple[int, int, dict[tuple[str, str], int], list[int]]] = []
        for spec in declared:
            rows = side(spec.rows, spec.department_digits)
            columns = side(spec.columns, spec.department_digits)
            self.titles.append(spec.title)
            self.slots.append((rows, columns, {}, [0]))
        self.readers = [(side.question_id, side.keys) for side in self.sides]

    def results(self) -> tuple[CrossTab, ...]:
        return tuple(
            _cross_tab(title, self.sides[rows], self.sides[columns], cells, respondents[0])
            for title, (rows, columns, cells, respondents) in zip(self.titles, self.slots, strict=True)
        )


def _cross_tab(
    title: str, row_side: _Side, column_side: _Side, cells: dict[tuple[str, str], int], respondents: int
) -> CrossTab:
    rows = row_side.labels(row for row, _ in cells)
    columns = column_side.labels(column for _, column in cells)
    return CrossTab(
        title=title,
        row_labels=tuple(label for _, label in rows),
        column_labels=tuple(label for _, label in columns),
        cells=tuple(tuple(cells.get((row, column), 0) for column, _ in columns) for row, _ in rows),
        respondents=respondents,
    )


def _per_month(day_counts: dict[date, int]) -> tuple[OptionCount, ...]:
    if not day_counts:
        return ()
    months: dict[int, int] = {}
    for day, count in day_counts.items():
        index = day.year * 12 + day.month - 1
        months[index] = months.get(index, 0) + count
    return tuple(
        OptionCount(f"{index // 12:04d}-{index % 12 + 1:02d}", months.get(index, 0))
        for index in range(min(months), max(months) + 1)
    )
