"""address keys with the street line in its AFNOR form

An address point is recognised again by its key ``LINE1|POSTCODE|CITY|COUNTRY``.
The street line was only upper-cased, so "12 r. de la Paix" and "12 rue de la
Paix" were two addresses of one person, and the duplicate search could not see
them as one. The key now holds the AFNOR form of the line
(``carnet.contact_points.address_key``); this recomputes the keys already stored,
so that re-importing a file into an existing workspace adds no second point.

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-06 20:00:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from carnet.contact_points import address_key

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None

_BATCH = 10_000


def upgrade() -> None:
    conn = op.get_bind()
    points = sa.table(
        "contact_points",
        sa.column("id", sa.Integer),
        sa.column("kind", sa.String),
        sa.column("normalised", sa.String),
        sa.column("line1", sa.String),
        sa.column("postcode", sa.String),
        sa.column("city", sa.String),
        sa.column("country", sa.String),
    )
    last = 0
    while True:
        rows = conn.execute(
            sa.select(
                points.c.id,
                points.c.normalised,
                points.c.line1,
                points.c.postcode,
                points.c.city,
                points.c.country,
            )
            .where(points.c.kind == "address", points.c.id > last)
            .order_by(points.c.id)
            .limit(_BATCH)
        ).all()
        if not rows:
            return
        last = int(rows[-1].id)
        changed = [
            {"point_id": r.id, "key": key}
            for r in rows
            if (key := address_key(r.line1, r.postcode, r.city, r.country)) != r.normalised
        ]
        if changed:
            conn.execute(
                points.update()
                .where(points.c.id == sa.bindparam("point_id"))
                .values(normalised=sa.bindparam("key")),
                changed,
            )


def downgrade() -> None:
    # The old keys (the line upper-cased) are rebuilt from the stored columns.
    op.execute(
        "UPDATE contact_points SET normalised = "
        "UPPER(COALESCE(line1, '')) || '|' || UPPER(COALESCE(postcode, '')) || '|' || "
        "UPPER(COALESCE(city, '')) || '|' || UPPER(COALESCE(country, '')) "
        "WHERE kind = 'address'"
    )
