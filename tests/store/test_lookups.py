"""carnet.store.lookups.one_of on both databases: the rows IN would find, no more."""

from __future__ import annotations

import doctest
from collections.abc import Collection
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from carnet import Carnet
from carnet.store import lookups
from carnet.store import schema as s


def test_doctests() -> None:
    assert doctest.testmod(lookups).failed == 0


def test_one_of_finds_what_in_finds(carnet: Carnet) -> None:
    ids = [carnet.add_organisation({"name": name}).id for name in ("Dupont SA", "Martin", "Éole")]
    o = s.organisations
    with carnet.engine.connect() as conn:
        for column, values in (
            (o.c.id, [ids[0], ids[2], 999_999]),
            (o.c.name, ["Martin", "Éole", "nobody"]),
            (sa.func.lower(o.c.name), ["dupont sa", "éole"]),
            (o.c.id, set(ids[:2])),
            (o.c.name, []),
        ):
            found, expected = _found_by_one_of_and_in(conn, column, values)
            assert found == expected


def test_one_of_compares_values_as_in_does(carnet: Carnet) -> None:
    """Digits against a text column, digits as text against an integer one (SQLite only:
    PostgreSQL refuses the comparison either way), a boolean (which SQLite's JSON
    parameter cannot carry: it keeps the list)."""
    carnet.add_organisation({"name": "0042", "siren": "732829320"})
    carnet.add_organisation({"name": "Sans numéro"})
    o = s.organisations
    with carnet.engine.connect() as conn:
        cases: list[tuple[sa.ColumnElement[Any], list[Any]]] = [
            (o.c.siren, ["732829320", "552100554"]),
            (o.c.name, ["0042", "42"]),
            (sa.cast(o.c.siren.is_not(None), sa.Boolean), [True]),
        ]
        if conn.dialect.name == "sqlite":
            cases.append((o.c.id, [str(i) for i in range(1, 4)]))
        for column, values in cases:
            found, expected = _found_by_one_of_and_in(conn, column, values)
            assert found == expected and found


def _found_by_one_of_and_in(
    conn: Connection, column: sa.ColumnElement[Any], values: Collection[Any]
) -> tuple[set[int], set[int]]:
    """The organisations ``one_of`` finds, and those ``IN`` finds."""
    o = s.organisations
    found = set(
        conn.execute(sa.select(o.c.id).where(lookups.one_of(conn, column, values))).scalars()
    )
    expected = set(conn.execute(sa.select(o.c.id).where(column.in_(list(values)))).scalars())
    return found, expected
