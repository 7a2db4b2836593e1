"""The verdict every field check returns: normalised value, status, reasons.

A ``Verdict`` is what carnet says about one raw value: what it normalises to,
whether it is usable, and why. Checks never raise; they explain.

>>> v = Verdict.valid("Jean.Dupont@Gmail.com", "jean.dupont@gmail.com")
>>> v.status, v.ok
(<Status.VALID: 'valid'>, True)
>>> Verdict.empty(None).status
<Status.EMPTY: 'empty'>
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from enum import StrEnum
from itertools import repeat
from types import MappingProxyType
from typing import NamedTuple


class Status(StrEnum):
    """How usable a value is.

    - ``valid``: normalised and usable as is.
    - ``warning``: usable but flagged (possible typo, role account, disposable
      domain, foreign number, city not matching its postcode ...); see ``flags``.
    - ``invalid``: not usable; ``normalised`` is None unless a best effort exists.
    - ``empty``: nothing there (None, blank, placeholder such as "-" or "n/a").
    """

    VALID = "valid"
    WARNING = "warning"
    INVALID = "invalid"
    EMPTY = "empty"


#: The details of a verdict that has none: one shared, read-only mapping.
_NO_DETAILS: Mapping[str, str] = MappingProxyType({})
_NO_FLAGS: frozenset[str] = frozenset()


class Verdict(NamedTuple):
    """The outcome of checking one raw value.

    An immutable named tuple rather than a frozen dataclass: an import builds one
    per distinct value of every checked column, and a tuple is built four times
    faster.

    Attributes:
        raw: the value as received.
        normalised: the canonical form, or None when there is none.
        status: see :class:`Status`.
        reasons: short human sentences shown as-is ("domain looks like a typo of gmail.com").
        suggestions: corrected values the user may accept (most likely first).
        flags: stable machine codes ("typo", "disposable", "role", "mobile", "unassigned" ...).
        details: extra facts (phone type, region, country ...), all strings.
    """

    raw: str | None
    normalised: str | None
    status: Status
    reasons: tuple[str, ...] = ()
    suggestions: tuple[str, ...] = ()
    flags: frozenset[str] = _NO_FLAGS
    details: Mapping[str, str] = _NO_DETAILS

    @property
    def ok(self) -> bool:
        """True when the value is usable (valid or warning)."""
        return self.status in (Status.VALID, Status.WARNING)

    @classmethod
    def valid(
        cls,
        raw: str | None,
        normalised: str,
        *,
        flags: frozenset[str] | set[str] = frozenset(),
        details: Mapping[str, str] | None = None,
        reasons: tuple[str, ...] = (),
    ) -> Verdict:
        """A usable value."""
        return cls(
            raw, normalised, Status.VALID, reasons, (), frozenset(flags), details or _NO_DETAILS
        )

    @classmethod
    def warning(
        cls,
        raw: str | None,
        normalised: str,
        reasons: tuple[str, ...],
        *,
        suggestions: tuple[str, ...] = (),
        flags: frozenset[str] | set[str] = frozenset(),
        details: Mapping[str, str] | None = None,
    ) -> Verdict:
        """A usable value that deserves a look."""
        return cls(
            raw,
            normalised,
            Status.WARNING,
            reasons,
            suggestions,
            frozenset(flags),
            details or _NO_DETAILS,
        )

    @classmethod
    def invalid(
        cls,
        raw: str | None,
        reasons: tuple[str, ...],
        *,
        normalised: str | None = None,
        suggestions: tuple[str, ...] = (),
        flags: frozenset[str] | set[str] = frozenset(),
        details: Mapping[str, str] | None = None,
    ) -> Verdict:
        """An unusable value, with why and, when possible, what it probably meant."""
        return cls(
            raw,
            normalised,
            Status.INVALID,
            reasons,
            suggestions,
            frozenset(flags),
            details or _NO_DETAILS,
        )

    @classmethod
    def empty(cls, raw: str | None) -> Verdict:
        """No value."""
        return cls(raw, None, Status.EMPTY)


_PLACEHOLDERS = frozenset(
    {"", "-", "--", "n/a", "na", "nc", "n.c.", "null", "none", "nan", "?", "."}
)


def verdicts_from_rows(rows: Iterable[tuple[object, ...]]) -> list[Verdict]:
    """One :class:`Verdict` per row of its seven fields in order, as ``Verdict(*row)``
    would make it, built in one C-level step each (no Python call per value):
    what the column checks use for a whole batch. The rows are not checked.

    >>> verdicts_from_rows([("x", "x", Status.VALID, (), (), frozenset(), {})])[0].status
    <Status.VALID: 'valid'>
    """
    return list(map(tuple.__new__, repeat(Verdict), rows))


def blank(raw: object) -> bool:
    """True when ``raw`` carries no value (None, whitespace, or a placeholder like 'n/a').

    >>> blank(None), blank("  "), blank("N/A"), blank("0")
    (True, True, True, False)
    """
    if raw is None:
        return True
    return str(raw).strip().lower() in _PLACEHOLDERS
