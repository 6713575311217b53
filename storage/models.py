"""Tables. Every datetime is aware UTC (SQLModel stores `datetime` fields as UTCDateTime).

Answers and payloads are left out of the reprs, so logging a row never logs what people wrote.
"""

from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import JSON, CheckConstraint, Index, MetaData, UniqueConstraint, text
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.orm import declared_attr, registry
from sqlmodel import Field, SQLModel

# Our own metadata (not SQLModel's global one), so Alembic sees exactly these tables and every
# constraint gets a stable name that later migrations can refer to.
metadata = MetaData(
    naming_convention={
        "pk": "pk_%(table_name)s",
        "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
        "uq": "uq_%(table_name)s_%(column_0_N_name)s",
        "ix": "ix_%(table_name)s_%(column_0_N_name)s",
        "ck": "ck_%(table_name)s_%(constraint_name)s",
    }
)


class _Table(SQLModel, registry=registry(metadata=metadata)):
    pass


# JSONB on PostgreSQL (compact, comparable); plain JSON text on SQLite.
JSONValue = JSON().with_variant(JSONB(), "postgresql")

# Question ids are at most 64 characters; generated follow-ups add a suffix.
QUESTION_ID_LENGTH = 128
LAST_ERROR_LENGTH = 500
AUDIT_DETAIL_LENGTH = 500
REASON_LENGTH = 1000
EXPORT_FILTER_LENGTH = 500


class DraftStatus(StrEnum):
    IN_PROGRESS = "in_progress"
    SUBMITTED = "submitted"
    CANCELLED = "cancelled"


class SubmissionEventKind(StrEnum):
    STATUS = "status"  # an administrator changed the status
    CORRECTED = "corrected"  # the respondent resubmitted after 差戻し
    REQUESTED = "requested"  # the respondent asked for a correction or a withdrawal
    DECLINED = "declined"  # an administrator declined that request


class OutboxStatus(StrEnum):
    PENDING = "pending"
    SENT = "sent"


def _one_of(column: str, values: type[StrEnum]) -> CheckConstraint:
    allowed = ", ".join(f"'{value}'" for value in values)
    return CheckConstraint(f"{column} IN ({allowed})", name=column)


class FlowVersion(_Table, table=True):
    """One immutable version of a flow definition; drafts point at the version they began on."""

    __tablename__ = "flow_version"
    __table_args__ = (UniqueConstraint("flow_id", "content_hash"),)

    id: int | None = Field(default=None, primary_key=True)
    flow_id: str = Field(max_length=64)
    content_hash: str = Field(max_length=64)  # sha256 hex of the canonical JSON
    definition: dict[str, Any] = Field(sa_type=JSONValue, repr=False)
    created_at: datetime


class _Reminded(_Table):
    """What the reminder sweep reads and writes, the same on drafts and invitations
    (see storage/reminders.py). Drafts update these with plain UPDATEs that leave `version` alone:
    a reminder must not make the question on the person's screen stale."""

    reminders_sent: int = Field(default=0)
    next_reminder_at: datetime | None = None
    escalated_at: datetime | None = None
    last_reminder_at: datetime | None = None
    snoozed_until: datetime | None = None
    reminder_claimed_by: str | None = Field(default=None, max_length=128)
    reminder_claimed_until: datetime | None = None


class Draft(_Reminded, table=True):
    """A survey being answered. `version` guards against lost updates (optimistic lock)."""

    __tablename__ = "draft"
    __table_args__ = (
        # At most one in-progress draft per person and flow, enforced by the database itself.
        Index(
            "uq_draft_in_progress",
            "team_id",
            "user_id",
            "flow_id",
            unique=True,
            sqlite_where=text("status = 'in_progress'"),
            postgresql_where=text("status = 'in_progress'"),
        ),
        Index("ix_draft_status_next_reminder_at", "status", "next_reminder_at"),
        _one_of("status", DraftStatus),
    )

    id: int | None = Field(default=None, primary_key=True)
    team_id: str = Field(max_length=64)
    user_id: str = Field(max_length=64)
    flow_id: str = Field(max_length=64)
    flow_version_id: int = Field(foreign_key="flow_version.id", index=True)
    answers: dict[str, Any] = Field(default_factory=dict, sa_type=JSONValue, repr=False)
    current_question_id: str | None = Field(default=None, max_length=QUESTION_ID_LENGTH)
    status: str = Field(default=DraftStatus.IN_PROGRESS, max_length=16)
    created_at: datetime
    updated_at: datetime
    last_activity_at: datetime
    due_date: date | None = None  # from an invitation
    # A correction after 差戻し: submitting replaces that submission's answers, same receipt number.
    # (No foreign key: submission already points at draft, and a cycle would complicate both.)
    correcting_submission_id: int | None = Field(default=None)
    invited_by: str | None = Field(default=None, max_length=64)
    # The one message the person can act on now (a question or the review), so that a newer one
    # can collapse it. Written without touching `version`: showing a question changes no answer.
    live_channel: str | None = Field(default=None, max_length=64)
    live_ts: str | None = Field(default=None, max_length=32)
    live_question_id: str | None = Field(default=None, max_length=QUESTION_ID_LENGTH)  # None: the review
    version: int = Field(default=1)

    @declared_attr.directive
    def __mapper_args__(cls) -> dict[str, Any]:
        return {"version_id_col": cls.__table__.c.version}  # type: ignore[attr-defined]  # SQLModel sets __table__ at class creation


