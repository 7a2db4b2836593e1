"""Turning checked values into contact-point rows (emails, phones, postal addresses).

Shared by the workspace (one contact at a time) and the import pipeline (batches),
so a point looks the same whichever way it arrived.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from dataclasses import field as dc_field
from datetime import datetime
from typing import Any

from carnet.fields import address, postcodes
from carnet.fields.catalog import Field
from carnet.fields.verdict import Status, Verdict

_ADDRESS_COLUMNS = {
    "address_line1": "line1",
    "address_line2": "line2",
    "address_line3": "line3",
    "postcode": "postcode",
    "city": "city",
    "country": "country",
}


@dataclass
class PendingPoint:
    """A contact point about to be written: its field, verdict and address parts."""

    field: Field
    verdict: Verdict
    parts: dict[str, Any] = dc_field(default_factory=dict)

    @property
    def kind(self) -> str:
        """email, phone or address."""
        return self.field.storage.value

    @property
    def key(self) -> str | None:
        """What identifies the point on its contact (normalised, else raw)."""
        return self.verdict.normalised or self.verdict.raw


def point_row(
    pending: PendingPoint, *, contact_id: int, primary: bool, now: datetime
) -> dict[str, Any]:
    """The ``contact_points`` row for a pending point (without source and import ids)."""
    verdict = pending.verdict
    subtype = None
    if pending.kind == "phone":
        subtype = verdict.details.get("type")
        if pending.field.hint and subtype in (None, "unknown"):
            subtype = pending.field.hint
    elif pending.kind == "email" and "role" in verdict.flags:
        subtype = "role"
    return {
        "contact_id": contact_id,
        "kind": pending.kind,
        "raw": verdict.raw,
        "normalised": verdict.normalised,
        "verdict": verdict.status.value,
        "flags": ",".join(sorted(verdict.flags)),
        "reasons": "; ".join(verdict.reasons) or None,
        "subtype": subtype,
        "is_primary": primary,
        "first_seen": now,
        "last_seen": now,
        "last_verified": now if verdict.status is Status.VALID else None,
        **{column: pending.parts.get(column) for column in _ADDRESS_COLUMNS.values()},
    }


def has_address(parts: Mapping[str, Verdict]) -> bool:
    """Whether the parts say something of where the person lives: an NPAI flag
    alone (mail came back from an address the row does not give) makes no point."""
    return any(name != "npai" for name in parts)


def address_point(
    postcode_field: Field,
    parts: Mapping[str, Verdict],
    default_country: str,
    table: postcodes.PostcodeTable | None = None,
) -> PendingPoint:
    """One postal-address point from the checked parts of an address.

    Args:
        postcode_field: the catalog's postcode field (the point's field).
        parts: verdicts keyed by catalog field name (address_line1, postcode, city ...;
            ``postcode_city`` for one "CP Ville" cell).
        default_country: country when the address gives none.
        table: La Poste reference table for postcode ↔ city checks, when loaded.

    The point's normalised value is a stable key ``line1|postcode|city|country``
    (upper case) used to recognise the same address again; its verdict is the
    postcode check's (with the city cross-check when a table is given),
    invalid when a street line has neither a postcode nor a city, and a
    warning flagged ``country_only`` when a country is all there is. A yes in
    an NPAI column (``npai``: mail came back) makes a valid address a warning
    flagged ``npai``. A postcode typed in the city cell ("49000 Angers") is read from
    it (flag ``postcode_in_city``).
    """
    combined = parts.get("postcode_city")
    if combined is not None and combined.raw and not ("postcode" in parts and "city" in parts):
        # One "CP Ville" cell: its parts fill what the address lacks (the postcode is
        # checked below like any other).
        code, city = postcodes.split_postcode_city(str(combined.raw))
        parts = dict(parts)
        if code and "postcode" not in parts:
            parts["postcode"] = Verdict.valid(code, code)
        if city and "city" not in parts:
            parts["city"] = Verdict.valid(city, city)
    street = street_from_parts(parts)
    if street is not None:
        parts = {**parts, "address_line1": street}
    city_before = parts.get("city")
    parts = _postcode_out_of_the_city(parts)
    code_in_city = parts.get("city") is not city_before
    whole = _whole_address(parts, default_country)
    if whole is not None:
        parts = whole
    values: dict[str, Any] = {}
    for name, column in _ADDRESS_COLUMNS.items():
        verdict = parts.get(name)
        if verdict is None or verdict.status is Status.EMPTY or "npai" in verdict.flags:
            continue  # "NPAI" written in the street line: no street, and mail came back
        values[column] = verdict.normalised if verdict.ok else verdict.raw
    country = values.get("country") or default_country
    values["country"] = country
    raw = ", ".join(
        str(parts[n].raw) for n in _ADDRESS_COLUMNS if n in parts and parts[n].raw is not None
    )
    reasons: list[str] = []
    flags: set[str] = set()
    suggestions: tuple[str, ...] = ()
    status = Status.VALID
    postcode_raw = parts["postcode"].raw if "postcode" in parts else None
    if postcode_raw:
        check = postcodes.check_postcode(
            str(postcode_raw), country=country, city=values.get("city"), table=table
        )
        status = check.status
        reasons.extend(check.reasons)
        flags |= check.flags
        suggestions = check.suggestions
        if check.ok and check.normalised:
            values["postcode"] = check.normalised
        told = {"country_from_prefix", "country_from_city", "country_from_postcode"}
        if told & check.flags and "country" not in parts:
            # "B-1000 Bruxelles", "1050 Bruxelles" in a file without a country column
            country = values["country"] = check.details["country"]
    elif not values.get("city") and not any(values.get(f"line{i}") for i in (1, 2, 3)):
        # A "Pays" column with no address: the country is worth keeping (targeting),
        # and nothing is wrong with it; it is no postal address either.
        status = Status.WARNING
        reasons.append("only a country: no postal address")
        flags.add("country_only")
    elif not values.get("city"):
        status = Status.INVALID
        reasons.append("address has neither a postcode nor a city")
    else:
        status = Status.WARNING
        reasons.append("address has no postcode")
        flags.add("no_postcode")
    if not values.get("line1") and status is Status.VALID:
        status = Status.WARNING
        reasons.append("address has no street line")
        flags.add("no_street")
    if whole is not None:
        reasons.append("postcode and city read from the address line")
        flags.add("split")
    if code_in_city:
        reasons.append("postcode read from the city cell")
        flags.add("postcode_in_city")
    returned = parts.get("npai")  # X, Oui, NPAI, or the date it came back: a yes
    if (returned is not None and returned.ok and returned.normalised == "true") or any(
        "npai" in verdict.flags for verdict in parts.values()
    ):
        # Mail came back ("N'habite pas à l'adresse indiquée"): the address still tells
        # who the person is (the matcher reads it), but no letter should go there.
        if status is Status.VALID:
            status = Status.WARNING
        reasons.append("mail sent to this address came back (NPAI)")
        flags.add("npai")
    key = address_key(values.get("line1"), values.get("postcode"), values.get("city"), country)
    verdict = Verdict(raw or None, key, status, tuple(reasons), suggestions, frozenset(flags), {})
    return PendingPoint(postcode_field, verdict, values)


#: The columns of a street written apart, in the order the street line joins them.
STREET_PARTS = ("street_number", "street_repetition", "street_type", "street_name")
#: INSEE's and La Poste's one-letter repetition indices ("B" for bis in SIRENE).
_REPETITIONS = {"b": "BIS", "t": "TER", "q": "QUATER", "c": "QUINQUIES"}
#: A spreadsheet's number written as a float ("12.0"), or no number at all ("0").
_FLOAT_NUMBER = re.compile(r"(\d+)[.,]0+")


def street_from_parts(parts: Mapping[str, Verdict]) -> Verdict | None:
    """The street line of an address whose street is written over several columns
    (number, repetition index, street type, street name), or None when there is
    nothing to join.

    The row's own street line wins; a street line without a number ("rue des
    Lilas" beside an "N°" column of 12) takes the number before it.

    >>> def parts(**cells):
    ...     return {name: Verdict.valid(cell, cell) for name, cell in cells.items()}
    >>> street_from_parts(parts(street_number="12", street_repetition="B",
    ...                         street_type="RUE", street_name="DES LILAS")).normalised
    '12 BIS RUE DES LILAS'
    >>> street_from_parts(parts(street_number="3.0", address_line1="avenue Foch")).normalised
    '3 avenue Foch'
    >>> street_from_parts(parts(street_number="8", address_line1="8 rue Haute")) is None
    True
    """
    given: dict[str, str] = {}
    for name in STREET_PARTS:
        verdict = parts.get(name)
        if verdict is None or verdict.raw is None or verdict.status is Status.EMPTY:
            continue
        text = " ".join(str(verdict.raw).split())
        if text:
            given[name] = text
    if not given:
        return None
    number = given.get("street_number", "")
    if (spread := _FLOAT_NUMBER.fullmatch(number)) is not None:
        number = spread.group(1)
    if number.strip("0") == "":
        number = ""  # "0": no number, as some exports write it
    repetition = given.get("street_repetition", "")
    # a repetition index means nothing without its number
    head = f"{number} {_REPETITIONS.get(repetition.lower(), repetition)}".strip() if number else ""

    line = parts.get("address_line1")
    written = "" if line is None or line.raw is None or line.status is Status.EMPTY else " ".join(
        str(line.raw).split()
    )
    if written:
        if not head or written[:1].isdigit():
            return None
        text = f"{head} {written}"
    else:
        text = " ".join(p for p in (head, given.get("street_type"), given.get("street_name")) if p)
    return address.no_line(text) or Verdict.valid(text, text)


def _postcode_out_of_the_city(parts: Mapping[str, Verdict]) -> Mapping[str, Verdict]:
    """The parts with a postcode typed in the city cell ("49000 Angers", "ANGERS 49000")
    taken out of it: as the row's postcode when its postcode cell is empty, dropped when
    it repeats that cell's; the city is left whole when the two codes differ (the user
    sees both).

    >>> split = _postcode_out_of_the_city({"city": Verdict.valid("49000 Angers", "49000 Angers")})
    >>> split["postcode"].raw, split["city"].normalised
    ('49000', 'Angers')
    """
    city = parts.get("city")
    if city is None or city.status is Status.EMPTY or not city.raw:
        return parts
    code, name = postcodes.split_postcode_city(str(city.raw))
    if not code or not name:
        return parts
    own = parts.get("postcode")
    if own is not None and own.status is not Status.EMPTY:
        typed = str(own.normalised or own.raw or "")
        if postcodes.normalise(typed) != postcodes.normalise(code):
            return parts
        return {**parts, "city": Verdict.valid(name, name)}
    return {**parts, "postcode": Verdict.valid(code, code), "city": Verdict.valid(name, name)}


def _whole_address(parts: Mapping[str, Verdict], default_country: str) -> dict[str, Verdict] | None:
    """The parts with postcode and city taken out of a street line that holds the whole
    address ("12 rue de la Paix 75002 Paris" in an "Adresse complète" column); None
    when there is nothing to take.

    The row's own postcode and city, when it has them, stay: the line's are taken
    out only when its postcode is the row's (the line repeats them); another one is
    left for the user to see. A street part of several segments, of which one alone
    starts with its number ("Résidence Les Pins, Bât B, 3 allée des Cèdres"), gives
    that one as the street and the others as the second line, unless the row has one.
    """
    line = parts.get("address_line1")
    if line is None or line.raw is None or line.status is Status.EMPTY:
        return None
    country = parts.get("country")
    code = str(country.normalised or "") if country is not None and country.ok else ""
    if (code or default_country).upper() not in postcodes.FRENCH_COUNTRIES:
        return None
    text = str(line.raw)
    found = postcodes.split_address_line(text)
    if found is None:
        return None
    street, postcode, city = found
    head, _, last = text.rpartition(",")
    if head:
        # "Résidence Les Pins, Bât B, 3 allée des Cèdres 13008 Marseille": the segments
        # before the one that ends with the postcode and city keep their commas
        tail = postcodes.split_address_line(last)
        if tail is not None and tail[1] == postcode and tail[0].strip():
            street = f"{head}, {tail[0]}"
    own = _own_postcode(parts)
    if own is None:
        whole = {
            **parts,
            "postcode": Verdict.valid(postcode, postcode),
            "city": Verdict.valid(city, city),
        }
    elif own == postcode:
        whole = dict(parts)
    else:
        return None
    segments = _numbers_with_their_street([s.strip() for s in street.split(",") if s.strip()])
    if len(segments) == 1:
        street = segments[0]
    numbered = [s for s in segments if s[:1].isdigit()]
    second = parts.get("address_line2")
    if len(segments) > 1 and len(numbered) == 1 and (second is None or
                                                     second.status is Status.EMPTY):
        street = numbered[0]
        rest = ", ".join(s for s in segments if s is not numbered[0])
        whole["address_line2"] = Verdict.valid(rest, rest)
    whole["address_line1"] = Verdict.valid(street, street)
    return whole


#: A segment that is a house number alone: "14", "3 bis", "12B", "169 T" (ter), "n° 5".
_NUMBER_ALONE = re.compile(
    r"(?:n\s*[°o]\s*)?\d{1,5}\s*(?:bis|ter|quater|[a-hqt])?", re.IGNORECASE
)


def _numbers_with_their_street(segments: list[str]) -> list[str]:
    """The segments of a street part, a house number written apart by a comma put back
    before its street: "14, rue des Lilas" and "rue des Lilas, 14" are "14 rue des Lilas".

    >>> _numbers_with_their_street(["14", "rue des Lilas"])
    ['14 rue des Lilas']
    >>> _numbers_with_their_street(["Résidence Les Pins", "rue des Lilas", "3 bis"])
    ['Résidence Les Pins', '3 bis rue des Lilas']
    >>> _numbers_with_their_street(["Bât B", "3 allée des Cèdres"])
    ['Bât B', '3 allée des Cèdres']
    """
    out = list(segments)
    for i, segment in enumerate(out):
        if not _NUMBER_ALONE.fullmatch(segment) or len(out) < 2:
            continue
        if i + 1 < len(out) and not out[i + 1][:1].isdigit():
            out[i + 1] = f"{segment} {out[i + 1]}"
        elif i > 0 and not out[i - 1][:1].isdigit():
            out[i - 1] = f"{segment} {out[i - 1]}"
        else:
            continue
        out[i] = ""
    return [s for s in out if s]


def _own_postcode(parts: Mapping[str, Verdict]) -> str | None:
    """The postcode the row gives apart from its street line ("CP", "CP Ville"), or None
    when it gives none (nor a city: a city alone still keeps the line whole)."""
    for name in ("postcode", "postcode_city", "city"):
        verdict = parts.get(name)
        if verdict is None or verdict.status is Status.EMPTY:
            continue
        if name == "postcode":
            return str(verdict.normalised or verdict.raw or "").strip() or "?"
        if name == "postcode_city":
            code, _ = postcodes.split_postcode_city(str(verdict.raw or ""))
            return code or "?"
        return "?"  # a city alone: nothing to compare the line's postcode with
    return None


def address_key(line1: Any, postcode: Any, city: Any, country: Any) -> str:
    """The key that recognises an address again: ``LINE1|POSTCODE|CITY|COUNTRY``.

    The street line is in its AFNOR form, so the spellings of one address
    (``12 r. de la Paix``, ``12 RUE DE LA PAIX``) give one key; the line itself
    is stored as written.

    >>> address_key("12 r. de la Paix", "75002", "Paris", "FR")
    '12 RUE DE LA PAIX|75002|PARIS|FR'
    """
    text = str(line1 or "")
    street = (address.normalise(text) if text.strip() else None) or text.upper()
    return "|".join((street, *(str(v or "").upper() for v in (postcode, city, country))))
