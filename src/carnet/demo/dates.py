"""Dates of the demo data: a fixed "export day" and fast, cached formatting.

Every date the generator writes is computed from :data:`REFERENCE_DATE`, never
from today's date, so the same seed gives the same bytes whatever the day.
Dates are handled as proleptic Gregorian ordinals (``date.toordinal()``) and
formatted through small caches, because formatting is the hot spot when a
million rows are written.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import Final

__all__ = [
    "REFERENCE_DATE",
    "REFERENCE_ORDINAL",
    "fr_date",
    "fr_datetime",
    "iso_date",
    "iso_datetime_utc",
    "naive_datetime",
    "ordinal",
]

REFERENCE_DATE: Final = date(2025, 6, 30)
"""The day the demo files are deemed exported; "3 years ago" is counted from it."""
REFERENCE_ORDINAL: Final = REFERENCE_DATE.toordinal()

_FR: dict[int, str] = {}
_ISO: dict[int, str] = {}


def ordinal(year: int, month: int = 1, day: int = 1) -> int:
    """Return the ordinal of a calendar date.

    >>> ordinal(1, 1, 1)
    1
    """
    return date(year, month, day).toordinal()


def fr_date(day: int) -> str:
    """Format an ordinal as ``dd/mm/yyyy``.

    >>> fr_date(ordinal(2024, 3, 1))
    '01/03/2024'
    """
    text = _FR.get(day)
    if text is None:
        value = date.fromordinal(day)
        text = _FR[day] = f"{value.day:02d}/{value.month:02d}/{value.year}"
    return text


def iso_date(day: int) -> str:
    """Format an ordinal as ``yyyy-mm-dd``.

    >>> iso_date(ordinal(2024, 3, 1))
    '2024-03-01'
    """
    text = _ISO.get(day)
    if text is None:
        text = _ISO[day] = date.fromordinal(day).isoformat()
    return text


def _clock(seconds: int) -> tuple[int, int, int]:
    hours, rest = divmod(seconds, 3600)
    minutes, secs = divmod(rest, 60)
    return hours, minutes, secs


def fr_datetime(day: int, seconds: int, *, with_seconds: bool = True) -> str:
    """Format an ordinal and a second of the day as ``dd/mm/yyyy hh:mm[:ss]``.

    >>> fr_datetime(ordinal(2024, 3, 1), 3661)
    '01/03/2024 01:01:01'
    """
    hours, minutes, secs = _clock(seconds)
    if with_seconds:
        return f"{fr_date(day)} {hours:02d}:{minutes:02d}:{secs:02d}"
    return f"{fr_date(day)} {hours:02d}:{minutes:02d}"


def iso_datetime_utc(day: int, seconds: int) -> str:
    """Format an ordinal and a second of the day as ISO 8601 UTC (``...Z``).

    >>> iso_datetime_utc(ordinal(2024, 3, 1), 45296)
    '2024-03-01T12:34:56Z'
    """
    hours, minutes, secs = _clock(seconds)
    return f"{iso_date(day)}T{hours:02d}:{minutes:02d}:{secs:02d}Z"


def naive_datetime(day: int, seconds: int) -> datetime:
    """Return the naive ``datetime`` of an ordinal and a second of the day."""
    return datetime.combine(date.fromordinal(day), datetime.min.time()) + timedelta(seconds=seconds)
