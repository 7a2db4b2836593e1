"""Telephone numbers: E.164 normalisation, line type, region, SMS capability.

Numbers are parsed and classified with `phonenumbers
<https://pypi.org/project/phonenumbers/>`_ (Google's libphonenumber metadata),
offline. The normalised form is E.164 (``+33612345678``); the display form is
the national format for numbers of the default region (``06 12 34 56 78``) and
the international format otherwise.

Accepted French writings (default region ``FR``): ``06 12 34 56 78``,
``0612345678``, ``06.12.34.56.78``, ``06-12-34-56-78``, ``+33 6 12 34 56 78``,
``+33 (0)6 12 34 56 78``, ``0033 6 12 34 56 78``, and ``6 12 34 56 78`` (nine
digits: the leading zero was lost, typically by a spreadsheet; repaired, flag
``repaired``). Overseas numbers written the French way (``0690 12 34 56``,
``0692 ...``) are recognised as Guadeloupe, Réunion ... numbers. A trailing
extension (``poste 12``, ``ext. 12``, ``x12``) goes to ``details["extension"]``.

Verdict:
    ``details["type"]`` and a flag: ``mobile``, ``landline``, ``voip``,
    ``premium``, ``toll_free``, ``shared_cost``, ``personal``, ``pager``,
    ``uan``, ``voicemail``, ``landline_or_mobile`` (regions such as the US that
    do not tell them apart) or ``unknown``; ``details["region"]`` (ISO 3166
    code); ``details["sms"]`` ``yes`` for mobiles only, else ``no``.
    Flags ``foreign`` (region outside the default region; French overseas
    regions count as France), ``repaired``, ``extension``, ``multiple`` (several
    numbers in one cell, the first is kept, warning).
    Invalid with flag ``unassigned``: the number has a possible length but lies
    in no allocated range (an offline stand-in for an HLR look-up); its E.164
    form is kept as a best effort.

>>> v = check("06 12 34 56 78")
>>> v.normalised, v.details["type"], v.details["region"], v.details["sms"]
('+33612345678', 'mobile', 'FR', 'yes')
>>> check("+33 (0)1 23 45 67 89").details["type"]
'landline'
>>> v = check("612345678")
>>> v.normalised, sorted(v.flags)
('+33612345678', ['mobile', 'repaired'])
>>> sorted(check("+44 20 7946 0958").flags)
['foreign', 'landline']
>>> check("07 00 00 00 00").flags
frozenset({'unassigned'})
>>> format("+33612345678"), format("+442079460958")
('06 12 34 56 78', '+44 20 7946 0958')
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from functools import lru_cache

import phonenumbers
from phonenumbers import NumberParseException, PhoneNumber, PhoneNumberFormat, PhoneNumberType

from carnet.fields import _common
from carnet.fields.verdict import Verdict, blank

__all__ = ["TYPES", "check", "check_many", "format", "normalise", "validate"]

#: phonenumbers type -> carnet type name (also used as a flag).
TYPES: dict[int, str] = {
    PhoneNumberType.MOBILE: "mobile",
    PhoneNumberType.FIXED_LINE: "landline",
    PhoneNumberType.FIXED_LINE_OR_MOBILE: "landline_or_mobile",
    PhoneNumberType.VOIP: "voip",
    PhoneNumberType.PREMIUM_RATE: "premium",
    PhoneNumberType.TOLL_FREE: "toll_free",
    PhoneNumberType.SHARED_COST: "shared_cost",
    PhoneNumberType.PERSONAL_NUMBER: "personal",
    PhoneNumberType.PAGER: "pager",
    PhoneNumberType.UAN: "uan",
    PhoneNumberType.VOICEMAIL: "voicemail",
    PhoneNumberType.UNKNOWN: "unknown",
}

#: Regions that count as "home" for a default region (France and its overseas).
_FAMILIES: dict[str, frozenset[str]] = {
    "FR": frozenset({"FR", "GP", "MQ", "GF", "RE", "YT", "PM", "BL", "MF", "WF", "PF", "NC"}),
}
#: Overseas regions whose numbers are often written the metropolitan way (0690 ...).
_OVERSEAS = ("GP", "MQ", "GF", "RE", "YT", "PM")

_EXTENSION = re.compile(
    r"\s*(?:ext\.?|extension|poste|post\.?|p\.|x|#)\s*(\d{1,6})\s*$", re.IGNORECASE
)
_ALLOWED = frozenset("0123456789+()-./ \u00a0\u202f\u2009\t")
_MULTI = re.compile(r"\s*(?:[;,|/]|\bou\b|\bor\b|\bet\b)\s*", re.IGNORECASE)
_DIGITS = str.maketrans("", "", "+()-./ \u00a0\u202f\u2009\t")


def _parse_error(error: NumberParseException) -> tuple[str, str]:
    kind = error.error_type
    if kind == NumberParseException.INVALID_COUNTRY_CODE:
        return "The country calling code is not valid.", "component"
    if kind in (NumberParseException.TOO_SHORT_NSN, NumberParseException.TOO_SHORT_AFTER_IDD):
        return "The phone number is too short.", "length"
    if kind == NumberParseException.TOO_LONG:
        return "The phone number is too long.", "length"
    return "This is not a phone number.", "format"


@lru_cache(maxsize=262144)
def _classify(country_code: int, national: str) -> tuple[str, str | None, bool]:
    """(type name, region, possible) of one number; cached across writings."""
    number = PhoneNumber(
        country_code=country_code,
        national_number=int(national),
        italian_leading_zero=national.startswith("0") or None,
        number_of_leading_zeros=(len(national) - len(national.lstrip("0"))) or None,
    )
    kind = phonenumbers.number_type(number)
    region = phonenumbers.region_code_for_number(number)
    possible = kind != PhoneNumberType.UNKNOWN or phonenumbers.is_possible_number(number)
    return TYPES.get(kind, "unknown"), region, possible


def _split(digits_text: str, region: str) -> tuple[int, str, bool] | str:
    """(country code, national significant number, repaired) or an error kind.

    Fast path for the common French writings; everything else goes through
    ``phonenumbers.parse``.
    """
    digits = digits_text.translate(_DIGITS)
    plus = digits_text.lstrip().startswith("+")
    if region == "FR" and not plus:
        if len(digits) == 10 and digits[0] == "0" and digits[1] != "0":
            return 33, digits[1:], False
        if len(digits) == 9 and digits[0] != "0":
            return 33, digits, True
        if digits.startswith("0033"):
            digits, plus = digits[2:], True
    if plus and digits.startswith("33"):
        rest = digits[2:]
        if len(rest) == 10 and rest[0] == "0":
            rest = rest[1:]
        if len(rest) == 9 and rest[0] != "0":
            return 33, rest, False
    try:
        number = phonenumbers.parse(digits_text, region)
    except NumberParseException as error:
        message, kind = _parse_error(error)
        return f"{kind}:{message}"
    national = phonenumbers.national_significant_number(number)
    if not national.isdigit():
        return "format:This is not a phone number."
    return int(number.country_code or 0), national, False


def check(raw: str | None, *, region: str = "FR") -> Verdict:
    """Check one phone number; never raises.

    Args:
        raw: the value as found in the file.
        region: ISO 3166 code of the country assumed for numbers written
            without an international prefix.
    """
    try:
        return _check(raw, region.upper())
    except Exception as error:  # pragma: no cover - a bug must not stop an import
        return _common.invalid(
            _common.as_text(raw), f"The phone number could not be checked ({error})."
        )


def _check(raw: object, region: str) -> Verdict:
    text = _common.as_text(raw)
    if text is None or blank(text):
        return Verdict.empty(text)
    value = text.strip()
    if value.endswith(".0") and value[:-2].isdigit():  # a number read as a float by Excel
        value = value[:-2]
    flags: set[str] = set()
    reasons: list[str] = []
    details: dict[str, str] = {}
    # Fast path: only digits and separators, at most one number's worth of digits.
    simple = _ALLOWED.issuperset(value) and len(value.translate(_DIGITS)) <= 15
    if not simple:
        match = _EXTENSION.search(value)
        if match is not None and match.start() > 0:
            details["extension"] = match.group(1)
            flags.add("extension")
            value = value[: match.start()]
        parts = [p for p in _MULTI.split(value) if p.strip()]
        if (
            len(parts) > 1
            and all(_ALLOWED.issuperset(p) for p in parts)
            and all(len(p.translate(_DIGITS)) >= 8 for p in parts)
        ):
            flags.add("multiple")
            reasons.append("Several numbers were found; the first one was kept.")
            value = parts[0]
        if not _ALLOWED.issuperset(value):
            return _common.invalid(text, "The phone number contains letters or symbols.")
    digit_count = len(value.translate(_DIGITS))
    if digit_count < 6:
        return _common.invalid(text, "The phone number is too short.", error="length")
    if digit_count > 17:
        return _common.invalid(text, "The phone number is too long.", error="length")
    split = _split(value, region)
    if isinstance(split, str):
        kind, _, message = split.partition(":")
        return _common.invalid(text, message, error=kind)
    country_code, national, repaired = split
    kind, number_region, possible = _classify(country_code, national)
    if kind == "unknown" and country_code == 33 and region == "FR" and len(national) == 9:
        for overseas in _OVERSEAS:
            code = phonenumbers.country_code_for_region(overseas)
            candidate = _classify(code, national)
            if candidate[0] != "unknown":
                country_code, (kind, number_region, possible) = code, candidate
                break
    e164 = f"+{country_code}{national}"
    details["region"] = number_region or phonenumbers.region_code_for_country_code(country_code)
    details["country_code"] = str(country_code)
    if kind == "unknown":
        details["type"] = "unknown"
        details["sms"] = "no"
        if possible:
            return _common.invalid(
                text,
                "The number has the right length but is not in any allocated range.",
                error="component",
                normalised=e164,
                flags={"unassigned"},
                details=details,
            )
        return _common.invalid(
            text, "This is not a valid phone number.", error="length", details=details
        )
    details["type"] = kind
    details["sms"] = "yes" if kind == "mobile" else "no"
    flags.add(kind)
    if repaired:
        flags.add("repaired")
        reasons.append("The leading 0 was missing and has been restored.")
    home = _FAMILIES.get(region, frozenset({region}))
    if details["region"] not in home:
        flags.add("foreign")
        reasons.append(f"The number belongs to region {details['region']}.")
    if "multiple" in flags:
        return Verdict.warning(text, e164, tuple(reasons), flags=flags, details=details)
    return Verdict.valid(text, e164, flags=flags, details=details, reasons=tuple(reasons))


def normalise(raw: str, *, region: str = "FR") -> str | None:
    """The E.164 form, or None when the number is not valid.

    >>> normalise("06.12.34.56.78"), normalise("0033 6 12 34 56 78"), normalise("12")
    ('+33612345678', '+33612345678', None)
    """
    verdict = check(raw, region=region)
    return verdict.normalised if verdict.ok else None


def validate(raw: str, *, region: str = "FR") -> str:
    """Return the E.164 form or raise an :class:`~carnet.errors.InvalidValueError`.

    Raises:
        InvalidFormat: letters or symbols, not a phone number.
        InvalidLength: too few or too many digits.
        InvalidComponent: unknown country code, or a number in no allocated range.

    >>> validate("+33 6 12 34 56 78")
    '+33612345678'
    >>> validate("06 12")
    Traceback (most recent call last):
        ...
    carnet.errors.InvalidLength: The phone number is too short.
    """
    return _common.raise_for(check(raw, region=region), "phone number")


def format(value: str, *, region: str = "FR") -> str:
    """Display form: national format at home, international format abroad."""
    try:
        number = phonenumbers.parse(value, region)
    except NumberParseException:
        return value
    if phonenumbers.region_code_for_number(number) in _FAMILIES.get(region, {region}) and (
        number.country_code == phonenumbers.country_code_for_region(region)
    ):
        return str(phonenumbers.format_number(number, PhoneNumberFormat.NATIONAL))
    return str(phonenumbers.format_number(number, PhoneNumberFormat.INTERNATIONAL))


def check_many(values: Iterable[str | None], *, region: str = "FR") -> dict[str | None, Verdict]:
    """Check a whole column, once per distinct value (and once per distinct number).

    >>> result = check_many(["0612345678", "06 12 34 56 78", "0612345678"])
    >>> len(result), {v.normalised for v in result.values()}
    (2, {'+33612345678'})
    """
    return _common.check_many(check, values, region=region)
