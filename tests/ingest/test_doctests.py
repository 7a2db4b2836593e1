"""The examples in the import's docstrings must run."""

from __future__ import annotations

import doctest
import importlib

import pytest

MODULES = [
    "carnet.contact_points",
    "carnet.ingest.batch",
    "carnet.ingest.readers._base",
    "carnet.ingest.readers._workbook",
    "carnet.ingest.readers.json",
    "carnet.ingest.pipeline",
    "carnet.ingest.mapping",
    "carnet.ingest.realign",
    "carnet.ingest.recipients",
    "carnet.ingest.rows",
    "carnet.ingest.unnamed",
    "carnet.ingest.readers.sniff",
    "carnet.ingest.verdicts",
    "carnet.ingest.write_consent",
    "carnet.ingest.write_suppressions",
]


@pytest.mark.parametrize("name", MODULES)
def test_doctests(name: str) -> None:
    module = importlib.import_module(name)
    failures, tried = doctest.testmod(module, optionflags=doctest.ELLIPSIS)
    assert tried > 0, f"{name} has no examples"
    assert failures == 0
