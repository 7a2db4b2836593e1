"""Fixtures for the privacy tests: ``ws``, the workspace with the consent and privacy methods."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from carnet import Carnet
from carnet.consent.facade import ConsentMixin
from carnet.consent.workspace import Workspace
from carnet.privacy.facade import PrivacyMixin


@pytest.fixture
def ws(carnet: Carnet) -> Iterator[Workspace]:
    """The ``carnet`` workspace (SQLite and PostgreSQL) with consent and privacy methods."""
    if isinstance(carnet, ConsentMixin) and isinstance(carnet, PrivacyMixin):
        yield carnet  # type: ignore[misc]
        return
    workspace = Workspace(settings=carnet.settings, actor="test")
    try:
        yield workspace
    finally:
        workspace.close()
