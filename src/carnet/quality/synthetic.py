"""Synthetic contacts written straight with SQL, for the quality benchmark and tests.

:func:`fill` inserts ``n`` contacts with emails, phones, addresses, history,
consent and a few suppressions in a handful of ``INSERT … SELECT`` statements
(a recursive counter, no Python loop per row), on SQLite or PostgreSQL. Values
are deterministic functions of the row number, so runs are comparable. It
bypasses the import on purpose: it exists to measure scoring on a million
contacts, not to look like a real file (``carnet demo generate`` does that).
"""

from __future__ import annotations

import hmac
from datetime import UTC, datetime
from hashlib import sha256

import sqlalchemy as sa
from sqlalchemy.engine import Engine


def _days_ago(dialect: str, expr: str) -> str:
    if dialect == "sqlite":
        return f"strftime('%Y-%m-%d %H:%M:%f000', 'now', '-' || ({expr}) || ' days')"
    return f"(now() - ({expr}) * interval '1 day')"


def _seq(dialect: str, n: int, start: int) -> str:
    if dialect == "sqlite":
        return (
            f"WITH RECURSIVE seq(i) AS (SELECT {start} UNION ALL SELECT i + 1 FROM seq "
            f"WHERE i < {start + n - 1}) "
        )
    return f"WITH seq(i) AS (SELECT generate_series({start}, {start + n - 1})) "


def email_of(i: int) -> str:
    """The synthetic email of contact ``i`` (every 50th has a typo domain)."""
    return f"p{i}@{'gmial.com' if i % 50 == 0 else 'example.fr'}"


