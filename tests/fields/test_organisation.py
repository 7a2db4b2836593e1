"""carnet.fields.organisation: the name check and the key spellings share."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from carnet.fields.name import is_first_name
from carnet.fields.organisation import (
    check_name,
    is_generic_name,
    legal_form,
    looks_like_organisation,
    name_key,
    names_no_organisation,
)
from carnet.fields.verdict import Status

DATA = Path(__file__).parents[1] / "data"
BLNS: list[str] = json.loads((DATA / "blns" / "blns.json").read_text(encoding="utf-8"))


@pytest.mark.parametrize(
    ("left", "right"),
    [
        ("Dupont et Fils SARL", "DUPONT & FILS"),
        ("Bureau d'études Laporte SARL", "BUREAU D’ETUDES LAPORTE"),
        ("Laroche S.A.R.L.", "laroche"),
        ("Blanchard S.A.S.", "Blanchard SAS"),
        ("Société Martin et Cie", "Martin"),
        ("Ets Durand", "Etablissements Durand"),
        ("SARL Garage du Pont", "Garage du Pont"),
        ("Crédit Agricole", "CREDIT AGRICOLE"),
        # the article in front, or behind in brackets as SIRENE writes it
        ("L'Atelier Créatif", "ATELIER CREATIF (L')"),
        ("Le Petit Zinc", "PETIT ZINC (LE)"),
        ("Les Jardins de Marie SARL", "JARDINS DE MARIE (LES)"),
        ("Société La Fabrique", "La Fabrique"),
    ],
)
def test_spellings_of_one_name_share_a_key(left: str, right: str) -> None:
    assert name_key(left) == name_key(right) is not None


@pytest.mark.parametrize(
    ("left", "right"),
    [
        ("Dupont et Fils", "Dupont"),
        ("Garage Martin", "Boulangerie Martin"),
        ("A.B.C. Conseil", "Conseil"),
        ("SA Conseil", "Conseil Santé"),
        # an article inside the name stays: it is the name
        ("Hôtel Le Beau Site", "Hôtel Beau Site"),
    ],
)
def test_different_names_keep_different_keys(left: str, right: str) -> None:
    assert name_key(left) != name_key(right)


@pytest.mark.parametrize("raw", ["SARL", "S.A.S.", "& Cie", "", "  ", None])
def test_a_legal_form_alone_has_no_key(raw: str | None) -> None:
    assert name_key(raw) is None


def test_non_latin_names_keep_their_letters() -> None:
    assert name_key("ООО Ромашка") == "ооо ромашка"


@pytest.mark.parametrize(
    "raw",
    [
        "Particulier", "PARTICULIER", "particulier.", "Néant", "à titre personnel", "Private",
        "N/A", "n.a.", "NC", "xxx", "Retraité(e)", "Étudiante", "Sans emploi",
        "Auto-entrepreneur", "AUTO ENTREPRENEUR", "Micro-entrepreneur", "Indépendant",
        "Freelance",
    ],
)
def test_placeholders_for_no_organisation_are_refused(raw: str) -> None:
    verdict = check_name(raw)
    assert verdict.status is Status.INVALID
    assert verdict.raw == raw
    assert "no organisation" in verdict.reasons[0]


@pytest.mark.parametrize(
    ("raw", "normalised"),
    [
        ("  Dupont   SA ", "Dupont SA"), ("SNCF", "SNCF"), ("Particulier Services", None),
        ("NA Conseil", None), ("Retraite Plus SA", None),
    ],
)
def test_names_are_tidied_not_recased(raw: str, normalised: str | None) -> None:
    verdict = check_name(raw)
    assert verdict.status is Status.VALID
    assert verdict.normalised == (normalised or raw)


def test_a_name_without_letters_or_digits_is_refused() -> None:
    assert check_name("***").status is Status.INVALID


@given(st.text())
def test_name_key_never_raises_and_is_idempotent(text: str) -> None:
    key = name_key(text)
    assert key is None or (key == key.strip() and name_key(key) == key)


@given(st.text())
def test_check_name_never_raises_and_keeps_the_raw_value(text: str) -> None:
    verdict = check_name(text)
    assert verdict.raw == text
    if verdict.ok:
        assert verdict.normalised is not None and check_name(verdict.normalised).ok
        assert not names_no_organisation(verdict.normalised)


@pytest.mark.parametrize("text", BLNS)
def test_naughty_strings(text: str) -> None:
    check_name(text)
    name_key(text)


@pytest.mark.parametrize(
    ("name", "form"),
    [("Dupont S.A.R.L.", "sarl"), ("SASU Martin", "sasu"), ("Martin", None), ("SA", "sa")],
)
def test_legal_form(name: str, form: str | None) -> None:
    assert legal_form(name) == form


@pytest.mark.parametrize(
    "name",
    [
        "Mairie", "MAIRIE", "Pharmacie", "Pharmacie de la Gare", "Garage du Centre SARL",
        "Boulangerie", "Cabinet médical", "École maternelle", "Hôtel de Ville", "Café de la Place",
        "Auto-école du Centre", "Ets Boulangerie",
    ],
)
def test_names_every_town_has_are_generic(name: str) -> None:
    assert is_generic_name(name)


@pytest.mark.parametrize(
    "name",
    [
        "Mairie de Villeurbanne", "Boulangerie Martin", "SARL Dupont", "Pharmacie Lemoine",
        "Garage du Centre Renault Villeurbanne", "Laporte Ingénierie", "ACME", "", None,
    ],
)
def test_a_word_of_its_own_makes_a_name_distinctive(name: str | None) -> None:
    assert not is_generic_name(name)


@given(st.text())
def test_is_generic_name_never_raises(text: str) -> None:
    assert is_generic_name(text) in (True, False)


@pytest.mark.parametrize(
    ("raw", "name", "key"),
    [
        (
            "Boulangerie Dupont SARL au capital de 10 000 €",
            "Boulangerie Dupont SARL",
            "boulangerie dupont",
        ),
        ("Dupont - SIRET 552 100 554 00013", "Dupont", "dupont"),
        ("Martin SA, RCS Lyon B 123 456 789", "Martin SA", "martin"),
        ("Dupont (SIRET 55210055400013)", "Dupont", "dupont"),
    ],
)
def test_a_letterhead_s_legal_mentions_are_no_part_of_the_name(
    raw: str, name: str, key: str
) -> None:
    # before: the capital and the SIRET were kept in the name and in its key
    verdict = check_name(raw)
    assert verdict.ok and verdict.normalised == name and "cleaned" in verdict.flags
    assert name_key(raw) == key == name_key(name)


@pytest.mark.parametrize("raw", ["Capital Assurances 2000", "SIRET Services 12", "Tva Conseil 33"])
def test_a_name_that_starts_with_such_a_word_is_kept(raw: str) -> None:
    verdict = check_name(raw)
    assert verdict.normalised == raw and not verdict.flags


@pytest.mark.parametrize(
    ("cell", "why"),
    [
        ("Atelier Bois SARL", "the legal form SARL"),  # Stripe's customer "Name"
        ("SARL Dupont Frères", "the legal form SARL"),
        ("Mairie de Vannes", "the word Mairie"),
        ("Association Les Amis du Rail", "the word Association"),
        ("EURL Martin", "the legal form EURL"),
        ("SCI du Parc", "the legal form SCI"),
        ("Cabinet Durand & Associés", "the word Cabinet"),
        ("Boulangerie Le Fournil", "the word Boulangerie"),
        ("Dupont SA", "the legal form SA"),
        ("DUPONT SAS", "the legal form SAS"),
        ("Raymond S.A.", "the legal form SA"),  # dotted: nobody's name
        ("Dupont S.A.R.L. au capital de 10 000 €", "the legal form SARL"),
        ("GAEC des Trois Chênes", "the legal form GAEC"),
        ("Martin Frères", "the words Frères"),
        ("Dupont et Fils", "the words et Fils"),
        ("Acme Ltd", "the legal form LTD"),
    ],
)
def test_a_company_in_a_persons_name_column_is_told(cell: str, why: str) -> None:
    assert looks_like_organisation(cell, is_first_name=is_first_name) == why


@pytest.mark.parametrize(
    "cell",
    [
        "Sas", "Sa", "Cabinet", "Ei", "Mairie",  # one word: a family name, or nothing
        "Pierre Sas", "PIERRE SAS", "Paul Ei", "Maria SA", "Maria SÁ", "João DE SÁ",
        "Sophie Cabinet", "Cabinet Sophie", "CABINET Sophie",
        "Earl Thomas", "EARL HUNT",  # Earl is a first name as well as a farm's form
        "Gérard FLEURY fils", "Jean Dupont", "LE GOFF Yann", "Maison",
        "", "   ",
    ],
)
def test_a_persons_name_is_no_company(cell: str) -> None:
    assert looks_like_organisation(cell, is_first_name=is_first_name) is None


def test_without_a_first_name_list_a_lone_form_still_needs_capitals() -> None:
    assert looks_like_organisation("Pierre Sas") is None
    assert looks_like_organisation("Atelier Bois SARL") == "the legal form SARL"


@given(st.text())
def test_looks_like_organisation_never_raises(text: str) -> None:
    why = looks_like_organisation(text, is_first_name=is_first_name)
    assert why is None or why.startswith("the ")
    # tidying the blanks changes nothing: the reading is of words
    assert looks_like_organisation(" ".join(text.split()), is_first_name=is_first_name) == why


def test_no_blns_string_is_a_one_word_company() -> None:
    for text in BLNS:
        if len(text.split()) < 2:
            assert looks_like_organisation(text, is_first_name=is_first_name) is None
