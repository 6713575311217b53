"""The audit trail: who opened the full answers, exported or counted them, when, and from where.

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-29
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0006"
down_revision: str | Sequence[str] | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "audit_record",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("actor", sa.String(length=64), nullable=False),
        sa.Column("source", sa.String(length=16), nullable=False),
        sa.Column("action", sa.String(length=32), nullable=False),
        sa.Column("receipts", sa.String(length=500), nullable=False),
        sa.Column("detail", sa.String(length=500), nullable=False),
        sa.CheckConstraint("source IN ('slack', 'cli')", name="ck_audit_record_source"),
        sa.CheckConstraint(
            "action IN ('full_answers', 'export', 'statistics')", name="ck_audit_record_action"
        ),
        sa.PrimaryKeyConstraint("id", name="pk_audit_record"),
    )
    op.create_index("ix_audit_record_at", "audit_record", ["at"])


def downgrade() -> None:
    op.drop_table("audit_record")
