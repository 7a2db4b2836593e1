"""organisation pairs kept apart

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-01 23:50:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None

_ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def upgrade() -> None:
    op.create_table(
        "organisation_pairs",
        sa.Column("id", _ID, autoincrement=True, nullable=False),
        sa.Column("organisation_id_l", _ID, nullable=False),
        sa.Column("organisation_id_r", _ID, nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("reason", sa.Text(), nullable=True),
        sa.Column("decided_by", sa.String(length=200), nullable=True),
        sa.Column("decided_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_organisation_pairs")),
        sa.UniqueConstraint(
            "organisation_id_l", "organisation_id_r", name="uq_organisation_pairs_lr"
        ),
    )


def downgrade() -> None:
    op.drop_table("organisation_pairs")
