"""Exports of the e-mailing, CRM, shop, payment, contacts and lead tools a French
marketing manager uses (Mailchimp, Brevo, Pipedrive, Salesforce, Zoho, PrestaShop,
Stripe, Google Contacts, Facebook Lead Ads, Typeform): what each column feeds, and
above all the consents, withdrawals and suppressions each file leaves, on both
databases.

The files under tests/data/tools/ and their shapes are described in SOURCE.md there.
"""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from carnet import Carnet
from carnet.ingest.mapping import build_mapping
from tests.ingest.conftest import write_csv
from tests.ingest.test_tools_exports import CATALOG, DATA, file_targets, orders


def the(ws: Carnet, email: str) -> int:
    [contact] = ws.search_contacts(email)
    return int(contact.id)


def history(ws: Carnet, email: str, purpose: str = "newsletter") -> list[tuple[str, datetime]]:
    """(action, moment) of a contact's consent events for one purpose, oldest first."""
    return [(e["action"], e["occurred_at"]) for e in ws.consent_history(the(ws, email))
            if e["purpose"] == purpose]


def proofs(ws: Carnet, email: str) -> dict[str, dict[str, Any]]:
    """action → proof of a contact's newsletter events."""
    return {e["action"]: e["proof"] for e in ws.consent_history(the(ws, email))
            if e["purpose"] == "newsletter"}


def at(*parts: int) -> datetime:
    return datetime(*parts, tzinfo=UTC)


# -- Mailchimp -----------------------------------------------------------------------------


def test_a_mailchimp_unsubscribe_with_only_a_confirmation_time_stays_withdrawn(
    carnet: Carnet,
) -> None:
    """Thomas was imported into Mailchimp: no OPTIN_TIME, a CONFIRM_TIME, then an
    UNSUB_TIME. His undated grant was dated by the import, after the withdrawal, and
    left him subscribed."""
    carnet.import_file(DATA / "mailchimp_unsubscribed.csv")
    assert history(carnet, "thomas.blanc@yahoo.fr") == [
        ("granted", at(2021, 1, 15, 11)),
        ("confirmed", at(2021, 1, 15, 11)),
        ("withdrawn", at(2023, 11, 2, 8)),
    ]
    assert not carnet.may_contact(the(carnet, "thomas.blanc@yahoo.fr"), "newsletter", "email")
    assert not carnet.may_contact(the(carnet, "anne.morel@gmail.com"), "newsletter", "email")


def test_an_undated_grant_beside_a_dated_withdrawal_is_not_recorded(
    carnet: Carnet, tmp_path: Path
) -> None:
    path = write_csv(
        tmp_path / "newsletter.csv", ["Email", "Newsletter", "Date de désinscription"],
        [["lea.petit@free.fr", "oui", "02/03/2024"]],
    )
    carnet.import_file(path)
    # the dated withdrawal alone (evidence worth keeping), not a grant dated by the import
    assert [action for action, _ in history(carnet, "lea.petit@free.fr")] == ["withdrawn"]
    assert not carnet.may_contact(the(carnet, "lea.petit@free.fr"), "newsletter", "email")


def test_mailchimps_confirm_ip_is_the_proof_of_the_double_opt_in(carnet: Carnet) -> None:
    """CONFIRM_IP was a custom attribute; the confirmation carried OPTIN_IP instead."""
    assert file_targets(DATA / "mailchimp_subscribed.csv")["CONFIRM_IP"] == "optin_confirmed_ip"
    carnet.import_file(DATA / "mailchimp_subscribed.csv")
    luc = proofs(carnet, "luc.girard@laposte.net")
    assert luc["confirmed"]["ip"] == "90.12.1.2"
    assert "ip" not in luc["granted"]  # no OPTIN_IP: the sign-up's IP is unknown
    sophie = proofs(carnet, "sophie.martin@gmail.com")
    assert sophie["granted"]["ip"] == sophie["confirmed"]["ip"] == "81.250.12.34"


