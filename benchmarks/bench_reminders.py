"""One reminder sweep over a large table of drafts, on SQLite and PostgreSQL.

100,000 drafts in progress (`--rows`), 1% of them idle since Tuesday with their first reminder due
(`--due-percent`), the rest with their next reminder tomorrow; the clock is Thursday 2026-11-26
10:00 in Tokyo. Measured, in one run per database:

- **sweep**: `Reminders.sweep(limit=200)` repeated until it claims nothing: claim, decide with the
  policy, settle and enqueue one reminder per due draft in the outbox (what every process's timer does);
- **baseline**: one `SELECT` of the due drafts (status + next_reminder_at, the sweep's own condition),
  the least any sweep must read; the sweep is printed as a ratio of it;
- **claims alone**: `claim_due_reminders(limit=200)` until nothing is left (then the claims are undone);
- **idle sweep**: a sweep when nothing is due, the price of each timer tick on a quiet day;
- **delivery**: the outbox sent to a fake Slack in this process (conversations.open + chat.postMessage),
  unless `--no-deliver`.

It prints the database's plan of the claim statement (EXPLAIN, captured as the sweep sends it) and
checks that it reads the (status, next_reminder_at) index rather than the table.
Run: python -m benchmarks.bench_reminders [--rows N] [--due-percent P] [--db sqlite|postgresql|both]
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import tempfile
import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import Engine, create_engine, event, func, insert, make_url, select, update
from sqlalchemy.pool import NullPool

import storage
from bot.app import Kikitori, create_app
from bot.settings import Settings
from sandbox.fake_slack import FakeSlack
from storage.models import DraftStatus, metadata

TOKYO = ZoneInfo("Asia/Tokyo")
NOW = datetime(2026, 11, 26, 10, 0, tzinfo=TOKYO).astimezone(UTC)  # Thursday, business hours
IDLE_SINCE = datetime(2026, 11, 24, 10, 0, tzinfo=TOKYO).astimezone(UTC)  # Tuesday
FIRST_REMINDER = datetime(2026, 11, 25, 10, 0, tzinfo=TOKYO).astimezone(UTC)  # one business day later
TOMORROW = NOW + timedelta(days=1)
BOT_TOKEN = "xoxb-fake-token"
ADMIN_CHANNEL = "C0ADMIN001"
INDEX = "ix_draft_status_next_reminder_at"
DRAFTS = metadata.tables["draft"]
OUTBOX = metadata.tables["outbox_message"]
SWEEP_LIMIT = 200
INSERT_CHUNK = 10_000
REPEATS = 5


# --- databases -----------------------------------------------------------------------------------


@contextmanager
def sqlite_database() -> Iterator[str]:
    directory = tempfile.mkdtemp(prefix="kikitori-bench-")
    try:
        yield f"sqlite:///{directory}/kikitori.db"
    finally:
        shutil.rmtree(directory, ignore_errors=True)


@contextmanager
def postgres_database() -> Iterator[str]:
    """A fresh database on a PostgreSQL started with pgserver, as tests/conftest.py does."""
    import pgserver

    data_dir = tempfile.mkdtemp(prefix="kikitori-pg-")  # short: the Unix socket lives there
    server = pgserver.get_server(data_dir, cleanup_mode="stop")
    try:
        admin_url = storage.database_url({"DATABASE_URL": server.get_uri()})
        name = f"kikitori_bench_{uuid.uuid4().hex[:12]}"
        admin = create_engine(admin_url, isolation_level="AUTOCOMMIT", poolclass=NullPool)
        with admin.connect() as connection:
            connection.exec_driver_sql(f'CREATE DATABASE "{name}"')
        admin.dispose()
        yield make_url(admin_url).set(database=name).render_as_string(hide_password=False)
    finally:
        server.cleanup()
        shutil.rmtree(data_dir, ignore_errors=True)


def seed(engine: Engine, flow_id: str, flow_version_id: int, rows: int, every: int) -> int:
    """`rows` drafts in progress, every `every`-th one due; bulk INSERTs. The number due."""
    due = 0
    with engine.begin() as connection:
        for start in range(0, rows, INSERT_CHUNK):
            batch: list[dict[str, Any]] = []
            for index in range(start, min(start + INSERT_CHUNK, rows)):
                is_due = index % every == 0
                due += is_due
                since = IDLE_SINCE if is_due else NOW - timedelta(hours=1)
                batch.append(
                    {
                        "team_id": "T0KIKITORI",
                        "user_id": f"U{index:08d}",
                        "flow_id": flow_id,
                        "flow_version_id": flow_version_id,
                        "answers": {},
                        "current_question_id": None,
                        "status": DraftStatus.IN_PROGRESS.value,
                        "created_at": since,
                        "updated_at": since,
                        "last_activity_at": since,
                        "reminders_sent": 0,
                        "next_reminder_at": FIRST_REMINDER if is_due else TOMORROW,
                        "version": 1,
                    }
                )
            connection.execute(insert(DRAFTS), batch)
    return due


def analyze(engine: Engine) -> None:
    """Fresh planner statistics, as autovacuum (PostgreSQL) or an operator (SQLite) would give."""
    if engine.dialect.name == "postgresql":
        with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
            connection.exec_driver_sql("VACUUM ANALYZE draft")
    else:
        with engine.begin() as connection:
            connection.exec_driver_sql("ANALYZE")


# --- what is measured ----------------------------------------------------------------------------


def timed(work: Callable[[], object]) -> tuple[float, Any]:
    started = time.perf_counter()
    result = work()
    return time.perf_counter() - started, result


def median_of(repeats: int, work: Callable[[], object]) -> float:
    return statistics.median(timed(work)[0] for _ in range(repeats))


def select_due(engine: Engine) -> int:
    """The baseline: read every due draft's reminder fields in one SELECT."""
    columns = DRAFTS.c
    statement = select(columns.id, columns.last_activity_at, columns.reminders_sent).where(
        columns.status == DraftStatus.IN_PROGRESS, columns.next_reminder_at <= NOW
    )
    with engine.connect() as connection:
        return len(connection.execute(statement).all())


