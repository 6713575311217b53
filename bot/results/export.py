"""The administrators' export of the submitted answers: an Excel workbook (xlsx) or a CSV file.

The workbook has the sheet 回答 (one row per submission, see bot/results/table.py), the sheet
集計 when the caller gives its rows (`summary_rows`: the statistics, written as they are), and the
sheet 設問 (the question catalogue of the flow versions in the file). The CSV is the sheet 回答
alone, in UTF-8 with a BOM so that Excel reads the Japanese.

Submissions are streamed from the database (storage.iter_submissions) and each row is written as
soon as it is read. XlsxWriter is the writer for xlsx because of its `constant_memory` mode: each
row is flushed to a temporary file once the next one begins, so memory stays bounded whatever the
number of submissions (openpyxl builds the whole sheet in memory; its write-only mode streams too,
but is several times slower per cell). The price of that mode is that rows must be written in
order, which a stream in receipt order gives.

Text is always written with write_string (never `write`, which would turn "=…" into a formula),
after the neutralisation of table.neutralise.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Callable, Generator, Iterable, Iterator, Sequence
from datetime import date, datetime, time, tzinfo
from typing import Any, BinaryIO, Literal

import xlsxwriter  # type: ignore[import-untyped]  # XlsxWriter ships no type hints
from sqlalchemy import Engine

import storage
from bot import texts
from bot.results.periods import Period
from bot.results.table import AnswerTable, Cell, Column, org_question_id, summary_cells
from flows.model import Flow
from storage import Submission

ExportFormat = Literal["xlsx", "csv"]
HEADER_HEIGHT = 64  # points: about four lines of a wrapped header
DATETIME_FORMAT = "yyyy/mm/dd hh:mm"
DATE_FORMAT = "yyyy/mm/dd"
TIME_FORMAT = "hh:mm"


def write_export(
    engine: Engine,
    *,
    flows: Callable[[int], Flow],
    current: Flow,
    period: Period | None,
    department: str | None,
    timezone: tzinfo,
    fmt: ExportFormat,
    out: BinaryIO,
    summary_rows: Iterable[Sequence[str | int]] | None = None,
    include_withdrawn: bool = False,
) -> int:
    """Write the submissions of the current flow (every version of it) in `period` (None: all)
    whose 所属 matches `department` (None: all) to `out`; returns the number of rows (submissions).

    `flows` gives the flow of a stored version id; `timezone` is the survey's (TIMEZONE): the
    period's days and every time in the file are local to it. `summary_rows`, when given, become
    the sheet 集計 (xlsx only). Withdrawn submissions (取下げ) are left out unless
    `include_withdrawn`. Raises ValueError, in Japanese, for a 所属 keyword on a flow
    without a 所属 question.
    """
    if fmt not in ("xlsx", "csv"):
        raise ValueError(f"unknown export format: {fmt!r}")
    org_question = org_question_id(current)
    keyword = department.strip() if department else None
    if keyword and org_question is None:
        raise ValueError(texts.NO_ORG_QUESTION)
    start, end = period.bounds(timezone) if period else (None, None)
    where: dict[str, Any] = {
        "start": start,
        "end": end,
        "department": keyword or None,
        "org_question": org_question,
        "flow_id": current.id,
        "include_withdrawn": include_withdrawn,
    }
    versions = {version: flows(version) for version in storage.submission_versions(engine, **where)}
    table = AnswerTable(current, versions, timezone=timezone, typed=fmt == "xlsx", load=flows)
    submissions = storage.iter_submissions(engine, **where)
    try:
        if fmt == "csv":
            return _write_csv(table, submissions, out)
        return _write_xlsx(table, submissions, out, summary_rows)
    finally:
        if isinstance(submissions, Generator):
            submissions.close()  # ends the read transaction at once when writing failed half-way


def _write_csv(table: AnswerTable, submissions: Iterator[Submission], out: BinaryIO) -> int:
    text = io.TextIOWrapper(out, encoding="utf-8-sig", newline="")
    try:
        writer = csv.writer(text)
        writer.writerow(table.headers)
        count = 0
        row = table.row
        for submission in submissions:
            writer.writerow(row(submission))
            count += 1
        text.flush()
    finally:
        text.detach()  # the caller's stream stays open
    return count


def _write_xlsx(
    table: AnswerTable,
    submissions: Iterator[Submission],
    out: BinaryIO,
    summary_rows: Iterable[Sequence[str | int]] | None,
) -> int:
    # On an error nothing is closed: `out` gets no half workbook (the rows' temporary files go
    # with the workbook object).
    workbook = xlsxwriter.Workbook(out, {"constant_memory": True})
    header = workbook.add_format({"bold": True, "text_wrap": True, "valign": "top", "bg_color": "#DDEBF7"})
    answers = workbook.add_worksheet(texts.SHEET_ANSWERS)
    summary = workbook.add_worksheet(texts.SHEET_SUMMARY) if summary_rows is not None else None
    catalogue = workbook.add_worksheet(texts.SHEET_QUESTIONS)

    formats = column_formats(workbook, table.columns)
    for index, column in enumerate(table.columns):
        answers.set_column(index, index, column.width)
    answers.freeze_panes(1, 1)
    answers.set_row(0, HEADER_HEIGHT)
    for index, title in enumerate(table.headers):
        answers.write_string(0, index, title, header)
    count = _write_rows(answers, (table.row(submission) for submission in submissions), formats)
    answers.autofilter(0, 0, max(count, 1), len(table.columns) - 1)

    if summary is not None and summary_rows is not None:
        _write_summary(summary, summary_rows)
    _write_catalogue(workbook, catalogue, table.catalogue(), header)
    workbook.close()
    return count


def _write_rows(sheet: Any, rows: Iterable[Sequence[Cell]], formats: Sequence[Any]) -> int:
    """Rows from the second line on, typed cells as they are; returns how many rows."""
    write_string = sheet.write_string
    write_number = sheet.write_number
    write_datetime = sheet.write_datetime
    count = 0
    for count, row in enumerate(rows, 1):
        for index, value in enumerate(row):
            if value is None:
                continue
            kind = type(value)
            if kind is str:
                write_string(count, index, value, formats[index])
            elif kind is int or kind is float:
                write_number(count, index, value, formats[index])
            elif kind is datetime or kind is date or kind is time:
                write_datetime(count, index, value, formats[index])
            else:  # pragma: no cover - the table makes no other cells
                write_string(count, index, str(value), formats[index])
    return count


def column_formats(workbook: Any, columns: Sequence[Column]) -> list[Any]:
    """One format per column (shared between columns that look the same)."""
    made: dict[tuple[str, str | None], Any] = {}

    def format_of(column: Column) -> Any:
        key = (column.kind, column.unit)
        if key not in made:
            made[key] = workbook.add_format(_format_properties(column))
        return made[key]

    return [format_of(column) for column in columns]


def _format_properties(column: Column) -> dict[str, Any]:
    match column.kind:
        case "datetime":
            return {"num_format": DATETIME_FORMAT, "valign": "top"}
        case "date":
            return {"num_format": DATE_FORMAT, "valign": "top"}
        case "time":
            return {"num_format": TIME_FORMAT, "valign": "top"}
        case "code":
            return {"num_format": "@", "valign": "top"}  # text: 010020 keeps its zero when edited
        case "integer" if column.unit:
            unit = column.unit.replace('"', "")
            return {"num_format": f'0"{unit}"', "valign": "top"}
        case "long_text":
            return {"text_wrap": True, "valign": "top"}
        case _:
            return {"valign": "top"}


def _write_summary(sheet: Any, rows: Iterable[Sequence[str | int]]) -> None:
    sheet.set_column(0, 0, 40)
    sheet.set_column(1, 30, 14)
    for number, row in enumerate(summary_cells(rows)):
        for index, value in enumerate(row):
            if isinstance(value, str):
                sheet.write_string(number, index, value)
            else:
                sheet.write_number(number, index, value)


CATALOGUE_WIDTHS = (22, 30, 30, 50, 10, 50, 36, 10, 16)


def _write_catalogue(workbook: Any, sheet: Any, rows: list[list[str]], header: Any) -> None:
    wrap = workbook.add_format({"text_wrap": True, "valign": "top"})
    for index, width in enumerate(CATALOGUE_WIDTHS):
        sheet.set_column(index, index, width)
    sheet.freeze_panes(1, 1)
    for number, row in enumerate(rows):
        for index, value in enumerate(row):
            sheet.write_string(number, index, value, header if number == 0 else wrap)
    sheet.autofilter(0, 0, max(len(rows) - 1, 1), len(CATALOGUE_WIDTHS) - 1)