def test_the_sign_up_ip_is_no_proof_of_the_unsubscribe(carnet: Carnet) -> None:
    carnet.import_file(DATA / "mailchimp_unsubscribed.csv")
    anne = proofs(carnet, "anne.morel@gmail.com")
    assert anne["granted"]["ip"] == "82.64.1.1"
    assert "ip" not in anne["withdrawn"]


def test_an_unsubscribe_list_keeps_the_ip_of_each_click(carnet: Carnet, tmp_path: Path) -> None:
    carnet.import_file(write_csv(
        tmp_path / "abonnes.csv", ["Email", "Optin newsletter"], [["paul.roy@free.fr", "oui"]]))
    path = write_csv(
        tmp_path / "desinscriptions.csv", ["Email", "Date de désinscription", "Adresse IP"],
        [["paul.roy@free.fr", "02/03/2024 10:00", "192.0.2.9"]],
    )
    carnet.import_file(path)
    assert proofs(carnet, "paul.roy@free.fr")["withdrawn"]["ip"] == "192.0.2.9"


def test_mailchimps_api_members_by_their_status(carnet: Carnet) -> None:
    """The API's members as NDJSON: merge fields FNAME and LNAME were attributes, and
    "status" (subscribed, unsubscribed, cleaned) said nothing to the import; once
    timestamp_opt dated a confirmation, an unsubscribed or cleaned member would have
    been imported as confirmed."""
    mapping = file_targets(DATA / "mailchimp_members.ndjson")
    assert mapping["status"] == "optin_newsletter"
    assert mapping["merge_fields.FNAME"] == "first_name"
    assert mapping["merge_fields.LNAME"] == "last_name"
    assert mapping["timestamp_opt"] == "optin_confirmed_at"
    assert mapping["ip_opt"] == "optin_confirmed_ip"
    report = carnet.import_file(DATA / "mailchimp_members.ndjson")
    assert report.counts["inserted"] == 3 and report.counts["rejected"] == 0
    ines = carnet.get_contact(the(carnet, "ines.colin@gmail.com"))
    assert (ines.first_name, ines.last_name) == ("Inès", "Colin")
    assert history(carnet, "ines.colin@gmail.com") == [
        ("granted", at(2023, 5, 1, 10)), ("confirmed", at(2023, 5, 1, 10))]
    assert carnet.may_contact(ines.id, "newsletter", "email")
    # unsubscribed: no consent, whatever its old confirmation said
    assert not carnet.may_contact(the(carnet, "remi.noel@sfr.fr"), "newsletter", "email")
    # cleaned: Mailchimp's hard bounce
    gerard = the(carnet, "vieux.mail@club-internet.fr")
    [email] = carnet.get_contact(gerard).emails
    assert email.verdict == "bounced"
    entry = carnet.is_suppressed("vieux.mail@club-internet.fr")
    assert entry is not None and entry.reason == "hard_bounce"
    assert report.suppressions == {"hard_bounce": 1}
    assert not carnet.may_contact(gerard, "newsletter", "email")
    again = carnet.import_file(DATA / "mailchimp_members.ndjson")
    assert again.counts["unchanged"] == 3


def test_an_unsubscribed_status_withdraws_a_consent_the_ledger_holds(
    carnet: Carnet, tmp_path: Path
) -> None:
    carnet.import_file(DATA / "mailchimp_members.ndjson")
    path = tmp_path / "members_later.ndjson"
    path.write_text(
        '{"email_address": "ines.colin@gmail.com", "status": "unsubscribed"}\n'
        '{"email_address": "vieux.mail@club-internet.fr", "status": "pending"}\n',
        encoding="utf-8",
    )
    report = carnet.import_file(path)
    assert report.mapping.to_json()["status"] == "optin_newsletter"
    assert [a for a, _ in history(carnet, "ines.colin@gmail.com")][-1] == "withdrawn"
    gerard = carnet.get_contact(the(carnet, "vieux.mail@club-internet.fr"))
    # "pending" says nothing yet: not a value to report as invalid
    assert "invalid_values" not in gerard.attributes


# -- Brevo, Pipedrive, Salesforce, Zoho ----------------------------------------------------


