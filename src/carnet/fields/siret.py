"""SIRET: the 14-digit identifier of a French establishment (SIREN + NIC).

Validated with ``stdnum.fr.siret`` (python-stdnum): fourteen digits, Luhn
check over the whole number, except La Poste's establishments (SIREN
356 000 000), checked by the sum of their digits. Normalised form: the 14
digits; display form ``732 829 320 00074``. Spaces, dots and dashes are
ignored, as is a ``SIRET`` prefix. ``details["siren"]`` holds the derived SIREN,
``details["nic"]`` the establishment number and ``details["vat"]`` the French
VAT number. See https://www.insee.fr/fr/metadonnees/definition/c1841.

>>> v = check("732 829 320 00074")
>>> v.normalised, v.details["siren"], v.details["nic"]
('73282932000074', '732829320', '00074')
>>> check("73282932000075").status.value
'invalid'
>>> v = check("732829320")
>>> v.status.value, v.details["siren"]
('invalid', '732829320')

A valid SIREN in a SIRET column is named in ``details["siren"]`` of the
invalid verdict: the import keeps it as the organisation's SIREN.
>>> format("73282932000074")
'732 829 320 00074'
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from stdnum.exceptions import ValidationError
from stdnum.fr import siren as _siren
from stdnum.fr import siret as _siret

from carnet.fields import _common
from carnet.fields.siren import to_vat, wrong_length
from carnet.fields.verdict import Verdict, blank

__all__ = ["check", "check_many", "format", "normalise", "validate"]

_PREFIX = re.compile(r"^\s*(?:n\s*°\s*|num[eé]ro\s+(?:de\s+)?)?siret\s*:?\s*", re.IGNORECASE)


def check(raw: str | None) -> Verdict:
    """Check a SIRET; never raises."""
    text = _common.as_text(raw)
    if text is None or blank(text):
        return Verdict.empty(text)
    bare = _PREFIX.sub("", text)
    whole = _common.without_float_tail(bare)
    value = re.sub(r"[\s.\-/]", "", whole or _common.from_scientific(bare))
    if not value.isdigit() or not value.isascii():
        return _common.scientific_notation(text, "SIRET") or _common.invalid(
            text, "A SIRET has only digits (14 of them)."
        )
    if len(value) == 9:
        # a SIREN in a SIRET column: a valid one is the organisation's (details["siren"])
        is_siren = _siren.is_valid(value) and len(set(value)) > 1
        return _common.invalid(
            text,
            "This is a SIREN (9 digits); a SIRET has 14 (SIREN + 5-digit establishment number)."
            + (" It is kept as the organisation's SIREN." if is_siren else ""),
            error="length",
            details={"siren": value} if is_siren else None,
        )
    if len(value) != 14:
        return wrong_length(text, value, 14, "SIRET")
    if len(set(value)) == 1 or len(set(value[:9])) == 1:
        return _common.invalid(
            text, f"{value} is a placeholder, not a SIRET.", error="component",
            flags={"placeholder"},
        )
    try:
        _siret.validate(value)
    except ValidationError as error:
        return _common.invalid(
            text,
            "The SIRET's check digit does not match; check for a mistyped digit.",
            error=_common.stdnum_error_kind(error),
        )
    details = {"siren": value[:9], "nic": value[9:], "vat": to_vat(value[:9])}
    if whole is not None:
        return Verdict.valid(
            text, value, details=details, flags={"repaired"},
            reasons=(_common.FLOAT_TAIL_REASON,),
        )
    return Verdict.valid(text, value, details=details)


def normalise(raw: str) -> str | None:
    """The fourteen digits, or None."""
    verdict = check(raw)
    return verdict.normalised if verdict.ok else None


def validate(raw: str) -> str:
    """Return the fourteen digits or raise.

    Raises:
        InvalidFormat: not only digits.
        InvalidLength: not 14 digits.
        InvalidChecksum: the check digit does not match.
    """
    return _common.raise_for(check(raw), "SIRET")


def format(value: str) -> str:
    """``732 829 320 00074``."""
    compact = normalise(value)
    return str(_siret.format(compact)) if compact else value


def check_many(values: Iterable[str | None]) -> dict[str | None, Verdict]:
    """Check a column, once per distinct value."""
    return _common.check_many(check, values)
