"""Exports of French tools not probed before: HelloAsso's order exports of today
("Référence commande", "Nom adhérent", "Nom payeur", "Montant tarif") for memberships and
ticketing, and Dolibarr's list of third parties ("ID professionnel 1" holding the SIREN).

What a user checks after importing them: the right fields, consents as the form asked
them, orders and their amounts, organisations with their SIREN, SIRET, VAT and NAF, every
row accounted for. The files and where their layouts come from: tests/data/tools/SOURCE.md.
"""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from pathlib import Path

import pytest
import sqlalchemy as sa
from hypothesis import given, settings
from hypothesis import strategies as st

from carnet import Carnet
from carnet.fields.catalog import default_catalog
from carnet.ingest.mapping import build_mapping
from carnet.store import schema as s
from tests.ingest.test_tools_exports import contact_by_email, file_targets, orders

DATA = Path(__file__).parent.parent / "data" / "tools"
CATALOG = default_catalog()


def points(ws: Carnet, kind: str) -> list[str]:
    with ws.engine.connect() as conn:
        return sorted(conn.execute(
            sa.select(s.contact_points.c.normalised).where(s.contact_points.c.kind == kind)
        ).scalars())


def mailable(ws: Carnet, email: str) -> bool:
    contact = contact_by_email(ws, email)
    return ws.may_contact(contact.id, "newsletter", "email").allowed


# -- HelloAsso, ticketing ----------------------------------------------------------------


def test_helloasso_ticket_numbers_are_no_phones() -> None:
    mapping = file_targets(DATA / "helloasso_billetterie.csv")
    # nine digits from 1: they looked like Paris landlines whose 0 a spreadsheet dropped
    assert mapping["Numéro de billet"] == "attribute:numero_de_billet"
    assert mapping["Téléphone"] == "phone"
    assert (mapping["Référence commande"], mapping["Date de la commande"],
            mapping["Statut de la commande"], mapping["Montant tarif"]) == (
        "order_ref", "order_date", "order_status", "line_total")
    assert mapping["Tarif"] == "product_name"  # was a custom attribute of the person
    assert (mapping["Nom participant"], mapping["Prénom participant"],
            mapping["Email participant"]) == ("last_name", "first_name", "email")
    # the payer's are kept apart: the participant is named and has an e-mail of their own
    assert mapping["Email payeur"] == "attribute:email_payeur"
    assert mapping["Je souhaite être informé(e) des prochains événements"] == (
        "optin_newsletter")


def test_a_helloasso_ticketing_import(carnet: Carnet) -> None:
    report = carnet.import_file(DATA / "helloasso_billetterie.csv")
    assert report.counts["inserted"] == 4 and report.counts["rejected"] == 0
    # only the numbers people gave: no "+33172754126" made of a ticket number
    assert points(carnet, "phone") == ["+33611223344", "+33612345678"]
    # Kévin's order holds his ticket and Inès's: one order, both lines
    assert orders(carnet) == {
        "172754126": ("paid", "40.00"), "172760001": ("paid", "20.00"),
        "172760050": ("refunded", "25.00"),
    }
    # each ticket is a line of its order, named by its rate ("Tarif")
    with carnet.engine.connect() as conn:
        lines = conn.execute(
            sa.select(s.orders.c.external_ref, s.order_lines.c.product_name,
                      s.order_lines.c.amount)
            .join(s.orders, s.orders.c.id == s.order_lines.c.order_id)
        ).all()
    assert sorted((r[0], r[1], str(r[2].quantize(Decimal("0.01")))) for r in lines) == [
        ("172754126", "Plein tarif", "25.00"), ("172754126", "Tarif réduit", "15.00"),
        ("172760001", "Plein tarif", "20.00"), ("172760050", "Plein tarif", "25.00"),
    ]
    ines = contact_by_email(carnet, "ines.garcia@free.fr")
    assert (ines.first_name, ines.last_name) == ("Inès", "Garcia")
    assert ines.attributes["email_payeur"] == "kevin.vidal@laposte.net"  # kept, not hers
    # "Je souhaite être informé(e) des prochains événements": Oui / Non as each answered
    assert mailable(carnet, "kevin.vidal@laposte.net")
    assert not mailable(carnet, "ines.garcia@free.fr")
    assert mailable(carnet, "nathan.faure@gmail.com")


