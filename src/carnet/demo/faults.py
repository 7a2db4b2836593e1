"""The faults real customer files carry, injected at documented rates.

Every fault kind has one rate in :data:`FAULT_RATES`, mirrored in
``docs/demo-data.md``. Each time the generator *could* inject a fault (an
"opportunity": an e-mail written, a name written, a postcode starting with 0
written to an Excel-touched file ...) it rolls the dice once and records both
the opportunity and the hit in a :class:`Tally`; the generation report exposes
both, so tests compare ``hits / opportunities`` with the documented rate.

The kinds, grouped (opportunity in brackets):

Population (drawn once per person or household, see :mod:`carnet.demo.people`)
    ``homonym`` [person living alone]: takes the full name of an earlier,
    unrelated person. ``married_name`` [adult woman heading or partnering a
    household]: uses her husband's name, her birth name kept as maiden name.
    ``household_shared_email`` [household of 2+]: two members share one address.
    ``moved`` [household]: has a previous address. ``mobile_changed`` [person with
    a mobile]: has a previous mobile. ``second_email`` [person]: has an older
    personal address. ``foreign_phone`` [person living in France]: has a Belgian,
    Swiss, British, German or Luxembourg mobile.
    ``within_source_duplicate`` [appearance of a person in a source]: the person
    appears a second time in that source (re-registration).

Names [name written]
    ``maiden_name_used`` [row of a woman with a maiden name], ``nickname`` [row
    whose first name has a diminutive: Jean-Baptiste → JB], ``name_upper_case``,
    ``name_lower_case``, ``name_swapped`` [rows with separate first/last name
    columns], ``accents_stripped`` [row whose name or address has an accent].

E-mail [e-mail written]
    ``old_email_used`` [personal e-mail of a person with a second e-mail],
    ``email_domain_typo`` (gmial.com, hotmial.fr, ornage.fr ...),
    ``email_missing_at``, ``email_inner_space``, ``email_upper_case``.

Phone [French phone written]
    ``old_mobile_used`` [mobile of a person who changed it], ``phone_lost_zero``
    (6 12 34 56 78), ``phone_invalid`` (too short, 00 00 00 00 00, unassigned
    block). Valid numbers are written in the formats of :data:`PHONE_FORMATS`.

Address [French address written]
    ``old_address_used`` [address of a person who moved], ``postcode_lost_zero``
    [postcode starting with 0 in an Excel-touched file: 1000 for 01000],
    ``city_mismatch``, ``street_abbreviated`` (12 R DE LA PAIX).

B2B, activity, formats
    ``siret_bad_checksum`` [SIRET written], ``generic_company_email`` [old CRM
    row: contact@company shared by colleagues], ``inactive_3y`` [old CRM row:
    last contact more than three years before the export], ``opt_out``
    [newsletter row: unsubscribed], ``price_decimal_comma`` [order line],
    ``date_as_text`` [event sheet row: date typed as text, not an Excel date].
"""

from __future__ import annotations

import unicodedata
from collections.abc import Sequence
from random import Random
from typing import Final, TypeVar

from carnet.demo import tables
from carnet.demo.pools import Weighted, pick

T = TypeVar("T")

__all__ = [
    "FAULT_RATES",
    "PHONE_FORMATS",
    "Faults",
    "Tally",
    "abbreviate_street",
    "fold",
    "render_foreign_phone",
    "render_french_phone",
    "strip_accents",
]

FAULT_RATES: Final[dict[str, float]] = {
    # population
    "homonym": 0.01,
    "married_name": 0.60,
    "household_shared_email": 0.15,
    "moved": 0.08,
    "mobile_changed": 0.10,
    "second_email": 0.12,
    "foreign_phone": 0.01,
    "within_source_duplicate": 0.03,
    # names
    "maiden_name_used": 0.35,
    "nickname": 0.12,
    "name_upper_case": 0.08,
    "name_lower_case": 0.03,
    "name_swapped": 0.02,
    "accents_stripped": 0.15,
    # e-mail
    "old_email_used": 0.40,
    "email_domain_typo": 0.02,
    "email_missing_at": 0.004,
    "email_inner_space": 0.006,
    "email_upper_case": 0.03,
    # phone
    "old_mobile_used": 0.40,
    "phone_lost_zero": 0.03,
    "phone_invalid": 0.015,
    # address
    "old_address_used": 0.40,
    "postcode_lost_zero": 0.25,
    "city_mismatch": 0.015,
    "street_abbreviated": 0.08,
    # B2B, activity, formats
    "siret_bad_checksum": 0.03,
    "generic_company_email": 0.05,
    "inactive_3y": 0.35,
    "opt_out": 0.12,
    "price_decimal_comma": 0.30,
    "date_as_text": 0.30,
}
"""Rate of each fault kind, per opportunity (see the module docstring)."""

