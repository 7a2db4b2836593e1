"""The consent ledger: append-only events chained by hashes, and the current state.

Every consent event says who (contact), what for (purpose), how (channel), what
happened (requested, granted, confirmed, withdrawn, expired), on which legal
basis, when, with which proof (form and wording, or file and row, IP, user
agent, operator). Events are only ever appended.

**The hash chain.** Each event's ``hash`` is SHA-256 over, in canonical JSON: the
previous event's hash, purpose, channel, action, legal basis, occurrence and
recording times, wording hash, and a *subject digest*. The subject digest is
SHA-256 over the proof, which carries the contact id (``_contact``) and a random
salt (``_nonce``). Changing, inserting or deleting an event breaks the chain;
:func:`verify_chain` finds where.

**Erasure without breaking the chain.** Erasing a person must remove the personal
parts of their proofs (IP, user agent, email). :func:`redact_proofs` replaces the
proof by its non-personal keys plus ``_subject_sha256``, the digest computed when
the event was written; the chain still verifies, and because the digest was
salted, the erased values cannot be guessed back from it.

**Current state.** ``consent_state`` holds, per contact × purpose × channel, the
latest event by occurrence time (ties: the later event). It is maintained by
:func:`append_events` and can be recomputed from the ledger with
:func:`compute_state` / :func:`rebuild_state`.
"""

from __future__ import annotations

import hashlib
import secrets
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from itertools import pairwise
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from carnet.consent._util import as_utc, canonical_json, chunks, plain_json, stamp, utcnow
from carnet.consent._util import write_lock as _write_lock
from carnet.consent.purposes import ACTIONS, CHANNELS, LEGAL_BASES
from carnet.errors import InvalidValueError, NotFoundError
from carnet.store import schema as s
from carnet.store.bulk import bulk_insert, execute_many, insert_returning_ids
from carnet.store.lookups import one_of

HASH_VERSION = "carnet-consent-v1"
#: Proof keys kept when a proof is redacted: they describe the collection, not the person.
PUBLIC_PROOF_KEYS = frozenset(
    {
        "via", "form", "campaign_id", "import_id", "source_file", "row", "operator",
        "wording_version", "request_event_id", "policy", "lang", "source", "one_click",
    }
)
_RESERVED = ("_contact", "_nonce", "_subject_sha256", "_redacted")
_LOCK = "carnet.consent.ledger"


@dataclass(frozen=True)
class ConsentEventIn:
    """A consent event to append.

    Attributes:
        contact_id: the person, or None when the row matched nobody (kept as proof).
        purpose: configured purpose name (``newsletter``).
        channel: ``email``, ``sms``, ``phone`` or ``post``.
        action: ``requested``, ``granted``, ``confirmed``, ``withdrawn`` or ``expired``.
        legal_basis: ``consent``, ``contract`` or ``legitimate_interest``.
        occurred_at: when it happened (the opt-in date of the file, the click ...).
        proof: how we know: ``via`` (human text: "sign-up form", "import"), ``form``,
            ``source_file`` and ``row``, ``campaign_id``, ``ip``, ``user_agent``,
            ``operator`` ... Keys starting with ``_`` are reserved.
        wording_hash: hash of the text agreed to (see :func:`register_wording`).
    """

    contact_id: int | None
    purpose: str
    channel: str
    action: str
    legal_basis: str
    occurred_at: datetime
    proof: Mapping[str, Any]
    wording_hash: str | None = None


@dataclass(frozen=True)
class ChainReport:
    """What :func:`verify_chain` found.

    Attributes:
        ok: True when every event verifies.
        events: how many events were checked.
        redacted: events whose proof was redacted by an erasure (still verified).
        orphaned: events whose contact was deleted outside an erasure (proof intact).
        problems: the first problems found, one sentence each.
        first_bad_id: id of the first event that does not verify.
        head: hash of the last event (publish it to anchor the chain).
    """

    ok: bool
    events: int
    redacted: int = 0
    orphaned: int = 0
    problems: tuple[str, ...] = ()
    first_bad_id: int | None = None
    head: str | None = None


