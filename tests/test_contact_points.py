"""carnet.contact_points: an address point built from the parts a row gives."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from carnet.contact_points import address_point
from carnet.fields.catalog import default_catalog
from carnet.fields.verdict import Verdict

POSTCODE = default_catalog()["postcode"]


def parts(**values: str) -> dict[str, Verdict]:
    return {k: Verdict.valid(v, v) for k, v in values.items()}


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
