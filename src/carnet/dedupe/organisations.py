"""Duplicate organisations: which ones are the same company, and why.

Organisations are few beside contacts and carry strong keys, so they are
matched by rules a person can check, not by a learnt model. Two active
organisations are the same company when they share:

=====================  ==============================================================
evidence               decision
=====================  ==============================================================
the SIRET              merge (one establishment)
the SIREN              merge, unless both have a SIRET and they differ (two
                       establishments of one company stay apart)
the name and a         merge: the names give the same :func:`~carnet.fields.organisation.
postcode               name_key` and a postcode is shared (the organisation's own, or
                       one of its contacts' addresses)
the name and a         merge: same name key, and a contact of each shares an e-mail
contact in common      address or a phone number (one person, on two files)
the name and a         merge: same name key, and their contacts write from the same
mail domain            company mail domain (or their websites share a domain)
the name only          review: proposed, not merged; ``merge_organisations`` by hand;
                       not even proposed when the name is generic ("Mairie",
                       "Garage du Centre": :func:`~carnet.fields.organisation.
                       is_generic_name`), as every town has one
a similar name and     review: the same words of their own, one name's generic
a postcode             words among the other's ("Le Petit Zinc" and "Restaurant Le
                       Petit Zinc", "Cabinet médical Dr Martin" and "Cabinet médical
                       du Dr Martin"), and a postcode shared; "Boulangerie Martin" and
                       "Garage Martin" are not similar
=====================  ==============================================================

Contradicting evidence keeps two organisations apart whatever else agrees:
different SIRENs; and, unless they share a SIREN (a company may change its
name, legal form or address), two different addresses of their own (both
postcodes known and different) or one name under two legal forms ("Wagner
SARL" and "Wagner EURL" are two companies). A merge that was undone, or a pair a person
kept apart, is never proposed again.

Pairs are joined into groups one at a time, strongest evidence first, and a
pair that would put two different SIRENs (or SIRETs, own postcodes, legal
forms) in one group is left out, so A = B and B = C never make A = C against
A's and C's registration numbers.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any, Final

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from carnet.fields.legal_form import form_key
from carnet.fields.organisation import (
    distinctive_words,
    is_generic_name,
    name_key,
)
from carnet.organisation_links import company_domain, website_domain
from carnet.store import schema as s

__all__ = [
    "EVIDENCE",
    "OrganisationPair",
    "OrganisationRecord",
    "describe",
    "group_pairs",
    "load_records",
    "pair_organisations",
    "separated_pairs",
    "to_row",
]

#: Evidence, strongest first, with the decision it leads to.
EVIDENCE: Final[dict[str, str]] = {
    "same SIRET": "merge",
    "same SIREN": "merge",
    "same name and postcode": "merge",
    "same name and a contact in common": "merge",
    "same name and mail domain": "merge",
    "same name only": "review",
    "similar name and postcode": "review",
}
_RANK: Final = {evidence: rank for rank, evidence in enumerate(EVIDENCE)}

# A name shared by more organisations than this is a generic word ("Mairie",
# "Garage"), not evidence: those pairs are not proposed at all.
MAX_NAME_GROUP: Final = 50

GENERIC_NAME_ONLY = "generic name, nothing else in common"


@dataclass(frozen=True)
class OrganisationRecord:
    """What matching knows of one active organisation."""

    id: int
    name: str | None
    key: str | None
    siren: str | None
    siret: str | None
    postcode: str | None
    contact_postcodes: frozenset[str] = frozenset()
    domains: frozenset[str] = frozenset()
    contacts: int = 0
    #: The legal form its name carries ("sarl"), if any.
    form: str | None = None
    #: The normalised e-mails and phones of its contacts.
    reach: frozenset[str] = frozenset()

    @property
    def postcodes(self) -> frozenset[str]:
        """Its own postcode and its contacts'."""
        own = frozenset({self.postcode}) if self.postcode else frozenset()
        return own | self.contact_postcodes


