"""carnet.fields.siret."""

from __future__ import annotations

import pytest

from carnet.errors import InvalidChecksum, InvalidFormat, InvalidLength
from carnet.fields import siret
from carnet.fields.verdict import Status


@pytest.mark.parametrize(
    ("raw", "normalised", "siren"),
    [
        ("73282932000074", "73282932000074", "732829320"),
        ("732 829 320 00074", "73282932000074", "732829320"),
        ("SIRET: 732.829.320.00074", "73282932000074", "732829320"),
        ("35600000000048", "35600000000048", "356000000"),  # La Poste: special checksum
    ],
)
def test_valid(raw: str, normalised: str, siren: str) -> None:
    verdict = siret.check(raw)
    assert verdict.status is Status.VALID
    assert verdict.normalised == normalised
    assert verdict.details["siren"] == siren
    assert verdict.details["nic"] == normalised[9:]
    assert verdict.details["vat"].endswith(siren)


@pytest.mark.parametrize(
    ("raw", "error"),
    [
        ("73282932000075", InvalidChecksum),
        ("732829320", InvalidLength),
        ("7328293200007", InvalidLength),
        ("7328293200007X", InvalidFormat),
    ],
)
def test_invalid(raw: str, error: type[Exception]) -> None:
    assert siret.check(raw).status is Status.INVALID
    with pytest.raises(error):
        siret.validate(raw)


def test_format_and_check_many() -> None:
    assert siret.format("73282932000074") == "732 829 320 00074"
    assert len(siret.check_many(["73282932000074", None, None])) == 2


@pytest.mark.parametrize("cell", ["5,52101E+13", "5.52100554E+13", "5,5210055E+13"])
def test_a_siret_excel_wrote_in_scientific_notation_says_what_to_do(cell: str) -> None:
    verdict = siret.check(cell)
    assert verdict.status is Status.INVALID and "scientific_notation" in verdict.flags
    assert "Format the column as text" in verdict.reasons[0]


def test_a_siret_in_scientific_notation_with_every_digit_is_read() -> None:
    assert siret.check("5.5210055400013E+13").normalised == "55210055400013"


@pytest.mark.parametrize("raw", ["73282932000074.0", " 73282932000074.00 "])
def test_a_trailing_float_zero_is_removed(raw: str) -> None:
    verdict = siret.check(raw)
    assert (verdict.status, verdict.normalised) == (Status.VALID, "73282932000074")
    assert verdict.flags == {"repaired"} and verdict.details["siren"] == "732829320"


def test_a_real_fraction_is_no_siret() -> None:
    assert siret.check("73282932000074.5").status is Status.INVALID


@pytest.mark.parametrize("raw", ["00000000000000", "000 000 000 00000", "00000000012345"])
def test_a_placeholder_siret_is_refused_as_such(raw: str) -> None:
    # before, 00000000000000 was a valid SIRET of SIREN 000000000
    verdict = siret.check(raw)
    assert verdict.status is Status.INVALID and verdict.flags == {"placeholder"}


def test_a_siret_short_of_its_leading_zero_is_suggested_with_it() -> None:
    verdict = siret.check("5521005800008")
    assert verdict.suggestions == ("05521005800008",) and "leading 0" in verdict.reasons[0]
    assert siret.check("5521005800009").suggestions == ()
    assert "000000000" not in siret.check("000000000").details.values()


@pytest.mark.parametrize(
    "raw", ["N° SIRET 73282932000074", "n°siret: 732 829 320 00074", "SIRET: 73282932000074.0"]
)
def test_the_words_before_a_siret_are_read_past(raw: str) -> None:
    assert siret.check(raw).normalised == "73282932000074"
