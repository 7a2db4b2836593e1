"""Header mapping: synonyms, keywords, content, mapping files, context, duplicates."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from carnet.errors import MappingError
from carnet.fields.catalog import default_catalog
from carnet.ingest.mapping import build_mapping, load_mapping_file

CATALOG = default_catalog()


def targets(headers: list[str], sample: dict[str, list[str | None]] | None = None,
            **kwargs: object) -> dict[str, str]:
    mapping = build_mapping(headers, sample or {}, CATALOG, **kwargs)  # type: ignore[arg-type]
    return mapping.to_json()


@pytest.mark.parametrize(
    ("header", "field"),
    [
        ("Nom", "last_name"), ("NOM DE FAMILLE", "last_name"), ("last name", "last_name"),
        ("Prénom", "first_name"), ("Courriel", "email"), ("Tél. portable", "mobile"),
        ("CP", "postcode"), ("Ville", "city"), ("Date de naissance", "birth_date"),
        ("Raison sociale", "organisation_name"), ("N° TVA intracom.", "vat_number"),
        ("Code NAF", "naf_code"), ("Horodateur", "activity_date"), ("SIRET", "siret"),
        ("Sur une échelle de 0 à 10, recommanderiez-vous notre boutique ?", "nps"),
        ("Je participe au jeu concours", "contest_entry"), ("Nom complet", "full_name"),
        ("Opt-in SMS", "optin_sms"), ("Offres partenaires", "optin_partners"),
        ("Opt-in courrier", "optin_post"), ("Accepte le démarchage téléphonique", "optin_phone"),
        ("Offres commerciales", "optin_offers"), ("Optin e-mail", "optin_newsletter"),
        ("ACCORD_COM", "optin_offers"), ("Accord commercial", "optin_offers"),
        ("Accord com.", "optin_offers"), ("Accord prospection", "optin_offers"),
        ("accepts_marketing", "optin_newsletter"), ("Office Phone", "phone"),
        ("Étiquettes", "tags"), ("address1", "address_line1"), ("Created", "signup_date"),
        ("Date de naissance (jj/mm/aaaa)", "birth_date"), ("Né(e) le", "birth_date"),
        ("E-mail pro", "email"), ("N° de téléphone", "phone"), ("Email [obligatoire]", "email"),
        ("Dernière connexion", "last_activity"), ("Interlocuteur", "full_name"),
        ("Nom de jeune fille", "birth_name"), ("Inscription", "signup_date"),
        ("Dernière visite", "last_activity"), ("OPTIN_TIME", "optin_date"),
        ("CONFIRM_TIME", "optin_confirmed_at"), ("Date naiss.", "birth_date"),
        ("Courriel pro", "email"), ("Numéro de mobile", "mobile"), ("Tel dom", "phone"),
        ("C.P.", "postcode"), ("N° et rue", "address_line1"), ("Raison soc.", "organisation_name"),
        ("Enseigne", "organisation_name"), ("Siret établissement", "siret"),
        ("Pays de résidence", "country"), ("Nom usuel", "last_name"),
        ("Consentement RGPD", "optin_newsletter"), ("Date consentement", "optin_date"),
        ("Source consentement", "optin_source"), ("IP opt-in", "optin_ip"),
        ("STOP SMS", "optout_sms"), ("Bloctel", "optout_phone"),
        ("Inscrit Bloctel", "optout_phone"), ("Ne pas appeler", "optout_phone"),
        ("Opposition à la prospection commerciale", "optout_all"),
        ("Exclure des envois", "optout_all"), ("Ne pas envoyer d'e-mails", "optout_email"),
        ("Opt-out email", "optout_email"), ("Liste Robinson", "optout_post"),
        ("Ne pas contacter", "optout_all"), ("Refus prospection", "optout_all"),
        ("Appartement", "address_line2"), ("Poste occupé", "job_title"),
        ("Id client", "external_id"), ("N° adhérent", "loyalty_id"), ("Mobile perso", "mobile"),
        ("Tél perso", "phone"), ("Date du dernier achat", "last_activity"),
        ("Adresse complète", "address_line1"), ("Pays / Région", "country"),
        ("N° de portable", "mobile"), ("Date anniversaire", "birth_date"),
        ("Nom marital", "last_name"),
        # CRM and e-mailing tools' exports
        ("Mobile Phone Number", "mobile"), ("Account Name", "organisation_name"),
        ("Create Date", "signup_date"), ("Created Date", "signup_date"),
        ("Date Registered", "signup_date"), ("Last Activity Date", "last_activity"),
        ("BLACKLISTED", "optout_email"), ("BLACKLISTED_SMS", "optout_sms"),
        ("UNSUB_TIME", "optout_date"), ("Mailing Zip/Postal Code", "postcode"),
        ("CLEAN_TIME", "bounced_at"), ("Date du bounce", "bounced_at"),
        # API names (Salesforce, HubSpot)
        ("FirstName", "first_name"), ("MobilePhone", "mobile"),
        ("HasOptedOutOfEmail", "optout_email"), ("DoNotCall", "optout_phone"),
        ("EmailBouncedDate", "bounced_at"),
        ("CreatedDate", "signup_date"), ("jobtitle", "job_title"),
        # terse and plural headers
        ("Date création", "signup_date"), ("Emails", "email"), ("Téléphones", "phone"),
        ("Portables", "mobile"), ("Dates de naissance", "birth_date"),
        ("N° fidélité", "loyalty_id"), ("Numéro de fidélité", "loyalty_id"),
        # a customer list's purchases as a whole, and a year of birth
        ("CA total", "total_spent"), ("Total Spent", "total_spent"),
        ("Nb commandes", "order_count"), ("Total Orders", "order_count"),
        ("Dernier achat", "last_activity"), ("Année de naissance", "birth_year"),
        ("accepts_sms", "optin_sms"), ("properties.hs_email_optout", "optout_email"),
        # opt-outs and subscription statuses of CRMs and e-mailing tools
        ("Do Not Email", "optout_email"), ("DoNotEmail", "optout_email"),
        ("Statut newsletter", "optin_newsletter"), ("Subscription status", "optin_newsletter"),
        ("Marketing status", "optin_newsletter"),
        # this round's tools: Mailjet, Mailchimp's API, Zoho, Stripe, Salesforce (FR), Outlook
        ("last_activity_at", "last_activity"), ("merge_fields.FNAME", "first_name"),
        ("LNAME", "last_name"), ("CONFIRM_IP", "optin_confirmed_ip"),
        ("ip_signup", "optin_ip"), ("timestamp_signup", "optin_date"),
        ("Secondary Email", "email"), ("Total Spend", "total_spent"),
        ("Business Vat ID", "vat_number"), ("Refus de courriers électroniques", "optout_email"),
        ("Adresse de messagerie", "email"),
    ],
)
def test_french_and_english_headers_map_to_catalog_fields(header: str, field: str) -> None:
    assert targets([header])[header] == field


def test_a_consent_date_column_of_yes_and_no_is_the_consent_itself() -> None:
    """Mailjet's "Unsubscribed" holds true/false: the opt-out, not its date (as a date
    every "true" was invalid and the opt-out lost); with dates it stays the date."""
    flags = {"Unsubscribed": ["true", "false", "false", "true"]}
    moments = {"Unsubscribed": ["2024-01-02", "", "2023-05-06 10:00", "2023-05-07"]}
    assert targets(["Email", "Unsubscribed"], flags)["Unsubscribed"] == "optout_newsletter"
    assert targets(["Email", "Unsubscribed"], moments)["Unsubscribed"] == "optout_date"
    answers = {"Date opt-in": ["oui", "non", "oui"]}
    assert targets(["Email", "Date opt-in"], answers)["Date opt-in"] == "optin_newsletter"


def test_nested_json_keys_map_by_their_last_part() -> None:
    mapping = build_mapping(
        ["default_address.zip", "default_address.city", "customer.email",
         "default_address.favourite", "N. client", "notes.N. client"],
        {}, CATALOG,
    )
    assert mapping.to_json() == {
        "default_address.zip": "postcode",
        "default_address.city": "city",
        "customer.email": "email",
        "default_address.favourite": "attribute:default_address_favourite",
        # A header with a full stop and spaces is a header, not a nested key.
        "N. client": "external_id",
        "notes.N. client": "attribute:notes_n_client",
    }
    zip_plan = next(c for c in mapping.columns if c.header == "default_address.zip")
    assert zip_plan.note == "the last part of a nested key"


def test_address_parts_of_shop_exports_map_by_what_follows_their_prefix() -> None:
    mapping = build_mapping(
        ["Default Address Zip", "Default Address Address1", "Default Address Company",
         "Billing City", "Shipping Postcode", "Adresse de livraison - Code postal",
         "Default Address Province Code", "Livraison"],
        {}, CATALOG,
    )
    assert mapping.to_json() == {
        "Default Address Zip": "postcode",
        "Default Address Address1": "address_line1",
        "Default Address Company": "organisation_name",
        "Billing City": "city",
        # one postcode per contact: the second address's is kept as an attribute
        "Shipping Postcode": "attribute:shipping_postcode",
        "Adresse de livraison - Code postal": "attribute:adresse_de_livraison_code_postal",
        "Default Address Province Code": "attribute:default_address_province_code",
        "Livraison": "attribute:livraison",
    }
    zip_plan = next(c for c in mapping.columns if c.header == "Default Address Zip")
    assert zip_plan.note == "'zip' of an address"


def test_address_parts_of_crm_and_ticketing_exports() -> None:
    """Salesforce's "Mailing …" (also as API names), WooCommerce's "Billing Address 1",
    Eventbrite's "Home …"; a second address is kept whole as attributes, never mixed
    into the first one's lines."""
    salesforce = build_mapping(
        ["MailingStreet", "MailingPostalCode", "Mailing City", "MailingState", "Work Phone",
         "Business Name", "Primary Contact"],
        {}, CATALOG,
    )
    assert salesforce.to_json() == {
        "MailingStreet": "address_line1",
        "MailingPostalCode": "postcode",
        "Mailing City": "city",
        "MailingState": "attribute:mailingstate",
        "Work Phone": "phone",
        # a prefix of a person's addresses names nothing but address parts and phones
        "Business Name": "attribute:business_name",
        "Primary Contact": "attribute:primary_contact",
    }
    street = next(c for c in salesforce.columns if c.header == "MailingPostalCode")
    assert street.note == "'postal code' of an address"
    woocommerce = build_mapping(
        ["Billing Address 1", "Billing Address 2", "Billing City", "Shipping Address 1",
         "Shipping Address 2", "Shipping City", "Home Country"],
        {}, CATALOG,
    )
    assert woocommerce.to_json() == {
        "Billing Address 1": "address_line1",
        "Billing Address 2": "address_line2",
        "Billing City": "city",
        "Shipping Address 1": "attribute:shipping_address_1",
        "Shipping Address 2": "attribute:shipping_address_2",
        "Shipping City": "attribute:shipping_city",
        "Home Country": "country",
    }
    # one address's lines written twice still move on to the next line
    assert targets(["Adresse", "Adresse (2)", "Adresse (3)"]) == {
        "Adresse": "address_line1", "Adresse (2)": "address_line2",
        "Adresse (3)": "address_line3",
    }


