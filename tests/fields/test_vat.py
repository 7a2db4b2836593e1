"""carnet.fields.vat."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from carnet.errors import InvalidChecksum, InvalidComponent, InvalidFormat, InvalidLength
from carnet.fields import vat
from carnet.fields.siren import to_vat
from carnet.fields.verdict import Status


@pytest.mark.parametrize(
    ("raw", "normalised", "country"),
    [
        ("FR40303265045", "FR40303265045", "FR"),
        ("FR 40 303 265 045", "FR40303265045", "FR"),
        ("fr40303265045", "FR40303265045", "FR"),
        ("TVA : FR 40 303 265 045", "FR40303265045", "FR"),
        ("DE136695976", "DE136695976", "DE"),
        ("BE 0403.170.701", "BE0403170701", "BE"),
        ("GB980780684", "GB980780684", "GB"),
    ],
)
def test_valid(raw: str, normalised: str, country: str) -> None:
    verdict = vat.check(raw)
    assert verdict.status is Status.VALID, verdict.reasons
    assert verdict.normalised == normalised
    assert verdict.details["country"] == country


def test_french_number_gives_its_siren() -> None:
    assert vat.check("FR40303265045").details["siren"] == "303265045"


def test_missing_prefix_uses_the_country() -> None:
    verdict = vat.check("40303265045")
    assert verdict.normalised == "FR40303265045"
    assert verdict.flags == {"prefix_added"}
    assert vat.check("136695976", country="DE").normalised == "DE136695976"


def test_bare_siren_suggests_the_vat_number() -> None:
    verdict = vat.check("303 265 045")
    assert verdict.status is Status.INVALID
    assert verdict.suggestions == ("FR40303265045",)


@pytest.mark.parametrize(
    ("raw", "error"),
    [
        ("FR41303265045", InvalidChecksum),
        ("FR4030326504", InvalidLength),
        ("QQ123456789", InvalidComponent),
        ("FR 40 303 265 04$", InvalidFormat),
    ],
)
def test_invalid(raw: str, error: type[Exception]) -> None:
    assert vat.check(raw).status is Status.INVALID
    with pytest.raises(error):
        vat.validate(raw)


def test_format() -> None:
    assert vat.format("FR40303265045") == "FR 40 303265045"
    assert vat.format("DE136695976") == "DE 136695976"
    assert vat.format("junk") == "junk"


@pytest.mark.parametrize(
    "raw",
    [
        "TVA intracommunautaire : FR 40 303 265 045",
        "N° TVA intracom. FR40303265045",
        "Numéro de TVA: FR40303265045",
        "TVA intra-communautaire FR40303265045",
    ],
)
def test_the_words_before_a_vat_number_are_read_past(raw: str) -> None:
    # before: "only letters and digits", or "the wrong length for IN" (from "intracom")
    assert vat.check(raw).normalised == "FR40303265045"


@pytest.mark.parametrize(
    "raw",
    [
        "Non assujetti",
        "Non assujettie à la TVA",
        "Exonéré",
        "Pas de TVA",
        "TVA non applicable, art. 293 B du CGI",
        "Franchise en base",
    ],
)
def test_a_business_with_no_vat_number_has_none(raw: str) -> None:
    # before: "Non assujetti" was "not a valid NO VAT number" (Norway)
    assert vat.check(raw).status is Status.EMPTY


@pytest.mark.parametrize("raw", ["abc", "Non", "Inconnue au bataillon"])
def test_words_without_digits_are_no_vat_number(raw: str) -> None:
    verdict = vat.check(raw)
    assert verdict.status is Status.INVALID and "no digits" in verdict.reasons[0]


@given(
    st.integers(10_000_000, 99_999_999),
    st.sampled_from(["", "TVA ", "N° TVA intracom. ", "TVA intracommunautaire : ", "VAT: "]),
)
def test_a_french_vat_number_reads_with_any_label(head: int, label: str) -> None:
    digits = str(head)
    check_digit = next(d for d in "0123456789" if _luhn(digits + d))
    number = to_vat(digits + check_digit)
    assert vat.check(label + number).normalised == number
    assert vat.check(f"{label}{number[:2]} {number[2:4]} {number[4:]}").normalised == number


def _luhn(digits: str) -> bool:
    total = 0
    for i, c in enumerate(reversed(digits)):
        d = int(c) * (2 if i % 2 else 1)
        total += d - 9 if d > 9 else d
    return total % 10 == 0


@pytest.mark.parametrize("raw", ["303265045", "303 265 045", "FR303265045", "FR 303 265 045"])
def test_a_siren_in_the_vat_column_is_kept_as_the_siren(raw: str) -> None:
    # before: refused with nothing kept ("FR303265045", the key left out, as "the wrong
    # length for FR" without even the suggestion)
    verdict = vat.check(raw)
    assert verdict.status is Status.INVALID
    assert verdict.details["siren"] == "303265045"
    assert verdict.suggestions == ("FR40303265045",)


@pytest.mark.parametrize("raw", ["303265046", "FR303265046", "000000000"])
def test_nine_digits_that_are_no_siren_keep_nothing(raw: str) -> None:
    verdict = vat.check(raw)
    assert verdict.status is Status.INVALID and "siren" not in verdict.details
    assert verdict.suggestions == ()


@given(st.integers(10_000_000, 99_999_999), st.sampled_from(["", "FR", "FR ", "fr"]))
def test_every_siren_without_its_key_suggests_its_vat_number(head: int, prefix: str) -> None:
    digits = str(head)
    siren = digits + next(d for d in "0123456789" if _luhn(digits + d))
    verdict = vat.check(prefix + siren)
    assert verdict.details["siren"] == siren
    [suggested] = verdict.suggestions
    assert vat.check(suggested).details["siren"] == siren
