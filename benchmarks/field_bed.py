"""Field bed: does carnet read each FIELD of each row of a messy French B2C file right?

The duplicate beds (``french_bed.py``, ``households/``) score who is the same person;
this one scores every value. It writes five customer files the way French small
businesses keep them, each row with its truth (the canonical value of every field),
imports each file with carnet's real import into a fresh SQLite workspace, reads each
row's contact back (the import's row outcome names it) and scores, per field:

* ``accuracy``: rows whose stored normalised value equals the truth;
* ``wrong``: a value stored but not the truth's (``flagged``: of those, the ones carnet
  marked with a warning, e.g. an e-mail domain typo it suggests fixing but keeps);
* ``rejected``: the row rejected, or the value stored with an ``invalid`` verdict;
* ``lost``: the truth had a value and carnet stored none;
* ``spurious``: the truth had none and carnet stored one.

``email2`` is the second address of a cell holding two ("a@x.fr; b@y.fr").
Names are scored twice: ``first_name``/``last_name`` exactly, and ``*_folded`` ignoring
case and accents (a file in capitals without accents cannot always give them back).
Cities and streets are compared folded (case, accents, hyphens and punctuation ignored);
a street is right when the truth's street line is, word for word, in the stored
normalised address line (its complement, "Bâtiment B", may sit beside it).

The files (written from scratch for this bed, independent of ``carnet.demo``):

* ``shopify.csv`` (English headers) and ``woocommerce.csv`` (French): a shop's customer
  export, UTF-8, ``,``, typed by the customers themselves;
* ``excel.csv``: a list kept in Excel and saved as CSV: cp1252, ``;``, "Civilité",
  "Tél. portable", "CP", numbers Excel turned into ``612345678`` and ``1000``, "75008
  PARIS" or "PARIS 8E" in the city cell, "1.234,50 €";
* ``comptoir.xlsx``: a sheet filled by hand at a shop counter ("DUPONT Jean" in one
  cell, numbers as numbers, two phones in one cell, dates as dates or "12 mars 1985");
* ``brevo.csv`` (``33612345678`` phones) and ``mailchimp.csv`` (one-cell addresses): an
  e-mailing tool's contact export;
* ``vieux_crm.csv``: an old CRM dump in capitals without accents, some rows mojibake
  (``HÃ©LÃ¨NE``) from an earlier migration.

Limits of the bed (say them with its figures): one author wrote its faults, as he
imagines French shops make them; each file is imported into a workspace of its own and
no two rows are the same person (duplicates are the other beds' business); no couples
("M. et Mme"), deceased customers or companies. Some truths are a choice: an undated
"no" counts as "not granted" (carnet records nothing for it, as for a blank); an e-mail
whose domain has a typo is wrong even when carnet flags it and suggests the fix (it
keeps what the customer typed, by design); "ST"/"SAINT" and a CEDEX mark are equal in a
city; "12 B" is "12 BIS"; a first name typed without its accents ("Eric") is wrong in
``first_name`` though many people are named so.

Usage::

    python benchmarks/field_bed.py --seed 1 --rows 200 [--examples failures.json]
    python benchmarks/field_bed.py --seed 1 --write-only DIR   # the files and truth only

Study seeds 1-2; keep seeds 3-4 held out (look only at their totals). Prints one JSON
object: per-field figures over all files, and per file.
"""

from __future__ import annotations

import argparse
import csv
import io
import json
import random
import re
import sys
import tempfile
import unicodedata
from collections import Counter, defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from decimal import Decimal
from functools import partial
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

from field_bed_data import (
    COMMUNES,
    COMPLEMENTS,
    DOMAIN_TYPOS,
    EMAIL_DOMAINS,
    FIRST_NAMES_F,
    FIRST_NAMES_M,
    MONTHS_FR,
    NOTES,
    REPEATS,
    STREET_NAMES,
    STREET_TYPES,
    SURNAMES,
)

FIELDS = (
    "civility", "first_name", "last_name", "first_name_folded", "last_name_folded",
    "email", "email2", "mobile", "landline", "street", "postcode", "city", "birth_date",
    "consent", "total_spent",
)


# -- people ---------------------------------------------------------------------------------


@dataclass
class Person:
    """One customer's truth: every field as it should be stored."""

    civility: str | None
    first_name: str
    last_name: str
    birth_date: date | None
    email: str | None
    mobile: str | None  # E.164
    landline: str | None
    street: str | None  # "12 bis rue des Lilas"
    number: int = 0
    repeat: str = ""
    street_type: int = 0
    street_name: int = 0
    complement: int | None = None
    postcode: str | None = None
    city: str | None = None
    consent: str = "unknown"  # yes, no, unknown
    total_spent: Decimal | None = None
    second_email: str | None = None
    extra: dict[str, Any] = field(default_factory=dict)

    def truth(self) -> dict[str, Any]:
        return {
            "civility": self.civility,
            "first_name": self.first_name,
            "last_name": self.last_name,
            "email": self.email,
            "second_email": self.second_email,
            "mobile": self.mobile,
            "landline": self.landline,
            "street": self.street,
            "complement": COMPLEMENTS[self.complement][0] if self.complement is not None else None,
            "postcode": self.postcode,
            "city": self.city,
            "birth_date": self.birth_date.isoformat() if self.birth_date else None,
            "consent": self.consent,
            "total_spent": str(self.total_spent) if self.total_spent is not None else None,
        }


