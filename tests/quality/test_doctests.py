"""The quality modules' docstring examples must run."""

from __future__ import annotations

import doctest
import importlib

import pytest


@pytest.mark.parametrize("name", ["settings", "text"])
def test_doctests(name: str) -> None:
    module = importlib.import_module(f"carnet.quality.{name}")
    failures, tried = doctest.testmod(module, optionflags=doctest.ELLIPSIS)
    assert tried > 0 and failures == 0