def test_exports_of_crm_tools_name_their_fields_with_a_role_number_or_qualifier() -> None:
    # Pipedrive ("Person - …"), Google Contacts ("E-mail 1 - Value"), Outlook
    pipedrive = build_mapping(
        ["Person - Name", "Person - Email - Work", "Person - Email - Home",
         "Person - Phone - Mobile", "Personne - Téléphone - Travail", "Person - Organization",
         "Person - Owner", "Organization - Address"],
        {}, CATALOG,
    )
    assert pipedrive.to_json() == {
        "Person - Name": "full_name",
        "Person - Email - Work": "email",
        "Person - Email - Home": "email",
        "Person - Phone - Mobile": "mobile",
        "Personne - Téléphone - Travail": "phone",
        "Person - Organization": "organisation_name",
        "Person - Owner": "attribute:person_owner",
        # an organisation's address is no part of a name
        "Organization - Address": "attribute:organization_address",
    }
    google = build_mapping(
        ["Given Name", "Family Name", "E-mail 1 - Type", "E-mail 1 - Value", "E-mail 2 - Value",
         "Phone 1 - Value", "Address 1 - Street", "Address 1 - City", "Address 1 - Postal Code",
         "Organization 1 - Name", "Organization 1 - Title", "E-mail 3 Address"],
        {}, CATALOG,
    )
    assert google.to_json() == {
        "Given Name": "first_name",
        "Family Name": "last_name",
        "E-mail 1 - Type": "attribute:e_mail_1_type",
        "E-mail 1 - Value": "email",
        "E-mail 2 - Value": "email",
        "Phone 1 - Value": "phone",
        "Address 1 - Street": "address_line1",
        "Address 1 - City": "city",
        "Address 1 - Postal Code": "postcode",
        "Organization 1 - Name": "organisation_name",
        "Organization 1 - Title": "job_title",
        "E-mail 3 Address": "email",
    }


