"""The true population behind the demo files: people, households and companies.

The generator first draws who really exists — persons grouped in households,
some of them B2B contacts of companies — and only then writes the files, each
a faulty view of part of that truth. ``truth.csv`` maps every written row back
to the person it came from.

Households share a family name (unless a woman kept her birth name), an
address and a landline, and sometimes one e-mail address: they are different
people, and a matcher must keep them apart. Homonyms are drawn on purpose. Some
people have moved, changed mobile or have an older personal e-mail; the files
written before the change show the old value.

The structure constants below are mirrored in ``docs/demo-data.md``; the fault
rates are in :data:`carnet.demo.faults.FAULT_RATES`.
"""

from __future__ import annotations

import copy
import multiprocessing
from array import array
from collections.abc import Callable
from dataclasses import dataclass
from random import Random
from typing import Final

from carnet.demo import tables
from carnet.demo.communes import load_communes
from carnet.demo.dates import REFERENCE_ORDINAL
from carnet.demo.faults import _FOLDED, FAULT_RATES, Tally, fold, strip_accents
from carnet.demo.identifiers import new_siren, new_siret, vat_from_siren
from carnet.demo.pools import Origin, Pools, Weighted, build_pools, pick
from carnet.match.records import canonical_email

__all__ = [
    "B2B_SHARE",
    "CONTACTS_PER_COMPANY",
    "EVENT_MAX_ROWS",
    "EVENT_SHEET_FULL_SIZE",
    "FOREIGN_HOUSEHOLD_SHARE",
    "HOUSEHOLD_SIZES",
    "LANDLINE_SHARE",
    "MOBILE_SHARE",
    "POPULATION_CHUNK",
    "SOURCES",
    "SOURCE_AFFINITY_B2B",
    "SOURCE_AFFINITY_B2C",
    "SOURCE_COUNTS",
    "Address",
    "Company",
    "Person",
    "Population",
    "assign_sources",
    "build_population",
]

SOURCES: Final = ("eshop_customers", "event_signups", "old_crm", "survey_answers", "newsletter")
"""The contact sources a person can appear in (order lines follow e-shop customers)."""

HOUSEHOLD_SIZES: Final[dict[int, float]] = {1: 0.50, 2: 0.32, 3: 0.12, 4: 0.06}
"""Share of households by number of members present in the population."""
SOURCE_COUNTS: Final[dict[int, float]] = {1: 0.50, 2: 0.28, 3: 0.15, 4: 0.07}
"""Share of persons by number of distinct contact sources they appear in."""
SOURCE_AFFINITY_B2C: Final[dict[str, float]] = {
    "eshop_customers": 40,
    "newsletter": 30,
    "survey_answers": 18,
    "event_signups": 5,
    "old_crm": 0,
}
"""Relative chance of each source for private customers (drawn without replacement)."""
SOURCE_AFFINITY_B2B: Final[dict[str, float]] = {
    "old_crm": 40,
    "event_signups": 18,
    "newsletter": 13,
    "eshop_customers": 13,
    "survey_answers": 9,
}
"""Relative chance of each source for B2B contacts (drawn without replacement)."""
B2B_SHARE: Final = 0.22
"""Share of working-age persons (22 to 67) who are B2B contacts of a company."""
CONTACTS_PER_COMPANY: Final = 3.0
"""Average number of B2B contacts per company (a few key accounts have many)."""
LANDLINE_SHARE: Final = 0.55
"""Share of households in France with a landline."""
MOBILE_SHARE: Final = 0.90
"""Share of persons with a mobile phone."""
FOREIGN_HOUSEHOLD_SHARE: Final = 0.015
"""Share of households living abroad (Belgium, Switzerland, Luxembourg, UK, Germany)."""
EVENT_SHEET_FULL_SIZE: Final = 1_000_000
"""Above this many people, the event sheet's affinity is scaled down, so that
the sheet grows slower than the population."""
EVENT_MAX_ROWS: Final = 1_000_000
"""Hard limit of the event sheet (Excel holds 1,048,576 rows)."""

