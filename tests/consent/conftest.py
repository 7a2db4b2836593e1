"""Fixtures for the consent tests: ``ws``, the workspace with the consent and privacy methods."""

from __future__ import annotations

import pytest

from carnet import Carnet


@pytest.fixture
def ws(carnet: Carnet) -> Carnet:
    """The ``carnet`` workspace (SQLite and PostgreSQL), which has the consent and privacy
    methods."""
    return carnet