def fold(text: str) -> str:
    """Case, accents, hyphens and punctuation ignored (for cities, streets, names)."""
    text = unicodedata.normalize("NFKD", text)
    text = "".join(c for c in text if not unicodedata.combining(c)).upper()
    text = re.sub(r"[^A-Z0-9]+", " ", text)
    return " ".join(text.split())


def city_key(text: str) -> str:
    """A city folded, "ST"/"STE" read as "SAINT"/"SAINTE" (La Poste's routing labels
    write them short) and a CEDEX mark ignored (neither required nor wrong)."""
    words = fold(text).split()
    words = [{"ST": "SAINT", "STE": "SAINTE"}.get(w, w) for w in words]
    while words and (words[-1] == "CEDEX" or (words[-1].isdigit() and "CEDEX" in words)):
        words.pop()
    return " ".join(words)


_SHORT_TYPES = {"ALLEE": "ALL", "AVENUE": "AV", "BOULEVARD": "BD", "CHEMIN": "CHE",
                "COURS": "CRS", "IMPASSE": "IMP", "PLACE": "PL", "ROUTE": "RTE"}
_SHORT_TITLES = {"SAINT": "ST", "SAINTE": "STE", "GENERAL": "GAL", "MARECHAL": "MAL"}


def street_keys(street: str) -> set[str]:
    """The ways a street line may rightly be stored: in full, or shortened as La Poste
    shortens a line over 38 characters (the street type, then titles); "BIS" as "B"."""
    words = fold(street).split()
    keys = set()
    for rep in ({"BIS": "BIS"}, {"BIS": "B"}):
        full = [rep.get(w, w) for w in words]
        short_type = [_SHORT_TYPES.get(w, w) if i <= 2 else w for i, w in enumerate(full)]
        short_all = [_SHORT_TITLES.get(w, w) for w in short_type]
        keys.update(" ".join(x) for x in (full, short_type, short_all))
    return keys


def _ascii(text: str) -> str:
    return fold(text).lower().replace(" ", "")


def _weighted(rng: random.Random, pairs: tuple[tuple[str, int], ...]) -> str:
    return rng.choices([p[0] for p in pairs], [p[1] for p in pairs])[0]


def make_person(rng: random.Random, used_emails: set[str]) -> Person:
    """A customer with every field's truth (some fields missing, as in real files)."""
    female = rng.random() < 0.55
    first = rng.choice(FIRST_NAMES_F if female else FIRST_NAMES_M)
    last = rng.choice(SURNAMES)
    civility = ("Mme" if female else "M.") if rng.random() < 0.85 else None
    birth = None
    if rng.random() < 0.7:
        birth = date(1938, 1, 1) + timedelta(days=rng.randrange(0, 365 * 68))
    email = None
    if rng.random() < 0.9:
        f, la = _ascii(first), _ascii(last)
        local = rng.choice(
            [f"{f}.{la}", f"{f[0]}.{la}", f"{f}{la}", f"{la}.{f}", f"{f}.{la}{rng.randint(1, 99)}",
             f"{f}{birth.year % 100 if birth else rng.randint(60, 99)}", f"{f}_{la}"]
        )
        domain = _weighted(rng, EMAIL_DOMAINS)
        email = f"{local}@{domain}"
        while email in used_emails:
            email = f"{local}{rng.randint(1, 999)}@{domain}"
        used_emails.add(email)
    mobile = None
    if rng.random() < 0.8:
        # metropolitan mobiles: 06 (not 0639, Mayotte; nor 069x, the overseas departments)
        # and 075 to 078
        while mobile is None or mobile.startswith("+33639"):
            mobile = (
                "+336" + str(rng.randint(0, 8)) + f"{rng.randint(0, 9999999):07d}"
                if rng.random() < 0.75
                else "+337" + str(rng.randint(5, 8)) + f"{rng.randint(0, 9999999):07d}"
            )
    landline = None
    if rng.random() < 0.3:
        zone = rng.choice(["14", "45", "47", "24", "40", "99", "20", "88", "72", "78", "56", "61"])
        landline = f"+33{rng.randint(1, 5)}{zone}{rng.randint(0, 999999):06d}"
    person = Person(civility, first, last, birth, email, mobile, landline, None)
    if rng.random() < 0.85:
        person.number = rng.randint(1, 180)
        person.repeat = rng.choice(["", "", "", "", "", "", "bis", "ter"])
        person.street_type = rng.randrange(len(STREET_TYPES))
        person.street_name = rng.randrange(len(STREET_NAMES))
        rep = f" {person.repeat}" if person.repeat else ""
        person.street = (
            f"{person.number}{rep} {STREET_TYPES[person.street_type][0]} "
            f"{STREET_NAMES[person.street_name][0]}"
        )
        if rng.random() < 0.2:
            person.complement = rng.randrange(len(COMPLEMENTS))
    if person.street or rng.random() < 0.5:
        person.postcode, person.city = rng.choice(COMMUNES)
    person.consent = rng.choices(["yes", "no", "unknown"], [5, 3, 2])[0]
    if rng.random() < 0.5:
        person.total_spent = Decimal(rng.randint(0, 450000)) / 100
    return person


# -- how people write each value ------------------------------------------------------------


def national(e164: str) -> str:
    return "0" + e164[3:]


def phone_text(rng: random.Random, e164: str, styles: list[str]) -> str:
    n = national(e164)
    pairs = " ".join(n[i : i + 2] for i in range(0, 10, 2))
    style = rng.choice(styles)
    return {
        "plain": n,
        "spaced": pairs,
        "dotted": pairs.replace(" ", "."),
        "dashed": pairs.replace(" ", "-"),
        "nozero": n[1] + " " + " ".join(n[i : i + 2] for i in range(2, 10, 2)),
        "intl": "+33 " + n[1] + " " + " ".join(n[i : i + 2] for i in range(2, 10, 2)),
        "intl0": "+33 (0)" + n[1] + " " + " ".join(n[i : i + 2] for i in range(2, 10, 2)),
        "0033": "0033" + n[1:],
        "e164": e164,
        "excel": n[1:],
        "brevo": e164[1:],
    }[style]


