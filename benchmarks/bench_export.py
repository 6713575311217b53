"""The administrators' export: 10,000 submissions of the shipped survey to xlsx and to CSV.

Seeded random answers along the survey's own paths (every condition honoured, about one optional
question in twenty declined, free text of every length the flow allows), in a SQLite file in a
temporary directory. Measured in one run:

- **export**: `write_export` to a file, xlsx and CSV: read the submissions from the database in
  batches, build each row (labels, 0/1 flags, 和暦, typed cells, formula neutralisation), write it;
- **baseline**: the bare library writing the same cells from a list of rows prepared beforehand
  (XlsxWriter in constant_memory mode with the same formats, `write_string` / `write_number` /
  `write_datetime` by the cell's type; `csv.writer.writerows` for CSV), the least any export of these
  cells must do; the export is printed as a ratio of it;
- **parts**: the database read alone (`iter_submissions`) and the rows built alone (`AnswerTable.row`
  over submissions already in memory), to show where the difference goes, and the export as a
  ratio of the database read plus the bare library (what the baseline leaves out is the read);
- **memory**: the peak of Python allocations (tracemalloc) during one xlsx export, in a run of its
  own (tracing slows everything down), next to the size of the prepared rows the baseline holds.

Run: python -m benchmarks.bench_export [--rows N] [--repeats R] [--seed S]
"""

from __future__ import annotations

import argparse
import csv
import gc
import random
import shutil
import statistics
import tempfile
import time
import tracemalloc
from collections.abc import Callable, Sequence
from datetime import UTC, date, datetime, timedelta
from functools import partial
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import xlsxwriter  # type: ignore[import-untyped]  # XlsxWriter ships no type hints
from sqlalchemy import Engine, insert

import storage
from bot.results.export import HEADER_HEIGHT, column_formats, write_export
from bot.results.table import AnswerTable, Cell
from bot.settings import SHIPPED_FLOW
from flows.answers import AnswerValue, parse_answer
from flows.engine import condition_holds, missing_answers, prune
from flows.load import load_flow
from flows.model import Flow, Question
from storage.departments import parse_departments_csv
from storage.models import DraftStatus, metadata

TOKYO = ZoneInfo("Asia/Tokyo")
SURVEY = load_flow(SHIPPED_FLOW)
FIRST_DAY = datetime(2026, 4, 1, 8, 30, tzinfo=TOKYO)
DECLINE_SHARE = 0.05
WORDS = [
    "宛先",
    "確認",
    "送信",
    "封入",
    "誤り",
    "名簿",
    "資料",
    "共有",
    "設定",
    "電話",
    "窓口",
    "郵送",
    "添付",
    "手順",
    "再発防止",
    "点検",
]
INSERT_CHUNK = 1_000


# --- the data ------------------------------------------------------------------------------------


def departments() -> list[dict[str, str]]:
    sample = Path(storage.__file__).with_name("departments_sample.csv").read_bytes()
    return [{"code": code, "name": name} for code, name in parse_departments_csv(sample)]


def random_answers(flow: Flow, rng: random.Random, orgs: Sequence[dict[str, str]]) -> dict[str, AnswerValue]:
    """One submission's answers along a random path: each question asked when its condition holds."""
    answers: dict[str, AnswerValue] = {}
    today = date(2026, 11, 30)
    for question in flow.questions:
        if not condition_holds(question.when, answers):
            continue
        if question.optional and rng.random() < DECLINE_SHARE:
            answers[question.id] = [] if question.type == "multi" else ""
            continue
        raw = _raw(question, answers, rng, orgs)
        answers[question.id] = (
            raw if question.type == "org" else parse_answer(flow, question, raw, answers=answers, today=today)
        )
    return answers


