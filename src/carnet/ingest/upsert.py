"""Writing a batch of checked rows to the workspace: exact-key upsert with accounting.

Each row is tied to a person by exact keys, first within the batch and then
against the database:

1. its own source id (``--id-column``, or a content hash when there is none);
2. a normalised email, when the first names agree (household members share an
   email; "Marie" and "Paul" at one address are two people);
3. an E.164 phone with the same last name, again when the first names agree;
4. for order lines, the buyer's customer number (any source) or email.

A row is then ``inserted`` (a new contact), ``updated`` (its own source id
found, values changed), ``unchanged`` (its own id found, nothing new),
``merged`` (folded into a contact another row or source created),
``suppressed`` (its email or phone is on the suppression list) or ``rejected``
with a reason. Rows from the same source overwrite what they said before;
rows from another source only fill blanks (survivorship proper comes with
fuzzy matching). Fuzzy duplicates are the matcher's job: :meth:`BatchWriter.resolve`
is the seam where it plugs in.
"""

from __future__ import annotations

import hashlib
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from carnet.consent import ledger, suppression
from carnet.contact_points import point_row
from carnet.crypto import FieldCipher
from carnet.fields.name import first_name_variants, fold
from carnet.ingest.rows import RowRecord
from carnet.store import schema as s
from carnet.store.bulk import bulk_insert

OUTCOMES = ("inserted", "updated", "unchanged", "merged", "suppressed", "rejected")


@dataclass
class Outcome:
    """What became of one input row."""

    number: int
    outcome: str
    contact_id: int | None = None
    reason: str | None = None


@dataclass
class _Target:
    """The person a row belongs to: an existing contact or a new one of this batch."""

    contact_id: int | None = None
    slot: int | None = None
    own: bool = False
    records: list[RowRecord] = field(default_factory=list)
    # True when this batch changed an existing contact (values, points, activity ...).
    changed: bool = False


