"""The writers of the demo files, one function per source.

Each writer takes the persons assigned to its source, draws the row-level
details (dates, products, notes ...) from its own random stream, injects the
faults through a :class:`~carnet.demo.faults.Faults`, writes the file in the
source's encoding and layout, and returns the person id of every data row in
order, for ``truth.csv``. Writers depend only on the population, the plan and
their own stream, so they can run in any order or in parallel processes and
still give the same bytes. Layouts are documented in ``docs/demo-data.md``.
"""

from __future__ import annotations

import csv
from array import array
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from random import Random
from typing import TYPE_CHECKING, Final, TextIO

from carnet.demo import tables
from carnet.demo.dates import (
    REFERENCE_DATE,
    REFERENCE_ORDINAL,
    fr_date,
    fr_datetime,
    iso_date,
    iso_datetime_utc,
    naive_datetime,
    ordinal,
)
from carnet.demo.faults import FAULT_RATES, Faults, Tally
from carnet.demo.identifiers import spoil_check_digit
from carnet.demo.people import Population
from carnet.demo.pools import Weighted, pick
from carnet.demo.xlsx import CellValue, XlsxWriter

if TYPE_CHECKING:
    from _csv import Writer

__all__ = [
    "CRM_HEADER",
    "ESHOP_HEADER",
    "EVENT_HEADER",
    "GUEST_ORDER_SHARE",
    "NEWSLETTER_HEADER",
    "ORDER_BUYER_SHARE",
    "ORDER_HEADER",
    "SURVEY_HEADER",
    "WRITERS",
    "Plan",
    "plan_eshop",
]

ESHOP_HEADER: Final = (
    "Civilité", "Prénom", "Nom", "E-mail", "Téléphone", "Adresse", "Code postal", "Ville", "Pays",
    "Date de naissance", "Date d'inscription", "Client depuis", "N° client", "Optin newsletter",
)  # fmt: skip
EVENT_HEADER: Final = (
    "First name", "Last name", "Email", "Mobile", "Company", "Job title", "Event",
    "Registered at", "Attended",
)  # fmt: skip
CRM_HEADER: Final = (
    "Nom complet", "Raison sociale", "SIRET", "N° TVA intracom.", "Code NAF", "Secteur",
    "Effectif", "Fonction", "Téléphone", "E-mail", "Adresse", "Code postal", "Ville", "Notes",
    "Dernier contact",
)  # fmt: skip
SURVEY_HEADER: Final = (
    "Horodateur",
    "Adresse e-mail",
    "Prénom",
    "Sur une échelle de 0 à 10, quelle est la probabilité que vous recommandiez "
    "notre boutique à un proche ?",
    "Un commentaire ?",
    "Je participe au jeu concours",
)
ORDER_HEADER: Final = (
    "order_id", "customer_number", "email", "order_date", "sku", "product_name", "quantity",
    "unit_price", "line_total",
)  # fmt: skip
NEWSLETTER_HEADER: Final = (
    "email", "first_name", "opt_in_at", "source", "ip_address", "double_opt_in", "confirmed_at",
    "unsubscribed_at",
)  # fmt: skip

ORDER_BUYER_SHARE: Final = 0.70
"""Share of e-shop customer accounts that placed at least one order."""
GUEST_ORDER_SHARE: Final = 0.08
"""Share of orders written with an e-mail but no customer number (guest checkout)."""

_ESHOP_OPENED: Final = ordinal(2012, 1, 1)
_THREE_YEARS_AGO: Final = REFERENCE_DATE.replace(year=REFERENCE_DATE.year - 3).toordinal()
_CHUNK: Final = 20_000
_LOW: Final = 0xFFFFFFFF


