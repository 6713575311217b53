"""Reminders and invitations: the reminder bookkeeping on drafts, and the invitation table.

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-26
"""

from collections.abc import Sequence
from datetime import datetime

import sqlalchemy as sa
from alembic import op

revision: str = "0003"
down_revision: str | Sequence[str] | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

PENDING = sa.text("status = 'pending'")


def _timestamp(name: str, nullable: bool = True) -> sa.Column[datetime]:
    return sa.Column(name, sa.DateTime(timezone=True), nullable=nullable)


def upgrade() -> None:
    with op.batch_alter_table("draft") as draft:
        draft.add_column(_timestamp("last_reminder_at"))
        draft.add_column(_timestamp("snoozed_until"))
        draft.add_column(sa.Column("due_date", sa.Date(), nullable=True))
        draft.add_column(sa.Column("invited_by", sa.String(length=64), nullable=True))
        draft.add_column(sa.Column("reminder_claimed_by", sa.String(length=128), nullable=True))
        draft.add_column(_timestamp("reminder_claimed_until"))

    op.create_table(
        "invitation",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("team_id", sa.String(length=64), nullable=False),
        sa.Column("user_id", sa.String(length=64), nullable=False),
        sa.Column("flow_id", sa.String(length=64), nullable=False),
        sa.Column("invited_by", sa.String(length=64), nullable=False),
        sa.Column("due_date", sa.Date(), nullable=True),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("draft_id", sa.Integer(), nullable=True),
        _timestamp("created_at", nullable=False),
        _timestamp("last_activity_at", nullable=False),
        sa.Column("reminders_sent", sa.Integer(), nullable=False),
        _timestamp("next_reminder_at"),
        _timestamp("escalated_at"),
        _timestamp("last_reminder_at"),
        _timestamp("snoozed_until"),
        sa.Column("reminder_claimed_by", sa.String(length=128), nullable=True),
        _timestamp("reminder_claimed_until"),
        sa.CheckConstraint("status IN ('pending', 'started', 'withdrawn')", name="ck_invitation_status"),
        sa.ForeignKeyConstraint(["draft_id"], ["draft.id"], name="fk_invitation_draft_id_draft"),
        sa.PrimaryKeyConstraint("id", name="pk_invitation"),
    )
    op.create_index(
        "uq_invitation_pending",
        "invitation",
        ["team_id", "user_id", "flow_id"],
        unique=True,
        sqlite_where=PENDING,
        postgresql_where=PENDING,
    )
    op.create_index("ix_invitation_status_next_reminder_at", "invitation", ["status", "next_reminder_at"])


def downgrade() -> None:
    op.drop_table("invitation")
    with op.batch_alter_table("draft") as draft:
        for column in (
            "reminder_claimed_until",
            "reminder_claimed_by",
            "invited_by",
            "due_date",
            "snoozed_until",
            "last_reminder_at",
        ):
            draft.drop_column(column)