def test_a_shops_order_export() -> None:
    """Shopify's order export: "Name" holds the order ("#1001"), "Billing Name" the
    buyer, "Lineitem …" the line, "Created at" the order's date."""
    headers = ["Name", "Email", "Created at", "Lineitem quantity", "Lineitem name",
               "Lineitem price", "Lineitem sku", "Billing Name", "Billing Street", "Billing City",
               "Shipping Name", "Shipping City"]
    sample: dict[str, list[str | None]] = {
        "Name": ["#1001", "#1002", "#1002", "#1003", "#1004"],
        "Billing Name": ["Jean Dupont"] * 5,
    }
    assert targets(headers, sample) == {
        "Name": "order_ref",
        "Email": "email",
        "Created at": "order_date",
        "Lineitem quantity": "quantity",
        "Lineitem name": "product_name",
        "Lineitem price": "unit_price",
        "Lineitem sku": "sku",
        "Billing Name": "full_name",
        "Billing Street": "address_line1",
        "Billing City": "city",
        "Shipping Name": "attribute:shipping_name",
        "Shipping City": "attribute:shipping_city",
    }
    # Square, WooCommerce
    assert targets(["Street Address 1", "Street Address 2", "Email Subscription Status",
                    "Item Name", "Item SKU", "Item Cost", "Order ID"]) == {
        "Street Address 1": "address_line1", "Street Address 2": "address_line2",
        "Email Subscription Status": "optin_newsletter", "Item Name": "product_name",
        "Item SKU": "sku", "Item Cost": "unit_price", "Order ID": "order_ref",
    }


