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
    regions count as France), ``overseas`` (a number of an overseas region
    written the metropolitan way, ``06 39 ...`` for Mayotte's ``+262 639 ...``:
    phonenumbers alone calls it an invalid French number), ``repaired``,
    ``extension``, ``multiple`` (several numbers in one cell: the verdict is
    the first one's, a warning, and ``details["others"]`` holds the others as
    written, one per line, for the caller to check and keep).
    Invalid with flag ``unassigned``: the number has a possible length but lies
    in no allocated range (an offline stand-in for an HLR look-up); its E.164
    form is kept as a best effort. Invalid with flag ``placeholder``: a French
    number of one digit repeated after its prefix (``06 00 00 00 00``,
    ``01 11 11 11 11``) or one pair repeated (``06 06 06 06 06``) in an
    allocated range, which files hold for "no number".

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
>>> check("06 00 00 00 00").flags
frozenset({'placeholder'})
>>> format("+33612345678"), format("+442079460958")
('06 12 34 56 78', '+44 20 7946 0958')
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from functools import cache, lru_cache
from itertools import compress, count, repeat
from operator import is_
from types import MappingProxyType

import phonenumbers
import polars as pl
from phonenumbers import (
    NumberParseException,
    PhoneMetadata,
    PhoneNumber,
    PhoneNumberFormat,
    PhoneNumberType,
)

from carnet.fields import _common
from carnet.fields.verdict import Status, Verdict, no_value, verdicts_from_rows

__all__ = [
    "TYPES",
    "check",
    "check_column",
    "check_distinct",
    "check_many",
    "format",
    "normalise",
    "validate",
]

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
#: Their names, and those of the regions sharing their calling codes, for reasons.
_OVERSEAS_NAMES = {
    "GP": "Guadeloupe", "MQ": "Martinique", "GF": "Guyane", "RE": "La Réunion",
    "YT": "Mayotte", "PM": "Saint-Pierre-et-Miquelon", "BL": "Saint-Barthélemy",
    "MF": "Saint-Martin",
}

_EXTENSION = re.compile(
    r"\s*\(?\s*(?:ext\.?|extension|poste|post\.?|p\.|x|#)\s*(\d{1,6})\s*\)?\s*$", re.IGNORECASE
)
#: A note beside the number that the person is not to be called: "(ne pas appeler)",
#: "Bloctel", "STOP SMS". The number is kept, and the verdict says so.
_DO_NOT_CALL = re.compile(
    r"\(?\s*(?:ne\s+(?:pas|plus)\s+(?:l[' ]\s*)?(?:appeler|contacter|d[ée]marcher|rappeler)"
    # "pas d'appel avant 18h" says when to call, not not to
    r"|pas\s+d[' ]\s*appels?(?![^()\d]*\d)|pas\s+de\s+d[ée]marchage|refuse\s+(?:les\s+)?"
    r"(?:appels|d[ée]marchage)|bloctel|stop\s+(?:appels?|d[ée]marchage)|do\s+not\s+call)"
    r"\b[^()\d]*\)?",
    re.IGNORECASE,
)
_ALLOWED = frozenset("0123456789+()-./ \u00a0\u202f\u2009\t")
#: Words written beside a number to say what it is: "Tél. :", "(perso)", "portable".
_LABEL = re.compile(
    r"\(\s*[^\W\d_][^()\d]*\)"
    r"|\b(?:t[ée]l[ée]?(?:phone)?|tel|mobile|mob|portable|port|gsm|cell|fixe|domicile|dom"
    r"|bureau|bur|pro|perso|fax|standard|ligne\s+directe|phone|home|work|office)\b\.?\s*:?",
    re.IGNORECASE,
)
#: The flag of a number written as someone else's: it reaches the person, but names no one.
SOMEONE_ELSES = "someone_else"
#: Words beside a number that say it is a relative's or another's: "(portable de sa
#: fille)", "chez sa mère", "tél. du voisin".
_SOMEONE_ELSE = re.compile(
    r"\b(?:de|du|d'|chez)\s*(?:sa|son|la|le|l')?\s*(?:fille|fils|m[eè]re|p[eè]re|mari|femme"
    r"|[ée]pou(?:se|x)|conjointe?|compagn(?:e|on)|voisine?|s(?:oe|œ)ur|fr[eè]re|parents?"
    r"|enfants?|tuteur|tutrice|grand[- ]?m[eè]re|grand[- ]?p[eè]re|gardien(?:ne)?)\b",
    re.IGNORECASE,
)
#: A run of digits and separators that may be one phone number.
_NUMBER_RUN = re.compile(r"\+?[0-9][0-9 .\-/\u00a0]*[0-9]")
#: What separates several numbers in a cell ("::: " is Google Contacts' export's).
_MULTI = re.compile(r"\s*(?:[;,|/]|:::|\bou\b|\bor\b|\bet\b)\s*", re.IGNORECASE)
_DIGITS = str.maketrans("", "", "+()-./ \u00a0\u202f\u2009\t")

