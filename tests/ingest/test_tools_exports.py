"""Exports of the tools small French companies and associations use (HelloAsso,
Eventbrite, WooCommerce, Odoo, Axonaut, PrestaShop, Typeform, hand-typed sheets):
which field each column feeds, and what the import makes of them on both databases.

The files under tests/data/tools/ and their shapes are described in SOURCE.md there.
"""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa

from carnet import Carnet
from carnet.fields.catalog import default_catalog
from carnet.ingest.mapping import build_mapping
from carnet.ingest.readers import open_table
from carnet.ingest.write_activity import order_status
from carnet.store import schema as s
from tests.ingest.conftest import write_csv

DATA = Path(__file__).parent.parent / "data" / "tools"
CATALOG = default_catalog()


def file_targets(path: Path) -> dict[str, str]:
    """header → target as the import maps the file (from its first rows)."""
    table = open_table(path)
    sample = next(iter(table.batches_columns(size=200)))
    return build_mapping(table.headers, sample.columns, CATALOG).to_json()


def orders(ws: Carnet) -> dict[str, tuple[str, str]]:
    """external_ref → (status, total) of every order."""
    with ws.engine.connect() as conn:
        rows = conn.execute(
            sa.select(s.orders.c.external_ref, s.orders.c.status, s.orders.c.total_amount)
        ).all()
    return {r.external_ref: (r.status, str(Decimal(r.total_amount).quantize(Decimal("0.01"))))
            for r in rows}


def test_eventbrite_barcodes_are_no_phones_and_tickets_are_paid_or_refunded() -> None:
    mapping = file_targets(DATA / "eventbrite_attendees.csv")
    # 12-digit ticket barcodes looked like phone numbers to the content sniffer
    assert mapping["Barcode #"] == "attribute:barcode"
    assert mapping["Attendee #"] == "attribute:attendee"
    assert mapping["Total Paid"] == "line_total"
    assert mapping["Attendee Status"] == "order_status"
    assert mapping["Cell Phone"] == "mobile"


def test_an_eventbrite_import_keeps_phones_real_and_counts_refunds(carnet: Carnet) -> None:
    report = carnet.import_file(DATA / "eventbrite_attendees.csv")
    assert report.counts["rejected"] == 0
    with carnet.engine.connect() as conn:
        phones = conn.execute(
            sa.select(s.contact_points.c.normalised).where(s.contact_points.c.kind == "phone")
        ).scalars().all()
    assert sorted(phones) == ["+33601020304", "+33612345678"]
    assert orders(carnet) == {
        "5123456789": ("paid", "25.50"),
        "5123456790": ("paid", "40.00"),
        "5123456791": ("cancelled", "0.00"),
        "5123456792": ("refunded", "25.50"),
    }


@pytest.mark.parametrize(
    ("digits", "sniffed"),
    [
        (["112233440011", "112233450011", "112233460011"], None),  # ticket barcodes
        (["3760123456789", "3760123456796", "3760123456802"], None),  # EAN-13
        (["5123456789", "5123456790", "5123456791"], None),  # order numbers
        (["0612345678", "0698765432", "0145678910"], "phone"),
        (["612345678", "698765432", "145678910"], "phone"),  # Excel dropped the 0
        (["33612345678", "33698765432", "33145678910"], "phone"),
        (["06 12 34 56 78", "+32 475 12 34 56", "0033 6 98 76 54 32"], "phone"),
    ],
)
def test_only_dialable_digit_runs_make_an_unnamed_column_phones(
    digits: list[str], sniffed: str | None
) -> None:
    mapping = build_mapping(["Code"], {"Code": digits}, CATALOG).to_json()
    assert mapping["Code"] == (sniffed or "attribute:code")


def test_woocommerce_shipping_cost_is_no_order_line(carnet: Carnet) -> None:
    mapping = file_targets(DATA / "woocommerce_orders.csv")
    assert mapping["shipping_total"] == "attribute:shipping_total"
    assert mapping["order_total"] == "order_total"
    assert mapping["billing_phone"] == "phone"
    carnet.import_file(DATA / "woocommerce_orders.csv")
    assert orders(carnet) == {
        "1450": ("shipped", "54.80"),
        "1451": ("refunded", "19.90"),
        "1452": ("cancelled", "30.00"),
        "1453": ("abandoned", "12.00"),
    }
    with carnet.engine.connect() as conn:
        amounts = conn.execute(sa.select(s.order_lines.c.amount)).scalars().all()
    # the 4,90 of shipping was an order line of its own
    assert Decimal("4.90") not in {Decimal(a).quantize(Decimal("0.01")) for a in amounts}


