"""The workspace facade: contacts, organisations, events, orders and history, on both databases."""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal

import pytest
import sqlalchemy as sa

from carnet import Carnet, ConfigError, InvalidValueError, NotFoundError
from carnet.config import Settings
from carnet.model import Contact
from carnet.store import schema as s


def test_add_contact_normalises_and_keeps_raw_values(carnet: Carnet) -> None:
    c = carnet.add_contact(
        {
            "full_name": "M. DUPONT Jean-Pierre",
            "email": [" JP.Dupont@Gmail.com ", "jp@dupont-sa.fr"],
            "mobile": "06 12 34 56 78",
            "birth_date": "14/07/1975",
            "address_line1": "12 rue Paul Bert",
            "postcode": "69003",
            "city": "Lyon",
        },
        source="test",
    )
    assert (c.civility, c.first_name, c.last_name) == ("M.", "Jean-Pierre", "Dupont")
    assert c.birth_date == date(1975, 7, 14)
    assert [e.normalised for e in c.emails] == ["jp.dupont@gmail.com", "jp@dupont-sa.fr"]
    assert c.emails[0].raw == " JP.Dupont@Gmail.com "
    assert c.emails[0].is_primary and not c.emails[1].is_primary
    assert c.phone == "+33612345678"
    assert c.phones[0].subtype == "mobile"
    assert c.addresses[0].postcode == "69003"
    assert c.addresses[0].city == "Lyon"
    assert {p.source for p in c.points} == {"test"}


def test_strict_add_refuses_invalid_values_with_every_reason(carnet: Carnet) -> None:
    with pytest.raises(InvalidValueError) as info:
        carnet.add_contact({"first_name": "Ana", "email": "ana@", "birth_date": "31/02/1990"})
    message = str(info.value)
    assert "Email 'ana@'" in message and "Birth date '31/02/1990'" in message
    assert carnet.count_contacts() == 0


def test_lenient_add_keeps_invalid_contact_points_with_their_verdict(carnet: Carnet) -> None:
    c = carnet.add_contact({"last_name": "Martin", "email": "martin.gmail.com"}, strict=False)
    assert c.emails[0].verdict == "invalid"
    assert c.emails[0].raw == "martin.gmail.com"


def test_an_npai_flag_marks_the_address_given_with_it(carnet: Carnet) -> None:
    flagged = carnet.add_contact(
        {"last_name": "Roy", "address_line1": "3 rue Haute", "postcode": "45000",
         "city": "Orléans", "npai": "oui"}
    )
    assert [(a.verdict, a.flags) for a in flagged.addresses] == [("warning", ("npai",))]
    # with no address to flag, no address point is made up
    alone = carnet.add_contact({"last_name": "Caron", "npai": "oui"})
    assert list(alone.addresses) == []


def test_unknown_field_is_an_actionable_error(carnet: Carnet) -> None:
    with pytest.raises(InvalidValueError, match="Unknown field 'favourite_colour'"):
        carnet.add_contact({"favourite_colour": "blue"})


def test_update_writes_history_and_new_email_becomes_primary(carnet: Carnet) -> None:
    c = carnet.add_contact({"first_name": "Léa", "email": "lea@free.fr"}, source="shop")
    c2 = carnet.update_contact(
        c.id, {"job_title": "Acheteuse", "email": "lea.pro@orange.fr"}, source="crm", reason="call"
    )
    assert c2.job_title == "Acheteuse"
    assert c2.email == "lea.pro@orange.fr"
    assert [e.normalised for e in c2.emails] == ["lea.pro@orange.fr", "lea@free.fr"]
    changes = [(h.field, h.old_value, h.new_value, h.source) for h in carnet.history(c.id)]
    assert ("first_name", None, "Léa", "shop") in changes
    assert ("job_title", None, "Acheteuse", "crm") in changes
    assert ("email", None, "lea.pro@orange.fr", "crm") in changes
    assert all(h.actor == "test" for h in carnet.history(c.id))


def test_update_with_same_values_writes_no_history(carnet: Carnet) -> None:
    c = carnet.add_contact({"first_name": "Paul", "email": "paul@sfr.fr"})
    before = len(carnet.history(c.id))
    carnet.update_contact(c.id, {"first_name": "paul", "email": "PAUL@sfr.fr"})
    assert len(carnet.history(c.id)) == before


