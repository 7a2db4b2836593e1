"""Fast bulk inserts for large batches, on SQLite and PostgreSQL.

SQLAlchemy's executemany builds parameters row by row through its generic
machinery, which costs more than the database itself on wide batches. Here the
INSERT is compiled once, each column's bind processor (dates, JSON, booleans,
decimals, exactly as SQLAlchemy would store them) is mapped over its column,
and the rows go straight to the driver: SQLite's ``executemany``, PostgreSQL's
``COPY``. What is stored is identical to what ``conn.execute(table.insert(),
rows)`` would store.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from datetime import datetime
from functools import lru_cache
from operator import itemgetter
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection

_Processor = Callable[[Any], Any] | None
_Compiled = tuple[str, list[tuple[str, _Processor, Any]], bool]
_CACHE: dict[tuple[str, str, tuple[str, ...]], _Compiled] = {}


def _compiled(conn: Connection, table: sa.Table, columns: tuple[str, ...]) -> _Compiled:
    """The INSERT's SQL, and per parameter: its column, bind processor and default."""
    dialect = conn.dialect
    key = (dialect.name, table.name, columns)
    cached = _CACHE.get(key)
    if cached is not None:
        return cached
    statement = table.insert().compile(dialect=dialect, column_keys=list(columns))
    positional = bool(getattr(statement, "positiontup", None))
    order = list(statement.positiontup or []) if positional else list(statement.params)
    params: list[tuple[str, _Processor, Any]] = []
    for name in order:
        column = table.c[name]
        default: Any = _MISSING
        if name not in columns:
            # Python-side defaults (default=dict ...) that SQLAlchemy would fill in.
            assert column.default is not None, f"{table.name}.{name} needs a value"
            default = column.default
        params.append((str(name), _processor(column.type, dialect), default))
    compiled: _Compiled = (str(statement), params, positional)
    _CACHE[key] = compiled
    return compiled


_MISSING = object()


def _processor(type_: Any, dialect: Any) -> _Processor:
    """The type's bind processor, remembering its instants for a date or time."""
    processor: _Processor = type_._cached_bind_processor(dialect)
    if processor is not None and isinstance(type_, sa.DateTime | sa.Date):
        processor = _per_instant(processor)
    return processor


def _per_instant(processor: Callable[[Any], Any]) -> Callable[[Any], Any]:
    """``processor`` remembering its last few thousand dates and instants.

    A batch stamps most rows with the same few instants (the import's time,
    first seen ...): each is formatted once instead of once per row. The key
    holds the UTC offset too, since two equal instants written in two offsets
    are stored as written.
    """

    @lru_cache(maxsize=4096)
    def formatted(value: Any, _offset: Any) -> Any:
        return processor(value)

    def process(value: Any) -> Any:
        offset = value.utcoffset() if isinstance(value, datetime) else None
        return formatted(value, offset)

    return process


def _column(
    rows: Sequence[Mapping[str, Any]], name: str, processor: _Processor, default: Any
) -> list[Any]:
    """One parameter's values for every row, bind processor applied (column at a time)."""
    if default is _MISSING:
        values = list(map(itemgetter(name), rows))
    elif default.is_callable:
        values = [default.arg(None) for _ in rows]
    else:
        values = [default.arg] * len(rows)
    return values if processor is None else list(map(processor, values))


def bulk_insert(conn: Connection, table: sa.Table, rows: Sequence[Mapping[str, Any]]) -> int:
    """Insert ``rows`` (all with the same keys) into ``table``; returns how many.

    Use for append-only batches where no generated key is needed back.
    """
    if not rows:
        return 0
    columns = tuple(rows[0].keys())
    sql, params, positional = _compiled(conn, table, columns)
    # Parameters are built a column at a time (C-level map and zip), not cell by cell.
    columns_values = [_column(rows, name, p, d) for name, p, d in params]
    values: list[Any] = list(zip(*columns_values, strict=True))
    if conn.dialect.name == "postgresql":
        _copy(conn, table, [name for name, _, _ in params], values)
        return len(rows)
    if not positional:
        names = [name for name, _, _ in params]
        values = [dict(zip(names, row, strict=True)) for row in values]
    cursor = conn.connection.cursor()
    try:
        cursor.executemany(sql, values)
    finally:
        cursor.close()
    return len(rows)


