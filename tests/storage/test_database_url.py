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
