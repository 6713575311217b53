"""What the administrators' Home counts: a flow's submissions in a time range, and the latest ones."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Engine, func
from sqlmodel import col, select

from storage.db import session_scope
from storage.models import FlowVersion, Submission, SubmissionStatus


def count_submissions(engine: Engine, *, flow_id: str, start: datetime, end: datetime) -> int:
    """Submissions of the flow (any version) with start ≤ submitted_at < end, neither withdrawn nor erased."""
    with session_scope(engine, read_only=True) as session:
        counted = session.exec(
            select(func.count())
            .select_from(Submission)
            .join(FlowVersion, col(FlowVersion.id) == col(Submission.flow_version_id))
            .where(
                col(FlowVersion.flow_id) == flow_id,
                col(Submission.submitted_at) >= start,
                col(Submission.submitted_at) < end,
                col(Submission.erased_at).is_(None),
                col(Submission.status) != SubmissionStatus.WITHDRAWN,
            )
        ).one()
        return int(counted)


def latest_submissions(engine: Engine, *, flow_id: str, limit: int = 5) -> list[Submission]:
    with session_scope(engine, read_only=True) as session:
        return list(
            session.exec(
                select(Submission)
                .join(FlowVersion, col(FlowVersion.id) == col(Submission.flow_version_id))
                .where(col(FlowVersion.flow_id) == flow_id, col(Submission.erased_at).is_(None))
                .order_by(col(Submission.submitted_at).desc(), col(Submission.id).desc())
                .limit(limit)
            )
        )
