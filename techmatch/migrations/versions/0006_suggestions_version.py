"""which listings version's suggestions a process has taken on storing

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-28
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0006"
down_revision: str | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("matching_state", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("suggestions_version", sa.Integer(), nullable=False, server_default="0")
        )


def downgrade() -> None:
    with op.batch_alter_table("matching_state", schema=None) as batch_op:
        batch_op.drop_column("suggestions_version")
