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

import unicodedata
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
    # an empty JSON list, as the JSON reader hands over "emails": []
    | {"[]"}
    # French words for "nothing here", without accents (see _placeholder_key)
    | {
        "neant", "aucun", "aucune", "inconnu", "inconnue", "ras", "r.a.s.", "r.a.s",
        "non communique", "non communiquee", "non renseigne", "non renseignee", "nr",
        "non connu", "a completer", "a renseigner", "a definir", "vide", "sans",
        "pas d'email", "pas d'e-mail", "pas de mail", "pas de courriel", "pas d'adresse",
        "pas de telephone", "pas de tel", "pas de tel.", "pas de numero", "pas de portable",
    }
)
#: What a cell holds when it means "no value" only in a text-like field: in a number,
#: an amount or a yes/no column "0" is a value, and "X" is a ticked box.
_TEXT_PLACEHOLDERS = frozenset({"0", "00", "x", "xx", "xxx", "/", "//", "*", "..."})
#: Excel's error values, as openpyxl hands over an error cell (its text) and as a
#: CSV saved from a sheet writes them.
SPREADSHEET_ERRORS = frozenset(
    {"#N/A", "#REF!", "#VALUE!", "#DIV/0!", "#NAME?", "#NULL!", "#NUM!", "#GETTING_DATA",
     "#SPILL!", "#CALC!", "#FIELD!", "#BLOCKED!", "#CONNECT!", "#BUSY!", "#UNKNOWN!"}
)
_APOSTROPHES = str.maketrans({"\u2019": "'", "\u2018": "'", "\u02bc": "'", "`": "'"})


def verdicts_from_rows(rows: Iterable[tuple[object, ...]]) -> list[Verdict]:
    """One :class:`Verdict` per row of its seven fields in order, as ``Verdict(*row)``
    would make it, built in one C-level step each (no Python call per value):
    what the column checks use for a whole batch. The rows are not checked.

    >>> verdicts_from_rows([("x", "x", Status.VALID, (), (), frozenset(), {})])[0].status
    <Status.VALID: 'valid'>
    """
    return list(map(tuple.__new__, repeat(Verdict), rows))


def _placeholder_key(text: str) -> str:
    """``text`` lower-cased, single-spaced, without accents and with straight apostrophes:
    "Néant", "NON  communiqué", "pas d’email" compare as written in the sets above."""
    key = text.strip().lower()
    if key.isascii():
        return key if "  " not in key else " ".join(key.split())
    decomposed = unicodedata.normalize("NFKD", key.translate(_APOSTROPHES))
    return " ".join("".join(c for c in decomposed if not unicodedata.combining(c)).split())


def blank(raw: object) -> bool:
    """True when ``raw`` carries no value (None, whitespace, or a placeholder like 'n/a'
    or 'néant'). "0" and "x" are values here: see :func:`no_value` for text fields.

    >>> blank(None), blank("  "), blank("N/A"), blank("Néant"), blank("0")
    (True, True, True, True, False)
    """
    if raw is None:
        return True
    return _placeholder_key(str(raw)) in _PLACEHOLDERS


def no_value(raw: str | None, *, text_like: bool = True) -> Verdict | None:
    """The verdict of a cell that only says there is no value, else None.

    A placeholder ("n/a", "néant", "non communiqué", and for text-like fields
    "0", "x" or "/") is empty. An Excel error value ("#VALUE!", "#N/A": a
    formula that failed) is empty too, flagged ``spreadsheet_error`` with a
    reason, so that the user sees why the cell gave nothing.

    Args:
        raw: the cell.
        text_like: False for numbers, amounts, yes/no and choice fields, where
            "0" and "X" are values.

    >>> no_value("0") == Verdict.empty("0"), no_value("0", text_like=False)
    (True, None)
    >>> sorted(no_value("#VALUE!").flags), no_value("Dupont")
    (['spreadsheet_error'], None)
    """
    if raw is None:
        return Verdict.empty(raw)
    key = _placeholder_key(raw)
    if key in _PLACEHOLDERS or (text_like and key in _TEXT_PLACEHOLDERS):
        return Verdict.empty(raw)
    if key.upper() in SPREADSHEET_ERRORS:
        reason = (
            f"The spreadsheet showed the error {key.upper()} here (a formula that failed): "
            "no value."
        )
        return Verdict(raw, None, Status.EMPTY, (reason,), (), _SPREADSHEET_ERROR)
    return None


_SPREADSHEET_ERROR = frozenset({"spreadsheet_error"})


def without_text_marker(value: str | None) -> str | None:
    """A cell without the marks spreadsheets read as "this is text".

    Shopify's customer exports write ``'75006``, ``'+33612345678``,
    ``'7012345678901`` so that Excel keeps the leading zero or plus, and so do
    sheets typed by hand; the value is what follows. Only before a digit or
    a ``+``: ``'t Hooft`` is a name. A CSV made for Excel writes ``="01000"``
    (a formula whose result is the text) for the same reason: the value is
    between the quotes.

    >>> without_text_marker("'+33612345678"), without_text_marker("'t Hooft")
    ('+33612345678', "'t Hooft")
    >>> without_text_marker('="01000"'), without_text_marker('=A1+B1')
    ('01000', '=A1+B1')
    """
    if not value or len(value) < 2:
        return value
    if value[0] == "'" and (value[1].isdigit() or value[1] == "+"):
        return value[1:]
    if value[0] == "=":
        formula = value.strip()
        if (
            len(formula) > 3
            and formula[1] == '"'
            and formula[-1] == '"'
            and '"' not in formula[2:-1]
        ):
            return formula[2:-1]
    return value
