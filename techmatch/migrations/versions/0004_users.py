"""users, and when a match was recommended to its parties

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-28
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0004"
down_revision: str | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "app_user",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("username", sa.String(length=64), nullable=False),
        sa.Column("password_hash", sa.String(length=300), nullable=False),
        sa.Column("role", sa.String(length=16), nullable=False),
        sa.Column("organization_id", sa.Integer(), nullable=True),
        sa.Column("lang", sa.String(length=2), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(["organization_id"], ["organization.id"]),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("app_user", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_app_user_username"), ["username"], unique=True)
        batch_op.create_index(
            batch_op.f("ix_app_user_organization_id"), ["organization_id"], unique=False
        )
    with op.batch_alter_table("match", schema=None) as batch_op:
        batch_op.add_column(sa.Column("recommended_at", sa.DateTime(), nullable=True))
    # Matches already past the recommendation: their parties see them from now on.
    op.execute(
        "UPDATE match SET recommended_at = status_changed_at "
        "WHERE status IN ('recommended', 'connected', 'contracted')"
    )


def downgrade() -> None:
    with op.batch_alter_table("match", schema=None) as batch_op:
        batch_op.drop_column("recommended_at")
    with op.batch_alter_table("app_user", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_app_user_organization_id"))
        batch_op.drop_index(batch_op.f("ix_app_user_username"))
    op.drop_table("app_user")
