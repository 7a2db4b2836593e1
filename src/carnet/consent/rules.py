"""The one rule: may we contact this person, for this purpose, on this channel?

:func:`decide` answers for many contacts at once and :func:`may_contact` for one;
they are the same code. Everything that sends or exports for marketing asks
here, and nothing else decides. The answer is a :class:`Decision` with a reason
a person can read ("withdrawn 2025-03-02 via unsubscribe link in campaign 12").

The rule, in order:

1. the contact must exist and be *active* (not archived, anonymised or merged);
2. the latest ledger event must not refuse (its reason is given first);
3. none of its values may be on the suppression list: for ``email`` any of its
   emails, for ``sms``/``phone`` any of its phones; and on every channel, no
   email or phone suppressed because of an erasure, a complaint, a retention
   deletion or a manual block;
4. the latest ledger event for (contact, purpose, channel) — by occurrence time,
   then recording order — must be ``granted`` or ``confirmed``. ``requested``
   (double opt-in not yet confirmed), ``withdrawn``, ``expired`` or no event at
   all mean no.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from carnet.consent import suppression
from carnet.consent._util import as_utc, chunks
from carnet.consent.purposes import ALLOWING
from carnet.model import ACTIVE, DECEASED
from carnet.store import schema as s


@dataclass(frozen=True)
class Decision:
    """The answer of :func:`may_contact`, with its reason.

    Attributes:
        allowed: True when the contact may be contacted.
        reason: why, in one short sentence.
        status: the ledger status that decided (None when something else decided).
        since: when that status began.
        event_id: the ledger event that decided.
    """

    allowed: bool
    reason: str
    status: str | None = None
    since: datetime | None = None
    event_id: int | None = None

    def __bool__(self) -> bool:
        return self.allowed


_ACTION_WORDS = {
    "requested": "requested",
    "granted": "granted",
    "confirmed": "confirmed",
    "withdrawn": "withdrawn",
    "expired": "expired",
}


def describe_event(
    action: str, legal_basis: str, occurred_at: datetime, proof: Mapping[str, Any]
) -> str:
    """A ledger event as a short sentence.

    >>> from datetime import datetime, UTC
    >>> describe_event("withdrawn", "consent", datetime(2025, 3, 2, tzinfo=UTC),
    ...                {"via": "unsubscribe link", "campaign_id": 12})
    'withdrawn 2025-03-02 via unsubscribe link in campaign 12'
    >>> describe_event("granted", "consent", datetime(2024, 1, 10, tzinfo=UTC),
    ...                {"via": "import", "source_file": "clients.csv", "row": 12})
    'granted 2024-01-10 via import (file clients.csv, row 12)'
    """
    when = as_utc(occurred_at)
    parts = [_ACTION_WORDS.get(action, action), when.date().isoformat() if when else "?"]
    if legal_basis == "legitimate_interest":
        parts.append("on legitimate interest")
    elif legal_basis == "contract":
        parts.append("under contract")
    via = proof.get("via")
    if via:
        parts.append(f"via {via}")
    if proof.get("campaign_id") is not None:
        parts.append(f"in campaign {proof['campaign_id']}")
    if proof.get("form"):
        parts.append(f"(form {proof['form']})")
    if proof.get("source_file"):
        row = f", row {proof['row']}" if proof.get("row") is not None else ""
        parts.append(f"(file {proof['source_file']}{row})")
    if proof.get("written_in"):
        parts.append(f"(a note in its {proof['written_in']} cell)")
    if proof.get("operator"):
        parts.append(f"by {proof['operator']}")
    if action == "requested":
        parts.append("— awaiting double opt-in confirmation")
    return " ".join(parts)


def decide(
    conn: Connection,
    contact_ids: Iterable[int],
    purpose: str,
    channel: str,
    *,
    secret: str,
    at: datetime | None = None,
) -> dict[int, Decision]:
    """Decide for many contacts at once (batched queries).

    Args:
        conn: a connection.
        contact_ids: the contacts to decide for.
        purpose: a configured purpose (the caller checks it is configured).
        channel: ``email``, ``sms``, ``phone`` or ``post``.
        secret: the workspace secret (keys the suppression list).
        at: decide as of this time (default: now, from the materialised state).

    Returns:
        contact id → :class:`Decision`, for every id asked.
    """
    ids = sorted({int(i) for i in contact_ids})
    when = as_utc(at)
    out: dict[int, Decision] = {}
    c = s.contacts
    status: dict[int, tuple[str, int | None]] = {}
    for batch in chunks(ids):
        for r in conn.execute(
            sa.select(c.c.id, c.c.status, c.c.merged_into_id).where(c.c.id.in_(batch))
        ):
            status[int(r.id)] = (r.status, r.merged_into_id)
    live: list[int] = []
    for cid in ids:
        if cid not in status:
            out[cid] = Decision(False, f"contact {cid} does not exist")
        elif status[cid][0] == "merged":
            out[cid] = Decision(False, f"contact merged into {status[cid][1]}; ask about that one")
        elif status[cid][0] == DECEASED:
            out[cid] = Decision(
                False, "contact is deceased: never contacted, on any channel, for any purpose"
            )
        elif status[cid][0] != ACTIVE:
            out[cid] = Decision(False, f"contact is {status[cid][0]}")
        else:
            live.append(cid)
    blocked = _suppressed(conn, live, channel, secret, when)
    latest = _latest(conn, live, purpose, channel, when)
    for cid in live:
        found = latest.get(cid)
        if found is not None and found[1] not in ALLOWING:
            # The ledger's own refusal is the root cause; say that rather than the
            # suppression it may have led to.
            event_id, action, basis, occurred, proof = found
            text = describe_event(action, basis, occurred, proof)
            out[cid] = Decision(False, text, action, occurred, event_id)
        elif cid in blocked:
            out[cid] = Decision(False, blocked[cid])
        elif found is None:
            out[cid] = Decision(False, f"no consent recorded for {purpose} by {channel}")
        else:
            event_id, action, basis, occurred, proof = found
            text = describe_event(action, basis, occurred, proof)
            out[cid] = Decision(True, text, action, occurred, event_id)
    return out


def may_contact(
    conn: Connection,
    contact_id: int,
    purpose: str,
    channel: str,
    *,
    secret: str,
    at: datetime | None = None,
) -> Decision:
    """Decide for one contact (see :func:`decide`)."""
    return decide(conn, [contact_id], purpose, channel, secret=secret, at=at)[int(contact_id)]


def _suppressed(
    conn: Connection, ids: list[int], channel: str, secret: str, at: datetime | None
) -> dict[int, str]:
    if not ids:
        return {}
    cp = s.contact_points
    values: dict[tuple[str, str], set[int]] = {}
    for batch in chunks(ids):
        for r in conn.execute(
            sa.select(cp.c.contact_id, cp.c.kind, cp.c.normalised).where(
                cp.c.contact_id.in_(batch),
                cp.c.kind.in_(suppression.KINDS),
                cp.c.normalised.is_not(None),
            )
        ):
            values.setdefault((r.kind, r.normalised), set()).add(int(r.contact_id))
    out: dict[int, str] = {}
    own_kind = {"email": "email", "sms": "phone", "phone": "phone"}.get(channel)
    for kind in suppression.KINDS:
        found = suppression.suppression_records(
            conn, kind, [v for k, v in values if k == kind], secret
        )
        for value, entry in found.items():
            if at is not None and entry.created_at > at:
                continue
            if kind != own_kind and entry.reason not in suppression.PERSON_WIDE:
                continue
            label = "email address" if kind == "email" else "phone number"
            text = (
                f"{label} suppressed ({entry.reason.replace('_', ' ')}) since "
                f"{entry.created_at.date().isoformat()}"
            )
            for cid in values[(kind, value)]:
                out.setdefault(cid, text)
    return out


def _latest(
    conn: Connection, ids: list[int], purpose: str, channel: str, at: datetime | None
) -> dict[int, tuple[int, str, str, datetime, Mapping[str, Any]]]:
    out: dict[int, tuple[int, str, str, datetime, Mapping[str, Any]]] = {}
    if not ids:
        return out
    e = s.consent_events
    if at is None:
        st = s.consent_state
        for batch in chunks(ids):
            for r in conn.execute(
                sa.select(st.c.contact_id, e.c.id, e.c.action, e.c.legal_basis,
                          e.c.occurred_at, e.c.proof)
                .select_from(st.join(e, e.c.id == st.c.event_id))
                .where(st.c.contact_id.in_(batch), st.c.purpose == purpose,
                       st.c.channel == channel)
            ):
                occurred = as_utc(r.occurred_at)
                assert occurred is not None
                out[int(r.contact_id)] = (int(r.id), r.action, r.legal_basis, occurred,
                                          r.proof or {})
        return out
    for batch in chunks(ids):
        for r in conn.execute(
            sa.select(e.c.contact_id, e.c.id, e.c.action, e.c.legal_basis, e.c.occurred_at,
                      e.c.proof)
            .where(e.c.contact_id.in_(batch), e.c.purpose == purpose, e.c.channel == channel,
                   e.c.occurred_at <= at)
            .order_by(e.c.id)
        ):
            occurred = as_utc(r.occurred_at)
            assert occurred is not None
            cid = int(r.contact_id)
            current = out.get(cid)
            if current is None or (occurred, int(r.id)) > (current[3], current[0]):
                out[cid] = (int(r.id), r.action, r.legal_basis, occurred, r.proof or {})
    return out


__all__ = ["Decision", "decide", "describe_event", "may_contact"]