def test_clearing_a_field_is_recorded(carnet: Carnet) -> None:
    c = carnet.add_contact({"first_name": "Paul", "job_title": "Chef"})
    c2 = carnet.update_contact(c.id, {"job_title": None})
    assert c2.job_title is None
    assert ("job_title", "Chef", None) in [
        (h.field, h.old_value, h.new_value) for h in carnet.history(c.id)
    ]


def test_get_update_delete_unknown_contact(carnet: Carnet) -> None:
    with pytest.raises(NotFoundError, match="Contact 999"):
        carnet.get_contact(999)
    with pytest.raises(NotFoundError):
        carnet.update_contact(999, {"first_name": "Xavier"})
    with pytest.raises(NotFoundError):
        carnet.delete_contact(999)


def test_delete_removes_points_and_keeps_a_trace(carnet: Carnet) -> None:
    c = carnet.add_contact({"first_name": "Zoé", "email": "zoe@laposte.net"})
    carnet.record_event(c.id, "email_open")
    carnet.delete_contact(c.id, reason="duplicate entered by hand")
    with pytest.raises(NotFoundError):
        carnet.get_contact(c.id)
    with carnet.engine.connect() as conn:
        assert conn.execute(sa.select(sa.func.count()).select_from(s.contact_points)).scalar() == 0
        assert conn.execute(sa.select(sa.func.count()).select_from(s.events)).scalar() == 0
    assert carnet.history(c.id)[-1].field == "*"


def _people(carnet: Carnet) -> list[int]:
    rows = [
        ("Jean", "Dupont", "75015", "Paris", "jean.dupont@gmail.com"),
        ("Marie", "Durand", "69003", "Lyon", "marie.durand@orange.fr"),
        ("Nicolas", "Martin", "75011", "Paris", "nico.martin@free.fr"),
        ("Nicolas", "Martin", "13001", "Marseille", "n.martin@sfr.fr"),
        ("Élodie", "Dupuis", "33000", "Bordeaux", "elodie@wanadoo.fr"),
    ]
    return [
        carnet.add_contact(
            {"first_name": first, "last_name": last, "postcode": p, "city": c, "email": e}
        ).id
        for first, last, p, c, e in rows
    ]


def test_list_filters_sorts_and_paginates(carnet: Carnet) -> None:
    ids = _people(carnet)
    page = carnet.list_contacts(sort="last_name", limit=2)
    assert page.total == 5 and page.has_more
    assert [c.last_name for c in page.items] == ["Dupont", "Dupuis"]
    page2 = carnet.list_contacts(sort="last_name", limit=2, offset=2)
    assert [c.last_name for c in page2.items] == ["Durand", "Martin"]
    assert carnet.list_contacts(sort="-id", limit=1).items[0].id == ids[-1]
    paris = carnet.list_contacts(filters={"city": "Paris"})
    assert {c.first_name for c in paris.items} == {"Jean", "Nicolas"}
    du = carnet.list_contacts(filters={"last_name__startswith": "du"})
    assert du.total == 3
    assert carnet.count_contacts(filters={"postcode__in": "75015,13001"}) == 2
    assert carnet.count_contacts(filters={"email": "marie.durand@orange.fr"}) == 1
    assert carnet.count_contacts(filters={"id__gt": ids[2]}) == 2


def test_search_matches_names_emails_cities(carnet: Carnet) -> None:
    _people(carnet)
    assert {c.last_name for c in carnet.search_contacts("martin")} == {"Martin"}
    assert len(carnet.search_contacts("nicolas martin")) == 2
    assert [c.first_name for c in carnet.search_contacts("WANADOO")] == ["Élodie"]
    assert len(carnet.search_contacts("marseille")) == 1


def test_bad_filter_and_sort_are_actionable(carnet: Carnet) -> None:
    with pytest.raises(InvalidValueError, match="Cannot filter contacts on 'shoe'"):
        carnet.list_contacts(filters={"shoe": "42"})
    with pytest.raises(InvalidValueError, match="Unknown filter operator 'near'"):
        carnet.list_contacts(filters={"city__near": "Paris"})
    with pytest.raises(InvalidValueError, match="Cannot sort by 'shoe'"):
        carnet.list_contacts(sort="shoe")
    with pytest.raises(InvalidValueError, match="does not fit"):
        carnet.list_contacts(filters={"birth_date__lt": "yesterday"})


