"""When a company name alone may link a contact to an organisation already known.

A row that gives a SIRET or a SIREN names its company for sure. A row that
gives only a name ("Boulangerie Martin", "Mairie") may name any of the
companies that bear it: there is a Boulangerie Martin in many towns, and a
Mairie in every one. Linking on the name alone would give the person another
company's SIREN, and the duplicate search would then take two strangers of
one name for one person's work rows.

So a name links only when nothing contradicts it. The evidence a row carries
is its contact's addresses (for a B2B row, most often the company's) and the
company mail domains of its e-mails (not Gmail, Orange ...); an organisation's
is its own address and website, and its contacts' addresses and e-mails.

======================================  =========================================
the row, the organisation of that name  linked?
======================================  =========================================
same company mail domain                yes, wherever it is (a branch)
other company mail domains only         no: another company of that name
same postcode                           yes
same city, other postcodes              yes, unless the name is generic
                                        (two "Pharmacie de la Gare" in Paris)
other places only                       no: another company of that name
the organisation has no place yet       yes, unless the name is generic
the row has no place                    yes when one organisation bears the
                                        name, unless the name is generic
======================================  =========================================

The name is compared by :func:`~carnet.fields.organisation.name_key` ("SARL
Dupont & Fils" is "Dupont et fils"); two legal forms ("Wagner SARL", "Wagner
EURL") or two SIRENs are two companies, and so are two of that name in the
row's place (two SIRENs there: the row cannot tell which). A row no
organisation fits gets a new one; the duplicate search for organisations joins
them later on stronger evidence (a shared postcode, contact or mail domain).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any, NamedTuple
from urllib.parse import urlsplit

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from carnet.fields.email import COMMON_DOMAINS, is_disposable_domain
from carnet.fields.postcodes import city_key
from carnet.store import schema as s
from carnet.store.lookups import one_of

__all__ = [
    "Candidate",
    "Evidence",
    "Place",
    "choose_by_name",
    "company_domain",
    "contact_evidence",
    "organisation_evidence",
    "place",
    "places_agree",
    "website_domain",
]

_CHUNK = 900


class Place(NamedTuple):
    """Where a contact or an organisation is: country, postcode and city key (each may be
    missing)."""

    country: str | None
    postcode: str | None
    city: str | None


def place(postcode: Any, city: Any, country: Any = None) -> Place | None:
    """The place of an address, or None when it has neither postcode nor city.

    The city is folded and loses its arrondissement and CEDEX ("PARIS 15",
    "Paris Cedex 08" are Paris), as the postcode tells those apart.

    >>> place("75015", "PARIS 15", "FR")
    Place(country='FR', postcode='75015', city='paris')
    >>> place(" ", None) is None
    True
    """
    code = "".join(str(postcode or "").split()).upper() or None
    town = city_key(str(city)) if city else ""
    head, _, tail = town.rpartition(" ")
    if head and tail.isdigit():
        town = head
    if code is None and not town:
        return None
    return Place(str(country).upper() if country else None, code, town or None)


def places_agree(a: Iterable[Place], b: Iterable[Place], *, generic: bool) -> bool:
    """True when a place of ``a`` is a place of ``b``: the same postcode, or the same city
    (for a generic name, only when a postcode is missing: two of them in one big city
    are two places)."""
    others = list(b)
    for p in a:
        for q in others:
            if p.country and q.country and p.country != q.country:
                continue
            if p.postcode and q.postcode:
                if p.postcode == q.postcode:
                    return True
                if generic:
                    continue
            if p.city and p.city == q.city:
                return True
    return False


@dataclass
class Evidence:
    """What a contact's or an organisation's points say of which company it is: the
    places of its addresses and the company mail domains of its e-mails (or website)."""

    places: set[Place] = field(default_factory=set)
    domains: set[str] = field(default_factory=set)


@dataclass
class Candidate:
    """An organisation bearing the row's name: its id, SIREN, legal form, places and
    company mail domains."""

    id: int
    siren: str | None
    form: str | None
    places: set[Place] = field(default_factory=set)
    domains: set[str] = field(default_factory=set)


def company_domain(email: str | None) -> str | None:
    """The domain of an e-mail address when it is a company's, not a mail provider's.

    >>> company_domain("j.martin@Boulangerie-Martin.fr"), company_domain("jean@orange.fr")
    ('boulangerie-martin.fr', None)
    """
    if not email or "@" not in email:
        return None
    domain = email.rsplit("@", 1)[1].strip().lower()
    if not domain or domain in COMMON_DOMAINS or is_disposable_domain(domain):
        return None
    return domain


def website_domain(url: str | None) -> str | None:
    """The host of a website, without ``www.``.

    >>> website_domain("https://www.dupont.fr/contact"), website_domain("dupont.fr")
    ('dupont.fr', 'dupont.fr')
    """
    if not url:
        return None
    text = url.strip().lower()
    host = urlsplit(text if "//" in text else f"//{text}").hostname or ""
    return host.removeprefix("www.") or None


def choose_by_name(
    candidates: Sequence[Candidate],
    places: Iterable[Place],
    *,
    domains: Iterable[str] = (),
    siren: str | None,
    form: str | None,
    generic: bool,
) -> tuple[Candidate | None, str | None]:
    """The organisation a name-only match links to, or None and why none fits.

    Args:
        candidates: the organisations whose name has the row's key, oldest first.
        places: the row's places (its contact's addresses).
        domains: the company mail domains of the row's contact.
        siren: the row's SIREN, when it has one no organisation holds.
        form: the legal form the row's name carries.
        generic: the name says only what kind of place it is ("Mairie").

    Returns:
        The candidate (None when a new organisation must be made) and, when some
        bore the name but none fits, the reason in a few words.
    """
    mail = set(domains)
    fitting = [
        c
        for c in candidates
        if not (siren and c.siren and c.siren != siren)
        and not (form and c.form and c.form != form)
        and not (mail and c.domains and not mail & c.domains)
    ]
    if not fitting:
        return None, "another SIREN, legal form or mail domain" if candidates else None
    mine = set(places)
    here = [
        c
        for c in fitting
        if mail & c.domains or (c.places and places_agree(mine, c.places, generic=generic))
    ]
    if len({c.siren for c in here if c.siren}) > 1:
        return None, "borne by several companies there"
    if here:
        return here[0], None
    if mine:
        if not generic:
            for c in fitting:
                if not c.places:
                    return c, None
        return None, "elsewhere"
    if generic:
        return None, "a generic name, and the row gives no place"
    if len(fitting) > 1:
        return None, "borne by several, and the row gives no place"
    return fitting[0], None


def contact_evidence(conn: Connection, contact_ids: Iterable[int]) -> dict[int, Evidence]:
    """The places and company mail domains of these contacts."""
    cp = s.contact_points
    out: dict[int, Evidence] = defaultdict(Evidence)
    for chunk in _chunks(sorted(set(contact_ids))):
        for contact_id, kind, normalised, postcode, city, country in conn.execute(
            sa.select(
                cp.c.contact_id, cp.c.kind, cp.c.normalised, cp.c.postcode, cp.c.city, cp.c.country
            ).where(one_of(conn, cp.c.contact_id, chunk), cp.c.kind.in_(("address", "email")))
        ):
            _add(out[int(contact_id)], kind, normalised, postcode, city, country)
    return dict(out)


def organisation_evidence(conn: Connection, organisation_ids: Iterable[int]) -> dict[int, Evidence]:
    """The places and company mail domains of these organisations: their own address and
    website, and their active contacts' addresses and e-mails."""
    o, c = s.organisations, s.contacts
    out: dict[int, Evidence] = defaultdict(Evidence)
    for chunk in _chunks(sorted(set(organisation_ids))):
        for org_id, postcode, city, country, website in conn.execute(
            sa.select(o.c.id, o.c.postcode, o.c.city, o.c.country, o.c.website).where(
                one_of(conn, o.c.id, chunk)
            )
        ):
            _add(out[int(org_id)], "address", None, postcode, city, country)
            domain = website_domain(website)
            if domain:
                out[int(org_id)].domains.add(domain)
        # Their active contacts first, then those contacts' points: joined in one query
        # (or with the status in SQL), SQLite, which keeps no statistics, read every
        # active contact, or every address and e-mail, to find a few organisations'.
        members: dict[int, int] = {}
        for contact_id, org_id, status in conn.execute(
            sa.select(c.c.id, c.c.organisation_id, c.c.status).where(
                one_of(conn, c.c.organisation_id, chunk)
            )
        ):
            if status == "active":
                members[int(contact_id)] = int(org_id)
        for contact_id, evidence in contact_evidence(conn, members).items():
            theirs = out[members[contact_id]]
            theirs.places |= evidence.places
            theirs.domains |= evidence.domains
    return dict(out)


def _add(
    evidence: Evidence, kind: str, normalised: Any, postcode: Any, city: Any, country: Any
) -> None:
    if kind == "email":
        domain = company_domain(normalised)
        if domain:
            evidence.domains.add(domain)
        return
    found = place(postcode, city, country)
    if found is not None:
        evidence.places.add(found)


def _chunks(values: list[int]) -> Iterable[list[int]]:
    for start in range(0, len(values), _CHUNK):
        yield values[start : start + _CHUNK]
