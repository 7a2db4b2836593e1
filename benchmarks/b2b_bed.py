"""An outside test bed for the import of B2B files: companies and their contacts.

Generates the files a small French B2B company keeps, with the faults people put in
them, each row with its truth; imports every file into a fresh SQLite workspace
through the library, reads back each row's contact and organisation and scores
every field. Written without reading carnet's own demo generator or the other beds,
so that it tests carnet against an independent idea of these files.

The files (one set per seed):

- ``crm_export.csv``: a CRM export (HubSpot-like English headers or
  Axonaut/Sellsy-like French ones), one row per contact with its company,
  several contacts per company;
- ``compta_clients.csv``: an accounting package's customer list, cp1252 and ``;``,
  one row per company and no person ("Raison sociale", "SIRET", "N° TVA intracom",
  "IBAN", "BIC", "Code NAF", "Forme juridique", CEDEX and BP lines, compta@ mailboxes);
- ``salon_leads.xlsx``: the lead sheet of a trade show ("Société", "Fonction",
  "Tél. direct", "Standard"), names in capitals.

Scoring, per field: ``accuracy`` is the share of rows whose truth is a value where
carnet holds that value; ``flagged`` the share of rows whose truth is "invalid"
(checksum wrong) that carnet keeps as invalid (in the contact's ``invalid_values``)
rather than dropping or storing as valid; ``lost`` the rows where carnet holds
nothing at all for a value the row gave.

Usage::

    python benchmarks/b2b_bed.py --seed 1 [--seed 2] [--companies 70] [--examples failures.json]

Prints one JSON object.
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import random
import re
import sys
import tempfile
import unicodedata
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).parent))

import b2b_bed_data as D

INVALID = "invalid"
FIELDS = (
    "org_name", "legal_form", "siren", "siret", "vat", "naf", "iban", "bic",
    "first_name", "last_name", "email", "phone", "switchboard", "job_title",
    "postcode", "city",
)


@dataclass
class Company:
    name: str  # as the company writes it, without legal form
    form: str
    siren: str
    siret: str
    vat: str
    naf: str
    iban: str
    bic: str
    street: str
    line2: str  # BP / CS line or ""
    postcode: str
    city: str
    cedex: str  # "" or the CEDEX postcode
    switchboard: str  # E.164
    domain: str
    bad_siret: bool = False
    bad_vat: bool = False
    bad_iban: bool = False


@dataclass
class Person:
    first: str
    last: str
    title: str  # as typed
    email: str
    phone: str  # E.164 direct line
    company: Company


@dataclass
class Row:
    cells: dict[str, Any]
    truth: dict[str, str | None] = field(default_factory=dict)


def _ascii(text: str) -> str:
    text = unicodedata.normalize("NFKD", text)
    return "".join(c for c in text if not unicodedata.combining(c))


def _slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", _ascii(text).lower()).strip("-")


def _local_phone(e164: str) -> str:
    return "0" + e164[3:]


def _written_phone(rng: random.Random, e164: str) -> str:
    local = _local_phone(e164)
    pairs = " ".join(local[i : i + 2] for i in range(0, 10, 2))
    return rng.choice([
        pairs, pairs, local, pairs.replace(" ", "."), "+33 " + pairs[1:],
        "+33 (0)" + pairs[1:], pairs.replace(" ", "-"),
    ])


def _new_phone(rng: random.Random, prefix: str, mobile: bool = False) -> str:
    """A metropolitan number: 06 39, 06 9x, 05 9x, 02 62/63/69 and 07 0x belong to the
    overseas regions (or to no one) and are another country code once normalised."""
    if mobile:
        prefix = rng.choice(["06", "07"])
        second = rng.choice("124578") if prefix == "06" else rng.choice("5678")
    else:
        second = rng.choice("1234578")
    return "+33" + prefix[1:] + second + "".join(str(rng.randint(0, 9)) for _ in range(7))


def make_companies(rng: random.Random, n: int) -> list[Company]:
    companies = []
    used: set[str] = set()
    while len(companies) < n:
        naf, stems = rng.choice(D.NAF_CODES)
        stem = rng.choice(stems)
        surname = rng.choice(D.SURNAMES)
        postcode, city, prefix = rng.choice(D.PLACES)
        shape = rng.random()
        if shape < 0.35:
            name = f"{stem} {surname}"
        elif shape < 0.55:
            name = f"{surname} & Fils" if rng.random() < 0.5 else f"{surname} Frères"
        elif shape < 0.75:
            name = f"{stem} {city}" if " " not in city else f"{surname} {stem}"
        else:
            name = f"{surname} {stem}"
        if name in used:
            continue
        used.add(name)
        form = rng.choice(D.LEGAL_FORMS)[0]
        siren = D.new_siren(rng)
        bank, bic = rng.choice(D.BANKS)
        cedex = ""
        line2 = ""
        if rng.random() < 0.2:
            line2 = rng.choice([f"BP {rng.randint(10, 999)}", f"CS {rng.randint(10000, 90999)}"])
            cedex = postcode[:2] + f"{rng.randint(0, 999):03d}"
            if cedex == postcode:
                cedex = postcode[:2] + "999"
        elif rng.random() < 0.1:
            line2 = rng.choice(["Bâtiment B", "ZI des Prés", "2e étage", "Parc d'activités"])
        companies.append(
            Company(
                name=name, form=form, siren=siren, siret=D.new_siret(rng, siren),
                vat=D.vat_of(siren), naf=naf, iban=D.new_iban(rng, bank), bic=bic,
                street=f"{rng.randint(1, 180)} {rng.choice(D.STREETS)}", line2=line2,
                postcode=postcode, city=city, cedex=cedex,
                switchboard=_new_phone(rng, prefix),
                domain=_slug(name.replace("&", " ")) + rng.choice([".fr", ".fr", ".com"]),
                bad_siret=rng.random() < 0.07, bad_vat=rng.random() < 0.07,
                bad_iban=rng.random() < 0.07,
            )
        )
    return companies


def make_person(rng: random.Random, company: Company, taken: set[tuple[str, str]]) -> Person:
    while True:
        first = rng.choice(D.FIRST_NAMES)[0]
        last = rng.choice(D.SURNAMES)
        if (first, last) not in taken:
            taken.add((first, last))
            break
    _, typed = rng.choice(D.JOB_TITLES)
    title = rng.choice(typed)
    local = rng.choice([
        f"{_slug(first)}.{_slug(last)}", f"{_slug(first)[0]}.{_slug(last)}",
        f"{_slug(first)}", f"{_slug(first)[0]}{_slug(last)}",
    ]).replace("-", "")
    domain = company.domain if rng.random() < 0.85 else rng.choice(D.WEBMAIL)
    if domain in D.WEBMAIL:
        local = f"{_slug(first)}.{_slug(last)}{rng.randint(1, 99)}".replace("-", "")
    prefix = company.switchboard[3:4]
    phone = _new_phone(rng, "0" + prefix, mobile=rng.random() < 0.5)
    return Person(first, last, title, f"{local}@{domain}", phone, company)


# -- how people write the company's values ------------------------------------

def written_name(rng: random.Random, c: Company) -> tuple[str, str | None]:
    """The name as written, and the legal form if the name carries it."""
    form_written = rng.choice(dict(D.LEGAL_FORMS)[c.form])
    r = rng.random()
    form: str | None = c.form
    if r < 0.2:
        text = f"{form_written} {c.name}"
    elif r < 0.4:
        text = f"{c.name} {form_written}"
    elif r < 0.45:
        text = f"{c.name} ({form_written})"
    elif r < 0.5:
        text = f"{c.name} - {form_written}"
    elif r < 0.57:
        text, form = f"Ets {c.name}", None
    elif r < 0.62:
        text, form = f"Sté {c.name}", None
    else:
        text, form = c.name, None
    if rng.random() < 0.35:
        text = text.upper()
    return text, form


def written_siret(rng: random.Random, c: Company) -> tuple[str, dict[str, str | None]]:
    """The SIRET cell and its truth (siren, siret)."""
    if c.bad_siret:
        spoiled = D.spoil_digit(rng, c.siret)
        return _group_siret(rng, spoiled), {"siret": INVALID, "siren": None}
    if rng.random() < 0.12:
        # the SIREN typed where the SIRET is asked for
        siren = c.siren
        text = rng.choice([siren, f"{siren[:3]} {siren[3:6]} {siren[6:]}"])
        return text, {"siret": None, "siren": siren}
    text = _group_siret(rng, c.siret)
    if rng.random() < 0.05:
        text = rng.choice(["SIRET : ", "Siret ", "N° SIRET "]) + text
    return text, {"siret": c.siret, "siren": c.siren}


def _group_siret(rng: random.Random, s: str) -> str:
    return rng.choice([
        s, s, f"{s[:3]} {s[3:6]} {s[6:9]} {s[9:]}", f"{s[:3]}.{s[3:6]}.{s[6:9]}.{s[9:]}",
        f"{s[:9]} {s[9:]}", f"{s[:3]} {s[3:6]} {s[6:9]} {s[9:12]} {s[12:]}",
    ])


def written_vat(rng: random.Random, c: Company) -> tuple[str, str | None]:
    if not c.bad_vat and rng.random() < 0.06:
        # the SIREN typed where the VAT number is asked for: no VAT number to score
        spaced = f"{c.siren[:3]} {c.siren[3:6]} {c.siren[6:]}"
        return rng.choice([c.siren, f"FR{c.siren}", spaced]), None
    vat = D.spoil_digit(rng, c.vat, first=2) if c.bad_vat else c.vat
    truth = INVALID if c.bad_vat else c.vat
    text = rng.choice([
        vat, vat, f"{vat[:2]} {vat[2:4]} {vat[4:7]} {vat[7:10]} {vat[10:]}", vat.lower(),
        vat[2:], f"{vat[:2]} {vat[2:]}", f"{vat[:4]} {vat[4:]}", f"TVA : {vat}",
        f"TVA intracom {vat}",
    ])
    return text, truth


def written_iban(rng: random.Random, c: Company, bic_inside: bool) -> tuple[str, str]:
    iban = D.spoil_digit(rng, c.iban, first=4) if c.bad_iban else c.iban
    truth = INVALID if c.bad_iban else c.iban
    grouped = " ".join(iban[i : i + 4] for i in range(0, len(iban), 4))
    text = rng.choice([iban, grouped, grouped, f"IBAN : {grouped}", f"IBAN: {iban}",
                       grouped.lower()])
    if bic_inside:
        text = rng.choice([f"{text} BIC {c.bic}", f"{text} / {c.bic}", f"{text} - BIC : {c.bic}"])
    return text, truth


def written_naf(rng: random.Random, c: Company) -> str:
    n = c.naf
    label = D.NAF_LABELS[n]
    return rng.choice([n, n.replace(".", ""), f"{n[:2]}{n[3:5]} {n[5]}", n.lower(),
                       n.replace(".", "").lower(), f"{n[:5]} {n[5]}",
                       f"{n.replace('.', '')} - {label}", f"{n} {label}",
                       f"{label} ({n.replace('.', '')})", f"APE {n.replace('.', '')}"])


def _company_truth(c: Company) -> dict[str, str | None]:
    return {
        "org_name": c.name, "legal_form": None, "naf": None, "vat": None, "iban": None,
        "bic": None, "siren": None, "siret": None, "switchboard": None,
    }


# -- the three files -----------------------------------------------------------

def crm_rows(
    rng: random.Random, people: list[Person], flavour: int
) -> tuple[list[str], list[Row]]:
    english = flavour != 0
    if flavour == 1:  # HubSpot-like
        headers = ["First Name", "Last Name", "Email", "Phone Number", "Job Title",
                   "Company Name", "Company Phone", "SIRET", "Street Address", "Postal Code",
                   "City", "Country/Region", "Lifecycle Stage"]
    elif flavour == 2:  # Salesforce-like contact report
        headers = ["First Name", "Last Name", "Email", "Phone", "Title", "Account Name",
                   "Account Phone", "SIRET", "Mailing Street", "Mailing Zip/Postal Code",
                   "Mailing City", "Mailing Country", "Lead Status"]
    else:
        headers = ["Prénom", "Nom", "E-mail", "Tél. direct", "Fonction", "Société",
                   "Tél. standard", "SIRET", "Adresse", "Code postal", "Ville", "Pays",
                   "Statut"]
    rows = []
    for p in people:
        c = p.company
        siret_text, ids = written_siret(rng, c)
        if rng.random() < 0.03:
            # opened and saved in Excel: the SIRET became 5.52101E+13, its digits lost
            siret_text = f"{int(c.siret[:6]) / 10**5:.5f}".rstrip("0") + "E+13"
            ids = {"siret": INVALID, "siren": None}
        postcode, city = (c.cedex, f"{c.city.upper()} CEDEX") if c.cedex else (c.postcode, c.city)
        name, form = written_name(rng, c)
        email = p.email if rng.random() < 0.8 else p.email.capitalize()
        if rng.random() < 0.08:
            email = f'"{p.first} {p.last}" <{email}>'
        values = [
            p.first, p.last.upper() if rng.random() < 0.3 else p.last, email,
            _written_phone(rng, p.phone), p.title, name,
            _written_phone(rng, c.switchboard), siret_text,
            c.street + (f", {c.line2}" if c.line2 else ""), postcode, city,
            rng.choice(["France", "FR", "france"]),
            rng.choice(["Customer", "Lead", "Opportunity"] if english
                       else ["Client", "Prospect", "Client"]),
        ]
        truth = _company_truth(c) | ids | {
            "legal_form": form,
            "first_name": p.first, "last_name": p.last, "email": p.email, "phone": p.phone,
            "switchboard": c.switchboard, "job_title": p.title, "postcode": postcode,
            "city": c.city,
        }
        rows.append(Row(dict(zip(headers, values, strict=True)), truth))
    return headers, rows


def compta_rows(rng: random.Random, companies: list[Company],
                taken: set[tuple[str, str]]) -> tuple[list[str], list[Row]]:
    headers = ["Code client", "Raison sociale", "Forme juridique", "SIRET", "N° TVA intracom",
               "Code NAF", "IBAN", "BIC", "Adresse 1", "Adresse 2", "CP", "Ville",
               "Téléphone", "E-mail", "Interlocuteur", "Conditions de règlement"]
    rows = []
    for i, c in enumerate(companies, start=1):
        siret_text, ids = written_siret(rng, c)
        vat_text, vat_truth = written_vat(rng, c)
        bic_inside = rng.random() < 0.1
        iban_text, iban_truth = written_iban(rng, c, bic_inside)
        name = c.name.upper() if rng.random() < 0.6 else c.name
        form_cell = rng.choice(dict(D.LEGAL_FORMS)[c.form])
        postcode, city = c.postcode, c.city.upper()
        if c.cedex:
            postcode, city = c.cedex, f"{c.city.upper()} CEDEX"
        postcode_cell = postcode
        if c.cedex and rng.random() < 0.4:
            postcode_cell, city = f"{c.cedex} CEDEX", c.city.upper()
        person = None
        if rng.random() < 0.4:
            person = make_person(rng, c, taken)
        mailbox = rng.choice(["compta", "contact", "factures", "comptabilite", "info"])
        values = [
            f"C{1000 + i:05d}", name, form_cell, siret_text, vat_text, written_naf(rng, c),
            iban_text, "" if bic_inside else c.bic, c.street.upper(), c.line2.upper(),
            postcode_cell, city, _written_phone(rng, c.switchboard), f"{mailbox}@{c.domain}",
            "" if person is None else rng.choice([
                f"{person.first} {person.last.upper()}", f"M. {person.first} {person.last}"
                if _gender(person.first) == "M" else f"Mme {person.first} {person.last}",
                f"{person.last.upper()} {person.first}"]),
            rng.choice(["30 jours fin de mois", "45 jours", "À réception", "60 jours net"]),
        ]
        truth = _company_truth(c) | ids | {
            "legal_form": c.form, "vat": vat_truth, "naf": c.naf, "iban": iban_truth,
            "bic": c.bic, "email": f"{mailbox}@{c.domain}", "switchboard": c.switchboard,
            "postcode": postcode, "city": c.city,
        }
        if person is not None:
            truth |= {"first_name": person.first, "last_name": person.last}
        rows.append(Row(dict(zip(headers, values, strict=True)), truth))
    return headers, rows


def row_cells_direct(headers: list[str], values: list[Any]) -> bool:
    """True when the row gives the person's direct line."""
    return bool(values[headers.index("Tél. direct")])


