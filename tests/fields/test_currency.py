"""Amounts with their currency beside them, and currency codes as written."""

from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from carnet.fields.currency import currency_code, split_amount
from carnet.fields.values import check_decimal
from carnet.fields.verdict import Status


@pytest.mark.parametrize(
    ("raw", "number", "code"),
    [
        ("15,00 CHF", "15.00", "CHF"),
        ("CHF 15.00", "15.00", "CHF"),
        ("CHF 1'234.50", "1234.50", "CHF"),
        ("1 234,50 €", "1234.50", "EUR"),
        ("12,50€", "12.50", "EUR"),
        ("€12.50", "12.50", "EUR"),
        ("$1,234.50", "1234.50", "USD"),
        ("US$ 10", "10", "USD"),
        ("-15,00 €", "-15.00", "EUR"),
        ("10 euros", "10", "EUR"),
        ("2 500 FCFA", "2500", "XOF"),
        ("1 000 XPF", "1000", "XPF"),
        ("99.90 gbp", "99.90", "GBP"),
        ("12,5", "12.5", None),
        # the sign between the units and the cents, as shops and menus write prices
        ("12€50", "12.50", "EUR"),
        ("3 € 99", "3.99", "EUR"),
        ("12€", "12", "EUR"),
    ],
)
def test_an_amount_gives_its_number_and_its_currency(
    raw: str, number: str, code: str | None
) -> None:
    verdict = check_decimal(raw)
    assert verdict.status is Status.VALID
    assert verdict.normalised == number
    assert verdict.details.get("currency") == code


@pytest.mark.parametrize("raw", ["12 pommes", "15 PCS", "CHF", "environ 10", "1O,00"])
def test_what_is_no_amount_with_a_currency_stays_invalid(raw: str) -> None:
    verdict = check_decimal(raw)
    assert verdict.status is Status.INVALID and verdict.normalised is None


def test_two_currencies_say_none() -> None:
    verdict = check_decimal("$ 12 €")
    assert verdict.normalised == "12" and "currency" not in verdict.details


def test_iso_codes_are_checked_against_the_iso_table() -> None:
    assert currency_code("XAF") == "XAF" and currency_code("mad") == "MAD"
    assert currency_code("PCS") is None and currency_code("KGS") == "KGS"  # the som is one
    assert split_amount("3 kg") == ("3 kg", None)


@given(st.text(max_size=24))
def test_an_amount_check_never_raises_and_is_idempotent(raw: str) -> None:
    verdict = check_decimal(raw)
    if verdict.ok:
        assert verdict.normalised is not None
        assert check_decimal(verdict.normalised).normalised == verdict.normalised
        Decimal(verdict.normalised)


@given(
    st.decimals(min_value=-10**7, max_value=10**7, places=2, allow_nan=False),
    st.sampled_from(["{} €", "€{}", "{} CHF", "CHF {}", "{}$", "{} EUR", "{}"]),
)
def test_an_amount_written_with_its_currency_reads_back(value: Decimal, layout: str) -> None:
    text = layout.format(f"{value:.2f}".replace(".", ","))
    verdict = check_decimal(text)
    assert verdict.ok and Decimal(verdict.normalised or "") == value