def test_brevos_blacklists_close_their_channel(carnet: Carnet) -> None:
    """Brevo's export: BLACKLISTED and SMS_BLACKLISTED are oppositions; a SMS number
    written without its + is a French mobile."""
    report = carnet.import_file(DATA / "brevo_contacts.csv")
    assert report.counts["rejected"] == 0
    marc = the(carnet, "marc.vidal@hotmail.fr")
    assert not carnet.may_contact(marc, "newsletter", "email")
    assert carnet.is_suppressed("marc.vidal@hotmail.fr") is not None
    julie = the(carnet, "julie.roux@orange.fr")
    assert carnet.may_contact(julie, "newsletter", "email")
    assert not carnet.may_contact(julie, "offers", "sms")
    assert carnet.is_suppressed("+33781234567") is not None
    assert carnet.may_contact(the(carnet, "claire.bonnet@gmail.com"), "newsletter", "email")


def test_pipedrives_marketing_status_is_the_persons_consent(
    carnet: Carnet
) -> None:
    """"Person - Marketing status" was a custom attribute: a role word never led to a
    consent column."""
    assert file_targets(DATA / "pipedrive_persons.csv")["Person - Marketing status"] == (
        "optin_newsletter")
    carnet.import_file(DATA / "pipedrive_persons.csv")
    assert carnet.may_contact(the(carnet, "helene@atelier-marchand.fr"), "newsletter", "email")
    assert not carnet.may_contact(
        the(carnet, "olivier.robin@robin-conseil.fr"), "newsletter", "email")
    assert not carnet.may_contact(the(carnet, "karine.michel@wanadoo.fr"), "newsletter", "email")


def test_a_payers_consent_column_is_still_no_persons() -> None:
    mapping = build_mapping(
        ["Email", "Origine client", "Newsletter acheteur"],
        {"Email": ["a@free.fr"], "Origine client": ["Salon"], "Newsletter acheteur": ["oui"]},
        CATALOG,
    ).to_json()
    assert mapping["Origine client"] == "attribute:origine_client"
    assert mapping["Newsletter acheteur"] == "attribute:newsletter_acheteur"


def test_salesforces_french_email_refusal_closes_the_email_channel(carnet: Carnet) -> None:
    """"Refus de courriers électroniques" (HasOptedOutOfEmail in French) was an attribute:
    Isabelle could still be e-mailed."""
    mapping = file_targets(DATA / "salesforce_contacts_fr.csv")
    assert mapping["Refus de courriers électroniques"] == "optout_email"
    assert mapping["Ne pas appeler"] == "optout_phone"
    report = carnet.import_file(DATA / "salesforce_contacts_fr.csv")
    isabelle = the(carnet, "i.caron@caron-fils.fr")
    assert not carnet.may_contact(isabelle, "offers", "email")
    assert carnet.is_suppressed("i.caron@caron-fils.fr") is not None
    assert carnet.is_suppressed("p.lambert@lambert-industrie.fr") is None
    assert report.suppressions == {"unsubscribed": 3}  # her e-mail, his two phones


def test_zohos_secondary_email_is_one_more_email(carnet: Carnet) -> None:
    assert file_targets(DATA / "zoho_contacts.csv")["Secondary Email"] == "email"
    carnet.import_file(DATA / "zoho_contacts.csv")
    nathalie = carnet.get_contact(the(carnet, "nathalie@fleurs-garnier.fr"))
    assert sorted(e.normalised for e in nathalie.emails) == [
        "n.garnier@gmail.com", "nathalie@fleurs-garnier.fr"]


# -- PrestaShop, Stripe --------------------------------------------------------------------


def test_prestashops_opt_in_is_the_partners_offers(carnet: Carnet) -> None:
    """PrestaShop's "Opt-in" is its box "Recevoir les offres de nos partenaires"; beside
    "Lettre d'informations" it was dropped as a second newsletter column."""
    mapping = file_targets(DATA / "prestashop_customers.csv")
    assert mapping["Lettre d'informations"] == "optin_newsletter"
    assert mapping["Opt-in"] == "optin_partners"
    carnet.import_file(DATA / "prestashop_customers.csv")
    sophie = the(carnet, "sophie.leroy@gmail.com")
    assert carnet.may_contact(sophie, "partners", "email")
    assert not carnet.may_contact(sophie, "newsletter", "email")
    jean = the(carnet, "jean.dupont@orange.fr")
    assert carnet.may_contact(jean, "newsletter", "email")
    assert not carnet.may_contact(jean, "partners", "email")


