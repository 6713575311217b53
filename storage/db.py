"""Engine, migrations and the unit-of-work session: SQLite by default, PostgreSQL via DATABASE_URL."""

from __future__ import annotations

import os
import select
import time
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from alembic import command
from alembic.config import Config
from sqlalchemy import Engine, create_engine, event
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import Connection
from sqlalchemy.exc import DisconnectionError
from sqlmodel import Session, SQLModel

DEFAULT_URL = "sqlite:///kikitori.db"
ALEMBIC_INI = Path(__file__).with_name("alembic.ini")

SQLITE_BUSY_TIMEOUT_MS = 30_000
# PostgreSQL connections: pinged when taken after this long unused, and replaced after RECYCLE.
IDLE_PING_SECONDS = 2.0
RECYCLE_SECONDS = 1800
_IDLE_SINCE = "kikitori_idle_since"
# Any constant will do: it only has to be the same in every process that migrates.
_MIGRATION_LOCK_KEY = 0x6B696B69


def database_url(env: Mapping[str, str]) -> str:
    """The SQLAlchemy URL from DATABASE_URL in `env` (psycopg 3 for PostgreSQL), else a local SQLite file.

    Storage never reads the environment itself: the bot's Settings and the command lines pass it in.
    """
    url = env.get("DATABASE_URL", "").strip()
    if not url:
        return DEFAULT_URL
    for prefix in ("postgres://", "postgresql://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url.removeprefix(prefix)
    return url


def make_engine(url: str | None = None) -> Engine:
    """An engine for `url`, by default the local SQLite file.

    SQL parameters are hidden from error messages and logs: they carry answers and personal data.
    """
    url = url or DEFAULT_URL
    if url.startswith("sqlite"):
        engine = create_engine(url, hide_parameters=True)
        if engine.url.database and engine.url.database != ":memory:":
            _owner_only(Path(engine.url.database))
        event.listen(engine, "connect", _configure_sqlite)
        event.listen(engine, "begin", _begin_immediate)
        return engine
    # No ping per checkout (a round trip per transaction): a connection idle for a while is pinged
    # when it is taken, and one that answers no more is replaced before anyone uses it; connections
    # in steady use are not. Old connections are recycled.
    engine = create_engine(url, hide_parameters=True, pool_recycle=RECYCLE_SECONDS)
    event.listen(engine.pool, "checkin", _note_idle_since)
    event.listen(engine.pool, "checkout", _ping_if_idle)
    return engine


def _has_something_to_read(dbapi_connection: Any) -> bool:
    """Whether an idle connection's socket is readable: between transactions the server says
    nothing (the bot listens for no notifications) unless it is going away."""
    try:
        descriptor = dbapi_connection.pgconn.socket
        readable, _, _ = select.select([descriptor], [], [], 0)
    except Exception:  # noqa: BLE001 - no socket to look at: it is gone
        return True
    return bool(readable)


def _note_idle_since(_dbapi_connection: Any, record: Any) -> None:
    if record is not None:
        record.info[_IDLE_SINCE] = time.monotonic()


def _ping_if_idle(dbapi_connection: Any, record: Any, _proxy: Any) -> None:
    """Replace a dropped connection before anyone uses it, without a round trip in steady use.

    An idle connection the server has closed (a restart, an administrator) has something to read:
    the server's goodbye, or the end of the stream. Looking costs no round trip. A connection idle
    for IDLE_PING_SECONDS may have been dropped silently (a firewall): that one is pinged."""
    if _has_something_to_read(dbapi_connection):
        raise DisconnectionError("the server closed the connection")
    idle_since = record.info.get(_IDLE_SINCE)
    if idle_since is None or time.monotonic() - idle_since < IDLE_PING_SECONDS:
        return
    # The ping runs in autocommit: a plain SELECT would open a transaction and leave the
    # connection INTRANS, and a unit of work that then asks for AUTOCOMMIT could not have it.
    try:
        was_autocommit = dbapi_connection.autocommit
        dbapi_connection.autocommit = True
        try:
            cursor = dbapi_connection.cursor()
            try:
                cursor.execute("SELECT 1")
            finally:
                cursor.close()
        finally:
            if not dbapi_connection.closed:
                dbapi_connection.autocommit = was_autocommit
    except Exception as error:  # noqa: BLE001 - any failure means the connection is gone
        raise DisconnectionError(type(error).__name__) from error


def _owner_only(database: Path) -> None:
    """The answers are sensitive: the file is created readable by its owner only, and so are the
    WAL and shared-memory files SQLite creates beside it (it gives them the database's mode)."""
    if not database.exists():
        os.close(os.open(database, os.O_CREAT | os.O_WRONLY, 0o600))
    for path in (database, Path(f"{database}-wal"), Path(f"{database}-shm")):
        if path.exists() and path.stat().st_mode & 0o077:
            path.chmod(0o600)


def _configure_sqlite(dbapi_connection: Any, _record: Any) -> None:
    # Take transaction control away from the sqlite3 module; `_begin_immediate` emits BEGIN.
    dbapi_connection.isolation_level = None
    cursor = dbapi_connection.cursor()
    try:
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_TIMEOUT_MS}")
        cursor.execute("PRAGMA foreign_keys=ON")
        # Erased answers are overwritten with zeros, not left in free pages of the file.
        cursor.execute("PRAGMA secure_delete=ON")
        cursor.execute("PRAGMA synchronous=NORMAL")  # durable enough in WAL mode, much faster
    finally:
        cursor.close()


