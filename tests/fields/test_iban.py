"""carnet.fields.iban and carnet.fields.bic."""

from __future__ import annotations

import string

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


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("30006 00001 12345678901 89", "FR7630006000011234567890189"),
        ("RIB : 30006000011234567890189", "FR7630006000011234567890189"),
        ("20041 01005 0500013M026 06", "FR1420041010050500013M02606"),
    ],
)
def test_a_french_rib_gives_its_iban(raw: str, expected: str) -> None:
    # before: "An IBAN starts with a country code and 2 check digits"
    verdict = iban.check(raw)
    assert verdict.status is Status.VALID and verdict.normalised == expected
    assert {"repaired", "from_rib"} <= verdict.flags and "RIB" in verdict.reasons[0]


def test_a_rib_with_a_wrong_key_is_refused() -> None:
    verdict = iban.check("30006 00001 12345678901 88")
    assert verdict.status is Status.INVALID and "key" in verdict.reasons[0]


@given(
    st.from_regex(r"[0-9]{5}", fullmatch=True),
    st.from_regex(r"[0-9]{5}", fullmatch=True),
    st.from_regex(r"[0-9A-Z]{11}", fullmatch=True),
)
def test_every_rib_with_its_key_is_the_iban_holding_it(
    bank: str, branch: str, account: str
) -> None:
    letters = str.maketrans(string.ascii_uppercase, "12345678912345678923456789")
    number = int(account.translate(letters))
    key = 97 - (89 * int(bank) + 15 * int(branch) + 3 * number) % 97
    rib = f"{bank} {branch} {account} {key:02d}"
    verdict = iban.check(rib)
    assert verdict.status is Status.VALID
    assert verdict.normalised is not None and verdict.normalised[4:] == rib.replace(" ", "")
    assert iban.check(verdict.normalised).normalised == verdict.normalised


@pytest.mark.parametrize(
    ("raw", "code"),
    [
        ("BIC/SWIFT : AGRIFRPP882", "AGRIFRPP882"),
        ("Code BIC : CMCIFR2A", "CMCIFR2A"),
        ("Swift code: BNPAFRPP", "BNPAFRPP"),
        # a bank code that starts with the letters BIC is no label
        ("BICEFRPP", "BICEFRPP"),
    ],
)
def test_a_bic_read_past_its_label(raw: str, code: str) -> None:
    # before: "A BIC has only letters and digits." (the '/' of BIC/SWIFT), and
    # BICEFRPP lost its first three letters
    assert bic.check(raw).normalised == code


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


@pytest.mark.parametrize(
    ("raw", "normalised", "code"),
    [
        # copied from a RIB with its BIC, as accounting exports and order forms keep it
        ("FR76 3000 6000 0112 3456 7890 189 BIC AGRIFRPP", "FR7630006000011234567890189",
         "AGRIFRPP"),
        ("IBAN : FR76 2004 1735 3823 1916 0210 357 - BIC : PSSTFRPP",
         "FR7620041735382319160210357", "PSSTFRPP"),
        ("FR7613335533477865198954319 / CEPAFRPP333", "FR7613335533477865198954319",
         "CEPAFRPP333"),
        ("FR76 3000 6000 0112 3456 7890 189 (BIC/SWIFT : BNPA FR PP XXX)",
         "FR7630006000011234567890189", "BNPAFRPP"),
        ("DE89 3704 0044 0532 0130 00 ; COBADEFFXXX", "DE89370400440532013000", "COBADEFF"),
        # a RIB and its BIC
        ("30006 00001 12345678901 89 AGRIFRPP", "FR7630006000011234567890189", "AGRIFRPP"),
    ],
)
def test_an_iban_with_its_bic_in_one_cell(raw: str, normalised: str, code: str) -> None:
    # before: "The IBAN's check digits do not match" (the BIC read as part of the IBAN)
    verdict = iban.check(raw)
    assert verdict.ok and verdict.normalised == normalised
    assert verdict.details["bic"] == code and code in verdict.reasons[-1]


@pytest.mark.parametrize(
    "raw",
    [
        # a mistyped IBAN stays invalid, its BIC beside it or not
        "FR76 3000 6000 0112 3456 7890 188 BIC AGRIFRPP",
        # a BIC whose country is digits is no BIC: the cell is not split
        "FR76 3000 6000 0112 3456 7890 189 BIC AGRI1RPP",
        "FR76 3000 6000 0112 3456 7890 189 ABCDEFG",
    ],
)
def test_a_cell_is_split_only_when_both_parts_hold(raw: str) -> None:
    assert iban.check(raw).status is Status.INVALID


_BICS = ["AGRIFRPP", "BNPAFRPPXXX", "SOGEFRPP", "CMCIFR2A", "PSSTFRPP", "CEPAFRPP333"]


@given(
    st.from_regex(r"[0-9]{5}", fullmatch=True),
    st.from_regex(r"[0-9]{5}", fullmatch=True),
    st.from_regex(r"[0-9]{11}", fullmatch=True),
    st.sampled_from(_BICS),
    st.sampled_from([" ", " BIC ", " / ", " - BIC : ", ", ", " (BIC ", "  SWIFT: "]),
    st.booleans(),
)
def test_any_iban_followed_by_its_bic_gives_both(
    bank: str, branch: str, account: str, code: str, between: str, grouped: bool
) -> None:
    key = next(k for k in range(100) if iban.french_iban(bank, branch, account, str(k)))
    number = iban.french_iban(bank, branch, account, str(key))
    assert number is not None
    written = iban.format(number) if grouped else number
    closing = ")" if "(" in between else ""
    verdict = iban.check(f"{written}{between}{code}{closing}")
    assert verdict.normalised == number
    assert verdict.details["bic"] == bic.check(code).normalised