_AGE_BANDS: Final = Weighted(
    [
        ((18, 24), 8),
        ((25, 34), 18),
        ((35, 44), 20),
        ((45, 54), 20),
        ((55, 64), 17),
        ((65, 74), 12),
        ((75, 90), 5),
    ]
)
_FOREIGN_MOBILE_COUNTRIES: Final = ("BE", "CH", "GB", "DE", "LU")
_INVALID_LANDLINE_BLOCKS: Final = frozenset(
    {"0262", "0590", "0594", *(f"040{digit}" for digit in range(10))}
)
_INVALID_MOBILE_BLOCKS: Final = frozenset({"0639", *(f"069{digit}" for digit in range(8))})
_LEGAL_SUFFIXES: Final = ("SARL", "S.A.R.L.", "SAS", "S.A.S.", "SA", "S.A.")
_MOVED: Final = FAULT_RATES["moved"]
_MARRIED: Final = FAULT_RATES["married_name"]
_HOMONYM: Final = FAULT_RATES["homonym"]
_SECOND_EMAIL: Final = FAULT_RATES["second_email"]
_FOREIGN_PHONE: Final = FAULT_RATES["foreign_phone"]
_MOBILE_CHANGED: Final = FAULT_RATES["mobile_changed"]
_SHARED_EMAIL: Final = FAULT_RATES["household_shared_email"]
_DUPLICATE: Final = FAULT_RATES["within_source_duplicate"]


@dataclass(slots=True)
class Address:
    """A postal address of the true population (shared by a household: read-only).

    Attributes:
        street: number and street, with a complement sometimes ("12 rue de la Paix, Bât. B").
        postcode: the postcode as the post office writes it ("01000", "1050", "SW1A 1AA").
        city: the city name ("Bourg-en-Bresse").
        country: ISO 3166 alpha-2 code ("FR", "BE", ...).
    """

    street: str
    postcode: str
    city: str
    country: str


@dataclass(slots=True)
class Company:
    """A company some persons work for (firmographics of the old CRM; read-only).

    Attributes:
        name: the registered name with its legal form ("Martin Plomberie SARL").
        short_name: the name without legal form ("Martin Plomberie").
        siren: 9-digit SIREN, checksum valid.
        siret: 14-digit SIRET of the establishment, checksum valid.
        vat: French intra-community VAT number computed from the SIREN.
        naf_code: NAF rev. 2 code ("62.01Z").
        naf_label: its label.
        sector: a coarse sector label ("Informatique").
        size_band: head-count band ("10 à 19").
        address: the establishment's address.
        switchboard: its landline, 10 digits.
        domain: its e-mail domain.
    """

    name: str
    short_name: str
    siren: str
    siret: str
    vat: str
    naf_code: str
    naf_label: str
    sector: str
    size_band: str
    address: Address
    switchboard: str
    domain: str


@dataclass(slots=True)
class Person:
    """One real person; every row of every file is a (faulty) view of one.

    Attributes:
        pid: the truth id, ``P`` + 7 digits, as written in ``truth.csv``.
        household: household number (members share address and landline).
        female: gender, for civility and married names.
        first_name, last_name: the name in use today.
        maiden_name: birth name of a woman using her husband's name, else "".
        birth: date of birth (ordinal).
        email: current personal e-mail (may be shared with a household member).
        old_email: an older personal e-mail, or "".
        work_email: professional e-mail of a B2B contact, or "".
        mobile: ``0XXXXXXXXX`` or E.164 for foreign mobiles, or "".
        old_mobile: the previous mobile, or "".
        landline: the household's landline, or "".
        address: where the person lives now.
        old_address: where they lived before moving, or None.
        company: index in :attr:`Population.companies`, or -1.
        job_title: job title (B2B contacts and some others), or "".
    """

    pid: str
    household: int
    female: bool
    first_name: str
    last_name: str
    maiden_name: str
    birth: int
    email: str
    old_email: str
    work_email: str
    mobile: str
    old_mobile: str
    landline: str
    address: Address
    old_address: Address | None
    company: int
    job_title: str


@dataclass(frozen=True, slots=True)
class Population:
    """The whole truth: persons, the companies they work for, the household count."""

    persons: list[Person]
    companies: list[Company]
    households: int


