"""The field catalog: declarations, header synonyms, profiles, custom fields."""

from __future__ import annotations

import re
import unicodedata

import pytest
from hypothesis import given
from hypothesis import strategies as st

from carnet.errors import ConfigError
from carnet.fields.catalog import (
    Category,
    Kind,
    Profile,
    Sensitivity,
    Storage,
    default_catalog,
    fold_header,
)

CATALOG = default_catalog()

REQUIRED = {
    "civility",
    "first_name",
    "last_name",
    "full_name",
    "birth_date",
    "gender",
    "language",
    "email",
    "phone",
    "mobile",
    "address_line1",
    "address_line2",
    "address_line3",
    "postcode",
    "city",
    "country",
    "job_title",
    "pcs",
    "organisation_name",
    "siren",
    "siret",
    "vat_number",
    "naf_code",
    "sector",
    "size_band",
    "website",
    "iban",
    "interests",
    "equipment",
    "lifecycle_stage",
    "customer_since",
    "loyalty_id",
    "external_id",
}


def test_the_issue_fields_are_all_declared() -> None:
    assert set(CATALOG) >= REQUIRED


def test_every_field_is_fully_described() -> None:
    for field in CATALOG.values():
        assert field.label_fr and field.label_en, field.name
        assert isinstance(field.kind, Kind) and isinstance(field.category, Category)
        assert field.profiles and field.weight >= 0
        assert field.half_life_days is None or field.half_life_days > 0


def test_no_header_spelling_names_two_fields() -> None:
    owner: dict[str, str] = {}
    for field in CATALOG.values():
        for spelling in (field.name, field.label_fr, field.label_en, *field.synonyms):
            key = fold_header(spelling)
            assert owner.setdefault(key, field.name) == field.name, (key, field.name)


def test_sensitive_and_multi_valued_fields() -> None:
    assert CATALOG["iban"].sensitivity is Sensitivity.SENSITIVE
    assert CATALOG["email"].many and CATALOG["phone"].many
    assert CATALOG["mobile"].hint == "mobile"
    assert CATALOG["full_name"].storage is Storage.INPUT


def test_profiles_choose_what_completeness_counts() -> None:
    b2c = {f.name for f in CATALOG.for_profile(Profile.B2C)}
    b2b = {f.name for f in CATALOG.for_profile("b2b")}
    assert "birth_date" in b2c and "birth_date" not in b2b
    assert "siret" in b2b and "siret" not in b2c
    assert {"email", "first_name", "last_name"} <= b2c & b2b


def test_custom_fields_are_one_declaration() -> None:
    catalog = CATALOG.with_custom(
        [
            {
                "name": "shoe_size",
                "kind": "integer",
                "label_fr": "Pointure",
                "synonyms": ["taille chaussure"],
                "weight": 0.5,
                "profiles": ["b2c"],
            }
        ]
    )
    field = catalog["shoe_size"]
    assert field.custom and field.storage is Storage.ATTRIBUTE
    assert catalog.match_header("Taille chaussure") is field
    assert field in catalog.for_profile("b2c")


def test_bad_custom_fields_report_every_problem() -> None:
    with pytest.raises(ConfigError) as info:
        CATALOG.with_custom(
            [
                {"name": "Bad Name", "kind": "text"},
                {"name": "email", "kind": "text"},
                {"name": "x", "kind": "colour"},
            ]
        )
    message = str(info.value)
    assert "snake_case" in message and "built-in" in message and "colour" in message


def _fold_by_decomposition(header: str) -> str:
    """fold_header's general path, applied to every text (the reference)."""
    text = unicodedata.normalize("NFKD", header)
    text = "".join(c for c in text if not unicodedata.combining(c)).lower()
    return re.sub(r"[^a-z0-9]+", " ", text).strip()