#: French national numbers (nine digits) that forms and files hold instead of a number:
#: one digit eight times after the prefix (06 00 00 00 00, 01 11 11 11 11) and one pair
#: five times (06 06 06 06 06).
PLACEHOLDERS = frozenset(
    {f"{prefix}{digit * 8}" for prefix in "123456789" for digit in "0123456789"}
    | {f"{pair[1]}{pair * 4}" for pair in (f"0{d}" for d in "123456789")}
)


def _number_runs(text: str) -> list[str]:
    """The runs of digits and separators in ``text`` that may each be a phone number:
    eight digits or more, not glued to a letter ("7A" is a typo, not a word after)."""
    runs = []
    for match in _NUMBER_RUN.finditer(text):
        before = text[match.start() - 1] if match.start() else " "
        after = text[match.end()] if match.end() < len(text) else " "
        if before.isalpha() or after.isalpha():
            continue
        if len(match.group(0).translate(_DIGITS)) >= 8:
            runs.append(match.group(0))
    return runs


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


def _split(digits_text: str, region: str, digits: str) -> tuple[int, str, bool] | str:
    """(country code, national significant number, repaired) or an error kind.

    ``digits`` is ``digits_text`` without its separators. Fast path for the
    common French writings; everything else goes through ``phonenumbers.parse``.
    """
    plus = digits_text.lstrip().startswith("+")
    if region == "FR" and not plus:
        if len(digits) == 10 and digits[0] == "0" and digits[1] != "0":
            return 33, digits[1:], False
        if len(digits) == 9 and digits[0] != "0":
            return 33, digits, True
        if len(digits) in (8, 9) and digits[0] == "0" and digits[1] != "0":
            # "06 12 34 56 7": a digit lost, not a number of another range
            return "length:The number is too short: a French number has ten digits."
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


def _two_french_numbers(value: str) -> list[str] | None:
    """Two French numbers written one after the other with no word between them
    ("0612345678 0145678910", "01 23 45 67 89 - 06 12 34 56 78"), else None."""
    if not _ALLOWED.issuperset(value):
        return None
    digits = value.translate(_DIGITS)
    if len(digits) != 20 or digits[0] != "0" or digits[10] != "0" or "0" in (digits[1], digits[11]):
        return None
    return [digits[:10], digits[10:]]


