"""Reading submissions out for an export, and the record of every export made.

`iter_submissions` streams: one read-only transaction (one consistent snapshot of the answers)
whose rows are fetched `batch` at a time — a server-side cursor on PostgreSQL, SQLite's own
stepping on SQLite — so an export of any size never holds the whole table in memory.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterator
from datetime import datetime
from typing import Any, TypeVar

from sqlalchemy import Engine, func, or_
from sqlalchemy.sql.elements import ColumnElement
from sqlmodel import col, select
from sqlmodel.sql.expression import SelectOfScalar

from storage.audit import add_audit
from storage.db import session_scope
from storage.models import (
    EXPORT_FILTER_LENGTH,
    AuditAction,
    ExportRecord,
    ExportSource,
    FlowVersion,
    Submission,
    SubmissionStatus,
)

DEFAULT_BATCH = 500
S = TypeVar("S", bound=SelectOfScalar[Any])


def iter_submissions(
    engine: Engine,
    *,
    start: datetime | None,
    end: datetime | None,
    department: str | None,
    org_question: str | None = None,
    flow_id: str | None = None,
    include_withdrawn: bool = False,
    batch: int = DEFAULT_BATCH,
) -> Iterator[Submission]:
    """The submissions with `start <= submitted_at < end`, in receipt order (year, then number).

    `start` and `end` are aware datetimes (None: no bound). `department` is a 所属 keyword,
    matched (after NFKC, ignoring case) as a prefix of the code or a part of the name of the
    answer to `org_question` (stored as {"code", "name"}); the flow names that question, so it
    must be given with a keyword. `flow_id` keeps only the submissions of that flow (any version).
    Withdrawn submissions (取下げ) are left out unless `include_withdrawn`; erased ones always are.

    The arguments are checked at once; the rows come lazily, `batch` at a time, inside one
    read-only transaction that ends when the iterator is exhausted or closed. Each row is
    detached before it is handed over.
    """
    if batch < 1:
        raise ValueError("batch must be at least 1")
    conditions = _conditions(
        start=start,
        end=end,
        department=department,
        org_question=org_question,
        flow_id=flow_id,
        include_withdrawn=include_withdrawn,
    )
    statement = (
        _filtered(select(Submission), flow_id, conditions)
        .order_by(col(Submission.receipt_year), col(Submission.receipt_seq))
        .execution_options(yield_per=batch)
    )
    return _stream(engine, statement)


def submission_versions(
    engine: Engine,
    *,
    start: datetime | None,
    end: datetime | None,
    department: str | None,
    org_question: str | None = None,
    flow_id: str | None = None,
    include_withdrawn: bool = False,
) -> list[int]:
    """The flow versions that the submissions `iter_submissions` would give were answered on,
    ascending: an export knows its columns before its first row."""
    conditions = _conditions(
        start=start,
        end=end,
        department=department,
        org_question=org_question,
        flow_id=flow_id,
        include_withdrawn=include_withdrawn,
    )
    statement = (
        _filtered(select(Submission.flow_version_id), flow_id, conditions)
        .distinct()
        .order_by(col(Submission.flow_version_id))
    )
    with session_scope(engine, read_only=True) as session:
        return list(session.exec(statement))


def count_withdrawn(
    engine: Engine,
    *,
    start: datetime | None,
    end: datetime | None,
    department: str | None,
    org_question: str | None = None,
    flow_id: str | None = None,
) -> int:
    """The withdrawn submissions `iter_submissions` leaves out by default: counted apart."""
    conditions = _conditions(
        start=start,
        end=end,
        department=department,
        org_question=org_question,
        flow_id=flow_id,
        only_withdrawn=True,
    )
    statement = _filtered(select(func.count()).select_from(Submission), flow_id, conditions)
    with session_scope(engine, read_only=True) as session:
        return int(session.exec(statement).one())


def _filtered(statement: S, flow_id: str | None, conditions: list[ColumnElement[bool]]) -> S:
    """`statement` over submissions, kept to `conditions` (and joined to their flow version when
    the flow is one of them)."""
    if flow_id is not None:
        statement = statement.join(FlowVersion, col(FlowVersion.id) == col(Submission.flow_version_id))
    return statement.where(*conditions)


def _stream(engine: Engine, statement: SelectOfScalar[Submission]) -> Iterator[Submission]:
    with session_scope(engine, read_only=True) as session:
        for submission in session.exec(statement):
            # Detached before it is handed over: a change to it can never be flushed, and the
            # session keeps nothing of the rows already read.
            session.expunge(submission)
            yield submission


def _conditions(
    *,
    start: datetime | None,
    end: datetime | None,
    department: str | None,
    org_question: str | None,
    flow_id: str | None,
    include_withdrawn: bool = False,
    only_withdrawn: bool = False,
) -> list[ColumnElement[bool]]:
    conditions: list[ColumnElement[bool]] = [col(Submission.erased_at).is_(None)]
    if only_withdrawn:
        conditions.append(col(Submission.status) == SubmissionStatus.WITHDRAWN)
    elif not include_withdrawn:
        conditions.append(col(Submission.status) != SubmissionStatus.WITHDRAWN)
    for name, bound in (("start", start), ("end", end)):
        if bound is not None and bound.utcoffset() is None:
            raise ValueError(f"{name} must be an aware datetime")
    if start is not None:
        conditions.append(col(Submission.submitted_at) >= start)
    if end is not None:
        conditions.append(col(Submission.submitted_at) < end)
    keyword = unicodedata.normalize("NFKC", department or "").strip()
    if keyword:
        if not org_question:
            raise ValueError("a department keyword needs the id of the flow's 所属 question")
        answer = col(Submission.answers)
        conditions.append(
            or_(
                answer[(org_question, "code")].as_string().istartswith(keyword, autoescape=True),
                answer[(org_question, "name")].as_string().icontains(keyword, autoescape=True),
            )
        )
    if flow_id is not None:
        conditions.append(col(FlowVersion.flow_id) == flow_id)
    return conditions


def record_export(
    engine: Engine,
    *,
    at: datetime,
    actor: str,
    source: ExportSource | str,
    filter_text: str,
    fmt: str,
    rows: int,
    audit_detail: str | None = None,
) -> ExportRecord:
    """Remember one export: when, who (a Slack user id, or "cli"), from where, with which filter;
    with `audit_detail`, its audit record too, in the same transaction (both or neither)."""
    if len(filter_text) > EXPORT_FILTER_LENGTH:
        filter_text = filter_text[: EXPORT_FILTER_LENGTH - 1] + "…"
    record = ExportRecord(
        at=at, actor=actor, source=ExportSource(source), filter_text=filter_text, format=fmt, rows=rows
    )
    with session_scope(engine) as session:
        session.add(record)
        session.flush()
        if audit_detail is not None:
            add_audit(
                session, at=at, actor=actor, source=source, action=AuditAction.EXPORT, detail=audit_detail
            )
    return record


def list_exports(engine: Engine, limit: int = 50) -> list[ExportRecord]:
    """The latest exports, newest first."""
    statement = (
        select(ExportRecord).order_by(col(ExportRecord.at).desc(), col(ExportRecord.id).desc()).limit(limit)
    )
    with session_scope(engine, read_only=True) as session:
        return list(session.exec(statement))
