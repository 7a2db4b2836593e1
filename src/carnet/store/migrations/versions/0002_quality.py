"""quality scores and snapshots

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-23 18:00:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None

_ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def upgrade() -> None:
    op.create_table(
        "quality_scores",
        sa.Column("contact_id", _ID, nullable=False),
        sa.Column("completeness", sa.Float(), nullable=False),
        sa.Column("validity", sa.Float(), nullable=False),
        sa.Column("freshness", sa.Float(), nullable=False),
        sa.Column("reachable_email", sa.Boolean(), nullable=False),
        sa.Column("reachable_sms", sa.Boolean(), nullable=False),
        sa.Column("reachable_post", sa.Boolean(), nullable=False),
        sa.Column("score", sa.Integer(), nullable=False),
        sa.Column("explanation", sa.JSON(), nullable=False),
        sa.Column("computed_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["contact_id"],
            ["contacts.id"],
            name=op.f("fk_quality_scores_contact_id_contacts"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("contact_id", name=op.f("pk_quality_scores")),
    )
    with op.batch_alter_table("quality_scores", schema=None) as batch_op:
        batch_op.create_index("ix_quality_scores_score", ["score"], unique=False)

    op.create_table(
        "quality_snapshots",
        sa.Column("id", _ID, autoincrement=True, nullable=False),
        sa.Column("taken_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("summary", sa.JSON(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_quality_snapshots")),
    )
    with op.batch_alter_table("quality_snapshots", schema=None) as batch_op:
        batch_op.create_index("ix_quality_snapshots_taken_at", ["taken_at"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("quality_snapshots", schema=None) as batch_op:
        batch_op.drop_index("ix_quality_snapshots_taken_at")
    op.drop_table("quality_snapshots")
    with op.batch_alter_table("quality_scores", schema=None) as batch_op:
        batch_op.drop_index("ix_quality_scores_score")
    op.drop_table("quality_scores")