def phones_of(ws: Carnet, email: str) -> list[str]:
    contact = contact_by_email(ws, email)
    with ws.engine.connect() as conn:
        return sorted(conn.execute(
            sa.select(s.contact_points.c.normalised).where(
                s.contact_points.c.contact_id == contact.id, s.contact_points.c.kind == "phone")
        ).scalars())


def test_a_gifts_shipping_phone_is_the_recipients(carnet: Carnet) -> None:
    """Order 1451 is Marc's, shipped to Julie: her phone is not his. Claire ships to
    herself: her shipping phone is hers."""
    carnet.import_file(DATA / "woocommerce_orders.csv")
    assert phones_of(carnet, "marc.vidal@hotmail.fr") == ["+33698765432"]
    marc = contact_by_email(carnet, "marc.vidal@hotmail.fr")
    assert marc.attributes["shipping_phone"] == "07 81 23 45 67"  # kept, not lost
    assert phones_of(carnet, "claire.bonnet@gmail.com") == ["+33612345678", "+33711223344"]


@pytest.mark.parametrize(
    ("shipped_to", "buyers"),
    [
        (["", ""], True),  # no shipping name: the buyer's address
        (["Claire", "Bonnet"], True),
        (["BONNET", "Claire"], True),  # typed the other way round
        (["Julie", "Bonnet"], False),  # her daughter
        (["Paul", "Martin"], False),
    ],
)
def test_a_shipping_phone_is_the_buyers_only_under_the_buyers_name(
    tmp_path: Path, carnet: Carnet, shipped_to: list[str], buyers: bool
) -> None:
    path = write_csv(
        tmp_path / "orders.csv",
        ["order_id", "order_date", "order_total", "billing_first_name", "billing_last_name",
         "billing_email", "shipping_first_name", "shipping_last_name", "shipping_phone"],
        [["1460", "2024-02-01 10:00:00", "30.00", "Claire", "Bonnet",
          "claire.bonnet@gmail.com", *shipped_to, "07 11 22 33 44"]],
        encoding="utf-8", delimiter=",",
    )
    carnet.import_file(path)
    assert phones_of(carnet, "claire.bonnet@gmail.com") == (["+33711223344"] if buyers else [])


@pytest.mark.parametrize(
    ("written", "status"),
    [
        ("Validé", "paid"), ("Validée", "paid"), ("Refusé", "cancelled"),
        ("wc-failed", "cancelled"), ("Échouée", "cancelled"), ("wc-checkout-draft", "abandoned"),
        ("Paiement à distance accepté", "paid"),
        ("En attente de paiement à la livraison", "pending"),
        ("partially_refunded", "paid"), ("Remboursement partiel", "paid"),
        ("Attending", "paid"), ("Checked In", "paid"), ("Not Attending", "cancelled"),
        ("holded", "pending"), ("Brouillon", "abandoned"),
        ("Successful", "paid"), ("succeeded", "paid"), ("Réussie", "paid"),  # SumUp, Stripe
    ],
)
def test_statuses_of_french_tools_are_understood(written: str, status: str) -> None:
    assert order_status(written) == status


def test_helloasso_donations_are_payments_with_their_refunds(carnet: Carnet) -> None:
    mapping = file_targets(DATA / "helloasso_dons.csv")
    assert (mapping["Numéro"], mapping["Date"], mapping["Montant"], mapping["Statut"]) == (
        "order_ref", "order_date", "line_total", "order_status")
    report = carnet.import_file(DATA / "helloasso_dons.csv")
    assert report.counts["inserted"] == 2 and report.counts["merged"] == 1
    assert orders(carnet) == {
        "7701": ("paid", "50.00"), "7702": ("paid", "120.00"), "7703": ("refunded", "20.00"),
    }