@pytest.mark.parametrize(
    ("values", "target"),
    [
        (["Plein tarif", "Tarif réduit", "Plein tarif"], "product_name"),
        (["25,00", "15,00 €", "20"], "attribute:tarif"),  # prices, not what was bought
    ],
)
def test_a_rate_column_of_an_order_file_is_what_was_bought(
    values: list[str], target: str
) -> None:
    headers = ["Référence commande", "Date de la commande", "Email", "Montant", "Tarif"]
    assert build_mapping(headers, {"Tarif": values}, CATALOG).to_json()["Tarif"] == target


@pytest.mark.parametrize(
    ("header", "values", "target"),
    [
        ("Numéro de billet", ["172754126", "172754127", "172760001"], "attribute"),
        ("N° de dossier", ["612345678", "698765432", "145678910"], "attribute"),
        ("N° de contrat", ["512345678", "598765432", "545678910"], "attribute"),
        # written as one dials them (from a 0, in groups): phones whatever the header
        ("Numéro de dossier", ["0612345678", "0698765432", "0145678910"], "phone"),
        ("Numéro de contact", ["612345678", "698765432", "145678910"], "phone"),
        # a number of a line to call stays one
        ("Numéro de portable", ["612345678", "698765432", "145678910"], "mobile"),
        ("Numéro", ["0612345678", "0698765432", "0145678910"], "phone"),
        ("N° perso", ["0612345678", "0698765432", "0145678910"], "phone"),
    ],
)
def test_a_column_numbering_a_thing_is_not_made_phones_by_its_digits(
    header: str, values: list[str], target: str
) -> None:
    mapped = build_mapping([header], {header: values}, CATALOG).to_json()[header]
    assert mapped.partition(":")[0] == target


# -- HelloAsso, memberships -----------------------------------------------------------


def test_helloasso_memberships_map_the_member_and_keep_the_payer_apart() -> None:
    mapping = file_targets(DATA / "helloasso_adhesions_2025.csv")
    assert (mapping["Nom adhérent"], mapping["Prénom adhérent"]) == ("last_name", "first_name")
    assert (mapping["Nom payeur"], mapping["Prénom payeur"]) == (
        "attribute:nom_payeur", "attribute:prenom_payeur")
    assert mapping["Montant tarif"] == "line_total"
    assert mapping["Montant code promo"] == "attribute:montant_code_promo"
    assert mapping["J'accepte de recevoir la lettre d'information de l'association"] == (
        "optin_newsletter")