def test_organisation_is_linked_by_siret_then_reused(carnet: Carnet) -> None:
    a = carnet.add_contact(
        {"first_name": "Anne", "organisation_name": "Dupont SA", "siret": "73282932000074"}
    )
    b = carnet.add_contact({"first_name": "Bruno", "siret": "732 829 320 00074"})
    assert a.organisation_id is not None and a.organisation_id == b.organisation_id
    org = carnet.get_organisation(a.organisation_id)
    assert (org.name, org.siren, org.siret) == ("Dupont SA", "732829320", "73282932000074")
    assert {c.first_name for c in carnet.organisation_contacts(org.id)} == {"Anne", "Bruno"}


def test_a_name_alone_links_a_new_contact_only_in_the_organisations_place(
    carnet: Carnet,
) -> None:
    def baker(first: str, **values: str) -> Contact:
        return carnet.add_contact(
            {"first_name": first, "organisation_name": "Boulangerie Martin", **values}
        )

    lyon = {"address_line1": "12 rue Paul Bert", "postcode": "69003", "city": "Lyon"}
    owner = baker("Jean", last_name="Martin", siret="51508491100012", **lyon)
    colleague = baker("Luc", **lyon)
    homonym = baker("Jean", last_name="Martin", postcode="33000", city="Bordeaux")
    assert colleague.organisation_id == owner.organisation_id is not None
    assert homonym.organisation_id not in (None, owner.organisation_id)
    assert homonym.organisation_id is not None
    assert carnet.get_organisation(homonym.organisation_id).siren is None
    # Changing something else keeps the organisation the contact has, even a generic one.
    clerk = carnet.add_contact({"first_name": "Léa", "organisation_name": "Mairie"})
    again = carnet.update_contact(clerk.id, {"organisation_name": "Mairie", "last_name": "Roux"})
    assert again.organisation_id == clerk.organisation_id is not None


def test_organisation_crud_and_search(carnet: Carnet) -> None:
    org = carnet.add_organisation(
        {
            "name": "Boulangerie Paul",
            "siren": "732829320",
            "naf_code": "1071C",
            "size_band": "10-49",
        }
    )
    assert org.naf_code == "10.71C"
    org2 = carnet.update_organisation(org.id, {"sector": "Boulangerie"}, reason="call")
    assert org2.sector == "Boulangerie"
    assert carnet.history(org.id, entity="organisation")[-1].field == "sector"
    assert carnet.list_organisations(search="paul").total == 1
    assert carnet.list_organisations(filters={"siren": "732829320"}).total == 1
    with pytest.raises(InvalidValueError):
        carnet.add_organisation({"name": "X", "siret": "12345678901234"})
    carnet.delete_organisation(org.id)
    with pytest.raises(NotFoundError):
        carnet.get_organisation(org.id)


def test_events_move_last_activity_forward_only(carnet: Carnet) -> None:
    c = carnet.add_contact({"first_name": "Inès"})
    recent = datetime(2025, 3, 2, 10, 0, tzinfo=UTC)
    old = datetime(2019, 1, 1, tzinfo=UTC)
    carnet.record_event(c.id, "nps", occurred_at=recent, value=9, properties={"q": "reco"})
    carnet.record_event(c.id, "email_open", occurred_at=old)
    assert carnet.get_contact(c.id).last_activity == recent
    events = carnet.list_events(c.id)
    assert [e["type"] for e in events] == ["email_open", "nps"]
    assert events[1]["value"] == 9 and events[1]["properties"] == {"q": "reco"}
    with pytest.raises(NotFoundError):
        carnet.record_event(12345, "email_open")
    with pytest.raises(InvalidValueError):
        carnet.record_event(c.id, "  ")


def test_orders_with_products_and_idempotent_external_ref(carnet: Carnet) -> None:
    c = carnet.add_contact({"first_name": "Hugo"})
    when = datetime(2024, 11, 29, 15, 30, tzinfo=UTC)
    order = carnet.record_order(
        c.id,
        [
            {"sku": "TSH-01", "quantity": 2, "unit_price": "19,90", "product_name": "T-shirt"},
            {"sku": "CAP-02", "quantity": "1", "unit_price": "12.50"},
        ],
        ordered_at=when,
        external_ref="CMD-1",
        source="eshop",
    )
    assert order.total_amount == Decimal("52.30")
    again = carnet.record_order(
        c.id,
        [{"sku": "TSH-01", "quantity": 1, "unit_price": "1"}],
        external_ref="CMD-1",
        source="eshop",
    )
    assert again.id == order.id
    assert [o.id for o in carnet.list_orders(c.id)] == [order.id]
    assert carnet.get_contact(c.id).last_activity == when
    with pytest.raises(InvalidValueError, match="quantity"):
        carnet.record_order(c.id, [{"sku": "X", "quantity": 0, "unit_price": "1"}])
    with pytest.raises(InvalidValueError, match="not a number"):
        carnet.record_order(c.id, [{"sku": "X", "quantity": 1, "unit_price": "abc"}])


