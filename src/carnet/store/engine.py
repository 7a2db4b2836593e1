"""Engine set-up and migrations for SQLite (embedded default) and PostgreSQL.

SQLite connections get WAL journaling, enforced foreign keys and a busy
timeout, so that both databases behave the same for carnet's code, and a WAL
that is copied back into the database less often (see
:data:`SQLITE_WAL_CHECKPOINT_PAGES`).
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from pathlib import Path
from typing import Any

import orjson
import sqlalchemy as sa
from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy.engine import Connection, Engine

from carnet.errors import DatabaseError, SchemaOutdatedError

_MIGRATIONS = Path(__file__).with_name("migrations")


def normalise_url(url: str) -> str:
    """Make a user-friendly URL explicit about its driver.

    >>> normalise_url("postgresql://postgres@127.0.0.1:5432/test")
    'postgresql+psycopg://postgres@127.0.0.1:5432/test'
    >>> normalise_url("postgres://u@h/db")
    'postgresql+psycopg://u@h/db'
    >>> normalise_url("sqlite:///carnet.db")
    'sqlite:///carnet.db'
    """
    for prefix in ("postgresql://", "postgres://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix) :]
    return url


#: WAL pages written before SQLite copies them back into the database file
#: (its default is 1,000, 4 MB). An import writes a dozen indexed tables per
#: batch: with the default, the same index pages were copied back, and the file
#: synced, every few batches. 10,000 pages (40 MB of WAL) took the import of
#: 1,000,000 people from 902 to 785 CPU seconds (1,079 to 916 s wall), and of
#: 100,000 from 67 to 63 (while another import shared the disk).
#: A killed process loses nothing either way: what is committed is in the WAL.
SQLITE_WAL_CHECKPOINT_PAGES = 10_000


#: Page cache of the connection an import writes through, in KiB (SQLite's default
#: is 2,000 KiB). A batch updates a dozen indexes spread over the whole file; with
#: 2 MB the same pages were read again from the operating system, and spilled,
#: many times per batch. 128 MB took the import of 100,000 people from 96-110 to
#: 86-87 CPU seconds (alternating runs), and halved its system time; peak RSS
#: grows by the cache (376 -> 490 MB there). Only the import's connection
#: gets it, for the import's duration, so a pool of idle connections does not
#: hold several such caches.
IMPORT_PAGE_CACHE_KIB = 131_072


@contextmanager
def import_page_cache(conn: Connection) -> Iterator[None]:
    """Give ``conn`` a large SQLite page cache while the block runs (no-op elsewhere)."""
    if conn.dialect.name != "sqlite":
        yield
        return
    # On the driver's cursor: through SQLAlchemy a PRAGMA would begin a transaction.
    cursor = conn.connection.cursor()
    before = int(cursor.execute("PRAGMA cache_size").fetchone()[0])
    cursor.execute(f"PRAGMA cache_size=-{IMPORT_PAGE_CACHE_KIB}")
    try:
        yield
    finally:
        # Shrinking the cache frees its pages: the pooled connection goes back small.
        # A connection broken by the error being raised is discarded by the pool anyway:
        # failing to shrink it must not hide that error.
        with suppress(sqlite3.Error):
            cursor.execute(f"PRAGMA cache_size={before}")
        cursor.close()


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.execute("PRAGMA busy_timeout=30000")
    cursor.execute(f"PRAGMA wal_autocheckpoint={SQLITE_WAL_CHECKPOINT_PAGES}")
    cursor.close()


def make_engine(url: str) -> Engine:
    """Create an engine for ``url`` with carnet's connection settings.

    Raises:
        DatabaseError: when the URL is malformed or names an unsupported database.
    """
    try:
        parsed = sa.engine.make_url(normalise_url(url))
    except sa.exc.ArgumentError as exc:
        raise DatabaseError(
            f"Database URL '{url}' is malformed; use sqlite:///carnet.db or "
            "postgresql://user@host:5432/dbname."
        ) from exc
    backend = parsed.get_backend_name()
    if backend not in ("sqlite", "postgresql"):
        raise DatabaseError(
            f"Database '{backend}' is not supported; carnet runs on SQLite and PostgreSQL."
        )
    if backend == "sqlite":
        database = parsed.database
        if database and database != ":memory:":
            folder = Path(database).expanduser().resolve().parent
            if not folder.is_dir():
                raise DatabaseError(
                    f"Folder '{folder}' for the SQLite database does not exist; create it first."
                )
        engine = sa.create_engine(
            parsed, connect_args={"timeout": 30}, json_serializer=_json_dumps
        )
        sa.event.listen(engine, "connect", _sqlite_pragmas)
        return engine
    return sa.create_engine(parsed, pool_pre_ping=True, json_serializer=_json_dumps)


def _json_dumps(value: Any) -> str:
    # orjson is several times faster than json on the many small JSON cells of imports.
    return orjson.dumps(value, default=str).decode("utf-8")


def _alembic_config(engine: Engine) -> Config:
    config = Config()
    config.set_main_option("script_location", str(_MIGRATIONS))
    config.attributes["engine"] = engine
    return config


def head_revision() -> str:
    """The newest migration this version of carnet knows."""
    script = ScriptDirectory.from_config(_alembic_config(sa.create_engine("sqlite://")))
    head = script.get_current_head()
    assert head is not None, "carnet ships at least one migration"
    return head


def current_revision(engine: Engine) -> str | None:
    """The migration the database is at, or None for an empty database.

    Raises:
        DatabaseError: when the database cannot be reached.
    """
    try:
        with engine.connect() as conn:
            return MigrationContext.configure(conn).get_current_revision()
    except sa.exc.OperationalError as exc:
        raise DatabaseError(
            f"Cannot connect to the database ({_first_line(exc)}); check that it is running "
            "and that --db / CARNET_DATABASE_URL is right."
        ) from exc


def upgrade(engine: Engine) -> tuple[str | None, str]:
    """Create or migrate the schema to the newest revision.

    Returns:
        (revision before, revision after).
    """
    before = current_revision(engine)
    command.upgrade(_alembic_config(engine), "head")
    return before, head_revision()


def check_schema(engine: Engine) -> None:
    """Make sure the database is initialised and up to date.

    Raises:
        DatabaseError: when the database was never initialised.
        SchemaOutdatedError: when it needs migrating.
    """
    current = current_revision(engine)
    if current is None:
        raise DatabaseError(
            f"Database {engine.url.render_as_string(hide_password=True)} is not a carnet "
            "workspace yet; run `carnet init` first."
        )
    script = ScriptDirectory.from_config(_alembic_config(engine))
    head = script.get_current_head()
    if current == head:
        return
    known = {rev.revision for rev in script.walk_revisions()}
    if current not in known:
        raise DatabaseError(
            f"Database schema revision {current} is newer than this carnet knows; "
            "upgrade carnet before opening it."
        )
    raise SchemaOutdatedError(
        f"Database schema is at revision {current} but carnet needs {head}; "
        "run `carnet init` to migrate it (back it up first)."
    )


def _first_line(exc: BaseException) -> str:
    text = str(getattr(exc, "orig", exc)) or type(exc).__name__
    return text.strip().splitlines()[0]
