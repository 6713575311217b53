"""The export record: who exported the submitted answers, when, with which filter, how many rows.

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-30
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0005"
down_revision: str | Sequence[str] | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "export_record",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("actor", sa.String(length=64), nullable=False),
        sa.Column("source", sa.String(length=16), nullable=False),
        sa.Column("filter_text", sa.String(length=500), nullable=False),
        sa.Column("format", sa.String(length=16), nullable=False),
        sa.Column("rows", sa.Integer(), nullable=False),
        sa.CheckConstraint("source IN ('slack', 'cli')", name="ck_export_record_source"),
        sa.PrimaryKeyConstraint("id", name="pk_export_record"),
    )
    op.create_index("ix_export_record_at", "export_record", ["at"])


def downgrade() -> None:
    op.drop_table("export_record")