def _gender(first: str) -> str:
    return dict(D.FIRST_NAMES).get(first, "M")


def salon_rows(rng: random.Random, people: list[Person]) -> tuple[list[str], list[Row]]:
    headers = ["Société", "SIRET", "Civilité", "NOM", "Prénom", "Fonction", "Tél. direct",
               "Standard", "E-mail", "CP", "Ville", "Intérêt", "Commentaire"]
    if rng.random() < 0.5:
        # the switchboard column before the direct line
        headers[6], headers[7] = headers[7], headers[6]
    rows = []
    for p in people:
        c = p.company
        civ = ""
        for first, gender in D.FIRST_NAMES:
            if first == p.first:
                civ = rng.choice(["M.", "Monsieur", "M"] if gender == "M" else ["Mme", "Madame"])
        name, form = written_name(rng, c)
        siret: str | int = ""
        ids: dict[str, str | None] = {}
        if rng.random() < 0.5:
            # typed into a number cell: the workbook holds 73282932000074 as a number
            siret, ids = int(c.siret), {"siret": c.siret, "siren": c.siren}
        switchboard = _written_phone(rng, c.switchboard)
        if rng.random() < 0.15:
            switchboard = rng.choice(["Std : ", "Standard ", "Accueil : "]) + switchboard
        direct: str | int = _written_phone(rng, p.phone) if rng.random() < 0.85 else ""
        if direct and rng.random() < 0.15:
            direct = int(_local_phone(p.phone))  # a number cell: the leading 0 is gone
        if headers[6] == "Standard":
            direct, switchboard = switchboard, direct
        values = [
            name, siret, civ, p.last.upper(), p.first, p.title, direct,
            switchboard, p.email, int(c.postcode) if rng.random() < 0.5 else c.postcode,
            c.city.upper(),
            rng.choice(["Fort", "Moyen", "Faible", ""]),
            rng.choice(["Rappeler en janvier", "Veut un devis", "", "", "Vu sur le stand"]),
        ]
        truth = _company_truth(c) | ids | {
            "legal_form": form,
            "first_name": p.first, "last_name": p.last, "email": p.email,
            "phone": p.phone if row_cells_direct(headers, values) else None,
            "switchboard": c.switchboard,
            "job_title": p.title, "postcode": c.postcode, "city": c.city,
        }
        rows.append(Row(dict(zip(headers, values, strict=True)), truth))
    return headers, rows


