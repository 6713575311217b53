"""The question the live message asks, so that what is typed in the DM answers that question.

Revision ID: 0007
Revises: 0006
Create Date: 2026-11-29
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0007"
down_revision: str | Sequence[str] | None = "0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("draft") as draft:
        draft.add_column(sa.Column("live_question_id", sa.String(length=128), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("draft") as draft:
        draft.drop_column("live_question_id")
