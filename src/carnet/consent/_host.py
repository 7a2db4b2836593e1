"""What the consent and privacy mixins need from the workspace they are mixed into."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Protocol

from sqlalchemy.engine import Engine

from carnet.config import Settings
from carnet.fields.catalog import Catalog
from carnet.model import Contact


class Host(Protocol):
    """The parts of :class:`carnet.Carnet` the mixins call."""

    engine: Engine
    settings: Settings
    actor: str
    catalog: Catalog

    @property
    def country(self) -> str: ...

    def get_contact(self, contact_id: int) -> Contact: ...

    def add_contact(
        self, values: Mapping[str, Any], *, source: str = ..., strict: bool = ...
    ) -> Contact: ...

    def update_contact(
        self,
        contact_id: int,
        changes: Mapping[str, Any],
        *,
        source: str = ...,
        reason: str | None = ...,
    ) -> Contact: ...
