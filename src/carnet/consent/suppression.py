"""The suppression list: keyed hashes of emails and phones that must not be marketed to.

Opt-outs from every purpose of a channel, erasures, hard bounces, complaints and
retention deletions add the HMAC-SHA256 of the normalised value, keyed with the
workspace secret (``CARNET_SECRET_KEY``). The list keeps no address in clear, so
it survives the erasure of the person; the import checks it before re-enabling
marketing, and :func:`carnet.consent.rules.decide` refuses any contact holding a
suppressed value.

Two rules feed it whoever records the fact (an operator, an unsubscribe link, the
preference centre, an import): :func:`suppress_closed_channels`, what a withdrawal
does once no purpose is left allowed on a channel, and :func:`record_bounces`, what
a hard bounce or a complaint does. An entry is dated by when it took effect (the
withdrawal's or the bounce's date), never later than now.

Reasons: ``unsubscribed``, ``erased``, ``hard_bounce``, ``complaint``,
``expired`` (retention), ``manual``.

>>> key_hash("email", "jean.dupont@gmail.com", "s3cret")[:16]
'1c44bae941607d08'
"""

from __future__ import annotations

import hmac
from collections.abc import Collection, Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime
from hashlib import sha256
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from carnet.consent import ledger
from carnet.consent._util import as_utc, chunks, utcnow
from carnet.consent.purposes import ALLOWING
from carnet.errors import ConfigError, InvalidValueError
from carnet.store import schema as s
from carnet.store.lookups import one_of

KINDS: tuple[str, ...] = ("email", "phone")
REASONS: tuple[str, ...] = (
    "unsubscribed", "erased", "hard_bounce", "complaint", "expired", "manual",
)
#: Reasons that block every channel, not only the suppressed value's own.
PERSON_WIDE: frozenset[str] = frozenset({"erased", "complaint", "manual", "expired"})
#: Reasons a confirmed double opt-in by the address's owner lifts.
LIFTED_BY_REOPTIN: frozenset[str] = frozenset({"unsubscribed", "erased", "expired"})
#: The kind of value each channel reaches a person by (post has none to suppress).
KIND_OF_CHANNEL: dict[str, str] = {"email": "email", "sms": "phone", "phone": "phone"}
#: The channels one entry of a kind blocks (a suppressed phone blocks SMS and calls).
CHANNELS_OF_KIND: dict[str, tuple[str, ...]] = {"email": ("email",), "phone": ("sms", "phone")}


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
    *,
    since: datetime | None = None,
) -> int:
    """Add many values at once, dated ``since`` (default now); returns how many were new."""
    return len(suppress_dated(conn, kind, dict.fromkeys(normalised_values, since), reason,
                              secret, source))


def suppress_dated(
    conn: Connection,
    kind: str,
    dated_values: Mapping[str, datetime | None],
    reason: str,
    secret: str,
    source: str | None = None,
) -> set[str]:
    """Add values, each dated by when its suppression took effect.

    A date in the future (a typo in a file) is brought back to now: an entry that
    only begins later would not block until then. An entry already there keeps its
    first reason and date.

    Args:
        dated_values: normalised value → when it was withdrawn, bounced ... (None: now).

    Returns:
        The values (as given) that were not on the list yet.

    Raises:
        InvalidValueError: on an unknown kind or reason, or an empty value.
        ConfigError: when no secret is configured.
    """
    if reason not in REASONS:
        raise InvalidValueError(
            f"Suppression reason '{reason}' is not one of {', '.join(REASONS)}."
        )
    now = utcnow()
    hash_of: dict[str, str] = {}
    since: dict[str, datetime] = {}
    for value, when in dated_values.items():
        canon = _canon(kind, value)
        if not canon:
            raise InvalidValueError("Cannot suppress an empty value.")
        h = hash_of[value] = key_hash(kind, canon, secret)
        moment = min(as_utc(when) or now, now)
        # the same address written twice: its earliest date
        since[h] = min(since.get(h, moment), moment)
    new: set[str] = set()
    for batch in chunks(sorted(since)):
        present = set(
            conn.execute(
                sa.select(s.suppressions.c.key_hash).where(
                    s.suppressions.c.kind == kind, s.suppressions.c.key_hash.in_(batch)
                )
            ).scalars()
        )
        missing = [h for h in batch if h not in present]
        if missing:
            conn.execute(
                _insert_ignore(conn),
                [{"kind": kind, "key_hash": h, "reason": reason,
                  "source": (source or "")[:200] or None, "created_at": since[h]}
                 for h in missing],
            )
        new.update(missing)
    return {value for value, h in hash_of.items() if h in new}


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


# -- what puts a value on the list ---------------------------------------------------------