def date_text(rng: random.Random, d: date, styles: list[str]) -> str:
    style = rng.choice(styles)
    if style == "fr":
        return d.strftime("%d/%m/%Y")
    if style == "fr_short_day":
        return f"{d.day}/{d.month}/{d.year}"
    if style == "yy":
        return d.strftime("%d/%m/%y")
    if style == "iso":
        return d.isoformat()
    if style == "dots":
        return d.strftime("%d.%m.%Y")
    if style == "dash":
        return d.strftime("%d-%m-%Y")
    if style == "words":
        day = "1er" if d.day == 1 and rng.random() < 0.5 else str(d.day)
        return f"{day} {MONTHS_FR[d.month - 1]} {d.year}"
    if style == "serial":
        return str((d - date(1899, 12, 30)).days)
    if style == "compact":
        return d.strftime("%Y%m%d")
    if style == "sql":
        return d.strftime("%Y-%m-%d 00:00:00")
    if style == "excel_time":  # a date cell saved with its midnight
        return d.strftime("%d/%m/%Y 00:00")
    if style == "excel_month":  # Excel's French "j-mmm-aa" format
        return f"{d.day:02d}-{_MONTH_SHORT[d.month - 1]}-{d.year % 100:02d}"
    raise ValueError(style)


_MONTH_SHORT = ("janv", "févr", "mars", "avr", "mai", "juin", "juil", "août", "sept", "oct",
                "nov", "déc")


def arrondissement_text(rng: random.Random, city: str, postcode: str) -> str:
    """"PARIS 8E", "Lyon 3ème", "MARSEILLE 08": the district after the city."""
    n = int(postcode[-2:])
    text = rng.choice([f"{city} {n}e", f"{city} {n}ème", f"{city} {n:02d}", f"{city} {n}EME"])
    return text.upper() if rng.random() < 0.5 else text


def email_text(rng: random.Random, p: Person, fault_rate: float) -> str:
    assert p.email
    e = p.email
    if rng.random() >= fault_rate:
        return e
    fault = rng.choice(["typo", "upper", "mixed", "space", "dot", "two", "mailto", "named",
                        "comma", "inner_space"])
    local, domain = e.split("@")
    if fault == "typo" and domain in DOMAIN_TYPOS:
        return f"{local}@{rng.choice(DOMAIN_TYPOS[domain])}"
    if fault == "upper":
        return e.upper()
    if fault == "mixed":
        return local.capitalize() + "@" + domain.capitalize()
    if fault == "space":
        return " " + e + "  "
    if fault == "dot":
        return e + "."
    if fault == "two":
        provider = rng.choice(["sfr.fr", "free.fr", "laposte.net"])
        other = f"{_ascii(p.first_name)}.{_ascii(p.last_name)}@{provider}"
        if other != e:
            p.second_email = other
            return f"{e}{rng.choice(['; ', ' / ', ', ', ' '])}{other}"
        return e
    if fault == "mailto":
        return "mailto:" + e
    if fault == "named":
        return f"{p.first_name} {p.last_name} <{e}>"
    if fault == "comma":
        return e + rng.choice([",", ";", " ;"])
    if fault == "inner_space":
        return f"{local} @{domain}" if rng.random() < 0.5 else f"{local}@ {domain}"
    return e


_CONSENT_YES = ("Oui", "oui", "OUI", "X", "x", "1", "Accepté le {d}", "yes", "VRAI", "O",
                "Oui - le {d}", "TRUE")
_CONSENT_NO = ("Non", "non", "NON", "0", "Refusé", "no", "FAUX", "N")


def consent_text(rng: random.Random, value: str, yes: tuple[str, ...], no: tuple[str, ...]) -> str:
    if value == "unknown":
        return ""
    text = rng.choice(yes if value == "yes" else no)
    if "{d}" in text:
        d = date(2018, 1, 1) + timedelta(days=rng.randrange(0, 2000))
        text = text.format(d=d.strftime("%d/%m/%Y"))
    return text


def street_text(rng: random.Random, p: Person, *, complement_inline: bool) -> str:
    assert p.street
    number = str(p.number)
    if p.repeat:
        rep = dict(REPEATS)[p.repeat]
        number += rng.choice(["", " "]) + rng.choice(rep)
    stype = rng.choice(STREET_TYPES[p.street_type][1])
    full, shorts = STREET_NAMES[p.street_name]
    name = rng.choice((full, *shorts)) if shorts and rng.random() < 0.5 else full
    sep = rng.choice([" ", " ", ", "])
    text = f"{number}{sep}{stype} {name}"
    if complement_inline and p.complement is not None:
        text += rng.choice([", ", " - ", " "]) + complement_text(rng, p)
    return text


def complement_text(rng: random.Random, p: Person) -> str:
    assert p.complement is not None
    truth, typed = COMPLEMENTS[p.complement]
    return rng.choice((truth, *typed))