def generate(seed: int, out: Path, size: int = 70) -> dict[str, list[Row]]:
    """Write the three files of ``size`` companies (the CRM knows the first 9/14 of them,
    the accountant the middle 4/7, the trade show the last 4/7) and return their rows."""
    rng = random.Random(seed)
    companies = make_companies(rng, size)
    taken: set[tuple[str, str]] = set()
    crm_people: list[Person] = []
    for c in companies[: size * 9 // 14]:
        for _ in range(rng.choice([1, 1, 2, 3])):
            crm_people.append(make_person(rng, c, taken))
    rng.shuffle(crm_people)
    salon_people = [
        make_person(rng, rng.choice(companies[size * 3 // 7 :]), taken)
        for _ in range(size * 9 // 14)
    ]
    files: dict[str, list[Row]] = {}
    headers, rows = crm_rows(rng, crm_people, flavour=seed % 3)
    _write_csv(out / "crm_export.csv", headers, rows, "utf-8", ",")
    files["crm_export.csv"] = rows
    headers, rows = compta_rows(rng, companies[size * 2 // 7 : size * 6 // 7], taken)
    _write_csv(out / "compta_clients.csv", headers, rows, "cp1252", ";")
    files["compta_clients.csv"] = rows
    headers, rows = salon_rows(rng, salon_people)
    _write_xlsx(out / "salon_leads.xlsx", headers, rows)
    files["salon_leads.xlsx"] = rows
    return files


def _write_csv(path: Path, headers: list[str], rows: list[Row], encoding: str, sep: str) -> None:
    with path.open("w", encoding=encoding, newline="") as fh:
        writer = csv.writer(fh, delimiter=sep, lineterminator="\r\n")
        writer.writerow(headers)
        for row in rows:
            writer.writerow([row.cells[h] for h in headers])


def _write_xlsx(path: Path, headers: list[str], rows: list[Row]) -> None:
    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    assert ws is not None
    ws.title = "Leads salon"
    ws.append(["Salon des entrepreneurs — leads"])  # a title line above the headers
    ws.append(headers)
    for row in rows:
        ws.append([row.cells[h] for h in headers])  # type: ignore[misc]
    wb.save(path)


# -- reading back --------------------------------------------------------------

def _fold(text: str | None) -> str:
    return re.sub(r"[^a-z0-9]+", " ", _ascii(text or "").lower()).strip()


def _city_key(text: str | None) -> str:
    return re.sub(r"\bcedex\b.*$", "", _fold(text)).strip()


def read_back(ws: Any, import_id: int) -> dict[int, dict[str, Any]]:
    """row number → what carnet holds for that row's contact and organisation."""
    import sqlalchemy as sa

    from carnet.fields.organisation import legal_form
    from carnet.store import schema as s

    out: dict[int, dict[str, Any]] = {}
    with ws.engine.connect() as conn:
        rows = conn.execute(
            sa.select(s.import_rows.c.row_number, s.import_rows.c.contact_id,
                      s.import_rows.c.outcome).where(s.import_rows.c.import_id == import_id)
        ).all()
        for number, contact_id, outcome in rows:
            got: dict[str, Any] = {"outcome": outcome}
            out[number] = got
            if contact_id is None:
                continue
            contact = conn.execute(
                sa.select(s.contacts).where(s.contacts.c.id == contact_id)
            ).mappings().one()
            while contact["merged_into_id"] is not None:
                contact = conn.execute(
                    sa.select(s.contacts).where(s.contacts.c.id == contact["merged_into_id"])
                ).mappings().one()
            attrs = contact["attributes"] or {}
            got["invalid"] = attrs.get("invalid_values") or {}
            got["first_name"] = contact["first_name"]
            got["last_name"] = contact["last_name"]
            got["job_title"] = contact["job_title"]
            got["attributes"] = attrs
            if contact["iban_ciphertext"] and ws._cipher is not None:
                got["iban"] = ws._cipher.decrypt(contact["iban_ciphertext"])
            points = conn.execute(
                sa.select(s.contact_points).where(s.contact_points.c.contact_id == contact["id"])
            ).mappings().all()
            got["emails"] = [p["normalised"] for p in points if p["kind"] == "email"]
            got["phones"] = [p["normalised"] for p in points if p["kind"] == "phone"]
            got["primary_phone"] = next(
                (p["normalised"] for p in points if p["kind"] == "phone" and p["is_primary"]),
                None,
            )
            got["addresses"] = [
                (p["postcode"], p["city"]) for p in points if p["kind"] == "address"
            ]
            org = None
            if contact["organisation_id"] is not None:
                org = conn.execute(
                    sa.select(s.organisations).where(
                        s.organisations.c.id == contact["organisation_id"])
                ).mappings().one()
                while org["merged_into_id"] is not None:
                    org = conn.execute(
                        sa.select(s.organisations).where(
                            s.organisations.c.id == org["merged_into_id"])
                    ).mappings().one()
            if org is not None:
                oattrs = org["attributes"] or {}
                got.update(
                    org_name=org["name"], siren=org["siren"], siret=org["siret"],
                    vat=org["vat_number"], naf=org["naf_code"], org_attributes=oattrs,
                    legal_form=legal_form(org["name"]),
                    # the organisation's own column, where carnet has one
                    org_legal_form=org.get("legal_form"),
                )
                if org["postcode"]:
                    got["addresses"].append((org["postcode"], org["city"]))
                for key, value in oattrs.items():
                    if "phone" in key or "standard" in key or "telephone" in key:
                        got["phones"].append(str(value))
    return out


def _held(name: str, got: dict[str, Any]) -> list[str]:
    """Every value carnet holds that could stand for the field."""
    attrs = {**got.get("org_attributes", {}), **got.get("attributes", {})}
    if name == "phone":
        # the person's direct line must be their primary phone, not the switchboard
        return [str(got["primary_phone"])] if got.get("primary_phone") else []
    if name == "switchboard":
        return [str(p) for p in got.get("phones", []) if p]
    if name == "email":
        return [e for e in got.get("emails", []) if e]
    if name == "postcode":
        return [pc for pc, _ in got.get("addresses", []) if pc]
    if name == "city":
        return [city for _, city in got.get("addresses", []) if city]
    if name == "legal_form":
        forms = [got.get("org_legal_form"), got.get("legal_form")] + [
            v for k, v in attrs.items() if "forme" in k or "legal" in k
        ]
        return [str(f) for f in forms if f]
    if name == "bic":
        return [str(v) for k, v in attrs.items() if "bic" in k.lower()]
    value = got.get(name)
    return [str(value)] if value else []


def _same(name: str, truth: str, held: str) -> bool:
    from carnet.fields.organisation import name_key

    if name == "org_name":
        return name_key(truth) == name_key(held)
    if name == "city":
        return _city_key(truth) == _city_key(held)
    if name == "legal_form":
        return _fold(truth).replace(" ", "") == _fold(held).replace(" ", "")
    if name in ("first_name", "last_name", "job_title"):
        return truth == held
    return truth.upper() == held.upper()


_INVALID_KEYS = {"siret": "siret", "siren": "siren", "vat": "vat_number", "iban": "iban"}


def score(files: dict[str, list[Row]], readings: dict[str, dict[int, dict[str, Any]]],
          offsets: dict[str, int]) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    tally: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    failures = []
    for file_name, rows in files.items():
        got_rows = readings[file_name]
        for i, row in enumerate(rows):
            got = got_rows.get(i + offsets[file_name], {})
            for name in FIELDS:
                truth = row.truth.get(name)
                if truth is None:
                    continue
                t = tally[name]
                held = _held(name, got)
                if truth == INVALID:
                    t["invalid_total"] += 1
                    flagged = _INVALID_KEYS.get(name) in got.get("invalid", {})
                    if flagged:
                        t["flagged"] += 1
                    else:
                        failures.append({"file": file_name, "row": i + 1, "field": name,
                                         "truth": truth, "held": held, "cells": row.cells,
                                         "invalid": got.get("invalid")})
                    continue
                t["total"] += 1
                if any(_same(name, truth, h) for h in held):
                    t["equal"] += 1
                    continue
                if not held:
                    t["lost"] += 1
                failures.append({"file": file_name, "row": i + 1, "field": name, "truth": truth,
                                 "held": held, "cells": row.cells,
                                 "outcome": got.get("outcome"), "invalid": got.get("invalid")})
    result: dict[str, Any] = {}
    for name in FIELDS:
        t = tally.get(name)
        if not t:
            continue
        entry: dict[str, Any] = {}
        if t["total"]:
            entry.update(n=t["total"], accuracy=round(t["equal"] / t["total"], 3),
                         lost=round(t["lost"] / t["total"], 3))
        if t["invalid_total"]:
            entry.update(invalid_n=t["invalid_total"],
                         flagged=round(t["flagged"] / t["invalid_total"], 3))
        result[name] = entry
    return result, failures


def run_seed(
    seed: int, work: Path, size: int = 70
) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    from carnet import Carnet

    out = work / f"seed{seed}"
    out.mkdir(parents=True, exist_ok=True)
    files = generate(seed, out, size)
    db = out / "carnet.db"
    db.unlink(missing_ok=True)  # a fresh workspace for every run
    url = f"sqlite:///{db}"
    ws = Carnet.init(url, profile="b2b")
    readings, offsets, counts = {}, {}, {}
    for file_name in files:
        report = ws.import_file(out / file_name, source=file_name.split(".")[0])
        readings[file_name] = read_back(ws, report.import_id)
        numbers = sorted(readings[file_name])
        offsets[file_name] = numbers[0] if numbers else 1
        counts[file_name] = {"rows": len(files[file_name]), "read": len(numbers)}
    ws.close()
    result, failures = score(files, readings, offsets)
    for f in failures:
        f["seed"] = seed
    return {"files": counts, "fields": result}, failures


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seed", type=int, action="append")
    parser.add_argument("--companies", type=int, default=70, help="companies per seed")
    parser.add_argument("--examples", type=Path, help="write every failure to this JSON file")
    parser.add_argument("--keep", type=Path, help="write the files here instead of a temp dir")
    args = parser.parse_args()
    os.environ.setdefault("CARNET_ENCRYPTION_KEY", "b2b-bed-key-0123456789")
    os.environ.setdefault("CARNET_SECRET_KEY", "b2b-bed-secret-0123456789")
    seeds = args.seed or [1, 2]
    work = args.keep or Path(tempfile.mkdtemp(prefix="b2b_bed_"))
    all_failures: list[dict[str, Any]] = []
    per_seed = {}
    totals: dict[str, dict[str, float]] = defaultdict(lambda: defaultdict(float))
    for seed in seeds:
        result, failures = run_seed(seed, work, args.companies)
        per_seed[seed] = result
        all_failures += failures
        for name, entry in result["fields"].items():
            t = totals[name]
            t["n"] += entry.get("n", 0)
            t["equal"] += entry.get("accuracy", 0) * entry.get("n", 0)
            t["lost"] += entry.get("lost", 0) * entry.get("n", 0)
            t["invalid_n"] += entry.get("invalid_n", 0)
            t["flagged"] += entry.get("flagged", 0) * entry.get("invalid_n", 0)
    fields = {}
    for name, t in totals.items():
        entry = {}
        if t["n"]:
            entry.update(n=int(t["n"]), accuracy=round(t["equal"] / t["n"], 3),
                         lost=round(t["lost"] / t["n"], 3))
        if t["invalid_n"]:
            entry.update(invalid_n=int(t["invalid_n"]),
                         flagged=round(t["flagged"] / t["invalid_n"], 3))
        fields[name] = entry
    equal = sum(t["equal"] for t in totals.values())
    n = sum(t["n"] for t in totals.values())
    print(json.dumps({"seeds": seeds, "overall_accuracy": round(equal / n, 3) if n else None,
                      "fields": fields,
                      "files": {s: r["files"] for s, r in per_seed.items()}},
                     ensure_ascii=False))
    if args.examples:
        args.examples.write_text(json.dumps(all_failures, ensure_ascii=False, indent=1,
                                            default=str))


if __name__ == "__main__":
    main()
