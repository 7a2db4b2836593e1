"""Property: over random sequences of grants, withdrawals, imports, bounces and erasures,
``may_contact`` never says yes where the latest applicable event forbids it, and a
suppressed address never comes back.

Each example works on two fresh people (unique emails and phones) in one shared
workspace. Operations:

- ``grant`` / ``withdraw`` / ``request`` through the workspace (operators, links);
- ``import``: :func:`append_events` as the import pipeline calls it, for a row
  holding the person's email; a correct import skips suppressed rows, a careless
  one (``careless=True``) appends the grant anyway, and must still be refused;
- ``bounce`` (hard bounce or complaint) and ``erase``; after an erasure the next
  import of the same email creates a new contact (the person "comes back").

Occurrence times are random, so events arrive out of order. After every
operation the values ever seen suppressed must still be suppressed; after every
sequence each live contact is checked against the ledger, the materialised state
against the recomputed one; at the end the hash chain must verify.
"""

from __future__ import annotations

import itertools
import os
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

import sqlalchemy as sa
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from carnet.consent import ledger, suppression
from carnet.consent.ledger import ConsentEventIn, append_events
from carnet.consent.purposes import ALLOWING
from carnet.store import schema as s
from carnet.workspace import Carnet

T0 = datetime(2024, 6, 1, tzinfo=UTC)
COMBOS = (("newsletter", "email"), ("offers", "email"), ("offers", "sms"), ("offers", "post"))
_serial = itertools.count()

person = st.integers(0, 1)
when = st.integers(0, 60)
combo = st.sampled_from(COMBOS)
operation = st.one_of(
    st.tuples(st.just("grant"), person, combo, when),
    st.tuples(st.just("withdraw"), person, combo, when),
    st.tuples(st.just("withdraw_all"), person, st.sampled_from(("email", "sms")), when),
    st.tuples(st.just("request"), person, combo, when),
    st.tuples(st.just("import"), person, combo, st.sampled_from(("granted", "withdrawn")), when,
              st.booleans()),
    st.tuples(st.just("bounce"), person, st.booleans()),
    st.tuples(st.just("erase"), person),
)


@dataclass
class Person:
    email: str
    phone: str
    contact_id: int | None = None
    history: list[int] = field(default_factory=list)


def _insert_contact(ws: Carnet, p: Person) -> int:
    """A contact with one email and one mobile, inserted as the import pipeline would
    (rows, no field checks: the values are already normalised)."""
    now = datetime.now(UTC)
    with ws.engine.begin() as conn:
        result = conn.execute(s.contacts.insert().values(
            last_name="Lefebvre", status="active", interests=[], equipment=[], tags=[],
            attributes={}, first_seen=now, created_at=now, updated_at=now,
        ))
        cid = int(result.inserted_primary_key[0])  # type: ignore[index]
        conn.execute(s.contact_points.insert(), [
            {"contact_id": cid, "kind": kind, "raw": value, "normalised": value,
             "verdict": "valid", "is_primary": True, "first_seen": now, "last_seen": now}
            for kind, value in (("email", p.email), ("phone", p.phone))
        ])
    p.history.append(cid)
    return cid


def _new_people(ws: Carnet) -> list[Person]:
    people = []
    for _ in range(2):
        n = next(_serial)
        p = Person(f"p{n}.{ws.engine.dialect.name}@example.org",
                   f"+3361{n // 1_000_000 % 10}{n % 1_000_000:06d}")
        p.contact_id = _insert_contact(ws, p)
        people.append(p)
    return people


def _suppressed(ws: Carnet, people: list[Person]) -> set[str]:
    hashes = {suppression.key_hash(kind, value, "test-secret"): value
              for p in people for kind, value in (("email", p.email), ("phone", p.phone))}
    with ws.engine.connect() as conn:
        found = conn.execute(
            sa.select(s.suppressions.c.key_hash).where(s.suppressions.c.key_hash.in_(hashes))
        ).scalars()
        return {hashes[h] for h in found}


def _ensure_contact(ws: Carnet, p: Person) -> int:
    if p.contact_id is None:  # the erased person comes back through an import
        p.contact_id = _insert_contact(ws, p)
    return p.contact_id


