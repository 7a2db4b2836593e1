"""BIC (SWIFT code): the bank identifier that may accompany an IBAN (ISO 9362).

Optional in SEPA payments, but often found in files. Validated with
``stdnum.bic``: 4-letter bank code, 2-letter country, 2-character location,
optional 3-character branch. Normalised: compact upper case, without the
``XXX`` primary-office branch (``BNPAFRPPXXX`` → ``BNPAFRPP``), which denotes
the same office. ``details["country"]`` is the bank's country.

>>> check("bnpa fr pp xxx").normalised
'BNPAFRPP'
>>> check("BNPA1RPP").status.value
'invalid'
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from stdnum import bic as _bic
from stdnum.exceptions import ValidationError

from carnet.fields import _common
from carnet.fields.verdict import Verdict, blank

__all__ = ["check", "check_many", "format", "normalise", "validate"]

#: "BIC :", "Code BIC :", "BIC/SWIFT :", "Swift code:" before the code.
_PREFIX = re.compile(
    r"^\s*(?:code\s+)?(?:bic|swift)\b(?:\s*(?:/|ou)\s*(?:bic|swift)\b)?(?:\s+code\b)?\s*:?\s*",
    re.IGNORECASE,
)


def check(raw: str | None) -> Verdict:
    """Check a BIC; never raises."""
    text = _common.as_text(raw)
    if text is None or blank(text):
        return Verdict.empty(text)
    value = re.sub(r"[\s.\-]", "", _PREFIX.sub("", text))
    value = value.upper()
    if not value.isalnum() or not value.isascii():
        return _common.invalid(text, "A BIC has only letters and digits.")
    try:
        _bic.validate(value)
    except ValidationError as error:
        kind = _common.stdnum_error_kind(error)
        message = (
            "A BIC has 8 or 11 characters."
            if kind == "length"
            else "This is not a valid BIC (4-letter bank, 2-letter country, 2-character place)."
        )
        return _common.invalid(text, message, error=kind)
    if value.endswith("XXX"):
        value = value[:8]
    return Verdict.valid(text, value, details={"country": value[4:6]})


def normalise(raw: str) -> str | None:
    """The compact BIC, or None."""
    verdict = check(raw)
    return verdict.normalised if verdict.ok else None


def validate(raw: str) -> str:
    """Return the compact BIC or raise.

    Raises:
        InvalidFormat: characters or shape.
        InvalidLength: not 8 or 11 characters.
        InvalidComponent: unknown country code.
    """
    return _common.raise_for(check(raw), "BIC")


def format(value: str) -> str:
    """The compact form (``BNPAFRPP``)."""
    return normalise(value) or value


def check_many(values: Iterable[str | None]) -> dict[str | None, Verdict]:
    """Check a column, once per distinct value."""
    return _common.check_many(check, values)