def city_text(rng: random.Random, city: str, *, fault_rate: float) -> str:
    if rng.random() >= fault_rate:
        return city
    fault = rng.choice(["upper", "upper", "upper_noaccent", "saint", "saint", "lower", "cedex",
                        "spaces"])
    if fault == "upper":
        return city.upper()
    if fault == "upper_noaccent":
        return fold(city)
    if fault == "saint" and re.match(r"Saint|Sainte", city):
        return re.sub(r"^Saint(e?)-", lambda m: "St" + m.group(1) + rng.choice([" ", "-"]), city)
    if fault == "lower":
        return city.lower()
    if fault == "cedex":
        return fold(city) + " CEDEX"
    if fault == "spaces":
        return city.replace("-", " ")
    return city


def postcode_text(rng: random.Random, pc: str, *, excel: bool) -> str:
    if excel and pc.startswith("0"):
        return pc[1:]
    r = rng.random()
    if r < 0.06:
        return pc[:2] + " " + pc[2:]
    return pc


def name_case(rng: random.Random, text: str, styles: list[str]) -> str:
    style = rng.choice(styles)
    if style == "upper":
        return text.upper()
    if style == "upper_noaccent":
        return fold(text) if "'" not in text else unicodedata.normalize(
            "NFKD", text
        ).encode("ascii", "ignore").decode().upper()
    if style == "lower":
        return text.lower()
    if style == "noaccent":
        return unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    if style == "space":
        return text + " "
    return text


def amount_text(rng: random.Random, amount: Decimal, style: str) -> str:
    if style == "dot":
        return f"{amount:.2f}"
    if style == "fr_dots":  # "1.234,50 €"
        whole, cents = f"{amount:.2f}".split(".")
        return f"{int(whole):,}".replace(",", ".") + "," + cents + " €"
    whole, cents = f"{amount:.2f}".split(".")
    groups = []
    while len(whole) > 3:
        groups.insert(0, whole[-3:])
        whole = whole[:-3]
    groups.insert(0, whole)
    sep = rng.choice([" ", "\u00a0", ""])
    text = sep.join(groups) + "," + cents
    return text + rng.choice([" €", "€", "", " EUR"])


def mojibake(text: str) -> str:
    try:
        return text.encode("utf-8").decode("cp1252")
    except UnicodeDecodeError:
        return text


# -- the files --------------------------------------------------------------------------------


@dataclass
class BedFile:
    name: str
    header: list[str]
    rows: list[list[Any] | None]  # None rows are blank lines
    truths: list[dict[str, Any]]
    encoding: str = "utf-8"
    delimiter: str = ","


def _civility_text(rng: random.Random, civ: str | None, styles: tuple[str, ...]) -> str:
    if civ is None:
        return ""
    female = civ == "Mme"
    return rng.choice(
        {
            "fr": ("Mme", "Madame", "MME", "Mme.") if female else ("M.", "Monsieur", "M", "MR"),
            "en": ("Mrs", "Ms", "Mme") if female else ("Mr", "Mr.", "M."),
        }[rng.choice(styles)]
    )


def shop_file(rng: random.Random, people: list[Person], *, french: bool) -> BedFile:
    if french:
        header = ["ID client", "Prénom", "Nom", "E-mail", "Téléphone", "Adresse 1", "Adresse 2",
                  "Code postal", "Ville", "Pays", "Inscrit newsletter", "Total dépensé",
                  "Date d'inscription"]
    else:
        header = ["Customer ID", "First Name", "Last Name", "Email", "Phone",
                  "Default Address Address1", "Default Address Address2",
                  "Default Address Zip", "Default Address City",
                  "Default Address Country Code", "Accepts Email Marketing", "Total Spent",
                  "Note"]
    rows: list[list[Any]] = []
    truths = []
    for i, p in enumerate(people):
        p.civility = None  # no civility column in shop exports
        phone = p.mobile or p.landline
        p.landline = p.landline if p.mobile is None else None
        first = name_case(
            rng, p.first_name, ["as", "as", "as", "lower", "upper", "space", "noaccent"]
        )
        last = name_case(rng, p.last_name, ["as", "as", "upper", "lower", "space"])
        email = email_text(rng, p, 0.15) if p.email else ""
        phone_t = (
            phone_text(rng, phone, ["e164", "spaced", "plain", "intl", "plain"]) if phone else ""
        )
        line1 = street_text(rng, p, complement_inline=False) if p.street else ""
        line2 = complement_text(rng, p) if p.complement is not None else ""
        pc = p.postcode or ""
        if pc and not french and pc.startswith("0") and rng.random() < 0.5:
            pc = "'" + pc
        city = city_text(rng, p.city, fault_rate=0.2) if p.city else ""
        country = ("France" if french else "FR") if p.city else ""
        if french:
            consent = {"yes": "Oui", "no": "Non", "unknown": ""}[p.consent]
        else:
            if p.consent == "unknown":
                p.consent = "no"  # Shopify writes "no" for every non-subscriber
            consent = {"yes": "yes", "no": "no"}[p.consent]
        spent = amount_text(rng, p.total_spent, "dot") if p.total_spent is not None else "0.00"
        if p.total_spent is None:
            p.total_spent = Decimal("0.00")
        last_cell = (
            (date(2015, 1, 1) + timedelta(days=rng.randrange(3000))).isoformat()
            if french
            else rng.choice(NOTES)
        )
        rows.append([str(1000 + i), first, last, email, phone_t, line1, line2, pc, city,
                     country, consent, spent, last_cell])
        t = p.truth()
        t["mobile"], t["landline"] = (phone, None) if p.mobile else (None, phone)
        t["birth_date"] = None  # no birth date column in a shop's export
        truths.append(t)
    return BedFile("woocommerce.csv" if french else "shopify.csv", header, rows, truths)


