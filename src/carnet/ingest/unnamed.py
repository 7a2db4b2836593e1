"""Columns with no name, mapped by what they hold.

A file written without its header row (an old system's export, a list whose first
line was deleted) has its columns numbered by the reader (``column_1`` ...), and an
empty header cell is named the same way. The general content sniffing of
:mod:`.mapping` finds the e-mails, phones, SIRET and IBAN among them; this module
reads the rest as a person would, from their values and their neighbours:

* e-mails and phones, in a file too short for the general sniffing;
* a civility column holds "M.", "Mme", "Madame" ...;
* a first-name column holds known first names, and the column of plain words
  beside it is the last name (on either side: "Nom;Prénom" or "Prénom;Nom");
* a whole name holds two to four words, one of them a known first name;
* a postcode column holds five-digit French postcodes, and the column of words
  right after it (or before it) is the city;
* a street column holds a number and a street word ("12 rue de la Paix");
* a birth-date column holds dates, all of them long past (a date column of
  recent dates could be a sign-up, an order or a visit: it stays an attribute).

A column is only taken when most of its sampled values agree, and only for fields
that no column of the file feeds yet.

>>> guess = unnamed_fields({"column_1": ["Dupont", "Martin", "Leroy"],
...                         "column_2": ["Jean", "Sophie", "Paul"],
...                         "column_3": ["75002", "69003", "33000"],
...                         "column_4": ["Paris", "Lyon", "Bordeaux"]}, taken=set())
>>> sorted(guess.items())  # doctest: +NORMALIZE_WHITESPACE
[('column_1', 'last_name'), ('column_2', 'first_name'), ('column_3', 'postcode'),
 ('column_4', 'city')]
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping, Sequence
from datetime import date

from carnet.fields import dates
from carnet.fields import email as email_field
from carnet.fields import name as name_field
from carnet.fields import phone as phone_field
from carnet.fields.address import is_numbered_street
from carnet.fields.catalog import default_catalog
from carnet.fields.values import check_value
from carnet.fields.verdict import blank

#: The name the readers give a column that has none (``column_3``).
UNNAMED = re.compile(r"column_\d+")

_CIVILITY = default_catalog()["civility"]

#: The share of a column's sampled values that must agree for it to be taken.
_MOST = 0.8
#: For first names (a list never knows them all) and streets (some lack a number).
_MANY = 0.6

_POSTCODE = re.compile(r"\d{5}")
_WORDS = re.compile(r"[^\W\d_]+(?:[ '’-][^\W\d_]+)*\.?")


def unnamed_fields(
    sample: Mapping[str, Sequence[str | None]], *, taken: set[str], today: date | None = None
) -> dict[str, str]:
    """The field each unnamed column of ``sample`` feeds, by its values.

    Args:
        sample: header → its sampled values, in the file's column order; only the
            headers :data:`UNNAMED` matches are read.
        taken: the fields other columns already feed (never given again).
        today: the day birth dates are long before (default: today).

    Returns:
        header → field name, for the columns read; the others are left out.
    """
    today = today or date.today()
    taken = set(taken)
    headers = list(sample)
    values = {h: [str(v).strip() for v in sample[h] if not blank(v)] for h in headers}
    out: dict[str, str] = {}

    def give(header: str, field: str) -> None:
        if field not in taken and header not in out:
            out[header] = field
            taken.add(field)

    unnamed = [h for h in headers if UNNAMED.fullmatch(h) and values[h]]
    # a person has several e-mails and phones: every column of them is one
    for header in unnamed:
        cells = values[header]
        if _share(cells, _is_email) >= _MOST:
            out[header] = "email"
        elif _share(cells, _is_dialled_phone) >= _MOST:
            out[header] = "phone"
    # each field goes to the column whose values read as it best ("Leroy" and
    # "Martin" are first names too: the last names must not win the first names)
    for field, test, least in (
        ("civility", _is_civility, _MOST),
        ("postcode", _POSTCODE.fullmatch, _MOST),
        ("address_line1", is_numbered_street, _MANY),
        ("first_name", _is_first_name, _MANY),
        ("full_name", _is_whole_name, _MANY),
    ):
        if field == "full_name" and {"first_name", "last_name"} & taken:
            continue
        scored = [(_share(values[h], test), -i, h) for i, h in enumerate(unnamed) if h not in out]
        if scored and (best := max(scored))[0] >= least:
            give(best[2], field)
    for header in unnamed:
        if header not in out and _born_long_ago(values[header], today):
            give(header, "birth_date")

    def neighbours(header: str) -> list[str]:
        at = headers.index(header)
        near = [headers[i] for i in (at - 1, at + 1) if 0 <= i < len(headers)]
        return [h for h in near if h in unnamed and h not in out]

    words = {h for h in unnamed if _share(values[h], _WORDS.fullmatch) >= _MOST}
    beside = {"first_name": "last_name", "postcode": "city"}
    for header, field in list(out.items()):
        if field in beside:
            for near in neighbours(header):
                if near in words:
                    give(near, beside[field])
    return out


def _share(cells: Sequence[str], test: Callable[[str], object]) -> float:
    return sum(1 for cell in cells if test(cell)) / len(cells)


def _is_email(value: str) -> bool:
    # the general sniffing wants three values at least: a short file has fewer
    return "@" in value and email_field.check(value).ok


def _is_dialled_phone(value: str) -> bool:
    # written from a 0 or a +, as one dials it: nine bare digits may number a ticket
    return value[:1] in "0+" and phone_field.check(value).ok


def _is_first_name(value: str) -> bool:
    # one name ("Jean-Pierre"), not a whole one ("Jean Dupont" starts with one)
    return " " not in value and name_field.is_first_name(value)


def _is_civility(value: str) -> bool:
    # "Mme", "M.", "Monsieur", and "H" / "F" as a civility column writes them
    return check_value(_CIVILITY, value).ok


def _is_whole_name(value: str) -> bool:
    parts = value.replace(",", " ").split()
    return (
        2 <= len(parts) <= 4
        and _WORDS.fullmatch(value.replace(",", " ").strip()) is not None
        and any(name_field.is_first_name(part) for part in parts)
    )


def _born_long_ago(cells: Sequence[str], today: date) -> bool:
    """Most cells are dates, and every one of them at least 15 years ago."""
    # digits alone are no date here: an Excel serial reads "1001", a customer number
    days = [None if cell.isdigit() else dates.parse_date(cell) for cell in cells]
    found = [d for d in days if d is not None]
    return len(found) >= _MOST * len(cells) and all(
        d.year <= today.year - 15 and d.year >= today.year - 120 for d in found
    )


__all__ = ["UNNAMED", "unnamed_fields"]
