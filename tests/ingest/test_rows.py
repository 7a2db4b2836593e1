"""Row assembly: column by column, shared points, unreadable rows, bounded caches."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from carnet.fields.catalog import default_catalog
from carnet.ingest import rows as rows_module
from carnet.ingest.mapping import build_mapping
from carnet.ingest.rows import RowBuilder

CATALOG = default_catalog()


def builder(columns: dict[str, list[str | None]], **kwargs: object) -> RowBuilder:
    mapping = build_mapping(list(columns), columns, CATALOG, **kwargs)  # type: ignore[arg-type]
    return RowBuilder(mapping, CATALOG, "FR")


def test_every_cell_lands_where_its_field_goes() -> None:
    columns: dict[str, list[str | None]] = {
        "Prénom": ["jean", "Marie", None],
        "Nom": ["DUPONT", "Durand", "Martin"],
        "Email": ["Jean@Free.fr", "pas-un-email", "m@orange.fr"],
        "Téléphone": ["06 12 34 56 78", None, "0612345678"],
        "Ville": ["Lyon", None, "Paris"],
        "Couleur": ["bleu", "", None],
    }
    records = builder(columns).build([1, 2, 3], columns, {}, {})
    first, second, third = records
    assert first.columns["first_name"] == "Jean" and first.columns["last_name"] == "Dupont"
    assert first.usable_emails == ["jean@free.fr"] and first.usable_phones == ["+33612345678"]
    assert first.address is not None and first.address.parts["city"] == "Lyon"
    assert first.attributes["couleur"] == "bleu"
    assert second.usable_emails == [] and second.invalid_values == {}
    assert [p.verdict.status.value for p in second.emails] == ["invalid"]
    assert "couleur" not in second.attributes and second.address is None
    assert third.raw == {
        "Prénom": None,
        "Nom": "Martin",
        "Email": "m@orange.fr",
        "Téléphone": "0612345678",
        "Ville": "Paris",
        "Couleur": None,
    }
    assert all(r.external_id and r.external_id.startswith("row:") for r in records)


def test_rows_with_the_same_value_share_one_point() -> None:
    columns: dict[str, list[str | None]] = {"Email": ["a@free.fr", "b@free.fr", "a@free.fr"]}
    records = builder(columns).build([1, 2, 3], columns, {}, {})
    assert records[0].emails[0] is records[2].emails[0]
    assert records[0].emails[0] is not records[1].emails[0]


def test_first_column_of_a_field_wins_and_invalid_values_are_kept() -> None:
    columns: dict[str, list[str | None]] = {
        "Date de naissance": ["31/02/1980", "03/04/1981"],
        "Nom": ["Petit", "Petit"],
    }
    records = builder(columns).build([1, 2], columns, {}, {})
    assert records[0].attributes["invalid_values"] == {"birth_date": "31/02/1980"}
    assert str(records[1].columns["birth_date"]) == "1981-04-03"


def test_unreadable_rows_keep_their_raw_values_and_error_only() -> None:
    columns: dict[str, list[str | None]] = {
        "Email": ["a@free.fr", None, "c@free.fr"],
        "Nom": ["Un", None, "Trois"],
    }
    records = builder(columns).build([1, 2, 3], columns, {3: ("extra",)}, {2: "not a JSON object"})
    assert records[1].error == "not a JSON object"
    assert records[1].emails == [] and records[1].columns == {}
    assert records[1].identity_problem() == "unreadable row: not a JSON object"
    assert records[2].usable_emails == ["c@free.fr"]
    assert records[2].raw["_extra"] == ["extra"]


def test_caches_stay_bounded(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(rows_module, "CACHE_LIMIT", 10)
    values: list[str | None] = [f"{i} rue de la Paix" for i in range(50)]
    columns: dict[str, list[str | None]] = {"Adresse": values, "Ville": ["Lyon"] * 50}
    row_builder = builder(columns)
    records = row_builder.build(list(range(1, 51)), columns, {}, {})
    assert len(row_builder._addresses) <= 11
    assert {r.address.parts["line1"] for r in records if r.address} == set(values)


def test_a_civility_in_brackets_after_the_last_name_is_the_civility() -> None:
    columns: dict[str, list[str | None]] = {
        "Nom": ["Dupont (Mme)", "(M.) Durand"],
        "Prénom": ["Claire", "Paul"],
        "Email": ["c.dupont@free.fr", "p.durand@free.fr"],
    }
    records = builder(columns).build([1, 2], columns, {}, {})
    assert [
        (r.columns.get("civility"), r.columns.get("first_name"), r.columns.get("last_name"))
        for r in records
    ] == [("Mme", "Claire", "Dupont"), ("M.", "Paul", "Durand")]
    assert all(not r.invalid_values for r in records)


def test_a_last_name_repeating_the_first_name_loses_it() -> None:
    columns: dict[str, list[str | None]] = {
        "Nom": ["Dupont Jean", "JEAN DUPONT", "Saint Pierre", "Martin Marie Claire", "Dupont"],
        "Prénom": ["Jean", "Jean", "Pierre", "Marie Claire", "Jean"],
        "Email": ["a@free.fr", "b@free.fr", "c@free.fr", "d@free.fr", "e@free.fr"],
    }
    records = builder(columns).build([1, 2, 3, 4, 5], columns, {}, {})
    assert [(r.columns["first_name"], r.columns["last_name"]) for r in records] == [
        ("Jean", "Dupont"),
        ("Jean", "Dupont"),
        ("Pierre", "Saint Pierre"),  # a particle alone is no last name
        ("Marie Claire", "Martin"),
        ("Jean", "Dupont"),
    ]
    assert records[0].notes == [
        "last name 'Dupont Jean' read as 'Dupont': it repeated the first name"
    ]
    assert records[4].notes == []


def test_a_whole_name_in_the_last_name_cell_is_split_by_its_capitals() -> None:
    """"Mme LEROY Sophie" with no first name: the capitals say Leroy is the last name,
    though Leroy is a first name too (a list of first names left it whole)."""
    columns: dict[str, list[str | None]] = {
        "Nom": ["Mme LEROY Sophie", "BEN ALI Valérie", "Leroy Sophie", "LEROY SOPHIE"],
        "Prénom": [None, None, None, None],
        "Email": ["a@free.fr", "b@free.fr", "c@free.fr", "d@free.fr"],
    }
    records = builder(columns).build([1, 2, 3, 4], columns, {}, {})
    assert [(r.columns.get("first_name"), r.columns["last_name"]) for r in records] == [
        ("Sophie", "Leroy"),
        ("Valérie", "Ben Ali"),
        (None, "Leroy Sophie"),  # nothing tells which is which: left as written
        (None, "Leroy Sophie"),
    ]
    assert records[0].notes == ["the last-name cell 'Mme LEROY Sophie' held the whole name"]
    assert records[0].columns["civility"] == "Mme"


def test_totals_footer_and_section_rows_are_no_person() -> None:
    columns: dict[str, list[str | None]] = {
        "Nom": ["Martin", "TOTAL", "Total général", "Sous-total", "Fin de liste",
                "Nombre de clients", "TOTAL CLIENTS", "Agence de Lyon", "Total", "Agence de Lyon"],
        "Prénom": ["Paul", None, None, None, None, None, "2", None, "Marc", None],
        "Email": ["paul.martin@orange.fr", None, None, None, None, None, None, None, None,
                  "lyon@agence.fr"],
        "Montant": ["12", "42", "42", "42", None, "2", None, None, None, None],
    }
    records = builder(columns).build(list(range(1, 11)), columns, {}, {})
    problems = [r.identity_problem() for r in records]
    assert problems[0] is None
    for problem in problems[1:8]:
        assert problem is not None and "a totals, footer or section row" in problem
    assert str(problems[7]).startswith("a totals, footer or section row ('Agence de Lyon')")
    # a first name or an e-mail makes it a person's row (or an agency's contact)
    assert problems[8] is None and problems[9] is None


def test_a_total_with_figures_and_a_note_under_the_table_are_no_person() -> None:
    """"Total : 1 234 clients" fails the name check (digits) and a software's note under
    the table names it: both are footers, not rows with no identity."""
    columns: dict[str, list[str | None]] = {
        "Nom": ["Martin", "Total : 1 234 clients", "Export généré par GestCom v3.2 le 04/12/2026",
                "Page 2 sur 5", "Page", "Edité le 04/12/2026"],
        "Prénom": ["Paul", None, None, None, "Jean", None],
        "CA 2025": ["12", "1 234,50", None, None, None, None],
    }
    records = builder(columns).build(list(range(1, 7)), columns, {}, {})
    problems = [r.identity_problem() for r in records]
    assert problems[0] is None and problems[4] is None  # Jean Page is a person
    for problem in (*problems[1:4], problems[5]):
        assert problem is not None and problem.startswith("a totals, footer or section row")


def test_a_total_opening_the_row_in_the_company_column_is_no_person() -> None:
    """A trade-show sheet's last line "TOTAL;;4 visiteurs": the word is in the first
    column (the company's) and the name column holds a count. It was a contact "4
    Visiteurs" at a company called TOTAL. A person named beside it keeps the row."""
    columns: dict[str, list[str | None]] = {
        "Société": ["Menuiserie Leroux SARL", "TOTAL", "Total", "TOTAL", "Sous-total"],
        "Prénom NOM": ["Pascal LEROUX", "4 visiteurs", "Jean Dupont", None, None],
        "Email pro": [None, None, None, "j.petit@total.fr", None],
        "CA": [None, "12 400", None, None, "3 100,00"],
    }
    records = builder(columns).build(list(range(1, 6)), columns, {}, {})
    problems = [r.identity_problem() for r in records]
    assert problems[0] is None
    assert str(problems[1]).startswith("a totals, footer or section row ('TOTAL')")
    assert str(problems[4]).startswith("a totals, footer or section row ('Sous-total')")
    # Jean Dupont of the company Total, and a TOTAL employee's e-mail, are people
    assert problems[2] is None and problems[3] is None
    assert records[2].organisation["name"] == "Total"


def test_a_whole_name_s_part_with_digits_is_no_name() -> None:
    """"Martin Jean-Pierre 2" stored the last name "2", and "4 visiteurs" the first
    name "4": a part with digits is kept among the row's invalid values, as a name
    column's cell with digits is."""
    columns: dict[str, list[str | None]] = {
        "Nom complet": ["Martin Jean-Pierre 2", "4 visiteurs", "Jean & Marie Martin"],
        "Email": ["jp.martin@free.fr", None, "famille.martin@orange.fr"],
    }
    first, second, couple = builder(columns).build([1, 2, 3], columns, {}, {})
    assert "2" not in first.columns.values() and first.invalid_values["last_name"] == "2"
    assert first.columns["first_name"] == "Martin Jean-Pierre"
    assert second.columns == {"last_name": "Visiteurs"}
    assert second.invalid_values["first_name"] == "4"
    # other refusals of the name check leave the part as written, as before
    assert couple.columns["first_name"] == "Jean & Marie"


def test_a_section_word_with_other_cells_is_left_alone() -> None:
    columns: dict[str, list[str | None]] = {
        "Nom": ["Agence de Lyon"],
        "Ville": ["Lyon"],
    }
    record = builder(columns).build([1], columns, {}, {})[0]
    assert record.identity_problem() is None


@pytest.mark.parametrize(
    ("written", "year"),
    [
        ("1985", 1985), ("1985.0", 1985), ("03/1990", 1990), ("3/1990", 1990),
        ("03-1990", 1990), ("03.1990", 1990), ("1990-03", 1990), ("mars 1990", 1990),
        ("Sept. 1988", 1988), ("févr 1975", 1975),
        # no year of birth in them: kept as written among the invalid values
        ("Lyon 1990", None), ("1990-13", None), ("13/1990", None), ("03/1890", None),
    ],
)
def test_a_birth_date_with_only_a_month_and_year_keeps_the_year(
    written: str, year: int | None
) -> None:
    columns: dict[str, list[str | None]] = {"Nom": ["Dupont"], "Date de naissance": [written]}
    [record] = builder(columns).build([1], columns, {}, {})
    assert "birth_date" not in record.columns
    if year is None:
        assert record.invalid_values["birth_date"] == written
    else:
        assert record.attributes["birth_year"] == year and not record.invalid_values
        assert any("only a year" in note for note in record.notes)


def test_a_rejected_row_s_reason_gives_the_fix_the_check_found() -> None:
    columns: dict[str, list[str | None]] = {
        "Email": ["alexandre.rouxhotmail.fr", "pas-un-email"],
        "Optin": ["oui", "oui"],
    }
    first, second = builder(columns).build([1, 2], columns, {}, {})
    assert first.identity_problem() == (
        "no name, usable email or usable phone to identify the person: email "
        "'alexandre.rouxhotmail.fr' is invalid (The email address has no @-sign.); "
        "did you mean 'alexandre.roux@hotmail.fr'?"
    )
    assert "did you mean" not in str(second.identity_problem())


def test_a_whole_name_column_saying_anonymous_names_no_one() -> None:
    """A survey's "Anonyme" or a till's "Client" in a whole-name column is no name,
    as it is in a last-name column: the row has no identity (it was a contact
    called Anonyme)."""
    columns: dict[str, list[str | None]] = {
        "Nom complet": ["Anne Martin", "Anonyme", "Client inconnu", "M. Inconnu"],
        "Note NPS": ["9", "10", "7", "8"],
    }
    records = builder(columns).build([1, 2, 3, 4], columns, {}, {})
    assert records[0].columns["last_name"] == "Martin"
    for record in records[1:]:
        assert "last_name" not in record.columns and "first_name" not in record.columns
        assert str(record.identity_problem()).startswith("no name")


def test_a_second_tables_title_and_header_are_no_person() -> None:
    """Two tables in one sheet ("Clients" then "Prospects"), or a printed export's page
    break: the second title was a contact called Prospects, the header again a row
    with no identity."""
    columns: dict[str, list[str | None]] = {
        "Nom": ["Martin", "Prospects", "Nom", "Petit", "Clients inactifs", "Prospect"],
        "Prénom": ["Paul", None, "Prénom", "Luc", None, "Anne"],
        "Email": ["paul@free.fr", None, "Email", "luc@free.fr", None, None],
    }
    records = builder(columns).build(list(range(1, 7)), columns, {}, {})
    problems = [r.identity_problem() for r in records]
    assert problems[0] is None and problems[3] is None
    assert str(problems[1]).startswith("a totals, footer or section row ('Prospects')")
    assert str(problems[2]).startswith("the header row again")
    assert str(problems[4]).startswith("a totals, footer or section row")
    assert problems[5] is None  # Anne Prospect is a person


_HEADERS = ("Nom", "Prénom", "Email", "Ville")
_CELLS = st.one_of(
    st.none(), st.sampled_from(_HEADERS), st.sampled_from([" NOM ", "prenom", "e-mail", "VILLE."]),
    st.text(max_size=8),
)


@settings(max_examples=60, deadline=None)
@given(st.lists(st.tuples(*([_CELLS] * len(_HEADERS))), min_size=1, max_size=6))
def test_the_builders_header_count_finds_the_rows_asked_one_by_one(
    cells: list[tuple[str | None, ...]],
) -> None:
    """The builder counts the cells that spell their header a column at a time; the
    rows it clears are those the row-by-row check clears."""
    columns = {h: [row[i] for row in cells] for i, h in enumerate(_HEADERS)}
    records = builder(columns).build(list(range(1, len(cells) + 1)), columns, {}, {})
    for record in records:
        counted = record._repeated_header()
        record.header_cells = None
        assert counted == record._repeated_header()
