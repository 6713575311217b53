"""Database fixtures: each test that asks for `engine` runs on SQLite and on a real PostgreSQL.

PostgreSQL is the server named by DATABASE_URL when that points at PostgreSQL, otherwise one
started once per session with pgserver. If it cannot start, the PostgreSQL tests error out:
they are never skipped, so a green run proves both databases.
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


@pytest.fixture(params=["sqlite", "postgresql"])
def db_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """The URL of a fresh, empty database of its own for one test."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path}/kikitori.db"
        return
    admin_url = request.getfixturevalue("postgres_admin_url")
    name = f"kikitori_test_{uuid.uuid4().hex[:16]}"
    admin = create_engine(admin_url, isolation_level="AUTOCOMMIT", poolclass=NullPool)
    with admin.connect() as connection:
        connection.exec_driver_sql(f'CREATE DATABASE "{name}"')
    try:
        yield make_url(admin_url).set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as connection:
            connection.exec_driver_sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        admin.dispose()


@pytest.fixture
def engine(db_url: str) -> Iterator[Engine]:
    """An engine on a fresh database migrated to head."""
    engine = make_engine(db_url)
    upgrade(engine)
    try:
        yield engine
    finally:
        engine.dispose()
