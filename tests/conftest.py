"""Database fixtures: each test that asks for `engine` runs on SQLite and on a real PostgreSQL.

PostgreSQL is the server named by DATABASE_URL when that points at PostgreSQL, otherwise one
started once per session with pgserver. If it cannot start, the PostgreSQL tests error out:
they are never skipped, so a green run proves both databases.

A test that asks for `engine` gets a copy of a database migrated once per session (a template
database on PostgreSQL, a copied file on SQLite) instead of running the migrations itself; a test
that asks for `db_url` alone gets an empty database.
"""

from __future__ import annotations

import os
import shutil
import tempfile
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import Engine, create_engine, make_url
from sqlalchemy.pool import NullPool

from storage.db import database_url, make_engine, upgrade


@pytest.fixture(scope="session")
def postgres_admin_url() -> Iterator[str]:
    configured = database_url({"DATABASE_URL": os.environ.get("DATABASE_URL", "")})
    if configured.startswith("postgresql"):
        yield configured
        return
    import pgserver

    # A short directory of its own: the server's Unix socket lives there (paths ≤ 107 bytes).
    data_dir = tempfile.mkdtemp(prefix="kikitori-pg-")
    server = pgserver.get_server(data_dir, cleanup_mode="stop")
    try:
        yield database_url({"DATABASE_URL": server.get_uri()})
    finally:
        server.cleanup()
        shutil.rmtree(data_dir, ignore_errors=True)


@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A SQLite file migrated to head, once per session."""
    path = tmp_path_factory.mktemp("template") / "kikitori.db"
    engine = make_engine(f"sqlite:///{path}")
    upgrade(engine)
    engine.dispose()  # the last connection checkpoints the WAL into the file
    return path


@pytest.fixture(scope="session")
def postgres_template(postgres_admin_url: str) -> Iterator[str]:
    """The name of a PostgreSQL database migrated to head, once per session, to copy per test."""
    name = f"kikitori_template_{uuid.uuid4().hex[:12]}"
    admin = create_engine(postgres_admin_url, isolation_level="AUTOCOMMIT", poolclass=NullPool)
    with admin.connect() as connection:
        connection.exec_driver_sql(f'CREATE DATABASE "{name}"')
    engine = make_engine(
        make_url(postgres_admin_url).set(database=name).render_as_string(hide_password=False)
    )
    upgrade(engine)
    engine.dispose()  # CREATE DATABASE … TEMPLATE needs it without connections
    try:
        yield name
    finally:
        with admin.connect() as connection:
            connection.exec_driver_sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        admin.dispose()


@pytest.fixture(params=["sqlite", "postgresql"])
def db_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """The URL of a fresh database of its own for one test: migrated when the test asks for
    `engine` too, else empty."""
    migrated = "engine" in request.fixturenames
    if request.param == "sqlite":
        path = tmp_path / "kikitori.db"
        if migrated:
            shutil.copy(request.getfixturevalue("sqlite_template"), path)  # keeps its 0600
        yield f"sqlite:///{path}"
        return
    admin_url = request.getfixturevalue("postgres_admin_url")
    template = f' TEMPLATE "{request.getfixturevalue("postgres_template")}"' if migrated else ""
    name = f"kikitori_test_{uuid.uuid4().hex[:16]}"
    admin = create_engine(admin_url, isolation_level="AUTOCOMMIT", poolclass=NullPool)
    with admin.connect() as connection:
        connection.exec_driver_sql(f'CREATE DATABASE "{name}"{template}')
    try:
        yield make_url(admin_url).set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as connection:
            connection.exec_driver_sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        admin.dispose()


@pytest.fixture
def engine(db_url: str) -> Iterator[Engine]:
    """An engine on a fresh database migrated to head (a copy of the template: the upgrade finds
    nothing to do)."""
    engine = make_engine(db_url)
    upgrade(engine)
    try:
        yield engine
    finally:
        engine.dispose()
