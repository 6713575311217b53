"""The audit trail: every opening of the full answers, export and statistics, with who, when,
which receipt(s) and from where. Texts are cut to the column's length, never refused."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import Engine
from sqlmodel import Session, col, select

from storage.db import session_scope
from storage.models import AUDIT_DETAIL_LENGTH, AuditAction, AuditRecord, ExportSource


def record_audit(
    engine: Engine,
    *,
    at: datetime,
    actor: str,
    source: ExportSource | str,
    action: AuditAction | str,
    receipts: Sequence[str] = (),
    detail: str = "",
) -> AuditRecord:
    with session_scope(engine) as session:
        return add_audit(
            session, at=at, actor=actor, source=source, action=action, receipts=receipts, detail=detail
        )


def add_audit(
    session: Session,
    *,
    at: datetime,
    actor: str,
    source: ExportSource | str,
    action: AuditAction | str,
    receipts: Sequence[str] = (),
    detail: str = "",
) -> AuditRecord:
    """The record, inside the caller's unit of work: it exists exactly when the change does."""
    record = AuditRecord(
        at=at,
        actor=actor,
        source=str(source),
        action=str(action),
        receipts=_cut(",".join(receipts)),
        detail=_cut(detail),
    )
    session.add(record)
    session.flush()
    return record


def list_audit(
    engine: Engine, *, start: datetime | None = None, end: datetime | None = None, limit: int | None = 500
) -> list[AuditRecord]:
    """The records with start ≤ at < end, newest first (all of them with `limit=None`)."""
    statement = select(AuditRecord)
    if start is not None:
        statement = statement.where(col(AuditRecord.at) >= start)
    if end is not None:
        statement = statement.where(col(AuditRecord.at) < end)
    statement = statement.order_by(col(AuditRecord.at).desc(), col(AuditRecord.id).desc())
    if limit is not None:
        statement = statement.limit(limit)
    with session_scope(engine, read_only=True) as session:
        return list(session.exec(statement))


def _cut(text: str) -> str:
    return text if len(text) <= AUDIT_DETAIL_LENGTH else text[: AUDIT_DETAIL_LENGTH - 1] + "…"
