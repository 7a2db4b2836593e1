"""organisations' legal form

An accounting export's "Forme juridique" column (SARL, SAS, 5499 ...) was kept as a
custom attribute of the contact, and the legal form written in a name ("Dupont
SAS") was lost when the organisation already had a name without it. Organisations
now hold it (``carnet.fields.legal_form``); the import fills it from the column or
from the name.

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-08 01:00:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("organisations", sa.Column("legal_form", sa.String(20)))


def downgrade() -> None:
    with op.batch_alter_table("organisations") as batch:
        batch.drop_column("legal_form")