def test_helloasso_memberships_and_their_additional_fields() -> None:
    mapping = file_targets(DATA / "helloasso_adhesions.csv")
    assert mapping["Montant adhésion"] == "line_total"
    assert mapping["Numéro"] == "order_ref" and mapping["Date"] == "order_date"
    # the form builder's prefix hid the field: a mobile, not any phone found by content
    assert mapping["Champ additionnel: Téléphone portable"] == "mobile"
    assert mapping["Champ additionnel: Droit à l'image"].startswith("attribute:")


def test_a_number_is_a_payments_only_beside_a_payment_method() -> None:
    headers = ["Numéro", "Nom", "Prénom", "Statut", "Montant"]
    assert build_mapping(headers, {}, CATALOG).to_json()["Numéro"] == "attribute:numero"


def test_odoo_whole_names_are_split_and_the_linked_company_kept(carnet: Carnet) -> None:
    mapping = file_targets(DATA / "odoo_contacts.csv")
    assert mapping["Nom"] == "full_name"
    assert mapping["Société liée"] == "organisation_name"
    carnet.import_file(DATA / "odoo_contacts.csv")
    jp = carnet.search_contacts("jp.martin@orange.fr")[0]
    assert (jp.civility, jp.first_name, jp.last_name) == ("M.", "Jean-Pierre", "Martin")
    # Odoo's "Langue" is the English name and the language's own: "French / Français"
    assert jp.language == "fr" and "language" not in jp.attributes.get("invalid_values", {})
    sophie = carnet.search_contacts("sophie.leroy@gmail.com")[0]
    assert (sophie.first_name, sophie.last_name) == ("Sophie", "Leroy")


def contact_by_email(ws: Carnet, email: str) -> Any:
    with ws.engine.connect() as conn:
        contact_id = conn.execute(
            sa.select(s.contact_points.c.contact_id).where(s.contact_points.c.normalised == email)
        ).scalar_one()
    return ws.get_contact(contact_id)


def test_odoo_companies_become_organisations_their_people_linked(carnet: Carnet) -> None:
    """Odoo exports companies and people in one list; "Est une société" tells them apart."""
    assert file_targets(DATA / "odoo_contacts.csv")["Est une société"] == "is_company"
    report = carnet.import_file(DATA / "odoo_contacts.csv")
    assert report.counts["inserted"] == 5 and report.counts["rejected"] == 0
    bakery = contact_by_email(carnet, "contact@boulangerie-martin.fr")
    # was a person called Martin Boulangerie
    assert (bakery.civility, bakery.first_name, bakery.last_name) == (None, None, None)
    organisation = carnet.get_organisation(bakery.organisation_id)
    assert (organisation.name, organisation.vat_number) == ("Boulangerie Martin", "FR40303265045")
    jp = contact_by_email(carnet, "jp.martin@orange.fr")
    assert (jp.first_name, jp.last_name, jp.organisation_id) == (
        "Jean-Pierre", "Martin", bakery.organisation_id)
    assert contact_by_email(carnet, "sophie.leroy@gmail.com").last_name == "Leroy"
    # a company's "Société liée" is its parent company, not its name
    shop = contact_by_email(carnet, "croixrousse@boulangerie-martin.fr")
    assert shop.last_name is None and shop.attributes["parent_company"] == "Boulangerie Martin"
    assert carnet.get_organisation(shop.organisation_id).name == "Boulangerie Martin Croix-Rousse"
    # a company with no e-mail or phone of its own is named by its company: kept, not rejected
    names = {o.name for o in carnet.list_organisations().items}
    assert "Mairie de Caluire-et-Cuire" in names
    assert carnet.import_file(DATA / "odoo_contacts.csv").counts["unchanged"] == 5


def test_a_type_of_company_or_person_splits_a_crm_list(carnet: Carnet, tmp_path: Path) -> None:
    path = write_csv(
        tmp_path / "tiers.csv",
        ["Type", "Nom", "Prénom", "Email", "Ville"],
        [["Société", "Garage Leroy", "", "contact@garage-leroy.fr", "Lyon"],
         ["Particulier", "LEROY", "Sophie", "sophie.leroy@gmail.com", "Lyon"],
         # the file says a person: a name that looks like a company's stays hers
         ["Particulier", "Ets Martin", "", "ets.martin@free.fr", "Lyon"]],
    )
    carnet.import_file(path)
    garage = contact_by_email(carnet, "contact@garage-leroy.fr")
    assert garage.last_name is None
    assert carnet.get_organisation(garage.organisation_id).name == "Garage Leroy"
    sophie = contact_by_email(carnet, "sophie.leroy@gmail.com")
    assert (sophie.first_name, sophie.last_name, sophie.organisation_id) == (
        "Sophie", "Leroy", None)
    assert contact_by_email(carnet, "ets.martin@free.fr").organisation_id is None


