"""Erasure and anonymisation: removing a person's values from every table.

Where personal values live, and what :func:`purge` does with them:

===================  ===============================  ===============================
Table                delete (erasure, retention)      anonymise (keep statistics)
===================  ===============================  ===============================
contacts             row deleted                      identity cleared, status
                                                      ``anonymised``; keeps age band,
                                                      postcode area (2 digits), gender
                                                      dropped, language, lifecycle
contact_points       deleted (cascade)                deleted
external_ids,        deleted (cascade)                deleted
contact_roles
events               deleted (cascade)                kept, ``properties`` emptied
orders, order_lines  deleted (cascade)                kept, ``external_ref`` cleared
history              values, reasons cleared          values, reasons cleared
import_rows          ``raw`` and ``reason`` cleared   same
                     (rows of the contact, and any
                     row holding one of its values)
consent_events       proof redacted (chain still      proof redacted
                     verifies), contact set NULL
match_pairs, merges  deleted (explanations and        deleted
                     snapshots hold values)
suppressions         emails and phones added          emails and phones added
===================  ===============================  ===============================

Contacts merged into the person are purged with them: they are the same person.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from carnet.consent import ledger, suppression
from carnet.consent._util import canonical_json, chunks, like_escape, utcnow
from carnet.store import schema as s

MODES = ("delete", "anonymise")


@dataclass
class PurgeCounts:
    """How many rows a purge touched, per table (no values)."""

    contacts: int = 0
    contact_points: int = 0
    events: int = 0
    orders: int = 0
    history_entries: int = 0
    import_rows: int = 0
    consent_events_redacted: int = 0
    match_records: int = 0
    suppressed: int = 0
    extra: dict[str, int] = field(default_factory=dict)

    def as_dict(self) -> dict[str, int]:
        """The counts as a dictionary."""
        out = {k: v for k, v in self.__dict__.items() if k != "extra"}
        out.update(self.extra)
        return out


def related_ids(conn: Connection, contact_id: int) -> list[int]:
    """The contact and every contact merged into it (recursively)."""
    ids = [contact_id]
    frontier = [contact_id]
    c = s.contacts
    while frontier:
        found = [
            int(i)
            for i in conn.execute(
                sa.select(c.c.id).where(c.c.merged_into_id.in_(frontier))
            ).scalars()
            if int(i) not in ids
        ]
        ids.extend(found)
        frontier = found
    return ids


def age_band(birth: date | None, today: date) -> str | None:
    """The ten-year age band of a birth date.

    >>> age_band(date(1975, 7, 14), date(2025, 3, 1))
    '45-54'
    >>> age_band(date(2010, 1, 1), date(2025, 3, 1))
    '<18'
    """
    if birth is None:
        return None
    age = today.year - birth.year - ((today.month, today.day) < (birth.month, birth.day))
    if age < 18:
        return "<18"
    if age >= 75:
        return "75+"
    low = 18 if age < 25 else (age - 25) // 10 * 10 + 25
    high = 24 if low == 18 else low + 9
    return f"{low}-{high}"


def postcode_area(postcode: str | None) -> str | None:
    """The postcode area kept for statistics: the département (first 2 digits).

    >>> postcode_area("69003"), postcode_area("20A00"), postcode_area(None)
    ('69', '20', None)
    """
    if not postcode:
        return None
    text = postcode.strip()
    return text[:2] if len(text) >= 2 else None


def purge(
    conn: Connection,
    contact_ids: Iterable[int],
    *,
    mode: str,
    secret: str,
    suppress_reason: str | None,
    actor: str,
    note: str,
) -> PurgeCounts:
    """Remove the personal values of these contacts everywhere, in the caller's transaction.

    Args:
        conn: connection inside a transaction.
        contact_ids: the contacts (include the ones merged into them).
        mode: ``delete`` or ``anonymise``.
        secret: workspace secret (suppression hashes).
        suppress_reason: reason to suppress their emails and phones with, or None.
        actor: who does it (history).
        note: the history reason ("erased, receipt ...").
    """
    if mode not in MODES:
        raise ValueError(f"mode must be one of {MODES}")
    ids = sorted({int(i) for i in contact_ids})
    counts = PurgeCounts()
    if not ids:
        return counts
    now = utcnow()
    cp = s.contact_points
    points = conn.execute(
        sa.select(cp.c.kind, cp.c.raw, cp.c.normalised, cp.c.line1, cp.c.postcode)
        .where(cp.c.contact_id.in_(ids))
    ).all()
    counts.contact_points = len(points)
    people = conn.execute(
        sa.select(s.contacts.c.id, s.contacts.c.first_name, s.contacts.c.last_name,
                  s.contacts.c.birth_date)
        .where(s.contacts.c.id.in_(ids))
    ).all()
    # 1. suppression list (survives everything below)
    if suppress_reason:
        for kind in suppression.KINDS:
            values = {p.normalised for p in points if p.kind == kind and p.normalised}
            if values:
                counts.suppressed += suppression.suppress_many(
                    conn, kind, values, suppress_reason, secret, f"{note}"[:200]
                )
    # 2. consent proofs
    counts.consent_events_redacted = ledger.redact_proofs(conn, ids)
    # 3. import rows: those of the contacts, and any row holding one of their values
    needles = sorted(
        {v.strip().lower() for p in points for v in (p.raw, p.normalised)
         if v and len(v.strip()) >= 5 and p.kind in ("email", "phone")}
        | {p.line1.strip().lower() for p in points if p.line1 and len(p.line1.strip()) >= 5}
    )
    ir = s.import_rows
    conditions: list[sa.ColumnElement[bool]] = [ir.c.contact_id.in_(ids)]
    raw_text = sa.func.lower(sa.cast(ir.c.raw, sa.Text))
    reason_text = sa.func.lower(sa.func.coalesce(ir.c.reason, ""))
    escaped = {json.dumps(n)[1:-1] for n in needles} - set(needles)
    for needle in [*needles, *sorted(escaped)]:
        pattern = f"%{like_escape(needle)}%"
        conditions.append(raw_text.like(pattern, escape="\\"))
        conditions.append(reason_text.like(pattern, escape="\\"))
    for batch in chunks(conditions, 100):
        result = conn.execute(
            ir.update()
            .where(sa.or_(*batch), sa.or_(ir.c.raw.is_not(None), ir.c.reason.is_not(None)))
            .values(raw=sa.null(), reason=None)
        )
        counts.import_rows += max(result.rowcount, 0)
    # 4. history values
    h = s.history
    result = conn.execute(
        h.update()
        .where(h.c.entity == "contact", h.c.entity_id.in_(ids))
        .values(old_value=None, new_value=None, reason=None)
    )
    counts.history_entries = max(result.rowcount, 0)
    # 5. match evidence
    mp = s.match_pairs
    result = conn.execute(
        mp.delete().where(sa.or_(mp.c.contact_id_l.in_(ids), mp.c.contact_id_r.in_(ids)))
    )
    counts.match_records += max(result.rowcount, 0)
    mg = s.merges
    id_set = set(ids)
    doomed = [
        int(r.id)
        for r in conn.execute(sa.select(mg.c.id, mg.c.survivor_id, mg.c.merged_ids))
        if int(r.survivor_id) in id_set
        or id_set & {int(x) for x in (r.merged_ids or []) if str(x).isdigit()}
    ]
    if doomed:
        conn.execute(mg.delete().where(mg.c.id.in_(doomed)))
        counts.match_records += len(doomed)
    # 6. the contacts themselves
    ev = s.events
    counts.events = int(conn.execute(
        sa.select(sa.func.count()).select_from(ev).where(ev.c.contact_id.in_(ids))
    ).scalar_one())
    counts.orders = int(conn.execute(
        sa.select(sa.func.count()).select_from(s.orders).where(s.orders.c.contact_id.in_(ids))
    ).scalar_one())
    if mode == "delete":
        conn.execute(
            s.contacts.update().where(s.contacts.c.id.in_(ids)).values(merged_into_id=None)
        )
        conn.execute(s.contacts.delete().where(s.contacts.c.id.in_(ids)))
        counts.contacts = len(people)
    else:
        today = now.date()
        postcodes: dict[int, str] = {}
        for r in conn.execute(
            sa.select(cp.c.contact_id, cp.c.postcode)
            .where(cp.c.contact_id.in_(ids), cp.c.kind == "address", cp.c.postcode.is_not(None))
            .order_by(cp.c.is_primary.desc(), cp.c.id)
        ):
            postcodes.setdefault(int(r.contact_id), r.postcode)
        for person in people:
            stats: dict[str, Any] = {"anonymised_at": now.date().isoformat()}
            band = age_band(person.birth_date, today)
            if band:
                stats["age_band"] = band
            area = postcode_area(postcodes.get(int(person.id)))
            if area:
                stats["postcode_area"] = area
            conn.execute(
                s.contacts.update().where(s.contacts.c.id == person.id).values(
                    civility=None, first_name=None, last_name=None, birth_date=None,
                    gender=None, job_title=None, pcs=None, organisation_id=None,
                    loyalty_id=None, iban_ciphertext=None, interests=[], equipment=[],
                    tags=[], attributes=stats, status="anonymised", merged_into_id=None,
                    updated_at=now,
                )
            )
        conn.execute(cp.delete().where(cp.c.contact_id.in_(ids)))
        conn.execute(s.external_ids.delete().where(s.external_ids.c.contact_id.in_(ids)))
        conn.execute(s.contact_roles.delete().where(s.contact_roles.c.contact_id.in_(ids)))
        conn.execute(ev.update().where(ev.c.contact_id.in_(ids)).values(properties={}))
        conn.execute(
            s.orders.update().where(s.orders.c.contact_id.in_(ids)).values(external_ref=None)
        )
        counts.contacts = len(people)
    conn.execute(
        h.insert(),
        [
            {"entity": "contact", "entity_id": cid, "field": "*", "old_value": None,
             "new_value": None, "source": "privacy", "import_id": None, "reason": note[:500],
             "actor": actor, "changed_at": now}
            for cid in ids
        ],
    )
    return counts


def scan_for(conn: Connection, needles: Iterable[str]) -> list[tuple[str, str, str]]:
    """Every (table, column, needle) where a text or JSON column still holds a needle.

    Used by tests and by ``carnet privacy erase --verify``: the proof that nothing
    is left. Case-insensitive.
    """
    wanted = [n.lower() for n in needles if n and n.strip()]
    found: list[tuple[str, str, str]] = []
    for table in s.metadata.sorted_tables:
        columns = [
            col for col in table.columns
            if isinstance(col.type, sa.String | sa.Text | sa.JSON)
        ]
        if not columns:
            continue
        for row in conn.execute(sa.select(*columns)):
            for col, value in zip(columns, row, strict=True):
                if value is None:
                    continue
                text = (value if isinstance(value, str) else canonical_json(value)).lower()
                for needle in wanted:
                    if needle in text:
                        found.append((table.name, col.name, needle))
    return sorted(set(found))


__all__ = ["MODES", "PurgeCounts", "age_band", "postcode_area", "purge", "related_ids", "scan_for"]
