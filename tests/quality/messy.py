"""A small, deterministic and deliberately messy file for checking scores end to end.

:func:`fill_messy` writes contacts, organisations, contact points, history,
consent and suppressions straight with SQL, with fixed times, so that scores
computed at :data:`NOW` never change from one run to the next. It mixes what
real files hold: several emails, phones and addresses per contact, warnings
(typo, role, no street), invalid and empty verdicts, ``''`` beside NULL, values
kept aside as invalid, points verified after or before they were last seen,
times in the future, history for some fields, consent for other purposes or
withdrawn, archived contacts, and suppressed emails and phones written in
another case or with spaces (person-wide reasons and not).
"""

from __future__ import annotations

import random
from datetime import UTC, datetime, timedelta
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Engine

from carnet.consent.suppression import key_hash
from carnet.store import schema as s

#: The time the scores are computed at.
NOW = datetime(2026, 3, 14, 15, 9, 26, 535897, tzinfo=UTC)
SECRET = "test-secret"


def _when(rng: random.Random, *, future: bool = True) -> datetime:
    """A time within about eleven years before NOW, now and then a little after it."""
    if future and rng.random() < 0.05:
        return NOW + timedelta(days=rng.uniform(0, 30))
    return NOW - timedelta(days=rng.uniform(0, 4000), microseconds=rng.randrange(1_000_000))


def _maybe(rng: random.Random, value: Any, share: float = 0.6) -> Any:
    """``value``, or else NULL or (for text) an empty string."""
    if rng.random() < share:
        return value
    return "" if isinstance(value, str) and rng.random() < 0.3 else None