def excel_file(rng: random.Random, people: list[Person]) -> BedFile:
    header = ["Civilité", "Nom", "Prénom", "Tél. portable", "Tél. fixe", "Adresse",
              "Complément", "CP", "Ville", "Date de naissance", "E-mail", "Optin newsletter",
              "CA total", "Remarques"]
    rows: list[list[Any] | None] = []
    truths = []
    for p in people:
        if rng.random() < 0.03:
            rows.append(None)
        civ = _civility_text(rng, p.civility, ("fr",))
        last = name_case(rng, p.last_name, ["upper", "upper", "as", "as"])
        first = name_case(rng, p.first_name, ["as", "as", "lower", "noaccent"])
        if civ and rng.random() < 0.08:  # civility typed in the name cell too
            last, civ = f"{civ} {last}", ""
        mob = phone_text(rng, p.mobile, ["excel", "excel", "spaced", "dotted", "plain", "intl0",
                                         "0033", "nozero"]) if p.mobile else ""
        fixe = (
            phone_text(rng, p.landline, ["excel", "spaced", "dotted", "plain"])
            if p.landline
            else ""
        )
        line1 = street_text(rng, p, complement_inline=False) if p.street else ""
        line2 = complement_text(rng, p) if p.complement is not None else ""
        pc = postcode_text(rng, p.postcode, excel=rng.random() < 0.7) if p.postcode else ""
        city = city_text(rng, p.city, fault_rate=0.5) if p.city else ""
        if p.city and p.postcode and rng.random() < 0.06:  # "75008 PARIS" in the city cell
            pc, city = "", f"{p.postcode} {city}"
        elif p.city in ("Paris", "Lyon", "Marseille") and p.postcode and rng.random() < 0.4:
            city = arrondissement_text(rng, p.city, p.postcode)
        if not civ and p.civility and rng.random() < 0.05:  # "Mme Sophie"
            first = f"{_civility_text(rng, p.civility, ('fr',))} {first}"
        birth = (
            date_text(rng, p.birth_date, ["fr", "fr", "fr", "yy", "fr_short_day", "excel_time",
                                          "excel_month"])
            if p.birth_date
            else ""
        )
        email = email_text(rng, p, 0.2) if p.email else ""
        consent = consent_text(rng, p.consent, _CONSENT_YES, _CONSENT_NO)
        spent = (
            amount_text(rng, p.total_spent, rng.choice(["fr", "fr", "fr_dots"]))
            if p.total_spent is not None
            else ""
        )
        rows.append([civ, last, first, mob, fixe, line1, line2, pc, city, birth, email, consent,
                     spent, rng.choice(NOTES)])
        truths.append(p.truth())
    return BedFile("excel.csv", header, rows, truths, encoding="cp1252", delimiter=";")


def counter_file(rng: random.Random, people: list[Person]) -> BedFile:
    header = ["Nom Prénom", "Téléphone", "Adresse", "Code postal", "Ville",
              "Date anniversaire", "Mail", "Newsletter", "Remarques"]
    rows: list[list[Any]] = []
    truths = []
    for p in people:
        both = bool(p.mobile and p.landline) and rng.random() < 0.5
        phone = p.mobile or p.landline
        if p.mobile and not both:
            p.landline = None
        style = rng.random()
        last_up = name_case(rng, p.last_name, ["upper", "upper", "as"])
        if style < 0.55:
            name = f"{last_up} {p.first_name}"
        elif style < 0.75:
            civ = _civility_text(rng, p.civility, ("fr",)) if p.civility else ""
            name = f"{civ} {p.last_name} {p.first_name}".strip()
            if not civ:
                p.civility = None
        else:
            name = f"{p.first_name} {last_up}"
        if style >= 0.55 and style < 0.75:
            pass
        else:
            p.civility = None
        tel: Any = ""
        if both:
            assert p.mobile and p.landline
            tel = rng.choice(["{} / {}", "{} - {}", "{}  {}", "port. {} fixe {}"]).format(
                phone_text(rng, p.mobile, ["spaced", "plain", "dotted"]),
                phone_text(rng, p.landline, ["spaced", "plain", "dotted"]),
            )
        elif phone is not None and rng.random() < 0.4:
            tel = int(national(phone))  # typed as a number: the leading 0 goes
        elif phone is not None:
            tel = phone_text(rng, phone, ["spaced", "plain", "dotted"])
            if rng.random() < 0.1:
                tel = rng.choice(["{} (soir)", "Tél : {}", "{} répondeur", "{} (mari)"]).format(tel)
        addr = street_text(rng, p, complement_inline=True) if p.street else ""
        pc: Any = ""
        if p.postcode:
            pc = int(p.postcode) if p.postcode.isdigit() and rng.random() < 0.6 else p.postcode
        city = city_text(rng, p.city, fault_rate=0.5) if p.city else ""
        birth: Any = ""
        if p.birth_date:
            r = rng.random()
            if r < 0.5:
                birth = datetime(p.birth_date.year, p.birth_date.month, p.birth_date.day)
            else:
                birth = date_text(rng, p.birth_date, ["words", "fr", "yy"])
        email = email_text(rng, p, 0.25) if p.email else ""
        consent = {"yes": rng.choice(["X", "x", "oui", "OK"]), "no": rng.choice(["non", "NON"]),
                   "unknown": ""}[p.consent]
        rows.append([name, tel, addr, pc, city, birth, email, consent, rng.choice(NOTES)])
        t = p.truth()
        if not both:
            t["mobile"], t["landline"] = (phone, None) if p.mobile else (None, phone)
        t["total_spent"] = None
        truths.append(t)
    return BedFile("comptoir.xlsx", header, rows, truths)