READ_ONLY = "kikitori_read_only"


def _begin_immediate(connection: Connection) -> None:
    # Writers take the write lock up front. A deferred transaction that reads and then writes
    # fails at once with "database is locked" (busy_timeout does not apply) when another writer
    # committed in between; with BEGIN IMMEDIATE writers queue up behind busy_timeout instead.
    # Reads never take it: in WAL mode they see the last commit while a writer works.
    read_only = connection.get_execution_options().get(READ_ONLY, False)
    connection.exec_driver_sql("BEGIN" if read_only else "BEGIN IMMEDIATE")


def upgrade(engine: Engine, revision: str = "head") -> None:
    """Run the Alembic migrations up to `revision`; creates the database on first run."""
    config = Config(str(ALEMBIC_INI))
    with engine.begin() as connection:
        if connection.dialect.name == "postgresql":
            # Two processes starting at once must not both create the tables.
            connection.exec_driver_sql(f"SELECT pg_advisory_xact_lock({_MIGRATION_LOCK_KEY})")
        config.attributes["connection"] = connection
        command.upgrade(config, revision)


@contextmanager
def session_scope(
    engine: Engine, *, read_only: bool = False, one_statement: bool = False
) -> Iterator[Session]:
    """One unit of work: commit when the block ends, roll back if it raises.

    Objects stay loaded after the commit (expire_on_commit=False) and are detached when the
    session closes, so callers get plain values that never touch the database again.
    `read_only` units never wait for SQLite's write lock. A unit of `one_statement` (atomic by
    itself) runs on PostgreSQL without BEGIN and COMMIT: one round trip instead of three.
    """
    options: dict[str, Any] = {READ_ONLY: True} if read_only else {}
    if one_statement and engine.dialect.name == "postgresql":
        options["isolation_level"] = "AUTOCOMMIT"
    bind = engine.execution_options(**options) if options else engine
    with Session(bind, expire_on_commit=False) as session, session.begin():
        yield session


def dialect_insert(session: Session, model: type[SQLModel]) -> postgresql.Insert | sqlite.Insert:
    """An INSERT that supports ON CONFLICT on the session's database."""
    name = session.get_bind().dialect.name
    if name == "postgresql":
        return postgresql.insert(model)
    if name == "sqlite":
        return sqlite.insert(model)
    raise NotImplementedError(f"unsupported database: {name}")