def _apply(ws: Carnet, people: list[Person], op: tuple[Any, ...]) -> None:
    kind = op[0]
    p = people[op[1]]
    if kind == "erase":
        if p.contact_id is not None:
            ws.erase_contact(p.contact_id)
            p.contact_id = None
        return
    if kind == "bounce":
        if p.contact_id is not None:
            ws.record_bounce(p.email, complaint=bool(op[2]))
        return
    cid = _ensure_contact(ws, p)
    if kind == "withdraw_all":
        ws.withdraw_consent(cid, None, str(op[2]), occurred_at=T0 + timedelta(days=op[3]))
        return
    (purpose, channel) = op[2]
    at = T0 + timedelta(days=op[-1] if kind != "import" else op[4])
    if kind == "grant":
        ws.grant_consent(cid, purpose, channel, occurred_at=at)
    elif kind == "withdraw":
        ws.withdraw_consent(cid, purpose, channel, occurred_at=at)
    elif kind == "request":
        ws.record_consent([ConsentEventIn(cid, purpose, channel, "requested", "consent", at,
                                          {"via": "sign-up form"})])
    elif kind == "import":
        action, careless = str(op[3]), bool(op[5])
        with ws.engine.begin() as conn:
            blocked = suppression.suppressed_values(conn, "email", [p.email], "test-secret")
            if action == "granted" and blocked and not careless:
                return  # the row is accounted as "suppressed"
            append_events(conn, [ConsentEventIn(cid, purpose, channel, action, "consent", at,
                                                {"via": "import", "source_file": "f.csv",
                                                 "row": 1})])


def _check_contacts(
    ws: Carnet, people: list[Person], ever_suppressed: set[str],
    touched: set[tuple[str, str]],
) -> None:
    live = {p.contact_id: p for p in people if p.contact_id is not None}
    if not live:
        return
    e = s.consent_events
    with ws.engine.connect() as conn:
        latest: dict[tuple[int, str, str], tuple[datetime, int, str]] = {}
        for r in conn.execute(
            sa.select(e.c.id, e.c.contact_id, e.c.purpose, e.c.channel, e.c.action,
                      e.c.occurred_at).where(e.c.contact_id.in_(list(live)))
        ):
            key = (r.contact_id, r.purpose, r.channel)
            occurred = r.occurred_at.replace(tzinfo=UTC) if r.occurred_at.tzinfo is None else (
                r.occurred_at.astimezone(UTC))
            if key not in latest or (occurred, r.id) > latest[key][:2]:
                latest[key] = (occurred, r.id, r.action)
        assert ledger.read_state(conn, live) == ledger.compute_state(conn, live)
    for purpose, channel in touched:
        decisions = ws.may_contact_many(list(live), purpose, channel)
        for cid, decision in decisions.items():
            if not decision.allowed:
                continue
            event = latest.get((cid, purpose, channel))
            assert event is not None and event[2] in ALLOWING, (cid, purpose, channel, decision)
            p = live[cid]
            own = p.email if channel == "email" else p.phone if channel in ("sms", "phone") else ""
            assert own not in ever_suppressed, (cid, purpose, channel, decision)


def test_may_contact_never_contradicts_the_ledger_or_the_suppression_list(
    ws: Carnet,
) -> None:
    # 300 sequences take about 20 s on SQLite on an idle machine; each run draws new ones.
    # PROPERTY_EXAMPLES=3000 explores more.
    examples = int(os.environ.get("PROPERTY_EXAMPLES", "300"))
    if ws.engine.dialect.name != "sqlite":
        examples = max(20, examples // 8)

    @settings(max_examples=examples, deadline=None,
              suppress_health_check=[HealthCheck.function_scoped_fixture,
                                     HealthCheck.too_slow])
    @given(st.lists(operation, min_size=1, max_size=12))
    def run(ops: list[tuple[Any, ...]]) -> None:
        people = _new_people(ws)
        ever_suppressed: set[str] = set()
        for op in ops:
            _apply(ws, people, op)
            now = _suppressed(ws, people)
            assert ever_suppressed <= now, ever_suppressed - now
            ever_suppressed |= now
        touched = {op[2] for op in ops if len(op) > 2 and isinstance(op[2], tuple)}
        if any(op[0] in ("withdraw_all", "bounce", "erase") for op in ops):
            touched |= {("newsletter", "email"), ("offers", "sms")}
        _check_contacts(ws, people, ever_suppressed, touched)

    run()
    report = ws.verify_consent_ledger()
    assert report.ok, report.problems
