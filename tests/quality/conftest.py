"""Fixtures for the quality tests: the workspace (which has the quality methods), both databases."""

from __future__ import annotations

import pytest

from carnet import Carnet


@pytest.fixture
def ws(carnet: Carnet) -> Carnet:
    """An initialised B2C workspace, on each database."""
    return carnet