@dataclass(frozen=True)
class OrganisationPair:
    """Two organisations, the evidence that they are one, and the decision."""

    left: int
    right: int
    evidence: str
    details: tuple[str, ...] = field(default=())

    @property
    def decision(self) -> str:
        """``merge`` or ``review``."""
        return EVIDENCE[self.evidence]

    @property
    def key(self) -> tuple[int, int]:
        """The pair as (lower id, higher id)."""
        return (min(self.left, self.right), max(self.left, self.right))


def load_records(conn: Connection) -> list[OrganisationRecord]:
    """Every active organisation, with the postcodes and mail domains of its active contacts."""
    o, c, cp = s.organisations, s.contacts, s.contact_points
    postcodes: dict[int, set[str]] = defaultdict(set)
    domains: dict[int, set[str]] = defaultdict(set)
    reach: dict[int, set[str]] = defaultdict(set)
    counts: dict[int, int] = defaultdict(int)
    for org_id, count in conn.execute(
        sa.select(c.c.organisation_id, sa.func.count())
        .where(c.c.organisation_id.is_not(None), c.c.status == "active")
        .group_by(c.c.organisation_id)
    ):
        counts[int(org_id)] = int(count)
    points = (
        sa.select(c.c.organisation_id, cp.c.kind, cp.c.normalised, cp.c.postcode)
        .join(cp, cp.c.contact_id == c.c.id)
        .where(
            c.c.organisation_id.is_not(None),
            c.c.status == "active",
            cp.c.kind.in_(("email", "phone", "address")),
        )
    )
    for org_id, kind, normalised, postcode in conn.execute(points):
        if kind == "address" and postcode:
            postcodes[int(org_id)].add(str(postcode))
        elif kind == "email" and normalised:
            reach[int(org_id)].add(str(normalised))
            domain = company_domain(normalised)
            if domain:
                domains[int(org_id)].add(domain)
        elif kind == "phone" and normalised:
            reach[int(org_id)].add(str(normalised))
    out: list[OrganisationRecord] = []
    for row in conn.execute(
        sa.select(
            o.c.id, o.c.name, o.c.legal_form, o.c.siren, o.c.siret, o.c.postcode, o.c.website
        )
        .where(o.c.status == "active")
        .order_by(o.c.id)
    ):
        org_id = int(row.id)
        website = website_domain(row.website)
        out.append(
            OrganisationRecord(
                id=org_id,
                name=row.name,
                key=name_key(row.name),
                form=form_key(row.legal_form, row.name),
                siren=row.siren or (row.siret[:9] if row.siret else None),
                siret=row.siret,
                postcode=row.postcode,
                contact_postcodes=frozenset(postcodes.get(org_id, ())),
                domains=frozenset(domains.get(org_id, set()) | ({website} if website else set())),
                contacts=counts.get(org_id, 0),
                reach=frozenset(reach.get(org_id, ())),
            )
        )
    return out


SEPARATED_BY_UNDO = "separated by an undone merge"
KEPT_APART_BY_HAND = "kept apart by a person"


def separated_pairs(conn: Connection) -> dict[tuple[int, int], str]:
    """Pairs of organisations a person separated, and how: by undoing their merge, or by
    saying they are two companies (``organisation_pairs``). A pair follows its members
    into the organisations they were merged into since."""
    m, op, o = s.organisation_merges, s.organisation_pairs, s.organisations
    moved = {
        int(i): int(into)
        for i, into in conn.execute(
            sa.select(o.c.id, o.c.merged_into_id).where(o.c.merged_into_id.is_not(None))
        )
    }

    def current(org_id: int) -> int:
        seen = 0
        while org_id in moved and seen < 50:
            org_id, seen = moved[org_id], seen + 1
        return org_id

    found: list[tuple[int, int, str]] = []
    for survivor, merged in conn.execute(
        sa.select(m.c.survivor_id, m.c.merged_ids).where(m.c.undone_at.is_not(None))
    ):
        found += [(int(survivor), int(other), SEPARATED_BY_UNDO) for other in merged or []]
    found += [
        (int(left), int(right), KEPT_APART_BY_HAND)
        for left, right in conn.execute(
            sa.select(op.c.organisation_id_l, op.c.organisation_id_r).where(
                op.c.status == "rejected"
            )
        )
    ]
    out: dict[tuple[int, int], str] = {}
    for left, right, how in found:
        a, b = current(left), current(right)
        if a != b:
            out.setdefault((min(a, b), max(a, b)), how)
    return out


