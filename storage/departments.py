"""The department master (所属コード, 所属名): CSV import and search."""

from __future__ import annotations

import csv
import io
import os
import unicodedata
from pathlib import Path

from sqlalchemy import Engine, or_
from sqlmodel import col, select

from storage.db import dialect_insert, session_scope
from storage.errors import DepartmentImportError
from storage.models import Department

HEADER = ("所属コード", "所属名")
CODE_MAX_LENGTH = 32
NAME_MAX_LENGTH = 200


def import_departments_csv(engine: Engine, path: str | os.PathLike[str]) -> int:
    """Insert or update every department in the CSV; returns how many rows it had.

    The file is UTF-8 (with or without BOM) or Shift_JIS/cp932, as Japanese offices export it.
    Codes and names are stored NFKC-normalised, like search keywords, so full-width and
    half-width input find the same departments. Departments missing from the file are kept.
    Raises DepartmentImportError (Japanese message) for an unreadable file or bad content.
    """
    departments = parse_departments_csv(Path(path).read_bytes())
    if not departments:
        return 0
    with session_scope(engine) as session:
        insert = dialect_insert(session, Department)
        upsert = insert.on_conflict_do_update(index_elements=["code"], set_={"name": insert.excluded.name})
        session.exec(upsert, params=[{"code": code, "name": name} for code, name in departments])
    return len(departments)


def parse_departments_csv(data: bytes) -> list[tuple[str, str]]:
    """(code, name) pairs from the CSV bytes, checked, in file order."""
    reader = csv.reader(io.StringIO(_decode(data), newline=""))
    header = next(reader, None)
    if header is None or tuple(_cells(header)) != HEADER:
        raise DepartmentImportError(
            "1行目の見出しは「所属コード,所属名」にしてください"
            f"(読み取った見出し: {','.join(header or []) or '空'})"
        )
    departments: list[tuple[str, str]] = []
    first_line: dict[str, int] = {}
    for row in reader:
        cells = _cells(row)
        if not cells:
            continue
        line = reader.line_num
        if len(cells) != 2:
            raise DepartmentImportError(f"{line}行目: 所属コードと所属名の2列にしてください")
        code, name = (_normalise(cell) for cell in cells)
        if not code or not name:
            raise DepartmentImportError(f"{line}行目: 所属コードと所属名の両方を入れてください")
        if len(code) > CODE_MAX_LENGTH:
            raise DepartmentImportError(f"{line}行目: 所属コードは{CODE_MAX_LENGTH}文字以内にしてください")
        if len(name) > NAME_MAX_LENGTH:
            raise DepartmentImportError(f"{line}行目: 所属名は{NAME_MAX_LENGTH}文字以内にしてください")
        if code in first_line:
            raise DepartmentImportError(f"{line}行目: 所属コード {code} は{first_line[code]}行目にもあります")
        first_line[code] = line
        departments.append((code, name))
    return departments


def search_departments(engine: Engine, keyword: str, *, limit: int = 100) -> list[Department]:
    """Departments whose code or name contains the keyword, ignoring case and width, by code.

    `%` and `_` in the keyword are matched literally. An empty keyword lists from the top.
    """
    statement = select(Department).order_by(Department.code).limit(limit)
    keyword = _normalise(keyword)
    if keyword:
        statement = statement.where(
            or_(
                col(Department.code).icontains(keyword, autoescape=True),
                col(Department.name).icontains(keyword, autoescape=True),
            )
        )
    with session_scope(engine, read_only=True) as session:
        return list(session.exec(statement))


def _decode(data: bytes) -> str:
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        pass
    try:
        return data.decode("cp932")
    except UnicodeDecodeError:
        raise DepartmentImportError(
            "文字コードを読み取れません。UTF-8 か Shift_JIS で保存してください"
        ) from None


def _cells(row: list[str]) -> list[str]:
    """The row's cells without the empty ones Excel leaves at the end."""
    cells = [cell.strip() for cell in row]
    while cells and not cells[-1]:
        cells.pop()
    return cells


def _normalise(text: str) -> str:
    return unicodedata.normalize("NFKC", text).strip()
