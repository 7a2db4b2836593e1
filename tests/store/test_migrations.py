"""Schema creation and migration on SQLite and PostgreSQL."""

from __future__ import annotations

from pathlib import Path

import pytest
import sqlalchemy as sa

from carnet import Carnet, DatabaseError, SchemaOutdatedError
from carnet.config import Settings
from carnet.store import engine as store_engine
from carnet.store import schema as s
from carnet.store.schema import metadata

EXPECTED_TABLES = {
    "settings",
    "ref_postcodes",
    "quality_scores",
    "quality_snapshots",
    "sources",
    "organisations",
    "contacts",
    "contact_roles",
    "contact_points",
    "external_ids",
    "imports",
    "import_rows",
    "history",
    "events",
    "products",
    "product_prices",
    "orders",
    "order_lines",
    "carts",
    "consent_wordings",
    "consent_events",
    "consent_state",
    "suppressions",
    "match_pairs",
    "merges",
    "organisation_merges",
    "organisation_pairs",
    "users",
    "api_keys",
    "audit_log",
}


def test_init_creates_every_table(settings: Settings) -> None:
    ws = Carnet.init(settings=settings, profile="b2b", country="be")
    tables = set(sa.inspect(ws.engine).get_table_names())
    assert tables >= EXPECTED_TABLES
    assert tables - EXPECTED_TABLES == {"alembic_version"}
    assert ws.last_init is not None and ws.last_init.created
    assert ws.profile.value == "b2b"
    assert ws.country == "BE"


def test_migrations_match_the_schema_module(settings: Settings) -> None:
    """The migrations produce exactly the tables and columns schema.py declares."""
    ws = Carnet.init(settings=settings)
    inspector = sa.inspect(ws.engine)
    for table in metadata.sorted_tables:
        columns = {c["name"] for c in inspector.get_columns(table.name)}
        assert columns == {c.name for c in table.columns}, table.name
        # the look-up indexes too: a missing one turns a probe into a scan
        indexes = {i["name"] for i in inspector.get_indexes(table.name)}
        assert {i.name for i in table.indexes} <= indexes, table.name


def test_init_twice_is_a_no_op_and_keeps_the_profile(settings: Settings) -> None:
    Carnet.init(settings=settings, profile="b2b")
    again = Carnet.init(settings=settings)
    assert again.last_init is not None
    assert not again.last_init.created
    assert again.last_init.revision_before == again.last_init.revision_after
    assert again.profile.value == "b2b"


def test_opening_an_uninitialised_database_says_run_init(db_url: str) -> None:
    with pytest.raises(DatabaseError, match="carnet init"):
        Carnet(db_url)


def test_opening_an_old_database_says_how_to_migrate(settings: Settings) -> None:
    ws = Carnet.init(settings=settings)
    with ws.engine.begin() as conn:
        conn.execute(sa.text("UPDATE alembic_version SET version_num = '0000'"))
    # '0000' is unknown to this carnet: treated as newer, with a clear message.
    with pytest.raises(DatabaseError, match="newer than this carnet"):
        Carnet(settings=settings)


def test_outdated_schema_is_reported(settings: Settings, monkeypatch: pytest.MonkeyPatch) -> None:
    Carnet.init(settings=settings)
    # Pretend this carnet ships a migration newer than the database's head.
    monkeypatch.setattr(store_engine.ScriptDirectory, "get_current_head", lambda self: "0099")
    with pytest.raises(SchemaOutdatedError, match="run `carnet init`"):
        Carnet(settings=settings)


def test_sqlite_runs_with_wal_and_foreign_keys(tmp_path: object) -> None:
    engine = store_engine.make_engine(f"sqlite:///{tmp_path}/x.db")
    with engine.connect() as conn:
        assert conn.execute(sa.text("PRAGMA journal_mode")).scalar() == "wal"
        assert conn.execute(sa.text("PRAGMA foreign_keys")).scalar() == 1
        assert (
            conn.execute(sa.text("PRAGMA wal_autocheckpoint")).scalar()
            == store_engine.SQLITE_WAL_CHECKPOINT_PAGES
        )


def test_import_page_cache_is_large_for_the_block_then_restored(tmp_path: Path) -> None:
    engine = store_engine.make_engine(f"sqlite:///{tmp_path}/x.db")
    with engine.connect() as conn:
        default = conn.execute(sa.text("PRAGMA cache_size")).scalar()
        conn.commit()
        with store_engine.import_page_cache(conn):
            assert (
                conn.execute(sa.text("PRAGMA cache_size")).scalar()
                == -store_engine.IMPORT_PAGE_CACHE_KIB
            )
            conn.commit()
            # Transactions still begin and commit on the connection inside the block.
            with conn.begin():
                conn.execute(sa.text("CREATE TABLE t (x INTEGER)"))
                conn.execute(sa.text("INSERT INTO t VALUES (1)"))
        assert conn.execute(sa.text("PRAGMA cache_size")).scalar() == default
        assert conn.execute(sa.text("SELECT count(*) FROM t")).scalar() == 1


def test_unsupported_and_malformed_urls_are_clear_errors() -> None:
    with pytest.raises(DatabaseError, match="not supported"):
        store_engine.make_engine("mysql://root@localhost/x")
    with pytest.raises(DatabaseError, match="malformed"):
        store_engine.make_engine("not a url://")
    with pytest.raises(DatabaseError, match="does not exist"):
        store_engine.make_engine("sqlite:////no/such/folder/x.db")


def test_unreachable_postgres_is_a_clear_error() -> None:
    engine = store_engine.make_engine("postgresql://nobody@127.0.0.1:1/nothing")
    with pytest.raises(DatabaseError, match="Cannot connect"):
        store_engine.current_revision(engine)


def test_address_keys_are_migrated_to_the_afnor_street_form(settings: Settings) -> None:
    from alembic import command

    ws = Carnet.init(settings=settings)
    contact = ws.add_contact(
        {"last_name": "Martin", "address_line1": "12 r. de la Paix", "postcode": "75002",
         "city": "Paris"}
    )
    cp = s.contact_points

    def key() -> str:
        with ws.engine.connect() as conn:
            return str(
                conn.execute(
                    sa.select(cp.c.normalised).where(
                        cp.c.contact_id == contact.id, cp.c.kind == "address"
                    )
                ).scalar_one()
            )

    assert key() == "12 RUE DE LA PAIX|75002|PARIS|FR"
    command.downgrade(store_engine._alembic_config(ws.engine), "0005")
    assert key() == "12 R. DE LA PAIX|75002|PARIS|FR"  # the key before 0006
    Carnet.init(settings=settings)
    assert key() == "12 RUE DE LA PAIX|75002|PARIS|FR"


def test_organisations_gain_their_legal_form(settings: Settings) -> None:
    from alembic import command

    ws = Carnet.init(settings=settings, profile="b2b")
    org = ws.add_organisation({"name": "Dupont & Fils", "legal_form": "S.A.R.L."})
    assert ws.get_organisation(org.id).legal_form == "SARL"

    def columns() -> set[str]:
        return {c["name"] for c in sa.inspect(ws.engine).get_columns("organisations")}

    command.downgrade(store_engine._alembic_config(ws.engine), "0006")
    assert "legal_form" not in columns()
    Carnet.init(settings=settings)
    assert "legal_form" in columns()
    assert ws.get_organisation(org.id).name == "Dupont & Fils"