PHONE_FORMATS: Final[dict[str, float]] = {
    "06 12 34 56 78": 0.36,
    "0612345678": 0.25,
    "06.12.34.56.78": 0.10,
    "06-12-34-56-78": 0.03,
    "06/12/34/56/78": 0.03,
    "+33 6 12 34 56 78": 0.10,
    "+33612345678": 0.06,
    "+33 (0)6 12 34 56 78": 0.03,
    "0033612345678": 0.04,
}
"""How valid French numbers are written (share of phones written)."""

_FOREIGN_FORMATS: Final = Weighted(
    [("intl_spaced", 45), ("intl_compact", 25), ("intl_00", 15), ("national", 15)]
)

_SPECIAL_LETTERS = str.maketrans(
    {"ł": "l", "Ł": "L", "ø": "o", "Ø": "O", "đ": "d", "Đ": "D", "ı": "i"}
)
_ASCII: dict[str, str] = {}
_FOLDED: dict[str, str] = {}


def strip_accents(text: str) -> str:
    """Remove diacritics the way old systems do (cached per distinct value).

    >>> strip_accents("Hélène Lefèvre, Nguyễn, Łukasz")
    'Helene Lefevre, Nguyen, Lukasz'
    """
    result = _ASCII.get(text)
    if result is None:
        decomposed = unicodedata.normalize("NFD", text.translate(_SPECIAL_LETTERS))
        result = "".join(char for char in decomposed if not unicodedata.combining(char))
        _ASCII[text] = result
    return result


def fold(text: str) -> str:
    """Lower-case ASCII form of a name, as used in e-mail local parts.

    >>> fold("Jean-Pierre de La Fontaine")
    'jean-pierredelafontaine'
    """
    result = _FOLDED.get(text)
    if result is None:
        result = strip_accents(text).lower()
        result = "".join(char for char in result if char.isalnum() or char == "-")
        _FOLDED[text] = result
    return result


class Tally:
    """Counts of fault opportunities and injected faults, per kind.

    Attributes:
        opportunities: kind → how many times the fault could have been injected.
        hits: kind → how many times it was injected.
        notes: other counts worth reporting (e.g. ``cp1252_replaced`` rows).
    """

    __slots__ = ("hits", "notes", "opportunities")

    def __init__(self) -> None:
        """Start with every documented kind at zero."""
        self.opportunities: dict[str, int] = dict.fromkeys(FAULT_RATES, 0)
        self.hits: dict[str, int] = dict.fromkeys(FAULT_RATES, 0)
        self.notes: dict[str, int] = {}

    def roll(self, kind: str, rng: Random) -> bool:
        """Record one opportunity of ``kind`` and tell whether the fault is injected."""
        self.opportunities[kind] += 1
        if rng.random() < FAULT_RATES[kind]:
            self.hits[kind] += 1
            return True
        return False

    def add(self, kind: str, opportunities: int, hits: int) -> None:
        """Record opportunities and hits of ``kind`` counted by the caller."""
        self.opportunities[kind] += opportunities
        self.hits[kind] += hits

    def merge(self, other: Tally) -> None:
        """Add the counts of another tally (e.g. from a worker process)."""
        for kind, count in other.opportunities.items():
            self.opportunities[kind] = self.opportunities.get(kind, 0) + count
        for kind, count in other.hits.items():
            self.hits[kind] = self.hits.get(kind, 0) + count
        for kind, count in other.notes.items():
            self.notes[kind] = self.notes.get(kind, 0) + count

    def note(self, kind: str, count: int = 1) -> None:
        """Add to a reported count that has no documented rate."""
        self.notes[kind] = self.notes.get(kind, 0) + count


def _group_pairs(digits: str, separator: str) -> str:
    return separator.join(digits[index : index + 2] for index in range(0, len(digits), 2))