def test_a_professional_customer_named_beside_the_company_is_a_person(
    carnet: Carnet, tmp_path: Path
) -> None:
    path = write_csv(
        tmp_path / "clients.csv",
        ["Type de client", "Société", "Prénom", "Nom", "Email"],
        [["Professionnel", "Garage Leroy", "Sophie", "Leroy", "sophie@garage-leroy.fr"],
         ["Particulier", "", "Marc", "Petit", "marc.petit@free.fr"]],
    )
    carnet.import_file(path)
    sophie = contact_by_email(carnet, "sophie@garage-leroy.fr")
    assert (sophie.first_name, sophie.last_name) == ("Sophie", "Leroy")
    assert carnet.get_organisation(sophie.organisation_id).name == "Garage Leroy"


@pytest.mark.parametrize(
    ("header", "values", "target"),
    [
        ("Est une société", ["True", "False", "False"], "is_company"),  # Odoo, French UI
        ("Is a Company", ["True", "False"], "is_company"),  # Odoo, English UI
        ("Type", ["Société", "Particulier", "Particulier"], "is_company"),
        ("Personne morale", ["Oui", "Non"], "is_company"),
        ("Type de contact", ["Entreprise", "Contact", "Contact"], "is_company"),
        ("Type", ["Company", "Person"], "is_company"),
        ("Account type", ["Business", "Personal"], "is_company"),
        ("Type", ["Client", "Prospect", "Fournisseur"], "lifecycle_stage"),  # Sellsy
        ("Statut", ["Client", "Prospect", "Ancien client"], "lifecycle_stage"),  # Axonaut
        ("Lifecycle Stage", ["Customer", "Lead", "Opportunity", "Subscriber"],
         "lifecycle_stage"),  # HubSpot
        ("Phase du cycle de vie", ["Client", "Abonné"], "lifecycle_stage"),
        # neither: the values say what the column is not
        ("Type", ["Adhésion", "Don", "Billetterie"], "attribute:type"),
        ("Type de contact", ["Contact", "Contact"], "attribute:type_de_contact"),
        ("Statut", ["Actif", "Inactif"], "attribute:statut"),
    ],
)
def test_a_type_column_is_read_by_its_values(
    header: str, values: list[str], target: str
) -> None:
    headers = ["Nom", "Prénom", "Email", header]
    assert build_mapping(headers, {header: values}, CATALOG).to_json()[header] == target


def test_a_status_beside_order_amounts_stays_the_orders() -> None:
    headers = ["Numéro", "Date", "Montant", "Statut", "Moyen de paiement", "Nom"]
    sample = {"Statut": ["Validé", "Remboursé", "Validé"]}
    assert build_mapping(headers, sample, CATALOG).to_json()["Statut"] == "order_status"


def test_crm_lifecycle_stages_are_imported(carnet: Carnet) -> None:
    """Axonaut's "Statut" and HubSpot's "Phase du cycle de vie" (French UI)."""
    carnet.import_file(DATA / "axonaut_contacts.csv")
    # HubSpot's record id in French is the source's id: a re-import finds its rows
    assert file_targets(DATA / "hubspot_contacts.csv")["ID de fiche d'informations"] == (
        "external_id"
    )
    carnet.import_file(DATA / "hubspot_contacts.csv")
    stages = {
        email: contact_by_email(carnet, email).lifecycle_stage
        for email in ("jp.martin@orange.fr", "sophie@garage-leroy.fr",
                      "thomas.roux@imprimerie-roux.fr", "elise@papeterie-moreau.fr",
                      "camille.petit@gmail.com", "hugo.lambert@outlook.fr",
                      "ines.garcia@free.fr", "nathan.faure@gmail.com", "lea.noel@icloud.com")
    }
    assert stages == {
        "jp.martin@orange.fr": "customer", "sophie@garage-leroy.fr": "prospect",
        "thomas.roux@imprimerie-roux.fr": "former_customer",
        "elise@papeterie-moreau.fr": None,  # a supplier has no stage
        "camille.petit@gmail.com": "customer", "hugo.lambert@outlook.fr": "lead",
        "ines.garcia@free.fr": "prospect", "nathan.faure@gmail.com": "lead",
        "lea.noel@icloud.com": None,  # HubSpot's "Autre"
    }
    # kept as written, never lost
    supplier = contact_by_email(carnet, "elise@papeterie-moreau.fr")
    assert supplier.attributes["invalid_values"]["lifecycle_stage"] == "Fournisseur"


