"""Command line: `python -m storage upgrade` and `python -m storage import-departments FILE`.

Both work on the database named by DATABASE_URL (from the environment or .env; default:
kikitori.db in the current directory).
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Sequence
from pathlib import Path

from dotenv import find_dotenv, load_dotenv
from sqlalchemy import Engine

from storage.db import database_url, make_engine, upgrade
from storage.departments import import_departments_csv
from storage.errors import DepartmentImportError


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m storage", description="Kikitori のデータベース操作")
    commands = parser.add_subparsers(dest="command", required=True)
    commands.add_parser("upgrade", help="データベースを最新の形にする(初回は作成する)")
    departments = commands.add_parser("import-departments", help="所属マスタ(CSV)を取り込む")
    departments.add_argument("file", type=Path, help="見出しが「所属コード,所属名」の CSV")
    args = parser.parse_args(argv)

    load_dotenv(find_dotenv(usecwd=True))  # the same .env as the bot: the same database
    engine = make_engine(database_url(os.environ))
    try:
        if args.command == "upgrade":
            upgrade(engine)
            print("データベースを最新の状態にしました")
            return 0
        return _import_departments(engine, args.file)
    finally:
        engine.dispose()


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


if __name__ == "__main__":
    sys.exit(main())