def test_a_payers_columns_give_way_to_the_members_own() -> None:
    # HelloAsso: a parent pays a child's membership
    assert targets(
        ["Nom adhérent", "Prénom adhérent", "Nom payeur", "Prénom payeur", "Email payeur",
         "Email", "Téléphone payeur"]
    ) == {
        "Nom adhérent": "last_name",
        "Prénom adhérent": "first_name",
        "Nom payeur": "attribute:nom_payeur",
        "Prénom payeur": "attribute:prenom_payeur",
        "Email payeur": "attribute:email_payeur",
        "Email": "email",
        # the member has no phone of their own: the payer's is the way to reach them
        "Téléphone payeur": "phone",
    }
    # the payer is the person when the file names no one else
    assert targets(["Nom de l'acheteur", "Email acheteur", "Billet"]) == {
        "Nom de l'acheteur": "last_name", "Email acheteur": "email", "Billet": "attribute:billet",
    }
    assert targets(["Email du participant", "Prénom du participant"]) == {
        "Email du participant": "email", "Prénom du participant": "first_name",
    }
    # a role word leads to who the person is, never to what a row says happened
    assert targets(["Origine client", "Commentaire client", "Total client"]) == {
        "Origine client": "attribute:origine_client",
        "Commentaire client": "attribute:commentaire_client",
        "Total client": "attribute:total_client",
    }


@pytest.mark.parametrize(
    ("header", "field"),
    [
        ("Quel est votre prénom ?", "first_name"),
        ("Quelle est votre adresse e-mail ?", "email"),
        ("Votre numéro de téléphone", "phone"),
        ("Please enter your email", "email"),
        ("What is your date of birth?", "birth_date"),
        ("Id. prof. 2 (SIRET)", "siret"),  # Dolibarr
        ("Poste/fonction", "job_title"),
        ("Nom du tiers", "organisation_name"),
        ("Rue 2", "address_line2"),
        ("Created Time", "signup_date"),
        ("is_excluded_from_campaigns", "optout_email"),  # Mailjet
        ("Contact principal", "full_name"),
        ("Tél. direct", "phone"),
        ("First Visit", "customer_since"),
    ],
)
def test_questions_brackets_and_alternatives_name_their_field(header: str, field: str) -> None:
    assert targets([header])[header] == field


def test_a_title_column_of_job_titles_is_the_job_title() -> None:
    # Salesforce: "Salutation" is the civility and "Title" the job title
    assert targets(["Salutation", "Prénom", "Title"]) == {
        "Salutation": "civility", "Prénom": "first_name", "Title": "job_title",
    }
    # alone, "Title" is read by its values
    jobs = {"Title": ["CEO", "Directrice marketing", "Acheteur", "Mr", "CTO"]}
    civilities = {"Title": ["Mr", "Mrs", "Ms", "Dr", "CEO"]}
    assert targets(["Title"], jobs) == {"Title": "job_title"}
    assert targets(["Title"], civilities) == {"Title": "civility"}
    assert targets(["Title"]) == {"Title": "civility"}


@pytest.mark.parametrize(
    ("header", "field"),
    [
        ("Acceptez-vous de recevoir nos offres ?", "optin_offers"),
        ("J'accepte de recevoir la newsletter", "optin_newsletter"),
        ("Souhaitez-vous recevoir nos actualités par e-mail ?", "optin_newsletter"),
        ("Je souhaite recevoir des offres par SMS", "optin_sms"),
        ("Je souhaite recevoir le catalogue par courrier", "optin_post"),
        ("Je souhaite être contacté par téléphone", "optin_phone"),
        ("J'accepte que mes données soient transmises à des partenaires", "optin_partners"),
        ("I agree to receive marketing emails", "optin_offers"),
        # "notre" is no "not": these are grants, not refusals
        ("Acceptez-vous de recevoir notre newsletter ?", "optin_newsletter"),
        ("Souhaitez-vous recevoir nos notifications par SMS ?", "optin_sms"),
        # a refusal is the channel's opposition
        ("Je ne souhaite pas recevoir de courrier", "optout_post"),
        ("Je ne souhaite pas recevoir d'offres par e-mail", "optout_email"),
        ("I do not want to receive SMS", "optout_sms"),
        ("Je refuse de recevoir vos offres", "optout_email"),
        ("Je m'oppose à recevoir des SMS", "optout_sms"),
    ],
)
def test_a_consent_question_of_a_form_maps_to_its_channel(header: str, field: str) -> None:
    mapping = build_mapping([header], {}, CATALOG)
    assert mapping.to_json() == {header: field}
    assert mapping.columns[0].how == "consent question"


@pytest.mark.parametrize(
    "header",
    [
        "J'accepte le règlement du jeu concours",  # a contest, not a consent
        "Je ne souhaite pas que mes données soient transmises aux partenaires",
        "Acceptez-vous les cookies ?",
        "Nom du partenaire",
        # about a consent, not the consent itself
        "Date de consentement SMS",
        "IP d'inscription à la newsletter",
    ],
)
def test_questions_that_are_no_consent_to_a_channel_stay_as_they_are(header: str) -> None:
    assert not targets([header])[header].startswith(("optin", "optout"))


