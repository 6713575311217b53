"""The live message of a draft: the one question or review a person can act on now.

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-29
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0004"
down_revision: str | Sequence[str] | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("draft") as draft:
        draft.add_column(sa.Column("live_channel", sa.String(length=64), nullable=True))
        draft.add_column(sa.Column("live_ts", sa.String(length=32), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("draft") as draft:
        draft.drop_column("live_ts")
        draft.drop_column("live_channel")