def _check(raw: object, region: str) -> Verdict:
    text = _common.as_text(raw)
    if text is not None and region == "FR":
        plain = _plain_french(text)
        if plain is not None:
            return plain
    nothing = no_value(text)
    if nothing is not None:
        return nothing
    assert text is not None
    value = _common.from_scientific(text.strip())
    if value[:1] == "[":
        # a JSON list from an API export: ["06 …"], [], [{"label": "mobile", "value": "06 …"}]
        items = _common.list_items(value)
        if items is not None:
            if not items:
                return Verdict.empty(text)
            value = " / ".join(items)
    if value.endswith(".0") and value[:-2].isdigit():  # a number read as a float by Excel
        value = value[:-2]
    flags: set[str] = set()
    reasons: list[str] = []
    details: dict[str, str] = {}
    # Fast path: only digits and separators, at most one number's worth of digits.
    digits = value.translate(_DIGITS) if _ALLOWED.issuperset(value) else None
    if digits is None or len(digits) > 15:
        if digits is None and (refusal := _DO_NOT_CALL.search(value)) is not None:
            # "06 … (ne pas appeler)": the note is an opposition the import must not lose
            flags.add("do_not_call")
            reasons.append(f"The cell says not to call: '{refusal.group(0).strip(' ()')}'.")
            value = " ".join((value[: refusal.start()] + " " + value[refusal.end() :]).split())
            if not any(c.isdigit() for c in value):
                return Verdict(text, None, Status.EMPTY, tuple(reasons), flags=frozenset(flags))
            if _ALLOWED.issuperset(value):
                digits = value.translate(_DIGITS)
        if digits is None and (whose := _SOMEONE_ELSE.search(value)) is not None:
            # "06 … (portable de sa fille)": it reaches the person, but it is not theirs:
            # no key to find them by, no proof that two rows holding it are one person
            flags.add(SOMEONE_ELSES)
            reasons.append(
                f"The number is someone else's ('{whose.group(0).strip(' ()')}'): kept to "
                "reach the person, not as their own."
            )
        if digits is None:
            # "Tél. : 06 …", "06 … (perso)": the words say what the number is for.
            unlabelled = " ".join(_LABEL.sub(" ", value).split())
            if unlabelled != value and unlabelled and any(c.isdigit() for c in unlabelled):
                flags.add("cleaned")
                reasons.append("Words around the number were removed.")
                value = unlabelled
        match = _EXTENSION.search(value)
        if match is not None and match.start() > 0:
            details["extension"] = match.group(1)
            flags.add("extension")
            value = value[: match.start()]
        parts = [p for p in _MULTI.split(value) if p.strip()] or [value]
        if len(parts) == 1:
            parts = _two_french_numbers(value) or parts
        if len(parts) > 1:
            # the same number twice ("06 … / 06 …") is one number
            firsts: dict[str, str] = {}
            for part in parts:
                firsts.setdefault(part.translate(_DIGITS), part)
            unique = list(firsts.values())
            if len(unique) == 1:
                value = unique[0]
            parts = unique
        if (
            len(parts) > 1
            and all(_ALLOWED.issuperset(p) for p in parts)
            and all(len(p.translate(_DIGITS)) >= 8 for p in parts)
        ):
            flags.add("multiple")
            reasons.append("Several numbers were found; each is kept, this one first.")
            details["others"] = "\n".join(p.strip() for p in parts[1:])
            value = parts[0]
        zeroed = value.translate(_common.LETTER_O_AS_ZERO)
        if zeroed != value and _ALLOWED.issuperset(zeroed) and len(zeroed.translate(_DIGITS)) >= 9:
            # "o6 12 34 56 78", "O1 45 ...": the letter O typed for a zero, among digits only
            value = zeroed
            flags.add("repaired")
            reasons.append(_common.LETTER_O_REASON)
        if not _ALLOWED.issuperset(value):
            found = _common.scientific_notation(text, "phone number")
            if found is not None:
                return found
            # "06 12 34 56 78 - M. Dupont", "06 … (après 18h)": one number among words
            runs = _number_runs(value)
            if len(runs) != 1:
                return _common.invalid(text, "The phone number contains letters or symbols.")
            value = runs[0]
            if "cleaned" not in flags:
                flags.add("cleaned")
                reasons.append("Words around the number were removed.")
        digits = value.translate(_DIGITS)
    digit_count = len(digits)
    if digit_count < 6:
        return _common.invalid(text, "The phone number is too short.", error="length")
    if digit_count > 17:
        return _common.invalid(text, "The phone number is too long.", error="length")
    if digits.count(digits[0]) == digit_count:
        # "00 00 00 00 00", "9999999999": typed for "no number"
        return _common.invalid(
            text,
            "This looks like a placeholder (the same digit over and over), not a number.",
            error="component",
            flags={"placeholder"},
        )
    split = _split(value, region, digits)
    if isinstance(split, str):
        kind, _, message = split.partition(":")
        return _common.invalid(text, message, error=kind)
    country_code, national, repaired = split
    resolved = _resolve(country_code, national, region)
    if country_code == 33 and national in PLACEHOLDERS and resolved[1] != "unknown":
        # in an allocated range, but no one's number: 06 00 00 00 00
        return _common.invalid(
            text,
            "This looks like a placeholder (the same digits over and over), not a number.",
            error="component",
            flags={"placeholder"},
        )
    if flags or details:
        return _verdict(text, flags, reasons, details, *resolved, national, repaired, region)
    return _from_outline(text, _outline(*resolved, repaired, region), national)


