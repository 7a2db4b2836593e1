"""Helpers shared by the field-kind modules (private: no field verbs here).

Every field module follows the same pattern: a cached ``check()`` that never
raises, a ``validate()`` that turns an invalid verdict into the matching
:class:`~carnet.errors.InvalidValueError` subclass, and a ``check_many()`` that
computes once per distinct value. The kind of error is carried from ``check()``
to ``validate()`` in ``details["error"]`` (``format``, ``length``, ``checksum``
or ``component``).
"""

from __future__ import annotations

import json
import re
import unicodedata
from collections.abc import Callable, Iterable, Mapping
from typing import Any

import polars as pl

from carnet.errors import (
    InvalidChecksum,
    InvalidComponent,
    InvalidFormat,
    InvalidLength,
    InvalidValueError,
)
from carnet.fields.verdict import Verdict

ERROR_CLASSES: Mapping[str, type[InvalidValueError]] = {
    "format": InvalidFormat,
    "length": InvalidLength,
    "checksum": InvalidChecksum,
    "component": InvalidComponent,
}


def run_stages(
    values: pl.Series, stages: tuple[list[pl.Expr], ...], columns: tuple[str, ...]
) -> pl.DataFrame:
    """Apply a column check's expression ``stages`` to ``values`` (the ``text``
    column) and return ``columns``.

    The plan runs as written, without Polars' query optimiser: each stage only
    adds the columns the next one reads, so there is nothing to prune or share,
    and optimising the plan again for every batch cost more than a tenth of an
    email batch's check.
    """
    plan = pl.DataFrame({"text": values}).lazy()
    for stage in stages:
        plan = plan.with_columns(stage)
    frame: pl.DataFrame = plan.select(*columns).collect(**_AS_WRITTEN)
    return frame


#: ``collect``'s arguments for a plan run as written (Polars' ``QueryOptFlags``
#: is marked unstable: where it is missing, the plan is optimised as before).
_AS_WRITTEN: dict[str, Any] = (
    {"optimizations": pl.QueryOptFlags.none()} if hasattr(pl, "QueryOptFlags") else {}
)


def as_text(raw: object) -> str | None:
    """Turn any input into text (None stays None); never raises."""
    if raw is None or isinstance(raw, str):
        return raw
    if isinstance(raw, bytes | bytearray):
        return bytes(raw).decode("utf-8", errors="replace")
    try:
        return str(raw)
    except Exception:  # a hostile __str__ must not break a check
        return None


_SCIENTIFIC = re.compile(r"^\s*\+?(\d+)(?:[.,](\d+))?\s*[eE]\s*\+?\s*(\d{1,3})\s*$")


def from_scientific(raw: str) -> str:
    """The digits of a number Excel wrote in scientific notation when none is lost.

    ``5.5210055400013E+13`` holds all 14 digits of a SIRET; ``5,52101E+13``
    does not (see :func:`scientific_notation`). Anything else is returned as
    it is.

    >>> from_scientific("5.5210055400013E+13"), from_scientific("5,52101E+13")
    ('55210055400013', '5,52101E+13')
    """
    match = _SCIENTIFIC.match(raw) if ("E" in raw or "e" in raw) else None
    if match is None:
        return raw
    whole, fraction, exponent = match[1], match[2] or "", int(match[3])
    if len(fraction) != exponent:  # digits missing (or a fraction left)
        return raw
    return (whole + fraction).lstrip("0") or "0"


#: The keys under which an API's list of objects holds each item's value: Pipedrive's
#: ``{"label": "work", "value": "…", "primary": true}``, HubSpot's and others'.
_ITEM_KEYS = ("value", "email", "address", "phone", "number")


def list_items(text: str) -> list[str] | None:
    """The values of a JSON list, as the JSON reader hands one over, else None.

    Items are texts or numbers, or objects whose ``value`` (``email``,
    ``phone`` ...) holds it; the primary one first, empty ones dropped.

    >>> list_items('["vip","newsletter"]'), list_items("[]"), list_items("[vip]")
    (['vip', 'newsletter'], [], None)
    >>> list_items('[{"label":"work","value":"a@free.fr","primary":true}]')
    ['a@free.fr']
    """
    text = text.strip()
    if text[:1] != "[" or text[-1:] != "]":
        return None
    try:
        parsed = json.loads(text)
    except ValueError:
        return None
    if not isinstance(parsed, list):
        return None
    primary: list[str] = []
    others: list[str] = []
    for item in parsed:
        value: Any = item
        if isinstance(item, dict):
            value = next((item[k] for k in _ITEM_KEYS if item.get(k) not in (None, "")), None)
        if isinstance(value, bool) or not isinstance(value, str | int | float):
            continue
        written = str(value).strip()
        if written:
            held = primary if isinstance(item, dict) and item.get("primary") is True else others
            held.append(written)
    return [*primary, *others]


_FLOAT_TAIL = re.compile(r"^\s*(\d+)\.0+\s*$")


def without_float_tail(raw: str) -> str | None:
    """The digits of a whole number that pandas or Excel wrote as a decimal, else None.

    A column of numbers with one empty cell becomes floats in pandas, and its
    CSV says ``73282932000074.0``; the ``.0`` is no part of the identifier.

    >>> without_float_tail("73282932000074.0"), without_float_tail("12.5")
    ('73282932000074', None)
    """
    if ".0" not in raw:
        return None
    match = _FLOAT_TAIL.match(raw)
    return match[1] if match else None


#: What a verdict says when :func:`without_float_tail` repaired the value.
FLOAT_TAIL_REASON = "A trailing .0 (a whole number saved as a decimal) was removed."


