"""After 送信: statuses and their history, corrections, requests, the admin channel's posts of a
submission, tombstones, daily jobs, and the audit actions and sources that come with them.

Revision ID: 0008
Revises: 0007
Create Date: 2026-11-29
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0008"
down_revision: str | Sequence[str] | None = "0007"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

STATUSES = "'received', 'checking', 'returned', 'withdrawn', 'closed'"
SOURCES_BEFORE = "'slack', 'cli'"
SOURCES = "'slack', 'cli', 'retention'"
ACTIONS_BEFORE = "'full_answers', 'export', 'statistics'"
ACTIONS = "'full_answers', 'export', 'statistics', 'status', 'correction', 'request', 'erasure'"


def upgrade() -> None:
    with op.batch_alter_table("submission") as submission:
        submission.add_column(
            sa.Column("status", sa.String(length=16), nullable=False, server_default="received")
        )
        submission.add_column(sa.Column("status_changed_at", sa.DateTime(timezone=True), nullable=True))
        submission.add_column(sa.Column("corrected_at", sa.DateTime(timezone=True), nullable=True))
        submission.add_column(sa.Column("pending_request", sa.String(length=16), nullable=True))
        submission.add_column(sa.Column("request_reason", sa.String(length=1000), nullable=True))
        submission.add_column(sa.Column("erased_at", sa.DateTime(timezone=True), nullable=True))
        submission.add_column(sa.Column("erased_by", sa.String(length=64), nullable=True))
        submission.add_column(sa.Column("erase_reason", sa.String(length=1000), nullable=True))
        submission.create_check_constraint("ck_submission_status", f"status IN ({STATUSES})")
        submission.create_check_constraint(
            "ck_submission_pending_request",
            "pending_request IS NULL OR pending_request IN ('correction', 'withdrawal')",
        )
        submission.create_index("ix_submission_erased_at", ["erased_at"])
    with op.batch_alter_table("submission") as submission:
        submission.alter_column("status", server_default=None)
    with op.batch_alter_table("draft") as draft:
        draft.add_column(sa.Column("correcting_submission_id", sa.Integer(), nullable=True))
    op.create_table(
        "submission_event",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("submission_id", sa.Integer(), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("actor", sa.String(length=64), nullable=False),
        sa.Column("source", sa.String(length=16), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("from_status", sa.String(length=16), nullable=True),
        sa.Column("to_status", sa.String(length=16), nullable=True),
        sa.Column("reason", sa.String(length=1000), nullable=False),
        sa.Column(
            "previous_answers",
            sa.JSON().with_variant(sa.dialects.postgresql.JSONB(), "postgresql"),
            nullable=True,
        ),
        sa.CheckConstraint(
            "kind IN ('status', 'corrected', 'requested', 'declined')", name="ck_submission_event_kind"
        ),
        sa.ForeignKeyConstraint(
            ["submission_id"], ["submission.id"], name="fk_submission_event_submission_id_submission"
        ),
        sa.PrimaryKeyConstraint("id", name="pk_submission_event"),
    )
    op.create_index("ix_submission_event_submission_id", "submission_event", ["submission_id"])
    op.create_table(
        "admin_message",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("submission_id", sa.Integer(), nullable=False),
        sa.Column("channel", sa.String(length=64), nullable=False),
        sa.Column("ts", sa.String(length=32), nullable=False),
        sa.Column("is_summary", sa.Boolean(), nullable=False),
        sa.ForeignKeyConstraint(
            ["submission_id"], ["submission.id"], name="fk_admin_message_submission_id_submission"
        ),
        sa.PrimaryKeyConstraint("id", name="pk_admin_message"),
        sa.UniqueConstraint("channel", "ts", name="uq_admin_message_channel_ts"),
    )
    op.create_index("ix_admin_message_submission_id", "admin_message", ["submission_id"])
    op.create_table(
        "job_run",
        sa.Column("job", sa.String(length=32), nullable=False),
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("claimed_by", sa.String(length=128), nullable=False),
        sa.Column("claimed_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("job", "day", name="pk_job_run"),
    )
    _replace_checks(ACTIONS, SOURCES)


def downgrade() -> None:
    _replace_checks(ACTIONS_BEFORE, SOURCES_BEFORE)
    op.drop_table("job_run")
    op.drop_table("admin_message")
    op.drop_table("submission_event")
    with op.batch_alter_table("draft") as draft:
        draft.drop_column("correcting_submission_id")
    with op.batch_alter_table("submission") as submission:
        submission.drop_index("ix_submission_erased_at")
        submission.drop_constraint("ck_submission_pending_request", type_="check")
        submission.drop_constraint("ck_submission_status", type_="check")
        for column in (
            "erase_reason",
            "erased_by",
            "erased_at",
            "request_reason",
            "pending_request",
            "corrected_at",
            "status_changed_at",
            "status",
        ):
            submission.drop_column(column)


def _replace_checks(actions: str, sources: str) -> None:
    # The audit trail and the export record share the list of sources.
    with op.batch_alter_table("audit_record") as audit:
        audit.drop_constraint("ck_audit_record_action", type_="check")
        audit.drop_constraint("ck_audit_record_source", type_="check")
        audit.create_check_constraint("ck_audit_record_action", f"action IN ({actions})")
        audit.create_check_constraint("ck_audit_record_source", f"source IN ({sources})")
    with op.batch_alter_table("export_record") as export:
        export.drop_constraint("ck_export_record_source", type_="check")
        export.create_check_constraint("ck_export_record_source", f"source IN ({sources})")