class _Builder:
    """Draws persons, households and companies from the pools.

    The methods are written for speed (locals bound once, the rolls of
    :meth:`Tally.roll` inlined): they run about a million times.
    """

    def __init__(self, seed: int, pools: Pools, tally: Tally) -> None:
        self.rng = Random(f"carnet-demo:{seed}:population")
        self.random = self.rng.random
        self.pools = pools
        self.tally = tally
        self.communes = Weighted(((c.postcode, c.city), float(c.weight)) for c in load_communes())
        self.sizes = Weighted(HOUSEHOLD_SIZES.items())
        self.personal_domains = Weighted(tables.PERSONAL_EMAIL_DOMAINS)
        self.old_domains = Weighted(tables.OLD_EMAIL_DOMAINS)
        self.naf = Weighted((entry, float(entry[4])) for entry in tables.NAF_CODES)
        self.legal_forms = Weighted(tables.LEGAL_FORMS)
        self.size_bands = Weighted(tables.SIZE_BANDS)
        self.used_emails: set[str] = set()
        self.used_phones: set[str] = set()
        self.used_domains: set[str] = set()
        self.used_sirens: set[str] = set()
        self.companies: list[Company] = []
        self.company_picker: Weighted[int] | None = None
        self.pid_offset = 0

    def for_chunk(self, seed: int, chunk: int, start: int, tally: Tally) -> _Builder:
        """A builder for one chunk of persons: own stream, shared pools and companies."""
        builder = copy.copy(self)
        builder.rng = Random(f"carnet-demo:{seed}:population:{chunk}")
        builder.random = builder.rng.random
        builder.tally = tally
        builder.used_emails = set(self.used_emails)
        builder.used_phones = set(self.used_phones)
        builder.pid_offset = start
        return builder

    def draw(self, size: int) -> tuple[list[Person], int]:
        """Draw ``size`` persons, household by household; return them and the household count."""
        persons: list[Person] = []
        households = 0
        sizes, rng = self.sizes, self.rng
        while len(persons) < size:
            self.household(households, min(sizes.pick(rng), size - len(persons)), persons)
            households += 1
        return persons, households

    # --- places and numbers ---------------------------------------------------

    def french_address(self) -> Address:
        random = self.random
        postcode, city = self.communes.pick(self.rng)
        number = 1 + int(random() * random() * 180)
        draw = random()
        if draw < 0.9:
            street = f"{number} {self.pools.streets.pick(self.rng)}"
        elif draw < 0.92:
            street = f"{number} bis {self.pools.streets.pick(self.rng)}"
        else:
            complement = tables.ADDRESS_COMPLEMENTS[int(random() * len(tables.ADDRESS_COMPLEMENTS))]
            street = f"{number} {self.pools.streets.pick(self.rng)}, {complement}"
        return Address(street, postcode, city, "FR")

    def foreign_address(self) -> Address:
        rng = self.rng
        country, _label, postcode, city = pick(rng, tables.FOREIGN_PLACES)
        number = 1 + int(rng.random() * 120)
        return Address(f"{number} {self.pools.streets.pick(rng)}", postcode, city, country)

    def landline(self, postcode: str) -> str:
        random = self.random
        region = tables.LANDLINE_REGION.get(postcode[:2], "09")
        if random() < 0.3:
            region = "09"  # internet-box numbers, anywhere in France
        used = self.used_phones
        while True:
            number = f"{region}{int(random() * 100_000_000):08d}"
            if number[:4] not in _INVALID_LANDLINE_BLOCKS and number not in used:
                used.add(number)
                return number

    def mobile(self) -> str:
        random = self.random
        used = self.used_phones
        while True:
            if random() < 0.55:
                number = f"06{int(random() * 100_000_000):08d}"
            else:
                number = f"07{3 + int(random() * 6)}{int(random() * 10_000_000):07d}"
            if number[:4] not in _INVALID_MOBILE_BLOCKS and number not in used:
                used.add(number)
                return number

    def foreign_mobile(self, country: str) -> str:
        random = self.random
        while True:
            if country == "BE":
                number = f"+324{6 + int(random() * 4)}{int(random() * 10**7):07d}"
            elif country == "CH":
                number = f"+417{5 + int(random() * 5)}{int(random() * 10**7):07d}"
            elif country == "GB":
                number = f"+447{4 + int(random() * 6)}{int(random() * 10**8):08d}"
            elif country == "DE":
                number = f"+4915{1 + int(random() * 2)}{int(random() * 10**8):08d}"
            else:
                number = f"+352621{int(random() * 10**6):06d}"
            if number not in self.used_phones:
                self.used_phones.add(number)
                return number

    # --- e-mail ----------------------------------------------------------------

    def _unique_email(self, local: str, domain: str) -> str:
        # One mailbox per person, as the provider sees it: Gmail ignores dots, so
        # jean.dupont@gmail.com and jeandupont@gmail.com would be the same person's.
        address = f"{local}@{domain}"
        used = self.used_emails
        while (canonical_email(address) or address) in used:
            address = f"{local}{int(self.random() * 1000)}@{domain}"
        used.add(canonical_email(address) or address)
        return address

    def personal_email(self, first: str, last: str, birth_year: int, domains: Weighted[str]) -> str:
        random = self.random
        f = _FOLDED.get(first) or fold(first) or "contact"
        s = (_FOLDED.get(last) or fold(last)).replace("-", "") or "client"
        draw = random()
        if draw < 0.35:
            local = f"{f}.{s}"
        elif draw < 0.47:
            local = f + s
        elif draw < 0.57:
            local = f[0] + s
        elif draw < 0.67:
            local = f"{f}.{s}{int(random() * 100):02d}"
        elif draw < 0.73:
            local = f"{s}.{f}"
        elif draw < 0.78:
            local = f"{f}_{s}"
        elif draw < 0.84:
            local = f"{f[0]}.{s}"
        elif draw < 0.92:
            local = f"{f}{s}{birth_year % 100:02d}"
        else:
            local = f"{f}.{s}{birth_year}"
        return self._unique_email(local, domains.pick(self.rng))

    def work_email(self, first: str, last: str, domain: str) -> str:
        f = fold(first) or "contact"
        s = fold(last).replace("-", "") or "contact"
        draw = self.random()
        if draw < 0.70:
            local = f"{f}.{s}"
        elif draw < 0.85:
            local = f[0] + s
        elif draw < 0.95:
            local = f"{f[0]}.{s}"
        else:
            local = f
        return self._unique_email(local, domain)

    # --- companies -----------------------------------------------------------

    def build_companies(self, count: int) -> None:
        rng = self.rng
        names = self.pools.company_names
        fr_last = self.pools.origins.values[0].last_names
        for index in range(count):
            naf_code, naf_label, sector, templates, _weight = self.naf.pick(rng)
            address = self.french_address()
            if rng.random() < 0.45:
                template = pick(rng, templates)
                short = template.replace("{L}", fr_last.pick(rng)).replace("{C}", address.city)
                legal = (
                    "" if sector in ("Secteur public", "Associatif") else self.legal_forms.pick(rng)
                )
            else:
                short = names[index % len(names)]
                legal = ""
                for suffix in _LEGAL_SUFFIXES:
                    if short.endswith(" " + suffix):
                        short, legal = short[: -len(suffix) - 1], suffix
                        break
                else:
                    legal = self.legal_forms.pick(rng)
            siren = new_siren(rng)
            while siren in self.used_sirens:
                siren = new_siren(rng)
            self.used_sirens.add(siren)
            slug = (
                "-".join(
                    "".join(char for char in word if char.isalnum())
                    for word in strip_accents(short).lower().replace("'", " ").split()
                ).strip("-")
                or "entreprise"
            )
            domain = f"{slug}.{'fr' if rng.random() < 0.7 else 'com'}"
            serial = 2
            while domain in self.used_domains:
                domain = f"{slug}{serial}.fr"
                serial += 1
            self.used_domains.add(domain)
            self.companies.append(
                Company(
                    name=f"{short} {legal}" if legal else short,
                    short_name=short,
                    siren=siren,
                    siret=new_siret(rng, siren),
                    vat=vat_from_siren(siren),
                    naf_code=naf_code,
                    naf_label=naf_label,
                    sector=sector,
                    size_band=self.size_bands.pick(rng),
                    address=address,
                    switchboard=self.landline(address.postcode),
                    domain=domain,
                )
            )
        # A tenth of the companies are key accounts with many contacts.
        self.company_picker = Weighted(
            (index, 8.0 if rng.random() < 0.1 else 1.0) for index in range(len(self.companies))
        )

    # --- persons ---------------------------------------------------------------

    def first_name(self, origin: Origin, female: bool) -> str:
        if origin.native_share and self.random() < origin.native_share:
            return (origin.female_first if female else origin.male_first).pick(self.rng)
        pools = self.pools
        return (pools.french_female_first if female else pools.french_male_first).pick(self.rng)

    def age(self, low: int = 18) -> int:
        random = self.random
        while True:
            band_low, band_high = _AGE_BANDS.pick(self.rng)
            age = band_low + int(random() * (band_high - band_low + 1))
            if age >= low:
                return age

    def household(self, number: int, size: int, persons: list[Person]) -> None:
        rng = self.rng
        random = self.random
        opportunities, hits = self.tally.opportunities, self.tally.hits
        origins = self.pools.origins
        foreign = random() < FOREIGN_HOUSEHOLD_SHARE
        address = self.foreign_address() if foreign else self.french_address()
        old_address = None
        opportunities["moved"] += 1
        if random() < _MOVED:
            hits["moved"] += 1
            old_address = self.french_address()
        landline = ""
        if not foreign and random() < LANDLINE_SHARE:
            landline = self.landline(address.postcode)
        origin = origins.pick(rng)
        surname = origin.last_names.pick(rng)

        # (female, first, last, maiden, age)
        members: list[tuple[bool, str, str, str, int]] = []
        if size == 1:
            female = random() < 0.52
            age = self.age()
            first, last, maiden = self.first_name(origin, female), surname, ""
            if female and age >= 25:
                opportunities["married_name"] += 1
                if random() < _MARRIED:
                    hits["married_name"] += 1
                    maiden, last = surname, origins.pick(rng).last_names.pick(rng)
            if persons:
                opportunities["homonym"] += 1
                if random() < _HOMONYM:
                    hits["homonym"] += 1
                    model = persons[int(random() * len(persons))]
                    female, first, last, maiden = (
                        model.female,
                        model.first_name,
                        model.last_name,
                        "",
                    )
            members.append((female, first, last, maiden, age))
        else:
            head_age = self.age(42 if size > 2 else 25)
            same_sex = random() < 0.04
            head_female = same_sex and random() < 0.5
            members.append(
                (head_female, self.first_name(origin, head_female), surname, "", head_age)
            )
            partner_age = max(20, min(95, head_age + int(random() * 11) - 6))
            partner_female = head_female if same_sex else True
            partner_origin = origin if random() < 0.8 else origins.pick(rng)
            birth_name = partner_origin.last_names.pick(rng)
            last, maiden = birth_name, ""
            if partner_female and not same_sex:
                opportunities["married_name"] += 1
                if random() < _MARRIED:
                    hits["married_name"] += 1
                    last, maiden = surname, birth_name
            partner_first = self.first_name(partner_origin, partner_female)
            members.append((partner_female, partner_first, last, maiden, partner_age))
            for _ in range(size - 2):
                female = random() < 0.5
                members.append(
                    (female, self.first_name(origin, female), surname, "", 18 + int(random() * 11))
                )

        start = len(persons)
        companies = self.companies
        company_picker = self.company_picker
        for female, first, last, maiden, age in members:
            birth = REFERENCE_ORDINAL - age * 365 - int(random() * 365)
            birth_year = 1 + (birth - 1) // 365  # close enough for an e-mail suffix
            # A married woman's address often still carries her birth name.
            email_name = maiden if maiden and random() < 0.4 else last
            email = self.personal_email(first, email_name, birth_year, self.personal_domains)
            old_email = ""
            opportunities["second_email"] += 1
            if random() < _SECOND_EMAIL:
                hits["second_email"] += 1
                old_email = self.personal_email(first, maiden or last, birth_year, self.old_domains)
            mobile = old_mobile = ""
            if random() < MOBILE_SHARE:
                if foreign:
                    country = (
                        address.country if address.country in _FOREIGN_MOBILE_COUNTRIES else "BE"
                    )
                    mobile = self.foreign_mobile(country)
                else:
                    opportunities["foreign_phone"] += 1
                    if random() < _FOREIGN_PHONE:
                        hits["foreign_phone"] += 1
                        mobile = self.foreign_mobile(pick(rng, _FOREIGN_MOBILE_COUNTRIES))
                    else:
                        mobile = self.mobile()
                opportunities["mobile_changed"] += 1
                if random() < _MOBILE_CHANGED:
                    hits["mobile_changed"] += 1
                    old_mobile = self.mobile()
            company, job_title, work_email = -1, "", ""
            if 22 <= age <= 67 and company_picker is not None and random() < B2B_SHARE:
                company = company_picker.pick(rng)
                job_title = self.pools.b2b_jobs.pick(rng)[1 if female else 0]
                work_email = self.work_email(first, last, companies[company].domain)
            elif random() < 0.3:
                job_title = pick(rng, self.pools.other_jobs)
            persons.append(
                Person(
                    f"P{self.pid_offset + len(persons) + 1:07d}",
                    number,
                    female,
                    first,
                    last,
                    maiden,
                    birth,
                    email,
                    old_email,
                    work_email,
                    mobile,
                    old_mobile,
                    landline,
                    address,
                    old_address,
                    company,
                    job_title,
                )
            )
        if size > 1:
            opportunities["household_shared_email"] += 1
            if random() < _SHARED_EMAIL:
                hits["household_shared_email"] += 1
                head, partner = persons[start], persons[start + 1]
                if random() < 0.5:
                    partner.email = head.email
                else:
                    family = self._unique_email(
                        f"famille.{fold(surname).replace('-', '') or 'famille'}",
                        self.personal_domains.pick(rng),
                    )
                    head.email = partner.email = family