def emailing_file(rng: random.Random, people: list[Person], *, brevo: bool) -> BedFile:
    rows: list[list[Any]] = []
    truths = []
    if brevo:
        header = ["EMAIL", "NOM", "PRENOM", "SMS", "DATE_NAISSANCE", "CODE_POSTAL", "VILLE",
                  "OPT_IN", "DATE_AJOUT"]
    else:
        header = ["Email Address", "First Name", "Last Name", "Address", "Phone Number",
                  "Date de naissance", "MEMBER_RATING", "OPTIN_TIME", "Newsletter"]
    for p in people:
        p.civility = None
        p.landline = None
        if p.email is None:
            p.email = (
                f"{_ascii(p.first_name)}.{_ascii(p.last_name)}{rng.randint(100, 999)}@gmail.com"
            )
        email = email_text(rng, p, 0.1)
        first = name_case(rng, p.first_name, ["as", "as", "lower", "upper", "noaccent"])
        last = name_case(rng, p.last_name, ["as", "upper", "lower"])
        mob_styles = ["brevo", "brevo", "e164"] if brevo else ["intl", "plain", "e164"]
        mob = phone_text(rng, p.mobile, mob_styles) if p.mobile else ""
        date_styles = ["iso", "iso", "dash"] if brevo else ["iso", "fr"]
        birth = date_text(rng, p.birth_date, date_styles) if p.birth_date else ""
        if brevo:
            p.street = None
            p.complement = None
            consent = {"yes": "1", "no": "0", "unknown": ""}[p.consent]
            city = city_text(rng, p.city, fault_rate=0.3) if p.city else ""
            added = (date(2019, 1, 1) + timedelta(days=rng.randrange(1500))).isoformat()
            rows.append([email, last, first, mob, birth, p.postcode or "", city, consent, added])
        else:
            addr = ""
            if p.street and p.postcode and p.city:
                p.complement = None
                street = street_text(rng, p, complement_inline=False)
                addr = "  ".join([street, p.city, p.postcode, "FR"])
            else:
                p.street, p.postcode, p.city = None, None, None
            consent = {"yes": "yes", "no": "no", "unknown": ""}[p.consent]
            # Mailchimp dates the opt-in of those who gave it
            optin = datetime(2020, 1, 1) + timedelta(minutes=rng.randrange(10**6))
            optin_time = optin.strftime("%Y-%m-%d %H:%M:%S") if p.consent == "yes" else ""
            rows.append([email, first, last, addr, mob, birth, str(rng.randint(1, 5)),
                         optin_time, consent])
        t = p.truth()
        t["total_spent"] = None
        truths.append(t)
    return BedFile(
        "brevo.csv" if brevo else "mailchimp.csv", header, rows, truths,
        delimiter=";" if brevo else ",",
    )


def crm_file(rng: random.Random, people: list[Person]) -> BedFile:
    header = ["CODE_CLIENT", "CIV", "NOM", "PRENOM", "ADR1", "ADR2", "CP", "VILLE", "TEL1",
              "TEL2", "EMAIL", "DT_NAISS", "ACCORD_COM", "DT_CREAT", "OBS"]
    rows: list[list[Any] | None] = []
    truths = []
    for i, p in enumerate(people):
        if rng.random() < 0.03:
            rows.append(None)
        broken = rng.random() < 0.25
        civ = {
            "Mme": rng.choice(["MME", "MADAME", "MLLE"]), "M.": rng.choice(["M", "MR", "M."])
        }.get(p.civility or "", "")
        if civ == "MLLE":
            p.civility = "Mlle"
        last = name_case(rng, p.last_name, ["upper", "upper_noaccent"])
        first = name_case(rng, p.first_name, ["upper", "upper_noaccent"])
        line1 = street_text(rng, p, complement_inline=False).upper() if p.street else ""
        line2 = complement_text(rng, p).upper() if p.complement is not None else ""
        city = city_text(rng, p.city, fault_rate=1.0) if p.city else ""
        tel1 = phone_text(rng, p.landline, ["spaced", "dotted", "plain"]) if p.landline else ""
        tel2 = phone_text(rng, p.mobile, ["spaced", "dotted", "plain"]) if p.mobile else ""
        if not tel1 and tel2 and rng.random() < 0.5:
            tel1, tel2 = tel2, ""
        email = email_text(rng, p, 0.2).upper() if p.email else ""
        birth = (
            date_text(rng, p.birth_date, ["fr", "serial", "compact", "fr", "sql"])
            if p.birth_date
            else ""
        )
        consent = consent_text(
            rng, p.consent, ("O", "OUI", "Accepté le {d}", "1"), ("N", "NON", "0")
        )
        created = (date(2003, 1, 1) + timedelta(days=rng.randrange(6000))).strftime("%d/%m/%Y")
        cells = [f"C{20000 + i:06d}", civ, last, first, line1, line2, p.postcode or "", city, tel1,
                 tel2, email, birth, consent.upper(), created, rng.choice(NOTES).upper()]
        if broken:
            cells = [mojibake(c) if isinstance(c, str) else c for c in cells]
        rows.append(cells)
        t = p.truth()
        t["total_spent"] = None
        truths.append(t)
    return BedFile("vieux_crm.csv", header, rows, truths, delimiter=";")


MAKERS: tuple[Callable[[random.Random, list[Person]], BedFile], ...] = (
    partial(shop_file, french=False),
    partial(shop_file, french=True),
    excel_file,
    counter_file,
    partial(emailing_file, brevo=True),
    partial(emailing_file, brevo=False),
    crm_file,
)