#: A French number written the plain national way: ``0612345678``,
#: ``06 12 34 56 78``, ``06.12.34.56.78``, ``06-12-34-56-78``.
_PLAIN_FRENCH = re.compile(r"0[1-9](?:[ .-]?[0-9]{2}){4}")
#: First six national digits (at least a decided prefix) → the outline they share.
_PLAIN_OUTLINES: dict[str, _Outline] = {}


def _plain_french(text: str) -> Verdict | None:
    """The verdict of a number written the plain French way, else None.

    For these writings :func:`_check`'s steps reduce to dropping the separators
    and the trunk 0; a number whose first six digits hold a decided prefix
    (see :func:`_decided_prefixes`) shares its outline with every number
    starting with them, so the verdict is one look-up away. Anything else
    returns None and takes the full path.
    """
    if _PLAIN_FRENCH.fullmatch(text) is None:
        return None
    national = text[1:].translate(_DIGITS)
    if national in PLACEHOLDERS:
        return None
    outline = _PLAIN_OUTLINES.get(national[:6])
    if outline is None:
        if _decided_prefix(national) is None:
            return None
        if len(_PLAIN_OUTLINES) > 100_000:
            _PLAIN_OUTLINES.clear()
        outline = _outline(*_resolve(33, national, "FR"), False, "FR")
        _PLAIN_OUTLINES[national[:6]] = outline
    return _from_outline(text, outline, national)


#: What :func:`_resolve` tells of a number: country code, type name, region, possible
#: (a length some range allows), and whether it is an overseas number written the
#: metropolitan way (a French national number in no metropolitan range: 0639 ... is
#: Mayotte's +262 639 ...).
_Facts = tuple[int, str, str | None, bool, bool]


def _resolve(country_code: int, national: str, region: str) -> _Facts:
    """The :data:`_Facts` of a number, overseas writings included.

    A nine-digit French number is resolved once per *decided prefix* (see
    :func:`_decided_prefixes`): every number sharing that prefix has the same
    facts, so one phonenumbers call serves them all.
    """
    if country_code == 33 and region == "FR" and len(national) == 9:
        prefix = _decided_prefix(national)
        if prefix is not None:
            facts = _PREFIX_FACTS.get(prefix)
            if facts is None:
                facts = _PREFIX_FACTS[prefix] = _resolve_exact(33, national, "FR")
            return facts
    return _resolve_exact(country_code, national, region)


#: Decided prefix → the :func:`_resolve_exact` facts every number with it shares.
_PREFIX_FACTS: dict[str, _Facts] = {}


def _decided_prefix(national: str) -> str | None:
    """The decided prefix a nine-digit national number starts with, if any."""
    decided = _decided_prefixes()
    for length in _prefix_lengths():
        if national[:length] in decided:
            return national[:length]
    return None


@cache
def _prefix_lengths() -> tuple[int, ...]:
    return tuple(sorted({len(p) for p in _decided_prefixes()}))


