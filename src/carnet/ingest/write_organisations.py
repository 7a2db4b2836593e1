"""Organisations from imported firmographic columns, linked to their contacts.

A row's organisation is found by its SIRET, then its SIREN, then its name, or
made. The name alone links only where nothing contradicts it (the places agree,
the name is not a generic "Mairie" ...): see :mod:`carnet.organisation_links`.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

import sqlalchemy as sa

from carnet.directory.base import _text as text_value
from carnet.fields import legal_form as legal_forms
from carnet.fields.organisation import is_generic_name, legal_form, name_key
from carnet.ingest.batch import BatchBase, Target, chunks, is_new
from carnet.ingest.rows import RowRecord
from carnet.organisation_links import (
    Candidate,
    Evidence,
    choose_by_name,
    contact_evidence,
    organisation_evidence,
)
from carnet.store import schema as s
from carnet.store.bulk import insert_returning_ids
from carnet.store.lookups import one_of

_ORG_COLUMNS = (
    "name",
    "siren",
    "siret",
    "vat_number",
    "naf_code",
    "legal_form",
    "sector",
    "size_band",
    "website",
)


@dataclass
class _Wanted:
    """One contact's organisation as its rows give it."""

    values: dict[str, Any]
    evidence: Evidence
    # False for a contact already linked: its rows may complete an organisation
    # found, never make one.
    may_create: bool
    record: RowRecord | None = None
    key: str | None = field(init=False)

    def __post_init__(self) -> None:
        self.key = name_key(self.values.get("name"))