def _raw(
    question: Question, answers: dict[str, AnswerValue], rng: random.Random, orgs: Sequence[dict[str, str]]
) -> Any:
    match question.type:
        case "org":
            return rng.choice(orgs)
        case "single":
            return rng.choice(question.choices).value
        case "multi":
            ordinary = [c.value for c in question.choices if not c.exclusive]
            exclusive = [c.value for c in question.choices if c.exclusive]
            if exclusive and rng.random() < 0.2:
                return [rng.choice(exclusive)]
            return rng.sample(ordinary, rng.randint(1, min(3, len(ordinary))))
        case "integer":
            assert question.min is not None and question.max is not None
            high = min(question.max, 40)
            if question.not_more_than and isinstance(answers.get(question.not_more_than), int):
                high = min(high, int(answers[question.not_more_than]))  # type: ignore[arg-type]  # checked just above
            return rng.randint(question.min, max(question.min, high))
        case "date":
            return (date(2025, 4, 1) + timedelta(days=rng.randrange(600))).isoformat()
        case "time":
            return f"{rng.randint(8, 18)}:{rng.choice((0, 15, 30, 45)):02d}"
        case "long_text":
            return "".join(rng.choices(WORDS, k=rng.randint(5, 120)))[: question.max_length]
        case _:
            return "".join(rng.choices(WORDS, k=rng.randint(1, 6)))[: question.max_length]


def seed(engine: Engine, rows: int, rng: random.Random) -> int:
    """`rows` submissions (with their drafts), one every few minutes from April 2026; returns the
    flow version id. Inserted in bulk: the benchmark is the export, not 送信."""
    version = storage.register_flow(engine, SURVEY, now=FIRST_DAY.astimezone(UTC))
    orgs = departments()
    drafts, submissions = metadata.tables["draft"], metadata.tables["submission"]
    counters = metadata.tables["receipt_counter"]
    at = FIRST_DAY.astimezone(UTC)
    year_seq: dict[int, int] = {}
    checked = 0
    with storage.session_scope(engine) as session:
        connection = session.connection()
        for first in range(0, rows, INSERT_CHUNK):
            draft_rows, submission_rows = [], []
            for number in range(first + 1, min(rows, first + INSERT_CHUNK) + 1):
                answers = random_answers(SURVEY, rng, orgs)
                if checked < 200:  # the generator walks the survey's own paths
                    assert prune(SURVEY, answers)[1] == [] and not missing_answers(SURVEY, answers)
                    checked += 1
                at += timedelta(minutes=rng.randint(1, 90))
                year = at.astimezone(TOKYO).year
                year_seq[year] = year_seq.get(year, 0) + 1
                common = {"team_id": "T0BENCH", "user_id": f"U{number:07d}", "flow_version_id": version.id}
                draft_rows.append(
                    {
                        "id": number,
                        **common,
                        "flow_id": SURVEY.id,
                        "answers": answers,
                        "status": DraftStatus.SUBMITTED,
                    }
                    | {
                        "created_at": at,
                        "updated_at": at,
                        "last_activity_at": at,
                        "version": 2,
                        "reminders_sent": 0,
                    }
                )
                submission_rows.append(
                    {"draft_id": number, **common, "answers": answers, "submitted_at": at}
                    | {"receipt_year": year, "receipt_seq": year_seq[year]}
                    | {"receipt_number": storage.format_receipt_number(year, year_seq[year])}
                )
            connection.execute(insert(drafts), draft_rows)
            connection.execute(insert(submissions), submission_rows)
        connection.execute(insert(counters), [{"year": y, "last_seq": s} for y, s in year_seq.items()])
    return version.id


# --- the measures ----------------------------------------------------------------------------------


def timed(work: Callable[[], Any], repeats: int) -> tuple[float, Any]:
    """Median seconds of `repeats` runs, and the last result."""
    times, result = [], None
    for _ in range(repeats):
        gc.collect()
        started = time.perf_counter()
        result = work()
        times.append(time.perf_counter() - started)
    return statistics.median(times), result


def export_to(engine: Engine, fmt: str, path: Path) -> int:
    with path.open("wb") as out:
        return write_export(
            engine,
            flows=lambda version: storage.load_flow(engine, version),
            current=SURVEY,
            period=None,
            department=None,
            timezone=TOKYO,
            fmt="csv" if fmt == "csv" else "xlsx",
            out=out,
        )


def bare_xlsx(table: AnswerTable, rows: list[list[Cell]], path: Path) -> None:
    """XlsxWriter alone: the same cells and formats, from rows prepared beforehand."""
    workbook = xlsxwriter.Workbook(str(path), {"constant_memory": True})
    sheet = workbook.add_worksheet("回答")
    header = workbook.add_format({"bold": True, "text_wrap": True, "valign": "top", "bg_color": "#DDEBF7"})
    formats = column_formats(workbook, table.columns)
    for index, column in enumerate(table.columns):
        sheet.set_column(index, index, column.width)
    sheet.set_row(0, HEADER_HEIGHT)
    for index, title in enumerate(table.headers):
        sheet.write_string(0, index, title, header)
    for number, row in enumerate(rows, 1):
        for index, value in enumerate(row):
            if value is None:
                continue
            if isinstance(value, str):
                sheet.write_string(number, index, value, formats[index])
            elif isinstance(value, int | float):
                sheet.write_number(number, index, value, formats[index])
            else:
                sheet.write_datetime(number, index, value, formats[index])
    workbook.close()


