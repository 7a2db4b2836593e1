"""The suppression list: keyed hashes of emails and phones that must not be marketed to.

Opt-outs from every purpose of a channel, erasures, hard bounces, complaints and
retention deletions add the HMAC-SHA256 of the normalised value, keyed with the
workspace secret (``CARNET_SECRET_KEY``). The list keeps no address in clear, so
it survives the erasure of the person; the import checks it before re-enabling
marketing, and :func:`carnet.consent.rules.decide` refuses any contact holding a
suppressed value.

Reasons: ``unsubscribed``, ``erased``, ``hard_bounce``, ``complaint``,
``expired`` (retention), ``manual``.

>>> key_hash("email", "jean.dupont@gmail.com", "s3cret")[:16]
'1c44bae941607d08'
"""

from __future__ import annotations

import hmac
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime
from hashlib import sha256
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from carnet.consent._util import as_utc, chunks, utcnow
from carnet.errors import ConfigError, InvalidValueError
from carnet.store import schema as s

KINDS: tuple[str, ...] = ("email", "phone")
REASONS: tuple[str, ...] = (
    "unsubscribed", "erased", "hard_bounce", "complaint", "expired", "manual",
)
#: Reasons that block every channel, not only the suppressed value's own.
PERSON_WIDE: frozenset[str] = frozenset({"erased", "complaint", "manual", "expired"})
#: Reasons a confirmed double opt-in by the address's owner lifts.
LIFTED_BY_REOPTIN: frozenset[str] = frozenset({"unsubscribed", "erased", "expired"})


@dataclass(frozen=True)
class Suppression:
    """One suppression entry (no value in clear)."""

    kind: str
    reason: str
    source: str | None
    created_at: datetime


def require_secret(secret: str | None) -> str:
    """The workspace secret, or a ConfigError saying how to set it."""
    if not secret:
        raise ConfigError(
            "The suppression list and signed links need a secret; set CARNET_SECRET_KEY "
            "(a long random string, kept stable)."
        )
    return secret


def _canon(kind: str, value: str) -> str:
    if kind not in KINDS:
        raise InvalidValueError(f"Suppression kind '{kind}' is not email or phone.")
    text = value.strip()
    return text.lower() if kind == "email" else text


def key_hash(kind: str, normalised_value: str, secret: str) -> str:
    """HMAC-SHA256 (hex) of ``kind:value`` keyed with the workspace secret."""
    message = f"{kind}:{_canon(kind, normalised_value)}".encode()
    return hmac.new(require_secret(secret).encode("utf-8"), message, sha256).hexdigest()


def normalise(kind: str, raw: str, *, region: str = "FR") -> str | None:
    """Normalise a raw email or phone with the field checkers (None when unusable).

    >>> normalise("email", " JP.Dupont@Gmail.com ")
    'jp.dupont@gmail.com'
    """
    if kind == "email":
        from carnet.fields import email

        return email.check(raw).normalised
    if kind == "phone":
        from carnet.fields import phone

        return phone.check(raw, region=region).normalised
    raise InvalidValueError(f"Suppression kind '{kind}' is not email or phone.")


def _insert_ignore(conn: Connection) -> Any:
    t = s.suppressions
    if conn.dialect.name == "postgresql":
        from sqlalchemy.dialects.postgresql import insert as pg_insert

        return pg_insert(t).on_conflict_do_nothing(index_elements=["kind", "key_hash"])
    from sqlalchemy.dialects.sqlite import insert as sqlite_insert

    return sqlite_insert(t).on_conflict_do_nothing(index_elements=["kind", "key_hash"])


def suppress(
    conn: Connection,
    kind: str,
    normalised_value: str,
    reason: str,
    secret: str,
    source: str | None = None,
) -> bool:
    """Add a normalised email or phone to the suppression list.

    An entry already there keeps its first reason and date.

    Args:
        conn: connection (inside the caller's transaction).
        kind: ``email`` or ``phone``.
        normalised_value: the value as the field checker normalised it.
        reason: one of :data:`REASONS`.
        secret: the workspace secret.
        source: where it comes from ("unsubscribe link, campaign 12").

    Returns:
        True when the entry is new.

    Raises:
        InvalidValueError: on an unknown kind or reason, or an empty value.
        ConfigError: when no secret is configured.
    """
    return suppress_many(conn, kind, [normalised_value], reason, secret, source) > 0