POPULATION_CHUNK: Final = 100_000
"""Persons drawn per chunk; each chunk has its own random stream, so chunks can
be drawn by parallel processes and the result does not depend on how many."""

_BASE: _Builder | None = None  # what forked chunk workers inherit
_SEED = 0

_AddressRow = tuple[str, str, str, str]
_PersonRow = tuple[
    str, int, bool, str, str, str, int, str, str, str, str, str, str,
    _AddressRow, _AddressRow | None, int, str,
]  # fmt: skip


def _chunks(people: int) -> list[tuple[int, int]]:
    return [
        (start, min(POPULATION_CHUNK, people - start))
        for start in range(0, people, POPULATION_CHUNK)
    ]


def _draw_chunk(chunk: int, start: int, size: int) -> tuple[list[Person], int, Tally]:
    assert _BASE is not None, "the base builder is set before chunks are drawn"
    tally = Tally()
    persons, households = _BASE.for_chunk(_SEED, chunk, start, tally).draw(size)
    return persons, households, tally


def _draw_chunk_rows(job: tuple[int, int, int]) -> tuple[list[_PersonRow], int, Tally]:
    """Draw a chunk in a worker and flatten it to tuples (a tenth of the pickling cost)."""
    persons, households, tally = _draw_chunk(*job)
    addresses: dict[int, _AddressRow] = {}

    def row(address: Address) -> _AddressRow:
        known = addresses.get(id(address))
        if known is None:
            known = addresses[id(address)] = (
                address.street, address.postcode, address.city, address.country,
            )  # fmt: skip
        return known

    rows: list[_PersonRow] = [
        (
            p.pid,
            p.household,
            p.female,
            p.first_name,
            p.last_name,
            p.maiden_name,
            p.birth,
            p.email,
            p.old_email,
            p.work_email,
            p.mobile,
            p.old_mobile,
            p.landline,
            row(p.address),
            None if p.old_address is None else row(p.old_address),
            p.company,
            p.job_title,
        )
        for p in persons
    ]
    return rows, households, tally