class BatchWriter:
    """Writes batches of :class:`RowRecord` for one import run.

    Args:
        conn: an open transaction (one per batch, so a crash loses no half batch).
        import_id: the import run.
        source: the source name; ``source_id`` its id.
        now: the import's timestamp.
        secret: workspace secret for the suppression list (None: no list to check).
        cipher: encryption for sensitive fields (None: they are refused).
        actor: who runs the import.
        file_name: the input file's name, for consent proof.
        org_cache: organisation ids already resolved by earlier batches of the run.
    """

    def __init__(
        self,
        conn: Connection,
        *,
        import_id: int,
        source: str,
        source_id: int,
        now: datetime,
        secret: str | None,
        cipher: FieldCipher | None,
        actor: str,
        file_name: str,
        org_cache: dict[tuple[str, str], int] | None = None,
    ) -> None:
        self.conn = conn
        self.import_id = import_id
        self.source = source
        self.source_id = source_id
        self.now = now
        self.secret = secret
        self.cipher = cipher
        self.actor = actor
        self.file_name = file_name
        # (key, lower-cased value) → organisation id, shared by the batches of one run.
        self._org_cache: dict[tuple[str, str], int] = {} if org_cache is None else org_cache

    # -- the batch ------------------------------------------------------------------------

    def write(self, records: Sequence[RowRecord]) -> list[Outcome]:
        """Write one batch; returns one outcome per record, in order."""
        outcomes: dict[int, Outcome] = {}
        live: list[RowRecord] = []
        for record in records:
            problem = record.identity_problem()
            if problem:
                outcomes[record.number] = Outcome(record.number, "rejected", reason=problem)
            elif record.columns.get("iban") and self.cipher is None:
                outcomes[record.number] = Outcome(
                    record.number,
                    "rejected",
                    reason="has an IBAN but no CARNET_ENCRYPTION_KEY is set to encrypt it",
                )
            else:
                live.append(record)
        live = self._drop_suppressed(live, outcomes)
        targets, unresolved = self.resolve(live)
        for record, reason in unresolved:
            outcomes[record.number] = Outcome(record.number, "rejected", reason=reason)
        self._insert_new_contacts(targets)
        self._update_existing(targets)
        self._write_points(targets)
        self._write_external_ids(targets)
        self._write_organisations(targets)
        self._write_events(targets)
        self._write_orders(targets)
        self._write_consent(targets)
        for target in targets:
            for k, record in enumerate(target.records):
                outcomes[record.number] = Outcome(
                    record.number,
                    _outcome(target, k, record),
                    target.contact_id,
                    "; ".join(record.notes) or None,
                )
        self._write_row_outcomes(records, outcomes)
        return [outcomes[r.number] for r in records]

    # -- suppression ----------------------------------------------------------------------

    def _drop_suppressed(
        self, records: list[RowRecord], outcomes: dict[int, Outcome]
    ) -> list[RowRecord]:
        emails = {e for r in records for e in r.usable_emails}
        phones = {p for r in records for p in r.usable_phones}
        if not emails and not phones:
            return records
        if self.secret is None:
            if self.conn.execute(sa.select(s.suppressions.c.id).limit(1)).first() is None:
                return records
            from carnet.errors import ConfigError

            raise ConfigError(
                "The suppression list cannot be checked without CARNET_SECRET_KEY; set it to "
                "the workspace's key before importing."
            )
        blocked = suppression.suppressed_values(self.conn, "email", emails, self.secret)
        blocked |= suppression.suppressed_values(self.conn, "phone", phones, self.secret)
        if not blocked:
            return records
        kept = []
        for record in records:
            hit = [v for v in (*record.usable_emails, *record.usable_phones) if v in blocked]
            if hit:
                outcomes[record.number] = Outcome(
                    record.number,
                    "suppressed",
                    reason="on the suppression list (unsubscribed, erased or bounced); "
                    "not imported for marketing",
                )
            else:
                kept.append(record)
        return kept

    # -- resolution (the seam for fuzzy matching) -----------------------------------------

    def resolve(
        self, records: Sequence[RowRecord]
    ) -> tuple[list[_Target], list[tuple[RowRecord, str]]]:
        """Tie each row to an existing contact or a new one, by exact keys."""
        own_ids = self._lookup_external_ids({r.external_id for r in records if r.external_id})
        email_hits = self._lookup_points("email", {e for r in records for e in r.usable_emails})
        phone_hits = self._lookup_points("phone", {p for r in records for p in r.usable_phones})
        refs = {str(r.order["customer_ref"]) for r in records if r.order.get("customer_ref")}
        customer_refs = self._lookup_customer_refs(refs)

        targets: list[_Target] = []
        by_contact: dict[int, _Target] = {}
        by_key: dict[tuple[str, str], _Target] = {}
        unresolved: list[tuple[RowRecord, str]] = []

        def existing(contact_id: int, own: bool) -> _Target:
            target = by_contact.get(contact_id)
            if target is None:
                target = _Target(contact_id=contact_id, own=own)
                by_contact[contact_id] = target
                targets.append(target)
            return target

        for record in records:
            first = record.columns.get("first_name")
            last = record.columns.get("last_name")
            target: _Target | None = None
            if record.external_id and record.external_id in own_ids:
                target = existing(own_ids[record.external_id], own=True)
            if target is None and record.order.get("customer_ref"):
                contact_id = customer_refs.get(str(record.order["customer_ref"]))
                if contact_id is not None:
                    target = existing(contact_id, own=False)
            if target is None and record.external_id:
                target = by_key.get(("id", record.external_id))
            for email in record.usable_emails:
                if target is not None:
                    break
                target = by_key.get(("email", email)) or next(
                    (
                        existing(cid, own=False)
                        for cid, known_first, _ in email_hits.get(email, ())
                        if _same_first_name(first, known_first)
                    ),
                    None,
                )
            for phone in record.usable_phones:
                if target is not None or not last:
                    break
                target = by_key.get(("phone", f"{phone}|{fold(last)}")) or next(
                    (
                        existing(cid, own=False)
                        for cid, known_first, known_last in phone_hits.get(phone, ())
                        if known_last
                        and fold(known_last) == fold(last)
                        and _same_first_name(first, known_first)
                    ),
                    None,
                )
            if target is None:
                if record.order.get("customer_ref") and not record.usable_emails:
                    unresolved.append(
                        (
                            record,
                            f"buyer with customer number '{record.order['customer_ref']}' is not "
                            "in the workspace; import the customer file first",
                        )
                    )
                    continue
                target = _Target(slot=len(targets))
                targets.append(target)
            target.records.append(record)
            if record.external_id:
                by_key.setdefault(("id", record.external_id), target)
            for email in record.usable_emails:
                by_key.setdefault(("email", email), target)
            if last:
                for phone in record.usable_phones:
                    by_key.setdefault(("phone", f"{phone}|{fold(last)}"), target)
        return targets, unresolved

    def _lookup_external_ids(self, ids: set[str]) -> dict[str, int]:
        t = s.external_ids
        found: dict[str, int] = {}
        for chunk in _chunks(sorted(ids)):
            rows = self.conn.execute(
                sa.select(t.c.external_id, t.c.contact_id).where(
                    t.c.source_id == self.source_id, t.c.external_id.in_(chunk)
                )
            )
            found.update({r.external_id: int(r.contact_id) for r in rows})
        return self._follow_merges(found)

    def _lookup_customer_refs(self, refs: set[str]) -> dict[str, int]:
        t = s.external_ids
        owners: dict[str, set[int]] = defaultdict(set)
        for chunk in _chunks(sorted(refs)):
            for r in self.conn.execute(
                sa.select(t.c.external_id, t.c.contact_id).where(t.c.external_id.in_(chunk))
            ):
                owners[r.external_id].add(int(r.contact_id))
        unique = {ref: next(iter(ids)) for ref, ids in owners.items() if len(ids) == 1}
        return self._follow_merges(unique)

    def _lookup_points(
        self, kind: str, values: set[str]
    ) -> dict[str, list[tuple[int, str | None, str | None]]]:
        cp, c = s.contact_points, s.contacts
        found: dict[str, list[tuple[int, str | None, str | None]]] = defaultdict(list)
        for chunk in _chunks(sorted(values)):
            rows = self.conn.execute(
                sa.select(cp.c.normalised, c.c.id, c.c.first_name, c.c.last_name)
                .join(c, c.c.id == cp.c.contact_id)
                .where(cp.c.kind == kind, cp.c.normalised.in_(chunk), c.c.status == "active")
                .order_by(c.c.id)
            )
            for r in rows:
                found[r.normalised].append((int(r.id), r.first_name, r.last_name))
        return found

    def _follow_merges(self, found: dict[str, int]) -> dict[str, int]:
        """Contacts merged into others answer for their survivor."""
        c = s.contacts
        pending = set(found.values())
        survivor: dict[int, int] = {}
        for _ in range(10):
            if not pending:
                break
            rows = self.conn.execute(
                sa.select(c.c.id, c.c.merged_into_id).where(
                    c.c.id.in_(pending), c.c.status == "merged", c.c.merged_into_id.is_not(None)
                )
            ).all()
            pending = set()
            for r in rows:
                survivor[int(r.id)] = int(r.merged_into_id)
                pending.add(int(r.merged_into_id))

        def final(contact_id: int) -> int:
            seen = 0
            while contact_id in survivor and seen < 10:
                contact_id = survivor[contact_id]
                seen += 1
            return contact_id

        return {key: final(cid) for key, cid in found.items()}

    # -- contacts -------------------------------------------------------------------------

    def _insert_new_contacts(self, targets: list[_Target]) -> None:
        new = [t for t in targets if t.contact_id is None]
        if not new:
            return
        rows = []
        for target in new:
            values: dict[str, Any] = {}
            attributes: dict[str, Any] = {}
            for record in target.records:
                for key, value in self._contact_values(record).items():
                    values.setdefault(key, value)
                for key, value in record.attributes.items():
                    attributes.setdefault(key, value)
            rows.append(
                {
                    **{column: None for column in _CONTACT_COLUMNS},
                    **values,
                    "first_seen": values.get("first_seen") or self.now,
                    "interests": values.get("interests") or [],
                    "equipment": values.get("equipment") or [],
                    "tags": [],
                    "attributes": attributes,
                    "status": "active",
                    "created_at": self.now,
                    "updated_at": self.now,
                }
            )
        result = self.conn.execute(
            s.contacts.insert().returning(s.contacts.c.id, sort_by_parameter_order=True), rows
        )
        for target, contact_id in zip(new, result.scalars(), strict=True):
            target.contact_id = int(contact_id)
        self._history(
            (t.contact_id, "*", None, "created", f"row {t.records[0].number}")
            for t in new
            if t.contact_id is not None
        )

    def _contact_values(self, record: RowRecord) -> dict[str, Any]:
        values = {k: v for k, v in record.columns.items() if v is not None and k != "iban"}
        iban = record.columns.get("iban")
        if iban and self.cipher is not None:
            values["iban_ciphertext"] = self.cipher.encrypt(str(iban))
        return values

    def _update_existing(self, targets: list[_Target]) -> None:
        olds = [t for t in targets if t.records and t.contact_id is not None and not _is_new(t)]
        if not olds:
            return
        c = s.contacts
        ids = [t.contact_id for t in olds if t.contact_id is not None]
        current: dict[int, Any] = {}
        for chunk in _chunks(ids):
            for found in self.conn.execute(sa.select(c).where(c.c.id.in_(chunk))).mappings():
                current[int(found["id"])] = found
        history: list[tuple[int, str, str | None, str | None, str | None]] = []
        for target in olds:
            assert target.contact_id is not None
            row = current.get(target.contact_id)
            if row is None:
                continue
            changes: dict[str, Any] = {}
            attributes = dict(row["attributes"] or {})
            attributes_changed = False
            for record in target.records:
                for key, value in self._contact_values(record).items():
                    old = changes.get(key, row[key])
                    if old == value or _same_moment(old, value):
                        continue
                    if key == "last_activity":
                        if old is None or _later(value, old):
                            changes[key] = value
                        continue
                    if key == "first_seen":
                        if old is None or _later(old, value):
                            changes[key] = value
                        continue
                    if old is None or target.own:
                        changes[key] = value
                        history.append(
                            (
                                target.contact_id,
                                "iban" if key == "iban_ciphertext" else key,
                                _history_text(key, old),
                                _history_text(key, value),
                                None,
                            )
                        )
                for key, value in record.attributes.items():
                    if attributes.get(key) != value and (key not in attributes or target.own):
                        history.append(
                            (target.contact_id, key, _text(attributes.get(key)), _text(value), None)
                        )
                        attributes[key] = value
                        attributes_changed = True
            if attributes_changed:
                changes["attributes"] = attributes
            if changes:
                changes["updated_at"] = self.now
                self.conn.execute(c.update().where(c.c.id == target.contact_id).values(**changes))
                target.changed = True
        self._history(history)

    # -- contact points -------------------------------------------------------------------

    def _write_points(self, targets: list[_Target]) -> None:
        cp = s.contact_points
        ids = [t.contact_id for t in targets if t.contact_id is not None and not _is_new(t)]
        existing: dict[int, dict[tuple[str, str | None], tuple[int, bool]]] = defaultdict(dict)
        for chunk in _chunks(ids):
            for r in self.conn.execute(
                sa.select(
                    cp.c.id, cp.c.contact_id, cp.c.kind, cp.c.normalised, cp.c.raw, cp.c.is_primary
                ).where(cp.c.contact_id.in_(chunk))
            ):
                existing[int(r.contact_id)][(r.kind, r.normalised or r.raw)] = (
                    int(r.id),
                    bool(r.is_primary),
                )
        inserts: list[dict[str, Any]] = []
        seen_ids: list[int] = []
        history: list[tuple[int, str, str | None, str | None, str | None]] = []
        for target in targets:
            if target.contact_id is None:
                continue
            known = existing[target.contact_id]
            has_primary = {kind for (kind, _), (_, primary) in known.items() if primary}
            new_contact = _is_new(target)
            for record in target.records:
                for pending in record.points:
                    key = (pending.kind, pending.key)
                    if key in known:
                        seen_ids.append(known[key][0])
                        continue
                    primary = pending.kind not in has_primary
                    has_primary.add(pending.kind)
                    row = point_row(
                        pending, contact_id=target.contact_id, primary=primary, now=self.now
                    )
                    row.update(source_id=self.source_id, import_id=self.import_id)
                    inserts.append(row)
                    known[key] = (0, primary)
                    if not new_contact:
                        history.append((target.contact_id, pending.kind, None, pending.key, None))
                        target.changed = True
        if inserts:
            bulk_insert(self.conn, cp, inserts)
        for chunk in _chunks(sorted(set(seen_ids))):
            self.conn.execute(cp.update().where(cp.c.id.in_(chunk)).values(last_seen=self.now))
        self._history(history)

    def _write_external_ids(self, targets: list[_Target]) -> None:
        t = s.external_ids
        wanted: dict[str, int] = {}
        for target in targets:
            for record in target.records:
                if record.external_id and target.contact_id is not None:
                    wanted.setdefault(record.external_id, target.contact_id)
        if not wanted:
            return
        present: set[str] = set()
        for chunk in _chunks(sorted(wanted)):
            present.update(
                self.conn.execute(
                    sa.select(t.c.external_id).where(
                        t.c.source_id == self.source_id, t.c.external_id.in_(chunk)
                    )
                ).scalars()
            )
        rows = [
            {
                "source_id": self.source_id,
                "external_id": key,
                "contact_id": cid,
                "created_at": self.now,
            }
            for key, cid in wanted.items()
            if key not in present
        ]
        if rows:
            bulk_insert(self.conn, t, rows)

    # -- organisations --------------------------------------------------------------------

    def _write_organisations(self, targets: list[_Target]) -> None:
        """Link each contact to its organisation (found by SIRET, SIREN, then name, or
        created), when the contact has none yet."""
        wanted: list[tuple[_Target, dict[str, Any]]] = []
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
        for chunk in _chunks(ids):
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
                if not _is_new(target):
                    target.changed = True
        if links:
            self.conn.execute(
                c.update().where(c.c.id == sa.bindparam("cid"))
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
            for chunk in _chunks(sorted(wanted_values)):
                for row in self.conn.execute(
                    sa.select(o.c.id, o.c[key]).where(column.in_(chunk), o.c.status == "active")
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
                {**{c: None for c in _ORG_COLUMNS}, **values, "attributes": {},
                 "status": "active", "created_at": self.now, "updated_at": self.now}
                for values in new.values()
            ]
            created = [
                int(i)
                for i in self.conn.execute(
                    o.insert().returning(o.c.id, sort_by_parameter_order=True), rows
                ).scalars()
            ]
            for values, org_id in zip(new.values(), created, strict=True):
                for key in keys:
                    if values.get(key):
                        self._org_cache.setdefault((key, str(values[key]).lower()), org_id)
            self._history(
                (
                    (org_id, k, None, _text(v), None)
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

    # -- events ---------------------------------------------------------------------------

    def _write_events(self, targets: list[_Target]) -> None:
        rows: list[dict[str, Any]] = []
        for target in targets:
            for record in target.records:
                if target.contact_id is not None and record.events:
                    rows.extend(self._events_of(record, target.contact_id))
        if not rows:
            return
        e = s.events
        present: set[tuple[int, str, str]] = set()
        contact_ids = sorted({r["contact_id"] for r in rows})
        for chunk in _chunks(contact_ids):
            for r in self.conn.execute(
                sa.select(e.c.contact_id, e.c.type, e.c.properties).where(
                    e.c.contact_id.in_(chunk), e.c.source == self.source
                )
            ):
                row_key = (r.properties or {}).get("row_key")
                if row_key is not None:
                    present.add((int(r.contact_id), r.type, row_key))
        fresh = [
            event
            for event in rows
            if (event["contact_id"], event["type"], event["properties"]["row_key"]) not in present
        ]
        if fresh:
            bulk_insert(self.conn, e, fresh)
            latest: dict[int, datetime] = {}
            for event in fresh:
                known = latest.get(event["contact_id"])
                if known is None or _later(event["occurred_at"], known):
                    latest[event["contact_id"]] = event["occurred_at"]
            self._touch_activity(latest)
            for target in targets:
                if target.contact_id in latest and not _is_new(target):
                    target.changed = True

    def _events_of(self, record: RowRecord, contact_id: int) -> list[dict[str, Any]]:
        ev = record.events
        when = ev.get("activity_date") or self.now
        row_key = record.external_id or f"row{record.number}"
        base = {
            "contact_id": contact_id,
            "occurred_at": when,
            "source": self.source,
            "import_id": self.import_id,
        }
        out: list[dict[str, Any]] = []

        def add(kind: str, value: float | None = None, **props: Any) -> None:
            properties = {k: v for k, v in props.items() if v is not None}
            properties["row_key"] = f"{row_key}:{kind}"
            out.append({**base, "type": kind, "value": value, "properties": properties})

        if ev.get("nps") is not None:
            nps = int(ev["nps"])
            if 0 <= nps <= 10:
                add("nps", float(nps), comment=ev.get("survey_comment"))
            else:
                record.notes.append(f"NPS {nps} ignored: not between 0 and 10")
        elif ev.get("survey_comment"):
            add("survey_answer", comment=ev["survey_comment"])
        if ev.get("contest_entry"):
            add("contest_entry")
        if ev.get("event_name"):
            add("event_registration", event=ev["event_name"], attended=ev.get("event_attended"))
        if ev.get("call_note"):
            add("call_note", text=ev["call_note"])
        return out

    def _touch_activity(self, latest: dict[int, datetime]) -> None:
        """Move each contact's last activity forward to ``latest[contact]`` (never back)."""
        if not latest:
            return
        c = s.contacts
        when = sa.bindparam("when", type_=c.c.last_activity.type)
        self.conn.execute(
            c.update()
            .where(
                c.c.id == sa.bindparam("cid"),
                sa.or_(c.c.last_activity.is_(None), c.c.last_activity < when),
            )
            .values(last_activity=when),
            [{"cid": cid, "when": moment} for cid, moment in latest.items()],
        )

    # -- orders ---------------------------------------------------------------------------

    def _write_orders(self, targets: list[_Target]) -> None:
        lines: list[tuple[_Target, RowRecord]] = [
            (t, r) for t in targets for r in t.records if r.order and t.contact_id is not None
        ]
        if not lines:
            return
        o, ol = s.orders, s.order_lines
        orders = self._existing_orders(sorted({_order_ref(r) for _, r in lines}))
        line_keys: set[tuple[int, str]] = set()
        for chunk in _chunks(sorted(orders.values())):
            for r in self.conn.execute(
                sa.select(ol.c.order_id, ol.c.line_ref).where(ol.c.order_id.in_(chunk))
            ):
                line_keys.add((int(r.order_id), r.line_ref))
        products = self._write_products(lines)
        # New orders first, in one statement.
        new_orders: dict[str, dict[str, Any]] = {}
        for target, record in lines:
            ref = _order_ref(record)
            if ref not in orders and ref not in new_orders:
                new_orders[ref] = {
                    "contact_id": target.contact_id,
                    "source": self.source,
                    "external_ref": ref,
                    "ordered_at": record.order.get("order_date") or self.now,
                    "status": "placed",
                    "total_amount": Decimal(0),
                    "currency": "EUR",
                    "channel": None,
                    "is_renewal": False,
                    "import_id": self.import_id,
                }
        if new_orders:
            ids = self.conn.execute(
                o.insert().returning(o.c.id, sort_by_parameter_order=True),
                list(new_orders.values()),
            ).scalars()
            orders.update(zip(new_orders, (int(i) for i in ids), strict=True))
        rows: list[dict[str, Any]] = []
        touched: set[int] = set()
        latest: dict[int, datetime] = {}
        for target, record in lines:
            assert target.contact_id is not None
            order = record.order
            order_id = orders[_order_ref(record)]
            line_ref = _line_ref(record)
            if (order_id, line_ref) in line_keys:
                continue
            when = order.get("order_date") or self.now
            quantity = int(order.get("quantity") or 1)
            unit_price = _unit_price(order)
            sku = str(order["sku"]) if order.get("sku") else None
            rows.append(
                {
                    "order_id": order_id,
                    "product_id": products.get(sku) if sku else None,
                    "sku": sku,
                    "product_name": order.get("product_name"),
                    "quantity": quantity,
                    "unit_price": unit_price,
                    "amount": Decimal(order["line_total"])
                    if order.get("line_total") is not None
                    else unit_price * quantity,
                    "returned_quantity": 0,
                    "line_ref": line_ref,
                }
            )
            line_keys.add((order_id, line_ref))
            touched.add(order_id)
            if not _is_new(target):
                target.changed = True
            if target.contact_id not in latest or _later(when, latest[target.contact_id]):
                latest[target.contact_id] = when
        if rows:
            bulk_insert(self.conn, ol, rows)
        total = (
            sa.select(sa.func.coalesce(sa.func.sum(ol.c.amount), 0))
            .where(ol.c.order_id == sa.bindparam("oid"))
            .scalar_subquery()
        )
        if touched:
            self.conn.execute(
                o.update().where(o.c.id == sa.bindparam("oid")).values(total_amount=total),
                [{"oid": order_id} for order_id in sorted(touched)],
            )
        self._touch_activity(latest)

    def _existing_orders(self, refs: list[str]) -> dict[str, int]:
        o = s.orders
        orders: dict[str, int] = {}
        for chunk in _chunks(refs):
            for r in self.conn.execute(
                sa.select(o.c.external_ref, o.c.id).where(
                    o.c.source == self.source, o.c.external_ref.in_(chunk)
                )
            ):
                orders[r.external_ref] = int(r.id)
        return orders

    def _write_products(self, lines: list[tuple[_Target, RowRecord]]) -> dict[str, int]:
        """Create unknown products and record each new price once; returns sku → id."""
        p, pp = s.products, s.product_prices
        seen: dict[str, dict[Decimal, datetime]] = defaultdict(dict)
        names: dict[str, Any] = {}
        for _, record in lines:
            order = record.order
            if not order.get("sku"):
                continue
            sku = str(order["sku"])
            names.setdefault(sku, order.get("product_name"))
            price = _unit_price(order)
            when = order.get("order_date") or self.now
            first = seen[sku].get(price)
            if first is None or _later(first, when):
                seen[sku][price] = when
        ids: dict[str, int] = {}
        for chunk in _chunks(sorted(seen)):
            for r in self.conn.execute(sa.select(p.c.sku, p.c.id).where(p.c.sku.in_(chunk))):
                ids[r.sku] = int(r.id)
        new = [sku for sku in seen if sku not in ids]
        if new:
            rows: list[dict[str, Any]] = []
            for sku in new:
                latest_price = max(seen[sku].items(), key=lambda item: _moment_key(item[1]))[0]
                rows.append(
                    {
                        "sku": sku,
                        "name": names.get(sku),
                        "category": None,
                        "price": latest_price,
                        "stock": None,
                        "attributes": {},
                        "created_at": self.now,
                        "updated_at": self.now,
                    }
                )
            created = self.conn.execute(
                p.insert().returning(p.c.id, sort_by_parameter_order=True), rows
            ).scalars()
            ids.update(zip(new, (int(i) for i in created), strict=True))
        known: dict[int, dict[Decimal, datetime]] = defaultdict(dict)
        for chunk in _chunks(sorted(ids.values())):
            for price_row in self.conn.execute(
                sa.select(pp.c.product_id, pp.c.price, pp.c.valid_from).where(
                    pp.c.product_id.in_(chunk)
                )
            ):
                known[int(price_row.product_id)][Decimal(price_row.price)] = price_row.valid_from
        history = []
        latest: dict[int, tuple[str, Decimal]] = {}
        for sku, prices in seen.items():
            product_id = ids[sku]
            for price, when in prices.items():
                if price not in known[product_id]:
                    history.append(
                        {
                            "product_id": product_id,
                            "price": price,
                            "stock": None,
                            "valid_from": when,
                        }
                    )
                    known[product_id][price] = when
            newest = max(known[product_id].items(), key=lambda item: _moment_key(item[1]))
            latest[product_id] = (_moment_key(newest[1]), newest[0])
        if history:
            bulk_insert(self.conn, pp, history)
            self.conn.execute(
                p.update()
                .where(p.c.id == sa.bindparam("pid"))
                .values(price=sa.bindparam("new_price"), updated_at=self.now),
                [{"pid": pid, "new_price": price} for pid, (_, price) in latest.items()],
            )
        return ids

    # -- consent --------------------------------------------------------------------------

    def _write_consent(self, targets: list[_Target]) -> None:
        proposed: list[tuple[ledger.ConsentEventIn, bool]] = []
        for target in targets:
            if target.contact_id is None:
                continue
            for record in target.records:
                if record.consent:
                    proposed.extend(self._consent_events(record, target.contact_id))
        if not proposed:
            return
        events = self._new_consent_only(proposed)
        if events:
            ledger.append_events(self.conn, events, recorded_at=self.now)
            changed = {e.contact_id for e in events}
            for target in targets:
                if target.contact_id in changed and not _is_new(target):
                    target.changed = True

    def _consent_events(
        self, record: RowRecord, contact_id: int
    ) -> list[tuple[ledger.ConsentEventIn, bool]]:
        """The row's consent facts, each with whether the file dated it."""
        consent = record.consent
        proof = {
            "kind": "import",
            "import_id": self.import_id,
            "file": self.file_name,
            "row": record.number,
            "source": self.source,
            "operator": self.actor,
        }
        if consent.get("optin_source"):
            proof["form"] = consent["optin_source"]
        if consent.get("optin_ip"):
            proof["ip"] = consent["optin_ip"]
        out: list[tuple[ledger.ConsentEventIn, bool]] = []

        def add(action: str, when: datetime | None) -> None:
            event = ledger.ConsentEventIn(
                contact_id=contact_id,
                purpose="newsletter",
                channel="email",
                action=action,
                legal_basis="consent",
                occurred_at=when or self.now,
                proof=dict(proof),
            )
            out.append((event, when is not None))

        granted = consent.get("optin_newsletter")
        if granted is None and (consent.get("optin_date") or consent.get("optin_confirmed")):
            granted = True
        if granted:
            add("granted", consent.get("optin_date"))
            if consent.get("optin_confirmed"):
                add("confirmed", consent.get("optin_confirmed_at") or consent.get("optin_date"))
        if consent.get("optout_date"):
            add("withdrawn", consent["optout_date"])
        elif granted is False:
            add("withdrawn", None)
        return out

    def _new_consent_only(
        self, proposed: list[tuple[ledger.ConsentEventIn, bool]]
    ) -> list[ledger.ConsentEventIn]:
        """Keep only what the ledger does not already say, so re-imports add nothing.

        A dated fact is new unless the same action at the same moment is recorded; an
        undated one ("Optin: oui" in a shop export) is new only when it changes the
        current state. An undated "no" for someone who never consented records nothing:
        there is nothing to withdraw; a dated opt-out is always evidence worth keeping.
        """
        ce = s.consent_events
        ids = sorted({e.contact_id for e, _ in proposed if e.contact_id is not None})
        known: set[tuple[int, str, str]] = set()
        state: dict[int, str] = {}
        for chunk in _chunks(ids):
            for r in self.conn.execute(
                sa.select(ce.c.contact_id, ce.c.action, ce.c.occurred_at)
                .where(
                    ce.c.contact_id.in_(chunk),
                    ce.c.purpose == "newsletter",
                    ce.c.channel == "email",
                )
                .order_by(ce.c.occurred_at, ce.c.id)
            ):
                known.add((int(r.contact_id), r.action, _moment_key(r.occurred_at)))
                state[int(r.contact_id)] = r.action
        out = []
        for event, dated in proposed:
            assert event.contact_id is not None
            key = (event.contact_id, event.action, _moment_key(event.occurred_at))
            current = state.get(event.contact_id)
            if key in known:
                continue
            if (
                event.action == "withdrawn"
                and not dated
                and current in (None, "withdrawn", "expired")
            ):
                continue
            if not dated and event.action == "granted" and current in ("granted", "confirmed"):
                continue
            if not dated and event.action == "confirmed" and current == "confirmed":
                continue
            known.add(key)
            state[event.contact_id] = event.action
            out.append(event)
        return out

    # -- accounting -----------------------------------------------------------------------

    def _write_row_outcomes(
        self, records: Sequence[RowRecord], outcomes: dict[int, Outcome]
    ) -> None:
        rows = [
            {
                "import_id": self.import_id,
                "row_number": r.number,
                "outcome": outcomes[r.number].outcome,
                "contact_id": outcomes[r.number].contact_id,
                "reason": outcomes[r.number].reason,
                "raw": _jsonable(r.raw),
            }
            for r in records
        ]
        if rows:
            bulk_insert(self.conn, s.import_rows, rows)

    def _history(
        self,
        changes: Iterable[tuple[int | None, str, str | None, str | None, str | None]],
        *,
        entity: str = "contact",
    ) -> None:
        rows = [
            {
                "entity": entity,
                "entity_id": entity_id,
                "field": field_name,
                "old_value": old,
                "new_value": new,
                "source": self.source,
                "import_id": self.import_id,
                "reason": reason or f"import {self.import_id}",
                "actor": self.actor,
                "changed_at": self.now,
            }
            for entity_id, field_name, old, new, reason in changes
            if entity_id is not None
        ]
        if rows:
            bulk_insert(self.conn, s.history, rows)


_ORG_COLUMNS = (
    "name", "siren", "siret", "vat_number", "naf_code", "sector", "size_band", "website",
)

# Every nullable value column of contacts, so a new contact row names them all.
_CONTACT_COLUMNS = tuple(
    c.name for c in s.contacts.columns if c.nullable and not c.primary_key
)


def _is_new(target: _Target) -> bool:
    return target.slot is not None


def _outcome(target: _Target, index: int, record: RowRecord) -> str:
    if _is_new(target):
        return "inserted" if index == 0 else "merged"
    if target.own and record.external_id:
        return "updated" if target.changed else "unchanged"
    return "merged"


def _same_first_name(a: str | None, b: str | None) -> bool:
    """Compatible first names: one missing, equal once folded, an initial, or a nickname."""
    if not a or not b:
        return True
    fa, fb = fold(a), fold(b)
    if fa == fb or (len(fa) == 1 and fb.startswith(fa)) or (len(fb) == 1 and fa.startswith(fb)):
        return True
    return bool(first_name_variants(a) & first_name_variants(b))


def _later(a: Any, b: Any) -> bool:
    from carnet.directory.base import as_utc

    if isinstance(a, datetime) and isinstance(b, datetime):
        aa, bb = as_utc(a), as_utc(b)
        assert aa is not None and bb is not None
        return aa > bb
    return bool(a > b)


def _same_moment(a: Any, b: Any) -> bool:
    return (
        isinstance(a, datetime)
        and isinstance(b, datetime)
        and not _later(a, b)
        and not (_later(b, a))
    )


def _moment_key(value: Any) -> str:
    from carnet.directory.base import as_utc

    if isinstance(value, datetime):
        moment = as_utc(value)
        assert moment is not None
        return moment.replace(microsecond=0).isoformat()
    return str(value)


def _unit_price(order: dict[str, Any]) -> Decimal:
    """The line's unit price, or its total divided by its quantity."""
    if order.get("unit_price") is not None:
        return Decimal(order["unit_price"])
    quantity = int(order.get("quantity") or 1)
    if order.get("line_total") is not None and quantity:
        return (Decimal(order["line_total"]) / quantity).quantize(Decimal("0.01"))
    return Decimal(0)


def _order_ref(record: RowRecord) -> str:
    ref = record.order.get("order_ref")
    if ref:
        return str(ref)
    basis = f"{record.order.get('customer_ref')}|{record.order.get('order_date')}"
    return "auto:" + hashlib.sha1(basis.encode()).hexdigest()[:16]


def _line_ref(record: RowRecord) -> str:
    order = record.order
    basis = "|".join(
        str(order.get(k)) for k in ("sku", "product_name", "quantity", "unit_price", "line_total")
    )
    return f"{record.number}:" + hashlib.sha1(basis.encode()).hexdigest()[:12]


def _text(value: Any) -> str | None:
    if value is None:
        return None
    if isinstance(value, datetime):
        return value.isoformat()
    if isinstance(value, list | tuple):
        return ";".join(str(v) for v in value)
    return str(value)


def _history_text(key: str, value: Any) -> str | None:
    if key == "iban_ciphertext":
        return None if value is None else "(encrypted)"
    return _text(value)


def _jsonable(raw: dict[str, Any]) -> dict[str, Any]:
    return {k: (v if v is None or isinstance(v, str | list) else str(v)) for k, v in raw.items()}


def _chunks(values: Sequence[Any], size: int = 900) -> Iterable[Sequence[Any]]:
    for start in range(0, len(values), size):
        yield values[start : start + size]


__all__ = ["OUTCOMES", "BatchWriter", "Outcome"]