def test_keys_of_a_consent_object_are_no_questions() -> None:
    # Shopify's customer JSON: only the state is the consent
    assert targets(
        ["email_marketing_consent.state", "email_marketing_consent.opt_in_level",
         "sms_marketing_consent.state", "sms_marketing_consent.consent_updated_at"]
    ) == {
        "email_marketing_consent.state": "optin_newsletter",
        "email_marketing_consent.opt_in_level": "attribute:email_marketing_consent_opt_in_level",
        "sms_marketing_consent.state": "optin_sms",
        "sms_marketing_consent.consent_updated_at":
            "attribute:sms_marketing_consent_consent_updated_at",
    }


def test_numbered_columns_of_a_field_with_several_values_map_to_it() -> None:
    mapping = build_mapping(
        ["Téléphone", "Téléphone 2", "Tél. 3", "Email", "email2", "Mobile 2", "Adresse 2",
         "Nom 2", "Option 1"],
        {}, CATALOG,
    )
    assert mapping.to_json() == {
        "Téléphone": "phone",
        "Téléphone 2": "phone",
        "Tél. 3": "phone",
        "Email": "email",
        "email2": "email",
        "Mobile 2": "mobile",
        "Adresse 2": "address_line2",  # a synonym of its own
        # a field with one value takes no second column by number
        "Nom 2": "attribute:nom_2",
        "Option 1": "attribute:option_1",
    }


def test_an_amount_in_a_customer_list_is_not_an_order() -> None:
    assert targets(["Nom", "Email", "Montant", "Quantité"]) == {
        "Nom": "last_name", "Email": "email",
        "Montant": "attribute:montant", "Quantité": "attribute:quantite",
    }
    # With an order number, a date or a product, the same columns are order lines.
    assert targets(["Email", "N° commande", "Montant"])["Montant"] == "line_total"
    assert targets(["Email", "Produit", "Quantité"])["Quantité"] == "quantity"
    # A mapping file is obeyed.
    assert targets(["Email", "Montant"], explicit={"Montant": "line_total"})["Montant"] == (
        "line_total"
    )


def test_an_orders_status_and_currency() -> None:
    assert targets(["N° commande", "Email", "Statut", "Devise"]) == {
        "N° commande": "order_ref", "Email": "email",
        "Statut": "order_status", "Devise": "order_currency",
    }
    # WooCommerce, Shopify
    assert targets(["Order ID", "Order Status", "Order Currency", "Order Total Amount"]) == {
        "Order ID": "order_ref", "Order Status": "order_status",
        "Order Currency": "order_currency", "Order Total Amount": "order_total",
    }
    shop = {"Name": ["#1001", "#1002", "#1003", "#1004"]}
    assert targets(["Name", "Financial Status", "Currency"], shop) == {
        "Name": "order_ref", "Financial Status": "order_status", "Currency": "order_currency",
    }
    # In a customer file a status is not an order's.
    assert targets(["Nom", "Email", "Statut", "Devise"]) == {
        "Nom": "last_name", "Email": "email",
        "Statut": "attribute:statut", "Devise": "attribute:devise",
    }


def test_a_shops_total_beside_line_prices_is_the_orders() -> None:
    mapping = targets(
        ["Name", "Email", "Financial Status", "Total", "Lineitem quantity", "Lineitem price"],
        {"Name": ["#1001", "#1001", "#1002", "#1003"]},
    )
    assert mapping["Total"] == "order_total"
    assert mapping["Lineitem price"] == "unit_price"
    # Without line prices the total is the line's.
    assert targets(["Email", "N° commande", "Total"])["Total"] == "line_total"


def test_french_amounts_prefer_the_amount_paid_to_the_amount_before_tax() -> None:
    assert targets(
        ["N° commande", "Produit", "Quantité", "Prix unitaire TTC", "Total HT", "Total TTC"]
    ) == {
        "N° commande": "order_ref", "Produit": "product_name", "Quantité": "quantity",
        "Prix unitaire TTC": "unit_price", "Total HT": "attribute:total_ht",
        "Total TTC": "line_total",
    }
    # An amount before tax alone is the file's amount.
    assert targets(["N° commande", "Prix HT", "Montant HT"]) == {
        "N° commande": "order_ref", "Prix HT": "unit_price", "Montant HT": "line_total",
    }


def test_a_reference_in_a_file_of_orders_is_the_orders() -> None:
    # PrestaShop's order list: "ID" and "Référence" are the order's.
    mapping = targets(["ID", "Référence", "Client", "Total", "Paiement", "État", "Date",
                       "Total HT", "Email"])
    assert mapping == {
        "ID": "attribute:id", "Référence": "order_ref", "Client": "full_name",
        "Total": "line_total", "Paiement": "attribute:paiement", "État": "order_status",
        "Date": "order_date", "Total HT": "attribute:total_ht", "Email": "email",
    }
    # In a customer file the id is the customer's and a reference an attribute.
    assert targets(["ID", "Référence", "Nom", "Email", "Date"]) == {
        "ID": "external_id", "Référence": "attribute:reference", "Nom": "last_name",
        "Email": "email", "Date": "activity_date",
    }