def _from_rows(rows: list[_PersonRow]) -> list[Person]:
    addresses: dict[int, Address] = {}

    def address(row: _AddressRow) -> Address:
        known = addresses.get(id(row))
        if known is None:
            known = addresses[id(row)] = Address(*row)
        return known

    return [
        Person(
            *row[:13],
            address(row[13]),
            None if row[14] is None else address(row[14]),
            row[15],
            row[16],
        )
        for row in rows
    ]


def _mailbox(address: str) -> str:
    """The mailbox an address reaches, as its provider sees it (Gmail ignores dots)."""
    return canonical_email(address) or address


def _itself(value: str) -> str:
    return value


def _redraw(
    value: str, rng: Random, taken: set[str], also: set[str], key: Callable[[str], str] = _itself
) -> str:
    """A new unique value of the same kind: e-mail with a number, phone in the same block.

    Unique means its ``key`` (the value itself, or an e-mail's mailbox) is in
    neither ``taken`` nor ``also``.
    """
    while True:
        if "@" in value:
            local, _, domain = value.rpartition("@")
            candidate = f"{local}{int(rng.random() * 10_000)}@{domain}"
        else:
            candidate = f"{value[:-6]}{int(rng.random() * 1_000_000):06d}"
        if key(candidate) not in taken and key(candidate) not in also:
            return candidate