def _resolve_exact(country_code: int, national: str, region: str) -> _Facts:
    """:func:`_resolve` asking phonenumbers about this very number.

    A nine-digit French national number in no French range is tried as a
    number of each overseas region written the metropolitan way (0690 ...).
    """
    kind, number_region, possible = _classify(country_code, national)
    # phonenumbers' French landlines span 0596 and 0269 too, which are Martinique's
    # and Mayotte's: a landline an overseas region also claims is that region's.
    french = country_code == 33 and region == "FR" and len(national) == 9
    if kind in ("unknown", "landline") and french:
        for overseas in _OVERSEAS:
            code = phonenumbers.country_code_for_region(overseas)
            candidate = _classify(code, national)
            if candidate[0] != "unknown" and (kind == "unknown" or candidate[0] == "landline"):
                return code, *candidate, True
    return country_code, kind, number_region, possible, False


#: What a simply written number's verdict holds but for its text and number:
#: (status, reasons, suggestions, flags, details, keeps its E.164 form).
_Outline = tuple[Status, tuple[str, ...], tuple[str, ...], frozenset[str], Mapping[str, str], bool]


@lru_cache(maxsize=4096)
def _outline(
    country_code: int,
    kind: str,
    number_region: str | None,
    possible: bool,
    overseas_written: bool,
    repaired: bool,
    region: str,
) -> _Outline:
    """The verdict :func:`_verdict` gives every simply written number with these facts.

    Its reasons, flags and details depend on the facts only, never on the digits,
    so numbers sharing a decided prefix share one outline (and one read-only
    details mapping) instead of building their own.
    """
    v = _verdict(
        "",
        set(),
        [],
        {},
        country_code,
        kind,
        number_region,
        possible,
        overseas_written,
        "",
        repaired,
        region,
    )
    details = MappingProxyType(dict(v.details))
    return v.status, v.reasons, v.suggestions, v.flags, details, v.normalised is not None


def _from_outline(text: str, outline: _Outline, national: str) -> Verdict:
    """The verdict of ``text``, the number ``national`` of the outline's facts."""
    status, reasons, suggestions, flags, details, keeps = outline
    e164 = f"+{details['country_code']}{national}" if keeps else None
    return Verdict(text, e164, status, reasons, suggestions, flags, details)


def _verdict(
    text: str,
    flags: set[str],
    reasons: list[str],
    details: dict[str, str],
    country_code: int,
    kind: str,
    number_region: str | None,
    possible: bool,
    overseas_written: bool,
    national: str,
    repaired: bool,
    region: str,
) -> Verdict:
    """The verdict of a parsed number, from its :func:`_resolve` facts.

    Shared by :func:`check` and the vectorised :func:`check_column`, so both say
    exactly the same. ``flags``, ``reasons`` and ``details`` hold what the
    writing already told (extension, several numbers).
    """
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
    if overseas_written:
        # phonenumbers reads 06 39 ... as a French number in no range: the overseas
        # range it is in says where it belongs
        flags.add("overseas")
        place = _OVERSEAS_NAMES.get(details["region"], details["region"])
        reasons.append(f"A number of {place} (+{country_code}) written the metropolitan way.")
    home = _FAMILIES.get(region)
    if details["region"] not in (home if home is not None else (region,)):
        flags.add("foreign")
        reasons.append(f"The number belongs to region {details['region']}.")
    if flags & {"multiple", "do_not_call", SOMEONE_ELSES}:
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


def check_column(values: Sequence[str | None], *, region: str = "FR") -> list[Verdict]:
    """Check a whole column: one verdict per value, in order.

    The result equals ``[check(v, region=region) for v in values]``, computed
    once per distinct value with :func:`check_distinct`.

    Args:
        values: the column's cells (None for a missing cell).
        region: as for :func:`check`.

    Returns:
        A list of :class:`Verdict`, the same length as ``values``; equal cells
        share one verdict object.

    >>> [v.normalised for v in check_column(["06 12 34 56 78", None, "+33612345678"])]
    ['+33612345678', None, '+33612345678']
    """
    distinct = list(dict.fromkeys(values))
    verdicts = dict(zip(distinct, check_distinct(distinct, region=region), strict=True))
    return [verdicts[v] for v in values]


