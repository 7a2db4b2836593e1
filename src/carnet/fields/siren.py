"""SIREN: the 9-digit identifier of a French company (INSEE's Sirene register).

Validated with ``stdnum.fr.siren`` (python-stdnum): nine digits, Luhn check
digit. Normalised form: the nine digits (``732829320``); display form in groups
of three (``732 829 320``). Spaces, dots and dashes are ignored, as is a
``SIREN`` or ``RCS <city>`` prefix (``RCS Paris 732 829 320``). A 14-digit value
is a SIRET: it is refused with its SIREN (the first nine digits) as suggestion.
``details["vat"]`` gives the French intra-community VAT number derived from it.
See https://www.insee.fr/fr/metadonnees/definition/c2047.

>>> check("732 829 320").normalised
'732829320'
>>> check("732829320").details["vat"]
'FR44732829320'
>>> check("732829321").status.value
'invalid'
>>> check("73282932000074").suggestions
('732829320',)
>>> format("732829320")
'732 829 320'
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from stdnum.exceptions import ValidationError
from stdnum.fr import siren as _siren
from stdnum.fr import siret as _siret

from carnet.fields import _common
from carnet.fields.verdict import Verdict, blank

__all__ = [
    "check",
    "check_many",
    "format",
    "lost_zero",
    "normalise",
    "to_vat",
    "validate",
    "wrong_length",
]

#: "N° SIREN :", "RCS Paris B": what is written before the number.
_PREFIX = re.compile(
    r"^\s*(?:(?:n\s*°\s*|num[eé]ro\s+(?:de\s+)?)?siren|r\.?c\.?s\.?(?:\s+[^\d\s]+)*)\s*:?\s*",
    re.IGNORECASE,
)
#: "552 100 554 RCS Paris": the register written after it.
_SUFFIX = re.compile(r"\s+r\.?c\.?s\.?(?:\s+[^\d\s]+)*\s*$", re.IGNORECASE)


def _compact(text: str) -> str:
    return re.sub(r"[\s.\-/]", "", text)


def _bare(text: str) -> str:
    """The number without the words around it ("N° SIREN : …", "… RCS Lyon")."""
    return _SUFFIX.sub("", _PREFIX.sub("", text))


def to_vat(siren: str) -> str:
    """The French VAT number of a (valid) SIREN: ``FR`` + key + SIREN.

    >>> to_vat("732829320")
    'FR44732829320'
    """
    return f"FR{(12 + 3 * (int(siren) % 97)) % 97:02d}{siren}"


def lost_zero(value: str, length: int) -> tuple[str, ...]:
    """The number with the leading 0 a spreadsheet dropped, when that makes it whole.

    A number one digit short whose check digit holds with a 0 before it (a leading
    zero does not change the Luhn sum) is suggested, not taken: the missing digit
    may be any other.

    >>> lost_zero("55210058", 9), lost_zero("55210055", 9)
    (('055210058',), ())
    """
    padded = "0" + value
    if len(padded) != length or not padded.isdigit():
        return ()
    valid = _siren.is_valid(padded) if length == 9 else _siret.is_valid(padded)
    return (padded,) if valid else ()


def wrong_length(text: str, value: str, length: int, label: str) -> Verdict:
    """The verdict of a SIREN or SIRET of another length, with the 0 a spreadsheet may
    have dropped as a suggestion (:func:`lost_zero`)."""
    padded = lost_zero(value, length)
    return _common.invalid(
        text,
        f"A {label} has {length} digits, not {len(value)}."
        + (f" A spreadsheet may have dropped its leading 0: {padded[0]}?" if padded else ""),
        error="length",
        suggestions=padded,
    )


def check(raw: str | None) -> Verdict:
    """Check a SIREN; never raises."""
    text = _common.as_text(raw)
    if text is None or blank(text):
        return Verdict.empty(text)
    bare = _bare(text)
    whole = _common.without_float_tail(bare)
    value = _compact(whole or _common.from_scientific(bare))
    if not value.isdigit() or not value.isascii():
        return _common.scientific_notation(text, "SIREN") or _common.invalid(
            text, "A SIREN has only digits (9 of them)."
        )
    if len(value) == 14:
        suggestion = (value[:9],) if _siret.is_valid(value) and len(set(value[:9])) > 1 else ()
        return _common.invalid(
            text,
            "This is a SIRET (14 digits); the SIREN is its first 9 digits.",
            error="length",
            suggestions=suggestion,
        )
    if len(value) != 9:
        return wrong_length(text, value, 9, "SIREN")
    if len(set(value)) == 1:
        return _common.invalid(
            text, f"{value} is a placeholder, not a SIREN.", error="component",
            flags={"placeholder"},
        )
    try:
        _siren.validate(value)
    except ValidationError as error:
        return _common.invalid(
            text,
            "The SIREN's check digit does not match; check for a mistyped digit.",
            error=_common.stdnum_error_kind(error),
        )
    if whole is not None:
        return Verdict.valid(
            text, value, details={"vat": to_vat(value)}, flags={"repaired"},
            reasons=(_common.FLOAT_TAIL_REASON,),
        )
    return Verdict.valid(text, value, details={"vat": to_vat(value)})


def normalise(raw: str) -> str | None:
    """The nine digits, or None."""
    verdict = check(raw)
    return verdict.normalised if verdict.ok else None


def validate(raw: str) -> str:
    """Return the nine digits or raise.

    Raises:
        InvalidFormat: not only digits.
        InvalidLength: not 9 digits.
        InvalidChecksum: the Luhn check digit does not match.
    """
    return _common.raise_for(check(raw), "SIREN")


def format(value: str) -> str:
    """``732 829 320``."""
    compact = normalise(value)
    return str(_siren.format(compact)) if compact else value


def check_many(values: Iterable[str | None]) -> dict[str | None, Verdict]:
    """Check a column, once per distinct value."""
    return _common.check_many(check, values)