@dataclass
class Plan:
    """What the writers share: the population, the appearances, the e-shop accounts.

    Attributes:
        out_dir: where the files go.
        seed: the generation seed.
        population: the true population.
        appearances: source → person indices (``~index`` for a duplicate).
        cities: every real (postcode, city) pair, for the city-mismatch fault.
        accounts: e-shop accounts in registration order: (registration day, person index).
        orders: planned orders sorted by time, each ``(day × 86400 + second) << 32 |
            account position`` (see ``_order``).
    """

    out_dir: Path
    seed: int
    population: Population
    appearances: dict[str, array[int]]
    cities: tuple[tuple[str, str], ...]
    accounts: list[tuple[int, int]] = field(default_factory=list)
    orders: list[int] = field(default_factory=list)

    def faults(self, source: str, tally: Tally) -> Faults:
        """The fault injector of one source, with that source's random stream."""
        return Faults(Random(f"carnet-demo:{self.seed}:{source}"), tally, self.cities)


def _appearances(indices: array[int]) -> Iterator[tuple[int, bool]]:
    for code in indices:
        if code < 0:
            yield ~code, True
        else:
            yield code, False


def _csv_writer(handle: TextIO, delimiter: str, lineterminator: str = "\r\n") -> Writer:
    return csv.writer(handle, delimiter=delimiter, lineterminator=lineterminator)


_CIVILITY_MALE: Final = Weighted(tables.CIVILITIES_MALE)
_CIVILITY_FEMALE: Final = Weighted(tables.CIVILITIES_FEMALE)
_COUNTRY_LABELS: Final = {code: Weighted(labels) for code, labels in tables.COUNTRY_LABELS.items()}
_CP1252_OK: dict[str, bool] = {}


def _encodable(text: str) -> bool:
    known = _CP1252_OK.get(text)
    if known is None:
        try:
            text.encode("cp1252")
            known = True
        except UnicodeEncodeError:
            known = False
        _CP1252_OK[text] = known
    return known


# --- e-shop ------------------------------------------------------------------


def plan_eshop(plan: Plan) -> None:
    """Draw the e-shop accounts (registration days) and their orders into ``plan``.

    Runs before the writers because both ``eshop_customers.csv`` ("Client
    depuis", "N° client") and ``order_lines.csv`` need them.
    """
    rng = Random(f"carnet-demo:{plan.seed}:eshop-plan")
    random = rng.random
    # Sorting plain integers is several times faster than sorting tuples:
    # keys are (day << 32 | appearance number) and (time << 32 | account position).
    keys: list[int] = []
    people: list[int] = []
    span = REFERENCE_ORDINAL - _ESHOP_OPENED
    last_day = _ESHOP_OPENED
    for index, duplicate in _appearances(plan.appearances.get("eshop_customers", array("q"))):
        if duplicate:  # a re-registration, some time after the first account
            day = min(REFERENCE_ORDINAL - 1, last_day + 30 + int(random() * 1500))
        else:
            day = _ESHOP_OPENED + int(random() * span)
        last_day = day
        keys.append(day << 32 | len(people))
        people.append(index)
    keys.sort()
    accounts = [(key >> 32, people[key & _LOW]) for key in keys]
    orders: list[int] = []
    for position, (day, _index) in enumerate(accounts):
        if random() >= ORDER_BUYER_SHARE:
            continue
        count = 1
        while count < 30 and random() < 0.55:
            count += 1
        days = REFERENCE_ORDINAL - day
        for _ in range(count):
            moment = (day + int(random() * days)) * 86400 + int(random() * 86400)
            orders.append(moment << 32 | position)
    orders.sort()
    plan.accounts = accounts
    plan.orders = orders


def _order(key: int) -> tuple[int, int, int]:
    """Day, second of the day and account position of a planned order."""
    day, seconds = divmod(key >> 32, 86400)
    return day, seconds, key & _LOW


def _customer_number(position: int) -> str:
    return str(10001 + position)