def test_an_opt_in_beside_a_newsletter_elsewhere_is_not_read_as_partners() -> None:
    mapping = build_mapping(
        ["Email", "Newsletter", "Opt-in"],
        {"Email": ["a@free.fr"], "Newsletter": ["1"], "Opt-in": ["1"]}, CATALOG,
    )
    assert mapping.to_json()["Opt-in"] == "attribute:opt_in"
    assert any("both look like" in w for w in mapping.warnings)


def test_stripes_totals_and_vat_number() -> None:
    mapping = file_targets(DATA / "stripe_customers.csv")
    assert mapping["Total Spend"] == "total_spent"
    assert mapping["Payment Count"] == "order_count"
    assert mapping["Business Vat ID"] == "vat_number"
    assert mapping["Card Last4"] == "attribute:card_last4"  # no phone, no postcode


# -- Google Contacts, Facebook Lead Ads, Typeform ------------------------------------------


def test_google_contacts_several_values_in_a_cell(carnet: Carnet) -> None:
    """Google joins a contact's values with " ::: ": the cell of two mobiles was one
    invalid phone, and "* myContacts ::: Clients" one tag."""
    carnet.import_file(DATA / "google_contacts.csv")
    camille = carnet.get_contact(the(carnet, "camille@boulangerie-petit.fr"))
    assert sorted(p.normalised for p in camille.phones) == [
        "+33472001122", "+33612345670", "+33781234560"]
    assert list(camille.tags) == ["Clients"]
    assert not carnet.get_contact(the(carnet, "hugo.lemoine@free.fr")).tags


def test_a_facebook_lead_forms_consent_question_dated_by_the_lead(carnet: Carnet) -> None:
    """Lead Ads' export (UTF-16, tabs) writes the form's questions in snake case:
    "je_souhaite_recevoir_les_offres_par_e-mail" was an attribute. The answer is
    given when the lead is created ("created_time")."""
    mapping = file_targets(DATA / "facebook_leads.csv")
    assert mapping["je_souhaite_recevoir_les_offres_par_e-mail"] == "optin_offers"
    assert mapping["created_time"] == "signup_date"
    assert mapping["phone_number"] == "phone"
    carnet.import_file(DATA / "facebook_leads.csv")
    assert history(carnet, "lea.durand@gmail.com", "offers") == [
        ("granted", at(2024, 3, 12, 13, 5, 33))]
    assert not carnet.may_contact(the(carnet, "maxime.roy@hotmail.fr"), "offers", "email")
    lea = carnet.get_contact(the(carnet, "lea.durand@gmail.com"))
    assert [p.normalised for p in lea.phones] == ["+33612345601"]  # "p:+336…"


def test_a_customer_lists_creation_date_does_not_date_its_flags(
    carnet: Carnet, tmp_path: Path
) -> None:
    """A flag an export gives as it stands (Shopify's "Accepts Email Marketing") is not
    dated by the account's creation."""
    path = write_csv(
        tmp_path / "customers_export.csv", ["Email", "Accepts Email Marketing", "Created At"],
        [["yann.leguen@gmail.com", "yes", "2019-04-01 10:00:00"]],
        encoding="utf-8", delimiter=",",
    )
    carnet.import_file(path)
    [(action, when)] = history(carnet, "yann.leguen@gmail.com")
    assert action == "granted" and when.year > 2019


def test_a_typeform_question_with_a_hint_maps_its_field() -> None:
    mapping = file_targets(DATA / "typeform_responses.csv")
    assert mapping["Votre numéro de portable (facultatif)"] == "mobile"
    assert mapping["Submit Date (UTC)"] == "activity_date"