def fill_messy(engine: Engine, contacts: int = 160, seed: int = 20260314) -> None:
    """Write the messy file (ids 1 … ``contacts``) into an initialised workspace."""
    rng = random.Random(seed)
    orgs: list[dict[str, Any]] = []
    for i in range(1, 21):
        orgs.append(
            {
                "id": i,
                "name": _maybe(rng, f"Société {i}"),
                "siren": _maybe(rng, f"{100000000 + i}"),
                "siret": _maybe(rng, f"{10000000000000 + i}", 0.4),
                "vat_number": _maybe(rng, f"FR{i:011d}", 0.3),
                "naf_code": _maybe(rng, "62.01Z"),
                "sector": _maybe(rng, "Informatique"),
                "size_band": _maybe(rng, "10-49", 0.5),
                "website": _maybe(rng, f"https://s{i}.example", 0.5),
                "attributes": {},
                "status": "active",
                "created_at": _when(rng),
                "updated_at": _when(rng),
            }
        )
    people: list[dict[str, Any]] = []
    points: list[dict[str, Any]] = []
    history: list[dict[str, Any]] = []
    events: list[dict[str, Any]] = []
    states: list[dict[str, Any]] = []
    suppressed: list[dict[str, Any]] = []
    kept_aside = [
        {},
        {},
        {},
        {"invalid_values": {"birth_date": "31/02/1980"}},
        {"invalid_values": {"first_name": "???", "loyalty_id": "x"}},
        {"note": "invalid_values"},  # mentions the key, holds none
    ]
    lists = [[], [], ["velo"], ["velo", "jardin"], ""]
    for i in range(1, contacts + 1):
        created = _when(rng)
        people.append(
            {
                "id": i,
                "civility": _maybe(rng, rng.choice(["M.", "Mme"]), 0.5),
                "first_name": _maybe(rng, f"Prénom{i}", 0.9),
                "last_name": _maybe(rng, f"Nom{i % 37}", 0.8),
                "birth_date": _maybe(
                    rng, (NOW - timedelta(days=rng.randrange(7000, 30000))).date()
                ),
                "gender": _maybe(rng, rng.choice(["female", "male"]), 0.4),
                "language": _maybe(rng, "fr", 0.4),
                "job_title": _maybe(rng, "Acheteur", 0.4),
                "pcs": _maybe(rng, "cadre", 0.3),
                "organisation_id": rng.choice([None, None, rng.randrange(1, 21)]),
                "status": rng.choice(["active"] * 8 + ["archived", "merged"]),
                "customer_since": _maybe(rng, (NOW - timedelta(days=rng.randrange(2000))).date()),
                "loyalty_id": _maybe(rng, f"L{i}", 0.3),
                "interests": rng.choice(lists),
                "equipment": rng.choice(lists),
                "tags": [],
                "attributes": rng.choice(kept_aside),
                "first_seen": created,
                "last_activity": _maybe(rng, _when(rng)),
                "created_at": created,
                "updated_at": created,
            }
        )
        for _ in range(rng.choice([0, 1, 1, 2, 2, 3, 4])):
            points.append(_point(rng, i, len(points) + 1))
        for field in ("first_name", "last_name", "pcs", "interests", "job_title", "*"):
            for _ in range(rng.choice([0, 0, 1, 2])):
                history.append(
                    {
                        "entity": rng.choice(["contact"] * 5 + ["organisation"]),
                        "entity_id": i,
                        "field": field,
                        "new_value": "x",
                        "source": "test",
                        "changed_at": _when(rng),
                    }
                )
        pairs = [
            ("newsletter", "email"),
            ("sms_alerts", "sms"),
            ("offers", "post"),
            ("partners", "email"),
            ("offers", "email"),
        ]
        for purpose, channel in rng.sample(pairs, rng.randrange(4)):
            status = rng.choice(["granted", "granted", "confirmed", "withdrawn", "requested"])
            events.append(
                {
                    "id": len(events) + 1,
                    "contact_id": i,
                    "purpose": purpose,
                    "channel": channel,
                    "action": status,
                    "legal_basis": "consent",
                    "occurred_at": _when(rng, future=False),
                    "recorded_at": _when(rng, future=False),
                    "proof": {},
                    "hash": f"messy-{len(events) + 1}",
                }
            )
            states.append(
                {
                    "contact_id": i,
                    "purpose": purpose,
                    "channel": channel,
                    "status": status,
                    "since": events[-1]["occurred_at"],
                    "event_id": events[-1]["id"],
                }
            )
    reasons = ["unsubscribed", "hard_bounce", "complaint", "erased", "manual"]
    for point in rng.sample(points, len(points) // 6):
        value = point["normalised"]
        if point["kind"] in ("email", "phone") and value:
            # The list keys the canonical value: upper case and spaces do not hide it.
            written = f" {value.upper()} " if rng.random() < 0.3 else value
            entry = (point["kind"], key_hash(point["kind"], written, SECRET))
            if entry not in {(e["kind"], e["key_hash"]) for e in suppressed}:
                suppressed.append(
                    {
                        "kind": entry[0],
                        "key_hash": entry[1],
                        "reason": rng.choice(reasons),
                        "source": "test",
                        "created_at": NOW,
                    }
                )
    with engine.begin() as conn:
        conn.execute(s.organisations.insert(), orgs)
        conn.execute(s.contacts.insert(), people)
        conn.execute(s.contact_points.insert(), points)
        conn.execute(s.history.insert(), history)
        conn.execute(s.consent_events.insert(), events)
        conn.execute(s.consent_state.insert(), states)
        conn.execute(s.suppressions.insert(), suppressed)
        if conn.dialect.name == "postgresql":
            for table in ("organisations", "contacts", "contact_points", "consent_events"):
                conn.execute(
                    sa.text(
                        f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
                        f"(SELECT MAX(id) FROM {table}))"
                    )
                )


def _point(rng: random.Random, contact_id: int, point_id: int) -> dict[str, Any]:
    kind = rng.choice(["email", "email", "phone", "phone", "address", "address"])
    seen = _when(rng)
    verified = rng.choice([None, _when(rng), seen + timedelta(days=3), seen - timedelta(days=3)])
    row: dict[str, Any] = {
        "id": point_id,
        "contact_id": contact_id,
        "kind": kind,
        "raw": "raw",
        "verdict": rng.choice(["valid"] * 5 + ["warning", "warning", "invalid", "empty"]),
        "flags": "",
        "subtype": None,
        "is_primary": rng.random() < 0.5,
        "first_seen": seen,
        "last_seen": seen,
        "last_verified": verified,
        **dict.fromkeys(("line1", "postcode", "city", "country")),
    }
    # Some values are shared between contacts, as in real files (households, duplicates).
    shared = rng.randrange(contact_id + 5) if rng.random() < 0.2 else contact_id * 10 + point_id
    if kind == "email":
        row["normalised"] = _maybe(rng, f"p{shared}@example.fr", 0.95)
        if row["verdict"] == "warning":
            row["flags"] = rng.choice(["typo", "role", "typo,role", "disposable"])
    elif kind == "phone":
        row["normalised"] = f"+336{10000000 + shared}"
        row["subtype"] = rng.choice(["mobile", "mobile", "landline", None])
    else:
        row["normalised"] = f"k{shared}"
        if row["verdict"] == "warning":
            row["flags"] = rng.choice(["no_street", "city_mismatch"])
        row["line1"] = _maybe(rng, f"{shared} rue de la Paix", 0.7)
        row["postcode"] = _maybe(rng, "75002", 0.8)
        row["city"] = _maybe(rng, "PARIS", 0.8)
        row["country"] = _maybe(rng, "FR", 0.6)
    return row