def claim_all(engine: Engine) -> int:
    claimed = 0
    while batch := storage.claim_due_reminders(
        engine, worker_id="bench-claims", now=NOW, lease_seconds=120, limit=SWEEP_LIMIT
    ):
        claimed += len(batch)
    return claimed


def undo_claims(engine: Engine) -> None:
    with engine.begin() as connection:
        connection.execute(
            update(DRAFTS)
            .where(DRAFTS.c.reminder_claimed_by == "bench-claims")
            .values(reminder_claimed_by=None, reminder_claimed_until=None)
        )


def sweep_all(bot: Kikitori) -> tuple[int, int]:
    claimed = reminded = 0
    while (result := bot.reminders.sweep(limit=SWEEP_LIMIT)).claimed:
        claimed += result.claimed
        reminded += result.reminded
    return claimed, reminded


def deliver_all(bot: Kikitori) -> int:
    delivered = 0
    while sent := bot.delivery.deliver_due():
        delivered += sent
    return delivered


def outbox_reminders(engine: Engine) -> int:
    with engine.connect() as connection:
        return connection.execute(
            select(func.count()).select_from(OUTBOX).where(OUTBOX.c.kind == "reminder")
        ).scalar_one()


@contextmanager
def capture_claim(engine: Engine) -> Iterator[list[tuple[str, Any]]]:
    """The drafts' claim statement as sent to the database, with its parameters."""
    captured: list[tuple[str, Any]] = []

    def record(_conn: Any, _cursor: Any, statement: str, parameters: Any, _context: Any, _many: bool) -> None:
        if statement.lstrip().upper().startswith("UPDATE DRAFT") and "RETURNING" in statement.upper():
            captured.append((statement, parameters))

    event.listen(engine, "before_cursor_execute", record)
    try:
        yield captured
    finally:
        event.remove(engine, "before_cursor_execute", record)


def explain(engine: Engine, statement: str, parameters: Any) -> list[str]:
    prefix = "EXPLAIN " if engine.dialect.name == "postgresql" else "EXPLAIN QUERY PLAN "
    with engine.connect() as connection:
        rows = connection.exec_driver_sql(prefix + statement, parameters).all()
        connection.rollback()
    return [str(row[0]) if len(row) == 1 else str(row[-1]) for row in rows]


# --- one database --------------------------------------------------------------------------------


@dataclass
class Figures:
    database: str
    rows: int
    due: int
    seed_seconds: float
    baseline_seconds: float
    claims_seconds: float
    sweep_seconds: float
    idle_sweep_seconds: float
    deliver_seconds: float | None
    plan: list[str]


