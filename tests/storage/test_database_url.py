"""Choosing the database: DATABASE_URL, psycopg 3 for PostgreSQL, SQLite by default."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import inspect

from storage import database_url, make_engine, upgrade


@pytest.mark.parametrize(
    ("configured", "expected"),
    [
        ("postgres://u:p@db:5432/kiki", "postgresql+psycopg://u:p@db:5432/kiki"),
        ("postgresql://u:p@db/kiki?sslmode=require", "postgresql+psycopg://u:p@db/kiki?sslmode=require"),
        ("postgresql+psycopg://u@db/kiki", "postgresql+psycopg://u@db/kiki"),
        ("sqlite:////var/lib/kikitori/data.db", "sqlite:////var/lib/kikitori/data.db"),
        ("  postgres://u@db/kiki\n", "postgresql+psycopg://u@db/kiki"),
        ("", "sqlite:///kikitori.db"),
    ],
)
def test_database_url(configured: str, expected: str) -> None:
    assert database_url({"DATABASE_URL": configured}) == expected


def test_database_url_defaults_to_sqlite_without_the_variable() -> None:
    assert database_url({}) == "sqlite:///kikitori.db"


def test_first_upgrade_creates_the_default_sqlite_file_in_the_current_directory(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("DATABASE_URL", raising=False)
    engine = make_engine()
    try:
        upgrade(engine)
        assert "draft" in inspect(engine).get_table_names()
    finally:
        engine.dispose()
    assert (tmp_path / "kikitori.db").is_file()


def test_sqlite_connections_use_wal_foreign_keys_and_a_busy_timeout(tmp_path: Path) -> None:
    engine = make_engine(f"sqlite:///{tmp_path}/pragmas.db")
    try:
        with engine.connect() as connection:
            pragma = connection.exec_driver_sql
            assert pragma("PRAGMA journal_mode").scalar() == "wal"
            assert pragma("PRAGMA foreign_keys").scalar() == 1
            busy_timeout = pragma("PRAGMA busy_timeout").scalar()
            assert busy_timeout is not None and busy_timeout >= 1000
    finally:
        engine.dispose()


def test_a_new_sqlite_database_and_its_journal_are_readable_by_their_owner_only(tmp_path: Path) -> None:
    database = tmp_path / "private.db"
    engine = make_engine(f"sqlite:///{database}")
    try:
        upgrade(engine)
        with engine.connect() as connection:  # WAL mode: the -wal and -shm files exist while connected
            connection.exec_driver_sql("SELECT 1")
            files = [database, Path(f"{database}-wal"), Path(f"{database}-shm")]
            assert all(path.exists() for path in files)
            assert {oct(path.stat().st_mode & 0o777) for path in files} == {oct(0o600)}
    finally:
        engine.dispose()


def test_an_existing_database_readable_by_others_is_closed_to_them(tmp_path: Path) -> None:
    database = tmp_path / "old.db"
    database.touch(mode=0o644)
    database.chmod(0o644)
    make_engine(f"sqlite:///{database}").dispose()
    assert database.stat().st_mode & 0o777 == 0o600
