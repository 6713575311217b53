"""`python -m bot export`: end to end in a subprocess on a temporary SQLite database, and its
options' mistakes in process."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Engine

import storage
from bot.__main__ import main
from bot.results import cli
from bot.settings import SHIPPED_FLOW
from storage import list_exports, make_engine, upgrade
from tests.bot.results.helpers import TOKYO, csv_rows, sample_answers, sheet_rows, submit


@pytest.fixture
def database(tmp_path: Path) -> Iterator[tuple[str, Engine]]:
    url = f"sqlite:///{tmp_path}/kikitori.db"
    engine = make_engine(url)
    upgrade(engine)
    yield url, engine
    engine.dispose()


def _env(url: str) -> dict[str, str]:
    keep = {k: v for k, v in os.environ.items() if not k.startswith(("SLACK_", "ADMIN_", "DATABASE_URL"))}
    return {**keep, "DATABASE_URL": url, "TIMEZONE": "Asia/Tokyo", "FLOW_FILE": str(SHIPPED_FLOW)}


def _run(tmp_path: Path, url: str, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "bot", "export", *args],
        env=_env(url),
        cwd=tmp_path,  # no .env here
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_the_export_command_writes_the_file_and_records_it(
    tmp_path: Path, database: tuple[str, Engine]
) -> None:
    url, engine = database
    submit(engine, sample_answers(), user_id="U1", now=datetime(2026, 5, 11, 9, 30, tzinfo=TOKYO))
    submit(
        engine,
        sample_answers(org={"code": "020010", "name": "福祉保健部 福祉保健総務課"}),
        user_id="U2",
        now=datetime(2026, 6, 1, 9, tzinfo=TOKYO),
    )
    submit(engine, sample_answers(), user_id="U3", now=datetime(2026, 3, 31, 23, tzinfo=TOKYO))  # 令和7年度

    target = tmp_path / "回答.xlsx"
    result = _run(
        tmp_path, url, "--format", "xlsx", "--period", "令和8年度", "--department", "0100", "-o", str(target)
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout == f"1件の回答を {target} に書き出しました。\n"
    [row] = sheet_rows(target.read_bytes())
    assert row["所属コード"] == "010020" and row["送信日時"] == datetime(2026, 5, 11, 9, 30)
    assert [p.name for p in tmp_path.iterdir() if p.name.endswith(".partial")] == []

    result = _run(
        tmp_path, url, "--format", "csv", "--from", "2026-04-01", "--to", "2026-06-01", "-o", "out.csv"
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout == "2件の回答を out.csv に書き出しました。\n"
    assert [line[0] for line in csv_rows((tmp_path / "out.csv").read_bytes())[1:]] == [
        "2026-0001",
        "2026-0002",
    ]

    newest, oldest = list_exports(engine)
    assert (oldest.actor, oldest.source, oldest.format, oldest.rows) == ("cli", "cli", "xlsx", 1)
    assert oldest.filter_text == "令和8年度(令和8年4月1日〜令和9年3月31日)/所属「0100」"
    assert (newest.format, newest.rows) == ("csv", 2)
    assert newest.filter_text == "令和8年4月1日〜令和8年6月1日/全所属"
    audit = storage.list_audit(engine)  # in the audit trail too, from the server's command line
    assert [(record.action, record.source, record.actor) for record in audit] == [
        ("export", "cli", "cli")
    ] * 2


@pytest.fixture
def settings_env(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, database: tuple[str, Engine]) -> Engine:
    url, engine = database
    for name, value in _env(url).items():
        monkeypatch.setenv(name, value)
    for name in [name for name in os.environ if name.startswith(("SLACK_", "ADMIN_"))]:
        monkeypatch.delenv(name)
    monkeypatch.chdir(tmp_path)
    return engine


@pytest.mark.parametrize(
    ("options", "message"),
    [
        (["--period", "去年"], "期間「去年」を読み取れません。"),
        (
            ["--period", "2026年度", "--from", "2026-04-01"],
            "--period と --from / --to は同時に指定できません。",
        ),
        (["--from", "2026/13/01"], "--from の日付「2026/13/01」を読み取れません"),
        (
            ["--from", "2026-05-01", "--to", "2026-04-01"],
            "期間の始まり(令和8年5月1日)が終わり(令和8年4月1日)より後",
        ),
    ],
)
def test_options_that_cannot_be_used_are_named(
    settings_env: Engine, capsys: pytest.CaptureFixture[str], options: list[str], message: str
) -> None:
    assert main(["export", "--format", "xlsx", *options, "-o", "out.xlsx"]) == 2
    captured = capsys.readouterr()
    assert captured.err.startswith("エラー: ") and message in captured.err and captured.out == ""
    assert not Path("out.xlsx").exists() and list_exports(settings_env) == []


def test_to_alone_starts_when_the_survey_opened(
    settings_env: Engine, capsys: pytest.CaptureFixture[str]
) -> None:
    submit(settings_env, sample_answers(), now=datetime(2026, 5, 11, 9, 30, tzinfo=TOKYO))
    assert main(["export", "--format", "csv", "--to", "2026-05-11", "-o", "out.csv"]) == 0
    [record] = list_exports(settings_env)
    assert record.filter_text == "令和7年8月28日〜令和8年5月11日/全所属"  # the flow's open_period
    assert record.rows == 1 and "1件の回答を" in capsys.readouterr().out


def test_a_file_that_cannot_be_written_is_said_and_not_recorded(
    settings_env: Engine, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["export", "--format", "xlsx", "-o", "no/such/dir/out.xlsx"]) == 1
    assert "エラー: no/such/dir/out.xlsx に書き出せません" in capsys.readouterr().err
    assert list_exports(settings_env) == []


def test_the_run_modes_are_as_they_were(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exited:
        main(["--help"])
    assert exited.value.code == 0
    shown = capsys.readouterr().out
    assert all(flag in shown for flag in ("[--socket-mode | --http | --sandbox]", "{export}"))


def test_a_failed_export_leaves_no_half_file(
    settings_env: Engine, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    def failing(engine: Engine, *, out: Any, **_: Any) -> int:
        out.write(b"PK half a workbook")
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(cli, "write_export", failing)
    assert main(["export", "--format", "xlsx", "-o", "out.xlsx"]) == 1
    assert "エラー: out.xlsx に書き出せません(No space left on device)" in capsys.readouterr().err
    assert [path.name for path in tmp_path.iterdir() if "out.xlsx" in path.name] == []
    assert list_exports(settings_env) == []


def test_withdrawn_answers_are_left_out_unless_asked_for(
    tmp_path: Path, database: tuple[str, Engine]
) -> None:
    url, engine = database
    kept = submit(engine, sample_answers(), user_id="U1", now=datetime(2026, 5, 11, 9, 30, tzinfo=TOKYO))
    withdrawn = submit(engine, sample_answers(), user_id="U2", now=datetime(2026, 5, 12, 9, 30, tzinfo=TOKYO))
    storage.change_status(
        engine,
        withdrawn.id or 0,
        to=storage.SubmissionStatus.WITHDRAWN,
        actor="U0ADMIN001",
        source=storage.ExportSource.SLACK,
        reason="重複",
        now=datetime(2026, 5, 13, tzinfo=TOKYO),
    )
    assert _run(tmp_path, url, "--format", "csv", "-o", "out.csv").returncode == 0
    assert [row[0] for row in csv_rows((tmp_path / "out.csv").read_bytes())[1:]] == [kept.receipt_number]
    assert _run(tmp_path, url, "--format", "csv", "--with-withdrawn", "-o", "all.csv").returncode == 0
    rows = csv_rows((tmp_path / "all.csv").read_bytes())[1:]
    assert [(row[0], row[3]) for row in rows] == [
        (kept.receipt_number, "受付"),
        (withdrawn.receipt_number, "取下げ"),
    ]
