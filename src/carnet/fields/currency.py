"""Currencies as shops and spreadsheets write them: symbols, ISO 4217 codes, names.

An amount may carry its currency before or after the number: ``15,00 CHF``,
``CHF 15.00``, ``12,50 €``, ``$12.50``, ``10 euros``. :func:`split_amount`
separates the two; :func:`currency_code` gives the ISO 4217 code of what was
written (ISO codes are checked against pycountry's table, so ``PCS`` or ``KGS``
after a number are not taken for a currency).

>>> currency_code("€"), currency_code("usd"), currency_code("Livre sterling")
('EUR', 'USD', 'GBP')
>>> currency_code("XAF"), currency_code("PCS") is None
('XAF', True)
>>> split_amount("15,00 CHF"), split_amount("US$ 1,234.50"), split_amount("12")
(('15,00', 'CHF'), ('1,234.50', 'USD'), ('12', None))
>>> split_amount("12 pommes")
('12 pommes', None)
"""

from __future__ import annotations

import re
from functools import cache

import pycountry

#: Symbols and names (upper case, single-spaced) of the currencies French shops meet.
_WRITTEN = {
    **dict.fromkeys(("€", "EUR", "EURO", "EUROS"), "EUR"),
    **dict.fromkeys(("$", "US$", "$US", "USD", "DOLLAR", "DOLLARS", "US DOLLAR"), "USD"),
    **dict.fromkeys(("£", "GBP", "LIVRE", "LIVRES", "LIVRE STERLING", "POUND", "STERLING"),
                    "GBP"),
    **dict.fromkeys(("CHF", "FRANC SUISSE", "FRANCS SUISSES", "SFR", "FS"), "CHF"),
    **dict.fromkeys(("CAD", "CA$", "$CA", "C$", "DOLLAR CANADIEN"), "CAD"),
    **dict.fromkeys(("¥", "JPY", "YEN"), "JPY"),
    **dict.fromkeys(("FCFA", "F CFA", "FRANC CFA", "FRANCS CFA"), "XOF"),
    **dict.fromkeys(("XPF", "F CFP", "FCFP", "FRANC CFP", "FRANCS CFP"), "XPF"),
}

#: A number with a currency before or after it ("CHF 15.00", "15,00 CHF", "12,50€").
_AMOUNT = re.compile(
    r"^\s*(?P<before>[^\d\s+\-.,][^\d+\-]*?)?\s*"
    r"(?P<number>[+\-]?\s*[\d.,'’\s\u00a0\u202f]*\d[.,]?)"
    r"\s*(?P<after>[^\d\s.,'’][^\d]*?)?\s*$"
)


def currency_code(text: str) -> str | None:
    """The ISO 4217 code of a currency as written, or None when not understood."""
    written = " ".join(text.upper().split())
    if written in _WRITTEN:
        return _WRITTEN[written]
    if len(written) == 3 and written.isascii() and written.isalpha() and _is_iso(written):
        return written
    return None


def split_amount(text: str) -> tuple[str, str | None]:
    """The number of an amount and the ISO code of the currency written beside it.

    A text with no currency, or with words that are not one ("12 pommes"),
    comes back whole with None: the number check then says what is wrong.
    """
    found = _AMOUNT.match(text)
    if found is None:
        return text, None
    before, after = found["before"], found["after"]
    if bool(before) == bool(after):  # none, or one on each side ("$ 12 €")
        return text, None
    code = currency_code(before or after)
    if code is None:
        return text, None
    return found["number"].strip(), code


@cache
def _is_iso(code: str) -> bool:
    return pycountry.currencies.get(alpha_3=code) is not None