@pytest.mark.parametrize(
    ("header", "field"),
    [
        ("je_souhaite_recevoir_les_offres_par_e-mail", "optin_offers"),
        ("would_you_like_to_receive_our_newsletter?", "optin_newsletter"),
        ("sms_marketing_consent_updated_at", None),
        ("email_marketing_consent_opt_in_level", None),
        ("accepts_marketing_updated_at", None),
        ("email_marketing_consent.state", "optin_newsletter"),
    ],
)
def test_snake_case_questions_are_questions_and_keys_are_not(
    header: str, field: str | None
) -> None:
    found = CATALOG.header_match(header)
    assert (found[0].name if found else None) == field


def test_shopify_api_customers_null_objects_are_no_columns(carnet: Carnet) -> None:
    """A customer with no default address ("default_address": null) or no SMS consent
    made a column of its own: a second address line, and a second SMS flag warned about."""
    report = carnet.import_file(DATA / "shopify_customers.json")
    mapping = report.mapping.to_json()
    assert "default_address" not in mapping and "sms_marketing_consent" not in mapping
    assert mapping["sms_marketing_consent.state"] == "optin_sms"
    assert not any("both look like" in w for w in report.warnings)
    assert carnet.may_contact(the(carnet, "yann.leguen@gmail.com"), "newsletter", "email")
    assert not carnet.may_contact(the(carnet, "yann.leguen@gmail.com"), "offers", "sms")
    assert not carnet.may_contact(the(carnet, "lucie.andre@orange.fr"), "newsletter", "email")


def test_outlooks_french_export_keeps_the_email_and_the_two_addresses_apart(
    tmp_path: Path,
) -> None:
    """Outlook (French UI) names the e-mail "Adresse de messagerie" (an attribute until
    now), and "Rue (domicile)" after "Rue (bureau)" became the business address's
    second line: a home street inside an office address. It is the person's home
    address: a second address of its own (it was a custom attribute)."""
    mapping = file_targets(write_csv(
        tmp_path / "contacts_outlook.csv",
        ["Prénom", "Nom", "Adresse de messagerie", "Adresse de messagerie 2", "Rue (bureau)",
         "Ville (bureau)", "Code postal (bureau)", "Rue (domicile)", "Ville (domicile)",
         "Anniversaire"],
        [["Sandrine", "Roy", "sandrine.roy@roy-avocats.fr", "s.roy@gmail.com",
          "10 avenue de l'Opéra", "Paris", "75001", "3 rue Lepic", "Paris", "0/0/00"]],
        encoding="cp1252", delimiter=",",
    ))
    assert mapping["Adresse de messagerie"] == mapping["Adresse de messagerie 2"] == "email"
    assert mapping["Rue (bureau)"] == "address_line1"
    assert mapping["Rue (domicile)"] == "address_line1"
    assert mapping["Ville (domicile)"] == "city"


def test_outlooks_office_and_home_addresses_are_both_kept(carnet: Carnet, tmp_path: Path) -> None:
    path = write_csv(
        tmp_path / "contacts_outlook.csv",
        ["Prénom", "Nom", "Adresse de messagerie", "Rue (bureau)", "Ville (bureau)",
         "Code postal (bureau)", "Pays/Région (bureau)", "Rue (domicile)", "Ville (domicile)",
         "Code postal (domicile)", "Pays/Région (domicile)"],
        [["Sandrine", "Roy", "sandrine.roy@roy-avocats.fr", "10 avenue de l'Opéra", "Paris",
          "75001", "France", "3 rue Lepic", "Paris", "75018", "France"],
         # no office: the home address is her address
         ["Marie", "Curie", "marie.curie@orange.fr", "", "", "", "", "8 rue Cuvier", "Lyon",
          "69006", "France"],
         # the same address twice is one address
         ["Paul", "Girard", "paul.girard@free.fr", "14 rue Sala", "Lyon", "69002", "France",
          "14 rue Sala", "LYON", "69002", "France"]],
        encoding="cp1252", delimiter=",",
    )
    report = carnet.import_file(path)
    assert not any("both look like" in w for w in report.warnings)

    def addresses(email: str) -> list[tuple[str | None, bool]]:
        contact = carnet.get_contact(the(carnet, email))
        return [(p.normalised, p.is_primary) for p in contact.addresses]

    assert addresses("sandrine.roy@roy-avocats.fr") == [
        ("10 AVENUE DE L OPERA|75001|PARIS|FR", True), ("3 RUE LEPIC|75018|PARIS|FR", False)]
    assert addresses("marie.curie@orange.fr") == [("8 RUE CUVIER|69006|LYON|FR", True)]
    assert addresses("paul.girard@free.fr") == [("14 RUE SALA|69002|LYON|FR", True)]
    assert carnet.import_file(path).counts["unchanged"] == 3