def bench(database: str, url: str, rows: int, every: int, deliver: bool) -> Figures:
    with FakeSlack(token=BOT_TOKEN) as fake:
        fake.add_channel(ADMIN_CHANNEL, "leak-survey-admin", is_private=True, is_member=True)
        settings = Settings(
            slack_bot_token=BOT_TOKEN,
            slack_api_url=fake.base_url,
            database_url=url,
            admin_channel_id=ADMIN_CHANNEL,
        )
        bot = create_app(settings, clock=lambda: NOW)
        engine = bot.engine
        try:
            catalog = bot.reminders.catalog
            seed_seconds, due = timed(
                lambda: seed(engine, catalog.current.id, catalog.current_version_id, rows, every)
            )
            analyze(engine)

            assert select_due(engine) == due
            baseline = median_of(REPEATS, lambda: select_due(engine))

            with capture_claim(engine) as captured:
                claims_seconds, claimed = timed(lambda: claim_all(engine))
            assert claimed == due, (claimed, due)
            undo_claims(engine)
            analyze(engine)
            statement, parameters = captured[0]
            plan = explain(engine, statement, parameters)
            assert any(INDEX in line for line in plan), plan

            sweep_seconds, (swept, reminded) = timed(lambda: sweep_all(bot))
            assert swept == reminded == due == outbox_reminders(engine), (swept, reminded, due)
            idle = median_of(REPEATS, lambda: bot.reminders.sweep(limit=SWEEP_LIMIT))

            deliver_seconds = None
            if deliver:
                deliver_seconds, delivered = timed(lambda: deliver_all(bot))
                assert delivered == due, (delivered, due)
        finally:
            engine.dispose()
    return Figures(
        database=database,
        rows=rows,
        due=due,
        seed_seconds=seed_seconds,
        baseline_seconds=baseline,
        claims_seconds=claims_seconds,
        sweep_seconds=sweep_seconds,
        idle_sweep_seconds=idle,
        deliver_seconds=deliver_seconds,
        plan=plan,
    )


def report(figures: Figures) -> None:
    f = figures
    print(f"{f.database}: {f.rows:,} drafts in progress, {f.due:,} due ({f.due / f.rows:.1%})")
    print(f"  seed (bulk INSERT): {f.seed_seconds:.2f} s")
    print(f"  baseline, SELECT of the due rows (median of {REPEATS}): {f.baseline_seconds * 1e3:,.1f} ms")
    print(
        f"  claims alone (limit {SWEEP_LIMIT}): {f.claims_seconds * 1e3:,.1f} ms, "
        f"{f.due / f.claims_seconds:,.0f} rows/s, {f.claims_seconds / f.baseline_seconds:,.1f}x baseline"
    )
    print(
        f"  sweep until nothing is due (limit {SWEEP_LIMIT}): {f.sweep_seconds:.2f} s, "
        f"{f.due / f.sweep_seconds:,.0f} reminders enqueued/s, "
        f"{f.sweep_seconds * 1e3 / f.due:.2f} ms per reminder, "
        f"{f.sweep_seconds / f.baseline_seconds:,.0f}x baseline"
    )
    print(f"  idle sweep, nothing due (median of {REPEATS}): {f.idle_sweep_seconds * 1e3:,.2f} ms")
    if f.deliver_seconds is not None:
        print(
            f"  delivery to the fake Slack: {f.deliver_seconds:.2f} s, "
            f"{f.due / f.deliver_seconds:,.0f} DMs/s, {f.deliver_seconds * 1e3 / f.due:.2f} ms per DM"
        )
    print("  plan of the drafts' claim statement:")
    for line in f.plan:
        print(f"    {line}")


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--due-percent", type=float, default=1.0)
    parser.add_argument("--db", choices=["sqlite", "postgresql", "both"], default="both")
    parser.add_argument("--no-deliver", dest="deliver", action="store_false")
    args = parser.parse_args()
    every = max(round(100 / args.due_percent), 1)
    databases = {"sqlite": sqlite_database, "postgresql": postgres_database}
    for name, database in databases.items():
        if args.db in (name, "both"):
            with database() as url:
                report(bench(name, url, args.rows, every, args.deliver))


if __name__ == "__main__":
    main()
