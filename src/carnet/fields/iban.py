"""IBAN: International Bank Account Number (ISO 13616).

Validated with ``stdnum.iban`` (python-stdnum): country code, length and
structure of the country's BBAN, ISO 7064 mod 97-10 check digits. Normalised
form: compact upper case (``FR7630006000011234567890189``); display form in
groups of four (``FR76 3000 6000 0112 3456 7890 189``). ``details["country"]``
is the account's country and, for France, ``details["bank_code"]`` /
``details["branch_code"]`` come from the RIB inside. The BIC is optional in
SEPA and checked apart (:mod:`carnet.fields.bic`); a BIC copied into the IBAN's
cell from a RIB ("FR76 ... 189 BIC AGRIFRPP", "FR76... / AGRIFRPP") is taken off
and given as ``details["bic"]``, the IBAN before it checked alone.

>>> check("fr76 3000 6000 0112 3456 7890 189").normalised
'FR7630006000011234567890189'
>>> check("FR7630006000011234567890188").status.value
'invalid'
>>> v = check("IBAN : FR76 3000 6000 0112 3456 7890 189 - BIC : AGRIFRPP")
>>> v.normalised, v.details["bic"]
('FR7630006000011234567890189', 'AGRIFRPP')
>>> format("FR7630006000011234567890189")
'FR76 3000 6000 0112 3456 7890 189'
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from stdnum import iban as _iban
from stdnum.exceptions import ValidationError

from carnet.fields import _common
from carnet.fields import bic as _bic_field
from carnet.fields.verdict import Verdict, blank

__all__ = ["check", "check_many", "format", "french_iban", "normalise", "validate"]

_PREFIX = re.compile(r"^\s*(?:iban|rib)\s*:?\s*", re.IGNORECASE)
#: A BIC after the IBAN, apart from it by a space, a separator or its label:
#: "... 189 BIC AGRIFRPP", "... 189 / AGRIFRPPXXX", "... 189 (BIC : AGRI FR PP)".
_BIC_AFTER = re.compile(
    r"^(?P<iban>.*?[0-9A-Za-z])\s*(?:[/,;|(\-–]\s*|\s)\s*"
    r"(?P<bic>(?:(?:code\s+)?(?:bic|swift)\b(?:\s*/\s*(?:bic|swift)\b)?\s*:?\s*)?"
    r"[A-Za-z]{4}\s?[A-Za-z]{2}\s?[0-9A-Za-z]{2}(?:\s?[0-9A-Za-z]{3})?)\s*\)?\s*$",
    re.IGNORECASE,
)
#: A French RIB: bank (5 digits), branch (5), account (11 letters or digits), key (2).
_RIB = re.compile(r"(\d{5})(\d{5})([0-9A-Z]{11})(\d{2})")
#: The RIB key's digit for each letter of an account number (A and J are 1, B, K and S 2...).
_RIB_LETTERS = str.maketrans(
    "ABCDEFGHIJKLMNOPQRSTUVWXYZ", "12345678912345678923456789"
)


def _rib_key_holds(bank: str, branch: str, account: str, key: str) -> bool:
    """The RIB key check: 97 - (89 bank + 15 branch + 3 account) mod 97."""
    number = int(account.translate(_RIB_LETTERS))
    return 97 - (89 * int(bank) + 15 * int(branch) + 3 * number) % 97 == int(key)


def _iban_of_rib(rib: str) -> str:
    """The IBAN holding a French RIB's 23 characters (its check digits computed)."""
    return f"FR{_iban.calc_check_digits('FR00' + rib)}{rib}"


def _from_rib(text: str, value: str) -> Verdict | None:
    """The verdict of a French RIB given where an IBAN was asked, or None if it is none."""
    rib = _RIB.fullmatch(value)
    if rib is None:
        return None
    if not _rib_key_holds(*rib.groups()):
        return _common.invalid(
            text,
            "This looks like a French RIB, but its key (last 2 digits) does not match; "
            "check for a mistyped digit.",
            error="checksum",
        )
    iban = _iban_of_rib(value)
    return Verdict.valid(
        text,
        iban,
        flags={"repaired", "from_rib"},
        reasons=(f"A French RIB: its IBAN is {_iban.format(iban)}.",),
        details={"country": "FR", "bank_code": rib.group(1), "branch_code": rib.group(2)},
    )