def render_french_phone(national: str, style: str) -> str:
    """Write a 10-digit French number in one of the :data:`PHONE_FORMATS` styles.

    >>> render_french_phone("0612345678", "+33 (0)6 12 34 56 78")
    '+33 (0)6 12 34 56 78'
    >>> render_french_phone("0140123456", "0033612345678")
    '0033140123456'
    """
    return _french_style(national, list(PHONE_FORMATS).index(style))


def render_foreign_phone(e164: str, style: str) -> str:
    """Write a foreign mobile (E.164) internationally or in its national form.

    >>> render_foreign_phone("+32470123456", "intl_spaced")
    '+32 470 12 34 56'
    >>> render_foreign_phone("+447911123456", "national")
    '07911 123456'
    """
    for code in ("+352", "+32", "+41", "+44", "+49"):
        if e164.startswith(code):
            break
    rest = e164[len(code) :]
    if code == "+44":
        national_groups = [rest[:4], rest[4:]]
    elif code == "+49":
        national_groups = [rest[:3], rest[3:]]
    elif code == "+352":
        national_groups = [rest[:3], rest[3:6], rest[6:]]
    elif code == "+41":
        national_groups = [rest[:2], rest[2:5], rest[5:7], rest[7:]]
    else:
        national_groups = [rest[:3], rest[3:5], rest[5:7], rest[7:]]
    if style == "intl_compact":
        return e164
    if style == "intl_00":
        return "00" + e164[1:]
    if style == "national" and code != "+352":
        national_groups[0] = "0" + national_groups[0]
        return " ".join(national_groups)
    return f"{code} {' '.join(national_groups)}"


# Rates as module constants: the hot paths below inline the roll of
# :meth:`Tally.roll` (three times cheaper than a method call per roll).
_MAIDEN = FAULT_RATES["maiden_name_used"]
_NICKNAME = FAULT_RATES["nickname"]
_UPPER = FAULT_RATES["name_upper_case"]
_LOWER = _UPPER + FAULT_RATES["name_lower_case"]
_SWAPPED = FAULT_RATES["name_swapped"]
_ACCENTS = FAULT_RATES["accents_stripped"]
_OLD_EMAIL = FAULT_RATES["old_email_used"]
_TYPO = FAULT_RATES["email_domain_typo"]
_MISSING_AT = FAULT_RATES["email_missing_at"]
_SPACE = FAULT_RATES["email_inner_space"]
_EMAIL_UPPER = FAULT_RATES["email_upper_case"]
_OLD_MOBILE = FAULT_RATES["old_mobile_used"]
_LOST_ZERO = FAULT_RATES["phone_lost_zero"]
_INVALID = FAULT_RATES["phone_invalid"]
_OLD_ADDRESS = FAULT_RATES["old_address_used"]
_POSTCODE_ZERO = FAULT_RATES["postcode_lost_zero"]
_CITY = FAULT_RATES["city_mismatch"]
_ABBREVIATED = FAULT_RATES["street_abbreviated"]

_PHONE_STYLES: Final = Weighted(enumerate(PHONE_FORMATS.values()))


def _spaced(n: str) -> str:
    return f"{n[0:2]} {n[2:4]} {n[4:6]} {n[6:8]} {n[8:10]}"


def _french_style(n: str, style: int) -> str:
    # Indices follow the order of PHONE_FORMATS.
    if style == 0:
        return f"{n[0:2]} {n[2:4]} {n[4:6]} {n[6:8]} {n[8:10]}"
    if style == 1:
        return n
    if style == 2:
        return f"{n[0:2]}.{n[2:4]}.{n[4:6]}.{n[6:8]}.{n[8:10]}"
    if style == 3:
        return f"{n[0:2]}-{n[2:4]}-{n[4:6]}-{n[6:8]}-{n[8:10]}"
    if style == 4:
        return f"{n[0:2]}/{n[2:4]}/{n[4:6]}/{n[6:8]}/{n[8:10]}"
    if style == 5:
        return f"+33 {n[1]} {n[2:4]} {n[4:6]} {n[6:8]} {n[8:10]}"
    if style == 6:
        return "+33" + n[1:]
    if style == 7:
        return f"+33 (0){n[1]} {n[2:4]} {n[4:6]} {n[6:8]} {n[8:10]}"
    return "0033" + n[1:]