def _deduplicate(chunks: list[list[Person]], seed: int, phones: set[str]) -> None:
    """Keep e-mails (as mailboxes) and phones unique across chunks drawn independently.

    Within a chunk the builder keeps them unique (household members share
    theirs on purpose); a value a later chunk drew again is redrawn, the same
    way in every member of its household. E-mails are compared as the
    mailboxes they reach, as the builder does: ``jean.dupont@gmail.com`` drawn
    in one chunk and ``jeandupont@gmail.com`` in another would be one Gmail
    mailbox for two people.
    """
    rng = Random(f"carnet-demo:{seed}:deduplicate")
    mailboxes: set[str] = set()
    phones = set(phones)
    for persons in chunks:
        chunk_emails = {
            value for p in persons for value in (p.email, p.old_email, p.work_email) if value
        }
        chunk_mailboxes = {_mailbox(value) for value in chunk_emails}
        chunk_phones = {
            value for p in persons for value in (p.mobile, p.old_mobile, p.landline) if value
        }
        renamed: dict[str, str] = {}
        for value in sorted(v for v in chunk_emails if _mailbox(v) in mailboxes):
            renamed[value] = new = _redraw(value, rng, mailboxes, chunk_mailboxes, _mailbox)
            chunk_mailboxes.add(_mailbox(new))
        for value in sorted(chunk_phones & phones):
            renamed[value] = new = _redraw(value, rng, phones, chunk_phones)
            chunk_phones.add(new)
        if renamed:
            get = renamed.get
            for p in persons:
                p.email, p.old_email, p.work_email = (
                    get(p.email, p.email), get(p.old_email, p.old_email),
                    get(p.work_email, p.work_email),
                )  # fmt: skip
                p.mobile, p.old_mobile, p.landline = (
                    get(p.mobile, p.mobile), get(p.old_mobile, p.old_mobile),
                    get(p.landline, p.landline),
                )  # fmt: skip
        mailboxes |= chunk_mailboxes
        phones |= chunk_phones


