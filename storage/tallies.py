"""What the administrators' Home counts: submissions in a time range, and the latest ones."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Engine, func
from sqlmodel import col, select

from storage.db import session_scope
from storage.models import Submission


def count_submissions(engine: Engine, *, start: datetime, end: datetime) -> int:
    """Submissions with start ≤ submitted_at < end."""
    with session_scope(engine, read_only=True) as session:
        counted = session.exec(
            select(func.count())
            .select_from(Submission)
            .where(col(Submission.submitted_at) >= start, col(Submission.submitted_at) < end)
        ).one()
        return int(counted)


def latest_submissions(engine: Engine, *, limit: int = 5) -> list[Submission]:
    with session_scope(engine, read_only=True) as session:
        return list(
            session.exec(
                select(Submission)
                .order_by(col(Submission.submitted_at).desc(), col(Submission.id).desc())
                .limit(limit)
            )
        )
