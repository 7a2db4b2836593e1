"""carnet.store.lookups.one_of on both databases: the rows IN would find, no more."""

from __future__ import annotations

import doctest

import sqlalchemy as sa

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
            found = set(
                conn.execute(
                    sa.select(o.c.id).where(lookups.one_of(conn, column, values))
                ).scalars()
            )
            expected = set(
                conn.execute(sa.select(o.c.id).where(column.in_(list(values)))).scalars()
            )
            assert found == expected