#: Fewer values than this are checked one by one: Polars' set-up would cost more
#: (a plain number costs about 2 µs one by one, 1 µs in a column, and
#: the column's set-up about 0.7 ms).
COLUMN_FROM = 800

#: A cell :func:`check_distinct` may read a column at a time: digits and the
#: separators of :data:`_ALLOWED` only (no extension, no second number).
_SIMPLE_WRITING = "^[0-9+()./ \t\u00a0\u202f\u2009-]+$"


def check_distinct(values: Sequence[str | None], *, region: str = "FR") -> list[Verdict]:
    """``[check(v, region=region) for v in values]``, French writings read a column at a time.

    Meant for the distinct values of a column (an import checks each once).
    With the default region ``FR``, the cells made of digits and separators
    that :func:`_split` reads without phonenumbers (``06 12 34 56 78``,
    ``+33 (0)6 ...``, ``0033 6 ...``, ``612345678``) are split into their
    nine national digits by Polars expressions over all the values at once.
    Every number whose first six digits hold a decided prefix (see
    :func:`_decided_prefixes`) then gets its verdict from that prefix's
    outline (:func:`_outline`) in one step; every other value takes
    :func:`check`. Same verdicts as :func:`check` (tested on random text and
    on every writing of random numbers).
    """
    if region.upper() != "FR" or len(values) < COLUMN_FROM:
        return [check(v, region=region) for v in values]
    try:
        texts = pl.Series(values, dtype=pl.String, strict=True)
    except (TypeError, pl.exceptions.PolarsError):  # not all text: no short cut
        return [check(v, region=region) for v in values]
    found = _common.run_stages(texts, _column_stages(), ("national", "repaired", "decided"))
    nationals = found["national"].to_list()
    decided = found["decided"].to_list()
    keys = list(zip(decided, found["repaired"].to_list(), strict=True))
    # Each (decided prefix, repaired) of the batch gets its shared outline once; any
    # of its numbers serves to make it (dict keeps one national per key).
    known = _DECIDED_OUTLINES
    for key, national in dict(zip(keys, nationals, strict=True)).items():
        if key[0] is not None and key not in known:
            known[key] = _prefix_outline(national, key[1])
    shared = list(map(known.get, keys, repeat(_UNDECIDED)))
    # Column at a time (C-level transposition and zip), not a Python step per number.
    statuses, reasons, suggestions, flags, details, codes = zip(*shared, strict=True)
    e164s = [
        code + national if code else None
        for code, national in zip(codes, nationals, strict=True)
    ]
    out = verdicts_from_rows(
        zip(values, e164s, statuses, reasons, suggestions, flags, details, strict=True)
    )
    for i in list(compress(count(), map(is_, decided, repeat(None)))):  # found in C
        # not a simple French writing, or no decided prefix: the full check
        out[i] = check(values[i], region=region)
    return out


