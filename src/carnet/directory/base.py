"""The workspace's shared ground: connections, settings, history writing, lookups."""

from __future__ import annotations

import getpass
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection, Engine

from carnet.clock import as_utc as as_utc
from carnet.clock import utcnow as utcnow
from carnet.config import Settings
from carnet.crypto import FieldCipher
from carnet.errors import ConfigError, InvalidValueError, NotFoundError
from carnet.fields.catalog import Catalog, Field, Profile
from carnet.fields.verdict import Verdict
from carnet.store import schema as s


@dataclass(frozen=True)
class HistoryEntry:
    """One recorded change of one field."""

    id: int
    entity: str
    entity_id: int
    field: str
    old_value: str | None
    new_value: str | None
    source: str
    reason: str | None
    actor: str | None
    changed_at: datetime


class WorkspaceBase:
    """State and helpers every part of the workspace uses."""

    engine: Engine
    settings: Settings
    actor: str
    catalog: Catalog
    url: str
    _cipher: FieldCipher | None
    _meta: dict[str, Any] | None

    @property
    def profile(self) -> Profile:
        """The company profile chosen at ``init`` (B2C or B2B)."""
        return Profile(self._settings_row().get("profile", "b2c"))

    @property
    def country(self) -> str:
        """The default country for phones and addresses."""
        return str(self._settings_row().get("country", self.settings.country))

    def _settings_row(self) -> dict[str, Any]:
        if self._meta is None:
            with self.engine.connect() as conn:
                self._meta = dict(
                    conn.execute(sa.select(s.settings.c.key, s.settings.c.value)).all()
                )
        return self._meta

    def _field(self, key: str) -> Field:
        try:
            return self.catalog[key]
        except KeyError:
            raise InvalidValueError(
                f"Unknown field '{key}'; `carnet fields` lists the known fields.", field=key
            ) from None

    def _require_cipher(self) -> FieldCipher:
        if self._cipher is None:
            raise ConfigError(
                "Storing an IBAN needs an encryption key; set CARNET_ENCRYPTION_KEY "
                "(at least 12 characters) and keep it safe."
            )
        return self._cipher

    def _source_id(self, conn: Connection, name: str) -> int:
        found = conn.execute(
            sa.select(s.sources.c.id).where(s.sources.c.name == name)
        ).scalar_one_or_none()
        if found is not None:
            return int(found)
        return insert_id(
            conn, s.sources.insert().values(name=name, kind="manual", created_at=utcnow())
        )

    def _write_history(
        self,
        conn: Connection,
        entity: str,
        entity_id: int,
        changes: Iterable[tuple[str, str | None, str | None]],
        source: str,
        reason: str | None,
        import_id: int | None = None,
    ) -> None:
        now = utcnow()
        rows = [
            {
                "entity": entity,
                "entity_id": entity_id,
                "field": f,
                "old_value": old,
                "new_value": new,
                "source": source,
                "import_id": import_id,
                "reason": reason,
                "actor": self.actor,
                "changed_at": now,
            }
            for f, old, new in changes
        ]
        if rows:
            conn.execute(s.history.insert(), rows)

    def _require_contact(self, conn: Connection, contact_id: int) -> None:
        found = conn.execute(
            sa.select(s.contacts.c.id).where(s.contacts.c.id == contact_id)
        ).scalar_one_or_none()
        if found is None:
            raise NotFoundError(f"Contact {contact_id} does not exist.", contact_id=contact_id)

    def _touch_activity(self, conn: Connection, contact_id: int, when: datetime) -> None:
        c = s.contacts.c
        conn.execute(
            s.contacts.update()
            .where(c.id == contact_id, sa.or_(c.last_activity.is_(None), c.last_activity < when))
            .values(last_activity=when)
        )

    def history(self, contact_id: int, *, entity: str = "contact") -> list[HistoryEntry]:
        """The recorded changes of a contact (or organisation), oldest first."""
        with self.engine.connect() as conn:
            rows = conn.execute(
                sa.select(s.history)
                .where(s.history.c.entity == entity, s.history.c.entity_id == contact_id)
                .order_by(s.history.c.id)
            ).mappings()
            return [
                HistoryEntry(
                    id=r["id"],
                    entity=r["entity"],
                    entity_id=r["entity_id"],
                    field=r["field"],
                    old_value=r["old_value"],
                    new_value=r["new_value"],
                    source=r["source"],
                    reason=r["reason"],
                    actor=r["actor"],
                    changed_at=as_utc(r["changed_at"]) or utcnow(),
                )
                for r in rows
            ]


def _text(value: Any) -> str | None:
    """A value as history stores it: ISO dates, ';'-joined lists, true/false."""
    if value is None:
        return None
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, list | tuple):
        return ";".join(str(v) for v in value)
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def _user() -> str:
    try:
        return getpass.getuser()
    except (KeyError, OSError):
        return "unknown"


def _as_input_text(value: Any) -> str | None:
    if value is None:
        return None
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, list | tuple):
        return ";".join(str(v) for v in value)
    return str(value)


def _why(verdict: Verdict) -> str:
    return "; ".join(verdict.reasons) or verdict.status.value


def insert_id(conn: Connection, statement: sa.Insert) -> int:
    """Run an INSERT and return the new row's primary key."""
    key = conn.execute(statement).inserted_primary_key
    assert key is not None
    return int(key[0])


def history_text(field: str, value: Any) -> str | None:
    """A value as history stores it, never the clear text of a sensitive field."""
    if field in ("iban", "iban_ciphertext"):
        return None if value is None else "(encrypted)"
    return _text(value)