@given(st.text() | st.text(alphabet=st.characters(max_codepoint=127)))
def test_fold_header_ascii_shortcut_folds_as_the_general_path(header: str) -> None:
    folded = fold_header(header)
    assert folded == _fold_by_decomposition(header)
    assert fold_header(folded) == folded


@pytest.mark.parametrize("header", ["Standard", "N° standard", "Standard téléphonique"])
def test_a_company_s_switchboard_is_a_phone(header: str) -> None:
    """Beside "Tél. direct" on a trade-show list, "Standard" was a text attribute."""
    field = CATALOG.match_header(header)
    assert field is not None and field.name == "phone"


@pytest.mark.parametrize(
    ("header", "field"),
    [
        # an old CRM dump's shortened headers: before, custom attributes, so the address
        # was no address, the birth date no date, and neither helped find duplicates
        ("ADR1", "address_line1"), ("Adr. 1", "address_line1"), ("ADR 2", "address_line2"),
        ("DT NAISS", "birth_date"), ("Dt naiss", "birth_date"),
        ("DERN ACHAT", "last_activity"), ("Date 1er achat", "customer_since"),
        ("Cde postal", "postcode"), ("Nom JF", "birth_name"), ("Tél mob", "mobile"),
        ("Pren", "first_name"), ("Prén.", "first_name"), ("Dt inscr", "signup_date"),
        ("Date crea", "signup_date"), ("Adr. e-mail", "email"), ("N° cli", "external_id"),
        ("Nb cde", "order_count"), ("Sté", "organisation_name"), ("Fct", "job_title"),
        # and English ones
        ("D.O.B.", "birth_date"), ("Mobile no", "mobile"), ("Phone no.", "phone"),
        ("Email addr", "email"), ("Org", "organisation_name"), ("N.A.F.", "naf_code"),
        # synonyms that were missing
        ("Opted in", "optin_newsletter"), ("Joined", "signup_date"),
        ("Member since", "customer_since"), ("Membre depuis", "customer_since"),
        ("Dirigeant", "full_name"), ("Interlocuteur principal", "full_name"),
        ("Dépenses totales", "total_spent"), ("Total dépensé", "total_spent"),
    ],
)
def test_shortened_headers_are_read_spelt_out(header: str, field: str) -> None:
    found = CATALOG.match_header(header)
    assert found is not None and found.name == field


@pytest.mark.parametrize("header", ["Port", "Frais de port", "Dt modif", "DATNAIS x"])
def test_a_shortening_that_names_nothing_or_something_else_maps_nothing(header: str) -> None:
    # "Port" is a shop's shipping cost, not a shortened "portable"
    assert CATALOG.match_header(header) is None


@pytest.mark.parametrize(
    ("header", "field"),
    [
        ("Adresse pro", "address_line1"), ("CP perso", "postcode"), ("Ville domicile", "city"),
        ("Code postal maison", "postcode"), ("Pays travail", "country"),
        # La Poste's and INSEE's street written over several columns
        ("N° voie", "street_number"), ("Ind. rép.", "street_repetition"),
        ("Type de voie", "street_type"), ("Libellé voie", "street_name"),
        ("numeroVoieEtablissement", "street_number"), ("Tél. travail", "phone"),
    ],
)
def test_a_part_of_one_of_the_persons_addresses_is_that_part(header: str, field: str) -> None:
    found = CATALOG.match_header(header)
    assert found is not None and found.name == field


@pytest.mark.parametrize("header", ["Nom pro", "Fonction pro", "Statut pro", "Date perso"])
def test_an_owner_word_after_another_field_names_nothing(header: str) -> None:
    # only addresses, phones and e-mails are a person's own, at home or at work
    assert CATALOG.match_header(header) is None


@given(st.text(max_size=40))
def test_header_matching_never_raises_on_any_text(header: str) -> None:
    found = CATALOG.header_match(header)
    assert found is None or (found[0].name in CATALOG and found[1] in HOW)


HOW = {"synonym", "consent question", "keyword"}
