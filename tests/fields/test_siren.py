"""carnet.fields.siren."""

from __future__ import annotations

import pytest

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