def scientific_notation(raw: str | None, what: str) -> Verdict | None:
    """The invalid verdict of a number Excel wrote in scientific notation, else None.

    A SIRET, a SIREN or a phone in a cell formatted as a number is shown and
    exported as ``5,52101E+13``: its last digits are gone, and only the file
    the data came from can give them back.

    >>> scientific_notation("5,52101E+13", "SIRET").reasons[0][:38]
    'Excel wrote this SIRET as 5,52101E+13:'
    >>> scientific_notation("55210055400013", "SIRET") is None
    True
    """
    if raw is None or ("E" not in raw and "e" not in raw) or not _SCIENTIFIC.match(raw):
        return None
    return invalid(
        raw,
        f"Excel wrote this {what} as {raw.strip()}: its last digits are lost. Format the "
        f"column as text in the spreadsheet (or export it from the source again) and "
        f"re-import the file.",
        flags={"scientific_notation"},
    )


def invalid(
    raw: str | None,
    reason: str,
    *,
    error: str = "format",
    normalised: str | None = None,
    suggestions: tuple[str, ...] = (),
    flags: Iterable[str] = (),
    details: Mapping[str, str] | None = None,
) -> Verdict:
    """An invalid verdict that remembers which error ``validate()`` must raise."""
    facts = dict(details or {})
    facts["error"] = error
    return Verdict.invalid(
        raw,
        (reason,),
        normalised=normalised,
        suggestions=suggestions,
        flags=frozenset(flags),
        details=facts,
    )


def raise_for(verdict: Verdict, field: str) -> str:
    """Return the normalised value of a usable verdict, raise for an unusable one."""
    if verdict.ok and verdict.normalised is not None:
        return verdict.normalised
    if verdict.status == "empty":
        raise InvalidFormat(f"The {field} is empty.", field=field, value=verdict.raw)
    error = ERROR_CLASSES.get(verdict.details.get("error", "format"), InvalidFormat)
    message = verdict.reasons[0] if verdict.reasons else error.message
    if verdict.suggestions:
        message = f"{message.rstrip('.')}; did you mean {verdict.suggestions[0]}?"
    raise error(message, field=field, value=verdict.raw, suggestions=verdict.suggestions)


def check_many(
    check: Callable[..., Verdict], values: Iterable[str | None], **options: Any
) -> dict[str | None, Verdict]:
    """Check each distinct value once; the result is keyed by the raw value."""
    distinct = dict.fromkeys(values)
    return {value: check(value, **options) for value in distinct}


_LIGATURES: dict[str, str] = {
    "œ": "oe",
    "Œ": "oe",
    "æ": "ae",
    "Æ": "ae",
    "ø": "o",
    "Ø": "o",
    "ł": "l",
    "Ł": "l",
    "đ": "d",
    "Đ": "d",
    "ß": "ss",
    "ı": "i",
    "’": "'",
    "‘": "'",
    "ʼ": "'",
    "`": "'",
    "´": "'",
}
_FOLD_EXTRA = str.maketrans(_LIGATURES)


def strip_accents(text: str) -> str:
    """Remove diacritics and expand ligatures (``Œ`` -> ``OE``), keeping case otherwise.

    >>> strip_accents("Hélène Lœwy-Müller")
    'Helene Loewy-Muller'
    """
    if text.isascii():
        return text
    decomposed = unicodedata.normalize("NFKD", text)
    out = "".join(c for c in decomposed if not unicodedata.combining(c))
    if out.isascii():
        return out
    # ligatures keep their case: Œ -> OE, œ -> oe
    return "".join(
        (_LIGATURES.get(c, c).upper() if c.isupper() else _LIGATURES.get(c, c)) for c in out
    )


def fold(text: str) -> str:
    """Accent- and case-insensitive key: lower case, no accents, hyphens and
    apostrophes as spaces, single spaces.

    >>> fold("  Jean-Pierre  d’Ârtagnan ")
    'jean pierre d artagnan'
    """
    folded = strip_accents(text).translate(_FOLD_EXTRA).casefold()
    for sep in "-'_.,":
        folded = folded.replace(sep, " ")
    return " ".join(folded.split())


def stdnum_error_kind(error: Exception) -> str:
    """Map a python-stdnum ``ValidationError`` to carnet's error kind."""
    from stdnum import exceptions

    if isinstance(error, exceptions.InvalidLength):
        return "length"
    if isinstance(error, exceptions.InvalidChecksum):
        return "checksum"
    if isinstance(error, exceptions.InvalidComponent):
        return "component"
    return "format"


class NameTable:
    """Folded names (and codes) of an ISO table's entries, each to one code; a name two
    entries share ("Guinée" of two countries) is left out rather than guessed."""

    def __init__(self, fold: Callable[[str], str]) -> None:
        self._fold = fold
        self._found: dict[str, set[str]] = {}

    def add(self, name: str | None, code: str) -> None:
        """Know ``name`` (when there is one) as a name of ``code``."""
        if name:
            self._found.setdefault(self._fold(name), set()).add(code)

    def table(self) -> dict[str, str]:
        """Folded name → code, for the names one code alone bears."""
        return {name: next(iter(codes)) for name, codes in self._found.items()
                if len(codes) == 1 and name}


def pycountry_translations(domain: str, languages: Iterable[str]) -> list[Any]:
    """pycountry's translations of an ISO table (``iso3166-1``, ``iso639-3``) into each
    language (a language pycountry lacks translates nothing)."""
    import gettext

    import pycountry

    return [
        gettext.translation(domain, pycountry.LOCALES_DIR, languages=[lang], fallback=True)
        for lang in languages
    ]


#: The letter O, capital or small, typed for a zero among digits (a phone, a postcode).
LETTER_O_AS_ZERO = str.maketrans("oO", "00")
#: The reason given when a value's letter O was read as a zero.
LETTER_O_REASON = "The letter O was read as a zero."
