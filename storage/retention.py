"""How long answers are kept, and the purge that erases what is past its period.

- Submissions: RETENTION_SUBMISSIONS years after the end of the fiscal year (April–March) they
  were submitted in, as 公文書 often are: with 5, a submission of 令和3年度 goes on 1 April 令和9年.
- Drafts never submitted (in progress, or cancelled): RETENTION_DRAFTS_DAYS days after they were
  last touched.
- The audit trail and the record of exports: RETENTION_AUDIT years after the end of their
  fiscal year.

Erased submissions keep their tombstone. The purge runs daily in the bot (claimed in the
database, so one process runs it per day) and on demand with `python -m storage purge`.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta, tzinfo

from sqlalchemy import Engine, delete, func, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.sql.elements import ColumnElement
from sqlmodel import col, select
from sqlmodel.sql.expression import SelectOfScalar

from storage.db import session_scope
from storage.erasure import erase_in
from storage.models import (
    AuditRecord,
    Draft,
    DraftStatus,
    ExportRecord,
    ExportSource,
    Invitation,
    JobRun,
    Submission,
)

RETENTION_ACTOR = "retention"
PURGE_JOB = "purge"


@dataclass(frozen=True)
class RetentionPeriods:
    submissions_years: int = 5
    drafts_days: int = 90
    audit_years: int = 5


def retention_from(env: Mapping[str, str]) -> RetentionPeriods:
    """The periods from the environment; ValueError names the variable that is wrong."""
    default = RetentionPeriods()

    def whole(name: str, fallback: int) -> int:
        raw = (env.get(name) or "").strip()
        if not raw:
            return fallback
        if not raw.isdecimal() or int(raw) < 1:  # isdigit() would let "²" through to int()
            raise ValueError(f"{name} must be a whole number of at least 1, not {raw!r}")
        return int(raw)

    return RetentionPeriods(
        submissions_years=whole("RETENTION_SUBMISSIONS", default.submissions_years),
        drafts_days=whole("RETENTION_DRAFTS_DAYS", default.drafts_days),
        audit_years=whole("RETENTION_AUDIT", default.audit_years),
    )


@dataclass(frozen=True)
class PurgePlan:
    """What a purge erases (or erased): receipt numbers, and counts of the rest."""

    receipts: list[str] = field(default_factory=list)
    drafts: int = 0
    audit_records: int = 0
    export_records: int = 0

    @property
    def empty(self) -> bool:
        return not (self.receipts or self.drafts or self.audit_records or self.export_records)


def fiscal_cutoff(now: datetime, timezone: tzinfo, years: int) -> datetime:
    """Everything before this moment is more than `years` past the end of its fiscal year."""
    today = now.astimezone(timezone).date()
    fiscal = today.year if today.month >= 4 else today.year - 1
    return datetime.combine(date(fiscal - years, 4, 1), time.min, tzinfo=timezone)


@dataclass(frozen=True)
class _Cutoffs:
    submissions: datetime
    drafts: datetime
    audit: datetime


def _cutoffs(periods: RetentionPeriods, now: datetime, timezone: tzinfo) -> _Cutoffs:
    return _Cutoffs(
        submissions=fiscal_cutoff(now, timezone, periods.submissions_years),
        drafts=now - timedelta(days=periods.drafts_days),
        audit=fiscal_cutoff(now, timezone, periods.audit_years),
    )


def _due_submissions(cutoff: datetime) -> SelectOfScalar[Submission]:
    return (
        select(Submission)
        .where(col(Submission.erased_at).is_(None), col(Submission.submitted_at) < cutoff)
        .order_by(col(Submission.receipt_year), col(Submission.receipt_seq))
    )


def _due_drafts_condition(cutoff: datetime) -> ColumnElement[bool]:
    return (
        col(Draft.status).in_([DraftStatus.IN_PROGRESS, DraftStatus.CANCELLED])
        & (col(Draft.updated_at) < cutoff)
        & (col(Draft.last_activity_at) < cutoff)
    )


def plan_purge(engine: Engine, periods: RetentionPeriods, *, now: datetime, timezone: tzinfo) -> PurgePlan:
    """What `purge` would erase now, without erasing anything (`--dry-run`)."""
    cut = _cutoffs(periods, now, timezone)
    with session_scope(engine, read_only=True) as session:
        receipts = [row.receipt_number for row in session.exec(_due_submissions(cut.submissions))]
        drafts = session.exec(
            select(func.count()).select_from(Draft).where(_due_drafts_condition(cut.drafts))
        ).one()
        audit = session.exec(
            select(func.count()).select_from(AuditRecord).where(col(AuditRecord.at) < cut.audit)
        ).one()
        exports = session.exec(
            select(func.count()).select_from(ExportRecord).where(col(ExportRecord.at) < cut.audit)
        ).one()
    return PurgePlan(receipts, int(drafts), int(audit), int(exports))


def purge(
    engine: Engine,
    periods: RetentionPeriods,
    *,
    now: datetime,
    timezone: tzinfo,
    source: ExportSource = ExportSource.RETENTION,
) -> PurgePlan:
    """Erase what is past its period; what this call erased. Each submission is erased in a
    transaction of its own, on its locked row, so two purges at once erase each item once."""
    cut = _cutoffs(periods, now, timezone)
    erased: list[str] = []
    with session_scope(engine, read_only=True) as session:
        due = [row.id for row in session.exec(_due_submissions(cut.submissions))]
    for submission_id in due:
        with session_scope(engine) as session:
            submission = session.exec(
                select(Submission)
                .where(col(Submission.id) == submission_id, col(Submission.erased_at).is_(None))
                .with_for_update()
            ).one_or_none()
            if submission is None:
                continue  # another purge took it
            erase_in(session, submission, actor=RETENTION_ACTOR, source=source, reason="", now=now)
            erased.append(submission.receipt_number)
    with session_scope(engine) as session:
        # Old audit records go first: the erasures just recorded are newer than any cutoff.
        audit = session.exec(delete(AuditRecord).where(col(AuditRecord.at) < cut.audit)).rowcount
        exports = session.exec(delete(ExportRecord).where(col(ExportRecord.at) < cut.audit)).rowcount
        stale = select(Draft.id).where(_due_drafts_condition(cut.drafts))
        session.exec(update(Invitation).where(col(Invitation.draft_id).in_(stale)).values(draft_id=None))
        drafts = session.exec(delete(Draft).where(_due_drafts_condition(cut.drafts))).rowcount
    return PurgePlan(erased, int(drafts or 0), int(audit or 0), int(exports or 0))


def claim_daily(engine: Engine, job: str, day: date, *, worker: str, now: datetime) -> bool:
    """True for exactly one caller per job and day, across every process sharing the database."""
    try:
        with session_scope(engine) as session:
            session.add(JobRun(job=job, day=day, claimed_by=worker, claimed_at=now))
            session.flush()
        return True
    except IntegrityError:
        return False
