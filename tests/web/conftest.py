"""Fixtures for the public web app tests: ``ws``, the workspace with consent and privacy."""

from __future__ import annotations

import pytest

from carnet import Carnet


@pytest.fixture
def ws(carnet: Carnet) -> Carnet:
    """The ``carnet`` workspace (SQLite and PostgreSQL), which has the consent and privacy
    methods."""
    return carnet