def fill(engine: Engine, n: int, *, secret: str = "bench-secret", start: int = 1) -> None:
    """Insert ``n`` synthetic contacts with ids ``start`` … ``start + n - 1``.

    Per contact, by the row number ``i``: 90 % have an email (2 % likely typos,
    1 % invalid), 60 % a mobile, 30 % a landline, 80 % a postal address; names
    for all, birth dates for half, job titles for a third; ages of values spread
    over ten years; half have consented to the newsletter, a third to SMS alerts;
    one in a thousand emails is on the suppression list.
    """
    d = engine.dialect.name
    seq = _seq(d, n, start)
    cat = "||"
    age = _days_ago(d, "(i * 37) % 3650")
    recent = _days_ago(d, "(i * 11) % 1500")
    true, false = ("1", "0") if d == "sqlite" else ("true", "false")

    def j(expr: str) -> str:
        return expr if d == "sqlite" else f"CAST({expr} AS json)"

    interests = j("""CASE WHEN i % 5 = 0 THEN '["velo"]' ELSE '[]' END""")
    empty_list, empty_map = j("'[]'"), j("'{}'")
    attributes = j(
        """CASE WHEN i % 101 = 0 THEN '{"invalid_values": {"birth_date": "31/02/1980"}}'
        ELSE '{}' END"""
    )

    statements = [
        f"""{seq}INSERT INTO contacts (id, first_name, last_name, birth_date, gender, language,
            job_title, status, interests, equipment, tags, attributes, first_seen, last_activity,
            created_at, updated_at)
        SELECT i, 'Prenom' {cat} i, 'Nom' {cat} (i % 5000),
            CASE WHEN i % 2 = 0 THEN {_date(d, "(i % 20000) + 5000")} END,
            CASE WHEN i % 3 = 0 THEN 'female' END,
            CASE WHEN i % 4 = 0 THEN 'fr' END,
            CASE WHEN i % 3 = 1 THEN 'Acheteur' END,
            CASE WHEN i % 97 = 0 THEN 'archived' ELSE 'active' END,
            {interests}, {empty_list}, {empty_list}, {attributes},
            {age}, {recent}, {age}, {age}
        FROM seq""",
        f"""{seq}INSERT INTO contact_points (contact_id, kind, raw, normalised, verdict, flags,
            subtype, is_primary, first_seen, last_seen, last_verified)
        SELECT i, 'email', 'p' {cat} i {cat} '@x', CASE WHEN i % 100 = 1 THEN NULL ELSE
            'p' {cat} i {cat} CASE WHEN i % 50 = 0 THEN '@gmial.com' ELSE '@example.fr' END END,
            CASE WHEN i % 100 = 1 THEN 'invalid' WHEN i % 50 = 0 THEN 'warning' ELSE 'valid' END,
            CASE WHEN i % 50 = 0 THEN 'typo' ELSE '' END, NULL, {true}, {age}, {age},
            CASE WHEN i % 50 <> 0 AND i % 100 <> 1 THEN {age} END
        FROM seq WHERE i % 10 <> 0""",
        f"""{seq}INSERT INTO contact_points (contact_id, kind, raw, normalised, verdict, flags,
            subtype, is_primary, first_seen, last_seen, last_verified)
        SELECT i, 'phone', '06' {cat} i, '+336' {cat} (10000000 + i), 'valid', 'mobile', 'mobile',
            {true}, {age}, {age}, {age}
        FROM seq WHERE i % 5 < 3""",
        f"""{seq}INSERT INTO contact_points (contact_id, kind, raw, normalised, verdict, flags,
            subtype, is_primary, first_seen, last_seen, last_verified)
        SELECT i, 'phone', '01' {cat} i, '+331' {cat} (10000000 + i % 90000), 'valid',
            'landline', 'landline', {false}, {age}, {age}, NULL
        FROM seq WHERE i % 10 < 3""",
        f"""{seq}INSERT INTO contact_points (contact_id, kind, raw, normalised, verdict, flags,
            subtype, is_primary, line1, postcode, city, country, first_seen, last_seen,
            last_verified)
        SELECT i, 'address', 'adr', 'k' {cat} i,
            CASE WHEN i % 40 = 0 THEN 'warning' ELSE 'valid' END,
            CASE WHEN i % 40 = 0 THEN 'city_mismatch' ELSE '' END, 'home', {true},
            (i % 200) {cat} ' rue de la Paix', '750' {cat} (10 + i % 20), 'PARIS', 'FR',
            {age}, {age}, {age}
        FROM seq WHERE i % 5 <> 4""",
        f"""{seq}INSERT INTO history (entity, entity_id, field, old_value, new_value, source,
            actor, changed_at)
        SELECT 'contact', i, '*', NULL, 'created', 'bench', 'bench', {age} FROM seq""",
        f"""{seq}INSERT INTO history (entity, entity_id, field, old_value, new_value, source,
            actor, changed_at)
        SELECT 'contact', i, 'job_title', NULL, 'Acheteur', 'bench', 'bench', {recent}
        FROM seq WHERE i % 3 = 1""",
        f"""{seq}INSERT INTO consent_events (id, contact_id, purpose, channel, action, legal_basis,
            occurred_at, recorded_at, proof, hash)
        SELECT i, i, 'newsletter', 'email', 'granted', 'consent', {age}, {age}, {empty_map},
            'bench-' {cat} i
        FROM seq WHERE i % 2 = 0""",
        f"""{seq}INSERT INTO consent_state (contact_id, purpose, channel, status, since, event_id)
        SELECT i, 'newsletter', 'email', 'granted', {age}, i FROM seq WHERE i % 2 = 0""",
        f"""{seq}INSERT INTO consent_state (contact_id, purpose, channel, status, since, event_id)
        SELECT i, 'sms_alerts', 'sms', 'granted', {age}, i FROM seq WHERE i % 6 = 0""",
    ]
    now = datetime.now(UTC)
    key = secret.encode()
    suppressed = [
        {
            "kind": "email",
            "key_hash": hmac.new(key, f"email:{email_of(i)}".encode(), sha256).hexdigest(),
            "reason": "complaint" if i % 3000 == 996 % 3000 else "unsubscribed",
            "source": "bench",
            "created_at": now,
        }
        for i in range(start + 996, start + n, 1000)
    ]
    with engine.begin() as conn:
        for sql in statements:
            conn.execute(sa.text(sql))
        if suppressed:
            from carnet.store.schema import suppressions

            conn.execute(suppressions.insert(), suppressed)
        if d == "postgresql":
            for table in ("contacts", "consent_events"):
                conn.exec_driver_sql(
                    f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
                    f"(SELECT MAX(id) FROM {table}))"
                )
        # the filled tables only: a bare ANALYZE takes every table of the database,
        # another workspace's (or test worker's) too, and deadlocks with its DDL
        for table in _FILLED:
            conn.exec_driver_sql(f"ANALYZE {table}")


#: The tables :func:`fill` writes to.
_FILLED = (
    "contacts", "contact_points", "history", "consent_events", "consent_state", "suppressions",
)


def _date(dialect: str, days_expr: str) -> str:
    if dialect == "sqlite":
        return f"date('now', '-' || ({days_expr}) || ' days')"
    return f"(current_date - ({days_expr}))"


__all__ = ["email_of", "fill"]