def test_a_helloasso_membership_import(carnet: Carnet) -> None:
    report = carnet.import_file(DATA / "helloasso_adhesions_2025.csv")
    assert report.counts["inserted"] == 5 and report.counts["rejected"] == 0
    assert orders(carnet) == {
        "152801622": ("paid", "25.00"), "152801700": ("paid", "15.00"),
        "152801734": ("paid", "20.00"), "152801800": ("paid", "100.00"),
        "152801801": ("refunded", "25.00"),
    }
    # Marie, Thomas and Jean-Pierre paid for themselves and gave no other e-mail: the
    # payer's is theirs (it was kept only as an attribute, and they had no e-mail at all)
    assert points(carnet, "email") == [
        "chloe.lefevre@gmail.com", "jp.martin@orange.fr", "marie.dupont@gmail.com",
        "thomas.roux@roux-conseil.fr"]
    assert mailable(carnet, "marie.dupont@gmail.com")
    assert not mailable(carnet, "thomas.roux@roux-conseil.fr")  # answered "Non"
    # Léo's mother paid: her e-mail is no way to reach him, kept apart
    [leo] = carnet.search_contacts("Léo")
    assert carnet.get_contact(leo.id).points_of("email") == []
    assert leo.attributes["email_payeur"] == "camille.petit@gmail.com"
    # Chloé's mother paid: Chloé keeps her own e-mail, her mother's is no way to her
    chloe = contact_by_email(carnet, "chloe.lefevre@gmail.com")
    assert (chloe.first_name, chloe.last_name) == ("Chloé", "Lefèvre")
    assert [p.normalised for p in carnet.get_contact(chloe.id).points_of("email")] == [
        "chloe.lefevre@gmail.com"]
    assert chloe.attributes["prenom_payeur"] == "Anne"
    assert carnet.may_contact(chloe.id, "newsletter", "email").allowed
    # Thomas joined through his company, named by the "Raison sociale" HelloAsso asks
    [thomas] = [c for c in carnet.search_contacts("Roux") if c.first_name == "Thomas"]
    assert carnet.get_organisation(thomas.organisation_id).name == "Roux Conseil"


# -- Dolibarr, third parties ------------------------------------------------------------


def test_dolibarr_professional_ids_are_read_by_their_values() -> None:
    mapping = file_targets(DATA / "dolibarr_tiers.csv")
    assert {h: mapping[h] for h in (
        "Nom", "ID professionnel 1", "ID professionnel 2", "ID professionnel 3", "Num TVA",
        "Effectif", "Client", "Code client",
    )} == {
        # a list of companies: the bare "Nom" is the company's, not a person's last name
        "Nom": "organisation_name",
        "ID professionnel 1": "siren",  # was read as phones: +33303265045
        "ID professionnel 2": "siret",
        "ID professionnel 3": "naf_code",
        "Num TVA": "vat_number",
        "Effectif": "size_band",
        # 0, 1, 2, 3 (none, customer, prospect, both): was the person's full name
        "Client": "attribute:client",
        "Code client": "attribute:code_client",
    }


def test_a_dolibarr_third_party_import(carnet: Carnet) -> None:
    report = carnet.import_file(DATA / "dolibarr_tiers.csv")
    assert report.counts["inserted"] == 5 and report.counts["rejected"] == 0
    assert points(carnet, "phone") == [
        "+33472123456", "+33478281122", "+33478987654", "+33478988080", "+33556112233"]
    found = {
        o.name: (o.siren, o.siret, o.vat_number, o.naf_code)
        for o in carnet.list_organisations(limit=20).items
    }
    assert found["Boulangerie Martin"] == (
        "303265045", "30326504500011", "FR40303265045", "10.71C")
    assert found["Garage Leroy"] == ("552100554", "55210055400013", "FR96552100554", "45.20A")
    assert found["Papeterie Moreau"] == ("732829320", None, None, "47.62Z")
    # a town hall with no e-mail: kept, named by its own name
    assert found["Mairie de Caluire-et-Cuire"][0] == "216900340"
    # "Forme juridique" (JuridicalStatus) is the organisation's (was a contact attribute)
    forms = {o.name: o.legal_form for o in carnet.list_organisations(limit=20).items}
    assert (forms["Boulangerie Martin"], forms["Garage Leroy"]) == ("SARL", "SAS")
    assert forms["Papeterie Moreau"] == "EI"
    assert forms["Mairie de Caluire-et-Cuire"] == "Commune"
    bakery = contact_by_email(carnet, "contact@boulangerie-martin.fr")
    # was a person called "Boulangerie" Martin
    assert (bakery.first_name, bakery.last_name) == (None, None)
    # Dolibarr's head-count codes: "EF1-5" fits a band; "EF11-50" spans two and is kept
    assert carnet.get_organisation(bakery.organisation_id).size_band == "1-9"
    garage = contact_by_email(carnet, "contact@garage-leroy.fr")
    assert garage.attributes["invalid_values"]["size_band"] == "EF11-50"


