"""Organisations from imported firmographic columns, linked to their contacts."""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa

from carnet.directory.base import _text as text_value
from carnet.ingest.batch import BatchBase, Target, chunks, is_new
from carnet.store import schema as s
from carnet.store.bulk import insert_returning_ids
from carnet.store.lookups import one_of

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


# Cache entries (_SIREN_OF, organisation id) → its SIREN, so that a name shared by two
# companies does not link a row to the one whose SIREN differs from the row's.
_SIREN_OF = "siren of organisation"


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
        self._fill_blanks(list(zip(org_ids, (values for _, values in wanted), strict=True)))
        c = s.contacts
        unlinked: set[int] = set()
        ids = [t.contact_id for t, _ in wanted if t.contact_id is not None]
        for chunk in chunks(ids):
            unlinked.update(
                int(i)
                for i in self.conn.execute(
                    sa.select(c.c.id).where(
                        one_of(self.conn, c.c.id, chunk), c.c.organisation_id.is_(None)
                    )
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

    def _fill_blanks(self, found: list[tuple[int, dict[str, Any]]]) -> None:
        """Give organisations the values rows bring and they lack (a SIRET for the one an
        event sheet made from its name alone); a value they hold is never replaced."""
        o = s.organisations
        offered: dict[int, dict[str, Any]] = {}
        for org_id, values in found:
            mine = offered.setdefault(org_id, {})
            for key, value in values.items():
                if key in _ORG_COLUMNS and key != "name" and value not in (None, ""):
                    mine.setdefault(key, value)
        offered = {k: v for k, v in offered.items() if v}
        if not offered:
            return
        current: dict[int, Any] = {}
        for chunk in chunks(sorted(offered)):
            for stored in self.conn.execute(
                sa.select(o).where(one_of(self.conn, o.c.id, chunk))
            ).mappings():
                current[int(stored["id"])] = stored
        history: list[tuple[int | None, str, str | None, str | None, str | None]] = []
        for org_id, values in offered.items():
            row = current.get(org_id)
            if row is None:
                continue
            blanks = {k: v for k, v in values.items() if row[k] in (None, "")}
            # A SIRET whose SIREN is not the organisation's belongs to another company.
            if row["siren"] and blanks.get("siret") and str(blanks["siret"])[:9] != row["siren"]:
                blanks.pop("siret")
            if not blanks:
                continue
            self.conn.execute(
                o.update().where(o.c.id == org_id).values(**blanks, updated_at=self.now)
            )
            history += [(org_id, k, None, text_value(v), None) for k, v in blanks.items()]
            if blanks.get("siren"):
                self._org_cache.setdefault(("siren", str(blanks["siren"])), org_id)
                self._org_cache[(_SIREN_OF, str(org_id))] = int(blanks["siren"])
            if blanks.get("siret"):
                self._org_cache.setdefault(("siret", str(blanks["siret"])), org_id)
        self._history(history, entity="organisation")

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
                    sa.select(o.c.id, o.c[key], o.c.siren)
                    .where(one_of(self.conn, column, chunk), o.c.status == "active")
                    .order_by(o.c.id)
                ):
                    self._org_cache.setdefault((key, str(row[1]).lower()), int(row[0]))
                    if row.siren:
                        self._org_cache[(_SIREN_OF, str(row.id))] = int(row.siren)

        def known(values: dict[str, Any]) -> int | None:
            for key in keys:
                value = values.get(key)
                found = self._org_cache.get((key, str(value).lower())) if value else None
                if found is None:
                    continue
                # Same name, another SIREN: another company of that name.
                theirs = self._org_cache.get((_SIREN_OF, str(found)))
                if (
                    key == "name"
                    and values.get("siren")
                    and theirs not in (None, int(values["siren"]))
                ):
                    continue
                return found
            return None

        new = _new_organisations([values for values in wanted if known(values) is None], keys)
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
                for values, _identities in new
            ]
            created = insert_returning_ids(self.conn, o, rows)
            for (values, identities), org_id in zip(new, created, strict=True):
                for identity in identities:
                    self._org_cache.setdefault(identity, org_id)
                if values.get("siren"):
                    self._org_cache[(_SIREN_OF, str(org_id))] = int(values["siren"])
            self._history(
                (
                    (org_id, k, None, text_value(v), None)
                    for (values, _identities), org_id in zip(new, created, strict=True)
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


def _new_organisations(
    wanted: list[dict[str, Any]], keys: tuple[str, ...]
) -> list[tuple[dict[str, Any], list[tuple[str, str]]]]:
    """The organisations to create for rows no stored one matched, each once.

    Rows of one batch naming the same organisation join on any shared key: one
    row with the SIRET and the name, another with the name only, make one
    organisation, not two. Rows whose SIRENs (or SIRETs) differ stay apart.
    Returns each organisation's values and the (key, value) pairs that find it.
    """
    out: list[tuple[dict[str, Any], list[tuple[str, str]]]] = []
    owner: dict[tuple[str, str], int] = {}
    for values in wanted:
        identities = [(k, str(values[k]).lower()) for k in keys if values.get(k)]
        index = next(
            (
                owner[i]
                for i in identities
                if i in owner and not _conflict(out[owner[i]][0], values)
            ),
            None,
        )
        if index is None:
            index = len(out)
            out.append((dict(values), []))
        else:
            merged = out[index][0]
            for key, value in values.items():
                if value is not None and merged.get(key) is None:
                    merged[key] = value
        for identity in identities:
            owner.setdefault(identity, index)
            if identity not in out[index][1]:
                out[index][1].append(identity)
    return out


def _conflict(a: dict[str, Any], b: dict[str, Any]) -> bool:
    return any(a.get(k) and b.get(k) and a[k] != b[k] for k in ("siren", "siret"))
