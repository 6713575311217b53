"""The 集計 sheet of the Excel export: the same statistics as /survey 集計, as rows of cells."""

from __future__ import annotations

from collections.abc import Iterator, Sequence

from bot import texts
from flows.statistics import Statistics


def summary_rows(stats: Statistics) -> Iterator[Sequence[str | int]]:
    yield (texts.STATS_TITLE, texts.items(stats.submissions))
    yield ()
    yield (texts.STATS_BY_MONTH,)
    for month in stats.per_month:
        yield (month.label, month.count)
    for table in stats.choices:
        yield ()
        yield (table.title, texts.share_note(table.multi))
        yield texts.SUMMARY_SHEET_COLUMNS
        for option in table.options:
            share = f"{round(100 * option.count / table.respondents)}%" if table.respondents else ""
            yield (option.label, option.count, share)
        yield (texts.STATS_NO_ANSWER, table.unanswered, "")
    for number in stats.numbers:
        yield ()
        yield (
            number.title,
            texts.number_line(number.count, number.median, number.minimum, number.maximum, number.unit or ""),
        )
        for bin_ in number.histogram:
            yield (bin_.label, bin_.count)
    for cross in stats.cross_tabs:
        yield ()
        yield (cross.title, texts.items(cross.respondents))
        yield ("", *cross.column_labels)
        for label, row in zip(cross.row_labels, cross.cells, strict=True):
            yield (label, *row)