def execute_many(
    conn: Connection, statement: sa.Update, rows: Sequence[Mapping[str, Any]]
) -> None:
    """``conn.execute(statement, rows)`` (an UPDATE run once per row, say), faster on SQLite.

    There the statement is compiled once, each parameter's bind processor mapped over
    its column (as :func:`bulk_insert` does) and the rows handed to the driver's
    ``executemany``: what is stored is identical. Other databases, and a statement
    with parameters the rows do not all name, keep SQLAlchemy's path.
    """
    if not rows:
        return
    if conn.dialect.name != "sqlite":
        conn.execute(statement, rows)
        return
    # compiled as SQLAlchemy compiles it for these rows (their keys may name columns)
    compiled = statement.compile(dialect=conn.dialect, column_keys=list(rows[0]))
    names = compiled.positiontup
    if not names or any(name not in rows[0] for name in names):
        conn.execute(statement, rows)
        return
    processors = {
        name: _processor(bind.type, conn.dialect) for bind, name in compiled.bind_names.items()
    }
    columns = {
        name: _column(rows, name, processors[name], _MISSING) for name in dict.fromkeys(names)
    }
    values = list(zip(*(columns[name] for name in names), strict=True))
    cursor = conn.connection.cursor()
    try:
        cursor.executemany(str(compiled), values)
    finally:
        cursor.close()


def _copy(
    conn: Connection, table: sa.Table, names: list[str], values: list[tuple[Any, ...]]
) -> None:
    """PostgreSQL: stream the rows with ``COPY ... FROM STDIN``, its bulk-load protocol.

    An ``executemany`` sends every row as its own Bind/Execute round in the
    pipeline; ``COPY`` streams them all in one statement. The values are the
    ones the bind processors made, adapted by psycopg exactly as for an INSERT.
    """
    quote = conn.dialect.identifier_preparer.quote
    columns = ", ".join(quote(name) for name in names)
    cursor = conn.connection.driver_connection.cursor()  # type: ignore[union-attr]
    try:
        with cursor.copy(f"COPY {quote(table.name)} ({columns}) FROM STDIN") as copy:
            for row in values:
                copy.write_row(row)
    finally:
        cursor.close()


def insert_returning_ids(
    conn: Connection, table: sa.Table, rows: Sequence[Mapping[str, Any]]
) -> list[int]:
    """Insert ``rows`` (all with the same keys) and return their new ids, in order.

    SQLAlchemy can only keep ``RETURNING`` ids in parameter order on SQLite by
    inserting one row per statement; here SQLite gets one ``executemany`` instead,
    and the ids are read back from ``last_insert_rowid()``: inside one write
    transaction an ``INTEGER PRIMARY KEY`` table gives the rows consecutive ids
    (checked, not assumed). PostgreSQL draws the ids from the column's sequence
    first, then loads the rows with them by ``COPY`` (see :func:`bulk_insert`).
    Other databases keep SQLAlchemy's ``INSERT ... RETURNING``.

    Raises:
        RuntimeError: if SQLite's ids were not consecutive (never seen; the
            transaction is then rolled back by the caller rather than mis-linking).
    """
    if not rows:
        return []
    primary = table.primary_key.columns.values()[0]
    if conn.dialect.name == "postgresql":
        # Ids drawn from the column's sequence first, then the rows COPYed with them.
        sequence = conn.exec_driver_sql(
            f"SELECT pg_get_serial_sequence('{table.name}', '{primary.name}')"
        ).scalar_one()
        # sorted, so that the ids grow in the rows' order (as SQLite's do)
        ids = sorted(
            int(i)
            for i in conn.execute(
                sa.select(sa.func.nextval(sequence)).select_from(
                    sa.func.generate_series(1, len(rows))
                )
            ).scalars()
        )
        bulk_insert(
            conn, table, [{**row, primary.name: i} for row, i in zip(rows, ids, strict=True)]
        )
        return ids
    if conn.dialect.name != "sqlite":
        result = conn.execute(table.insert().returning(primary, sort_by_parameter_order=True), rows)
        return [int(i) for i in result.scalars()]
    bulk_insert(conn, table, rows)
    last = int(conn.exec_driver_sql("SELECT last_insert_rowid()").scalar_one())
    first = last - len(rows) + 1
    count = conn.execute(
        sa.select(sa.func.count()).select_from(table).where(primary.between(first, last))
    ).scalar_one()
    if count != len(rows):  # pragma: no cover - would mean a concurrent writer in our transaction
        raise RuntimeError(f"{table.name}: the new rows' ids are not {first}..{last}")
    return list(range(first, last + 1))
