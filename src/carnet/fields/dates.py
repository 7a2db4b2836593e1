"""Dates and birth dates, as customer files write them.

Accepted writings (normalised to ISO ``yyyy-mm-dd``; display ``dd/mm/yyyy``):

- day first, the French way: ``03/01/1980``, ``3-1-1980``, ``03.01.1980``,
  with two-digit years (``03/01/80``) and an optional time (``03/01/1980 14:30``);
- ISO ``1980-01-03``, also ``1980/01/03`` and with a time
  (``1980-01-03T14:30:00Z``, ``1980-01-03 14:30``);
- compact ``19800103`` (``yyyymmdd`` when the first four digits are a year
  1800–2199, else ``ddmmyyyy``) and ``030180`` (``ddmmyy``);
- month names in French or English, full or abbreviated, with or without a
  weekday: ``3 janvier 1980``, ``1er févr. 1980``, ``mardi 3 juin 2025``,
  ``3 Jan 1980``, ``January 3, 1980``;
- Excel serial numbers 1–80000 (days since 1899-12-30), as numbers or text
  (``29223``, ``44927.0``, ``44927.75``), except four-digit numbers 1800–2199,
  which are years;
- ``date`` and ``datetime`` objects.

A month and year without a day (``janv. 1980``) or a year alone is refused:
carnet does not invent a day. ``00/00/0000`` and ``0000-00-00`` (what some
exports write for "no date") are empty.

Partial dates, where the field can use them:

- ``kind="since"`` (the start of a relationship: "client depuis", first
  purchase): a year alone (``2015``) or a month and year (``03/2018``, ``mars
  2018``) is the first day of that period, with a warning, flag ``year_only`` or
  ``month_only`` and ``details["precision"]`` (``year``, ``month``): ``2015`` is
  stored as 2015-01-01 *and* said to be a year only, never a made-up day.
- ``kind="birth_date"``: a day and month without a year (``12/05``, ``12 mai``,
  ``12-mai``, ``1er mai``) is no birth date (invalid, flag ``no_year``) but a
  birthday, usable for birthday campaigns: ``details["birthday"]`` is
  ``--05-12`` (ISO 8601's month-day, as vCard's ``BDAY`` and XML's gMonthDay
  write it); :func:`birthday` reads it.
- :func:`check_age`: an age (``42``, ``42 ans``) at a given day, not a birth
  date.

Day or month first: ``dayfirst=True`` (the default) reads ``03/04/1980`` as
3 April. When a value can only be read month first (``12/25/1980``) it is read
so, with the ``day_month_swapped`` warning. With ``dayfirst=False`` (files
from US tools), a value readable both ways (day and month both ≤ 12 and
different) gets the ``ambiguous`` warning; with the default it does not, as
French files are day-first.

Two-digit years: for birth dates, a year after the current two-digit year is
19xx (``03/01/80`` → 1980, ``03/01/05`` → 2005 in 2025, ``03/01/26`` → 1926 in
2025); for other dates, 20xx unless that is more than 20 years ahead.
Flag ``two_digit_year``.

Birth dates (``kind="birth_date"``) must be plausible: not in the future and
age under 120, else invalid with flag ``implausible``; under 15 (the French
age of digital consent, RGPD art. 8 and loi Informatique et Libertés art. 45)
gives the ``minor`` warning. ``details["age"]`` holds the age in whole years.
Other flags: ``excel_serial``, ``time_dropped``.

Dates drop the time of day (flag ``time_dropped``). Moments (``kind="datetime"``:
sign-up, opt-in, order and activity dates) keep it: ``05/01/2024 14:02:11`` is
normalised to ``2024-01-05T14:02:11``, with its UTC offset when the value has
one (``Z`` or ``+01:00``) and, when it has none, the offset of ``zone`` (the
workspace's time zone) at that moment: ``2024-01-05T14:02:11+01:00`` in
Paris. An Excel serial's fraction is its time of day. A
moment without a time stays a date. A time that cannot be (``25:70``) is dropped,
with a warning.

>>> check("03/01/1980").normalised, check("1980-01-03T10:00:00").normalised
('1980-01-03', '1980-01-03')
>>> check("3 janvier 1980").normalised, check("29223").normalised
('1980-01-03', '1980-01-03')
>>> from datetime import date
>>> today = date(2025, 6, 1)
>>> v = check("03/01/80", kind="birth_date", today=today)
>>> v.normalised, sorted(v.flags), v.details["age"]
('1980-01-03', ['two_digit_year'], '45')
>>> v = check("03/01/2030", kind="birth_date", today=today)
>>> v.status.value, sorted(v.flags)
('invalid', ['implausible'])
>>> check("05/01/2024 14:02:11", kind="datetime").normalised
'2024-01-05T14:02:11'
>>> check("05/07/2024 14:02", kind="datetime", zone="Europe/Paris").normalised
'2024-07-05T14:02:00+02:00'
>>> check("2023-02-01T10:00:00+01:00", kind="datetime").normalised
'2023-02-01T10:00:00+01:00'
>>> sorted(check("03/04/1980", dayfirst=False).flags)
['ambiguous']
>>> parse_date("31/02/1980") is None
True
>>> format("1980-01-03")
'03/01/1980'
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta, timezone
from zoneinfo import ZoneInfo

from carnet.fields import _common
from carnet.fields._common import strip_accents
from carnet.fields.verdict import Verdict, blank

__all__ = [
    "birthday",
    "check",
    "check_age",
    "check_many",
    "format",
    "is_month_name",
    "normalise",
    "parse_date",
    "validate",
]

_EXCEL_EPOCH = date(1899, 12, 30)
_MONTHS: dict[str, int] = {}
for _number, _names in enumerate(
    [
        "janvier janv jan january",
        "fevrier fevr fev feb february",
        "mars mar march",
        "avril avr apr april",
        "mai may",
        "juin jun june",
        "juillet juil jul july",
        "aout aou aug august",
        "septembre sept sep september",
        "octobre oct october",
        "novembre nov november",
        "decembre dec december",
    ],
    start=1,
):
    for _name in _names.split():
        _MONTHS[_name] = _number



def is_month_name(word: str) -> bool:
    """A month's name or its abbreviation, French or English.

    >>> is_month_name("Mars"), is_month_name("févr"), is_month_name("Sept"), is_month_name("Lyon")
    (True, True, True, False)
    """
    return strip_accents(word.strip().lower()).rstrip(".") in _MONTHS


_WEEKDAYS = (
    r"(?:lundi|mardi|mercredi|jeudi|vendredi|samedi|dimanche|lun|mar|mer|jeu|ven|sam|dim|"
    r"monday|tuesday|wednesday|thursday|friday|saturday|sunday|mon|tue|wed|thu|fri|sat|sun)"
)
# "le lundi 12 mars 1965", "05/01/2024 à 10h30" (accents folded before matching)
_WEEKDAY = re.compile(rf"^(?:le\s+)?{_WEEKDAYS}\.?,?\s+|^le\s+")
# "né le 15/06/1980", "née le 3 mars 1975" typed in a birth-date cell
_BORN = re.compile(r"^nee?s?\s+(?:le\s+)?(?=\d)")
# digits with a letter O among them, and date separators only: "15/O6/198O"
_O_FOR_ZERO = re.compile(r"(?=.*\d)[\do]{1,4}(?:[-/. ][\do]{1,4}){2}")
# "15 06 1980": a day, month and four-digit year separated by blanks only
_SPACED = re.compile(r"^(\d{1,2}) (\d{1,2}) (\d{4})\b")
# "12/1980", "1980-12": a month and year without a day
_NUMERIC_MONTH_YEAR = re.compile(r"(\d{1,2})\s*[-/.]\s*(\d{4})|(\d{4})\s*[-/.]\s*(\d{1,2})")
# "45 ans": an age where a birth date was asked
_AGE = re.compile(r"(\d{1,3})\s*ans?")
# A time of day: "14:30", "10h30", "18h", "8:51:37 PM", with an offset as written ("Z",
# "+01:00", "UTC", or "UTC+2" / "GMT+2" as Google Forms and US tools write it).
_TIME = (
    r"(?:(?:\s+a\s+|[ t,]+)(\d{1,2})(?:[:h](\d{2})|h(?=\s|$))(?::(\d{2})(?:[.,](\d+))?)?"
    r"\s*(am|pm|a\.m\.|p\.m\.)?"
    r"\s*(z|(?:utc|gmt)\s*[+-]\s*\d{1,2}(?::?\d{2})?|[+-]\d{2}:?\d{2}|utc|gmt)?)?"
)
_ISO = re.compile(rf"(\d{{4}})[-/.](\d{{1,2}})[-/.](\d{{1,2}}){_TIME}")
_NUMERIC = re.compile(rf"(\d{{1,2}})\s*[-/.]\s*(\d{{1,2}})\s*[-/.]\s*(\d{{4}}|\d{{2}}){_TIME}")
_COMPACT = re.compile(r"\d{6}|\d{8}")
_SERIAL = re.compile(r"(\d{1,5})(?:[.,](\d+))?")
# "3 janvier 1980", and "12-mars-85", "12-janv.-85" as French Excel writes a date in a CSV
# (each with a time of day after it: "5 mars 2024 à 10h30", RFC 2822's "05 Mar 2024
# 10:00:00 +0100" once its weekday is gone, "March 5, 2024 10:30 AM")
_DAY_MONTH_YEAR = re.compile(
    r"(\d{1,2})(?:er|re|st|nd|rd|th)?(?:\s+|\s*-\s*)([a-z]+)\.?(?:,?\s+|\s*-\s*)(\d{4}|\d{2})"
    + _TIME
)
_MONTH_DAY_YEAR = re.compile(r"([a-z]+)\.?\s+(\d{1,2})(?:st|nd|rd|th)?,?\s+(\d{4})" + _TIME)
# "janvier 2015", and "janv-15", "mars-2019" as French Excel writes its "mmm-aa" format
# in a CSV (its day and month is "15-janv", the day first)
_MONTH_YEAR = re.compile(r"([a-z]+)\.?(?:\s+(\d{4})|\s*-\s*(\d{4}|\d{2}))")
_DAY_MONTH = re.compile(r"\d{1,2}\s*[-/.]\s*\d{1,2}")
#: The time zone of a workspace's country, in which a moment of a date-only field is a day.
_ZONES = {
    "FR": "Europe/Paris", "BE": "Europe/Brussels", "CH": "Europe/Zurich",
    "LU": "Europe/Luxembourg", "MC": "Europe/Monaco", "DE": "Europe/Berlin",
    "ES": "Europe/Madrid", "IT": "Europe/Rome", "NL": "Europe/Amsterdam",
    "PT": "Europe/Lisbon", "GB": "Europe/London", "IE": "Europe/Dublin",
}
_ZERO_DATES = frozenset(
    {
        "00/00/0000", "0000-00-00", "00/00/00", "00-00-0000", "00.00.0000",
        "99/99/9999", "99/99/99", "9999-99-99",
        # Outlook's contacts export for a birthday or anniversary left empty
        "0/0/00", "0/0/0000",
        # a form's or a template's unfilled mask
        "jj/mm/aaaa", "jj/mm/aa", "dd/mm/yyyy", "mm/dd/yyyy", "yyyy-mm-dd", "aaaa-mm-jj",
        "xx/xx/xxxx", "xx/xx/xx",
    }
)
#: Dates that software writes for "no date": SQL Server's and Excel's day zero, the
#: first and last days some databases allow. Refused with a reason, not taken as a day.
_PLACEHOLDER_DATES = frozenset(
    {
        date(1900, 1, 1), date(1899, 12, 30), date(1899, 12, 31), date(1800, 1, 1),
        date(1753, 1, 1), date(1601, 1, 1), date(9999, 12, 31), date(2999, 12, 31),
    }
)


@dataclass
class _Parsed:
    value: date | None = None
    error: str = ""
    kind: str = "format"
    flags: set[str] = field(default_factory=set)
    #: The time of day the value gave (hour, minute, second, microsecond), if any.
    time: tuple[int, int, int, int] | None = None
    #: Its UTC offset as written: ``+01:00``, ``+00:00`` for Z or UTC; None when naive.
    offset: str | None = None


def _year(text: str, birth: bool, today: date, flags: set[str]) -> int:
    year = int(text)
    if len(text) == 2:
        flags.add("two_digit_year")
        limit = today.year if birth else today.year + 20
        year = 2000 + year if 2000 + year <= limit else 1900 + year
    return year


def _make(year: int, month: int, day: int, result: _Parsed) -> _Parsed:
    if day == 0 and month == 0 and 1000 <= year <= 9999:
        # "00/00/1980": an export's way of writing a year whose day and month are unknown
        result.error = f"Only the year {year} was given (day and month 00)."
        result.kind = "component"
        return result
    if day == 0 and 1 <= month <= 12 and 1000 <= year <= 9999:
        result.error, result.kind = "The day is missing (00): only a month and year.", "component"
        return result
    if not 1 <= month <= 12:
        result.error, result.kind = f"There is no month {month}.", "component"
        return result
    if not 1000 <= year <= 9999:
        result.error, result.kind = f"The year {year} is not plausible.", "component"
        return result
    try:
        result.value = date(year, month, day)
    except ValueError:
        result.error = f"There is no day {day} in {year:04d}-{month:02d}."
        result.kind = "component"
    return result


def _parse(raw: object, dayfirst: bool, birth: bool, today: date) -> _Parsed:
    result = _Parsed()
    if isinstance(raw, datetime):
        if raw.time() != datetime.min.time():
            result.flags.add("time_dropped")
            result.time = (raw.hour, raw.minute, raw.second, raw.microsecond)
        if raw.tzinfo is not None:
            result.offset = raw.isoformat()[-6:]
        result.value = raw.date()
        return result
    if isinstance(raw, date):
        result.value = raw
        return result
    if isinstance(raw, int | float) and not isinstance(raw, bool):
        return _serial(float(raw), result)
    text = _common.as_text(raw)
    if text is None:
        result.error = "There is no date."
        return result
    value = " ".join(strip_accents(text).lower().split())
    opening = value.split(" ", 1)[0].rstrip(".,")
    if not (opening in _MONTHS and (_MONTH_DAY_YEAR.fullmatch(value) or
                                  _MONTH_YEAR.fullmatch(value))):
        # "Mar 5, 2024" is March, not a Tuesday ("mar.") before a date
        value = _WEEKDAY.sub("", value)
    if "o" in value and _O_FOR_ZERO.fullmatch(value):
        # "15/O6/1980": the letter O typed for a zero, among digits and separators only
        value = value.translate(_common.LETTER_O_AS_ZERO)
        result.flags.add("repaired")
    # most values are neither: the tests before the patterns spare every date a call
    if value[:1] == "n":
        value = _BORN.sub("", value)
    if " " in value:
        value = _SPACED.sub(r"\1/\2/\3", value)
    if match := _ISO.fullmatch(value):
        _time(match, 4, result)
        return _make(int(match.group(1)), int(match.group(2)), int(match.group(3)), result)
    if match := _NUMERIC.fullmatch(value):
        _time(match, 4, result)
        first, second = int(match.group(1)), int(match.group(2))
        year = _year(match.group(3), birth, today, result.flags)
        day, month = (first, second) if dayfirst else (second, first)
        if month > 12 and 1 <= day <= 12:
            day, month = month, day
            result.flags.add("day_month_swapped")
        elif not dayfirst and first <= 12 and second <= 12 and first != second:
            result.flags.add("ambiguous")
        return _make(year, month, day, result)
    if _COMPACT.fullmatch(value):
        return _compact(value, dayfirst, birth, today, result)
    if (match := _NUMERIC_MONTH_YEAR.fullmatch(value)) and _is_month_year(match):
        # "03.1985" is March 1985, not Excel's 3 January 1900
        result.error, result.kind = "The day is missing (only a month and year).", "component"
        return result
    if match := _SERIAL.fullmatch(value):
        whole = int(match.group(1))
        if len(match.group(1)) == 4 and 1800 <= whole <= 2199 and not match.group(2):
            result.error, result.kind = (
                "Only a year was given; the day and month are missing.",
                ("component"),
            )
            return result
        if birth and whole <= 120 and not match.group(2):
            # "45" in a birth-date column is an age, not Excel's 14 February 1900
            result.error, result.kind = f"{whole} is no birth date (an age?).", "component"
            return result
        fraction = float("0." + match.group(2)) if match.group(2) else 0.0
        return _serial(whole + fraction, result)
    if match := _DAY_MONTH_YEAR.fullmatch(value):
        named = _MONTHS.get(match.group(2))
        if named is not None:
            _time(match, 4, result)
            year = _year(match.group(3), birth, today, result.flags)
            return _make(year, named, int(match.group(1)), result)
    if match := _MONTH_DAY_YEAR.fullmatch(value):
        named = _MONTHS.get(match.group(1))
        if named is not None:
            _time(match, 4, result)
            return _make(int(match.group(3)), named, int(match.group(2)), result)
    if _DAY_MONTH.fullmatch(value):
        result.error = "Only a day and month were given (a birthday?); the year is missing."
        result.kind = "component"
        return result
    if (match := _MONTH_YEAR.fullmatch(value)) and match.group(1) in _MONTHS:
        result.error, result.kind = "The day is missing (only a month and year).", "component"
        return result
    if (match := _AGE.fullmatch(value)) and birth:
        result.error = f"This is an age ({match.group(1)}), not a birth date."
        result.kind = "component"
        return result
    result.error = "This is not a date (expected dd/mm/yyyy)."
    return result


def _is_month_year(match: re.Match[str]) -> bool:
    """A :data:`_NUMERIC_MONTH_YEAR` match of a month 1-12 and a year 1800-2199."""
    month, year = match.group(1, 2) if match.group(1) else match.group(4, 3)
    return 1 <= int(month) <= 12 and 1800 <= int(year) <= 2199


def _time(match: re.Match[str], first_group: int, result: _Parsed) -> None:
    hour = match.group(first_group)
    if hour is None:
        return
    minute, second, fraction, meridiem, offset = match.group(
        first_group + 1, first_group + 2, first_group + 3, first_group + 4, first_group + 5
    )
    hours = int(hour)
    if meridiem and 1 <= hours <= 12:
        # 12:05 AM is five past midnight, 12:05 PM five past noon
        hours = hours % 12 + (12 if meridiem.startswith("p") else 0)
    result.time = (
        hours,
        int(minute or 0),  # none in "18h"
        int(second or 0),
        int((fraction or "0")[:6].ljust(6, "0")),
    )
    if offset:
        result.offset = _offset(offset)
    if int(hour) or int(minute) or offset:
        result.flags.add("time_dropped")


def _offset(written: str) -> str:
    """``+hh:mm`` from "z", "utc", "+0100", "+01:00", "utc+2", "gmt-05:30"."""
    text = written.replace(" ", "").removeprefix("utc").removeprefix("gmt")
    if text in ("", "z"):
        return "+00:00"
    sign, digits = text[0], text[1:]
    if ":" in digits:
        hours, minutes = digits.split(":")
    elif len(digits) <= 2:
        hours, minutes = digits, "00"
    else:
        hours, minutes = digits[:-2], digits[-2:]
    return f"{sign}{int(hours):02d}:{minutes}"


def _compact(value: str, dayfirst: bool, birth: bool, today: date, result: _Parsed) -> _Parsed:
    if len(value) == 8:
        if 1800 <= int(value[:4]) <= 2199:
            attempt = _make(int(value[:4]), int(value[4:6]), int(value[6:]), _Parsed())
            if attempt.value is not None:
                result.value = attempt.value
                return result
        year = int(value[4:])
    else:
        year = _year(value[4:], birth, today, result.flags)
    first, second = int(value[:2]), int(value[2:4])
    day, month = (first, second) if dayfirst else (second, first)
    return _make(year, month, day, result)


def _serial(number: float, result: _Parsed) -> _Parsed:
    if not 1 <= number < 80001:
        result.error, result.kind = (
            "This number is not a date (Excel dates are 1 to 80000).",
            ("component"),
        )
        return result
    result.flags.add("excel_serial")
    if number != int(number):
        result.flags.add("time_dropped")
        seconds = round((number - int(number)) * 86_400)
        if seconds < 86_400:
            result.time = (seconds // 3600, seconds // 60 % 60, seconds % 60, 0)
    days = int(number)
    if days == 60:
        # Excel counts a 29 February 1900 that never was (Lotus 1-2-3's leap-year bug)
        result.error, result.kind = "Excel's day 60 is 29/02/1900, which never was.", "component"
        return result
    # before that day, Excel's count is one ahead of the calendar
    result.value = _EXCEL_EPOCH + timedelta(days=days + (1 if days < 60 else 0))
    return result


#: A day and month with no year: "12/05", "12.05", "12 mai", "12-mai", "1er mai", "May 12".
_DAY_MONTH_ONLY = re.compile(r"(\d{1,2})\s*[-/.]\s*(\d{1,2})\.?")
#: ISO 8601's date without a year, as vCard and Google Contacts write a birthday whose
#: year is not known: "--04-22", "--0422".
_ISO_NO_YEAR = re.compile(r"--(\d{2})-?(\d{2})")
_DAY_NAMED_MONTH = re.compile(r"(\d{1,2})(?:er|re|st|nd|rd|th)?(?:\s+|\s*-\s*)([a-z]+)\.?")
_NAMED_MONTH_DAY = re.compile(r"([a-z]+)\.?\s+(\d{1,2})(?:st|nd|rd|th)?")
#: The days of each month in a leap year: a birthday may be 29 February.
_MONTH_DAYS = (31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31)
#: A year alone, a month and year: "2015", "2015.0" (a spreadsheet's number), "03/2018",
#: "2018-03", "mars 2018".
_YEAR_ONLY = re.compile(r"(\d{4})(?:\.0)?")


def _folded(raw: object) -> str | None:
    text = _common.as_text(raw)
    if text is None:
        return None
    return _WEEKDAY.sub("", " ".join(strip_accents(text).lower().split()))


def birthday(raw: object, *, dayfirst: bool = True) -> str | None:
    """The birthday (``--mm-dd``) a day and month without a year denote, or None.

    >>> birthday("12/05"), birthday("12 mai"), birthday("12-mai"), birthday("1er mai")
    ('--05-12', '--05-12', '--05-12', '--05-01')
    >>> birthday("May 12"), birthday("29/02"), birthday("31/04"), birthday("12/05/1980")
    ('--05-12', '--02-29', None, None)
    """
    try:
        return _birthday(_folded(raw), dayfirst)
    except Exception:  # pragma: no cover - never raise on input
        return None


def _birthday(value: str | None, dayfirst: bool) -> str | None:
    if not value or len(value) > 20:
        return None
    if match := _ISO_NO_YEAR.fullmatch(value):
        month, day = int(match.group(1)), int(match.group(2))
    elif match := _DAY_MONTH_ONLY.fullmatch(value):
        first, second = int(match.group(1)), int(match.group(2))
        day, month = (first, second) if dayfirst else (second, first)
        if month > 12 and day <= 12:
            day, month = month, day
    elif (match := _DAY_NAMED_MONTH.fullmatch(value)) and match.group(2) in _MONTHS:
        day, month = int(match.group(1)), _MONTHS[match.group(2)]
    elif (match := _NAMED_MONTH_DAY.fullmatch(value)) and match.group(1) in _MONTHS:
        day, month = int(match.group(2)), _MONTHS[match.group(1)]
    else:
        return None
    if not (1 <= month <= 12 and 1 <= day <= _MONTH_DAYS[month - 1]):
        return None
    return f"--{month:02d}-{day:02d}"


def _period_start(value: str | None, today: date) -> tuple[date, str] | None:
    """The first day of a year alone or a month and year, and ``year`` or ``month``
    (a two-digit year is the latest one not after ``today``'s)."""
    if not value or len(value) > 20:
        return None
    if match := _YEAR_ONLY.fullmatch(value):
        year = int(match.group(1))
        return (date(year, 1, 1), "year") if 1800 <= year <= 2199 else None
    if (match := _NUMERIC_MONTH_YEAR.fullmatch(value)) and _is_month_year(match):
        written_month, written_year = (
            match.group(1, 2) if match.group(1) else match.group(4, 3)
        )
        return date(int(written_year), int(written_month), 1), "month"
    if (match := _MONTH_YEAR.fullmatch(value)) and match.group(1) in _MONTHS:
        year = _year(match.group(2) or match.group(3), True, today, set())
        return (date(year, _MONTHS[match.group(1)], 1), "month") if year >= 1800 else None
    return None


_MONTH_NAMES_FR = (
    "janvier", "février", "mars", "avril", "mai", "juin", "juillet", "août", "septembre",
    "octobre", "novembre", "décembre",
)  # fmt: skip


def _day_and_month(birthday: str) -> str:
    """``--05-12`` as one says it: ``12 mai``."""
    month, day = int(birthday[2:4]), int(birthday[5:7])
    return f"{'1er' if day == 1 else day} {_MONTH_NAMES_FR[month - 1]}"


#: An age: "42", "42 ans", "42,0", "42 years".
_AGE_ONLY = re.compile(r"(\d{1,3})(?:[.,]0+)?\s*(?:ans?|years?|yrs?|y|a)?\.?")


def check_age(raw: object, *, today: date | None = None) -> Verdict:
    """Check an age (``42``, ``42 ans``) given on ``today`` (default: today); never raises.

    An age is kept as an age, on the day it was given: no birth date is made up
    from it. ``details["born"]`` says the two years of birth it allows. Over 119
    is invalid (flag ``implausible``), under 15 a warning (flag ``minor``), as for
    birth dates; a band (``25-34``) is no age.

    >>> v = check_age("42 ans", today=date(2026, 12, 7))
    >>> v.normalised, v.details["born"]
    ('42', '1983 or 1984')
    >>> check_age("25-34").status.value, check_age("150").status.value
    ('invalid', 'invalid')
    """
    try:
        return _check_age(raw, today or date.today())
    except Exception as error:  # pragma: no cover - a bug must not stop an import
        return _common.invalid(_text(raw), f"The age could not be checked ({error}).")


def _check_age(raw: object, today: date) -> Verdict:
    if isinstance(raw, int | float) and not isinstance(raw, bool):
        raw = str(int(raw)) if float(raw) == int(raw) else str(raw)
    text = _text(raw)
    if text is None or blank(text):
        return Verdict.empty(text)
    match = _AGE_ONLY.fullmatch(" ".join(strip_accents(text).lower().split()))
    if match is None:
        return _common.invalid(text, "This is not an age (expected a number of years: 42).")
    age = int(match.group(1))
    if age >= 120:
        return _common.invalid(
            text, f"An age of {age} is not plausible.", error="component", flags={"implausible"}
        )
    if age == 0:
        return _common.invalid(text, "An age of 0 says nothing.", error="component")
    details = {"born": f"{today.year - age - 1} or {today.year - age}", "on": today.isoformat()}
    if age < 15:
        return Verdict.warning(
            text,
            str(age),
            (f"The person is {age}: under 15, consent needs a parent's approval.",),
            flags={"minor"},
            details=details,
        )
    return Verdict.valid(text, str(age), details=details)


def parse_date(
    raw: object, *, dayfirst: bool = True, birth: bool = False, today: date | None = None
) -> date | None:
    """The date a value denotes, or None.

    Args:
        raw: text, number (Excel serial), ``date`` or ``datetime``.
        dayfirst: read ``03/04/1980`` as 3 April (True) or March 4 (False).
        birth: use the birth-date pivot for two-digit years.
        today: the reference date for two-digit years (default: today).

    >>> parse_date("3 janv. 1980"), parse_date("January 3, 1980"), parse_date(44927)
    (datetime.date(1980, 1, 3), datetime.date(1980, 1, 3), datetime.date(2023, 1, 1))
    >>> parse_date("04/03/1980", dayfirst=False), parse_date("janv. 1980")
    (datetime.date(1980, 4, 3), None)
    """
    try:
        return _parse(raw, dayfirst, birth, today or date.today()).value
    except Exception:  # pragma: no cover - never raise on input
        return None


def _age(born: date, today: date) -> int:
    return today.year - born.year - ((today.month, today.day) < (born.month, born.day))


def zone_of(country: str) -> str | None:
    """The time zone of ``country`` (its capital's), for :func:`check`'s ``zone``.

    >>> zone_of("FR"), zone_of("ZZ")
    ('Europe/Paris', None)
    """
    return _ZONES.get(country.upper())


def check(
    raw: object,
    *,
    kind: str = "date",
    today: date | None = None,
    dayfirst: bool = True,
    zone: str | None = None,
) -> Verdict:
    """Check a date; never raises.

    Args:
        raw: the value as found in the file (text, number, date or datetime).
        kind: ``date`` (any date), ``birth_date`` (plausibility checks; a day and
            month alone gives a birthday), ``since`` (a relationship's start: a year
            or a month alone is its first day, with its precision) or ``datetime``
            (a moment: the time of day is kept).
        today: the reference date (default: today), for ages and two-digit years.
        dayfirst: see the module documentation.
        zone: the workspace's time zone (``Europe/Paris``). A date (not a
            moment) written as an instant with an offset is that instant's day
            there: JavaScript writes a birth date picked in Paris, local
            midnight, as ``1985-03-11T23:00:00.000Z``, which is 12 March. A
            moment written without an offset is a time there (its offset is
            added).

    >>> check("1985-03-11T23:00:00.000Z", kind="birth_date", zone="Europe/Paris").normalised
    '1985-03-12'
    """
    try:
        return _check(raw, kind, today or date.today(), dayfirst, zone)
    except Exception as error:  # pragma: no cover - a bug must not stop an import
        return _common.invalid(_text(raw), f"The date could not be checked ({error}).")


def _text(raw: object) -> str | None:
    if isinstance(raw, date | datetime):
        return raw.isoformat()
    return _common.as_text(raw)


def _check(raw: object, kind: str, today: date, dayfirst: bool, zone: str | None) -> Verdict:
    text = _text(raw)
    if text is None or blank(text) or text.strip().lower() in _ZERO_DATES:
        return Verdict.empty(text)
    if kind in ("since", "birth_date") and (
        period := _partial(text, kind, dayfirst, today)
    ) is not None:
        # before Excel's serials: "2015" is a year here, "12.05" a birthday
        return period
    birth = kind == "birth_date"
    parsed = _parse(raw, dayfirst, birth, today)
    if parsed.value is None:
        return _partial(text, kind, dayfirst, today) or _common.invalid(
            text, parsed.error, error=parsed.kind
        )
    value = parsed.value
    if value in _PLACEHOLDER_DATES and not any(parsed.time or ()):
        return _common.invalid(
            text,
            f"{value.strftime('%d/%m/%Y')} is what software writes for 'no date', not a date.",
            error="component",
            flags={"placeholder"},
        )
    flags = parsed.flags
    reasons: list[str] = []
    if kind != "datetime" and zone and parsed.offset and parsed.time is not None:
        local = _local_day(value, parsed.time, parsed.offset, zone)
        if local is not None and local != value:
            reasons.append(f"The moment {text.strip()} is {local.isoformat()} in {zone} time.")
            value = parsed.value = local
    normalised = value.isoformat()
    details: dict[str, str] = {}
    if kind == "datetime" and parsed.time is not None:
        # A moment written without an offset is the workspace's local time: an export
        # made in Paris says 14:02 for 13:02 UTC in winter, 12:02 UTC in summer.
        offset = parsed.offset or (zone and _offset_in(zone, value, parsed.time))
        moment = _moment(value, parsed.time, offset or None)
        if moment is None:
            hour, minute = parsed.time[:2]
            reasons.append(f"{hour:02d}:{minute:02d} is not a time of day; only the date is kept.")
            return Verdict.warning(text, normalised, tuple(reasons), flags=flags)
        normalised = moment
        flags.discard("time_dropped")
    if "repaired" in flags:
        reasons.append(_common.LETTER_O_REASON)
    if "day_month_swapped" in flags:
        reasons.append("The date was read month first (mm/dd/yyyy).")
    if "ambiguous" in flags:
        reasons.append("Day and month could be swapped; check the date.")
    if birth:
        if value > today:
            return _common.invalid(
                text,
                "The birth date is in the future.",
                error="component",
                normalised=normalised,
                flags={"implausible"},
            )
        age = _age(value, today)
        if age >= 120:
            return _common.invalid(
                text,
                f"The birth date gives an age of {age}, which is not plausible.",
                error="component",
                normalised=normalised,
                flags={"implausible"},
            )
        details["age"] = str(age)
        if age < 15:
            flags.add("minor")
            reasons.append(f"The person is {age}: under 15, consent needs a parent's approval.")
    if flags & {"day_month_swapped", "ambiguous", "minor"}:
        return Verdict.warning(text, normalised, tuple(reasons), flags=flags, details=details)
    return Verdict.valid(text, normalised, flags=flags, details=details, reasons=tuple(reasons))


def _partial(text: str, kind: str, dayfirst: bool, today: date) -> Verdict | None:
    """The verdict of a partial date the field ``kind`` can use (see the module's
    documentation), or None."""
    if kind == "birth_date":
        found = _birthday(_folded(text), dayfirst)
        if found is None:
            return None
        return _common.invalid(
            text,
            f"Only a day and month ({_day_and_month(found)}): no birth date, but a birthday "
            f"({found}).",
            error="component",
            flags={"no_year"},
            details={"birthday": found},
        )
    if kind != "since":
        return None
    start = _period_start(_folded(text), today)
    if start is None:
        return None
    day, precision = start
    if day > today:
        return _common.invalid(text, "The date is in the future.", error="component")
    given = f"the year {day.year}" if precision == "year" else f"the month {day:%m/%Y}"
    return Verdict.warning(
        text,
        day.isoformat(),
        (f"Only {given} was given: kept as {day:%d/%m/%Y}, known to the {precision} only.",),
        flags={f"{precision}_only"},
        details={"precision": precision},
    )


def _local_day(
    day: date, time: tuple[int, int, int, int], offset: str, zone: str
) -> date | None:
    """The day in ``zone`` of ``day`` at ``time`` with UTC ``offset`` (``+hh:mm``), or None."""
    hour, minute, second, micro = time
    if hour > 23 or minute > 59 or second > 59:
        return None
    sign = -1 if offset[0] == "-" else 1
    shift = timedelta(hours=int(offset[1:3]), minutes=int(offset[4:6]))
    written = timezone(sign * shift)
    moment = datetime(day.year, day.month, day.day, hour, minute, second, micro, written)
    return moment.astimezone(ZoneInfo(zone)).date()


def _offset_in(zone: str, day: date, time: tuple[int, int, int, int]) -> str | None:
    """``zone``'s UTC offset (``+hh:mm``) at local ``time`` on ``day``, or None if no such time.

    At the autumn change, an hour read twice is taken at its first (summer) pass.

    >>> _offset_in("Europe/Paris", date(2024, 1, 5), (14, 2, 0, 0))
    '+01:00'
    >>> _offset_in("Europe/Paris", date(2024, 7, 5), (14, 2, 0, 0))
    '+02:00'
    """
    hour, minute, second, micro = time
    if hour > 23 or minute > 59 or second > 59:
        return None
    local = datetime(day.year, day.month, day.day, hour, minute, second, micro, ZoneInfo(zone))
    shift = local.utcoffset()
    if shift is None:  # pragma: no cover - a ZoneInfo always has an offset
        return None
    minutes = int(shift.total_seconds()) // 60
    sign = "-" if minutes < 0 else "+"
    return f"{sign}{abs(minutes) // 60:02d}:{abs(minutes) % 60:02d}"


def _moment(day: date, time: tuple[int, int, int, int], offset: str | None) -> str | None:
    """``day`` at ``time`` in ISO form (with ``offset`` when given), or None if no such time."""
    hour, minute, second, micro = time
    if hour > 23 or minute > 59 or second > 59:
        return None
    if offset is not None and (int(offset[1:3]) > 23 or int(offset[4:6]) > 59):
        return None
    text = datetime(day.year, day.month, day.day, hour, minute, second, micro).isoformat()
    return text + (offset or "")


def normalise(raw: str, *, kind: str = "date", dayfirst: bool = True) -> str | None:
    """ISO ``yyyy-mm-dd``, or None.

    >>> normalise("03.01.1980"), normalise("not a date")
    ('1980-01-03', None)
    """
    verdict = check(raw, kind=kind, dayfirst=dayfirst)
    return verdict.normalised if verdict.ok else None


def validate(
    raw: str, *, kind: str = "date", today: date | None = None, dayfirst: bool = True
) -> str:
    """Return ISO ``yyyy-mm-dd`` or raise.

    Raises:
        InvalidFormat: not a date.
        InvalidComponent: no such day or month, missing day, implausible birth date.
    """
    label = "birth date" if kind == "birth_date" else "date"
    return _common.raise_for(check(raw, kind=kind, today=today, dayfirst=dayfirst), label)


def format(value: str) -> str:
    """French display form ``dd/mm/yyyy``."""
    parsed = parse_date(value)
    return parsed.strftime("%d/%m/%Y") if parsed and parsed.year >= 1000 else value


def check_many(
    values: Iterable[str | None],
    *,
    kind: str = "date",
    today: date | None = None,
    dayfirst: bool = True,
) -> dict[str | None, Verdict]:
    """Check a column, once per distinct value."""
    return _common.check_many(
        check, values, kind=kind, today=today or date.today(), dayfirst=dayfirst
    )


def written_month_first(cells: Iterable[object]) -> str | None:
    """A cell that proves dates are written month first, when none proves the opposite.

    A US tool's export writes every date of a file month first: "12/31/2024" can
    only be read so, and "02/03/2025" beside it is then 3 February, not 2 March.
    Returns the first cell read only month first ("12/31/2024") when no cell is read
    only day first ("31/12/2024"); None otherwise (day first stays the rule).

    >>> written_month_first(["02/03/2025", "12/31/2024", None])
    '12/31/2024'
    >>> written_month_first(["12/31/2024", "31/12/2024"]) is None
    True
    >>> written_month_first(["02/03/2025", "2025-03-02"]) is None
    True
    """
    evidence: str | None = None
    for cell in cells:
        if not isinstance(cell, str):
            continue
        match = _NUMERIC.fullmatch(" ".join(cell.lower().split()))
        if match is None:
            continue
        first, second = int(match.group(1)), int(match.group(2))
        if first > 12 and 1 <= second <= 12:
            return None  # day first: "31/12/2024"
        if evidence is None and second > 12 and 1 <= first <= 12 and check(cell).ok:
            evidence = cell.strip()  # a date indeed ("02/31/2024" is none)
    return evidence
