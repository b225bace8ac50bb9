"""which listings each version changed, for indexes that follow changes in small steps

Revision ID: 0007
Revises: 0006
Create Date: 2026-11-28
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0007"
down_revision: str | None = "0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "listing_change",
        sa.Column("version", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("listing_id", sa.Integer(), nullable=False),
        sa.Column("changed_at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("version"),
    )
    op.create_index(
        op.f("ix_listing_change_changed_at"), "listing_change", ["changed_at"], unique=False
    )


def downgrade() -> None:
    op.drop_index(op.f("ix_listing_change_changed_at"), table_name="listing_change")
    op.drop_table("listing_change")