def test_a_list_of_abandoned_carts() -> None:
    headers = ["Date", "Client", "Email", "Panier abandonné", "Montant panier", "Produits"]
    assert targets(headers) == {
        "Date": "order_date", "Client": "full_name", "Email": "email",
        "Panier abandonné": "cart_abandoned", "Montant panier": "cart_total",
        "Produits": "product_name",
    }


def test_unmapped_columns_become_attributes_never_dropped() -> None:
    assert targets(["Couleur préférée"]) == {"Couleur préférée": "attribute:couleur_preferee"}


def test_a_column_full_of_emails_is_an_email_column_whatever_its_name() -> None:
    sample = {"Contact": [f"person{i}@example.org" for i in range(20)],
              "Divers": [f"06 12 34 56 {i:02d}" for i in range(20)]}
    result = build_mapping(["Contact", "Divers"], sample, CATALOG)
    assert result.to_json() == {"Contact": "email", "Divers": "phone"}
    assert result.columns[0].how == "content"


def test_another_persons_columns_stay_attributes_whatever_their_values() -> None:
    """A guardian's, an emergency contact's or an adviser's e-mail and phone are not the
    person's to write to, however much the values look like e-mails and phones."""
    headers = ["Nom", "Prénom", "Email du responsable légal", "Tél. personne à prévenir",
               "Email conseiller", "Portable du conjoint", "Email"]
    sample = {
        "Email du responsable légal": [f"parent{i}@free.fr" for i in range(6)],
        "Tél. personne à prévenir": [f"06 12 34 56 {i:02d}" for i in range(6)],
        "Email conseiller": [f"conseiller{i % 2}@banque.fr" for i in range(6)],
        "Portable du conjoint": [f"07 12 34 56 {i:02d}" for i in range(6)],
    }
    result = build_mapping(headers, sample, CATALOG)
    assert result.to_json() == {
        "Nom": "last_name",
        "Prénom": "first_name",
        "Email du responsable légal": "attribute:email_du_responsable_legal",
        "Tél. personne à prévenir": "attribute:tel_personne_a_prevenir",
        "Email conseiller": "attribute:email_conseiller",
        "Portable du conjoint": "attribute:portable_du_conjoint",
        "Email": "email",
    }
    assert result.columns[2].note == "the legal guardian's"


def test_a_file_about_minors_reaches_them_through_their_guardian() -> None:
    """A club's or a school's file gives no e-mail or phone of the child's own: the
    guardian's are the way to reach the child (as a payer's are a member's), the child's
    names are the row's, and the guardian's names stay attributes. Beside an e-mail of the
    person's own, or in a file naming its customer ("Prénom" and "Prénom enfant" of a shop's
    birthday club), nothing changes."""
    club = build_mapping(
        ["Nom enfant", "Prénom de l'enfant", "Date de naissance", "Nom du responsable légal",
         "Email parent", "Tél. du responsable légal", "Portable mère"], {}, CATALOG
    )
    assert club.to_json() == {
        "Nom enfant": "last_name",
        "Prénom de l'enfant": "first_name",
        "Date de naissance": "birth_date",
        "Nom du responsable légal": "attribute:nom_du_responsable_legal",
        "Email parent": "email",
        "Tél. du responsable légal": "phone",
        "Portable mère": "mobile",
    }
    assert club.columns[4].how == "context"
    assert club.columns[4].note == "a parent's: the only way the file gives to reach the person"
    school = build_mapping(["Nom", "Prénom", "Classe", "Email responsable légal"], {}, CATALOG)
    assert school.to_json()["Email responsable légal"] == "email"
    shop = build_mapping(["Nom", "Prénom", "Email", "Prénom enfant", "Email parent"], {}, CATALOG)
    assert shop.to_json() == {
        "Nom": "last_name",
        "Prénom": "first_name",
        "Email": "email",
        "Prénom enfant": "attribute:prenom_enfant",
        "Email parent": "attribute:email_parent",
    }


def test_a_general_consent_column_gives_way_to_the_one_that_names_it() -> None:
    """"RGPD" beside "Newsletter (O/N)": the newsletter column says the newsletter consent;
    "RGPD" alone still maps to it."""
    result = build_mapping(["Email", "RGPD", "Newsletter (O/N)"], {}, CATALOG)
    assert result.to_json() == {
        "Email": "email",
        "RGPD": "attribute:rgpd",
        "Newsletter (O/N)": "optin_newsletter",
    }
    assert any("'RGPD' names a consent in general" in w for w in result.warnings)
    assert targets(["Email", "RGPD"]) == {"Email": "email", "RGPD": "optin_newsletter"}