def bare_csv(table: AnswerTable, rows: list[list[Cell]], path: Path) -> None:
    with path.open("w", encoding="utf-8-sig", newline="") as out:
        writer = csv.writer(out)
        writer.writerow(table.headers)
        writer.writerows(rows)


def read_all(engine: Engine) -> list[storage.Submission]:
    return list(storage.iter_submissions(engine, start=None, end=None, department=None, flow_id=SURVEY.id))


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--rows", type=int, default=10_000)
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--seed", type=int, default=11)
    args = parser.parse_args(argv)

    directory = Path(tempfile.mkdtemp(prefix="kikitori-bench-export-"))
    try:
        engine = storage.make_engine(f"sqlite:///{directory}/kikitori.db")
        storage.upgrade(engine)
        started = time.perf_counter()
        version = seed(engine, args.rows, random.Random(args.seed))
        print(
            f"seeded {args.rows:,} submissions in {time.perf_counter() - started:.1f} s (SQLite, {directory})"
        )

        submissions = read_all(engine)
        xlsx_table = AnswerTable(SURVEY, {version: SURVEY}, timezone=TOKYO, typed=True)
        csv_table = AnswerTable(SURVEY, {version: SURVEY}, timezone=TOKYO, typed=False)
        xlsx_rows = [xlsx_table.row(s) for s in submissions]
        csv_rows = [csv_table.row(s) for s in submissions]
        filled = sum(value is not None for row in xlsx_rows for value in row)
        print(
            f"{len(xlsx_table.columns)} columns, {filled:,} cells with a value ({filled / len(xlsx_rows):.0f} a row)"
        )

        repeats = args.repeats
        read_time, _ = timed(lambda: read_all(engine), repeats)
        build_time, _ = timed(lambda: [xlsx_table.row(s) for s in submissions], repeats)
        figures = []
        for fmt, bare, table, rows in (
            ("xlsx", bare_xlsx, xlsx_table, xlsx_rows),
            ("csv", bare_csv, csv_table, csv_rows),
        ):
            export_time, written = timed(
                partial(export_to, engine, fmt, directory / f"export.{fmt}"), repeats
            )
            assert written == args.rows
            bare_time, _ = timed(partial(bare, table, rows, directory / f"bare.{fmt}"), repeats)
            size = (directory / f"export.{fmt}").stat().st_size
            figures.append((fmt, export_time, bare_time, size))

        del xlsx_rows
        gc.collect()
        tracemalloc.start()
        export_to(engine, "xlsx", directory / "traced.xlsx")
        _, export_peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()
        tracemalloc.start()
        prepared = [xlsx_table.row(s) for s in read_all(engine)]
        prepared_size, _ = tracemalloc.get_traced_memory()
        tracemalloc.stop()
        del prepared

        print(f"\n{args.rows:,} submissions, median of {repeats} runs")
        print(f"{'format':<6} {'export':>9} {'bare library':>13} {'ratio':>7} {'file':>10}")
        for fmt, export_time, bare_time, size in figures:
            print(
                f"{fmt:<6} {export_time:>8.2f}s {bare_time:>12.2f}s {export_time / bare_time:>6.2f}× {size / 1e6:>8.1f}MB"
            )
        print(
            f"\nparts: database read (iter_submissions) {read_time:.2f} s; rows built (AnswerTable.row) {build_time:.2f} s"
        )
        for fmt, export_time, bare_time, _ in figures:
            print(
                f"{fmt}: export / (database read + bare library) = "
                f"{export_time / (read_time + bare_time):.2f}×"
            )
        print(f"peak Python memory during the xlsx export: {export_peak / 1e6:.1f} MB")
        print(
            f"(the {args.rows:,} rows prepared in a list, as the baseline holds them: {prepared_size / 1e6:.1f} MB)"
        )
        engine.dispose()
    finally:
        shutil.rmtree(directory, ignore_errors=True)


if __name__ == "__main__":
    main()
