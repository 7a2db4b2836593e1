"""``column IN (values)`` written the way each database reads fastest.

SQLAlchemy renders ``column.in_(values)`` with one bound parameter per value;
on PostgreSQL each carries a cast (``%(p_1)s::VARCHAR``), and psycopg parses
the whole statement text again for every distinct number of values. An import
looks up thousands of keys per batch, so that parsing and rendering cost more
than the query. On PostgreSQL :func:`one_of` sends one array parameter
instead (``column = ANY(%(p)s::VARCHAR[])``), the same statement text whatever
the number of values; on SQLite, which has no arrays, it stays ``IN``.
"""

from __future__ import annotations

from collections.abc import Collection
from typing import Any

import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import ARRAY
from sqlalchemy.engine import Connection

__all__ = ["one_of"]


def one_of(
    conn: Connection, column: sa.ColumnElement[Any], values: Collection[Any]
) -> sa.ColumnElement[bool]:
    """The condition "``column`` is one of ``values``" for ``conn``'s database.

    >>> import sqlalchemy as sa
    >>> engine = sa.create_engine("sqlite://")
    >>> t = sa.table("t", sa.column("x", sa.Integer))
    >>> with engine.connect() as conn:
    ...     str(one_of(conn, t.c.x, [1, 2]).compile(conn))
    't.x IN (__[POSTCOMPILE_x_1])'
    """
    if conn.dialect.name == "postgresql":
        item = column.type
        if isinstance(item, sa.types.NullType):  # lower(name) and other untyped functions
            item = sa.BigInteger() if all(isinstance(v, int) for v in values) else sa.String()
        parameter = sa.bindparam(None, list(values), type_=ARRAY(item))
        return column == sa.any_(parameter)
    return column.in_(list(values))