@pytest.mark.parametrize(
    ("values", "target"),
    [
        (["303265045", "552100554", "732829320"], "siren"),
        (["303 265 045", "552 100 554", "732 829 320"], "siren"),
        (["1071C", "45.20A", "47.62 Z"], "naf_code"),
        (["FR40303265045", "FR96552100554", "BE0403170701"], "vat_number"),
        # phones whose 0 a spreadsheet dropped: one in ten passes a SIREN's key by chance
        (["612345678", "698765432", "145678910", "478987654"], "phone"),
    ],
)
def test_company_identifiers_are_sniffed_under_a_vague_header(
    values: list[str], target: str
) -> None:
    assert build_mapping(["Infos"], {"Infos": values}, CATALOG).to_json()["Infos"] == target


def test_a_siren_shaped_phone_column_stays_phones() -> None:
    values = ["303265045", "552100554", "732829320"]  # pass the key, under a phone header
    assert build_mapping(["Téléphone"], {"Téléphone": values}, CATALOG).to_json()[
        "Téléphone"] == "phone"


def test_a_list_of_people_with_a_company_column_keeps_its_last_names() -> None:
    headers = ["Nom", "Email", "Société", "SIRET"]
    assert build_mapping(headers, {}, CATALOG).to_json()["Nom"] == "last_name"


# -- HubSpot, French interface ----------------------------------------------------------


def test_hubspot_unsubscribed_from_all_email_is_an_opt_out(carnet: Carnet) -> None:
    mapping = file_targets(DATA / "hubspot_contacts_optout.csv")
    # was a custom attribute: the two who unsubscribed stayed as if they had said nothing
    assert mapping["Désabonné de tous les e-mails"] == "optout_email"
    report = carnet.import_file(DATA / "hubspot_contacts_optout.csv")
    assert report.counts["inserted"] == 5 and report.counts["rejected"] == 0
    for email in ("hugo.lambert@outlook.fr", "nathan.faure@gmail.com"):
        contact = contact_by_email(carnet, email)
        for purpose in ("newsletter", "offers"):
            assert not carnet.may_contact(contact.id, purpose, "email").allowed
        assert carnet.is_suppressed(email) is not None
    # "false" is no opt-out, and no consent either
    assert carnet.is_suppressed("camille.petit@gmail.com") is None
    stages = {e: contact_by_email(carnet, e).lifecycle_stage for e in (
        "camille.petit@gmail.com", "hugo.lambert@outlook.fr", "ines.garcia@free.fr",
        "nathan.faure@gmail.com", "lea.noel@icloud.com")}
    assert stages == {
        "camille.petit@gmail.com": "customer",
        "hugo.lambert@outlook.fr": "lead",  # "Lead qualifié par le marketing"
        "ines.garcia@free.fr": "prospect",  # "Lead qualifié par l'équipe commerciale"
        "nathan.faure@gmail.com": "customer",  # "Évangéliste"
        "lea.noel@icloud.com": "lead",  # "Abonné"
    }


# -- WooCommerce, customers report ------------------------------------------------------


def test_woocommerce_customers_report(carnet: Carnet) -> None:
    mapping = file_targets(DATA / "woocommerce_customers.csv")
    assert {h: mapping[h] for h in ("Role", "Orders", "Date registered", "Last active")} == {
        "Role": "attribute:role",  # was the job title: "customer", "shop_manager"
        "Orders": "order_count",  # was an order's number: orders "3" and "1" made up
        "Date registered": "signup_date",  # was the date of those orders
        "Last active": "last_activity",
    }
    report = carnet.import_file(DATA / "woocommerce_customers.csv")
    assert report.counts["inserted"] == 5 and report.counts["rejected"] == 0
    assert orders(carnet) == {}
    claire = contact_by_email(carnet, "claire.bonnet@gmail.com")
    assert (claire.first_name, claire.last_name, claire.job_title) == ("Claire", "Bonnet", None)
    assert claire.attributes["order_count"] == 3
    assert Decimal(claire.attributes["total_spent"]) == Decimal("109.70")
    assert claire.first_seen.replace(tzinfo=None) == datetime(2022, 5, 3, 7, 12, 44)