@pytest.mark.parametrize(
    "names",
    [
        ["Leroy", "Martin", "Le Gall", "Dupont"],  # last names, some of two words
        ["Leroy", "Martin", "Da Silva"],
    ],
)
def test_a_column_of_last_names_stays_last_names(names: list[str]) -> None:
    mapping = build_mapping(["Nom", "Email"], {"Nom": names}, CATALOG).to_json()
    assert mapping["Nom"] == "last_name"


def test_a_bare_name_beside_a_first_name_stays_the_last_name() -> None:
    sample = {"Nom": ["Jean Dupont", "Marie Curie"], "Prénom": ["Jean", "Marie"]}
    assert build_mapping(["Nom", "Prénom"], sample, CATALOG).to_json()["Nom"] == "last_name"


def test_axonaut_billing_address_parts_named_after_the_part(tmp_path: Path) -> None:
    header = ["Nom de l'entreprise", "Prénom du contact", "Nom du contact",
              "Email du contact", "Adresse de facturation", "Code postal de facturation",
              "Ville de facturation", "Pays de facturation", "Adresse de livraison",
              "Ville de livraison"]
    mapping = build_mapping(header, {}, CATALOG)
    assert mapping.to_json() == {
        "Nom de l'entreprise": "organisation_name", "Prénom du contact": "first_name",
        "Nom du contact": "full_name", "Email du contact": "email",
        "Adresse de facturation": "address_line1", "Code postal de facturation": "postcode",
        "Ville de facturation": "city", "Pays de facturation": "country",
        # a second address is kept whole, never mixed into the first one
        "Adresse de livraison": "attribute:adresse_de_livraison",
        "Ville de livraison": "attribute:ville_de_livraison",
    }


def test_form_and_hand_typed_headers() -> None:
    headers = ["Et votre nom de famille ?", "Submit Date (UTC)", "Tel fixe / portable",
               "Lettre d'informations", "Ventes", "Champ complémentaire 2 - Ville"]
    assert build_mapping(headers, {}, CATALOG).to_json() == {
        "Et votre nom de famille ?": "last_name",  # Typeform's conversational question
        "Submit Date (UTC)": "activity_date",  # Typeform: when the answer was sent
        "Tel fixe / portable": "phone",  # either kind of number, in one column
        "Lettre d'informations": "optin_newsletter",  # PrestaShop's French back office
        "Ventes": "total_spent",  # PrestaShop's customer list
        "Champ complémentaire 2 - Ville": "city",
    }


def newsletter_events(ws: Carnet, email: str) -> list[tuple[str, datetime, Any]]:
    """(action, when, proof) of a contact's newsletter consent events, in order."""
    contact = contact_by_email(ws, email)
    ce = s.consent_events
    with ws.engine.connect() as conn:
        rows = conn.execute(
            sa.select(ce.c.action, ce.c.occurred_at, ce.c.proof)
            .where(ce.c.contact_id == contact.id, ce.c.purpose == "newsletter")
            .order_by(ce.c.occurred_at, ce.c.id)
        ).all()
    return [(r.action, r.occurred_at.replace(tzinfo=None), r.proof) for r in rows]


def test_a_ticket_buyers_newsletter_answer_is_dated_by_the_order(carnet: Carnet) -> None:
    carnet.import_file(DATA / "eventbrite_attendees.csv")
    [(action, when, proof)] = newsletter_events(carnet, "camille.petit@gmail.com")
    # "Order Date" 2023-10-05 18:22:31+02:00, when the box was ticked: not the import's day
    assert (action, when) == ("granted", datetime(2023, 10, 5, 16, 22, 31))
    assert proof["dated_by"] == "order_date" and proof["row"] == 1