def _conflict(a: OrganisationRecord, b: OrganisationRecord) -> str | None:
    """Why two organisations cannot be one, or None."""
    if a.siren and b.siren and a.siren != b.siren:
        return "different SIREN"
    if a.siret and b.siret and a.siret != b.siret:
        return "different SIRET"
    if a.siren and a.siren == b.siren:
        # Registered as one company: its name, legal form and address may have changed.
        return None
    if a.postcode and b.postcode and a.postcode != b.postcode:
        return "different postcodes"
    if a.key == b.key and a.form and b.form and a.form != b.form:
        return "different legal forms"
    return None


def _evidence(a: OrganisationRecord, b: OrganisationRecord) -> tuple[str, tuple[str, ...]] | None:
    if a.siret and a.siret == b.siret:
        return "same SIRET", (a.siret,)
    if a.siren and a.siren == b.siren:
        return "same SIREN", (a.siren,)
    if a.key is None or b.key is None:
        return None
    shared = sorted(a.postcodes & b.postcodes)
    if a.key != b.key:
        if shared and _similar(a.key, b.key):
            return "similar name and postcode", (a.key, b.key, *shared[:3])
        return None
    if shared:
        return "same name and postcode", (a.key, *shared[:3])
    common = sorted(a.reach & b.reach)
    if common:
        # Not the address or number itself: reasons are kept, personal data must not be.
        return "same name and a contact in common", (a.key,)
    domains = sorted(a.domains & b.domains)
    if domains:
        return "same name and mail domain", (a.key, *domains[:3])
    return "same name only", (a.key,)


def _similar(a: str, b: str) -> bool:
    """The same words of their own, and one name's other words among the other's."""
    own_a, rest_a = distinctive_words(a)
    own_b, rest_b = distinctive_words(b)
    return bool(own_a) and own_a == own_b and (rest_a <= rest_b or rest_b <= rest_a)


def _similar_block(key: str) -> str | None:
    own, _rest = distinctive_words(key)
    return " ".join(sorted(own)) if own else None


def pair_organisations(
    records: Iterable[OrganisationRecord],
    *,
    separated: Mapping[tuple[int, int], str] | None = None,
) -> tuple[list[OrganisationPair], dict[str, int]]:
    """Candidate pairs with their evidence, and how many were kept apart and why.

    Candidates share a SIRET, a SIREN, a name key, or a postcode and the words of
    their own in their names (blocking on each), so the work grows with the
    groups, not with the square of the file. ``separated``
    pairs (:func:`separated_pairs`) are kept apart, counted by how.
    """
    by_id = {r.id: r for r in records}
    blocks: dict[tuple[str, str], list[int]] = defaultdict(list)
    for r in by_id.values():
        if r.siret:
            blocks[("siret", r.siret)].append(r.id)
        if r.siren:
            blocks[("siren", r.siren)].append(r.id)
        if r.key:
            blocks[("name", r.key)].append(r.id)
            own = _similar_block(r.key)
            if own is not None:
                for postcode in r.postcodes:
                    blocks[("similar", f"{postcode} {own}")].append(r.id)
    kept_apart: dict[str, int] = defaultdict(int)
    seen: set[tuple[int, int]] = set()
    pairs: list[OrganisationPair] = []
    for (kind, _value), ids in blocks.items():
        if len(ids) < 2:
            continue
        if kind == "similar" and len(ids) > MAX_NAME_GROUP:
            continue  # as many look-alikes in one town say nothing
        if kind == "name" and len(ids) > MAX_NAME_GROUP:
            kept_apart["name too common to tell"] += len(ids) * (len(ids) - 1) // 2
            continue
        for i, left in enumerate(ids):
            for right in ids[i + 1 :]:
                key = (min(left, right), max(left, right))
                if key in seen:
                    continue
                seen.add(key)
                how = separated.get(key) if separated else None
                if how is not None:
                    kept_apart[how] += 1
                    continue
                a, b = by_id[key[0]], by_id[key[1]]
                conflict = _conflict(a, b)
                if conflict is not None:
                    kept_apart[conflict] += 1
                    continue
                found = _evidence(a, b)
                if found is None:
                    continue
                if found[0] == "same name only" and is_generic_name(a.name):
                    # Two "Mairie" with nothing else in common are two towns' town halls.
                    kept_apart[GENERIC_NAME_ONLY] += 1
                    continue
                pairs.append(OrganisationPair(key[0], key[1], found[0], found[1]))
    pairs.sort(key=lambda p: (_RANK[p.evidence], p.key))
    return pairs, dict(kept_apart)