def suppress_many(
    conn: Connection,
    kind: str,
    normalised_values: Iterable[str],
    reason: str,
    secret: str,
    source: str | None = None,
) -> int:
    """Add many values at once; returns how many were new."""
    if reason not in REASONS:
        raise InvalidValueError(
            f"Suppression reason '{reason}' is not one of {', '.join(REASONS)}."
        )
    values = {_canon(kind, v) for v in normalised_values}
    if "" in values:
        raise InvalidValueError("Cannot suppress an empty value.")
    now = utcnow()
    added = 0
    for batch in chunks(sorted(values)):
        hashes = {key_hash(kind, v, secret) for v in batch}
        present = set(
            conn.execute(
                sa.select(s.suppressions.c.key_hash).where(
                    s.suppressions.c.kind == kind, s.suppressions.c.key_hash.in_(hashes)
                )
            ).scalars()
        )
        rows = [
            {"kind": kind, "key_hash": h, "reason": reason,
             "source": (source or "")[:200] or None, "created_at": now}
            for h in sorted(hashes - present)
        ]
        if rows:
            conn.execute(_insert_ignore(conn), rows)
        added += len(rows)
    return added


def suppression_records(
    conn: Connection, kind: str, normalised_values: Iterable[str], secret: str
) -> dict[str, Suppression]:
    """The suppression entries of these values, keyed by value (batched lookups)."""
    by_hash: dict[str, str] = {}
    for v in normalised_values:
        if v and v.strip():
            by_hash[key_hash(kind, v, secret)] = v
    out: dict[str, Suppression] = {}
    t = s.suppressions
    for batch in chunks(list(by_hash)):
        for r in conn.execute(
            sa.select(t.c.key_hash, t.c.reason, t.c.source, t.c.created_at).where(
                t.c.kind == kind, t.c.key_hash.in_(batch)
            )
        ):
            created = as_utc(r.created_at)
            assert created is not None
            out[by_hash[r.key_hash]] = Suppression(kind, r.reason, r.source, created)
    return out


def suppressed_values(
    conn: Connection, kind: str, normalised_values: Iterable[str], secret: str
) -> set[str]:
    """Which of these normalised emails or phones are suppressed.

    Example:
        >>> suppressed_values(conn, "email", ["a@x.fr", "b@x.fr"], secret)  # doctest: +SKIP
        {'b@x.fr'}
    """
    return set(suppression_records(conn, kind, normalised_values, secret))


def lift(
    conn: Connection,
    kind: str,
    normalised_value: str,
    secret: str,
    reasons: Iterable[str] = LIFTED_BY_REOPTIN,
) -> Suppression | None:
    """Remove a suppression whose reason is in ``reasons`` (a new confirmed opt-in).

    Returns:
        The entry removed, or None.
    """
    h = key_hash(kind, normalised_value, secret)
    t = s.suppressions
    row = conn.execute(
        sa.select(t.c.reason, t.c.source, t.c.created_at).where(
            t.c.kind == kind, t.c.key_hash == h
        )
    ).first()
    if row is None or row.reason not in set(reasons):
        return None
    conn.execute(t.delete().where(t.c.kind == kind, t.c.key_hash == h))
    created = as_utc(row.created_at)
    assert created is not None
    return Suppression(kind, row.reason, row.source, created)


def counts(conn: Connection) -> Mapping[str, int]:
    """How many entries per reason."""
    t = s.suppressions
    return {
        str(reason): int(n)
        for reason, n in conn.execute(
            sa.select(t.c.reason, sa.func.count()).group_by(t.c.reason)
        ).all()
    }


__all__ = [
    "KINDS",
    "LIFTED_BY_REOPTIN",
    "PERSON_WIDE",
    "REASONS",
    "Suppression",
    "counts",
    "key_hash",
    "lift",
    "normalise",
    "require_secret",
    "suppress",
    "suppress_many",
    "suppressed_values",
    "suppression_records",
]
