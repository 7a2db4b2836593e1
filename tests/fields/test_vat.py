"""carnet.fields.vat."""

from __future__ import annotations

import pytest

from carnet.errors import InvalidChecksum, InvalidComponent, InvalidFormat, InvalidLength
from carnet.fields import vat
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
