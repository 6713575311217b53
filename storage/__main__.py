"""Command line of the database.

- `python -m storage upgrade`: create the database, or bring it up to date.
- `python -m storage import-departments FILE`: load the department master from a CSV.
- `python -m storage purge [--dry-run]`: erase what is past its retention period
  (RETENTION_SUBMISSIONS, RETENTION_DRAFTS_DAYS, RETENTION_AUDIT; fiscal years in TIMEZONE), as
  the bot does daily. With --dry-run it only lists what would go. The admin channel's posts of
  the erased submissions are deleted by the running bot, through its outbox.

All work on the database named by DATABASE_URL (from the environment or .env; default:
kikitori.db in the current directory).
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Mapping, Sequence
from datetime import UTC, datetime
from pathlib import Path
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from dotenv import find_dotenv, load_dotenv
from sqlalchemy import Engine

from storage.db import database_url, make_engine, upgrade
from storage.departments import import_departments_csv
from storage.errors import DepartmentImportError
from storage.models import ExportSource
from storage.retention import PurgePlan, RetentionPeriods, plan_purge, purge, retention_from

DEFAULT_TIMEZONE = "Asia/Tokyo"


def main(argv: Sequence[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    load_dotenv(find_dotenv(usecwd=True))  # the same .env as the bot: the same database
    if args.command == "purge":
        return _purge_command(os.environ, dry_run=args.dry_run)
    engine = make_engine(database_url(os.environ))
    try:
        if args.command == "upgrade":
            upgrade(engine)
            print("データベースを最新の状態にしました")
            return 0
        return _import_departments(engine, args.file)
    finally:
        engine.dispose()


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m storage", description="Kikitori のデータベース操作")
    commands = parser.add_subparsers(dest="command", required=True)
    commands.add_parser("upgrade", help="データベースを最新の形にする(初回は作成する)")
    departments = commands.add_parser("import-departments", help="所属マスタ(CSV)を取り込む")
    departments.add_argument("file", type=Path, help="見出しが「所属コード,所属名」の CSV")
    purge_command = commands.add_parser("purge", help="保存期間を過ぎた回答・下書き・記録を削除する")
    purge_command.add_argument("--dry-run", action="store_true", help="削除せず、削除対象を表示する")
    return parser


def _import_departments(engine: Engine, path: Path) -> int:
    if not path.is_file():
        print(f"エラー: ファイルが見つかりません: {path}", file=sys.stderr)
        return 1
    upgrade(engine)  # a fresh installation can load its master with this one command
    try:
        count = import_departments_csv(engine, path)
    except DepartmentImportError as error:
        print(f"エラー: {path}: {error}", file=sys.stderr)
        return 1
    except OSError as error:
        print(f"エラー: ファイルを読めません: {path}({error.strerror})", file=sys.stderr)
        return 1
    print(f"{count}件の所属を取り込みました")
    return 0


def _purge_command(env: Mapping[str, str], *, dry_run: bool) -> int:
    """The settings are checked before the database is touched: a typo never erases anything."""
    try:
        periods = retention_from(env)
        timezone = _timezone(env)
    except ValueError as error:
        print(f"エラー: {error}", file=sys.stderr)
        return 2
    engine = make_engine(database_url(env))
    try:
        upgrade(engine)
        for line in _purge(engine, periods, timezone, dry_run=dry_run):
            print(line)
        return 0
    finally:
        engine.dispose()


def _timezone(env: Mapping[str, str]) -> ZoneInfo:
    name = (env.get("TIMEZONE") or "").strip() or DEFAULT_TIMEZONE
    try:
        return ZoneInfo(name)
    except (ValueError, ZoneInfoNotFoundError):
        raise ValueError(f"TIMEZONE must be a time zone such as Asia/Tokyo, not {name!r}") from None


def _purge(engine: Engine, periods: RetentionPeriods, timezone: ZoneInfo, *, dry_run: bool) -> list[str]:
    now = datetime.now(UTC)
    if dry_run:
        return _describe("削除対象(保存期間満了)", plan_purge(engine, periods, now=now, timezone=timezone))
    erased = purge(engine, periods, now=now, timezone=timezone, source=ExportSource.CLI)
    lines = _describe("削除しました", erased)
    if erased.receipts:
        lines.append("管理チャンネルの該当する投稿は、稼働中のボットが送信待ちの処理(outbox)から削除します")
    return lines


def _describe(heading: str, plan: PurgePlan) -> list[str]:
    if plan.empty:
        return ["保存期間を過ぎたものはありません"]
    receipts = f"({', '.join(plan.receipts)})" if plan.receipts else ""
    return [
        f"{heading}: 提出 {len(plan.receipts)}件{receipts}",
        f"  未提出の下書き {plan.drafts}件",
        f"  監査記録 {plan.audit_records}件",
        f"  エクスポート記録 {plan.export_records}件",
    ]


if __name__ == "__main__":
    sys.exit(main())
