"""`python -m storage upgrade`, `python -m storage import-departments FILE` and
`python -m storage purge [--dry-run]`."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlalchemy import Engine, inspect
from sqlmodel import select

import storage
from storage import (
    DELETE_ADMIN_MESSAGE,
    OutboxMessage,
    find_submission,
    latest_submission,
    list_audit,
    list_exports,
    make_engine,
    record_admin_message,
    record_audit,
    record_export,
    register_flow,
    search_departments,
    session_scope,
    start_draft,
    upgrade,
)
from storage.__main__ import main
from tests.storage.helpers import ANSWERS, TOKYO, id_of, make_flow, make_submission

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


OLD = datetime(2015, 6, 1, 9, 0, tzinfo=TOKYO)  # long past every default period


@pytest.fixture
def purgeable(database: str, monkeypatch: pytest.MonkeyPatch) -> Iterator[Engine]:
    """A database with one of everything past its period, and a recent submission that stays."""
    for name in ("RETENTION_SUBMISSIONS", "RETENTION_DRAFTS_DAYS", "RETENTION_AUDIT", "TIMEZONE"):
        monkeypatch.delenv(name, raising=False)
    engine = make_engine(database)
    upgrade(engine)
    flow_version = register_flow(engine, make_flow(), now=OLD)
    old = make_submission(engine, flow_version.id, user_id="U1", now=OLD)
    record_admin_message(engine, id_of(old), channel="CADMIN", ts="1.1", is_summary=True, now=OLD)
    make_submission(engine, flow_version.id, user_id="U2", now=datetime.now(UTC))
    start_draft(engine, team_id="T1", user_id="U3", flow_version_id=flow_version.id, now=OLD)
    record_audit(engine, at=OLD, actor="U9", source="slack", action="full_answers", receipts=["2015-0001"])
    record_export(engine, at=OLD, actor="cli", source="cli", filter_text="", fmt="csv", rows=1)
    try:
        yield engine
    finally:
        engine.dispose()


def test_purge_dry_run_lists_and_erases_nothing(
    purgeable: Engine, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["purge", "--dry-run"]) == 0
    assert capsys.readouterr().out.splitlines() == [
        "削除対象(保存期間満了): 提出 1件(2015-0001)",
        "  未提出の下書き 1件",
        "  監査記録 1件",
        "  エクスポート記録 1件",
    ]
    old = find_submission(purgeable, receipt_number="2015-0001")
    assert old is not None and (old.answers, old.erased_at) == (ANSWERS, None)
    assert [(r.action, r.receipts) for r in list_audit(purgeable)] == [("full_answers", "2015-0001")]
    assert len(list_exports(purgeable)) == 1


def test_purge_erases_what_is_past_its_period(purgeable: Engine, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["purge"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[:4] == [
        "削除しました: 提出 1件(2015-0001)",
        "  未提出の下書き 1件",
        "  監査記録 1件",
        "  エクスポート記録 1件",
    ]
    assert len(lines) == 5 and "管理チャンネル" in lines[4] and "ボット" in lines[4]
    old = find_submission(purgeable, receipt_number="2015-0001")
    assert old is not None and (old.answers, old.erased_by) == ({}, "retention")
    recent = latest_submission(purgeable, team_id="T1", user_id="U2", flow_id="leak_survey")
    assert recent is not None and (recent.answers, recent.erased_at) == (ANSWERS, None)
    assert [(r.action, r.source, r.receipts) for r in list_audit(purgeable)] == [
        ("erasure", "cli", "2015-0001")
    ]
    assert list_exports(purgeable) == []
    with session_scope(purgeable, read_only=True) as session:
        outbox = session.exec(select(OutboxMessage)).all()
        assert [(m.kind, m.payload) for m in outbox] == [
            (DELETE_ADMIN_MESSAGE, {"channel": "CADMIN", "ts": "1.1"})
        ]

    assert main(["purge"]) == 0
    assert capsys.readouterr().out.splitlines() == ["保存期間を過ぎたものはありません"]


def test_purge_with_a_longer_period_keeps_more(
    purgeable: Engine, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("RETENTION_SUBMISSIONS", "99")
    monkeypatch.setenv("RETENTION_AUDIT", "99")
    monkeypatch.setenv("RETENTION_DRAFTS_DAYS", "99999")
    assert main(["purge", "--dry-run"]) == 0
    assert capsys.readouterr().out.splitlines() == ["保存期間を過ぎたものはありません"]


@pytest.mark.parametrize(
    ("name", "value"),
    [("RETENTION_SUBMISSIONS", "five"), ("RETENTION_AUDIT", "0"), ("TIMEZONE", "Mars/Olympus")],
)
def test_purge_with_a_bad_setting_exits_2_and_touches_nothing(
    database: str, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], name: str, value: str
) -> None:
    monkeypatch.setenv(name, value)
    assert main(["purge"]) == 2
    captured = capsys.readouterr()
    assert captured.out == ""
    assert captured.err.startswith("エラー: ") and name in captured.err and value in captured.err
    engine = make_engine(database)
    try:
        assert inspect(engine).get_table_names() == []  # checked before the database is touched
    finally:
        engine.dispose()
