"""carnet.fields.iban and carnet.fields.bic."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from carnet.errors import InvalidChecksum, InvalidFormat, InvalidLength
from carnet.fields import bic, iban
from carnet.fields.verdict import Status


@pytest.mark.parametrize(
    ("raw", "normalised"),
    [
        ("FR7630006000011234567890189", "FR7630006000011234567890189"),
        ("FR76 3000 6000 0112 3456 7890 189", "FR7630006000011234567890189"),
        ("fr76-3000-6000-0112-3456-7890-189", "FR7630006000011234567890189"),
        ("IBAN: FR76 3000 6000 0112 3456 7890 189", "FR7630006000011234567890189"),
        ("DE89 3704 0044 0532 0130 00", "DE89370400440532013000"),
        ("GB82 WEST 1234 5698 7654 32", "GB82WEST12345698765432"),
        ("BE71 0961 2345 6769", "BE71096123456769"),
        ("NL91 ABNA 0417 1643 00", "NL91ABNA0417164300"),
    ],
)
def test_valid(raw: str, normalised: str) -> None:
    verdict = iban.check(raw)
    assert verdict.status is Status.VALID
    assert verdict.normalised == normalised
    assert verdict.details["country"] == normalised[:2]


def test_french_bank_details() -> None:
    details = iban.check("FR7630006000011234567890189").details
    assert (details["bank_code"], details["branch_code"]) == ("30006", "00001")


@pytest.mark.parametrize(
    ("raw", "error"),
    [
        ("FR7630006000011234567890188", InvalidChecksum),
        ("FR763000600001123456789018", InvalidChecksum),
        ("FR76", InvalidLength),
        ("FR76 3000 6000 0112 3456 7890 18!", InvalidFormat),
        ("123456789012345678", InvalidFormat),
    ],
)
def test_invalid(raw: str, error: type[Exception]) -> None:
    assert iban.check(raw).status is Status.INVALID
    with pytest.raises(error):
        iban.validate(raw)


def test_format() -> None:
    assert iban.format("FR7630006000011234567890189") == "FR76 3000 6000 0112 3456 7890 189"


@pytest.mark.parametrize(
    ("raw", "normalised"),
    [
        ("BNPAFRPP", "BNPAFRPP"),
        ("BNPAFRPPXXX", "BNPAFRPP"),
        ("bnpa fr pp", "BNPAFRPP"),
        ("AGRIFRPP882", "AGRIFRPP882"),
        ("BIC: SOGEFRPP", "SOGEFRPP"),
    ],
)
def test_bic(raw: str, normalised: str) -> None:
    verdict = bic.check(raw)
    assert verdict.status is Status.VALID
    assert verdict.normalised == normalised
    assert verdict.details["country"] == "FR"


@pytest.mark.parametrize("raw", ["BNPAFR", "BNPA1RPP", "BNPAFRPPXX", "BNP@FRPP"])
def test_bic_invalid(raw: str) -> None:
    assert bic.check(raw).status is Status.INVALID


_DIGITS = "0123456789"


@given(
    st.text(_DIGITS, min_size=5, max_size=5),
    st.text(_DIGITS, min_size=5, max_size=5),
    st.text(_DIGITS + "ABCDEFGHJKLMNPQRSTUVWXYZ", min_size=11, max_size=11),
    st.integers(0, 99),
)
def test_a_rib_in_four_parts_is_an_iban_only_with_its_key(
    bank: str, branch: str, account: str, key: int
) -> None:
    """Any RIB gives a valid IBAN holding its parts with its own key, and none with
    another key; its zeros lost in a spreadsheet are put back."""
    letters = str.maketrans("ABCDEFGHIJKLMNOPQRSTUVWXYZ", "12345678912345678923456789")
    own = 97 - (89 * int(bank) + 15 * int(branch) + 3 * int(account.translate(letters))) % 97
    found = iban.french_iban(bank, branch, account, str(key))
    if key != own:
        assert found is None
        return
    assert found is not None and iban.check(found).ok
    assert found[4:] == f"{bank}{branch}{account}{key:02d}"
    assert iban.french_iban(bank.lstrip("0"), branch.lstrip("0"), account, str(key)) in (
        found, None  # a part of zeros only is empty once stripped
    )


def test_a_rib_that_is_not_digits_is_no_iban() -> None:
    assert iban.french_iban("3000A", "00001", "12345678901", "89") is None
    assert iban.french_iban("300060", "00001", "12345678901", "89") is None
    assert iban.french_iban("", "", "", "") is None
