"""`python -m storage upgrade` and `python -m storage import-departments FILE`."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from sqlalchemy import inspect

import storage
from storage import make_engine, search_departments
from storage.__main__ import main

SAMPLE = Path(storage.__file__).with_name("departments_sample.csv")
PROJECT_ROOT = Path(storage.__file__).parent.parent


@pytest.fixture
def database(db_url: str, monkeypatch: pytest.MonkeyPatch) -> str:
    """An empty database that the command line finds through DATABASE_URL."""
    monkeypatch.setenv("DATABASE_URL", db_url)
    return db_url


def test_upgrade_creates_the_schema(database: str, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["upgrade"]) == 0
    assert "最新" in capsys.readouterr().out
    engine = make_engine(database)
    try:
        assert "submission" in inspect(engine).get_table_names()
    finally:
        engine.dispose()


def test_import_departments_into_a_fresh_database(database: str, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["import-departments", str(SAMPLE)]) == 0
    assert capsys.readouterr().out.strip() == "34件の所属を取り込みました"
    engine = make_engine(database)
    try:
        assert [d.name for d in search_departments(engine, "010020")] == ["総務部 法務文書課"]
    finally:
        engine.dispose()


def test_a_missing_file_is_an_error(
    database: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["import-departments", str(tmp_path / "nai.csv")]) == 1
    assert "ファイルが見つかりません" in capsys.readouterr().err


def test_a_bad_header_is_an_error(database: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "bad.csv"
    path.write_text("code,name\n010020,総務部\n", encoding="utf-8")
    assert main(["import-departments", str(path)]) == 1
    assert "所属コード,所属名" in capsys.readouterr().err


def test_runs_as_a_module(tmp_path: Path) -> None:
    env = {**os.environ, "DATABASE_URL": "", "PYTHONPATH": str(PROJECT_ROOT)}
    result = subprocess.run(
        [sys.executable, "-m", "storage", "upgrade"],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert (tmp_path / "kikitori.db").is_file()  # the default database, in the current directory