def suppress_closed_channels(
    conn: Connection,
    closed: Mapping[int, datetime | None],
    channel: str,
    secret: str | None,
    source: str | None = None,
    purposes: Collection[str] | None = None,
) -> set[int]:
    """Suppress, as ``unsubscribed``, the values of contacts a withdrawal left with no
    purpose allowed on a channel.

    The rule of every withdrawal, whoever records it (an operator, an unsubscribe
    link, the preference centre, an import): when the contact has no purpose left
    allowed on the channel, its emails (for ``email``) or its phones (for ``sms`` and
    ``phone``: one entry blocks both, so both must be closed) go on the list. Post
    has no value to suppress.

    The ledger's state decides, in the order events happened: had the withdrawal been
    recorded on its day, its entry would have been made then, and only the person's
    confirmed double opt-in would have lifted it since. So a purpose the withdrawal
    covered counts as allowed again only if its latest event, dated after the
    withdrawal, is a ``confirmed`` one; a plain grant after it (an undated "oui" an
    import recorded on its own day) does not reopen the channel. A purpose the
    withdrawal did not cover counts as it stands.

    Args:
        conn: connection (inside the caller's transaction), the withdrawals appended.
        closed: contact id → when the withdrawal happened, which dates the entries
            (None: now).
        channel: the channel withdrawn.
        secret: the workspace secret (needed only when there is a value to suppress).
        source: where the withdrawal comes from ("unsubscribe link, campaign 12").
        purposes: the purposes withdrawn (None: every purpose of the channel).

    Returns:
        The contacts whose values are on the list now (new entries or already there).

    Raises:
        ConfigError: when a value must be suppressed and no secret is configured.
    """
    kind = KIND_OF_CHANNEL.get(channel)
    if kind is None or not closed:
        return set()
    channels = CHANNELS_OF_KIND[kind]
    now = utcnow()
    since = {contact_id: min(as_utc(when) or now, now) for contact_id, when in closed.items()}

    def still_allowed(row: ledger.StateRow) -> bool:
        if row.channel not in channels or row.status not in ALLOWING:
            return False
        covered = row.channel == channel and (purposes is None or row.purpose in purposes)
        return not covered or row.since <= since[row.contact_id] or row.status == "confirmed"

    still_open = {
        row.contact_id for row in ledger.read_state(conn, closed).values() if still_allowed(row)
    }
    dated: dict[str, datetime] = {}
    holders: set[int] = set()
    cp = s.contact_points
    for batch in chunks(sorted(set(closed) - still_open)):
        # (no "normalised IS NOT NULL" in SQL: SQLite, without statistics, would read it
        # as a range on the look-up index and scan every point of the kind)
        for contact_id, value in conn.execute(
            sa.select(cp.c.contact_id, cp.c.normalised).where(
                one_of(conn, cp.c.contact_id, batch), cp.c.kind == kind
            )
        ):
            if value is None:
                continue
            holders.add(int(contact_id))
            when = since[int(contact_id)]
            # a value two closed contacts share: suppressed since the first closed
            dated[value] = min(dated.get(value, when), when)
    if dated:
        suppress_dated(conn, kind, dict(dated), "unsubscribed", require_secret(secret), source)
    return holders


def mark_bounced(conn: Connection, kind: str, values: Iterable[str]) -> None:
    """Mark every contact point holding one of these normalised values ``bounced``."""
    cp = s.contact_points
    for batch in chunks(sorted(values)):
        conn.execute(
            cp.update()
            .where(cp.c.kind == kind, cp.c.normalised.in_(batch))
            .values(verdict="bounced")
        )


def record_bounces(
    conn: Connection,
    kind: str,
    dated_values: Mapping[str, datetime | None],
    secret: str | None,
    source: str | None = None,
    *,
    complaint: bool = False,
) -> set[str]:
    """Record hard bounces, or complaints, of normalised values.

    Both put the values on the list (``hard_bounce`` or ``complaint``). A hard bounce
    also marks every contact point holding the value ``bounced``; a complaint does
    not: the message was delivered, the address works.

    Args:
        dated_values: normalised value → when it bounced or was reported (None: now).

    Returns:
        The values that were not on the list yet.
    """
    if not complaint:
        mark_bounced(conn, kind, dated_values)
    reason = "complaint" if complaint else "hard_bounce"
    return suppress_dated(conn, kind, dated_values, reason, require_secret(secret), source)


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
    "CHANNELS_OF_KIND",
    "KINDS",
    "KIND_OF_CHANNEL",
    "LIFTED_BY_REOPTIN",
    "PERSON_WIDE",
    "REASONS",
    "Suppression",
    "counts",
    "key_hash",
    "lift",
    "normalise",
    "record_bounces",
    "require_secret",
    "suppress",
    "suppress_closed_channels",
    "suppress_dated",
    "suppress_many",
    "suppressed_values",
    "suppression_records",
]
