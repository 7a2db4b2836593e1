"""VAT numbers: French (TVA intracommunautaire) and other European ones.

Validated offline with python-stdnum: ``stdnum.eu.vat`` for the EU member
states (and ``XI`` Northern Ireland), the country's own module for the other
countries stdnum knows (``GB``, ``CH``, ``NO`` ...). Greece uses ``EL``. The
normalised form is compact and upper case with the country prefix
(``FR40303265045``); the display form separates the prefix
(``FR 40 303265045`` for France, ``DE 136695976`` otherwise).

A number written without its prefix is read in the ``country`` given
(default ``FR``), with flag ``prefix_added``. A French number must be ``FR`` +
2-character key + SIREN; ``details["siren"]`` gives the SIREN, and a bare SIREN
is refused with its VAT number as suggestion. No VIES (online) query is made.

>>> check("FR 40 303 265 045").normalised
'FR40303265045'
>>> check("fr40303265045").details["siren"]
'303265045'
>>> v = check("40303265045")
>>> v.normalised, sorted(v.flags)
('FR40303265045', ['prefix_added'])
>>> check("FR41303265045").status.value
'invalid'
>>> check("303265045").suggestions
('FR40303265045',)
>>> check("DE136695976").details["country"]
'DE'
>>> format("FR40303265045")
'FR 40 303265045'
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from functools import cache
from typing import TYPE_CHECKING

from stdnum.eu import vat as _eu_vat
from stdnum.exceptions import ValidationError
from stdnum.fr import siren as _siren
from stdnum.util import get_cc_module

from carnet.fields import _common
from carnet.fields.siren import to_vat
from carnet.fields.verdict import Verdict, blank

if TYPE_CHECKING:
    from stdnum.util import NumberValidationModule

__all__ = ["check", "check_many", "format", "normalise", "validate"]

_PREFIX = re.compile(
    r"^\s*(?:n\s*°\s*|num[eé]ro\s+(?:de\s+)?)?(?:tva|vat|ust-?id\w*)"
    r"(?:\s+intra[-\s]?com\w*\.?)?\s*:?\s*",
    re.I,
)
#: What a VAT column says for a business with no number (folded): micro-entrepreneurs
#: under the "franchise en base", associations, exempt trades.
_NOT_LIABLE = re.compile(
    r"(?:non|pas)\s+(?:assujetti|soumis|applicable)e?s?(?:\s+a\s+la\s+tva)?|exoneree?s?"
    r"|(?:pas\s+de|sans)\s+(?:tva|numero)|franchise(?:\s+en\s+base)?(?:\s+de\s+tva)?"
    r"|tva\s+non\s+applicable(?:\s*,?\s*art\.?\s*293\s*b\s*du\s*cgi)?"
)
_COUNTRY_OF_PREFIX = {"EL": "GR", "XI": "GB"}


@cache
def _module(country: str) -> NumberValidationModule | None:
    """The stdnum VAT module for a prefix, or None."""
    cc = country.lower()
    if cc in _eu_vat.MEMBER_STATES or cc == "el":
        return None  # handled by stdnum.eu.vat
    try:
        module = get_cc_module(cc, "vat")
    except Exception:
        return None
    return module if hasattr(module, "validate") else None


def _validate(value: str) -> str:
    prefix = value[:2]
    if prefix.lower() in _eu_vat.MEMBER_STATES or prefix == "EL":
        return str(_eu_vat.validate(value))
    module = _module(prefix)
    if module is None:
        raise ValueError(prefix)
    result = str(module.validate(value))
    return result if result.startswith(prefix) else prefix + result


def check(raw: str | None, *, country: str = "FR") -> Verdict:
    """Check a VAT number; never raises.

    Args:
        raw: the value as found in the file.
        country: the country assumed when the number has no prefix.
    """
    text = _common.as_text(raw)
    if text is None or blank(text):
        return Verdict.empty(text)
    if _NOT_LIABLE.fullmatch(" ".join(_common.fold(text).replace(",", " , ").split())):
        # "Non assujetti", "TVA non applicable, art. 293 B du CGI": no number to have
        return Verdict.empty(text)
    value = re.sub(r"[\s.\-/]", "", _PREFIX.sub("", text)).upper()
    if value and not any(c.isdigit() for c in value):
        return _common.invalid(text, "This is no VAT number: it has no digits.")
    if not value.isalnum() or not value.isascii():
        return _common.invalid(text, "A VAT number has only letters and digits.")
    flags: set[str] = set()
    reasons: list[str] = []
    # "FR303265045": the key left out
    bare = value[2:] if len(value) == 11 and value.startswith("FR") else value
    if bare.isdigit() and len(bare) == 9 and (country.upper() == "FR" or bare != value):
        # a SIREN in the VAT column: a valid one is the organisation's (details["siren"]),
        # as in a SIRET column; its VAT number is suggested, never made up
        is_siren = _siren.is_valid(bare) and len(set(bare)) > 1
        return _common.invalid(
            text,
            "This is a SIREN; the French VAT number is FR + a 2-character key + the SIREN."
            + (" It is kept as the organisation's SIREN." if is_siren else ""),
            error="length",
            suggestions=(to_vat(bare),) if is_siren else (),
            details={"siren": bare} if is_siren else None,
        )
    if len(value) < 4:
        return _common.invalid(text, "The VAT number is too short.", error="length")
    if not value[:2].isalpha():
        prefix = "EL" if country.upper() == "GR" else country.upper()
        value = prefix + value
        flags.add("prefix_added")
        reasons.append(f"The country prefix {prefix} was added.")
    prefix = value[:2]
    try:
        normalised = _validate(value)
    except ValidationError as error:
        kind = _common.stdnum_error_kind(error)
        message = {
            "length": f"The VAT number has the wrong length for {prefix}.",
            "checksum": "The VAT number's check digits do not match; check for a mistyped digit.",
        }.get(kind, f"This is not a valid {prefix} VAT number.")
        return _common.invalid(text, message, error=kind)
    except ValueError:
        return _common.invalid(
            text, f"{prefix} is not a known VAT country prefix.", error="component"
        )
    details = {"country": _COUNTRY_OF_PREFIX.get(prefix, prefix)}
    if prefix == "FR" and normalised[4:].isdigit():
        details["siren"] = normalised[4:]
    return Verdict.valid(text, normalised, flags=flags, details=details, reasons=tuple(reasons))


def normalise(raw: str, *, country: str = "FR") -> str | None:
    """The compact, prefixed number, or None."""
    verdict = check(raw, country=country)
    return verdict.normalised if verdict.ok else None


def validate(raw: str, *, country: str = "FR") -> str:
    """Return the compact, prefixed number or raise.

    Raises:
        InvalidFormat: characters or shape.
        InvalidLength: wrong length for the country (or a bare SIREN).
        InvalidChecksum: the check digits do not match.
        InvalidComponent: unknown country prefix or invalid part.
    """
    return _common.raise_for(check(raw, country=country), "VAT number")


def format(value: str) -> str:
    """``FR 40 303265045`` for France, ``DE 136695976`` elsewhere."""
    compact = normalise(value)
    if not compact:
        return value
    if compact.startswith("FR"):
        return f"FR {compact[2:4]} {compact[4:]}"
    return f"{compact[:2]} {compact[2:]}"


def check_many(values: Iterable[str | None], *, country: str = "FR") -> dict[str | None, Verdict]:
    """Check a column, once per distinct value."""
    return _common.check_many(check, values, country=country)
