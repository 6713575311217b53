"""`python -m bot export`: the administrators' export from the server's command line.

    python -m bot export --format xlsx|csv [--from YYYY-MM-DD] [--to YYYY-MM-DD]
                         [--period TEXT] [--department KEYWORD] -o FILE

It reads the same settings as the bot (DATABASE_URL, TIMEZONE, FLOW_FILE), writes the file (to a
temporary file beside it first, readable by its owner only, renamed when complete: a failed
export leaves no half file), records the export (actor and source "cli") and prints one line.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import sys
import tempfile
import unicodedata
from datetime import date
from pathlib import Path

from sqlalchemy import Engine

import storage
from bot import texts
from bot.clock import Clock
from bot.flow_catalog import FlowCatalog
from bot.results.export import write_export
from bot.results.periods import Period, between, parse_period
from bot.results.summary_sheet import summary_rows
from bot.results.table import org_question_id
from bot.settings import Settings
from flows.model import Flow
from flows.statistics import Statistics, compute_statistics

COMMAND = "export"
CLI_ACTOR = "cli"
FORMATS = ("xlsx", "csv")


def add_export_command(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """The `export` subcommand and its options."""
    export = commands.add_parser(COMMAND, help=texts.CLI_EXPORT_HELP, description=texts.CLI_EXPORT_HELP)
    export.add_argument("--format", choices=FORMATS, required=True, dest="fmt", help=texts.CLI_FORMAT_HELP)
    export.add_argument("--from", dest="start", metavar="YYYY-MM-DD", help=texts.CLI_FROM_HELP)
    export.add_argument("--to", dest="end", metavar="YYYY-MM-DD", help=texts.CLI_TO_HELP)
    export.add_argument("--period", metavar="TEXT", help=texts.CLI_PERIOD_HELP)
    export.add_argument("--department", metavar="KEYWORD", help=texts.CLI_DEPARTMENT_HELP)
    export.add_argument(
        "--with-withdrawn", action="store_true", dest="with_withdrawn", help=texts.CLI_WITH_WITHDRAWN_HELP
    )
    export.add_argument(
        "-o", "--output", required=True, type=Path, metavar="FILE", help=texts.CLI_OUTPUT_HELP
    )


def run_export(args: argparse.Namespace, settings: Settings) -> int:
    """Carry out `python -m bot export`; the exit code (0, 1 when the file cannot be written,
    2 for options that cannot be used)."""
    clock = Clock(settings.timezone)
    try:
        if args.period and (args.start or args.end):
            raise ValueError(texts.CLI_PERIOD_AND_DATES)
        start = _day("--from", args.start)
        end = _day("--to", args.end)
        period = parse_period(args.period, clock.today()) if args.period else None
    except ValueError as problem:
        print(texts.cli_error(str(problem)), file=sys.stderr)
        return 2
    output: Path = args.output
    engine = storage.make_engine(settings.database_url)
    try:
        storage.upgrade(engine)
        catalog = FlowCatalog(engine, settings.flow_file)
        try:
            if start or end:
                period = _dates(start, end, catalog.current, clock)
            rows = _write_file(
                engine, output, args.fmt, catalog, period, args.department, settings, args.with_withdrawn
            )
        except ValueError as problem:
            print(texts.cli_error(str(problem)), file=sys.stderr)
            return 2
        except OSError as problem:
            print(texts.cli_cannot_write(str(output), problem.strerror or str(problem)), file=sys.stderr)
            return 1
        filter_text = texts.export_filter(period.label if period else texts.PERIOD_ALL, args.department)
        storage.record_export(  # the file is written: the record and its audit record, together
            engine,
            at=clock.now(),
            actor=CLI_ACTOR,
            source=storage.ExportSource.CLI,
            filter_text=filter_text,
            fmt=args.fmt,
            rows=rows,
            audit_detail=texts.audit_export_detail(filter_text, args.fmt, rows),
        )
    finally:
        engine.dispose()
    print(texts.cli_exported(rows, str(output)))
    return 0


def _write_file(
    engine: Engine,
    output: Path,
    fmt: str,
    catalog: FlowCatalog,
    period: Period | None,
    department: str | None,
    settings: Settings,
    with_withdrawn: bool = False,
) -> int:
    descriptor, partial = tempfile.mkstemp(prefix=f".{output.name}.", suffix=".partial", dir=output.parent)
    try:
        with os.fdopen(descriptor, "wb") as out:
            rows = write_export(
                engine,
                flows=catalog.for_version,
                current=catalog.current,
                period=period,
                department=department,
                timezone=settings.timezone,
                fmt="csv" if fmt == "csv" else "xlsx",
                out=out,
                summary_rows=None
                if fmt == "csv"
                else summary_rows(
                    _statistics(engine, catalog.current, period, department, settings, with_withdrawn)
                ),
                include_withdrawn=with_withdrawn,
            )
        os.replace(partial, output)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(partial)
        raise
    return rows


def _day(option: str, typed: str | None) -> date | None:
    if not typed:
        return None
    text = unicodedata.normalize("NFKC", typed).strip()
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise ValueError(texts.cli_bad_date(option, typed)) from None


def _dates(start: date | None, end: date | None, flow: Flow, clock: Clock) -> Period:
    """--from alone runs to today; --to alone starts when the survey opened."""
    first = start or clock.local(flow.open_period.start).date()
    return between(first, end or clock.today())


def _statistics(
    engine: Engine,
    flow: Flow,
    period: Period | None,
    department: str | None,
    settings: Settings,
    with_withdrawn: bool = False,
) -> Statistics:
    """The same counts as /survey 集計, for the 集計 sheet."""
    start, end = period.bounds(settings.timezone) if period else (None, None)
    submissions = storage.iter_submissions(
        engine,
        start=start,
        end=end,
        department=department,
        org_question=org_question_id(flow),
        flow_id=flow.id,
        include_withdrawn=with_withdrawn,
    )
    local = settings.timezone
    return compute_statistics(
        flow, ((made.answers, made.submitted_at.astimezone(local).date()) for made in submissions)
    )
