"""Writing a batch of checked rows to the workspace: exact-key upsert with accounting.

Each row is tied to a person by exact keys, first within the batch and then
against the database:

1. its own source id (``--id-column``, or a content hash when there is none);
2. a normalised email, when the first names agree (household members share an
   email; "Marie" and "Paul" at one address are two people), the birth dates do
   not tell two people apart, nor do the civilities (M. and Mme Claude Dupuis); a
   role mailbox (``accueil@``, ``contact@``) only with the last name too
   (colleagues share it);
3. an E.164 phone with the same last name (spaces and hyphens aside), again
   when the first names agree, and the birth dates and civilities do not tell two
   people apart (a father and his son of one name share the home line), nor does
   each have a mobile of their own; a landline ties two rows of a first name men
   and women both bear (Dominique, Camille) only when their civilities say one sex
   or their birth dates agree (M. and Mme Dominique Collet share the home's line);
4. for order lines, the buyer's customer number (any source) or email.

A row is then ``inserted`` (a new contact), ``updated`` (its own source id
found, values changed), ``unchanged`` (its own id found, nothing new),
``merged`` (folded into a contact another row or source created),
``suppressed`` (its email or phone is on the suppression list: see
:mod:`carnet.ingest.write_suppressions`) or ``rejected``
with a reason. Rows from the same source overwrite what they said before;
rows from another source only fill blanks (survivorship proper comes with
fuzzy matching). Fuzzy duplicates are the matcher's job: :meth:`BatchWriter.resolve`
is the seam where it plugs in.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from functools import lru_cache
from typing import Any, TypeVar

import sqlalchemy as sa

from carnet.contact_points import point_row
from carnet.dedupe.decide import is_unisex_first_name, own_mobiles
from carnet.directory.base import _text as text_value
from carnet.directory.base import history_text
from carnet.fields.name import (
    first_name_variants,
    fold,
    is_first_name_typo,
    sex_of,
    suffix_generation,
)
from carnet.ingest.batch import Outcome, Target, chunks, is_new, later
from carnet.ingest.rows import ROW_HASH_PREFIX, RowRecord
from carnet.ingest.write_activity import ActivityWriter
from carnet.ingest.write_consent import ConsentWriter
from carnet.ingest.write_deaths import DeathWriter
from carnet.ingest.write_organisations import OrganisationWriter
from carnet.ingest.write_suppressions import SuppressionWriter
from carnet.match.records import MOBILE_PREFIXES
from carnet.model import ON_FILE
from carnet.store import schema as s
from carnet.store.bulk import bulk_insert, execute_many, insert_returning_ids
from carnet.store.lookups import one_of

OUTCOMES = ("inserted", "updated", "unchanged", "merged", "suppressed", "rejected")


class BatchWriter(
    ActivityWriter, ConsentWriter, OrganisationWriter, SuppressionWriter, DeathWriter
):
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
        organisations: the organisations earlier batches of the run looked up or made.
        dated_consent: the consent flag the file's opt-in and opt-out dates belong to
            (:func:`carnet.ingest.write_consent.dated_flag`).
        channel_purposes: the purposes a column closing a channel withdraws there
            (:func:`carnet.ingest.write_consent.channel_purposes`).
        deaths: what the run did with deaths, shared by its batches
            (:class:`carnet.ingest.write_deaths.DeathTally`).
    """

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
        self._write_deaths(targets)
        self._write_points(targets)
        self._write_external_ids(targets)
        self._write_organisations(targets)
        self._write_events(targets)
        self._write_orders(targets)
        self._write_consent(targets)
        self._write_bounces(targets)
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

    def _same_secret(self, old: Any, new: Any) -> bool:
        """Two tokens of one encrypted value (an IBAN): encryption is salted, so the same
        IBAN imported again gives another token, which is no change."""
        if self.cipher is None or not isinstance(old, str) or not isinstance(new, str):
            return False
        return self.cipher.decrypt(old) == self.cipher.decrypt(new)

    def resolve(
        self, records: Sequence[RowRecord]
    ) -> tuple[list[Target], list[tuple[RowRecord, str]]]:
        """Tie each row to an existing contact or a new one, by exact keys."""
        own_ids = self._lookup_external_ids({r.external_id for r in records if r.external_id})
        carnet_ids = self._lookup_contact_ids(
            {r.contact_id for r in records if r.contact_id is not None}
        )
        email_hits = self._lookup_points("email", {e for r in records for e in r.usable_emails})
        phone_hits = self._lookup_points(
            "phone", {p for r in records for p in r.key_phones}, own_only=True
        )
        refs = {str(r.order["customer_ref"]) for r in records if r.order.get("customer_ref")}
        customer_refs = self._lookup_customer_refs(refs)

        targets: list[Target] = []
        by_contact: dict[int, Target] = {}
        # Several people of the batch may share an email or a phone (a household):
        # each key lists them all, and a row joins the one whose first name agrees.
        by_key: dict[tuple[str, str], list[Target]] = defaultdict(list)
        unresolved: list[tuple[RowRecord, str]] = []

        def existing(
            contact_id: int,
            own: bool,
            first_name: str | None = None,
            birth_date: date | None = None,
            last_name: str | None = None,
        ) -> Target:
            target = by_contact.get(contact_id)
            if target is None:
                target = Target(
                    contact_id=contact_id,
                    own=own,
                    first_name=first_name,
                    birth_date=birth_date,
                    last_name=last_name,
                )
                by_contact[contact_id] = target
                targets.append(target)
            return target

        def in_batch(
            key: tuple[str, str],
            first: str | None,
            born: date | None = None,
            last: str | None = None,
            sex: str | None = None,
            mine: frozenset[str] = frozenset(),
            generation: str | None = None,
            landline: bool = False,
        ) -> Target | None:
            return next(
                (
                    t
                    for t in by_key.get(key, ())
                    if (
                        _same_first_name(first, t.first_name)
                        or _surname_in_the_first_name_box(first, last, t.last_name)
                    )
                    and not _born_apart(born, t.birth_date)
                    and not _known_apart(sex, own_or_stored(t.sex, stored_sexes, t))
                    and not _known_apart(
                        generation, own_or_stored(t.generation, stored_generations, t)
                    )
                    and not (mine and _own_mobiles(mine, mobiles_of(t), born, t.birth_date))
                    and not (
                        landline
                        and _may_be_a_couple(
                            (first, t.first_name),
                            (sex, own_or_stored(t.sex, stored_sexes, t)),
                            (born, t.birth_date),
                        )
                    )
                ),
                None,
            )

        # Every stored contact a row of the batch may join: what is read of one of them on
        # demand below is read of them all at once, in one query per 900, not one each.
        candidates = {
            *own_ids.values(),
            *(known.contact_id for known in carnet_ids.values()),
            *customer_refs.values(),
            *(hit[0] for hits in (*email_hits.values(), *phone_hits.values()) for hit in hits),
        }

        # Stored contacts' sexes (gender, else civility) and generations (a name's suffix:
        # fils, père, Jr ...), read only for rows that say theirs: M. and Mme Claude
        # Dupuis, Gérard Fleury fils and père share a name, a line and a mailbox.
        stored_sexes = _read_on_demand(self._lookup_sexes, None, candidates)
        stored_generations = _read_on_demand(self._lookup_generations, None, candidates)

        def own_or_stored(
            own: str | None, stored: Callable[[Iterable[int]], dict[int, str | None]], t: Target
        ) -> str | None:
            if own is None and t.contact_id is not None:
                return stored((t.contact_id,))[t.contact_id]
            return own

        def apart_from_stored(
            value: str | None,
            stored: Callable[[Iterable[int]], dict[int, str | None]],
            hits: Sequence[tuple[int, Any, Any, Any]],
            contact_id: int,
        ) -> bool:
            return value is not None and _known_apart(
                value, stored(h[0] for h in hits)[contact_id]
            )

        # Stored contacts' mobiles, read on first need: two rows of one name on one
        # landline, each with a mobile of their own, are a father and his son at home
        # (or one person's two numbers: the matcher sends those to review).
        stored_mobiles = _read_on_demand(self._lookup_mobiles, frozenset[str](), candidates)

        def mobiles_of(target: Target) -> frozenset[str]:
            found = _mobiles(p for r in target.records for p in r.key_phones)
            if target.contact_id is not None:
                found |= stored_mobiles((target.contact_id,))[target.contact_id]
            return found

        def register(key: tuple[str, str], target: Target) -> None:
            holders = by_key[key]
            if not any(t is target for t in holders):
                holders.append(target)

        for record in records:
            first = record.columns.get("first_name")
            last = record.columns.get("last_name")
            born = record.columns.get("birth_date")
            sex = _sex(record)
            generation = suffix_generation(record.attributes.get("name_suffix"))
            target: Target | None = None
            if record.contact_id is not None:
                known = carnet_ids.get(record.contact_id)
                if known is not None and known.is_the_person_of(record):
                    target = existing(known.contact_id, own=True)
                else:
                    record.notes.append(
                        f"carnet_id {record.contact_id} "
                        + ("is no active contact here" if known is None else
                           "is a contact with other names, e-mails and phones here")
                        + ": the row was matched by its other keys"
                    )
            if target is None and record.external_id and record.external_id in own_ids:
                target = existing(own_ids[record.external_id], own=True)
                record.seen_before = record.external_id.startswith(ROW_HASH_PREFIX)
            if target is None and record.order.get("customer_ref"):
                contact_id = customer_refs.get(str(record.order["customer_ref"]))
                if contact_id is not None:
                    target = existing(contact_id, own=False)
            if target is None and record.external_id:
                same_row = by_key.get(("id", record.external_id))
                target = same_row[0] if same_row else None
            shared = _shared_mailboxes(record) if last else frozenset()
            for email in record.usable_emails:
                if target is not None:
                    break
                target = in_batch(
                    _email_key(email, shared, last), first, born, last, sex, generation=generation
                ) or next(
                    (
                        existing(cid, False, known_first, known_born, known_last)
                        for cid, known_first, known_last, known_born in email_hits.get(email, ())
                        if (
                            _same_first_name(first, known_first)
                            or _surname_in_the_first_name_box(first, last, known_last)
                        )
                        and not _born_apart(born, known_born)
                        and not apart_from_stored(sex, stored_sexes, email_hits[email], cid)
                        and not apart_from_stored(
                            generation, stored_generations, email_hits[email], cid
                        )
                        and (email not in shared or _same_last_name(known_last, last))
                    ),
                    None,
                )
            mine = _mobiles(record.key_phones)
            for phone in record.key_phones:
                if target is not None or not last:
                    break
                key = ("phone", f"{phone}|{_last_name_key(last)}")
                landline = phone not in mine
                target = in_batch(
                    key, first, born, last, sex, mine, generation, landline
                ) or next(
                    (
                        existing(cid, own=False, first_name=known_first, birth_date=known_born)
                        for cid, known_first, known_last, known_born in phone_hits.get(phone, ())
                        if _same_last_name(known_last, last)
                        and _same_first_name(first, known_first)
                        and not _born_apart(born, known_born)
                        and not apart_from_stored(sex, stored_sexes, phone_hits[phone], cid)
                        and not (
                            landline
                            and _may_be_a_couple(
                                (first, known_first),
                                (sex, stored_sexes(h[0] for h in phone_hits[phone])[cid]),
                                (born, known_born),
                            )
                        )
                        and not apart_from_stored(
                            generation, stored_generations, phone_hits[phone], cid
                        )
                        and not (
                            mine
                            and _own_mobiles(
                                mine,
                                stored_mobiles([h[0] for h in phone_hits[phone]])[cid],
                                born,
                                known_born,
                            )
                        )
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
                target = Target(slot=len(targets))
                targets.append(target)
            target.records.append(record)
            if target.first_name is None and first:
                target.first_name = first
            if target.birth_date is None and isinstance(born, date):
                target.birth_date = born
            if target.last_name is None and last:
                target.last_name = last
            if target.sex is None and sex:
                target.sex = sex
            if target.generation is None and generation:
                target.generation = generation
            if record.external_id:
                register(("id", record.external_id), target)
            for email in record.usable_emails:
                register(_email_key(email, shared, last), target)
            if last:
                for phone in record.key_phones:
                    register(("phone", f"{phone}|{_last_name_key(last)}"), target)
        return targets, unresolved

    def _lookup_external_ids(self, ids: set[str]) -> dict[str, int]:
        t = s.external_ids
        found: dict[str, int] = {}
        for chunk in chunks(sorted(ids)):
            rows = self.conn.execute(
                sa.select(t.c.external_id, t.c.contact_id).where(
                    t.c.source_id == self.source_id, one_of(self.conn, t.c.external_id, chunk)
                )
            )
            found.update({r.external_id: int(r.contact_id) for r in rows})
        return self._follow_merges(found)

    def _lookup_contact_ids(self, ids: set[int]) -> dict[int, _KnownContact]:
        """The contacts on file (or the survivors of merged ones) of a file's carnet ids."""
        if not ids:
            return {}
        survivors = self._follow_merges({str(i): i for i in ids})
        c, cp = s.contacts, s.contact_points
        wanted = sorted(set(survivors.values()))
        known: dict[int, _KnownContact] = {}
        for chunk in chunks(wanted):
            for r in self.conn.execute(
                sa.select(c.c.id, c.c.first_name, c.c.last_name).where(
                    one_of(self.conn, c.c.id, chunk), c.c.status.in_(ON_FILE)
                )
            ):
                known[int(r.id)] = _KnownContact(int(r.id), r.first_name, r.last_name, set())
            # (no "normalised IS NOT NULL" in SQL: SQLite, without statistics, would read
            # it as a range on the look-up index and scan every e-mail and phone)
            for owner, value in self.conn.execute(
                sa.select(cp.c.contact_id, cp.c.normalised).where(
                    one_of(self.conn, cp.c.contact_id, chunk),
                    cp.c.kind.in_(("email", "phone")),
                )
            ):
                if value is not None and int(owner) in known:
                    known[int(owner)].points.add(value)
        return {
            int(given): known[survivor]
            for given, survivor in survivors.items()
            if survivor in known
        }

    def _lookup_sexes(self, contact_ids: set[int]) -> dict[int, str]:
        """The sex each of these contacts is known by (gender, else civility)."""
        c = s.contacts
        found: dict[int, str] = {}
        for chunk in chunks(sorted(contact_ids)):
            for contact_id, gender, civility in self.conn.execute(
                sa.select(c.c.id, c.c.gender, c.c.civility).where(one_of(self.conn, c.c.id, chunk))
            ):
                sex = sex_of(gender, civility)
                if sex:
                    found[int(contact_id)] = sex
        return found

    def _lookup_generations(self, contact_ids: set[int]) -> dict[int, str]:
        """The generation each of these contacts' name suffix says (``name_suffix``)."""
        c = s.contacts
        found: dict[int, str] = {}
        for chunk in chunks(sorted(contact_ids)):
            for contact_id, attributes in self.conn.execute(
                sa.select(c.c.id, c.c.attributes).where(one_of(self.conn, c.c.id, chunk))
            ):
                suffix = (attributes or {}).get("name_suffix")
                generation = suffix_generation(suffix if isinstance(suffix, str) else None)
                if generation:
                    found[int(contact_id)] = generation
        return found

    def _lookup_mobiles(self, contact_ids: set[int]) -> dict[int, frozenset[str]]:
        """The mobiles (E.164) each of these contacts holds; those without one are left out."""
        cp = s.contact_points
        found: dict[int, set[str]] = defaultdict(set)
        for chunk in chunks(sorted(contact_ids)):
            # (no "normalised IS NOT NULL" in SQL: see _lookup_contact_ids)
            for contact_id, value in self.conn.execute(
                sa.select(cp.c.contact_id, cp.c.normalised).where(
                    one_of(self.conn, cp.c.contact_id, chunk), cp.c.kind == "phone"
                )
            ):
                if value is not None and value.startswith(MOBILE_PREFIXES):
                    found[int(contact_id)].add(value)
        return {cid: frozenset(values) for cid, values in found.items()}

    def _lookup_customer_refs(self, refs: set[str]) -> dict[str, int]:
        t = s.external_ids
        owners: dict[str, set[int]] = defaultdict(set)
        for chunk in chunks(sorted(refs)):
            for r in self.conn.execute(
                sa.select(t.c.external_id, t.c.contact_id).where(
                    one_of(self.conn, t.c.external_id, chunk)
                )
            ):
                owners[r.external_id].add(int(r.contact_id))
        unique = {ref: next(iter(ids)) for ref, ids in owners.items() if len(ids) == 1}
        return self._follow_merges(unique)

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
                    one_of(self.conn, c.c.id, pending),
                    c.c.status == "merged",
                    c.c.merged_into_id.is_not(None),
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

    def _insert_new_contacts(self, targets: list[Target]) -> None:
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
                    **_BLANK_CONTACT,
                    **values,
                    "first_seen": values.get("first_seen") or self.now,
                    "interests": values.get("interests") or [],
                    "equipment": values.get("equipment") or [],
                    "tags": values.get("tags") or [],
                    "attributes": attributes,
                    "status": "active",
                    "created_at": self.now,
                    "updated_at": self.now,
                }
            )
        for target, contact_id in zip(
            new, insert_returning_ids(self.conn, s.contacts, rows), strict=True
        ):
            target.contact_id = contact_id
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

    def _update_existing(self, targets: list[Target]) -> None:
        olds = [t for t in targets if t.records and t.contact_id is not None and not is_new(t)]
        if not olds:
            return
        c = s.contacts
        ids = [t.contact_id for t in olds if t.contact_id is not None]
        values_of = {id(record): self._contact_values(record) for t in olds for record in t.records}
        # Only the columns some row gives (and the JSON attributes when a row has
        # some): decoding every JSON column of every contact costs more than the rest.
        wanted = {key for values in values_of.values() for key in values}
        if any(record.attributes for t in olds for record in t.records):
            wanted.add("attributes")
        columns = [c.c.id, *(c.c[key] for key in sorted(wanted))]
        current: dict[int, Any] = {}
        for chunk in chunks(ids):
            for found in self.conn.execute(
                sa.select(*columns).where(one_of(self.conn, c.c.id, chunk))
            ).mappings():
                current[int(found["id"])] = found
        history: list[tuple[int, str, str | None, str | None, str | None]] = []
        changed: list[tuple[int, dict[str, Any]]] = []
        spoken = self._written_earlier([t.contact_id for t in olds if t.own])
        for target in olds:
            assert target.contact_id is not None
            row = current.get(target.contact_id)
            if row is None:
                continue
            changes: dict[str, Any] = {}
            attributes = dict(row.get("attributes") or {})
            attributes_changed = False
            for k, record in enumerate(target.records):
                # The source's own row updates what it says; the first of them in the file
                # speaks for the contact, as when the file made it (a second row with the
                # same id fills blanks only, or the two would take turns at every
                # re-import). A row read before word for word says nothing new, and
                # leaves alone an edit made since.
                overwrites = (
                    target.own
                    and k == 0
                    and target.contact_id not in spoken
                    and not record.seen_before
                )
                for key, value in values_of[id(record)].items():
                    old = changes.get(key, row[key])
                    if old == value or _same_moment(old, value):
                        continue
                    if key == "iban_ciphertext" and self._same_secret(old, value):
                        continue
                    if key == "last_activity":
                        if old is None or later(value, old):
                            changes[key] = value
                        continue
                    if key == "first_seen":
                        if old is None or later(old, value):
                            changes[key] = value
                        continue
                    # Another source fills blanks only (an empty list is a blank too).
                    if old is None or old == [] or overwrites:
                        changes[key] = value
                        history.append(
                            (
                                target.contact_id,
                                "iban" if key == "iban_ciphertext" else key,
                                history_text(key, old),
                                history_text(key, value),
                                None,
                            )
                        )
                for key, value in record.attributes.items():
                    if attributes.get(key) != value and (key not in attributes or overwrites):
                        history.append(
                            (
                                target.contact_id,
                                key,
                                text_value(attributes.get(key)),
                                text_value(value),
                                None,
                            )
                        )
                        attributes[key] = value
                        attributes_changed = True
            if attributes_changed:
                changes["attributes"] = attributes
            if changes:
                changes["updated_at"] = self.now
                changed.append((target.contact_id, changes))
                target.changed = True
        self._apply_changes(changed)
        self._history(history)

    def _apply_changes(self, changed: list[tuple[int, dict[str, Any]]]) -> None:
        """Update the contacts: one statement per set of columns changed, run for
        every contact that changes them (a contact changed twice, in turn)."""
        c = s.contacts
        if len({contact_id for contact_id, _ in changed}) < len(changed):
            for contact_id, changes in changed:
                self.conn.execute(c.update().where(c.c.id == contact_id).values(**changes))
            return
        by_columns: dict[tuple[str, ...], list[dict[str, Any]]] = defaultdict(list)
        for contact_id, changes in changed:
            by_columns[tuple(sorted(changes))].append(
                {"contact": contact_id, **{f"new_{k}": v for k, v in changes.items()}}
            )
        for columns, params in by_columns.items():
            execute_many(
                self.conn,
                c.update()
                .where(c.c.id == sa.bindparam("contact"))
                .values({k: sa.bindparam(f"new_{k}") for k in columns}),
                params,
            )

    def _written_earlier(self, contact_ids: list[int | None]) -> set[int]:
        """The contacts an earlier batch of this import already wrote a row to."""
        r = s.import_rows
        found: set[int] = set()
        for chunk in chunks(sorted({i for i in contact_ids if i is not None})):
            found.update(
                int(i)
                for i in self.conn.execute(
                    sa.select(r.c.contact_id).where(
                        r.c.import_id == self.import_id, one_of(self.conn, r.c.contact_id, chunk)
                    )
                ).scalars()
            )
        return found

    def _write_points(self, targets: list[Target]) -> None:
        """Add the rows' new contact points. The first point of a kind is the primary
        one; a usable point takes over from an unusable primary (the e-mail a user
        mended in an export, beside the invalid one it had)."""
        cp = s.contact_points
        ids = [t.contact_id for t in targets if t.contact_id is not None and not is_new(t)]
        existing: dict[int, dict[tuple[str, str | None], tuple[int, bool]]] = defaultdict(dict)
        # each contact's primary point of each kind: its id (or, when this batch adds
        # it, its row) and whether it is usable
        primaries: dict[int, dict[str, tuple[int | dict[str, Any], bool]]] = defaultdict(dict)
        for chunk in chunks(ids):
            # rows unpacked as tuples: a merge-heavy batch reads tens of thousands
            for point_id, contact_id, kind, normalised, raw, is_primary, verdict in (
                self.conn.execute(
                    sa.select(
                        cp.c.id, cp.c.contact_id, cp.c.kind, cp.c.normalised, cp.c.raw,
                        cp.c.is_primary, cp.c.verdict,
                    ).where(one_of(self.conn, cp.c.contact_id, chunk))
                )
            ):
                existing[int(contact_id)][(kind, normalised or raw)] = (
                    int(point_id),
                    bool(is_primary),
                )
                if is_primary:
                    primaries[int(contact_id)][kind] = (int(point_id), verdict in _USABLE)
        inserts: list[dict[str, Any]] = []
        demoted: list[int] = []
        seen_ids: list[int] = []
        history: list[tuple[int, str, str | None, str | None, str | None]] = []
        for target in targets:
            if target.contact_id is None:
                continue
            known = existing[target.contact_id]
            primary_of = primaries[target.contact_id]
            new_contact = is_new(target)
            for record in target.records:
                for pending in record.points:
                    key = (pending.kind, pending.key)
                    if key in known:
                        seen_ids.append(known[key][0])
                        continue
                    usable = pending.verdict.status.value in _USABLE
                    held = primary_of.get(pending.kind)
                    primary = held is None or (usable and not held[1])
                    if primary and held is not None:
                        if isinstance(held[0], dict):
                            held[0]["is_primary"] = False
                        else:
                            demoted.append(held[0])
                    row = point_row(
                        pending, contact_id=target.contact_id, primary=primary, now=self.now
                    )
                    row.update(source_id=self.source_id, import_id=self.import_id)
                    inserts.append(row)
                    if primary:
                        primary_of[pending.kind] = (row, usable)
                    known[key] = (0, primary)
                    if not new_contact:
                        history.append((target.contact_id, pending.kind, None, pending.key, None))
                        target.changed = True
        for chunk in chunks(demoted):
            self.conn.execute(
                cp.update().where(one_of(self.conn, cp.c.id, chunk)).values(is_primary=False)
            )
        if inserts:
            bulk_insert(self.conn, cp, inserts)
        for chunk in chunks(sorted(set(seen_ids))):
            self.conn.execute(
                cp.update().where(one_of(self.conn, cp.c.id, chunk)).values(last_seen=self.now)
            )
        self._history(history)

    def _write_external_ids(self, targets: list[Target]) -> None:
        t = s.external_ids
        wanted: dict[str, int] = {}
        for target in targets:
            for record in target.records:
                if record.external_id and target.contact_id is not None:
                    wanted.setdefault(record.external_id, target.contact_id)
        if not wanted:
            return
        present: set[str] = set()
        for chunk in chunks(sorted(wanted)):
            present.update(
                self.conn.execute(
                    sa.select(t.c.external_id).where(
                        t.c.source_id == self.source_id, one_of(self.conn, t.c.external_id, chunk)
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


# Every nullable value column of contacts, so a new contact row names them all.
_CONTACT_COLUMNS = tuple(c.name for c in s.contacts.columns if c.nullable and not c.primary_key)
_BLANK_CONTACT: dict[str, Any] = dict.fromkeys(_CONTACT_COLUMNS)


def _outcome(target: Target, index: int, record: RowRecord) -> str:
    if is_new(target):
        return "inserted" if index == 0 else "merged"
    if target.own and record.external_id:
        return "updated" if target.changed else "unchanged"
    return "merged"


#: Verdicts of a contact point that can be used (a primary e-mail should be one).
_USABLE = frozenset({"valid", "warning"})


@dataclass
class _KnownContact:
    """A contact a row names by its carnet id, and what tells it is the same person."""

    contact_id: int
    first_name: str | None
    last_name: str | None
    points: set[str]  # normalised e-mails and phones

    def is_the_person_of(self, record: RowRecord) -> bool:
        """Whether the row is this contact's: its first name, last name, an e-mail or a
        phone agrees. An id alone is not trusted: a file exported from another
        workspace holds ids that name other people here."""
        first, last = record.columns.get("first_name"), record.columns.get("last_name")
        return (
            bool(first and self.first_name and _compatible_first_names(first, self.first_name))
            or _same_last_name(last, self.last_name)
            or any(v in self.points for v in (*record.usable_emails, *record.usable_phones))
            or not (first or last or record.usable_emails or record.usable_phones)
        )


def _same_first_name(a: str | None, b: str | None) -> bool:
    """Compatible first names: one missing, equal once folded, an initial, a
    nickname, or a typo (:func:`carnet.fields.name.is_first_name_typo`)."""
    if not a or not b:
        return True
    return _compatible_first_names(a, b)


def _surname_in_the_first_name_box(
    first: str | None, last: str | None, known_last: str | None
) -> bool:
    """A row whose only name, in the first-name box, is the other's last name: a
    newsletter form's one box where "DESCHAMPS" was typed beside Alain Deschamps's
    e-mail. It names no first name, and joins as a row with no name does.

    >>> _surname_in_the_first_name_box("DESCHAMPS", None, "Deschamps")
    True
    >>> _surname_in_the_first_name_box("Deschamps", "Marie", "Deschamps")
    False
    """
    return bool(first) and not last and _same_last_name(first, known_last)


# Names repeat a lot within a file: fold and compare each pair of spellings once.
_fold = lru_cache(maxsize=65_536)(fold)


@lru_cache(maxsize=65_536)
def _last_name_key(name: str) -> str:
    """The last name as the phone key compares it: folded, without spaces,
    hyphens or apostrophes (``Ben Ali`` ~ ``BENALI``, ``de La Fontaine`` ~
    ``Delafontaine``, ``D'Almeida`` ~ ``Dalmeida``)."""
    return fold(name).replace(" ", "")


@lru_cache(maxsize=65_536)
def _compatible_first_names(a: str, b: str) -> bool:
    fa, fb = _fold(a), _fold(b)
    if fa == fb or (len(fa) == 1 and fb.startswith(fa)) or (len(fb) == 1 and fa.startswith(fb)):
        return True
    return bool(first_name_variants(a) & first_name_variants(b)) or is_first_name_typo(a, b)


def _email_key(email: str, shared: frozenset[str], last: str | None) -> tuple[str, str]:
    """The batch key of an e-mail. A role mailbox (accueil@, contact@) is a company's or a
    team's, which colleagues of one first name share: its key holds the last name too."""
    if email in shared:
        return ("email", f"{email}|{_last_name_key(last or '')}")
    return ("email", email)


def _sex(record: RowRecord) -> str | None:
    """The row's sex as it says it: its gender, else its civility's ("Mme": female)."""
    return sex_of(record.columns.get("gender"), record.columns.get("civility"))


def _known_apart(a: str | None, b: str | None) -> bool:
    """Two sexes, or two generations, known and different: M. and Mme Claude Dupuis,
    Gérard Fleury fils and Gérard Fleury père are two people each, whatever name, line
    or mailbox they share."""
    return a is not None and b is not None and a != b


def _may_be_a_couple(
    first_names: tuple[str | None, str | None],
    sexes: tuple[str | None, str | None],
    birth_dates: tuple[Any, Any],
) -> bool:
    """Two rows of one first name men and women both bear
    (:func:`carnet.dedupe.decide.is_unisex_first_name`: Dominique, Camille, Claude)
    that a landline alone would join: M. and Mme Dominique Collet share their home's
    line, so it ties the rows only when their civilities say they are of one sex or
    their birth dates agree (the same day, its day and month swapped, one digit
    mistyped). A mobile or an e-mail in common is a key of its own.

    >>> dominique = ("Dominique", "DOMINIQUE")
    >>> _may_be_a_couple(dominique, ("female", None), (None, date(1961, 4, 2)))
    True
    >>> _may_be_a_couple(dominique, ("female", "female"), (None, None))
    False
    >>> _may_be_a_couple(dominique, (None, None), (date(1961, 4, 2), date(1961, 2, 4)))
    False
    >>> _may_be_a_couple(("Marie", "Marie"), (None, None), (None, None))
    False
    """
    if not all(name and is_unisex_first_name(name) for name in first_names):
        return False
    if sexes[0] is not None and sexes[0] == sexes[1]:
        return False
    born, known = birth_dates
    return not (isinstance(born, date) and isinstance(known, date) and not _born_apart(born, known))


def _mobiles(phones: Iterable[str]) -> frozenset[str]:
    """The mobiles among E.164 phones (:data:`carnet.match.records.MOBILE_PREFIXES`)."""
    return frozenset(p for p in phones if p.startswith(MOBILE_PREFIXES))


def _own_mobiles(mine: Collection[str], theirs: Collection[str], born: Any, known: Any) -> bool:
    """Two people of one name on one line, each with a mobile of their own, none in
    common, and not born the same day: the matcher's rule
    (:func:`carnet.dedupe.decide.own_mobiles`), here with nothing else to weigh (an
    e-mail in common matched before the phone).

    >>> _own_mobiles({"+33612345678"}, {"+33698765432"}, None, None)
    True
    >>> _own_mobiles({"+33612345678"}, {"+33612345678", "+33698765432"}, None, None)
    False
    >>> _own_mobiles({"+33612345678"}, {"+33698765432"}, date(1980, 1, 2), date(1980, 1, 2))
    False
    """
    return own_mobiles(mine, theirs, _iso(born), _iso(known), (), ())


def _iso(born: Any) -> str | None:
    return born.isoformat() if isinstance(born, date) else None


_Key = TypeVar("_Key")
_Value = TypeVar("_Value")


def _read_on_demand(
    fetch: Callable[[set[_Key]], Mapping[_Key, _Value]],
    default: _Value,
    along: Collection[_Key] = (),
) -> Callable[[Iterable[_Key]], dict[_Key, _Value]]:
    """A look-up of stored values that reads each key once, when first asked for (what
    ``fetch`` does not find is ``default``); it answers with every value read so far.
    The first read reads the keys ``along`` too: those likely to be asked for next."""
    cache: dict[_Key, _Value] = {}
    pending = set(along)

    def read(keys: Iterable[_Key]) -> dict[_Key, _Value]:
        missing = {k for k in keys if k not in cache}
        if missing:
            missing |= pending
            pending.clear()
            found = fetch(missing)
            cache.update((k, found.get(k, default)) for k in missing)
        return cache

    return read


def _same_last_name(a: str | None, b: str | None) -> bool:
    """Both last names known and equal as the keys compare them (:func:`_last_name_key`)."""
    return bool(a) and bool(b) and _last_name_key(a or "") == _last_name_key(b or "")


def _shared_mailboxes(record: RowRecord) -> frozenset[str]:
    """The row's usable e-mails that are role mailboxes (``accueil@``, ``contact@``)."""
    return frozenset(
        p.verdict.normalised
        for p in record.emails
        if p.verdict.normalised and "role" in p.verdict.flags
    )


def _born_apart(a: Any, b: Any) -> bool:
    """Two birth dates of two people: both known, and neither the same day, nor its
    day and month swapped, nor one digit mistyped (``1962-05-01`` ~ ``1962-01-05``,
    ``1962-05-11``).

    >>> _born_apart(date(1952, 9, 13), date(1997, 10, 29)), _born_apart(date(1962, 5, 1), None)
    (True, False)
    >>> may = date(1962, 5, 1)
    >>> _born_apart(may, date(1962, 1, 5)), _born_apart(may, date(1962, 5, 11))
    (False, False)
    """
    if not isinstance(a, date) or not isinstance(b, date) or a == b:
        return False
    if (a.year, a.month, a.day) == (b.year, b.day, b.month):
        return False
    return sum(x != y for x, y in zip(a.isoformat(), b.isoformat(), strict=True)) > 1


def _same_moment(a: Any, b: Any) -> bool:
    return (
        isinstance(a, datetime)
        and isinstance(b, datetime)
        and not later(a, b)
        and not (later(b, a))
    )


__all__ = ["OUTCOMES", "BatchWriter", "Outcome"]
