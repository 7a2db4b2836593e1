"""What a merge must give back: every row about some contacts, as plain comparable data."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import sqlalchemy as sa

from carnet import Carnet
from carnet.store import schema as s

# Columns a merge/unmerge legitimately touches without changing what the contact is.
_VOLATILE = {"updated_at"}


def _dump(
    conn: sa.Connection, table: sa.Table, condition: Any, order: Any
) -> list[tuple[Any, ...]]:
    columns = [c for c in table.columns if c.name not in _VOLATILE]
    return [tuple(r) for r in conn.execute(sa.select(*columns).where(condition).order_by(*order))]


def contact_state(ws: Carnet, ids: Sequence[int]) -> dict[str, list[tuple[Any, ...]]]:
    """Contacts, points, ids, roles, activity and consent state of ``ids``."""
    ids = list(ids)
    with ws.engine.connect() as conn:
        return {
            "contacts": _dump(conn, s.contacts, s.contacts.c.id.in_(ids), [s.contacts.c.id]),
            "points": _dump(
                conn,
                s.contact_points,
                s.contact_points.c.contact_id.in_(ids),
                [s.contact_points.c.id],
            ),
            "external_ids": _dump(
                conn,
                s.external_ids,
                s.external_ids.c.contact_id.in_(ids),
                [s.external_ids.c.source_id, s.external_ids.c.external_id],
            ),
            "roles": _dump(
                conn,
                s.contact_roles,
                s.contact_roles.c.contact_id.in_(ids),
                [s.contact_roles.c.contact_id, s.contact_roles.c.organisation_id],
            ),
            "events": _dump(conn, s.events, s.events.c.contact_id.in_(ids), [s.events.c.id]),
            "orders": _dump(conn, s.orders, s.orders.c.contact_id.in_(ids), [s.orders.c.id]),
            "carts": _dump(conn, s.carts, s.carts.c.contact_id.in_(ids), [s.carts.c.id]),
            "consent_state": _dump(
                conn,
                s.consent_state,
                s.consent_state.c.contact_id.in_(ids),
                [
                    s.consent_state.c.contact_id,
                    s.consent_state.c.purpose,
                    s.consent_state.c.channel,
                ],
            ),
        }
