"""Small helpers shared by the consent and privacy packages (time, JSON, locks, batches).

Kept here rather than imported from the workspace so that the workspace can inherit
the consent and privacy mixins without an import cycle.
"""

from __future__ import annotations

import json
import zlib
from collections.abc import Iterable, Iterator, Sequence
from datetime import date, datetime
from decimal import Decimal
from functools import lru_cache
from typing import Any, TypeVar

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from carnet.clock import as_utc as as_utc  # re-exported for the consent and privacy modules
from carnet.clock import utcnow as utcnow

T = TypeVar("T")

#: How many values go into one ``IN (...)`` list.
CHUNK = 500






@lru_cache(maxsize=4096)
def stamp(value: datetime) -> str:
    """A timestamp in the one text form the hash chain uses (UTC, microseconds).

    Remembered: an import's events share a few instants (its own time, the file's
    dates), and equal instants stamp alike whatever their offset.

    >>> stamp(datetime(2025, 3, 2, 10, 0, tzinfo=UTC))
    '2025-03-02T10:00:00.000000Z'
    """
    aware = as_utc(value)
    assert aware is not None
    return aware.strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def _json_default(value: Any) -> Any:
    if isinstance(value, datetime):
        return stamp(value)
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, set | frozenset | tuple):
        return sorted(value, key=str) if isinstance(value, set | frozenset) else list(value)
    return str(value)


def canonical_json(value: Any) -> str:
    """JSON with sorted keys and no spaces: the same bytes for the same data.

    >>> canonical_json({"b": 1, "a": [1, 2]})
    '{"a":[1,2],"b":1}'
    """
    return json.dumps(
        value, sort_keys=True, separators=(",", ":"), ensure_ascii=False, default=_json_default
    )


def plain_json(value: Any) -> Any:
    """``value`` as it will come back from a JSON column (tuples as lists, dates as text)."""
    return json.loads(canonical_json(value))


def chunks(items: Sequence[T] | Iterable[T], size: int = CHUNK) -> Iterator[list[T]]:
    """Split ``items`` into lists of at most ``size``."""
    batch: list[T] = []
    for item in items:
        batch.append(item)
        if len(batch) >= size:
            yield batch
            batch = []
    if batch:
        yield batch


def write_lock(conn: Connection, name: str) -> None:
    """Serialise writers on ``name`` until the end of the current transaction.

    PostgreSQL takes a transaction-scoped advisory lock; SQLite takes the database
    write lock at once (a no-op UPDATE), so that what is read next cannot change
    before this transaction commits.
    """
    if conn.dialect.name == "postgresql":
        key = zlib.crc32(name.encode("utf-8"))
        conn.execute(sa.text("SELECT pg_advisory_xact_lock(:k)"), {"k": key})
    else:
        conn.execute(sa.text("UPDATE settings SET value = value WHERE 1 = 0"))


def like_escape(text: str) -> str:
    """Escape LIKE wildcards (``\\`` is the escape character)."""
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
