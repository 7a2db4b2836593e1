"""The module docstrings are the specs: their examples must run."""

from __future__ import annotations

import doctest
import importlib

import pytest

MODULES = [
    "_common",
    "address",
    "bic",
    "currency",
    "dates",
    "deceased",
    "email",
    "iban",
    "languages",
    "naf",
    "name",
    "organisation",
    "phone",
    "postcodes",
    "registry",
    "relationship",
    "siren",
    "siret",
    "values",
    "vat",
]


@pytest.mark.parametrize("name", MODULES)
def test_doctests(name: str) -> None:
    module = importlib.import_module(f"carnet.fields.{name}")
    result = doctest.testmod(module, optionflags=doctest.ELLIPSIS)
    assert result.failed == 0
    assert result.attempted > 0 or name == "_common"
