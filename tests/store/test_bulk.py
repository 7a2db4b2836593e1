"""bulk_insert stores exactly what SQLAlchemy's executemany stores."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta, timezone
from decimal import Decimal

import sqlalchemy as sa

from carnet import Carnet
from carnet.store import schema as s
from carnet.store.bulk import bulk_insert, execute_many, insert_returning_ids


def test_bulk_insert_round_trips_like_sqlalchemy(carnet: Carnet) -> None:
    now = datetime(2024, 5, 17, 9, 30, 12, 123456, tzinfo=UTC)
    with carnet.engine.begin() as conn:
        contact_id = conn.execute(
            s.contacts.insert().values(first_seen=now, created_at=now, updated_at=now,
                                       interests=[], equipment=[], tags=[], attributes={})
            .returning(s.contacts.c.id)
        ).scalar_one()
        rows = [
            {"contact_id": contact_id, "type": t, "occurred_at": now, "value": v,
             "properties": {"é": "ü", "n": [1, 2]}, "source": "x", "import_id": None}
            for t, v in (("a", 1.5), ("b", None))
        ]
        bulk_insert(conn, s.events, rows)
        conn.execute(s.events.insert(), [{**r, "type": r["type"] + "2"} for r in rows])
        product = conn.execute(
            s.products.insert().values(sku="S", created_at=now, updated_at=now, attributes={})
            .returning(s.products.c.id)
        ).scalar_one()
        bulk_insert(conn, s.product_prices, [
            {"product_id": product, "price": Decimal("19.90"), "stock": None, "valid_from": now}
        ])
        bulk_insert(conn, s.contacts, [
            {"first_seen": now, "created_at": now, "updated_at": now, "interests": ["x"],
             "equipment": [], "tags": [], "attributes": {"k": True},
             "birth_date": date(1980, 2, 29), "status": "active"}
        ])
    with carnet.engine.connect() as conn:
        events = conn.execute(sa.select(s.events).order_by(s.events.c.id)).mappings().all()
        price = conn.execute(sa.select(s.product_prices.c.price)).scalar_one()
        bulk_contact = conn.execute(
            sa.select(s.contacts).where(s.contacts.c.id != contact_id)
        ).mappings().one()
    for bulk, reference in ((events[0], events[2]), (events[1], events[3])):
        for key in ("occurred_at", "value", "properties", "source"):
            assert bulk[key] == reference[key], key
    assert Decimal(price) == Decimal("19.90")
    assert bulk_contact["birth_date"] == date(1980, 2, 29)
    assert bulk_contact["attributes"] == {"k": True} and bulk_contact["interests"] == ["x"]


def test_insert_returning_ids_gives_each_row_its_id_in_order(carnet: Carnet) -> None:
    now = datetime(2024, 5, 17, 9, 30, tzinfo=UTC)

    def contacts(names: list[str]) -> list[dict[str, object]]:
        return [
            {"last_name": n, "first_seen": now, "created_at": now, "updated_at": now,
             "interests": [], "equipment": [], "tags": [], "attributes": {}, "status": "active"}
            for n in names
        ]

    with carnet.engine.begin() as conn:
        first = insert_returning_ids(conn, s.contacts, contacts(["A", "B"]))
        # a row deleted at the top (SQLite hands its id out again): still one id per row
        conn.execute(s.contacts.delete().where(s.contacts.c.id == first[1]))
        second = insert_returning_ids(conn, s.contacts, contacts([f"N{i}" for i in range(1200)]))
        assert insert_returning_ids(conn, s.contacts, []) == []
    with carnet.engine.connect() as conn:
        stored = dict(conn.execute(sa.select(s.contacts.c.id, s.contacts.c.last_name)).all())
    assert len(set(second)) == 1200 and first[0] not in second
    assert stored[first[0]] == "A"
    assert [stored[i] for i in second] == [f"N{i}" for i in range(1200)]


def test_equal_instants_in_two_offsets_are_stored_as_written(carnet: Carnet) -> None:
    from datetime import timedelta, timezone

    utc = datetime(2024, 5, 17, 9, 30, tzinfo=UTC)
    paris = utc.astimezone(timezone(timedelta(hours=2)))
    assert utc == paris
    with carnet.engine.begin() as conn:
        contact_id = conn.execute(
            s.contacts.insert().values(first_seen=utc, created_at=utc, updated_at=utc,
                                       interests=[], equipment=[], tags=[], attributes={})
            .returning(s.contacts.c.id)
        ).scalar_one()
        rows = [
            {"contact_id": contact_id, "type": t, "occurred_at": when, "value": None,
             "properties": {}, "source": "x", "import_id": None}
            for t, when in (("utc", utc), ("paris", paris))
        ]
        bulk_insert(conn, s.events, rows)
        conn.execute(s.events.insert(), [{**r, "type": r["type"] + "-ref"} for r in rows])
    with carnet.engine.connect() as conn:
        stored = dict(conn.execute(sa.select(s.events.c.type, s.events.c.occurred_at)).all())
    assert stored["utc"] == stored["utc-ref"] and stored["paris"] == stored["paris-ref"]


def test_execute_many_stores_what_sqlalchemy_stores(carnet: Carnet) -> None:
    """The same UPDATE on two contacts, one by execute_many, one by SQLAlchemy: the
    database holds the same text for each (an instant written in its offset, a date,
    JSON with accents); a statement whose parameters the rows do not all name (the
    status here) runs too."""
    now = datetime(2024, 5, 17, 9, 30, tzinfo=UTC)
    c = s.contacts
    with carnet.engine.begin() as conn:
        ids = insert_returning_ids(conn, c, [
            {"first_seen": now, "created_at": now, "updated_at": now, "interests": [],
             "equipment": [], "tags": [], "attributes": {}, "status": "active"}
            for _ in range(4)
        ])
        statement = (
            c.update()
            .where(c.c.id == sa.bindparam("contact"))
            .values(
                last_activity=sa.bindparam("new_last_activity"),
                birth_date=sa.bindparam("new_birth_date"),
                attributes=sa.bindparam("new_attributes"),
                first_name=sa.bindparam("new_first_name"),
            )
        )
        values = {
            "new_last_activity": datetime(2025, 1, 2, 3, 4, 5, 6,
                                          tzinfo=timezone(timedelta(hours=2))),
            "new_birth_date": date(1980, 2, 29),
            "new_attributes": {"ville": "Besançon", "n": [1, 2]},
            "new_first_name": "Zoé",
        }
        execute_many(conn, statement, [{"contact": ids[0], **values}])
        conn.execute(statement, [{"contact": ids[1], **values}])
        named = c.update().where(c.c.id == sa.bindparam("contact"), c.c.status == "active")
        execute_many(conn, named.values(first_name="Léa"), [{"contact": ids[2]}])
    columns = [sa.cast(c.c[k], sa.Text) for k in
               ("last_activity", "birth_date", "attributes", "first_name")]
    with carnet.engine.connect() as conn:
        stored = {
            row[0]: tuple(row[1:])
            for row in conn.execute(sa.select(c.c.id, *columns).where(c.c.id.in_(ids)))
        }
    assert stored[ids[0]] == stored[ids[1]]
    assert "Besançon" in str(stored[ids[0]][2]) and stored[ids[0]][3] == "Zoé"
    assert stored[ids[2]][3] == "Léa" and stored[ids[3]][3] is None