class SubmissionStatus(StrEnum):
    RECEIVED = "received"  # 受付
    CHECKING = "checking"  # 確認中
    RETURNED = "returned"  # 差戻し中: the respondent corrects it under the same receipt number
    WITHDRAWN = "withdrawn"  # 取下げ
    CLOSED = "closed"  # 確定


class RequestKind(StrEnum):
    """What a respondent asked for; an administrator approves or declines it."""

    CORRECTION = "correction"
    WITHDRAWAL = "withdrawal"


class Submission(_Table, table=True):
    """The submitted answers of one draft, with its receipt number (受付番号).

    An erased submission stays as a tombstone: its receipt number, dates, status, and who erased
    it and why, with no answers."""

    __tablename__ = "submission"
    __table_args__ = (
        UniqueConstraint("receipt_year", "receipt_seq"),
        _one_of("status", SubmissionStatus),
        CheckConstraint(
            "pending_request IS NULL OR pending_request IN ('correction', 'withdrawal')",
            name="pending_request",
        ),
    )

    id: int | None = Field(default=None, primary_key=True)
    draft_id: int = Field(foreign_key="draft.id", unique=True)
    receipt_number: str = Field(max_length=16, unique=True)  # e.g. 2026-0001
    receipt_year: int
    receipt_seq: int
    team_id: str = Field(max_length=64)
    user_id: str = Field(max_length=64)
    flow_version_id: int = Field(foreign_key="flow_version.id", index=True)
    answers: dict[str, Any] = Field(sa_type=JSONValue, repr=False)
    submitted_at: datetime
    status: str = Field(default=SubmissionStatus.RECEIVED, max_length=16)
    status_changed_at: datetime | None = None
    corrected_at: datetime | None = None  # the latest resubmission after 差戻し
    pending_request: str | None = Field(default=None, max_length=16)  # a RequestKind
    request_reason: str | None = Field(default=None, max_length=REASON_LENGTH, repr=False)
    erased_at: datetime | None = Field(default=None, index=True)
    erased_by: str | None = Field(default=None, max_length=64)  # a Slack user id, "cli" or "retention"
    erase_reason: str | None = Field(default=None, max_length=REASON_LENGTH, repr=False)


class SubmissionEvent(_Table, table=True):
    """One entry of a submission's history: a status change, a correction, a request and its
    answer. A correction keeps the answers it replaced. Erased with the submission."""

    __tablename__ = "submission_event"
    __table_args__ = (_one_of("kind", SubmissionEventKind),)

    id: int | None = Field(default=None, primary_key=True)
    submission_id: int = Field(foreign_key="submission.id", index=True)
    at: datetime
    actor: str = Field(max_length=64)
    source: str = Field(max_length=16)  # an ExportSource
    kind: str = Field(max_length=16)
    from_status: str | None = Field(default=None, max_length=16)
    to_status: str | None = Field(default=None, max_length=16)  # for a request: the status asked for
    reason: str = Field(default="", max_length=REASON_LENGTH, repr=False)
    previous_answers: dict[str, Any] | None = Field(default=None, sa_type=JSONValue, repr=False)


class AdminMessage(_Table, table=True):
    """A message the bot posted about a submission in the admin channel (the summary and its
    thread), so that it can be updated and, when the submission is erased, deleted."""

    __tablename__ = "admin_message"
    __table_args__ = (UniqueConstraint("channel", "ts"),)

    id: int | None = Field(default=None, primary_key=True)
    submission_id: int = Field(foreign_key="submission.id", index=True)
    channel: str = Field(max_length=64)
    ts: str = Field(max_length=32)
    is_summary: bool = Field(default=False)


class JobRun(_Table, table=True):
    """A daily job taken by one process: the primary key lets exactly one insert win."""

    __tablename__ = "job_run"

    job: str = Field(primary_key=True, max_length=32)
    day: date = Field(primary_key=True)
    claimed_by: str = Field(max_length=128)
    claimed_at: datetime


class ReceiptCounter(_Table, table=True):
    """The last receipt sequence number handed out in a year (Asia/Tokyo calendar year)."""

    __tablename__ = "receipt_counter"

    year: int = Field(primary_key=True, sa_column_kwargs={"autoincrement": False})
    last_seq: int = Field(default=0)


