"""Rows shifted by an unquoted delimiter, read again (carnet.ingest.realign)."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from carnet.ingest.realign import MOST_EXTRA, realign, shifted_tails

HEADERS = ["Nom", "Adresse", "CP", "Ville", "Email"]


def score(header: str, value: str) -> int:
    """A stand-in for the columns' checks: postcodes are five digits, e-mails hold an @,
    names and cities no digit."""
    value = value.strip()
    if header == "CP":
        return 1 if value.isdigit() and len(value) == 5 else -1
    if header == "Email":
        return 1 if "@" in value and ";" not in value else -1
    if header in ("Nom", "Ville"):
        return 1 if not any(c.isdigit() for c in value) and ";" not in value else -1
    return 1  # an address line takes anything


def test_one_split_address_is_joined_back() -> None:
    found = realign(
        HEADERS, ["Durand", "Résidence Les Pins", " Bât B", "13100", "Aix"], ("c@free.fr",),
        ";", score,
    )
    assert found == (["Durand", "Résidence Les Pins; Bât B", "13100", "Aix", "c@free.fr"], (1,))


def test_two_delimiters_in_one_address_are_joined_back() -> None:
    found = realign(
        HEADERS, ["Leroy", "Les Lilas", " Bât C", " Appt 12", "13001"], ("Marseille", "l@sfr.fr"),
        ";", score,
    )
    assert found == (["Leroy", "Les Lilas; Bât C; Appt 12", "13001", "Marseille", "l@sfr.fr"],
                     (1,))


def test_extra_cells_that_read_no_better_joined_stay_extra() -> None:
    # the row reads fine as it is: its extra cells are data of their own
    assert realign(HEADERS, ["Petit", "5 allée", "33000", "Bordeaux", "l@gmail.com"], ("VIP",),
                   ";", score) is None


def test_a_tie_between_two_readings_leaves_the_row_as_read() -> None:
    def blind(header: str, value: str) -> int:
        return 1 if header == "Email" and "@" in value else 0

    # joining Nom or Adresse gives the same score: nothing tells which was split
    assert realign(HEADERS, ["Durand", "A", "B", "13100", "Aix"], ("c@free.fr",), ";",
                   blind) is None


def test_of_readings_that_score_alike_the_one_joining_a_typed_delimiter_wins() -> None:
    def lenient(header: str, value: str) -> int:
        # a phone check that takes the number out of any text scores both ways alike
        if header == "Email":
            return 1 if "@" in value else 0
        return 1 if header == "Tel" and any(c.isdigit() for c in value) else 0

    headers = ["Nom", "Email", "Tel", "Ville"]
    # "a@x.fr; b@y.fr": the blank after the ';' says where a person typed it
    found = realign(headers, ["Dupont", "a@x.fr", " b@y.fr", "0612345678"], ("Paris",), ";",
                    lenient)
    assert found == (["Dupont", "a@x.fr; b@y.fr", "0612345678", "Paris"], (1,))
    # with no blank to tell, the row stays as read
    assert realign(headers, ["Dupont", "a@x.fr", "b@y.fr", "0612345678"], ("Paris",), ";",
                   lenient) is None


def test_rows_with_more_empty_cells_than_the_batch_usually_has_are_candidates() -> None:
    assert shifted_tails({}, 10) == {}
    assert shifted_tails({3: 1}, 10) == {3: ("",)}
    # every line ends with the delimiter: only a row with one more empty cell
    every = {n: 1 for n in range(1, 11)}
    assert shifted_tails(every, 10) == {}
    assert shifted_tails(every | {4: 2}, 10) == {4: ("",)}
    # beyond what realign tries, a row stays as read
    assert shifted_tails({5: MOST_EXTRA + 1}, 10) == {}


def test_more_extra_cells_than_it_tries_stay_as_read() -> None:
    extra = tuple(f"x{i}" for i in range(MOST_EXTRA + 1))
    assert realign(HEADERS, ["a", "b", "c", "d", "e"], extra, ";", score) is None


cells = st.lists(st.one_of(st.none(), st.text(max_size=8)), min_size=1, max_size=6)


@given(cells, st.lists(st.text(max_size=8), max_size=3))
def test_a_reading_has_one_cell_per_header_and_loses_no_text(
    row: list[str | None], extra: list[str]
) -> None:
    headers = [f"h{i}" for i in range(len(row))]
    found = realign(headers, row, tuple(extra), ";", lambda h, v: len(v) % 3 - 1)
    if found is None:
        return
    reading, where = found
    assert len(reading) == len(headers) and where
    assert ";".join(c or "" for c in reading) == ";".join(c or "" for c in [*row, *extra])