@cache
def _column_stages() -> tuple[list[pl.Expr], ...]:
    """:func:`check_distinct`'s Polars expressions, stage by stage (built once:
    building them costs more than running them on a batch)."""
    digits, plus, rest = pl.col("digits"), pl.col("plus"), pl.col("rest")
    count, first = digits.str.len_bytes(), digits.str.slice(0, 1)
    lost_zero = ~plus & (count == 9) & (first != "0")
    # _split's short cuts for FR, in its order: 0612345678; 612345678 (its 0 lost);
    # +33 6... and +33 (0)6..., and 0033 6..., which reads as +33 6...
    national = (
        pl.when(~plus & (count == 10) & (first == "0") & (digits.str.slice(1, 1) != "0"))
        .then(digits.str.slice(1))
        .when(lost_zero)
        .then(digits)
        .when((rest.str.len_bytes() == 9) & ~rest.str.starts_with("0"))
        .then(rest)
    )
    after_33 = (
        pl.when(plus & digits.str.starts_with("33"))
        .then(digits.str.slice(2))
        .when(~plus & digits.str.starts_with("0033"))
        .then(digits.str.slice(4))
    )
    simple = (
        pl.col("text").str.contains(_SIMPLE_WRITING)
        & ~pl.col("value").str.ends_with(".0")  # Excel's floats: check() reads them
        & (count <= 15)
    )
    return (
        [pl.col("text").str.strip_chars().alias("value")],
        [
            pl.col("value").str.replace_all("[^0-9]", "").alias("digits"),
            pl.col("value").str.starts_with("+").alias("plus"),
        ],
        [after_33.alias("rest")],
        [
            pl.when((rest.str.len_bytes() == 10) & rest.str.starts_with("0"))
            .then(rest.str.slice(1))
            .otherwise(rest)
            .alias("rest")
        ],
        [pl.when(simple).then(national).alias("national"), lost_zero.alias("repaired")],
        [
            pl.when(pl.col("national").is_in(sorted(PLACEHOLDERS)))
            .then(None)
            .otherwise(_decided_prefix_expr(pl.col("national")))
            .alias("decided")
        ],
    )


#: What numbers sharing a decided prefix share in their verdicts: status,
#: reasons, suggestions, flags, details, and the ``+<country code>`` of their
#: E.164 form (empty when the verdict keeps none).
_Shared = tuple[Status, tuple[str, ...], tuple[str, ...], frozenset[str], Mapping[str, str], str]

#: (decided prefix, repaired) -> what its numbers share.
_DECIDED_OUTLINES: dict[tuple[str | None, bool | None], _Shared] = {}

#: Stands in for the numbers with no decided prefix (they take :func:`check`).
_UNDECIDED: _Shared = (Status.INVALID, (), (), frozenset(), MappingProxyType({}), "")


def _prefix_outline(national: str, repaired: bool | None) -> _Shared:
    """What every nine-digit French number sharing ``national``'s decided prefix
    has in its verdict (see :data:`_Shared`)."""
    status, reasons, suggestions, flags, details, keeps = _outline(
        *_resolve(33, national, "FR"), bool(repaired), "FR"
    )
    code = f"+{details['country_code']}" if keeps else ""
    return status, reasons, suggestions, flags, details, code


def _decided_prefix_expr(national: pl.Expr) -> pl.Expr:
    """:func:`_decided_prefix` of nine-digit national numbers, as a Polars expression
    (null where none: the decided prefixes are prefix-free, so at most one fits)."""
    decided = sorted(_decided_prefixes())
    return pl.coalesce(
        pl.when(national.str.slice(0, length).is_in([p for p in decided if len(p) == length])).then(
            national.str.slice(0, length)
        )
        for length in _prefix_lengths()
    )


def _widen(pattern: str, extra: str, *, every_atom: bool) -> str:
    """``pattern`` with its ``\\d`` atoms (or all its atoms) also matching ``extra``.

    Only the regular-expression subset of phonenumbers' metadata is allowed
    (digits, ``\\d``, classes of digits, groups, ``|``, ``?``, ``*``, ``+``,
    counted repeats); anything else raises ``ValueError``.
    """
    out: list[str] = []
    i, in_class, in_count = 0, False, False
    while i < len(pattern):
        c = pattern[i]
        if in_class:
            if c == "]":
                in_class = False
                out.append(extra if every_atom else "")
            elif c not in "0123456789-":
                raise ValueError(f"unexpected {c!r} in a class of {pattern!r}")
        elif in_count:
            in_count = c != "}"
            if c not in "0123456789,}":
                raise ValueError(f"unexpected {c!r} in a repeat of {pattern!r}")
        elif pattern.startswith("\\d", i):
            out.append(f"[\\d{extra}]")
            i += 2
            continue
        elif pattern.startswith("(?:", i):
            out.append("(?:")
            i += 3
            continue
        elif c == "[":
            in_class = True
            if pattern[i + 1 : i + 2] == "^":
                raise ValueError(f"negated class in {pattern!r}")
        elif c == "{":
            in_count = True
        elif c in "0123456789":
            c = f"[{c}{extra}]" if every_atom else c
        elif c not in ")|?*+":
            raise ValueError(f"unexpected {c!r} in {pattern!r}")
        out.append(c)
        i += 1
    return "".join(out)