def test_a_pro_and_a_perso_address_are_two_addresses(carnet: Carnet, tmp_path: Path) -> None:
    """ "Adresse pro", "CP pro", "Adresse perso"...: every column was a custom attribute."""
    path = write_csv(
        tmp_path / "contacts.csv",
        ["Nom", "Prénom", "Email perso", "Email pro", "Adresse perso", "CP perso", "Ville perso",
         "Adresse pro", "CP pro", "Ville pro"],
        [["DURAND", "Marie", "marie.durand@gmail.com", "m.durand@acme.fr", "12 rue des Lilas",
          "69003", "Lyon", "5 place Bellecour", "69002", "Lyon"]],
    )
    carnet.import_file(path)
    marie = carnet.get_contact(the(carnet, "marie.durand@gmail.com"))
    assert [(p.normalised, p.is_primary) for p in marie.addresses] == [
        ("12 RUE DES LILAS|69003|LYON|FR", True), ("5 PLACE BELLECOUR|69002|LYON|FR", False)]
    assert not marie.attributes


def test_google_contacts_second_address_is_the_persons_second_address(
    carnet: Carnet, tmp_path: Path
) -> None:
    """ "Address 2 - City" after "Address 1 - City": it was a custom attribute, with a
    warning that both looked like the city."""
    path = write_csv(
        tmp_path / "google.csv",
        ["First Name", "Last Name", "E-mail 1 - Value", "Address 1 - Label", "Address 1 - Street",
         "Address 1 - City", "Address 1 - Postal Code", "Address 2 - Label",
         "Address 2 - Street", "Address 2 - City", "Address 2 - Postal Code"],
        [["Sophie", "Martin", "sophie.martin@gmail.com", "Home", "3 rue Victor Hugo",
          "Bordeaux", "33000", "Work", "10 cours de l'Intendance", "Bordeaux", "33000"]],
        encoding="utf-8", delimiter=",",
    )
    report = carnet.import_file(path)
    assert not any("both look like" in w for w in report.warnings)
    sophie = carnet.get_contact(the(carnet, "sophie.martin@gmail.com"))
    assert [p.normalised for p in sophie.addresses] == [
        "3 RUE VICTOR HUGO|33000|BORDEAUX|FR", "10 COURS DE L INTENDANCE|33000|BORDEAUX|FR"]


def test_an_address_written_over_two_columns_stays_one() -> None:
    mapping = build_mapping(
        ["Email", "Adresse", "Adresse (2)", "CP"],
        {"Email": ["a@free.fr"], "Adresse": ["Résidence Les Pins"],
         "Adresse (2)": ["3 allée des Cèdres"], "CP": ["13008"]}, CATALOG,
    ).to_json()
    assert (mapping["Adresse"], mapping["Adresse (2)"]) == ("address_line1", "address_line2")


def test_a_card_terminals_transactions_are_payments(carnet: Carnet) -> None:
    """SumUp's report: "Transaction ID" beside "Payment type" is the payment's number;
    the amounts and statuses were custom attributes of a contact, with no order."""
    mapping = file_targets(DATA / "sumup_transactions.csv")
    assert (mapping["Transaction ID"], mapping["Date"], mapping["Amount"], mapping["Status"]) == (
        "order_ref", "order_date", "line_total", "order_status")
    assert mapping["Last 4 digits"] == "attribute:last_4_digits"
    report = carnet.import_file(DATA / "sumup_transactions.csv")
    # a payment at the till with no e-mail names nobody: rejected with its reason
    assert (report.counts["inserted"], report.counts["merged"], report.counts["rejected"]) == (
        1, 1, 1)
    assert orders(carnet) == {"TDHF7K2L9P": ("paid", "24.50"),
                              "TDHF7K2L9R": ("refunded", "24.50")}