class Faults:
    """Inject faults into the values of one source, counting them in a tally.

    One instance per source file, each with its own random stream, so a change
    in one file's layout does not shift the faults of the others.
    """

    def __init__(self, rng: Random, tally: Tally, cities: Sequence[tuple[str, str]]) -> None:
        """Bind a random stream, the shared tally and the (postcode, city) pairs."""
        self.rng = rng
        self.tally = tally
        self._cities = cities
        self._random = rng.random
        self._opportunities = tally.opportunities
        self._hits = tally.hits

    # --- names -------------------------------------------------------------

    def first_and_last(self, first: str, last: str, maiden: str) -> tuple[str, str]:
        """Pick the name a row shows: the maiden name or a diminutive sometimes."""
        random = self._random
        opportunities, hits = self._opportunities, self._hits
        if maiden:
            opportunities["maiden_name_used"] += 1
            if random() < _MAIDEN:
                hits["maiden_name_used"] += 1
                last = maiden
        nicknames = tables.NICKNAMES.get(first)
        if nicknames:
            opportunities["nickname"] += 1
            if random() < _NICKNAME:
                hits["nickname"] += 1
                first = nicknames[int(random() * len(nicknames))]
        return first, last

    def names(self, first: str, last: str, maiden: str, *, swappable: bool) -> tuple[str, str]:
        """First and last name of a row: maiden name, diminutive, swap and case faults."""
        first, last = self.first_and_last(first, last, maiden)
        opportunities, hits = self._opportunities, self._hits
        if swappable:
            opportunities["name_swapped"] += 1
            if self._random() < _SWAPPED:
                hits["name_swapped"] += 1
                first, last = last, first
        opportunities["name_upper_case"] += 1
        opportunities["name_lower_case"] += 1
        draw = self._random()
        if draw < _LOWER:
            if draw < _UPPER:
                hits["name_upper_case"] += 1
                return first.upper(), last.upper()
            hits["name_lower_case"] += 1
            return first.lower(), last.lower()
        return first, last

    def case(self, value: str) -> str:
        """Apply the case chaos (ALL CAPS or all lower) to one name value."""
        opportunities, hits = self._opportunities, self._hits
        opportunities["name_upper_case"] += 1
        opportunities["name_lower_case"] += 1
        draw = self._random()
        if draw < _LOWER:
            if draw < _UPPER:
                hits["name_upper_case"] += 1
                return value.upper()
            hits["name_lower_case"] += 1
            return value.lower()
        return value

    def strip_accents(self, row: list[str], columns: Sequence[int]) -> None:
        """Maybe strip the accents of the given columns of ``row``, in place.

        The opportunity is a row whose given columns hold at least one accent.
        """
        for column in columns:
            if not row[column].isascii():
                break
        else:
            return
        self._opportunities["accents_stripped"] += 1
        if self._random() < _ACCENTS:
            self._hits["accents_stripped"] += 1
            for column in columns:
                row[column] = strip_accents(row[column])

    # --- e-mail ------------------------------------------------------------

    def choose_personal_email(self, email: str, old_email: str) -> str:
        """Return the personal address a row shows (the older one sometimes)."""
        if old_email:
            self._opportunities["old_email_used"] += 1
            if self._random() < _OLD_EMAIL:
                self._hits["old_email_used"] += 1
                return old_email
        return email

    def email(self, address: str) -> str:
        """Return ``address`` with the e-mail faults rolled for it ("" stays "")."""
        if not address:
            return address
        random = self._random
        opportunities, hits = self._opportunities, self._hits
        opportunities["email_domain_typo"] += 1
        opportunities["email_upper_case"] += 1
        opportunities["email_inner_space"] += 1
        opportunities["email_missing_at"] += 1
        if random() < _TYPO:
            hits["email_domain_typo"] += 1
            address = self._domain_typo(address)
        if random() < _EMAIL_UPPER:
            hits["email_upper_case"] += 1
            if random() < 0.5:
                address = address.upper()
            else:
                address = ".".join(part[:1].upper() + part[1:] for part in address.split("."))
        if random() < _SPACE:
            hits["email_inner_space"] += 1
            cut = 1 + int(random() * (len(address) - 2))
            address = address[:cut] + " " + address[cut:]
        if random() < _MISSING_AT:
            hits["email_missing_at"] += 1
            address = address.replace("@", "", 1)
        return address

    def _domain_typo(self, address: str) -> str:
        rng = self.rng
        local, _, domain = address.partition("@")
        typos = tables.EMAIL_DOMAIN_TYPOS.get(domain)
        if typos:
            return f"{local}@{pick(rng, typos)}"
        label, dot, tld = domain.partition(".")
        if len(label) > 2:  # swap two neighbouring letters: "dupont-sarl" -> "duopnt-sarl"
            cut = 1 + int(rng.random() * (len(label) - 2))
            label = label[:cut] + label[cut + 1] + label[cut] + label[cut + 2 :]
        else:
            label += label[-1:]
        return f"{local}@{label}{dot}{tld}"

    # --- phones ------------------------------------------------------------

    def choose_mobile(self, mobile: str, old_mobile: str) -> str:
        """Return the mobile a row shows (the previous one sometimes)."""
        if old_mobile:
            self._opportunities["old_mobile_used"] += 1
            if self._random() < _OLD_MOBILE:
                self._hits["old_mobile_used"] += 1
                return old_mobile
        return mobile

    def phone(self, number: str) -> str:
        """Write a phone number (``0XXXXXXXXX`` or E.164 foreign) with its faults."""
        if not number:
            return number
        random = self._random
        if number[0] == "+":
            return render_foreign_phone(number, _FOREIGN_FORMATS.pick(self.rng))
        opportunities, hits = self._opportunities, self._hits
        opportunities["phone_invalid"] += 1
        opportunities["phone_lost_zero"] += 1
        if random() < _INVALID:
            hits["phone_invalid"] += 1
            return self._invalid_phone(number)
        if random() < _LOST_ZERO:
            hits["phone_lost_zero"] += 1
            return _spaced(number)[1:] if random() < 0.5 else number[1:]
        return _french_style(number, _PHONE_STYLES.pick(self.rng))

    def _invalid_phone(self, number: str) -> str:
        rng = self.rng
        kind = int(rng.random() * 4)
        if kind == 0:
            return _group_pairs(number[:8], " ")  # too short
        if kind == 1:
            return "00 00 00 00 00"
        if kind == 2:
            return _spaced(pick(rng, tables.UNASSIGNED_PREFIXES) + number[4:])
        return number + str(int(rng.random() * 10))  # too long

    # --- addresses ---------------------------------------------------------

    def choose_address(self, current: T, previous: T | None) -> T:
        """Return the address a row shows (the one before the move sometimes)."""
        if previous is not None:
            self._opportunities["old_address_used"] += 1
            if self._random() < _OLD_ADDRESS:
                self._hits["old_address_used"] += 1
                return previous
        return current

    def postal(self, street: str, postcode: str, city: str, *, excel: bool) -> tuple[str, str, str]:
        """Street, postcode and city of a French address with the address faults.

        ``excel`` marks a file that went through a spreadsheet, where a postcode
        starting with 0 may lose it (1000 for 01000).
        """
        random = self._random
        opportunities, hits = self._opportunities, self._hits
        opportunities["street_abbreviated"] += 1
        if random() < _ABBREVIATED:
            hits["street_abbreviated"] += 1
            street = abbreviate_street(street)
        if excel and postcode[0] == "0":
            opportunities["postcode_lost_zero"] += 1
            if random() < _POSTCODE_ZERO:
                hits["postcode_lost_zero"] += 1
                written = postcode[1:]
            else:
                written = postcode
        else:
            written = postcode
        opportunities["city_mismatch"] += 1
        if random() < _CITY:
            hits["city_mismatch"] += 1
            for _ in range(10):
                other_postcode, other_city = pick(self.rng, self._cities)
                if other_postcode[:2] != postcode[:2] and other_city != city:
                    city = other_city
                    break
        return street, written, city


_ABBREVIATED_STREETS: dict[str, str] = {}


def abbreviate_street(street: str) -> str:
    """Write a street line the AFNOR / La Poste way: capitals, no accents, short words.

    >>> abbreviate_street("12 avenue du Général de Gaulle")
    '12 AV DU GAL DE GAULLE'
    """
    result = _ABBREVIATED_STREETS.get(street)
    if result is None:
        result = strip_accents(street).upper().replace("'", " ").replace(",", "")
        for word, short in tables.STREET_ABBREVIATIONS:
            if word in result:
                result = result.replace(word, short)
        _ABBREVIATED_STREETS[street] = result
    return result