@pytest.mark.parametrize(
    ("values", "target"),
    [
        (["customer", "subscriber", "customer", "shop_manager"], "attribute:role"),
        (["Gérante", "Responsable achats", "Comptable"], "job_title"),
    ],
)
def test_a_role_column_is_a_job_title_unless_it_holds_account_roles(
    values: list[str], target: str
) -> None:
    assert build_mapping(["Role"], {"Role": values}, CATALOG).to_json()["Role"] == target


# -- Weezevent, participants of its API -------------------------------------------------


def test_a_file_whose_only_people_are_someone_elses_says_so(
    carnet: Carnet, tmp_path: Path
) -> None:
    """Weezevent's API gives a ticket's holder as "owner", the word CRMs use for the
    salesperson in charge: carnet keeps them apart, and says how to take them in."""
    path = DATA / "weezevent_participants.json"
    report = carnet.import_file(path, rejected_dir=tmp_path)
    assert report.counts["rejected"] == 4  # every row accounted for, none lost
    [warning] = [w for w in report.warnings if "own person" in w]
    assert "'owner.email'" in warning and "mapping file" in warning
    mapping = tmp_path / "weezevent.json"
    mapping.write_text(
        '{"owner.first_name": "first_name", "owner.last_name": "last_name",'
        ' "owner.email": "email"}', encoding="utf-8")
    report = carnet.import_file(path, rejected_dir=tmp_path, mapping_file=mapping)
    assert report.counts["inserted"] == 4 and report.counts["rejected"] == 0
    camille = contact_by_email(carnet, "camille.petit@gmail.com")
    assert (camille.first_name, camille.last_name) == ("Camille", "Petit")
    assert camille.attributes["barcode"] == "510024576310"  # a ticket's, not a phone
    assert points(carnet, "phone") == []


# -- properties of the company identifiers' sniffing -------------------------------------


def _with_luhn_key(stem: str) -> str:
    """``stem`` and the digit that makes it pass the Luhn key (a SIREN's last digit)."""
    for last in "0123456789":
        digits = stem + last
        total = sum(
            (d * 2 - 9 if d * 2 > 9 else d * 2) if i % 2 else d
            for i, d in enumerate(int(c) for c in reversed(digits))
        )
        if total % 10 == 0:
            return digits
    raise AssertionError("no Luhn key")  # pragma: no cover


_STEMS = st.text(alphabet="0123456789", min_size=8, max_size=8).filter(lambda s: s[0] != "0")


@settings(max_examples=60, deadline=None)
@given(st.lists(_STEMS, min_size=3, max_size=12, unique=True))
def test_sirens_under_a_vague_header_are_sirens(stems: list[str]) -> None:
    values = [_with_luhn_key(stem) for stem in stems]
    assert build_mapping(["Infos"], {"Infos": values}, CATALOG).to_json()["Infos"] == "siren"


_MOBILES = st.builds(
    lambda first, rest: f"0{first} {rest[0:2]} {rest[2:4]} {rest[4:6]} {rest[6:8]}",
    st.sampled_from("67"), st.text(alphabet="0123456789", min_size=8, max_size=8),
)


@settings(max_examples=60, deadline=None)
@given(st.lists(_MOBILES, min_size=3, max_size=12, unique=True),
       st.sampled_from(["Infos", "Téléphone", "Numéro", "Portable"]))
def test_french_mobiles_are_never_taken_for_company_identifiers(
    numbers: list[str], header: str
) -> None:
    target = build_mapping([header], {header: numbers}, CATALOG).to_json()[header]
    assert target in ("phone", "mobile")
