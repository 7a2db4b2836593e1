"""Where a contact came from: every input row and source id folded into it.

A contact's input rows are its own plus those of every contact merged into it
(at any depth), so an export can be scored against a truth file that maps
``(source, row)`` to a person.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from carnet.store import schema as s

__all__ = ["ContactSources", "contact_sources"]

_CHUNK = 900  # below SQLite's bound-parameter limit


@dataclass
class ContactSources:
    """The input rows (source name, row number) and source ids of one contact."""

    rows: list[tuple[str, int]] = field(default_factory=list)
    external_ids: list[tuple[str, str]] = field(default_factory=list)

    def rows_text(self) -> str:
        """``eshop_customers:12|old_crm:45``, sorted."""
        return "|".join(f"{name}:{row}" for name, row in self.rows)

    def ids_text(self) -> str:
        """``eshop_customers:C00123|...``, sorted."""
        return "|".join(f"{name}:{ref}" for name, ref in self.external_ids)


def _members(conn: Connection, ids: Sequence[int]) -> dict[int, int]:
    """Every contact folded into ``ids`` (at any depth) → the id it now belongs to."""
    c = s.contacts
    owner = {i: i for i in ids}
    frontier = list(ids)
    while frontier:
        found: list[int] = []
        for start in range(0, len(frontier), _CHUNK):
            for child, parent in conn.execute(
                sa.select(c.c.id, c.c.merged_into_id).where(
                    c.c.merged_into_id.in_(frontier[start : start + _CHUNK])
                )
            ):
                if int(child) not in owner:
                    owner[int(child)] = owner[int(parent)]
                    found.append(int(child))
        frontier = found
    return owner


def contact_sources(conn: Connection, contact_ids: Sequence[int]) -> dict[int, ContactSources]:
    """The input rows and source ids of each contact, merged contacts' included."""
    owner = _members(conn, list(contact_ids))
    out: dict[int, ContactSources] = {i: ContactSources() for i in contact_ids}
    rows: dict[int, set[tuple[str, int]]] = defaultdict(set)
    refs: dict[int, set[tuple[str, str]]] = defaultdict(set)
    ir, imp, src, ext = s.import_rows, s.imports, s.sources, s.external_ids
    members = list(owner)
    for start in range(0, len(members), _CHUNK):
        chunk = members[start : start + _CHUNK]
        for name, row, contact_id in conn.execute(
            sa.select(src.c.name, ir.c.row_number, ir.c.contact_id)
            .select_from(
                ir.join(imp, imp.c.id == ir.c.import_id).join(src, src.c.id == imp.c.source_id)
            )
            .where(ir.c.contact_id.in_(chunk))
        ):
            rows[owner[int(contact_id)]].add((str(name), int(row)))
        for name, ref, contact_id in conn.execute(
            sa.select(src.c.name, ext.c.external_id, ext.c.contact_id)
            .select_from(ext.join(src, src.c.id == ext.c.source_id))
            .where(ext.c.contact_id.in_(chunk))
        ):
            refs[owner[int(contact_id)]].add((str(name), str(ref)))
    for contact_id, found in out.items():
        found.rows = sorted(rows.get(contact_id, ()))
        found.external_ids = sorted(refs.get(contact_id, ()))
    return out
