"""Initial schema: flow versions, drafts, submissions, receipt counters, outbox, departments.

Revision ID: 0001
Revises:
Create Date: 2026-11-26

Plain SQLAlchemy types on purpose: a migration must keep producing the same schema even if the
model code changes later. UTCDateTime and AutoString are stored as DateTime(timezone=True) and
String, which is what is written here.
"""

from collections.abc import Sequence
from datetime import datetime

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "0001"
down_revision: str | Sequence[str] | None = None
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

JSON = sa.JSON().with_variant(postgresql.JSONB(), "postgresql")
IN_PROGRESS = sa.text("status = 'in_progress'")


def _timestamp(name: str, nullable: bool = False) -> sa.Column[datetime]:
    return sa.Column(name, sa.DateTime(timezone=True), nullable=nullable)


def upgrade() -> None:
    op.create_table(
        "flow_version",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("flow_id", sa.String(length=64), nullable=False),
        sa.Column("content_hash", sa.String(length=64), nullable=False),
        sa.Column("definition", JSON, nullable=False),
        _timestamp("created_at"),
        sa.PrimaryKeyConstraint("id", name="pk_flow_version"),
        sa.UniqueConstraint("flow_id", "content_hash", name="uq_flow_version_flow_id_content_hash"),
    )

    op.create_table(
        "draft",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("team_id", sa.String(length=64), nullable=False),
        sa.Column("user_id", sa.String(length=64), nullable=False),
        sa.Column("flow_id", sa.String(length=64), nullable=False),
        sa.Column("flow_version_id", sa.Integer(), nullable=False),
        sa.Column("answers", JSON, nullable=False),
        sa.Column("current_question_id", sa.String(length=128), nullable=True),
        sa.Column("status", sa.String(length=16), nullable=False),
        _timestamp("created_at"),
        _timestamp("updated_at"),
        _timestamp("last_activity_at"),
        sa.Column("reminders_sent", sa.Integer(), nullable=False),
        _timestamp("next_reminder_at", nullable=True),
        _timestamp("escalated_at", nullable=True),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.CheckConstraint("status IN ('in_progress', 'submitted', 'cancelled')", name="ck_draft_status"),
        sa.ForeignKeyConstraint(
            ["flow_version_id"], ["flow_version.id"], name="fk_draft_flow_version_id_flow_version"
        ),
        sa.PrimaryKeyConstraint("id", name="pk_draft"),
    )
    op.create_index("ix_draft_flow_version_id", "draft", ["flow_version_id"])
    op.create_index("ix_draft_status_next_reminder_at", "draft", ["status", "next_reminder_at"])
    op.create_index(
        "uq_draft_in_progress",
        "draft",
        ["team_id", "user_id", "flow_id"],
        unique=True,
        sqlite_where=IN_PROGRESS,
        postgresql_where=IN_PROGRESS,
    )

    op.create_table(
        "submission",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("draft_id", sa.Integer(), nullable=False),
        sa.Column("receipt_number", sa.String(length=16), nullable=False),
        sa.Column("receipt_year", sa.Integer(), nullable=False),
        sa.Column("receipt_seq", sa.Integer(), nullable=False),
        sa.Column("team_id", sa.String(length=64), nullable=False),
        sa.Column("user_id", sa.String(length=64), nullable=False),
        sa.Column("flow_version_id", sa.Integer(), nullable=False),
        sa.Column("answers", JSON, nullable=False),
        _timestamp("submitted_at"),
        sa.ForeignKeyConstraint(["draft_id"], ["draft.id"], name="fk_submission_draft_id_draft"),
        sa.ForeignKeyConstraint(
            ["flow_version_id"], ["flow_version.id"], name="fk_submission_flow_version_id_flow_version"
        ),
        sa.PrimaryKeyConstraint("id", name="pk_submission"),
        sa.UniqueConstraint("draft_id", name="uq_submission_draft_id"),
        sa.UniqueConstraint("receipt_number", name="uq_submission_receipt_number"),
        sa.UniqueConstraint("receipt_year", "receipt_seq", name="uq_submission_receipt_year_receipt_seq"),
    )
    op.create_index("ix_submission_flow_version_id", "submission", ["flow_version_id"])

    op.create_table(
        "receipt_counter",
        sa.Column("year", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("last_seq", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("year", name="pk_receipt_counter"),
    )

    op.create_table(
        "outbox_message",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=64), nullable=False),
        sa.Column("payload", JSON, nullable=False),
        sa.Column("dedupe_key", sa.String(length=255), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        _timestamp("next_attempt_at"),
        sa.Column("claimed_by", sa.String(length=128), nullable=True),
        _timestamp("claimed_until", nullable=True),
        sa.Column("last_error", sa.String(length=500), nullable=True),
        _timestamp("created_at"),
        _timestamp("sent_at", nullable=True),
        sa.CheckConstraint("status IN ('pending', 'sent')", name="ck_outbox_message_status"),
        sa.PrimaryKeyConstraint("id", name="pk_outbox_message"),
        sa.UniqueConstraint("dedupe_key", name="uq_outbox_message_dedupe_key"),
    )
    op.create_index(
        "ix_outbox_message_status_next_attempt_at", "outbox_message", ["status", "next_attempt_at"]
    )

    op.create_table(
        "department",
        sa.Column("code", sa.String(length=32), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.PrimaryKeyConstraint("code", name="pk_department"),
    )


def downgrade() -> None:
    op.drop_table("department")
    op.drop_table("outbox_message")
    op.drop_table("receipt_counter")
    op.drop_table("submission")
    op.drop_table("draft")
    op.drop_table("flow_version")
