"""Contact points built from checked values: a street written over several columns."""

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