@dataclass(frozen=True)
class StateRow:
    """The current consent of one contact for one purpose on one channel."""

    contact_id: int
    purpose: str
    channel: str
    status: str
    since: datetime
    event_id: int


@dataclass(frozen=True)
class RebuildReport:
    """What :func:`rebuild_state` changed: rows added, changed and removed."""

    rows: int
    added: int = 0
    changed: int = 0
    removed: int = 0
    differences: tuple[str, ...] = field(default_factory=tuple)

    @property
    def consistent(self) -> bool:
        """True when the materialised state already matched the ledger."""
        return not (self.added or self.changed or self.removed)


# -- hashing ------------------------------------------------------------------------------


def _digest(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def subject_digest(proof: Mapping[str, Any]) -> str:
    """The salted digest of a stored proof (which holds ``_contact`` and ``_nonce``)."""
    if "_subject_sha256" in proof:
        return str(proof["_subject_sha256"])
    return _digest(canonical_json(dict(proof)))


def event_hash(
    *,
    prev_hash: str | None,
    purpose: str,
    channel: str,
    action: str,
    legal_basis: str,
    occurred_at: datetime,
    recorded_at: datetime,
    wording_hash: str | None,
    subject: str,
) -> str:
    """The hash of one event in the chain."""
    return _digest(
        canonical_json(
            [
                HASH_VERSION,
                prev_hash or "",
                purpose,
                channel,
                action,
                legal_basis,
                stamp(occurred_at),
                stamp(recorded_at),
                wording_hash or "",
                subject,
            ]
        )
    )


def _check(event: ConsentEventIn, index: int) -> None:
    where = f"consent event #{index + 1}"
    if event.channel not in CHANNELS:
        raise InvalidValueError(
            f"{where}: channel '{event.channel}' is not one of {', '.join(CHANNELS)}."
        )
    if event.action not in ACTIONS:
        raise InvalidValueError(
            f"{where}: action '{event.action}' is not one of {', '.join(ACTIONS)}."
        )
    if event.legal_basis not in LEGAL_BASES:
        raise InvalidValueError(
            f"{where}: legal basis '{event.legal_basis}' is not one of {', '.join(LEGAL_BASES)}."
        )
    if not event.purpose or len(event.purpose) > 50:
        raise InvalidValueError(f"{where}: purpose must be a name of 1 to 50 characters.")
    if not isinstance(event.occurred_at, datetime):
        raise InvalidValueError(f"{where}: occurred_at must be a datetime.")
    bad = [k for k in event.proof if str(k).startswith("_")]
    if bad:
        raise InvalidValueError(f"{where}: proof keys starting with '_' are reserved ({bad[0]}).")


# -- appending ----------------------------------------------------------------------------


def append_events(
    conn: Connection,
    events: Sequence[ConsentEventIn],
    *,
    recorded_at: datetime | None = None,
) -> list[int]:
    """Append consent events in order, chaining their hashes, and update the state.

    Runs in the caller's transaction. Concurrent appenders are serialised (an
    advisory lock on PostgreSQL, the write lock on SQLite) so the chain stays
    linear. Hashes are computed in Python and rows inserted in batches, so 100,000
    events take seconds.

    Args:
        conn: a connection inside a transaction (``engine.begin()``).
        events: the events, oldest intent first (order is the chain order).
        recorded_at: when they are recorded (default now).

    Returns:
        The new event ids, in the order of ``events``.

    Raises:
        InvalidValueError: on an unknown channel, action or legal basis.
        NotFoundError: when a contact id does not exist.

    Example:
        >>> append_events(conn, [ConsentEventIn(12, "newsletter", "email", "granted",
        ...     "consent", when, {"via": "import", "source_file": "shop.csv", "row": 4})])
        ... # doctest: +SKIP
        [1]
    """
    if not events:
        return []
    for i, event in enumerate(events):
        _check(event, i)
    recorded = as_utc(recorded_at) or utcnow()
    _require_contacts(conn, {e.contact_id for e in events if e.contact_id is not None})
    _write_lock(conn, _LOCK)
    t = s.consent_events
    prev = conn.execute(sa.select(t.c.hash).order_by(t.c.id.desc()).limit(1)).scalar()
    rows: list[dict[str, Any]] = []
    # One read of the system's randomness for the whole batch's nonces, not one each.
    nonces = secrets.token_bytes(12 * len(events)).hex()
    for i, e in enumerate(events):
        occurred = as_utc(e.occurred_at)
        assert occurred is not None
        nonce = nonces[24 * i : 24 * i + 24]
        proof, subject = _stored_proof({**e.proof, "_contact": e.contact_id, "_nonce": nonce})
        h = event_hash(
            prev_hash=prev,
            purpose=e.purpose,
            channel=e.channel,
            action=e.action,
            legal_basis=e.legal_basis,
            occurred_at=occurred,
            recorded_at=recorded,
            wording_hash=e.wording_hash,
            subject=subject,
        )
        rows.append(
            {
                "contact_id": e.contact_id,
                "purpose": e.purpose,
                "channel": e.channel,
                "action": e.action,
                "legal_basis": e.legal_basis,
                "occurred_at": occurred,
                "recorded_at": recorded,
                "wording_hash": e.wording_hash,
                "proof": proof,
                "prev_hash": prev,
                "hash": h,
            }
        )
        prev = h
    ids: list[int] = []
    for batch in chunks(rows, 5000):
        ids.extend(insert_returning_ids(conn, t, batch))
    if any(b <= a for a, b in pairwise(ids)):  # pragma: no cover
        raise RuntimeError("consent event ids are not increasing; the chain would fork")
    _update_state(conn, rows, ids)
    return ids


#: Types a JSON value of which reads back as itself.
_PLAIN = frozenset({str, int, bool, type(None)})


def _stored_proof(proof: dict[str, Any]) -> tuple[dict[str, Any], str]:
    """The proof as stored (``plain_json``: keys sorted) and its :func:`subject_digest`.

    A flat proof of text, whole numbers and booleans (an import's) is plain JSON as it
    is: its canonical text is written once, for the digest, instead of three times.
    """
    if (
        all(type(key) is str for key in proof)
        and _PLAIN.issuperset(map(type, proof.values()))
        and "_subject_sha256" not in proof
    ):
        return dict(sorted(proof.items())), _digest(canonical_json(proof))
    stored = plain_json(proof)
    return stored, subject_digest(stored)


def _require_contacts(conn: Connection, ids: set[int]) -> None:
    found: set[int] = set()
    for batch in chunks(sorted(ids)):
        found.update(
            int(i)
            for i in conn.execute(
                sa.select(s.contacts.c.id).where(one_of(conn, s.contacts.c.id, batch))
            ).scalars()
        )
    missing = sorted(ids - found)
    if missing:
        raise NotFoundError(
            f"Contact {missing[0]} does not exist; consent needs an existing contact "
            "(or None to keep the proof of an unmatched row).",
            contact_id=missing[0],
        )


def _update_state(conn: Connection, rows: Sequence[Mapping[str, Any]], ids: Sequence[int]) -> None:
    latest: dict[tuple[int, str, str], tuple[datetime, int, str]] = {}
    for row, event_id in zip(rows, ids, strict=True):
        if row["contact_id"] is None:
            continue
        key = (int(row["contact_id"]), row["purpose"], row["channel"])
        candidate = (row["occurred_at"], event_id, row["action"])
        current = latest.get(key)
        if current is None or candidate[:2] > current[:2]:
            latest[key] = candidate
    if not latest:
        return
    st = s.consent_state
    existing: dict[tuple[int, str, str], tuple[datetime, int]] = {}
    contact_ids = sorted({k[0] for k in latest})
    for batch in chunks(contact_ids):
        for r in conn.execute(
            sa.select(st.c.contact_id, st.c.purpose, st.c.channel, st.c.since, st.c.event_id)
            .where(one_of(conn, st.c.contact_id, batch))
        ):
            since = as_utc(r.since)
            assert since is not None
            existing[(int(r.contact_id), r.purpose, r.channel)] = (since, int(r.event_id))
    inserts: list[dict[str, Any]] = []
    updates: list[dict[str, Any]] = []
    for key, (since, event_id, action) in latest.items():
        row = {"contact_id": key[0], "purpose": key[1], "channel": key[2], "status": action,
               "since": since, "event_id": event_id}
        old = existing.get(key)
        if old is None:
            inserts.append(row)
        elif (since, event_id) > old:
            updates.append({f"b_{k}": v for k, v in row.items()})
    if inserts:
        for rows_in in chunks(inserts, 5000):
            bulk_insert(conn, st, rows_in)
    if updates:
        statement = (
            st.update()
            .where(
                st.c.contact_id == sa.bindparam("b_contact_id"),
                st.c.purpose == sa.bindparam("b_purpose"),
                st.c.channel == sa.bindparam("b_channel"),
            )
            .values(
                status=sa.bindparam("b_status"),
                since=sa.bindparam("b_since"),
                event_id=sa.bindparam("b_event_id"),
            )
        )
        for rows_up in chunks(updates, 5000):
            execute_many(conn, statement, rows_up)


# -- wordings -----------------------------------------------------------------------------


def wording_hash(purpose: str, language: str, text: str) -> str:
    """The hash a wording is stored under: SHA-256 of purpose, language and exact text.

    >>> wording_hash("newsletter", "fr", "J'accepte.")[:12]
    '17753ee6cfcd'
    """
    return _digest(f"{purpose}\n{language}\n{text}")


def register_wording(
    conn: Connection, purpose: str, language: str, version: str, text: str
) -> str:
    """Store the text people agree to (once) and return its hash.

    Registering the same purpose, language and text again returns the same hash.
    """
    if not text.strip():
        raise InvalidValueError("A consent wording cannot be empty.")
    h = wording_hash(purpose, language, text)
    t = s.consent_wordings
    found = conn.execute(sa.select(t.c.hash).where(t.c.hash == h)).scalar()
    if found is None:
        stmt: Any
        if conn.dialect.name == "postgresql":
            from sqlalchemy.dialects.postgresql import insert as pg_insert

            stmt = pg_insert(t).on_conflict_do_nothing()
        else:
            from sqlalchemy.dialects.sqlite import insert as sqlite_insert

            stmt = sqlite_insert(t).on_conflict_do_nothing()
        conn.execute(
            stmt,
            {"hash": h, "purpose": purpose, "language": language, "version": version,
             "text": text, "created_at": utcnow()},
        )
    return h


def get_wording(conn: Connection, hash: str) -> dict[str, Any] | None:
    """The stored wording with this hash (purpose, language, version, text), or None."""
    row = conn.execute(
        sa.select(s.consent_wordings).where(s.consent_wordings.c.hash == hash)
    ).mappings().first()
    return dict(row) if row else None


# -- verification -------------------------------------------------------------------------


def verify_chain(conn: Connection, *, max_problems: int = 20) -> ChainReport:
    """Recompute every event's hash and check the links between them.

    Finds changed fields, changed proofs, events moved to another contact,
    inserted or deleted events (deleting the newest events is only visible
    against a published head; see :attr:`ChainReport.head`).
    """
    t = s.consent_events
    problems: list[str] = []
    first_bad: int | None = None
    prev: str | None = None
    count = redacted = orphaned = 0
    seen: set[str] = set()
    result = conn.execute(
        sa.select(t).order_by(t.c.id).execution_options(yield_per=5000)
    ).mappings()
    for row in result:
        count += 1
        proof = row["proof"] or {}
        bad: list[str] = []
        if row["prev_hash"] != prev:
            bad.append("does not follow the previous event (an event was removed or inserted)")
        if "_subject_sha256" in proof:
            redacted += 1
        if "_contact" not in proof and "_subject_sha256" not in proof:
            bad.append("has no subject in its proof")
        owner = proof.get("_contact")
        if row["contact_id"] is not None and owner != row["contact_id"]:
            bad.append(f"was moved from contact {owner} to contact {row['contact_id']}")
        elif row["contact_id"] is None and owner is not None and "_subject_sha256" not in proof:
            orphaned += 1
        occurred = as_utc(row["occurred_at"])
        recorded = as_utc(row["recorded_at"])
        assert occurred is not None and recorded is not None
        expected = event_hash(
            prev_hash=row["prev_hash"],
            purpose=row["purpose"],
            channel=row["channel"],
            action=row["action"],
            legal_basis=row["legal_basis"],
            occurred_at=occurred,
            recorded_at=recorded,
            wording_hash=row["wording_hash"],
            subject=subject_digest(proof),
        )
        if expected != row["hash"]:
            bad.append("does not match its hash (its content was changed)")
        if row["hash"] in seen:
            bad.append("repeats an earlier hash")
        seen.add(row["hash"])
        if bad:
            first_bad = first_bad if first_bad is not None else int(row["id"])
            if len(problems) < max_problems:
                problems.append(f"Event {row['id']} " + "; ".join(bad) + ".")
        prev = row["hash"]
    return ChainReport(
        ok=not problems,
        events=count,
        redacted=redacted,
        orphaned=orphaned,
        problems=tuple(problems),
        first_bad_id=first_bad,
        head=prev,
    )


# -- state --------------------------------------------------------------------------------


def undone_merge_copies(conn: Connection) -> set[int]:
    """Consent events a merge copied onto its survivor, for merges since undone.

    The ledger is append-only, so an undone merge cannot take its copies back;
    they stay as proof of what happened and no longer count in the state.
    """
    m = s.merges
    out: set[int] = set()
    for (snapshot,) in conn.execute(sa.select(m.c.snapshot).where(m.c.undone_at.is_not(None))):
        out.update(int(i) for i in (snapshot or {}).get("consent_event_ids", []))
    return out


def compute_state(
    conn: Connection, contact_ids: Iterable[int] | None = None
) -> dict[tuple[int, str, str], StateRow]:
    """The current state recomputed from the ledger alone (for checks and rebuilds)."""
    ignored = undone_merge_copies(conn)
    t = s.consent_events
    query = sa.select(
        t.c.id, t.c.contact_id, t.c.purpose, t.c.channel, t.c.action, t.c.occurred_at
    ).where(t.c.contact_id.is_not(None))
    out: dict[tuple[int, str, str], StateRow] = {}
    batches: Iterable[list[int] | None] = (
        [None] if contact_ids is None else chunks(sorted(set(contact_ids)))
    )
    for batch in batches:
        q = query if batch is None else query.where(t.c.contact_id.in_(batch))
        for r in conn.execute(q.order_by(t.c.id).execution_options(yield_per=5000)):
            if r.id in ignored:
                continue
            occurred = as_utc(r.occurred_at)
            assert occurred is not None
            key = (int(r.contact_id), r.purpose, r.channel)
            current = out.get(key)
            if current is None or (occurred, int(r.id)) > (current.since, current.event_id):
                out[key] = StateRow(key[0], key[1], key[2], r.action, occurred, int(r.id))
    return out


def read_state(
    conn: Connection, contact_ids: Iterable[int] | None = None
) -> dict[tuple[int, str, str], StateRow]:
    """The materialised state as stored in ``consent_state``."""
    st = s.consent_state
    out: dict[tuple[int, str, str], StateRow] = {}
    batches: Iterable[list[int] | None] = (
        [None] if contact_ids is None else chunks(sorted(set(contact_ids)))
    )
    for batch in batches:
        q = sa.select(st)
        if batch is not None:
            q = q.where(st.c.contact_id.in_(batch))
        for r in conn.execute(q).mappings():
            since = as_utc(r["since"])
            assert since is not None
            key = (int(r["contact_id"]), r["purpose"], r["channel"])
            out[key] = StateRow(key[0], key[1], key[2], r["status"], since, int(r["event_id"]))
    return out


def rebuild_state(conn: Connection) -> RebuildReport:
    """Recompute ``consent_state`` from the ledger and fix every difference."""
    _write_lock(conn, _LOCK)
    wanted = compute_state(conn)
    stored = read_state(conn)
    st = s.consent_state
    differences: list[str] = []
    added = changed = removed = 0
    for key, row in wanted.items():
        old = stored.get(key)
        values = {"status": row.status, "since": row.since, "event_id": row.event_id}
        if old is None:
            added += 1
            conn.execute(st.insert().values(contact_id=key[0], purpose=key[1], channel=key[2],
                                            **values))
            differences.append(f"contact {key[0]} {key[1]}/{key[2]}: missing, now {row.status}")
        elif old != row:
            changed += 1
            conn.execute(
                st.update()
                .where(st.c.contact_id == key[0], st.c.purpose == key[1], st.c.channel == key[2])
                .values(**values)
            )
            differences.append(
                f"contact {key[0]} {key[1]}/{key[2]}: was {old.status}, now {row.status}"
            )
    for key in stored.keys() - wanted.keys():
        removed += 1
        conn.execute(
            st.delete().where(
                st.c.contact_id == key[0], st.c.purpose == key[1], st.c.channel == key[2]
            )
        )
        differences.append(f"contact {key[0]} {key[1]}/{key[2]}: not in the ledger, removed")
    return RebuildReport(len(wanted), added, changed, removed, tuple(differences[:50]))


# -- erasure ------------------------------------------------------------------------------


def redacted_proof(proof: Mapping[str, Any]) -> dict[str, Any]:
    """A proof without its personal values, keeping the digest that the chain verifies.

    >>> p = {"via": "sign-up form", "ip": "192.0.2.7", "_contact": 3, "_nonce": "ab"}
    >>> r = redacted_proof(p)
    >>> sorted(r), r["via"]
    (['_contact', '_redacted', '_subject_sha256', 'via'], 'sign-up form')
    """
    if "_subject_sha256" in proof:
        return dict(proof)
    kept = {k: v for k, v in proof.items() if k in PUBLIC_PROOF_KEYS}
    return {
        **kept,
        "_contact": proof.get("_contact"),
        "_redacted": True,
        "_subject_sha256": subject_digest(proof),
    }


def redact_proofs(conn: Connection, contact_ids: Iterable[int]) -> int:
    """Remove the personal parts of the proofs of these contacts' events.

    Returns:
        How many events were redacted.
    """
    t = s.consent_events
    done = 0
    for batch in chunks(sorted(set(contact_ids))):
        rows = conn.execute(
            sa.select(t.c.id, t.c.proof).where(t.c.contact_id.in_(batch))
        ).all()
        updates = [
            {"b_id": r.id, "b_proof": redacted_proof(r.proof or {})}
            for r in rows
            if "_subject_sha256" not in (r.proof or {})
        ]
        if updates:
            conn.execute(
                t.update().where(t.c.id == sa.bindparam("b_id")).values(
                    proof=sa.bindparam("b_proof")
                ),
                updates,
            )
        done += len(updates)
    return done


__all__ = [
    "PUBLIC_PROOF_KEYS",
    "ChainReport",
    "ConsentEventIn",
    "RebuildReport",
    "StateRow",
    "append_events",
    "compute_state",
    "event_hash",
    "get_wording",
    "read_state",
    "rebuild_state",
    "redact_proofs",
    "redacted_proof",
    "register_wording",
    "subject_digest",
    "verify_chain",
    "wording_hash",
]
