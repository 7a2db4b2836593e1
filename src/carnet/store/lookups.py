"""``column IN (values)`` written the way each database reads fastest.

SQLAlchemy renders ``column.in_(values)`` with one bound parameter per value,
named and processed again at every execution; on PostgreSQL each carries a cast
(``%(p_1)s::VARCHAR``), and psycopg parses the whole statement text again for
every distinct number of values. An import looks up thousands of keys per
batch, so that rendering and parsing cost more than the query. :func:`one_of`
sends one parameter instead, the same statement text whatever the number of
values: an array on PostgreSQL (``column = ANY(%(p)s::VARCHAR[])``), a JSON
array on SQLite (``column IN (SELECT value FROM json_each(?))``, whose plan
looks each value up in the column's index as ``IN (?, ?, …)`` does, and which
compares with the column's affinity as a bound value would be).
"""

from __future__ import annotations

from collections.abc import Collection
from typing import Any

import orjson
import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import ARRAY
from sqlalchemy.engine import Connection

__all__ = ["one_of", "one_of_in"]

#: Types of value a JSON array carries to SQLite as themselves (a bool would be
#: ``true``, not 1; a date or a decimal no JSON value at all).
_JSON_TYPES = frozenset({str, int})


def one_of(
    conn: Connection, column: sa.ColumnElement[Any], values: Collection[Any]
) -> sa.ColumnElement[bool]:
    """The condition "``column`` is one of ``values``" for ``conn``'s database.

    >>> import sqlalchemy as sa
    >>> engine = sa.create_engine("sqlite://")
    >>> t = sa.table("t", sa.column("x", sa.Integer))
    >>> with engine.connect() as conn:
    ...     sql = str(one_of(conn, t.c.x, [1, 2]).compile(conn))
    >>> " ".join(sql.split())
    't.x IN (SELECT anon_1.value FROM json_each(?) AS anon_1)'
    """
    return one_of_in(conn.dialect.name, column, values)


def one_of_in(
    dialect: str, column: sa.ColumnElement[Any], values: Collection[Any]
) -> sa.ColumnElement[bool]:
    """:func:`one_of` for the database named ``dialect`` (``sqlite``, ``postgresql``).

    Values SQLite's JSON cannot carry as they are (dates, booleans) keep the ``IN`` list.

    >>> import sqlalchemy as sa
    >>> t = sa.table("t", sa.column("x", sa.Integer))
    >>> str(one_of_in("sqlite", t.c.x, [True]))
    't.x IN (__[POSTCOMPILE_x_1])'
    """
    if dialect == "postgresql":
        item = column.type
        if isinstance(item, sa.types.NullType):  # lower(name) and other untyped functions
            item = sa.BigInteger() if all(isinstance(v, int) for v in values) else sa.String()
        parameter = sa.bindparam(None, list(values), type_=ARRAY(item))
        return column == sa.any_(parameter)
    if dialect == "sqlite":
        listed = _json_array(values)
        if listed is not None:
            each = sa.func.json_each(sa.bindparam(None, listed, type_=sa.String)).table_valued(
                "value"
            )
            return column.in_(sa.select(each.c.value))
    return column.in_(list(values))


def lacks_flag(flags: sa.ColumnElement[Any], flag: str) -> sa.ColumnElement[bool]:
    """``flags`` (a point's comma-separated flags, or NULL) does not hold ``flag``.

    NULL holds no flag: ``NOT (flags LIKE ...)`` alone would leave such rows out.
    """
    return sa.or_(flags.is_(None), sa.not_(flags.contains(flag)))


def _json_array(values: Collection[Any]) -> str | None:
    """``values`` as a JSON array, or None when one of them would not read back as itself."""
    if not _JSON_TYPES.issuperset(map(type, values)):
        return None
    try:
        return orjson.dumps(list(values)).decode()
    except orjson.JSONEncodeError:  # beyond 64 bits: the driver refuses it in a list too
        return None