#: The number descriptions of a region's metadata (phonenumbers' PhoneMetadata fields).
_DESCS = (
    "general_desc",
    "fixed_line",
    "mobile",
    "toll_free",
    "premium_rate",
    "shared_cost",
    "personal_number",
    "voip",
    "pager",
    "uan",
    "emergency",
    "voicemail",
    "short_code",
    "standard_rate",
    "carrier_specific",
    "sms_services",
    "no_international_dialling",
)


def _french_patterns() -> list[str]:
    """Every number pattern phonenumbers may consult for a nine-digit number after +33.

    That is France and, for the overseas retry in :func:`_resolve`, every region
    sharing a calling code with an overseas region (590 is GP, BL and MF): all
    their number descriptions, and their leading-digits rules.
    """
    codes = {33, *(phonenumbers.country_code_for_region(r) for r in _OVERSEAS)}
    patterns: list[str] = []
    for code in sorted(codes):
        for region_code in phonenumbers.region_codes_for_country_code(code):
            metadata = PhoneMetadata.metadata_for_region(region_code)
            if metadata is None:
                continue
            if metadata.leading_digits:
                patterns.append(f"(?:{metadata.leading_digits})\\d*")
            for name in _DESCS:
                desc = getattr(metadata, name, None)
                if desc is not None and desc.national_number_pattern:
                    patterns.append(desc.national_number_pattern)
    return list(dict.fromkeys(patterns))


@cache
def _decided_prefixes(length: int = 9, depth: int = 6) -> frozenset[str]:
    """Prefixes that decide :func:`_resolve` for every ``length``-digit number after +33.

    :func:`_resolve` (phonenumbers' ``number_type``, ``region_code_for_number``,
    ``is_possible_number`` and the overseas retry) looks at a national number
    only through the full matches of :func:`_french_patterns` and through its
    length. A prefix ``p`` *decides* a pattern when the pattern matches either
    every or no ``length``-digit number starting with ``p``; when it decides
    them all, every such number has the same verdict facts, so one phonenumbers
    call serves them all. Proof per pattern, exact on its finite automaton:
    ``p + "X" * k`` fully matching the pattern whose ``\\d`` also accept X
    shows a path where every remaining digit is free (all match);
    ``p + "Y" * k`` failing the pattern whose every atom also accepts Y shows
    no path at all (none match). Numbers with no decided prefix of at most
    ``depth`` digits are classified one by one.

    The result is prefix-free (a decided prefix is not extended further).
    """
    try:
        proofs = [
            (
                re.compile(_widen(p, "X", every_atom=False)),
                re.compile(_widen(p, "Y", every_atom=True)),
            )
            for p in _french_patterns()
        ]
    except ValueError:  # pragma: no cover - metadata outside the supported subset
        return frozenset()
    decided: set[str] = set()
    frontier = [str(d) for d in range(1, 10)]  # a national number never starts with 0 here
    for _ in range(depth):
        undecided: list[str] = []
        for prefix in frontier:
            free = length - len(prefix)
            every, some = prefix + "X" * free, prefix + "Y" * free
            if all(not b.fullmatch(some) or a.fullmatch(every) for a, b in proofs):
                decided.add(prefix)
            else:
                undecided.append(prefix)
        frontier = [p + str(d) for p in undecided for d in range(10)]
    return frozenset(decided)