class OutboxMessage(_Table, table=True):
    """A notification that must survive a crash and be retried until delivered."""

    __tablename__ = "outbox_message"
    __table_args__ = (
        Index("ix_outbox_message_status_next_attempt_at", "status", "next_attempt_at"),
        _one_of("status", OutboxStatus),
    )

    id: int | None = Field(default=None, primary_key=True)
    kind: str = Field(max_length=64)
    payload: dict[str, Any] = Field(sa_type=JSONValue, repr=False)
    dedupe_key: str = Field(max_length=255, unique=True)
    status: str = Field(default=OutboxStatus.PENDING, max_length=16)
    attempts: int = Field(default=0)
    next_attempt_at: datetime
    claimed_by: str | None = Field(default=None, max_length=128)
    claimed_until: datetime | None = None  # the lease; after it a crashed worker's claim lapses
    last_error: str | None = Field(default=None, max_length=LAST_ERROR_LENGTH)
    created_at: datetime
    sent_at: datetime | None = None


class Department(_Table, table=True):
    """The department master (所属コード, 所属名). Codes are text: leading zeros matter."""

    __tablename__ = "department"

    code: str = Field(primary_key=True, max_length=32)
    name: str = Field(max_length=200)


class ReceivedEvent(_Table, table=True):
    """An Events API delivery already handled: Slack redelivers the same event_id when an answer
    was slow or failed, and Bolt does not deduplicate."""

    __tablename__ = "received_event"

    event_id: str = Field(primary_key=True, max_length=64)
    received_at: datetime = Field(index=True)


class InvitationStatus(StrEnum):
    PENDING = "pending"  # sent, not started yet: reminded like a draft
    STARTED = "started"  # the person began a draft, which carries the due date on
    WITHDRAWN = "withdrawn"


class Invitation(_Reminded, table=True):
    """An administrator asked someone to answer, maybe by a due date."""

    __tablename__ = "invitation"
    __table_args__ = (
        Index(
            "uq_invitation_pending",
            "team_id",
            "user_id",
            "flow_id",
            unique=True,
            sqlite_where=text("status = 'pending'"),
            postgresql_where=text("status = 'pending'"),
        ),
        Index("ix_invitation_status_next_reminder_at", "status", "next_reminder_at"),
        _one_of("status", InvitationStatus),
    )

    id: int | None = Field(default=None, primary_key=True)
    team_id: str = Field(max_length=64)
    user_id: str = Field(max_length=64)
    flow_id: str = Field(max_length=64)
    invited_by: str = Field(max_length=64)
    due_date: date | None = None
    status: str = Field(default=InvitationStatus.PENDING, max_length=16)
    draft_id: int | None = Field(default=None, foreign_key="draft.id")
    created_at: datetime
    last_activity_at: datetime  # when it was sent: the idle timer runs from here


class ExportSource(StrEnum):
    SLACK = "slack"  # an administrator asked in Slack
    CLI = "cli"  # `python -m bot export` on the server
    RETENTION = "retention"  # the daily retention job


class ExportRecord(_Table, table=True):
    """One export of the submitted answers: who took which answers out, when, and how many.

    The file itself is never stored; this is the audit trail of who has a copy.
    """

    __tablename__ = "export_record"
    __table_args__ = (_one_of("source", ExportSource),)

    id: int | None = Field(default=None, primary_key=True)
    at: datetime = Field(index=True)
    actor: str = Field(max_length=64)  # a Slack user id, or "cli"
    source: str = Field(max_length=16)
    filter_text: str = Field(max_length=EXPORT_FILTER_LENGTH)  # the period and 所属 as people read them
    format: str = Field(max_length=16)  # xlsx, csv
    rows: int


class AuditAction(StrEnum):
    FULL_ANSWERS = "full_answers"  # 全回答を表示
    EXPORT = "export"
    STATISTICS = "statistics"
    STATUS = "status"  # a status change by an administrator (差戻し and 取下げ included)
    CORRECTION = "correction"  # a corrected submission was resubmitted
    REQUEST = "request"  # a respondent asked for a correction or a withdrawal
    ERASURE = "erasure"  # answers erased, by an administrator or at the end of their period


class AuditRecord(_Table, table=True):
    """Who saw or took which answers out, when, and from where (Slack or the server's command line)."""

    __tablename__ = "audit_record"
    __table_args__ = (_one_of("source", ExportSource), _one_of("action", AuditAction))

    id: int | None = Field(default=None, primary_key=True)
    at: datetime = Field(index=True)
    actor: str = Field(max_length=64)  # a Slack user id, or "cli"
    source: str = Field(max_length=16)
    action: str = Field(max_length=32)
    receipts: str = Field(default="", max_length=AUDIT_DETAIL_LENGTH)  # the receipt number(s) concerned
    detail: str = Field(default="", max_length=AUDIT_DETAIL_LENGTH)  # the filter, the number of rows


class DmChannel(_Table, table=True):
    """A person's DM channel with the bot, so that no process asks Slack for it twice
    (conversations.open is rate-limited); learnt from Slack's payloads or from conversations.open."""

    __tablename__ = "dm_channel"

    user_id: str = Field(primary_key=True, max_length=64)  # Slack user ids are unique across teams
    channel: str = Field(max_length=64)
    updated_at: datetime
