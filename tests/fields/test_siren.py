"""carnet.fields.siren."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st
from stdnum.fr import siren as stdnum_siren

from carnet.errors import InvalidChecksum, InvalidFormat, InvalidLength
from carnet.fields import siren
from carnet.fields.verdict import Status


@pytest.mark.parametrize(
    ("raw", "normalised"),
    [
        ("732829320", "732829320"),
        ("732 829 320", "732829320"),
        ("732.829.320", "732829320"),
        ("SIREN : 732 829 320", "732829320"),
        ("RCS Paris 732 829 320", "732829320"),
        ("R.C.S. Nanterre 552 100 554", "552100554"),
        ("356000000", "356000000"),
    ],
)
def test_valid(raw: str, normalised: str) -> None:
    verdict = siren.check(raw)
    assert verdict.status is Status.VALID
    assert verdict.normalised == normalised
    assert verdict.details["vat"] == siren.to_vat(normalised)


@pytest.mark.parametrize(
    ("raw", "error"),
    [
        ("732829321", InvalidChecksum),
        ("73282932", InvalidLength),
        ("7328293200", InvalidLength),
        ("73282932A", InvalidFormat),
        ("73282932000074", InvalidLength),
        ("７３２８２９３２０", InvalidFormat),
    ],
)
def test_invalid(raw: str, error: type[Exception]) -> None:
    assert siren.check(raw).status is Status.INVALID
    with pytest.raises(error):
        siren.validate(raw)


def test_siret_given_suggests_its_siren() -> None:
    assert siren.check("732 829 320 00074").suggestions == ("732829320",)


def test_vat_key_and_format() -> None:
    assert siren.to_vat("732829320") == "FR44732829320"
    assert siren.to_vat("303265045") == "FR40303265045"
    assert siren.format("732829320") == "732 829 320"
    assert siren.format("junk") == "junk"
    assert len(siren.check_many(["732829320", "732 829 320", "732829320"])) == 2


def test_a_trailing_float_zero_is_removed() -> None:
    verdict = siren.check("732829320.0")
    assert (verdict.status, verdict.normalised, verdict.flags) == (
        Status.VALID,
        "732829320",
        {"repaired"},
    )


@pytest.mark.parametrize("raw", ["000000000", "000 000 000", "111111111", "999999999"])
def test_a_row_of_one_digit_is_a_placeholder(raw: str) -> None:
    # 000000000 passes the Luhn check: before, it was a valid SIREN with a VAT number
    verdict = siren.check(raw)
    assert verdict.status is Status.INVALID and verdict.flags == {"placeholder"}
    assert siren.check("00000000000000").suggestions == ()


@given(st.integers(10_000_000, 99_999_999))
def test_a_siren_short_of_its_leading_zero_is_suggested_with_it(number: int) -> None:
    short = str(number)
    verdict = siren.check(short)
    assert verdict.status is Status.INVALID
    if stdnum_siren.is_valid("0" + short):
        assert verdict.suggestions == ("0" + short,) and "leading 0" in verdict.reasons[0]
    else:
        assert verdict.suggestions == () and "leading 0" not in verdict.reasons[0]


@pytest.mark.parametrize(
    "raw",
    [
        "N° SIREN 732829320",
        "Numéro SIREN : 732 829 320",
        "732 829 320 RCS Paris",
        "732 829 320 R.C.S. Nanterre",
        "SIREN: 732829320.0",
    ],
)
def test_the_words_around_a_siren_are_read_past(raw: str) -> None:
    # before: "A SIREN has only digits (9 of them)." or "… not 10"
    assert siren.check(raw).normalised == "732829320"
