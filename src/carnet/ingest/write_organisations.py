"""Organisations from imported firmographic columns, linked to their contacts."""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa

from carnet.directory.base import _text as text_value
from carnet.ingest.batch import BatchBase, Target, chunks, is_new
from carnet.store import schema as s
from carnet.store.bulk import insert_returning_ids

_ORG_COLUMNS = (
    "name",
    "siren",
    "siret",
    "vat_number",
    "naf_code",
    "sector",
    "size_band",
    "website",
)


class OrganisationWriter(BatchBase):
    """Finds or creates each row's organisation and links the contact to it."""

    def _write_organisations(self, targets: list[Target]) -> None:
        """Link each contact to its organisation (found by SIRET, SIREN, then name, or
        created), when the contact has none yet."""
        wanted: list[tuple[Target, dict[str, Any]]] = []
        for target in targets:
            values: dict[str, Any] = {}
            for record in target.records:
                for key, value in record.organisation.items():
                    values.setdefault(key, value)
            if values.get("siret") and not values.get("siren"):
                values["siren"] = str(values["siret"])[:9]
            if target.contact_id is not None and any(
                values.get(k) for k in ("siret", "siren", "name")
            ):
                wanted.append((target, values))
        if not wanted:
            return
        org_ids = self._organisation_ids([values for _, values in wanted])
        c = s.contacts
        unlinked: set[int] = set()
        ids = [t.contact_id for t, _ in wanted if t.contact_id is not None]
        for chunk in chunks(ids):
            unlinked.update(
                int(i)
                for i in self.conn.execute(
                    sa.select(c.c.id).where(c.c.id.in_(chunk), c.c.organisation_id.is_(None))
                ).scalars()
            )
        links = []
        for (target, _), org_id in zip(wanted, org_ids, strict=True):
            if target.contact_id in unlinked:
                links.append({"cid": target.contact_id, "oid": org_id})
                unlinked.discard(target.contact_id)
                if not is_new(target):
                    target.changed = True
        if links:
            self.conn.execute(
                c.update()
                .where(c.c.id == sa.bindparam("cid"))
                .values(organisation_id=sa.bindparam("oid")),
                links,
            )

    def _organisation_ids(self, wanted: list[dict[str, Any]]) -> list[int]:
        """The organisation of each set of values: cached, found in one query per key, or
        created in one statement."""
        o = s.organisations
        keys = ("siret", "siren", "name")
        lookups: dict[str, set[str]] = {k: set() for k in keys}
        for values in wanted:
            for key in keys:
                value = values.get(key)
                if value and (key, str(value).lower()) not in self._org_cache:
                    lookups[key].add(str(value).lower() if key == "name" else str(value))
        for key, wanted_values in lookups.items():
            column = sa.func.lower(o.c[key]) if key == "name" else o.c[key]
            for chunk in chunks(sorted(wanted_values)):
                for row in self.conn.execute(
                    sa.select(o.c.id, o.c[key])
                    .where(column.in_(chunk), o.c.status == "active")
                    .order_by(o.c.id)
                ):
                    self._org_cache.setdefault((key, str(row[1]).lower()), int(row[0]))

        def known(values: dict[str, Any]) -> int | None:
            for key in keys:
                value = values.get(key)
                if value and (key, str(value).lower()) in self._org_cache:
                    return self._org_cache[(key, str(value).lower())]
            return None

        new: dict[tuple[str, str], dict[str, Any]] = {}
        for values in wanted:
            if known(values) is None:
                identity = next((k, str(values[k]).lower()) for k in keys if values.get(k))
                new.setdefault(identity, values)
        if new:
            rows = [
                {
                    **{c: None for c in _ORG_COLUMNS},
                    **values,
                    "attributes": {},
                    "status": "active",
                    "created_at": self.now,
                    "updated_at": self.now,
                }
                for values in new.values()
            ]
            created = insert_returning_ids(self.conn, o, rows)
            for values, org_id in zip(new.values(), created, strict=True):
                for key in keys:
                    if values.get(key):
                        self._org_cache.setdefault((key, str(values[key]).lower()), org_id)
            self._history(
                (
                    (org_id, k, None, text_value(v), None)
                    for values, org_id in zip(new.values(), created, strict=True)
                    for k, v in values.items()
                    if v is not None
                ),
                entity="organisation",
            )
        out: list[int] = []
        for values in wanted:
            found = known(values)
            assert found is not None
            out.append(found)
        return out