def test_one_value_on_every_row_is_nobodys_own() -> None:
    """The salesperson's address on every row ("Email commercial") is not sniffed as the
    person's e-mail; a short file's column of distinct e-mails is."""
    sample = {
        "Email commercial": ["j.vendeur@monclub.fr"] * 6,
        "Contact": ["a@free.fr", "b@orange.fr", "c@sfr.fr"],
    }
    assert targets(["Email commercial", "Contact"], sample) == {
        "Email commercial": "attribute:email_commercial",
        "Contact": "email",
    }


def test_explicit_mapping_and_id_column_win(tmp_path: Path) -> None:
    file = tmp_path / "map.json"
    file.write_text(json.dumps({"Ref": "loyalty_id", "Nom": "attribute:surnom"}), "utf-8")
    explicit = load_mapping_file(file)
    result = targets(["Ref", "Nom", "Code"], explicit=explicit, id_column="Code")
    assert result == {"Ref": "loyalty_id", "Nom": "attribute:surnom", "Code": "external_id"}


def test_toml_mapping_file_under_columns(tmp_path: Path) -> None:
    file = tmp_path / "map.toml"
    file.write_text('[columns]\n"Tél. dom." = "phone"\n', "utf-8")
    assert load_mapping_file(file) == {"Tél. dom.": "phone"}


def test_bad_mapping_lists_every_problem(tmp_path: Path) -> None:
    with pytest.raises(MappingError) as info:
        targets(["A"], explicit={"Missing": "email", "A": "shoe_size"}, id_column="Nope")
    message = str(info.value)
    assert "'Missing'" in message and "'shoe_size'" in message and "'Nope'" in message
    bad = tmp_path / "bad.json"
    bad.write_text("[1, 2]", "utf-8")
    with pytest.raises(MappingError, match="must map column headers"):
        load_mapping_file(bad)
    with pytest.raises(MappingError, match="does not exist"):
        load_mapping_file(tmp_path / "none.json")


def test_order_file_customer_number_names_the_buyer() -> None:
    result = targets(["order_id", "customer_number", "sku"])
    assert result["customer_number"] == "customer_ref"
    assert targets(["N° commande", "N° client", "Produit"])["N° client"] == "customer_ref"
    assert targets(["N° client", "Nom"])["N° client"] == "external_id"


def test_consent_list_source_column() -> None:
    result = targets(["email", "opt_in_at", "source"])
    assert result["source"] == "optin_source"
    assert targets(["email", "source"])["source"] == "attribute:source"


def test_second_column_for_a_single_field_is_kept_as_attribute_with_a_warning() -> None:
    mapping = build_mapping(["Nom", "Nom de famille", "Adresse", "Adresse (2)"], {}, CATALOG)
    assert mapping.to_json() == {
        "Nom": "last_name",
        "Nom de famille": "attribute:nom_de_famille",
        "Adresse": "address_line1",
        "Adresse (2)": "address_line2",
    }
    assert any("Nom de famille" in w for w in mapping.warnings)


def test_several_email_columns_are_all_kept() -> None:
    assert targets(["Email perso", "Email pro"]) == {"Email perso": "email", "Email pro": "email"}


def test_a_second_contacts_columns_are_not_the_first_contacts() -> None:
    """A company file that repeats its columns per contact ("Contact 1 Email", "Contact 2
    Email") or an association's per child: contact 2's e-mail and phone are another
    person's, not more of contact 1's; the first child is not the parent either."""
    headers = ["Raison sociale", "Contact 1 Nom", "Contact 1 Email", "Contact 1 Téléphone",
               "Contact 2 Nom", "Contact 2 Email", "Tél. contact 2", "Enfant 1 Prénom"]
    sample = {
        "Contact 1 Email": [f"a{i}@menuiserie.fr" for i in range(6)],
        "Contact 2 Email": [f"b{i}@menuiserie.fr" for i in range(6)],
        "Tél. contact 2": [f"04 76 12 34 {i:02d}" for i in range(6)],
    }
    result = build_mapping(headers, sample, CATALOG)
    assert result.to_json() == {
        "Raison sociale": "organisation_name",
        "Contact 1 Nom": "last_name",
        "Contact 1 Email": "email",
        "Contact 1 Téléphone": "phone",
        "Contact 2 Nom": "attribute:contact_2_nom",
        "Contact 2 Email": "attribute:contact_2_email",
        "Tél. contact 2": "attribute:tel_contact_2",
        "Enfant 1 Prénom": "attribute:enfant_1_prenom",
    }
    assert any("'Contact 2 Email'" in w and "(contact 2)" in w for w in result.warnings)


def test_an_accounting_softwares_customer_file_maps() -> None:
    """Sage 100's and EBP's headers: the account's number and name, "Qualité" of job
    titles (of civilities, it stays the civility)."""
    headers = ["N° compte tiers", "Intitulé", "Qualité", "Contact"]
    sample: dict[str, list[str | None]] = {"Qualité": ["Gérant", "Directrice", "Comptable"]}
    assert targets(headers, sample) == {
        "N° compte tiers": "external_id",
        "Intitulé": "organisation_name",
        "Qualité": "job_title",
        "Contact": "full_name",
    }
    assert targets(["Code tiers", "Qualité"], {"Qualité": ["M.", "Mme", "Mme"]}) == {
        "Code tiers": "external_id",
        "Qualité": "civility",
    }


