"""French company identifiers for the demo data: SIREN, SIRET and VAT numbers.

A SIREN is 9 digits whose last is a Luhn check digit; a SIRET is the SIREN
followed by a 5-digit establishment number (NIC) such that all 14 digits pass
the Luhn check; the intra-community VAT number is ``FR`` + a two-digit key
``(12 + 3 × (SIREN mod 97)) mod 97`` + the SIREN.
See https://www.insee.fr/fr/metadonnees/definition/c1841 and
https://entreprendre.service-public.fr (numéro de TVA intracommunautaire).

>>> is_luhn_valid("73282932000074")
True
>>> vat_from_siren("732829320")
'FR44732829320'
"""

from __future__ import annotations

from random import Random

__all__ = [
    "is_luhn_valid",
    "luhn_check_digit",
    "new_siren",
    "new_siret",
    "spoil_check_digit",
    "vat_from_siren",
]


_NICS = (1, 1, 1, 2, 3, 4, 5, 10, 12, 17, 23, 31, 45)


def _luhn_sum(digits: str, *, double_first: bool) -> int:
    total = 0
    double = double_first
    for char in reversed(digits):
        value = ord(char) - 48
        if double:
            value *= 2
            if value > 9:
                value -= 9
        total += value
        double = not double
    return total


def luhn_check_digit(digits: str) -> str:
    """Return the digit that makes ``digits + digit`` pass the Luhn check.

    >>> luhn_check_digit("73282932")
    '0'
    """
    return str((10 - _luhn_sum(digits, double_first=True) % 10) % 10)


def is_luhn_valid(digits: str) -> bool:
    """Tell whether a string of digits passes the Luhn check.

    >>> is_luhn_valid("732829320"), is_luhn_valid("732829321")
    (True, False)
    """
    return digits.isdigit() and _luhn_sum(digits, double_first=False) % 10 == 0


def new_siren(rng: Random) -> str:
    """Draw a random, checksum-valid SIREN (first digit 3 to 9, as most are)."""
    body = f"{3 + int(rng.random() * 7)}{int(rng.random() * 10_000_000):07d}"
    return body + luhn_check_digit(body)


def new_siret(rng: Random, siren: str) -> str:
    """Draw a checksum-valid SIRET of the SIREN; NICs are small, head offices first."""
    nic = f"{_NICS[int(rng.random() * len(_NICS))]:04d}"
    return siren + nic + luhn_check_digit(siren + nic)


def spoil_check_digit(rng: Random, digits: str) -> str:
    """Return ``digits`` with its last digit changed, so the Luhn check fails.

    >>> is_luhn_valid(spoil_check_digit(Random(1), "73282932000074"))
    False
    """
    last = (ord(digits[-1]) - 48 + rng.randint(1, 9)) % 10
    return digits[:-1] + str(last)


def vat_from_siren(siren: str) -> str:
    """Return the French intra-community VAT number of a SIREN.

    >>> vat_from_siren("404833048")
    'FR83404833048'
    """
    key = (12 + 3 * (int(siren) % 97)) % 97
    return f"FR{key:02d}{siren}"