def check(raw: str | None) -> Verdict:
    """Check an IBAN; never raises."""
    text = _common.as_text(raw)
    if text is None or blank(text):
        return Verdict.empty(text)
    verdict = _check(text)
    if not verdict.ok:
        with_bic = _with_bic(text)
        if with_bic is not None:
            return with_bic
    return verdict


def _with_bic(text: str) -> Verdict | None:
    """The verdict of an IBAN followed by its BIC in one cell, or None if it is not that.

    Both parts must pass their own checks: a cell whose end only looks like a BIC
    keeps the verdict of the whole cell.
    """
    found = _BIC_AFTER.match(text)
    if found is None:
        return None
    bic = _bic_field.check(found.group("bic"))
    if not bic.ok or bic.normalised is None:
        return None
    iban = _check(found.group("iban"))
    if not iban.ok or iban.normalised is None:
        return None
    return Verdict.valid(
        text,
        iban.normalised,
        flags=iban.flags | {"repaired"},
        reasons=(
            *iban.reasons,
            f"The BIC {bic.normalised} written after the IBAN was taken off (kept as the BIC).",
        ),
        details={**iban.details, "bic": bic.normalised},
    )


def _check(text: str) -> Verdict:
    """The verdict of a cell that holds an IBAN (or a RIB) alone."""
    value = re.sub(r"[\s.\-]", "", _PREFIX.sub("", text)).upper()
    if not value.isalnum() or not value.isascii():
        return _common.invalid(text, "An IBAN has only letters and digits.")
    rib = _from_rib(text, value)
    if rib is not None:
        return rib
    if len(value) < 15 or not value[:2].isalpha() or not value[2:4].isdigit():
        return _common.invalid(
            text,
            "An IBAN starts with a country code and 2 check digits (FR76 ...).",
            error="length" if len(value) < 15 else "format",
        )
    try:
        _iban.validate(value)
    except ValidationError as error:
        kind = _common.stdnum_error_kind(error)
        message = {
            "length": f"The IBAN has the wrong length for {value[:2]}.",
            "checksum": "The IBAN's check digits do not match; check for a mistyped character.",
            "component": f"The IBAN's country {value[:2]} or bank details are not valid.",
        }.get(kind, "This is not a valid IBAN.")
        return _common.invalid(text, message, error=kind)
    details = {"country": value[:2]}
    if value.startswith(("FR", "MC")) and len(value) == 27:
        details["bank_code"], details["branch_code"] = value[4:9], value[9:14]
    return Verdict.valid(text, value, details=details)


def normalise(raw: str) -> str | None:
    """The compact upper-case IBAN, or None."""
    verdict = check(raw)
    return verdict.normalised if verdict.ok else None


def validate(raw: str) -> str:
    """Return the compact IBAN or raise.

    Raises:
        InvalidFormat: characters or shape.
        InvalidLength: wrong length for the country.
        InvalidChecksum: the check digits do not match.
        InvalidComponent: unknown country or invalid bank account part.
    """
    return _common.raise_for(check(raw), "IBAN")


def format(value: str) -> str:
    """Groups of four: ``FR76 3000 6000 0112 3456 7890 189``."""
    compact = normalise(value)
    return str(_iban.format(compact)) if compact else value


def check_many(values: Iterable[str | None]) -> dict[str | None, Verdict]:
    """Check a column, once per distinct value."""
    return _common.check_many(check, values)


def french_iban(bank: str, branch: str, account: str, key: str) -> str | None:
    """The IBAN of a French RIB written in four parts, or None when they do not agree.

    The parts lost their leading zeros in a spreadsheet are padded back ("823" is
    branch 00823); the RIB key must match (97 - (89 bank + 15 branch + 3 account) mod
    97), as a transposed digit would otherwise give a valid-looking IBAN.

    >>> french_iban("30006", "00001", "12345678901", "89")
    'FR7630006000011234567890189'
    >>> french_iban("30006", "1", "12345678901", "89")
    'FR7630006000011234567890189'
    >>> french_iban("30006", "00001", "12345678901", "88") is None
    True
    """
    if not (bank.isdigit() and branch.isdigit() and key.isdigit() and account.isalnum()):
        return None
    if len(bank) > 5 or len(branch) > 5 or len(account) > 11 or len(key) > 2:
        return None
    bank, branch, key = bank.zfill(5), branch.zfill(5), key.zfill(2)
    account = account.upper().zfill(11)
    if not _rib_key_holds(bank, branch, account, key):
        return None
    return _iban_of_rib(f"{bank}{branch}{account}{key}")