def group_pairs(
    pairs: Iterable[OrganisationPair], records: Mapping[int, OrganisationRecord]
) -> tuple[list[list[int]], list[OrganisationPair], list[OrganisationPair]]:
    """Groups to merge (oldest id first), the pairs behind them, and the pairs left out.

    Pairs are joined strongest first; one that would put two different SIRENs,
    SIRETs, own postcodes or legal forms in one group is left out.
    """
    parent: dict[int, int] = {}
    sirens: dict[int, set[str]] = {}
    sirets: dict[int, set[str]] = {}
    postcodes: dict[int, set[str]] = {}
    forms: dict[int, set[str]] = {}
    checked = (sirens, sirets, postcodes, forms)

    def root(x: int) -> int:
        if x not in parent:
            parent[x] = x
            r = records[x]
            sirens[x] = {r.siren} if r.siren else set()
            sirets[x] = {r.siret} if r.siret else set()
            postcodes[x] = {r.postcode} if r.postcode else set()
            forms[x] = {r.form} if r.form else set()
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    used: list[OrganisationPair] = []
    left_out: list[OrganisationPair] = []
    for pair in pairs:
        if pair.decision != "merge":
            continue
        a, b = root(pair.left), root(pair.right)
        if a == b:
            used.append(pair)
            continue
        # A shared registration number outweighs names and addresses, not other numbers.
        registered = pair.evidence in ("same SIRET", "same SIREN")
        if any(len(group[a] | group[b]) > 1 for group in (checked[:2] if registered else checked)):
            left_out.append(pair)
            continue
        keep, drop = min(a, b), max(a, b)
        parent[drop] = keep
        for group in checked:
            group[keep] |= group.pop(drop)
        used.append(pair)
    members: dict[int, list[int]] = defaultdict(list)
    for x in list(parent):
        members[root(x)].append(x)
    groups = sorted(sorted(ids) for ids in members.values() if len(ids) > 1)
    return groups, used, left_out


def describe(pair: OrganisationPair) -> str:
    """The evidence in words: ``same SIREN (732829320)``."""
    return f"{pair.evidence} ({', '.join(pair.details)})" if pair.details else pair.evidence


def to_row(pair: OrganisationPair, records: Mapping[int, OrganisationRecord]) -> dict[str, Any]:
    """One pair as a row of ``--pairs-out``."""
    a, b = records[pair.left], records[pair.right]
    return {
        "organisation_id_l": a.id,
        "organisation_id_r": b.id,
        "decision": pair.decision,
        "evidence": describe(pair),
        "name_l": a.name,
        "name_r": b.name,
        "siren_l": a.siren,
        "siren_r": b.siren,
        "contacts_l": a.contacts,
        "contacts_r": b.contacts,
    }