def build(seed: int, rows: int) -> list[BedFile]:
    """The bed's files for one seed, each with ``rows`` people (and its truths)."""
    rng = random.Random(seed)
    used: set[str] = set()
    return [maker(rng, [make_person(rng, used) for _ in range(rows)]) for maker in MAKERS]


def write(bed: BedFile, folder: Path) -> Path:
    """Write the file; returns its path. Blank rows are written as empty records."""
    path = folder / bed.name
    if path.suffix == ".xlsx":
        from openpyxl import Workbook

        wb = Workbook()
        ws = wb.active
        ws.title = "Clients"
        ws.append(bed.header)
        for row in bed.rows:
            ws.append([None] * len(bed.header) if row is None else row)
            if row is not None:
                for cell in ws[ws.max_row]:
                    if isinstance(cell.value, datetime):
                        cell.number_format = "DD/MM/YYYY"
        wb.save(path)
        return path
    buf = io.StringIO()
    writer = csv.writer(buf, delimiter=bed.delimiter, lineterminator="\r\n")
    writer.writerow(bed.header)
    for row in bed.rows:
        writer.writerow([""] * len(bed.header) if row is None else row)
    path.write_bytes(buf.getvalue().encode(bed.encoding, errors="replace"))
    return path


# -- scoring ------------------------------------------------------------------------------------


def _stored(ws: Any, contact_id: int) -> dict[str, Any]:
    """What carnet stored for a contact, as the truth spells it."""
    c = ws.get_contact(contact_id)
    out: dict[str, Any] = {
        "civility": c.civility,
        "first_name": c.first_name,
        "last_name": c.last_name,
        "birth_date": c.birth_date.isoformat() if c.birth_date else None,
        "emails": [(p.normalised, p.verdict, p.flags) for p in c.emails],
        "phones": [(p.normalised, p.subtype, p.verdict) for p in c.phones],
        "addresses": [p for p in c.addresses],
        "total_spent": c.attributes.get("total_spent"),
    }
    # the file's opt-in is to marketing by e-mail: the newsletter's, or the commercial
    # offers' (an old CRM's "ACCORD_COM")
    statuses = {
        line.status
        for line in ws.consent_overview(contact_id)
        if line.purpose in ("newsletter", "offers") and line.channel == "email"
    }
    out["consent"] = (
        "yes" if statuses & {"granted", "confirmed"}
        else "no" if statuses & {"withdrawn", "refused", "denied"}
        else "unknown"
    )
    return out


def _score_row(truth: dict[str, Any], stored: dict[str, Any] | None) -> dict[str, tuple[str, Any]]:
    """field → (outcome, what carnet stored) for one row."""
    res: dict[str, tuple[str, Any]] = {}

    def simple(name: str, got: Any, want: Any, *, key: Any = None) -> None:
        if want is None:
            res[name] = ("spurious", got) if got not in (None, "") else ("none", None)
            return
        if stored is None:
            res[name] = ("rejected", None)
        elif got in (None, ""):
            res[name] = ("lost", None)
        else:
            ok = (key(got) == key(want)) if key else got == want
            res[name] = ("correct" if ok else "wrong", got)

    s = stored or {}
    simple("civility", s.get("civility"), truth["civility"])
    for part in ("first_name", "last_name"):
        simple(part, s.get(part), truth[part])
        simple(f"{part}_folded", s.get(part), truth[part], key=fold)
    simple("birth_date", s.get("birth_date"), truth["birth_date"])
    spent = s.get("total_spent")
    simple("total_spent", None if spent is None else Decimal(str(spent)),
           None if truth["total_spent"] is None else Decimal(truth["total_spent"]))
    # consent: granted or not (an undated "no" and a blank both leave it closed; carnet
    # records no event for a "no" from someone who never consented)
    if stored is None:
        res["consent"] = ("rejected", None)
    else:
        ok = (s["consent"] == "yes") == (truth["consent"] == "yes")
        res["consent"] = ("correct" if ok else "wrong", s["consent"])
    # e-mail: the truth among the contact's addresses
    emails = s.get("emails", [])
    if truth["email"] is None:
        res["email"] = ("spurious", emails) if emails else ("none", None)
    elif stored is None:
        res["email"] = ("rejected", None)
    elif any(e[0] == truth["email"] and e[1] != "invalid" for e in emails):
        res["email"] = ("correct", emails[0][0])
    elif any(e[1] == "invalid" for e in emails):
        res["email"] = ("rejected", [e[0] for e in emails])
    elif emails:
        flagged = any(e[1] == "warning" for e in emails)
        res["email"] = ("wrong_flagged" if flagged else "wrong", [e[0] for e in emails])
    else:
        res["email"] = ("lost", None)
    if truth.get("second_email") and stored is not None:
        # "a@x.fr; b@y.fr" in one cell: the second address is the person's too
        res["email2"] = (
            ("correct", truth["second_email"])
            if any(e[0] == truth["second_email"] for e in emails)
            else ("lost", [e[0] for e in emails])
        )
    phones = s.get("phones", [])
    for kind in ("mobile", "landline"):
        want = truth[kind]
        if want is None:
            known = (truth["mobile"], truth["landline"])
            spurious = [p for p in phones if p[1] == kind and p[0] not in known]
            res[kind] = ("spurious", spurious) if spurious else ("none", None)
        elif stored is None:
            res[kind] = ("rejected", None)
        elif any(p[0] == want and p[1] == kind and p[2] != "invalid" for p in phones):
            res[kind] = ("correct", want)
        elif any(p[0] == want for p in phones):
            res[kind] = ("wrong", [p for p in phones if p[0] == want])
        elif any(p[2] == "invalid" for p in phones):
            res[kind] = ("rejected", phones)
        elif phones:
            res[kind] = ("wrong" if any(p[1] == kind for p in phones) else "lost", phones)
        else:
            res[kind] = ("lost", None)
    addrs = s.get("addresses", [])
    a = addrs[0] if addrs else None
    simple("postcode", a.postcode if a else None, truth["postcode"])
    simple("city", a.city if a else None, truth["city"], key=city_key)
    if truth["street"] is None:
        res["street"] = ("spurious", a.line1) if a is not None and a.line1 else ("none", None)
    elif stored is None:
        res["street"] = ("rejected", None)
    elif a is None or not a.line1:
        res["street"] = ("lost", None)
    else:
        norm = (a.normalised or "").split("|")[0]
        ok = any(f" {k} " in f" {fold(norm)} " for k in street_keys(truth["street"]))
        res["street"] = ("correct" if ok else "rejected" if a.verdict == "invalid" else "wrong",
                         norm or a.line1)
    return res


