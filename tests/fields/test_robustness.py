"""Every field kind against junk and against itself.

The kinds come from the registry (modules found by their verbs), so a new
field module is covered without touching this file:

- ``check`` never raises: None, empty, blanks, the Big List of Naughty Strings,
  any text hypothesis can make (control characters included), non-strings;
- ``normalise`` never raises and is idempotent;
- a usable verdict's normalised value checks to itself;
- ``validate`` raises only ``InvalidValueError`` subclasses;
- ``check_many`` agrees with ``check`` and keys every distinct value once.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from carnet.errors import InvalidValueError
from carnet.fields import registry
from carnet.fields.verdict import Status, Verdict

DATA = Path(__file__).parents[1] / "data"
KINDS = registry.kinds()
NAMES = sorted(KINDS)
BLNS: list[str] = json.loads((DATA / "blns" / "blns.json").read_text(encoding="utf-8"))
JUNK: list[Any] = [
    None,
    "",
    " ",
    "\t\n",
    "\x00",
    "-",
    "n/a",
    "0",
    "@",
    "+",
    "..",
    "🎉",
    "\u200b",
    "\ufeff",
    "x" * 10_000,
    "9" * 400,
    "+" + "3" * 60,
    "a@" + "b" * 300 + ".fr",
    12345,
    0.5,
    float("nan"),
    -1,
    b"bytes",
    ["a", "list"],
    object(),
]

#: Realistic-looking values per kind, so the idempotence properties see valid ones.
REALISTIC: dict[str, st.SearchStrategy[str]] = {
    "email": st.from_regex(
        r"[A-Za-z0-9._+-]{1,20}@[a-z0-9-]{1,12}\.(fr|com|net|org)", fullmatch=True
    )
    | st.from_regex(
        r" ?[a-z]{1,8} ?[. ]?[a-z]{1,8}@(gmial|hotmial|gmail|orange)\.(com|fr|con)", fullmatch=True
    ),
    "phone": st.from_regex(r"(0|\+33 ?|0033 ?)[1-9]([ .-]?\d\d){4}", fullmatch=True)
    | st.from_regex(r"\+(1|44|49|32|39) ?\d{6,11}", fullmatch=True),
    "postcodes": st.from_regex(r"\d{4,5}", fullmatch=True),
    "dates": st.from_regex(r"\d{1,2}[/.-]\d{1,2}[/.-](\d{2}|\d{4})", fullmatch=True)
    | st.dates().map(str),
    "name": st.from_regex(r"(M\. |Mme |)[A-Za-zéèàô' -]{1,30}", fullmatch=True),
    "address": st.from_regex(
        r"\d{1,3}(bis| B|) (r|rue|av\.|bd|chemin|place|all) (du |de la |)"
        r"(Gal|St|Ste|Dr|Maréchal|Professeur)? ?[A-Za-zéè' -]{1,40}",
        fullmatch=True,
    ),
    "siren": st.from_regex(r"\d{3} ?\d{3} ?\d{3}", fullmatch=True),
    "siret": st.from_regex(r"\d{9} ?\d{5}", fullmatch=True),
    "vat": st.from_regex(r"(FR|DE|BE)? ?\d{2} ?\d{9}", fullmatch=True),
    "iban": st.from_regex(r"(FR|DE|BE)\d{2}( ?[0-9A-Z]{4}){3,6}", fullmatch=True),
    "bic": st.from_regex(r"[A-Z]{6}[A-Z0-9]{2}([A-Z0-9]{3})?", fullmatch=True),
    "naf": st.from_regex(r"\d{2}[. ]?\d{2} ?[A-Z]", fullmatch=True),
}
ANY_TEXT = st.text(st.characters(codec="utf-8"), max_size=60)


def _strategy(kind: str) -> st.SearchStrategy[str]:
    return ANY_TEXT | REALISTIC.get(kind, ANY_TEXT)


def test_every_expected_kind_is_registered() -> None:
    expected = {"email", "phone", "postcodes", "address", "name", "dates"}
    expected |= {"siren", "siret", "vat", "iban", "naf", "bic"}
    assert expected <= set(KINDS)


@pytest.mark.parametrize("kind", NAMES)
@pytest.mark.parametrize("junk", JUNK, ids=lambda j: repr(j)[:20])
def test_check_survives_junk(kind: str, junk: Any) -> None:
    verdict = KINDS[kind].check(junk)
    assert isinstance(verdict, Verdict)
    if junk is None or (isinstance(junk, str) and not junk.strip()):
        assert verdict.status is Status.EMPTY


@pytest.mark.parametrize("kind", NAMES)
def test_check_survives_the_big_list_of_naughty_strings(kind: str) -> None:
    module = KINDS[kind]
    for text in BLNS:
        verdict = module.check(text)
        assert isinstance(verdict, Verdict), text
        assert all(isinstance(r, str) and r for r in verdict.reasons), text
        assert all(isinstance(v, str) for v in verdict.details.values()), text
        normalised = module.normalise(text)
        assert normalised is None or isinstance(normalised, str)
        try:
            module.validate(text)
        except InvalidValueError as error:
            assert str(error)


@pytest.mark.parametrize("kind", NAMES)
def test_check_many_matches_check(kind: str) -> None:
    module = KINDS[kind]
    values = [*BLNS[:80], *BLNS[:80], None, ""]
    result = module.check_many(values)
    assert set(result) == set(values)
    for value, verdict in list(result.items())[:40]:
        assert verdict == module.check(value)


@pytest.mark.parametrize("kind", NAMES)
@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data())
def test_properties(kind: str, data: st.DataObject) -> None:
    module = KINDS[kind]
    raw = data.draw(_strategy(kind))
    verdict = module.check(raw)
    assert isinstance(verdict, Verdict)
    assert verdict.status in Status
    if verdict.ok:
        assert verdict.normalised is not None
    normalised = module.normalise(raw)
    if normalised is not None:
        # idempotent, and a normalised value checks to itself
        assert module.normalise(normalised) == normalised
        assert module.check(normalised).normalised == normalised
        assert module.validate(normalised) == normalised
        assert isinstance(module.format(normalised), str)
    else:
        with pytest.raises(InvalidValueError):
            module.validate(raw)
