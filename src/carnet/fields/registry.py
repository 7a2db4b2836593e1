"""Find the field-kind modules by convention.

A module of :mod:`carnet.fields` is a *field kind* when it offers the five verbs
of :class:`FieldKind`: ``normalise``, ``validate``, ``check``, ``format`` and
``check_many``. Nothing registers itself: adding ``fields/foo.py`` with those
verbs adds the kind ``foo``, and the robustness tests then feed it junk.

>>> sorted(kinds())[:3]
['address', 'bic', 'dates']
>>> kind("email").normalise("A@B.FR")
'a@b.fr'
"""

from __future__ import annotations

import importlib
import pkgutil
from collections.abc import Iterable, Mapping
from functools import cache
from types import ModuleType
from typing import Protocol, cast

from carnet.fields.verdict import Verdict

__all__ = ["VERBS", "FieldKind", "kind", "kinds"]

VERBS = ("normalise", "validate", "check", "format", "check_many")


class FieldKind(Protocol):
    """What every field-kind module offers (each may add keyword options)."""

    def normalise(self, raw: str, /) -> str | None:
        """The canonical form, or None when there is none; never raises."""

    def validate(self, raw: str, /) -> str:
        """The canonical form, or raise an ``InvalidValueError`` subclass."""

    def check(self, raw: str | None, /) -> Verdict:
        """The full verdict; never raises, whatever the input."""

    def format(self, value: str, /) -> str:
        """The display form."""

    def check_many(self, values: Iterable[str | None], /) -> Mapping[str | None, Verdict]:
        """Verdicts of a column, computed once per distinct value."""


def _is_kind(module: ModuleType) -> bool:
    return all(callable(getattr(module, verb, None)) for verb in VERBS)


@cache
def _discover() -> dict[str, ModuleType]:
    package = importlib.import_module("carnet.fields")
    found: dict[str, ModuleType] = {}
    for info in sorted(pkgutil.iter_modules(package.__path__), key=lambda i: i.name):
        if info.name.startswith("_") or info.ispkg or info.name == "registry":
            continue
        module = importlib.import_module(f"carnet.fields.{info.name}")
        if _is_kind(module):
            found[info.name] = module
    return found


def kinds() -> dict[str, FieldKind]:
    """Every field-kind module, by module name (``email``, ``phone``, ``siret`` ...)."""
    return {name: cast(FieldKind, module) for name, module in _discover().items()}


def kind(name: str) -> FieldKind:
    """The field-kind module called ``name``.

    Raises:
        KeyError: no such kind; the message lists the known ones.
    """
    found = kinds().get(name)
    if found is None:
        raise KeyError(f"No field kind {name!r}; known kinds: {', '.join(sorted(kinds()))}.")
    return found