def run(seed: int, rows: int, examples: list[dict[str, Any]] | None) -> dict[str, Any]:
    """Build, import and score one seed; returns the figures."""
    import sqlalchemy as sa

    from carnet import Carnet
    from carnet.store import schema as s

    totals: dict[str, Counter[str]] = defaultdict(Counter)
    per_file: dict[str, dict[str, Counter[str]]] = {}
    rejected_rows = 0
    with tempfile.TemporaryDirectory() as tmp:
        for bed in build(seed, rows):
            folder = Path(tmp)
            path = write(bed, folder)
            ws = Carnet.init(f"sqlite:///{folder / (path.stem + '.db')}")
            report = ws.import_file(path, rejected_dir=folder)
            with ws.engine.connect() as conn:
                outcomes = {
                    r.row_number: r
                    for r in conn.execute(
                        sa.select(s.import_rows).where(
                            s.import_rows.c.import_id == report.import_id
                        )
                    )
                }
            counts: dict[str, Counter[str]] = defaultdict(Counter)
            for number, truth in enumerate(bed.truths, start=1):
                row = outcomes.get(number)
                stored = None
                if row is not None and row.contact_id is not None and row.outcome != "rejected":
                    stored = _stored(ws, row.contact_id)
                else:
                    rejected_rows += 1
                for name, (outcome, got) in _score_row(truth, stored).items():
                    counts[name][outcome] += 1
                    totals[name][outcome] += 1
                    if examples is not None and outcome not in ("correct", "none"):
                        raw = row.raw if row is not None else None
                        examples.append({
                            "file": bed.name, "row": number, "field": name, "outcome": outcome,
                            "truth": truth.get(name.replace("_folded", "")), "stored": _plain(got),
                            "raw": raw,
                        })
            per_file[bed.name] = counts
            ws.close()
    return {
        "seed": seed,
        "rows_per_file": rows,
        "rejected_rows": rejected_rows,
        "fields": {k: _figures(totals[k]) for k in FIELDS},
        "files": {f: {k: _figures(c[k])["accuracy"] for k in FIELDS if _figures(c[k])["n"]}
                  for f, c in per_file.items()},
    }


def _plain(value: Any) -> Any:
    if value is None or isinstance(value, (str, int, float, bool)):
        return value
    if isinstance(value, (list, tuple)):
        return [_plain(v) for v in value]
    return str(value)


def _figures(c: Counter[str]) -> dict[str, Any]:
    n = sum(v for k, v in c.items() if k not in ("none", "spurious"))

    def share(k: str) -> float | None:
        return round(c[k] / n, 4) if n else None

    return {
        "n": n,
        "accuracy": share("correct"),
        "wrong": share("wrong"),
        "flagged": share("wrong_flagged"),
        "rejected": share("rejected"),
        "lost": share("lost"),
        "spurious": c["spurious"],
    }


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--seed", type=int, action="append", help="seed(s); default 1 and 2")
    parser.add_argument("--rows", type=int, default=200, help="people per file")
    parser.add_argument("--examples", type=Path, help="write the failures (JSON) here")
    parser.add_argument("--write-only", type=Path, help="write the files and truth here, no import")
    args = parser.parse_args(argv)
    seeds = args.seed or [1, 2]
    if args.write_only:
        args.write_only.mkdir(parents=True, exist_ok=True)
        for seed in seeds:
            folder = args.write_only / f"seed{seed}"
            folder.mkdir(exist_ok=True)
            for bed in build(seed, args.rows):
                write(bed, folder)
                (folder / f"{bed.name}.truth.json").write_text(
                    json.dumps(bed.truths, ensure_ascii=False, indent=1), encoding="utf-8"
                )
        return
    examples: list[dict[str, Any]] | None = [] if args.examples else None
    results = [run(seed, args.rows, examples) for seed in seeds]
    merged: dict[str, Any] = {"seeds": seeds, "runs": results}
    if len(results) > 1:
        fields: dict[str, Any] = {}
        for k in FIELDS:
            n = sum(r["fields"][k]["n"] for r in results)
            acc = sum((r["fields"][k]["accuracy"] or 0) * r["fields"][k]["n"] for r in results)
            fields[k] = round(acc / n, 4) if n else None
        merged["accuracy"] = fields
    if args.examples and examples is not None:
        args.examples.write_text(
            json.dumps(examples, ensure_ascii=False, indent=1), encoding="utf-8"
        )
    print(json.dumps(merged, ensure_ascii=False))


if __name__ == "__main__":
    main()