def build_population(people: int, seed: int, tally: Tally, *, workers: int = 1) -> Population:
    """Draw the true population of ``people`` persons.

    Persons are drawn in chunks of :data:`POPULATION_CHUNK`, each with its own
    random stream; with ``workers`` > 1 (and ``fork``), forked processes draw
    every other chunk. The result is the same for any ``workers``.

    Args:
        people: how many persons (at least 1).
        seed: the generation seed.
        tally: where population-level faults (homonyms, moves ...) are counted.
        workers: processes drawing chunks (this one included).

    Returns:
        Persons in household order (``pid`` P0000001, P0000002 ...) and companies.
    """
    global _BASE, _SEED
    companies = max(1, round(people * B2B_SHARE * 0.72 / CONTACTS_PER_COMPANY))
    pools = build_pools(seed, companies)
    base = _Builder(seed, pools, Tally())
    base.build_companies(companies)
    jobs = [(chunk, start, size) for chunk, (start, size) in enumerate(_chunks(people))]
    drawn: dict[int, tuple[list[Person], int, Tally]] = {}
    _BASE, _SEED = base, seed
    try:
        if workers > 1 and len(jobs) > 1:
            context = multiprocessing.get_context("fork")
            # This process also builds the companies, rebuilds the workers' chunks
            # and deduplicates: it takes a smaller share of the chunks.
            mine = jobs[:: workers + 1] if workers == 2 else jobs[::workers]
            theirs = [job for job in jobs if job not in mine]
            with context.Pool(workers - 1) as pool:
                pending = pool.map_async(_draw_chunk_rows, theirs, chunksize=1)
                for job in mine:
                    drawn[job[0]] = _draw_chunk(*job)
                for job, (rows, households, part) in zip(theirs, pending.get(), strict=True):
                    drawn[job[0]] = (_from_rows(rows), households, part)
        else:
            for job in jobs:
                drawn[job[0]] = _draw_chunk(*job)
    finally:
        _BASE = None
    chunks = [drawn[chunk][0] for chunk in range(len(jobs))]
    if len(chunks) > 1:
        _deduplicate(chunks, seed, base.used_phones)
    persons: list[Person] = []
    households = 0
    for chunk in range(len(jobs)):
        chunk_persons, chunk_households, part = drawn[chunk]
        if households:
            for person in chunk_persons:
                person.household += households
        persons.extend(chunk_persons)
        households += chunk_households
        tally.merge(part)
    return Population(persons, base.companies, households)