class OrganisationWriter(BatchBase):
    """Finds or creates each row's organisation and links the contact to it."""

    def _write_organisations(self, targets: list[Target]) -> None:
        """Link each contact to its organisation (found by SIRET, SIREN, then name, or
        created), when the contact has none yet."""
        given: list[tuple[Target, dict[str, Any]]] = []
        for target in targets:
            values: dict[str, Any] = {}
            for record in target.records:
                for key, value in record.organisation.items():
                    values.setdefault(key, value)
            if values.get("siret") and not values.get("siren"):
                values["siren"] = str(values["siret"])[:9]
            if not values.get("legal_form") and values.get("name"):
                # "SARL DUPONT & FILS": the form the name carries is the organisation's,
                # kept even when the organisation found bears its name without it
                form = legal_forms.canonical(legal_form(str(values["name"])))
                if form:
                    values["legal_form"] = form
            vat = str(values.get("vat_number") or "")
            if not values.get("siren") and vat.startswith("FR") and vat[4:].isdigit():
                # a French VAT number is its key and the SIREN: Stripe's "Business Vat
                # ID" names the company on a row that gives no company name
                values["siren"] = vat[4:]
            if target.contact_id is not None and any(
                values.get(k) for k in ("siret", "siren", "name")
            ):
                given.append((target, values))
        if not given:
            return
        c = s.contacts
        unlinked: set[int] = set()
        ids = [t.contact_id for t, _ in given if t.contact_id is not None]
        for chunk in chunks(ids):
            unlinked.update(
                int(i)
                for i in self.conn.execute(
                    sa.select(c.c.id).where(
                        one_of(self.conn, c.c.id, chunk), c.c.organisation_id.is_(None)
                    )
                ).scalars()
            )
        named = [t.contact_id for t, v in given if v.get("name") and t.contact_id is not None]
        evidence = contact_evidence(self.conn, named) if named else {}
        wanted: list[_Wanted] = []
        for target, values in given:
            assert target.contact_id is not None
            wanted.append(
                _Wanted(
                    values,
                    evidence.get(target.contact_id) or Evidence(),
                    may_create=target.contact_id in unlinked,
                    record=next((r for r in target.records if r.organisation.get("name")), None),
                )
            )
        org_ids = self._organisation_ids(wanted)
        self._fill_blanks(
            [(org_id, w.values) for org_id, w in zip(org_ids, wanted, strict=True) if org_id]
        )
        links = []
        for (target, _), org_id in zip(given, org_ids, strict=True):
            if org_id is not None and target.contact_id in unlinked:
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
                self._orgs.by_siren.setdefault(str(blanks["siren"]), org_id)
                if org_id in self._orgs.known:
                    self._orgs.known[org_id].siren = str(blanks["siren"])
            if blanks.get("siret"):
                self._orgs.by_siret.setdefault(str(blanks["siret"]), org_id)
        self._history(history, entity="organisation")

    def _organisation_ids(self, wanted: list[_Wanted]) -> list[int | None]:
        """The organisation of each contact: found, or made (in one statement) for a
        contact not linked yet; None for a linked contact whose rows name none known."""
        index = self._orgs
        self._look_up_numbers(wanted)
        self._look_up_names({w.key for w in wanted if w.key})
        # Organisations to make get negative ids until they are inserted, so that the
        # batch's later rows find them like stored ones.
        made: list[dict[str, Any]] = []
        found: list[int | None] = []
        for w in wanted:
            org_id = self._find(w)
            if org_id is None and w.may_create:
                org_id = -1 - len(made)
                made.append(dict(w.values))
                index.known[org_id] = Candidate(
                    org_id, w.values.get("siren"), _form_key(w.values)
                )
                if w.key:
                    assert index.by_name is not None
                    index.by_name.setdefault(w.key, []).append(org_id)
            elif org_id is not None and org_id < 0:
                # Another row of the organisation being made completes it.
                mine = made[-1 - org_id]
                for key, value in w.values.items():
                    if value is not None and mine.get(key) is None:
                        mine[key] = value
                index.known[org_id].siren = mine.get("siren")
            if org_id is not None:
                for key in ("siret", "siren"):
                    value = w.values.get(key)
                    if value:
                        getattr(index, f"by_{key}").setdefault(str(value), org_id)
                if w.may_create:
                    candidate = index.known.get(org_id)
                    if candidate is not None:
                        candidate.places |= w.evidence.places
                        candidate.domains |= w.evidence.domains
            found.append(org_id)
        if made:
            created = self._create(made)
            real = dict(zip(range(-1, -1 - len(made), -1), created, strict=True))
            for table in (index.by_siret, index.by_siren):
                for value, org_id in table.items():
                    if org_id < 0:
                        table[value] = real[org_id]
            for key in {w.key for w in wanted if w.key}:
                assert index.by_name is not None
                index.by_name[key] = [real.get(i, i) for i in index.by_name.get(key, [])]
            for temporary, org_id in real.items():
                candidate = index.known.pop(temporary)
                candidate.id = org_id
                index.known[org_id] = candidate
            found = [real.get(i, i) if i is not None else None for i in found]
        return found

    def _find(self, w: _Wanted) -> int | None:
        """The organisation a contact's rows name: by SIRET, SIREN, then name."""
        index = self._orgs
        for key in ("siret", "siren"):
            value = w.values.get(key)
            if value and str(value) in getattr(index, f"by_{key}"):
                return int(getattr(index, f"by_{key}")[str(value)])
        if not w.key:
            return None
        assert index.by_name is not None
        candidates = [index.known[i] for i in index.by_name.get(w.key, ())]
        name = str(w.values.get("name"))
        chosen, why = choose_by_name(
            candidates,
            w.evidence.places,
            domains=w.evidence.domains,
            siren=str(w.values["siren"]) if w.values.get("siren") else None,
            form=_form_key(w.values),
            generic=is_generic_name(name),
        )
        if chosen is None and why and w.may_create and w.record is not None:
            w.record.notes.append(
                f"organisation '{name}' not linked to the one of that name already known "
                f"({why}): a new one is made"
            )
        return chosen.id if chosen is not None else None

    def _look_up_numbers(self, wanted: list[_Wanted]) -> None:
        """Read the stored organisations of the batch's SIRETs and SIRENs not known yet."""
        o = s.organisations
        index = self._orgs
        for key in ("siret", "siren"):
            known: dict[str, int] = getattr(index, f"by_{key}")
            values = {
                str(w.values[key])
                for w in wanted
                if w.values.get(key) and str(w.values[key]) not in known
            }
            for chunk in chunks(sorted(values)):
                for org_id, value in self.conn.execute(
                    sa.select(o.c.id, o.c[key])
                    .where(one_of(self.conn, o.c[key], chunk), o.c.status == "active")
                    .order_by(o.c.id)
                ):
                    known.setdefault(str(value), int(org_id))

    def _look_up_names(self, keys: set[str]) -> None:
        """Know every active organisation's name key (read once per run), and the SIREN,
        legal form, places and mail domains of those bearing one of ``keys``."""
        o = s.organisations
        index = self._orgs
        if not keys:
            return
        if index.by_name is None:
            by_name: dict[str, list[int]] = defaultdict(list)
            for org_id, name in self.conn.execute(
                sa.select(o.c.id, o.c.name)
                .where(o.c.status == "active", o.c.name.is_not(None))
                .order_by(o.c.id)
            ):
                key = name_key(name)
                if key:
                    by_name[key].append(int(org_id))
            index.by_name = dict(by_name)
        wanted = sorted(
            {i for k in keys for i in index.by_name.get(k, ()) if i > 0 and i not in index.known}
        )
        if not wanted:
            return
        evidence = organisation_evidence(self.conn, wanted)
        for chunk in chunks(wanted):
            for org_id, name, siren, siret, form in self.conn.execute(
                sa.select(o.c.id, o.c.name, o.c.siren, o.c.siret, o.c.legal_form).where(
                    one_of(self.conn, o.c.id, chunk)
                )
            ):
                found = evidence.get(int(org_id)) or Evidence()
                index.known[int(org_id)] = Candidate(
                    int(org_id),
                    siren or (str(siret)[:9] if siret else None),
                    _form_key({"name": name, "legal_form": form}),
                    found.places,
                    found.domains,
                )

    def _create(self, made: list[dict[str, Any]]) -> list[int]:
        """Insert new organisations in one statement; returns their ids, in order."""
        rows = [
            {
                **{c: None for c in _ORG_COLUMNS},
                **values,
                "attributes": {},
                "status": "active",
                "created_at": self.now,
                "updated_at": self.now,
            }
            for values in made
        ]
        created = insert_returning_ids(self.conn, s.organisations, rows)
        self._history(
            (
                (org_id, k, None, text_value(v), None)
                for values, org_id in zip(made, created, strict=True)
                for k, v in values.items()
                if v is not None
            ),
            entity="organisation",
        )
        return created


def _form_key(values: dict[str, Any]) -> str | None:
    """The legal form that tells homonyms apart (see :func:`legal_forms.form_key`)."""
    given, name = values.get("legal_form"), values.get("name")
    return legal_forms.form_key(str(given) if given else None, str(name) if name else None)