def test_a_members_answers_are_dated_by_each_membership(carnet: Carnet) -> None:
    """HelloAsso: Marie said yes with her membership of 15/09 and no with the one of
    19/09 (the "Date" of each row); the later answer stands."""
    carnet.import_file(DATA / "helloasso_adhesions.csv")
    events = newsletter_events(carnet, "marie.dupont@gmail.com")
    assert [(a, w) for a, w, _ in events] == [
        ("granted", datetime(2023, 9, 15, 12, 32, 10)),
        ("withdrawn", datetime(2023, 9, 19, 8, 0)),
    ]
    marie = contact_by_email(carnet, "marie.dupont@gmail.com")
    assert not carnet.may_contact(marie.id, "newsletter", "email").allowed


def test_an_older_orders_yes_does_not_reopen_a_later_opposition(
    carnet: Carnet, tmp_path: Path
) -> None:
    carnet.import_file(DATA / "eventbrite_attendees.csv")
    camille = contact_by_email(carnet, "camille.petit@gmail.com")
    carnet.withdraw_consent(camille.id, None, "email")
    # the export of another event, whose order was placed before she withdrew
    path = write_csv(
        tmp_path / "eventbrite_gala.csv",
        ["Order #", "Order Date", "First Name", "Last Name", "Email", "Total Paid",
         "Attendee Status", "Would you like to receive our newsletter?"],
        [["5123456800", "2023-12-01 20:00:00+01:00", "Camille", "Petit",
          "camille.petit@gmail.com", "30.00", "Attending", "Yes"]],
        encoding="utf-8", delimiter=",",
    )
    carnet.import_file(path)
    assert ("granted", datetime(2023, 12, 1, 19, 0)) in [
        (a, w) for a, w, _ in newsletter_events(carnet, "camille.petit@gmail.com")]
    assert not carnet.may_contact(camille.id, "newsletter", "email").allowed


def test_a_typeform_answer_dates_its_consent(carnet: Carnet, tmp_path: Path) -> None:
    path = write_csv(
        tmp_path / "typeform.csv",
        ["#", "Quel est votre prénom ?", "Et votre nom de famille ?",
         "Quelle est votre adresse e-mail ?", "Acceptez-vous de recevoir nos offres par e-mail ?",
         "Start Date (UTC)", "Submit Date (UTC)"],
        [["a1b2c3d4e5", "Julien", "Robin", "julien.robin@gmail.com", "1",
          "2024-03-05 09:00:12", "2024-03-05 09:02:47"]],
        encoding="utf-8", delimiter=",",
    )
    carnet.import_file(path)
    julien = carnet.search_contacts("julien.robin@gmail.com")[0]
    assert julien.last_name == "Robin"
    with carnet.engine.connect() as conn:
        granted = conn.execute(
            sa.select(s.consent_events.c.occurred_at).where(
                s.consent_events.c.contact_id == julien.id,
                s.consent_events.c.action == "granted",
            )
        ).scalar_one()
    assert (granted.year, granted.month, granted.day, granted.hour, granted.minute) == (
        2024, 3, 5, 9, 2)


def test_a_flag_an_orders_export_repeats_is_not_dated_by_each_order(
    carnet: Carnet, tmp_path: Path
) -> None:
    """Shopify's orders export gives the customer's "Accepts Marketing" as it stands on the
    export's day, on every order: dating it by an old order would make a recent opt-in
    look years old, and a recent unsubscribe older than a later grant."""
    path = write_csv(
        tmp_path / "orders_export.csv",
        ["Name", "Email", "Financial Status", "Accepts Marketing", "Created at", "Total",
         "Billing Name"],
        [["#1001", "lea.roux@gmail.com", "paid", "yes", "2019-03-02 10:00:00 +0100", "40.00",
          "Léa Roux"],
         ["#1002", "lea.roux@gmail.com", "paid", "yes", "2021-06-12 15:30:00 +0200", "25.00",
          "Léa Roux"]],
        encoding="utf-8", delimiter=",",
    )
    carnet.import_file(path)
    events = newsletter_events(carnet, "lea.roux@gmail.com")
    assert [a for a, _, _ in events] == ["granted"]
    assert all(w.year > 2021 for _, w, _ in events)  # dated when carnet learnt it
    assert all("dated_by" not in p for _, _, p in events)