def write_eshop(plan: Plan, tally: Tally) -> list[str]:
    """Write ``eshop_customers.csv`` (cp1252, ``;``, CRLF)."""
    faults = plan.faults("eshop_customers", tally)
    rng = faults.rng
    random = rng.random
    first_order: dict[int, int] = {}
    for key in plan.orders:
        first_order.setdefault(key & _LOW, (key >> 32) // 86400)
    persons = plan.population.persons
    france = _COUNTRY_LABELS["FR"]
    pids: list[str] = []
    path = plan.out_dir / "eshop_customers.csv"
    with path.open("w", encoding="cp1252", errors="replace", newline="") as handle:
        writer = _csv_writer(handle, ";")
        writer.writerow(ESHOP_HEADER)
        chunk: list[list[str]] = []
        for position, (day, index) in enumerate(plan.accounts):
            person = persons[index]
            pids.append(person.pid)
            civility = (_CIVILITY_FEMALE if person.female else _CIVILITY_MALE).pick(rng)
            first, last = faults.names(
                person.first_name, person.last_name, person.maiden_name, swappable=True
            )
            if not (_encodable(first) and _encodable(last)):
                tally.note("cp1252_replaced")
            if person.work_email and random() < 0.1:
                email = faults.email(person.work_email)
            else:
                email = faults.email(faults.choose_personal_email(person.email, person.old_email))
            phone = ""
            draw = random()
            if draw < 0.85:
                if person.landline and (draw < 0.17 or not person.mobile):
                    phone = faults.phone(person.landline)
                elif person.mobile:
                    phone = faults.phone(faults.choose_mobile(person.mobile, person.old_mobile))
            address = faults.choose_address(person.address, person.old_address)
            if address.country == "FR":
                street, postcode, city = faults.postal(
                    address.street, address.postcode, address.city, excel=True
                )
                country = france.pick(rng)
            else:
                street, postcode, city = address.street, address.postcode, address.city
                country = _COUNTRY_LABELS[address.country].pick(rng)
            ordered = first_order.get(position)
            row = [
                civility,
                first,
                last,
                email,
                phone,
                street,
                postcode,
                city,
                country,
                fr_date(person.birth) if random() < 0.55 else "",
                fr_date(day),
                fr_date(ordered) if ordered is not None else "",
                _customer_number(position),
                "Oui" if random() < 0.45 else "Non",
            ]
            faults.strip_accents(row, (1, 2, 5, 7))
            chunk.append(row)
            if len(chunk) >= _CHUNK:
                writer.writerows(chunk)
                chunk.clear()
        writer.writerows(chunk)
    return pids


# --- orders ------------------------------------------------------------------


def _products(rng: Random) -> list[tuple[str, str, int]]:
    products: list[tuple[str, str, int]] = []
    for family, names, low, high in tables.PRODUCT_FAMILIES:
        for name in names:
            if family in ("AC", "CO"):
                sizes: tuple[str, ...] = ("",)
            else:
                sizes = tuple(s for s in tables.PRODUCT_SIZES if s and rng.random() < 0.5)
            for size in sizes or ("100 g",):
                price = (low + int(rng.random() * (high - low))) // 100 * 100 + 90
                label = f"{name} {size}".strip()
                products.append((f"{family}-{len(products) + 1001}", label, price))
    return products


def write_orders(plan: Plan, tally: Tally) -> list[str]:
    """Write ``order_lines.csv`` (UTF-8, ``;``, LF) from the planned orders."""
    faults = plan.faults("order_lines", tally)
    rng = faults.rng
    random = rng.random
    products = _products(rng)
    popularity = Weighted((index, 1.0 / (index + 3)) for index in range(len(products)))
    pick_product = popularity.pick
    comma_rate = FAULT_RATES["price_decimal_comma"]
    # (product, promotion, quantity, comma) -> the last five columns of a line
    tails: dict[tuple[int, bool, int, bool], tuple[str, ...]] = {}
    with_comma = 0
    persons = plan.population.persons
    accounts = plan.accounts
    pids: list[str] = []
    path = plan.out_dir / "order_lines.csv"
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = _csv_writer(handle, ";", "\n")
        writer.writerow(ORDER_HEADER)
        chunk: list[tuple[str, ...]] = []
        for number, key in enumerate(plan.orders):
            day, seconds, position = _order(key)
            person = persons[accounts[position][1]]
            pid = person.pid
            hours, rest = divmod(seconds, 3600)
            when = f"{iso_date(day)} {hours:02d}:{rest // 60:02d}:{rest % 60:02d}"
            draw = random()
            if draw < GUEST_ORDER_SHARE:
                head = (f"CMD-{200001 + number}", "", faults.email(person.email), when)
            else:
                email = person.email if draw < 0.6 else ""
                head = (f"CMD-{200001 + number}", _customer_number(position), email, when)
            lines = 1
            while lines < 8 and random() < 0.5:
                lines += 1
            seen: set[int] = set()
            for _ in range(lines):
                product = pick_product(rng)
                if product in seen:
                    continue
                seen.add(product)
                promotion = random() < 0.05
                draw = random()
                quantity = 1 if draw < 0.7 else 2 if draw < 0.9 else 3 + int(random() * 3)
                comma = random() < comma_rate
                with_comma += comma
                variant = (product, promotion, quantity, comma)
                tail = tails.get(variant)
                if tail is None:
                    sku, label, price = products[product]
                    if promotion:
                        price = price * 9 // 10
                    total = price * quantity
                    tail = tails[variant] = (
                        sku, label, str(quantity), _money(price, comma), _money(total, comma),
                    )  # fmt: skip
                chunk.append(head + tail)
                pids.append(pid)
            if len(chunk) >= _CHUNK:
                writer.writerows(chunk)
                chunk.clear()
        writer.writerows(chunk)
    tally.add("price_decimal_comma", len(pids), with_comma)
    return pids


def _money(cents: int, comma: bool) -> str:
    text = f"{cents // 100}.{cents % 100:02d}"
    return text.replace(".", ",") if comma else text


# --- event sheet -------------------------------------------------------------


def _company_label(rng: Random, name: str, short: str) -> str:
    draw = rng.random()
    if draw < 0.5:
        return short
    if draw < 0.8:
        return name
    if draw < 0.9:
        return name.upper()
    if draw < 0.95:
        return short.lower()
    return short.replace(" et ", " & ")


def write_events(plan: Plan, tally: Tally) -> list[str]:
    """Write ``event_signups.xlsx`` (one sheet, English headers, mixed date cells)."""
    faults = plan.faults("event_signups", tally)
    rng = faults.rng
    random = rng.random
    persons = plan.population.persons
    companies = plan.population.companies
    events = Weighted(
        ((name, ordinal(year, month, day)), float(weight))
        for name, year, month, day, weight in tables.EVENTS
    )
    keys: list[int] = []
    payloads: list[tuple[int, str, int]] = []
    for index, _duplicate in _appearances(plan.appearances.get("event_signups", array("q"))):
        event, event_day = events.pick(rng)
        moment = (event_day - 1 - int(random() * 60)) * 86400 + 28800 + int(random() * 50400)
        keys.append(moment << 32 | len(payloads))
        payloads.append((index, event, event_day))
    keys.sort()
    text_rate = FAULT_RATES["date_as_text"]
    as_text = 0
    pids: list[str] = []
    path = plan.out_dir / "event_signups.xlsx"
    with XlsxWriter(path, "Registrations", len(EVENT_HEADER), rows=len(keys) + 1) as sheet:
        sheet.append(EVENT_HEADER)
        for key in keys:
            day, seconds = divmod(key >> 32, 86400)
            index, event, event_day = payloads[key & _LOW]
            person = persons[index]
            pids.append(person.pid)
            first, last = faults.names(
                person.first_name, person.last_name, person.maiden_name, swappable=True
            )
            if person.work_email and random() < 0.75:
                email = person.work_email
            else:
                email = faults.choose_personal_email(person.email, person.old_email)
            email = faults.email(email) if random() < 0.98 else ""
            mobile: CellValue = ""
            if person.mobile and random() < 0.8:
                text = faults.phone(faults.choose_mobile(person.mobile, person.old_mobile))
                # Typed into Excel without a leading 0 or +: it became a number.
                mobile = int(text) if text.isdigit() and text[0] != "0" else text
            if person.company >= 0:
                company = companies[person.company]
                company_cell = _company_label(rng, company.name, company.short_name)
                job = person.job_title
            else:
                draw = random()
                company_cell = "" if draw < 0.85 else "Particulier" if draw < 0.95 else "-"
                job = person.job_title if random() < 0.5 else ""
            registered: CellValue
            if random() < text_rate:
                as_text += 1
                draw = random()
                if draw < 0.5:
                    registered = fr_datetime(day, seconds, with_seconds=False)
                elif draw < 0.8:
                    registered = fr_date(day)
                else:
                    registered = iso_date(day)
            else:
                registered = naive_datetime(day, seconds)
            attended = ""
            if event_day <= REFERENCE_ORDINAL:
                attended = "Yes" if random() < 0.7 else "No"
            names = [first, last]
            faults.strip_accents(names, (0, 1))
            sheet.append(
                [names[0], names[1], email, mobile, company_cell, job, event, registered, attended]
            )
    tally.add("date_as_text", len(pids), as_text)
    return pids


# --- old CRM -----------------------------------------------------------------

_FULL_NAME_STYLES: Final = Weighted(
    [(0, 40), (1, 30), (2, 10), (3, 12), (4, 5), (5, 3)]
)  # LAST First, First Last, First LAST, Civ First Last, Last, First, Civ LAST First


def _full_name(style: int, first: str, last: str, female: bool) -> str:
    if style == 0:
        return f"{last.upper()} {first}"
    if style == 1:
        return f"{first} {last}"
    if style == 2:
        return f"{first} {last.upper()}"
    if style == 4:
        return f"{last}, {first}"
    civility = "Mme" if female else "M."
    if style == 3:
        return f"{civility} {first} {last}"
    return f"{civility} {last.upper()} {first}"


def write_crm(plan: Plan, tally: Tally) -> list[str]:
    """Write ``old_crm.csv`` (UTF-8, ``,``, CRLF; one full-name column, B2B fields)."""
    faults = plan.faults("old_crm", tally)
    rng = faults.rng
    random = rng.random
    roll = tally.roll
    persons = plan.population.persons
    companies = plan.population.companies
    planned = [
        (companies[persons[index].company].short_name.lower(), index)
        for index, _duplicate in _appearances(plan.appearances.get("old_crm", array("q")))
        if persons[index].company >= 0
    ]
    planned.sort(key=lambda entry: entry[0])
    pids: list[str] = []
    path = plan.out_dir / "old_crm.csv"
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = _csv_writer(handle, ",")
        writer.writerow(CRM_HEADER)
        chunk: list[list[str]] = []
        for _key, index in planned:
            person = persons[index]
            company = companies[person.company]
            pids.append(person.pid)
            first, last = faults.first_and_last(
                person.first_name, person.last_name, person.maiden_name
            )
            style = _FULL_NAME_STYLES.pick(rng)
            full_name = faults.case(_full_name(style, first, last, person.female))
            siret = ""
            if random() < 0.92:
                siret = company.siret
                if roll("siret_bad_checksum", rng):
                    siret = spoil_check_digit(rng, siret)
                if random() < 0.25:
                    siret = f"{siret[:3]} {siret[3:6]} {siret[6:9]} {siret[9:]}"
            vat = ""
            if random() < 0.7:
                vat = company.vat if random() < 0.8 else f"FR {company.vat[2:4]} {company.vat[4:]}"
            draw = random()
            if draw < 0.65:
                naf = company.naf_code
            else:
                naf = company.naf_code.replace(".", "") if draw < 0.95 else ""
            title = person.job_title
            variants = tables.JOB_TITLE_VARIANTS.get(title)
            if variants and random() < 0.3:
                title = pick(rng, variants)
            draw = random()
            if draw < 0.55 and person.mobile:
                phone = faults.phone(faults.choose_mobile(person.mobile, person.old_mobile))
            elif draw < 0.9:
                phone = faults.phone(company.switchboard)
            else:
                phone = ""
            if roll("generic_company_email", rng):
                email = f"{pick(rng, tables.GENERIC_COMPANY_MAILBOXES)}@{company.domain}"
            else:
                draw = random()
                if draw < 0.85:
                    email = person.work_email
                elif draw < 0.93:
                    email = faults.choose_personal_email(person.email, person.old_email)
                else:
                    email = ""
            email = faults.email(email)
            address = company.address
            street, postcode, city = faults.postal(
                address.street, address.postcode, address.city, excel=True
            )
            notes = ""
            if random() < 0.35:
                notes = pick(rng, tables.CRM_NOTES)
                if random() < 0.1:
                    notes += " / " + pick(rng, tables.CRM_NOTES)
            if roll("inactive_3y", rng):
                low, high = _THREE_YEARS_AGO - 7 * 365, _THREE_YEARS_AGO
            else:
                low, high = _THREE_YEARS_AGO, REFERENCE_ORDINAL + 1
            row = [
                full_name, company.name, siret, vat, naf, company.sector, company.size_band,
                title, phone, email, street, postcode, city, notes,
                iso_date(low + int(random() * (high - low))),
            ]  # fmt: skip
            faults.strip_accents(row, (0, 10, 12))
            chunk.append(row)
            if len(chunk) >= _CHUNK:
                writer.writerows(chunk)
                chunk.clear()
        writer.writerows(chunk)
    return pids


# --- survey ------------------------------------------------------------------

_NPS: Final = Weighted(enumerate((3, 1, 2, 2, 3, 5, 7, 12, 20, 22, 23)))


def write_survey(plan: Plan, tally: Tally) -> list[str]:
    """Write ``survey_answers.csv`` (UTF-8 with BOM, ``,``, CRLF; a Google Forms export)."""
    faults = plan.faults("survey_answers", tally)
    rng = faults.rng
    random = rng.random
    persons = plan.population.persons
    start = (REFERENCE_ORDINAL - 900) * 86400
    keys = sorted(
        (start + int(random() * 900 * 86400)) << 32 | index
        for index, _duplicate in _appearances(plan.appearances.get("survey_answers", array("q")))
    )
    pids: list[str] = []
    path = plan.out_dir / "survey_answers.csv"
    with path.open("w", encoding="utf-8-sig", newline="") as handle:
        writer = _csv_writer(handle, ",")
        writer.writerow(SURVEY_HEADER)
        chunk: list[list[str]] = []
        for key in keys:
            day, seconds = divmod(key >> 32, 86400)
            person = persons[key & _LOW]
            pids.append(person.pid)
            first = faults.first_and_last(person.first_name, person.last_name, "")[0]
            first = faults.case(first)
            email = ""
            if random() < 0.92:
                if person.work_email and random() < 0.2:
                    email = faults.email(person.work_email)
                else:
                    email = faults.email(
                        faults.choose_personal_email(person.email, person.old_email)
                    )
            row = [
                fr_datetime(day, seconds),
                email,
                first,
                str(_NPS.pick(rng)),
                pick(rng, tables.SURVEY_COMMENTS) if random() < 0.4 else "",
                "Oui" if random() < 0.55 else "Non",
            ]
            faults.strip_accents(row, (2,))
            chunk.append(row)
            if len(chunk) >= _CHUNK:
                writer.writerows(chunk)
                chunk.clear()
        writer.writerows(chunk)
    return pids


# --- newsletter --------------------------------------------------------------


def _ip_address(rng: Random) -> str:
    random = rng.random
    if random() < 0.1:
        groups = ":".join(f"{int(random() * 65536):x}" for _ in range(3))
        return f"2a01:cb{int(random() * 256):02x}:{groups}::{1 + int(random() * 65535):x}"
    first = pick(rng, tables.IPV4_FIRST_OCTETS)
    return f"{first}.{int(random() * 256)}.{int(random() * 256)}.{1 + int(random() * 254)}"


def write_newsletter(plan: Plan, tally: Tally) -> list[str]:
    """Write ``newsletter.csv`` (UTF-8, ``,``, LF; an e-mailing tool export with consent proof)."""
    faults = plan.faults("newsletter", tally)
    rng = faults.rng
    random = rng.random
    roll = tally.roll
    persons = plan.population.persons
    sources = Weighted(
        (
            (name, ordinal(first, 1, 1), min(ordinal(last, 12, 31), REFERENCE_ORDINAL), ip, share),
            float(weight),
        )
        for name, first, last, ip, share, weight in tables.NEWSLETTER_SOURCES
    )
    keys: list[int] = []
    payloads: list[tuple[int, str, bool, float]] = []
    for index, _duplicate in _appearances(plan.appearances.get("newsletter", array("q"))):
        name, low, high, has_ip, double_share = sources.pick(rng)
        moment = (low + int(random() * (high - low + 1))) * 86400 + int(random() * 86400)
        keys.append(moment << 32 | len(payloads))
        payloads.append((index, name, has_ip, double_share))
    keys.sort()
    pids: list[str] = []
    path = plan.out_dir / "newsletter.csv"
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = _csv_writer(handle, ",", "\n")
        writer.writerow(NEWSLETTER_HEADER)
        chunk: list[list[str]] = []
        for key in keys:
            day, seconds = divmod(key >> 32, 86400)
            index, name, has_ip, double_share = payloads[key & _LOW]
            person = persons[index]
            pids.append(person.pid)
            if person.work_email and random() < 0.3:
                email = person.work_email
            else:
                email = faults.choose_personal_email(person.email, person.old_email)
            first = ""
            if random() < 0.6:
                first = faults.case(faults.first_and_last(person.first_name, "", "")[0])
            confirmed = ""
            if random() < double_share:
                moment = seconds + 60 + int(random() * random() * 259200)
                confirmed = iso_datetime_utc(day + moment // 86400, moment % 86400)
            unsubscribed = ""
            if roll("opt_out", rng):
                later = min(REFERENCE_ORDINAL, day + 1 + int(random() * (REFERENCE_ORDINAL - day)))
                unsubscribed = iso_datetime_utc(later, int(random() * 86400))
            chunk.append(
                [
                    faults.email(email),
                    first,
                    iso_datetime_utc(day, seconds),
                    name,
                    _ip_address(rng) if has_ip else "",
                    "true" if confirmed else "false",
                    confirmed,
                    unsubscribed,
                ]
            )
            if len(chunk) >= _CHUNK:
                writer.writerows(chunk)
                chunk.clear()
        writer.writerows(chunk)
    return pids


WRITERS: Final[dict[str, tuple[str, Callable[[Plan, Tally], list[str]]]]] = {
    "eshop_customers": ("eshop_customers.csv", write_eshop),
    "event_signups": ("event_signups.xlsx", write_events),
    "old_crm": ("old_crm.csv", write_crm),
    "survey_answers": ("survey_answers.csv", write_survey),
    "order_lines": ("order_lines.csv", write_orders),
    "newsletter": ("newsletter.csv", write_newsletter),
}
"""Source name (file stem, as in ``truth.csv``) → (file name, writer), in truth order."""
