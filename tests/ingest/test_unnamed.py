"""Columns with no name mapped by their values (carnet.ingest.unnamed)."""

from __future__ import annotations

from datetime import date

from hypothesis import given
from hypothesis import strategies as st

from carnet.fields.catalog import default_catalog
from carnet.ingest.unnamed import unnamed_fields

TODAY = date(2026, 12, 7)
CATALOG = default_catalog()


def guess(columns: list[list[str | None]], taken: set[str] | None = None) -> dict[str, str]:
    sample = {f"column_{i}": values for i, values in enumerate(columns, 1)}
    return unnamed_fields(sample, taken=set() if taken is None else taken, today=TODAY)


def test_an_old_crm_dump_without_its_header_is_read_column_by_column() -> None:
    found = guess([
        ["Mme", "M.", "Madame", "M"],
        ["DUPONT", "MARTIN", "LEROY", "BERNARD"],  # Martin, Leroy, Bernard are first names too
        ["Jeanne", "Paul", "Léa", "Jean-Pierre"],
        ["12 rue de la Paix", "3 av. Jean Jaurès", "8 bis, bd Voltaire", "Lieu-dit Le Bourg"],
        ["75002", "69003", "33000", "01000"],
        ["PARIS", "Lyon", "Bordeaux", "Bourg-en-Bresse"],
        ["12/03/1970", "15/03/1985", "01/01/1990", None],
        ["C1001", "C1002", "C1003", "C1004"],
    ])
    assert found == {
        "column_1": "civility", "column_2": "last_name", "column_3": "first_name",
        "column_4": "address_line1", "column_5": "postcode", "column_6": "city",
        "column_7": "birth_date",
    }


def test_first_name_before_last_name_and_a_whole_name_column() -> None:
    assert guess([["Jean", "Sophie", "Paul"], ["Dupont", "Martin", "Leroy"]]) == {
        "column_1": "first_name", "column_2": "last_name"
    }
    assert guess([["Jean Dupont", "MARTIN Sophie", "Paul Leroy"], ["a", "b", "c"]]) == {
        "column_1": "full_name"
    }


def test_what_could_be_something_else_stays_an_attribute() -> None:
    # recent dates: a sign-up, an order, a visit? digits alone: customer numbers
    assert guess([["12/03/2024", "01/06/2025"], ["1001", "1002"], ["Oui", "Non"]]) == {}
    # a field another column already feeds is not given twice
    assert guess([["75002", "69003"], ["Paris", "Lyon"]], taken={"postcode"}) == {}
    # a column of words beside no postcode and no first name is no city nor last name
    assert guess([["Paris", "Lyon"], ["Rouge", "Bleu"]]) == {}


def test_only_unnamed_columns_are_read() -> None:
    sample = {"Ville": ["Paris", "Lyon"], "column_2": ["75002", "69003"]}
    assert unnamed_fields(sample, taken=set(), today=TODAY) == {"column_2": "postcode"}


@given(st.lists(st.lists(st.one_of(st.none(), st.text(max_size=12)), min_size=1, max_size=6),
                max_size=6))
def test_any_values_give_known_fields_each_at_most_once(columns: list[list[str | None]]) -> None:
    found = guess(columns)
    assert all(field in CATALOG for field in found.values())
    # but e-mails and phones, of which a person has several
    once = [field for field in found.values() if field not in ("email", "phone")]
    assert len(set(once)) == len(once)


def test_e_mails_and_phones_of_a_short_file_and_numbers_that_are_no_phones() -> None:
    assert guess([["a.b@free.fr", None], ["06 12 34 56 78", "+33 1 45 67 89 10"]]) == {
        "column_1": "email", "column_2": "phone"
    }
    # nine digits from a 1: a ticket's number, not a landline whose 0 was dropped
    assert guess([["172754126", "172754127"]]) == {}


def test_every_column_of_phones_or_e_mails_is_one() -> None:
    assert guess([["06 12 34 56 78"], ["01 45 67 89 10"], ["a@b.fr"], ["c@d.fr"]]) == {
        "column_1": "phone", "column_2": "phone", "column_3": "email", "column_4": "email"
    }
