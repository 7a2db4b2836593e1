"""The audit log: who read, exported, changed or erased personal data, and when.

Append-only: carnet only ever inserts into ``audit_log``. Entries hold ids,
counts and non-personal details, never a personal value, so that erasing a
person never has to touch the log.

Actions used: ``read``, ``export``, ``change``, ``erase``, ``anonymise``,
``retention``, ``consent``, ``suppress``, ``token_used`` (single-use links).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from carnet.consent._util import as_utc, plain_json, utcnow
from carnet.store import schema as s


@dataclass(frozen=True)
class AuditEntry:
    """One line of the audit log."""

    id: int
    at: datetime
    actor: str
    action: str
    entity: str
    entity_id: str | None
    count: int
    details: Mapping[str, Any]

    def to_dict(self) -> dict[str, Any]:
        """A JSON-friendly dictionary."""
        return {
            "id": self.id,
            "at": self.at.isoformat(),
            "actor": self.actor,
            "action": self.action,
            "entity": self.entity,
            "entity_id": self.entity_id,
            "count": self.count,
            "details": dict(self.details),
        }


def write(
    conn: Connection,
    *,
    actor: str,
    action: str,
    entity: str,
    entity_id: str | int | None = None,
    count: int = 1,
    details: Mapping[str, Any] | None = None,
) -> int:
    """Append one entry (in the caller's transaction); returns its id."""
    result = conn.execute(
        s.audit_log.insert().values(
            actor=actor[:200],
            action=action[:40],
            entity=entity[:40],
            entity_id=None if entity_id is None else str(entity_id)[:100],
            count=int(count),
            details=plain_json(dict(details or {})),
            at=utcnow(),
        )
    )
    return int(result.inserted_primary_key[0])  # type: ignore[index]


def query(
    conn: Connection,
    *,
    actor: str | None = None,
    action: str | None = None,
    entity: str | None = None,
    entity_id: str | int | None = None,
    since: datetime | None = None,
    until: datetime | None = None,
    limit: int = 100,
    include_tokens: bool = False,
) -> list[AuditEntry]:
    """Entries matching every given filter, newest first."""
    t = s.audit_log
    q = sa.select(t)
    if actor:
        q = q.where(t.c.actor == actor)
    if action:
        q = q.where(t.c.action == action)
    elif not include_tokens:
        q = q.where(t.c.action != "token_used")
    if entity:
        q = q.where(t.c.entity == entity)
    if entity_id is not None:
        q = q.where(t.c.entity_id == str(entity_id))
    if since is not None:
        q = q.where(t.c.at >= as_utc(since))
    if until is not None:
        q = q.where(t.c.at < as_utc(until))
    q = q.order_by(t.c.at.desc(), t.c.id.desc()).limit(max(1, min(int(limit), 100_000)))
    out = []
    for r in conn.execute(q).mappings():
        at = as_utc(r["at"])
        assert at is not None
        out.append(
            AuditEntry(
                id=int(r["id"]),
                at=at,
                actor=r["actor"],
                action=r["action"],
                entity=r["entity"],
                entity_id=r["entity_id"],
                count=int(r["count"]),
                details=dict(r["details"] or {}),
            )
        )
    return out


__all__ = ["AuditEntry", "query", "write"]
