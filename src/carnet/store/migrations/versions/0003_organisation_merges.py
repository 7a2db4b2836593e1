"""organisation merges

Revision ID: 0003
Revises: 0002
Create Date: 2026-12-01 23:00:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None

_ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def upgrade() -> None:
    op.create_table(
        "organisation_merges",
        sa.Column("id", _ID, autoincrement=True, nullable=False),
        sa.Column("survivor_id", _ID, nullable=False),
        sa.Column("merged_ids", sa.JSON(), nullable=False),
        sa.Column("snapshot", sa.JSON(), nullable=False),
        sa.Column("reason", sa.Text(), nullable=True),
        sa.Column("decided_by", sa.String(length=200), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("undone_at", sa.DateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_organisation_merges")),
    )
    with op.batch_alter_table("organisation_merges", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_organisation_merges_survivor_id"), ["survivor_id"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("organisation_merges", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_organisation_merges_survivor_id"))
    op.drop_table("organisation_merges")