def test_iban_is_encrypted_at_rest_and_masked_in_history(carnet: Carnet) -> None:
    iban = "FR7630006000011234567890189"
    c = carnet.add_contact({"first_name": "Iris", "iban": "FR76 3000 6000 0112 3456 7890 189"})
    assert c.has_iban
    with carnet.engine.connect() as conn:
        stored = conn.execute(sa.select(s.contacts.c.iban_ciphertext)).scalar_one()
        history = " ".join(str(v) for v in conn.execute(sa.select(s.history.c.new_value)).scalars())
    assert iban not in stored and iban not in history
    assert carnet.reveal_iban(c.id) == iban


def test_iban_without_a_key_is_refused(db_url: str) -> None:
    ws = Carnet.init(settings=Settings(database_url=db_url))
    with pytest.raises(ConfigError, match="CARNET_ENCRYPTION_KEY"):
        ws.add_contact({"first_name": "Iris", "iban": "FR7630006000011234567890189"})


def test_custom_fields_from_configuration_are_stored_as_attributes(db_url: str) -> None:
    settings = Settings(
        database_url=db_url,
        custom_fields=({"name": "shoe_size", "kind": "integer", "synonyms": ["pointure"]},),
    )
    ws = Carnet.init(settings=settings)
    assert ws.catalog.match_header("Pointure") is ws.catalog["shoe_size"]
    c = ws.add_contact({"first_name": "Lou", "shoe_size": "38"})
    assert c.attributes == {"shoe_size": 38}
    c2 = ws.update_contact(c.id, {"shoe_size": "39"})
    assert c2.attributes == {"shoe_size": 39}
    assert ws.history(c.id)[-1].field == "shoe_size"


def test_stats_counts_everything(carnet: Carnet) -> None:
    _people(carnet)
    carnet.add_contact({"first_name": "X", "email": "bad@"}, strict=False)
    stats = carnet.stats()
    assert stats["contacts_total"] == 6
    assert stats["contact_points"]["email"]["invalid"] == 1
    assert stats["contacts_with_valid"]["email"] == 5
    assert stats["profile"] == "b2c" and stats["country"] == "FR"


def test_a_death_is_recorded_and_corrected_by_hand(carnet: Carnet) -> None:
    """A daughter calls: her mother died in March 2024. Later, the death recorded by a
    file turns out to be a homonym's: it is corrected, with a reason."""
    cid = carnet.add_contact({"first_name": "Jeanne", "last_name": "Roux"}).id
    dead = carnet.update_contact(cid, {"death_date": "03/2024"}, reason="appel de sa fille")
    assert dead.status == "deceased" and dead.attributes["death_date"] == "2024-03"
    status = next(e for e in carnet.history(cid) if e.field == "status")
    assert (status.old_value, status.new_value, status.reason) == (
        "active", "deceased", "appel de sa fille"
    )
    alive = carnet.update_contact(cid, {"deceased": "Non"}, reason="homonyme")
    assert alive.status == "active" and alive.attributes.get("death_date") is None
    assert carnet.add_contact({"last_name": "Blanc", "deceased": "Oui"}).status == "deceased"


def test_a_merged_contact_is_not_revived_by_hand(carnet: Carnet) -> None:
    a = carnet.add_contact({"first_name": "Jeanne", "last_name": "Roux"}).id
    b = carnet.add_contact({"first_name": "Jeanne", "last_name": "Roux"}).id
    carnet.merge_contacts(a, [b])
    with pytest.raises(InvalidValueError, match="is merged"):
        carnet.update_contact(b, {"deceased": "Non"})


def test_a_field_only_read_on_import_is_an_actionable_error(carnet: Carnet) -> None:
    cid = carnet.add_contact({"first_name": "Jeanne", "last_name": "Roux"}).id
    with pytest.raises(InvalidValueError, match="only read on import"):
        carnet.update_contact(cid, {"is_company": "Oui"})