def _source_sets(weights: dict[str, float]) -> dict[tuple[str, ...], float]:
    """Probability of each set of sources: a count from :data:`SOURCE_COUNTS`, then
    that many sources drawn one by one without replacement, by weight."""
    names = [name for name in SOURCES if weights.get(name, 0.0) > 0]
    sets: dict[tuple[str, ...], float] = {}

    def extend(chosen: list[str], probability: float, left: int) -> None:
        if left == 0:
            key = tuple(sorted(chosen, key=SOURCES.index))
            sets[key] = sets.get(key, 0.0) + probability
            return
        remaining = [name for name in names if name not in chosen]
        total = sum(weights[name] for name in remaining)
        for name in remaining:
            extend([*chosen, name], probability * weights[name] / total, left - 1)

    for count, share in SOURCE_COUNTS.items():
        extend([], share, min(count, len(names)))
    return sets


def assign_sources(population: Population, seed: int, tally: Tally) -> dict[str, array[int]]:
    """Decide which sources each person appears in, and how many times.

    Each person gets 1 to 4 distinct sources (:data:`SOURCE_COUNTS`), drawn
    without replacement with the B2B or B2C affinities; B2C persons never
    appear in the old (B2B) CRM, and nobody is added to the event sheet once
    it holds :data:`EVENT_MAX_ROWS` rows. Each appearance is duplicated within
    its source at the ``within_source_duplicate`` rate.

    Args:
        population: the true population.
        seed: the generation seed.
        tally: where duplicates are counted.

    Returns:
        Source name → person indices in person order; a duplicate appearance
        is stored as ``~index`` (a negative number) right after the first one.
    """
    rng = Random(f"carnet-demo:{seed}:sources")
    result: dict[str, array[int]] = {name: array("q") for name in SOURCES}
    people = len(population.persons)
    event_scale = min(1.0, EVENT_SHEET_FULL_SIZE / people)
    # One draw per person: the set of sources, with the exact probabilities of
    # "draw the count, then that many sources without replacement".
    choosers: list[Weighted[tuple[array[int], ...]]] = []
    for affinity in (SOURCE_AFFINITY_B2C, SOURCE_AFFINITY_B2B):
        weights = {
            name: weight * (event_scale if name == "event_signups" else 1.0)
            for name, weight in affinity.items()
        }
        for without_events in (False, True):
            if without_events:
                weights["event_signups"] = 0.0
            sets = _source_sets(weights)
            choosers.append(
                Weighted(
                    (tuple(result[name] for name in names), probability)
                    for names, probability in sets.items()
                )
            )
    random = rng.random
    duplicates = 0
    appearances = 0
    events = result["event_signups"]
    for index, person in enumerate(population.persons):
        chooser = choosers[(2 if person.company >= 0 else 0) + (len(events) >= EVENT_MAX_ROWS)]
        for target in chooser.pick(rng):
            target.append(index)
            appearances += 1
            if random() < _DUPLICATE:
                duplicates += 1
                target.append(~index)
    tally.add("within_source_duplicate", appearances, duplicates)
    return result
