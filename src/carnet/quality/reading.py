"""Query results as Polars frames, without a Python object per value, on several
connections at once.

Building millions of Python tuples costs more than most queries themselves, so
the database hands rows over as text that Polars parses: ``COPY … TO STDOUT``
CSV on PostgreSQL, one ``json_group_array`` per column on SQLite (appended to
one buffer in C; string concatenation per row would cost several times more).
SQLite reads are cut into slices of ids (:meth:`Source.slices`) that
:func:`run_on` shares out between connections, each in a thread of its own:
SQLite, psycopg and Polars all work outside the GIL.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass
from typing import Any, TypeVar

import polars as pl
import sqlalchemy as sa
from sqlalchemy.engine import Connection, Engine
from sqlalchemy.pool import SingletonThreadPool, StaticPool

_T = TypeVar("_T")
#: Ids per SQLite slice (a few MB of JSON each) and CSV bytes per PostgreSQL frame:
#: big enough to amortise a round trip, small enough to bound memory.
_READ_IDS = 250_000
_READ_BYTES = 32 << 20
_FETCH_ROWS = 100_000


@dataclass(frozen=True)
class Source:
    """A query, the schema of its rows and how to cut it in slices (see :func:`read_frame`).

    ``key`` is a column of the query's table that :meth:`sa.Select.where` can
    bound, ``span`` its smallest and largest value; None reads all at once.
    """

    query: sa.Select[Any]
    schema: dict[str, Any]
    key: sa.ColumnElement[int] | None = None
    span: tuple[int, int] | None = None

    def slices(self, dialect: str) -> list[Source]:
        """This source cut into ranges of ``key``, to read one by one or side by side.

        PostgreSQL streams a whole query (COPY), so only SQLite reads are cut.
        """
        if dialect != "sqlite" or self.key is None or self.span is None:
            return [self]
        low, high = self.span
        return [
            Source(
                self.query.where(self.key.between(start, min(start + _READ_IDS - 1, high))),
                self.schema,
            )
            for start in range(low, high + 1, _READ_IDS)
        ]


def compiled(conn: Connection, query: sa.Select[Any]) -> tuple[str, Any]:
    """The SQL of ``query`` for the raw DBAPI cursor, and its parameters."""
    statement = query.compile(conn, compile_kwargs={"render_postcompile": True})
    # Bind values still need their type's processing (JSON paths, say).
    processors = getattr(statement, "_bind_processors", {})
    values = {
        name: processors[name](value) if name in processors else value
        for name, value in statement.params.items()
    }
    params: Any = values
    if statement.positiontup is not None:
        params = tuple(values[name] for name in statement.positiontup)
    return str(statement), params


def span(conn: Connection, key: sa.ColumnElement[int]) -> tuple[int, int] | None:
    """The smallest and largest value of a primary key (None when the table is empty)."""
    low = conn.execute(sa.select(sa.func.min(key))).scalar()
    high = conn.execute(sa.select(sa.func.max(key))).scalar()
    return None if low is None or high is None else (int(low), int(high))


def read_frame(conn: Connection, source: Source) -> pl.DataFrame:
    """The rows of ``source`` as a frame (see the module docstring); on SQLite the
    query's columns must be integers or NULL."""
    if conn.dialect.name == "postgresql":
        parts = list(_copy_chunks(conn, source))
        return pl.concat(parts) if parts else pl.DataFrame(schema=source.schema)
    arrays = ", ".join(f"json_group_array({name})" for name in source.schema)
    sql, params = compiled(conn, source.query)
    cursor = conn.connection.dbapi_connection.cursor()  # type: ignore[union-attr]
    try:
        cursor.execute(f"SELECT count(*), {arrays} FROM ({sql})", params)
        row = cursor.fetchone()
    finally:
        cursor.close()
    assert row is not None  # an aggregate always returns its row
    count, *texts = row
    if not count:
        return pl.DataFrame(schema=source.schema)
    return pl.DataFrame(
        json_integers(text, name, dtype)
        for text, (name, dtype) in zip(texts, source.schema.items(), strict=True)
    )


def run_on(
    connections: Sequence[Connection], tasks: Sequence[Callable[[Connection], _T]]
) -> list[_T]:
    """Run read ``tasks``, each on one of ``connections``; their results in task order.

    Every connection works in a thread of its own (the first one in this thread)
    and takes the next task as soon as it is free; after a failure no task starts.
    """
    results: dict[int, _T] = {}
    pending = iter(range(len(tasks)))
    lock = threading.Lock()
    failed = threading.Event()

    def work(connection: Connection) -> None:
        while not failed.is_set():
            with lock:
                index = next(pending, None)
            if index is None:
                return
            try:
                results[index] = tasks[index](connection)
            except BaseException:
                failed.set()
                raise

    with ThreadPoolExecutor(max_workers=max(len(connections) - 1, 1)) as pool:
        helpers = [pool.submit(work, connection) for connection in connections[1:]]
        work(connections[0])
        for helper in helpers:
            helper.result()
    return [results[index] for index in range(len(tasks))]


def json_integers(text: str, name: str, dtype: Any) -> pl.Series:
    """A JSON array of integers and nulls (``[1,null,3]``) as a column."""
    # Read as a one-column CSV whose rows end with commas.
    frame = pl.read_csv(
        text[1:-1].encode(),
        has_header=False,
        eol_char=",",
        null_values="null",
        schema={name: dtype},
    )
    return frame.get_column(name)


def _copy_chunks(conn: Connection, source: Source) -> Iterator[pl.DataFrame]:
    sql, params = compiled(conn, source.query)
    raw: Any = conn.connection.dbapi_connection  # psycopg's, for copy()
    pending = bytearray()
    statement = f"COPY ({sql}) TO STDOUT (FORMAT csv)"
    with raw.cursor() as cursor, cursor.copy(statement, params) as copy:
        for block in copy:
            pending += block
            if len(pending) >= _READ_BYTES:
                cut = pending.rfind(b"\n") + 1
                yield pl.read_csv(bytes(pending[:cut]), has_header=False, schema=source.schema)
                del pending[:cut]
    if pending:
        yield pl.read_csv(bytes(pending), has_header=False, schema=source.schema)


def fetch(conn: Connection, query: sa.Select[Any]) -> Iterator[tuple[Any, ...]]:
    """The rows of ``query`` from the raw DBAPI cursor (no per-row SQLAlchemy work)."""
    sql, params = compiled(conn, query)
    raw = conn.connection.dbapi_connection
    assert raw is not None
    cursor = raw.cursor()
    try:
        cursor.execute(sql, params)
        while rows := cursor.fetchmany(_FETCH_ROWS):
            yield from rows
    finally:
        cursor.close()


@contextmanager
def side_connections(engine: Engine | None, count: int = 2) -> Iterator[list[Connection]]:
    """``count`` more connections of ``engine`` to read on in parallel, or none.

    None either when the pool cannot give another connection to the same data:
    an in-memory SQLite database lives in one connection (or one per thread).
    """
    if engine is None or isinstance(engine.pool, SingletonThreadPool | StaticPool):
        yield []
        return
    with ExitStack() as stack:
        yield [stack.enter_context(engine.connect()) for _ in range(count)]


__all__ = [
    "Source",
    "compiled",
    "fetch",
    "json_integers",
    "read_frame",
    "run_on",
    "side_connections",
    "span",
]
