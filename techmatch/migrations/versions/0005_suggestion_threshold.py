"""the score a pair needs to become a suggestion, set by staff

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-28
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0005"
down_revision: str | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("matching_state", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column(
                "suggestion_min_score", sa.Float(), nullable=False, server_default=sa.text("0.05")
            )
        )


def downgrade() -> None:
    with op.batch_alter_table("matching_state", schema=None) as batch_op:
        batch_op.drop_column("suggestion_min_score")
