"""Contact points built from checked values: a street written over several columns, a
postcode typed in the city cell."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from carnet.contact_points import STREET_PARTS, address_point, street_from_parts
from carnet.fields.catalog import default_catalog
from carnet.fields.verdict import Status, Verdict


def parts(**cells: str) -> dict[str, Verdict]:
    return {name: Verdict.valid(cell, cell) if cell else Verdict.empty(cell)
            for name, cell in cells.items()}


@pytest.mark.parametrize(
    ("cells", "line"),
    [
        # La Poste's RNVP layout and INSEE's SIRENE: number, index, type, name
        ({"street_number": "12", "street_repetition": "B", "street_type": "RUE",
          "street_name": "DES LILAS"}, "12 BIS RUE DES LILAS"),
        ({"street_number": "3", "street_repetition": "", "street_type": "AV",
          "street_name": "FOCH"}, "3 AV FOCH"),
        ({"street_number": "7", "street_repetition": "ter", "street_name": "rue de la Gare"},
         "7 ter rue de la Gare"),
        # a lieu-dit has no number
        ({"street_number": "", "street_type": "", "street_name": "LIEU-DIT LES BORDES"},
         "LIEU-DIT LES BORDES"),
        # a spreadsheet wrote the number as a float; "0" is no number
        ({"street_number": "14.0", "street_type": "BD", "street_name": "GAMBETTA"},
         "14 BD GAMBETTA"),
        ({"street_number": "0", "street_type": "CHE", "street_name": "DES VIGNES"},
         "CHE DES VIGNES"),
        # an index means nothing without its number
        ({"street_repetition": "B", "street_type": "RUE", "street_name": "HAUTE"}, "RUE HAUTE"),
        # "N°" beside a street line written without it
        ({"street_number": "5", "address_line1": "place du Marché"}, "5 place du Marché"),
    ],
)
def test_a_street_written_apart_is_joined(cells: dict[str, str], line: str) -> None:
    joined = street_from_parts(parts(**cells))
    assert joined is not None and joined.normalised == line


@pytest.mark.parametrize(
    "cells",
    [
        {},  # nothing written apart
        {"street_number": "", "street_name": ""},
        # the row's own line already has its number: it wins
        {"street_number": "8", "address_line1": "8 rue Haute"},
        {"street_type": "RUE", "address_line1": "rue Haute"},  # no number to add
    ],
)
def test_nothing_to_join_leaves_the_line_as_written(cells: dict[str, str]) -> None:
    assert street_from_parts(parts(**cells)) is None


def test_the_joined_street_makes_the_same_address_as_the_written_one() -> None:
    field = default_catalog()["postcode"]
    apart = address_point(field, parts(street_number="12", street_repetition="B",
                                       street_type="R", street_name="des Lilas",
                                       postcode="75011", city="Paris"), "FR")
    written = address_point(field, parts(address_line1="12 bis rue des Lilas",
                                         postcode="75011", city="PARIS"), "FR")
    assert apart.verdict.status is Status.VALID
    assert apart.parts["line1"] == "12 BIS R des Lilas"
    assert apart.verdict.normalised == written.verdict.normalised


def test_a_street_that_says_there_is_none_is_empty() -> None:
    joined = street_from_parts(parts(street_name="Adresse inconnue"))
    assert joined is not None and joined.status is Status.EMPTY


_cells = st.fixed_dictionaries(
    {},
    optional={name: st.text(max_size=30) for name in (*STREET_PARTS, "address_line1")},
)


@given(_cells)
def test_joining_never_raises_and_keeps_every_word(cells: dict[str, str]) -> None:
    joined = street_from_parts(parts(**cells))
    if joined is None:
        return
    assert joined.raw is not None
    # every word of the name cell is in the line (nothing dropped)
    for word in cells.get("street_name", "").split():
        if not cells.get("address_line1", "").split():
            assert word in str(joined.raw)

POSTCODE = default_catalog()["postcode"]



@pytest.mark.parametrize(
    ("city", "postcode", "key"),
    [
        # the postcode column left empty, the code typed with the city
        ("49000 Angers", None, "3 RUE DE LA GARE|49000|ANGERS|FR"),
        ("06000 NICE CEDEX", None, "3 RUE DE LA GARE|06000|NICE CEDEX|FR"),
        ("ANGERS 49000", None, "3 RUE DE LA GARE|49000|ANGERS|FR"),
        ("75 008 Paris", None, "3 RUE DE LA GARE|75008|PARIS|FR"),
        # the city cell repeats the row's postcode
        ("49000 Angers", "49000", "3 RUE DE LA GARE|49000|ANGERS|FR"),
        ("1000 Bourg-en-Bresse", "01000", "3 RUE DE LA GARE|01000|BOURG-EN-BRESSE|FR"),
    ],
)
def test_a_postcode_typed_in_the_city_cell_is_the_address_s(
    city: str, postcode: str | None, key: str
) -> None:
    given_parts = parts(address_line1="3 rue de la Gare", city=city)
    if postcode is not None:
        given_parts["postcode"] = Verdict.valid(postcode, postcode)
    point = address_point(POSTCODE, given_parts, "FR")
    assert point.verdict.normalised == key
    assert point.verdict.ok
    assert "postcode_in_city" in point.verdict.flags
    assert "postcode read from the city cell" in point.verdict.reasons


def test_a_city_cell_with_another_postcode_than_the_row_s_is_left_whole() -> None:
    point = address_point(
        POSTCODE, parts(address_line1="3 rue de la Gare", postcode="35000", city="49000 Angers"),
        "FR",
    )
    assert point.verdict.normalised == "3 RUE DE LA GARE|35000|49000 ANGERS|FR"
    assert "postcode_in_city" not in point.verdict.flags


def test_a_city_without_a_postcode_is_no_split() -> None:
    point = address_point(POSTCODE, parts(address_line1="3 rue de la Gare", city="Angers"), "FR")
    assert point.verdict.normalised == "3 RUE DE LA GARE||ANGERS|FR"
    assert "no_postcode" in point.verdict.flags and "postcode_in_city" not in point.verdict.flags


def test_a_ter_written_apart_by_a_comma_stays_with_its_number() -> None:
    """Mailchimp's one-cell address: "169 T, crs Nationale  Saint-Nazaire  44600  FR"."""
    point = address_point(
        POSTCODE, parts(address_line1="169 T, crs Nationale  Saint-Nazaire  44600  FR"), "FR"
    )
    assert point.verdict.normalised == "169 TER COURS NATIONALE|44600|SAINT-NAZAIRE|FR"


@given(
    st.sampled_from(["01000", "49000", "75008", "13001", "97400", "20000"]),
    st.sampled_from(["Angers", "SAINT-DENIS", "Bourg en Bresse", "L'Isle-Adam", "Paris"]),
    st.booleans(),
)
def test_the_postcode_and_city_of_one_cell_read_as_two_cells(
    code: str, city: str, code_first: bool
) -> None:
    cell = f"{code} {city}" if code_first else f"{city} {code}"
    together = address_point(POSTCODE, parts(address_line1="3 rue de la Gare", city=cell), "FR")
    apart = address_point(
        POSTCODE, parts(address_line1="3 rue de la Gare", postcode=code, city=city), "FR"
    )
    assert together.verdict.normalised == apart.verdict.normalised
    assert together.verdict.status is apart.verdict.status