def test_a_ribs_columns_are_one_only_together() -> None:
    """"Code banque", "Code guichet", "N° compte", "Clé RIB" are read together into the
    IBAN; a "N° compte" or "Clé" alone is some other account or key of the file."""
    assert targets(["Nom", "N° compte", "Clé"]) == {
        "Nom": "last_name", "N° compte": "attribute:n_compte", "Clé": "attribute:cle"
    }
    assert targets(["Code banque", "Code guichet", "N° compte", "Clé RIB"]) == {
        "Code banque": "rib_bank_code", "Code guichet": "rib_branch_code",
        "N° compte": "rib_account", "Clé RIB": "rib_key",
    }


@pytest.mark.parametrize(
    ("header", "field"),
    [
        # a till's loyalty card export
        ("Date dernier passage", "last_activity"), ("CA cumulé TTC", "total_spent"),
        ("Date adhésion", "signup_date"), ("Cumul achats TTC", "total_spent"),
        # an association's members
        ("Date d'adhésion", "signup_date"),
        # the open question after an NPS score
        ("Pourquoi cette note ?", "survey_comment"),
        ("Date d'appel", "activity_date"),
        # a restaurant's booking export: its own newsletter, not the platform's
        ("Newsletter du restaurant", "optin_newsletter"), ("Optin restaurant", "optin_newsletter"),
        ("Date de la dernière réservation", "last_activity"),
    ],
)
def test_loyalty_membership_and_survey_headers(header: str, field: str) -> None:
    assert targets([header]) == {header: field}


def test_a_booking_platforms_own_opt_in_is_not_the_restaurants() -> None:
    assert targets(["Optin Zenchef"]) == {"Optin Zenchef": "attribute:optin_zenchef"}


def test_a_call_centres_comment_is_the_calls_note() -> None:
    """Beside "Date d'appel" or "N° appelant" the comment is a call note, not a survey's."""
    assert targets(["Date d'appel", "Agent", "Email", "Commentaire"]) == {
        "Date d'appel": "activity_date", "Agent": "attribute:agent", "Email": "email",
        "Commentaire": "call_note",
    }
    assert targets(["Email", "Commentaire"])["Commentaire"] == "survey_comment"
    # a wine merchant's "Appellation" is no call
    assert targets(["Email", "Appellation", "Commentaire"])["Commentaire"] == "survey_comment"


def test_a_fax_column_is_no_phone_whatever_its_numbers() -> None:
    """EBP's, Sage's and Dolibarr's "Télécopie" / "Fax": numbers that look like phones,
    which became the contact's phones (to call, to text, to join people on)."""
    headers = ["Nom", "Téléphone", "Télécopie", "N° de fax"]
    sample = {h: [f"04 78 12 3{i} 56" for i in range(8)] for h in headers[1:]}
    result = build_mapping(headers, sample, CATALOG)
    assert result.to_json() == {
        "Nom": "last_name", "Téléphone": "phone", "Télécopie": "attribute:telecopie",
        "N° de fax": "attribute:n_de_fax",
    }


def test_a_time_column_is_read_only_beside_a_date() -> None:
    assert targets(["Email", "Date d'appel", "Heure"])["Heure"] == "time_of_day"
    assert targets(["Email", "Heure"]) == {"Email": "email", "Heure": "attribute:heure"}


def test_a_recommendation_question_answered_in_words_is_kept_as_its_answers() -> None:
    """The keyword "recommand" names an NPS question; answered "Oui" / "Peut-être", each
    answer failed as a 0-10 score and none was kept on the contact."""
    header = "Recommanderiez-vous notre boutique ?"
    words = {header: ["Oui", "Peut-être", "Oui", "Non"]}
    mapping = build_mapping([header], words, CATALOG)
    [plan] = mapping.columns
    assert (plan.field, plan.attribute, plan.note) == (
        None, "recommanderiez_vous_notre_boutique", "its answers are words, not scores"
    )
    # answered with scores, as written by survey tools, it is the NPS
    for scores in (["9", "10", "6", "Non"], ["9/10", "7/10"], ["8.0", "3.0"],
                   ["10 - Extrêmement probable", "0 - Pas du tout probable"]):
        assert targets([header], {header: list(scores)}) == {header: "nps"}
    # a header that says NPS is one, whatever its sampled values
    assert targets(["Note NPS"], {"Note NPS": ["Oui", "Non"]}) == {"Note NPS": "nps"}


def test_an_old_crm_s_agreement_column_beside_a_newsletter_one() -> None:
    """"ACCORD_COM" is the commercial offers' consent, the newsletter keeps its own."""
    mapping = targets(["NOM", "EMAIL", "ACCORD_COM", "NEWSLETTER"])
    assert mapping["ACCORD_COM"] == "optin_offers"
    assert mapping["NEWSLETTER"] == "optin_newsletter"