MAILCHIMP_GDPR = ["Email Address", "First Name", "Email", "Direct Mail",
                  "Customized Online Advertising", "OPTIN_TIME", "CONFIRM_TIME"]


def test_mailchimps_marketing_permissions_are_consents(carnet: Carnet, tmp_path: Path) -> None:
    """An audience with GDPR fields exports one yes/no column per permission: "Email" was
    taken for a second e-mail column ("Yes" and "No" stored as invalid e-mails, the
    permission lost) and "Direct Mail" was an attribute."""
    path = write_csv(tmp_path / "subscribed_members_export.csv", MAILCHIMP_GDPR, [
        ["anais.guerin@gmail.com", "Anaïs", "Yes", "No", "No", "2024-01-10 10:00:00",
         "2024-01-10 10:02:00"],
        ["hugo.meyer@free.fr", "Hugo", "No", "Yes", "No", "2024-01-11 10:00:00",
         "2024-01-11 10:02:00"],
    ], encoding="utf-8", delimiter=",")
    report = carnet.import_file(path)
    mapping = report.mapping.to_json()
    assert (mapping["Email"], mapping["Direct Mail"]) == ("optin_newsletter", "optin_post")
    anais, hugo = the(carnet, "anais.guerin@gmail.com"), the(carnet, "hugo.meyer@free.fr")
    assert [e.normalised for e in carnet.get_contact(hugo).emails] == ["hugo.meyer@free.fr"]
    assert carnet.may_contact(anais, "newsletter", "email")
    assert not carnet.may_contact(anais, "offers", "post")
    # subscribed to the audience, but without the e-mail permission
    assert not carnet.may_contact(hugo, "newsletter", "email")
    assert carnet.may_contact(hugo, "offers", "post")


@pytest.mark.parametrize(
    ("header", "values", "target"),
    [
        ("Email", ["a@free.fr", "b@orange.fr", "Yes"], "email"),
        ("SMS", ["33612345678", "33698765432", "0"], "mobile"),  # Brevo's numbers
        ("SMS", ["Oui", "Non", "Non"], "optin_sms"),
        ("Téléphone", ["oui", "non", "oui"], "optin_phone"),
        ("E-mail", ["1", "0", "1"], "optin_newsletter"),
    ],
)
def test_a_channels_column_of_yes_and_no_is_its_consent(
    header: str, values: list[str], target: str
) -> None:
    mapping = build_mapping(["Nom", header], {"Nom": ["Roy"] * 3, header: values}, CATALOG)
    assert mapping.to_json()[header] == target


def test_placeholders_in_a_channels_column_keep_it_the_channels() -> None:
    mapping = build_mapping(
        ["Nom", "Email", "Téléphone"],
        {"Nom": ["Roy", "Caron", "Giraud"], "Email": ["néant", "x", "x"],
         "Téléphone": ["0", "non communiqué", "0"]}, CATALOG,
    ).to_json()
    assert (mapping["Email"], mapping["Téléphone"]) == ("email", "phone")


def test_a_french_vat_number_alone_names_the_company(carnet: Carnet) -> None:
    """Stripe gives a business customer's VAT number and no company column: mapped to
    the VAT number, it was dropped for want of a company name (a custom attribute
    before). The French number holds the SIREN, which names the organisation."""
    carnet.import_file(DATA / "stripe_customers.csv")
    workshop = carnet.get_contact(the(carnet, "contact@atelier-bois.fr"))
    organisation = carnet.get_organisation(workshop.organisation_id)
    assert (organisation.siren, organisation.vat_number) == ("303265045", "FR40303265045")
    assert carnet.get_contact(the(carnet, "aurelie.gauthier@gmail.com")).organisation_id is None
